// SPDX-License-Identifier: GPL-2.0
/* Path selection (pathsel.c): tiers, strategies, ties, the class map. */
#include <string.h>

#include "kselftest_harness.h"
#include "pathsel.h"

#define UP	MYC_PATH_UP
#define UNK	MYC_PATH_UNKNOWN
#define SUS	MYC_PATH_SUSPECT
#define DOWN	MYC_PATH_DOWN

static const u8 strategies[] = {
	MYC_STRATEGY_ROUND_ROBIN, MYC_STRATEGY_LATENCY, MYC_STRATEGY_LOAD,
};

TEST(no_paths)
{
	unsigned int i;

	for (i = 0; i < sizeof(strategies); i++)
		EXPECT_EQ(-1, myc_path_select(NULL, 0, strategies[i], -1));
}

TEST(tier_order)
{
	EXPECT_LT(myc_path_tier(UP), myc_path_tier(UNK));
	EXPECT_LT(myc_path_tier(UNK), myc_path_tier(SUS));
	EXPECT_LT(myc_path_tier(SUS), myc_path_tier(DOWN));
	EXPECT_EQ(myc_path_tier(DOWN), myc_path_tier(200));
}

/* Whatever the strategy, only the best tier is considered. */
TEST(best_tier_wins)
{
	struct myc_pathsel_in p[3] = {
		{ .state = SUS, .srtt_us = 10, .in_flight = 0 },
		{ .state = DOWN, .srtt_us = 5, .in_flight = 0 },
		{ .state = UP, .srtt_us = 9000, .in_flight = 1 << 20 },
	};
	unsigned int i;
	int last;

	for (i = 0; i < sizeof(strategies); i++)
		for (last = -1; last < 3; last++)
			EXPECT_EQ(2, myc_path_select(p, 3, strategies[i], last));
	p[2].state = DOWN;
	for (i = 0; i < sizeof(strategies); i++)
		EXPECT_EQ(0, myc_path_select(p, 3, strategies[i], 2));
	p[0].state = DOWN;	/* all down: still one of them */
	for (i = 0; i < sizeof(strategies); i++)
		EXPECT_NE(-1, myc_path_select(p, 3, strategies[i], -1));
}

TEST(unknown_before_suspect)
{
	struct myc_pathsel_in p[2] = {
		{ .state = SUS, .srtt_us = 100 },
		{ .state = UNK },
	};

	EXPECT_EQ(1, myc_path_select(p, 2, MYC_STRATEGY_LATENCY, 0));
}

TEST(round_robin_alternates)
{
	struct myc_pathsel_in p[3] = {
		{ .state = UP }, { .state = UP }, { .state = UP },
	};
	int last = -1, i, count[3] = { 0 };

	for (i = 0; i < 300; i++) {
		int n = myc_path_select(p, 3, MYC_STRATEGY_ROUND_ROBIN, last);

		ASSERT_GE(n, 0);
		if (last >= 0)
			EXPECT_EQ((last + 1) % 3, n);
		count[n]++;
		last = n;
	}
	EXPECT_EQ(100, count[0]);
	EXPECT_EQ(100, count[1]);
	EXPECT_EQ(100, count[2]);
}

TEST(round_robin_skips_worse_tier)
{
	struct myc_pathsel_in p[3] = {
		{ .state = UP }, { .state = SUS }, { .state = UP },
	};

	EXPECT_EQ(2, myc_path_select(p, 3, MYC_STRATEGY_ROUND_ROBIN, 0));
	EXPECT_EQ(0, myc_path_select(p, 3, MYC_STRATEGY_ROUND_ROBIN, 2));
	EXPECT_EQ(2, myc_path_select(p, 3, MYC_STRATEGY_ROUND_ROBIN, 1));
}

TEST(last_out_of_range)
{
	struct myc_pathsel_in p[2] = { { .state = UP }, { .state = UP } };

	EXPECT_EQ(0, myc_path_select(p, 2, MYC_STRATEGY_ROUND_ROBIN, 7));
}

TEST(latency_lowest_srtt)
{
	struct myc_pathsel_in p[3] = {
		{ .state = UP, .srtt_us = 5000 },
		{ .state = UP, .srtt_us = 800 },
		{ .state = UP, .srtt_us = 2000 },
	};

	EXPECT_EQ(1, myc_path_select(p, 3, MYC_STRATEGY_LATENCY, -1));
	EXPECT_EQ(1, myc_path_select(p, 3, MYC_STRATEGY_LATENCY, 0));
	/* the delay changes: the strategy follows */
	p[2].srtt_us = 100;
	EXPECT_EQ(2, myc_path_select(p, 3, MYC_STRATEGY_LATENCY, 1));
}

/* A path with no sample yet ranks after every measured one. */
TEST(latency_unmeasured_last)
{
	struct myc_pathsel_in p[2] = {
		{ .state = UP, .srtt_us = 0 },
		{ .state = UP, .srtt_us = 900000 },
	};

	EXPECT_EQ(1, myc_path_select(p, 2, MYC_STRATEGY_LATENCY, -1));
}

/* Within 1/8 of the best, the path used last is kept: no flapping. */
TEST(latency_hysteresis)
{
	struct myc_pathsel_in p[2] = {
		{ .state = UP, .srtt_us = 1000 },
		{ .state = UP, .srtt_us = 1100 },
	};

	EXPECT_EQ(1, myc_path_select(p, 2, MYC_STRATEGY_LATENCY, 1));
	p[1].srtt_us = 1125;
	EXPECT_EQ(1, myc_path_select(p, 2, MYC_STRATEGY_LATENCY, 1));
	p[1].srtt_us = 1126;
	EXPECT_EQ(0, myc_path_select(p, 2, MYC_STRATEGY_LATENCY, 1));
	/* not when the last path is in a worse tier */
	p[1].srtt_us = 1000;
	p[1].state = SUS;
	EXPECT_EQ(0, myc_path_select(p, 2, MYC_STRATEGY_LATENCY, 1));
}

TEST(load_least_in_flight)
{
	struct myc_pathsel_in p[3] = {
		{ .state = UP, .in_flight = 3000 },
		{ .state = UP, .in_flight = 1000 },
		{ .state = UP, .in_flight = 2000 },
	};

	EXPECT_EQ(1, myc_path_select(p, 3, MYC_STRATEGY_LOAD, -1));
	EXPECT_EQ(1, myc_path_select(p, 3, MYC_STRATEGY_LOAD, 1));
}

/* Equal loads take turns: load with nothing in flight spreads. */
TEST(load_ties_rotate)
{
	struct myc_pathsel_in p[2] = { { .state = UP }, { .state = UP } };
	int last = -1, i, count[2] = { 0 };

	for (i = 0; i < 100; i++) {
		last = myc_path_select(p, 2, MYC_STRATEGY_LOAD, last);
		count[last]++;
	}
	EXPECT_EQ(50, count[0]);
	EXPECT_EQ(50, count[1]);
}

/* Simulated: each choice adds in flight, acks drain; load balances. */
TEST(load_spreads_unequal_drain)
{
	struct myc_pathsel_in p[2] = { { .state = UP }, { .state = UP } };
	int last = -1, i, count[2] = { 0 };

	for (i = 0; i < 1000; i++) {
		last = myc_path_select(p, 2, MYC_STRATEGY_LOAD, last);
		p[last].in_flight += 1000;
		count[last]++;
		/* path 0 drains twice as fast */
		p[0].in_flight = p[0].in_flight > 2000 ? p[0].in_flight - 2000 : 0;
		p[1].in_flight = p[1].in_flight > 1000 ? p[1].in_flight - 1000 : 0;
	}
	EXPECT_GT(count[0], 400);
	EXPECT_GT(count[1], 300);
}

TEST(operation_map)
{
	u8 map[MYC_CLASS_MAX + 1];

	EXPECT_EQ(MYC_STRATEGY_LATENCY,
		  myc_strategy_for(MYC_STRATEGY_OPERATION, myc_default_opmap,
				   MYC_CLASS_CONSENSUS));
	EXPECT_EQ(MYC_STRATEGY_LATENCY,
		  myc_strategy_for(MYC_STRATEGY_OPERATION, myc_default_opmap,
				   MYC_CLASS_HEALTH));
	EXPECT_EQ(MYC_STRATEGY_ROUND_ROBIN,
		  myc_strategy_for(MYC_STRATEGY_OPERATION, myc_default_opmap,
				   MYC_CLASS_SERVICE));
	EXPECT_EQ(MYC_STRATEGY_LOAD,
		  myc_strategy_for(MYC_STRATEGY_OPERATION, myc_default_opmap,
				   MYC_CLASS_RESOURCE));
	EXPECT_EQ(MYC_STRATEGY_LOAD,
		  myc_strategy_for(MYC_STRATEGY_OPERATION, myc_default_opmap,
				   MYC_CLASS_SPORE));
	/* other strategies ignore the class */
	EXPECT_EQ(MYC_STRATEGY_LOAD,
		  myc_strategy_for(MYC_STRATEGY_LOAD, myc_default_opmap,
				   MYC_CLASS_CONSENSUS));
	/* a settable map; bad entries and classes fall back to latency */
	memcpy(map, myc_default_opmap, sizeof(map));
	map[MYC_CLASS_SPORE] = MYC_STRATEGY_ROUND_ROBIN;
	map[MYC_CLASS_SERVICE] = MYC_STRATEGY_OPERATION;
	EXPECT_EQ(MYC_STRATEGY_ROUND_ROBIN,
		  myc_strategy_for(MYC_STRATEGY_OPERATION, map,
				   MYC_CLASS_SPORE));
	EXPECT_EQ(MYC_STRATEGY_LATENCY,
		  myc_strategy_for(MYC_STRATEGY_OPERATION, map,
				   MYC_CLASS_SERVICE));
	EXPECT_EQ(MYC_STRATEGY_LATENCY,
		  myc_strategy_for(MYC_STRATEGY_OPERATION, map, 99));
}

TEST_HARNESS_MAIN
