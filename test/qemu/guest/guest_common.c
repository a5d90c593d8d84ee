/* Starting a guest vCPU from a root-server test; see guest_common.h. */
#include "guest_common.h"

static void map_tables(moat_cptr_t space, moat_word_t ipa)
{
	for (unsigned i = 0; i < 3; i++) {
		moat_ipc_buffer->caps[0] = space;
		MOAT_ASSERT_EQ(moat_invoke(rs_make(MOAT_OBJ_PAGE_TABLE, 0), MOAT_PAGE_TABLE_MAP, 1,
					   &ipa, 1, NULL),
			       MOAT_OK);
	}
}

moat_cptr_t guest_start_vcpu(moat_cptr_t ep, const char *start, const char *end, moat_word_t badge,
			     moat_word_t prio, bool check_errors, moat_cptr_t *vcpu_out)
{
	struct guest_image img = { .start = start, .end = end, .pages = 1, .x0 = 0 };

	return guest_start_image(ep, &img, badge, prio, check_errors, vcpu_out);
}

moat_cptr_t guest_start_image(moat_cptr_t ep, const struct guest_image *img, moat_word_t badge,
			      moat_word_t prio, bool check_errors, moat_cptr_t *vcpu_out)
{
	moat_cptr_t gs = rs_make(MOAT_OBJ_GUEST_SPACE, 0), vcpu = rs_make(MOAT_OBJ_VCPU, 0);
	moat_cptr_t tcb = rs_make(MOAT_OBJ_TCB, 0);
	moat_cptr_t vs = rs_make(MOAT_OBJ_VSPACE, 0), fault_ep = rs_slot();
	moat_word_t map[3] = { GUEST_RAM, MOAT_RIGHT_READ | MOAT_RIGHT_WRITE, MOAT_FRAME_EXECUTE };
	moat_word_t mint[6] = { fault_ep, 64, ep, 64, MOAT_RIGHTS_ALL, badge };
	moat_word_t regs[3] = { GUEST_RAM, 0, img->x0 };

	MOAT_ASSERT(img->end - img->start <= (long)(img->pages * 4096) && img->pages <= 512);
	/* Its memory, writable and executable (a guest owns its W^X): the image, then zeros. */
	map_tables(gs, GUEST_RAM);
	for (unsigned i = 0; i < img->pages; i++) {
		moat_cptr_t ram = rs_make(MOAT_OBJ_FRAME_4K, 0);
		const char *from = img->start + i * 4096;

		if (from < img->end)
			rs_load(ram, from, img->end - from > 4096 ? from + 4096 : img->end);
		map[0] = GUEST_RAM + i * 4096;
		moat_ipc_buffer->caps[0] = gs;
		MOAT_ASSERT_EQ(moat_invoke(ram, MOAT_FRAME_MAP, 3, map, 1, NULL), MOAT_OK);
	}
	map[0] = GUEST_RAM;	if (check_errors) {
		/* A native VSpace cannot take a writable executable frame. */
		moat_ipc_buffer->caps[0] = vs;
		map[0] = 0x1000000;
		MOAT_ASSERT_EQ(moat_invoke(rs_make(MOAT_OBJ_FRAME_4K, 0), MOAT_FRAME_MAP, 3, map, 1,
					   NULL),
			       MOAT_INVALID_ARGUMENT);
	}
	/* The vCPU thread: our CSpace (its fault endpoint badged), then the VCPU. */
	moat_ipc_buffer->caps[0] = MOAT_SLOT_ROOT_CNODE;
	MOAT_ASSERT_EQ(moat_invoke(MOAT_SLOT_ROOT_CNODE, MOAT_CNODE_MINT, 6, mint, 1, NULL), MOAT_OK);
	moat_ipc_buffer->caps[0] = MOAT_SLOT_ROOT_CNODE;
	moat_ipc_buffer->caps[1] = vs;
	MOAT_ASSERT_EQ(moat_invoke(tcb, MOAT_TCB_CONFIGURE, 1, &fault_ep, 2, NULL), MOAT_OK);
	if (check_errors) {
		moat_ipc_buffer->caps[0] = gs; /* wrong order: not a VCPU */
		moat_ipc_buffer->caps[1] = vcpu;
		MOAT_ASSERT_EQ(moat_invoke(tcb, MOAT_TCB_SET_VCPU, 0, NULL, 2, NULL),
			       MOAT_INVALID_CAPABILITY);
	}
	moat_ipc_buffer->caps[0] = vcpu;
	moat_ipc_buffer->caps[1] = gs;
	MOAT_ASSERT_EQ(moat_invoke(tcb, MOAT_TCB_SET_VCPU, 0, NULL, 2, NULL), MOAT_OK);
	if (check_errors)
		MOAT_ASSERT_EQ(moat_invoke(tcb, MOAT_TCB_SET_VCPU, 0, NULL, 2, NULL),
			       MOAT_ILLEGAL_OPERATION);
	MOAT_ASSERT_EQ(moat_invoke(tcb, MOAT_TCB_WRITE_REGISTERS, 3, regs, 0, NULL), MOAT_OK);
	MOAT_ASSERT_EQ(moat_invoke(tcb, MOAT_TCB_SET_PRIORITY, 1, &prio, 0, NULL), MOAT_OK);
	if (vcpu_out)
		*vcpu_out = vcpu;
	MOAT_ASSERT_EQ(moat_invoke(tcb, MOAT_TCB_RESUME, 0, NULL, 0, NULL), MOAT_OK);
	return tcb;
}

