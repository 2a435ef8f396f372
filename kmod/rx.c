// SPDX-License-Identifier: GPL-2.0
/*
 * Receive: frames from the bearer (BH context, under RCU) are validated,
 * matched to their peer, checked against the replay window and taken apart
 * into chunks; complete messages go to the bound socket.
 *
 * Every frame that fails validation is dropped and counted by error class
 * (myc_net.malformed[], shown by `myc -s node show`); frames from unknown
 * peers or for another node are dropped and counted too.  Nothing in a
 * frame is trusted before myc_frame_validate() accepted it.
 *
 * A sealed frame is opened (crypto.c) before its payload is validated and
 * before its packet number is checked against the replay window, so that
 * neither a forged payload nor a forged number gets anywhere.  From a peer
 * that needs keys, only HELLO and HANDSHAKE frames are taken unsealed;
 * they set keys up and never touch the replay window.
 *
 * Locking: peer->lock (taken plain: we run in BH) around the replay window.
 */
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/skbuff.h>
#include <linux/slab.h>
#include <net/ipv6.h>

#include "myc.h"

static void myc_rx_malformed(struct myc_net *mn, int err)
{
	if (err < 0 && -err < __MYC_WERR_MAX)
		atomic64_inc(&mn->malformed[-err]);
	myc_stat_inc(&mn->stats, MYC_STAT_RX_MALFORMED);
}

/* One MSG chunk; returns false if a reliable message could not be taken. */
static bool myc_rx_msg(struct myc_net *mn, struct myc_peer *peer,
		       const struct myc_chunk *c)
{
	bool reliable = c->guarantee != MYC_GUARANTEE_BEST_EFFORT;
	bool service = c->flags & MYC_CF_SERVICE;
	struct myc_skb_cb *cb;
	struct sk_buff *skb;
	int err;

	if (reliable) {
		int ch = c->guarantee == MYC_GUARANTEE_GUARANTEED;
		enum myc_seqwin_verdict v;

		spin_lock(&peer->lock);
		v = myc_seqwin_check(&peer->rx_seq[ch], c->msn);
		spin_unlock(&peer->lock);
		if (v == MYC_SEQ_DUP) {
			myc_stat_inc(&peer->stats, MYC_STAT_RX_DUP);
			return true;
		}
		if (v == MYC_SEQ_AHEAD)
			return false;
	}

	if (c->offset || c->len != c->total) {
		spin_lock(&peer->lock);
		err = myc_reasm_add(peer, c, NULL, &skb);
		spin_unlock(&peer->lock);
		if (err == -EAGAIN) {
			/* the node bound: room back from the biggest holder */
			unsigned int room = myc_reasm_reclaim(mn, peer, c->len);

			spin_lock(&peer->lock);
			err = myc_reasm_add(peer, c, &room, &skb);
			spin_unlock(&peer->lock);
			myc_reasm_unreserve(mn, room);
		}
		myc_rel_send_rejects(peer);	/* partial ones given up */
		if (err)
			return !reliable;
		if (!skb)
			return true;	/* more to come */
	} else {
		skb = alloc_skb(c->len, GFP_ATOMIC);
		if (!skb) {
			myc_stat_inc(&peer->stats, MYC_STAT_RX_DROP);
			return !reliable;
		}
		skb_put_data(skb, c->data, c->len);
	}
	cb = MYC_SKB_CB(skb);
	memset(cb, 0, sizeof(*cb));
	cb->src.smyc_family = myc_family;
	cb->src.smyc_kind = MYC_ADDR_PORT;
	cb->src.smyc_id = c->src_port;
	cb->src.smyc_node = peer->id;
	cb->cls = c->cls;
	cb->priority = c->priority;
	cb->guarantee = c->guarantee;
	cb->msn = c->msn;
	cb->kind = c->kind;
	cb->connected = c->flags & MYC_CF_CONNECTED;
	cb->endpoint = c->flags & MYC_CF_ENDPOINT;
	cb->aux = c->aux;
	cb->dst_id = c->dst_id;
	cb->service = service;

	if (reliable)
		return myc_rel_rx_msg(mn, peer, skb, c->dst_id, service);

	err = myc_input(mn, skb);
	if (err) {
		kfree_skb(skb);
		myc_stat_inc(&peer->stats, MYC_STAT_RX_DROP);
	} else {
		myc_stat_inc(&peer->stats, MYC_STAT_RX_MSGS);
	}
	return true;
}

/* The chunks of a DATA frame; false if one must come again. */
static bool myc_rx_data(struct myc_net *mn, struct myc_peer *peer,
			const u8 *payload, size_t len)
{
	struct myc_chunk c;
	size_t pos = 0;
	bool all = true;

	while (myc_chunk_next(payload, len, &pos, &c) > 0) {
		switch (c.kind) {
		case MYC_CK_MSG:
			all &= myc_rx_msg(mn, peer, &c);
			break;
		case MYC_CK_CONN_REQ:
		case MYC_CK_CONN_ACK:
		case MYC_CK_CONN_RST:
		case MYC_CK_CREDIT:
			/* connections live in the guaranteed space only */
			if (c.guarantee == MYC_GUARANTEE_GUARANTEED && !c.total)
				all &= myc_rx_msg(mn, peer, &c);
			break;
		case MYC_CK_REJECT:
			all &= myc_rel_rx_reject(mn, peer, &c);
			break;
		case MYC_CK_SKIP:
			all &= myc_rel_rx_skip(mn, peer, &c);
			break;
		case MYC_CK_SPORE:
		case MYC_CK_SPORE_SUMMARY:
		case MYC_CK_SPORE_WANT:
			/* messages for the spore table (myc_input()) */
			all &= myc_rx_msg(mn, peer, &c);
			break;
		default:
			break;
		}
	}
	return all;
}

/*
 * The path a frame came in on: the one between the addresses it went
 * between, else the first from its source address.
 */
static struct myc_path *myc_rx_path(struct myc_peer *peer, struct sk_buff *skb)
{
	struct myc_path *path, *any = NULL;

	list_for_each_entry_rcu(path, &peer->paths, list) {
		if (skb->protocol == htons(ETH_P_IP) &&
		    path->family == AF_INET &&
		    path->remote.v4.s_addr == ip_hdr(skb)->saddr) {
			if (path->local.v4.s_addr == ip_hdr(skb)->daddr)
				return path;
			any = any ?: path;
		}
		if (skb->protocol == htons(ETH_P_IPV6) &&
		    path->family == AF_INET6 &&
		    ipv6_addr_equal(&path->remote.v6, &ipv6_hdr(skb)->saddr)) {
			if (ipv6_addr_equal(&path->local.v6,
					    &ipv6_hdr(skb)->daddr))
				return path;
			any = any ?: path;
		}
	}
	return any;
}

/*
 * A SVC_CHECK: say whether a socket is bound to the service or port, the
 * way the check came (the kernel answers; no application is involved).
 */
static void myc_rx_svc_check(struct myc_net *mn, struct myc_peer *peer,
			     struct sk_buff *skb)
{
	u8 payload[MYC_SVC_LEN];
	struct sk_buff *reply;
	struct myc_svc v;

	if (myc_svc_decode(skb->data + MYC_HDR_LEN, skb->len - MYC_HDR_LEN,
			   true, &v))
		return;
	v.bound = myc_sock_bound(mn, v.id, v.kind == MYC_ADDR_SERVICE);
	myc_svc_encode(payload, sizeof(payload), &v);
	reply = myc_ctl_skb(peer, MYC_FT_SVC_STATUS, payload, sizeof(payload));
	if (reply)
		myc_bearer_reply(mn, peer, skb, reply);
}

/* HELLO and HANDSHAKE: counted, not numbered in the replay window. */
static void myc_rx_setup(struct myc_net *mn, struct myc_peer *peer,
			 struct sk_buff *skb, const struct myc_hdr *h)
{
	myc_stat_inc(&peer->stats, MYC_STAT_RX_FRAMES);
	myc_stat_add(&peer->stats, MYC_STAT_RX_BYTES, skb->len);
	if (h->type == MYC_FT_HELLO)
		myc_hello_rx(mn, peer, skb);
	else
		myc_auth_rx_handshake(mn, peer, skb->data + MYC_HDR_LEN,
				      skb->len - MYC_HDR_LEN);
}

/*
 * A probe or probe reply in clear from a peer that has no keys yet: paths
 * are probed before and during the handshake.  A probe is answered only
 * when it came from an address of one of the peer's paths, so that forged
 * ones cannot aim replies elsewhere.
 */
static void myc_rx_clear_probe(struct myc_net *mn, struct myc_peer *peer,
			       struct sk_buff *skb, const struct myc_hdr *h)
{
	struct myc_path *path = myc_rx_path(peer, skb);

	myc_stat_inc(&peer->stats, MYC_STAT_RX_FRAMES);
	myc_stat_add(&peer->stats, MYC_STAT_RX_BYTES, skb->len);
	if (path) {
		myc_stat_inc(&path->stats, MYC_STAT_RX_FRAMES);
		myc_stat_add(&path->stats, MYC_STAT_RX_BYTES, skb->len);
	}
	if (h->type == MYC_FT_PROBE_REPLY)
		myc_health_rx_reply(peer, skb->data + MYC_HDR_LEN,
				    skb->len - MYC_HDR_LEN);
	else if (path)
		myc_health_rx_probe(mn, peer, skb);
}

void myc_rx(struct myc_net *mn, struct sk_buff *skb)
{
	struct myc_svc svc;
	struct myc_path *path;
	bool elicit, sealed;
	enum myc_pnwin_verdict v;
	struct myc_peer *peer;
	struct myc_hdr h;
	int err;

	if (skb_linearize(skb)) {
		myc_stat_inc(&mn->stats, MYC_STAT_RX_DROP);
		goto out;
	}

	err = myc_frame_validate(skb->data, skb->len);
	if (err) {
		myc_rx_malformed(mn, err);
		goto out;
	}
	myc_hdr_decode(skb->data, skb->len, &h);
	/* a CONTACT may not know our id yet */
	if (h.dst_node != READ_ONCE(mn->node_id) &&
	    !(h.type == MYC_FT_CONTACT && !h.dst_node)) {
		myc_stat_inc(&mn->stats, MYC_STAT_RX_DROP);
		goto out;
	}

	rcu_read_lock();
	peer = myc_peer_lookup_rcu(mn, h.src_node);
	if (h.type == MYC_FT_CONTACT || (!peer && h.type == MYC_FT_HELLO)) {
		if (!myc_rl_allow(mn, skb))
			goto unlock;
		/* bootstrap: a node that is no peer (yet) says hello */
		if (!peer)
			myc_contact_rx(mn, skb, &h);
		/*
		 * A peer that contacts us again has lost us (it restarted
		 * with no state): our HELLO makes it learn of us anew, and
		 * its new instance restarts the pair (restart.c).
		 */
		else if (h.type == MYC_FT_CONTACT)
			myc_hello_answer(mn, peer, skb, false);
		goto unlock;
	}
	if (!peer) {
		myc_stat_inc(&mn->stats, MYC_STAT_RX_DROP);
		goto unlock;
	}

	if (h.type == MYC_FT_HELLO || h.type == MYC_FT_HANDSHAKE) {
		/* unauthenticated: each may cost a reply or the daemon's work */
		if (myc_rl_allow(mn, skb))
			myc_rx_setup(mn, peer, skb, &h);
		goto unlock;
	}
	sealed = h.flags & MYC_FF_SEALED;
	err = myc_crypto_in(mn, peer, skb);
	if (err < 0)
		goto unlock;	/* not authentic, or clear from a keyed peer */
	if (err == MYC_CRYPTO_CLEAR) {
		myc_rx_clear_probe(mn, peer, skb, &h);
		goto unlock;
	}
	if (sealed) {
		/* opened: now the payload is checked */
		err = myc_frame_validate(skb->data, skb->len);
		if (err) {
			myc_rx_malformed(mn, err);
			goto unlock;
		}
		myc_hdr_decode(skb->data, skb->len, &h);
	}
	if (h.flags & MYC_FF_COMPRESSED) {
		if (myc_comp_in(mn, peer, skb))
			goto unlock;
		err = myc_frame_validate(skb->data, skb->len);
		if (err) {
			myc_rx_malformed(mn, err);
			goto unlock;
		}
		myc_hdr_decode(skb->data, skb->len, &h);
	}

	/*
	 * Frames nobody acknowledges are marked received at once, so two
	 * copies processed on two CPUs cannot both be delivered.  A DATA
	 * frame that elicits an ACK is marked (and so acknowledged) only
	 * once everything reliable in it was taken, below; its chunks are
	 * reliable and deduplicated by message number under peer->lock.
	 */
	elicit = h.type == MYC_FT_DATA && (h.flags & MYC_FF_ACK_ELICITING);
	spin_lock(&peer->lock);
	v = elicit ? myc_pnwin_check(&peer->rx_pnwin, h.pn) :
		     myc_pnwin_check_mark(&peer->rx_pnwin, h.pn);
	spin_unlock(&peer->lock);
	if (v != MYC_PN_NEW) {
		/* an authentic frame seen before: a replay, or a duplicate */
		myc_stat_inc(&peer->stats, sealed ? MYC_STAT_RX_REPLAY :
						    MYC_STAT_RX_DUP);
		goto unlock;
	}
	myc_stat_inc(&peer->stats, MYC_STAT_RX_FRAMES);
	myc_stat_add(&peer->stats, MYC_STAT_RX_BYTES, skb->len);
	path = myc_rx_path(peer, skb);
	if (path) {
		myc_stat_inc(&path->stats, MYC_STAT_RX_FRAMES);
		myc_stat_add(&path->stats, MYC_STAT_RX_BYTES, skb->len);
	}

	myc_rel_rx_poll(mn, peer);

	switch (h.type) {
	case MYC_FT_DATA:
		/* not taken: not acknowledged, the sender sends it again */
		if (!myc_rx_data(mn, peer, skb->data + MYC_HDR_LEN,
				 skb->len - MYC_HDR_LEN) || !elicit)
			break;
		myc_rel_rx_elicit(peer, h.pn, path);
		break;
	case MYC_FT_ACK:
		myc_rel_on_ack(peer, skb->data + MYC_HDR_LEN,
			       skb->len - MYC_HDR_LEN);
		break;
	case MYC_FT_PROBE:
		myc_health_rx_probe(mn, peer, skb);
		break;
	case MYC_FT_PROBE_REPLY:
		myc_health_rx_reply(peer, skb->data + MYC_HDR_LEN,
				    skb->len - MYC_HDR_LEN);
		break;
	case MYC_FT_SVC_CHECK:
		myc_rx_svc_check(mn, peer, skb);
		break;
	case MYC_FT_SVC_STATUS:
		if (!myc_svc_decode(skb->data + MYC_HDR_LEN,
				    skb->len - MYC_HDR_LEN, false, &svc))
			myc_ve_rx_status(mn, peer, &svc);
		break;
	default:
		break;
	}
unlock:
	rcu_read_unlock();
out:
	kfree_skb(skb);
}
