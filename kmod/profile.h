/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * Protocol profiles: the (local type, remote type) table of SPEC section 7
 * and the negotiation that turns two nodes' HELLOs into the one profile
 * both ends of a pair use.  Plain C shared by the module and the host
 * tests (no allocation, no locking).
 *
 * Each node sends, in its HELLO, its table entry for the pair (with
 * "negotiated" values resolved: compression to the strongest level it
 * offers, reliability to best-effort), the levels it offers and whether it
 * is insecure.  myc_prof_negotiate() is symmetric: both ends compute the
 * same result from the same two HELLOs, whichever is "local".
 *
 *   encryption   none only if both ask for none and both are insecure;
 *                otherwise at least minimal.  Fixed profiles: the stronger
 *                of the two wishes if both offer it, else the weakest
 *                common level above it; with none, the pair is refused
 *                (no data flows: a fixed profile is never weakened).
 *                Adaptive (either side): the strongest common level not
 *                above the stronger wish; with none, or when the peer
 *                never answers (myc_prof_fallback()), both fall back to
 *                minimal, no compression (fallback set).
 *   compression  the strongest level both offer, not above the stronger
 *                wish (adaptive fallback: none).
 *   reliability  the stronger of the two wishes; a socket's own guarantee
 *                raises it per message.
 *   mtu, max_msg the smaller of the two.
 *   profile      adaptive if either side is; else the first in enum order
 *                of the two (a label only: the values above decide).
 */
#ifndef _MYC_PROFILE_H
#define _MYC_PROFILE_H

#include "shared.h"
#include "wire.h"
#ifdef __KERNEL__
#include <uapi/linux/mycelium.h>
#else
#include <linux/mycelium.h>
#endif

#define MYC_NODE_TYPES		(MYC_NODE_TYPE_MAX + 1)

/* One entry of the profile table. */
struct myc_prof_entry {
	u8 profile;		/* enum myc_profile */
	u8 enc;			/* enum myc_encryption */
	u8 comp;		/* enum myc_compression (NEGOTIATED allowed) */
	u8 rel;			/* enum myc_reliability (NEGOTIATED allowed) */
};

/* What a pair uses. */
struct myc_prof_eff {
	u8 profile;
	u8 enc;			/* enum myc_encryption */
	u8 comp;		/* enum myc_compression, never NEGOTIATED */
	u8 rel;			/* enum myc_guarantee */
	bool fallback;		/* adaptive negotiation failed: minimal */
	bool refused;		/* fixed profile, no common level: no data */
	u16 mtu;
	u32 max_msg;
};

/* The seed table of SPEC section 7, [local][remote]. */
void myc_prof_defaults(struct myc_prof_entry t[MYC_NODE_TYPES][MYC_NODE_TYPES]);

/*
 * The HELLO this node sends for a pair: its entry e, the levels it offers
 * (bitmasks by level; enc_caps must include MYC_ENC_MINIMAL), insecure.
 */
void myc_prof_hello(struct myc_hello *h, const struct myc_prof_entry *e,
		    u8 type, u8 enc_caps, u8 comp_caps, bool insecure,
		    u16 mtu, u32 max_msg);

/* The effective profile of a pair from its two HELLOs (symmetric). */
void myc_prof_negotiate(const struct myc_hello *a, const struct myc_hello *b,
			struct myc_prof_eff *out);

/*
 * An adaptive pair whose peer never answered: minimal, no compression,
 * our own reliability wish, fallback set.  Fixed profiles have none.
 */
bool myc_prof_fallback(const struct myc_hello *local,
		       struct myc_prof_eff *out);

#endif /* _MYC_PROFILE_H */
