# SPDX-License-Identifier: Apache-2.0
# Read by cpack for each generator (CPACK_PROJECT_CONFIG_FILE): the TGZ's binaries are stripped
# by CPack; the DEB generator strips them itself and keeps the debug information in -dbgsym.
if(CPACK_GENERATOR STREQUAL "TGZ")
    set(CPACK_STRIP_FILES ON)
endif()
