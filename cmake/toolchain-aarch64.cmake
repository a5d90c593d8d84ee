# Freestanding AArch64 with Debian's gcc-aarch64-linux-gnu.
# Nothing from the Linux target's libc or libgcc is linked: a missing
# helper is a link error, not a silent dependency.
set(CMAKE_SYSTEM_NAME Generic)
set(CMAKE_SYSTEM_PROCESSOR aarch64)

set(MOAT_CROSS aarch64-linux-gnu- CACHE STRING "Cross tool prefix")
set(CMAKE_C_COMPILER ${MOAT_CROSS}gcc)
set(CMAKE_ASM_COMPILER ${MOAT_CROSS}gcc)
set(CMAKE_OBJCOPY ${MOAT_CROSS}objcopy CACHE FILEPATH "")
set(CMAKE_OBJDUMP ${MOAT_CROSS}objdump CACHE FILEPATH "")

# Compiler checks would try to link a hosted program.
set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)

set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
