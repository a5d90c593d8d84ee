# Host benchmarks of libpv (label bench, run by ./moat bench), included
# from libpv/CMakeLists.txt. Built against the optimised libpv_fast.
find_package(Threads REQUIRED)
find_path(CK_INCLUDE_DIR ck_ring.h REQUIRED)

foreach(name libpv_ring_bench libpv_virtq_bench)
  add_executable(${name} ${CMAKE_CURRENT_LIST_DIR}/${name}.c)
  target_compile_options(${name} PRIVATE -O2 -flto -fno-tree-loop-distribute-patterns)
  target_include_directories(${name} PRIVATE ${CK_INCLUDE_DIR})
  target_link_libraries(${name} PRIVATE libpv_fast Threads::Threads)
  add_test(NAME bench.${name} COMMAND ${name})
  set_tests_properties(bench.${name} PROPERTIES LABELS bench TIMEOUT 600)
endforeach()
