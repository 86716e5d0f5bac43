# The USB device models (tests/usb/models): the device side of PICOBOOT and
# DfuSe, linked into the test helpers so unit tests reach them through the
# same I/O tables as the real libusb drivers; the test bed's FunctionFS
# devices wrap the same files.
file(GLOB _usb_models CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/tests/usb/models/*_model.c
  ${CMAKE_SOURCE_DIR}/tests/usb/models/*_ffs.c ${CMAKE_SOURCE_DIR}/tests/usb/models/ffs_dev.c)
target_sources(rigtest PRIVATE ${_usb_models})
target_include_directories(rigtest PUBLIC ${CMAKE_SOURCE_DIR}/tests/usb/models)
