/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Spores in the kernel: what spore.c (the table, the exchange, forwarding)
 * and spore_nl.c (its netlink commands) share.  Locking and lifetime are
 * stated at the top of spore.c.
 */
#ifndef _MYC_SPORE_H
#define _MYC_SPORE_H

#include "myc.h"
#include "spore_codec.h"

/* What myceliumd said of a spore (SPORE_VERDICT, SPORE_ADD). */
struct myc_spore_verdict {
	u8 state;			/* MYC_SPORE_ACCEPTED or _REJECTED */
	bool forward;
	u8 checks[4];			/* crypto, temporal, consistency, trust */
	u8 rule;			/* enum myc_spore_rule */
	u32 trust;
	bool have_digest;
	u8 digest[MYC_SPORE_DIGEST_LEN];
	char reason[MYC_SPORE_REASON_MAX];
};

struct myc_spore_ent {
	struct hlist_node hnode;	/* held: in mn->spores, by id */
	struct list_head list;		/* pending or rejected */
	u8 state;			/* enum myc_spore_state */
	struct myc_spore_verdict v;
	u64 cookie;			/* pending */
	u64 from;			/* peer, 0: this node */
	u64 received_ms;		/* CLOCK_REALTIME */
	u64 deadline_us;		/* pending: the verdict is due */
	u8 gossip_left;			/* latent: rounds still to go */
	u64 next_gossip_us;
	u64 bhash;			/* myc_spore_bhash() of data */
	struct myc_spore sp;		/* decoded; points into data */
	u32 len;
	u8 data[];
};

u64 myc_real_ms(void);
/* A new entry holding a copy of a spore that decodes, or NULL. */
struct myc_spore_ent *myc_spore_ent_new(const u8 *data, u32 len, gfp_t gfp);
/* Is e the spore of this id? */
bool myc_spore_id_is(const struct myc_spore_ent *e, const u8 *id, u8 len);
/* Under mn->spore_lock. */
struct myc_spore_ent *myc_spore_held(struct myc_net *mn, const u8 *id, u8 len);
void myc_spore_unhold(struct myc_net *mn, struct myc_spore_ent *e);
void myc_spore_event(struct myc_net *mn, const struct myc_spore *sp, u8 state,
		     u8 reason);
/*
 * Hold e or keep it as rejected, by e->v; tell, and forward when e->v
 * says so.  Takes e over (freed on error).  Process context, no lock.
 */
int myc_spore_apply(struct myc_net *mn, struct myc_spore_ent *e,
		    struct netlink_ext_ack *extack);
/* The pending entry of cookie, taken off its list, or NULL. */
struct myc_spore_ent *myc_spore_take_pending(struct myc_net *mn, u64 cookie);

/* spore_gone.c: the spores not to take again; under mn->spore_lock. */
/* A keyed hash of a spore's bytes. */
u64 myc_spore_bhash(const u8 *data, u32 len);
/* Refuse e's bytes (and digest) from now on: rejected, deleted, replaced. */
void myc_spore_forget(struct myc_net *mn, const struct myc_spore_ent *e);
bool myc_spore_gone_bytes(struct myc_net *mn, u64 bhash);
/* sum: the first MYC_SPORE_SUM_LEN bytes of a digest, as summaries have. */
bool myc_spore_gone_digest(struct myc_net *mn, const u8 *sum);
/* A spore to ask a peer for again: its refusal for a while ended. */
struct myc_spore_ask {
	u64 from;
	u8 sum[MYC_SPORE_SUM_LEN];
};

#define MYC_SPORE_ASK_MAX	32	/* per round of the work */

/*
 * Drop the entries past their time; whether any are left.  Those refused
 * for a while go on ask (at most MYC_SPORE_ASK_MAX, *n of them).
 */
bool myc_spore_gone_expire(struct myc_net *mn, u64 now_ms,
			   struct myc_spore_ask *ask, unsigned int *n);
void myc_spore_gone_init(struct myc_net *mn);
void myc_spore_gone_purge(struct myc_net *mn);

#endif /* _MYC_SPORE_H */
