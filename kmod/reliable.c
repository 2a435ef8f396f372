// SPDX-License-Identifier: GPL-2.0
/*
 * Reliability: acknowledgements, loss detection, retransmission, congestion
 * window, and in-order delivery of guaranteed messages.
 *
 * Sender: every frame that carries a reliable chunk (guarantee high or
 * guaranteed) is ack-eliciting and recorded in peer->sent (packet-number
 * order) with a clone of the frame.  ACK frames remove what they cover,
 * give RTT samples (RFC 6298 estimator, rtt.c) and drive the congestion
 * window (cc.c); frames that the ACKs show lost (packet and time thresholds,
 * RFC 9002) or that outlive the retransmission timeout are sent again under
 * a new packet number.  The send queue (sched.c) lets reliable chunks out
 * only while the window has room, so unacknowledged data per peer is
 * bounded by the window (at most MYC_CWND_MAX); every ACK and timeout
 * pushes the queue again.
 *
 * Receiver: a frame's packet number is acknowledged only when everything
 * reliable in it was taken (delivered, queued for order, or a duplicate);
 * a message a full socket cannot take is left unacknowledged and comes
 * again.  High messages are delivered as they complete, once (seqwin);
 * guaranteed messages in message-number order (peer->reorder holds the
 * early ones, bounded by MYC_REORDER_MAX_BYTES).
 *
 * Undeliverable messages come back to their sender's error queue
 * (MSG_ERRQUEUE): a message whose frames stay unacknowledged past its
 * deadline (MYC_SO_TIMEOUT) or whose peer is removed is reported once, with
 * the data of its first fragment, and its frames are forgotten; a SKIP chunk
 * then tells the receiver not to wait for it, so that later messages of the
 * same sequence space are not held behind a hole.  A receiver with nobody
 * bound to a message's destination returns it in a REJECT chunk (the first
 * MYC_CHUNK_DATA_MAX bytes), itself a reliable chunk numbered in the high
 * space; so does one that gives up a partial message (reasm.c: no memory
 * for it, ENOBUFS, or its fragments stopped coming, ETIMEDOUT), whose
 * number is then marked done as if delivered.  Best-effort messages are
 * never returned.  Each record of a reliable frame holds a reference on the
 * socket that sent it.
 *
 * Locking: peer->lock (_bh) protects all of it; frames are built under the
 * lock and sent after it is dropped.  The RTO timer is a soft hrtimer
 * (softirq context, but not rounded to jiffies: a 10 ms RTO is 10 ms,
 * which is what a failover on a busy path waits for); it holds no peer
 * reference: it is not armed again once peer->dead is set, and
 * myc_rel_stop() cancels it before the peer can be freed.
 */
#include <linux/ktime.h>
#include <linux/list_sort.h>
#include <linux/skbuff.h>
#include <linux/slab.h>

#include "myc.h"

#define MYC_CWND_MAX		(4U << 20)
#define MYC_REORDER_MAX_BYTES	(4U << 20)
#define MYC_REJECTS_MAX		64	/* messages waiting to be returned */
#define MYC_ACK_EVERY		2	/* ack-eliciting frames per ACK */
#define MYC_ACK_DELAY		1	/* jiffies a lone frame waits */
#define MYC_RTO_SLACK_NS	(200 * NSEC_PER_USEC)	/* timer coalescing */

struct myc_sent {
	struct list_head list;
	u64 pn;
	u64 sent_us;
	u32 bytes;
	struct sk_buff *skb;		/* clone: header + payload */
	struct myc_errsink *sink;	/* the sender's (held), or NULL */
	u64 deadline_us;		/* give up after this; 0: never */
	struct myc_path *path;		/* sent on it; NULL: none (any more) */
	u32 retry_ms;			/* the sender's wait-retry hold, or 0 */
	u32 ve_id;			/* sent through this endpoint, or 0 */
	u32 ve_be;			/* to this backend of it */
	u8 ve_tries;			/* times it went to another backend */
	u64 msn;			/* of the first chunk */
	u32 offset;
	u8 kind;
	u8 guarantee;
	u8 cls;				/* of the first chunk */
	u8 policy;			/* the sender's failover policy, or 0 */
};

/* The record's bytes are no longer in flight on its path. */
static void myc_sent_unpath(struct myc_sent *s)
{
	if (s->path) {
		s->path->in_flight -= s->bytes;
		s->path = NULL;
	}
}

static void myc_sent_set_path(struct myc_sent *s, struct myc_path *path)
{
	myc_sent_unpath(s);
	s->path = path;
	if (path)
		path->in_flight += s->bytes;
}

static void myc_sent_free(struct myc_sent *s)
{
	kfree_skb(s->skb);
	myc_errsink_put(s->sink);
	kfree(s);
}

void myc_rel_init(struct myc_peer *peer)
{
	INIT_LIST_HEAD(&peer->sent);
	skb_queue_head_init(&peer->reorder);
	myc_rtt_init(&peer->rtt);
	myc_cc_init(&peer->cc, MYC_FRAME_MAX);
	myc_seqwin_init(&peer->rx_seq[0]);
	myc_seqwin_init(&peer->rx_seq[1]);
	skb_queue_head_init(&peer->rejects);
	myc_sched_init(peer);
	peer->min_deadline_us = U64_MAX;
	hrtimer_init(&peer->rto_timer, CLOCK_MONOTONIC, HRTIMER_MODE_ABS_SOFT);
	peer->rto_timer.function = myc_rel_rto;
	timer_setup(&peer->ack_timer, myc_rel_ack_timer, 0);
}

/*
 * Forget the frames in flight (onto *failed) and what waits for delivery:
 * the peer is gone, or restarted.  Under peer->lock.
 */
static void myc_rel_drop_locked(struct myc_peer *peer,
				struct list_head *failed)
{
	struct myc_sent *s;

	list_for_each_entry(s, &peer->sent, list)
		myc_sent_unpath(s);
	list_splice_tail_init(&peer->sent, failed);
	peer->in_flight = 0;
	__skb_queue_purge(&peer->reorder);
	__skb_queue_purge(&peer->rejects);
	peer->reorder_bytes = 0;
	if (peer->reorder_kick) {
		peer->reorder_kick = false;
		atomic_dec(&peer->mn->reorder_pending);
	}
}

/*
 * Peer is dead and a grace period passed (peer.c): stop the timers, return
 * what it never acknowledged to the senders, wake those waiting for the
 * window, free what it held for delivery.  Process context.
 */
void myc_rel_stop(struct myc_peer *peer)
{
	LIST_HEAD(failed);

	hrtimer_cancel(&peer->rto_timer);	/* peer->dead: not re-armed */
	timer_shutdown_sync(&peer->ack_timer);
	spin_lock_bh(&peer->lock);
	myc_rel_drop_locked(peer, &failed);
	spin_unlock_bh(&peer->lock);
	myc_rel_fail_list(peer, &failed, EHOSTUNREACH);
	myc_sched_purge(peer);
}

/*
 * The peer restarted (restart.c, peer->lock held): what was in flight to
 * its old instance, or queued with a number, goes on *failed; what came
 * from the old instance and waits is dropped; the sequences start afresh.
 */
void myc_rel_restart(struct myc_peer *peer, struct list_head *failed)
{
	lockdep_assert_held(&peer->lock);

	myc_rel_drop_locked(peer, failed);
	peer->min_deadline_us = U64_MAX;
	peer->rto_fired_us = 0;
	myc_sched_fail_locked(peer, failed);
	myc_seqwin_init(&peer->rx_seq[0]);
	myc_seqwin_init(&peer->rx_seq[1]);
	peer->ack_pending = 0;
}

/*
 * Last reference gone (an RCU callback): free what a late holder of a
 * reference may have left.  Memory only: the node may be gone already.
 */
void myc_rel_destroy(struct myc_peer *peer)
{
	struct myc_sent *s, *tmp;

	list_for_each_entry_safe(s, tmp, &peer->sent, list) {
		list_del(&s->list);
		myc_sent_free(s);
	}
	__skb_queue_purge(&peer->reorder);
	__skb_queue_purge(&peer->rejects);
	myc_sched_destroy(peer);
	/*
	 * No partial message is left: only the receive path (RCU) adds
	 * them, and the teardown purged them after a grace period (their
	 * accounting is the node's, which may be gone now).
	 */
}

/*
 * The oldest record that no wait-retry hold keeps, or NULL; *held_end
 * gets the earliest end of the holds met before it (U64_MAX: none).  The
 * retransmission timer times that record, so a held one at the head does
 * not delay everybody else's.  Under peer->lock.
 */
static struct myc_sent *myc_rel_oldest(struct myc_peer *peer, u64 now,
				       u64 *held_end)
{
	struct myc_sent *s;

	*held_end = U64_MAX;
	list_for_each_entry(s, &peer->sent, list) {
		if (!peer->hold_us ||
		    !myc_failover_held(peer, s->policy, s->retry_ms, now))
			return s;
		*held_end = min(*held_end, peer->hold_us +
				(u64)(s->retry_ms ?: peer->retry_ms) *
				USEC_PER_MSEC);
	}
	return NULL;
}

void myc_rel_arm(struct myc_peer *peer)
{
	struct myc_sent *s;
	u64 when, now;

	if (peer->dead)
		return;
	if (list_empty(&peer->sent)) {
		/* from the callback itself it just does not restart */
		hrtimer_try_to_cancel(&peer->rto_timer);
		return;
	}
	now = myc_now_us();
	s = myc_rel_oldest(peer, now, &when);
	/*
	 * RFC 6298 5.5-5.6: after a timeout the timer runs a whole (backed
	 * off) RTO from then, not from the next frame's send time, which is
	 * as old and would expire at once: a cascade of timeouts.
	 */
	if (s)
		when = min(when, max(s->sent_us, peer->rto_fired_us) +
			   peer->rtt.rto_us);
	when = min(when, peer->min_deadline_us);
	hrtimer_start_range_ns(&peer->rto_timer,
			       ns_to_ktime(max(when, now) * NSEC_PER_USEC),
			       MYC_RTO_SLACK_NS, HRTIMER_MODE_ABS_SOFT);
}

/* When a message sent now with this MYC_SO_TIMEOUT is given up (0: never). */
u64 myc_rel_deadline(u32 timeout_ms)
{
	return timeout_ms ? myc_now_us() + (u64)timeout_ms * USEC_PER_MSEC : 0;
}

struct myc_sent *myc_rel_sent_alloc(void)
{
	return kmalloc(sizeof(struct myc_sent), GFP_ATOMIC);
}

/* Fill s from the first chunk of the frame skb (header at skb->data). */
static int myc_sent_init(struct myc_sent *s, struct sk_buff *skb,
			 struct myc_errsink *sink, u64 deadline_us)
{
	struct myc_chunk c;
	size_t pos = 0;

	if (WARN_ON_ONCE(myc_chunk_next(skb->data + MYC_HDR_LEN,
					skb->len - MYC_HDR_LEN, &pos, &c) <= 0))
		return -EINVAL;
	s->bytes = skb->len;
	s->deadline_us = deadline_us;
	s->msn = c.msn;
	s->offset = c.offset;
	s->kind = c.kind;
	s->guarantee = c.guarantee;
	s->cls = c.cls;
	s->sink = sink;
	s->skb = NULL;
	s->pn = 0;
	s->path = NULL;
	s->policy = 0;
	s->retry_ms = 0;
	s->ve_id = 0;
	s->ve_be = 0;
	s->ve_tries = 0;
	return 0;
}

/*
 * Record the reliable frame skb (header encoded with packet number pn)
 * in s (from myc_rel_sent_alloc()), taking over the reference on m->sink.
 * Returns what to transmit (on m->path, set in its cb): a clone is kept
 * for retransmission; if there is no memory for one, the record keeps skb
 * itself and the retransmission timer sends it later (NULL).  Under
 * peer->lock and RCU.
 */
struct sk_buff *myc_rel_record(struct myc_peer *peer, struct myc_sent *s,
			       struct sk_buff *skb, u64 pn,
			       const struct myc_rec_meta *m)
{
	struct sk_buff *out = skb;

	if (myc_sent_init(s, skb, m->sink, m->deadline_us)) {
		myc_errsink_put(m->sink);
		kfree(s);
		MYC_XMIT_CB(skb)->path = m->path;
		return skb;	/* cannot happen: the frame was built valid */
	}
	s->pn = pn;
	s->policy = m->policy;
	s->retry_ms = m->retry_ms;
	s->ve_id = m->ve_id;
	s->ve_be = m->ve_be;
	s->ve_tries = m->ve_tries;
	s->sent_us = myc_now_us();
	s->skb = skb_clone(skb, GFP_ATOMIC);
	if (!s->skb) {
		s->skb = skb;
		s->sent_us = 0;		/* "sent" long ago: the RTO sends it */
		out = NULL;
	} else {
		myc_sent_set_path(s, m->path);
		MYC_XMIT_CB(skb)->path = m->path;
	}
	list_add_tail(&s->list, &peer->sent);
	peer->in_flight += s->bytes;
	if (m->deadline_us && m->deadline_us < peer->min_deadline_us)
		peer->min_deadline_us = m->deadline_us;
	if (!hrtimer_is_queued(&peer->rto_timer))
		myc_rel_arm(peer);
	return out;
}

/*
 * A queued reliable chunk that was never sent is given up: make it a
 * record on *failed (skb: header room pushed, chunk after it), taking over
 * the reference on sink, for myc_rel_fail_list().  Under peer->lock.
 */
void myc_rel_fail_unsent(struct myc_peer *peer, struct sk_buff *skb,
			 struct myc_errsink *sink, struct list_head *failed)
{
	struct myc_sent *s = myc_rel_sent_alloc();

	if (!s || myc_sent_init(s, skb, sink, 0)) {
		myc_stat_inc(&peer->stats, MYC_STAT_TX_ERRORS);
		myc_errsink_put(sink);
		kfree_skb(skb);
		kfree(s);
		return;
	}
	s->skb = skb;
	list_add_tail(&s->list, failed);
}

/*
 * Number an ack-eliciting control frame (REJECT, SKIP: its header is at
 * skb->data, its first chunk right after; h is written with the new packet
 * number), record it and return 0: the caller sends skb on the path in its
 * cb (under the RCU read lock it holds).  -EINPROGRESS:
 * the record kept skb (no memory for a clone), the timer sends it; another
 * error: skb is still the caller's.
 */
int myc_rel_track(struct myc_peer *peer, struct sk_buff *skb,
		  struct myc_hdr *h, gfp_t gfp)
{
	struct myc_sent *s = kmalloc(sizeof(*s), gfp);
	struct myc_rec_meta m = {};
	struct sk_buff *out;

	if (!s)
		return -ENOMEM;
	spin_lock_bh(&peer->lock);
	if (peer->dead) {
		spin_unlock_bh(&peer->lock);
		kfree(s);
		return -EHOSTUNREACH;
	}
	h->pn = peer->tx_pn++;
	myc_hdr_encode(skb->data, MYC_HDR_LEN, h);
	m.path = myc_path_pick(peer, skb->data[MYC_HDR_LEN + 2], true);
	out = myc_rel_record(peer, s, skb, h->pn, &m);
	spin_unlock_bh(&peer->lock);
	return out ? 0 : -EINPROGRESS;
}

/*
 * Resend s under a new packet number, on the path the strategy picks now:
 * the copy goes on *out, the record moves to the tail.  Under peer->lock
 * and RCU.
 */
static void myc_rel_resend(struct myc_peer *peer, struct myc_sent *s,
			   struct sk_buff_head *out)
{
	struct sk_buff *nskb;
	struct myc_hdr h;

	nskb = skb_copy_expand(s->skb, MYC_XMIT_HEADROOM, 0, GFP_ATOMIC);
	if (!nskb)
		return;		/* the RTO tries again */
	if (myc_hdr_decode(nskb->data, nskb->len, &h)) {
		kfree_skb(nskb);
		return;
	}
	h.pn = peer->tx_pn++;
	myc_hdr_encode(nskb->data, MYC_HDR_LEN, &h);
	consume_skb(s->skb);
	s->skb = skb_clone(nskb, GFP_ATOMIC);
	if (!s->skb) {
		/* keep the record with the new copy itself; send nothing */
		s->skb = nskb;
		return;
	}
	s->pn = h.pn;
	s->sent_us = myc_now_us();
	myc_sent_set_path(s, myc_path_pick(peer, s->cls, true));
	MYC_XMIT_CB(nskb)->path = s->path;
	list_move_tail(&s->list, &peer->sent);
	__skb_queue_tail(out, nskb);
	myc_stat_inc(&peer->stats, MYC_STAT_RETRANS);
	if (s->path)
		myc_stat_inc(&s->path->stats, MYC_STAT_RETRANS);
}

void myc_xmit_queue(struct myc_peer *peer, struct sk_buff_head *q)
{
	struct sk_buff *skb;

	while ((skb = __skb_dequeue(q))) {
		struct myc_path *path = MYC_XMIT_CB(skb)->path;

		if (path)
			myc_bearer_xmit(peer->mn, path, skb);
		else
			kfree_skb(skb);
	}
}

/* Resend now what went on path (failover, policy: the peer's). */
void myc_rel_move(struct myc_peer *peer, struct myc_path *path, u8 policy,
		  struct sk_buff_head *q)
{
	struct myc_sent *s, *tmp;
	u64 last = peer->tx_pn;

	list_for_each_entry_safe(s, tmp, &peer->sent, list) {
		if (s->pn >= last)
			break;	/* resent already, at the tail */
		if (s->path == path &&
		    (s->policy ?: policy) == MYC_FAILOVER_IMMEDIATE)
			myc_rel_resend(peer, s, q);
	}
}

/*
 * Backend be_id of endpoint ve_id is down: what was sent to it through
 * the endpoint and not acknowledged is given up here, and goes to another
 * backend (myc_rel_fail_list() -> myc_ve_retry()).  RCU, no lock held.
 */
void myc_rel_fail_ve(struct myc_peer *peer, u32 ve_id, u32 be_id)
{
	struct myc_sent *s, *tmp;
	LIST_HEAD(failed);

	spin_lock_bh(&peer->lock);
	list_for_each_entry_safe(s, tmp, &peer->sent, list) {
		if (s->ve_id != ve_id || s->ve_be != be_id)
			continue;
		list_move_tail(&s->list, &failed);
		myc_sent_unpath(s);
		peer->in_flight -= s->bytes;
	}
	myc_rel_arm(peer);
	spin_unlock_bh(&peer->lock);
	if (!list_empty(&failed))
		myc_rel_fail_list(peer, &failed, EHOSTUNREACH);
	myc_sched_push(peer);
}

/* Wait-retry holds that ended: what they held goes on another path. */
void myc_rel_release(struct myc_peer *peer, u64 now, struct sk_buff_head *q)
{
	struct myc_sent *s, *tmp;
	u64 last = peer->tx_pn;

	list_for_each_entry_safe(s, tmp, &peer->sent, list) {
		if (s->pn >= last)
			break;
		if ((s->policy ?: peer->failover) != MYC_FAILOVER_WAIT_RETRY ||
		    (s->path && s->path->state == MYC_PATH_UP) ||
		    s->sent_us >= peer->hold_us ||
		    myc_failover_held(peer, s->policy, s->retry_ms, now))
			continue;
		myc_rel_resend(peer, s, q);
	}
}

/* path is being unlinked: its records go again elsewhere (q) or nowhere. */
void myc_rel_path_gone(struct myc_peer *peer, struct myc_path *path,
		       struct sk_buff_head *q)
{
	struct myc_sent *s, *tmp;
	u64 last = peer->tx_pn;

	list_for_each_entry_safe(s, tmp, &peer->sent, list) {
		if (s->pn >= last)
			break;
		if (s->path != path)
			continue;
		myc_sent_unpath(s);
		if (q)
			myc_rel_resend(peer, s, q);
	}
}

enum hrtimer_restart myc_rel_rto(struct hrtimer *t)
{
	struct myc_peer *peer = container_of(t, struct myc_peer, rto_timer);
	u64 now = myc_now_us(), min_deadline = U64_MAX, held_end;
	struct myc_sent *s, *tmp;
	struct sk_buff_head q;
	LIST_HEAD(failed);

	__skb_queue_head_init(&q);
	rcu_read_lock();
	spin_lock_bh(&peer->lock);
	if (peer->dead)
		goto unlock;
	/* messages past their deadline: given up */
	list_for_each_entry_safe(s, tmp, &peer->sent, list) {
		if (!s->deadline_us)
			continue;
		if (s->deadline_us > now) {
			min_deadline = min(min_deadline, s->deadline_us);
			continue;
		}
		list_move_tail(&s->list, &failed);
		myc_sent_unpath(s);
		peer->in_flight -= s->bytes;
	}
	peer->min_deadline_us = min_deadline;
	s = myc_rel_oldest(peer, now, &held_end);
	if (s) {
		if (max(s->sent_us, peer->rto_fired_us) + peer->rtt.rto_us <=
		    now + 1000) {
			peer->rto_fired_us = now;
			struct myc_path *path = s->path;

			myc_rtt_backoff(&peer->rtt);
			myc_cc_on_rto(&peer->cc);
			/*
			 * Nothing sent on its path since it was sent was
			 * answered (no ACK of such a frame, no reply to such
			 * a probe): a miss.
			 */
			if (path && path->answered_us < s->sent_us)
				myc_health_miss(peer, path, MYC_EVR_RTO, &q);
			/* the failover may have moved or held it already */
			if (s->path == path &&
			    !myc_failover_held(peer, s->policy, s->retry_ms,
					       now))
				myc_rel_resend(peer, s, &q);
		}
	}
	myc_rel_arm(peer);
unlock:
	spin_unlock_bh(&peer->lock);
	myc_xmit_queue(peer, &q);
	rcu_read_unlock();
	if (!list_empty(&failed))
		myc_rel_fail_list(peer, &failed, ETIMEDOUT);
	myc_sched_push(peer);
	return HRTIMER_NORESTART;	/* myc_rel_arm() started it again */
}

static int myc_sent_cmp(void *priv, const struct list_head *a,
			const struct list_head *b)
{
	const struct myc_sent *x = list_entry(a, struct myc_sent, list);
	const struct myc_sent *y = list_entry(b, struct myc_sent, list);

	if (x->guarantee != y->guarantee)
		return x->guarantee < y->guarantee ? -1 : 1;
	if (x->msn != y->msn)
		return x->msn < y->msn ? -1 : 1;
	if (x->offset != y->offset)
		return x->offset < y->offset ? -1 : 1;
	return 0;
}

/*
 * A returned message for an error queue: len bytes of data, why (err,
 * origin), the original length, and where it was going.  NULL without
 * memory.
 */
static struct sk_buff *myc_err_skb(const u8 *data, u32 len, int err,
				   u8 origin, u32 total, bool service, u32 id,
				   u64 node)
{
	struct sk_buff *skb = alloc_skb(len, GFP_ATOMIC);
	struct myc_err_cb *cb;

	if (!skb)
		return NULL;
	skb_put_data(skb, data, len);
	cb = MYC_ERR_CB(skb);
	memset(cb, 0, sizeof(*cb));
	cb->ee.ee_errno = err;
	cb->ee.ee_origin = origin;
	cb->ee.ee_data = total;
	cb->dst.smyc_family = myc_family;
	cb->dst.smyc_kind = service ? MYC_ADDR_SERVICE : MYC_ADDR_PORT;
	cb->dst.smyc_id = id;
	cb->dst.smyc_node = node;
	return skb;
}

/* Return a message (c: its chunk in a frame given up) to sk. */
static void myc_rel_report(struct myc_peer *peer, struct sock *sk,
			   const struct myc_chunk *c, int err)
{
	struct sk_buff *skb;

	skb = myc_err_skb(c->data, c->offset ? 0 : c->len, err,
			  MYC_EE_ORIGIN_LOCAL, c->total,
			  c->flags & MYC_CF_SERVICE, c->dst_id, peer->id);
	if (skb)
		myc_sock_queue_err(sk, skb);
}

/*
 * Number, record and send a control frame (REJECT, SKIP) of our own: its
 * header room is at skb->data, its chunks after it.  Consumes skb.
 */
static void myc_rel_send_ctl(struct myc_peer *peer, struct sk_buff *skb)
{
	struct myc_hdr h = {
		.version = MYC_WIRE_VERSION,
		.type = MYC_FT_DATA,
		.flags = MYC_FF_ACK_ELICITING,
		.src_node = READ_ONCE(peer->mn->node_id),
		.dst_node = peer->id,
	};
	struct myc_path *path;
	int err;

	rcu_read_lock();
	err = myc_rel_track(peer, skb, &h, GFP_ATOMIC);
	if (err) {
		if (err != -EINPROGRESS)
			kfree_skb(skb);
	} else {
		path = MYC_XMIT_CB(skb)->path;
		if (path)
			myc_bearer_xmit(peer->mn, path, skb);
		else
			kfree_skb(skb);
	}
	rcu_read_unlock();
}

/* Send a frame of SKIP chunks (NULL: nothing to send). */
static void myc_rel_send_skips(struct myc_peer *peer, struct sk_buff *skb)
{
	if (skb)
		myc_rel_send_ctl(peer, skb);
}

/* Add a SKIP chunk for (guarantee, msn) to *skbp, sending it when full. */
static void myc_rel_add_skip(struct myc_peer *peer, struct sk_buff **skbp,
			     u8 guarantee, u64 msn)
{
	struct myc_chunk c = {
		.kind = MYC_CK_SKIP,
		.guarantee = guarantee,
		.msn = msn,
	};
	struct sk_buff *skb = *skbp;

	if (skb && skb->len + MYC_CHUNK_HDR_LEN > MYC_FRAME_MAX) {
		myc_rel_send_skips(peer, skb);
		skb = NULL;
	}
	if (!skb) {
		skb = alloc_skb(MYC_XMIT_HEADROOM + MYC_FRAME_MAX, GFP_ATOMIC);
		*skbp = skb;
		if (!skb)
			return;	/* the receiver keeps waiting for msn */
		skb_reserve(skb, MYC_XMIT_HEADROOM);
		skb_put(skb, MYC_HDR_LEN);
	}
	myc_chunk_hdr_encode(skb_put(skb, MYC_CHUNK_HDR_LEN),
			     MYC_CHUNK_HDR_LEN, &c);
}

/* A message will not be sent whole (sendmsg failed halfway): skip it. */
void myc_rel_skip(struct myc_peer *peer, u8 guarantee, u64 msn)
{
	struct sk_buff *frame = NULL;

	myc_rel_add_skip(peer, &frame, guarantee, msn);
	myc_rel_send_skips(peer, frame);
}

/*
 * Records of frames that will never be acknowledged (given up, or the peer
 * is gone): report each message in them once to its sender with err, tell
 * a live peer to skip it, free the records.  A frame holds either one
 * fragment of a message, or whole messages (sched.c bundles only those):
 * fragments of one message are told apart by sorting.  No lock held.
 */
/*
 * skip: tell the receiver not to wait for the failed messages (SKIP).  Not
 * after a restart: their numbers belong to the old instance.
 */
static void __myc_rel_fail_list(struct myc_peer *peer,
				struct list_head *failed, int err, bool skip)
{
	bool have = false;
	struct sk_buff *frame = NULL;
	struct myc_sent *s, *tmp;
	u64 msn = 0;
	u8 g = 0;

	list_sort(NULL, failed, myc_sent_cmp);
	list_for_each_entry_safe(s, tmp, failed, list) {
		struct sock *sk = s->sink ? myc_errsink_sock(s->sink) : NULL;
		struct myc_chunk c;
		size_t pos = 0;

		list_del(&s->list);
		while (myc_chunk_next(s->skb->data + MYC_HDR_LEN,
				      s->skb->len - MYC_HDR_LEN, &pos, &c) > 0) {
			bool whole = !c.offset && c.len == c.total;

			if (c.kind == MYC_CK_SKIP)
				continue;
			if (!whole && have && g == c.guarantee && msn == c.msn)
				continue;	/* another fragment of it */
			if (!whole) {
				have = true;
				g = c.guarantee;
				msn = c.msn;
			}
			myc_stat_inc(&peer->stats, MYC_STAT_TX_ERRORS);
			if (sk && c.kind == MYC_CK_MSG &&
			    !(s->ve_id && myc_ve_retry(peer->mn, sk, &c,
						       s->ve_id, s->ve_be,
						       s->ve_tries, err)))
				myc_rel_report(peer, sk, &c, err);
			else if (sk && c.kind == MYC_CK_CONN_REQ)
				myc_conn_failed(sk, err);
			if (skip)
				myc_rel_add_skip(peer, &frame, c.guarantee,
						 c.msn);
		}
		if (sk)
			sock_put(sk);
		myc_sent_free(s);
	}
	myc_rel_send_skips(peer, frame);
}

void myc_rel_fail_list(struct myc_peer *peer, struct list_head *failed,
		       int err)
{
	__myc_rel_fail_list(peer, failed, err, !READ_ONCE(peer->dead));
}

void myc_rel_fail_restart(struct myc_peer *peer, struct list_head *failed)
{
	__myc_rel_fail_list(peer, failed, ECONNRESET, false);
}

/*
 * An ACK arrived (BH context): payload of len bytes, decoded into the
 * peer's buffer under the lock.  peer->sent is in packet-number order and
 * the ranges descend, so one pass over both finds what they cover.
 */
void myc_rel_on_ack(struct myc_peer *peer, const u8 *payload, size_t len)
{
	struct myc_ack *a = &peer->ackbuf;
	struct myc_sent *s, *tmp;
	struct sk_buff_head q;
	u64 now = myc_now_us();
	struct myc_path *largest_path = NULL;
	bool acked = false;
	u64 largest_sent_us = 0;
	int i;

	__skb_queue_head_init(&q);
	spin_lock(&peer->lock);
	if (peer->dead || myc_ack_decode(payload, len, a)) {
		spin_unlock(&peer->lock);
		return;		/* validated before: cannot happen */
	}
	i = a->nranges - 1;
	list_for_each_entry_safe(s, tmp, &peer->sent, list) {
		if (s->pn > a->largest)
			break;
		while (i >= 0 && s->pn > a->ranges[i].hi)
			i--;
		if (i < 0)
			break;
		if (s->pn < a->ranges[i].lo)
			continue;
		if (s->pn == a->largest) {
			largest_sent_us = s->sent_us;
			largest_path = s->path;
		}
		if (s->path) {
			if (s->pn > s->path->largest_acked)
				s->path->largest_acked = s->pn;
			if (s->sent_us > s->path->answered_us)
				s->path->answered_us = s->sent_us;
		}
		myc_sent_unpath(s);
		peer->in_flight -= s->bytes;
		myc_cc_on_ack(&peer->cc, s->pn, s->bytes);
		list_del(&s->list);
		myc_sent_free(s);
		acked = true;
	}
	if (largest_sent_us) {
		u32 rtt = (u32)min_t(u64, now - largest_sent_us, U32_MAX);

		myc_rtt_sample(&peer->rtt, rtt, a->delay_us);
		if (largest_path)
			myc_rtt_sample(&largest_path->rtt, rtt, a->delay_us);
	}
	if (a->largest > peer->largest_acked)
		peer->largest_acked = a->largest;
	if (acked)
		peer->rto_fired_us = 0;	/* new data acked: RFC 6298 5.3 */

	/*
	 * Loss detection on what is left below the largest acknowledged of
	 * its own path: paths of different delays do not make each other's
	 * frames look lost.
	 */
	list_for_each_entry_safe(s, tmp, &peer->sent, list) {
		if (s->pn >= peer->largest_acked)
			break;
		if (!s->path || s->pn >= s->path->largest_acked)
			continue;
		if (myc_is_lost(s->pn, s->sent_us, s->path->largest_acked, now,
				s->path->rtt.srtt_us ? &s->path->rtt :
						       &peer->rtt, NULL)) {
			myc_cc_on_loss(&peer->cc, s->pn, peer->tx_pn);
			myc_rel_resend(peer, s, &q);
		}
	}
	if (peer->cc.cwnd > MYC_CWND_MAX)
		peer->cc.cwnd = MYC_CWND_MAX;
	myc_rel_arm(peer);
	spin_unlock(&peer->lock);

	myc_xmit_queue(peer, &q);
	if (acked)
		myc_sched_push(peer);
}

/*
 * Acknowledge what was received from peer, on the path the last
 * ack-eliciting frame came on: the sender is using it, and it carried
 * that frame.  Only when we judge that path failed (or it is gone) does
 * the ACK take the path the latency strategy picks: picking first would
 * send ACKs onto a path the sender has just left and we have not yet
 * found dead, and the sender's RTO would back off while its data flows.
 * Caller holds RCU.  BH or timer context.
 */
static void myc_rel_send_ack(struct myc_peer *peer)
{
	struct myc_path *path = NULL;
	struct myc_hdr h = {
		.version = MYC_WIRE_VERSION,
		.type = MYC_FT_ACK,
		.src_node = READ_ONCE(peer->mn->node_id),
		.dst_node = peer->id,
	};
	struct myc_ack *a = &peer->ackbuf;
	struct sk_buff *skb;
	size_t n;

	skb = alloc_skb(MYC_XMIT_HEADROOM + MYC_HDR_LEN + MYC_ACK_MIN_LEN +
			8 * MYC_ACK_MAX_RANGES, GFP_ATOMIC);
	if (!skb)
		return;		/* the timer or the next frame tries again */
	skb_reserve(skb, MYC_XMIT_HEADROOM);

	spin_lock_bh(&peer->lock);
	h.pn = peer->tx_pn++;
	myc_pnwin_to_ack(&peer->rx_pnwin, a, MYC_ACK_MAX_RANGES + 1);
	a->delay_us = (u32)min_t(u64, myc_now_us() - peer->ack_first_us,
				 U32_MAX);
	a->window = MYC_CWND_MAX;
	peer->ack_pending = 0;
	myc_hdr_encode(skb_put(skb, MYC_HDR_LEN), MYC_HDR_LEN, &h);
	n = myc_ack_encode(skb_tail_pointer(skb), skb_tailroom(skb), a);
	spin_unlock_bh(&peer->lock);
	if (!n) {
		kfree_skb(skb);
		return;
	}
	skb_put(skb, n);
	spin_lock_bh(&peer->lock);
	if (peer->ack_path)
		path = myc_path_by_id(peer, peer->ack_path);
	if (!path || !path->enabled || !myc_path_good(path->state))
		path = myc_path_pick(peer, MYC_CLASS_HEALTH, false);
	spin_unlock_bh(&peer->lock);
	if (path)
		myc_bearer_xmit(peer->mn, path, skb);
	else
		kfree_skb(skb);
}

/*
 * An ack-eliciting frame pn was taken (BH context, under RCU).  Delayed
 * acknowledgment (RFC 9000 13.2.1): every second such frame is
 * acknowledged at once, a lone one after at most MYC_ACK_DELAY; a frame
 * out of order (a gap: something was lost or reordered) at once, so that
 * the sender's loss detection is not slowed.
 */
void myc_rel_rx_elicit(struct myc_peer *peer, u64 pn, struct myc_path *path)
{
	bool now;

	spin_lock(&peer->lock);
	now = pn != peer->rx_pnwin.top + 1;
	myc_pnwin_check_mark(&peer->rx_pnwin, pn);
	if (!peer->ack_pending++)
		peer->ack_first_us = myc_now_us();
	if (path)
		peer->ack_path = path->id;
	now |= peer->ack_pending >= MYC_ACK_EVERY;
	if (!now && !timer_pending(&peer->ack_timer) && !peer->dead)
		mod_timer(&peer->ack_timer, jiffies + MYC_ACK_DELAY);
	spin_unlock(&peer->lock);
	if (now)
		myc_rel_send_ack(peer);
}

void myc_rel_ack_timer(struct timer_list *t)
{
	struct myc_peer *peer = from_timer(peer, t, ack_timer);

	rcu_read_lock();
	if (READ_ONCE(peer->ack_pending) && !READ_ONCE(peer->dead))
		myc_rel_send_ack(peer);
	rcu_read_unlock();
}

/*
 * Deliver a reliable message and mark its number delivered.  -ENOBUFS: the
 * socket is full and skb is still the caller's; otherwise skb is consumed
 * (a message nobody is bound for is queued to go back to its sender, see
 * myc_rel_send_rejects()).  Under peer->lock.
 */
static int myc_rel_deliver(struct myc_net *mn, struct myc_peer *peer,
			   struct myc_seqwin *w, struct sk_buff *skb)
{
	struct myc_skb_cb *cb = MYC_SKB_CB(skb);
	u64 msn = cb->msn;
	u8 kind = cb->kind;	/* skb is no longer ours once taken */
	int err;

	err = myc_input(mn, skb);
	if (err == -ENOBUFS)
		return err;
	if (err) {
		if (skb_queue_len(&peer->rejects) < MYC_REJECTS_MAX)
			__skb_queue_tail(&peer->rejects, skb);
		else
			kfree_skb(skb);
		myc_stat_inc(&peer->stats, MYC_STAT_RX_DROP);
	} else if (kind == MYC_CK_MSG) {
		myc_stat_inc(&peer->stats, MYC_STAT_RX_MSGS);
	}
	myc_seqwin_mark(w, msn);
	return 0;
}

/*
 * Return the messages nobody was bound for (and the partial ones reasm.c
 * gave up: cb->total, cb->err) to their senders, each in a REJECT chunk
 * of its own reliable frame.  No lock held.
 */
void myc_rel_send_rejects(struct myc_peer *peer)
{
	struct sk_buff *msg, *skb;

	while (!skb_queue_empty_lockless(&peer->rejects)) {
		struct myc_skb_cb *cb;
		struct myc_chunk c;
		u64 msn;

		spin_lock_bh(&peer->lock);
		msg = __skb_dequeue(&peer->rejects);
		msn = msg ? peer->tx_msn[MYC_GUARANTEE_HIGH]++ : 0;
		spin_unlock_bh(&peer->lock);
		if (!msg)
			break;
		cb = MYC_SKB_CB(msg);
		c = (struct myc_chunk) {
			.kind = MYC_CK_REJECT,
			.flags = (cb->service ? MYC_CF_SERVICE : 0) |
				 (cb->endpoint ? MYC_CF_ENDPOINT : 0),
			.cls = cb->cls,
			.guarantee = MYC_GUARANTEE_HIGH,
			.priority = cb->priority,
			.src_port = cb->dst_id,
			.dst_id = cb->src.smyc_id,
			.msn = msn,
			.total = cb->total ?: msg->len,
			.len = min_t(u32, msg->len, MYC_CHUNK_DATA_MAX),
			.aux = cb->err ?: ECONNREFUSED,
		};
		skb = alloc_skb(MYC_XMIT_HEADROOM + MYC_HDR_LEN +
				MYC_CHUNK_HDR_LEN + c.len, GFP_ATOMIC);
		if (!skb) {
			kfree_skb(msg);
			continue;
		}
		skb_reserve(skb, MYC_XMIT_HEADROOM);
		skb_put(skb, MYC_HDR_LEN);
		myc_chunk_hdr_encode(skb_put(skb, MYC_CHUNK_HDR_LEN),
				     MYC_CHUNK_HDR_LEN, &c);
		skb_copy_bits(msg, 0, skb_put(skb, c.len), c.len);
		kfree_skb(msg);
		myc_rel_send_ctl(peer, skb);
	}
}

/*
 * Deliver queued guaranteed messages that are now in order, then keep
 * peer->reorder_kick (counted in mn->reorder_pending) equal to "something
 * still waits", so that readers retry it.  Under peer->lock.
 */
static void myc_rel_flush_reorder(struct myc_net *mn, struct myc_peer *peer)
{
	struct myc_seqwin *w = &peer->rx_seq[1];
	struct sk_buff *skb;
	bool waiting;

	while ((skb = skb_peek(&peer->reorder)) &&
	       MYC_SKB_CB(skb)->msn == w->base) {
		unsigned int truesize = skb->truesize;

		__skb_unlink(skb, &peer->reorder);
		if (myc_rel_deliver(mn, peer, w, skb)) {
			/* the socket is full: keep it first in line */
			__skb_queue_head(&peer->reorder, skb);
			break;
		}
		peer->reorder_bytes -= truesize;
	}
	waiting = !skb_queue_empty(&peer->reorder);
	if (waiting != peer->reorder_kick) {
		peer->reorder_kick = waiting;
		if (waiting)
			atomic_inc(&mn->reorder_pending);
		else
			atomic_dec(&mn->reorder_pending);
	}
}

/* Called for every frame from peer: retry what a full socket refused. */
void myc_rel_rx_poll(struct myc_net *mn, struct myc_peer *peer)
{
	if (skb_queue_empty_lockless(&peer->reorder))
		return;
	spin_lock_bh(&peer->lock);
	myc_rel_flush_reorder(mn, peer);
	spin_unlock_bh(&peer->lock);
	myc_rel_send_rejects(peer);
}

/*
 * A reader made room in its receive buffer: retry the guaranteed messages
 * that waited for it (process context, cheap when nothing waits).
 */
void myc_rel_kick(struct myc_net *mn)
{
	struct myc_peer *peer;
	int bkt;

	if (!atomic_read(&mn->reorder_pending))
		return;
	rcu_read_lock();
	hash_for_each_rcu(mn->peers, bkt, peer, hnode)
		myc_rel_rx_poll(mn, peer);
	rcu_read_unlock();
}

/*
 * A complete reliable message for this node.  Returns true if it was taken
 * (delivered, queued in order, or a duplicate), false if it must come again
 * (the frame is then not acknowledged).  Consumes skb.  BH context.
 *
 * Everything runs under peer->lock, delivery included, so two CPUs taking
 * two copies of one message cannot both deliver it.
 */
bool myc_rel_rx_msg(struct myc_net *mn, struct myc_peer *peer,
		    struct sk_buff *skb, u32 dst_id, bool service)
{
	struct myc_skb_cb *cb = MYC_SKB_CB(skb);
	int ch = cb->guarantee == MYC_GUARANTEE_GUARANTEED;
	struct myc_seqwin *w = &peer->rx_seq[ch];
	u64 msn = cb->msn;
	bool taken = true;
	struct sk_buff *p;

	cb->dst_id = dst_id;
	cb->service = service;

	spin_lock(&peer->lock);
	switch (myc_seqwin_check(w, msn)) {
	case MYC_SEQ_DUP:
		myc_stat_inc(&peer->stats, MYC_STAT_RX_DUP);
		kfree_skb(skb);
		goto out;
	case MYC_SEQ_AHEAD:
		kfree_skb(skb);
		taken = false;
		goto out;
	default:
		break;
	}

	if (ch) {
		/* guaranteed: into the reorder queue, in msn order */
		skb_queue_walk(&peer->reorder, p) {
			if (MYC_SKB_CB(p)->msn == msn) {
				kfree_skb(skb);	/* already queued */
				goto out;
			}
			if (MYC_SKB_CB(p)->msn > msn)
				break;
		}
		if (peer->reorder_bytes + skb->truesize > MYC_REORDER_MAX_BYTES) {
			kfree_skb(skb);
			taken = false;
			goto out;
		}
		__skb_queue_before(&peer->reorder, p, skb);
		peer->reorder_bytes += skb->truesize;
		myc_rel_flush_reorder(mn, peer);
		goto out;
	}

	/* high: delivered as it completes, once */
	if (myc_rel_deliver(mn, peer, w, skb)) {
		kfree_skb(skb);
		taken = false;
	}
out:
	spin_unlock(&peer->lock);
	myc_rel_send_rejects(peer);
	return taken;
}

/*
 * reasm.c gives up a partial reliable message (skb: its first fragment or
 * nothing, the cb filled): mark its number done, deliver what waited behind
 * it, and queue it to go back to its sender.  Consumes skb and returns true;
 * false (skb still the caller's) if the REJECT queue is full.  Under
 * peer->lock.
 */
bool myc_rel_rx_abandon(struct myc_peer *peer, struct sk_buff *skb)
{
	struct myc_skb_cb *cb = MYC_SKB_CB(skb);
	int ch = cb->guarantee == MYC_GUARANTEE_GUARANTEED;
	struct myc_seqwin *w = &peer->rx_seq[ch];

	if (skb_queue_len(&peer->rejects) >= MYC_REJECTS_MAX)
		return false;
	if (myc_seqwin_check(w, cb->msn) != MYC_SEQ_NEW) {
		kfree_skb(skb);		/* done already: nothing to return */
		return true;
	}
	myc_seqwin_mark(w, cb->msn);
	__skb_queue_tail(&peer->rejects, skb);
	if (ch)
		myc_rel_flush_reorder(peer->mn, peer);
	return true;
}

/*
 * A REJECT chunk: one of our messages came back; it goes to the error
 * queue of the socket bound to the port it came from.  Numbered in the
 * high space, so taken once.  BH context; false if it must come again.
 */
bool myc_rel_rx_reject(struct myc_net *mn, struct myc_peer *peer,
		       const struct myc_chunk *c)
{
	struct myc_seqwin *w = &peer->rx_seq[0];
	struct myc_err_cb *cb;
	struct sk_buff *skb;
	bool taken = true;

	spin_lock(&peer->lock);
	switch (myc_seqwin_check(w, c->msn)) {
	case MYC_SEQ_DUP:
		myc_stat_inc(&peer->stats, MYC_STAT_RX_DUP);
		goto out;
	case MYC_SEQ_AHEAD:
		taken = false;
		goto out;
	default:
		break;
	}
	skb = myc_err_skb(c->data, c->len, c->aux, MYC_EE_ORIGIN_REMOTE,
			  c->total, c->flags & MYC_CF_SERVICE, c->src_port,
			  peer->id);
	if (!skb) {
		taken = false;
		goto out;
	}
	cb = MYC_ERR_CB(skb);
	if (myc_conn_rejected(mn, c->dst_id, &cb->dst))
		kfree_skb(skb);		/* a refused connection request */
	else if ((c->flags & MYC_CF_ENDPOINT) &&
		 myc_ve_rx_reject(mn, peer, c))
		kfree_skb(skb);		/* goes to another backend */
	else
		myc_deliver_err(mn, c->dst_id, skb);
	myc_stat_inc(&peer->stats, MYC_STAT_TX_ERRORS);
	myc_seqwin_mark(w, c->msn);
out:
	spin_unlock(&peer->lock);
	return taken;
}

/*
 * A SKIP chunk: the peer gave up on message msn (and told its sender), so
 * stop waiting for it: forget its fragments and whatever of it is queued,
 * mark it done and deliver what was waiting behind it.  BH context.
 */
bool myc_rel_rx_skip(struct myc_net *mn, struct myc_peer *peer,
		     const struct myc_chunk *c)
{
	int ch = c->guarantee == MYC_GUARANTEE_GUARANTEED;
	struct myc_seqwin *w = &peer->rx_seq[ch];
	bool taken = true;
	struct sk_buff *p;

	if (c->guarantee == MYC_GUARANTEE_BEST_EFFORT)
		return true;
	spin_lock(&peer->lock);
	switch (myc_seqwin_check(w, c->msn)) {
	case MYC_SEQ_DUP:
		goto out;
	case MYC_SEQ_AHEAD:
		taken = false;
		goto out;
	default:
		break;
	}
	myc_reasm_drop(peer, c->guarantee, c->msn);
	if (ch) {
		skb_queue_walk(&peer->reorder, p) {
			if (MYC_SKB_CB(p)->msn == c->msn) {
				__skb_unlink(p, &peer->reorder);
				peer->reorder_bytes -= p->truesize;
				kfree_skb(p);
				break;
			}
		}
	}
	myc_seqwin_mark(w, c->msn);
	if (ch)
		myc_rel_flush_reorder(mn, peer);
out:
	spin_unlock(&peer->lock);
	myc_rel_send_rejects(peer);
	return taken;
}
