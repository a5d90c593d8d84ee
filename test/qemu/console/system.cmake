# The system of the `qemu.console` test: the PL011 driver (the kernel's
# debug UART, handed over by the root server), the console server reading
# the kernel log, two clients and a hostile one. The driver's channel comes first: it is
# the console server's channel 0.
moat_program(test_console_client SOURCES ${CMAKE_CURRENT_LIST_DIR}/client.c)
target_link_libraries(test_console_client PRIVATE moat_console)
target_include_directories(test_console_client PRIVATE ${MOAT_KERNEL_DIR}/src)
moat_program(test_console_hostile SOURCES ${CMAKE_CURRENT_LIST_DIR}/hostile.c)
target_link_libraries(test_console_hostile PRIVATE moat_console)
moat_driver_domain(NAME uart DEVICE pl011@9000000 PROGRAM pl011 PRIORITY 200)
moat_domain(NAME console PROGRAM console PRIORITY 190 KERNEL_LOG)
moat_domain(NAME alpha PROGRAM test_console_client PRIORITY 100)
moat_domain(NAME beta PROGRAM test_console_client PRIORITY 100)
moat_domain(NAME mallory PROGRAM test_console_hostile PRIORITY 150)
moat_channel(console uart SHARED_MEMORY 4K NOTIFY)
moat_channel(console alpha SHARED_MEMORY 4K NOTIFY)
moat_channel(console beta SHARED_MEMORY 4K NOTIFY)
moat_channel(console mallory SHARED_MEMORY 4K NOTIFY)
