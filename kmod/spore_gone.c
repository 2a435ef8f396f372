// SPDX-License-Identifier: GPL-2.0
/*
 * The spores a node refuses to take again (Documentation/spores.rst):
 * those myceliumd rejected, those ``myc spore del`` removed and those a
 * winning version replaced.  Gossip and anti-entropy keep offering them;
 * without this memory each would be asked for, sent and judged again (at
 * 64 nodes the daemons spent their time on that), and a deleted spore
 * came back from the first peer that still held it.
 *
 * An entry names the spore twice: by a keyed hash of its bytes (a spore
 * pushed to us) and by the first MYC_SPORE_SUM_LEN bytes of its digest
 * (a peer's summary).  It lives until the spore expires, but for a
 * rejection that may not hold later: the trust check (scores move), a
 * timestamp still in the future, or a lost conflict (the votes may
 * change); those at most MYC_SPORE_REFUSE_MS, and when that ends the
 * node asks the peer that sent it for it again (a SPORE_WANT of its
 * digest): without that, it would wait for a random peer's summary (one
 * every 30 s, to one peer of many) and could go without the spore for
 * minutes after it became good.  A bad signature, an expired spore, a
 * replay or an inconsistent one stays bad.  At most MYC_SPORE_GONE_MAX
 * entries, the oldest dropped first.
 *
 * Everything here is under mn->spore_lock; entries belong to the tables
 * and are freed with kfree() under it.
 */
#include <linux/random.h>
#include <linux/siphash.h>
#include <linux/slab.h>

#include "myc.h"
#include "spore.h"

#define MYC_SPORE_GONE_MAX	1024
#define MYC_SPORE_REFUSE_MS	(60 * MSEC_PER_SEC)

struct myc_spore_gone {
	struct hlist_node bnode;	/* mn->spore_gone_b, by bytes */
	struct hlist_node dnode;	/* mn->spore_gone_d, by digest */
	struct list_head list;		/* mn->spore_gone_list, oldest first */
	u64 bhash;
	u64 until_ms;			/* CLOCK_REALTIME */
	u64 ask;			/* then ask this peer for it; 0: none */
	bool have_digest;
	u8 sum[MYC_SPORE_SUM_LEN];
};

static siphash_key_t myc_spore_key __read_mostly;

void myc_spore_key_init(void)
{
	get_random_bytes(&myc_spore_key, sizeof(myc_spore_key));
}

u64 myc_spore_bhash(const u8 *data, u32 len)
{
	return siphash(data, len, &myc_spore_key);
}

static u32 myc_spore_sum_key(const u8 *sum)
{
	u32 k;

	memcpy(&k, sum, sizeof(k));
	return k;
}

static void myc_spore_gone_del(struct myc_net *mn, struct myc_spore_gone *g)
{
	hash_del(&g->bnode);
	if (g->have_digest)
		hash_del(&g->dnode);
	list_del(&g->list);
	mn->nr_gone--;
	kfree(g);
}

/* Would a rejected spore fail again whenever it came? */
static bool myc_spore_bad_for_good(const struct myc_spore_ent *e, u64 now)
{
	const u8 *c = e->v.checks;	/* crypto, temporal, consistency, trust */

	return c[0] == MYC_SPORE_CHECK_FAIL || c[2] == MYC_SPORE_CHECK_FAIL ||
	       (c[1] == MYC_SPORE_CHECK_FAIL && e->sp.timestamp_ms <= now);
}

void myc_spore_forget(struct myc_net *mn, const struct myc_spore_ent *e)
{
	u64 until = myc_spore_expiry_ms(&e->sp), now = myc_real_ms();
	struct myc_spore_gone *g;
	u64 ask = 0;

	if (e->state == MYC_SPORE_REJECTED && !myc_spore_bad_for_good(e, now) &&
	    now + MYC_SPORE_REFUSE_MS < until) {
		until = now + MYC_SPORE_REFUSE_MS;
		ask = e->v.have_digest ? e->from : 0;
	}
	hash_for_each_possible(mn->spore_gone_b, g, bnode, (u32)e->bhash) {
		if (g->bhash == e->bhash) {
			if (until >= g->until_ms) {
				g->until_ms = until;
				g->ask = ask;
			}
			return;
		}
	}
	/* a spore we do not remember is only judged again: no harm */
	g = kzalloc(sizeof(*g), GFP_ATOMIC);
	if (!g)
		return;
	g->bhash = e->bhash;
	g->until_ms = until;
	g->ask = ask;
	hash_add(mn->spore_gone_b, &g->bnode, (u32)g->bhash);
	if (e->v.have_digest) {
		g->have_digest = true;
		memcpy(g->sum, e->v.digest, MYC_SPORE_SUM_LEN);
		hash_add(mn->spore_gone_d, &g->dnode, myc_spore_sum_key(g->sum));
	}
	list_add_tail(&g->list, &mn->spore_gone_list);
	if (++mn->nr_gone > MYC_SPORE_GONE_MAX)
		myc_spore_gone_del(mn, list_first_entry(&mn->spore_gone_list,
							struct myc_spore_gone,
							list));
}

bool myc_spore_gone_bytes(struct myc_net *mn, u64 bhash)
{
	struct myc_spore_gone *g;

	hash_for_each_possible(mn->spore_gone_b, g, bnode, (u32)bhash)
		if (g->bhash == bhash)
			return true;
	return false;
}

bool myc_spore_gone_digest(struct myc_net *mn, const u8 *sum)
{
	struct myc_spore_gone *g;

	hash_for_each_possible(mn->spore_gone_d, g, dnode,
			       myc_spore_sum_key(sum))
		if (!memcmp(g->sum, sum, MYC_SPORE_SUM_LEN))
			return true;
	return false;
}

/*
 * Drop what is past its time; the rest may be needed later.  A spore
 * refused for a while is asked for again (when ask has room: otherwise a
 * summary brings it).
 */
bool myc_spore_gone_expire(struct myc_net *mn, u64 now_ms,
			   struct myc_spore_ask *ask, unsigned int *n)
{
	struct myc_spore_gone *g, *tmp;

	list_for_each_entry_safe(g, tmp, &mn->spore_gone_list, list) {
		if (g->until_ms > now_ms)
			continue;
		if (g->ask && g->have_digest && *n < MYC_SPORE_ASK_MAX) {
			ask[*n].from = g->ask;
			memcpy(ask[*n].sum, g->sum, MYC_SPORE_SUM_LEN);
			(*n)++;
		}
		myc_spore_gone_del(mn, g);
	}
	return mn->nr_gone;
}

void myc_spore_gone_init(struct myc_net *mn)
{
	hash_init(mn->spore_gone_b);
	hash_init(mn->spore_gone_d);
	INIT_LIST_HEAD(&mn->spore_gone_list);
}

void myc_spore_gone_purge(struct myc_net *mn)
{
	struct myc_spore_gone *g, *tmp;

	list_for_each_entry_safe(g, tmp, &mn->spore_gone_list, list)
		myc_spore_gone_del(mn, g);
}
