#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# cmake/cross/dpkgdb.sh ROOT PREFIX — run by sysroot.sh as mmdebstrap's extract hook.
# mmdebstrap's "extract" variant unpacks packages without installing them, so the sysroot has no
# dpkg database, and dpkg-shlibdeps (CPack's Depends: of the .debs) cannot tell which package a
# library comes from. From the downloaded .debs in ROOT/var/cache/apt/archives this writes one
# into ROOT/var/lib/dpkg: status, each package's file list with the sysroot's final path PREFIX in
# front (dpkg-shlibdeps finds the libraries there, through -l) and its shlibs and symbols files.
# CPack then runs dpkg-shlibdeps with DPKG_ADMINDIR pointing here (installer/cpackoptions.cmake).
set -euo pipefail
root=$1
prefix=$2
db=$root/var/lib/dpkg
mkdir -p "$db/info"
echo 1 >"$db/info/format" # arch-qualified names (pkg:arch.list) for Multi-Arch: same
: >"$db/status"
: >"$db/available"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for deb in "$root"/var/cache/apt/archives/*.deb; do
    pkg=$(dpkg-deb -f "$deb" Package)
    arch=$(dpkg-deb -f "$deb" Architecture)
    ma=$(dpkg-deb -f "$deb" Multi-Arch)
    name=$pkg
    [ "$ma" = same ] && name="$pkg:$arch"
    { dpkg-deb -f "$deb"; echo "Status: install ok installed"; echo; } |
        sed '/^Status:/d; s/^Package: .*/&\nStatus: install ok installed/' | awk 'NF || !blank++' >>"$db/status"
    dpkg-deb --fsys-tarfile "$deb" | tar -t | sed -e 's|^\./|/|' -e 's|/$||' | grep -v '^/\?$' |
        sed "s|^|$prefix|" >"$db/info/$name.list"
    rm -rf "$tmp"/*
    dpkg-deb -e "$deb" "$tmp/ctl"
    for f in shlibs symbols; do
        [ -f "$tmp/ctl/$f" ] && cp "$tmp/ctl/$f" "$db/info/$name.$f"
    done
done
