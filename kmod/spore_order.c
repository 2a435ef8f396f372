// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Spore conflict ordering (see spore_order.h): authority, then time, then
 * trust (by band), then consensus, and a consensus tie to the smaller
 * digest.  Each rule compares one field; the first that differs decides.
 */
#include "spore_order.h"

enum myc_spore_rel myc_spore_relate(const struct myc_spore_key *held,
				    const struct myc_spore_key *in)
{
	if (!held)
		return MYC_SREL_NEW;
	if (!memcmp(held->digest, in->digest, MYC_SPORE_DIGEST_LEN))
		return MYC_SREL_SAME;
	if (held->origin != in->origin || held->version == in->version)
		return MYC_SREL_CONFLICT;
	return in->version > held->version ? MYC_SREL_NEWER : MYC_SREL_REPLAY;
}

/* -1 when a is greater, 1 when b is, 0 when equal: the greater wins. */
static int myc_more(u64 a, u64 b)
{
	return a > b ? -1 : a < b ? 1 : 0;
}

int myc_spore_order(const struct myc_spore_cand *a,
		    const struct myc_spore_cand *b, enum myc_spore_rule *rule)
{
	int dig = memcmp(a->digest, b->digest, MYC_SPORE_DIGEST_LEN);
	/* by rule, MYC_SPORE_RULE_AUTHORITY first; primary is 1: the smaller wins */
	const int d[] = {
		myc_more(b->type, a->type),
		myc_more(a->timestamp_ms, b->timestamp_ms),
		myc_more(a->trust / MYC_TRUST_BAND, b->trust / MYC_TRUST_BAND),
		myc_more(a->votes, b->votes),
		dig < 0 ? -1 : dig > 0 ? 1 : 0,
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(d); i++) {
		if (d[i]) {
			if (rule)
				*rule = (enum myc_spore_rule)(MYC_SPORE_RULE_AUTHORITY + i);
			return d[i];
		}
	}
	if (rule)
		*rule = MYC_SPORE_RULE_NONE;
	return 0;
}

bool myc_spore_needs_votes(const struct myc_spore_cand *a,
			   const struct myc_spore_cand *b)
{
	return a->type == b->type && a->timestamp_ms == b->timestamp_ms &&
	       a->trust / MYC_TRUST_BAND == b->trust / MYC_TRUST_BAND &&
	       memcmp(a->digest, b->digest, MYC_SPORE_DIGEST_LEN);
}
