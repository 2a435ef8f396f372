/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * Sliding windows over 64-bit sequence numbers, shared by the module and the
 * host tests:
 *
 * - struct myc_pnwin: received packet numbers.  Replay protection (a packet
 *   number is accepted once; numbers too far below the highest are refused)
 *   and the source of ACK frames (the received numbers as ranges).
 * - struct myc_seqwin: message sequence numbers of one channel.  Everything
 *   below base has been delivered; the bitmap marks delivered numbers in
 *   [base, base + MYC_SEQWIN_SIZE).  Gives exactly-once and the next number
 *   due for in-order delivery.
 *
 * Plain C, no allocation, no locking: the caller serialises.
 */
#ifndef _MYC_SEQWIN_H
#define _MYC_SEQWIN_H

#include "shared.h"
#include "wire.h"

#define MYC_PNWIN_SIZE		2048	/* bits; a multiple of 64 */

/*
 * bits: bit (pn % SIZE) set = pn seen, for pn in (top - SIZE, top]; a packet
 * number more than SIZE - 1 below top is MYC_PN_OLD.
 */
struct myc_pnwin {
	u64 top;			/* highest packet number seen, 0 = none */
	u64 bits[MYC_PNWIN_SIZE / 64];
};

enum myc_pnwin_verdict {
	MYC_PN_NEW = 0,		/* first time: marked */
	MYC_PN_DUP = 1,		/* seen before */
	MYC_PN_OLD = 2,		/* below the window: treat as a replay */
	MYC_PN_INVALID = 3,	/* packet number 0 */
};

void myc_pnwin_init(struct myc_pnwin *w);
/* Check pn and mark it if it is new. */
enum myc_pnwin_verdict myc_pnwin_check_mark(struct myc_pnwin *w, u64 pn);
/* Check only, without marking (used before a frame is authenticated). */
enum myc_pnwin_verdict myc_pnwin_check(const struct myc_pnwin *w, u64 pn);
/*
 * Describe the received packet numbers as an ACK: largest = top, up to
 * max_ranges ranges (1..MYC_ACK_MAX_RANGES + 1) from the top down, within
 * the window.  delay_us and window are left for the caller.  Returns the
 * number of ranges (0 if nothing was received), also stored in a->nranges.
 * A max_ranges outside 1..MYC_ACK_MAX_RANGES + 1 is clamped into it.
 */
u16 myc_pnwin_to_ack(const struct myc_pnwin *w, struct myc_ack *a,
		     u16 max_ranges);

#define MYC_SEQWIN_SIZE		4096	/* bits; a multiple of 64 */

struct myc_seqwin {
	u64 base;			/* lowest number not yet delivered */
	u64 bits[MYC_SEQWIN_SIZE / 64];	/* bit (seq % SIZE) set = delivered */
};

enum myc_seqwin_verdict {
	MYC_SEQ_NEW = 0,	/* not delivered yet, inside the window */
	MYC_SEQ_DUP = 1,	/* delivered already (below base or marked) */
	MYC_SEQ_AHEAD = 2,	/* beyond base + SIZE - 1: cannot track yet */
};

/* Sequence numbers start at 1 (base = 1). */
void myc_seqwin_init(struct myc_seqwin *w);
enum myc_seqwin_verdict myc_seqwin_check(const struct myc_seqwin *w, u64 seq);
/*
 * Mark seq delivered (it must be MYC_SEQ_NEW); base advances over every
 * delivered number from base up.  Returns how far base moved.  A seq that
 * is not MYC_SEQ_NEW is ignored (returns 0).
 */
u64 myc_seqwin_mark(struct myc_seqwin *w, u64 seq);

#endif /* _MYC_SEQWIN_H */
