// SPDX-License-Identifier: GPL-2.0
/*
 * Failover: what happens to traffic when a path it uses stops answering
 * (health.c moves the path from up or unknown to suspect or down, or an
 * admin disables or deletes it).  The policy is the peer's, or the sending
 * socket's (MYC_SO_FAILOVER), kept with every queued chunk and every
 * record of a sent frame:
 *
 *   immediate   frames sent on the path and not yet acknowledged go out
 *               again at once on the path the strategy picks now;
 *   graceful    new frames go on another path at once (path selection
 *               avoids the failed one); those in flight stay until they
 *               are acknowledged or their retransmission timeout sends
 *               them again, on another path;
 *   wait-retry  nothing of that sender moves: new frames wait in the send
 *               queue and frames in flight are not resent, for up to the
 *               retry timeout after the failure; if the path comes back
 *               first, traffic continues on it, else it moves as immediate.
 *
 * Nothing is lost or duplicated: a resent frame carries the same message
 * numbers, and the receiver delivers each message once (seqwin.c).
 *
 * A failover event tells which path traffic left for which, under the
 * peer's policy and why (moves under a socket's own policy are not told
 * apart); a wait-retry failover is told when the peer's retry timeout ends
 * without the path back.
 *
 * The hold is per peer: peer->hold_us is when a used path failed,
 * peer->hold_path which one.  Each held chunk or record compares its own
 * retry timeout with it and extends peer->hold_end_us; the health timer is
 * woken then and ends the hold.  The path coming back ends it at once, for
 * every socket.  A second failover during a hold restarts it.
 *
 * Locking: everything under peer->lock and RCU (health.c's callers).
 */
#include "myc.h"

/* Traffic of the peer's policy leaves from for to: count and tell. */
static void myc_failover_tell(struct myc_peer *peer, struct myc_path *from,
			      struct myc_path *to, u8 reason)
{
	myc_stat_inc(&peer->stats, MYC_STAT_FAILOVERS);
	if (from)
		myc_stat_inc(&from->stats, MYC_STAT_FAILOVERS);
	myc_event(peer->mn, &(struct myc_event){
		  .type = MYC_EV_FAILOVER, .reason = reason, .peer = peer->id,
		  .path = from ? from->id : peer->hold_path,
		  .to_path = to ? to->id : 0, .policy = peer->failover });
}

void myc_failover(struct myc_peer *peer, struct myc_path *path, u8 reason,
		  struct sk_buff_head *q)
{
	struct myc_path *to;

	/* only traffic that used the path moves */
	if (path != peer->last_path && !path->in_flight)
		return;
	to = myc_path_pick(peer, MYC_CLASS_HEALTH, false);
	if (!to || to == path ||
	    myc_path_tier(to->state) >= myc_path_tier(path->state))
		return;		/* nowhere better to go */

	peer->hold_us = myc_now_us();
	peer->hold_end_us = peer->hold_us +
			    (u64)peer->retry_ms * USEC_PER_MSEC;
	peer->hold_path = path->id;
	peer->hold_told = peer->failover != MYC_FAILOVER_WAIT_RETRY;
	myc_health_wake(peer, peer->hold_end_us);
	if (peer->failover != MYC_FAILOVER_WAIT_RETRY)
		myc_failover_tell(peer, path, to, reason);
	myc_rel_move(peer, path, peer->failover, q);
}

void myc_failover_recovered(struct myc_peer *peer, struct myc_path *path)
{
	if (peer->hold_path == path->id) {
		peer->hold_us = 0;
		peer->hold_end_us = 0;
		peer->hold_path = 0;
		/* the timer waited for the hold: what was lost goes again */
		myc_rel_arm(peer);
	}
}

bool myc_failover_held(struct myc_peer *peer, u8 policy, u32 retry_ms,
		       u64 now)
{
	u64 end;

	if (!peer->hold_us ||
	    (policy ?: peer->failover) != MYC_FAILOVER_WAIT_RETRY)
		return false;
	end = peer->hold_us + (u64)(retry_ms ?: peer->retry_ms) * USEC_PER_MSEC;
	if (end > peer->hold_end_us) {
		peer->hold_end_us = end;	/* the hold lasts that long */
		myc_health_wake(peer, end);	/* and ends on time */
	}
	return now < end;
}

void myc_failover_tick(struct myc_peer *peer, struct sk_buff_head *q)
{
	u64 now = myc_now_us();

	if (!peer->hold_us)
		return;
	myc_rel_release(peer, now, q);
	if (!peer->hold_told &&
	    now >= peer->hold_us + (u64)peer->retry_ms * USEC_PER_MSEC) {
		if (peer->failover == MYC_FAILOVER_WAIT_RETRY)
			myc_failover_tell(peer,
					  myc_path_by_id(peer, peer->hold_path),
					  myc_path_pick(peer, MYC_CLASS_HEALTH,
							false),
					  MYC_EVR_RETRY_TIMEOUT);
		peer->hold_told = true;
	}
	if (now >= peer->hold_end_us) {
		peer->hold_us = 0;	/* every hold ended */
		peer->hold_end_us = 0;
		peer->hold_path = 0;
	}
}
