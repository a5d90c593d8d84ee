/*
 * Unit tests for notifications, endpoints and reply objects
 * (kernel/src/notification.c, endpoint.c, reply.c, thread.c): badge
 * semantics, message transfer and its clamping, blocking and waking, what
 * deletion does to blocked threads, and whose budget pays for a server.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "endpoint.h"
#include "notification.h"
#include "reply.h"
#include "sched_context.h"
#include "thread.h"

static struct tcb a, b, c;
static struct moat_ipc_buffer buf_a, buf_b;
static struct notification n;
static struct endpoint ep;
static struct reply r;

static int setup(void **state)
{
	(void)state;
	thread_init();
	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	memset(&c, 0, sizeof(c));
	memset(&n, 0, sizeof(n));
	memset(&ep, 0, sizeof(ep));
	memset(&r, 0, sizeof(r));
	a.priority = b.priority = c.priority = 10;
	thread_make_runnable(&a);
	thread_make_runnable(&b);
	thread_make_runnable(&c);
	return 0;
}

static void test_notification_badges(void **state)
{
	uint64_t word;

	(void)state;
	assert_false(notification_wait(&n, &a, false, &word));
	assert_int_equal(word, 0);
	assert_null(notification_signal(&n, 0x1));
	assert_null(notification_signal(&n, 0x4));
	assert_null(notification_signal(&n, 0x1));
	assert_true(notification_wait(&n, &a, false, &word));
	assert_int_equal(word, 0x5); /* OR-ed, each bit once */
	assert_false(notification_wait(&n, &a, false, &word));
	assert_int_equal(a.state, THREAD_RUNNABLE);
}

static void test_notification_wakes_waiters_in_order(void **state)
{
	uint64_t word;

	(void)state;
	assert_false(notification_wait(&n, &a, true, &word));
	assert_false(notification_wait(&n, &b, true, &word));
	assert_int_equal(a.state, THREAD_BLOCKED_NOTIFICATION);
	assert_false(a.run.queued);
	assert_ptr_equal(notification_signal(&n, 0x8), &a);
	assert_int_equal(a.state, THREAD_RUNNABLE);
	assert_int_equal(a.ctx.x[REG_CPTR], 0x8);
	assert_int_equal(n.word, 0); /* delivered, not stored */
	/* Deleting the notification releases the rest with a zero word. */
	b.ctx.x[REG_CPTR] = 99;
	notification_finalise(&n);
	assert_int_equal(b.state, THREAD_RUNNABLE);
	assert_int_equal(b.ctx.x[REG_CPTR], 0);
	assert_null(n.waiters.head);
}

static void set_message(struct tcb *t, uint64_t label, unsigned len, uint64_t first)
{
	t->ctx.x[REG_INFO] = moat_msginfo(label, 0, 0, len);
	for (unsigned i = 0; i < 4; i++)
		t->ctx.x[REG_MR0 + i] = first + i;
	if (t->ipc_buffer)
		for (unsigned i = 4; i < MOAT_MSG_MAX_LENGTH; i++)
			t->ipc_buffer->msg[i] = first + i;
}

static void test_send_then_receive(void **state)
{
	struct send_args send = { .badge = 0x42, .block = true };

	(void)state;
	a.ipc_buffer = &buf_a;
	b.ipc_buffer = &buf_b;
	set_message(&a, 7, 10, 100);
	endpoint_send(&ep, &a, &send);
	assert_int_equal(a.state, THREAD_BLOCKED_SEND);
	assert_ptr_equal(ep.senders.head, &a);

	endpoint_receive(&ep, &b, NULL, true);
	assert_int_equal(a.state, THREAD_RUNNABLE);
	assert_int_equal(b.ctx.x[REG_CPTR], 0x42);
	assert_int_equal(moat_msginfo_label(b.ctx.x[REG_INFO]), 7);
	assert_int_equal(moat_msginfo_length(b.ctx.x[REG_INFO]), 10);
	assert_int_equal(b.ctx.x[REG_MR0 + 3], 103);
	assert_int_equal(buf_b.msg[9], 109);
	assert_null(ep.senders.head);
}

static void test_length_clamped_without_buffers(void **state)
{
	struct send_args send = { .block = true };

	(void)state;
	a.ipc_buffer = &buf_a; /* only the sender has one */
	endpoint_receive(&ep, &b, NULL, true);
	assert_int_equal(b.state, THREAD_BLOCKED_RECV);
	set_message(&a, 1, 127, 0); /* more than MOAT_MSG_MAX_LENGTH too */
	endpoint_send(&ep, &a, &send);
	assert_int_equal(moat_msginfo_length(b.ctx.x[REG_INFO]), MOAT_MSG_REGISTERS);
	assert_int_equal(b.state, THREAD_RUNNABLE);
	/* Non-blocking: nothing waiting, nothing happens. */
	send.block = false;
	endpoint_send(&ep, &a, &send);
	assert_int_equal(a.state, THREAD_RUNNABLE);
	assert_null(ep.senders.head);
	b.ctx.x[REG_CPTR] = 5;
	endpoint_receive(&ep, &b, NULL, false);
	assert_int_equal(b.ctx.x[REG_CPTR], 0);
	assert_int_equal(b.ctx.x[REG_INFO], 0);
}

static void test_call_and_reply(void **state)
{
	struct send_args call = { .badge = 3, .block = true, .is_call = true };

	(void)state;
	endpoint_receive(&ep, &b, &r, true);
	assert_ptr_equal(r.receiver, &b);
	set_message(&a, 5, 1, 41);
	endpoint_send(&ep, &a, &call);
	assert_int_equal(a.state, THREAD_BLOCKED_REPLY);
	assert_ptr_equal(r.caller, &a);
	assert_null(r.receiver);
	assert_int_equal(b.ctx.x[REG_MR0], 41);

	set_message(&b, 0, 1, 42);
	endpoint_reply(&r, &b);
	assert_int_equal(a.state, THREAD_RUNNABLE);
	assert_int_equal(a.ctx.x[REG_MR0], 42);
	assert_int_equal(a.ctx.x[REG_CPTR], 0);
	assert_null(r.caller);
	/* A second reply through the same object goes nowhere. */
	a.ctx.x[REG_MR0] = 0;
	endpoint_reply(&r, &b);
	assert_int_equal(a.ctx.x[REG_MR0], 0);

	/* A Call to a receiver without a reply object fails, not hangs. */
	endpoint_receive(&ep, &b, NULL, true);
	endpoint_send(&ep, &a, &call);
	assert_int_equal(a.state, THREAD_RUNNABLE);
	assert_int_equal(moat_msginfo_label(a.ctx.x[REG_INFO]), MOAT_INVALID_CAPABILITY);
}

static void test_deletion_restarts_blocked_threads(void **state)
{
	struct send_args send = { .block = true };
	struct send_args call = { .block = true, .is_call = true };

	(void)state;
	a.ctx.pc = 0x1004;
	b.ctx.pc = 0x2004;
	endpoint_send(&ep, &a, &send);
	endpoint_send(&ep, &b, &send);
	endpoint_finalise(&ep);
	assert_int_equal(a.state, THREAD_RUNNABLE);
	assert_int_equal(a.ctx.pc, 0x1000); /* back on its svc */
	assert_int_equal(b.ctx.pc, 0x2000);
	assert_null(ep.senders.head);

	/* Deleting a reply object: the receiver restarts, a caller gets an error. */
	c.ctx.pc = 0x3004;
	endpoint_receive(&ep, &c, &r, true);
	reply_finalise(&r);
	assert_int_equal(c.state, THREAD_RUNNABLE);
	assert_int_equal(c.ctx.pc, 0x3000);
	assert_null(ep.receivers.head);

	endpoint_receive(&ep, &c, &r, true);
	endpoint_send(&ep, &a, &call);
	reply_finalise(&r);
	assert_int_equal(a.state, THREAD_RUNNABLE);
	assert_int_equal(moat_msginfo_label(a.ctx.x[REG_INFO]), MOAT_INVALID_CAPABILITY);
}

static void test_suspend_cancels(void **state)
{
	struct send_args call = { .block = true, .is_call = true };

	(void)state;
	b.ctx.pc = 0x2004;
	endpoint_receive(&ep, &b, &r, true);
	endpoint_send(&ep, &a, &call); /* a now waits on r */
	thread_suspend(&a);
	assert_int_equal(a.state, THREAD_INACTIVE);
	assert_null(r.caller);
	assert_null(a.ipc.reply);
	endpoint_receive(&ep, &b, &r, true);
	thread_suspend(&b);
	assert_null(ep.receivers.head);
	assert_null(r.receiver);
	assert_int_equal(b.ctx.pc, 0x2000);
}

/* A server without a budget runs on that of the budgeted caller it serves, until the reply. */
static void test_server_on_callers_budget(void **state)
{
	struct send_args call = { .block = true, .is_call = true };
	struct sched_context sc = { 0 }, own = { 0 };

	(void)state;
	endpoint_receive(&ep, &b, &r, true);
	endpoint_send(&ep, &a, &call); /* no budget: the server pays for itself */
	assert_null(b.serving);
	assert_null(r.server);
	assert_ptr_equal(reply_payer(&b), &b);
	endpoint_reply(&r, &b);

	a.sc = &sc;
	endpoint_receive(&ep, &b, &r, true);
	endpoint_send(&ep, &a, &call);
	assert_ptr_equal(b.serving, &r);
	assert_ptr_equal(r.server, &b);
	assert_ptr_equal(reply_payer(&b), &a);
	b.sc = &own; /* a budget of its own comes first */
	assert_ptr_equal(reply_payer(&b), &b);
	b.sc = NULL;
	endpoint_reply(&r, &b);
	assert_null(b.serving);
	assert_null(r.server);
	assert_ptr_equal(reply_payer(&b), &b);

	/* The caller waiting first (the Recv takes it) is the same. */
	endpoint_send(&ep, &a, &call);
	endpoint_receive(&ep, &b, &r, true);
	assert_ptr_equal(reply_payer(&b), &a);
	thread_suspend(&a); /* the caller gone: nobody's budget */
	assert_null(b.serving);
	assert_null(r.server);
	assert_ptr_equal(reply_payer(&b), &b);
}

/* The server and its reply object name each other or neither: no pointer outlives its object. */
static void test_serving_link_is_mutual(void **state)
{
	struct send_args call = { .block = true, .is_call = true };
	struct sched_context sc = { 0 };
	struct reply r2 = { 0 };

	(void)state;
	a.sc = c.sc = &sc;
	endpoint_receive(&ep, &b, &r, true);
	endpoint_send(&ep, &a, &call);
	/* A second budgeted caller into another object: that one pays now. */
	endpoint_send(&ep, &c, &call);
	endpoint_receive(&ep, &b, &r2, true);
	assert_ptr_equal(b.serving, &r2);
	assert_ptr_equal(r2.server, &b);
	assert_null(r.server);
	assert_ptr_equal(reply_payer(&b), &c);
	/* The object deleted: its caller gets an error, its server pays for itself. */
	reply_finalise(&r2);
	assert_null(b.serving);
	assert_null(r2.server);
	assert_int_equal(moat_msginfo_label(c.ctx.x[REG_INFO]), MOAT_INVALID_CAPABILITY);
	/* The server deleted (tcb_finalise): the object no longer names it. */
	endpoint_reply(&r, &b);
	endpoint_receive(&ep, &b, &r, true);
	endpoint_send(&ep, &a, &call);
	assert_ptr_equal(r.server, &b);
	reply_forget_server(&b);
	assert_null(r.server);
	assert_null(b.serving);
	assert_ptr_equal(r.caller, &a); /* still bound: deleting the object answers it */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_notification_badges, setup),
		cmocka_unit_test_setup(test_notification_wakes_waiters_in_order, setup),
		cmocka_unit_test_setup(test_send_then_receive, setup),
		cmocka_unit_test_setup(test_length_clamped_without_buffers, setup),
		cmocka_unit_test_setup(test_call_and_reply, setup),
		cmocka_unit_test_setup(test_deletion_restarts_blocked_threads, setup),
		cmocka_unit_test_setup(test_suspend_cancels, setup),
		cmocka_unit_test_setup(test_server_on_callers_budget, setup),
		cmocka_unit_test_setup(test_serving_link_is_mutual, setup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
