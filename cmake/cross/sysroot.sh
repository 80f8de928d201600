#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# cmake/cross/sysroot.sh ARCH [hub|console] [DIR]
# A sysroot of Debian 12 (bookworm) ARCH packages (arm64, armhf) to cross-build against: the
# build dependencies of the hub (and, with "console", of the QML console), extracted with their
# dependencies by mmdebstrap's "extract" variant (nothing is run, so no binfmt or qemu is needed).
# DIR defaults to the cache directory cmake/cross/toolchain.cmake looks in. The package list's
# hash is kept in DIR/.switchboard-sysroot: an unchanged sysroot is not fetched again.
set -euo pipefail
arch=${1:?usage: sysroot.sh arm64|armhf [hub|console] [DIR]}
set_=${2:-hub}
case "$arch" in arm64 | armhf) ;; *) echo "sysroot.sh: unknown architecture \"$arch\" (arm64 or armhf)" >&2; exit 64 ;; esac
dir=${3:-${XDG_CACHE_HOME:-$HOME/.cache}/switchboard/sysroot-bookworm-$arch}

# What the hub, its plugins and its tests build against (PACKAGES in dev.sh, target side).
hub=(libc6-dev libstdc++-12-dev qt6-base-dev qt6-remoteobjects-dev libyaml-cpp-dev libssl-dev
     libhttp-parser-dev libvalijson-dev nlohmann-json3-dev libjemalloc-dev libsqlite3-dev
     zlib1g-dev)
# The console adds Qt Quick, its QML modules (run time, for its tests), QtKeychain and GL headers.
console=(qt6-declarative-dev qtkeychain-qt6-dev libgl-dev qml6-module-qtquick qml6-module-qtquick-controls
         qml6-module-qtquick-layouts qml6-module-qtquick-templates qml6-module-qtquick-window
         qml6-module-qtqml-workerscript qml6-module-qttest)
case "$set_" in
hub) packages=("${hub[@]}") ;;
console) packages=("${hub[@]}" "${console[@]}") ;;
*) echo "sysroot.sh: unknown package set \"$set_\" (hub or console)" >&2; exit 64 ;;
esac

stamp="$arch $set_ ${packages[*]}"
if [ -f "$dir/.switchboard-sysroot" ] && [ "$(cat "$dir/.switchboard-sysroot")" = "$stamp" ]; then
    echo "sysroot.sh: $dir is up to date"
    exit 0
fi
command -v mmdebstrap >/dev/null || { echo "sysroot.sh: mmdebstrap is missing (apt-get install mmdebstrap)" >&2; exit 69; }
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
tmp="$dir.new"
$sudo rm -rf "$tmp"
mkdir -p "$(dirname "$dir")"
include=$(IFS=,; echo "${packages[*]}")
echo "sysroot.sh: extracting bookworm $arch packages ($set_) into $dir"
# --mode=root as root; otherwise sudo runs mmdebstrap (unshare needs user namespaces).
here=$(cd "$(dirname "$0")" && pwd)
$sudo mmdebstrap --quiet --variant=extract --mode=root --arch="$arch" --include="$include" \
    --extract-hook="$here/dpkgdb.sh \"\$1\" $dir" bookworm "$tmp" "${SWITCHBOARD_DEBIAN_MIRROR:-http://deb.debian.org/debian}"
[ -n "$sudo" ] && $sudo chown -R "$(id -u):$(id -g)" "$tmp"
# A few of Debian's development symlinks are absolute (/lib/...): inside a sysroot they must
# point into it, so make them relative.
find "$tmp" -type l -lname '/*' | while read -r link; do
    target=$(readlink "$link")
    [ -e "$tmp$target" ] || continue
    ln -sfn "$(realpath -s --relative-to="$(dirname "$link")" "$tmp$target")" "$link"
done
echo "$stamp" >"$tmp/.switchboard-sysroot"
rm -rf "$dir"
mv "$tmp" "$dir"
echo "sysroot.sh: $dir ready ($(du -sh "$dir" | cut -f1))"
