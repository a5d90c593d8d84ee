# Building a Moat system outside Moat's source tree (docs/system.md):
#
#   cmake_minimum_required(VERSION 3.25)
#   include(/path/to/moat/cmake/Moat.cmake)  # before project(): the cross toolchain
#   project(my_system C ASM)
#   moat_sdk()                               # kernel, runtime, libpv, the system API
#   moat_program(blinky SOURCES blinky.c)
#   moat_domain(NAME blinky PROGRAM blinky PRIORITY 100)
#   moat_system(NAME my_system PLATFORM qemu-virt)   # -> my_system.img
#
# moat-sysgen (the validator, a host program) is built on the way unless
# MOAT_SYSGEN names one already built.

get_filename_component(MOAT_DIR ${CMAKE_CURRENT_LIST_DIR}/.. ABSOLUTE)
if(NOT CMAKE_TOOLCHAIN_FILE)
  set(CMAKE_TOOLCHAIN_FILE ${MOAT_DIR}/cmake/toolchain-aarch64.cmake)
endif()

macro(moat_sdk)
  set(MOAT_TARGET ON)
  include(${MOAT_DIR}/cmake/MoatTarget.cmake)
  add_subdirectory(${MOAT_DIR}/libpv ${CMAKE_BINARY_DIR}/moat/libpv)
  add_subdirectory(${MOAT_DIR}/kernel ${CMAKE_BINARY_DIR}/moat/kernel)
  add_subdirectory(${MOAT_DIR}/servers/runtime ${CMAKE_BINARY_DIR}/moat/runtime)
  if(NOT MOAT_SYSGEN)
    include(ExternalProject)
    ExternalProject_Add(moat_sysgen_host
      SOURCE_DIR ${MOAT_DIR}/cmake/sysgen
      BINARY_DIR ${CMAKE_BINARY_DIR}/moat/sysgen
      CMAKE_ARGS -G Ninja -DCMAKE_BUILD_TYPE=Release
      BUILD_BYPRODUCTS ${CMAKE_BINARY_DIR}/moat/sysgen/moat-sysgen
      INSTALL_COMMAND "")
    set(MOAT_SYSGEN ${CMAKE_BINARY_DIR}/moat/sysgen/moat-sysgen)
  endif()
  include(${MOAT_DIR}/cmake/MoatSystem.cmake)
endmacro()
