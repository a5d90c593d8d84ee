# The libFuzzer harness for the description parser and validator
# (fuzz_description.c). Built with an explicit clang command, since the
# host build's compiler need not be clang; skipped if clang cannot link
# -fsanitize=fuzzer.
find_program(SYSGEN_CLANG clang)
if(NOT SYSGEN_CLANG)
  message(STATUS "clang not found: no sysgen.fuzz test")
  return()
endif()
set(probe ${CMAKE_CURRENT_BINARY_DIR}/fuzz_probe.c)
file(WRITE ${probe} "int LLVMFuzzerTestOneInput(const unsigned char *d, unsigned long n)\n{\n\treturn (int)(d && n && 0);\n}\n")
execute_process(COMMAND ${SYSGEN_CLANG} -fsanitize=fuzzer ${probe} -o ${probe}.out
    RESULT_VARIABLE rc OUTPUT_QUIET ERROR_QUIET)
if(NOT rc EQUAL 0)
  message(STATUS "clang cannot build libFuzzer harnesses: no sysgen.fuzz test")
  return()
endif()

set(fuzzer ${CMAKE_CURRENT_BINARY_DIR}/sysgen_fuzz)
set(sources ${CMAKE_CURRENT_SOURCE_DIR}/fuzz_description.c ${MOAT_SYSGEN_SOURCES})
add_custom_command(OUTPUT ${fuzzer}
    COMMAND ${SYSGEN_CLANG} -std=c11 -D_POSIX_C_SOURCE=200809L -g -O1
        -Wall -Wextra -Werror -fsanitize=fuzzer,address,undefined
        -fno-sanitize-recover=undefined
        -I ${PROJECT_SOURCE_DIR}/cmake/sysgen -I ${LIBFDT_INCLUDE_DIR}
        -DSYSGEN_FUZZ_DTB="${MOAT_PLATFORM_DTB}"
        -o ${fuzzer} ${sources} ${LIBFDT_LIBRARY}
    DEPENDS ${sources} ${PROJECT_SOURCE_DIR}/cmake/sysgen/description.h
        ${PROJECT_SOURCE_DIR}/cmake/sysgen/platform.h ${PROJECT_SOURCE_DIR}/cmake/sysgen/validate.h
        ${PROJECT_SOURCE_DIR}/cmake/sysgen/output.h
    COMMENT "Building the moat-sysgen fuzzer"
    VERBATIM)
add_custom_target(sysgen-fuzz ALL DEPENDS ${fuzzer} moat-platform-dtb sysgen-test-files)

# Seeds: every configured case; new inputs go to a corpus directory of its own.
set(corpus ${CMAKE_CURRENT_BINARY_DIR}/fuzz-corpus)
file(MAKE_DIRECTORY ${corpus})
add_test(NAME sysgen.fuzz
    COMMAND ${fuzzer} -max_total_time=10 -timeout=5 -rss_limit_mb=2048 -max_len=8192
        -print_final_stats=1 ${corpus} ${CMAKE_CURRENT_BINARY_DIR}/bad
        ${CMAKE_CURRENT_BINARY_DIR}/good)
set_tests_properties(sysgen.fuzz PROPERTIES LABELS fuzz TIMEOUT 120)
