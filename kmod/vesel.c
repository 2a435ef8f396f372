// SPDX-License-Identifier: GPL-2.0 OR MIT
/* Backend selection of virtual endpoints; see vesel.h. */
#include "vesel.h"

static bool myc_be_ok(const struct myc_be_in *b, int i, int exclude)
{
	return i != exclude && b[i].state == MYC_BACKEND_UP;
}

/* Smooth weighted round-robin: raise all, take the highest, lower it. */
static int myc_ve_wrr(struct myc_be_in *b, int n, int exclude)
{
	s64 total = 0;
	int i, best = -1;

	for (i = 0; i < n; i++) {
		if (!myc_be_ok(b, i, exclude))
			continue;
		b[i].cur_weight += b[i].weight;
		total += b[i].weight;
		if (best < 0 || b[i].cur_weight > b[best].cur_weight)
			best = i;
	}
	if (best >= 0)
		b[best].cur_weight -= total;
	return best;
}

/* Is a better than b for lb (strictly)? */
static bool myc_be_better(const struct myc_be_in *a,
			  const struct myc_be_in *b, u8 lb)
{
	if (lb == MYC_LB_LEAST_CONNECTIONS)
		/* conns / weight, compared without division */
		return (u64)a->conns * b->weight < (u64)b->conns * a->weight;
	if (lb == MYC_LB_LATENCY) {
		u64 x = a->srtt_us ? a->srtt_us : (u64)1 << 32;
		u64 y = b->srtt_us ? b->srtt_us : (u64)1 << 32;

		return x < y;
	}
	return false;
}

int myc_ve_select(struct myc_be_in *b, int n, u8 lb, int last, int exclude)
{
	int i, k, best = -1;

	if (n <= 0)
		return -1;
	if (lb == MYC_LB_WEIGHTED_ROUND_ROBIN)
		return myc_ve_wrr(b, n, exclude);
	if (last < 0 || last >= n)
		last = n - 1;
	for (k = 1; k <= n; k++) {
		i = (last + k) % n;
		if (!myc_be_ok(b, i, exclude))
			continue;
		if (best < 0) {
			best = i;
			if (lb == MYC_LB_ROUND_ROBIN)
				break;
		} else if (myc_be_better(&b[i], &b[best], lb)) {
			best = i;
		}
	}
	return best;
}
