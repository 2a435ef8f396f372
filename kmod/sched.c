// SPDX-License-Identifier: GPL-2.0
/*
 * The send queue of a peer: scheduling by class and priority, bundling.
 *
 * sendmsg() cuts a message into chunks, each in an skb laid out as the
 * frame it may become (headroom, room for the frame header, the chunk
 * header, the data), charged to the sending socket (SO_SNDBUF bounds what
 * a socket has queued and in the stack, so a sender blocks when its peer
 * does not keep up), and queues them on the peer at a level:
 *
 *   level = rank(class) * 8 + (7 - priority)     (0 goes first)
 *   rank:   consensus, health 0; service 1; resource 2; spore 3
 *
 * myc_sched_push() turns queued chunks into frames, always taking the
 * first sendable chunk of the lowest level: best-effort chunks are always
 * sendable, reliable ones while the congestion window has room.  So when
 * the path is congested (the window is full) higher classes and
 * priorities go first, and best effort is never held behind a full window.
 * Each level is FIFO.  Message numbers are given at sendmsg() time, so
 * guaranteed messages are still delivered in order: priority decides what
 * goes on the wire first, not the order of a guaranteed stream.
 *
 * Bundling: a whole message that fits one chunk is framed together with
 * the next whole small messages queued from the same socket with the same
 * reliability (any level at or below it), up to MYC_FRAME_MAX; so small
 * messages queue up and travel together whenever they arrive faster than
 * the window (or the sender, with MSG_MORE) lets them out.  A frame never
 * mixes best-effort and reliable chunks (rx.c relies on it) nor chunks of
 * several sockets (a sent frame reports to one socket).  A chunk sent
 * alone is its own frame: no copy.
 *
 * Locking: the queues, under peer->lock (_bh); frames are built under it
 * and sent after it is dropped.  A chunk in the queue holds a reference on
 * its socket's error sink (struct myc_tx_cb); release() uncharges the
 * closed socket's queued chunks (myc_sched_orphan()), so that they do not
 * pin it or the module while they wait.
 */
#include <linux/skbuff.h>

#include "myc.h"

/* What a queued chunk carries in skb->cb (until it is framed). */
struct myc_tx_cb {
	struct myc_errsink *sink;	/* held */
	u64 deadline_us;		/* 0: never */
	u32 retry_ms;			/* the sender's wait-retry hold, or 0 */
	u32 ve_id;			/* sent through this endpoint, or 0 */
	u32 ve_be;
	u8 ve_tries;
	u8 cls;
	u8 policy;			/* the sender's failover policy, or 0 */
	u8 guarantee;
	bool whole;			/* a whole message in one chunk */
};

#define MYC_TX_CB(skb) ((struct myc_tx_cb *)((skb)->cb))

static const u8 myc_class_rank[MYC_CLASS_MAX + 1] = {
	[MYC_CLASS_CONSENSUS] = 0,
	[MYC_CLASS_HEALTH] = 0,
	[MYC_CLASS_SERVICE] = 1,
	[MYC_CLASS_RESOURCE] = 2,
	[MYC_CLASS_SPORE] = 3,
};

unsigned int myc_sched_level(u8 cls, u8 priority)
{
	return myc_class_rank[cls] * (MYC_PRIORITY_MAX + 1) +
	       (MYC_PRIORITY_MAX - priority);
}

void myc_sched_init(struct myc_peer *peer)
{
	int i;

	for (i = 0; i < MYC_TX_LEVELS; i++)
		skb_queue_head_init(&peer->txq[i]);
	peer->txq_mask = 0;
}

static void myc_sched_free_chunk(struct sk_buff *skb)
{
	myc_errsink_put(MYC_TX_CB(skb)->sink);
	kfree_skb(skb);
}

/*
 * Queue a chunk built by tx.c: skb->data is the chunk header, with at
 * least MYC_HDR_LEN of headroom for the frame header.  sk's error sink gets
 * a reference; sk is NULL for the kernel's own messages (spores).
 * Consumes skb.
 */
void myc_sched_queue(struct myc_peer *peer, struct sock *sk,
		     struct sk_buff *skb, const struct myc_chunk *c,
		     unsigned int level, u64 deadline_us,
		     const struct myc_msg_meta *meta)
{
	struct myc_tx_cb *cb = MYC_TX_CB(skb);

	BUILD_BUG_ON(sizeof(*cb) > sizeof(skb->cb));
	cb->sink = sk ? myc_errsink_get(sk) : NULL;	/* NULL: spores */
	cb->deadline_us = deadline_us;
	cb->cls = c->cls;
	cb->policy = meta->failover;
	cb->retry_ms = meta->retry_ms;
	cb->ve_id = meta->ve_id;
	cb->ve_be = meta->ve_be;
	cb->ve_tries = meta->ve_tries;
	cb->guarantee = c->guarantee;
	cb->whole = !c->offset && c->len == c->total;
	spin_lock_bh(&peer->lock);
	__skb_queue_tail(&peer->txq[level], skb);
	peer->txq_mask |= BIT(level);
	peer->txq_bytes += skb->len;
	spin_unlock_bh(&peer->lock);
}

static bool myc_sched_reliable(const struct sk_buff *skb)
{
	return MYC_TX_CB(skb)->guarantee != MYC_GUARANTEE_BEST_EFFORT;
}

/*
 * May this chunk go now?  Not while its sender's failover policy holds it
 * (wait-retry after a path failed).  A reliable one needs room in the
 * window for a whole frame (or nothing in flight): waiting for a full
 * frame's room rather than sending what a single ACK opened keeps bundles
 * full (silly window avoidance, RFC 1122 4.2.3.4).  Under peer->lock.
 */
static bool myc_sched_can_send(struct myc_peer *peer, struct sk_buff *skb,
			       u64 now)
{
	struct myc_tx_cb *cb = MYC_TX_CB(skb);

	if (peer->hold_us &&
	    myc_failover_held(peer, cb->policy, cb->retry_ms, now))
		return false;
	return !myc_sched_reliable(skb) ||
	       myc_cc_can_send(&peer->cc, peer->in_flight, MYC_FRAME_MAX);
}

/* The first sendable chunk of the lowest level, or NULL. */
static struct sk_buff *myc_sched_head(struct myc_peer *peer,
				      unsigned int *level)
{
	unsigned long mask = peer->txq_mask;
	u64 now = peer->hold_us ? myc_now_us() : 0;
	unsigned int l;

	for_each_set_bit(l, &mask, MYC_TX_LEVELS) {
		struct sk_buff *skb = skb_peek(&peer->txq[l]);

		if (skb && myc_sched_can_send(peer, skb, now)) {
			*level = l;
			return skb;
		}
	}
	return NULL;
}

static void myc_sched_unlink(struct myc_peer *peer, struct sk_buff *skb,
			     unsigned int level)
{
	__skb_unlink(skb, &peer->txq[level]);
	peer->txq_bytes -= skb->len;
	if (skb_queue_empty(&peer->txq[level]))
		peer->txq_mask &= ~BIT(level);
}

/*
 * Add to the bundle nskb (frame being built, header included) the next
 * whole small chunks of head's socket and reliability, from level on.
 * Returns the latest deadline of what it took.  Under peer->lock.
 */
static u64 myc_sched_bundle(struct myc_peer *peer, struct sk_buff *nskb,
			    struct myc_errsink *sink, bool reliable, u8 policy,
			    u32 ve_id, u32 ve_be, unsigned int level,
			    u64 deadline)
{
	unsigned long mask = peer->txq_mask & ~(BIT(level) - 1);
	unsigned int l;

	for_each_set_bit(l, &mask, MYC_TX_LEVELS) {
		struct sk_buff *skb, *tmp;

		skb_queue_walk_safe(&peer->txq[l], skb, tmp) {
			struct myc_tx_cb *cb = MYC_TX_CB(skb);

			if (cb->sink != sink ||
			    myc_sched_reliable(skb) != reliable ||
			    cb->policy != policy || cb->ve_id != ve_id ||
			    cb->ve_be != ve_be)
				break;	/* keep the level FIFO */
			if (!cb->whole || skb->len > MYC_FRAME_MAX - nskb->len)
				return deadline;
			if (reliable &&
			    !myc_cc_can_send(&peer->cc, peer->in_flight,
					     nskb->len + skb->len))
				return deadline;
			skb_copy_bits(skb, 0, skb_put(nskb, skb->len),
				      skb->len);
			if (!cb->deadline_us || !deadline)
				deadline = 0;
			else
				deadline = max(deadline, cb->deadline_us);
			myc_sched_unlink(peer, skb, l);
			myc_sched_free_chunk(skb);
		}
	}
	return deadline;
}

/*
 * Build the next frame into *out (header filled, numbered, recorded if
 * reliable; NULL if the record kept it for the retransmission timer), with
 * the path it goes on in its cb (struct myc_xmit_cb).  Returns false when
 * nothing may go now.  Chunks of reliable messages already past their
 * deadline go on *failed instead (as unsent records).  Under peer->lock
 * and RCU.
 */
static bool myc_sched_build(struct myc_peer *peer, struct sk_buff **out,
			    struct list_head *failed)
{
	struct myc_hdr h = {
		.version = MYC_WIRE_VERSION,
		.type = MYC_FT_DATA,
		.src_node = READ_ONCE(peer->mn->node_id),
		.dst_node = peer->id,
	};
	struct myc_sent *rec = NULL;
	struct myc_rec_meta m;
	struct myc_errsink *sink;
	struct sk_buff *skb, *nskb;
	struct myc_tx_cb *cb;
	struct myc_path *path;
	unsigned int level;
	bool reliable;
	u64 deadline;

	skb = myc_sched_head(peer, &level);
	if (!skb)
		return false;
	cb = MYC_TX_CB(skb);
	sink = cb->sink;
	reliable = myc_sched_reliable(skb);
	deadline = cb->deadline_us;
	m.policy = cb->policy;
	m.retry_ms = cb->retry_ms;
	m.ve_id = cb->ve_id;
	m.ve_be = cb->ve_be;
	m.ve_tries = cb->ve_tries;
	path = myc_path_pick(peer, cb->cls, true);
	if (reliable && (!deadline || myc_now_us() < deadline)) {
		/* no memory for the record: the next ACK or send retries */
		rec = myc_rel_sent_alloc();
		if (!rec)
			return false;
	}
	myc_sched_unlink(peer, skb, level);
	*out = NULL;

	if (reliable && !rec) {
		skb_push(skb, MYC_HDR_LEN);
		myc_rel_fail_unsent(peer, skb, sink, failed);
		return true;
	}

	/* a small whole message: with the ones queued behind it */
	nskb = NULL;
	if (cb->whole && skb->len < MYC_FRAME_MAX / 2)
		nskb = alloc_skb(MYC_XMIT_HEADROOM + MYC_FRAME_MAX, GFP_ATOMIC);
	if (nskb) {
		skb_reserve(nskb, MYC_XMIT_HEADROOM);
		skb_put(nskb, MYC_HDR_LEN);
		skb_copy_bits(skb, 0, skb_put(nskb, skb->len), skb->len);
		deadline = myc_sched_bundle(peer, nskb, sink, reliable,
					    m.policy, m.ve_id, m.ve_be, level,
					    deadline);
		kfree_skb(skb);		/* its sink reference goes on */
		skb = nskb;
	} else {
		skb_push(skb, MYC_HDR_LEN);
	}

	h.flags = reliable ? MYC_FF_ACK_ELICITING : 0;
	h.pn = peer->tx_pn++;
	myc_hdr_encode(skb->data, MYC_HDR_LEN, &h);
	if (reliable) {
		m.sink = sink;
		m.deadline_us = deadline;
		m.path = path;
		*out = myc_rel_record(peer, rec, skb, h.pn, &m);
	} else {
		myc_errsink_put(sink);
		MYC_XMIT_CB(skb)->path = path;
		*out = skb;
	}
	return true;
}

/*
 * Send what may go now.  Any context; takes peer->lock.  Frames go out on
 * the peer's path after the lock is dropped.
 */
void myc_sched_push(struct myc_peer *peer)
{
	struct sk_buff_head out;
	struct sk_buff *skb;
	LIST_HEAD(failed);

	/* nothing but HELLOs and handshakes before keys (hello.c) */
	if (!READ_ONCE(peer->txq_mask) || !myc_peer_ready(peer))
		return;
	__skb_queue_head_init(&out);
	rcu_read_lock();
	spin_lock_bh(&peer->lock);
	while (!peer->dead && myc_sched_build(peer, &skb, &failed)) {
		if (skb)
			__skb_queue_tail(&out, skb);
	}
	spin_unlock_bh(&peer->lock);
	myc_xmit_queue(peer, &out);
	rcu_read_unlock();
	if (!list_empty(&failed))
		myc_rel_fail_list(peer, &failed, ETIMEDOUT);
}

/*
 * Empty the queue: every reliable message goes on *failed (to come back
 * to its sender), the rest is dropped.  Under peer->lock.
 */
void myc_sched_fail_locked(struct myc_peer *peer, struct list_head *failed)
{
	struct sk_buff *skb;
	int i;

	for (i = 0; i < MYC_TX_LEVELS; i++) {
		while ((skb = __skb_dequeue(&peer->txq[i]))) {
			if (myc_sched_reliable(skb)) {
				skb_push(skb, MYC_HDR_LEN);
				myc_rel_fail_unsent(peer, skb,
						    MYC_TX_CB(skb)->sink,
						    failed);
			} else {
				myc_sched_free_chunk(skb);
			}
		}
	}
	peer->txq_mask = 0;
	peer->txq_bytes = 0;
}

/*
 * The peer is gone (peer->dead set): return every queued reliable message
 * to its sender, drop the rest.
 */
void myc_sched_purge(struct myc_peer *peer)
{
	LIST_HEAD(failed);

	spin_lock_bh(&peer->lock);
	myc_sched_fail_locked(peer, &failed);
	spin_unlock_bh(&peer->lock);
	myc_rel_fail_list(peer, &failed, EHOSTUNREACH);
}

/* Last reference to the peer gone: free what is left.  Under peer->lock. */
void myc_sched_destroy(struct myc_peer *peer)
{
	struct sk_buff *skb;
	int i;

	for (i = 0; i < MYC_TX_LEVELS; i++)
		while ((skb = __skb_dequeue(&peer->txq[i])))
			myc_sched_free_chunk(skb);
	peer->txq_mask = 0;
	peer->txq_bytes = 0;
}

/* sk is being released: its queued chunks stop being charged to it. */
void myc_sched_orphan(struct myc_net *mn, struct sock *sk)
{
	struct myc_peer *peer;
	struct sk_buff *skb;
	int bkt, i;

	if (!sk_wmem_alloc_get(sk))
		return;
	rcu_read_lock();
	hash_for_each_rcu(mn->peers, bkt, peer, hnode) {
		spin_lock_bh(&peer->lock);
		for (i = 0; i < MYC_TX_LEVELS; i++) {
			skb_queue_walk(&peer->txq[i], skb) {
				if (skb->sk == sk)
					skb_orphan(skb);
			}
		}
		spin_unlock_bh(&peer->lock);
	}
	rcu_read_unlock();
}
