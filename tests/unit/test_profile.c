// SPDX-License-Identifier: GPL-2.0
/*
 * Profiles (profile.c): the seed table of SPEC section 7, the HELLO a
 * node sends, and the negotiation both ends of a pair run: symmetric,
 * none only between two insecure nodes, fixed profiles never weakened,
 * adaptive taking the strongest common level and falling back to minimal.
 */
#include <string.h>

#include "kselftest_harness.h"
#include "profile.h"

#define S MYC_NODE_SCLEROTIA
#define R MYC_NODE_RHIZOMORPH
#define H MYC_NODE_HYPHAE

static struct myc_prof_entry table[MYC_NODE_TYPES][MYC_NODE_TYPES];

static struct myc_hello hello(int l, int r, u8 enc_caps, u8 comp_caps,
			      bool insecure)
{
	struct myc_hello h;

	myc_prof_defaults(table);
	myc_prof_hello(&h, &table[l][r], (u8)l, enc_caps, comp_caps, insecure,
		       1500, 262144);
	return h;
}

/* Negotiate both ways round; the two results must be the same. */
static struct myc_prof_eff nego(const struct myc_hello *a,
				const struct myc_hello *b)
{
	struct myc_prof_eff x, y;

	myc_prof_negotiate(a, b, &x);
	myc_prof_negotiate(b, a, &y);
	if (memcmp(&x, &y, sizeof(x)))
		x.profile = 0xff;	/* fails the caller's checks */
	return x;
}

TEST(seed_table)
{
	myc_prof_defaults(table);
	EXPECT_EQ(MYC_PROFILE_HIGH_PERFORMANCE, table[S][S].profile);
	EXPECT_EQ(MYC_ENC_STANDARD, table[S][S].enc);
	EXPECT_EQ(MYC_COMP_LOW, table[S][S].comp);
	EXPECT_EQ(MYC_REL_HIGH, table[S][S].rel);
	EXPECT_EQ(MYC_PROFILE_ADAPTIVE, table[S][R].profile);
	EXPECT_EQ(MYC_PROFILE_ADAPTIVE, table[R][S].profile);
	EXPECT_EQ(MYC_ENC_STANDARD, table[R][S].enc);
	EXPECT_EQ(MYC_COMP_NEGOTIATED, table[R][S].comp);
	EXPECT_EQ(MYC_REL_NEGOTIATED, table[R][S].rel);
	EXPECT_EQ(MYC_PROFILE_STANDARD, table[R][R].profile);
	EXPECT_EQ(MYC_COMP_MEDIUM, table[R][R].comp);
	EXPECT_EQ(MYC_REL_HIGH, table[R][R].rel);
	for (int t = 0; t < MYC_NODE_TYPES; t++) {
		EXPECT_EQ(MYC_PROFILE_LIGHTWEIGHT, table[t][H].profile);
		EXPECT_EQ(MYC_PROFILE_LIGHTWEIGHT, table[H][t].profile);
		EXPECT_EQ(MYC_ENC_MINIMAL, table[H][t].enc);
		EXPECT_EQ(MYC_COMP_HIGH, table[t][H].comp);
		EXPECT_EQ(MYC_REL_BEST_EFFORT, table[H][t].rel);
	}
}

TEST(hello_resolves_negotiated)
{
	struct myc_hello h = hello(S, R, MYC_ENC_CAPS_ALL, MYC_COMP_CAPS_ALL,
				   false);
	u8 buf[MYC_HELLO_LEN];

	EXPECT_EQ(MYC_COMP_HIGH, h.comp);	/* the strongest offered */
	EXPECT_EQ(MYC_GUARANTEE_BEST_EFFORT, h.rel);
	EXPECT_EQ((size_t)MYC_HELLO_LEN, myc_hello_encode(buf, sizeof(buf), &h));
	h = hello(S, R, MYC_ENC_CAPS_ALL, 0x03, false);	/* none, lz4 */
	EXPECT_EQ(MYC_COMP_LOW, h.comp);
	/* minimal is always offered, none always accepted */
	h = hello(S, S, 1 << MYC_ENC_HIGH, 0, false);
	EXPECT_TRUE(h.enc_caps & (1 << MYC_ENC_MINIMAL));
	EXPECT_TRUE(h.comp_caps & (1 << MYC_COMP_NONE));
	EXPECT_EQ(MYC_COMP_NONE, h.comp);
	EXPECT_EQ((size_t)MYC_HELLO_LEN, myc_hello_encode(buf, sizeof(buf), &h));
}

TEST(defaults_between_types)
{
	struct myc_hello s = hello(S, S, MYC_ENC_CAPS_ALL, MYC_COMP_CAPS_ALL, 0);
	struct myc_hello r = hello(R, R, MYC_ENC_CAPS_ALL, MYC_COMP_CAPS_ALL, 0);
	struct myc_hello sr = hello(S, R, MYC_ENC_CAPS_ALL, MYC_COMP_CAPS_ALL, 0);
	struct myc_hello rs = hello(R, S, MYC_ENC_CAPS_ALL, MYC_COMP_CAPS_ALL, 0);
	struct myc_hello hs = hello(H, S, MYC_ENC_CAPS_ALL, MYC_COMP_CAPS_ALL, 0);
	struct myc_hello sh = hello(S, H, MYC_ENC_CAPS_ALL, MYC_COMP_CAPS_ALL, 0);
	struct myc_prof_eff e;

	e = nego(&s, &s);
	EXPECT_EQ(MYC_PROFILE_HIGH_PERFORMANCE, e.profile);
	EXPECT_EQ(MYC_ENC_STANDARD, e.enc);
	EXPECT_EQ(MYC_COMP_LOW, e.comp);
	EXPECT_EQ(MYC_GUARANTEE_HIGH, e.rel);
	EXPECT_FALSE(e.fallback);
	EXPECT_FALSE(e.refused);
	e = nego(&r, &r);
	EXPECT_EQ(MYC_PROFILE_STANDARD, e.profile);
	EXPECT_EQ(MYC_COMP_MEDIUM, e.comp);
	e = nego(&sr, &rs);
	EXPECT_EQ(MYC_PROFILE_ADAPTIVE, e.profile);
	EXPECT_EQ(MYC_ENC_STANDARD, e.enc);
	EXPECT_EQ(MYC_COMP_HIGH, e.comp);	/* strongest common */
	EXPECT_EQ(MYC_GUARANTEE_BEST_EFFORT, e.rel);
	e = nego(&sh, &hs);
	EXPECT_EQ(MYC_PROFILE_LIGHTWEIGHT, e.profile);
	EXPECT_EQ(MYC_ENC_MINIMAL, e.enc);
	EXPECT_EQ(MYC_COMP_HIGH, e.comp);
	EXPECT_EQ(MYC_GUARANTEE_BEST_EFFORT, e.rel);
	EXPECT_EQ(1500, e.mtu);
	EXPECT_EQ(262144U, e.max_msg);
}

TEST(none_needs_both_insecure)
{
	struct myc_prof_entry none = {
		MYC_PROFILE_STANDARD, MYC_ENC_NONE, MYC_COMP_NONE,
		MYC_REL_BEST_EFFORT
	};
	struct myc_hello a, b;
	struct myc_prof_eff e;

	myc_prof_defaults(table);
	myc_prof_hello(&a, &none, S, MYC_ENC_CAPS_ALL, 0, true, 1500, 1000);
	myc_prof_hello(&b, &none, S, MYC_ENC_CAPS_ALL, 0, true, 1500, 1000);
	e = nego(&a, &b);
	EXPECT_EQ(MYC_ENC_NONE, e.enc);
	EXPECT_EQ(1000U, e.max_msg);
	/* one secure end: at least minimal */
	myc_prof_hello(&b, &none, S, MYC_ENC_CAPS_ALL, 0, false, 1500, 1000);
	e = nego(&a, &b);
	EXPECT_EQ(MYC_ENC_MINIMAL, e.enc);
	EXPECT_FALSE(e.refused);
	/* both insecure, one asks for standard: standard */
	myc_prof_hello(&b, &table[S][S], S, MYC_ENC_CAPS_ALL, 0, true, 1500,
		       1000);
	e = nego(&a, &b);
	EXPECT_EQ(MYC_ENC_STANDARD, e.enc);
}

TEST(stronger_wish_wins)
{
	struct myc_prof_entry hi = {
		MYC_PROFILE_HIGH_PERFORMANCE, MYC_ENC_HIGH, MYC_COMP_NONE,
		MYC_REL_GUARANTEED
	};
	struct myc_hello a = hello(S, S, MYC_ENC_CAPS_ALL, MYC_COMP_CAPS_ALL, 0);
	struct myc_hello b;
	struct myc_prof_eff e;

	myc_prof_hello(&b, &hi, S, MYC_ENC_CAPS_ALL, MYC_COMP_CAPS_ALL, false,
		       1400, 4096);
	e = nego(&a, &b);
	EXPECT_EQ(MYC_ENC_HIGH, e.enc);
	EXPECT_EQ(MYC_COMP_LOW, e.comp);
	EXPECT_EQ(MYC_GUARANTEE_GUARANTEED, e.rel);
	EXPECT_EQ(1400, e.mtu);
	EXPECT_EQ(4096U, e.max_msg);
}

TEST(fixed_never_weakened)
{
	struct myc_hello a = hello(S, S, MYC_ENC_CAPS_ALL, MYC_COMP_CAPS_ALL, 0);
	struct myc_hello b;
	struct myc_prof_eff e;

	/* b offers high but not standard: the weakest above, high */
	b = hello(S, S, (1 << MYC_ENC_MINIMAL) | (1 << MYC_ENC_HIGH), 0x01, 0);
	e = nego(&a, &b);
	EXPECT_EQ(MYC_ENC_HIGH, e.enc);
	EXPECT_EQ(MYC_COMP_NONE, e.comp);	/* b compresses nothing */
	EXPECT_FALSE(e.refused);
	/* b offers only minimal: refused, not weakened */
	b = hello(S, S, 1 << MYC_ENC_MINIMAL, 0x01, 0);
	e = nego(&a, &b);
	EXPECT_TRUE(e.refused);
	EXPECT_EQ(MYC_ENC_STANDARD, e.enc);
	EXPECT_FALSE(e.fallback);
}

TEST(adaptive_strongest_common)
{
	struct myc_hello sr = hello(S, R, MYC_ENC_CAPS_ALL, MYC_COMP_CAPS_ALL, 0);
	struct myc_hello rs;
	struct myc_prof_eff e;

	/* lz4 only on one side: lz4 */
	rs = hello(R, S, MYC_ENC_CAPS_ALL, 0x03, 0);
	e = nego(&sr, &rs);
	EXPECT_EQ(MYC_COMP_LOW, e.comp);
	EXPECT_EQ(MYC_ENC_STANDARD, e.enc);
	EXPECT_FALSE(e.fallback);
	/* standard not offered by one: the strongest common below it */
	rs = hello(R, S, (1 << MYC_ENC_MINIMAL) | (1 << MYC_ENC_HIGH), 0x0f, 0);
	e = nego(&sr, &rs);
	EXPECT_EQ(MYC_ENC_MINIMAL, e.enc);
	EXPECT_FALSE(e.refused);
	/* a peer breaking the rules (no minimal): fall back to minimal */
	rs.enc_caps = 1 << MYC_ENC_HIGH;
	e = nego(&sr, &rs);
	EXPECT_TRUE(e.fallback);
	EXPECT_EQ(MYC_ENC_MINIMAL, e.enc);
	EXPECT_EQ(MYC_COMP_NONE, e.comp);
}

TEST(adaptive_on_one_side)
{
	struct myc_hello sr = hello(S, R, MYC_ENC_CAPS_ALL, MYC_COMP_CAPS_ALL, 0);
	struct myc_hello rr = hello(R, R, MYC_ENC_CAPS_ALL, MYC_COMP_CAPS_ALL, 0);
	struct myc_prof_eff e;

	e = nego(&sr, &rr);
	EXPECT_EQ(MYC_PROFILE_ADAPTIVE, e.profile);
	EXPECT_EQ(MYC_GUARANTEE_HIGH, e.rel);	/* the higher wish */
}

TEST(fallback_without_answer)
{
	struct myc_hello sr = hello(S, R, MYC_ENC_CAPS_ALL, MYC_COMP_CAPS_ALL, 0);
	struct myc_hello ss = hello(S, S, MYC_ENC_CAPS_ALL, MYC_COMP_CAPS_ALL, 0);
	struct myc_prof_eff e;

	ASSERT_TRUE(myc_prof_fallback(&sr, &e));
	EXPECT_TRUE(e.fallback);
	EXPECT_EQ(MYC_ENC_MINIMAL, e.enc);
	EXPECT_EQ(MYC_COMP_NONE, e.comp);
	EXPECT_EQ(MYC_PROFILE_ADAPTIVE, e.profile);
	EXPECT_FALSE(myc_prof_fallback(&ss, &e));
}

TEST(symmetric_everywhere)
{
	/* every pair of (entry, caps, insecure) gives one answer both ways */
	static const u8 caps[] = { 0x02, 0x06, 0x0a, 0x0e, 0x0f };
	static const u8 comps[] = { 0x01, 0x03, 0x05, 0x0f };
	struct myc_prof_entry e1, e2;
	struct myc_hello a, b;
	struct myc_prof_eff x, y;
	unsigned int n = 0;

	for (int i = 0; i < 4 * 4 * 5 * 4; i++) {
		for (int j = 0; j < 4 * 4 * 5 * 4; j++) {
			e1 = (struct myc_prof_entry){ (u8)(i % 4), (u8)(i / 4 % 4),
				(u8)(i / 16 % 5), (u8)(i / 80 % 4) };
			e2 = (struct myc_prof_entry){ (u8)(j % 4), (u8)(j / 4 % 4),
				(u8)(j / 16 % 5), (u8)(j / 80 % 4) };
			myc_prof_hello(&a, &e1, S, caps[i % 5],
				       comps[j % 4], i & 1, 1500, 100);
			myc_prof_hello(&b, &e2, R, caps[j % 5],
				       comps[i % 4], j & 2, 1280, 200);
			myc_prof_negotiate(&a, &b, &x);
			myc_prof_negotiate(&b, &a, &y);
			n += !memcmp(&x, &y, sizeof(x));
			/* never below minimal unless both are insecure */
			if (x.enc == MYC_ENC_NONE)
				n -= !((a.flags & b.flags) & MYC_HELLO_INSECURE);
			/* never a level one side does not offer */
			if (x.enc && !x.refused)
				n -= !(a.enc_caps & b.enc_caps & (1 << x.enc));
			n -= !(a.comp_caps & b.comp_caps & (1 << x.comp));
		}
	}
	EXPECT_EQ(320U * 320U, n);
}

TEST_HARNESS_MAIN
