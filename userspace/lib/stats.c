// SPDX-License-Identifier: GPL-2.0
/* Printing a MYC_A_STATS_* nest: names as in the netlink spec. */
#include <inttypes.h>
#include <stdio.h>
#include <libmnl/libmnl.h>

#include "libmyc.h"

static const char *const stat_names[MYC_A_STATS_MAX + 1] = {
	[MYC_A_STATS_TX_FRAMES] = "tx-frames",
	[MYC_A_STATS_TX_BYTES] = "tx-bytes",
	[MYC_A_STATS_RX_FRAMES] = "rx-frames",
	[MYC_A_STATS_RX_BYTES] = "rx-bytes",
	[MYC_A_STATS_TX_MSGS] = "tx-msgs",
	[MYC_A_STATS_RX_MSGS] = "rx-msgs",
	[MYC_A_STATS_RETRANS] = "retrans",
	[MYC_A_STATS_RX_DUP] = "rx-dup",
	[MYC_A_STATS_RX_DROP] = "rx-drop",
	[MYC_A_STATS_RX_MALFORMED] = "rx-malformed",
	[MYC_A_STATS_TX_ERRORS] = "tx-errors",
	[MYC_A_STATS_PROBES_TX] = "probes-tx",
	[MYC_A_STATS_PROBES_LOST] = "probes-lost",
	[MYC_A_STATS_FAILOVERS] = "failovers",
	[MYC_A_STATS_RX_UNAUTH] = "rx-unauth",
	[MYC_A_STATS_RX_BAD_TAG] = "rx-bad-tag",
	[MYC_A_STATS_RX_REPLAY] = "rx-replay",
	[MYC_A_STATS_TX_COMPRESSED] = "tx-compressed",
	[MYC_A_STATS_RX_COMPRESSED] = "rx-compressed",
	[MYC_A_STATS_SPORES_TX] = "spores-tx",
	[MYC_A_STATS_SPORES_RX] = "spores-rx",
	[MYC_A_STATS_SPORES_DUP] = "spores-dup",
	[MYC_A_STATS_SPORES_DROPPED] = "spores-dropped",
	[MYC_A_STATS_RESTARTS] = "restarts",
	[MYC_A_STATS_RX_RATELIMITED] = "rx-ratelimited",
};

void myc_print_stats(const struct nlattr *nest, const char *indent)
{
	const struct nlattr *a;
	int n = 0;

	if (!nest)
		return;
	out_open_object("stats");
	mnl_attr_for_each_nested(a, nest) {
		unsigned int t = mnl_attr_get_type(a);
		char fmt[64];

		if (t > MYC_A_STATS_MAX || !stat_names[t] ||
		    mnl_attr_validate(a, MNL_TYPE_U64))
			continue;
		if (n % 4 == 0) {
			if (n)
				out_text("\n");
			out_text(indent);
		} else {
			out_text("  ");
		}
		snprintf(fmt, sizeof(fmt), "%s %%" PRIu64, stat_names[t]);
		out_u64(stat_names[t], fmt, mnl_attr_get_u64(a));
		n++;
	}
	if (n)
		out_text("\n");
	out_close_object();
}
