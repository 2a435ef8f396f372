// SPDX-License-Identifier: GPL-2.0
/*
 * myc endpoint: virtual endpoints, load-balanced over backends (a node and
 * a service or a port each) that the kernels health-check themselves.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <linux/genetlink.h>

#include "myc.h"

static void endpoint_usage(FILE *f)
{
	fprintf(f,
		"Usage: myc endpoint show [ ID ]\n"
		"       myc endpoint add ID [ SETTING ]... [ BACKEND ]...\n"
		"       myc endpoint set ID [ SETTING ]... [ BACKEND ]...\n"
		"       myc endpoint del ID\n"
		"       myc endpoint help\n"
		"where  ID := the endpoint's id, 1..4294967295\n"
		"       SETTING := { lb LB | health-interval MS |\n"
		"                    failover { immediate | graceful | wait-retry [ MS ] } |\n"
		"                    retry-timeout MS }\n"
		"       LB := { round-robin | weighted-round-robin | least-connections | latency }\n"
		"       BACKEND := backend NODE_ID { service SERVICE | port PORT } [ weight W ]\n"
		"       MS := milliseconds (health-interval %d..%d, retry-timeout 1..%d)\n"
		"       W := 1..%d (default 1); at most %d backends an endpoint\n"
		"\"set\" with backends replaces them all; backends that stay keep their\n"
		"id, state and counters.\n",
		MYC_PROBE_INTERVAL_MIN_MS, MYC_PROBE_INTERVAL_MAX_MS,
		MYC_MAX_RETRY_TIMEOUT_MS, MYC_MAX_WEIGHT, MYC_MAX_BACKENDS);
}

static int endpoint_help(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	endpoint_usage(stdout);
	return 0;
}

static int parse_endpoint_id(const char *s, uint32_t *id)
{
	if (myc_u32_parse(s, UINT32_MAX, id) || !*id) {
		myc_error("invalid endpoint id \"%s\" (1..4294967295)", s);
		return 1;
	}
	return 0;
}

/* Printing. */

static void print_backend(const struct nlattr *nest)
{
	const struct nlattr *tb[MYC_A_BACKEND_MAX + 1] = {};
	char idbuf[MYC_NODE_ID_STRLEN];
	const struct nlattr *a;

	myc_nl_parse_nested(nest, tb, MYC_A_BACKEND_MAX);
	out_open_object(NULL);
	out_text("    backend");
	a = myc_attr(tb, MYC_A_BACKEND_ID, MNL_TYPE_U32);
	if (a)
		out_u64("id", " %" PRIu64, mnl_attr_get_u32(a));
	a = myc_attr(tb, MYC_A_BACKEND_NODE, MNL_TYPE_U64);
	if (a)
		out_str("node", " node %s",
			myc_node_id_fmt(mnl_attr_get_u64(a), idbuf));
	a = myc_attr(tb, MYC_A_BACKEND_SERVICE, MNL_TYPE_U32);
	if (a)
		out_u64("service", " service %" PRIu64, mnl_attr_get_u32(a));
	a = myc_attr(tb, MYC_A_BACKEND_PORT, MNL_TYPE_U32);
	if (a)
		out_u64("port", " port %" PRIu64, mnl_attr_get_u32(a));
	a = myc_attr(tb, MYC_A_BACKEND_WEIGHT, MNL_TYPE_U32);
	if (a)
		out_u64("weight", " weight %" PRIu64, mnl_attr_get_u32(a));
	a = myc_attr(tb, MYC_A_BACKEND_STATE, MNL_TYPE_U8);
	if (a)
		out_str("state", " state %s",
			myc_backend_state_name(mnl_attr_get_u8(a)));
	if (opts.stats) {
		a = myc_attr(tb, MYC_A_BACKEND_SELECTIONS, MNL_TYPE_U64);
		if (a)
			out_u64("selections", " selections %" PRIu64,
				mnl_attr_get_u64(a));
		a = myc_attr(tb, MYC_A_BACKEND_FAILURES, MNL_TYPE_U64);
		if (a)
			out_u64("failures", " failures %" PRIu64,
				mnl_attr_get_u64(a));
		a = myc_attr(tb, MYC_A_BACKEND_CONNECTIONS, MNL_TYPE_U32);
		if (a)
			out_u64("connections", " connections %" PRIu64,
				mnl_attr_get_u32(a));
	}
	out_text("\n");
	out_close_object();
}

static int endpoint_print_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[MYC_A_ENDPOINT_MAX + 1] = {};
	const struct nlattr *a, *failover;
	bool wait_retry;

	(void)data;
	if (myc_nl_parse(nlh, tb, MYC_A_ENDPOINT_MAX) < 0 ||
	    !myc_attr(tb, MYC_A_ENDPOINT_ID, MNL_TYPE_U32))
		return MNL_CB_ERROR;

	out_open_object(NULL);
	out_u64("id", "endpoint %" PRIu64,
		mnl_attr_get_u32(tb[MYC_A_ENDPOINT_ID]));
	a = myc_attr(tb, MYC_A_ENDPOINT_LB, MNL_TYPE_U8);
	if (a)
		out_str("lb", " lb %s", myc_lb_name(mnl_attr_get_u8(a)));
	a = myc_attr(tb, MYC_A_ENDPOINT_HEALTH_INTERVAL, MNL_TYPE_U32);
	if (a)
		out_u64("health-interval", " health-interval %" PRIu64 "ms",
			mnl_attr_get_u32(a));
	failover = myc_attr(tb, MYC_A_ENDPOINT_FAILOVER, MNL_TYPE_U8);
	if (failover)
		out_str("failover", " failover %s",
			myc_failover_name(mnl_attr_get_u8(failover)));
	wait_retry = failover &&
		     mnl_attr_get_u8(failover) == MYC_FAILOVER_WAIT_RETRY;
	a = myc_attr(tb, MYC_A_ENDPOINT_RETRY_TIMEOUT, MNL_TYPE_U32);
	if (a)		/* text: only where it applies */
		out_u64("retry-timeout",
			wait_retry ? " retry-timeout %" PRIu64 "ms" : NULL,
			mnl_attr_get_u32(a));
	out_text("\n");

	/* JSON: always an array, empty for an endpoint without backends */
	out_open_array("backend");
	mnl_attr_for_each(a, nlh, sizeof(struct genlmsghdr)) {
		if (mnl_attr_get_type(a) == MYC_A_ENDPOINT_BACKEND)
			print_backend(a);
	}
	out_close_array();
	out_close_object();
	return MNL_CB_OK;
}

static int endpoint_show(int argc, char **argv)
{
	struct nlmsghdr *nlh;
	struct myc_nl h;
	uint32_t id = 0;

	if (argc > 0 && matches(argv[0], "help"))
		return endpoint_help(0, NULL);
	if (argc > 1) {
		myc_error("\"endpoint show\" takes at most one ID");
		return 1;
	}
	if (argc == 1 && parse_endpoint_id(argv[0], &id))
		return 1;
	if (myc_open(&h))
		return 1;
	if (id) {
		nlh = myc_nl_msg(&h, MYC_CMD_ENDPOINT_GET, 0);
		mnl_attr_put_u32(nlh, MYC_A_ENDPOINT_ID, id);
	} else {
		nlh = myc_nl_msg(&h, MYC_CMD_ENDPOINT_GET, NLM_F_DUMP);
	}
	return myc_show_close(&h, nlh, endpoint_print_cb, NULL);
}

/* Parsing "add", "set" and "del". */

struct backend_spec {
	const char *node_arg;	/* as given, for errors */
	uint64_t node;
	bool has_service, has_port;
	uint32_t service, port;
	uint32_t weight;	/* 0: not given */
};

/* An endpoint's settings from "add" or "set"; -1: not given. */
struct endpoint_req {
	int lb;
	int failover;
	int64_t health_interval;
	int64_t retry_timeout;
	struct backend_spec backends[MYC_MAX_BACKENDS];
	unsigned int n_backends;
	bool any;		/* anything given, backends included */
};

static int parse_ms(const char *what, const char *s, uint32_t min,
		    uint32_t max, int64_t *out)
{
	uint32_t v;

	if (myc_ms_parse(s, min, max, &v)) {
		myc_error("invalid %s \"%s\" (%" PRIu32 "..%" PRIu32 " ms)",
			  what, s, min, max);
		return 1;
	}
	*out = v;
	return 0;
}

/* Does s look like a number of milliseconds (to follow wait-retry)? */
static bool is_ms(const char *s)
{
	uint32_t v;

	return !myc_ms_parse(s, 0, UINT32_MAX, &v);
}

static bool same_backend(const struct backend_spec *a,
			 const struct backend_spec *b)
{
	return a->node == b->node && a->has_port == b->has_port &&
	       (a->has_port ? a->port == b->port : a->service == b->service);
}

/*
 * "NODE_ID { service S | port P } [ weight W ]" (the words after NODE_ID
 * in any order) at *argv, after "backend"; moves argc and argv past it.
 */
static int parse_backend(int *argc, char ***argv, struct endpoint_req *r)
{
	struct backend_spec *b = &r->backends[r->n_backends];
	char **av = *argv;
	int ac = *argc;
	unsigned int i;

	memset(b, 0, sizeof(*b));
	if (ac < 1) {
		myc_error("\"backend\" needs a NODE_ID and a service or a port");
		return 1;
	}
	if (myc_parse_node_id(av[0], &b->node))
		return 1;
	b->node_arg = av[0];
	ac--, av++;
	while (ac > 0) {
		bool service = matches(av[0], "service");
		bool port = matches(av[0], "port");
		bool weight = matches(av[0], "weight");
		uint32_t v;

		if (!service && !port && !weight)
			break;
		if (ac < 2) {
			myc_error("\"%s\" needs an argument", av[0]);
			return 1;
		}
		if (weight) {
			if (myc_u32_parse(av[1], MYC_MAX_WEIGHT, &v) || !v) {
				myc_error("invalid weight \"%s\" (1..%d)", av[1],
					  MYC_MAX_WEIGHT);
				return 1;
			}
			if (b->weight) {
				myc_error("backend %s: \"weight\" given twice",
					  b->node_arg);
				return 1;
			}
			b->weight = v;
		} else {
			if (myc_u32_parse(av[1], UINT32_MAX, &v) ||
			    (port && !v)) {
				myc_error("invalid %s \"%s\" (%s..4294967295)",
					  service ? "service" : "port", av[1],
					  service ? "0" : "1");
				return 1;
			}
			if (b->has_service || b->has_port) {
				if (b->has_service == service)
					myc_error("backend %s: \"%s\" given twice",
						  b->node_arg,
						  service ? "service" : "port");
				else
					myc_error("backend %s: give a service or a port, not both",
						  b->node_arg);
				return 1;
			}
			if (service) {
				b->has_service = true;
				b->service = v;
			} else {
				b->has_port = true;
				b->port = v;
			}
		}
		ac -= 2, av += 2;
	}
	if (!b->has_service && !b->has_port) {
		myc_error("backend %s needs a service or a port", b->node_arg);
		return 1;
	}
	for (i = 0; i < r->n_backends; i++) {
		if (same_backend(&r->backends[i], b)) {
			myc_error("backend %s %s %" PRIu32 " given twice",
				  b->node_arg, b->has_port ? "port" : "service",
				  b->has_port ? b->port : b->service);
			return 1;
		}
	}
	r->n_backends++;
	*argc = ac;
	*argv = av;
	return 0;
}

/* Parses the arguments after ID into r. */
static int endpoint_parse(int argc, char **argv, struct endpoint_req *r)
{
	while (argc > 0) {
		r->any = true;
		if (matches(*argv, "backend")) {
			if (r->n_backends == MYC_MAX_BACKENDS) {
				myc_error("too many backends (at most %d an endpoint)",
					  MYC_MAX_BACKENDS);
				return 1;
			}
			argc--, argv++;
			if (parse_backend(&argc, &argv, r))
				return 1;
			continue;
		} else if (matches(*argv, "lb")) {
			NEXT_ARG("lb");
			r->lb = myc_lb_parse(*argv);
			if (r->lb < 0) {
				myc_error("invalid lb \"%s\" (round-robin, weighted-round-robin, least-connections or latency)",
					  *argv);
				return 1;
			}
		} else if (matches(*argv, "health-interval")) {
			NEXT_ARG("health-interval");
			if (parse_ms("health-interval", *argv,
				     MYC_PROBE_INTERVAL_MIN_MS,
				     MYC_PROBE_INTERVAL_MAX_MS,
				     &r->health_interval))
				return 1;
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
				if (parse_ms("retry-timeout", *argv, 1,
					     MYC_MAX_RETRY_TIMEOUT_MS,
					     &r->retry_timeout))
					return 1;
			}
		} else if (matches(*argv, "retry-timeout")) {
			NEXT_ARG("retry-timeout");
			if (parse_ms("retry-timeout", *argv, 1,
				     MYC_MAX_RETRY_TIMEOUT_MS, &r->retry_timeout))
				return 1;
		} else {
			myc_error("unknown argument \"%s\", try \"myc endpoint help\"",
				  *argv);
			return 1;
		}
		argc--, argv++;
	}
	return 0;
}

static void endpoint_put(struct nlmsghdr *nlh, const struct endpoint_req *r)
{
	unsigned int i;

	if (r->lb >= 0)
		mnl_attr_put_u8(nlh, MYC_A_ENDPOINT_LB, (uint8_t)r->lb);
	if (r->health_interval >= 0)
		mnl_attr_put_u32(nlh, MYC_A_ENDPOINT_HEALTH_INTERVAL,
				 (uint32_t)r->health_interval);
	if (r->failover >= 0)
		mnl_attr_put_u8(nlh, MYC_A_ENDPOINT_FAILOVER,
				(uint8_t)r->failover);
	if (r->retry_timeout >= 0)
		mnl_attr_put_u32(nlh, MYC_A_ENDPOINT_RETRY_TIMEOUT,
				 (uint32_t)r->retry_timeout);
	for (i = 0; i < r->n_backends; i++) {
		const struct backend_spec *b = &r->backends[i];
		struct nlattr *nest;

		nest = mnl_attr_nest_start(nlh, MYC_A_ENDPOINT_BACKEND);
		mnl_attr_put_u64(nlh, MYC_A_BACKEND_NODE, b->node);
		if (b->has_service)
			mnl_attr_put_u32(nlh, MYC_A_BACKEND_SERVICE, b->service);
		else
			mnl_attr_put_u32(nlh, MYC_A_BACKEND_PORT, b->port);
		if (b->weight)
			mnl_attr_put_u32(nlh, MYC_A_BACKEND_WEIGHT, b->weight);
		mnl_attr_nest_end(nlh, nest);
	}
}

static int endpoint_modify(int argc, char **argv, uint8_t cmd)
{
	struct endpoint_req r = {
		.lb = -1, .failover = -1,
		.health_interval = -1, .retry_timeout = -1,
	};
	struct nlmsghdr *nlh;
	struct myc_nl h;
	uint32_t id;

	if (argc < 1) {
		myc_error("ID missing, try \"myc endpoint help\"");
		return 1;
	}
	if (parse_endpoint_id(argv[0], &id))
		return 1;
	argc--, argv++;
	if (cmd == MYC_CMD_ENDPOINT_DEL && argc > 0) {
		myc_error("unknown argument \"%s\", try \"myc endpoint help\"",
			  *argv);
		return 1;
	}
	if (endpoint_parse(argc, argv, &r))
		return 1;
	if (cmd == MYC_CMD_ENDPOINT_SET && !r.any) {
		myc_error("nothing to set, try \"myc endpoint help\"");
		return 1;
	}

	if (myc_open(&h))
		return 1;
	nlh = myc_nl_msg(&h, cmd, 0);
	mnl_attr_put_u32(nlh, MYC_A_ENDPOINT_ID, id);
	endpoint_put(nlh, &r);
	return myc_talk_close(&h, nlh, NULL, NULL);
}

static int endpoint_add(int argc, char **argv)
{
	return endpoint_modify(argc, argv, MYC_CMD_ENDPOINT_ADD);
}

static int endpoint_set(int argc, char **argv)
{
	return endpoint_modify(argc, argv, MYC_CMD_ENDPOINT_SET);
}

static int endpoint_del(int argc, char **argv)
{
	return endpoint_modify(argc, argv, MYC_CMD_ENDPOINT_DEL);
}

static const struct myc_handler endpoint_cmds[] = {
	{ "show", endpoint_show },
	{ "list", endpoint_show },
	{ "add", endpoint_add },
	{ "set", endpoint_set },
	{ "delete", endpoint_del },
	{ "help", endpoint_help },
	{ NULL, NULL },
};

int do_endpoint(int argc, char **argv)
{
	return myc_dispatch(endpoint_cmds, "endpoint", "show", argc, argv);
}
