// SPDX-License-Identifier: Apache-2.0
// sbctl: the command-line replica of a hub's remote-control API. All logic lives in Sbctl.
#include "sbctl.h"

#include <QCoreApplication>

#include <cstdio>

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("sbctl"));
    QTextStream out(stdout);
    QTextStream err(stderr);
    sb::sbctl::Sbctl sbctl(out, err);
    return sbctl.run(app.arguments());
}
