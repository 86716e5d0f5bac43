# The USB device models (tests/usb/models): the device side of PICOBOOT and
# DfuSe, linked into the test helpers so unit tests reach them through the
# same I/O tables as the real libusb drivers; the test bed's FunctionFS
# devices wrap the same files.
file(GLOB _usb_models CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/tests/usb/models/*_model.c
  ${CMAKE_SOURCE_DIR}/tests/usb/models/*_ffs.c ${CMAKE_SOURCE_DIR}/tests/usb/models/ffs_dev.c)
target_sources(rigtest PRIVATE ${_usb_models})
target_include_directories(rigtest PUBLIC ${CMAKE_SOURCE_DIR}/tests/usb/models)
# The models' flash arrays are erased and programmed a MiB at a time in
# bench/usb_flash.sh, under TCG: unoptimised, their loops cost the bench
# more than the transfers they answer (docs/benchmarks.md).
set_source_files_properties(${CMAKE_SOURCE_DIR}/tests/usb/models/picoboot_model.c
  ${CMAKE_SOURCE_DIR}/tests/usb/models/dfuse_model.c PROPERTIES COMPILE_OPTIONS "-O2")
