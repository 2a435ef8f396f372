// SPDX-License-Identifier: GPL-2.0
/* Backend selection of virtual endpoints (vesel.c). */
#include <string.h>

#include "kselftest_harness.h"
#include "vesel.h"

#define UP	MYC_BACKEND_UP
#define DOWN	MYC_BACKEND_DOWN
#define UNK	MYC_BACKEND_UNKNOWN

static const u8 lbs[] = {
	MYC_LB_ROUND_ROBIN, MYC_LB_WEIGHTED_ROUND_ROBIN,
	MYC_LB_LEAST_CONNECTIONS, MYC_LB_LATENCY,
};

TEST(none_healthy)
{
	struct myc_be_in b[3] = {
		{ .state = DOWN, .weight = 1 }, { .state = UNK, .weight = 1 },
		{ .state = UP, .weight = 1 },
	};
	unsigned int i;

	for (i = 0; i < sizeof(lbs); i++) {
		EXPECT_EQ(-1, myc_ve_select(b, 0, lbs[i], -1, -1));
		EXPECT_EQ(2, myc_ve_select(b, 3, lbs[i], -1, -1));
		/* the only healthy one excluded: none */
		EXPECT_EQ(-1, myc_ve_select(b, 3, lbs[i], -1, 2));
	}
}

TEST(round_robin_skips_unhealthy)
{
	struct myc_be_in b[4] = {
		{ .state = UP, .weight = 1 }, { .state = DOWN, .weight = 1 },
		{ .state = UP, .weight = 1 }, { .state = UP, .weight = 1 },
	};
	int last = -1, i, seen[4] = { 0 };

	for (i = 0; i < 300; i++) {
		last = myc_ve_select(b, 4, MYC_LB_ROUND_ROBIN, last, -1);
		ASSERT_GE(last, 0);
		seen[last]++;
	}
	EXPECT_EQ(100, seen[0]);
	EXPECT_EQ(0, seen[1]);
	EXPECT_EQ(100, seen[2]);
	EXPECT_EQ(100, seen[3]);
	EXPECT_EQ(2, myc_ve_select(b, 4, MYC_LB_ROUND_ROBIN, 0, -1));
	EXPECT_EQ(3, myc_ve_select(b, 4, MYC_LB_ROUND_ROBIN, 0, 2));
}

/* Weights 3:1:6 over 10 000 picks: exact shares, never a long burst. */
TEST(weighted_shares)
{
	struct myc_be_in b[3] = {
		{ .state = UP, .weight = 3 }, { .state = UP, .weight = 1 },
		{ .state = UP, .weight = 6 },
	};
	int i, n, seen[3] = { 0 }, run = 0, maxrun = 0, prev = -1;

	for (i = 0; i < 10000; i++) {
		n = myc_ve_select(b, 3, MYC_LB_WEIGHTED_ROUND_ROBIN, prev, -1);
		ASSERT_GE(n, 0);
		seen[n]++;
		run = n == prev ? run + 1 : 1;
		if (run > maxrun)
			maxrun = run;
		prev = n;
	}
	EXPECT_EQ(3000, seen[0]);
	EXPECT_EQ(1000, seen[1]);
	EXPECT_EQ(6000, seen[2]);
	EXPECT_GE(2, maxrun);
}

/* A backend going down: the others share its traffic by weight. */
TEST(weighted_backend_down)
{
	struct myc_be_in b[3] = {
		{ .state = UP, .weight = 1 }, { .state = DOWN, .weight = 5 },
		{ .state = UP, .weight = 2 },
	};
	int i, seen[3] = { 0 };

	for (i = 0; i < 3000; i++)
		seen[myc_ve_select(b, 3, MYC_LB_WEIGHTED_ROUND_ROBIN, -1, -1)]++;
	EXPECT_EQ(1000, seen[0]);
	EXPECT_EQ(0, seen[1]);
	EXPECT_EQ(2000, seen[2]);
}

TEST(least_connections)
{
	struct myc_be_in b[3] = {
		{ .state = UP, .weight = 1, .conns = 4 },
		{ .state = UP, .weight = 1, .conns = 2 },
		{ .state = UP, .weight = 2, .conns = 5 },
	};
	int i, n;

	EXPECT_EQ(1, myc_ve_select(b, 3, MYC_LB_LEAST_CONNECTIONS, -1, -1));
	/* opening connections one by one balances them (per weight) */
	for (i = 0; i < 30; i++) {
		n = myc_ve_select(b, 3, MYC_LB_LEAST_CONNECTIONS, -1, -1);
		b[n].conns++;
	}
	/* connections per unit of weight differ by at most one */
	EXPECT_EQ(41u, b[0].conns + b[1].conns + b[2].conns);
	for (i = 0; i < 3; i++) {
		int j;

		for (j = 0; j < 3; j++) {
			double d = (double)b[i].conns / b[i].weight -
				   (double)b[j].conns / b[j].weight;

			EXPECT_GE(1.0, d) TH_LOG("backend %d vs %d", i, j);
		}
	}
}

TEST(latency)
{
	struct myc_be_in b[3] = {
		{ .state = UP, .weight = 1, .srtt_us = 900 },
		{ .state = UP, .weight = 1, .srtt_us = 0 },
		{ .state = UP, .weight = 1, .srtt_us = 300 },
	};

	EXPECT_EQ(2, myc_ve_select(b, 3, MYC_LB_LATENCY, -1, -1));
	EXPECT_EQ(0, myc_ve_select(b, 3, MYC_LB_LATENCY, -1, 2));
	b[2].state = DOWN;
	EXPECT_EQ(0, myc_ve_select(b, 3, MYC_LB_LATENCY, -1, -1));
}

TEST_HARNESS_MAIN
