# The system description API (docs/system.md): declare domains, driver
# domains, channels and guests, then moat_system() validates them with
# moat-sysgen at build time and makes one bootable image.
#
# Used by the in-tree systems and by out-of-tree projects (docs/system.md,
# "Out-of-tree systems"). Needs the target build's moat_program() and
# moat_kernel_image() (servers/runtime, kernel/).

include_guard(GLOBAL)

set(MOAT_SYSTEM_ROOT_SOURCES
    ${CMAKE_CURRENT_LIST_DIR}/../servers/root/main.c
    ${CMAKE_CURRENT_LIST_DIR}/../servers/root/alloc.c
    ${CMAKE_CURRENT_LIST_DIR}/../servers/root/console.c
    ${CMAKE_CURRENT_LIST_DIR}/../servers/root/device.c
    ${CMAKE_CURRENT_LIST_DIR}/../servers/root/domains.c
    ${CMAKE_CURRENT_LIST_DIR}/../servers/root/guests.c
    ${CMAKE_CURRENT_LIST_DIR}/../servers/root/loader.c
    ${CMAKE_CURRENT_LIST_DIR}/../servers/root/space.c
    ${CMAKE_CURRENT_LIST_DIR}/../servers/root/vdisks.c
    ${CMAKE_CURRENT_LIST_DIR}/../servers/root/vnics.c
    ${CMAKE_CURRENT_LIST_DIR}/../kernel/src/elf.c
    ${CMAKE_CURRENT_LIST_DIR}/../kernel/arch/aarch64/esr.c)
get_filename_component(MOAT_SYSTEM_ROOT_DIR ${CMAKE_CURRENT_LIST_DIR}/../servers/root ABSOLUTE)
get_filename_component(MOAT_SYSTEM_KERNEL_DIR ${CMAKE_CURRENT_LIST_DIR}/../kernel ABSOLUTE)

# The declarations since the last moat_system(): one block each.
set_property(GLOBAL PROPERTY MOAT_SYSTEM_BLOCKS "")
set_property(GLOBAL PROPERTY MOAT_SYSTEM_PROGRAMS "") # "<name in the image>=<target>"
set_property(GLOBAL PROPERTY MOAT_SYSTEM_FILES "")    # "<name in the image>=<path>"

function(_moat_fail what)
  message(FATAL_ERROR "${what}")
endfunction()

# Bytes from "4096", "64K" or "16M".
function(_moat_size out decl value)
  if(value MATCHES "^([0-9]+)([KM]?)$")
    set(n ${CMAKE_MATCH_1})
    if(CMAKE_MATCH_2 STREQUAL "K")
      math(EXPR n "${n} * 1024")
    elseif(CMAKE_MATCH_2 STREQUAL "M")
      math(EXPR n "${n} * 1048576")
    endif()
    set(${out} ${n} PARENT_SCOPE)
  else()
    _moat_fail("${decl}: size '${value}' is not a number of bytes (or with K/M)")
  endif()
endfunction()

# Appends "  <key> <n>" to the variable `text` for each option in ARGN
# given to the caller (as A_<option>), failing on one that is no number.
macro(_moat_numbers text decl)
  foreach(opt ${ARGN})
    if(DEFINED A_${opt})
      if(NOT A_${opt} MATCHES "^[0-9]+$")
        _moat_fail("${decl}: ${opt} '${A_${opt}}' is not a number")
      endif()
      string(TOLOWER ${opt} key)
      string(APPEND ${text} "  ${key} ${A_${opt}}\n")
    endif()
  endforeach()
endmacro()

function(_moat_block text)
  get_property(blocks GLOBAL PROPERTY MOAT_SYSTEM_BLOCKS)
  set_property(GLOBAL PROPERTY MOAT_SYSTEM_BLOCKS "${blocks}${text}end\n")
endfunction()

function(_moat_no_extra decl)
  if(ARGN)
    _moat_fail("${decl}: unknown arguments: ${ARGN}")
  endif()
endfunction()

# The common part of moat_domain and moat_driver_domain.
function(_moat_domain kind)
  cmake_parse_arguments(A "KERNEL_LOG" "NAME;PROGRAM;PRIORITY;BUDGET_US;PERIOD_US;STACK;HEAP;DEVICE;DMA" ""
                        ${ARGN})
  if(kind STREQUAL "driver")
    set(fn moat_driver_domain)
  else()
    set(fn moat_domain)
  endif()
  set(decl "${fn}(${A_NAME})")
  _moat_no_extra(${decl} ${A_UNPARSED_ARGUMENTS})
  if(NOT A_NAME)
    _moat_fail("${fn}: NAME is missing")
  endif()
  if(NOT A_NAME MATCHES "^[A-Za-z_][A-Za-z0-9_]*$" OR A_NAME MATCHES "^.{32}")
    _moat_fail("${decl}: the name must be an identifier of at most 31 characters")
  endif()
  foreach(req PROGRAM PRIORITY)
    if(NOT DEFINED A_${req})
      _moat_fail("${decl}: ${req} is missing")
    endif()
  endforeach()
  if(NOT TARGET ${A_PROGRAM})
    _moat_fail("${decl}: PROGRAM '${A_PROGRAM}' is not a program target (moat_program)")
  endif()
  if(NOT A_PRIORITY MATCHES "^[0-9]+$")
    _moat_fail("${decl}: PRIORITY '${A_PRIORITY}' is not a number")
  endif()
  if(NOT DEFINED A_STACK)
    set(A_STACK 16K)
  endif()
  if(NOT DEFINED A_HEAP)
    set(A_HEAP 0)
  endif()
  _moat_size(stack ${decl} ${A_STACK})
  _moat_size(heap ${decl} ${A_HEAP})
  set(text "${kind} ${A_NAME}\n")
  if(kind STREQUAL "driver")
    if(NOT A_DEVICE)
      _moat_fail("${decl}: DEVICE is missing")
    endif()
    string(APPEND text "  device ${A_DEVICE}\n")
    if(DEFINED A_DMA)
      _moat_size(dma ${decl} ${A_DMA})
      string(APPEND text "  dma ${dma}\n")
    endif()
  elseif(A_DEVICE OR DEFINED A_DMA)
    _moat_fail("${decl}: only moat_driver_domain takes a DEVICE or DMA")
  endif()
  if(A_KERNEL_LOG)
    if(kind STREQUAL "driver")
      _moat_fail("${decl}: only moat_domain takes KERNEL_LOG")
    endif()
    string(APPEND text "  kernel_log 1\n")
  endif()
  string(APPEND text "  program ${MOAT_PROGRAM_DIR}/${A_PROGRAM}.elf\n  priority ${A_PRIORITY}\n")
  _moat_numbers(text ${decl} BUDGET_US PERIOD_US)
  string(APPEND text "  stack ${stack}\n  heap ${heap}\n  where ${CMAKE_CURRENT_LIST_FILE}\n")
  _moat_block("${text}")
  set_property(GLOBAL APPEND PROPERTY MOAT_SYSTEM_PROGRAMS "${A_NAME}=${A_PROGRAM}")
endfunction()

# moat_domain(NAME <n> PROGRAM <target> PRIORITY <0-255> [BUDGET_US <n> PERIOD_US <n>]
#             [STACK <size>] [HEAP <size>] [KERNEL_LOG])
# KERNEL_LOG: the domain reads the kernel log ring (docs/console.md).
function(moat_domain)
  _moat_domain(domain ${ARGN})
endfunction()

# moat_driver_domain(NAME <n> DEVICE <platform device> PROGRAM <target> PRIORITY <p>
#                    [DMA <size>] ...)
function(moat_driver_domain)
  _moat_domain(driver ${ARGN})
endfunction()

# moat_channel(<domain-a> <domain-b> [SHARED_MEMORY <size>] [NOTIFY])
function(moat_channel a b)
  cmake_parse_arguments(A "NOTIFY" "SHARED_MEMORY" "" ${ARGN})
  set(decl "moat_channel(${a} ${b})")
  _moat_no_extra(${decl} ${A_UNPARSED_ARGUMENTS})
  set(shared 0)
  if(DEFINED A_SHARED_MEMORY)
    _moat_size(shared ${decl} ${A_SHARED_MEMORY})
  endif()
  if(NOT A_NOTIFY AND shared EQUAL 0)
    _moat_fail("${decl}: a channel needs SHARED_MEMORY, NOTIFY or both")
  endif()
  set(notify 0)
  if(A_NOTIFY)
    set(notify 1)
  endif()
  _moat_block("channel ${a} ${b}\n  shared_memory ${shared}\n  notify ${notify}\n  where ${CMAKE_CURRENT_LIST_FILE}\n")
endfunction()

# moat_guest(NAME <n> KERNEL <file> [INITRD <file>] [BOOTARGS "..."] MEMORY <size>
#            [VCPUS <n>] [PRIORITY <0-254>] [BUDGET_US <n> PERIOD_US <n>]
#            [VMM <program target>] [DISK <file>] [NET] [CONSOLE])
# The kernel and initrd go into the image as "<n>.kernel" and "<n>.initrd",
# the VMM program (default: the target `vmm`) under its own name.
function(moat_guest)
  cmake_parse_arguments(A "NET;CONSOLE"
      "NAME;KERNEL;INITRD;BOOTARGS;MEMORY;VCPUS;PRIORITY;BUDGET_US;PERIOD_US;VMM;DISK" ""
      ${ARGN})
  set(decl "moat_guest(${A_NAME})")
  _moat_no_extra(${decl} ${A_UNPARSED_ARGUMENTS})
  foreach(req NAME KERNEL MEMORY)
    if(NOT A_${req})
      _moat_fail("${decl}: ${req} is missing")
    endif()
  endforeach()
  if(A_BOOTARGS MATCHES "\n")
    _moat_fail("${decl}: BOOTARGS must be one line")
  endif()
  _moat_size(memory ${decl} ${A_MEMORY})
  if(NOT DEFINED A_VCPUS)
    set(A_VCPUS 1)
  endif()
  if(NOT DEFINED A_PRIORITY)
    set(A_PRIORITY 100)
  endif()
  if(NOT A_VMM)
    set(A_VMM vmm)
  endif()
  if(NOT TARGET ${A_VMM})
    _moat_fail("${decl}: VMM '${A_VMM}' is not a program target (moat_program)")
  endif()
  set(text "guest ${A_NAME}\n")
  foreach(opt KERNEL INITRD DISK)
    if(A_${opt})
      get_filename_component(path ${A_${opt}} ABSOLUTE)
      string(TOLOWER ${opt} key)
      string(APPEND text "  ${key} ${path}\n")
      if(NOT opt STREQUAL "DISK")
        set_property(GLOBAL APPEND PROPERTY MOAT_SYSTEM_FILES "${A_NAME}.${key}=${path}")
      endif()
    endif()
  endforeach()
  if(A_BOOTARGS)
    string(APPEND text "  bootargs ${A_BOOTARGS}\n")
  endif()
  _moat_numbers(text ${decl} VCPUS PRIORITY BUDGET_US PERIOD_US)
  set(net 0)
  set(console 0)
  if(A_NET)
    set(net 1)
  endif()
  if(A_CONSOLE)
    set(console 1)
  endif()
  string(APPEND text "  memory ${memory}\n  vmm ${MOAT_PROGRAM_DIR}/${A_VMM}.elf\n")
  string(APPEND text "  net ${net}\n  console ${console}\n")
  _moat_block("${text}  where ${CMAKE_CURRENT_LIST_FILE}\n")
  set_property(GLOBAL APPEND PROPERTY MOAT_SYSTEM_PROGRAMS "${A_VMM}=${A_VMM}")
endfunction()

# moat_vdisk(GUEST <guest> SERVER <domain> FIRST <sector> SECTORS <n> [READ_ONLY])
# Guest <guest> gets a virtual disk, sectors FIRST..FIRST+SECTORS-1 of the
# physical disk, served by the block backend <domain> over the channel
# between the two (moat/blk.h; moat-sysgen checks it).
function(moat_vdisk)
  cmake_parse_arguments(A "READ_ONLY" "GUEST;SERVER;FIRST;SECTORS" "" ${ARGN})
  set(decl "moat_vdisk(${A_GUEST})")
  _moat_no_extra(${decl} ${A_UNPARSED_ARGUMENTS})
  foreach(req GUEST SERVER FIRST SECTORS)
    if(NOT DEFINED A_${req})
      _moat_fail("${decl}: ${req} is missing")
    endif()
  endforeach()
  set(text "vdisk ${A_GUEST}\n  server ${A_SERVER}\n")
  _moat_numbers(text ${decl} FIRST SECTORS)
  set(read_only 0)
  if(A_READ_ONLY)
    set(read_only 1)
  endif()
  _moat_block("${text}  read_only ${read_only}\n  where ${CMAKE_CURRENT_LIST_FILE}\n")
endfunction()

# moat_vnic(GUEST <guest> SERVER <domain> [MAC <aa:bb:cc:dd:ee:ff>])
# Guest <guest> gets a virtual NIC, a port of the network switch <domain>
# over the channel between the two (moat/net.h; moat-sysgen checks it),
# with MAC <mac>, or 02:4d:4f:00:00:<the guest's index + 1> without one.
function(moat_vnic)
  cmake_parse_arguments(A "" "GUEST;SERVER;MAC" "" ${ARGN})
  set(decl "moat_vnic(${A_GUEST})")
  _moat_no_extra(${decl} ${A_UNPARSED_ARGUMENTS})
  foreach(req GUEST SERVER)
    if(NOT DEFINED A_${req})
      _moat_fail("${decl}: ${req} is missing")
    endif()
  endforeach()
  set(text "vnic ${A_GUEST}\n  server ${A_SERVER}\n")
  if(DEFINED A_MAC)
    set(hex "[0-9a-fA-F][0-9a-fA-F]")
    if(NOT A_MAC MATCHES "^${hex}:${hex}:${hex}:${hex}:${hex}:${hex}$")
      _moat_fail("${decl}: MAC '${A_MAC}' is not six hex bytes separated by ':' (aa:bb:cc:dd:ee:ff)")
    endif()
    string(APPEND text "  mac ${A_MAC}\n")
  endif()
  _moat_block("${text}  where ${CMAKE_CURRENT_LIST_FILE}\n")
endfunction()

# The programs of the image's archive, "<name>=<target>": a VMM shared by
# several guests is packed once; one name for two programs is an error.
function(_moat_archive_names decl var)
  set(out)
  foreach(p IN LISTS ${var})
    if(p IN_LIST out)
      continue()
    endif()
    string(REGEX REPLACE "=.*" "" name "${p}")
    foreach(q IN LISTS out)
      string(FIND "${q}" "${name}=" at)
      if(at EQUAL 0)
        _moat_fail("${decl}: '${name}' in the image would be two programs ('${q}', '${p}'): "
                   "a domain and a VMM program share the name")
      endif()
    endforeach()
    list(APPEND out ${p})
  endforeach()
  set(${var} ${out} PARENT_SCOPE)
endfunction()

# The platform's device tree, as QEMU itself builds it for the reference machine.
function(_moat_platform_dtb platform out)
  if(NOT platform STREQUAL "qemu-virt")
    _moat_fail("moat_system: unknown PLATFORM '${platform}' (known: qemu-virt)")
  endif()
  set(dtb ${CMAKE_BINARY_DIR}/platform/${platform}.dtb)
  if(NOT TARGET moat_platform_${platform})
    add_custom_command(OUTPUT ${dtb}
        COMMAND ${CMAKE_COMMAND} -E make_directory ${CMAKE_BINARY_DIR}/platform
        COMMAND qemu-system-aarch64 -machine virt,virtualization=on,gic-version=3,dumpdtb=${dtb}
                -cpu max -smp 1 -m ${MOAT_QEMU_RAM_MIB}M -nic none -display none
        COMMENT "Device tree of ${platform}"
        VERBATIM)
    add_custom_target(moat_platform_${platform} DEPENDS ${dtb})
  endif()
  set(${out} ${dtb} PARENT_SCOPE)
endfunction()

# moat_system(NAME <n> PLATFORM qemu-virt [KERNEL <kernel library>]): the
# image <n>.img of everything declared since the previous moat_system().
function(moat_system)
  cmake_parse_arguments(A "" "NAME;PLATFORM;KERNEL" "" ${ARGN})
  _moat_no_extra("moat_system(${A_NAME})" ${A_UNPARSED_ARGUMENTS})
  if(NOT A_NAME OR NOT A_PLATFORM)
    _moat_fail("moat_system(${A_NAME}): NAME and PLATFORM are required")
  endif()
  if(NOT MOAT_SYSGEN)
    _moat_fail("moat_system(${A_NAME}): MOAT_SYSGEN (the moat-sysgen tool) is not set")
  endif()
  get_property(blocks GLOBAL PROPERTY MOAT_SYSTEM_BLOCKS)
  get_property(programs GLOBAL PROPERTY MOAT_SYSTEM_PROGRAMS)
  get_property(files GLOBAL PROPERTY MOAT_SYSTEM_FILES)
  set_property(GLOBAL PROPERTY MOAT_SYSTEM_BLOCKS "")
  set_property(GLOBAL PROPERTY MOAT_SYSTEM_PROGRAMS "")
  set_property(GLOBAL PROPERTY MOAT_SYSTEM_FILES "")
  _moat_platform_dtb(${A_PLATFORM} dtb)
  _moat_archive_names("moat_system(${A_NAME})" programs)

  set(desc ${CMAKE_CURRENT_BINARY_DIR}/${A_NAME}.system)
  set(data ${CMAKE_CURRENT_BINARY_DIR}/${A_NAME}_system.c)
  file(GENERATE OUTPUT ${desc}
       CONTENT "system ${A_NAME}\n  platform ${A_PLATFORM}\nend\n${blocks}")
  set(elfs)
  set(targets)
  foreach(p IN LISTS programs)
    string(REPLACE "=" ";" pair ${p})
    list(GET pair 1 target)
    list(APPEND elfs ${MOAT_PROGRAM_DIR}/${target}.elf)
    list(APPEND targets ${target})
  endforeach()
  set(file_paths)
  foreach(f IN LISTS files)
    string(REGEX REPLACE "^[^=]*=" "" path "${f}")
    list(APPEND file_paths ${path})
  endforeach()
  add_custom_command(OUTPUT ${data}
      COMMAND ${MOAT_SYSGEN} ${desc} ${dtb} ${data}
      DEPENDS ${desc} ${dtb} ${MOAT_SYSGEN} ${targets} ${elfs} ${file_paths}
      COMMENT "Validating system ${A_NAME}"
      VERBATIM)
  moat_program(${A_NAME}_root SOURCES ${MOAT_SYSTEM_ROOT_SOURCES} ${data})
  target_include_directories(${A_NAME}_root PRIVATE ${MOAT_SYSTEM_ROOT_DIR}
      ${MOAT_SYSTEM_KERNEL_DIR}/src ${MOAT_SYSTEM_KERNEL_DIR}/arch/aarch64)
  moat_kernel_image(${A_NAME} ROOTSERVER ${A_NAME}_root PROGRAMS ${programs}
      FILES ${files} KERNEL ${A_KERNEL})
endfunction()
