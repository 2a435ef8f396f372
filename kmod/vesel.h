/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * Backend selection of a virtual endpoint: plain C shared by the module and
 * the host tests.  Only healthy (up) backends are chosen, never the one in
 * `exclude` (a retry goes elsewhere):
 *
 *   round-robin           the next healthy backend after the one used last
 *   weighted-round-robin  smooth weighted round-robin (as nginx): over any
 *                         run of picks each backend gets its weight's share,
 *                         interleaved rather than in bursts
 *   least-connections     the fewest open connections per unit of weight
 *   latency               the lowest RTT to the backend's node
 *
 * Ties go to the first candidate after the one used last.
 */
#ifndef _MYC_VESEL_H
#define _MYC_VESEL_H

#include "shared.h"
#ifdef __KERNEL__
#include <uapi/linux/mycelium.h>
#else
#include <linux/mycelium.h>
#endif

struct myc_be_in {
	u8 state;		/* enum myc_backend_state */
	u32 weight;		/* 1..MYC_MAX_WEIGHT */
	u32 conns;		/* connections open */
	u32 srtt_us;		/* to its node; 0: not measured */
	s64 cur_weight;		/* weighted round-robin state, kept by caller */
};

/*
 * Index of the backend to use among b[0..n), or -1 when none is healthy.
 * last: index used last, or -1; exclude: index not to use, or -1.  Updates
 * b[].cur_weight for weighted round-robin.
 */
int myc_ve_select(struct myc_be_in *b, int n, u8 lb, int last, int exclude);

#endif /* _MYC_VESEL_H */
