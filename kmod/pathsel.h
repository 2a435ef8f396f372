/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * Path selection: which of a peer's paths the next frame goes on.  Plain C
 * shared by the module and the host tests (no allocation, no locking): the
 * caller copies what matters of each path into an array and gets an index
 * back.
 *
 * Paths are ranked in tiers by state, and only the best non-empty tier is
 * considered: up, then unknown (not probed yet), then suspect (a probe or a
 * retransmission timeout was missed: "potentially failed", as SCTP's
 * RFC 7829), then down.  So traffic leaves a path at its first miss when
 * another one answers, and a peer whose paths are all down still gets
 * frames (they act as probes) rather than none.  Within the tier:
 *
 *   round-robin  the next path after the one used last
 *   latency      the lowest smoothed RTT (no sample: after all that have
 *                one); the path used last is kept while its SRTT is within
 *                1/8 of the best, so two equal paths do not flap
 *   load         the fewest bytes in flight
 *   operation    one of the above, chosen by the message class (opmap)
 *
 * Ties go to the first path after the one used last, so equal paths take
 * turns (load with nothing in flight is round-robin).
 */
#ifndef _MYC_PATHSEL_H
#define _MYC_PATHSEL_H

#include "shared.h"
#ifdef __KERNEL__
#include <uapi/linux/mycelium.h>
#else
#include <linux/mycelium.h>
#endif

struct myc_pathsel_in {
	u8 state;		/* enum myc_path_state */
	u32 srtt_us;		/* 0: no sample yet */
	u32 in_flight;		/* bytes unacknowledged on the path */
};

/* The default class -> strategy map of OPERATION (SPEC section 5). */
extern const u8 myc_default_opmap[MYC_CLASS_MAX + 1];

/* Tier of a state, 0 best; unknown states rank with down. */
unsigned int myc_path_tier(u8 state);

/* The strategy that applies to a message of class cls. */
u8 myc_strategy_for(u8 strategy, const u8 *opmap, u8 cls);

/*
 * Index of the path to use among p[0..n), or -1 when n is 0.  last is the
 * index used last (-1: none or no longer there).  strategy must not be
 * OPERATION (resolve it with myc_strategy_for() first).
 */
int myc_path_select(const struct myc_pathsel_in *p, int n, u8 strategy,
		    int last);

#endif /* _MYC_PATHSEL_H */
