/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * Spore conflicts: how a received spore relates to the one held for its
 * id, and which of two conflicting versions wins (Documentation/spores.rst,
 * "Conflicts").  Pure functions, shared by the module, myceliumd and the
 * host unit tests, so that every node orders the same pair the same way.
 */
#ifndef _MYC_SPORE_ORDER_H
#define _MYC_SPORE_ORDER_H

#include "shared.h"
#ifdef __KERNEL__
#include <uapi/linux/mycelium.h>
#else
#include <linux/mycelium.h>
#endif

/* How a received spore relates to the one held for the same id. */
enum myc_spore_rel {
	MYC_SREL_NEW = 1,	/* nothing held for the id */
	MYC_SREL_SAME,		/* the same bytes: a duplicate */
	MYC_SREL_NEWER,		/* same origin, higher version: replaces */
	MYC_SREL_REPLAY,	/* same origin, lower version: refused */
	MYC_SREL_CONFLICT,	/* other bytes, other origin or same version */
};

struct myc_spore_key {
	u64 origin;
	u64 version;
	u8 digest[MYC_SPORE_DIGEST_LEN];
};

/* held may be NULL (nothing held). */
enum myc_spore_rel myc_spore_relate(const struct myc_spore_key *held,
				    const struct myc_spore_key *in);

/*
 * Trust compares in bands of this many points (0-99, 100-199, ...): each
 * node's scores move a little with every spore it judges, and a few
 * points of difference between two nodes' views must not turn a conflict
 * one way on one node and the other way on another.
 */
#define MYC_TRUST_BAND		100

/* One version of a spore as the rules see it. */
struct myc_spore_cand {
	u8 type;		/* enum myc_spore_type */
	u64 timestamp_ms;
	u32 trust;		/* of its origin, 0..1000 (compared by band) */
	u32 votes;		/* sclerotia that hold its digest */
	u8 digest[MYC_SPORE_DIGEST_LEN];
};

/*
 * Order a and b: < 0 when a wins, > 0 when b wins, 0 when they are the
 * same spore (same digest).  *rule (may be NULL) gets the deciding rule
 * (enum myc_spore_rule in the UAPI header).
 */
int myc_spore_order(const struct myc_spore_cand *a,
		    const struct myc_spore_cand *b, enum myc_spore_rule *rule);
/*
 * Do a and b tie on authority, time and trust, so that the votes of the
 * sclerotia are needed?  (Without votes, both count 0 and the smaller
 * digest wins.)
 */
bool myc_spore_needs_votes(const struct myc_spore_cand *a,
			   const struct myc_spore_cand *b);

#endif /* _MYC_SPORE_ORDER_H */
