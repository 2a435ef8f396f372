// SPDX-License-Identifier: GPL-2.0
/*
 * Spores in the kernel (Documentation/spores.rst): the node's table of
 * held spores, the exchange with myceliumd, forwarding by type, latent
 * gossip and anti-entropy summaries.
 *
 * Spores travel as SPORE chunks (spore_codec.c gives their form) through
 * the ordinary send queue, so they are framed, fragmented, acknowledged,
 * sealed and compressed like messages; the guarantee and priority come
 * from the spore's type.  A complete spore chunk from a peer lands in
 * mn->spore_rxq (myc_spore_input(), any context) and the node's spore work
 * takes it from there in process context:
 *
 *   - a spore whose bytes equal the held one of its id, one waiting for a
 *     verdict or one the node refuses (spore_gone.c: rejected, deleted,
 *     replaced) is a duplicate: counted, dropped;
 *   - otherwise it waits in mn->spore_pending (at most MYC_SPORE_PENDING_MAX,
 *     MYC_SPORE_VERDICT_US each) and goes to the daemon as SPORE_NTF with
 *     a cookie; SPORE_VERDICT holds it (replacing the held version of its
 *     id) or keeps it among the last MYC_SPORE_REJECTED_MAX rejected ones, and
 *     forwards it when told: primary and seed to every ready peer but the
 *     one it came from, latent to MYC_GOSSIP_FANOUT random ones, and again
 *     for MYC_GOSSIP_ROUNDS rounds, one a second;
 *   - SPORE_SUMMARY and SPORE_WANT: a peer that became ready, and a random
 *     peer every MYC_SPORE_SYNC_US, get the digests of what we hold and ask
 *     for what they lack and do not refuse; a spore refused for a while is
 *     asked for (SPORE_WANT) from the peer that sent it when the while
 *     ends (spore_gone.c).
 *
 * The work also drops verdicts that did not come, and held spores that
 * expired.  Everything above is under mn->spore_lock (spin_lock_bh); the
 * lock is never held while sending or while taking peer->lock (spores are
 * copied out first).  Entries are owned by the table or list they are on
 * and freed with kfree() under the lock: nothing refers to them outside it.
 */
#include <linux/jhash.h>
#include <linux/random.h>
#include <linux/slab.h>
#include <linux/timekeeping.h>
#include <net/genetlink.h>

#include "myc.h"
#include "spore.h"

#define MYC_SPORE_PENDING_MAX	256
#define MYC_SPORE_REJECTED_MAX	64
#define MYC_SPORE_RXQ_MAX	1024
#define MYC_SPORE_VERDICT_US	(10 * USEC_PER_SEC)
#define MYC_SPORE_SYNC_US	(30 * USEC_PER_SEC)
#define MYC_GOSSIP_FANOUT	3
#define MYC_GOSSIP_ROUNDS	4
#define MYC_GOSSIP_US		USEC_PER_SEC

u64 myc_real_ms(void)
{
	return ktime_get_real_ns() / NSEC_PER_MSEC;
}

static u32 myc_spore_hash(const u8 *id, u8 len)
{
	return jhash(id, len, 0);
}

bool myc_spore_id_is(const struct myc_spore_ent *e, const u8 *id, u8 len)
{
	return e->sp.id_len == len && !memcmp(e->sp.id, id, len);
}

/* The held spore of id, or NULL; under spore_lock. */
struct myc_spore_ent *myc_spore_held(struct myc_net *mn, const u8 *id, u8 len)
{
	struct myc_spore_ent *e;

	hash_for_each_possible(mn->spores, e, hnode, myc_spore_hash(id, len))
		if (myc_spore_id_is(e, id, len))
			return e;
	return NULL;
}

static bool myc_spore_same(const struct myc_spore_ent *e, const u8 *data,
			   u32 len)
{
	return e->len == len && !memcmp(e->data, data, len);
}

/*
 * Do we hold, wait for or refuse (spore_gone.c) these very bytes?  bhash
 * is their myc_spore_bhash().  spore_lock.
 */
static bool myc_spore_seen(struct myc_net *mn, const struct myc_spore *sp,
			   const u8 *data, u32 len, u64 bhash)
{
	struct myc_spore_ent *e = myc_spore_held(mn, sp->id, sp->id_len);

	if (e && myc_spore_same(e, data, len))
		return true;
	list_for_each_entry(e, &mn->spore_pending, list)
		if (e->bhash == bhash && myc_spore_same(e, data, len))
			return true;
	return myc_spore_gone_bytes(mn, bhash);
}

struct myc_spore_ent *myc_spore_ent_new(const u8 *data, u32 len, gfp_t gfp)
{
	struct myc_spore_ent *e;

	if (len > MYC_SPORE_MAX)
		return NULL;
	e = kzalloc(struct_size(e, data, len), gfp);
	if (!e)
		return NULL;
	memcpy(e->data, data, len);
	e->len = len;
	e->bhash = myc_spore_bhash(data, len);
	INIT_HLIST_NODE(&e->hnode);
	INIT_LIST_HEAD(&e->list);
	if (myc_spore_decode(e->data, len, &e->sp, NULL)) {
		kfree(e);
		return NULL;
	}
	e->received_ms = myc_real_ms();
	return e;
}

void myc_spore_event(struct myc_net *mn, const struct myc_spore *sp, u8 state,
		     u8 reason)
{
	struct myc_event ev = {
		.type = MYC_EV_SPORE,
		.reason = reason,
		.state = state,
		.peer = sp->origin,
		.spore_id = sp->id,
		.spore_id_len = sp->id_len,
	};

	myc_event(mn, &ev);
}

/* Sending */

static void myc_spore_class(u8 type, u8 *guarantee, u8 *priority)
{
	switch (type) {
	case MYC_SPORE_PRIMARY:
		*guarantee = MYC_GUARANTEE_GUARANTEED;
		*priority = MYC_PRIORITY_MAX;
		break;
	case MYC_SPORE_SEED:
		*guarantee = MYC_GUARANTEE_HIGH;
		*priority = 4;
		break;
	default:
		*guarantee = MYC_GUARANTEE_BEST_EFFORT;
		*priority = MYC_PRIORITY_MIN;
		break;
	}
}

/*
 * Queue len bytes as one message of chunk kind to peer (process context):
 * chunks of a frame each, like tx.c does for a socket, charged to nobody.
 */
static int myc_spore_send(struct myc_peer *peer, u8 kind, const u8 *data,
			  u32 len, u8 guarantee, u8 priority)
{
	const struct myc_msg_meta meta = {
		.cls = MYC_CLASS_SPORE,
		.priority = priority,
		.kind = kind,
	};
	struct myc_chunk c = {
		.kind = kind,
		.cls = MYC_CLASS_SPORE,
		.priority = priority,
		.total = len,
	};
	unsigned int level = myc_sched_level(MYC_CLASS_SPORE, priority);
	u32 offset = 0;
	u64 deadline;

	c.guarantee = max_t(u8, guarantee, READ_ONCE(peer->prof.rel));
	deadline = c.guarantee != MYC_GUARANTEE_BEST_EFFORT ?
		   myc_rel_deadline(0) : 0;
	spin_lock_bh(&peer->lock);
	c.msn = peer->tx_msn[c.guarantee]++;
	spin_unlock_bh(&peer->lock);

	while (offset < len) {
		struct sk_buff *skb;

		c.offset = offset;
		c.len = min_t(u32, len - offset, MYC_CHUNK_DATA_MAX);
		skb = alloc_skb(MYC_XMIT_HEADROOM + MYC_HDR_LEN +
				MYC_CHUNK_HDR_LEN + c.len, GFP_KERNEL);
		if (!skb)
			break;
		skb_reserve(skb, MYC_XMIT_HEADROOM + MYC_HDR_LEN);
		if (!myc_chunk_hdr_encode(skb_put(skb, MYC_CHUNK_HDR_LEN),
					  MYC_CHUNK_HDR_LEN, &c)) {
			kfree_skb(skb);
			break;
		}
		skb_put_data(skb, data + offset, c.len);
		myc_sched_queue(peer, NULL, skb, &c, level, deadline, &meta);
		offset += c.len;
	}
	if (offset)
		myc_sched_push(peer);
	if (offset < len) {
		/* the receiver must not wait for the rest */
		if (c.guarantee != MYC_GUARANTEE_BEST_EFFORT)
			myc_rel_skip(peer, c.guarantee, c.msn);
		return -ENOMEM;
	}
	if (kind == MYC_CK_SPORE) {
		myc_stat_inc(&peer->stats, MYC_STAT_SPORES_TX);
		myc_stat_inc(&peer->mn->stats, MYC_STAT_SPORES_TX);
	}
	return 0;
}

/*
 * The ready peers of mn but exclude and origin, each with a reference, in
 * a new array (NULL when there are none); *n gets their number.
 */
static struct myc_peer **myc_spore_peers(struct myc_net *mn, u64 exclude,
					 u64 origin, unsigned int *n)
{
	struct myc_peer **v, *peer;
	unsigned int max, i = 0;
	int bkt;

	*n = 0;
	max = READ_ONCE(mn->nr_peers);
	if (!max)
		return NULL;
	v = kcalloc(max, sizeof(*v), GFP_KERNEL);
	if (!v)
		return NULL;
	rcu_read_lock();
	hash_for_each_rcu(mn->peers, bkt, peer, hnode) {
		if (i == max)
			break;
		if (peer->id == exclude || peer->id == origin ||
		    !myc_peer_ready(peer) || READ_ONCE(peer->dead) ||
		    !refcount_inc_not_zero(&peer->refcnt))
			continue;
		v[i++] = peer;
	}
	rcu_read_unlock();
	*n = i;
	if (!i) {
		kfree(v);
		return NULL;
	}
	return v;
}

static void myc_spore_peers_put(struct myc_peer **v, unsigned int n)
{
	while (n--)
		myc_peer_put(v[n]);
	kfree(v);
}

/*
 * Send a spore to every ready peer but exclude (primary, seed), or to
 * fanout random ones (latent).  Process context.
 */
static void myc_spore_spread(struct myc_net *mn, const u8 *data, u32 len,
			     const struct myc_spore *sp, u64 exclude)
{
	unsigned int n, i, fanout;
	struct myc_peer **v;
	u8 g, prio;

	v = myc_spore_peers(mn, exclude,
			    sp->type == MYC_SPORE_LATENT ? sp->origin : 0, &n);
	if (!v)
		return;
	myc_spore_class(sp->type, &g, &prio);
	fanout = sp->type == MYC_SPORE_LATENT ? min(n, MYC_GOSSIP_FANOUT) : n;
	for (i = 0; i < fanout; i++) {
		if (sp->type == MYC_SPORE_LATENT) {
			/* pick one of those not picked yet: v[i..n-1] */
			unsigned int j = i + get_random_u32() % (n - i);

			swap(v[i], v[j]);
		}
		myc_spore_send(v[i], MYC_CK_SPORE, data, len, g, prio);
	}
	myc_spore_peers_put(v, n);
}

/* Copy a spore's bytes out (to send them unlocked); GFP_ATOMIC. */
static u8 *myc_spore_copy(const struct myc_spore_ent *e)
{
	return kmemdup(e->data, e->len, GFP_ATOMIC);
}

static void myc_spore_spread_copy(struct myc_net *mn, u8 *copy, u32 len,
				  u64 exclude)
{
	struct myc_spore sp;

	if (copy && !myc_spore_decode(copy, len, &sp, NULL))
		myc_spore_spread(mn, copy, len, &sp, exclude);
	kfree(copy);
}

/* The table */

void myc_spore_unhold(struct myc_net *mn, struct myc_spore_ent *e)
{
	hash_del(&e->hnode);
	mn->nr_spores--;
}

static void myc_spore_add_rejected(struct myc_net *mn,
				   struct myc_spore_ent *e)
{
	struct myc_spore_ent *old;

	e->state = MYC_SPORE_REJECTED;
	myc_spore_forget(mn, e);
	list_add_tail(&e->list, &mn->spore_rejected);
	if (++mn->nr_rejected > MYC_SPORE_REJECTED_MAX) {
		old = list_first_entry(&mn->spore_rejected,
				       struct myc_spore_ent, list);
		list_del(&old->list);
		mn->nr_rejected--;
		kfree(old);
	}
}

/*
 * Hold e, replacing the held spore of its id, which goes to *old (to free
 * and tell once unlocked).  -ENOSPC when the table is full.  spore_lock.
 */
static int myc_spore_hold(struct myc_net *mn, struct myc_spore_ent *e,
			  struct myc_spore_ent **old)
{
	struct myc_spore_ent *h = myc_spore_held(mn, e->sp.id, e->sp.id_len);

	*old = NULL;
	if (!h && mn->nr_spores >= READ_ONCE(mn->spore_limit))
		return -ENOSPC;
	if (h) {
		myc_spore_unhold(mn, h);
		/* it lost: offered again, it would lose again */
		if (h->bhash != e->bhash || !myc_spore_same(h, e->data, e->len))
			myc_spore_forget(mn, h);
		*old = h;
	}
	e->state = MYC_SPORE_ACCEPTED;
	if (e->sp.type == MYC_SPORE_LATENT && e->v.forward) {
		e->gossip_left = MYC_GOSSIP_ROUNDS;
		e->next_gossip_us = myc_now_us() + MYC_GOSSIP_US;
	}
	hash_add(mn->spores, &e->hnode, myc_spore_hash(e->sp.id, e->sp.id_len));
	mn->nr_spores++;
	return 0;
}

/*
 * Apply a verdict to e (off every list): hold it or keep it as rejected,
 * tell, and forward it when told to.  Process context, no lock held.
 */
int myc_spore_apply(struct myc_net *mn, struct myc_spore_ent *e,
		    struct netlink_ext_ack *extack)
{
	struct myc_spore_ent *old = NULL;
	u64 from = e->from;
	u32 len = e->len;
	u8 *copy = NULL;
	int err = 0;

	spin_lock_bh(&mn->spore_lock);
	if (e->v.state == MYC_SPORE_ACCEPTED) {
		err = myc_spore_hold(mn, e, &old);
		if (!err && e->v.forward)
			copy = myc_spore_copy(e);
	} else {
		myc_spore_add_rejected(mn, e);
	}
	if (!err)
		myc_spore_event(mn, &e->sp, e->state, MYC_EVR_VERDICT);
	if (old)
		myc_spore_event(mn, &old->sp, MYC_SPORE_REPLACED,
				MYC_EVR_VERDICT);
	spin_unlock_bh(&mn->spore_lock);
	kfree(old);
	if (err) {
		NL_SET_ERR_MSG(extack, "the node holds spore-limit spores already");
		myc_stat_inc(&mn->stats, MYC_STAT_SPORES_DROPPED);
		kfree(e);
		return err;
	}
	/* e belongs to the table now: it may be gone already */
	if (copy)
		myc_spore_spread_copy(mn, copy, len, from);
	return 0;
}

/* Receiving */

void myc_spore_input(struct myc_net *mn, struct sk_buff *skb)
{
	struct myc_skb_cb *cb = MYC_SKB_CB(skb);
	struct myc_peer *peer;

	rcu_read_lock();
	peer = myc_peer_lookup_rcu(mn, cb->src.smyc_node);
	if (peer && cb->kind == MYC_CK_SPORE)
		myc_stat_inc(&peer->stats, MYC_STAT_SPORES_RX);
	rcu_read_unlock();
	if (skb_queue_len(&mn->spore_rxq) >= MYC_SPORE_RXQ_MAX) {
		myc_stat_inc(&mn->stats, MYC_STAT_SPORES_DROPPED);
		kfree_skb(skb);
		return;
	}
	skb_queue_tail(&mn->spore_rxq, skb);
	mod_delayed_work(myc_wq, &mn->spore_work, 0);
}

/*
 * To the daemon: a spore that came, with its cookie.  The message is made
 * before the entry is (GFP_KERNEL: no lock held), filled under spore_lock
 * and sent after it, so that nothing touches the entry unlocked: a
 * verdict may free it as soon as the lock is dropped.
 */
static struct sk_buff *myc_spore_ntf_new(u32 len)
{
	return genlmsg_new(nla_total_size(len) + 128, GFP_KERNEL);
}

static int myc_spore_ntf_fill(struct sk_buff *msg,
			      const struct myc_spore_ent *e)
{
	void *hdr;

	hdr = genlmsg_put(msg, 0, 0, &myc_genl_family, 0, MYC_CMD_SPORE_NTF);
	if (!hdr ||
	    nla_put_u64_64bit(msg, MYC_A_SPORE_COOKIE, e->cookie,
			      MYC_A_SPORE_PAD) ||
	    nla_put_u64_64bit(msg, MYC_A_SPORE_FROM, e->from,
			      MYC_A_SPORE_PAD) ||
	    nla_put(msg, MYC_A_SPORE_BLOB, e->len, e->data))
		return -EMSGSIZE;
	genlmsg_end(msg, hdr);
	return 0;
}

static void myc_spore_rx_one(struct myc_net *mn, u64 from, const u8 *data,
			     u32 len)
{
	struct myc_peer *peer = myc_peer_lookup(mn, from);
	struct sk_buff *msg = NULL;
	struct myc_spore_ent *e;
	struct myc_spore sp;
	enum myc_stat drop;
	u32 portid;
	u64 bhash;

	if (myc_spore_decode(data, len, &sp, NULL)) {
		myc_stat_inc(&mn->stats, MYC_STAT_RX_MALFORMED);
		if (peer)
			myc_stat_inc(&peer->stats, MYC_STAT_RX_MALFORMED);
		goto out;
	}
	myc_stat_inc(&mn->stats, MYC_STAT_SPORES_RX);
	bhash = myc_spore_bhash(data, len);
	msg = myc_spore_ntf_new(len);
	spin_lock_bh(&mn->spore_lock);
	if (myc_spore_seen(mn, &sp, data, len, bhash)) {
		drop = MYC_STAT_SPORES_DUP;
		goto unlock_drop;
	}
	drop = MYC_STAT_SPORES_DROPPED;
	portid = READ_ONCE(mn->daemon_portid);
	if (!msg || !portid || mn->nr_pending >= MYC_SPORE_PENDING_MAX)
		goto unlock_drop;
	e = myc_spore_ent_new(data, len, GFP_ATOMIC);
	if (!e)
		goto unlock_drop;
	e->state = MYC_SPORE_PENDING;
	e->from = from;
	e->cookie = ++mn->spore_cookie;
	e->deadline_us = myc_now_us() + MYC_SPORE_VERDICT_US;
	list_add_tail(&e->list, &mn->spore_pending);
	mn->nr_pending++;
	if (myc_spore_ntf_fill(msg, e)) {
		/* no verdict will come: the deadline drops the entry */
		nlmsg_free(msg);
		msg = NULL;
	}
	spin_unlock_bh(&mn->spore_lock);
	if (msg && !READ_ONCE(myc_genl_gone))
		genlmsg_unicast(mn->net, msg, portid);
	else
		nlmsg_free(msg);
	goto out;
unlock_drop:
	spin_unlock_bh(&mn->spore_lock);
	nlmsg_free(msg);
	myc_stat_inc(&mn->stats, drop);
	if (peer)
		myc_stat_inc(&peer->stats, drop);
out:
	if (peer)
		myc_peer_put(peer);
}

struct myc_spore_ent *myc_spore_take_pending(struct myc_net *mn, u64 cookie)
{
	struct myc_spore_ent *e;

	spin_lock_bh(&mn->spore_lock);
	list_for_each_entry(e, &mn->spore_pending, list) {
		if (e->cookie == cookie) {
			list_del_init(&e->list);
			mn->nr_pending--;
			spin_unlock_bh(&mn->spore_lock);
			return e;
		}
	}
	spin_unlock_bh(&mn->spore_lock);
	return NULL;
}

/* Anti-entropy */

/* The digests (first bytes) of what we hold, in a new buffer; *len. */
static u8 *myc_spore_summary(struct myc_net *mn, u32 *len)
{
	struct myc_spore_ent *e;
	u32 n = 0, max;
	int bkt;
	u8 *buf;

	spin_lock_bh(&mn->spore_lock);
	max = min_t(u32, mn->nr_spores, MYC_SPORE_SUM_MAX);
	buf = max ? kmalloc_array(max, MYC_SPORE_SUM_LEN, GFP_ATOMIC) : NULL;
	if (buf) {
		hash_for_each(mn->spores, bkt, e, hnode) {
			if (n == max)
				break;
			memcpy(buf + n * MYC_SPORE_SUM_LEN, e->v.digest,
			       MYC_SPORE_SUM_LEN);
			n++;
		}
	}
	spin_unlock_bh(&mn->spore_lock);
	*len = n * MYC_SPORE_SUM_LEN;
	return buf;
}

static void myc_spore_send_summary(struct myc_net *mn, struct myc_peer *peer)
{
	u32 len;
	u8 *sum = myc_spore_summary(mn, &len);

	if (sum && len)
		myc_spore_send(peer, MYC_CK_SPORE_SUMMARY, sum, len,
			       MYC_GUARANTEE_HIGH, 4);
	kfree(sum);
}

static struct myc_spore_ent *myc_spore_by_digest(struct myc_net *mn,
						 const u8 *d)
{
	struct myc_spore_ent *e;
	int bkt;

	hash_for_each(mn->spores, bkt, e, hnode)
		if (!memcmp(e->v.digest, d, MYC_SPORE_SUM_LEN))
			return e;
	return NULL;
}

/* A peer's summary: ask for what we do not hold. */
static void myc_spore_rx_summary(struct myc_net *mn, struct myc_peer *peer,
				 const u8 *sum, u32 len)
{
	u32 i, n = 0;
	u8 *want;

	want = kmalloc(len, GFP_KERNEL);
	if (!want)
		return;
	spin_lock_bh(&mn->spore_lock);
	for (i = 0; i + MYC_SPORE_SUM_LEN <= len; i += MYC_SPORE_SUM_LEN) {
		if (myc_spore_by_digest(mn, sum + i) ||
		    myc_spore_gone_digest(mn, sum + i))
			continue;
		memcpy(want + n, sum + i, MYC_SPORE_SUM_LEN);
		n += MYC_SPORE_SUM_LEN;
	}
	spin_unlock_bh(&mn->spore_lock);
	if (n)
		myc_spore_send(peer, MYC_CK_SPORE_WANT, want, n,
			       MYC_GUARANTEE_HIGH, 4);
	kfree(want);
}

/* A peer wants these: send the ones we hold, each by its type. */
static void myc_spore_rx_want(struct myc_net *mn, struct myc_peer *peer,
			      const u8 *want, u32 len)
{
	struct myc_spore_ent *e;
	u8 *copy, g = 0, prio = 0;
	u32 i, clen = 0;

	for (i = 0; i + MYC_SPORE_SUM_LEN <= len; i += MYC_SPORE_SUM_LEN) {
		spin_lock_bh(&mn->spore_lock);
		e = myc_spore_by_digest(mn, want + i);
		copy = e ? myc_spore_copy(e) : NULL;
		if (copy) {
			myc_spore_class(e->sp.type, &g, &prio);
			clen = e->len;
		}
		spin_unlock_bh(&mn->spore_lock);
		if (!copy)
			continue;
		/* asked for: at least high, so that it is not lost again */
		myc_spore_send(peer, MYC_CK_SPORE, copy, clen,
			       max_t(u8, g, MYC_GUARANTEE_HIGH), prio);
		kfree(copy);
	}
}

void myc_spore_peer_ready(struct myc_peer *peer)
{
	struct myc_net *mn = peer->mn;

	set_bit(0, &peer->spore_sync);
	set_bit(0, &mn->spore_sync);
	mod_delayed_work(myc_wq, &mn->spore_work, 0);
}

/* The work */

static void myc_spore_rx_queue(struct myc_net *mn)
{
	struct sk_buff *skb;

	while ((skb = skb_dequeue(&mn->spore_rxq))) {
		struct myc_skb_cb *cb = MYC_SKB_CB(skb);
		struct myc_peer *peer;

		/* a reassembled message is all in page fragments */
		if (skb_linearize(skb)) {
			myc_stat_inc(&mn->stats, MYC_STAT_SPORES_DROPPED);
			kfree_skb(skb);
			continue;
		}
		if (cb->kind == MYC_CK_SPORE) {
			myc_spore_rx_one(mn, cb->src.smyc_node, skb->data,
					 skb->len);
		} else {
			peer = myc_peer_lookup(mn, cb->src.smyc_node);
			if (peer && cb->kind == MYC_CK_SPORE_SUMMARY)
				myc_spore_rx_summary(mn, peer, skb->data,
						     skb->len);
			else if (peer)
				myc_spore_rx_want(mn, peer, skb->data,
						  skb->len);
			if (peer)
				myc_peer_put(peer);
		}
		kfree_skb(skb);
		cond_resched();
	}
}

/*
 * Drop verdicts that did not come and held spores that expired; pick the
 * latent spores due for a gossip round (their copies go on *gossip).
 * Returns whether anything is left to look at later.
 */
static bool myc_spore_timers(struct myc_net *mn, struct list_head *gossip,
			     struct myc_spore_ask *ask, unsigned int *n_ask)
{
	struct myc_spore_ent *e, *tmp;
	u64 now = myc_now_us(), now_ms = myc_real_ms();
	struct hlist_node *n;
	bool gone;
	int bkt;

	spin_lock_bh(&mn->spore_lock);
	list_for_each_entry_safe(e, tmp, &mn->spore_pending, list) {
		if (e->deadline_us > now)
			continue;
		list_del(&e->list);
		mn->nr_pending--;
		myc_stat_inc(&mn->stats, MYC_STAT_SPORES_DROPPED);
		kfree(e);
	}
	hash_for_each_safe(mn->spores, bkt, n, e, hnode) {
		if (myc_spore_expiry_ms(&e->sp) <= now_ms) {
			myc_spore_unhold(mn, e);
			myc_spore_event(mn, &e->sp, MYC_SPORE_EXPIRED,
					MYC_EVR_TTL);
			kfree(e);
			continue;
		}
		if (e->gossip_left && e->next_gossip_us <= now) {
			struct myc_spore_ent *g;

			g = myc_spore_ent_new(e->data, e->len, GFP_ATOMIC);
			if (!g)
				continue;
			g->from = e->from;
			list_add_tail(&g->list, gossip);
			e->gossip_left--;
			e->next_gossip_us = now + MYC_GOSSIP_US;
		}
	}
	gone = myc_spore_gone_expire(mn, now_ms, ask, n_ask);
	spin_unlock_bh(&mn->spore_lock);
	return mn->nr_spores || mn->nr_pending || gone;
}

/*
 * A summary to each peer that became ready since (many may at once, as a
 * node joins), and every MYC_SPORE_SYNC_US to one ready peer at random.
 */
static void myc_spore_sync(struct myc_net *mn)
{
	u64 now = myc_now_us();
	struct myc_peer **v;
	unsigned int n, i;
	bool random;

	random = now >= mn->next_sync_us;
	/* (a peer that sets its bit after the walk sets this one again) */
	if (!test_and_clear_bit(0, &mn->spore_sync) && !random)
		return;
	v = myc_spore_peers(mn, 0, 0, &n);
	if (!v)
		return;
	if (random)
		mn->next_sync_us = now + MYC_SPORE_SYNC_US;
	for (i = 0; i < n; i++)
		if (test_and_clear_bit(0, &v[i]->spore_sync))
			myc_spore_send_summary(mn, v[i]);
	if (random)
		myc_spore_send_summary(mn, v[get_random_u32_below(n)]);
	myc_spore_peers_put(v, n);
}

static void myc_spore_work(struct work_struct *work)
{
	struct myc_net *mn = container_of(to_delayed_work(work),
					  struct myc_net, spore_work);
	struct myc_spore_ent *e, *tmp;
	LIST_HEAD(gossip);
	struct myc_spore_ask ask[MYC_SPORE_ASK_MAX];
	unsigned int n_ask = 0, i;
	bool again;

	myc_spore_rx_queue(mn);
	again = myc_spore_timers(mn, &gossip, ask, &n_ask);
	list_for_each_entry_safe(e, tmp, &gossip, list) {
		list_del(&e->list);
		myc_spore_spread(mn, e->data, e->len, &e->sp, e->from);
		kfree(e);
	}
	/* refused for a while: ask the peer that sent it once more */
	for (i = 0; i < n_ask; i++) {
		struct myc_peer *peer = myc_peer_lookup(mn, ask[i].from);

		if (!peer)
			continue;
		myc_spore_send(peer, MYC_CK_SPORE_WANT, ask[i].sum,
			       MYC_SPORE_SUM_LEN, MYC_GUARANTEE_HIGH, 4);
		myc_peer_put(peer);
	}
	myc_spore_sync(mn);
	if (again || READ_ONCE(mn->nr_peers))
		mod_delayed_work(myc_wq, &mn->spore_work, HZ);
}

void myc_spore_init_net(struct myc_net *mn)
{
	spin_lock_init(&mn->spore_lock);
	hash_init(mn->spores);
	INIT_LIST_HEAD(&mn->spore_pending);
	INIT_LIST_HEAD(&mn->spore_rejected);
	myc_spore_gone_init(mn);
	skb_queue_head_init(&mn->spore_rxq);
	INIT_DELAYED_WORK(&mn->spore_work, myc_spore_work);
	mn->spore_limit = MYC_DEFAULT_SPORE_LIMIT;
	mn->next_sync_us = myc_now_us() + MYC_SPORE_SYNC_US;
}

/* The node goes: after its peers (nothing queues work any more). */
void myc_spore_exit_net(struct myc_net *mn)
{
	struct myc_spore_ent *e, *tmp;
	struct hlist_node *n;
	int bkt;

	cancel_delayed_work_sync(&mn->spore_work);
	skb_queue_purge(&mn->spore_rxq);
	hash_for_each_safe(mn->spores, bkt, n, e, hnode) {
		hash_del(&e->hnode);
		kfree(e);
	}
	list_for_each_entry_safe(e, tmp, &mn->spore_pending, list)
		kfree(e);
	list_for_each_entry_safe(e, tmp, &mn->spore_rejected, list)
		kfree(e);
	myc_spore_gone_purge(mn);
	mn->nr_spores = 0;
	mn->nr_pending = 0;
	mn->nr_rejected = 0;
}
