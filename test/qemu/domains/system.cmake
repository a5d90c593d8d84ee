# The system of the `qemu.domains` test: a misbehaving domain and a
# well-behaved one. The misbehaving one runs first (a priority above), so
# that the order of the two domains' lines is not up to round-robin time
# slices.
moat_domain(NAME faulty PROGRAM faulty PRIORITY 101)
moat_domain(NAME hello PROGRAM hello PRIORITY 100)
