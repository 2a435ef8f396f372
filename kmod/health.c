// SPDX-License-Identifier: GPL-2.0
/*
 * Path health: probes, path states, the peer's state.
 *
 * Every enabled path of a peer is probed once per probe interval (per
 * peer, 10 ms .. 1 h, default 1 s): a PROBE frame carries the path id and
 * a sequence number, the peer answers with a PROBE_REPLY on the way the
 * probe came, echoing both.  A probe is missed when no reply (to it or to a
 * later probe of the path) came within max(interval, 2 SRTT) of the
 * path (as in BFD, the interval alone decides on a fast path, so jitter in
 * the RTT samples does not slow detection down); a retransmission timeout
 * of data sent on a path counts as a miss too when nothing sent on the
 * path as late or later was answered (no ACK of such a frame, no reply to
 * such a probe; reliable.c): an answer that merely arrives later, to
 * something sent before a cut, does not hide the cut.
 *
 *   unknown/up --miss--> suspect --fail_after misses in a row--> down
 *   unknown/suspect --reply--> up
 *   down --recover_after replies in a row--> up
 *
 * A down path keeps being probed with backoff: its interval doubles with
 * each miss, up to 8 times the probe interval.  A path is probed at most 8
 * times per RTT, so a slow path has few probes out.  Answers carry our
 * timestamp back, so a late answer to a probe judged missed still times
 * the path and counts as an answer.  Path selection (pathsel.h)
 * prefers up paths, so traffic leaves a path at its first miss when another
 * one answers: "suspect" is SCTP's "potentially failed" state (RFC 7829),
 * and it is what keeps a failover within a few probe intervals.
 * Leaving up or unknown for suspect or down is a failover (failover.c).
 * Every state change is an event; a peer is reachable while one of its
 * enabled paths is not down.
 *
 * Timers: one per peer, not one per path: a soft hrtimer (it runs in
 * softirq context, like a timer_list, but at the interval itself rather
 * than rounded up to jiffies: 10 ms is 3 jiffies, 12 ms, at HZ=250, which
 * would add a fifth to every detection time), firing every probe
 * interval.  The first expiry is at a random point of the first interval
 * and each later one is set from the previous expiry, so peers created
 * together do not probe in lockstep and the load of many peers stays
 * spread over the interval.  The timer holds no peer reference: it does
 * not restart once peer->dead is set, and myc_health_stop() cancels it
 * before the peer can be freed.
 *
 * Locking: path and peer health fields under peer->lock; the timer walks
 * the paths under RCU; probes are sent after the lock is dropped.
 */
#include <linux/hrtimer.h>
#include <linux/random.h>
#include <linux/skbuff.h>

#include "myc.h"

#define MYC_PROBE_BACKOFF_MAX	3	/* down: interval x 8 at most */
#define MYC_PROBE_PER_RTT	8	/* probes a path has out at most */
#define MYC_PROBE_RTT_MAX_US	(60ULL * USEC_PER_SEC)	/* older: ignored */

static enum hrtimer_restart myc_health_timer(struct hrtimer *t);

void myc_health_init(struct myc_peer *peer)
{
	hrtimer_init(&peer->health_timer, CLOCK_MONOTONIC,
		     HRTIMER_MODE_ABS_SOFT);
	peer->health_timer.function = myc_health_timer;
}

static ktime_t myc_health_interval(struct myc_peer *peer)
{
	return ms_to_ktime(READ_ONCE(peer->probe_ms));
}

/*
 * Probe soon: at a random point of the next interval, or keep the timer
 * if it fires sooner (settings changed).  Under mn->lock, as removal is.
 */
void myc_health_start(struct myc_peer *peer)
{
	u32 iv_us = READ_ONCE(peer->probe_ms) * USEC_PER_MSEC;

	myc_health_wake(peer, myc_now_us() + get_random_u32_below(iv_us + 1));
}

/*
 * Run the timer by when_us.  From its own callback (a failover found by
 * the tick) the timer cannot be started: the callback takes the time from
 * peer->health_wake_us when it sets its next expiry.
 */
void myc_health_wake(struct myc_peer *peer, u64 when_us)
{
	ktime_t when = ns_to_ktime(when_us * NSEC_PER_USEC);
	u64 old = READ_ONCE(peer->health_wake_us);

	/*
	 * The dead check and the start are one RCU read section: removal
	 * sets peer->dead, waits a grace period, then cancels the timer
	 * (peer.c), so no start can come after the cancel.
	 */
	rcu_read_lock();
	if (READ_ONCE(peer->dead))
		goto out;
	if (!old || when_us < old)
		WRITE_ONCE(peer->health_wake_us, when_us);
	if (hrtimer_callback_running(&peer->health_timer))
		goto out;
	if (!hrtimer_is_queued(&peer->health_timer) ||
	    ktime_before(when, hrtimer_get_expires(&peer->health_timer)))
		hrtimer_start(&peer->health_timer, when,
			      HRTIMER_MODE_ABS_SOFT);
out:
	rcu_read_unlock();
}

/* peer->dead is set: the timer does not restart itself any more. */
void myc_health_stop(struct myc_peer *peer)
{
	hrtimer_cancel(&peer->health_timer);
}

/* The probe interval changed: probe every path at the next tick. */
void myc_health_reschedule(struct myc_peer *peer)
{
	struct myc_path *path;

	list_for_each_entry_rcu(path, &peer->paths, list,
				lockdep_is_held(&peer->mn->lock))
		path->next_probe_us = 0;
}

/*
 * An admin enables or disables a path (mn->lock held).  A disabled path
 * is down and neither probed nor used; enabled again, it starts over as
 * unknown and is probed at once.
 */
void myc_path_enable(struct myc_path *path, bool enabled)
{
	struct myc_peer *peer = path->peer;
	struct sk_buff_head q;

	lockdep_assert_held(&peer->mn->lock);

	__skb_queue_head_init(&q);
	rcu_read_lock();
	spin_lock_bh(&peer->lock);
	if (enabled == path->enabled)
		goto unlock;
	if (!enabled) {
		myc_health_set_state(peer, path, MYC_PATH_DOWN,
				     MYC_EVR_CONFIG, &q);
		WRITE_ONCE(path->enabled, false);
		/* what is left on it (graceful, wait-retry) goes by RTO */
	} else {
		WRITE_ONCE(path->enabled, true);
		path->missed = 0;
		path->good = 0;
		path->judged_seq = path->probe_seq;
		path->next_probe_us = 0;
		myc_health_set_state(peer, path, MYC_PATH_UNKNOWN,
				     MYC_EVR_CONFIG, &q);
	}
unlock:
	spin_unlock_bh(&peer->lock);
	myc_xmit_queue(peer, &q);
	rcu_read_unlock();
	myc_sched_push(peer);
	if (enabled)
		myc_health_start(peer);
}

void myc_health_path_init(struct myc_peer *peer, struct myc_path *path)
{
	myc_rtt_init(&path->rtt);
	path->state = MYC_PATH_UNKNOWN;
	path->next_probe_us = 0;	/* at the next tick */
}

u8 myc_peer_state(struct myc_peer *peer)
{
	struct myc_path *path;

	list_for_each_entry_rcu(path, &peer->paths, list) {
		if (READ_ONCE(path->enabled) &&
		    READ_ONCE(path->state) != MYC_PATH_DOWN)
			return MYC_PEER_REACHABLE;
	}
	return MYC_PEER_UNREACHABLE;
}

void myc_health_update_peer(struct myc_peer *peer, u8 reason)
{
	u8 state = myc_peer_state(peer);

	if (state == peer->state)
		return;
	peer->state = state;
	myc_event(peer->mn, &(struct myc_event){ .type = MYC_EV_PEER_STATE,
		  .reason = reason, .peer = peer->id, .state = state });
}

void myc_health_set_state(struct myc_peer *peer, struct myc_path *path,
			  u8 state, u8 reason, struct sk_buff_head *q)
{
	u8 old = path->state;

	if (old == state)
		return;
	WRITE_ONCE(path->state, state);
	if (state != MYC_PATH_DOWN)
		path->backoff = 0;
	myc_event(peer->mn, &(struct myc_event){ .type = MYC_EV_PATH_STATE,
		  .reason = reason, .peer = peer->id, .path = path->id,
		  .state = state });
	if (myc_path_good(old) && !myc_path_good(state))
		myc_failover(peer, path, reason, q);
	else if (state == MYC_PATH_UP)
		myc_failover_recovered(peer, path);
	myc_health_update_peer(peer, MYC_EVR_PATHS);
}

static void myc_loss_record(struct myc_path *path, bool lost)
{
	path->loss_hist = (path->loss_hist << 1) | lost;
	if (path->loss_n < 64)
		path->loss_n++;
}

void myc_health_miss(struct myc_peer *peer, struct myc_path *path,
		     u8 reason, struct sk_buff_head *q)
{
	path->good = 0;
	if (path->missed < U8_MAX)
		path->missed++;
	if (path->state == MYC_PATH_DOWN) {
		if (path->backoff < MYC_PROBE_BACKOFF_MAX)
			path->backoff++;
		return;
	}
	myc_health_set_state(peer, path, path->missed >= peer->fail_after ?
			     MYC_PATH_DOWN : MYC_PATH_SUSPECT, reason, q);
}

/* Probes of path sent long enough ago without an answer are missed. */
static void myc_health_judge(struct myc_peer *peer, struct myc_path *path,
			     u64 now, struct sk_buff_head *q)
{
	u64 timeout = max_t(u64, (u64)peer->probe_ms * USEC_PER_MSEC,
			    2ULL * path->rtt.srtt_us);

	while (path->judged_seq < path->probe_seq) {
		u64 seq = path->judged_seq + 1;

		if (path->probe_seq - seq < MYC_PROBE_RING &&
		    now < path->probe_sent_us[seq % MYC_PROBE_RING] + timeout)
			break;
		path->judged_seq = seq;
		myc_loss_record(path, true);
		myc_stat_inc(&path->stats, MYC_STAT_PROBES_LOST);
		myc_stat_inc(&peer->stats, MYC_STAT_PROBES_LOST);
		myc_health_miss(peer, path, MYC_EVR_PROBE_LOST, q);
		if (!READ_ONCE(path->enabled))
			break;
	}
}

/*
 * Time to the path's next probe: the interval, doubled per miss while the
 * path is down, and never less than 1/8 of its RTT, so that a slow path
 * has few probes out at once (less half a millisecond: the tick that is
 * due then is not skipped for a few microseconds of timer slack).
 */
static u64 myc_probe_gap(struct myc_peer *peer, struct myc_path *path)
{
	u64 gap = ((u64)peer->probe_ms << path->backoff) * USEC_PER_MSEC;

	gap = max_t(u64, gap, path->rtt.srtt_us / MYC_PROBE_PER_RTT);
	return gap - USEC_PER_MSEC / 2;
}

struct sk_buff *myc_ctl_skb(struct myc_peer *peer, u8 type,
			    const void *payload, size_t len)
{
	struct myc_hdr h = {
		.version = MYC_WIRE_VERSION,
		.type = type,
		.src_node = READ_ONCE(peer->mn->node_id),
		.dst_node = peer->id,
	};
	struct sk_buff *skb;

	skb = alloc_skb(MYC_XMIT_HEADROOM + MYC_HDR_LEN + len, GFP_ATOMIC);
	if (!skb)
		return NULL;
	skb_reserve(skb, MYC_XMIT_HEADROOM);
	spin_lock_bh(&peer->lock);
	h.pn = peer->tx_pn++;
	spin_unlock_bh(&peer->lock);
	myc_hdr_encode(skb_put(skb, MYC_HDR_LEN), MYC_HDR_LEN, &h);
	skb_put_data(skb, payload, len);
	return skb;
}

static struct sk_buff *myc_probe_skb(struct myc_peer *peer, u8 type,
				     const struct myc_probe *p)
{
	u8 payload[MYC_PROBE_LEN];

	myc_probe_encode(payload, sizeof(payload), p);
	return myc_ctl_skb(peer, type, payload, sizeof(payload));
}

static enum hrtimer_restart myc_health_timer(struct hrtimer *t)
{
	struct myc_peer *peer = container_of(t, struct myc_peer, health_timer);
	struct myc_probe probes[MYC_MAX_PATHS];
	struct myc_path *paths[MYC_MAX_PATHS];
	struct sk_buff_head q;
	struct myc_path *path;
	u64 now, wake, hello_at;
	bool hello;
	int n = 0, i, ask;

	__skb_queue_head_init(&q);
	rcu_read_lock();
	spin_lock_bh(&peer->lock);
	if (peer->dead) {
		spin_unlock_bh(&peer->lock);
		rcu_read_unlock();
		return HRTIMER_NORESTART;
	}
	now = myc_now_us();
	hello_at = myc_hello_tick(peer, now, &hello, &ask);
	list_for_each_entry_rcu(path, &peer->paths, list) {
		if (!path->enabled)
			continue;
		myc_health_judge(peer, path, now, &q);
		if (now < path->next_probe_us || n == MYC_MAX_PATHS)
			continue;
		path->probe_seq++;
		path->probe_sent_us[path->probe_seq % MYC_PROBE_RING] = now;
		path->next_probe_us = now + myc_probe_gap(peer, path);
		probes[n] = (struct myc_probe){ .path_id = path->id,
						.seq = path->probe_seq,
						.timestamp = now };
		paths[n++] = path;
	}
	myc_failover_tick(peer, &q);
	if (!list_empty(&peer->reasm))
		myc_reasm_expire(peer);	/* a silent peer's too */
	spin_unlock_bh(&peer->lock);
	myc_rel_send_rejects(peer);

	if (hello)
		myc_hello_send(peer, false);
	if (ask >= 0)
		myc_auth_ask(peer, ask);
	myc_xmit_queue(peer, &q);
	for (i = 0; i < n; i++) {
		struct sk_buff *skb = myc_probe_skb(peer, MYC_FT_PROBE,
						    &probes[i]);

		if (skb)
			myc_bearer_xmit_probe(peer->mn, paths[i], skb);
	}
	rcu_read_unlock();
	myc_sched_push(peer);

	/*
	 * From the previous expiry, so the phase does not drift; intervals
	 * missed (a stalled CPU) are skipped, not fired in a burst.
	 */
	if (READ_ONCE(peer->dead))
		return HRTIMER_NORESTART;
	hrtimer_forward_now(t, myc_health_interval(peer));
	if (hello_at)
		myc_health_wake(peer, hello_at);
	wake = READ_ONCE(peer->health_wake_us);
	if (wake) {
		if (wake <= now)
			WRITE_ONCE(peer->health_wake_us, 0);	/* done */
		else if (ktime_before(ns_to_ktime(wake * NSEC_PER_USEC),
				      hrtimer_get_expires(t)))
			hrtimer_set_expires(t, ns_to_ktime(wake *
							   NSEC_PER_USEC));
	}
	return HRTIMER_RESTART;
}

/*
 * A probe came in skb: answer it on the way it came, echoing its payload.
 * BH context, under RCU.
 */
void myc_health_rx_probe(struct myc_net *mn, struct myc_peer *peer,
			 struct sk_buff *skb)
{
	struct myc_probe p;
	struct sk_buff *reply;

	if (myc_probe_decode(skb->data + MYC_HDR_LEN, skb->len - MYC_HDR_LEN,
			     &p))
		return;
	reply = myc_probe_skb(peer, MYC_FT_PROBE_REPLY, &p);
	if (reply)
		myc_bearer_reply(mn, peer, skb, reply);
}

/* A probe of ours was answered.  BH context, under RCU. */
void myc_health_rx_reply(struct myc_peer *peer, const u8 *payload,
			 size_t len)
{
	struct sk_buff_head q;
	struct myc_path *path;
	struct myc_probe p;
	u64 now = myc_now_us();

	if (myc_probe_decode(payload, len, &p))
		return;
	__skb_queue_head_init(&q);
	spin_lock_bh(&peer->lock);
	path = myc_path_by_id(peer, p.path_id);
	/*
	 * Ours: a sequence we sent, our own timestamp echoed.  A late answer
	 * to a probe already judged missed still shows the path works, and
	 * times it: that is how a path whose delay grew past the probe
	 * timeout learns its new RTT and comes back.
	 */
	if (!path || !path->enabled || !p.seq || p.seq > path->probe_seq ||
	    p.timestamp > now || now - p.timestamp > MYC_PROBE_RTT_MAX_US)
		goto unlock;
	/* our own record of the send time when we still have it */
	if (path->probe_seq - p.seq < MYC_PROBE_RING)
		p.timestamp = path->probe_sent_us[p.seq % MYC_PROBE_RING];
	myc_rtt_sample(&path->rtt, (u32)(now - p.timestamp), 0);
	while (path->judged_seq < p.seq) {
		path->judged_seq++;
		myc_loss_record(path, false);
	}
	path->missed = 0;
	if (p.timestamp > path->answered_us)
		path->answered_us = p.timestamp;
	if (path->good < U8_MAX)
		path->good++;
	if (path->state != MYC_PATH_DOWN || path->good >= peer->recover_after)
		myc_health_set_state(peer, path, MYC_PATH_UP,
				     MYC_EVR_PROBE_REPLY, &q);
unlock:
	spin_unlock_bh(&peer->lock);
	myc_xmit_queue(peer, &q);
	myc_sched_push(peer);
}

/* Lost probes among the last 64 judged, per mille. */
u32 myc_path_loss(const struct myc_path *path)
{
	u8 n = READ_ONCE(path->loss_n);
	u64 bits = READ_ONCE(path->loss_hist);

	if (!n)
		return 0;
	if (n < 64)
		bits &= (1ULL << n) - 1;
	return hweight64(bits) * 1000 / n;
}
