// SPDX-License-Identifier: GPL-2.0
/*
 * Transmit: messages from sockets become chunks on the peer's send queue.
 *
 * A message is cut into chunks that fit one frame each (fragments share the
 * message sequence number and carry their offset).  Each chunk is an skb
 * laid out as the frame it may become and charged to the sending socket
 * (sock_alloc_send_skb), so SO_SNDBUF bounds what a socket has queued and
 * in the stack, and blocking, MSG_DONTWAIT and SO_SNDTIMEO behave as for
 * any datagram socket.  The user's data is copied once, into the chunk.
 * sched.c frames and sends the chunks (priorities, bundling, the
 * congestion window for reliable ones); with MSG_MORE a sender holds its
 * small messages back so that they travel bundled with the next.
 *
 * Locking: peer->lock (_bh) around message number allocation and queueing.
 */
#include <linux/skbuff.h>

#include "myc.h"

int myc_tx_msg(struct sock *sk, u32 src_port, const struct sockaddr_myc *dst,
	       const struct myc_msg_meta *meta, struct msghdr *msg,
	       size_t len)
{
	struct myc_net *mn = myc_net(sock_net(sk));
	bool ctl = meta->kind && meta->kind != MYC_CK_MSG;
	bool noblock = !msg || (msg->msg_flags & MSG_DONTWAIT);
	bool more = msg && (msg->msg_flags & MSG_MORE);
	struct myc_chunk c = {
		.kind = meta->kind ?: MYC_CK_MSG,
		.flags = (dst->smyc_kind == MYC_ADDR_SERVICE ? MYC_CF_SERVICE : 0) |
			 (meta->ve_id ? MYC_CF_ENDPOINT : 0) | meta->cflags,
		.cls = meta->cls,
		.guarantee = meta->guarantee,
		.priority = meta->priority,
		.src_port = src_port,
		.dst_id = dst->smyc_id,
		.total = len,
		.aux = meta->aux,
	};
	unsigned int level = myc_sched_level(meta->cls, meta->priority);
	struct myc_peer *peer;
	size_t offset = 0;
	bool reliable;
	u64 deadline;
	int err = 0;

	peer = myc_peer_lookup(mn, dst->smyc_node);
	if (!peer)
		return -EHOSTUNREACH;
	/* the pair's profile sets the floor; a socket may ask for more */
	c.guarantee = max_t(u8, c.guarantee, READ_ONCE(peer->prof.rel));
	reliable = c.guarantee != MYC_GUARANTEE_BEST_EFFORT;
	deadline = reliable ? myc_rel_deadline(meta->timeout_ms) : 0;
	rcu_read_lock();
	if (!myc_peer_has_path(peer))
		err = -ENETUNREACH;
	rcu_read_unlock();
	if (err)
		goto out;

	spin_lock_bh(&peer->lock);
	c.msn = peer->tx_msn[c.guarantee]++;
	spin_unlock_bh(&peer->lock);

	do {
		size_t size;
		struct sk_buff *skb;

		c.offset = offset;
		c.len = min_t(size_t, len - offset, MYC_CHUNK_DATA_MAX);
		size = MYC_XMIT_HEADROOM + MYC_HDR_LEN + MYC_CHUNK_HDR_LEN +
		       c.len;
		/*
		 * Chunks are charged to the socket until they leave the
		 * stack: SO_SNDBUF (and SO_SNDTIMEO, MSG_DONTWAIT) bound what
		 * it has queued.  Connection control chunks always go.
		 */
		if (ctl) {
			skb = alloc_skb(size, GFP_KERNEL);
			err = skb ? 0 : -ENOMEM;
		} else {
			skb = sock_alloc_send_skb(sk, size, noblock, &err);
		}
		if (!skb)
			break;
		err = 0;	/* sock_alloc_send_skb() may leave it set */
		skb_reserve(skb, MYC_XMIT_HEADROOM + MYC_HDR_LEN);
		WARN_ON_ONCE(!myc_chunk_hdr_encode(skb_put(skb,
							   MYC_CHUNK_HDR_LEN),
						   MYC_CHUNK_HDR_LEN, &c));
		if (c.len)
			err = memcpy_from_msg(skb_put(skb, c.len), msg, c.len);
		if (err) {
			kfree_skb(skb);
			break;
		}
		if (READ_ONCE(peer->dead)) {
			kfree_skb(skb);
			err = -EHOSTUNREACH;
			break;
		}
		offset += c.len;
		/*
		 * MSG_MORE: hold small messages back, and send what is held
		 * once this one would not fit in the same frame.
		 */
		if (more && READ_ONCE(peer->txq_bytes) + skb->len >
			    MYC_FRAME_MAX - MYC_HDR_LEN)
			myc_sched_push(peer);
		myc_sched_queue(peer, sk, skb, &c, level, deadline, meta);
		if (!more || c.len == MYC_CHUNK_DATA_MAX)
			myc_sched_push(peer);
	} while (offset < len);

	if (err && reliable) {
		/*
		 * Its number is taken but the message is not (all) queued:
		 * the receiver must not wait for it, or for the rest of it.
		 * A restarted call sends it anew, under a new number.
		 */
		if (offset)
			myc_sched_push(peer);
		myc_rel_skip(peer, c.guarantee, c.msn);
	}
	if (!err && !ctl)
		myc_stat_inc(&peer->stats, MYC_STAT_TX_MSGS);
out:
	myc_peer_put(peer);
	return err;
}
