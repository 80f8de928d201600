# SPDX-License-Identifier: Apache-2.0
# Cross-compiling for a Debian 12 board: Debian's cross toolchain (crossbuild-essential-<arch>)
# against a sysroot of bookworm's <arch> packages (cmake/cross/sysroot.sh), with the build
# machine's Qt tools (moc, rcc, lrelease, qmlcachegen: QT_HOST_PATH). Used through the presets
# "cross-arm64" / "cross-armhf" or `./dev.sh package --arch <arch>`:
#   SWITCHBOARD_CROSS_ARCH  Debian architecture: arm64 or armhf
#   SWITCHBOARD_SYSROOT     the sysroot (default: the cache directory sysroot.sh fills)
# Tests built this way run under qemu-user (CMAKE_CROSSCOMPILING_EMULATOR): qemu-aarch64 or
# qemu-arm -L <sysroot>, since binfmt_misc is not assumed on the build machine.
if(NOT SWITCHBOARD_CROSS_ARCH)
    set(SWITCHBOARD_CROSS_ARCH "$ENV{SWITCHBOARD_CROSS_ARCH}")
endif()
if(SWITCHBOARD_CROSS_ARCH STREQUAL "arm64")
    set(_triplet aarch64-linux-gnu)
    set(CMAKE_SYSTEM_PROCESSOR aarch64)
    set(_qemu qemu-aarch64)
elseif(SWITCHBOARD_CROSS_ARCH STREQUAL "armhf")
    set(_triplet arm-linux-gnueabihf)
    set(CMAKE_SYSTEM_PROCESSOR armv7l)
    set(_qemu qemu-arm)
    # GCC's note on every std::vector<qint64> that its argument passing changed in GCC 7.1 (the
    # ARM EABI's): nothing here is linked with code built before GCC 7.
    set(CMAKE_CXX_FLAGS_INIT "-Wno-psabi")
else()
    message(FATAL_ERROR "SWITCHBOARD_CROSS_ARCH must be arm64 or armhf (got \"${SWITCHBOARD_CROSS_ARCH}\")")
endif()
# try_compile() projects see these variables too.
set(CMAKE_TRY_COMPILE_PLATFORM_VARIABLES SWITCHBOARD_CROSS_ARCH SWITCHBOARD_SYSROOT)

if(NOT SWITCHBOARD_SYSROOT)
    set(SWITCHBOARD_SYSROOT "$ENV{SWITCHBOARD_SYSROOT}")
endif()
if(NOT SWITCHBOARD_SYSROOT)
    if(DEFINED ENV{XDG_CACHE_HOME} AND NOT "$ENV{XDG_CACHE_HOME}" STREQUAL "")
        set(SWITCHBOARD_SYSROOT "$ENV{XDG_CACHE_HOME}/switchboard/sysroot-bookworm-${SWITCHBOARD_CROSS_ARCH}")
    else()
        set(SWITCHBOARD_SYSROOT "$ENV{HOME}/.cache/switchboard/sysroot-bookworm-${SWITCHBOARD_CROSS_ARCH}")
    endif()
endif()
if(NOT EXISTS "${SWITCHBOARD_SYSROOT}/usr/lib/${_triplet}")
    message(FATAL_ERROR "No ${SWITCHBOARD_CROSS_ARCH} sysroot at ${SWITCHBOARD_SYSROOT}: make it with "
                        "cmake/cross/sysroot.sh ${SWITCHBOARD_CROSS_ARCH} (./dev.sh package --arch does)")
endif()

set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSROOT "${SWITCHBOARD_SYSROOT}")
set(CMAKE_LIBRARY_ARCHITECTURE ${_triplet})
set(CMAKE_C_COMPILER ${_triplet}-gcc)
set(CMAKE_CXX_COMPILER ${_triplet}-g++)
set(CMAKE_FIND_ROOT_PATH "${SWITCHBOARD_SYSROOT}")
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)
# The sysroot's shared libraries name their dependencies by soname only: the linker must look
# for them in the sysroot's multiarch directories (it does not read the sysroot's ld.so.conf).
set(_rpl "-Wl,-rpath-link,${SWITCHBOARD_SYSROOT}/usr/lib/${_triplet}:${SWITCHBOARD_SYSROOT}/lib/${_triplet}")
set(CMAKE_EXE_LINKER_FLAGS_INIT "${_rpl}")
set(CMAKE_SHARED_LINKER_FLAGS_INIT "${_rpl}")
set(CMAKE_MODULE_LINKER_FLAGS_INIT "${_rpl}")

# pkg-config reads the sysroot's .pc files and prefixes their paths with it.
set(ENV{PKG_CONFIG_DIR} "")
set(ENV{PKG_CONFIG_LIBDIR} "${SWITCHBOARD_SYSROOT}/usr/lib/${_triplet}/pkgconfig:${SWITCHBOARD_SYSROOT}/usr/share/pkgconfig")
set(ENV{PKG_CONFIG_SYSROOT_DIR} "${SWITCHBOARD_SYSROOT}")

# Qt's build tools run on the build machine: the host's Qt 6 (same version as the sysroot's).
set(QT_HOST_PATH "/usr" CACHE PATH "Qt for the build machine's tools")
execute_process(COMMAND dpkg-architecture -qDEB_BUILD_MULTIARCH OUTPUT_VARIABLE _build_triplet
                OUTPUT_STRIP_TRAILING_WHITESPACE)
set(QT_HOST_PATH_CMAKE_DIR "/usr/lib/${_build_triplet}/cmake" CACHE PATH "The build machine's Qt CMake packages")

# qemu-user 10 from bookworm-backports when cmake/cross/qemu.sh fetched it (bookworm's 7.2 cannot
# run a test that starts a process: see qemu.sh), else the machine's.
get_filename_component(_cache "${SWITCHBOARD_SYSROOT}" DIRECTORY)
find_program(_qemu_path ${_qemu} HINTS "${_cache}/qemu-bookworm-backports/usr/bin" NO_CACHE)
if(_qemu_path)
    set(CMAKE_CROSSCOMPILING_EMULATOR "${_qemu_path};-L;${SWITCHBOARD_SYSROOT}")
endif()
