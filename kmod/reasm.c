// SPDX-License-Identifier: GPL-2.0
/*
 * Reassembly of fragmented messages.
 *
 * Each peer keeps a list of partial messages (peer->reasm, oldest first),
 * keyed by (guarantee, message sequence number).  A partial message holds
 * the fragments received so far, each copied into an skb of its own size,
 * on a list sorted by offset.  The pieces are disjoint: a fragment that
 * overlaps what is held keeps only its new bytes, and replaces the pieces
 * it covers whole.  Memory follows the bytes received; nothing is sized by
 * the total a fragment claims.  When the pieces cover [0, total) they are
 * chained into one skb (the first piece, the others on its frag_list), which
 * every consumer reads with skb_copy_datagram_msg() or skb_copy_bits().
 *
 * Memory is counted by truesize (the pieces and the message's own struct),
 * per peer (peer->reasm_mem) and per node (mn->reasm_mem), and bounded by
 * the node settings reasm-peer-max and reasm-node-max; a peer also has at
 * most MYC_REASM_MAX_MSGS partial messages.  A fragment that would cross a
 * bound first makes room by giving up the peer's partial messages newer
 * than its own, newest first (older ones are closer to complete, and so
 * the oldest one can always finish).  If that is not enough, a best-effort
 * fragment is dropped with its message; a reliable one is refused: left
 * unacknowledged, it comes again.  When the node bound is what stopped it,
 * rx.c calls myc_reasm_reclaim(), which gives up the newest partial
 * messages of the peer holding the most (if it holds more than the asker)
 * and sets the room aside for the asker under that peer's lock, so that
 * the hog cannot take it back first; then the fragment is tried once more
 * with it.  So a peer cannot hold another one's traffic up by filling the
 * node.
 *
 * Giving a partial message up drops a best-effort one.  A reliable one's
 * fragments were acknowledged, so it is returned to its sender instead (a
 * REJECT chunk, errno ENOBUFS or ETIMEDOUT, with the data of its first
 * fragment if held) and its number marked done, so that neither side waits
 * for it (myc_rel_rx_abandon()); one that cannot be returned now (the
 * REJECT queue is full, no memory) is kept.  Every message given up is
 * counted in mn->reasm_drops.  Best-effort partial messages expire
 * MYC_REASM_TIMEOUT after their first fragment; reliable ones are returned
 * once MYC_REASM_REL_TIMEOUT passed without a new byte taken.  Expiry runs
 * on each fragment and from the peer's health timer, so a silent peer's
 * partial messages go too.  All are freed with the peer.
 *
 * Locking: a peer's list and peer->reasm_mem under peer->lock (read with
 * READ_ONCE() outside); mn->reasm_mem is atomic and added to before a piece
 * is stored (a reservation too), so the node bound holds across CPUs.
 * myc_reasm_reclaim() runs with no lock held and takes one peer's lock.
 * GFP_ATOMIC allocations: one piece (at most a fragment) and one struct
 * per fragment, charged to the bounds.
 */
#include <linux/jiffies.h>
#include <linux/list.h>
#include <linux/log2.h>
#include <linux/sizes.h>
#include <linux/skbuff.h>
#include <linux/slab.h>

#include "myc.h"

#define MYC_REASM_MAX_MSGS	1024
#define MYC_REASM_TIMEOUT	(5 * HZ)
#define MYC_REASM_REL_TIMEOUT	(60 * HZ)

struct myc_reasm {
	struct list_head list;		/* peer->reasm, oldest first */
	struct sk_buff_head frags;	/* pieces, by offset, disjoint */
	u64 msn;
	u32 total;
	u32 received;			/* bytes in frags */
	u32 mem;			/* truesize charged: frags + this */
	unsigned long expires;		/* jiffies */
	u8 guarantee;
	u8 flags;			/* MYC_CF_SERVICE, MYC_CF_ENDPOINT */
	u8 cls;
	u8 priority;
	u32 src_port;
	u32 dst_id;
};

/* A piece's offset in its message. */
#define MYC_PIECE_OFF(skb) (*(u32 *)(skb)->cb)

static void myc_reasm_uncharge(struct myc_peer *peer, unsigned int size)
{
	WRITE_ONCE(peer->reasm_mem, peer->reasm_mem - size);
	atomic_long_sub(size, &peer->mn->reasm_mem);
}

/*
 * Charge size bytes, out of *reserve (node memory myc_reasm_reclaim() set
 * aside) when it holds enough: 0, -ENOBUFS (peer bound) or -EAGAIN (node
 * bound).
 */
static int myc_reasm_charge(struct myc_peer *peer, unsigned int size,
			    unsigned int *reserve)
{
	struct myc_net *mn = peer->mn;

	if (peer->reasm_mem + size > READ_ONCE(mn->reasm_peer_max))
		return -ENOBUFS;
	if (reserve && *reserve >= size) {
		*reserve -= size;
	} else if (atomic_long_add_return(size, &mn->reasm_mem) >
		   READ_ONCE(mn->reasm_node_max)) {
		atomic_long_sub(size, &mn->reasm_mem);
		return -EAGAIN;
	}
	WRITE_ONCE(peer->reasm_mem, peer->reasm_mem + size);
	return 0;
}

void myc_reasm_unreserve(struct myc_net *mn, unsigned int reserve)
{
	if (reserve)
		atomic_long_sub(reserve, &mn->reasm_mem);
}

static void myc_reasm_free(struct myc_peer *peer, struct myc_reasm *r)
{
	list_del(&r->list);
	peer->reasm_count--;
	myc_reasm_uncharge(peer, r->mem);
	__skb_queue_purge(&r->frags);
	kfree(r);
}

void myc_reasm_purge(struct myc_peer *peer)
{
	struct myc_reasm *r, *tmp;

	list_for_each_entry_safe(r, tmp, &peer->reasm, list)
		myc_reasm_free(peer, r);
}

/* The sender gave up on message msn: forget its fragments. */
void myc_reasm_drop(struct myc_peer *peer, u8 guarantee, u64 msn)
{
	struct myc_reasm *r;

	list_for_each_entry(r, &peer->reasm, list) {
		if (r->msn == msn && r->guarantee == guarantee) {
			myc_reasm_free(peer, r);
			return;
		}
	}
}

/*
 * Give r up: drop it (best effort) or return it to its sender with err
 * (reliable).  False if a reliable one cannot be returned now: it is kept.
 */
static bool myc_reasm_give_up(struct myc_peer *peer, struct myc_reasm *r,
			      int err)
{
	struct sk_buff *skb, *first;
	struct myc_skb_cb *cb;

	if (r->guarantee != MYC_GUARANTEE_BEST_EFFORT) {
		/* the first fragment goes back with it, if held */
		first = skb_peek(&r->frags);
		if (first && !MYC_PIECE_OFF(first)) {
			__skb_unlink(first, &r->frags);
			skb = first;
		} else {
			first = NULL;
			skb = alloc_skb(0, GFP_ATOMIC);
			if (!skb)
				return false;
		}
		cb = MYC_SKB_CB(skb);
		memset(cb, 0, sizeof(*cb));
		cb->src.smyc_id = r->src_port;
		cb->dst_id = r->dst_id;
		cb->service = r->flags & MYC_CF_SERVICE;
		cb->endpoint = r->flags & MYC_CF_ENDPOINT;
		cb->cls = r->cls;
		cb->priority = r->priority;
		cb->guarantee = r->guarantee;
		cb->msn = r->msn;
		cb->kind = MYC_CK_MSG;
		cb->total = r->total;
		cb->err = err;
		if (!myc_rel_rx_abandon(peer, skb)) {
			if (first) {
				MYC_PIECE_OFF(first) = 0;	/* cb reused */
				__skb_queue_head(&r->frags, first);
			} else {
				kfree_skb(skb);
			}
			return false;
		}
	}
	myc_reasm_free(peer, r);
	atomic64_inc(&peer->mn->reasm_drops);
	myc_stat_inc(&peer->stats, MYC_STAT_RX_DROP);
	return true;
}

void myc_reasm_expire(struct myc_peer *peer)
{
	struct myc_reasm *r, *tmp;

	list_for_each_entry_safe(r, tmp, &peer->reasm, list) {
		if (time_before(jiffies, r->expires))
			continue;
		myc_reasm_give_up(peer, r, ETIMEDOUT);
	}
}

/* Give up the newest partial message newer than own; false if none. */
static bool myc_reasm_evict_newer(struct myc_peer *peer,
				  struct myc_reasm *own)
{
	struct myc_reasm *r, *tmp;

	list_for_each_entry_safe_reverse(r, tmp, &peer->reasm, list) {
		if (r == own)
			break;
		if (myc_reasm_give_up(peer, r, ENOBUFS))
			return true;
	}
	return false;
}

/*
 * Charge size for a piece of own (NULL: a new message, the newest).  The
 * node bound gives up nothing of this peer's before myc_reasm_reclaim()
 * had its go (reserve set): the memory may be another peer's.
 */
static int myc_reasm_room(struct myc_peer *peer, struct myc_reasm *own,
			  unsigned int size, unsigned int *reserve)
{
	int err;

	while ((err = myc_reasm_charge(peer, size, reserve))) {
		if (!own || (err == -EAGAIN && !reserve) ||
		    !myc_reasm_evict_newer(peer, own))
			return err;
	}
	return 0;
}

/*
 * No room for a fragment of r (NULL: a new message): a reliable one is
 * refused, a best-effort one dropped with its message.
 */
static int myc_reasm_refuse(struct myc_peer *peer, struct myc_reasm *r,
			    bool reliable)
{
	if (reliable)
		return -ENOBUFS;
	if (r) {
		myc_reasm_give_up(peer, r, 0);
	} else {
		atomic64_inc(&peer->mn->reasm_drops);
		myc_stat_inc(&peer->stats, MYC_STAT_RX_DROP);
	}
	return 0;
}

static struct myc_reasm *myc_reasm_find(struct myc_peer *peer, u8 guarantee,
					u64 msn)
{
	struct myc_reasm *r;

	/* newest first: the message a fragment belongs to usually is */
	list_for_each_entry_reverse(r, &peer->reasm, list)
		if (r->msn == msn && r->guarantee == guarantee)
			return r;
	return NULL;
}

/* The pieces of a complete message, chained into one skb. */
static struct sk_buff *myc_reasm_chain(struct myc_reasm *r)
{
	struct sk_buff *head = __skb_dequeue(&r->frags), *skb, **tail;

	tail = &skb_shinfo(head)->frag_list;
	while ((skb = __skb_dequeue(&r->frags))) {
		*tail = skb;
		tail = &skb->next;
		head->len += skb->len;
		head->data_len += skb->len;
		head->truesize += skb->truesize;
	}
	return head;
}

int myc_reasm_add(struct myc_peer *peer, const struct myc_chunk *c,
		  unsigned int *reserve, struct sk_buff **out)
{
	bool reliable = c->guarantee != MYC_GUARANTEE_BEST_EFFORT;
	u32 start = c->offset, end = c->offset + c->len;
	struct sk_buff *skb, *p, *tmp;
	struct myc_reasm *r;
	unsigned int size;
	int err;

	BUILD_BUG_ON(sizeof(struct myc_skb_cb) >
		     sizeof_field(struct sk_buff, cb));
	*out = NULL;
	myc_reasm_expire(peer);

	r = myc_reasm_find(peer, c->guarantee, c->msn);
	if (r && c->total != r->total) {
		/* fragments disagree about the message */
		return myc_reasm_refuse(peer, r, reliable);
	}
	if (!c->len || end > c->total)
		return 0;
	if (!r && reliable &&
	    myc_seqwin_check(&peer->rx_seq[c->guarantee ==
					   MYC_GUARANTEE_GUARANTEED],
			     c->msn) != MYC_SEQ_NEW) {
		myc_stat_inc(&peer->stats, MYC_STAT_RX_DUP);
		return 0;	/* done (returned) meanwhile */
	}

	/* what is new of [start, end): the pieces held are disjoint */
	if (r) {
		p = skb_peek_tail(&r->frags);
		if (p && MYC_PIECE_OFF(p) + p->len > start) {
			skb_queue_walk(&r->frags, p) {
				u32 po = MYC_PIECE_OFF(p), pe = po + p->len;

				if (pe <= start)
					continue;
				if (po >= end)
					break;
				if (po <= start) {
					start = pe;	/* held: its front */
					if (start >= end)
						break;
					continue;
				}
				if (pe >= end) {
					end = po;	/* held: its back */
					break;
				}
			}
		}
		if (start >= end) {
			myc_stat_inc(&peer->stats, MYC_STAT_RX_DUP);
			return 0;
		}
	}

	if (!r && peer->reasm_count >= MYC_REASM_MAX_MSGS)
		return myc_reasm_refuse(peer, NULL, reliable);
	skb = alloc_skb(end - start, GFP_ATOMIC);
	if (!skb)
		return myc_reasm_refuse(peer, r, reliable);
	skb_put_data(skb, c->data + (start - c->offset), end - start);
	MYC_PIECE_OFF(skb) = start;
	size = skb->truesize + (r ? 0 : sizeof(*r));
	err = myc_reasm_room(peer, r, size, reserve);
	if (err) {
		kfree_skb(skb);
		if (err == -EAGAIN && !reserve)
			return err;
		return myc_reasm_refuse(peer, r, reliable);
	}

	if (!r) {
		r = kzalloc(sizeof(*r), GFP_ATOMIC);
		if (!r) {
			myc_reasm_uncharge(peer, size);
			kfree_skb(skb);
			return myc_reasm_refuse(peer, NULL, reliable);
		}
		__skb_queue_head_init(&r->frags);
		r->guarantee = c->guarantee;
		r->msn = c->msn;
		r->total = c->total;
		r->flags = c->flags & (MYC_CF_SERVICE | MYC_CF_ENDPOINT);
		r->cls = c->cls;
		r->priority = c->priority;
		r->src_port = c->src_port;
		r->dst_id = c->dst_id;
		r->mem = sizeof(*r);
		r->expires = jiffies + MYC_REASM_TIMEOUT;
		list_add_tail(&r->list, &peer->reasm);
		peer->reasm_count++;
	}

	/* drop the pieces [start, end) covers whole, insert it in order */
	p = skb_peek_tail(&r->frags);
	if (!p || MYC_PIECE_OFF(p) + p->len <= start) {
		__skb_queue_tail(&r->frags, skb);	/* in order */
	} else {
		skb_queue_walk_safe(&r->frags, p, tmp) {
			if (MYC_PIECE_OFF(p) + p->len <= start)
				continue;
			if (MYC_PIECE_OFF(p) >= end)
				break;
			__skb_unlink(p, &r->frags);
			r->received -= p->len;
			r->mem -= p->truesize;
			myc_reasm_uncharge(peer, p->truesize);
			kfree_skb(p);
		}
		__skb_queue_before(&r->frags, p, skb);
	}
	r->received += skb->len;
	r->mem += skb->truesize;
	if (reliable)
		r->expires = jiffies + MYC_REASM_REL_TIMEOUT;
	if (r->received < r->total)
		return 0;

	*out = myc_reasm_chain(r);
	myc_reasm_free(peer, r);
	return 0;
}

/*
 * The node bound refused a fragment of len bytes of asker's: give up the
 * newest partial messages of the peer holding the most, while the node
 * has no room for it and that peer still holds more than the asker would,
 * and set the room aside for the asker before that peer can take it back.
 * Returns the bytes set aside (charged to the node, to be passed to
 * myc_reasm_add() and then to myc_reasm_unreserve()), or 0.  No lock held
 * (BH context, under RCU).
 */
unsigned int myc_reasm_reclaim(struct myc_net *mn, struct myc_peer *asker,
			       unsigned int len)
{
	/*
	 * What the piece and a new message's struct may take, at most: the
	 * kmalloc'ed head is rounded to a power of two (or is a small head
	 * of under 1 KiB).
	 */
	unsigned int head = SKB_DATA_ALIGN(len) +
			    SKB_DATA_ALIGN(sizeof(struct skb_shared_info));
	unsigned int size = max_t(unsigned int, roundup_pow_of_two(head),
				  SZ_1K) +
			    SKB_DATA_ALIGN(sizeof(struct sk_buff)) +
			    sizeof(struct myc_reasm);
	u32 mine = READ_ONCE(asker->reasm_mem) + size, most = mine;
	unsigned int reserve = 0;
	struct myc_peer *peer, *big = NULL;
	int bkt;

	rcu_read_lock();
	hash_for_each_rcu(mn->peers, bkt, peer, hnode) {
		u32 m = READ_ONCE(peer->reasm_mem);

		if (peer != asker && m > most) {
			most = m;
			big = peer;
		}
	}
	if (!big)
		goto out;
	spin_lock_bh(&big->lock);
	while (!big->dead && big->reasm_mem > mine &&
	       atomic_long_read(&mn->reasm_mem) + size >
	       READ_ONCE(mn->reasm_node_max)) {
		if (!myc_reasm_evict_newer(big, NULL))
			break;
	}
	if (atomic_long_add_return(size, &mn->reasm_mem) <=
	    READ_ONCE(mn->reasm_node_max))
		reserve = size;
	else
		atomic_long_sub(size, &mn->reasm_mem);
	spin_unlock_bh(&big->lock);
	myc_rel_send_rejects(big);
out:
	rcu_read_unlock();
	return reserve;
}
