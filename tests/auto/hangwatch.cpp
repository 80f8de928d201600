// SPDX-License-Identifier: Apache-2.0
#include "hangwatch.h"

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <dirent.h>
#include <fcntl.h>
#include <spawn.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

// Plain POSIX and the standard library on purpose: this runs when the test's own thread may hold
// any lock of Qt's, so it must not need the event loop, QProcess or a QObject.
namespace sb::test::HangWatch {

namespace {
using Clock = std::chrono::steady_clock;

struct State
{
    std::mutex mutex;
    std::condition_variable wake;
    bool started = false;
    Clock::time_point binaryStart = Clock::now();
    Clock::time_point functionStart = Clock::now();
    std::string function; // "name" or "name(tag)"
    std::map<qint64, std::string> children;
};

// Never destroyed: the watchdog thread is detached and may still wait on it at exit.
State &state()
{
    static State *s = new State;
    return *s;
}

int envSeconds(const char *name, int fallback)
{
    const char *v = std::getenv(name);
    if (!v || !*v)
        return fallback;
    return std::atoi(v);
}

void writeAll(int fd, const std::string &text)
{
    const char *p = text.data();
    size_t left = text.size();
    while (left > 0) {
        const ssize_t n = ::write(fd, p, left);
        if (n <= 0)
            return;
        p += n;
        left -= size_t(n);
    }
}

std::string readFile(const std::string &path, size_t max = 16384)
{
    std::string out;
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return out;
    char buf[4096];
    ssize_t n;
    while (out.size() < max && (n = ::read(fd, buf, sizeof buf)) > 0)
        out.append(buf, size_t(n));
    ::close(fd);
    return out;
}

std::vector<std::string> listDir(const std::string &path)
{
    std::vector<std::string> out;
    if (DIR *d = ::opendir(path.c_str())) {
        while (dirent *e = ::readdir(d)) {
            if (e->d_name[0] != '.')
                out.emplace_back(e->d_name);
        }
        ::closedir(d);
    }
    return out;
}

// The parent pid from /proc/PID/stat (the field after the command's closing parenthesis).
qint64 parentOf(const std::string &pid)
{
    const std::string stat = readFile("/proc/" + pid + "/stat", 1024);
    const size_t close = stat.rfind(')');
    if (close == std::string::npos || close + 4 >= stat.size())
        return -1;
    return std::atoll(stat.c_str() + close + 4); // ") S 123"
}

std::vector<qint64> descendantsOf(qint64 root)
{
    std::multimap<qint64, qint64> children;
    for (const std::string &name : listDir("/proc")) {
        if (name.find_first_not_of("0123456789") != std::string::npos)
            continue;
        children.emplace(parentOf(name), std::atoll(name.c_str()));
    }
    std::vector<qint64> out;
    std::vector<qint64> todo{root};
    while (!todo.empty()) {
        const qint64 p = todo.back();
        todo.pop_back();
        const auto [b, e] = children.equal_range(p);
        for (auto it = b; it != e; ++it) {
            out.push_back(it->second);
            todo.push_back(it->second);
        }
    }
    return out;
}

bool findGdb(std::string *path)
{
    if (const char *no = std::getenv("SB_HANGWATCH_GDB"); no && std::strcmp(no, "0") == 0)
        return false;
    const char *env = std::getenv("PATH");
    std::string dirs = env ? env : "/usr/bin:/bin";
    size_t start = 0;
    while (start <= dirs.size()) {
        const size_t end = dirs.find(':', start);
        const std::string dir = dirs.substr(start, end == std::string::npos ? std::string::npos : end - start);
        const std::string candidate = (dir.empty() ? std::string(".") : dir) + "/gdb";
        if (::access(candidate.c_str(), X_OK) == 0) {
            *path = candidate;
            return true;
        }
        if (end == std::string::npos)
            break;
        start = end + 1;
    }
    return false;
}

// Runs gdb on \a pid with its output to \a fd; kills it after \a timeoutMs.
void runGdb(const std::string &gdb, qint64 pid, int fd, int timeoutMs)
{
    const std::string pidText = std::to_string(pid);
    std::vector<std::string> args{gdb, "-p", pidText, "-batch", "-nx", "-ex", "set pagination off",
                                  "-ex", "info threads", "-ex", "thread apply all bt"};
    std::vector<char *> argv;
    for (std::string &a : args)
        argv.push_back(a.data());
    argv.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&actions, fd, 1);
    posix_spawn_file_actions_adddup2(&actions, fd, 2);
    pid_t child = -1;
    const int rc = posix_spawn(&child, gdb.c_str(), &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    if (rc != 0) {
        writeAll(fd, "hangwatch: cannot run gdb: " + std::string(std::strerror(rc)) + "\n");
        return;
    }
    const auto deadline = Clock::now() + std::chrono::milliseconds(timeoutMs);
    int status = 0;
    while (::waitpid(child, &status, WNOHANG) == 0) {
        if (Clock::now() > deadline) {
            ::kill(child, SIGKILL);
            ::waitpid(child, &status, 0);
            writeAll(fd, "hangwatch: gdb did not finish in time, killed\n");
            return;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
}

void dumpProc(qint64 pid, int fd)
{
    const std::string base = "/proc/" + std::to_string(pid);
    for (const std::string &tid : listDir(base + "/task")) {
        const std::string task = base + "/task/" + tid;
        std::string comm = readFile(task + "/comm", 256);
        while (!comm.empty() && comm.back() == '\n')
            comm.pop_back();
        const std::string stat = readFile(task + "/stat", 1024);
        const size_t close = stat.rfind(')');
        const std::string state = close != std::string::npos && close + 2 < stat.size() ? stat.substr(close + 2, 1) : "?";
        writeAll(fd, "  thread " + tid + " \"" + comm + "\" state " + state + " wchan " + readFile(task + "/wchan", 256) + "\n");
        const std::string stack = readFile(task + "/stack");
        if (!stack.empty())
            writeAll(fd, stack);
    }
}

// Budget for all gdb runs of one dump (SB_HANGWATCH_DUMP_S): the dump must end before ctest's own
// timeout. The children get two thirds of it, the test process the rest.
std::chrono::milliseconds dumpBudget()
{
    return std::chrono::seconds(std::max(5, envSeconds("SB_HANGWATCH_DUMP_S", 45)));
}

void dumpProcessWithBudget(qint64 pid, int fd, Clock::time_point gdbDeadline)
{
    const std::string base = "/proc/" + std::to_string(pid);
    std::string cmdline = readFile(base + "/cmdline", 2048);
    for (char &c : cmdline) {
        if (c == '\0')
            c = ' ';
    }
    // Between exec's closing of the CLOEXEC pipe (QProcess's "started") and the new image's
    // argument area being set up, cmdline reads empty; ps shows such a process as [comm].
    if (cmdline.empty()) {
        std::string comm = readFile(base + "/comm", 64);
        if (!comm.empty() && comm.back() == '\n')
            comm.pop_back();
        cmdline = "[" + comm + "]";
    }
    writeAll(fd, "=== hangwatch: process " + std::to_string(pid) + ": " + cmdline + "\n");
    writeAll(fd, "--- /proc view (state, wchan, kernel stack where readable)\n");
    dumpProc(pid, fd);
    std::string gdb;
    if (!findGdb(&gdb)) {
        writeAll(fd, "--- no gdb installed (or SB_HANGWATCH_GDB=0): no user-space stacks\n");
        return;
    }
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(gdbDeadline - Clock::now());
    if (left.count() < 2000) {
        writeAll(fd, "--- gdb skipped: out of time\n");
        return;
    }
    writeAll(fd, "--- gdb: thread apply all bt\n");
    runGdb(gdb, pid, fd, int(std::min<qint64>(left.count(), 30000)));
}

void watch()
{
    const int binaryLimit = envSeconds("SB_HANGWATCH_TIMEOUT_S", 240);
    const int functionLimit = envSeconds("SB_HANGWATCH_FUNCTION_TIMEOUT_S", 0);
    State &s = state();
    std::unique_lock<std::mutex> lock(s.mutex);
    for (;;) {
        const Clock::time_point binaryDeadline = binaryLimit > 0 ? s.binaryStart + std::chrono::seconds(binaryLimit)
                                                                 : Clock::time_point::max();
        const Clock::time_point functionDeadline = functionLimit > 0 && !s.function.empty()
            ? s.functionStart + std::chrono::seconds(functionLimit)
            : Clock::time_point::max();
        const Clock::time_point deadline = std::min(binaryDeadline, functionDeadline);
        if (deadline == Clock::time_point::max()) {
            s.wake.wait(lock);
            continue;
        }
        if (s.wake.wait_until(lock, deadline) == std::cv_status::no_timeout)
            continue; // re-armed
        if (Clock::now() < deadline)
            continue;
        const bool whole = binaryDeadline <= functionDeadline;
        std::string why = whole ? "the test binary ran longer than SB_HANGWATCH_TIMEOUT_S=" + std::to_string(binaryLimit) + " s"
                                : "the test function ran longer than SB_HANGWATCH_FUNCTION_TIMEOUT_S=" + std::to_string(functionLimit) + " s";
        if (!s.function.empty())
            why += " (last test function started: " + s.function + ")";
        lock.unlock();
        dumpAll(STDERR_FILENO, why.c_str());
        lock.lock();
        for (const auto &[pid, what] : s.children)
            ::kill(pid_t(pid), SIGKILL);
        lock.unlock();
        writeAll(STDERR_FILENO, "hangwatch: aborting\n");
        std::abort();
    }
}
} // namespace

void start()
{
    State &s = state();
    {
        std::lock_guard<std::mutex> lock(s.mutex);
        if (s.started)
            return;
        s.started = true;
    }
    std::thread(watch).detach();
}

void registerChild(qint64 pid, const char *what)
{
    std::lock_guard<std::mutex> lock(state().mutex);
    state().children[pid] = what ? what : "";
}

void unregisterChild(qint64 pid)
{
    std::lock_guard<std::mutex> lock(state().mutex);
    state().children.erase(pid);
}

void testFunctionStarted(const char *function, const char *dataTag)
{
    State &s = state();
    {
        std::lock_guard<std::mutex> lock(s.mutex);
        s.function = function ? function : "?";
        if (dataTag && *dataTag)
            s.function += std::string("(") + dataTag + ")";
        s.functionStart = Clock::now();
    }
    s.wake.notify_all();
}

void dumpProcess(qint64 pid, int fd)
{
    dumpProcessWithBudget(pid, fd, Clock::now() + dumpBudget());
}

void dumpAll(int fd, const char *why)
{
    const Clock::time_point start = Clock::now();
    const Clock::time_point gdbDeadline = start + dumpBudget() * 2 / 3;
    const qint64 self = ::getpid();
    std::map<qint64, std::string> children;
    {
        std::lock_guard<std::mutex> lock(state().mutex);
        children = state().children;
    }
    writeAll(fd, std::string("\n######## hangwatch: ") + why + "\n");
    writeAll(fd, "hangwatch: test process " + std::to_string(self) + "; registered children:");
    for (const auto &[pid, what] : children)
        writeAll(fd, " " + std::to_string(pid) + " (" + what + ")");
    writeAll(fd, "\n");
    // Let gdb attach to us where Yama restricts ptrace to ancestors (a no-op elsewhere).
    ::prctl(PR_SET_PTRACER, PR_SET_PTRACER_ANY, 0, 0, 0);
    std::set<qint64> done;
    // The children first: a hung daemon is the likelier story, and the test's own stack is
    // read last so that gdb's attach does not disturb the others.
    for (const auto &[pid, what] : children) {
        if (::kill(pid_t(pid), 0) == 0 && done.insert(pid).second)
            dumpProcessWithBudget(pid, fd, gdbDeadline);
    }
    for (const qint64 pid : descendantsOf(self)) {
        // Skip the gdb runs of this very dump.
        std::string comm = readFile("/proc/" + std::to_string(pid) + "/comm", 64);
        if (comm.rfind("gdb", 0) == 0)
            continue;
        if (done.insert(pid).second)
            dumpProcessWithBudget(pid, fd, gdbDeadline);
    }
    dumpProcessWithBudget(self, fd, start + dumpBudget());
    writeAll(fd, "######## hangwatch: end of dump\n");
}

namespace {
[[maybe_unused]] const bool s_autoStart = (start(), true);
}

} // namespace sb::test::HangWatch
