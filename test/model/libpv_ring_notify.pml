/*
 * Promela model of libpv's SPSC ring notification protocol
 * (libpv/src/ring.c), in both directions: the consumer sleeping on an
 * empty ring, woken by the producer's kick, and the producer sleeping on a
 * full ring, woken by the consumer's kick. Checked by spin for invalid end
 * states (a side asleep forever, or both: a lost wakeup or a deadlock) and
 * for the assertions (every entry arrives, in order, and no slot is
 * overwritten before it was consumed).
 *
 * Assumptions (what the model takes from the code and the hardware):
 *  1. Memory is sequentially consistent for the accesses modelled. The code
 *     gets this where it matters: each "store own event, re-read peer
 *     index" and "store own index, read peer event" pair has a full fence
 *     (pv_fence_full) between the store and the load, and entries are
 *     published and released with release stores and acquire loads. The
 *     model does not check the fences themselves; the ThreadSanitizer
 *     stress test and the code review do.
 *  2. Each shared access to an index or event is one atomic step (aligned
 *     32-bit __atomic accesses in the code).
 *  3. A notification is a futex-style doorbell: the sleeper reads the bell
 *     before its final check and sleeps only while the bell still holds
 *     that value; a kick increments the bell. A kick that comes before the
 *     sleep therefore is not lost. (Moat notifications latch the same way.)
 *  4. Indices are 8-bit here instead of 32-bit, with the same modular
 *     arithmetic (pv_need_event32 becomes NEED_EVENT). All indices and
 *     events start at START (default 253), as after a long run, so they
 *     wrap through 255 -> 0 during the check.
 *  5. The peers are honest: the rejection of hostile indices is covered by
 *     the unit tests and the fuzzer, not here.
 *  6. Each side produces (consumes) a nondeterministic batch of 1..room
 *     entries (1..pending), as pv_ring_produce/consume may.
 *
 * Build with -DNO_RECHECK to drop the re-check after publishing the event;
 * spin must then find a lost wakeup (test/model/check_model.sh expects it).
 */

#ifndef CAP
#define CAP 2
#endif
#ifndef MSGS
#define MSGS 6
#endif

#ifndef START
#define START 253
#endif

#define NEED_EVENT(ev, nw, old) ((((nw) - (ev) - 1) & 255) < (((nw) - (old)) & 255))

byte prod = START, cons = START;             /* the shared indices */
byte prod_event = START, cons_event = START; /* the shared events */
byte slot[CAP];              /* the low bits of the index produced there */
byte bell_c, bell_p;         /* the consumer's and the producer's doorbell */
short received;

active proctype producer()
{
	byte p = START, seen = START, kicked = START, b, n;
	short sent;

	do
	:: sent == MSGS -> break
	:: else ->
		if
		:: ((p - seen) & 255) == CAP ->
			/* Full as far as we know: pv_ring_produce refreshes. */
			seen = cons;
			if
			:: ((p - seen) & 255) == CAP ->
				/* pv_ring_producer_prepare_wait, then sleep. */
				b = bell_p;
				cons_event = seen;
#ifndef NO_RECHECK
				seen = cons;
#endif
				if
				:: ((p - seen) & 255) == CAP -> (bell_p != b)
				:: else -> skip
				fi
			:: else -> skip
			fi
		:: else ->
			/* Produce a batch of n entries, then one release of prod. */
			n = 1;
			do
			:: n < ((CAP - ((p - seen) & 255))) && sent + n < MSGS -> n++
			:: true -> break
			od;
			do
			:: n > 0 ->
				assert(((p - cons) & 255) < CAP); /* never over an unconsumed slot */
				slot[p % CAP] = p;
				p++;
				sent++;
				n--
			:: else -> break
			od;
			prod = p;
			/* pv_ring_producer_kick_needed: fence, read prod_event. */
			if
			:: NEED_EVENT(prod_event, p, kicked) -> bell_c++
			:: else -> skip
			fi;
			kicked = p
		fi
	od
}

active proctype consumer()
{
	byte c = START, seen = START, kicked = START, b, n;

	do
	:: received == MSGS -> break
	:: else ->
		if
		:: seen == c ->
			/* Nothing known: pv_ring_consume refreshes. */
			seen = prod;
			if
			:: seen == c ->
				/* pv_ring_consumer_prepare_wait, then sleep. */
				b = bell_c;
				prod_event = c;
#ifndef NO_RECHECK
				seen = prod;
#endif
				if
				:: seen == c -> (bell_c != b)
				:: else -> skip
				fi
			:: else -> skip
			fi
		:: else ->
			n = 1;
			do
			:: n < ((seen - c) & 255) -> n++
			:: true -> break
			od;
			do
			:: n > 0 ->
				assert(slot[c % CAP] == c);
				c++;
				received++;
				n--
			:: else -> break
			od;
			cons = c;
			/* pv_ring_consumer_kick_needed: fence, read cons_event. */
			if
			:: NEED_EVENT(cons_event, c, kicked) -> bell_p++
			:: else -> skip
			fi;
			kicked = c
		fi
	od
}
