# rig export --format openmetrics parsed by prometheus_client's OpenMetrics
# parser, medians and counts checked against the JSON export
# (tests/tools/check_openmetrics.sh). Benches the host board (about 3 s);
# skipped without python3's prometheus_client.
add_test(NAME openmetrics/prometheus-client-parses
  COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/tools/check_openmetrics.sh
    $<TARGET_FILE:rig> ${CMAKE_CURRENT_BINARY_DIR}/openmetrics-check)
set_tests_properties(openmetrics/prometheus-client-parses PROPERTIES
  ENVIRONMENT "${RIG_TEST_ENV}" SKIP_RETURN_CODE 77 LABELS integration TIMEOUT 300)
