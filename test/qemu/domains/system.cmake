# The system of the `qemu.domains` test: a misbehaving domain and a
# well-behaved one.
moat_domain(NAME faulty PROGRAM faulty PRIORITY 100)
moat_domain(NAME hello PROGRAM hello PRIORITY 100)
