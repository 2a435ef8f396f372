// SPDX-License-Identifier: GPL-2.0
/*
 * The link to myceliumd: registration, requests for keys, handshake frames
 * and key installation (SPEC section 8).
 *
 * One daemon per netns registers (DAEMON_REGISTER, CAP_NET_ADMIN); its
 * generic netlink socket's port id is kept in mn->daemon_portid until the
 * socket closes (a netlink notifier sees NETLINK_URELEASE), as nl80211 does
 * for its owner sockets.  Only that socket may send handshake messages and
 * install keys.
 *
 * The kernel asks for keys with AUTH_NTF, unicast to the daemon: the peer,
 * the type it is configured as, the effective encryption and both HELLOs
 * (the daemons bind them into the handshake, so that a forged HELLO makes
 * it fail).  The daemons run their handshake through HANDSHAKE frames: the
 * daemon gives a message to HANDSHAKE_SEND, the peer's kernel hands it to
 * its daemon as HANDSHAKE_NTF.  AUTH_SET ends it: keys (crypto.c) or a
 * refusal.  Without a daemon, peers that need keys wait in
 * MYC_AUTH_NO_DAEMON and are asked for as soon as one registers.
 *
 * Handshake frames go on the peer's paths in turn, one per message, so a
 * daemon's retries try every path; once the peer is ready they follow the
 * path selection like everything else.
 *
 * Locking: daemon_portid is written under mn->lock, read with READ_ONCE;
 * a request may race with the daemon going away and is then lost, which
 * the daemon's successor makes good by asking the peers' states (every
 * peer waiting for keys is asked for again at registration).
 */
#include <linux/notifier.h>
#include <net/genetlink.h>
#include <net/netlink.h>

#include "myc.h"

#define MYC_AUTH_MSG_SIZE	(NLMSG_GOODSIZE)

const struct nla_policy myc_auth_policy[MYC_A_AUTH_MAX + 1] = {
	[MYC_A_AUTH_PEER] = { .type = NLA_U64 },
	[MYC_A_AUTH_PEER_TYPE] = { .type = NLA_REJECT,
				   .reject_message = "attribute is read-only" },
	[MYC_A_AUTH_REASON] = { .type = NLA_REJECT,
				.reject_message = "attribute is read-only" },
	[MYC_A_AUTH_ENCRYPTION] = { .type = NLA_REJECT,
				    .reject_message = "attribute is read-only" },
	[MYC_A_AUTH_LOCAL_HELLO] = { .type = NLA_REJECT,
				     .reject_message = "attribute is read-only" },
	[MYC_A_AUTH_REMOTE_HELLO] = NLA_POLICY_EXACT_LEN(MYC_HELLO_LEN),
	[MYC_A_AUTH_DATA] = NLA_POLICY_RANGE(NLA_BINARY, 1,
					     MYC_MAX_HANDSHAKE_LEN),
	[MYC_A_AUTH_STATE] = NLA_POLICY_RANGE(NLA_U8, MYC_AUTH_OK,
					      MYC_AUTH_FAILED),
	[MYC_A_AUTH_TX_KEY] = NLA_POLICY_EXACT_LEN(MYC_KEY_LEN),
	[MYC_A_AUTH_RX_KEY] = NLA_POLICY_EXACT_LEN(MYC_KEY_LEN),
	[MYC_A_AUTH_PHASE] = NLA_POLICY_MAX(NLA_U8, 1),
	[MYC_A_AUTH_CONFIRM] = NLA_POLICY_MAX(NLA_U8, 1),
};

#define MYC_AUTH_NONE_EXPECTED { .type = NLA_REJECT, \
	.reject_message = "daemon-register takes no attributes" }

/* DAEMON_REGISTER names nothing: every attribute is refused. */
const struct nla_policy myc_register_policy[MYC_A_AUTH_MAX + 1] = {
	[MYC_A_AUTH_PEER] = MYC_AUTH_NONE_EXPECTED,
	[MYC_A_AUTH_PEER_TYPE] = MYC_AUTH_NONE_EXPECTED,
	[MYC_A_AUTH_REASON] = MYC_AUTH_NONE_EXPECTED,
	[MYC_A_AUTH_ENCRYPTION] = MYC_AUTH_NONE_EXPECTED,
	[MYC_A_AUTH_LOCAL_HELLO] = MYC_AUTH_NONE_EXPECTED,
	[MYC_A_AUTH_REMOTE_HELLO] = MYC_AUTH_NONE_EXPECTED,
	[MYC_A_AUTH_DATA] = MYC_AUTH_NONE_EXPECTED,
	[MYC_A_AUTH_STATE] = MYC_AUTH_NONE_EXPECTED,
	[MYC_A_AUTH_TX_KEY] = MYC_AUTH_NONE_EXPECTED,
	[MYC_A_AUTH_RX_KEY] = MYC_AUTH_NONE_EXPECTED,
	[MYC_A_AUTH_PHASE] = MYC_AUTH_NONE_EXPECTED,
	[MYC_A_AUTH_CONFIRM] = MYC_AUTH_NONE_EXPECTED,
	[MYC_A_AUTH_PAD] = MYC_AUTH_NONE_EXPECTED,
};

static int myc_auth_put_hello(struct sk_buff *msg, int type,
			      const struct myc_hello *h)
{
	u8 buf[MYC_HELLO_LEN];

	if (myc_hello_encode(buf, sizeof(buf), h) != MYC_HELLO_LEN)
		return -EINVAL;
	return nla_put(msg, type, sizeof(buf), buf);
}

/* A message for the daemon of mn (GFP_ATOMIC), or NULL. */
static struct sk_buff *myc_auth_msg(struct myc_peer *peer, u8 cmd,
				    void **hdr)
{
	struct sk_buff *msg = genlmsg_new(MYC_AUTH_MSG_SIZE, GFP_ATOMIC);

	if (!msg)
		return NULL;
	*hdr = genlmsg_put(msg, 0, 0, &myc_genl_family, 0, cmd);
	if (!*hdr ||
	    nla_put_u64_64bit(msg, MYC_A_AUTH_PEER, peer->id, MYC_A_AUTH_PAD) ||
	    nla_put_u8(msg, MYC_A_AUTH_PEER_TYPE, READ_ONCE(peer->type))) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

static void myc_auth_unicast(struct myc_net *mn, struct sk_buff *msg,
			     void *hdr)
{
	u32 portid = READ_ONCE(mn->daemon_portid);

	genlmsg_end(msg, hdr);
	if (!portid || READ_ONCE(myc_genl_gone)) {
		nlmsg_free(msg);
		return;
	}
	genlmsg_unicast(mn->net, msg, portid);
}

/*
 * What the daemon needs to know of the pair in every message: the
 * effective encryption, both HELLOs (to bind them into the handshake) and
 * the phase of the newest keys (a new session takes the other one).
 */
static int myc_auth_put_pair(struct sk_buff *msg, struct myc_peer *peer)
{
	struct myc_hello local, remote;
	bool have, keyed;
	u8 enc, phase;

	myc_hello_local(peer, &local, false);
	spin_lock_bh(&peer->lock);
	have = peer->have_hello;
	remote = peer->rhello;
	enc = peer->prof.enc;
	keyed = myc_keys_newest_phase(peer, &phase);
	spin_unlock_bh(&peer->lock);
	if (nla_put_u8(msg, MYC_A_AUTH_ENCRYPTION, enc) ||
	    myc_auth_put_hello(msg, MYC_A_AUTH_LOCAL_HELLO, &local) ||
	    (have && myc_auth_put_hello(msg, MYC_A_AUTH_REMOTE_HELLO,
					&remote)) ||
	    (keyed && nla_put_u8(msg, MYC_A_AUTH_PHASE, phase)))
		return -EMSGSIZE;
	return 0;
}

void myc_auth_ask(struct myc_peer *peer, u8 reason)
{
	struct sk_buff *msg;
	void *hdr;

	if (!READ_ONCE(peer->mn->daemon_portid))
		return;
	msg = myc_auth_msg(peer, MYC_CMD_AUTH_NTF, &hdr);
	if (!msg)
		return;
	if (nla_put_u8(msg, MYC_A_AUTH_REASON, reason) ||
	    myc_auth_put_pair(msg, peer)) {
		nlmsg_free(msg);
		return;
	}
	myc_auth_unicast(peer->mn, msg, hdr);
}

void myc_auth_rx_handshake(struct myc_net *mn, struct myc_peer *peer,
			   const u8 *data, size_t len)
{
	struct sk_buff *msg;
	void *hdr;

	if (!READ_ONCE(mn->daemon_portid) || len > MYC_MAX_HANDSHAKE_LEN) {
		myc_stat_inc(&peer->stats, MYC_STAT_RX_DROP);
		return;
	}
	msg = myc_auth_msg(peer, MYC_CMD_HANDSHAKE_NTF, &hdr);
	if (!msg)
		return;
	if (nla_put(msg, MYC_A_AUTH_DATA, len, data) ||
	    myc_auth_put_pair(msg, peer)) {
		nlmsg_free(msg);
		return;
	}
	myc_auth_unicast(mn, msg, hdr);
}

bool myc_is_daemon(struct myc_net *mn, struct genl_info *info)
{
	u32 portid = READ_ONCE(mn->daemon_portid);

	if (portid && portid == info->snd_portid)
		return true;
	if (portid)
		NL_SET_ERR_MSG(info->extack,
			       "only the registered myceliumd may do this");
	else
		NL_SET_ERR_MSG(info->extack,
			       "no myceliumd is registered (DAEMON_REGISTER first)");
	return false;
}

static struct myc_peer *myc_auth_peer(struct myc_net *mn,
				      struct genl_info *info)
{
	struct myc_peer *peer;

	if (!info->attrs[MYC_A_AUTH_PEER]) {
		NL_SET_ERR_MSG(info->extack, "peer id missing");
		return ERR_PTR(-EINVAL);
	}
	peer = myc_peer_lookup(mn, nla_get_u64(info->attrs[MYC_A_AUTH_PEER]));
	if (!peer) {
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[MYC_A_AUTH_PEER],
				    "no such peer");
		return ERR_PTR(-ENOENT);
	}
	return peer;
}

/* Ask for every peer waiting for keys (a daemon came); mn->lock held. */
static void myc_auth_ask_all(struct myc_net *mn, bool daemon)
{
	struct myc_peer *peer;
	int bkt;

	hash_for_each(mn->peers, bkt, peer, hnode) {
		u8 auth = READ_ONCE(peer->auth);

		if (daemon && (auth == MYC_AUTH_NO_DAEMON ||
			       auth == MYC_AUTH_PENDING)) {
			myc_peer_set_auth(peer, MYC_AUTH_PENDING);
			myc_auth_ask(peer, MYC_AUTHR_NEW);
		} else if (!daemon && auth == MYC_AUTH_PENDING) {
			myc_peer_set_auth(peer, MYC_AUTH_NO_DAEMON);
		}
	}
}

int myc_nl_daemon_register(struct sk_buff *skb, struct genl_info *info)
{
	struct myc_net *mn = myc_net(genl_info_net(info));
	int err = 0;

	mutex_lock(&mn->lock);
	if (mn->daemon_portid && mn->daemon_portid != info->snd_portid) {
		NL_SET_ERR_MSG(info->extack,
			       "another myceliumd is registered in this netns");
		err = -EBUSY;
	} else {
		/* a node with a daemon takes contacts, even with no peer */
		if (!myc_bearer_is_open(mn))
			err = myc_bearer_open(mn, mn->udp_port);
		if (err) {
			NL_SET_ERR_MSG(info->extack,
				       "cannot open the node's UDP port (in use?)");
		} else {
			WRITE_ONCE(mn->daemon_portid, info->snd_portid);
			myc_auth_ask_all(mn, true);
		}
	}
	mutex_unlock(&mn->lock);
	if (!err)
		myc_genl_node_notify(mn);
	return err;
}

static int myc_auth_notify(struct notifier_block *nb, unsigned long state,
			   void *data)
{
	struct netlink_notify *n = data;
	struct myc_net *mn;

	if (state != NETLINK_URELEASE || n->protocol != NETLINK_GENERIC ||
	    !n->portid)
		return NOTIFY_DONE;
	mn = myc_net(n->net);
	if (READ_ONCE(mn->daemon_portid) != n->portid)
		return NOTIFY_DONE;
	mutex_lock(&mn->lock);
	if (mn->daemon_portid == n->portid) {
		WRITE_ONCE(mn->daemon_portid, 0);
		myc_auth_ask_all(mn, false);
	}
	mutex_unlock(&mn->lock);
	myc_genl_node_notify(mn);
	return NOTIFY_OK;
}

static struct notifier_block myc_auth_nb = {
	.notifier_call = myc_auth_notify,
};

void myc_auth_init(void)
{
	netlink_register_notifier(&myc_auth_nb);
}

void myc_auth_exit(void)
{
	netlink_unregister_notifier(&myc_auth_nb);
}

/* The path for the next handshake message: in turn until the peer is up. */
static struct myc_path *myc_auth_path(struct myc_peer *peer)
{
	struct myc_path *path, *first = NULL, *pick = NULL;
	u32 after;

	if (myc_peer_ready(peer)) {
		spin_lock_bh(&peer->lock);
		pick = myc_path_pick(peer, MYC_CLASS_CONSENSUS, false);
		spin_unlock_bh(&peer->lock);
		return pick;
	}
	after = READ_ONCE(peer->hs_path);
	list_for_each_entry_rcu(path, &peer->paths, list) {
		if (!READ_ONCE(path->enabled))
			continue;
		first = first ?: path;
		if (!pick && path->id > after)
			pick = path;
	}
	pick = pick ?: first;
	if (pick)
		WRITE_ONCE(peer->hs_path, pick->id);
	return pick;
}

int myc_nl_handshake_send(struct sk_buff *skb, struct genl_info *info)
{
	struct myc_net *mn = myc_net(genl_info_net(info));
	struct nlattr *data = info->attrs[MYC_A_AUTH_DATA];
	struct myc_peer *peer;
	struct myc_path *path;
	struct sk_buff *frame;
	int err = 0;

	if (!myc_is_daemon(mn, info))
		return -EPERM;
	if (!data) {
		NL_SET_ERR_MSG(info->extack, "handshake data missing");
		return -EINVAL;
	}
	peer = myc_auth_peer(mn, info);
	if (IS_ERR(peer))
		return PTR_ERR(peer);
	rcu_read_lock();
	path = myc_auth_path(peer);
	if (!path) {
		NL_SET_ERR_MSG(info->extack, "the peer has no enabled path");
		err = -ENETUNREACH;
		goto out;
	}
	frame = myc_ctl_skb(peer, MYC_FT_HANDSHAKE, nla_data(data),
			    nla_len(data));
	if (!frame) {
		err = -ENOMEM;
		goto out;
	}
	err = myc_bearer_xmit(mn, path, frame);
	if (err)
		NL_SET_ERR_MSG(info->extack, "the frame could not be sent");
out:
	rcu_read_unlock();
	myc_peer_put(peer);
	return err;
}

/* Is attribute a the HELLO the peer sent last (peer->lock held)? */
static bool myc_auth_hello_is(struct myc_peer *peer, const struct nlattr *a)
{
	struct myc_hello h;

	if (!peer->have_hello || myc_hello_decode(nla_data(a), nla_len(a), &h))
		return false;
	h.flags &= ~MYC_HELLO_REPLY;
	return !memcmp(&h, &peer->rhello, sizeof(h));
}

int myc_nl_auth_set(struct sk_buff *skb, struct genl_info *info)
{
	struct myc_net *mn = myc_net(genl_info_net(info));
	struct nlattr **attrs = info->attrs;
	struct myc_key_cfg k = {};
	bool now_ready = false, restarted = false;
	struct myc_peer *peer;
	LIST_HEAD(failed);
	int err = 0;
	u8 state;

	if (!myc_is_daemon(mn, info))
		return -EPERM;
	if (!attrs[MYC_A_AUTH_STATE]) {
		NL_SET_ERR_MSG(info->extack, "state missing (ok or failed)");
		return -EINVAL;
	}
	state = nla_get_u8(attrs[MYC_A_AUTH_STATE]);
	if (state == MYC_AUTH_OK) {
		if (!attrs[MYC_A_AUTH_TX_KEY] || !attrs[MYC_A_AUTH_RX_KEY] ||
		    !attrs[MYC_A_AUTH_PHASE]) {
			NL_SET_ERR_MSG(info->extack,
				       "keys need tx-key, rx-key and phase");
			return -EINVAL;
		}
		nla_memcpy(k.tx, attrs[MYC_A_AUTH_TX_KEY], MYC_KEY_LEN);
		nla_memcpy(k.rx, attrs[MYC_A_AUTH_RX_KEY], MYC_KEY_LEN);
		k.phase = nla_get_u8(attrs[MYC_A_AUTH_PHASE]);
		k.confirm = attrs[MYC_A_AUTH_CONFIRM] &&
			    nla_get_u8(attrs[MYC_A_AUTH_CONFIRM]);
	}
	peer = myc_auth_peer(mn, info);
	if (IS_ERR(peer)) {
		err = PTR_ERR(peer);
		goto wipe;
	}
	spin_lock_bh(&peer->lock);
	if (attrs[MYC_A_AUTH_REMOTE_HELLO] &&
	    !myc_auth_hello_is(peer, attrs[MYC_A_AUTH_REMOTE_HELLO])) {
		NL_SET_ERR_MSG_ATTR(info->extack, attrs[MYC_A_AUTH_REMOTE_HELLO],
				    "not the peer's current hello: handshake again");
		err = -ESTALE;
		goto unlock;
	}
	if (state == MYC_AUTH_OK) {
		/*
		 * The handshake bound the peer's HELLO (checked above): if it
		 * is another instance's than the one our state belongs to,
		 * the peer restarted.  Its old keys go too, so that no frame
		 * of the old instance opens into the fresh replay window.
		 */
		if (peer->have_hello &&
		    peer->sess_inst != peer->rhello.instance) {
			restarted = peer->sess_inst != 0;
			if (restarted) {
				myc_keys_clear(peer);
				myc_peer_restart_locked(peer,
							peer->rhello.instance,
							&failed);
			}
			peer->sess_inst = peer->rhello.instance;
		}
		myc_keys_install(peer, &k);
		now_ready = myc_hello_keyed(peer);
		/*
		 * A first session's keys waiting for a frame to confirm
		 * them: asked again if none comes.  A ready peer (a rekey)
		 * keeps its old keys meanwhile and is asked as usual.
		 */
		peer->next_ask_us = myc_now_us() + (peer->ready ?
			MYC_ASK_AGAIN_US : MYC_CONFIRM_WAIT_US);
	} else {
		myc_keys_clear(peer);
		myc_peer_auth_locked(peer, MYC_AUTH_FAILED);
		peer->next_ask_us = myc_now_us() + MYC_FAILED_ASK_US;
	}
unlock:
	spin_unlock_bh(&peer->lock);
	if (restarted)
		myc_peer_restart_done(peer, &failed);
	if (now_ready)
		myc_peer_now_ready(peer);
	myc_peer_put(peer);
wipe:
	memzero_explicit(&k, sizeof(k));
	return err;
}
