# Bounded libFuzzer runs for the USB protocol parsers (PICOBOOT, DFU/DfuSe),
# the same way as tests/cmake/fuzz.cmake (kept apart so the USB work does
# not edit the shared list).
foreach(_r picoboot:30 dfu:30)
  string(REPLACE ":" ";" _p ${_r})
  list(GET _p 0 _t)
  list(GET _p 1 _s)
  add_test(NAME fuzz-run/${_t}
    COMMAND sh ${CMAKE_SOURCE_DIR}/tests/fuzz/run.sh ${_t} ${_s} ${CMAKE_BINARY_DIR}/fuzz-build)
  set_tests_properties(fuzz-run/${_t} PROPERTIES LABELS fuzz-run SKIP_RETURN_CODE 77
    TIMEOUT 1500 RESOURCE_LOCK rig-fuzz-build ENVIRONMENT RIG_FUZZ_SEED=1)
endforeach()
