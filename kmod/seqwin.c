// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Sliding windows over 64-bit sequence numbers: the packet number replay and
 * acknowledgment window and the message sequence delivery window.  Shared
 * by the module and the host tests, see seqwin.h.
 *
 * Both windows keep a ring of bits indexed by number modulo the ring size
 * (a multiple of 64).  Every operation works on whole 64-bit words where it
 * can, so a jump over the whole window costs a memset and a scan of the
 * ring costs at most size / 64 word reads.
 */
#include "seqwin.h"

static inline u64 myc_min64(u64 a, u64 b)
{
	return a < b ? a : b;
}

/*
 * Index of the highest and the lowest set bit of x, x != 0.  On 32-bit
 * halves, so that no 32-bit target needs a libgcc helper.
 */
static inline unsigned int myc_hibit(u64 x)
{
	if (x >> 32)
		return 63 - __builtin_clz((u32)(x >> 32));
	return 31 - __builtin_clz((u32)x);
}

static inline unsigned int myc_lobit(u64 x)
{
	if ((u32)x)
		return __builtin_ctz((u32)x);
	return 32 + __builtin_ctz((u32)(x >> 32));
}

/* Mask of bits lo..hi (inclusive) of a word, 0 <= lo <= hi <= 63. */
static inline u64 myc_mask(unsigned int lo, unsigned int hi)
{
	u64 below = hi == 63 ? ~0ULL : (1ULL << (hi + 1)) - 1;

	return below & ~((1ULL << lo) - 1);
}

/*
 * Clear the bits of count consecutive numbers from..from + count - 1 in a
 * ring of nbits bits (a power of two, multiple of 64).
 */
static void myc_ring_clear(u64 *bits, u32 nbits, u64 from, u64 count)
{
	u32 pos;

	if (count >= nbits) {
		memset(bits, 0, nbits / 8);
		return;
	}
	pos = from & (nbits - 1);
	while (count) {
		u32 b = pos % 64;
		u32 n = (u32)myc_min64(count, 64 - b);

		if (n == 64)
			bits[pos / 64] = 0;
		else
			bits[pos / 64] &= ~myc_mask(b, b + n - 1);
		count -= n;
		pos = (pos + n) & (nbits - 1);
	}
}

/*
 * How many consecutive numbers from n downwards, not below lowest (n >=
 * lowest), have their bit equal to set.
 */
static u64 myc_ring_run_down(const u64 *bits, u32 nbits, u64 n, u64 lowest,
			     bool set)
{
	u64 remain = n - lowest + 1;
	u64 count = 0;

	while (remain) {
		u32 pos = n & (nbits - 1);
		u32 b = pos % 64;
		u64 x = bits[pos / 64];

		if (set)
			x = ~x;
		x &= myc_mask(0, b);
		if (x)	/* the first number that differs is in this word */
			return count + myc_min64(b - myc_hibit(x), remain);
		if (remain <= b + 1)
			return count + remain;
		count += b + 1;
		remain -= b + 1;
		n -= b + 1;
	}
	return count;
}

/* How many consecutive numbers from n upwards, at most max, have their bit set. */
static u64 myc_ring_run_up(const u64 *bits, u32 nbits, u64 n, u64 max)
{
	u64 count = 0;

	while (count < max) {
		u32 pos = n & (nbits - 1);
		u32 b = pos % 64;
		u64 x = ~bits[pos / 64] & myc_mask(b, 63);

		if (x)
			return myc_min64(count + myc_lobit(x) - b, max);
		count += 64 - b;
		n += 64 - b;
	}
	return max;
}

static inline bool myc_ring_test(const u64 *bits, u32 nbits, u64 n)
{
	u32 pos = n & (nbits - 1);

	return bits[pos / 64] >> (pos % 64) & 1;
}

static inline void myc_ring_set(u64 *bits, u32 nbits, u64 n)
{
	u32 pos = n & (nbits - 1);

	bits[pos / 64] |= 1ULL << (pos % 64);
}

void myc_pnwin_init(struct myc_pnwin *w)
{
	memset(w, 0, sizeof(*w));
}

enum myc_pnwin_verdict myc_pnwin_check(const struct myc_pnwin *w, u64 pn)
{
	if (!pn)
		return MYC_PN_INVALID;
	if (pn > w->top)
		return MYC_PN_NEW;
	if (w->top - pn >= MYC_PNWIN_SIZE)
		return MYC_PN_OLD;
	if (myc_ring_test(w->bits, MYC_PNWIN_SIZE, pn))
		return MYC_PN_DUP;
	return MYC_PN_NEW;
}

enum myc_pnwin_verdict myc_pnwin_check_mark(struct myc_pnwin *w, u64 pn)
{
	enum myc_pnwin_verdict v = myc_pnwin_check(w, pn);

	if (v != MYC_PN_NEW)
		return v;
	if (pn > w->top) {
		/* top + 1 .. pn take the places of numbers sliding out. */
		myc_ring_clear(w->bits, MYC_PNWIN_SIZE, w->top + 1, pn - w->top);
		w->top = pn;
	}
	myc_ring_set(w->bits, MYC_PNWIN_SIZE, pn);
	return MYC_PN_NEW;
}

u16 myc_pnwin_to_ack(const struct myc_pnwin *w, struct myc_ack *a,
		     u16 max_ranges)
{
	u64 lowest, n = w->top;
	u16 nr = 0;

	a->largest = n;
	a->nranges = 0;
	if (!n)
		return 0;
	if (max_ranges < 1)
		max_ranges = 1;
	if (max_ranges > MYC_ACK_MAX_RANGES + 1)
		max_ranges = MYC_ACK_MAX_RANGES + 1;
	lowest = n > MYC_PNWIN_SIZE ? n - MYC_PNWIN_SIZE + 1 : 1;

	/* Invariant: n >= lowest and n is received (top always is). */
	while (nr < max_ranges) {
		u64 run = myc_ring_run_down(w->bits, MYC_PNWIN_SIZE, n, lowest,
					    true);
		u64 lo = n - run + 1;
		u64 gap;

		a->ranges[nr].hi = n;
		a->ranges[nr].lo = lo;
		nr++;
		if (lo == lowest)
			break;
		n = lo - 1;
		gap = myc_ring_run_down(w->bits, MYC_PNWIN_SIZE, n, lowest,
					false);
		if (gap == n - lowest + 1)
			break;
		n -= gap;
	}
	a->nranges = nr;
	return nr;
}

void myc_seqwin_init(struct myc_seqwin *w)
{
	memset(w, 0, sizeof(*w));
	w->base = 1;
}

enum myc_seqwin_verdict myc_seqwin_check(const struct myc_seqwin *w, u64 seq)
{
	if (seq < w->base)
		return MYC_SEQ_DUP;
	if (seq - w->base >= MYC_SEQWIN_SIZE)
		return MYC_SEQ_AHEAD;
	if (myc_ring_test(w->bits, MYC_SEQWIN_SIZE, seq))
		return MYC_SEQ_DUP;
	return MYC_SEQ_NEW;
}

u64 myc_seqwin_mark(struct myc_seqwin *w, u64 seq)
{
	u64 run;

	if (myc_seqwin_check(w, seq) != MYC_SEQ_NEW)
		return 0;
	myc_ring_set(w->bits, MYC_SEQWIN_SIZE, seq);
	if (seq != w->base)
		return 0;
	/*
	 * Every number below base has its bit clear, so the ring holds
	 * exactly [base, base + SIZE): the run from base is what is now
	 * delivered in order.  Clear it so that the places are free for the
	 * numbers entering the window.
	 */
	run = myc_ring_run_up(w->bits, MYC_SEQWIN_SIZE, w->base,
			      MYC_SEQWIN_SIZE);
	myc_ring_clear(w->bits, MYC_SEQWIN_SIZE, w->base, run);
	w->base += run;
	return run;
}
