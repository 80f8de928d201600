# SPDX-License-Identifier: Apache-2.0
# Shared settings for every Switchboard target.

# sb_set_target_defaults(<target>): warnings, Qt's strictness macros, sanitizers, fuzzing coverage.
function(sb_set_target_defaults target)
    target_compile_options(${target} PRIVATE -Wall -Wextra)
    # Each function and object in a section of its own, so that the linker drops what nothing
    # reaches (--gc-sections below): a static library linked in whole through AUTOMOC's
    # mocs_compilation.cpp (switchboard_remote's replica side in switchboardd) and the unused
    # code of hidden-visibility plugins. Less text is less resident memory (issue #11).
    target_compile_options(${target} PRIVATE -ffunction-sections -fdata-sections)
    get_target_property(type ${target} TYPE)
    if(type STREQUAL "EXECUTABLE" OR type STREQUAL "MODULE_LIBRARY" OR type STREQUAL "SHARED_LIBRARY")
        target_link_options(${target} PRIVATE -Wl,--gc-sections)
    endif()
    target_compile_definitions(${target} PRIVATE
        QT_NO_CAST_FROM_ASCII
        QT_NO_URL_CAST_FROM_STRING
        QT_USE_QSTRINGBUILDER
        QT_NO_FOREACH
        QT_DISABLE_DEPRECATED_BEFORE=0x060400)
    sb_startup_order(${target})
    if(SWITCHBOARD_SANITIZE)
        # GCC's "undefined" leaves out float-cast-overflow: a double from the wire cast to an
        # integer type out of its range (quint32(json.toDouble())) would pass unseen.
        target_compile_options(${target} PRIVATE -fsanitize=address,undefined,float-cast-overflow
                                                 -fno-omit-frame-pointer
                                                 -fno-sanitize-recover=undefined,float-cast-overflow)
        target_link_options(${target} PRIVATE -fsanitize=address,undefined,float-cast-overflow)
    endif()
    if(SWITCHBOARD_FUZZ_ENGINE STREQUAL "libFuzzer")
        # Coverage feedback for libFuzzer from every library the fuzz targets link.
        target_compile_options(${target} PRIVATE -fsanitize=fuzzer-no-link)
    endif()
endfunction()

# sb_startup_order(<target>): when cmake/startup-order/<target>.txt exists (switchboardd,
# libswitchboard, the native and HTTP plugins), lld places the functions it lists, those the
# daemon runs while it starts and sits idle (cmake/startup-order/generate.sh), together at the
# start of .text. The kernel maps a library's pages 64 KiB around each page fault, so start-up code
# spread over the whole text kept nearly all of it resident: idle RSS 18.0 -> 16.7 MB (issue #11,
# bench/README.md session 17). Off under the sanitizers and fuzzing, in cross builds, with
# -DSWITCHBOARD_STARTUP_ORDER=OFF, and where the compiler cannot link with lld (Debian's lld).
function(sb_startup_order target)
    set(file "${PROJECT_SOURCE_DIR}/cmake/startup-order/${target}.txt")
    if(NOT EXISTS "${file}" OR NOT SWITCHBOARD_STARTUP_ORDER OR SWITCHBOARD_SANITIZE OR SWITCHBOARD_FUZZ_ENGINE
       OR CMAKE_CROSSCOMPILING)
        return()
    endif()
    include(CheckLinkerFlag)
    check_linker_flag(CXX "-fuse-ld=lld" SWITCHBOARD_LINKER_LLD)
    if(NOT SWITCHBOARD_LINKER_LLD)
        message(STATUS "${target}: lld not found, start-up functions not packed (install lld)")
        return()
    endif()
    target_link_options(${target} PRIVATE -fuse-ld=lld "LINKER:--symbol-ordering-file,${file}"
                                          "LINKER:--no-warn-symbol-ordering")
    set_property(TARGET ${target} APPEND PROPERTY LINK_DEPENDS "${file}")
    set_property(GLOBAL APPEND PROPERTY SWITCHBOARD_STARTUP_ORDERED ${target}) # tests/build checks them
endfunction()

# sb_hide_symbols(<target>): export nothing but what is marked for export. A plugin needs only
# Qt's two plugin entry points; every other exported symbol costs its dynamic symbol table, its
# relocations and the pages the loader touches for them at start-up (idle RSS, issue #11).
# Static libraries linked into a plugin get it too, or their symbols would be exported again.
function(sb_hide_symbols target)
    set_target_properties(${target} PROPERTIES
        CXX_VISIBILITY_PRESET hidden
        VISIBILITY_INLINES_HIDDEN ON)
endfunction()

# sb_add_plugin(<target> SOURCES ... [LIBRARIES ...] [OUTPUT_DIRECTORY dir] [NO_INSTALL])
# Builds a protocol plugin into the build tree's plugin directory (so it loads from the build
# tree like an installed one) and installs it into the plugin directory.
function(sb_add_plugin target)
    cmake_parse_arguments(ARG "NO_INSTALL" "OUTPUT_DIRECTORY" "SOURCES;LIBRARIES" ${ARGN})
    if(ARG_UNPARSED_ARGUMENTS)
        message(FATAL_ERROR "sb_add_plugin: unknown arguments ${ARG_UNPARSED_ARGUMENTS}")
    endif()
    if(NOT ARG_OUTPUT_DIRECTORY)
        set(ARG_OUTPUT_DIRECTORY "${SWITCHBOARD_BUILD_PLUGIN_DIR}")
    endif()
    qt_add_plugin(${target} SHARED)
    target_sources(${target} PRIVATE ${ARG_SOURCES})
    target_link_libraries(${target} PRIVATE Switchboard::Core ${ARG_LIBRARIES})
    set_target_properties(${target} PROPERTIES
        LIBRARY_OUTPUT_DIRECTORY "${ARG_OUTPUT_DIRECTORY}"
        PREFIX "")
    sb_hide_symbols(${target})
    sb_set_target_defaults(${target})
    if(NOT ARG_NO_INSTALL)
        install(TARGETS ${target} LIBRARY DESTINATION "${SWITCHBOARD_PLUGIN_SUBDIR}")
    endif()
endfunction()
