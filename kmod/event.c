// SPDX-License-Identifier: GPL-2.0
/*
 * Events: every state change of a peer, a path, a backend or a spore, every
 * failover and every configuration change of peers and paths is multicast
 * on the "events" group as MYC_CMD_EVENT_NTF, with a per-node sequence
 * number, a CLOCK_REALTIME timestamp and the reason.
 *
 * Events come from any context (netlink handlers, the health timer, the
 * receive path).  mn->event_lock numbers them and hands them to netlink in
 * that order, so listeners see the sequence numbers in order; nothing is
 * built when nobody listens (the sequence still advances, so a listener
 * can tell that it missed some only by its own socket overruns).
 */
#include <net/genetlink.h>

#include "myc.h"

static int myc_event_fill(struct sk_buff *skb, const struct myc_event *ev,
			  u64 seq, u64 now)
{
	void *hdr;

	hdr = genlmsg_put(skb, 0, 0, &myc_genl_family, 0, MYC_CMD_EVENT_NTF);
	if (!hdr)
		return -EMSGSIZE;
	if (nla_put_u8(skb, MYC_A_EVENT_TYPE, ev->type) ||
	    nla_put_u64_64bit(skb, MYC_A_EVENT_SEQ, seq, MYC_A_EVENT_PAD) ||
	    nla_put_u64_64bit(skb, MYC_A_EVENT_TIME, now, MYC_A_EVENT_PAD) ||
	    nla_put_u8(skb, MYC_A_EVENT_REASON, ev->reason))
		goto cancel;
	if (ev->peer &&
	    nla_put_u64_64bit(skb, MYC_A_EVENT_PEER, ev->peer, MYC_A_EVENT_PAD))
		goto cancel;
	if (ev->path && nla_put_u32(skb, MYC_A_EVENT_PATH, ev->path))
		goto cancel;
	if (ev->to_path && nla_put_u32(skb, MYC_A_EVENT_TO_PATH, ev->to_path))
		goto cancel;
	if (ev->endpoint && nla_put_u32(skb, MYC_A_EVENT_ENDPOINT, ev->endpoint))
		goto cancel;
	if (ev->endpoint && nla_put_u32(skb, MYC_A_EVENT_BACKEND, ev->backend))
		goto cancel;
	if (ev->spore_id) {
		char id[MYC_SPORE_ID_MAX + 1];
		u8 n = min_t(u8, ev->spore_id_len, MYC_SPORE_ID_MAX);

		memcpy(id, ev->spore_id, n);
		id[n] = '\0';
		if (nla_put_string(skb, MYC_A_EVENT_SPORE_ID, id))
			goto cancel;
	}
	switch (ev->type) {
	case MYC_EV_PEER_STATE:
	case MYC_EV_PATH_STATE:
	case MYC_EV_BACKEND_STATE:
	case MYC_EV_SPORE:
		if (nla_put_u8(skb, MYC_A_EVENT_STATE, ev->state))
			goto cancel;
		break;
	case MYC_EV_FAILOVER:
		if (nla_put_u8(skb, MYC_A_EVENT_POLICY, ev->policy))
			goto cancel;
		break;
	}
	genlmsg_end(skb, hdr);
	return 0;
cancel:
	genlmsg_cancel(skb, hdr);
	return -EMSGSIZE;
}

void myc_event(struct myc_net *mn, const struct myc_event *ev)
{
	struct sk_buff *skb = NULL;
	u64 seq;

	if (!READ_ONCE(myc_genl_gone) &&
	    genl_has_listeners(&myc_genl_family, mn->net, MYC_MCGRP_EVENTS_ID))
		skb = genlmsg_new(NLMSG_DEFAULT_SIZE, GFP_ATOMIC);

	spin_lock_bh(&mn->event_lock);
	seq = ++mn->event_seq;
	if (skb) {
		if (myc_event_fill(skb, ev, seq, ktime_get_real_ns()))
			nlmsg_free(skb);
		else
			genlmsg_multicast_netns(&myc_genl_family, mn->net,
						skb, 0, MYC_MCGRP_EVENTS_ID,
						GFP_ATOMIC);
	}
	spin_unlock_bh(&mn->event_lock);
}
