// SPDX-License-Identifier: Apache-2.0
// Shared by the fuzz targets (one translation unit each): an oracle check that aborts, so libFuzzer
// and the replay driver both report it, and a quiet Qt message handler so warnings logged for bad
// input do not slow the fuzzer down (critical and fatal messages are still printed).
#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QString>
#include <QtGlobal>

#include <cstdint>
#include <cstdio>
#include <cstdlib>

#define SB_FUZZ_CHECK(cond)                                                                             \
    do {                                                                                                \
        if (!(cond)) {                                                                                  \
            std::fprintf(stderr, "%s:%d: fuzz check failed: %s\n", __FILE__, __LINE__, #cond);         \
            std::abort();                                                                               \
        }                                                                                               \
    } while (false)

namespace sb::fuzz {

inline void quietMessageHandler(QtMsgType type, const QMessageLogContext &, const QString &message)
{
    if (type == QtCriticalMsg || type == QtFatalMsg)
        std::fprintf(stderr, "%s\n", qPrintable(message));
}

// Installed once per process by a static initializer in each target.
inline bool installQuietMessageHandler()
{
    qInstallMessageHandler(quietMessageHandler);
    return true;
}

inline QByteArrayView bytes(const uint8_t *data, size_t size)
{
    return QByteArrayView(reinterpret_cast<const char *>(data), qsizetype(size));
}

} // namespace sb::fuzz

[[maybe_unused]] static const bool sbFuzzQuiet = sb::fuzz::installQuietMessageHandler();
