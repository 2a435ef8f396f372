// SPDX-License-Identifier: GPL-2.0
/*
 * Peers (remote nodes) and the paths to them.
 *
 * Lifetime: a peer is created by netlink (PEER_ADD) and hashed in its
 * node's table; lookups take a reference (refcount_inc_not_zero under RCU).
 * Removal is WireGuard's: the peer is unhashed and marked dead (under
 * peer->lock), then, after synchronize_net() (one for a whole node's peers),
 * torn down in process context: its timers stopped, its paths deleted, what
 * it never acknowledged returned to the senders, its queues, reassembly and
 * reorder buffers freed.  Nothing can start its timers or fill its queues
 * again: every such path checks peer->dead under peer->lock or inside an
 * RCU read section (myc_health_wake()), so the grace period orders it
 * before the teardown.  Then the table's reference is dropped; the last
 * myc_peer_put() frees the memory after another grace period, and that RCU
 * callback only frees memory (it touches neither the node nor timers).
 * Module exit waits for those callbacks (rcu_barrier(), main.c).  Paths
 * belong to their peer: they are added and deleted under mn->lock, read
 * under RCU, and freed after a grace period (memory only, too).
 *
 * Locking: the peer table and path lists change under mn->lock (mutex);
 * readers use RCU.  peer->lock (spinlock, taken with _bh) protects the
 * protocol state (packet and message numbers, windows, queues).
 */
#include <linux/random.h>
#include <linux/slab.h>
#include <net/ipv6.h>

#include "myc.h"

struct myc_peer *myc_peer_lookup_rcu(struct myc_net *mn, u64 id)
{
	struct myc_peer *peer;

	hash_for_each_possible_rcu(mn->peers, peer, hnode, id) {
		if (peer->id == id)
			return peer;
	}
	return NULL;
}

struct myc_peer *myc_peer_lookup(struct myc_net *mn, u64 id)
{
	struct myc_peer *peer;

	rcu_read_lock();
	peer = myc_peer_lookup_rcu(mn, id);
	if (peer && !refcount_inc_not_zero(&peer->refcnt))
		peer = NULL;
	rcu_read_unlock();
	return peer;
}

/* RCU callback: memory only (the teardown stopped everything else). */
static void myc_peer_free_rcu(struct rcu_head *rcu)
{
	struct myc_peer *peer = container_of(rcu, struct myc_peer, rcu);

	myc_rel_destroy(peer);
	myc_keys_free(peer);
	kfree(peer);
}

void myc_peer_put(struct myc_peer *peer)
{
	if (peer && refcount_dec_and_test(&peer->refcnt))
		call_rcu(&peer->rcu, myc_peer_free_rcu);
}

int myc_peer_create(struct myc_net *mn, u64 id, u8 type,
		    struct myc_peer **out)
{
	struct myc_peer *peer;
	int i;

	lockdep_assert_held(&mn->lock);

	if (mn->nr_peers >= MYC_MAX_PEERS)
		return -ENOSPC;

	peer = kzalloc(sizeof(*peer), GFP_KERNEL);
	if (!peer)
		return -ENOMEM;
	if (myc_keys_alloc(peer)) {
		kfree(peer);
		return -ENOMEM;
	}

	peer->mn = mn;
	peer->id = id;
	peer->type = type;
	refcount_set(&peer->refcnt, 1);		/* the table's */
	spin_lock_init(&peer->lock);
	INIT_LIST_HEAD(&peer->paths);
	INIT_LIST_HEAD(&peer->reasm);
	peer->next_path_id = 1;
	peer->tx_pn = 1;
	for (i = 0; i < __MYC_GUARANTEE_CNT; i++)
		peer->tx_msn[i] = 1;
	myc_pnwin_init(&peer->rx_pnwin);
	peer->strategy = MYC_STRATEGY_LATENCY;
	memcpy(peer->opmap, myc_default_opmap, sizeof(peer->opmap));
	peer->failover = MYC_FAILOVER_IMMEDIATE;
	peer->retry_ms = MYC_DEFAULT_RETRY_TIMEOUT_MS;
	peer->probe_ms = MYC_DEFAULT_PROBE_INTERVAL_MS;
	peer->fail_after = MYC_DEFAULT_FAIL_AFTER;
	peer->recover_after = MYC_DEFAULT_RECOVER_AFTER;
	peer->state = MYC_PEER_UNREACHABLE;
	peer->auth = MYC_AUTH_HELLO;
	peer->instance = get_random_u32() | 1;
	myc_rel_init(peer);
	myc_health_init(peer);

	hash_add_rcu(mn->peers, &peer->hnode, id);
	mn->nr_peers++;
	*out = peer;
	myc_event(mn, &(struct myc_event){ .type = MYC_EV_PEER_ADD,
		  .reason = MYC_EVR_CONFIG, .peer = id });
	return 0;
}

static void myc_path_free_rcu(struct rcu_head *rcu)
{
	struct myc_path *path = container_of(rcu, struct myc_path, rcu);

	dst_cache_destroy(&path->dst_cache);
	kfree(path);
}

struct myc_path *myc_path_find(struct myc_peer *peer, sa_family_t family,
			       const union myc_ipaddr *local,
			       const union myc_ipaddr *remote, __be16 port)
{
	struct myc_path *path;

	list_for_each_entry_rcu(path, &peer->paths, list,
				lockdep_is_held(&peer->mn->lock)) {
		if (path->family != family || path->remote_port != port)
			continue;
		if (family == AF_INET &&
		    path->local.v4.s_addr == local->v4.s_addr &&
		    path->remote.v4.s_addr == remote->v4.s_addr)
			return path;
		if (family == AF_INET6 &&
		    ipv6_addr_equal(&path->local.v6, &local->v6) &&
		    ipv6_addr_equal(&path->remote.v6, &remote->v6))
			return path;
	}
	return NULL;
}

struct myc_path *myc_path_add(struct myc_peer *peer, sa_family_t family,
			      const union myc_ipaddr *local,
			      const union myc_ipaddr *remote, __be16 port,
			      int ifindex)
{
	struct myc_path *path;

	lockdep_assert_held(&peer->mn->lock);

	if (peer->nr_paths >= MYC_MAX_PATHS)
		return ERR_PTR(-ENOSPC);
	if (myc_path_find(peer, family, local, remote, port))
		return ERR_PTR(-EEXIST);

	path = kzalloc(sizeof(*path), GFP_KERNEL);
	if (!path)
		return ERR_PTR(-ENOMEM);
	if (dst_cache_init(&path->dst_cache, GFP_KERNEL)) {
		kfree(path);
		return ERR_PTR(-ENOMEM);
	}
	path->peer = peer;
	path->id = peer->next_path_id++;
	path->family = family;
	path->local = *local;
	path->remote = *remote;
	path->remote_port = port;
	path->ifindex = ifindex;
	path->enabled = true;
	myc_health_path_init(peer, path);

	list_add_tail_rcu(&path->list, &peer->paths);
	peer->nr_paths++;
	spin_lock_bh(&peer->lock);
	myc_health_update_peer(peer, MYC_EVR_CONFIG);
	spin_unlock_bh(&peer->lock);
	myc_event(peer->mn, &(struct myc_event){ .type = MYC_EV_PATH_ADD,
		  .reason = MYC_EVR_CONFIG, .peer = peer->id,
		  .path = path->id });
	myc_health_start(peer);
	if (READ_ONCE(peer->auth) == MYC_AUTH_HELLO)
		myc_hello_start(peer);
	return path;
}

/*
 * Unlink a path.  Records of frames sent on it forget it and, having no
 * path, go out again on another one at once.  dead: the peer goes too (its
 * records are returned, not resent).
 */
static void __myc_path_del(struct myc_path *path, bool dead)
{
	struct myc_peer *peer = path->peer;
	struct sk_buff_head q;

	lockdep_assert_held(&peer->mn->lock);

	__skb_queue_head_init(&q);
	list_del_rcu(&path->list);
	peer->nr_paths--;
	rcu_read_lock();
	spin_lock_bh(&peer->lock);
	WRITE_ONCE(path->enabled, false);
	myc_rel_path_gone(peer, path, dead ? NULL : &q);
	if (peer->last_path == path) {
		peer->last_path = NULL;
		WRITE_ONCE(peer->active_path, 0);
	}
	spin_unlock_bh(&peer->lock);
	myc_xmit_queue(peer, &q);
	rcu_read_unlock();
	myc_event(peer->mn, &(struct myc_event){ .type = MYC_EV_PATH_DEL,
		  .reason = MYC_EVR_CONFIG, .peer = peer->id,
		  .path = path->id });
	call_rcu(&path->rcu, myc_path_free_rcu);
}

void myc_path_del(struct myc_path *path)
{
	struct myc_peer *peer = path->peer;

	__myc_path_del(path, false);
	spin_lock_bh(&peer->lock);
	myc_health_update_peer(peer, MYC_EVR_CONFIG);
	spin_unlock_bh(&peer->lock);
}

/* Caller holds rcu_read_lock() or mn->lock. */
struct myc_path *myc_path_by_id(struct myc_peer *peer, u32 id)
{
	struct myc_path *path;

	list_for_each_entry_rcu(path, &peer->paths, list,
				lockdep_is_held(&peer->mn->lock)) {
		if (path->id == id)
			return path;
	}
	return NULL;
}

/* Is there a path to send on at all?  Caller holds rcu_read_lock(). */
bool myc_peer_has_path(struct myc_peer *peer)
{
	struct myc_path *path;

	list_for_each_entry_rcu(path, &peer->paths, list) {
		if (READ_ONCE(path->enabled))
			return true;
	}
	return false;
}

struct myc_path *myc_path_pick(struct myc_peer *peer, u8 cls, bool data)
{
	struct myc_pathsel_in in[MYC_MAX_PATHS];
	struct myc_path *paths[MYC_MAX_PATHS];
	struct myc_path *path;
	int n = 0, last = -1, i;
	u8 strategy;

	list_for_each_entry_rcu(path, &peer->paths, list) {
		if (!path->enabled || n == MYC_MAX_PATHS)
			continue;
		if (path == peer->last_path)
			last = n;
		in[n].state = path->state;
		in[n].srtt_us = path->rtt.srtt_us;
		in[n].in_flight = path->in_flight;
		paths[n++] = path;
	}
	if (!n)
		return NULL;
	strategy = data ? myc_strategy_for(peer->strategy, peer->opmap, cls) :
			  MYC_STRATEGY_LATENCY;
	i = myc_path_select(in, n, strategy, last);
	path = paths[i];
	if (data && path != peer->last_path) {
		peer->last_path = path;
		WRITE_ONCE(peer->active_path, path->id);
	}
	return path;
}

/* Out of the table, and dead: nothing new starts (mn->lock held). */
static void myc_peer_make_dead(struct myc_peer *peer)
{
	lockdep_assert_held(&peer->mn->lock);

	hash_del_rcu(&peer->hnode);
	peer->mn->nr_peers--;
	spin_lock_bh(&peer->lock);
	peer->dead = true;
	spin_unlock_bh(&peer->lock);
}

/*
 * A grace period after myc_peer_make_dead(): no receive path, timer or
 * RCU reader sees the peer any more.  Tear it down here, in process
 * context, and drop the table's reference.
 */
static void myc_peer_remove_after_dead(struct myc_peer *peer)
{
	struct myc_net *mn = peer->mn;
	struct myc_path *path, *tmp;

	lockdep_assert_held(&mn->lock);

	myc_health_stop(peer);
	list_for_each_entry_safe(path, tmp, &peer->paths, list)
		__myc_path_del(path, true);
	myc_rel_stop(peer);
	spin_lock_bh(&peer->lock);
	myc_reasm_purge(peer);
	spin_unlock_bh(&peer->lock);
	myc_event(mn, &(struct myc_event){ .type = MYC_EV_PEER_DEL,
		  .reason = MYC_EVR_CONFIG, .peer = peer->id });
	myc_peer_put(peer);
}

void myc_peer_remove(struct myc_peer *peer)
{
	myc_peer_make_dead(peer);
	synchronize_net();
	myc_peer_remove_after_dead(peer);
}

void myc_peer_remove_all(struct myc_net *mn)
{
	struct myc_peer *peer;
	struct hlist_node *tmp;
	LIST_HEAD(dead);
	int bkt;

	lockdep_assert_held(&mn->lock);

	if (!mn->nr_peers)
		return;
	/* one grace period for them all (synchronize_net() per peer is slow) */
	hash_for_each_safe(mn->peers, bkt, tmp, peer, hnode) {
		myc_peer_make_dead(peer);
		list_add_tail(&peer->dead_list, &dead);
	}
	synchronize_net();
	while (!list_empty(&dead)) {
		peer = list_first_entry(&dead, struct myc_peer, dead_list);
		list_del(&peer->dead_list);
		myc_peer_remove_after_dead(peer);
	}
}
