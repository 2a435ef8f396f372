// SPDX-License-Identifier: GPL-2.0
/* Enum names used by myc and the netlink spec. */
#include <string.h>

#include "kselftest_harness.h"
#include "libmyc.h"

TEST(node_type_roundtrip)
{
	unsigned int t;

	for (t = 0; t <= MYC_NODE_TYPE_MAX; t++)
		ASSERT_EQ((int)t, myc_node_type_parse(myc_node_type_name(t)));
	EXPECT_STREQ("sclerotia", myc_node_type_name(MYC_NODE_SCLEROTIA));
	EXPECT_STREQ("rhizomorph", myc_node_type_name(MYC_NODE_RHIZOMORPH));
	EXPECT_STREQ("hyphae", myc_node_type_name(MYC_NODE_HYPHAE));
	EXPECT_STREQ("unknown", myc_node_type_name(MYC_NODE_TYPE_MAX + 1));
}

TEST(node_type_abbrev)
{
	EXPECT_EQ(MYC_NODE_SCLEROTIA, myc_node_type_parse("s"));
	EXPECT_EQ(MYC_NODE_RHIZOMORPH, myc_node_type_parse("rh"));
	EXPECT_EQ(MYC_NODE_HYPHAE, myc_node_type_parse("hyph"));
	EXPECT_EQ(-1, myc_node_type_parse(""));
	EXPECT_EQ(-1, myc_node_type_parse("hyphaex"));
	EXPECT_EQ(-1, myc_node_type_parse("Hyphae"));
}

TEST(class_and_guarantee)
{
	unsigned int v;

	for (v = 0; v <= MYC_CLASS_MAX; v++)
		ASSERT_EQ((int)v, myc_class_parse(myc_class_name(v)));
	for (v = 0; v <= MYC_GUARANTEE_MAX; v++)
		ASSERT_EQ((int)v, myc_guarantee_parse(myc_guarantee_name(v)));
	EXPECT_EQ(MYC_GUARANTEE_BEST_EFFORT, myc_guarantee_parse("best-effort"));
	EXPECT_EQ(MYC_GUARANTEE_GUARANTEED, myc_guarantee_parse("guaranteed"));
	/* "h" could be "high" only; "g" only "guaranteed" */
	EXPECT_EQ(MYC_GUARANTEE_HIGH, myc_guarantee_parse("h"));
	EXPECT_EQ(-1, myc_class_parse("x"));
	/* ambiguous prefixes are refused: "s" = service or spore */
	EXPECT_EQ(-1, myc_class_parse("s"));
	EXPECT_EQ(MYC_CLASS_SPORE, myc_class_parse("sp"));
}

/*
 * name(v) is want[v] for every v of the enum (n entries, NULL: no value),
 * "unknown" past it; parse, if given, reads every name back.
 */
static void check_names(struct __test_metadata *_metadata,
			const char *(*name)(unsigned int),
			int (*parse)(const char *), const char *const *want,
			unsigned int n)
{
	unsigned int v;

	for (v = 0; v < n; v++) {
		if (!want[v])
			continue;
		EXPECT_STREQ(want[v], name(v));
		if (parse)
			EXPECT_EQ((int)v, parse(want[v]));
	}
	EXPECT_STREQ("unknown", name(n));
	EXPECT_STREQ("unknown", name(~0U));
}

#define CHECK_NAMES(name, parse, ...)					\
	do {								\
		static const char *const want[] = { __VA_ARGS__ };	\
		check_names(_metadata, name, parse, want,		\
			    sizeof(want) / sizeof(want[0]));		\
	} while (0)

TEST(states)
{
	CHECK_NAMES(myc_peer_state_name, NULL,
		    [MYC_PEER_UNREACHABLE] = "unreachable",
		    [MYC_PEER_REACHABLE] = "reachable");
	ASSERT_EQ(MYC_PEER_STATE_MAX, MYC_PEER_REACHABLE);
	CHECK_NAMES(myc_path_state_name, NULL,
		    [MYC_PATH_UNKNOWN] = "unknown", [MYC_PATH_UP] = "up",
		    [MYC_PATH_DOWN] = "down", [MYC_PATH_SUSPECT] = "suspect");
	ASSERT_EQ(MYC_PATH_STATE_MAX, MYC_PATH_SUSPECT);
}

TEST(strategy)
{
	CHECK_NAMES(myc_strategy_name, myc_strategy_parse,
		    [MYC_STRATEGY_ROUND_ROBIN] = "round-robin",
		    [MYC_STRATEGY_LATENCY] = "latency",
		    [MYC_STRATEGY_LOAD] = "load",
		    [MYC_STRATEGY_OPERATION] = "operation");
	ASSERT_EQ(MYC_STRATEGY_MAX, MYC_STRATEGY_OPERATION);
	EXPECT_EQ(MYC_STRATEGY_ROUND_ROBIN, myc_strategy_parse("r"));
	EXPECT_EQ(MYC_STRATEGY_OPERATION, myc_strategy_parse("op"));
	EXPECT_EQ(MYC_STRATEGY_LATENCY, myc_strategy_parse("lat"));
	EXPECT_EQ(MYC_STRATEGY_LOAD, myc_strategy_parse("lo"));
	EXPECT_EQ(-1, myc_strategy_parse("l"));		/* latency or load */
	EXPECT_EQ(-1, myc_strategy_parse("fastest"));
	EXPECT_EQ(-1, myc_strategy_parse("round-robins"));
}

TEST(failover)
{
	CHECK_NAMES(myc_failover_name, myc_failover_parse,
		    [MYC_FAILOVER_DEFAULT] = "default",
		    [MYC_FAILOVER_IMMEDIATE] = "immediate",
		    [MYC_FAILOVER_GRACEFUL] = "graceful",
		    [MYC_FAILOVER_WAIT_RETRY] = "wait-retry");
	ASSERT_EQ(MYC_FAILOVER_MAX, MYC_FAILOVER_WAIT_RETRY);
	EXPECT_EQ(MYC_FAILOVER_WAIT_RETRY, myc_failover_parse("w"));
	EXPECT_EQ(MYC_FAILOVER_IMMEDIATE, myc_failover_parse("imm"));
	EXPECT_EQ(-1, myc_failover_parse("never"));
}

TEST(lb)
{
	CHECK_NAMES(myc_lb_name, myc_lb_parse,
		    [MYC_LB_ROUND_ROBIN] = "round-robin",
		    [MYC_LB_WEIGHTED_ROUND_ROBIN] = "weighted-round-robin",
		    [MYC_LB_LEAST_CONNECTIONS] = "least-connections",
		    [MYC_LB_LATENCY] = "latency");
	ASSERT_EQ(MYC_LB_MAX, MYC_LB_LATENCY);
	EXPECT_EQ(MYC_LB_ROUND_ROBIN, myc_lb_parse("r"));
	EXPECT_EQ(MYC_LB_WEIGHTED_ROUND_ROBIN, myc_lb_parse("w"));
	EXPECT_EQ(MYC_LB_LEAST_CONNECTIONS, myc_lb_parse("le"));
	EXPECT_EQ(MYC_LB_LATENCY, myc_lb_parse("la"));
	EXPECT_EQ(-1, myc_lb_parse("l"));	/* least-connections or latency */
	EXPECT_EQ(-1, myc_lb_parse("random"));
	EXPECT_EQ(-1, myc_lb_parse("load"));	/* a path strategy, not an lb */
	EXPECT_EQ(-1, myc_lb_parse(""));
}

TEST(backend_state)
{
	CHECK_NAMES(myc_backend_state_name, NULL,
		    [MYC_BACKEND_UNKNOWN] = "unknown",
		    [MYC_BACKEND_UP] = "up",
		    [MYC_BACKEND_DOWN] = "down");
	ASSERT_EQ(MYC_BACKEND_STATE_MAX, MYC_BACKEND_DOWN);
	/* not the path states: a backend is never "suspect" */
	EXPECT_STREQ("unknown", myc_backend_state_name(MYC_PATH_SUSPECT));
}

TEST(events)
{
	CHECK_NAMES(myc_event_type_name, NULL,
		    [MYC_EV_PEER_STATE] = "peer-state",
		    [MYC_EV_PATH_STATE] = "path-state",
		    [MYC_EV_FAILOVER] = "failover",
		    [MYC_EV_PEER_ADD] = "peer-add",
		    [MYC_EV_PEER_DEL] = "peer-del",
		    [MYC_EV_PATH_ADD] = "path-add",
		    [MYC_EV_PATH_DEL] = "path-del",
		    [MYC_EV_BACKEND_STATE] = "backend-state",
		    [MYC_EV_SPORE] = "spore",
		    [MYC_EV_PEER_RESTART] = "peer-restart");
	ASSERT_EQ(MYC_EV_MAX, MYC_EV_PEER_RESTART);
	EXPECT_STREQ("unknown", myc_event_type_name(0));
	CHECK_NAMES(myc_event_reason_name, NULL,
		    [MYC_EVR_NONE] = "none",
		    [MYC_EVR_CONFIG] = "config",
		    [MYC_EVR_PROBE_REPLY] = "probe-reply",
		    [MYC_EVR_PROBE_LOST] = "probe-lost",
		    [MYC_EVR_RTO] = "rto",
		    [MYC_EVR_PATHS] = "paths",
		    [MYC_EVR_RETRY_TIMEOUT] = "retry-timeout",
		    [MYC_EVR_SERVICE] = "service",
		    [MYC_EVR_VERDICT] = "verdict",
		    [MYC_EVR_TTL] = "ttl",
		    [MYC_EVR_INSTANCE] = "instance");
	ASSERT_EQ(MYC_EVR_MAX, MYC_EVR_INSTANCE);
}

TEST(spores)
{
	CHECK_NAMES(myc_spore_type_name, myc_spore_type_parse,
		    [MYC_SPORE_PRIMARY] = "primary",
		    [MYC_SPORE_SEED] = "seed",
		    [MYC_SPORE_LATENT] = "latent");
	ASSERT_EQ(MYC_SPORE_TYPE_MAX, MYC_SPORE_LATENT);
	EXPECT_EQ(MYC_SPORE_PRIMARY, myc_spore_type_parse("pri"));
	EXPECT_EQ(-1, myc_spore_type_parse("seeds"));
	CHECK_NAMES(myc_spore_kind_name, NULL,
		    [MYC_SPORE_KIND_MEMBERSHIP] = "membership",
		    [MYC_SPORE_KIND_DATA] = "data");
	ASSERT_EQ(MYC_SPORE_KIND_MAX, MYC_SPORE_KIND_DATA);
	CHECK_NAMES(myc_spore_state_name, NULL,
		    [MYC_SPORE_PENDING] = "pending",
		    [MYC_SPORE_ACCEPTED] = "accepted",
		    [MYC_SPORE_REJECTED] = "rejected",
		    [MYC_SPORE_REPLACED] = "replaced",
		    [MYC_SPORE_EXPIRED] = "expired",
		    [MYC_SPORE_DELETED] = "deleted");
	ASSERT_EQ(MYC_SPORE_STATE_MAX, MYC_SPORE_DELETED);
	CHECK_NAMES(myc_spore_check_name, NULL,
		    [MYC_SPORE_CHECK_PASS] = "pass",
		    [MYC_SPORE_CHECK_FAIL] = "fail",
		    [MYC_SPORE_CHECK_SKIPPED] = "skipped");
	ASSERT_EQ(MYC_SPORE_CHECK_MAX, MYC_SPORE_CHECK_SKIPPED);
	CHECK_NAMES(myc_spore_rule_name, NULL,
		    [MYC_SPORE_RULE_NONE] = "none",
		    [MYC_SPORE_RULE_AUTHORITY] = "authority",
		    [MYC_SPORE_RULE_TIME] = "time",
		    [MYC_SPORE_RULE_TRUST] = "trust",
		    [MYC_SPORE_RULE_CONSENSUS] = "consensus",
		    [MYC_SPORE_RULE_DIGEST] = "digest");
	ASSERT_EQ(MYC_SPORE_RULE_MAX, MYC_SPORE_RULE_DIGEST);
}

TEST_HARNESS_MAIN
