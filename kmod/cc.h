/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * Congestion control and loss detection, shared by the module and the host
 * tests.  NewReno-style AIMD on bytes (RFC 9002 section 7): slow start from
 * an initial window of 10 datagrams, congestion avoidance adding one
 * datagram per window acknowledged, halving on loss once per recovery
 * period, collapse to the minimum window after a persistent congestion
 * (RTO).  Loss detection by packet threshold (3) and time threshold
 * (9/8 of max(srtt, latest rtt)), as in RFC 9002 section 6.1.
 */
#ifndef _MYC_CC_H
#define _MYC_CC_H

#include "shared.h"
#include "rtt.h"

#define MYC_CC_INITIAL_PKTS	10
#define MYC_CC_MIN_PKTS		2
#define MYC_LOSS_PKT_THRESHOLD	3
#define MYC_LOSS_TIME_NUM	9
#define MYC_LOSS_TIME_DEN	8

struct myc_cc {
	u32 mss;		/* bytes of a full datagram */
	u32 cwnd;		/* congestion window, bytes */
	u32 ssthresh;		/* slow start threshold, bytes (~0 = none) */
	u32 ca_acked;		/* bytes acked in congestion avoidance */
	u64 recovery_pn;	/* see below, 0 = no recovery yet */
};

/*
 * recovery_pn is the first packet number sent after the latest recovery
 * period began; it plays the part of RFC 9002's congestion recovery start
 * time.  Packets below it were sent before that reduction: their losses
 * start no new recovery period and their acks do not grow the window.  The
 * period ends with the first ack of a packet >= recovery_pn (which grows
 * the window already).  recovery_pn stays set after that, so that a
 * packet of the old flight declared lost late does not halve the window a
 * second time.  An RTO resets it to 0 (RFC 9002 7.6.2).
 */

void myc_cc_init(struct myc_cc *cc, u32 mss);
/* bytes of packet pn were acknowledged. */
void myc_cc_on_ack(struct myc_cc *cc, u64 pn, u32 bytes);
/*
 * Packet lost_pn was declared lost; next_pn is the next packet number the
 * sender will use (the end of the recovery period).
 */
void myc_cc_on_loss(struct myc_cc *cc, u64 lost_pn, u64 next_pn);
/*
 * The retransmission timeout fired: ssthresh as on a loss (max(cwnd / 2,
 * minimum window)), cwnd back to the minimum window, recovery_pn = 0.
 */
void myc_cc_on_rto(struct myc_cc *cc);
/*
 * May bytes more go out with in_flight bytes unacknowledged?  Always true
 * with nothing in flight, so a datagram larger than cwnd cannot deadlock.
 */
bool myc_cc_can_send(const struct myc_cc *cc, u32 in_flight, u32 bytes);

/*
 * Is unacknowledged packet pn, sent at sent_us, lost given that
 * largest_acked has been acknowledged and it is now now_us?
 * If not lost but eligible by time later, *when_us (if not NULL) gets the
 * time at which it will be, else 0.
 * Only pn < largest_acked can be lost.  Time threshold: 9/8 of
 * max(srtt, latest), at least MYC_RTT_GRANULARITY_US; without an RTT sample
 * (rtt NULL or srtt 0) MYC_RTO_INITIAL_US stands for the RTT.
 */
bool myc_is_lost(u64 pn, u64 sent_us, u64 largest_acked, u64 now_us,
		 const struct myc_rtt *rtt, u64 *when_us);

#endif /* _MYC_CC_H */
