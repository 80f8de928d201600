#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# cmake/cross/qemu.sh [DIR]
# qemu-user 10 from Debian's bookworm-backports (package qemu-user-static: static binaries, no
# library of the machine's involved), extracted by mmdebstrap (which checks the archive's
# signatures) into DIR; nothing is installed and the machine's apt sources are not changed.
# Why not bookworm's qemu-user 7.2: Qt 6.4's QProcess (forkfd) sees pidfd support in the kernel and
# starts children with clone(CLONE_PIDFD), which qemu-user learnt in 8.0; 7.2 answers EINVAL, so no
# emulated test could start a process. Bookworm's 7.2 stays the fallback (cmake/cross/toolchain.cmake).
set -euo pipefail
dir=${1:-${XDG_CACHE_HOME:-$HOME/.cache}/switchboard/qemu-bookworm-backports}
stamp="qemu-user-static bookworm-backports"
if [ -x "$dir/usr/bin/qemu-aarch64" ] && [ "$(cat "$dir/.switchboard-qemu" 2>/dev/null)" = "$stamp" ]; then
    echo "qemu.sh: $dir is up to date"
    exit 0
fi
command -v mmdebstrap >/dev/null || { echo "qemu.sh: mmdebstrap is missing (apt-get install mmdebstrap)" >&2; exit 69; }
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
tmp="$dir.new"
$sudo rm -rf "$tmp"
mkdir -p "$(dirname "$dir")"
$sudo mmdebstrap --quiet --variant=extract --mode=root --arch="$(dpkg --print-architecture)" \
    --include=qemu-user-static bookworm-backports "$tmp" \
    "deb ${SWITCHBOARD_DEBIAN_MIRROR:-http://deb.debian.org/debian} bookworm-backports main"
[ -n "$sudo" ] && $sudo chown -R "$(id -u):$(id -g)" "$tmp"
# Only the two emulators the boards need (the package has every architecture's: 360 MB).
find "$tmp/usr/bin" -name 'qemu-*' ! -name qemu-aarch64 ! -name qemu-arm -delete
rm -rf "$tmp/usr/share" "$tmp/usr/lib"
"$tmp/usr/bin/qemu-aarch64" --version | head -1
echo "$stamp" >"$tmp/.switchboard-qemu"
rm -rf "$dir"
mv "$tmp" "$dir"
