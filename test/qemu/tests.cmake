# Host side of the QEMU tests: each scenario in scenarios.cmake becomes a
# ctest test (label `qemu`) that boots its image under QEMU and checks the
# exit status (semihosting) and the serial output.
function(moat_qemu_test name)
  cmake_parse_arguments(ARG "SERIAL" "IMAGE;EXPECT_EXIT;TIMEOUT;LABEL;SYSTEM;KERNEL" "RUNNER;QEMU_ARGS;SOURCES;ROOTSERVER_SOURCES;EXPECT;ANYWHERE;SEND;FORBID"
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
  if(NOT ARG_LABEL)
    set(ARG_LABEL qemu)
  endif()
  # A runner sets the stage (e.g. a disk) and passes its arguments on to run_test.py.
  if(NOT ARG_RUNNER)
    set(ARG_RUNNER run_test.py)
  endif()
  set(expects)
  foreach(a IN LISTS ARG_QEMU_ARGS)
    list(APPEND expects "--extra=${a}")
  endforeach()
  foreach(e IN LISTS ARG_EXPECT)
    list(APPEND expects --expect "${e}")
  endforeach()
  # SEND: pairs of a regex and the text to type once it has appeared.
  list(LENGTH ARG_SEND nsend)
  if(nsend GREATER 0)
    math(EXPR last "${nsend} - 1")
    foreach(i RANGE 0 ${last} 2)
      math(EXPR j "${i} + 1")
      list(GET ARG_SEND ${i} regex)
      list(GET ARG_SEND ${j} text)
      list(APPEND expects --send "${regex}" "${text}")
    endforeach()
  endif()
  # ANYWHERE: regexes that must appear in any order (writers on different rings).
  foreach(e IN LISTS ARG_ANYWHERE)
    list(APPEND expects --expect-anywhere "${e}")
  endforeach()
  foreach(f IN LISTS ARG_FORBID)
    list(APPEND expects --forbid "${f}")
  endforeach()
  add_test(NAME qemu.${name}
      COMMAND Python3::Interpreter ${CMAKE_SOURCE_DIR}/test/qemu/${ARG_RUNNER}
          --qemu-args ${MOAT_TARGET_DIR}/qemu-args.txt
          --image ${MOAT_TARGET_DIR}/${ARG_IMAGE}
          --timeout ${ARG_TIMEOUT}
          --expect-exit ${ARG_EXPECT_EXIT}
          ${expects})
  math(EXPR ctest_timeout "${ARG_TIMEOUT} + 30")
  set_tests_properties(qemu.${name} PROPERTIES LABELS ${ARG_LABEL} TIMEOUT ${ctest_timeout})
  if(ARG_SERIAL)
    # It measures shares of wall-clock time: nothing else may run beside it.
    set_tests_properties(qemu.${name} PROPERTIES RUN_SERIAL TRUE)
  endif()
endfunction()

include(${CMAKE_CURRENT_LIST_DIR}/scenarios.cmake)

# A system built outside the tree against cmake/Moat.cmake (docs/system.md).
add_test(NAME qemu.out_of_tree
    COMMAND Python3::Interpreter ${CMAKE_SOURCE_DIR}/test/qemu/out_of_tree/out_of_tree_test.py
        ${CMAKE_SOURCE_DIR})
set_tests_properties(qemu.out_of_tree PROPERTIES LABELS qemu TIMEOUT 600)
