# The farm test (tests/farm/farm_test.sh): 64 rig-agent boards in network
# namespaces under one parallel rig bench. Root and ip netns, else skipped.
add_test(NAME farm/netns COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/../farm/farm_test.sh ${CMAKE_BINARY_DIR})
set_tests_properties(farm/netns PROPERTIES LABELS farm RUN_SERIAL TRUE SKIP_RETURN_CODE 77
  TIMEOUT 900 ENVIRONMENT "RIG_SOURCE_DIR=${CMAKE_SOURCE_DIR}")
