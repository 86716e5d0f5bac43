# Go workloads and the Go report package (firmware/workloads/go), with their
# C twins (firmware/workloads/c):
#   go/rigreport  vectors from the C writers (rig_report.c, rig_wl.c) checked
#                 byte for byte by `go test ./...` (plus go vet, and the
#                 microcontroller defaults under -tags baremetal)
#   go/workloads  every workload built with gc, gccgo and cc, run, parsed with
#                 rig_report_parser; check results compared across them
# Without a go toolchain both report themselves skipped (exit 77).
find_program(RIG_GO_EXECUTABLE go PATHS /usr/local/go/bin)

set(_wl ${CMAKE_SOURCE_DIR}/firmware/workloads)

add_executable(rig_gen_vectors ${_wl}/go/rigreport/testdata/gen_vectors.c ${_wl}/c/rig_wl.c)
target_include_directories(rig_gen_vectors PRIVATE ${_wl}/c)
target_link_libraries(rig_gen_vectors PRIVATE rig_protocol)

if(RIG_GO_EXECUTABLE)
  add_test(NAME go/rigreport COMMAND sh -c
    "\"$<TARGET_FILE:rig_gen_vectors>\" > \"${CMAKE_CURRENT_BINARY_DIR}/rigreport-vectors.tsv\" && cd \"${_wl}/go\" && \"${RIG_GO_EXECUTABLE}\" vet ./... && RIG_REPORT_VECTORS=\"${CMAKE_CURRENT_BINARY_DIR}/rigreport-vectors.tsv\" \"${RIG_GO_EXECUTABLE}\" test -count=1 ./... && \"${RIG_GO_EXECUTABLE}\" test -count=1 -tags baremetal ./internal/wl/")
else()
  add_test(NAME go/rigreport COMMAND sh -c "echo 'SKIPPED: go is not installed (scripts/setup.sh)'; exit 77")
endif()
set_tests_properties(go/rigreport PROPERTIES
  ENVIRONMENT "${RIG_TEST_ENV};GOTOOLCHAIN=local;GOFLAGS=-mod=mod"
  SKIP_RETURN_CODE 77 LABELS go TIMEOUT 300)

add_executable(go_workloads_check ${CMAKE_CURRENT_LIST_DIR}/go_workloads.c)
target_link_libraries(go_workloads_check PRIVATE rigtest)
add_test(NAME go/workloads COMMAND go_workloads_check)
set_tests_properties(go/workloads PROPERTIES
  ENVIRONMENT "${RIG_TEST_ENV};RIG_GO=${RIG_GO_EXECUTABLE}"
  SKIP_RETURN_CODE 77 LABELS go TIMEOUT 900)

# The C workload API through a fake io (bare-metal build of the workloads).
add_executable(wl_api_test ${CMAKE_CURRENT_LIST_DIR}/wl_api.c)
target_link_libraries(wl_api_test PRIVATE rigtest rig_workloads_bare)
add_test(NAME workloads/c-api COMMAND wl_api_test)
set_tests_properties(workloads/c-api PROPERTIES ENVIRONMENT "${RIG_TEST_ENV}"
  LABELS unit TIMEOUT 120)

# The workloads as firmware compiles them: arm-none-eabi-gcc, Cortex-M3,
# RIG_WL_BARE, warnings as errors.
find_program(RIG_ARM_NONE_EABI_GCC arm-none-eabi-gcc)
if(RIG_ARM_NONE_EABI_GCC)
  add_test(NAME workloads/bare-build COMMAND ${RIG_ARM_NONE_EABI_GCC}
    -mcpu=cortex-m3 -mthumb -O2 -std=c11 -Wall -Wextra -Werror -DRIG_WL_BARE
    -I${CMAKE_SOURCE_DIR}/firmware/protocol -I${_wl}/c -fsyntax-only
    ${_wl}/c/rig_wl.c ${_wl}/c/rig_wl_table.c ${_wl}/c/hello.c ${_wl}/c/cpu.c
    ${_wl}/c/cpu-pure.c ${_wl}/c/alloc.c ${CMAKE_SOURCE_DIR}/firmware/protocol/rig_report.c)
else()
  add_test(NAME workloads/bare-build COMMAND sh -c
    "echo 'SKIPPED: arm-none-eabi-gcc is not installed (scripts/setup.sh)'; exit 77")
endif()
set_tests_properties(workloads/bare-build PROPERTIES SKIP_RETURN_CODE 77 LABELS unit TIMEOUT 120)
