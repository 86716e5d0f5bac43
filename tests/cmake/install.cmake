# An installed rig runs without its source tree (issue 8): install into a
# temporary prefix, move it, hide the source and build trees in a mount
# namespace, and bench hello/c on the host from another directory.
# Skipped (exit 77) when no mount namespace can be made.
add_test(NAME install/bench-without-source
  COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/tools/check_install.sh
    ${CMAKE_COMMAND} ${CMAKE_BINARY_DIR} ${CMAKE_SOURCE_DIR})
set_tests_properties(install/bench-without-source PROPERTIES
  ENVIRONMENT "${RIG_TEST_ENV}" SKIP_RETURN_CODE 77 LABELS integration TIMEOUT 600)
