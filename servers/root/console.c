/* Handing the kernel's console over; see console.h. */
#include "console.h"

#include <moat/klog.h>

#include "alloc.h"
#include "space.h"

static const char *map_log(struct domain *reader)
{
	moat_cptr_t copy;

	if (alloc_derive(MOAT_SLOT_KLOG_FRAME, MOAT_RIGHT_READ, 0, &copy) != MOAT_OK ||
	    space_map(copy, reader->vspace, MOAT_DOMAIN_KLOG, MOAT_RIGHT_READ, 0) != MOAT_OK)
		return "cannot map the kernel log";
	reader->info.klog = MOAT_DOMAIN_KLOG;
	return NULL;
}

static const char *attach(struct domain *reader)
{
	moat_cptr_t ntfn;

	if (alloc_derive(reader->inbox, MOAT_RIGHT_WRITE, MOAT_DOMAIN_KLOG_BIT, &ntfn) != MOAT_OK)
		return "cannot make the kernel log's notification";
	moat_ipc_buffer->caps[0] = ntfn;
	if (moat_invoke(MOAT_SLOT_KLOG, MOAT_KLOG_ATTACH, 0, NULL, 1, NULL) != MOAT_OK)
		return "the kernel refused to attach its log";
	return NULL;
}

void console_handover(struct domain *domains, bool *ready, unsigned n)
{
	struct domain *reader = NULL;
	unsigned uart = n;
	const char *err = NULL;

	for (unsigned i = 0; i < n; i++) {
		if (domains[i].sys->kernel_log && ready[i])
			reader = &domains[i];
		if (domains[i].sys->device && domains[i].sys->device->kernel_uart && ready[i])
			uart = i;
	}
	if (reader && (err = map_log(reader)))
		moat_printf("root: domain '%s' cannot read the kernel log: %s\n", reader->sys->name,
			    err);
	if (uart == n)
		return;
	if (!reader)
		err = "no domain reads the kernel log";
	else if (!err)
		err = attach(reader);
	if (err) {
		moat_printf("root: domain '%s' not started: %s; the kernel keeps the UART\n",
			    domains[uart].sys->name, err);
		ready[uart] = false;
		return;
	}
	moat_printf("root: the kernel's console goes to '%s'; its log to '%s'\n",
		    domains[uart].sys->name, reader->sys->name);
}
