// SPDX-License-Identifier: GPL-2.0
/*
 * Packet number window (replay protection, ACK ranges) and message sequence
 * window (exactly-once, in-order base), against simple reference models.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "kselftest_harness.h"
#include "seqwin.h"

/* Verdicts as int, so that the harness compares them with the constants. */
#define PN_C(w, pn)	((int)myc_pnwin_check((w), (pn)))
#define PN_CM(w, pn)	((int)myc_pnwin_check_mark((w), (pn)))
#define SQ_C(w, seq)	((int)myc_seqwin_check((w), (seq)))

/* xorshift64*: deterministic, fixed seeds. */
static uint64_t rnd_state;

static void rnd_seed(uint64_t s)
{
	rnd_state = s ? s : 1;
}

static uint64_t rnd(void)
{
	rnd_state ^= rnd_state >> 12;
	rnd_state ^= rnd_state << 25;
	rnd_state ^= rnd_state >> 27;
	return rnd_state * 0x2545F4914F6CDD1DULL;
}

/* Uniform-ish in [0, n). */
static uint64_t rnd_below(uint64_t n)
{
	return n ? rnd() % n : 0;
}

/*
 * Reference model of myc_pnwin: the set of numbers accepted, as one byte
 * per number of [start, start + len), and the rules of seqwin.h.
 */
struct ref_pn {
	uint64_t start;
	size_t len;
	uint8_t *seen;
	uint64_t top;
};

static void ref_pn_init(struct ref_pn *r, uint64_t start, size_t len)
{
	r->start = start;
	r->len = len;
	r->seen = calloc(len, 1);
	r->top = 0;
}

static int ref_pn_seen(const struct ref_pn *r, uint64_t pn)
{
	if (pn < r->start || pn - r->start >= r->len)
		return 0;
	return r->seen[pn - r->start];
}

static int ref_pn_check(const struct ref_pn *r, uint64_t pn)
{
	if (pn == 0)
		return MYC_PN_INVALID;
	if (pn > r->top)
		return MYC_PN_NEW;
	if (r->top - pn > MYC_PNWIN_SIZE - 1)
		return MYC_PN_OLD;
	return ref_pn_seen(r, pn) ? MYC_PN_DUP : MYC_PN_NEW;
}

static int ref_pn_check_mark(struct ref_pn *r, uint64_t pn)
{
	int v = ref_pn_check(r, pn);

	if (v == MYC_PN_NEW) {
		if (pn > r->top)
			r->top = pn;
		if (pn >= r->start && pn - r->start < r->len)
			r->seen[pn - r->start] = 1;
	}
	return v;
}

/* The ACK as a brute-force walk, number by number, from the top down. */
static void ref_pn_ack(const struct ref_pn *r, struct myc_ack *a,
		       unsigned int max_ranges)
{
	uint64_t lowest, n;

	memset(a, 0, sizeof(*a));
	a->largest = r->top;
	if (!r->top)
		return;
	if (max_ranges < 1)
		max_ranges = 1;
	if (max_ranges > MYC_ACK_MAX_RANGES + 1)
		max_ranges = MYC_ACK_MAX_RANGES + 1;
	lowest = r->top >= MYC_PNWIN_SIZE ? r->top - MYC_PNWIN_SIZE + 1 : 1;
	n = r->top;
	for (;;) {
		int s = ref_pn_seen(r, n);

		if (s) {
			if (a->nranges && a->ranges[a->nranges - 1].lo == n + 1) {
				a->ranges[a->nranges - 1].lo = n;
			} else {
				if (a->nranges == max_ranges)
					break;
				a->ranges[a->nranges].hi = n;
				a->ranges[a->nranges].lo = n;
				a->nranges++;
			}
		}
		if (n == lowest)
			break;
		n--;
	}
}

static int ack_equal(struct __test_metadata *_metadata,
		     const struct myc_ack *want, const struct myc_ack *got,
		     u16 ret)
{
	unsigned int i;

	if (ret != want->nranges || got->nranges != want->nranges ||
	    got->largest != want->largest) {
		TH_LOG("nranges want %u got %u (ret %u), largest want %llu got %llu",
		       want->nranges, got->nranges, ret,
		       (unsigned long long)want->largest,
		       (unsigned long long)got->largest);
		return 0;
	}
	for (i = 0; i < want->nranges; i++) {
		if (got->ranges[i].lo != want->ranges[i].lo ||
		    got->ranges[i].hi != want->ranges[i].hi) {
			TH_LOG("range %u want %llu-%llu got %llu-%llu", i,
			       (unsigned long long)want->ranges[i].lo,
			       (unsigned long long)want->ranges[i].hi,
			       (unsigned long long)got->ranges[i].lo,
			       (unsigned long long)got->ranges[i].hi);
			return 0;
		}
	}
	return 1;
}

/* The structural rules of wire.h for an ACK. */
static int ack_wellformed(const struct myc_ack *a)
{
	unsigned int i;

	if (!a->nranges)
		return 1;
	if (a->nranges > MYC_ACK_MAX_RANGES + 1)
		return 0;
	if (a->ranges[0].hi != a->largest)
		return 0;
	for (i = 0; i < a->nranges; i++) {
		if (a->ranges[i].lo < 1 || a->ranges[i].lo > a->ranges[i].hi)
			return 0;
		if (a->largest - a->ranges[i].lo > MYC_PNWIN_SIZE - 1)
			return 0;
		/* Descending with at least one missing number between. */
		if (i && a->ranges[i].hi + 1 >= a->ranges[i - 1].lo)
			return 0;
	}
	return 1;
}

TEST(pnwin_empty)
{
	struct myc_pnwin w;
	struct myc_ack a;

	myc_pnwin_init(&w);
	EXPECT_EQ(0ULL, w.top);
	EXPECT_EQ(MYC_PN_NEW, PN_C(&w, 1));
	EXPECT_EQ(MYC_PN_NEW, PN_C(&w, ~0ULL));
	memset(&a, 0xa5, sizeof(a));
	EXPECT_EQ(0, myc_pnwin_to_ack(&w, &a, MYC_ACK_MAX_RANGES + 1));
	EXPECT_EQ(0, a.nranges);
}

TEST(pnwin_zero_invalid)
{
	struct myc_pnwin w;

	myc_pnwin_init(&w);
	EXPECT_EQ(MYC_PN_INVALID, PN_C(&w, 0));
	EXPECT_EQ(MYC_PN_INVALID, PN_CM(&w, 0));
	EXPECT_EQ(0ULL, w.top);
	EXPECT_EQ(MYC_PN_NEW, PN_CM(&w, 1));
	EXPECT_EQ(MYC_PN_INVALID, PN_CM(&w, 0));
	/* Far above: 0 is invalid, not old. */
	EXPECT_EQ(MYC_PN_NEW, PN_CM(&w, 1000000));
	EXPECT_EQ(MYC_PN_INVALID, PN_C(&w, 0));
}

TEST(pnwin_duplicates)
{
	struct myc_pnwin w;

	myc_pnwin_init(&w);
	EXPECT_EQ(MYC_PN_NEW, PN_CM(&w, 5));
	EXPECT_EQ(5ULL, w.top);
	EXPECT_EQ(MYC_PN_DUP, PN_CM(&w, 5));
	EXPECT_EQ(MYC_PN_DUP, PN_C(&w, 5));
	/* Below top, never seen. */
	EXPECT_EQ(MYC_PN_NEW, PN_C(&w, 3));
	/* check() does not mark. */
	EXPECT_EQ(MYC_PN_NEW, PN_C(&w, 7));
	EXPECT_EQ(MYC_PN_NEW, PN_C(&w, 7));
	EXPECT_EQ(5ULL, w.top);
	EXPECT_EQ(MYC_PN_NEW, PN_CM(&w, 7));
	EXPECT_EQ(MYC_PN_DUP, PN_C(&w, 7));
	EXPECT_EQ(MYC_PN_NEW, PN_CM(&w, 3));
	EXPECT_EQ(MYC_PN_DUP, PN_CM(&w, 3));
	EXPECT_EQ(MYC_PN_NEW, PN_C(&w, 4));
	EXPECT_EQ(MYC_PN_NEW, PN_C(&w, 6));
	EXPECT_EQ(7ULL, w.top);
}

TEST(pnwin_old_boundary)
{
	struct myc_pnwin w;
	const uint64_t top = 5000;

	myc_pnwin_init(&w);
	ASSERT_EQ(MYC_PN_NEW, PN_CM(&w, top));
	/* top - (SIZE - 1) is the lowest number still in the window. */
	EXPECT_EQ(MYC_PN_NEW, PN_C(&w, top - (MYC_PNWIN_SIZE - 1)));
	EXPECT_EQ(MYC_PN_OLD, PN_C(&w, top - MYC_PNWIN_SIZE));
	EXPECT_EQ(MYC_PN_OLD, PN_CM(&w, top - MYC_PNWIN_SIZE));
	EXPECT_EQ(MYC_PN_OLD, PN_C(&w, 1));
	EXPECT_EQ(MYC_PN_NEW,
		  PN_CM(&w, top - (MYC_PNWIN_SIZE - 1)));
	EXPECT_EQ(MYC_PN_DUP, PN_C(&w, top - (MYC_PNWIN_SIZE - 1)));
	/* One step up pushes it out. */
	EXPECT_EQ(MYC_PN_NEW, PN_CM(&w, top + 1));
	EXPECT_EQ(MYC_PN_OLD, PN_C(&w, top - (MYC_PNWIN_SIZE - 1)));
	EXPECT_EQ(MYC_PN_DUP, PN_C(&w, top));
}

TEST(pnwin_reorder_within_window)
{
	struct myc_pnwin w;
	const uint64_t top = 100000;
	uint64_t perm[MYC_PNWIN_SIZE - 1];
	unsigned int i;

	rnd_seed(0x5eed0001);
	myc_pnwin_init(&w);
	ASSERT_EQ(MYC_PN_NEW, PN_CM(&w, top));
	for (i = 0; i < MYC_PNWIN_SIZE - 1; i++)
		perm[i] = top - 1 - i;
	for (i = MYC_PNWIN_SIZE - 2; i > 0; i--) {
		unsigned int j = rnd_below(i + 1);
		uint64_t t = perm[i];

		perm[i] = perm[j];
		perm[j] = t;
	}
	for (i = 0; i < MYC_PNWIN_SIZE - 1; i++)
		ASSERT_EQ(MYC_PN_NEW, PN_CM(&w, perm[i]))
			TH_LOG("pn %llu", (unsigned long long)perm[i]);
	EXPECT_EQ(top, w.top);
	for (i = 0; i < MYC_PNWIN_SIZE - 1; i++)
		ASSERT_EQ(MYC_PN_DUP, PN_CM(&w, perm[i]));
	EXPECT_EQ(MYC_PN_OLD, PN_C(&w, top - MYC_PNWIN_SIZE));
}

TEST(pnwin_jumps_clear)
{
	struct myc_pnwin w;
	struct myc_ack a;
	uint64_t pn;

	myc_pnwin_init(&w);
	for (pn = 1; pn <= MYC_PNWIN_SIZE; pn++)
		ASSERT_EQ(MYC_PN_NEW, PN_CM(&w, pn));

	/* Small jump: still-inside numbers stay seen, the new ones are not. */
	ASSERT_EQ(MYC_PN_NEW, PN_CM(&w, MYC_PNWIN_SIZE + 100));
	for (pn = 101; pn <= MYC_PNWIN_SIZE; pn++)
		ASSERT_EQ(MYC_PN_DUP, PN_C(&w, pn))
			TH_LOG("pn %llu", (unsigned long long)pn);
	EXPECT_EQ(MYC_PN_OLD, PN_C(&w, 100));
	for (pn = MYC_PNWIN_SIZE + 1; pn < MYC_PNWIN_SIZE + 100; pn++)
		ASSERT_EQ(MYC_PN_NEW, PN_C(&w, pn))
			TH_LOG("pn %llu", (unsigned long long)pn);
	ASSERT_EQ(2, myc_pnwin_to_ack(&w, &a, MYC_ACK_MAX_RANGES + 1));
	EXPECT_EQ(MYC_PNWIN_SIZE + 100ULL, a.ranges[0].lo);
	EXPECT_EQ(MYC_PNWIN_SIZE + 100ULL, a.ranges[0].hi);
	EXPECT_EQ(MYC_PNWIN_SIZE + 0ULL, a.ranges[1].hi);
	EXPECT_EQ(101ULL, a.ranges[1].lo);

	/* A jump of exactly SIZE - 1 keeps only the old top. */
	pn = w.top;
	ASSERT_EQ(MYC_PN_NEW, PN_CM(&w, pn + MYC_PNWIN_SIZE - 1));
	EXPECT_EQ(MYC_PN_DUP, PN_C(&w, pn));
	EXPECT_EQ(MYC_PN_OLD, PN_C(&w, pn - 1));
	ASSERT_EQ(2, myc_pnwin_to_ack(&w, &a, MYC_ACK_MAX_RANGES + 1));
	EXPECT_EQ(pn, a.ranges[1].hi);
	EXPECT_EQ(pn, a.ranges[1].lo);

	/* A huge jump leaves nothing but the new top. */
	for (pn = w.top - MYC_PNWIN_SIZE + 1; pn < w.top; pn++)
		PN_CM(&w, pn);
	ASSERT_EQ(MYC_PN_NEW, PN_CM(&w, 1ULL << 40));
	for (pn = (1ULL << 40) - MYC_PNWIN_SIZE + 1; pn < (1ULL << 40); pn++)
		ASSERT_EQ(MYC_PN_NEW, PN_C(&w, pn))
			TH_LOG("pn %llu", (unsigned long long)pn);
	ASSERT_EQ(1, myc_pnwin_to_ack(&w, &a, MYC_ACK_MAX_RANGES + 1));
	EXPECT_EQ(1ULL << 40, a.largest);
	EXPECT_EQ(1ULL << 40, a.ranges[0].lo);

	/* Jumps of exactly SIZE and SIZE + 1 with a full window behind. */
	for (pn = w.top - MYC_PNWIN_SIZE + 1; pn < w.top; pn++)
		PN_CM(&w, pn);
	ASSERT_EQ(1, myc_pnwin_to_ack(&w, &a, 1));
	EXPECT_EQ(w.top - MYC_PNWIN_SIZE + 1, a.ranges[0].lo);
	pn = w.top;
	ASSERT_EQ(MYC_PN_NEW, PN_CM(&w, pn + MYC_PNWIN_SIZE));
	ASSERT_EQ(1, myc_pnwin_to_ack(&w, &a, MYC_ACK_MAX_RANGES + 1));
	EXPECT_EQ(pn + MYC_PNWIN_SIZE, a.ranges[0].lo);
	EXPECT_EQ(MYC_PN_NEW, PN_C(&w, pn + 1));
	EXPECT_EQ(MYC_PN_OLD, PN_C(&w, pn));
}

TEST(pnwin_near_u64_max)
{
	struct myc_pnwin w;
	struct myc_ack a;
	const uint64_t max = ~0ULL;

	myc_pnwin_init(&w);
	ASSERT_EQ(MYC_PN_NEW, PN_CM(&w, max - 10));
	ASSERT_EQ(MYC_PN_NEW, PN_CM(&w, max));
	EXPECT_EQ(MYC_PN_DUP, PN_CM(&w, max));
	EXPECT_EQ(MYC_PN_DUP, PN_C(&w, max - 10));
	EXPECT_EQ(MYC_PN_NEW, PN_C(&w, max - 9));
	EXPECT_EQ(MYC_PN_OLD, PN_C(&w, max - MYC_PNWIN_SIZE));
	EXPECT_EQ(MYC_PN_OLD, PN_C(&w, 1));
	ASSERT_EQ(2, myc_pnwin_to_ack(&w, &a, 10));
	EXPECT_EQ(max, a.largest);
	EXPECT_EQ(max, a.ranges[0].lo);
	EXPECT_EQ(max - 10, a.ranges[1].hi);
	EXPECT_EQ(max - 10, a.ranges[1].lo);
}

TEST(pnwin_ack_basic)
{
	struct myc_pnwin w;
	struct myc_ack a;
	static const uint64_t pns[] = { 1, 2, 3, 5, 6, 9, 10, 11, 12, 20 };
	unsigned int i;

	myc_pnwin_init(&w);
	for (i = 0; i < sizeof(pns) / sizeof(pns[0]); i++)
		ASSERT_EQ(MYC_PN_NEW, PN_CM(&w, pns[i]));
	a.delay_us = 1234;
	a.window = 5678;
	ASSERT_EQ(4, myc_pnwin_to_ack(&w, &a, MYC_ACK_MAX_RANGES + 1));
	EXPECT_EQ(4, a.nranges);
	EXPECT_EQ(20ULL, a.largest);
	EXPECT_EQ(20ULL, a.ranges[0].hi);
	EXPECT_EQ(20ULL, a.ranges[0].lo);
	EXPECT_EQ(12ULL, a.ranges[1].hi);
	EXPECT_EQ(9ULL, a.ranges[1].lo);
	EXPECT_EQ(6ULL, a.ranges[2].hi);
	EXPECT_EQ(5ULL, a.ranges[2].lo);
	EXPECT_EQ(3ULL, a.ranges[3].hi);
	EXPECT_EQ(1ULL, a.ranges[3].lo);
	/* Left for the caller. */
	EXPECT_EQ(1234U, a.delay_us);
	EXPECT_EQ(5678U, a.window);

	/* Truncation keeps the highest ranges. */
	ASSERT_EQ(2, myc_pnwin_to_ack(&w, &a, 2));
	EXPECT_EQ(2, a.nranges);
	EXPECT_EQ(9ULL, a.ranges[1].lo);
	ASSERT_EQ(1, myc_pnwin_to_ack(&w, &a, 1));
	EXPECT_EQ(20ULL, a.ranges[0].lo);
	/* 0 is clamped to 1. */
	ASSERT_EQ(1, myc_pnwin_to_ack(&w, &a, 0));
	EXPECT_EQ(20ULL, a.ranges[0].lo);
}

TEST(pnwin_ack_max_ranges)
{
	struct myc_pnwin w;
	struct myc_ack a;
	uint64_t pn;

	/* Every other number: SIZE / 2 single-packet ranges available. */
	myc_pnwin_init(&w);
	for (pn = 1; pn <= 4 * MYC_PNWIN_SIZE; pn += 2)
		ASSERT_EQ(MYC_PN_NEW, PN_CM(&w, pn));
	ASSERT_EQ(MYC_ACK_MAX_RANGES + 1,
		  myc_pnwin_to_ack(&w, &a, MYC_ACK_MAX_RANGES + 1));
	/* Above the array size: clamped, never overflows ranges[]. */
	ASSERT_EQ(MYC_ACK_MAX_RANGES + 1, myc_pnwin_to_ack(&w, &a, 60000));
	for (pn = 0; pn < MYC_ACK_MAX_RANGES + 1; pn++) {
		ASSERT_EQ(w.top - 2 * pn, a.ranges[pn].hi);
		ASSERT_EQ(w.top - 2 * pn, a.ranges[pn].lo);
	}
	EXPECT_TRUE(ack_wellformed(&a));
}

TEST(pnwin_ack_full_window)
{
	struct myc_pnwin w;
	struct myc_ack a;
	uint64_t pn;

	myc_pnwin_init(&w);
	for (pn = 1; pn <= 3 * MYC_PNWIN_SIZE + 17; pn++)
		ASSERT_EQ(MYC_PN_NEW, PN_CM(&w, pn));
	/* One range, cut at the window's bottom. */
	ASSERT_EQ(1, myc_pnwin_to_ack(&w, &a, MYC_ACK_MAX_RANGES + 1));
	EXPECT_EQ(w.top, a.ranges[0].hi);
	EXPECT_EQ(w.top - MYC_PNWIN_SIZE + 1, a.ranges[0].lo);

	/* Below SIZE, never below packet number 1. */
	myc_pnwin_init(&w);
	for (pn = 1; pn <= 100; pn++)
		ASSERT_EQ(MYC_PN_NEW, PN_CM(&w, pn));
	ASSERT_EQ(1, myc_pnwin_to_ack(&w, &a, MYC_ACK_MAX_RANGES + 1));
	EXPECT_EQ(1ULL, a.ranges[0].lo);
	EXPECT_EQ(100ULL, a.ranges[0].hi);
}

/*
 * Random streams (in order, reordered, duplicated, jumping) over many
 * windows, so that the bit ring wraps around many times; every verdict and,
 * regularly, the ACK are compared with the reference model.
 */
TEST(pnwin_random_vs_model)
{
	const size_t len = 256 * MYC_PNWIN_SIZE;
	struct myc_pnwin w;
	struct ref_pn r;
	struct myc_ack want, got;
	unsigned int step, acks = 0;

	rnd_seed(0x5eed0002);
	myc_pnwin_init(&w);
	ref_pn_init(&r, 0, len);
	ASSERT_NE(NULL, r.seen);
	for (step = 0; step < 150000; step++) {
		uint64_t pn, back = 0, k = rnd_below(1000);
		int v;

		if (k < 500) {		/* a little ahead: the usual stream */
			pn = r.top + 1 + rnd_below(3);
		} else if (k < 850) {	/* reordered, within or just off */
			back = rnd_below(MYC_PNWIN_SIZE + 64);
		} else if (k < 980) {	/* a duplicate of something recent */
			back = rnd_below(16);
		} else if (k < 998) {	/* jump */
			pn = r.top + 1 + rnd_below(MYC_PNWIN_SIZE / 4);
			if (k < 984)
				pn += MYC_PNWIN_SIZE - 100 + rnd_below(200);
		} else {		/* invalid or very old */
			pn = rnd_below(2) ? 0 : rnd_below(r.top + 1);
		}
		if (k >= 500 && k < 980)
			pn = back <= r.top ? r.top - back : rnd_below(r.top + 1);
		if (pn >= len)
			break;	/* past the model's range */
		if (rnd_below(4) == 0)
			ASSERT_EQ(ref_pn_check(&r, pn), PN_C(&w, pn))
				TH_LOG("step %u pn %llu", step,
				       (unsigned long long)pn);
		v = ref_pn_check_mark(&r, pn);
		ASSERT_EQ(v, PN_CM(&w, pn))
			TH_LOG("step %u pn %llu top %llu", step,
			       (unsigned long long)pn,
			       (unsigned long long)r.top);
		ASSERT_EQ(r.top, w.top);
		if (step % 13 == 0) {
			unsigned int max = 1 + rnd_below(MYC_ACK_MAX_RANGES + 1);
			u16 ret;

			ref_pn_ack(&r, &want, max);
			ret = myc_pnwin_to_ack(&w, &got, max);
			ASSERT_TRUE(ack_equal(_metadata, &want, &got, ret))
				TH_LOG("step %u", step);
			ASSERT_TRUE(ack_wellformed(&got));
			acks++;
		}
	}
	/* Many wraps of the ring, many ACKs compared. */
	EXPECT_LT(10ULL * MYC_PNWIN_SIZE, r.top);
	EXPECT_LT(2000U, acks);
	free(r.seen);
}

/*
 * A few thousand random receive patterns of various densities, tops below
 * and above the window size: the ACK must match the brute-force model.
 */
TEST(pnwin_ack_random_patterns)
{
	const size_t span = 3 * MYC_PNWIN_SIZE;
	struct myc_pnwin w;
	struct myc_ack want, got;
	struct ref_pn r;
	uint64_t *order;
	unsigned int c;

	rnd_seed(0x5eed0003);
	order = calloc(span, sizeof(*order));
	ASSERT_NE(NULL, order);
	for (c = 0; c < 4000; c++) {
		uint64_t top, start, pn;
		unsigned int density = rnd_below(101);	/* percent */
		unsigned int max, n = 0, i;
		u16 ret;

		switch (rnd_below(4)) {
		case 0:
			top = 1 + rnd_below(MYC_PNWIN_SIZE + 10);
			break;
		case 1:
			top = MYC_PNWIN_SIZE - 5 + rnd_below(10);
			break;
		case 2:
			top = 1 + rnd_below(1ULL << 48);
			break;
		default:
			top = ~0ULL - rnd_below(4 * MYC_PNWIN_SIZE);
			break;
		}
		start = top > span ? top - span + 1 : 1;
		myc_pnwin_init(&w);
		ref_pn_init(&r, start, top - start + 1);
		ASSERT_NE(NULL, r.seen);
		/* Clusters of random length make runs and gaps of all sizes. */
		for (pn = start; pn <= top; pn++) {
			if (rnd_below(100) < density)
				order[n++] = pn;
			if (rnd_below(64) == 0)
				density = rnd_below(101);
			if (pn == top)
				break;
		}
		if (!n || order[n - 1] != top)
			order[n++] = top;
		/* Shuffle: some arrive after top, some before. */
		for (i = n - 1; i > 0; i--) {
			unsigned int j = rnd_below(i + 1);
			uint64_t t = order[i];

			order[i] = order[j];
			order[j] = t;
		}
		for (i = 0; i < n; i++)
			ASSERT_EQ(ref_pn_check_mark(&r, order[i]),
				  PN_CM(&w, order[i]));
		switch (rnd_below(4)) {
		case 0:
			max = MYC_ACK_MAX_RANGES + 1;
			break;
		case 1:
			max = 1;
			break;
		default:
			max = 1 + rnd_below(MYC_ACK_MAX_RANGES + 1);
			break;
		}
		ref_pn_ack(&r, &want, max);
		ret = myc_pnwin_to_ack(&w, &got, max);
		ASSERT_TRUE(ack_equal(_metadata, &want, &got, ret))
			TH_LOG("case %u top %llu density %u max %u", c,
			       (unsigned long long)top, density, max);
		ASSERT_TRUE(ack_wellformed(&got));
		free(r.seen);
	}
	free(order);
}

/* Reference model of myc_seqwin: one byte per number. */
struct ref_seq {
	uint64_t base;
	uint8_t *done;
	size_t len;
};

static int ref_seq_check(const struct ref_seq *r, uint64_t seq)
{
	if (seq < r->base)
		return MYC_SEQ_DUP;
	if (seq - r->base > MYC_SEQWIN_SIZE - 1)
		return MYC_SEQ_AHEAD;
	return r->done[seq] ? MYC_SEQ_DUP : MYC_SEQ_NEW;
}

static uint64_t ref_seq_mark(struct ref_seq *r, uint64_t seq)
{
	uint64_t old = r->base;

	r->done[seq] = 1;
	while (r->base < r->len && r->done[r->base])
		r->base++;
	return r->base - old;
}

TEST(seqwin_init)
{
	struct myc_seqwin w;

	myc_seqwin_init(&w);
	EXPECT_EQ(1ULL, w.base);
	EXPECT_EQ(MYC_SEQ_DUP, SQ_C(&w, 0));
	EXPECT_EQ(MYC_SEQ_NEW, SQ_C(&w, 1));
	EXPECT_EQ(MYC_SEQ_NEW, SQ_C(&w, MYC_SEQWIN_SIZE));
	EXPECT_EQ(MYC_SEQ_AHEAD, SQ_C(&w, MYC_SEQWIN_SIZE + 1));
	EXPECT_EQ(MYC_SEQ_AHEAD, SQ_C(&w, ~0ULL));
}

TEST(seqwin_in_order)
{
	struct myc_seqwin w;
	uint64_t s;

	myc_seqwin_init(&w);
	for (s = 1; s <= 5 * MYC_SEQWIN_SIZE; s++) {
		ASSERT_EQ(MYC_SEQ_NEW, SQ_C(&w, s));
		ASSERT_EQ(1ULL, myc_seqwin_mark(&w, s));
		ASSERT_EQ(s + 1, w.base);
		ASSERT_EQ(MYC_SEQ_DUP, SQ_C(&w, s));
	}
	/* The window ahead is clean after wrapping several times. */
	for (s = w.base; s < w.base + MYC_SEQWIN_SIZE; s++)
		ASSERT_EQ(MYC_SEQ_NEW, SQ_C(&w, s));
}

TEST(seqwin_out_of_order)
{
	struct myc_seqwin w;

	myc_seqwin_init(&w);
	EXPECT_EQ(0ULL, myc_seqwin_mark(&w, 3));
	EXPECT_EQ(1ULL, w.base);
	EXPECT_EQ(MYC_SEQ_DUP, SQ_C(&w, 3));
	EXPECT_EQ(0ULL, myc_seqwin_mark(&w, 5));
	EXPECT_EQ(0ULL, myc_seqwin_mark(&w, 2));
	EXPECT_EQ(1ULL, w.base);
	EXPECT_EQ(3ULL, myc_seqwin_mark(&w, 1));
	EXPECT_EQ(4ULL, w.base);
	EXPECT_EQ(MYC_SEQ_DUP, SQ_C(&w, 2));
	EXPECT_EQ(MYC_SEQ_NEW, SQ_C(&w, 4));
	EXPECT_EQ(MYC_SEQ_DUP, SQ_C(&w, 5));
	/* A duplicate mark changes nothing. */
	EXPECT_EQ(0ULL, myc_seqwin_mark(&w, 5));
	EXPECT_EQ(0ULL, myc_seqwin_mark(&w, 2));
	EXPECT_EQ(4ULL, w.base);
	EXPECT_EQ(2ULL, myc_seqwin_mark(&w, 4));
	EXPECT_EQ(6ULL, w.base);
}

TEST(seqwin_ahead)
{
	struct myc_seqwin w;
	uint64_t s;

	myc_seqwin_init(&w);
	EXPECT_EQ(MYC_SEQ_AHEAD, SQ_C(&w, 1 + MYC_SEQWIN_SIZE));
	/* Marking an AHEAD number is refused. */
	EXPECT_EQ(0ULL, myc_seqwin_mark(&w, 1 + MYC_SEQWIN_SIZE));
	EXPECT_EQ(1ULL, w.base);
	EXPECT_EQ(MYC_SEQ_NEW, SQ_C(&w, 1));
	EXPECT_EQ(MYC_SEQ_AHEAD, SQ_C(&w, 1 + MYC_SEQWIN_SIZE));
	/* The last number of the window can be held. */
	EXPECT_EQ(0ULL, myc_seqwin_mark(&w, MYC_SEQWIN_SIZE));
	EXPECT_EQ(1ULL, myc_seqwin_mark(&w, 1));
	EXPECT_EQ(MYC_SEQ_NEW, SQ_C(&w, 1 + MYC_SEQWIN_SIZE));
	EXPECT_EQ(MYC_SEQ_AHEAD, SQ_C(&w, 2 + MYC_SEQWIN_SIZE));

	/* Fill everything but base, then base: base jumps the whole window. */
	myc_seqwin_init(&w);
	for (s = 2; s <= MYC_SEQWIN_SIZE; s++)
		ASSERT_EQ(0ULL, myc_seqwin_mark(&w, s));
	EXPECT_EQ(MYC_SEQ_AHEAD, SQ_C(&w, MYC_SEQWIN_SIZE + 1));
	EXPECT_EQ((uint64_t)MYC_SEQWIN_SIZE, myc_seqwin_mark(&w, 1));
	EXPECT_EQ(MYC_SEQWIN_SIZE + 1ULL, w.base);
	for (s = 1; s <= MYC_SEQWIN_SIZE; s++)
		ASSERT_EQ(MYC_SEQ_DUP, SQ_C(&w, s));
	for (s = MYC_SEQWIN_SIZE + 1; s <= 2 * MYC_SEQWIN_SIZE; s++)
		ASSERT_EQ(MYC_SEQ_NEW, SQ_C(&w, s))
			TH_LOG("seq %llu", (unsigned long long)s);
	EXPECT_EQ(MYC_SEQ_AHEAD, SQ_C(&w, 2 * MYC_SEQWIN_SIZE + 1));
}

/*
 * Random reorderings (bounded displacement, sometimes beyond the window),
 * with duplicates: exactly one NEW per number, base in order, all verdicts
 * and advances equal to the reference model.
 */
TEST(seqwin_random_vs_model)
{
	const size_t n = 200000;
	struct myc_seqwin w;
	struct ref_seq r;
	uint64_t *arr, *deferred;
	uint8_t *news;
	size_t i, ndef = 0, round;
	size_t ahead[4] = { 0 }, dups[4] = { 0 };

	rnd_seed(0x5eed0004);
	arr = calloc(n, sizeof(*arr));
	deferred = calloc(n, sizeof(*deferred));
	news = calloc(n + 1, 1);
	r.done = calloc(n + 2, 1);
	r.len = n + 1;
	ASSERT_TRUE(arr && deferred && news && r.done);

	for (round = 0; round < 4; round++) {
		/* Displacements up to ~0, 100, window, 1.5 windows. */
		static const uint64_t disp[] = {
			1, 100, MYC_SEQWIN_SIZE, MYC_SEQWIN_SIZE * 3 / 2
		};
		uint64_t d = disp[round];

		myc_seqwin_init(&w);
		r.base = 1;
		memset(r.done, 0, n + 2);
		memset(news, 0, n + 1);
		for (i = 0; i < n; i++)
			arr[i] = i + 1;
		for (i = 0; i < n; i++) {
			size_t j = i + rnd_below(d);
			uint64_t t;

			if (j >= n)
				j = n - 1;
			t = arr[i];
			arr[i] = arr[j];
			arr[j] = t;
		}
		ndef = 0;
		for (i = 0; i < n || ndef; ) {
			uint64_t seq;
			int v;
			uint64_t moved;

			if (ndef && (i >= n || rnd_below(8) == 0)) {
				size_t k = rnd_below(ndef);

				seq = deferred[k];
				deferred[k] = deferred[--ndef];
			} else if (rnd_below(10) == 0 && r.base > 1) {
				/* A duplicate of something delivered. */
				seq = 1 + rnd_below(r.base - 1 +
						    MYC_SEQWIN_SIZE / 4);
				if (seq > n || !r.done[seq])
					continue;
			} else {
				seq = arr[i++];
			}
			v = SQ_C(&w, seq);
			ASSERT_EQ(ref_seq_check(&r, seq), v)
				TH_LOG("round %zu seq %llu base %llu", round,
				       (unsigned long long)seq,
				       (unsigned long long)r.base);
			if (v == MYC_SEQ_AHEAD) {
				ahead[round]++;
				deferred[ndef++] = seq;
				/* Refused without a trace. */
				ASSERT_EQ(0ULL, myc_seqwin_mark(&w, seq));
				ASSERT_EQ(r.base, w.base);
				continue;
			}
			if (v == MYC_SEQ_DUP) {
				dups[round]++;
				ASSERT_EQ(0ULL, myc_seqwin_mark(&w, seq));
				ASSERT_EQ(r.base, w.base);
				continue;
			}
			ASSERT_EQ(0, news[seq]);
			news[seq] = 1;
			moved = ref_seq_mark(&r, seq);
			ASSERT_EQ(moved, myc_seqwin_mark(&w, seq));
			ASSERT_EQ(r.base, w.base);
			ASSERT_EQ(MYC_SEQ_DUP, SQ_C(&w, seq));
		}
		/* Everything delivered exactly once, base past the end. */
		EXPECT_EQ(n + 1, w.base);
		for (i = 1; i <= n; i++)
			ASSERT_EQ(1, news[i]);
		for (i = n + 1; i < n + 1 + MYC_SEQWIN_SIZE; i++)
			ASSERT_EQ(MYC_SEQ_NEW, SQ_C(&w, i));
	}
	/* The patterns did exercise what they are meant to. */
	EXPECT_EQ(0U, ahead[0]);
	EXPECT_LT(1000U, ahead[3]);
	for (round = 0; round < 4; round++)
		EXPECT_LT(10000U, dups[round]);
	free(arr);
	free(deferred);
	free(news);
	free(r.done);
}

TEST_HARNESS_MAIN
