# rig compare against benchstat on the same samples: medians, verdicts,
# change and p-values (tests/tools/check_compare_benchstat.sh). Benches the
# host board twice (about 2 s); skipped without benchstat.
find_program(RIG_BENCHSTAT_CMP benchstat PATHS /usr/local/bin $ENV{HOME}/go/bin)
if(NOT RIG_BENCHSTAT_CMP)
  set(RIG_BENCHSTAT_CMP "")
endif()
add_test(NAME compare/agrees-with-benchstat
  COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/tools/check_compare_benchstat.sh
    $<TARGET_FILE:rig> ${CMAKE_CURRENT_BINARY_DIR}/compare-benchstat ${RIG_BENCHSTAT_CMP})
set_tests_properties(compare/agrees-with-benchstat PROPERTIES
  ENVIRONMENT "${RIG_TEST_ENV}" SKIP_RETURN_CODE 77 LABELS integration TIMEOUT 300)
