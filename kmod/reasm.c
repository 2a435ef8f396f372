// SPDX-License-Identifier: GPL-2.0
/*
 * Reassembly of fragmented messages.
 *
 * Each peer keeps a short list of partial messages, keyed by (guarantee,
 * message sequence number).  A partial message owns a paged skb of the
 * message's total size (allocated at the first fragment) and the list of
 * byte intervals received so far; overlapping and duplicate fragments are
 * ignored.  When the intervals cover [0, total) the skb is complete.
 *
 * Bounds (nothing a peer sends can make them grow): at most
 * MYC_REASM_MAX_MSGS partial messages and MYC_REASM_MAX_BYTES of buffers
 * per peer.  Best-effort partial messages are evicted oldest first to make
 * room and expire MYC_REASM_TIMEOUT after their first fragment; reliable
 * ones are never dropped (their fragments were acknowledged): a fragment
 * that finds no room is refused, left unacknowledged and sent again.  All
 * are freed with the peer.  A best-effort message whose fragments leave
 * more than MYC_REASM_MAX_HOLES holes is dropped; for a reliable one the
 * fragment is refused.
 *
 * Locking: everything here runs under peer->lock.
 */
#include <linux/jiffies.h>
#include <linux/list.h>
#include <linux/skbuff.h>
#include <linux/sizes.h>
#include <linux/slab.h>

#include "myc.h"

#define MYC_REASM_MAX_MSGS	64
#define MYC_REASM_MAX_BYTES	(8 * MYC_MAX_MSG_SIZE)
#define MYC_REASM_TIMEOUT	(5 * HZ)
#define MYC_REASM_MAX_HOLES	64

struct myc_reasm {
	struct list_head list;		/* peer->reasm, oldest first */
	u8 guarantee;
	u64 msn;
	u32 total;
	u32 received;
	unsigned long expires;		/* jiffies */
	struct sk_buff *skb;
	unsigned int nr;		/* intervals in use */
	struct {
		u32 start, end;		/* [start, end), sorted, disjoint */
	} iv[MYC_REASM_MAX_HOLES + 1];
};

static void myc_reasm_free(struct myc_peer *peer, struct myc_reasm *r)
{
	list_del(&r->list);
	peer->reasm_bytes -= r->total;
	peer->reasm_count--;
	kfree_skb(r->skb);
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

static void myc_reasm_expire(struct myc_peer *peer)
{
	struct myc_reasm *r, *tmp;

	list_for_each_entry_safe(r, tmp, &peer->reasm, list) {
		if (r->guarantee != MYC_GUARANTEE_BEST_EFFORT ||
		    time_before(jiffies, r->expires))
			continue;
		myc_reasm_free(peer, r);
		myc_stat_inc(&peer->stats, MYC_STAT_RX_DROP);
	}
}

/*
 * Add [start, end) to the interval set; returns 0, or -1 if the set would
 * need more than MYC_REASM_MAX_HOLES intervals.
 */
static int myc_reasm_insert(struct myc_reasm *r, u32 start, u32 end)
{
	unsigned int i, j;

	/* first interval that ends at or after start */
	for (i = 0; i < r->nr && r->iv[i].end < start; i++)
		;
	/* merge every interval that touches [start, end) */
	for (j = i; j < r->nr && r->iv[j].start <= end; j++) {
		start = min(start, r->iv[j].start);
		end = max(end, r->iv[j].end);
	}
	if (j == i) {
		/* no overlap: insert a new interval at i */
		if (r->nr > MYC_REASM_MAX_HOLES)
			return -1;
		memmove(&r->iv[i + 1], &r->iv[i], (r->nr - i) * sizeof(r->iv[0]));
		r->nr++;
	} else {
		/* intervals i..j-1 collapse into one */
		memmove(&r->iv[i + 1], &r->iv[j], (r->nr - j) * sizeof(r->iv[0]));
		r->nr -= j - i - 1;
	}
	r->iv[i].start = start;
	r->iv[i].end = end;
	return 0;
}

/*
 * A paged skb of len bytes (no linear part) that can hold a whole message:
 * pieces of at most 64 KiB chained on the frag_list, because a single skb's
 * page frags are limited to MAX_SKB_FRAGS pages on the kernels we support.
 */
struct sk_buff *myc_alloc_msg_skb(u32 len, gfp_t gfp)
{
	struct sk_buff *head, *skb, **tail;
	u32 first = min_t(u32, len, SZ_64K), rest;
	int err;

	head = alloc_skb_with_frags(0, first, 0, &err, gfp);
	if (!head)
		return NULL;
	head->len = first;
	head->data_len = first;
	tail = &skb_shinfo(head)->frag_list;
	for (rest = len - first; rest; rest -= skb->len) {
		u32 n = min_t(u32, rest, SZ_64K);

		skb = alloc_skb_with_frags(0, n, 0, &err, gfp);
		if (!skb) {
			kfree_skb(head);
			return NULL;
		}
		skb->len = n;
		skb->data_len = n;
		*tail = skb;
		tail = &skb->next;
		head->len += n;
		head->data_len += n;
		head->truesize += skb->truesize;
	}
	return head;
}

static bool myc_reasm_room(struct myc_peer *peer, u32 total)
{
	return peer->reasm_count < MYC_REASM_MAX_MSGS &&
	       peer->reasm_bytes + total <= MYC_REASM_MAX_BYTES;
}

int myc_reasm_add(struct myc_peer *peer, const struct myc_chunk *c,
		  struct sk_buff **out)
{
	bool reliable = c->guarantee != MYC_GUARANTEE_BEST_EFFORT;
	struct myc_reasm *r, *tmp;
	u32 before, n = 0;
	int i;

	*out = NULL;
	myc_reasm_expire(peer);

	list_for_each_entry(r, &peer->reasm, list) {
		if (r->msn == c->msn && r->guarantee == c->guarantee)
			goto found;
	}

	/* make room: evict the oldest best-effort partial messages */
	list_for_each_entry_safe(r, tmp, &peer->reasm, list) {
		if (myc_reasm_room(peer, c->total))
			break;
		if (r->guarantee != MYC_GUARANTEE_BEST_EFFORT)
			continue;
		myc_reasm_free(peer, r);
		myc_stat_inc(&peer->stats, MYC_STAT_RX_DROP);
	}
	if (!myc_reasm_room(peer, c->total))
		return -ENOBUFS;

	r = kzalloc(sizeof(*r), GFP_ATOMIC);
	if (!r)
		return -ENOBUFS;
	r->skb = myc_alloc_msg_skb(c->total, GFP_ATOMIC);
	if (!r->skb) {
		kfree(r);
		return -ENOBUFS;
	}
	r->guarantee = c->guarantee;
	r->msn = c->msn;
	r->total = c->total;
	r->expires = jiffies + MYC_REASM_TIMEOUT;
	list_add_tail(&r->list, &peer->reasm);
	peer->reasm_bytes += r->total;
	peer->reasm_count++;

found:
	if (c->total != r->total) {
		/* fragments disagree about the message */
		if (reliable)
			return -ENOBUFS;
		myc_reasm_free(peer, r);
		myc_stat_inc(&peer->stats, MYC_STAT_RX_DROP);
		return 0;
	}
	if (!c->len)
		return 0;

	before = 0;
	for (i = 0; i < r->nr; i++)
		before += r->iv[i].end - r->iv[i].start;
	if (myc_reasm_insert(r, c->offset, c->offset + c->len)) {
		if (reliable)
			return -ENOBUFS;
		myc_reasm_free(peer, r);
		myc_stat_inc(&peer->stats, MYC_STAT_RX_DROP);
		return 0;
	}
	for (i = 0; i < r->nr; i++)
		n += r->iv[i].end - r->iv[i].start;
	if (n == before) {
		myc_stat_inc(&peer->stats, MYC_STAT_RX_DUP);
		return 0;
	}
	skb_store_bits(r->skb, c->offset, c->data, c->len);
	r->received = n;
	if (r->received < r->total)
		return 0;

	*out = r->skb;
	r->skb = NULL;
	myc_reasm_free(peer, r);
	return 0;
}
