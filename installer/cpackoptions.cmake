# SPDX-License-Identifier: Apache-2.0
# Read by cpack for each generator (CPACK_PROJECT_CONFIG_FILE): the TGZ's binaries are stripped
# by CPack; the DEB generator strips them itself and keeps the debug information in -dbgsym.
if(CPACK_GENERATOR STREQUAL "TGZ")
    set(CPACK_STRIP_FILES ON)
endif()
# A cross build's packages: dpkg-shlibdeps (the Depends: of the .debs) looks the sysroot's
# libraries up in the sysroot's own dpkg database and reads them with the board's objdump.
if(CPACK_SWITCHBOARD_SYSROOT)
    set(ENV{DPKG_ADMINDIR} "${CPACK_SWITCHBOARD_SYSROOT}/var/lib/dpkg")
    set(ENV{DEB_HOST_ARCH} "${CPACK_SWITCHBOARD_CROSS_ARCH}")
endif()
