/* Ready queues with an O(1) highest-priority lookup; see sched.h. */
#include "sched.h"

#include "panic.h"

static unsigned msb(uint64_t v)
{
	return 63 - (unsigned)__builtin_clzll(v);
}

static void mark(struct sched *s, unsigned prio)
{
	s->words[prio / 64] |= 1ul << (prio % 64);
	s->top |= 1ul << (prio / 64);
}

static void unmark(struct sched *s, unsigned prio)
{
	s->words[prio / 64] &= ~(1ul << (prio % 64));
	if (!s->words[prio / 64])
		s->top &= ~(1ul << (prio / 64));
}

void sched_init(struct sched *s)
{
	*s = (struct sched){ 0 };
}

void sched_enqueue(struct sched *s, struct sched_link *l, unsigned prio)
{
	struct sched_queue *q = &s->queues[prio];

	l->prio = (uint8_t)prio;
	l->queued = true;
	l->next = NULL;
	l->prev = q->tail;
	if (q->tail)
		q->tail->next = l;
	else
		q->head = l;
	q->tail = l;
	mark(s, prio);
}

void sched_enqueue_head(struct sched *s, struct sched_link *l, unsigned prio)
{
	struct sched_queue *q = &s->queues[prio];

	l->prio = (uint8_t)prio;
	l->queued = true;
	l->prev = NULL;
	l->next = q->head;
	if (q->head)
		q->head->prev = l;
	else
		q->tail = l;
	q->head = l;
	mark(s, prio);
}

void sched_dequeue(struct sched *s, struct sched_link *l)
{
	struct sched_queue *q = &s->queues[l->prio];

	if (!l->queued)
		return;
	if (l->prev)
		l->prev->next = l->next;
	else
		q->head = l->next;
	if (l->next)
		l->next->prev = l->prev;
	else
		q->tail = l->prev;
	l->next = l->prev = NULL;
	l->queued = false;
	if (!q->head)
		unmark(s, l->prio);
}

int sched_highest(const struct sched *s)
{
	unsigned w;

	if (!s->top)
		return -1;
	w = msb(s->top);
	return (int)(w * 64 + msb(s->words[w]));
}

struct sched_link *sched_pick(const struct sched *s)
{
	int prio = sched_highest(s);

	return prio < 0 ? NULL : s->queues[prio].head;
}

bool sched_has_peer(const struct sched *s, const struct sched_link *l, unsigned prio)
{
	const struct sched_queue *q = &s->queues[prio];

	return q->head && (q->head != l || q->tail != l);
}

void sched_check(const struct sched *s)
{
	for (unsigned p = 0; p < SCHED_PRIORITIES; p++) {
		const struct sched_queue *q = &s->queues[p];
		bool marked = s->words[p / 64] & (1ul << (p % 64));
		const struct sched_link *prev = NULL;
		unsigned n = 0;

		CHECK(marked == (q->head != NULL));
		CHECK(!(s->words[p / 64]) || (s->top & (1ul << (p / 64))));
		for (const struct sched_link *l = q->head; l; prev = l, l = l->next) {
			CHECK(l->queued && l->prio == p && l->prev == prev);
			CHECK(++n < 1000000);
		}
		CHECK(q->tail == prev);
	}
}
