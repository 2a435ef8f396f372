// SPDX-License-Identifier: GPL-2.0
/* myc peer: remote nodes and the paths to them. */
#include <inttypes.h>
#include <stdio.h>
#include <linux/genetlink.h>

#include "myc.h"

static void peer_usage(FILE *f)
{
	fprintf(f,
		"Usage: myc peer show [ NODE_ID ]\n"
		"       myc peer add NODE_ID [ type TYPE ] [ PATH ]... [ POLICY ]...\n"
		"       myc peer set NODE_ID [ type TYPE ] [ PATH ]... [ POLICY ]...\n"
		"       myc peer del NODE_ID\n"
		"       myc peer help\n"
		"where  PATH := path LOCAL REMOTE[:PORT] [ dev IFNAME ] [ disabled ]\n"
		"       LOCAL, REMOTE := IPv4 or IPv6 address ([ADDR]:PORT for IPv6)\n"
		"       PORT := the peer's UDP port (default %d)\n"
		"       TYPE := { sclerotia | rhizomorph | hyphae }\n"
		"       POLICY := { strategy STRATEGY | opmap CLASS STRATEGY [ CLASS STRATEGY ]... |\n"
		"                   failover { immediate | graceful | wait-retry [ MS ] } |\n"
		"                   retry-timeout MS | probe-interval MS |\n"
		"                   fail-after N | recover-after N }\n"
		"       STRATEGY := { round-robin | latency | load | operation }\n"
		"       CLASS := { consensus | health | service | resource | spore }\n"
		"       MS := milliseconds (probe-interval %d..%d); N := 1..255\n",
		MYC_DEFAULT_UDP_PORT, MYC_PROBE_INTERVAL_MIN_MS,
		MYC_PROBE_INTERVAL_MAX_MS);
}

static int peer_help(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	peer_usage(stdout);
	return 0;
}

/* The opmap attributes follow the classes: MYC_A_OPMAP_CONSENSUS + class. */
_Static_assert(MYC_A_OPMAP_MAX == MYC_A_OPMAP_CONSENSUS + MYC_CLASS_MAX &&
	       MYC_A_OPMAP_SPORE == MYC_A_OPMAP_CONSENSUS + MYC_CLASS_SPORE,
	       "opmap attributes out of step with enum myc_class");

static void print_opmap(const struct nlattr *nest)
{
	const struct nlattr *tb[MYC_A_OPMAP_MAX + 1] = {};
	unsigned int c;

	myc_nl_parse_nested(nest, tb, MYC_A_OPMAP_MAX);
	out_open_object("opmap");
	out_text("    opmap");
	for (c = 0; c <= MYC_CLASS_MAX; c++) {
		const struct nlattr *a = myc_attr(tb, MYC_A_OPMAP_CONSENSUS + c,
						  MNL_TYPE_U8);
		char fmt[32];

		if (!a)
			continue;
		snprintf(fmt, sizeof(fmt), " %s %%s", myc_class_name(c));
		out_str(myc_class_name(c), fmt,
			myc_strategy_name(mnl_attr_get_u8(a)));
	}
	out_text("\n");
	out_close_object();
}

/*
 * The second line: strategy, failover, probing; the opmap on a third line
 * (text: only when the strategy is "operation").
 */
static void print_policy(const struct nlattr *const tb[])
{
	const struct nlattr *strategy, *failover, *a;
	bool wait_retry;

	strategy = myc_attr(tb, MYC_A_PEER_STRATEGY, MNL_TYPE_U8);
	failover = myc_attr(tb, MYC_A_PEER_FAILOVER, MNL_TYPE_U8);
	if (!strategy && !failover)
		return;		/* a kernel without multi-homing */
	out_text("   ");
	if (strategy)
		out_str("strategy", " strategy %s",
			myc_strategy_name(mnl_attr_get_u8(strategy)));
	if (failover)
		out_str("failover", " failover %s",
			myc_failover_name(mnl_attr_get_u8(failover)));
	wait_retry = failover &&
		     mnl_attr_get_u8(failover) == MYC_FAILOVER_WAIT_RETRY;
	a = myc_attr(tb, MYC_A_PEER_RETRY_TIMEOUT, MNL_TYPE_U32);
	if (a)
		out_u64("retry-timeout",
			wait_retry ? " retry-timeout %" PRIu64 "ms" : NULL,
			mnl_attr_get_u32(a));
	a = myc_attr(tb, MYC_A_PEER_PROBE_INTERVAL, MNL_TYPE_U32);
	if (a)
		out_u64("probe-interval", " probe-interval %" PRIu64 "ms",
			mnl_attr_get_u32(a));
	a = myc_attr(tb, MYC_A_PEER_FAIL_AFTER, MNL_TYPE_U8);
	if (a)
		out_u64("fail-after", " fail-after %" PRIu64, mnl_attr_get_u8(a));
	a = myc_attr(tb, MYC_A_PEER_RECOVER_AFTER, MNL_TYPE_U8);
	if (a)
		out_u64("recover-after", " recover-after %" PRIu64,
			mnl_attr_get_u8(a));
	out_text("\n");
	if (tb[MYC_A_PEER_OPMAP] &&
	    (out_is_json() ||
	     (strategy && mnl_attr_get_u8(strategy) == MYC_STRATEGY_OPERATION)))
		print_opmap(tb[MYC_A_PEER_OPMAP]);
}

/*
 * The profile, encryption, compression and reliability of a policy entry
 * or an effective profile (tb: MYC_A_POLICY_*); columns: padded, for the
 * table of "myc policy show".
 */
void myc_profile_fields(const struct nlattr *const tb[], bool columns)
{
	static const struct {
		int attr;
		const char *key, *fmt, *col;
		const char *(*name)(unsigned int);
	} f[] = {
		{ MYC_A_POLICY_PROFILE, "profile", " profile %s",
		  " profile %-16s", myc_profile_name },
		{ MYC_A_POLICY_ENCRYPTION, "encryption", " encryption %s",
		  " encryption %-8s", myc_encryption_name },
		{ MYC_A_POLICY_COMPRESSION, "compression", " compression %s",
		  " compression %-10s", myc_compression_name },
		{ MYC_A_POLICY_RELIABILITY, "reliability", " reliability %s",
		  " reliability %s", myc_reliability_name },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(f); i++) {
		const struct nlattr *a = myc_attr(tb, f[i].attr, MNL_TYPE_U8);

		if (a)
			out_str(f[i].key, columns ? f[i].col : f[i].fmt,
				f[i].name(mnl_attr_get_u8(a)));
	}
}

/* The effective profile: a nest of MYC_A_POLICY_*. */
void myc_profile_print(const struct nlattr *nest)
{
	const struct nlattr *tb[MYC_A_POLICY_MAX + 1] = {};
	const struct nlattr *a;

	myc_nl_parse_nested(nest, tb, MYC_A_POLICY_MAX);
	out_open_object("profile");
	myc_profile_fields(tb, false);
	a = myc_attr(tb, MYC_A_POLICY_MTU, MNL_TYPE_U16);
	if (a)
		out_u64("mtu", " mtu %" PRIu64, mnl_attr_get_u16(a));
	a = myc_attr(tb, MYC_A_POLICY_MAX_MSG, MNL_TYPE_U32);
	if (a)
		out_u64("max-msg", " max-msg %" PRIu64, mnl_attr_get_u32(a));
	a = myc_attr(tb, MYC_A_POLICY_FALLBACK, MNL_TYPE_U8);
	if (a)
		out_bool("fallback", mnl_attr_get_u8(a) ? " fallback" : NULL,
			 mnl_attr_get_u8(a));
	out_close_object();
}

/* The authentication line: state, keys, and the effective profile. */
static void print_auth(const struct nlattr *const tb[])
{
	const struct nlattr *a = myc_attr(tb, MYC_A_PEER_AUTH, MNL_TYPE_U8);
	unsigned int auth;

	if (!a)
		return;		/* a kernel without profiles */
	auth = mnl_attr_get_u8(a);
	out_text("   ");
	out_str("auth", auth == MYC_AUTH_NO_DAEMON ?
		" auth pending (no myceliumd)" : " auth %s",
		myc_auth_state_name(auth));
	a = myc_attr(tb, MYC_A_PEER_KEY_PHASE, MNL_TYPE_U8);
	if (a)
		out_u64("key-phase", " key-phase %" PRIu64, mnl_attr_get_u8(a));
	a = myc_attr(tb, MYC_A_PEER_KEY_AGE, MNL_TYPE_U32);
	if (a)
		out_u64("key-age", " key-age %" PRIu64 "s", mnl_attr_get_u32(a));
	a = myc_attr(tb, MYC_A_PEER_REKEYS, MNL_TYPE_U32);
	if (a)
		out_u64("rekeys", " rekeys %" PRIu64, mnl_attr_get_u32(a));
	a = myc_attr(tb, MYC_A_PEER_KEY_UPDATES, MNL_TYPE_U32);
	if (a)
		out_u64("key-updates", " key-updates %" PRIu64,
			mnl_attr_get_u32(a));
	if (tb[MYC_A_PEER_PROFILE])
		myc_profile_print(tb[MYC_A_PEER_PROFILE]);
	out_text("\n");
}

static int peer_print_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[MYC_A_PEER_MAX + 1] = {};
	char idbuf[MYC_NODE_ID_STRLEN];
	const struct nlattr *a;
	bool any_path = false;

	(void)data;
	if (myc_nl_parse(nlh, tb, MYC_A_PEER_MAX) < 0 ||
	    !myc_attr(tb, MYC_A_PEER_ID, MNL_TYPE_U64))
		return MNL_CB_ERROR;

	out_open_object(NULL);
	out_str("id", "peer %s",
		myc_node_id_fmt(mnl_attr_get_u64(tb[MYC_A_PEER_ID]), idbuf));
	a = myc_attr(tb, MYC_A_PEER_TYPE, MNL_TYPE_U8);
	if (a)
		out_str("type", " type %s", myc_node_type_name(mnl_attr_get_u8(a)));
	a = myc_attr(tb, MYC_A_PEER_STATE, MNL_TYPE_U8);
	if (a)
		out_str("state", " state %s",
			myc_peer_state_name(mnl_attr_get_u8(a)));
	a = myc_attr(tb, MYC_A_PEER_ACTIVE_PATH, MNL_TYPE_U32);
	if (a)		/* 0: no path used yet */
		out_u64("active-path",
			mnl_attr_get_u32(a) ? " active-path %" PRIu64 : NULL,
			mnl_attr_get_u32(a));
	out_text("\n");
	print_auth(tb);
	print_policy(tb);
	if (opts.stats)
		myc_print_stats(tb[MYC_A_PEER_STATS], "    ");

	mnl_attr_for_each(a, nlh, sizeof(struct genlmsghdr)) {
		if (mnl_attr_get_type(a) != MYC_A_PEER_PATH)
			continue;
		if (!any_path)
			out_open_array("path");
		any_path = true;
		myc_path_print(a, NULL, "    ", "      ");
	}
	if (any_path)
		out_close_array();
	out_close_object();
	return MNL_CB_OK;
}

struct nlmsghdr *myc_peer_get_msg(struct myc_nl *h, uint64_t id)
{
	struct nlmsghdr *nlh;

	if (!id)
		return myc_nl_msg(h, MYC_CMD_PEER_GET, NLM_F_DUMP);
	nlh = myc_nl_msg(h, MYC_CMD_PEER_GET, 0);
	mnl_attr_put_u64(nlh, MYC_A_PEER_ID, id);
	return nlh;
}

static int peer_show(int argc, char **argv)
{
	struct myc_nl h;
	uint64_t id = 0;

	if (argc > 1) {
		myc_error("\"peer show\" takes at most one NODE_ID");
		return 1;
	}
	if (argc == 1 && myc_parse_node_id(argv[0], &id))
		return 1;
	if (myc_open(&h))
		return 1;
	return myc_show_close(&h, myc_peer_get_msg(&h, id), peer_print_cb, NULL);
}

/* The numbers a peer takes, checked here before the kernel checks them. */
enum {
	NUM_FAIL_AFTER,
	NUM_RECOVER_AFTER,
	NUM_RETRY_TIMEOUT,
	NUM_PROBE_INTERVAL,
	N_PEER_NUMS
};

static const struct peer_num {
	const char *name;
	uint16_t attr;
	uint32_t min, max;
	bool ms;		/* milliseconds (u32), else a count (u8) */
} peer_nums[N_PEER_NUMS] = {
	[NUM_FAIL_AFTER] = { "fail-after", MYC_A_PEER_FAIL_AFTER,
			     1, UINT8_MAX, false },
	[NUM_RECOVER_AFTER] = { "recover-after", MYC_A_PEER_RECOVER_AFTER,
				1, UINT8_MAX, false },
	[NUM_RETRY_TIMEOUT] = { "retry-timeout", MYC_A_PEER_RETRY_TIMEOUT,
				1, MYC_MAX_RETRY_TIMEOUT_MS, true },
	[NUM_PROBE_INTERVAL] = { "probe-interval", MYC_A_PEER_PROBE_INTERVAL,
				 MYC_PROBE_INTERVAL_MIN_MS,
				 MYC_PROBE_INTERVAL_MAX_MS, true },
};

/* A peer's settings from "peer add" or "peer set"; -1: not given. */
struct peer_req {
	int type;
	int strategy;
	int failover;
	int opmap[MYC_CLASS_MAX + 1];
	int64_t num[N_PEER_NUMS];
	struct myc_path_spec paths[MYC_MAX_PATHS];
	unsigned int n_paths;
	bool any;		/* anything given, paths included */
};

static int parse_num(unsigned int i, const char *s, struct peer_req *r)
{
	const struct peer_num *n = &peer_nums[i];
	uint32_t v;

	if (n->ms ? myc_ms_parse(s, n->min, n->max, &v) != 0 :
		    (myc_u32_parse(s, n->max, &v) || v < n->min)) {
		myc_error("invalid %s \"%s\" (%" PRIu32 "..%" PRIu32 "%s)",
			  n->name, s, n->min, n->max, n->ms ? " ms" : "");
		return 1;
	}
	r->num[i] = v;
	return 0;
}

/* "opmap CLASS STRATEGY [ CLASS STRATEGY ]...": up to the first non-class. */
static int parse_opmap(int *argc, char ***argv, struct peer_req *r)
{
	char **av = *argv + 1;
	int ac = *argc - 1, n = 0;

	while (ac > 0) {
		int cls = myc_class_parse(av[0]), st;

		if (cls < 0 && n)
			break;
		if (cls < 0) {
			myc_error("invalid class \"%s\" after \"opmap\" (consensus, health, service, resource or spore)",
				  av[0]);
			return 1;
		}
		if (ac < 2) {
			myc_error("\"opmap %s\" needs a strategy", av[0]);
			return 1;
		}
		st = myc_strategy_parse(av[1]);
		if (st < 0 || st == MYC_STRATEGY_OPERATION) {
			myc_error("invalid strategy \"%s\" for class %s in opmap (round-robin, latency or load)",
				  av[1], myc_class_name((unsigned int)cls));
			return 1;
		}
		r->opmap[cls] = st;
		ac -= 2, av += 2, n++;
	}
	if (!n) {
		myc_error("\"opmap\" needs CLASS STRATEGY pairs");
		return 1;
	}
	*argc = ac;
	*argv = av;
	return 0;
}

/* Does s look like a number of milliseconds (to follow wait-retry)? */
static bool is_ms(const char *s)
{
	uint32_t v;

	return !myc_ms_parse(s, 0, UINT32_MAX, &v);
}

/* Parses the arguments after NODE_ID into r. */
static int peer_parse(int argc, char **argv, struct peer_req *r)
{
	unsigned int i;

	while (argc > 0) {
		r->any = true;
		if (matches(*argv, "type")) {
			NEXT_ARG("type");
			r->type = myc_node_type_parse(*argv);
			if (r->type < 0) {
				myc_error("invalid node type \"%s\" (sclerotia, rhizomorph or hyphae)",
					  *argv);
				return 1;
			}
		} else if (matches(*argv, "path")) {
			if (r->n_paths == MYC_MAX_PATHS) {
				myc_error("too many paths (at most %d a peer)",
					  MYC_MAX_PATHS);
				return 1;
			}
			argc--, argv++;
			if (myc_path_parse(&argc, &argv,
					   &r->paths[r->n_paths++]))
				return 1;
			continue;
		} else if (matches(*argv, "strategy")) {
			NEXT_ARG("strategy");
			r->strategy = myc_strategy_parse(*argv);
			if (r->strategy < 0) {
				myc_error("invalid strategy \"%s\" (round-robin, latency, load or operation)",
					  *argv);
				return 1;
			}
		} else if (matches(*argv, "opmap")) {
			if (parse_opmap(&argc, &argv, r))
				return 1;
			continue;
		} else if (matches(*argv, "failover")) {
			NEXT_ARG("failover");
			r->failover = myc_failover_parse(*argv);
			if (r->failover <= MYC_FAILOVER_DEFAULT) {
				myc_error("invalid failover policy \"%s\" (immediate, graceful or wait-retry)",
					  *argv);
				return 1;
			}
			if (r->failover == MYC_FAILOVER_WAIT_RETRY &&
			    argc > 1 && is_ms(argv[1])) {
				argc--, argv++;
				if (parse_num(NUM_RETRY_TIMEOUT, *argv, r))
					return 1;
			}
		} else {
			for (i = 0; i < N_PEER_NUMS; i++) {
				if (matches(*argv, peer_nums[i].name))
					break;
			}
			if (i == N_PEER_NUMS) {
				myc_error("unknown argument \"%s\", try \"myc peer help\"",
					  *argv);
				return 1;
			}
			NEXT_ARG(peer_nums[i].name);
			if (parse_num(i, *argv, r))
				return 1;
		}
		argc--, argv++;
	}
	return 0;
}

static void peer_put(struct nlmsghdr *nlh, const struct peer_req *r)
{
	struct nlattr *nest = NULL;
	unsigned int i;

	if (r->type >= 0)
		mnl_attr_put_u8(nlh, MYC_A_PEER_TYPE, (uint8_t)r->type);
	if (r->strategy >= 0)
		mnl_attr_put_u8(nlh, MYC_A_PEER_STRATEGY, (uint8_t)r->strategy);
	if (r->failover >= 0)
		mnl_attr_put_u8(nlh, MYC_A_PEER_FAILOVER, (uint8_t)r->failover);
	for (i = 0; i <= MYC_CLASS_MAX; i++) {
		if (r->opmap[i] < 0)
			continue;
		if (!nest)
			nest = mnl_attr_nest_start(nlh, MYC_A_PEER_OPMAP);
		mnl_attr_put_u8(nlh, MYC_A_OPMAP_CONSENSUS + i,
				(uint8_t)r->opmap[i]);
	}
	if (nest)
		mnl_attr_nest_end(nlh, nest);
	for (i = 0; i < r->n_paths; i++) {
		nest = mnl_attr_nest_start(nlh, MYC_A_PEER_PATH);
		myc_path_put(nlh, &r->paths[i]);
		mnl_attr_nest_end(nlh, nest);
	}
	for (i = 0; i < N_PEER_NUMS; i++) {
		if (r->num[i] < 0)
			continue;
		if (peer_nums[i].ms)
			mnl_attr_put_u32(nlh, peer_nums[i].attr,
					 (uint32_t)r->num[i]);
		else
			mnl_attr_put_u8(nlh, peer_nums[i].attr,
					(uint8_t)r->num[i]);
	}
}

static int peer_modify(int argc, char **argv, uint8_t cmd)
{
	struct peer_req r = { .type = -1, .strategy = -1, .failover = -1 };
	struct nlmsghdr *nlh;
	struct myc_nl h;
	unsigned int i;
	uint64_t id;

	for (i = 0; i <= MYC_CLASS_MAX; i++)
		r.opmap[i] = -1;
	for (i = 0; i < N_PEER_NUMS; i++)
		r.num[i] = -1;
	if (argc < 1) {
		myc_error("NODE_ID missing, try \"myc peer help\"");
		return 1;
	}
	if (myc_parse_node_id(argv[0], &id))
		return 1;
	argc--, argv++;
	if (cmd == MYC_CMD_PEER_DEL && argc > 0) {
		myc_error("unknown argument \"%s\", try \"myc peer help\"",
			  *argv);
		return 1;
	}
	if (peer_parse(argc, argv, &r))
		return 1;
	if (cmd == MYC_CMD_PEER_SET && !r.any) {
		myc_error("nothing to set, try \"myc peer help\"");
		return 1;
	}

	if (myc_open(&h))
		return 1;
	nlh = myc_nl_msg(&h, cmd, 0);
	mnl_attr_put_u64(nlh, MYC_A_PEER_ID, id);
	peer_put(nlh, &r);
	return myc_talk_close(&h, nlh, NULL, NULL);
}

static int peer_add(int argc, char **argv)
{
	return peer_modify(argc, argv, MYC_CMD_PEER_ADD);
}

static int peer_set(int argc, char **argv)
{
	return peer_modify(argc, argv, MYC_CMD_PEER_SET);
}

static int peer_del(int argc, char **argv)
{
	return peer_modify(argc, argv, MYC_CMD_PEER_DEL);
}

static const struct myc_handler peer_cmds[] = {
	{ "show", peer_show },
	{ "list", peer_show },
	{ "add", peer_add },
	{ "set", peer_set },
	{ "delete", peer_del },
	{ "help", peer_help },
	{ NULL, NULL },
};

int do_peer(int argc, char **argv)
{
	return myc_dispatch(peer_cmds, "peer", "show", argc, argv);
}
