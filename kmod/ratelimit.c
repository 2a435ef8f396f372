// SPDX-License-Identifier: GPL-2.0
/*
 * Limits on unauthenticated input (SPEC section 13).
 *
 * HELLO, HANDSHAKE and CONTACT frames, and probes in clear from a peer
 * without keys, are taken before anything authenticates them, and the
 * source node they name is only a header field.  Each may cost a frame in
 * reply (at most one: hello.c, health.c) or a message to myceliumd, whose
 * answer may cost signatures.  So each goes through two token buckets, as
 * WireGuard's ratelimiter.c does for its handshake initiations: one per
 * source address (an IPv4 address, an IPv6 /64) and one for the node.  A
 * frame over either is dropped and counted (rx-ratelimited).
 *
 * The per-source buckets are a fixed table indexed by a keyed hash of the
 * address (siphash, a random key per node), not a hash table of entries:
 * nothing is allocated per source, so a flood from random addresses costs
 * no memory, and addresses that share a bucket share its budget (rarely:
 * 256 buckets).  A bucket earns MYC_RL_SRC_RATE tokens a second up to a
 * burst of MYC_RL_SRC_BURST; the node's bucket MYC_RL_NODE_RATE and
 * MYC_RL_NODE_BURST.  A node starting up says HELLO on each path with
 * backoff and runs a handshake of three messages (resent on loss) per
 * peer: well within both.
 *
 * Locking: mn->rl_lock (spinlock, BH: the receive path) around the buckets.
 */
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/siphash.h>

#include "myc.h"

#define MYC_RL_SRC_RATE		20	/* frames a second, per source */
#define MYC_RL_SRC_BURST	40
#define MYC_RL_NODE_RATE	400	/* frames a second, per node */
#define MYC_RL_NODE_BURST	400

void myc_rl_init_net(struct myc_net *mn)
{
	spin_lock_init(&mn->rl_lock);
	get_random_bytes(&mn->rl_key, sizeof(mn->rl_key));
}

/* Take one token (in ns of earning) from b, if it has one. */
static bool myc_rl_take(struct myc_tbucket *b, u64 now, u64 rate, u64 burst)
{
	u64 cost = NSEC_PER_SEC / rate, max = cost * burst;

	if (!b->last_ns) {
		b->tokens = max;
	} else {
		b->tokens += now - b->last_ns;
		if (b->tokens > max)
			b->tokens = max;
	}
	b->last_ns = now;
	if (b->tokens < cost)
		return false;
	b->tokens -= cost;
	return true;
}

bool myc_rl_allow(struct myc_net *mn, const struct sk_buff *skb)
{
	u64 now = ktime_get_ns(), h;
	struct myc_tbucket *b;
	bool ok;

	if (skb->protocol == htons(ETH_P_IP))
		h = siphash_1u32((__force u32)ip_hdr(skb)->saddr, &mn->rl_key);
	else if (skb->protocol == htons(ETH_P_IPV6))
		h = siphash(&ipv6_hdr(skb)->saddr, 8, &mn->rl_key);	/* /64 */
	else
		return false;
	b = &mn->rl_src[h % MYC_RL_BUCKETS];
	spin_lock_bh(&mn->rl_lock);
	ok = myc_rl_take(b, now, MYC_RL_SRC_RATE, MYC_RL_SRC_BURST) &&
	     myc_rl_take(&mn->rl_node, now, MYC_RL_NODE_RATE,
			 MYC_RL_NODE_BURST);
	spin_unlock_bh(&mn->rl_lock);
	if (!ok)
		myc_stat_inc(&mn->stats, MYC_STAT_RX_RATELIMITED);
	return ok;
}
