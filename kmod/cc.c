// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Congestion control (NewReno-style AIMD on bytes, RFC 9002 section 7) and
 * loss detection (RFC 9002 section 6.1).  Shared by the module and the host
 * tests, see cc.h.
 */
#include "cc.h"

/* u32 a + b, saturating. */
static inline u32 myc_add_sat(u32 a, u32 b)
{
	return a + b < a ? (u32)~0U : a + b;
}

static inline u32 myc_cc_min_window(const struct myc_cc *cc)
{
	u64 w = (u64)MYC_CC_MIN_PKTS * cc->mss;

	return w > (u32)~0U ? (u32)~0U : (u32)w;
}

void myc_cc_init(struct myc_cc *cc, u32 mss)
{
	u64 w;

	if (!mss)
		mss = 1;
	w = (u64)MYC_CC_INITIAL_PKTS * mss;
	cc->mss = mss;
	cc->cwnd = w > (u32)~0U ? (u32)~0U : (u32)w;
	cc->ssthresh = ~0U;
	cc->ca_acked = 0;
	cc->recovery_pn = 0;
}

void myc_cc_on_ack(struct myc_cc *cc, u64 pn, u32 bytes)
{
	/*
	 * A packet sent before the recovery period began grows nothing
	 * (RFC 9002 7.3.2); the first one sent after it ends the period, and
	 * that one counts already.
	 */
	if (pn < cc->recovery_pn)
		return;

	if (cc->cwnd < cc->ssthresh) {
		cc->cwnd = myc_add_sat(cc->cwnd, bytes);
		return;
	}
	/* Congestion avoidance: one datagram per window acknowledged. */
	cc->ca_acked = myc_add_sat(cc->ca_acked, bytes);
	while (cc->ca_acked >= cc->cwnd && cc->cwnd != (u32)~0U) {
		cc->ca_acked -= cc->cwnd;
		cc->cwnd = myc_add_sat(cc->cwnd, cc->mss);
	}
}

/* Multiplicative decrease: ssthresh = max(cwnd / 2, minimum window). */
static void myc_cc_reduce(struct myc_cc *cc)
{
	u32 min = myc_cc_min_window(cc);

	cc->ssthresh = cc->cwnd / 2 > min ? cc->cwnd / 2 : min;
	cc->ca_acked = 0;
}

void myc_cc_on_loss(struct myc_cc *cc, u64 lost_pn, u64 next_pn)
{
	/* Sent before the current recovery period began: no new reduction. */
	if (lost_pn < cc->recovery_pn)
		return;
	myc_cc_reduce(cc);
	cc->cwnd = cc->ssthresh;
	/* next_pn is beyond lost_pn; if a caller says otherwise, use lost + 1. */
	cc->recovery_pn = next_pn > lost_pn ? next_pn : lost_pn + 1;
}

void myc_cc_on_rto(struct myc_cc *cc)
{
	myc_cc_reduce(cc);
	cc->cwnd = myc_cc_min_window(cc);
	/* As RFC 9002 7.6.2: the recovery period is over, acks grow again. */
	cc->recovery_pn = 0;
}

bool myc_cc_can_send(const struct myc_cc *cc, u32 in_flight, u32 bytes)
{
	/* With nothing in flight anything may go, so nothing can deadlock. */
	if (!in_flight)
		return true;
	return (u64)in_flight + bytes <= cc->cwnd;
}

bool myc_is_lost(u64 pn, u64 sent_us, u64 largest_acked, u64 now_us,
		 const struct myc_rtt *rtt, u64 *when_us)
{
	u64 thresh;
	u32 base;

	if (when_us)
		*when_us = 0;
	/* Only packets below the largest acknowledged one can be lost. */
	if (pn >= largest_acked)
		return false;
	if (largest_acked - pn >= MYC_LOSS_PKT_THRESHOLD)
		return true;

	if (!rtt || !rtt->srtt_us)
		base = MYC_RTO_INITIAL_US;
	else
		base = rtt->srtt_us > rtt->latest_us ? rtt->srtt_us :
						       rtt->latest_us;
	/* base * NUM / DEN exactly, with 32-bit divisions only. */
	thresh = (u64)(base / MYC_LOSS_TIME_DEN) * MYC_LOSS_TIME_NUM +
		 base % MYC_LOSS_TIME_DEN * MYC_LOSS_TIME_NUM /
		 MYC_LOSS_TIME_DEN;
	if (thresh < MYC_RTT_GRANULARITY_US)
		thresh = MYC_RTT_GRANULARITY_US;
	if (now_us >= sent_us && now_us - sent_us >= thresh)
		return true;
	if (when_us)
		*when_us = sent_us + thresh;
	return false;
}
