// SPDX-License-Identifier: Apache-2.0
#include "faultyvfs.h"

#include <sqlite3.h>

#include <chrono>
#include <cstring>
#include <map>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

namespace faultyvfs {

std::atomic<bool> failSync{false};
std::atomic<bool> holdUnsynced{false};
std::atomic<int> syncs{0};
std::atomic<int> syncDelayUs{0};
std::atomic<int> cutAtWrite{-1};

namespace {

std::atomic<bool> g_dead{false};
sqlite3_vfs *g_real = nullptr;
sqlite3_vfs g_vfs;

struct File
{
    sqlite3_file base;
    sqlite3_file *real; // allocated right after this struct (szOsFile)
};

// Writes not fsynced yet, per file: offset -> bytes (later writes replace earlier ones).
std::mutex g_mutex;
std::map<sqlite3_file *, std::map<sqlite3_int64, std::vector<char>>> g_pending;

sqlite3_file *real(sqlite3_file *f)
{
    return reinterpret_cast<File *>(f)->real;
}

sqlite3_int64 pendingEnd(sqlite3_file *f)
{
    sqlite3_int64 end = 0;
    auto it = g_pending.find(f);
    if (it != g_pending.end())
        for (const auto &[off, bytes] : it->second)
            end = std::max(end, off + sqlite3_int64(bytes.size()));
    return end;
}

int flush(sqlite3_file *f)
{
    auto it = g_pending.find(f);
    if (it == g_pending.end())
        return SQLITE_OK;
    for (const auto &[off, bytes] : it->second) {
        const int rc = real(f)->pMethods->xWrite(real(f), bytes.data(), int(bytes.size()), off);
        if (rc != SQLITE_OK)
            return rc;
    }
    g_pending.erase(it);
    return SQLITE_OK;
}

int xClose(sqlite3_file *f)
{
    std::lock_guard<std::mutex> lock(g_mutex);
    g_pending.erase(f); // closing does not write back what was never fsynced
    return real(f)->pMethods->xClose(real(f));
}
int xRead(sqlite3_file *f, void *b, int n, sqlite3_int64 o)
{
    std::lock_guard<std::mutex> lock(g_mutex);
    int rc = real(f)->pMethods->xRead(real(f), b, n, o);
    auto it = g_pending.find(f);
    if (it == g_pending.end())
        return rc;
    // What this process wrote, it reads back, fsynced or not.
    bool covered = false;
    for (const auto &[off, bytes] : it->second) {
        const sqlite3_int64 from = std::max(o, off), to = std::min(o + n, off + sqlite3_int64(bytes.size()));
        if (from < to) {
            std::memcpy(static_cast<char *>(b) + (from - o), bytes.data() + (from - off), size_t(to - from));
            covered = true;
        }
    }
    if (rc == SQLITE_IOERR_SHORT_READ && covered && pendingEnd(f) >= o + n)
        rc = SQLITE_OK;
    return rc;
}
int xWrite(sqlite3_file *f, const void *b, int n, sqlite3_int64 o)
{
    if (g_dead)
        return SQLITE_OK;
    if (!holdUnsynced)
        return real(f)->pMethods->xWrite(real(f), b, n, o);
    if (cutAtWrite.load() > 0 && cutAtWrite.fetch_sub(1) == 1) {
        powerCut(); // in the middle of whatever the writer was doing
        return SQLITE_OK;
    }
    std::lock_guard<std::mutex> lock(g_mutex);
    auto &pending = g_pending[f];
    pending[o].assign(static_cast<const char *>(b), static_cast<const char *>(b) + n);
    return SQLITE_OK;
}
int xTruncate(sqlite3_file *f, sqlite3_int64 s)
{
    if (g_dead)
        return SQLITE_OK;
    std::lock_guard<std::mutex> lock(g_mutex);
    if (const int rc = flush(f); rc != SQLITE_OK)
        return rc;
    return real(f)->pMethods->xTruncate(real(f), s);
}
int xSync(sqlite3_file *f, int flags)
{
    ++syncs;
    if (g_dead)
        return SQLITE_OK;
    if (failSync)
        return SQLITE_IOERR_FSYNC;
    if (const int us = syncDelayUs.load(); us > 0)
        std::this_thread::sleep_for(std::chrono::microseconds(us));
    std::lock_guard<std::mutex> lock(g_mutex);
    if (const int rc = flush(f); rc != SQLITE_OK)
        return rc;
    return real(f)->pMethods->xSync(real(f), flags);
}
int xFileSize(sqlite3_file *f, sqlite3_int64 *s)
{
    std::lock_guard<std::mutex> lock(g_mutex);
    const int rc = real(f)->pMethods->xFileSize(real(f), s);
    *s = std::max(*s, pendingEnd(f));
    return rc;
}
int xLock(sqlite3_file *f, int l) { return real(f)->pMethods->xLock(real(f), l); }
int xUnlock(sqlite3_file *f, int l) { return real(f)->pMethods->xUnlock(real(f), l); }
int xCheckReservedLock(sqlite3_file *f, int *r) { return real(f)->pMethods->xCheckReservedLock(real(f), r); }
int xFileControl(sqlite3_file *f, int op, void *a) { return real(f)->pMethods->xFileControl(real(f), op, a); }
int xSectorSize(sqlite3_file *f) { return real(f)->pMethods->xSectorSize(real(f)); }
int xDeviceCharacteristics(sqlite3_file *f) { return real(f)->pMethods->xDeviceCharacteristics(real(f)); }
int xShmMap(sqlite3_file *f, int i, int s, int e, void volatile **p) { return real(f)->pMethods->xShmMap(real(f), i, s, e, p); }
int xShmLock(sqlite3_file *f, int o, int n, int fl) { return real(f)->pMethods->xShmLock(real(f), o, n, fl); }
void xShmBarrier(sqlite3_file *f) { real(f)->pMethods->xShmBarrier(real(f)); }
int xShmUnmap(sqlite3_file *f, int d) { return real(f)->pMethods->xShmUnmap(real(f), g_dead ? 0 : d); }
// Memory-mapped reads would bypass the pending writes: never map.
int xFetch(sqlite3_file *, sqlite3_int64, int, void **p)
{
    *p = nullptr;
    return SQLITE_OK;
}
int xUnfetch(sqlite3_file *, sqlite3_int64, void *) { return SQLITE_OK; }

const sqlite3_io_methods g_methods = {3,         xClose,      xRead,       xWrite,        xTruncate,  xSync,
                                      xFileSize, xLock,       xUnlock,     xCheckReservedLock, xFileControl, xSectorSize,
                                      xDeviceCharacteristics, xShmMap, xShmLock, xShmBarrier, xShmUnmap, xFetch,
                                      xUnfetch};

int xOpen(sqlite3_vfs *, sqlite3_filename name, sqlite3_file *f, int flags, int *outFlags)
{
    File *file = reinterpret_cast<File *>(f);
    file->real = reinterpret_cast<sqlite3_file *>(file + 1);
    file->real->pMethods = nullptr;
    const int rc = g_real->xOpen(g_real, name, file->real, flags, outFlags);
    file->base.pMethods = file->real->pMethods ? &g_methods : nullptr;
    return rc;
}

int xDelete(sqlite3_vfs *, const char *name, int syncDir)
{
    if (g_dead)
        return SQLITE_OK; // a stopped machine deletes nothing
    return g_real->xDelete(g_real, name, syncDir);
}

} // namespace

void install()
{
    if (g_real)
        return;
    g_real = sqlite3_vfs_find(nullptr);
    g_vfs = *g_real;
    g_vfs.pNext = nullptr;
    g_vfs.zName = Name;
    g_vfs.szOsFile = int(sizeof(File)) + g_real->szOsFile;
    g_vfs.xOpen = xOpen;
    g_vfs.xDelete = xDelete;
    sqlite3_vfs_register(&g_vfs, 0);
}

void powerCut()
{
    std::lock_guard<std::mutex> lock(g_mutex);
    g_dead = true;
    g_pending.clear();
}

bool isCut()
{
    return g_dead;
}

void reset()
{
    std::lock_guard<std::mutex> lock(g_mutex);
    g_dead = false;
    cutAtWrite = -1;
    holdUnsynced = false;
    failSync = false;
    syncDelayUs = 0;
    g_pending.clear();
}

} // namespace faultyvfs
