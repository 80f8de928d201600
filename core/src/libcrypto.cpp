// SPDX-License-Identifier: Apache-2.0
#include "libcrypto_p.h"

#include <dlfcn.h>

namespace sb::detail {

namespace {

struct Loaded
{
    LibCrypto functions;
    QString error; // empty when loaded
};

Loaded load()
{
    Loaded out;
    // RTLD_LOCAL: our lookups go through dlsym; Qt's TLS backend loads the same library by its
    // own DT_NEEDED and gets the same mapping.
    void *handle = dlopen(SB_LIBCRYPTO_SONAME, RTLD_NOW | RTLD_LOCAL);
    if (!handle) {
        out.error = QStringLiteral("cannot load OpenSSL's libcrypto (%1): %2")
                        .arg(QLatin1String(SB_LIBCRYPTO_SONAME), QString::fromLocal8Bit(dlerror()));
        return out;
    }
#define SB_LIBCRYPTO_RESOLVE(name)                                                                 \
    out.functions.name = reinterpret_cast<decltype(&::name)>(dlsym(handle, #name));                \
    if (!out.functions.name && out.error.isEmpty())                                                \
        out.error = QStringLiteral("OpenSSL's libcrypto (%1) has no %2")                           \
                        .arg(QLatin1String(SB_LIBCRYPTO_SONAME), QLatin1String(#name));
    SB_LIBCRYPTO_FUNCTIONS(SB_LIBCRYPTO_RESOLVE)
#undef SB_LIBCRYPTO_RESOLVE
    // The handle stays open for the life of the process, as a linked library would.
    return out;
}

const Loaded &loaded()
{
    static const Loaded instance = load();
    return instance;
}

} // namespace

const LibCrypto *libCrypto(QString *error)
{
    const Loaded &l = loaded();
    if (!l.error.isEmpty()) {
        if (error)
            *error = l.error;
        return nullptr;
    }
    return &l.functions;
}

const LibCrypto &loadedLibCrypto()
{
    const LibCrypto *c = libCrypto();
    if (!c) // a caller skipped its libCrypto() check: a bug of ours, not of the input
        qFatal("libcrypto used before a successful libCrypto() call");
    return *c;
}

} // namespace sb::detail
