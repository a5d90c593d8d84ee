# The system of the `qemu.system` test: a driver domain for the PL031 and a
# probing domain, one channel between them.
moat_program(test_probe SOURCES ${CMAKE_CURRENT_LIST_DIR}/probe.c)
moat_program(test_rtc_driver SOURCES ${CMAKE_CURRENT_LIST_DIR}/rtc_driver.c)
moat_driver_domain(NAME rtc DEVICE pl031@9010000 PROGRAM test_rtc_driver PRIORITY 110)
moat_domain(NAME probe PROGRAM test_probe PRIORITY 100 BUDGET_US 2000 PERIOD_US 10000)
moat_channel(probe rtc SHARED_MEMORY 4K NOTIFY)
