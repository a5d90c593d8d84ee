# Host side of the QEMU tests: each scenario in scenarios.cmake becomes a
# ctest test (label `qemu`) that boots its image under QEMU and checks the
# exit status (semihosting) and the serial output.
function(moat_qemu_test name)
  cmake_parse_arguments(ARG "" "IMAGE;EXPECT_EXIT;TIMEOUT" "SOURCES;ROOTSERVER_SOURCES;EXPECT"
                        ${ARGN})
  if(NOT ARG_IMAGE)
    set(ARG_IMAGE test/qemu/qemu_${name}.img)
  endif()
  if(NOT ARG_TIMEOUT)
    set(ARG_TIMEOUT 60)
  endif()
  if(NOT DEFINED ARG_EXPECT_EXIT)
    set(ARG_EXPECT_EXIT 0)
  endif()
  set(expects)
  foreach(e IN LISTS ARG_EXPECT)
    list(APPEND expects --expect "${e}")
  endforeach()
  add_test(NAME qemu.${name}
      COMMAND Python3::Interpreter ${CMAKE_SOURCE_DIR}/test/qemu/run_test.py
          --qemu-args ${MOAT_TARGET_DIR}/qemu-args.txt
          --image ${MOAT_TARGET_DIR}/${ARG_IMAGE}
          --timeout ${ARG_TIMEOUT}
          --expect-exit ${ARG_EXPECT_EXIT}
          ${expects})
  math(EXPR ctest_timeout "${ARG_TIMEOUT} + 30")
  set_tests_properties(qemu.${name} PROPERTIES LABELS qemu TIMEOUT ${ctest_timeout})
endfunction()

include(${CMAKE_CURRENT_LIST_DIR}/scenarios.cmake)
