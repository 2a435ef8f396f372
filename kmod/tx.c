// SPDX-License-Identifier: GPL-2.0
/*
 * Transmit: messages from sockets become DATA frames to a peer.
 *
 * A message is cut into chunks that fit one frame each (fragments share the
 * message sequence number and carry their offset).  Frame skbs are charged
 * to the sending socket (sock_alloc_send_skb), so SO_SNDBUF bounds what a
 * socket has queued in the stack and blocking/non-blocking/SO_SNDTIMEO
 * behave as for any datagram socket.  The user's data is copied once,
 * straight into the frame.
 *
 * Reliable messages (high, guaranteed) go in ack-eliciting frames that
 * reliable.c records for retransmission; their senders wait for room in the
 * peer's congestion window first (SO_SNDTIMEO and MSG_DONTWAIT apply).  A
 * message that is not acknowledged within the socket's MYC_SO_TIMEOUT comes
 * back on its error queue; if that happens while it is still being sent,
 * sendmsg() fails with ETIMEDOUT.
 *
 * Locking: peer->lock (_bh) around packet and message number allocation;
 * the path is picked and the frame sent under RCU, with no lock held.
 */
#include <linux/skbuff.h>

#include "myc.h"

#define MYC_CHUNK_DATA_MAX	(MYC_FRAME_MAX - MYC_HDR_LEN - MYC_CHUNK_HDR_LEN)

static u64 myc_next_pn(struct myc_peer *peer)
{
	u64 pn;

	spin_lock_bh(&peer->lock);
	pn = peer->tx_pn++;
	spin_unlock_bh(&peer->lock);
	return pn;
}

int myc_tx_msg(struct sock *sk, u32 src_port, const struct sockaddr_myc *dst,
	       const struct myc_msg_meta *meta, struct msghdr *msg,
	       size_t len)
{
	struct myc_net *mn = myc_net(sock_net(sk));
	bool ctl = meta->kind && meta->kind != MYC_CK_MSG;
	bool noblock = !msg || (msg->msg_flags & MSG_DONTWAIT);
	struct myc_chunk c = {
		.kind = meta->kind ?: MYC_CK_MSG,
		.flags = (dst->smyc_kind == MYC_ADDR_SERVICE ? MYC_CF_SERVICE : 0) |
			 meta->cflags,
		.cls = meta->cls,
		.guarantee = meta->guarantee,
		.priority = meta->priority,
		.src_port = src_port,
		.dst_id = dst->smyc_id,
		.total = len,
	};
	struct myc_hdr h = {
		.version = MYC_WIRE_VERSION,
		.type = MYC_FT_DATA,
		.src_node = READ_ONCE(mn->node_id),
		.dst_node = dst->smyc_node,
	};
	bool reliable = meta->guarantee != MYC_GUARANTEE_BEST_EFFORT;
	long timeo = sock_sndtimeo(sk, noblock);
	u64 deadline = myc_rel_deadline(meta->timeout_ms);
	struct myc_peer *peer;
	size_t offset = 0;
	int err = 0;

	if (reliable)
		h.flags = MYC_FF_ACK_ELICITING;

	peer = myc_peer_lookup(mn, dst->smyc_node);
	if (!peer)
		return -EHOSTUNREACH;

	spin_lock_bh(&peer->lock);
	c.msn = peer->tx_msn[meta->guarantee]++;
	spin_unlock_bh(&peer->lock);

	do {
		struct myc_path *path;
		struct sk_buff *skb;
		u8 *p;

		c.offset = offset;
		c.len = min_t(size_t, len - offset, MYC_CHUNK_DATA_MAX);
		if (reliable && !ctl) {
			err = myc_rel_wait_window(peer, MYC_HDR_LEN +
						  MYC_CHUNK_HDR_LEN + c.len,
						  &timeo);
			if (err)
				break;
		}

		/* control chunks: never blocked by a full socket or window */
		if (ctl) {
			skb = alloc_skb(MYC_XMIT_HEADROOM + MYC_HDR_LEN +
					MYC_CHUNK_HDR_LEN, GFP_KERNEL);
			err = skb ? 0 : -ENOMEM;
		} else {
			skb = sock_alloc_send_skb(sk, MYC_XMIT_HEADROOM +
						  MYC_HDR_LEN +
						  MYC_CHUNK_HDR_LEN + c.len,
						  noblock, &err);
		}
		if (!skb)
			break;
		skb_reserve(skb, MYC_XMIT_HEADROOM);
		p = skb_put(skb, MYC_HDR_LEN + MYC_CHUNK_HDR_LEN);
		WARN_ON_ONCE(!myc_chunk_hdr_encode(p + MYC_HDR_LEN,
						   MYC_CHUNK_HDR_LEN, &c));
		err = c.len ? memcpy_from_msg(skb_put(skb, c.len), msg, c.len) :
			      0;
		if (!err && reliable) {
			err = myc_rel_track(peer, skb, &h, sk, deadline,
					    GFP_KERNEL);
		} else if (!err) {
			h.pn = myc_next_pn(peer);
			WARN_ON_ONCE(!myc_hdr_encode(p, MYC_HDR_LEN, &h));
		}
		if (err) {
			kfree_skb(skb);
			break;
		}

		rcu_read_lock();
		path = myc_peer_pick_path(peer);
		if (path)
			err = myc_bearer_xmit(mn, path, skb);
		else
			err = -ENETUNREACH;
		rcu_read_unlock();
		if (!path)
			kfree_skb(skb);
		if (err)
			break;
		offset += c.len;
	} while (offset < len);

	if (!err && !ctl)
		myc_stat_inc(&peer->stats, MYC_STAT_TX_MSGS);
	myc_peer_put(peer);
	return err;
}
