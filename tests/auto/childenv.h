// SPDX-License-Identifier: Apache-2.0
// The environment for a short-lived tool a test starts (sbctl): under the asan preset its
// LeakSanitizer unwinds fully, so tests/sanitizers/lsan.supp recognises the leaks inside Qt Remote
// Objects (a fast unwind stops inside QtCore, above the library the suppression names). Only these
// children pay for it; the tests themselves keep the fast unwind.
#pragma once

#include <QProcessEnvironment>

namespace sbtest {

inline QProcessEnvironment childEnvironment()
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    const QString lsan = env.value(QStringLiteral("LSAN_OPTIONS"));
    if (!lsan.isEmpty() && !lsan.contains(QLatin1String("fast_unwind_on_malloc")))
        env.insert(QStringLiteral("LSAN_OPTIONS"), lsan + QStringLiteral(":fast_unwind_on_malloc=0"));
    return env;
}

} // namespace sbtest
