// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QObject>
#include <QtPlugin>

// A Qt plugin of another interface: the host must refuse it by IID.
class WrongIidPlugin : public QObject
{
    Q_OBJECT
    Q_PLUGIN_METADATA(IID "org.example.SomethingElse/1" FILE "wrongiid.json")
};
