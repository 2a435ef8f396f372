// SPDX-License-Identifier: GPL-2.0
/*
 * Capabilities and profiles: the HELLO exchange, the effective profile of
 * each peer and its authentication state.
 *
 * A new peer is in MYC_AUTH_HELLO: we send our HELLO (our profile table
 * entry for (our type, the peer's type) and the levels we offer) on each
 * enabled path, again with backoff until the peer's HELLO comes; a HELLO
 * that is not a reply is answered.  From the two HELLOs,
 * myc_prof_negotiate() gives the profile both ends use (profile.h).  Then:
 *
 *   encryption none      MYC_AUTH_NONE: frames go in clear (both insecure)
 *   no common level      MYC_AUTH_FAILED: nothing but HELLOs goes
 *   otherwise            keys are needed: myceliumd is asked (auth.c);
 *                        MYC_AUTH_PENDING, or MYC_AUTH_NO_DAEMON while none
 *                        is registered, until it installs keys (MYC_AUTH_OK)
 *                        or refuses the peer (MYC_AUTH_FAILED)
 *
 * An adaptive pair whose peer has not answered MYC_HELLO_TRIES HELLOs falls
 * back to minimal (and asks for keys); a HELLO that comes later is
 * negotiated as usual.
 *
 * HELLOs travel in clear and unauthenticated.  Until keys are in, the last
 * one decides.  Once keys are in, a HELLO that differs from the one the
 * keys were made with does not change the profile: the daemon is asked for
 * a new session (it binds both HELLOs into the handshake, which fails if an
 * attacker forged one), and the profile is recomputed when its keys are
 * installed.
 *
 * A peer is "ready" (frames other than HELLO, HANDSHAKE and probes may be
 * sent) in MYC_AUTH_NONE, and in MYC_AUTH_OK while it has a key to send
 * with.  Until then the send queue holds data; paths are probed in clear
 * (crypto.c), so that their states are known when keys come.
 *
 * Locking: the state is under peer->lock; frames are sent and myceliumd
 * asked after it is dropped.  The node's table and settings are written
 * under mn->lock and read here field by field with READ_ONCE: a HELLO built
 * during a change may mix old and new values, and the change sends new
 * HELLOs to every peer once done.
 */
#include "myc.h"

#define MYC_HELLO_FIRST_US	(50 * USEC_PER_MSEC)
#define MYC_HELLO_TRIES		5	/* unanswered: adaptive falls back */

void myc_policy_init(struct myc_net *mn)
{
	myc_prof_defaults(mn->policy);
	mn->insecure = false;
	mn->enc_caps = MYC_ENC_CAPS_ALL;
	mn->comp_caps = MYC_COMP_CAPS_ALL;
	mn->rekey_s = MYC_DEFAULT_REKEY_TIME_S;
	mn->rekey_frames = MYC_DEFAULT_REKEY_FRAMES;
	mn->session_s = MYC_DEFAULT_SESSION_TIME_S;
}

void myc_hello_local(struct myc_peer *peer, struct myc_hello *h, bool reply)
{
	struct myc_net *mn = peer->mn;
	u8 lt = READ_ONCE(mn->node_type), rt = READ_ONCE(peer->type);
	struct myc_prof_entry e = {
		.profile = READ_ONCE(mn->policy[lt][rt].profile),
		.enc = READ_ONCE(mn->policy[lt][rt].enc),
		.comp = READ_ONCE(mn->policy[lt][rt].comp),
		.rel = READ_ONCE(mn->policy[lt][rt].rel),
	};

	myc_prof_hello(h, &e, lt, READ_ONCE(mn->enc_caps),
		       READ_ONCE(mn->comp_caps), READ_ONCE(mn->insecure),
		       MYC_WIRE_MAX + sizeof(struct ipv6hdr) +
		       sizeof(struct udphdr), MYC_MAX_MSG_SIZE);
	h->instance = peer->instance;
	if (reply)
		h->flags |= MYC_HELLO_REPLY;
}

void myc_hello_answer(struct myc_net *mn, struct myc_peer *peer,
		      const struct sk_buff *skb, bool reply_flag)
{
	u8 payload[MYC_HELLO_LEN];
	struct sk_buff *reply;
	struct myc_hello h;

	myc_hello_local(peer, &h, reply_flag);
	if (myc_hello_encode(payload, sizeof(payload), &h) != MYC_HELLO_LEN)
		return;
	reply = myc_ctl_skb(peer, MYC_FT_HELLO, payload, sizeof(payload));
	if (reply)
		myc_bearer_reply(mn, peer, skb, reply);
}

/* Send our HELLO on every enabled path (no lock held). */
void myc_hello_send(struct myc_peer *peer, bool reply)
{
	u8 payload[MYC_HELLO_LEN];
	struct myc_path *path;
	struct myc_hello h;

	myc_hello_local(peer, &h, reply);
	if (myc_hello_encode(payload, sizeof(payload), &h) != MYC_HELLO_LEN)
		return;
	rcu_read_lock();
	list_for_each_entry_rcu(path, &peer->paths, list) {
		struct sk_buff *skb;

		if (!READ_ONCE(path->enabled))
			continue;
		skb = myc_ctl_skb(peer, MYC_FT_HELLO, payload, sizeof(payload));
		if (skb)
			myc_bearer_xmit(peer->mn, path, skb);
	}
	rcu_read_unlock();
}

bool myc_peer_auth_locked(struct myc_peer *peer, u8 auth)
{
	bool ready = auth == MYC_AUTH_NONE ||
		     (auth == MYC_AUTH_OK && myc_keys_tx_ok(peer));
	bool was = peer->ready;

	WRITE_ONCE(peer->auth, auth);
	WRITE_ONCE(peer->ready, ready);
	return ready && !was;
}

/* What became ready may send: queued data, and probes at once. */
void myc_peer_now_ready(struct myc_peer *peer)
{
	myc_sched_push(peer);
	myc_health_wake(peer, myc_now_us());
	myc_spore_peer_ready(peer);
}

void myc_peer_set_auth(struct myc_peer *peer, u8 auth)
{
	bool now_ready;

	spin_lock_bh(&peer->lock);
	now_ready = myc_peer_auth_locked(peer, auth);
	spin_unlock_bh(&peer->lock);
	if (now_ready)
		myc_peer_now_ready(peer);
}

/*
 * The profile is known (peer->lock held): decide the state.  Returns the
 * reason to ask myceliumd for keys with, or -1.
 */
static int myc_hello_decide(struct myc_peer *peer, bool *now_ready)
{
	u8 auth;

	if (peer->prof.refused) {
		auth = MYC_AUTH_FAILED;
	} else if (peer->prof.enc == MYC_ENC_NONE) {
		myc_keys_clear(peer);
		auth = MYC_AUTH_NONE;
	} else if (myc_keys_tx_ok(peer)) {
		auth = MYC_AUTH_OK;
	} else {
		auth = myc_auth_waiting(peer->mn);
	}
	*now_ready = myc_peer_auth_locked(peer, auth);
	if (auth != MYC_AUTH_PENDING)
		return -1;
	peer->next_ask_us = myc_now_us() + MYC_ASK_AGAIN_US;
	return MYC_AUTHR_NEW;
}

void myc_hello_start(struct myc_peer *peer)
{
	spin_lock_bh(&peer->lock);
	/* never answered, not keyed: the settings that fell back changed */
	if (!peer->have_hello && peer->auth != MYC_AUTH_OK) {
		myc_peer_auth_locked(peer, MYC_AUTH_HELLO);
		memset(&peer->prof, 0, sizeof(peer->prof));
	}
	peer->hello_tries = 0;
	peer->next_hello_us = myc_now_us() + MYC_HELLO_FIRST_US;
	spin_unlock_bh(&peer->lock);
	myc_hello_send(peer, false);
	myc_health_wake(peer, peer->next_hello_us);
}

void myc_hello_all(struct myc_net *mn)
{
	struct myc_peer *peer;
	int bkt;

	lockdep_assert_held(&mn->lock);
	hash_for_each(mn->peers, bkt, peer, hnode)
		myc_hello_start(peer);
}

void myc_hello_rx(struct myc_net *mn, struct myc_peer *peer,
		  struct sk_buff *skb)
{
	struct myc_hello local, remote;
	bool now_ready = false, restarted = false, answer;
	u8 comp = MYC_COMP_NONE;
	LIST_HEAD(failed);
	int ask = -1;

	if (myc_hello_decode(skb->data + MYC_HDR_LEN, skb->len - MYC_HDR_LEN,
			     &remote))
		return;		/* validated before: cannot happen */
	answer = !(remote.flags & MYC_HELLO_REPLY);

	myc_hello_local(peer, &local, false);
	spin_lock_bh(&peer->lock);
	if (peer->dead)
		goto unlock;
	remote.flags &= ~MYC_HELLO_REPLY;
	if (peer->have_hello && peer->auth != MYC_AUTH_HELLO &&
	    !memcmp(&remote, &peer->rhello, sizeof(remote)) &&
	    !memcmp(&local, &peer->lhello, sizeof(local)))
		goto unlock;	/* nothing new */
	peer->rhello = remote;
	peer->have_hello = true;
	peer->next_hello_us = 0;
	if (peer->auth == MYC_AUTH_OK) {
		/*
		 * Keys were made with the old HELLO: a new session first.
		 * Unauthenticated, this HELLO changes nothing else (a peer
		 * that restarted is restarted with the session's keys), and
		 * asks at most once per MYC_ASK_AGAIN_US (the health tick
		 * asks again while it differs from the session's).
		 */
		if (myc_now_us() >= peer->next_ask_us) {
			peer->next_ask_us = myc_now_us() + MYC_ASK_AGAIN_US;
			ask = MYC_AUTHR_NEW;
		}
		goto unlock;
	}
	peer->lhello = local;
	myc_prof_negotiate(&local, &remote, &peer->prof);
	ask = myc_hello_decide(peer, &now_ready);
	comp = peer->prof.comp;
	/* an insecure pair restarts on the HELLO of a new instance */
	if (peer->auth == MYC_AUTH_NONE && peer->sess_inst != remote.instance) {
		restarted = peer->sess_inst != 0;
		if (restarted)
			myc_peer_restart_locked(peer, remote.instance, &failed);
		peer->sess_inst = remote.instance;
	}
unlock:
	spin_unlock_bh(&peer->lock);
	if (restarted)
		myc_peer_restart_done(peer, &failed);
	/* after a restart: the peer may send as soon as it has our answer */
	if (answer)
		myc_hello_answer(mn, peer, skb, true);
	myc_comp_want(comp);	/* its workspaces, before the first frame */
	if (ask >= 0)
		myc_auth_ask(peer, ask);
	if (now_ready)
		myc_peer_now_ready(peer);
}

/*
 * Keys were installed (peer->lock held): the profile comes from the HELLOs
 * the session was made with.
 */
bool myc_hello_keyed(struct myc_peer *peer)
{
	struct myc_hello local;
	bool now_ready = false;

	if (peer->have_hello) {
		myc_hello_local(peer, &local, false);
		peer->lhello = local;
		peer->sess_rhello = peer->rhello;
		myc_prof_negotiate(&local, &peer->rhello, &peer->prof);
		myc_comp_want(peer->prof.comp);
	}
	if (!peer->prof.refused && peer->prof.enc != MYC_ENC_NONE)
		now_ready = myc_peer_auth_locked(peer, MYC_AUTH_OK);
	return now_ready;
}

u64 myc_hello_tick(struct myc_peer *peer, u64 now, bool *send_hello,
		   int *ask)
{
	struct myc_hello local;
	bool now_ready = false;	/* never: minimal needs keys */
	u64 gap, wake = 0;

	*send_hello = false;
	*ask = -1;
	if (peer->next_hello_us && now >= peer->next_hello_us) {
		*send_hello = true;
		if (peer->hello_tries < 16)
			peer->hello_tries++;
		gap = MYC_HELLO_FIRST_US << min_t(u8, peer->hello_tries, 10);
		gap = min_t(u64, gap, READ_ONCE(peer->probe_ms) *
					  USEC_PER_MSEC);
		peer->next_hello_us = now + max_t(u64, gap, MYC_HELLO_FIRST_US);
		if (peer->hello_tries == MYC_HELLO_TRIES &&
		    peer->auth == MYC_AUTH_HELLO) {
			myc_hello_local(peer, &local, false);
			if (myc_prof_fallback(&local, &peer->prof))
				*ask = myc_hello_decide(peer, &now_ready);
		}
	}
	if (peer->next_hello_us)
		wake = peer->next_hello_us;

	switch (peer->auth) {
	case MYC_AUTH_PENDING:
	case MYC_AUTH_FAILED:
		/* a refused pair has no level in common: nothing to ask */
		if (!peer->prof.refused && now >= peer->next_ask_us) {
			peer->next_ask_us = now + (peer->auth == MYC_AUTH_FAILED ?
				MYC_FAILED_ASK_US : MYC_ASK_AGAIN_US);
			*ask = MYC_AUTHR_RETRY;
		}
		break;
	case MYC_AUTH_OK:
		if (!peer->ready && now >= peer->next_ask_us) {
			/* keys that no frame confirmed: the handshake broke */
			peer->next_ask_us = now + MYC_ASK_AGAIN_US;
			*ask = MYC_AUTHR_RETRY;
			break;
		}
		if (peer->have_hello && now >= peer->next_ask_us &&
		    memcmp(&peer->rhello, &peer->sess_rhello,
			   sizeof(peer->rhello))) {
			/*
			 * A HELLO unlike the session's came (a new instance,
			 * or forged) and no session was made with it yet:
			 * ask again, and say HELLO, so that the peer's own
			 * current HELLO replaces a forged one.
			 */
			peer->next_ask_us = now + MYC_ASK_AGAIN_US;
			*ask = MYC_AUTHR_RETRY;
			*send_hello = true;
			break;
		}
		switch (myc_keys_tick(peer, now)) {
		case MYC_REKEY_EXPIRED:
			myc_keys_clear(peer);
			myc_peer_auth_locked(peer, myc_auth_waiting(peer->mn));
			peer->next_ask_us = now + MYC_ASK_AGAIN_US;
			*ask = MYC_AUTHR_NEW;
			break;
		case MYC_REKEY_DUE:
			if (now >= peer->next_ask_us) {
				peer->next_ask_us = now + MYC_ASK_AGAIN_US;
				*ask = MYC_AUTHR_REKEY;
			}
			break;
		default:
			break;
		}
		break;
	default:
		break;
	}
	return wake;
}
