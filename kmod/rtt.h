/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * Round-trip time estimation (RFC 6298) and the retransmission timeout,
 * shared by the module and the host tests.  Times in microseconds.
 */
#ifndef _MYC_RTT_H
#define _MYC_RTT_H

#include "shared.h"

#define MYC_RTO_INITIAL_US	200000U	/* before the first sample */
#define MYC_RTO_MIN_US		10000U	/* LAN paths: far below TCP's 200 ms */
#define MYC_RTO_MAX_US		10000000U
#define MYC_RTT_GRANULARITY_US	1000U	/* G of RFC 6298 */
/*
 * The longest a receiver holds an ACK (one jiffy: 10 ms at HZ=100, 4 ms at
 * Debian's 250): samples have the reported delay taken out, so the RTO
 * adds it back, as RFC 9002's PTO adds max_ack_delay.  Without it a path
 * with a steady RTT (RTTVAR near 0) times out on every delayed ACK.
 */
#define MYC_ACK_DELAY_MAX_US	10000U

struct myc_rtt {
	u32 srtt_us;		/* smoothed RTT, 0 before the first sample */
	u32 rttvar_us;		/* RTT variation */
	u32 min_rtt_us;		/* smallest sample seen, 0 = none */
	u32 latest_us;		/* latest sample */
	u32 rto_us;		/* current RTO, backoff included */
	u32 backoff;		/* consecutive RTO expiries (doublings) */
};

void myc_rtt_init(struct myc_rtt *r);
/*
 * A new sample: rtt_us measured, ack_delay_us reported by the peer (it is
 * subtracted when that leaves at least min_rtt, as in QUIC).  Recomputes the
 * RTO as SRTT + max(G, 4 * RTTVAR) + MYC_ACK_DELAY_MAX_US, clamped to
 * [MIN, MAX], and clears the backoff.  A sample of 0 counts as 1 us.
 */
void myc_rtt_sample(struct myc_rtt *r, u32 rtt_us, u32 ack_delay_us);
/* The RTO expired: double it (RFC 6298 5.5), at most MYC_RTO_MAX_US. */
void myc_rtt_backoff(struct myc_rtt *r);

#endif /* _MYC_RTT_H */
