# benchstat accepts rig's Go benchmark format output (format.h): a small
# driver writes two files, benchstat compares them, and its p-values must
# equal rig's. Skipped (exit 77) when benchstat is not installed.
add_executable(benchfmt_demo ${CMAKE_CURRENT_SOURCE_DIR}/tools/benchfmt_demo.c)
target_link_libraries(benchfmt_demo PRIVATE rigcore)
find_program(RIG_BENCHSTAT benchstat PATHS /usr/local/bin $ENV{HOME}/go/bin)
if(NOT RIG_BENCHSTAT)
  set(RIG_BENCHSTAT "")
endif()
add_test(NAME benchstat/accepts-benchfmt
  COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/tools/check_benchstat.sh
    $<TARGET_FILE:benchfmt_demo> ${CMAKE_CURRENT_BINARY_DIR}/benchstat-work ${RIG_BENCHSTAT})
set_tests_properties(benchstat/accepts-benchfmt PROPERTIES
  ENVIRONMENT "${RIG_TEST_ENV}" SKIP_RETURN_CODE 77 LABELS unit TIMEOUT 120)
