#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Switchboard developer entry point: installs missing Debian packages, configures, builds,
# then runs the daemon (`./dev.sh run`) or every test (`./dev.sh test`).
#   ./dev.sh run  [-- args]          build (preset "default"), then the console where there is a display
#                                    (its own embedded hub), else switchboardd on its built-in defaults
#   ./dev.sh test [--asan]           build and run ctest (preset "default", or "asan": ASan + UBSan);
#                                    the plain run then builds the arm64 packages and smoke-tests them
#                                    under qemu-user (SWITCHBOARD_CROSS_SMOKE=0: not)
#   ./dev.sh test --arch ARCH [ctest args]  cross-build for arm64 or armhf and run the core, daemon,
#                                    native, journal, remote, sbctl (and on arm64 console) suites under qemu-user
#   ./dev.sh package [--arch ARCH]   the .debs (switchboard, switchboard-console, -dbgsym), natively or
#                                    cross-built for arm64 / armhf boards, into build/<preset>/
#   ./dev.sh bench [sb-bench args]   build and run bench/sb-bench (switchboardd vs nats-server and redis-server)
#   ./dev.sh bench-http [args]       build and run bench/http-bench (REST publish: switchboardd vs nginx, wrk)
#   ./dev.sh bench-journal [args]    build and run bench/journal-bench (durable publish: journal vs JetStream, SQLite)
#   ./dev.sh bench-replay [args]     build and run bench/replay-bench (replay timing at 1x and 10x, max speed)
#   ./dev.sh bench-ws [args]         build, npm-install bench/ws-broadcast and run it (WebSocket broadcast:
#                                    switchboardd vs a Node server on npm ws; SSE fan-out); --help lists args
#   ./dev.sh startup-order           rewrite cmake/startup-order/*.txt: what switchboardd runs while it
#                                    starts and idles (valgrind's callgrind), packed first by the linker
#   ./dev.sh fuzz [seconds] [name...] build the libFuzzer targets (clang-14, preset "fuzz") and run each
#                                    (default: all of tests/fuzz, 60 s each); findings in build/fuzz/artifacts
set -euo pipefail
cd "$(dirname "$0")"

PACKAGES=(cmake ninja-build g++ ccache pkg-config qt6-base-dev qt6-base-dev-tools zlib1g-dev libyaml-cpp-dev openssl libssl-dev
          libnats-dev libhiredis-dev nats-server redis-server libhttp-parser-dev libvalijson-dev nlohmann-json3-dev libjemalloc-dev
          qt6-remoteobjects-dev python3-pyqt6.qtremoteobjects dpkg-dev file iproute2 util-linux
          qt6-declarative-dev qml6-module-qtquick qml6-module-qtquick-controls qml6-module-qtquick-layouts
          qml6-module-qtquick-templates qml6-module-qtquick-window qml6-module-qtqml-workerscript
          qt6-tools-dev qt6-l10n-tools libgl-dev qtkeychain-qt6-dev qml6-module-qttest
          libsqlite3-dev gdb lld)
# Only for ./dev.sh test: curl, chromium (headless: EventSource and CORS from a page on another
# origin) and promtool (Debian's prometheus package; on a machine with systemd it also starts a
# Prometheus server on :9090, so the run command does not install it).
TEST_PACKAGES=(curl prometheus chromium python3-websockets)
# Only for ./dev.sh fuzz: clang and its libFuzzer + sanitizer runtimes.
FUZZ_PACKAGES=(clang-14 libclang-rt-14-dev)
# Only for the bench commands: wrk and nginx for bench/http-bench, which starts its own nginx
# instances on free loopback ports. Not in PACKAGES: run and test must not install nginx (on a
# real machine Debian's postinst may start a system nginx on port 80; see bench/README.md).
BENCH_PACKAGES=(wrk nginx-light)
# Only for the board builds (--arch): Debian's cross toolchain is added per architecture
# (crossbuild-essential-arm64 / -armhf), mmdebstrap makes the sysroot, qemu-user runs the tests.
CROSS_PACKAGES=(mmdebstrap qemu-user curl)

install_missing() {
    local missing=()
    for p in "${PACKAGES[@]}" "$@"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
    done
    if ((${#missing[@]})); then
        echo "dev.sh: installing missing packages: ${missing[*]}"
        local sudo=""
        [ "$(id -u)" -eq 0 ] || sudo="sudo"
        $sudo apt-get update -qq
        # nats-server and redis-server are for bench/sb-bench, which starts its own on free ports.
        DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
    fi
}

build() {
    local preset=$1
    cmake --preset "$preset"
    cmake --build --preset "$preset"
}

# cross_build ARCH TESTS: the sysroot and the cross build of preset cross-ARCH (tests ON or OFF).
cross_build() {
    local arch=$1 tests=$2 set=hub
    case "$arch" in
    arm64) set=console ;; # arm64 builds the console too
    armhf) ;;
    *) echo "dev.sh: unknown architecture \"$arch\" (arm64 or armhf)" >&2; exit 64 ;;
    esac
    install_missing "${CROSS_PACKAGES[@]}" "crossbuild-essential-$arch"
    cmake/cross/sysroot.sh "$arch" "$set"
    cmake/cross/qemu.sh
    cmake --preset "cross-$arch" -DSWITCHBOARD_BUILD_TESTS="$tests"
    cmake --build --preset "cross-$arch"
}

# package_debs PRESET: the .debs of a build directory, listed with their sizes.
package_debs() {
    local dir=build/$1
    rm -f "$dir"/*.deb "$dir"/*.ddeb
    (cd "$dir" && cpack -G DEB >/dev/null)
    for f in "$dir"/*.deb "$dir"/*.ddeb; do
        printf '%-70s %6s KiB, installs %6s KiB\n' "$f" "$(($(stat -c %s "$f") / 1024))" "$(dpkg-deb -f "$f" Installed-Size)"
    done
}

cmd=${1:-run}
shift || true
case "$cmd" in
run)
    [ "${1:-}" = "--" ] && shift
    install_missing
    build default
    if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
        # The console with a hub embedded in it (native protocol on a free loopback port).
        exec build/default/bin/switchboard "$@"
    fi
    # Headless: the daemon on its built-in defaults (in-process bus, native protocol on
    # 127.0.0.1:7400 and a local socket, remote control on local:switchboard-control).
    exec build/default/bin/switchboardd "$@"
    ;;
bench)
    install_missing "${BENCH_PACKAGES[@]}"
    build default
    exec build/default/bin/sb-bench "$@"
    ;;
bench-http)
    install_missing "${BENCH_PACKAGES[@]}"
    build default
    exec build/default/bin/http-bench "$@"
    ;;
bench-journal)
    # bench/journal-bench: durable publishes against nats-server JetStream and bare SQLite.
    build default
    exec build/default/bin/journal-bench "$@"
    ;;
startup-order)
    # cmake/startup-order/generate.sh: callgrind runs the daemon of the default build; rebuild after.
    install_missing valgrind python3
    build default
    cmake/startup-order/generate.sh build/default
    ;;
bench-replay)
    # bench/replay-bench: the replay engine's timing against a recording, in process.
    build default
    exec build/default/bin/replay-bench "$@"
    ;;
bench-ws)
    # bench/ws-broadcast: Node and npm (Debian's nodejs and npm when none is installed), npm's
    # `ws` at the version package-lock.json pins.
    extra=()
    command -v node >/dev/null || extra+=(nodejs)
    command -v npm >/dev/null || extra+=(npm)
    install_missing "${extra[@]}"
    build default
    (cd bench/ws-broadcast && npm ci --no-audit --no-fund --silent)
    exec node bench/ws-broadcast/runner.js --daemon build/default/bin/switchboardd "$@"
    ;;
fuzz)
    seconds=${1:-60}
    shift || true
    case "$seconds" in
    '' | *[!0-9]*) echo "dev.sh fuzz: seconds must be a whole number, got \"$seconds\"" >&2; exit 64 ;;
    esac
    names=("$@")
    if ((${#names[@]} == 0)); then
        for f in tests/fuzz/fuzz_*.cpp; do
            f=${f##*/fuzz_}
            names+=("${f%.cpp}")
        done
    fi
    install_missing "${FUZZ_PACKAGES[@]}"
    build fuzz
    # Each target runs alone (the machine's cores are shared) over a scratch copy of its seed corpus
    # that keeps what libFuzzer finds across runs; crashes, leaks and timeouts land in artifacts/.
    export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
    export LSAN_OPTIONS=suppressions=$PWD/tests/sanitizers/lsan.supp
    export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
    failed=()
    for name in "${names[@]}"; do
        bin=build/fuzz/tests/bin/fuzz_$name
        [ -x "$bin" ] || { echo "dev.sh fuzz: no target fuzz_$name" >&2; exit 64; }
        corpus=build/fuzz/corpus/$name
        artifacts=build/fuzz/artifacts/$name
        log=build/fuzz/logs/$name.log
        mkdir -p "$corpus" "$artifacts" build/fuzz/logs
        cp -n tests/fuzz/corpus/"$name"/* "$corpus"/ 2>/dev/null || true
        dict=()
        [ -f tests/fuzz/dict/"$name".dict ] && dict=(-dict=tests/fuzz/dict/"$name".dict)
        echo "dev.sh fuzz: fuzz_$name for ${seconds}s (log $log)"
        if "$bin" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
                -artifact_prefix="$artifacts"/ "${dict[@]}" "$corpus" >"$log" 2>&1; then
            grep -E '^stat::number_of_executed_units|^Done ' "$log" | tail -1
        else
            failed+=("$name")
            grep -E 'ERROR|SUMMARY|fuzz check failed|Test unit written' "$log" | head -5
        fi
    done
    if ((${#failed[@]})); then
        echo "dev.sh fuzz: findings in: ${failed[*]} (see build/fuzz/logs and build/fuzz/artifacts)" >&2
        exit 1
    fi
    echo "dev.sh fuzz: no findings in ${names[*]}"
    ;;
test)
    if [ "${1:-}" = "--arch" ]; then
        arch=${2:?./dev.sh test --arch arm64|armhf}
        shift 2
        # The suites a board's hub runs on, emulated: timeouts x5 (preset cross-ARCH); the
        # exceptions and their reasons are in docs/BOARDS.md.
        install_missing "${TEST_PACKAGES[@]}"
        cross_build "$arch" ON
        ctest --preset "cross-$arch" -L '^(core|daemon|native|journal|remote|sbctl|console)$' "$@"
        exit
    fi
    preset=default
    if [ "${1:-}" = "--asan" ]; then preset=asan; fi
    install_missing "${TEST_PACKAGES[@]}"
    build "$preset"
    ctest --preset "$preset"
    if [ "$preset" = default ] && [ "${SWITCHBOARD_CROSS_SMOKE:-1}" != 0 ]; then
        # The board build (issue #17): the arm64 packages, their daemon and sbctl under qemu-user.
        cross_build arm64 OFF
        package_debs cross-arm64
        tests/cross/smoke.sh arm64 build/cross-arm64
    fi
    ;;
package)
    if [ "${1:-}" = "--arch" ]; then
        arch=${2:?./dev.sh package --arch arm64|armhf}
        cross_build "$arch" OFF
        package_debs "cross-$arch"
    else
        build default
        package_debs default
    fi
    ;;
*)
    echo "usage: ./dev.sh run [-- args] | ./dev.sh test [--asan | --arch ARCH [ctest args]] | ./dev.sh package [--arch ARCH] | ./dev.sh bench [args] | ./dev.sh bench-http [args] | ./dev.sh bench-journal [args] | ./dev.sh bench-replay [args] | ./dev.sh bench-ws [args] | ./dev.sh fuzz [seconds] [name...]" >&2
    exit 64
    ;;
esac
