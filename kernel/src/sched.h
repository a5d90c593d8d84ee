/*
 * Ready queues: 256 fixed priorities (255 highest), FIFO within a priority,
 * and a two-level bitmap so the highest non-empty priority is found with two
 * count-leading-zeros, whatever the number of threads.
 *
 * Threads are linked through an embedded `struct sched_link`; this module
 * knows nothing else about them.
 */
#ifndef MOAT_SCHED_H
#define MOAT_SCHED_H

#include "types.h"

#define SCHED_PRIORITIES 256

struct sched_link {
	struct sched_link *next;
	struct sched_link *prev;
	uint8_t prio;
	bool queued;
};

struct sched_queue {
	struct sched_link *head;
	struct sched_link *tail;
};

struct sched {
	uint64_t top;   /* bit i: words[i] != 0 */
	uint64_t words[SCHED_PRIORITIES / 64];
	struct sched_queue queues[SCHED_PRIORITIES];
};

void sched_init(struct sched *s);

/* Appends at the tail of its priority (a thread that used its turn). */
void sched_enqueue(struct sched *s, struct sched_link *l, unsigned prio);
/* Inserts at the head (a thread preempted before its turn was over). */
void sched_enqueue_head(struct sched *s, struct sched_link *l, unsigned prio);
void sched_dequeue(struct sched *s, struct sched_link *l);

/* The first thread of the highest non-empty priority, or NULL. Not removed. */
struct sched_link *sched_pick(const struct sched *s);
/* Whether another thread than `l` (queued or not) waits at `prio`. */
bool sched_has_peer(const struct sched *s, const struct sched_link *l, unsigned prio);
/*
 * Panics unless the bitmap matches the queues and every link agrees with
 * its neighbours and priority (the invariant checker).
 */
void sched_check(const struct sched *s);

/* The highest non-empty priority, or -1. */
int sched_highest(const struct sched *s);

#endif
