// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QJsonObject>
#include <QString>

namespace sbtest {

// The daemon's health through `sbctl --hub local:<controlSocket> --json status` (stats, plugins
// and their endpoints' counters); empty, with a warning, when sbctl fails.
QJsonObject sbctlStatus(const QString &sbctl, const QString &controlSocket);

// The first native endpoint's \a key in such a status, or -1 when it is absent.
double nativeEndpointValue(const QJsonObject &status, const QString &key);

} // namespace sbtest
