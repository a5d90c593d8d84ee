# The system of the `qemu.net_nic` test: the NIC driver program
# (drivers/virtio_net) for QEMU's virtio-net-device on its user-mode
# network, and a test domain in the network switch's place on its channel.
moat_program(test_net_nic SOURCES ${CMAKE_CURRENT_LIST_DIR}/nic_test.c)
target_link_libraries(test_net_nic PRIVATE moat_net_channel)
# The driver above the test domain: it prints only when it starts and when
# it drops a frame, and then runs at once, so its lines never mix with the
# test's.
moat_driver_domain(NAME nic DEVICE virtio_mmio@a003e00 PROGRAM virtio_net PRIORITY 110 DMA 2M)
moat_domain(NAME switch PROGRAM test_net_nic PRIORITY 100)
moat_channel(nic switch SHARED_MEMORY 96K NOTIFY)
