/*
 * A driver domain for the PL031 real-time clock: it holds the device's
 * registers and interrupt and one channel. It reads the clock, then waits
 * for its peer's signal and reads what the peer left in shared memory.
 */
#include <moat/domain.h>
#include <moat/runtime.h>

#define PL031_DR 0x000   /* data register: seconds */
#define PL031_PERIPH_ID0 0xfe0

int main(void *arg)
{
	const struct moat_domain_info *info = arg;
	volatile uint32_t *regs = (volatile uint32_t *)(uintptr_t)info->device;
	const volatile uint64_t *shared = (const volatile uint64_t *)(uintptr_t)info->channel[0].shared;
	moat_word_t word;

	moat_printf("rtc_driver: PL031 at 0x%lx (INTID %lu), id 0x%x, time %u s\n",
		    info->device_paddr, info->device_irq, regs[PL031_PERIPH_ID0 / 4],
		    regs[PL031_DR / 4]);
	word = moat_wait(MOAT_DOMAIN_SLOT_INBOX);
	moat_printf("rtc_driver: signal 0x%lx from '%s', shared word 0x%lx\n", word,
		    info->channel[0].peer, shared[0]);
	for (;;)
		moat_wait(MOAT_DOMAIN_SLOT_INBOX);
}
