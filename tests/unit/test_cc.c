// SPDX-License-Identifier: GPL-2.0
/* Congestion control (RFC 9002 section 7) and loss detection (6.1). */
#include <stdint.h>
#include <string.h>

#include "kselftest_harness.h"
#include "cc.h"

#define MSS	1400U

/* xorshift64*: deterministic, fixed seed. */
static u64 rnd_state = 0x5eedcc01;

static u64 rnd_below(u64 n)
{
	rnd_state ^= rnd_state >> 12;
	rnd_state ^= rnd_state << 25;
	rnd_state ^= rnd_state >> 27;
	return (rnd_state * 0x2545F4914F6CDD1DULL) % n;
}

TEST(init)
{
	struct myc_cc cc;

	memset(&cc, 0xa5, sizeof(cc));
	myc_cc_init(&cc, MSS);
	EXPECT_EQ(MSS, cc.mss);
	EXPECT_EQ(MYC_CC_INITIAL_PKTS * MSS, cc.cwnd);
	EXPECT_EQ(~0U, cc.ssthresh);
	EXPECT_EQ(0U, cc.ca_acked);
	EXPECT_EQ(0ULL, cc.recovery_pn);
}

TEST(slow_start)
{
	struct myc_cc cc;
	unsigned int n;

	myc_cc_init(&cc, MSS);
	/* Every acked byte grows the window by a byte. */
	for (n = 1; n <= 10; n++) {
		myc_cc_on_ack(&cc, n, MSS);
		ASSERT_EQ((10 + n) * MSS, cc.cwnd);
	}
	myc_cc_on_ack(&cc, 11, 100);
	EXPECT_EQ(20 * MSS + 100, cc.cwnd);
	/* A whole window acked doubles it. */
	myc_cc_init(&cc, MSS);
	for (n = 1; n <= 10; n++)
		myc_cc_on_ack(&cc, n, MSS);
	for (n = 11; n <= 30; n++)
		myc_cc_on_ack(&cc, n, MSS);
	EXPECT_EQ(40 * MSS, cc.cwnd);
	EXPECT_EQ(0U, cc.ca_acked);
}

TEST(loss_halves_then_congestion_avoidance)
{
	struct myc_cc cc;
	unsigned int n;
	u64 pn;

	myc_cc_init(&cc, MSS);
	/* Packets 1..10 in flight, 5 lost; 11 is next. */
	myc_cc_on_loss(&cc, 5, 11);
	EXPECT_EQ(5 * MSS, cc.ssthresh);
	EXPECT_EQ(5 * MSS, cc.cwnd);
	EXPECT_EQ(11ULL, cc.recovery_pn);

	/* Acks of the old flight do not grow the window. */
	for (pn = 6; pn <= 10; pn++)
		myc_cc_on_ack(&cc, pn, MSS);
	EXPECT_EQ(5 * MSS, cc.cwnd);
	EXPECT_EQ(0U, cc.ca_acked);

	/* Acking 11 ends recovery and counts in congestion avoidance. */
	myc_cc_on_ack(&cc, 11, MSS);
	EXPECT_EQ(5 * MSS, cc.cwnd);
	EXPECT_EQ(MSS, cc.ca_acked);
	pn = 12;
	for (n = 2; n <= 4; n++)
		myc_cc_on_ack(&cc, pn++, MSS);
	/* 4 of 5 datagrams acked: not yet. */
	EXPECT_EQ(5 * MSS, cc.cwnd);
	/* Partial acks accumulate too. */
	myc_cc_on_ack(&cc, pn++, MSS - 1);
	EXPECT_EQ(5 * MSS, cc.cwnd);
	myc_cc_on_ack(&cc, pn++, 1);
	/* A full cwnd acked: one more datagram. */
	EXPECT_EQ(6 * MSS, cc.cwnd);
	EXPECT_EQ(0U, cc.ca_acked);

	/* Over many windows: +1 mss per cwnd acknowledged. */
	for (n = 6; n < 50; n++) {
		unsigned int k;

		for (k = 0; k < n; k++) {
			ASSERT_EQ(n * MSS, cc.cwnd);
			myc_cc_on_ack(&cc, pn++, MSS);
		}
		ASSERT_EQ((n + 1) * MSS, cc.cwnd);
	}
	EXPECT_EQ(5 * MSS, cc.ssthresh);
}

TEST(one_reduction_per_recovery_period)
{
	struct myc_cc cc;
	u64 pn;

	myc_cc_init(&cc, MSS);
	for (pn = 1; pn <= 10; pn++)
		myc_cc_on_ack(&cc, pn, MSS);
	ASSERT_EQ(20 * MSS, cc.cwnd);

	/* Packets 11..40 in flight; several of them are lost. */
	myc_cc_on_loss(&cc, 13, 41);
	EXPECT_EQ(10 * MSS, cc.cwnd);
	EXPECT_EQ(10 * MSS, cc.ssthresh);
	EXPECT_EQ(41ULL, cc.recovery_pn);
	myc_cc_on_loss(&cc, 11, 42);
	myc_cc_on_loss(&cc, 20, 43);
	myc_cc_on_loss(&cc, 40, 44);
	EXPECT_EQ(10 * MSS, cc.cwnd);
	EXPECT_EQ(10 * MSS, cc.ssthresh);
	EXPECT_EQ(41ULL, cc.recovery_pn);

	/* A packet sent during recovery is lost: a new period, halve again. */
	myc_cc_on_loss(&cc, 41, 50);
	EXPECT_EQ(5 * MSS, cc.cwnd);
	EXPECT_EQ(5 * MSS, cc.ssthresh);
	EXPECT_EQ(50ULL, cc.recovery_pn);

	/* Recovery ends with the ack of 50; cwnd grows from then on. */
	myc_cc_on_ack(&cc, 45, MSS);
	EXPECT_EQ(0U, cc.ca_acked);
	for (pn = 50; pn < 55; pn++)
		myc_cc_on_ack(&cc, pn, MSS);
	EXPECT_EQ(6 * MSS, cc.cwnd);

	/*
	 * A packet of the old flight declared lost late (time threshold)
	 * does not halve a second time; a later one does.
	 */
	myc_cc_on_loss(&cc, 47, 60);
	EXPECT_EQ(6 * MSS, cc.cwnd);
	myc_cc_on_loss(&cc, 56, 60);
	EXPECT_EQ(3 * MSS, cc.cwnd);
	EXPECT_EQ(60ULL, cc.recovery_pn);
}

TEST(minimum_window)
{
	struct myc_cc cc;
	u64 pn = 1;
	unsigned int n;

	myc_cc_init(&cc, MSS);
	for (n = 0; n < 10; n++) {
		myc_cc_on_loss(&cc, pn, pn + 1);
		pn++;
		ASSERT_LE(MYC_CC_MIN_PKTS * MSS, cc.cwnd);
		ASSERT_LE(MYC_CC_MIN_PKTS * MSS, cc.ssthresh);
	}
	EXPECT_EQ(MYC_CC_MIN_PKTS * MSS, cc.cwnd);
	EXPECT_EQ(MYC_CC_MIN_PKTS * MSS, cc.ssthresh);

	/* 3 mss halves to the minimum of 2, not 1.5. */
	myc_cc_init(&cc, MSS);
	cc.cwnd = 3 * MSS;
	myc_cc_on_loss(&cc, 1, 2);
	EXPECT_EQ(2 * MSS, cc.cwnd);
	EXPECT_EQ(2 * MSS, cc.ssthresh);
}

TEST(rto_collapse)
{
	struct myc_cc cc;
	u64 pn;

	myc_cc_init(&cc, MSS);
	for (pn = 1; pn <= 10; pn++)
		myc_cc_on_ack(&cc, pn, MSS);
	ASSERT_EQ(20 * MSS, cc.cwnd);
	myc_cc_on_rto(&cc);
	EXPECT_EQ(MYC_CC_MIN_PKTS * MSS, cc.cwnd);
	EXPECT_EQ(10 * MSS, cc.ssthresh);
	EXPECT_EQ(0ULL, cc.recovery_pn);
	EXPECT_EQ(0U, cc.ca_acked);

	/* Slow start again up to ssthresh, then one mss per window. */
	for (pn = 11; cc.cwnd < cc.ssthresh; pn++)
		myc_cc_on_ack(&cc, pn, MSS);
	EXPECT_EQ(10 * MSS, cc.cwnd);
	EXPECT_EQ(19ULL, pn);
	myc_cc_on_ack(&cc, pn++, MSS);
	EXPECT_EQ(10 * MSS, cc.cwnd);
	EXPECT_EQ(MSS, cc.ca_acked);

	/* During recovery, an RTO collapses too and ends the period. */
	myc_cc_on_loss(&cc, 20, 30);
	EXPECT_EQ(5 * MSS, cc.cwnd);
	myc_cc_on_rto(&cc);
	EXPECT_EQ(MYC_CC_MIN_PKTS * MSS, cc.cwnd);
	EXPECT_EQ(MYC_CC_MIN_PKTS * MSS + MSS / 2, cc.ssthresh);
	myc_cc_on_ack(&cc, 21, MSS);
	EXPECT_EQ(MYC_CC_MIN_PKTS * MSS + MSS, cc.cwnd);

	/* Repeated RTOs stay at the minimum. */
	myc_cc_on_rto(&cc);
	myc_cc_on_rto(&cc);
	EXPECT_EQ(MYC_CC_MIN_PKTS * MSS, cc.cwnd);
	EXPECT_EQ(MYC_CC_MIN_PKTS * MSS, cc.ssthresh);
}

TEST(can_send)
{
	struct myc_cc cc;

	myc_cc_init(&cc, MSS);
	EXPECT_TRUE(myc_cc_can_send(&cc, 0, MSS));
	EXPECT_TRUE(myc_cc_can_send(&cc, 9 * MSS, MSS));
	EXPECT_FALSE(myc_cc_can_send(&cc, 9 * MSS + 1, MSS));
	EXPECT_TRUE(myc_cc_can_send(&cc, 1, 10 * MSS - 1));
	EXPECT_FALSE(myc_cc_can_send(&cc, 1, 10 * MSS));
	EXPECT_FALSE(myc_cc_can_send(&cc, 10 * MSS, 1));
	EXPECT_TRUE(myc_cc_can_send(&cc, 10 * MSS, 0));
	EXPECT_FALSE(myc_cc_can_send(&cc, 20 * MSS, 0));
	/* Nothing in flight: even a datagram beyond cwnd may go. */
	EXPECT_TRUE(myc_cc_can_send(&cc, 0, 100 * MSS));
	EXPECT_TRUE(myc_cc_can_send(&cc, 0, ~0U));
	/* No wrap of in_flight + bytes. */
	EXPECT_FALSE(myc_cc_can_send(&cc, ~0U, 2));
	EXPECT_FALSE(myc_cc_can_send(&cc, 2, ~0U));
	EXPECT_FALSE(myc_cc_can_send(&cc, ~0U, ~0U));

	/* Follows the window. */
	myc_cc_on_rto(&cc);
	EXPECT_TRUE(myc_cc_can_send(&cc, MSS, MSS));
	EXPECT_FALSE(myc_cc_can_send(&cc, MSS, MSS + 1));
	EXPECT_TRUE(myc_cc_can_send(&cc, 0, 5 * MSS));
}

TEST(no_overflow)
{
	struct myc_cc cc;
	unsigned int n;

	myc_cc_init(&cc, MSS);
	for (n = 0; n < 10; n++)
		myc_cc_on_ack(&cc, n + 1, ~0U);
	EXPECT_EQ(~0U, cc.cwnd);
	myc_cc_on_loss(&cc, 100, 101);
	EXPECT_EQ(~0U / 2, cc.cwnd);
	for (n = 0; n < 100; n++)
		myc_cc_on_ack(&cc, 200 + n, ~0U);
	EXPECT_LE(~0U / 2, cc.cwnd);
	EXPECT_GT(cc.cwnd, cc.ca_acked);

	/* A huge mss (and 0) does not wrap either. */
	myc_cc_init(&cc, ~0U);
	EXPECT_EQ(~0U, cc.cwnd);
	myc_cc_on_rto(&cc);
	EXPECT_EQ(~0U, cc.cwnd);
	myc_cc_init(&cc, 0);
	EXPECT_LT(0U, cc.cwnd);
	EXPECT_TRUE(myc_cc_can_send(&cc, 0, MSS));
}

/* Random events: the invariants hold throughout. */
TEST(random_invariants)
{
	struct myc_cc cc;
	u64 next = 1, acked = 0;
	unsigned int step;

	myc_cc_init(&cc, MSS);
	for (step = 0; step < 100000; step++) {
		u64 k = rnd_below(1000);
		u32 cwnd = cc.cwnd;
		u64 pn;

		next += 1 + rnd_below(4);
		if (k < 900) {
			pn = acked + 1 + rnd_below(next - acked - 1);
			myc_cc_on_ack(&cc, pn, 1 + rnd_below(MSS));
			if (pn > acked)
				acked = pn;
			ASSERT_LE(cwnd, cc.cwnd);
		} else if (k < 995) {
			pn = acked + 1 + rnd_below(next - acked - 1);
			myc_cc_on_loss(&cc, pn, next);
			ASSERT_GE(cwnd, cc.cwnd);
			ASSERT_LT(pn, cc.recovery_pn);
		} else {
			myc_cc_on_rto(&cc);
			ASSERT_EQ(MYC_CC_MIN_PKTS * MSS, cc.cwnd);
		}
		ASSERT_LE(MYC_CC_MIN_PKTS * MSS, cc.cwnd);
		ASSERT_LE(MYC_CC_MIN_PKTS * MSS, cc.ssthresh);
		ASSERT_GT(cc.cwnd, cc.ca_acked);
		ASSERT_GE(next, cc.recovery_pn);
	}
}

TEST(lost_by_packet_threshold)
{
	struct myc_rtt rtt;
	u64 when = 77;

	myc_rtt_init(&rtt);
	myc_rtt_sample(&rtt, 100000, 0);
	/* Sent just now: only the packet threshold can declare it lost. */
	EXPECT_TRUE(myc_is_lost(7, 1000, 10, 1000, &rtt, &when));
	EXPECT_EQ(0ULL, when);
	EXPECT_TRUE(myc_is_lost(1, 1000, 10, 1000, &rtt, &when));
	EXPECT_FALSE(myc_is_lost(8, 1000, 10, 1000, &rtt, &when));
	/* Not yet, but the time threshold will do it. */
	EXPECT_EQ(1000ULL + 112500, when);
	EXPECT_FALSE(myc_is_lost(9, 1000, 10, 1000, &rtt, &when));
	EXPECT_EQ(1000ULL + 112500, when);
	/* Not below the largest acked: never lost, no timer. */
	when = 77;
	EXPECT_FALSE(myc_is_lost(10, 1000, 10, 10000000, &rtt, &when));
	EXPECT_EQ(0ULL, when);
	when = 77;
	EXPECT_FALSE(myc_is_lost(11, 1000, 10, 10000000, &rtt, &when));
	EXPECT_EQ(0ULL, when);
	when = 77;
	EXPECT_FALSE(myc_is_lost(5, 1000, 0, 10000000, &rtt, &when));
	EXPECT_EQ(0ULL, when);

	/* NULL when_us is fine. */
	EXPECT_TRUE(myc_is_lost(7, 1000, 10, 1000, &rtt, NULL));
	EXPECT_FALSE(myc_is_lost(9, 1000, 10, 1000, &rtt, NULL));

	/* Huge packet numbers. */
	EXPECT_FALSE(myc_is_lost(~0ULL - 2, 1000, ~0ULL, 1000, &rtt, &when));
	EXPECT_TRUE(myc_is_lost(~0ULL - 3, 1000, ~0ULL, 1000, &rtt, &when));
	EXPECT_FALSE(myc_is_lost(~0ULL, 1000, ~0ULL, 1000, &rtt, &when));
}

TEST(lost_by_time_threshold)
{
	struct myc_rtt rtt;
	u64 when;
	const u64 sent = 5000000;

	/* srtt = latest = 100 ms: 112.5 ms. */
	myc_rtt_init(&rtt);
	myc_rtt_sample(&rtt, 100000, 0);
	EXPECT_FALSE(myc_is_lost(9, sent, 10, sent + 112499, &rtt, &when));
	EXPECT_EQ(sent + 112500, when);
	EXPECT_TRUE(myc_is_lost(9, sent, 10, sent + 112500, &rtt, &when));
	EXPECT_EQ(0ULL, when);
	EXPECT_TRUE(myc_is_lost(9, sent, 10, sent + 10000000, &rtt, &when));

	/* latest above srtt: the larger one counts. */
	myc_rtt_sample(&rtt, 200000, 0);
	ASSERT_LT(rtt.srtt_us, rtt.latest_us);
	EXPECT_FALSE(myc_is_lost(9, sent, 10, sent + 224999, &rtt, &when));
	EXPECT_EQ(sent + 225000, when);
	EXPECT_TRUE(myc_is_lost(9, sent, 10, sent + 225000, &rtt, &when));

	/* srtt above latest. */
	myc_rtt_sample(&rtt, 1000, 0);
	ASSERT_GT(rtt.srtt_us, rtt.latest_us);
	EXPECT_FALSE(myc_is_lost(9, sent, 10, sent, &rtt, &when));
	EXPECT_EQ(sent + (u64)rtt.srtt_us * 9 / 8, when);

	/* At least the granularity. */
	myc_rtt_init(&rtt);
	myc_rtt_sample(&rtt, 100, 0);
	EXPECT_FALSE(myc_is_lost(9, sent, 10, sent + 999, &rtt, &when));
	EXPECT_EQ(sent + MYC_RTT_GRANULARITY_US, when);
	EXPECT_TRUE(myc_is_lost(9, sent, 10, sent + 1000, &rtt, &when));
	/* 900 * 9 / 8 = 1012 */
	myc_rtt_init(&rtt);
	myc_rtt_sample(&rtt, 900, 0);
	EXPECT_FALSE(myc_is_lost(9, sent, 10, sent + 1011, &rtt, &when));
	EXPECT_EQ(sent + 1012, when);

	/* No sample yet: the initial RTO stands for the RTT. */
	myc_rtt_init(&rtt);
	EXPECT_FALSE(myc_is_lost(9, sent, 10, sent + 224999, &rtt, &when));
	EXPECT_EQ(sent + MYC_RTO_INITIAL_US * 9 / 8, when);
	EXPECT_TRUE(myc_is_lost(9, sent, 10, sent + 225000, &rtt, &when));
	EXPECT_FALSE(myc_is_lost(9, sent, 10, sent + 224999, NULL, &when));
	EXPECT_EQ(sent + MYC_RTO_INITIAL_US * 9 / 8, when);

	/* A clock behind the send time: not lost, the timer still set. */
	myc_rtt_init(&rtt);
	myc_rtt_sample(&rtt, 100000, 0);
	EXPECT_FALSE(myc_is_lost(9, sent, 10, sent - 1000, &rtt, &when));
	EXPECT_EQ(sent + 112500, when);

	/* Huge RTT: 9/8 of ~0U without overflow. */
	myc_rtt_init(&rtt);
	myc_rtt_sample(&rtt, ~0U, 0);
	EXPECT_FALSE(myc_is_lost(9, sent, 10, sent, &rtt, &when));
	EXPECT_EQ(sent + (u64)~0U * 9 / 8, when);
}

TEST_HARNESS_MAIN
