/*
 * Scheduling with time: round robin among equal priorities without any
 * yield (the time slice), budget enforcement by scheduling contexts
 * (measured share), and the SchedControl / SetSchedContext rules.
 *
 * Threads measure their own running time: each spins reading the counter;
 * a step shorter than GAP is time it ran, and a turn begins when another
 * spinner ran in between (account()).
 */
#include "rs_test.h"

#define ROOT_PRIO 100

struct spinner {
	volatile uint64_t ran;    /* counter ticks spent running */
	volatile uint64_t turns;  /* times it was resumed after a gap */
	volatile uint64_t burst;  /* the longest run without a gap */
	volatile bool stop;
};

static struct spinner spin[3];
static uint64_t gap;
static struct spinner *last_runner; /* the last to account */

/*
 * A turn begins when another spinner accounted since this one last did
 * (one atomic swap: no window to miss it in). A gap longer than GAP with
 * nobody else in it is the host's (the emulator stalled): no turn, no end
 * of the run, and nobody's time. On some hosts such stalls come every
 * 2 ms or so; counted as switches, they made runs look shorter than the
 * 5 ms slice.
 */
static void account(struct spinner *s, uint64_t *last, uint64_t *run)
{
	uint64_t t = rs_now(), d = t - *last;

	if (__atomic_exchange_n(&last_runner, s, __ATOMIC_RELAXED) != s) {
		s->turns++;
		*run = 0;
	} else if (d < gap) {
		s->ran += d;
		*run += d;
		if (*run > s->burst)
			s->burst = *run;
	}
	*last = t;
}

static void spinner(moat_word_t i)
{
	uint64_t last = rs_now(), run = 0;

	while (!spin[i].stop)
		account(&spin[i], &last, &run);
	for (;;)
		moat_yield();
}

/* Spins for `ticks` of wall time, measuring (like a spinner) its own share. */
static void root_spin(struct spinner *self, uint64_t ticks)
{
	uint64_t start = rs_now(), last = start, run = 0;

	while (rs_now() - start < ticks)
		account(self, &last, &run);
}

static void set_priority(moat_cptr_t tcb, moat_word_t prio)
{
	MOAT_ASSERT_EQ(moat_invoke(tcb, MOAT_TCB_SET_PRIORITY, 1, &prio, 0, NULL), MOAT_OK);
}

static enum moat_error configure(moat_cptr_t sc, moat_word_t budget_us, moat_word_t period_us)
{
	moat_word_t a[2] = { budget_us, period_us };

	moat_ipc_buffer->caps[0] = sc;
	return moat_invoke(MOAT_SLOT_SCHED_CONTROL, MOAT_SCHED_CONTROL_CONFIGURE, 2, a, 1, NULL);
}

static enum moat_error bind(moat_cptr_t tcb, moat_cptr_t sc)
{
	moat_ipc_buffer->caps[0] = sc;
	return moat_invoke(tcb, MOAT_TCB_SET_SCHED_CONTEXT, 0, NULL, sc ? 1 : 0, NULL);
}

static unsigned percent(uint64_t part, uint64_t whole)
{
	return whole ? (unsigned)(part * 100 / whole) : 0;
}

/* Two spinners at our own priority: all three get turns, none starves. */
static void check_round_robin(void)
{
	struct spinner self = { 0 };
	moat_cptr_t a, b;

	a = rs_thread(spinner, 0, ROOT_PRIO);
	b = rs_thread(spinner, 1, ROOT_PRIO);
	root_spin(&self, rs_us(300000));
	spin[0].stop = spin[1].stop = true;
	MOAT_ASSERT_EQ(moat_invoke(a, MOAT_TCB_SUSPEND, 0, NULL, 0, NULL), MOAT_OK);
	MOAT_ASSERT_EQ(moat_invoke(b, MOAT_TCB_SUSPEND, 0, NULL, 0, NULL), MOAT_OK);
	moat_printf("sched: round robin over 300 ms: turns %lu/%lu/%lu, longest %lu/%lu us, "
		    "shares %u%%/%u%%/%u%%\n",
		    spin[0].turns, spin[1].turns, self.turns, spin[0].burst * 1000 / rs_us(1000),
		    spin[1].burst * 1000 / rs_us(1000),
		    percent(spin[0].ran, spin[0].ran + spin[1].ran + self.ran),
		    percent(spin[1].ran, spin[0].ran + spin[1].ran + self.ran),
		    percent(self.ran, spin[0].ran + spin[1].ran + self.ran));
	/* 5 ms slices over 300 ms: about 20 turns each; far fewer means starvation. */
	MOAT_ASSERT(spin[0].turns >= 8 && spin[1].turns >= 8 && self.turns >= 8);
	MOAT_ASSERT(percent(spin[0].ran, spin[0].ran + spin[1].ran + self.ran) >= 20);
	MOAT_ASSERT(percent(spin[1].ran, spin[0].ran + spin[1].ran + self.ran) >= 20);
	/* A slice is 5 ms: nobody runs much longer without a break. */
	MOAT_ASSERT(spin[0].burst < rs_us(12000) && spin[1].burst < rs_us(12000));
	MOAT_ASSERT(spin[0].burst > rs_us(3000) || spin[1].burst > rs_us(3000));
}

static moat_cptr_t partner_ntfn, partner_ep, partner_reply;
static volatile uint64_t partner_wakes;

static void partner_waiter(moat_word_t arg)
{
	(void)arg;
	for (;;) {
		moat_wait(partner_ntfn);
		partner_wakes++;
	}
}

/* Answers every Call at once (the IPC fastpath both ways when it may). */
static void partner_server(moat_word_t arg)
{
	struct moat_regs r = { .x0 = partner_ep, .x6 = partner_reply };

	(void)arg;
	moat_syscall(MOAT_SYS_RECV, &r);
	for (;;) {
		partner_wakes++;
		r = (struct moat_regs){ .x0 = partner_ep, .x6 = partner_reply,
					.info = moat_msginfo(0, 0, 0, 0) };
		moat_syscall(MOAT_SYS_REPLY_RECV, &r);
	}
}

static void kick_partner(bool by_call)
{
	struct moat_regs r = { .x0 = partner_ep, .info = moat_msginfo(0, 0, 0, 0) };

	if (by_call)
		moat_syscall(MOAT_SYS_CALL, &r);
	else
		moat_signal(partner_ntfn);
}

/*
 * A spinner at our priority while we wake a thread above us without a
 * pause, by Signal or by Call: each wake runs it for a moment, and our
 * slice must still run out and give the spinner its turns (a slice that
 * began again at each of those moments never would).
 */
static void check_round_robin_waking(bool by_call)
{
	struct spinner self = { 0 };
	uint64_t start, last, run = 0, kicks = 0;
	moat_cptr_t a, w;

	spin[0] = (struct spinner){ 0 };
	partner_wakes = 0;
	partner_ntfn = rs_make(MOAT_OBJ_NOTIFICATION, 0);
	partner_ep = rs_make(MOAT_OBJ_ENDPOINT, 0);
	partner_reply = rs_make(MOAT_OBJ_REPLY, 0);
	w = rs_thread(by_call ? partner_server : partner_waiter, 0, ROOT_PRIO + 10);
	a = rs_thread(spinner, 0, ROOT_PRIO);
	start = last = rs_now();
	while (rs_now() - start < rs_us(300000)) {
		kick_partner(by_call);
		kicks++;
		account(&self, &last, &run);
	}
	spin[0].stop = true;
	MOAT_ASSERT_EQ(moat_invoke(a, MOAT_TCB_SUSPEND, 0, NULL, 0, NULL), MOAT_OK);
	MOAT_ASSERT_EQ(moat_invoke(w, MOAT_TCB_SUSPEND, 0, NULL, 0, NULL), MOAT_OK);
	moat_printf("sched: round robin while waking a thread above by %s: %lu wakes, spinner "
		    "turns %lu, share %u%%\n",
		    by_call ? "Call" : "Signal", (unsigned long)kicks, spin[0].turns,
		    percent(spin[0].ran, spin[0].ran + self.ran));
	MOAT_ASSERT_EQ(partner_wakes, kicks);
	MOAT_ASSERT(spin[0].turns >= 8);
	MOAT_ASSERT(percent(spin[0].ran, spin[0].ran + self.ran) >= 25);
}

/*
 * A spinner above us with 2 ms every 10 ms: it preempts us whenever it has
 * budget, and gets no more than its 20% share.
 */
static void check_budget(void)
{
	struct spinner self = { 0 };
	moat_cptr_t sc = rs_make(MOAT_OBJ_SCHED_CONTEXT, 0), t;
	unsigned share;

	MOAT_ASSERT_EQ(configure(sc, 2000, 10000), MOAT_OK);
	/* Started below us (unbound it would never let us run again), then raised. */
	t = rs_thread(spinner, 2, ROOT_PRIO - 1);
	MOAT_ASSERT_EQ(bind(t, sc), MOAT_OK);
	set_priority(t, ROOT_PRIO + 1);
	spin[2].ran = spin[2].turns = spin[2].burst = 0;
	root_spin(&self, rs_us(500000));
	share = percent(spin[2].ran, spin[2].ran + self.ran);
	moat_printf("sched: budget 2 ms / 10 ms over 500 ms: spinner share %u%%, "
		    "resumed %lu times, longest burst %lu us\n",
		    share, spin[2].turns, spin[2].burst * 1000000 / rs_us(1000000));
	MOAT_ASSERT(share >= 15 && share <= 25);
	MOAT_ASSERT(spin[2].turns >= 40);
	/* Cut off at its budget, give or take the timer interrupt's latency
	 * (QEMU delivers it late when the host is busy; the overrun is then
	 * paid back from later periods, so the share above still holds). */
	MOAT_ASSERT(spin[2].burst <= rs_us(5000));

	/* A new budget takes effect at once: 5 ms / 10 ms is about half. */
	MOAT_ASSERT_EQ(configure(sc, 5000, 10000), MOAT_OK);
	spin[2].ran = 0;
	self = (struct spinner){ 0 };
	root_spin(&self, rs_us(300000));
	share = percent(spin[2].ran, spin[2].ran + self.ran);
	moat_printf("sched: budget 5 ms / 10 ms: spinner share %u%%\n", share);
	MOAT_ASSERT(share >= 42 && share <= 58);

	/* Deleting the context: the spinner is unlimited again and would
	 * starve us; suspend it first, then check it is unbound. */
	spin[2].stop = true;
	MOAT_ASSERT_EQ(moat_invoke(t, MOAT_TCB_SUSPEND, 0, NULL, 0, NULL), MOAT_OK);
	MOAT_ASSERT_EQ(moat_invoke(MOAT_SLOT_ROOT_CNODE, MOAT_CNODE_DELETE, 2,
				   (moat_word_t[]){ sc, 64 }, 0, NULL),
		       MOAT_OK);
	MOAT_ASSERT_EQ(bind(t, 0), MOAT_OK);
}

/* An unconfigured context holds its thread back until it gets a budget. */
static void check_unconfigured(void)
{
	moat_cptr_t sc = rs_make(MOAT_OBJ_SCHED_CONTEXT, 0), other, t;
	struct spinner self = { 0 };

	spin[0] = (struct spinner){ 0 };
	t = rs_make(MOAT_OBJ_TCB, 0);
	MOAT_ASSERT_EQ(bind(t, sc), MOAT_OK);
	other = rs_make(MOAT_OBJ_TCB, 0);
	MOAT_ASSERT_EQ(bind(other, sc), MOAT_ILLEGAL_OPERATION); /* bound to t */
	moat_invoke(MOAT_SLOT_ROOT_CNODE, MOAT_CNODE_DELETE, 2, (moat_word_t[]){ t, 64 }, 0, NULL);
	/* t is gone, so sc is free again: a new thread above us gets it. */
	t = rs_thread(spinner, 0, ROOT_PRIO - 1);
	MOAT_ASSERT_EQ(bind(t, sc), MOAT_OK);
	spin[0].ran = 0;
	set_priority(t, ROOT_PRIO + 1);
	root_spin(&self, rs_us(20000));
	MOAT_ASSERT_EQ(spin[0].ran, 0); /* no budget, no time */
	MOAT_ASSERT_EQ(configure(sc, 1000, 10000), MOAT_OK);
	root_spin(&self, rs_us(50000));
	MOAT_ASSERT(spin[0].ran > 0);
	spin[0].stop = true;
	MOAT_ASSERT_EQ(moat_invoke(t, MOAT_TCB_SUSPEND, 0, NULL, 0, NULL), MOAT_OK);
}

static void check_errors(void)
{
	moat_cptr_t sc = rs_make(MOAT_OBJ_SCHED_CONTEXT, 0);
	moat_cptr_t ntfn = rs_make(MOAT_OBJ_NOTIFICATION, 0);

	MOAT_ASSERT_EQ(configure(sc, 20000, 10000), MOAT_RANGE_ERROR); /* budget > period */
	MOAT_ASSERT_EQ(configure(sc, 10, 10000), MOAT_RANGE_ERROR);    /* budget too small */
	MOAT_ASSERT_EQ(configure(sc, 1000, 1ull << 40), MOAT_RANGE_ERROR);
	MOAT_ASSERT_EQ(configure(ntfn, 1000, 10000), MOAT_INVALID_CAPABILITY);
	MOAT_ASSERT_EQ(moat_invoke(MOAT_SLOT_SCHED_CONTROL, MOAT_SCHED_CONTROL_CONFIGURE, 1,
				   (moat_word_t[]){ 1000 }, 1, NULL),
		       MOAT_TRUNCATED_MESSAGE);
	MOAT_ASSERT_EQ(moat_invoke(MOAT_SLOT_SCHED_CONTROL, MOAT_CNODE_COPY, 0, NULL, 0, NULL),
		       MOAT_ILLEGAL_OPERATION);
	MOAT_ASSERT_EQ(bind(MOAT_SLOT_ROOT_TCB, ntfn), MOAT_INVALID_CAPABILITY);
}

int main(void *arg)
{
	rs_init(arg);
	gap = rs_us(20);
	set_priority(MOAT_SLOT_ROOT_TCB, ROOT_PRIO);
	check_errors();
	check_round_robin();
	check_round_robin_waking(false);
	check_round_robin_waking(true);
	check_budget();
	check_unconfigured();
	moat_printf("sched: all checks passed\n");
	moat_printf("KTEST PASS\n");
	return 0;
}
