# USB tests run inside the USB test bed (tests/usb/CMakeLists.txt).
add_subdirectory(${CMAKE_CURRENT_LIST_DIR}/../usb ${CMAKE_BINARY_DIR}/tests/usb)
