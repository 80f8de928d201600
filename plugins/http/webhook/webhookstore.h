// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "webhookrecord.h"

#include <QList>

namespace sb::http {

// The webhook subscriptions on disk: one JSON file {"version": 1, "webhooks": [...]}, written
// whole and atomically (QSaveFile) with mode 0600 — it holds the signing secrets. An empty path
// keeps nothing (memory only).
class WebhookStore
{
public:
    explicit WebhookStore(const QString &path) : m_path(path) {}

    QString path() const { return m_path; }
    bool isPersistent() const { return !m_path.isEmpty(); }
    // A missing file is an empty store; a broken one is INVALID_CONFIG naming it (the hub starts
    // without webhooks rather than overwrite it: nothing is saved until it is fixed or removed).
    Result<QList<WebhookRecord>> load();
    // INTERNAL naming the path and the OS error when the file cannot be written.
    Status save(const QList<WebhookRecord> &records);
    bool isBroken() const { return m_broken; }

private:
    QString m_path;
    bool m_broken = false;
};

} // namespace sb::http
