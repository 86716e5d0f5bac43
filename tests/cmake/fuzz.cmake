# libFuzzer runs, bounded in time, for the parsers that read untrusted
# input (wasm modules, report lines, agent frames, ELF files, option values,
# board, toolchain and gate-policy YAML). The YAML targets run with the input
# limits on (config_scan.c), so libfyaml's quadratic duplicate-key check
# cannot time them out; the three libfyaml 0.7.12 crashes libFuzzer found
# (explicit keys, '?' starting a token, an invalid-UTF-8 directive) are
# refused before libfyaml sees them and kept as regress-libfyaml-* inputs.
# Gate policies: 60 s found nothing (544 corpus inputs, 40k exec/s).
# Each builds the fuzz targets with clang in one shared tree, so they take a
# lock and run one at a time; skipped (77) when clang or libFuzzer is absent.
set(_fuzz_runs wasm:120 report:60 frame:60 elf:45 units:20 http:60 grpc:20 promtext:20 hist:20 wasi_spec:30 wasi_expect:15 gate_policy:30 board:40 toolchain:20 uf2:30)
foreach(_r ${_fuzz_runs})
  string(REPLACE ":" ";" _p ${_r})
  list(GET _p 0 _t)
  list(GET _p 1 _s)
  add_test(NAME fuzz-run/${_t}
    COMMAND sh ${CMAKE_SOURCE_DIR}/tests/fuzz/run.sh ${_t} ${_s} ${CMAKE_BINARY_DIR}/fuzz-build)
  set_tests_properties(fuzz-run/${_t} PROPERTIES LABELS fuzz-run SKIP_RETURN_CODE 77
    TIMEOUT 1500 RESOURCE_LOCK rig-fuzz-build ENVIRONMENT RIG_FUZZ_SEED=1)
endforeach()
