// SPDX-License-Identifier: GPL-2.0
/*
 * Virtual endpoints: an id sockets send to or connect to, load-balanced
 * over backends (a node and a service or port each).
 *
 * Health: every health interval the endpoint's timer checks each backend:
 * its node must be a reachable peer (or this node), and the node's kernel
 * must answer a SVC_CHECK frame saying a socket is bound to the service or
 * port (rx.c answers them; no application is involved).  A backend is up
 * after a positive answer, down after a negative one, when its node is not
 * reachable, or after 3 checks without an answer; a local backend is
 * checked directly.  State changes are events.
 *
 * Selection (vesel.c) happens per message for sendto() and per connection
 * for a SOCK_SEQPACKET connect(); least-connections counts the
 * connections open through the endpoint (the socket remembers its backend
 * and gives the count back when it closes).
 *
 * Retries: a reliable message sent through an endpoint carries the
 * endpoint and backend in its queued chunk and in the record of its frame.
 * When the backend fails before acknowledging it, the message goes to
 * another healthy backend instead of the error queue: at once when its
 * backend goes down (policy immediate), when the backend has stayed down
 * for the retry timeout (wait-retry), or when the message itself is given
 * up (graceful, and every policy: MYC_SO_TIMEOUT, peer removed, the
 * remote node returned it because nothing is bound).  A retry happens in
 * process context (a work item), from the data of the returned message, so
 * messages larger than one frame (whose records hold one fragment each)
 * are returned to the sender's error queue instead.  With no healthy
 * backend left, the message comes back with EHOSTUNREACH.
 *
 * Lifetime and locking: endpoints are in a per-node hash, added and
 * removed under mn->lock, read under RCU, freed after a grace period; the
 * timer is shut down before.  ve->lock (_bh) protects the backend array
 * and the selection state; counters are atomics.
 */
#include <linux/slab.h>
#include <linux/uio.h>
#include <linux/workqueue.h>

#include "myc.h"

#define MYC_VE_MISSED_MAX	3	/* checks without an answer: down */
#define MYC_VE_RETRIES		3	/* times a message goes elsewhere */

static void myc_ve_timer(struct timer_list *t);

/* Caller holds rcu_read_lock() or mn->lock. */
struct myc_ve *myc_ve_lookup(struct myc_net *mn, u32 id)
{
	struct myc_ve *ve;

	hash_for_each_possible_rcu(mn->ves, ve, hnode, id,
				   lockdep_is_held(&mn->lock)) {
		if (ve->id == id)
			return ve;
	}
	return NULL;
}

static struct myc_backend *myc_be_by_id(struct myc_ve *ve, u32 id)
{
	int i;

	for (i = 0; i < ve->nr; i++)
		if (ve->be[i].id == id)
			return &ve->be[i];
	return NULL;
}

static void myc_be_set_state(struct myc_ve *ve, struct myc_backend *be,
			     u8 state, u8 reason)
{
	u8 old = be->state;

	if (old == state)
		return;
	WRITE_ONCE(be->state, state);
	be->down_us = state == MYC_BACKEND_DOWN ? myc_now_us() : 0;
	be->moved = false;
	if (old == MYC_BACKEND_UP)
		atomic64_inc(&be->failures);
	myc_event(ve->mn, &(struct myc_event){ .type = MYC_EV_BACKEND_STATE,
		  .reason = reason, .endpoint = ve->id, .backend = be->id,
		  .state = state });
}

int myc_ve_create(struct myc_net *mn, const struct myc_ve_cfg *cfg,
		  struct netlink_ext_ack *extack)
{
	struct myc_ve *ve;

	lockdep_assert_held(&mn->lock);

	if (myc_ve_lookup(mn, cfg->id)) {
		NL_SET_ERR_MSG(extack, "endpoint already exists");
		return -EEXIST;
	}
	if (mn->nr_ves >= MYC_MAX_ENDPOINTS) {
		NL_SET_ERR_MSG(extack, "too many endpoints");
		return -ENOSPC;
	}
	ve = kzalloc(sizeof(*ve), GFP_KERNEL);
	if (!ve)
		return -ENOMEM;
	ve->mn = mn;
	ve->id = cfg->id;
	ve->lb = MYC_LB_ROUND_ROBIN;
	ve->failover = MYC_FAILOVER_IMMEDIATE;
	ve->health_ms = MYC_DEFAULT_HEALTH_INTERVAL_MS;
	ve->retry_ms = MYC_DEFAULT_RETRY_TIMEOUT_MS;
	ve->last = -1;
	ve->next_be_id = 1;
	spin_lock_init(&ve->lock);
	timer_setup(&ve->timer, myc_ve_timer, 0);
	if (myc_ve_apply(ve, cfg)) {
		timer_shutdown_sync(&ve->timer);
		kfree(ve);
		return -ENOMEM;
	}
	hash_add_rcu(mn->ves, &ve->hnode, ve->id);
	mn->nr_ves++;
	return 0;
}

/* Settings and (when given) the backend list of cfg.  Under mn->lock. */
int myc_ve_apply(struct myc_ve *ve, const struct myc_ve_cfg *cfg)
{
	struct myc_backend *old = NULL, *be;
	int i, j;

	if (cfg->has_backends) {
		old = kmalloc(sizeof(ve->be), GFP_KERNEL);
		if (!old)
			return -ENOMEM;
	}
	spin_lock_bh(&ve->lock);
	if (cfg->has_lb)
		ve->lb = cfg->lb;
	if (cfg->health_ms)
		ve->health_ms = cfg->health_ms;
	if (cfg->failover)
		ve->failover = cfg->failover;
	if (cfg->retry_ms)
		ve->retry_ms = cfg->retry_ms;
	if (cfg->has_backends) {
		int nr = ve->nr;

		memcpy(old, ve->be, sizeof(ve->be));

		for (i = 0; i < cfg->nr; i++) {
			const struct myc_backend_cfg *c = &cfg->be[i];

			be = &ve->be[i];
			for (j = 0; j < nr; j++) {
				if (old[j].node == c->node &&
				    old[j].service == c->service &&
				    old[j].sid == c->sid)
					break;
			}
			if (j < nr) {	/* it stays, with its state */
				*be = old[j];
			} else {
				memset(be, 0, sizeof(*be));
				be->id = ve->next_be_id++;
				be->node = c->node;
				be->service = c->service;
				be->sid = c->sid;
			}
			be->weight = c->weight;
			be->cur_weight = 0;
		}
		ve->nr = cfg->nr;
		ve->last = -1;
	}
	spin_unlock_bh(&ve->lock);
	kfree(old);
	/* check soon: at a random point of the first interval */
	timer_reduce(&ve->timer, jiffies + 1 +
		     get_random_u32_below(msecs_to_jiffies(ve->health_ms) + 1));
	return 0;
}

static void myc_ve_free_rcu(struct rcu_head *rcu)
{
	kfree(container_of(rcu, struct myc_ve, rcu));
}

void myc_ve_remove(struct myc_ve *ve)
{
	lockdep_assert_held(&ve->mn->lock);

	hash_del_rcu(&ve->hnode);
	ve->mn->nr_ves--;
	timer_shutdown_sync(&ve->timer);
	call_rcu(&ve->rcu, myc_ve_free_rcu);
}

void myc_ve_remove_all(struct myc_net *mn)
{
	struct hlist_node *tmp;
	struct myc_ve *ve;
	int bkt;

	lockdep_assert_held(&mn->lock);

	hash_for_each_safe(mn->ves, bkt, tmp, ve, hnode)
		myc_ve_remove(ve);
}

/* The RTT to node: its peer's best path, 0 when unknown.  RCU. */
static u32 myc_ve_srtt(struct myc_net *mn, u64 node)
{
	struct myc_peer *peer = myc_peer_lookup_rcu(mn, node);
	struct myc_path *path;
	u32 best = 0, v;

	if (!peer)
		return myc_is_local_node(mn, node) ? 1 : 0;
	list_for_each_entry_rcu(path, &peer->paths, list) {
		if (!READ_ONCE(path->enabled) ||
		    READ_ONCE(path->state) == MYC_PATH_DOWN)
			continue;
		v = READ_ONCE(path->rtt.srtt_us);
		if (v && (!best || v < best))
			best = v;
	}
	return best;
}

/*
 * Pick a backend of endpoint id for one message (conn: one connection,
 * counted), not exclude_id: its address goes in *dst, its id in *be_id.
 * 0, -ENXIO (no such endpoint) or -EHOSTUNREACH (no healthy backend).
 */
int myc_ve_pick(struct myc_net *mn, u32 id, u32 exclude_id, bool conn,
		struct sockaddr_myc *dst, u32 *be_id)
{
	struct myc_be_in in[MYC_MAX_BACKENDS];
	int i, n, exclude = -1, err = 0;
	struct myc_backend *be;
	struct myc_ve *ve;

	rcu_read_lock();
	ve = myc_ve_lookup(mn, id);
	if (!ve) {
		rcu_read_unlock();
		return -ENXIO;
	}
	spin_lock_bh(&ve->lock);
	for (i = 0; i < ve->nr; i++) {
		be = &ve->be[i];
		if (be->id == exclude_id)
			exclude = i;
		in[i] = (struct myc_be_in){
			.state = be->state,
			.weight = be->weight,
			.conns = atomic_read(&be->conns),
			.cur_weight = be->cur_weight,
			.srtt_us = ve->lb == MYC_LB_LATENCY ?
				   myc_ve_srtt(mn, be->node) : 0,
		};
	}
	n = myc_ve_select(in, ve->nr, ve->lb, ve->last, exclude);
	for (i = 0; i < ve->nr; i++)
		ve->be[i].cur_weight = in[i].cur_weight;
	if (n < 0) {
		err = -EHOSTUNREACH;
	} else {
		be = &ve->be[n];
		ve->last = n;
		atomic64_inc(&be->selections);
		if (conn)
			atomic_inc(&be->conns);
		memset(dst, 0, sizeof(*dst));
		dst->smyc_family = myc_family;
		dst->smyc_kind = be->service ? MYC_ADDR_SERVICE : MYC_ADDR_PORT;
		dst->smyc_id = be->sid;
		dst->smyc_node = be->node;
		*be_id = be->id;
	}
	spin_unlock_bh(&ve->lock);
	rcu_read_unlock();
	return err;
}

/* Call fn(ve, be, arg) for backend be_id of endpoint id, if both exist. */
static void myc_ve_with_be(struct myc_net *mn, u32 id, u32 be_id,
			   void (*fn)(struct myc_ve *ve,
				      struct myc_backend *be, int arg),
			   int arg)
{
	struct myc_backend *be;
	struct myc_ve *ve;

	rcu_read_lock();
	ve = myc_ve_lookup(mn, id);
	if (ve) {
		spin_lock_bh(&ve->lock);
		be = myc_be_by_id(ve, be_id);
		if (be)
			fn(ve, be, arg);
		spin_unlock_bh(&ve->lock);
	}
	rcu_read_unlock();
}

static void myc_be_conn_done(struct myc_ve *ve, struct myc_backend *be,
			     int unused)
{
	if (atomic_read(&be->conns) > 0)
		atomic_dec(&be->conns);
}

/* A connection through backend be_id of endpoint id closed. */
void myc_ve_conn_done(struct myc_net *mn, u32 id, u32 be_id)
{
	myc_ve_with_be(mn, id, be_id, myc_be_conn_done, 0);
}

static void myc_be_failed(struct myc_ve *ve, struct myc_backend *be, int err)
{
	atomic64_inc(&be->failures);
	/* nothing bound there: no need to wait for a check */
	if (err == -ECONNREFUSED)
		myc_be_set_state(ve, be, MYC_BACKEND_DOWN, MYC_EVR_SERVICE);
}

/* A message failed on backend be_id (-err): count it, note its state. */
static void myc_ve_failed(struct myc_net *mn, u32 id, u32 be_id, int err)
{
	myc_ve_with_be(mn, id, be_id, myc_be_failed, err);
}

/* Does a send error say the backend is unusable (rather than the sender)? */
static bool myc_ve_backend_err(int err)
{
	return err == -ECONNREFUSED || err == -EHOSTUNREACH ||
	       err == -ENETUNREACH;
}

/*
 * sendto() an endpoint: pick a backend per message; a backend that
 * refuses at once (a local one with nothing bound, a peer without a path)
 * is counted and another one tried.
 */
int myc_ve_send(struct sock *sk, u32 port, const struct sockaddr_myc *ve_addr,
		const struct myc_msg_meta *meta, struct msghdr *msg, size_t len)
{
	struct myc_net *mn = myc_sk(sk)->mn;
	struct iov_iter iter = msg->msg_iter;
	struct myc_msg_meta m = *meta;
	struct sockaddr_myc dst;
	u32 be_id = 0;
	int err, tries;

	for (tries = 0; tries < MYC_MAX_BACKENDS; tries++) {
		err = myc_ve_pick(mn, ve_addr->smyc_id, be_id, false, &dst,
				  &be_id);
		if (err)
			return err;
		m.ve_id = ve_addr->smyc_id;
		m.ve_be = be_id;
		WRITE_ONCE(myc_sk(sk)->ve_used, m.ve_id);
		msg->msg_iter = iter;	/* a failed attempt may have used it */
		err = myc_send(sk, port, &dst, &m, msg, len);
		if (err >= 0 || !myc_ve_backend_err(err))
			return err;
		myc_ve_failed(mn, ve_addr->smyc_id, be_id, err);
	}
	return -EHOSTUNREACH;
}

/* A retry of a returned message, done in process context. */
struct myc_ve_retry {
	struct work_struct work;
	struct sock *sk;		/* held */
	struct sk_buff *skb;		/* the message's data */
	struct myc_msg_meta meta;
};

static void myc_ve_retry_work(struct work_struct *work)
{
	struct myc_ve_retry *r = container_of(work, struct myc_ve_retry, work);
	struct myc_sock *ms = myc_sk(r->sk);
	struct sockaddr_myc ve_addr = {
		.smyc_family = myc_family,
		.smyc_kind = MYC_ADDR_ENDPOINT,
		.smyc_id = r->meta.ve_id,
	};
	struct msghdr msg = { .msg_flags = MSG_DONTWAIT };
	struct sockaddr_myc dst;
	struct myc_err_cb *cb;
	struct kvec iov;
	u32 be_id = r->meta.ve_be;
	int err, tries;

	iov.iov_base = r->skb->data;
	iov.iov_len = r->skb->len;
	err = -EHOSTUNREACH;
	/* release() clears the error sink under the socket lock */
	lock_sock(r->sk);
	for (tries = 0; tries < MYC_MAX_BACKENDS; tries++) {
		if (sock_flag(r->sk, SOCK_DEAD) || !ms->errsink) {
			err = 0;	/* its sender is gone: drop it */
			break;
		}
		err = myc_ve_pick(ms->mn, r->meta.ve_id, be_id, false, &dst,
				  &be_id);
		if (err)
			break;
		r->meta.ve_be = be_id;
		iov_iter_kvec(&msg.msg_iter, ITER_SOURCE, &iov, 1, r->skb->len);
		err = myc_send(r->sk, ms->port, &dst, &r->meta, &msg,
			       r->skb->len);
		if (err >= 0 || !myc_ve_backend_err(err))
			break;
		myc_ve_failed(ms->mn, r->meta.ve_id, be_id, err);
	}
	if (err < 0 && !sock_flag(r->sk, SOCK_DEAD)) {
		/* nowhere to go: back to the sender, with the endpoint */
		cb = MYC_ERR_CB(r->skb);
		memset(cb, 0, sizeof(*cb));
		cb->ee.ee_errno = myc_ve_backend_err(err) ? EHOSTUNREACH :
				  -err;
		cb->ee.ee_origin = MYC_EE_ORIGIN_LOCAL;
		cb->ee.ee_data = r->skb->len;
		cb->dst = ve_addr;
		myc_sock_queue_err(r->sk, r->skb);
	} else {
		kfree_skb(r->skb);
	}
	release_sock(r->sk);
	sock_put(r->sk);
	kfree(r);
}

/*
 * A reliable message sent through an endpoint failed with err (its whole
 * data at data, len bytes; class etc. from c): send it to another backend
 * from process context.  Returns true if it will, false when the caller
 * must return it to the sender (not whole, no memory).  Any context.
 */
bool myc_ve_retry(struct myc_net *mn, struct sock *sk,
		  const struct myc_chunk *c, u32 ve_id, u32 be_id, u8 tries,
		  int err)
{
	struct myc_ve_retry *r;

	if (c->offset || c->len != c->total || c->kind != MYC_CK_MSG)
		return false;
	myc_ve_failed(mn, ve_id, be_id, -err);
	if (tries >= MYC_VE_RETRIES)
		return false;	/* it has had its chances: back to the sender */
	r = kzalloc(sizeof(*r), GFP_ATOMIC);
	if (!r)
		return false;
	r->skb = alloc_skb(c->len, GFP_ATOMIC);
	if (!r->skb) {
		kfree(r);
		return false;
	}
	skb_put_data(r->skb, c->data, c->len);
	sock_hold(sk);
	r->sk = sk;
	r->meta = myc_sk(sk)->meta;
	r->meta.cls = c->cls;
	r->meta.priority = c->priority;
	r->meta.guarantee = c->guarantee;
	r->meta.kind = 0;
	r->meta.cflags = 0;
	r->meta.aux = 0;
	r->meta.ve_id = ve_id;
	r->meta.ve_be = be_id;
	r->meta.ve_tries = tries + 1;
	INIT_WORK(&r->work, myc_ve_retry_work);
	queue_work(myc_wq, &r->work);
	return true;
}

/* Send the SVC_CHECK v to peer (under RCU, no lock held). */
static void myc_ve_check(struct myc_peer *peer, const struct myc_svc *v)
{
	u8 payload[MYC_SVC_LEN];
	struct sk_buff *skb;
	struct myc_path *path;

	myc_svc_encode(payload, sizeof(payload), v);
	skb = myc_ctl_skb(peer, MYC_FT_SVC_CHECK, payload, sizeof(payload));
	if (!skb)
		return;
	spin_lock_bh(&peer->lock);
	path = myc_path_pick(peer, MYC_CLASS_HEALTH, false);
	spin_unlock_bh(&peer->lock);
	if (path)
		myc_bearer_xmit_probe(peer->mn, path, skb);
	else
		kfree_skb(skb);
}

static void myc_ve_timer(struct timer_list *t)
{
	struct myc_ve *ve = from_timer(ve, t, timer);
	struct myc_net *mn = ve->mn;
	struct {
		struct myc_peer *peer;	/* RCU */
		struct myc_svc check;
		bool move;		/* fail its VE records */
		u32 be;
	} act[MYC_MAX_BACKENDS];
	int i, n = 0;
	u64 now = myc_now_us();

	rcu_read_lock();
	spin_lock_bh(&ve->lock);
	for (i = 0; i < ve->nr; i++) {
		struct myc_backend *be = &ve->be[i];
		struct myc_peer *peer;

		if (myc_is_local_node(mn, be->node)) {
			myc_be_set_state(ve, be,
					 myc_sock_bound(mn, be->sid, be->service) ?
					 MYC_BACKEND_UP : MYC_BACKEND_DOWN,
					 MYC_EVR_SERVICE);
			continue;
		}
		peer = myc_peer_lookup_rcu(mn, be->node);
		if (!peer)
			continue;	/* no peer: set down below */
		act[n].peer = peer;
		act[n].move = false;
		act[n].be = be->id;
		act[n].check.seq = 0;
		if (myc_peer_state(peer) != MYC_PEER_REACHABLE) {
			myc_be_set_state(ve, be, MYC_BACKEND_DOWN,
					 MYC_EVR_PATHS);
		} else {
			if (be->answered != be->check_seq &&
			    ++be->missed >= MYC_VE_MISSED_MAX)
				myc_be_set_state(ve, be, MYC_BACKEND_DOWN,
						 MYC_EVR_PROBE_LOST);
			be->check_seq++;
			act[n].check = (struct myc_svc){
				.id = be->sid,
				.kind = be->service ? MYC_ADDR_SERVICE :
						      MYC_ADDR_PORT,
				.seq = ((u64)ve->id << 32) | (u32)be->check_seq,
			};
		}
		/* what was in flight to a down backend moves, by policy */
		if (be->state == MYC_BACKEND_DOWN && !be->moved &&
		    (ve->failover == MYC_FAILOVER_IMMEDIATE ||
		     (ve->failover == MYC_FAILOVER_WAIT_RETRY &&
		      now >= be->down_us +
			     (u64)ve->retry_ms * USEC_PER_MSEC))) {
			be->moved = true;
			act[n].move = true;
		}
		n++;
	}
	for (i = 0; i < ve->nr; i++) {
		struct myc_backend *be = &ve->be[i];

		if (!myc_is_local_node(mn, be->node) &&
		    !myc_peer_lookup_rcu(mn, be->node))
			myc_be_set_state(ve, be, MYC_BACKEND_DOWN,
					 MYC_EVR_PATHS);
	}
	spin_unlock_bh(&ve->lock);
	for (i = 0; i < n; i++) {
		if (act[i].check.seq)
			myc_ve_check(act[i].peer, &act[i].check);
		if (act[i].move)
			myc_rel_fail_ve(act[i].peer, ve->id, act[i].be);
	}
	rcu_read_unlock();
	mod_timer(&ve->timer, jiffies +
		  max(msecs_to_jiffies(READ_ONCE(ve->health_ms)), 1UL));
}

/* A SVC_STATUS from peer: the answer for one of our backends.  BH, RCU. */
void myc_ve_rx_status(struct myc_net *mn, struct myc_peer *peer,
		      const struct myc_svc *v)
{
	struct myc_ve *ve = myc_ve_lookup(mn, v->seq >> 32);
	bool service = v->kind == MYC_ADDR_SERVICE;
	int i;

	if (!ve)
		return;
	spin_lock_bh(&ve->lock);
	for (i = 0; i < ve->nr; i++) {
		struct myc_backend *be = &ve->be[i];

		/* any check since the last answer: a late one counts too */
		if (be->node != peer->id || be->sid != v->id ||
		    be->service != service ||
		    (u32)(be->check_seq - (u32)v->seq) >=
		    (u32)(be->check_seq - be->answered))
			continue;
		be->answered = be->check_seq;
		be->missed = 0;
		myc_be_set_state(ve, be, v->bound ? MYC_BACKEND_UP :
				 MYC_BACKEND_DOWN, MYC_EVR_SERVICE);
	}
	spin_unlock_bh(&ve->lock);
}

/*
 * A REJECT of a message sent through an endpoint (MYC_CF_ENDPOINT):
 * nothing is bound at that backend.  The REJECT names the backend (node,
 * service or port) and the sending port, not the endpoint: it counts only
 * if that socket sends through an endpoint (the last one it used) that has
 * this backend.  The backend goes down, and the message (when whole) to
 * another backend, once.  BH, RCU, under peer->lock.  True if the message
 * will be sent again.
 */
bool myc_ve_rx_reject(struct myc_net *mn, struct myc_peer *peer,
		      const struct myc_chunk *c)
{
	bool service = c->flags & MYC_CF_SERVICE, done = false;
	struct myc_chunk msg = *c;
	struct myc_sock *ms;
	struct myc_ve *ve;
	u32 be_id = 0;
	int i;

	ms = myc_sock_get(mn, c->dst_id, false, SOCK_DGRAM);
	if (!ms)
		return false;
	ve = myc_ve_lookup(mn, READ_ONCE(ms->ve_used));
	if (ve) {
		spin_lock(&ve->lock);
		for (i = 0; i < ve->nr; i++) {
			struct myc_backend *be = &ve->be[i];

			if (be->node != peer->id || be->sid != c->src_port ||
			    be->service != service)
				continue;
			myc_be_set_state(ve, be, MYC_BACKEND_DOWN,
					 MYC_EVR_SERVICE);
			be_id = be->id;
		}
		spin_unlock(&ve->lock);
	}
	if (be_id && c->len == c->total) {
		msg.kind = MYC_CK_MSG;
		/* REJECTs travel as high: the sender's guarantee it is */
		msg.guarantee = READ_ONCE(ms->meta.guarantee);
		done = myc_ve_retry(mn, &ms->sk, &msg, ve->id, be_id,
				    MYC_VE_RETRIES - 1, ECONNREFUSED);
	}
	sock_put(&ms->sk);
	return done;
}

/* An endpoint's attributes and backends for netlink (under RCU). */
int myc_ve_fill(struct sk_buff *skb, struct myc_ve *ve)
{
	struct myc_backend *be = ve->be;
	struct nlattr *nest;
	int i, err = -EMSGSIZE;

	spin_lock_bh(&ve->lock);
	if (nla_put_u32(skb, MYC_A_ENDPOINT_ID, ve->id) ||
	    nla_put_u8(skb, MYC_A_ENDPOINT_LB, READ_ONCE(ve->lb)) ||
	    nla_put_u32(skb, MYC_A_ENDPOINT_HEALTH_INTERVAL,
			READ_ONCE(ve->health_ms)) ||
	    nla_put_u8(skb, MYC_A_ENDPOINT_FAILOVER, READ_ONCE(ve->failover)) ||
	    nla_put_u32(skb, MYC_A_ENDPOINT_RETRY_TIMEOUT,
			READ_ONCE(ve->retry_ms)))
		goto out;
	for (i = 0; i < ve->nr; i++) {
		nest = nla_nest_start(skb, MYC_A_ENDPOINT_BACKEND);
		if (!nest ||
		    nla_put_u32(skb, MYC_A_BACKEND_ID, be[i].id) ||
		    nla_put_u64_64bit(skb, MYC_A_BACKEND_NODE, be[i].node,
				      MYC_A_BACKEND_PAD) ||
		    nla_put_u32(skb, be[i].service ? MYC_A_BACKEND_SERVICE :
				MYC_A_BACKEND_PORT, be[i].sid) ||
		    nla_put_u32(skb, MYC_A_BACKEND_WEIGHT, be[i].weight) ||
		    nla_put_u8(skb, MYC_A_BACKEND_STATE, be[i].state) ||
		    nla_put_u64_64bit(skb, MYC_A_BACKEND_SELECTIONS,
				      atomic64_read(&be[i].selections),
				      MYC_A_BACKEND_PAD) ||
		    nla_put_u64_64bit(skb, MYC_A_BACKEND_FAILURES,
				      atomic64_read(&be[i].failures),
				      MYC_A_BACKEND_PAD) ||
		    nla_put_u32(skb, MYC_A_BACKEND_CONNECTIONS,
				atomic_read(&be[i].conns)))
			goto out;
		nla_nest_end(skb, nest);
	}
	err = 0;
out:
	spin_unlock_bh(&ve->lock);
	return err;
}
