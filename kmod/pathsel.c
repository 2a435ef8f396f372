// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Path selection, shared by the module and the host tests; see pathsel.h.
 */
#include "pathsel.h"

const u8 myc_default_opmap[MYC_CLASS_MAX + 1] = {
	[MYC_CLASS_CONSENSUS] = MYC_STRATEGY_LATENCY,
	[MYC_CLASS_HEALTH] = MYC_STRATEGY_LATENCY,
	[MYC_CLASS_SERVICE] = MYC_STRATEGY_ROUND_ROBIN,
	[MYC_CLASS_RESOURCE] = MYC_STRATEGY_LOAD,
	[MYC_CLASS_SPORE] = MYC_STRATEGY_LOAD,
};

unsigned int myc_path_tier(u8 state)
{
	switch (state) {
	case MYC_PATH_UP:
		return 0;
	case MYC_PATH_UNKNOWN:
		return 1;
	case MYC_PATH_SUSPECT:
		return 2;
	default:
		return 3;
	}
}

u8 myc_strategy_for(u8 strategy, const u8 *opmap, u8 cls)
{
	u8 s;

	if (strategy != MYC_STRATEGY_OPERATION)
		return strategy;
	s = cls <= MYC_CLASS_MAX ? opmap[cls] : MYC_STRATEGY_LATENCY;
	return s == MYC_STRATEGY_OPERATION ? MYC_STRATEGY_LATENCY : s;
}

/* The RTT a path is compared by: no sample ranks after every sample. */
static u64 myc_sel_rtt(const struct myc_pathsel_in *p)
{
	return p->srtt_us ? p->srtt_us : (u64)1 << 32;
}

int myc_path_select(const struct myc_pathsel_in *p, int n, u8 strategy,
		    int last)
{
	unsigned int tier = 3, t;
	int i, k, best = -1;

	if (n <= 0)
		return -1;
	if (last >= n)
		last = -1;
	for (i = 0; i < n; i++) {
		t = myc_path_tier(p[i].state);
		if (t < tier)
			tier = t;
	}

	/* candidates in turn, starting after the one used last */
	for (k = 1; k <= n; k++) {
		i = (last + k) % n;
		if (i < 0)
			i += n;
		if (myc_path_tier(p[i].state) != tier)
			continue;
		if (best < 0) {
			best = i;
			if (strategy == MYC_STRATEGY_ROUND_ROBIN)
				break;
			continue;
		}
		if (strategy == MYC_STRATEGY_LATENCY &&
		    myc_sel_rtt(&p[i]) < myc_sel_rtt(&p[best]))
			best = i;
		else if (strategy == MYC_STRATEGY_LOAD &&
			 p[i].in_flight < p[best].in_flight)
			best = i;
	}

	/* latency: stay on the last path while it is nearly as good */
	if (strategy == MYC_STRATEGY_LATENCY && last >= 0 && best != last &&
	    myc_path_tier(p[last].state) == tier) {
		u64 b = myc_sel_rtt(&p[best]), l = myc_sel_rtt(&p[last]);

		if (l <= b + b / 8)
			best = last;
	}
	return best;
}
