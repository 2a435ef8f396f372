// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Round-trip time estimation (RFC 6298, with the ack delay handling of
 * RFC 9002 section 5.3) and the retransmission timeout.  Shared by the
 * module and the host tests, see rtt.h.
 *
 * Intermediate values are computed in 64 bits so that no sample, however
 * large, overflows; every result fits in 32 bits again.
 */
#include "rtt.h"

static void myc_rtt_set_rto(struct myc_rtt *r)
{
	u64 var = 4 * (u64)r->rttvar_us;
	u64 rto = (u64)r->srtt_us + (var > MYC_RTT_GRANULARITY_US ?
				     var : MYC_RTT_GRANULARITY_US) +
		  MYC_ACK_DELAY_MAX_US;

	if (rto < MYC_RTO_MIN_US)
		rto = MYC_RTO_MIN_US;
	if (rto > MYC_RTO_MAX_US)
		rto = MYC_RTO_MAX_US;
	r->rto_us = (u32)rto;
}

void myc_rtt_init(struct myc_rtt *r)
{
	memset(r, 0, sizeof(*r));
	r->rto_us = MYC_RTO_INITIAL_US;
}

void myc_rtt_sample(struct myc_rtt *r, u32 rtt_us, u32 ack_delay_us)
{
	u32 adj, diff;

	if (!rtt_us)
		rtt_us = 1;
	/* min_rtt and latest are raw samples, as in RFC 9002 5.2. */
	r->latest_us = rtt_us;
	if (!r->min_rtt_us || rtt_us < r->min_rtt_us)
		r->min_rtt_us = rtt_us;

	/* rtt_us >= min_rtt_us here, so the difference cannot wrap. */
	adj = rtt_us;
	if (rtt_us - r->min_rtt_us >= ack_delay_us)
		adj = rtt_us - ack_delay_us;

	if (!r->srtt_us) {
		/* First sample; min_rtt == rtt, so adj == rtt unless delay 0. */
		r->srtt_us = adj;
		r->rttvar_us = adj / 2;
	} else {
		diff = r->srtt_us > adj ? r->srtt_us - adj : adj - r->srtt_us;
		/* RTTVAR = 3/4 RTTVAR + 1/4 |SRTT - R'| */
		r->rttvar_us = (u32)((3 * (u64)r->rttvar_us + diff) >> 2);
		/*
		 * SRTT = 7/8 SRTT + 1/8 R', rounded to nearest so that a
		 * constant RTT is approached within 4 us from either side.
		 */
		r->srtt_us = (u32)((7 * (u64)r->srtt_us + adj + 4) >> 3);
		if (!r->srtt_us)
			r->srtt_us = 1;
	}
	myc_rtt_set_rto(r);
	r->backoff = 0;
}

void myc_rtt_backoff(struct myc_rtt *r)
{
	u64 rto = 2 * (u64)r->rto_us;

	r->rto_us = rto > MYC_RTO_MAX_US ? MYC_RTO_MAX_US : (u32)rto;
	if (r->backoff != (u32)~0U)
		r->backoff++;
}
