// SPDX-License-Identifier: GPL-2.0
/* Names of the UAPI enums, as used by myc and the netlink YAML spec. */
#include <string.h>

#include "libmyc.h"

static const char *const node_types[] = {
	[MYC_NODE_SCLEROTIA] = "sclerotia",
	[MYC_NODE_RHIZOMORPH] = "rhizomorph",
	[MYC_NODE_HYPHAE] = "hyphae",
};

static const char *const classes[] = {
	[MYC_CLASS_CONSENSUS] = "consensus",
	[MYC_CLASS_HEALTH] = "health",
	[MYC_CLASS_SERVICE] = "service",
	[MYC_CLASS_RESOURCE] = "resource",
	[MYC_CLASS_SPORE] = "spore",
};

static const char *const guarantees[] = {
	[MYC_GUARANTEE_BEST_EFFORT] = "best-effort",
	[MYC_GUARANTEE_HIGH] = "high",
	[MYC_GUARANTEE_GUARANTEED] = "guaranteed",
};

static const char *const peer_states[] = {
	[MYC_PEER_UNREACHABLE] = "unreachable",
	[MYC_PEER_REACHABLE] = "reachable",
};

static const char *const path_states[] = {
	[MYC_PATH_UNKNOWN] = "unknown",
	[MYC_PATH_UP] = "up",
	[MYC_PATH_DOWN] = "down",
	[MYC_PATH_SUSPECT] = "suspect",
};

static const char *const strategies[] = {
	[MYC_STRATEGY_ROUND_ROBIN] = "round-robin",
	[MYC_STRATEGY_LATENCY] = "latency",
	[MYC_STRATEGY_LOAD] = "load",
	[MYC_STRATEGY_OPERATION] = "operation",
};

static const char *const failovers[] = {
	[MYC_FAILOVER_DEFAULT] = "default",
	[MYC_FAILOVER_IMMEDIATE] = "immediate",
	[MYC_FAILOVER_GRACEFUL] = "graceful",
	[MYC_FAILOVER_WAIT_RETRY] = "wait-retry",
};

static const char *const lbs[] = {
	[MYC_LB_ROUND_ROBIN] = "round-robin",
	[MYC_LB_WEIGHTED_ROUND_ROBIN] = "weighted-round-robin",
	[MYC_LB_LEAST_CONNECTIONS] = "least-connections",
	[MYC_LB_LATENCY] = "latency",
};

static const char *const backend_states[] = {
	[MYC_BACKEND_UNKNOWN] = "unknown",
	[MYC_BACKEND_UP] = "up",
	[MYC_BACKEND_DOWN] = "down",
};

static const char *const event_types[] = {
	[MYC_EV_PEER_STATE] = "peer-state",
	[MYC_EV_PATH_STATE] = "path-state",
	[MYC_EV_FAILOVER] = "failover",
	[MYC_EV_PEER_ADD] = "peer-add",
	[MYC_EV_PEER_DEL] = "peer-del",
	[MYC_EV_PATH_ADD] = "path-add",
	[MYC_EV_PATH_DEL] = "path-del",
	[MYC_EV_BACKEND_STATE] = "backend-state",
	[MYC_EV_SPORE] = "spore",
	[MYC_EV_PEER_RESTART] = "peer-restart",
};

static const char *const event_reasons[] = {
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
	[MYC_EVR_INSTANCE] = "instance",
};

static const char *const profiles[] = {
	[MYC_PROFILE_HIGH_PERFORMANCE] = "high-performance",
	[MYC_PROFILE_ADAPTIVE] = "adaptive",
	[MYC_PROFILE_STANDARD] = "standard",
	[MYC_PROFILE_LIGHTWEIGHT] = "lightweight",
};

static const char *const encryptions[] = {
	[MYC_ENC_NONE] = "none",
	[MYC_ENC_MINIMAL] = "minimal",
	[MYC_ENC_STANDARD] = "standard",
	[MYC_ENC_HIGH] = "high",
};

static const char *const compressions[] = {
	[MYC_COMP_NONE] = "none",
	[MYC_COMP_LOW] = "low",
	[MYC_COMP_MEDIUM] = "medium",
	[MYC_COMP_HIGH] = "high",
	[MYC_COMP_NEGOTIATED] = "negotiated",
};

static const char *const reliabilities[] = {
	[MYC_REL_BEST_EFFORT] = "best-effort",
	[MYC_REL_HIGH] = "high",
	[MYC_REL_GUARANTEED] = "guaranteed",
	[MYC_REL_NEGOTIATED] = "negotiated",
};

static const char *const auth_states[] = {
	[MYC_AUTH_NONE] = "none",
	[MYC_AUTH_HELLO] = "hello",
	[MYC_AUTH_NO_DAEMON] = "no-daemon",
	[MYC_AUTH_PENDING] = "pending",
	[MYC_AUTH_OK] = "ok",
	[MYC_AUTH_FAILED] = "failed",
};

static const char *const auth_reasons[] = {
	[MYC_AUTHR_NEW] = "new",
	[MYC_AUTHR_REKEY] = "rekey",
	[MYC_AUTHR_RETRY] = "retry",
};

static const char *const spore_types[] = {
	[MYC_SPORE_PRIMARY] = "primary",
	[MYC_SPORE_SEED] = "seed",
	[MYC_SPORE_LATENT] = "latent",
};

static const char *const spore_kinds[] = {
	[MYC_SPORE_KIND_MEMBERSHIP] = "membership",
	[MYC_SPORE_KIND_DATA] = "data",
};

static const char *const spore_states[] = {
	[MYC_SPORE_PENDING] = "pending",
	[MYC_SPORE_ACCEPTED] = "accepted",
	[MYC_SPORE_REJECTED] = "rejected",
	[MYC_SPORE_REPLACED] = "replaced",
	[MYC_SPORE_EXPIRED] = "expired",
	[MYC_SPORE_DELETED] = "deleted",
};

static const char *const spore_checks[] = {
	[MYC_SPORE_CHECK_PASS] = "pass",
	[MYC_SPORE_CHECK_FAIL] = "fail",
	[MYC_SPORE_CHECK_SKIPPED] = "skipped",
};

static const char *const spore_rules[] = {
	[MYC_SPORE_RULE_NONE] = "none",
	[MYC_SPORE_RULE_AUTHORITY] = "authority",
	[MYC_SPORE_RULE_TIME] = "time",
	[MYC_SPORE_RULE_TRUST] = "trust",
	[MYC_SPORE_RULE_CONSENSUS] = "consensus",
	[MYC_SPORE_RULE_DIGEST] = "digest",
};

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static const char *name_of(const char *const *names, size_t n, unsigned int v)
{
	return v < n && names[v] ? names[v] : "unknown";
}

/* Exact name, or an unambiguous prefix of one. */
static int parse_name(const char *const *names, size_t n, const char *s)
{
	size_t len = strlen(s), i;
	int found = -1;

	if (!len)
		return -1;
	for (i = 0; i < n; i++) {
		if (!names[i])
			continue;
		if (!strcmp(names[i], s))
			return (int)i;
		if (!strncmp(names[i], s, len)) {
			if (found >= 0)
				return -1;
			found = (int)i;
		}
	}
	return found;
}

const char *myc_node_type_name(unsigned int type)
{
	return name_of(node_types, ARRAY_SIZE(node_types), type);
}

int myc_node_type_parse(const char *s)
{
	return parse_name(node_types, ARRAY_SIZE(node_types), s);
}

const char *myc_class_name(unsigned int cls)
{
	return name_of(classes, ARRAY_SIZE(classes), cls);
}

int myc_class_parse(const char *s)
{
	return parse_name(classes, ARRAY_SIZE(classes), s);
}

const char *myc_guarantee_name(unsigned int g)
{
	return name_of(guarantees, ARRAY_SIZE(guarantees), g);
}

int myc_guarantee_parse(const char *s)
{
	return parse_name(guarantees, ARRAY_SIZE(guarantees), s);
}

const char *myc_peer_state_name(unsigned int s)
{
	return name_of(peer_states, ARRAY_SIZE(peer_states), s);
}

const char *myc_path_state_name(unsigned int s)
{
	return name_of(path_states, ARRAY_SIZE(path_states), s);
}

const char *myc_strategy_name(unsigned int s)
{
	return name_of(strategies, ARRAY_SIZE(strategies), s);
}

int myc_strategy_parse(const char *s)
{
	return parse_name(strategies, ARRAY_SIZE(strategies), s);
}

const char *myc_failover_name(unsigned int f)
{
	return name_of(failovers, ARRAY_SIZE(failovers), f);
}

int myc_failover_parse(const char *s)
{
	return parse_name(failovers, ARRAY_SIZE(failovers), s);
}

const char *myc_lb_name(unsigned int lb)
{
	return name_of(lbs, ARRAY_SIZE(lbs), lb);
}

int myc_lb_parse(const char *s)
{
	return parse_name(lbs, ARRAY_SIZE(lbs), s);
}

const char *myc_backend_state_name(unsigned int s)
{
	return name_of(backend_states, ARRAY_SIZE(backend_states), s);
}

const char *myc_event_type_name(unsigned int t)
{
	return name_of(event_types, ARRAY_SIZE(event_types), t);
}

const char *myc_event_reason_name(unsigned int r)
{
	return name_of(event_reasons, ARRAY_SIZE(event_reasons), r);
}

const char *myc_profile_name(unsigned int p)
{
	return name_of(profiles, ARRAY_SIZE(profiles), p);
}

int myc_profile_parse(const char *s)
{
	return parse_name(profiles, ARRAY_SIZE(profiles), s);
}

const char *myc_encryption_name(unsigned int e)
{
	return name_of(encryptions, ARRAY_SIZE(encryptions), e);
}

int myc_encryption_parse(const char *s)
{
	return parse_name(encryptions, ARRAY_SIZE(encryptions), s);
}

const char *myc_compression_name(unsigned int c)
{
	return name_of(compressions, ARRAY_SIZE(compressions), c);
}

int myc_compression_parse(const char *s)
{
	return parse_name(compressions, ARRAY_SIZE(compressions), s);
}

const char *myc_reliability_name(unsigned int r)
{
	return name_of(reliabilities, ARRAY_SIZE(reliabilities), r);
}

int myc_reliability_parse(const char *s)
{
	return parse_name(reliabilities, ARRAY_SIZE(reliabilities), s);
}

const char *myc_auth_state_name(unsigned int a)
{
	return name_of(auth_states, ARRAY_SIZE(auth_states), a);
}

const char *myc_auth_reason_name(unsigned int r)
{
	return name_of(auth_reasons, ARRAY_SIZE(auth_reasons), r);
}

const char *myc_spore_type_name(unsigned int t)
{
	return name_of(spore_types, ARRAY_SIZE(spore_types), t);
}

int myc_spore_type_parse(const char *s)
{
	return parse_name(spore_types, ARRAY_SIZE(spore_types), s);
}

const char *myc_spore_kind_name(unsigned int k)
{
	return name_of(spore_kinds, ARRAY_SIZE(spore_kinds), k);
}

const char *myc_spore_state_name(unsigned int st)
{
	return name_of(spore_states, ARRAY_SIZE(spore_states), st);
}

const char *myc_spore_check_name(unsigned int c)
{
	return name_of(spore_checks, ARRAY_SIZE(spore_checks), c);
}

const char *myc_spore_rule_name(unsigned int r)
{
	return name_of(spore_rules, ARRAY_SIZE(spore_rules), r);
}
