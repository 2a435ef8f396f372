// SPDX-License-Identifier: GPL-2.0
/* RTT estimation (RFC 6298, ack delay as RFC 9002 5.3) and the RTO. */
#include <stdint.h>
#include <string.h>

#include "kselftest_harness.h"
#include "rtt.h"

static uint32_t absdiff(uint32_t a, uint32_t b)
{
	return a > b ? a - b : b - a;
}

/* RTO from the state, as the header defines it. */
static uint32_t expected_rto(const struct myc_rtt *r)
{
	uint64_t var = 4 * (uint64_t)r->rttvar_us;
	uint64_t rto = r->srtt_us + (var > MYC_RTT_GRANULARITY_US ?
				     var : MYC_RTT_GRANULARITY_US) +
		       MYC_ACK_DELAY_MAX_US;

	if (rto < MYC_RTO_MIN_US)
		return MYC_RTO_MIN_US;
	if (rto > MYC_RTO_MAX_US)
		return MYC_RTO_MAX_US;
	return rto;
}

TEST(init)
{
	struct myc_rtt r;

	memset(&r, 0xa5, sizeof(r));
	myc_rtt_init(&r);
	EXPECT_EQ(0U, r.srtt_us);
	EXPECT_EQ(0U, r.rttvar_us);
	EXPECT_EQ(0U, r.min_rtt_us);
	EXPECT_EQ(0U, r.latest_us);
	EXPECT_EQ(MYC_RTO_INITIAL_US, r.rto_us);
	EXPECT_EQ(0U, r.backoff);
}

TEST(first_sample)
{
	struct myc_rtt r;

	myc_rtt_init(&r);
	myc_rtt_sample(&r, 100000, 0);
	EXPECT_EQ(100000U, r.srtt_us);
	EXPECT_EQ(50000U, r.rttvar_us);
	EXPECT_EQ(100000U, r.min_rtt_us);
	EXPECT_EQ(100000U, r.latest_us);
	/* SRTT + 4 * RTTVAR + the peer's longest ACK delay */
	EXPECT_EQ(300000U + MYC_ACK_DELAY_MAX_US, r.rto_us);
	EXPECT_EQ(0U, r.backoff);

	/* The first sample ignores the ack delay (it is min_rtt itself). */
	myc_rtt_init(&r);
	myc_rtt_sample(&r, 30000, 20000);
	EXPECT_EQ(30000U, r.srtt_us);
	EXPECT_EQ(15000U, r.rttvar_us);
	EXPECT_EQ(90000U + MYC_ACK_DELAY_MAX_US, r.rto_us);

	/* A sample of 0 counts as 1 us. */
	myc_rtt_init(&r);
	myc_rtt_sample(&r, 0, 0);
	EXPECT_EQ(1U, r.srtt_us);
	EXPECT_EQ(1U, r.min_rtt_us);
	EXPECT_EQ(1U, r.latest_us);
	EXPECT_EQ(expected_rto(&r), r.rto_us);
	EXPECT_EQ(1U + MYC_RTT_GRANULARITY_US + MYC_ACK_DELAY_MAX_US, r.rto_us);
}

TEST(second_sample_rfc6298)
{
	struct myc_rtt r;

	myc_rtt_init(&r);
	myc_rtt_sample(&r, 100000, 0);
	myc_rtt_sample(&r, 60000, 0);
	/* RTTVAR = 3/4 * 50000 + 1/4 * |100000 - 60000| = 47500 */
	EXPECT_EQ(47500U, r.rttvar_us);
	/* SRTT = 7/8 * 100000 + 1/8 * 60000 = 95000 */
	EXPECT_EQ(95000U, r.srtt_us);
	EXPECT_EQ(95000U + 4 * 47500U + MYC_ACK_DELAY_MAX_US, r.rto_us);
	EXPECT_EQ(60000U, r.min_rtt_us);
	EXPECT_EQ(60000U, r.latest_us);

	myc_rtt_sample(&r, 140000, 0);
	/* RTTVAR uses the old SRTT: 3/4 * 47500 + 1/4 * 45000 = 46875 */
	EXPECT_EQ(46875U, r.rttvar_us);
	/* SRTT = 7/8 * 95000 + 1/8 * 140000 = 100625 */
	EXPECT_EQ(100625U, r.srtt_us);
	EXPECT_EQ(60000U, r.min_rtt_us);
	EXPECT_EQ(140000U, r.latest_us);
	EXPECT_EQ(expected_rto(&r), r.rto_us);
}

TEST(converges_to_constant)
{
	static const uint32_t rtts[] = { 150, 5000, 20000, 250000, 3000000 };
	struct myc_rtt r;
	unsigned int i, k;

	for (k = 0; k < sizeof(rtts) / sizeof(rtts[0]); k++) {
		/* From far above and from far below. */
		static const uint32_t starts[] = { 1000000, 10 };

		for (i = 0; i < 2; i++) {
			unsigned int n;

			myc_rtt_init(&r);
			myc_rtt_sample(&r, starts[i], 0);
			for (n = 0; n < 300; n++)
				myc_rtt_sample(&r, rtts[k], 0);
			EXPECT_GE(4U, absdiff(r.srtt_us, rtts[k]))
				TH_LOG("rtt %u start %u: srtt %u", rtts[k],
				       starts[i], r.srtt_us);
			EXPECT_GE(4U, r.rttvar_us)
				TH_LOG("rtt %u: rttvar %u", rtts[k],
				       r.rttvar_us);
			/* RTTVAR has died out: SRTT + G + ack delay, clamped */
			EXPECT_EQ(expected_rto(&r), r.rto_us);
			if (rtts[k] + MYC_RTT_GRANULARITY_US +
			    MYC_ACK_DELAY_MAX_US > MYC_RTO_MIN_US) {
				EXPECT_GE(4U, absdiff(r.rto_us, rtts[k] +
						      MYC_RTT_GRANULARITY_US +
						      MYC_ACK_DELAY_MAX_US));
			} else {
				EXPECT_EQ(MYC_RTO_MIN_US, r.rto_us);
			}
		}
	}
}

TEST(moves_towards_samples)
{
	struct myc_rtt r;
	uint32_t prev;
	unsigned int n;

	myc_rtt_init(&r);
	myc_rtt_sample(&r, 10000, 0);
	prev = r.srtt_us;
	for (n = 0; n < 50; n++) {
		myc_rtt_sample(&r, 50000, 0);
		EXPECT_LT(prev, r.srtt_us);
		EXPECT_GT(50000U, r.srtt_us);
		prev = r.srtt_us;
	}
	/* RTTVAR jumps with a variable RTT and the RTO covers the samples. */
	myc_rtt_init(&r);
	for (n = 0; n < 200; n++)
		myc_rtt_sample(&r, n % 2 ? 10000 : 30000, 0);
	EXPECT_LT(5000U, r.rttvar_us);
	EXPECT_LT(30000U, r.rto_us);
	EXPECT_EQ(10000U, r.min_rtt_us);
}

TEST(rto_floor_and_ceiling)
{
	struct myc_rtt r;
	unsigned int n;

	myc_rtt_init(&r);
	for (n = 0; n < 100; n++)
		myc_rtt_sample(&r, 200, 0);
	/* a LAN: G and the ACK delay keep it above the floor already */
	EXPECT_LE(MYC_RTO_MIN_US, r.rto_us);
	EXPECT_EQ(200U + MYC_RTT_GRANULARITY_US + MYC_ACK_DELAY_MAX_US,
		  r.rto_us);

	/* A steady RTT: SRTT + G + the ACK delay. */
	myc_rtt_init(&r);
	for (n = 0; n < 300; n++)
		myc_rtt_sample(&r, 12000, 0);
	EXPECT_EQ(12000U, r.srtt_us);
	EXPECT_EQ(0U, r.rttvar_us);
	EXPECT_EQ(13000U + MYC_ACK_DELAY_MAX_US, r.rto_us);

	myc_rtt_init(&r);
	myc_rtt_sample(&r, 4000000, 0);
	/* 4 s + 4 * 2 s > 10 s */
	EXPECT_EQ(MYC_RTO_MAX_US, r.rto_us);
	myc_rtt_init(&r);
	myc_rtt_sample(&r, 30000000, 0);
	EXPECT_EQ(30000000U, r.srtt_us);
	EXPECT_EQ(MYC_RTO_MAX_US, r.rto_us);
}

TEST(backoff_doubles_and_caps)
{
	struct myc_rtt r;
	uint32_t rto;
	unsigned int n;

	/* Before any sample: from the initial RTO. */
	myc_rtt_init(&r);
	myc_rtt_backoff(&r);
	EXPECT_EQ(2 * MYC_RTO_INITIAL_US, r.rto_us);
	EXPECT_EQ(1U, r.backoff);

	myc_rtt_init(&r);
	myc_rtt_sample(&r, 100000, 0);
	ASSERT_EQ(300000U + MYC_ACK_DELAY_MAX_US, r.rto_us);
	rto = r.rto_us;
	for (n = 1; n <= 40; n++) {
		myc_rtt_backoff(&r);
		rto = 2 * (uint64_t)rto > MYC_RTO_MAX_US ? MYC_RTO_MAX_US :
							 2 * rto;
		ASSERT_EQ(rto, r.rto_us);
		ASSERT_EQ(n, r.backoff);
	}
	EXPECT_EQ(MYC_RTO_MAX_US, r.rto_us);
	/* The estimate itself is untouched by backoff. */
	EXPECT_EQ(100000U, r.srtt_us);
	EXPECT_EQ(50000U, r.rttvar_us);

	/* A new sample recomputes the RTO and clears the backoff. */
	myc_rtt_sample(&r, 100000, 0);
	EXPECT_EQ(0U, r.backoff);
	EXPECT_EQ(expected_rto(&r), r.rto_us);
	EXPECT_GT(MYC_RTO_MAX_US, r.rto_us);

	/* Many expiries: no wrap of rto or backoff. */
	for (n = 0; n < 100000; n++)
		myc_rtt_backoff(&r);
	EXPECT_EQ(MYC_RTO_MAX_US, r.rto_us);
	EXPECT_EQ(100000U, r.backoff);
}

TEST(ack_delay_rule)
{
	struct myc_rtt a, b;

	/* min_rtt 10000. */
	myc_rtt_init(&a);
	myc_rtt_sample(&a, 10000, 0);
	b = a;

	/* 20000 - 5000 >= 10000: the delay is subtracted. */
	myc_rtt_sample(&a, 20000, 5000);
	myc_rtt_sample(&b, 15000, 0);
	EXPECT_EQ(b.srtt_us, a.srtt_us);
	EXPECT_EQ(b.rttvar_us, a.rttvar_us);
	EXPECT_EQ(b.rto_us, a.rto_us);
	/* latest and min_rtt are the raw samples. */
	EXPECT_EQ(20000U, a.latest_us);
	EXPECT_EQ(10000U, a.min_rtt_us);

	/* 12000 - 5000 < 10000: not subtracted. */
	b = a;
	myc_rtt_sample(&a, 12000, 5000);
	myc_rtt_sample(&b, 12000, 0);
	EXPECT_EQ(b.srtt_us, a.srtt_us);
	EXPECT_EQ(b.rttvar_us, a.rttvar_us);

	/* Exactly min_rtt left: subtracted. */
	b = a;
	myc_rtt_sample(&a, 13000, 3000);
	myc_rtt_sample(&b, 10000, 0);
	EXPECT_EQ(b.srtt_us, a.srtt_us);
	EXPECT_EQ(b.rttvar_us, a.rttvar_us);
	EXPECT_EQ(13000U, a.latest_us);

	/* One short of it: not subtracted. */
	b = a;
	myc_rtt_sample(&a, 13000, 3001);
	myc_rtt_sample(&b, 13000, 0);
	EXPECT_EQ(b.srtt_us, a.srtt_us);
	EXPECT_EQ(b.rttvar_us, a.rttvar_us);

	/* A huge delay never underflows the sample. */
	b = a;
	myc_rtt_sample(&a, 11000, ~0U);
	myc_rtt_sample(&b, 11000, 0);
	EXPECT_EQ(b.srtt_us, a.srtt_us);

	/* A new smaller sample lowers min_rtt. */
	myc_rtt_sample(&a, 8000, 0);
	EXPECT_EQ(8000U, a.min_rtt_us);
	myc_rtt_sample(&a, 9000, 0);
	EXPECT_EQ(8000U, a.min_rtt_us);
}

TEST(no_overflow)
{
	struct myc_rtt r;
	unsigned int n;

	myc_rtt_init(&r);
	myc_rtt_sample(&r, ~0U, ~0U);
	EXPECT_EQ(~0U, r.srtt_us);
	EXPECT_EQ(~0U / 2, r.rttvar_us);
	EXPECT_EQ(MYC_RTO_MAX_US, r.rto_us);
	for (n = 0; n < 100; n++) {
		myc_rtt_sample(&r, ~0U, 0);
		ASSERT_EQ(MYC_RTO_MAX_US, r.rto_us);
	}
	EXPECT_EQ(~0U, r.srtt_us);

	/* Wild swings between extremes: everything stays in range. */
	for (n = 0; n < 1000; n++) {
		uint32_t prev_srtt = r.srtt_us;

		myc_rtt_sample(&r, n % 2 ? 1 : ~0U, n % 3 ? 0 : ~0U);
		ASSERT_LE(MYC_RTO_MIN_US, r.rto_us);
		ASSERT_GE(MYC_RTO_MAX_US, r.rto_us);
		ASSERT_LT(0U, r.srtt_us);
		/* SRTT moves by about an eighth of the way, never wraps. */
		if (n % 2) {
			ASSERT_GE(prev_srtt, r.srtt_us);
		} else {
			ASSERT_LE(prev_srtt, r.srtt_us);
		}
		ASSERT_EQ(expected_rto(&r), r.rto_us);
	}
	EXPECT_EQ(1U, r.min_rtt_us);
	EXPECT_LT(1000000000U, r.rttvar_us);

	/* Down from the top: one sample of 1 after ~0 moves 1/8 down. */
	myc_rtt_init(&r);
	myc_rtt_sample(&r, ~0U, 0);
	myc_rtt_sample(&r, 1, 0);
	EXPECT_GE(1U, absdiff(r.srtt_us, (uint32_t)((7ULL * ~0U + 1) / 8)));
}

TEST_HARNESS_MAIN
