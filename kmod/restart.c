// SPDX-License-Identifier: GPL-2.0
/*
 * A peer that restarts: the pair starts afresh.
 *
 * Every peer object of a node has a random instance (peer->instance), sent
 * in its HELLOs.  A node that restarts (reboot, module reload, namespace
 * made again, peer deleted and added) makes new peer objects: new
 * instances, whose packet numbers and message sequences start at 1 again,
 * and which know nothing of what the old ones received.  peer->sess_inst is
 * the instance of the peer that the pair's state belongs to (0 until one is
 * known); when another instance takes over, the pair restarts:
 *
 *   insecure pair     a HELLO with another instance (hello.c).  Nothing
 *                     authenticates a HELLO, as nothing authenticates the
 *                     data of such a pair.
 *   pair with keys    only the keys of a new session whose handshake bound
 *                     a HELLO of another instance (AUTH_SET, auth.c; the
 *                     daemons sign both HELLOs into the handshake), just
 *                     before they are installed.  A forged HELLO only
 *                     starts a handshake, which fails; the pair goes on.
 *
 * Restarting (under peer->lock, any context):
 *   - what we received: the replay window, both message sequence windows,
 *     partial messages, the reorder queue, the ACK owed and the REJECTs
 *     waiting are dropped (all of them belonged to the old instance);
 *   - what we send: message sequences start at 1 again; packet numbers go
 *     on (they are the AEAD nonces), and the old receive keys are wiped
 *     (crypto.c) so that no frame of the old instance can be replayed into
 *     the fresh window;
 *   - messages sent to the old instance and not acknowledged, and those
 *     queued with a number already, come back on their senders' error
 *     queues with ECONNRESET: whether the old instance delivered them is
 *     unknown, so they are neither lost silently nor sent twice;
 *   - connections to the peer's node are reset (ECONNRESET), as a TCP
 *     peer that restarted answers with a RST.
 * The failed records and the connections are handled by the caller once
 * peer->lock is dropped (myc_peer_restart_done()).
 */
#include <linux/skbuff.h>

#include "myc.h"

void myc_peer_restart_locked(struct myc_peer *peer, u32 inst,
			     struct list_head *failed)
{
	int i;

	lockdep_assert_held(&peer->lock);

	peer->sess_inst = inst;
	myc_pnwin_init(&peer->rx_pnwin);
	for (i = 0; i < __MYC_GUARANTEE_CNT; i++)
		peer->tx_msn[i] = 1;
	myc_reasm_purge(peer);
	myc_rel_restart(peer, failed);
	myc_stat_inc(&peer->stats, MYC_STAT_RESTARTS);
}

void myc_peer_restart_done(struct myc_peer *peer, struct list_head *failed)
{
	struct myc_net *mn = peer->mn;

	myc_rel_fail_restart(peer, failed);
	myc_conn_peer_reset(mn, peer->id);
	myc_event(mn, &(struct myc_event){ .type = MYC_EV_PEER_RESTART,
		  .reason = MYC_EVR_INSTANCE, .peer = peer->id });
}
