// SPDX-License-Identifier: GPL-2.0
/*
 * The "mycelium" generic netlink family.
 *
 * Every command has its own policy (Documentation/netlink/specs/mycelium.yaml
 * describes them); the core validates strictly, so unknown attributes,
 * wrong lengths and out-of-range values are rejected with an extack before a
 * handler runs.  Configuration commands carry GENL_UNS_ADMIN_PERM:
 * CAP_NET_ADMIN in the user namespace that owns the netns is enough.
 *
 * Locking: handlers run under the genl mutex (no parallel_ops); node state
 * is changed under myc_net.lock so that other contexts can take it alone.
 */
#include <net/genetlink.h>
#include <net/ipv6.h>
#include <net/netlink.h>

#include "myc.h"
#include "compat.h"

static const struct genl_multicast_group myc_mcgrps[] = {
	[MYC_MCGRP_EVENTS_ID] = { .name = MYC_MCGRP_EVENTS },
	[MYC_MCGRP_AUTH_ID] = {
		.name = MYC_MCGRP_AUTH,
		.flags = MYC_MCGRP_ADMIN_FLAGS,
	},
};

#define MYC_NO_ATTR { .type = NLA_REJECT, .reject_message = "no attributes expected" }

/* NODE_GET takes no attributes. */
static const struct nla_policy myc_node_get_policy[MYC_A_NODE_MAX + 1] = {
	[MYC_A_NODE_ID] = MYC_NO_ATTR,
	[MYC_A_NODE_TYPE] = MYC_NO_ATTR,
	[MYC_A_NODE_PORT] = MYC_NO_ATTR,
	[MYC_A_NODE_FAMILY] = MYC_NO_ATTR,
	[MYC_A_NODE_SOCKETS] = MYC_NO_ATTR,
	[MYC_A_NODE_STATS] = MYC_NO_ATTR,
	[MYC_A_NODE_INSECURE] = MYC_NO_ATTR,
	[MYC_A_NODE_ENC_CAPS] = MYC_NO_ATTR,
	[MYC_A_NODE_COMP_CAPS] = MYC_NO_ATTR,
	[MYC_A_NODE_REKEY_TIME] = MYC_NO_ATTR,
	[MYC_A_NODE_REKEY_FRAMES] = MYC_NO_ATTR,
	[MYC_A_NODE_DAEMON] = MYC_NO_ATTR,
	[MYC_A_NODE_SPORE_LIMIT] = MYC_NO_ATTR,
	[MYC_A_NODE_SPORES] = MYC_NO_ATTR,
	[MYC_A_NODE_SESSION_TIME] = MYC_NO_ATTR,
	[MYC_A_NODE_REASM_PEER_MAX] = MYC_NO_ATTR,
	[MYC_A_NODE_REASM_NODE_MAX] = MYC_NO_ATTR,
	[MYC_A_NODE_REASM_MEM] = MYC_NO_ATTR,
	[MYC_A_NODE_REASM_PEER_MEM] = MYC_NO_ATTR,
	[MYC_A_NODE_REASM_DROPS] = MYC_NO_ATTR,
};

#define MYC_READ_ONLY { .type = NLA_REJECT, .reject_message = "attribute is read-only" }

static MYC_NL_RANGE myc_rekey_range = {
	.min = 1,
	.max = MYC_MAX_REKEY_TIME_S,
};

static MYC_NL_RANGE myc_spore_limit_range = {
	.min = 1,
	.max = MYC_MAX_SPORE_LIMIT,
};

static MYC_NL_RANGE myc_reasm_max_range = {
	.min = MYC_MIN_REASM_MAX,
	.max = MYC_MAX_REASM_MAX,
};

static const struct nla_policy myc_node_set_policy[MYC_A_NODE_MAX + 1] = {
	[MYC_A_NODE_ID] = { .type = NLA_U64 },
	[MYC_A_NODE_TYPE] = NLA_POLICY_MAX(NLA_U8, MYC_NODE_TYPE_MAX),
	[MYC_A_NODE_PORT] = NLA_POLICY_MIN(NLA_U16, 1),
	[MYC_A_NODE_FAMILY] = {
		.type = NLA_REJECT,
		.reject_message = "family is read-only (module parameter)",
	},
	[MYC_A_NODE_SOCKETS] = {
		.type = NLA_REJECT,
		.reject_message = "socket count is read-only",
	},
	[MYC_A_NODE_STATS] = MYC_READ_ONLY,
	[MYC_A_NODE_INSECURE] = NLA_POLICY_MAX(NLA_U8, 1),
	[MYC_A_NODE_ENC_CAPS] = NLA_POLICY_MASK(NLA_U8, MYC_ENC_CAPS_ALL),
	[MYC_A_NODE_COMP_CAPS] = NLA_POLICY_MASK(NLA_U8, MYC_COMP_CAPS_ALL),
	[MYC_A_NODE_REKEY_TIME] = NLA_POLICY_FULL_RANGE(NLA_U32,
							&myc_rekey_range),
	[MYC_A_NODE_REKEY_FRAMES] = NLA_POLICY_MIN(NLA_U32,
						   MYC_MIN_REKEY_FRAMES),
	[MYC_A_NODE_DAEMON] = {
		.type = NLA_REJECT,
		.reject_message = "the daemon registers itself (DAEMON_REGISTER)",
	},
	[MYC_A_NODE_SPORE_LIMIT] = NLA_POLICY_FULL_RANGE(NLA_U32,
							 &myc_spore_limit_range),
	[MYC_A_NODE_SPORES] = MYC_READ_ONLY,
	[MYC_A_NODE_SESSION_TIME] = NLA_POLICY_FULL_RANGE(NLA_U32,
							  &myc_rekey_range),
	[MYC_A_NODE_REASM_PEER_MAX] = NLA_POLICY_FULL_RANGE(NLA_U32,
							    &myc_reasm_max_range),
	[MYC_A_NODE_REASM_NODE_MAX] = NLA_POLICY_FULL_RANGE(NLA_U32,
							    &myc_reasm_max_range),
	[MYC_A_NODE_REASM_MEM] = MYC_READ_ONLY,
	[MYC_A_NODE_REASM_PEER_MEM] = MYC_READ_ONLY,
	[MYC_A_NODE_REASM_DROPS] = MYC_READ_ONLY,
};

static const struct nla_policy myc_path_policy[MYC_A_PATH_MAX + 1] = {
	[MYC_A_PATH_ID] = MYC_READ_ONLY,
	[MYC_A_PATH_LOCAL] = { .type = NLA_BINARY, .len = 16 },
	[MYC_A_PATH_REMOTE] = { .type = NLA_BINARY, .len = 16 },
	[MYC_A_PATH_REMOTE_PORT] = NLA_POLICY_MIN(NLA_U16, 1),
	[MYC_A_PATH_IFINDEX] = { .type = NLA_U32 },
	[MYC_A_PATH_STATE] = MYC_READ_ONLY,
	[MYC_A_PATH_SRTT] = MYC_READ_ONLY,
	[MYC_A_PATH_RTTVAR] = MYC_READ_ONLY,
	[MYC_A_PATH_IN_FLIGHT] = MYC_READ_ONLY,
	[MYC_A_PATH_STATS] = MYC_READ_ONLY,
	[MYC_A_PATH_PEER] = {
		.type = NLA_REJECT,
		.reject_message = "peer id belongs outside the path nest",
	},
	[MYC_A_PATH_LOSS] = MYC_READ_ONLY,
	[MYC_A_PATH_ENABLED] = NLA_POLICY_MAX(NLA_U8, 1),
};

/* PATH_ADD, PATH_DEL, PATH_SET: a path's attributes at the top level. */
static const struct nla_policy myc_path_cmd_policy[MYC_A_PATH_MAX + 1] = {
	[MYC_A_PATH_ID] = NLA_POLICY_MIN(NLA_U32, 1),
	[MYC_A_PATH_LOCAL] = { .type = NLA_BINARY, .len = 16 },
	[MYC_A_PATH_REMOTE] = { .type = NLA_BINARY, .len = 16 },
	[MYC_A_PATH_REMOTE_PORT] = NLA_POLICY_MIN(NLA_U16, 1),
	[MYC_A_PATH_IFINDEX] = { .type = NLA_U32 },
	[MYC_A_PATH_STATE] = MYC_READ_ONLY,
	[MYC_A_PATH_SRTT] = MYC_READ_ONLY,
	[MYC_A_PATH_RTTVAR] = MYC_READ_ONLY,
	[MYC_A_PATH_IN_FLIGHT] = MYC_READ_ONLY,
	[MYC_A_PATH_STATS] = MYC_READ_ONLY,
	[MYC_A_PATH_PEER] = { .type = NLA_U64 },
	[MYC_A_PATH_LOSS] = MYC_READ_ONLY,
	[MYC_A_PATH_ENABLED] = NLA_POLICY_MAX(NLA_U8, 1),
};

static const struct nla_policy myc_opmap_policy[MYC_A_OPMAP_MAX + 1] = {
	[MYC_A_OPMAP_CONSENSUS] = NLA_POLICY_MAX(NLA_U8, MYC_STRATEGY_LOAD),
	[MYC_A_OPMAP_HEALTH] = NLA_POLICY_MAX(NLA_U8, MYC_STRATEGY_LOAD),
	[MYC_A_OPMAP_SERVICE] = NLA_POLICY_MAX(NLA_U8, MYC_STRATEGY_LOAD),
	[MYC_A_OPMAP_RESOURCE] = NLA_POLICY_MAX(NLA_U8, MYC_STRATEGY_LOAD),
	[MYC_A_OPMAP_SPORE] = NLA_POLICY_MAX(NLA_U8, MYC_STRATEGY_LOAD),
};

static MYC_NL_RANGE myc_retry_range = {
	.min = 1,
	.max = MYC_MAX_RETRY_TIMEOUT_MS,
};

static MYC_NL_RANGE myc_probe_range = {
	.min = MYC_PROBE_INTERVAL_MIN_MS,
	.max = MYC_PROBE_INTERVAL_MAX_MS,
};

static const struct nla_policy myc_peer_policy[MYC_A_PEER_MAX + 1] = {
	[MYC_A_PEER_ID] = { .type = NLA_U64 },
	[MYC_A_PEER_TYPE] = NLA_POLICY_MAX(NLA_U8, MYC_NODE_TYPE_MAX),
	[MYC_A_PEER_PATH] = NLA_POLICY_NESTED(myc_path_policy),
	[MYC_A_PEER_STATE] = MYC_READ_ONLY,
	[MYC_A_PEER_STATS] = MYC_READ_ONLY,
	[MYC_A_PEER_STRATEGY] = NLA_POLICY_MAX(NLA_U8, MYC_STRATEGY_MAX),
	[MYC_A_PEER_OPMAP] = NLA_POLICY_NESTED(myc_opmap_policy),
	[MYC_A_PEER_FAILOVER] = NLA_POLICY_RANGE(NLA_U8, MYC_FAILOVER_IMMEDIATE,
						 MYC_FAILOVER_MAX),
	[MYC_A_PEER_RETRY_TIMEOUT] = NLA_POLICY_FULL_RANGE(NLA_U32,
							   &myc_retry_range),
	[MYC_A_PEER_PROBE_INTERVAL] = NLA_POLICY_FULL_RANGE(NLA_U32,
							    &myc_probe_range),
	[MYC_A_PEER_FAIL_AFTER] = NLA_POLICY_MIN(NLA_U8, 1),
	[MYC_A_PEER_RECOVER_AFTER] = NLA_POLICY_MIN(NLA_U8, 1),
	[MYC_A_PEER_ACTIVE_PATH] = MYC_READ_ONLY,
	[MYC_A_PEER_AUTH] = MYC_READ_ONLY,
	[MYC_A_PEER_PROFILE] = MYC_READ_ONLY,
	[MYC_A_PEER_KEY_PHASE] = MYC_READ_ONLY,
	[MYC_A_PEER_KEY_AGE] = MYC_READ_ONLY,
	[MYC_A_PEER_REKEYS] = MYC_READ_ONLY,
	[MYC_A_PEER_KEY_UPDATES] = MYC_READ_ONLY,
};

/* GET and DEL name a peer and nothing else. */
static const struct nla_policy myc_peer_id_policy[MYC_A_PEER_MAX + 1] = {
	[MYC_A_PEER_ID] = { .type = NLA_U64 },
	[MYC_A_PEER_TYPE] = MYC_NO_ATTR,
	[MYC_A_PEER_PATH] = MYC_NO_ATTR,
	[MYC_A_PEER_STATE] = MYC_NO_ATTR,
	[MYC_A_PEER_STATS] = MYC_NO_ATTR,
	[MYC_A_PEER_STRATEGY] = MYC_NO_ATTR,
	[MYC_A_PEER_OPMAP] = MYC_NO_ATTR,
	[MYC_A_PEER_FAILOVER] = MYC_NO_ATTR,
	[MYC_A_PEER_RETRY_TIMEOUT] = MYC_NO_ATTR,
	[MYC_A_PEER_PROBE_INTERVAL] = MYC_NO_ATTR,
	[MYC_A_PEER_FAIL_AFTER] = MYC_NO_ATTR,
	[MYC_A_PEER_RECOVER_AFTER] = MYC_NO_ATTR,
	[MYC_A_PEER_ACTIVE_PATH] = MYC_NO_ATTR,
	[MYC_A_PEER_AUTH] = MYC_NO_ATTR,
	[MYC_A_PEER_PROFILE] = MYC_NO_ATTR,
	[MYC_A_PEER_KEY_PHASE] = MYC_NO_ATTR,
	[MYC_A_PEER_KEY_AGE] = MYC_NO_ATTR,
	[MYC_A_PEER_REKEYS] = MYC_NO_ATTR,
	[MYC_A_PEER_KEY_UPDATES] = MYC_NO_ATTR,
};

static int myc_put_stats(struct sk_buff *skb, int type,
			 const struct myc_stats *st)
{
	struct nlattr *nest = nla_nest_start(skb, type);
	int i;

	if (!nest)
		return -EMSGSIZE;
	BUILD_BUG_ON(MYC_A_STATS_PAD !=
		     MYC_A_STATS_TX_FRAMES + MYC_STAT_PROBES_TX);
	BUILD_BUG_ON(MYC_A_STATS_MAX !=
		     MYC_A_STATS_PROBES_TX + MYC_STAT_CNT - 1 - MYC_STAT_PROBES_TX);
	for (i = 0; i < MYC_STAT_CNT; i++) {
		/* the attributes skip MYC_A_STATS_PAD */
		int type = i < MYC_STAT_PROBES_TX ?
			   MYC_A_STATS_TX_FRAMES + i :
			   MYC_A_STATS_PROBES_TX + i - MYC_STAT_PROBES_TX;

		if (nla_put_u64_64bit(skb, type, atomic64_read(&st->v[i]),
				      MYC_A_STATS_PAD)) {
			nla_nest_cancel(skb, nest);
			return -EMSGSIZE;
		}
	}
	nla_nest_end(skb, nest);
	return 0;
}

/* The most reassembly memory one peer holds. */
static u32 myc_reasm_peer_mem(struct myc_net *mn)
{
	struct myc_peer *peer;
	u32 most = 0;
	int bkt;

	rcu_read_lock();
	hash_for_each_rcu(mn->peers, bkt, peer, hnode)
		most = max(most, READ_ONCE(peer->reasm_mem));
	rcu_read_unlock();
	return most;
}

static int myc_node_fill(struct sk_buff *skb, struct myc_net *mn, u32 portid,
			 u32 seq, int flags, u8 cmd)
{
	void *hdr;

	hdr = genlmsg_put(skb, portid, seq, &myc_genl_family, flags, cmd);
	if (!hdr)
		return -EMSGSIZE;

	if (nla_put_u64_64bit(skb, MYC_A_NODE_ID, READ_ONCE(mn->node_id),
			      MYC_A_NODE_UNSPEC) ||
	    nla_put_u8(skb, MYC_A_NODE_TYPE, READ_ONCE(mn->node_type)) ||
	    nla_put_u16(skb, MYC_A_NODE_PORT, READ_ONCE(mn->udp_port)) ||
	    nla_put_u16(skb, MYC_A_NODE_FAMILY, myc_family) ||
	    nla_put_u32(skb, MYC_A_NODE_SOCKETS,
			atomic_read(&mn->nr_sockets)) ||
	    nla_put_u8(skb, MYC_A_NODE_INSECURE, READ_ONCE(mn->insecure)) ||
	    nla_put_u8(skb, MYC_A_NODE_ENC_CAPS, READ_ONCE(mn->enc_caps)) ||
	    nla_put_u8(skb, MYC_A_NODE_COMP_CAPS, READ_ONCE(mn->comp_caps)) ||
	    nla_put_u32(skb, MYC_A_NODE_REKEY_TIME, READ_ONCE(mn->rekey_s)) ||
	    nla_put_u32(skb, MYC_A_NODE_REKEY_FRAMES,
			READ_ONCE(mn->rekey_frames)) ||
	    nla_put_u32(skb, MYC_A_NODE_SESSION_TIME,
			READ_ONCE(mn->session_s)) ||
	    nla_put_u32(skb, MYC_A_NODE_DAEMON,
			READ_ONCE(mn->daemon_portid)) ||
	    nla_put_u32(skb, MYC_A_NODE_SPORE_LIMIT,
			READ_ONCE(mn->spore_limit)) ||
	    nla_put_u32(skb, MYC_A_NODE_SPORES, READ_ONCE(mn->nr_spores)) ||
	    nla_put_u32(skb, MYC_A_NODE_REASM_PEER_MAX,
			READ_ONCE(mn->reasm_peer_max)) ||
	    nla_put_u32(skb, MYC_A_NODE_REASM_NODE_MAX,
			READ_ONCE(mn->reasm_node_max)) ||
	    nla_put_u32(skb, MYC_A_NODE_REASM_MEM,
			atomic_long_read(&mn->reasm_mem)) ||
	    nla_put_u32(skb, MYC_A_NODE_REASM_PEER_MEM,
			myc_reasm_peer_mem(mn)) ||
	    nla_put_u64_64bit(skb, MYC_A_NODE_REASM_DROPS,
			      atomic64_read(&mn->reasm_drops),
			      MYC_A_NODE_PAD) ||
	    myc_put_stats(skb, MYC_A_NODE_STATS, &mn->stats)) {
		genlmsg_cancel(skb, hdr);
		return -EMSGSIZE;
	}

	genlmsg_end(skb, hdr);
	return 0;
}

static int myc_nl_node_get(struct sk_buff *skb, struct genl_info *info)
{
	struct myc_net *mn = myc_net(genl_info_net(info));
	struct sk_buff *msg;
	int err;

	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;

	err = myc_node_fill(msg, mn, info->snd_portid, info->snd_seq, 0,
			    MYC_CMD_NODE_GET);
	if (err) {
		nlmsg_free(msg);
		return err;
	}
	return genlmsg_reply(msg, info);
}

static const int myc_node_settable[] = {
	MYC_A_NODE_ID, MYC_A_NODE_TYPE, MYC_A_NODE_PORT, MYC_A_NODE_INSECURE,
	MYC_A_NODE_ENC_CAPS, MYC_A_NODE_COMP_CAPS, MYC_A_NODE_REKEY_TIME,
	MYC_A_NODE_REKEY_FRAMES, MYC_A_NODE_SPORE_LIMIT,
	MYC_A_NODE_SESSION_TIME, MYC_A_NODE_REASM_PEER_MAX,
	MYC_A_NODE_REASM_NODE_MAX,
};

static int myc_nl_node_set(struct sk_buff *skb, struct genl_info *info)
{
	struct myc_net *mn = myc_net(genl_info_net(info));
	struct nlattr **attrs = info->attrs;
	bool changed = false, hello = false;
	int i;

	for (i = 0; i < ARRAY_SIZE(myc_node_settable); i++)
		if (attrs[myc_node_settable[i]])
			break;
	if (i == ARRAY_SIZE(myc_node_settable)) {
		NL_SET_ERR_MSG(info->extack,
			       "nothing to set: give id, type, port, insecure, caps, rekey settings, spore-limit or reasm bounds");
		return -EINVAL;
	}
	if (attrs[MYC_A_NODE_ENC_CAPS] &&
	    !(nla_get_u8(attrs[MYC_A_NODE_ENC_CAPS]) &
	      (1 << MYC_ENC_MINIMAL))) {
		NL_SET_ERR_MSG_ATTR(info->extack, attrs[MYC_A_NODE_ENC_CAPS],
				    "every node offers minimal encryption");
		return -EINVAL;
	}

	if (attrs[MYC_A_NODE_ID] && !nla_get_u64(attrs[MYC_A_NODE_ID])) {
		NL_SET_ERR_MSG_ATTR(info->extack, attrs[MYC_A_NODE_ID],
				    "node id 0 is reserved for \"this node\"");
		return -EINVAL;
	}

	mutex_lock(&mn->lock);
	if (attrs[MYC_A_NODE_REASM_PEER_MAX] || attrs[MYC_A_NODE_REASM_NODE_MAX]) {
		struct nlattr *a = attrs[MYC_A_NODE_REASM_PEER_MAX] ?:
				   attrs[MYC_A_NODE_REASM_NODE_MAX];
		u32 pmax = mn->reasm_peer_max, nmax = mn->reasm_node_max;

		if (attrs[MYC_A_NODE_REASM_PEER_MAX])
			pmax = nla_get_u32(attrs[MYC_A_NODE_REASM_PEER_MAX]);
		if (attrs[MYC_A_NODE_REASM_NODE_MAX])
			nmax = nla_get_u32(attrs[MYC_A_NODE_REASM_NODE_MAX]);
		if (pmax > nmax) {
			mutex_unlock(&mn->lock);
			NL_SET_ERR_MSG_ATTR(info->extack, a,
					    "reasm-peer-max exceeds reasm-node-max");
			return -EINVAL;
		}
		/* memory held above a lowered bound stays until it goes */
		changed |= pmax != mn->reasm_peer_max ||
			   nmax != mn->reasm_node_max;
		WRITE_ONCE(mn->reasm_peer_max, pmax);
		WRITE_ONCE(mn->reasm_node_max, nmax);
	}
	if (attrs[MYC_A_NODE_ID]) {
		u64 id = nla_get_u64(attrs[MYC_A_NODE_ID]);

		changed |= id != mn->node_id;
		WRITE_ONCE(mn->node_id, id);
	}
	if (attrs[MYC_A_NODE_TYPE]) {
		u8 type = nla_get_u8(attrs[MYC_A_NODE_TYPE]);

		hello |= type != mn->node_type;
		WRITE_ONCE(mn->node_type, type);
	}
	if (attrs[MYC_A_NODE_INSECURE]) {
		bool insecure = nla_get_u8(attrs[MYC_A_NODE_INSECURE]);

		hello |= insecure != mn->insecure;
		WRITE_ONCE(mn->insecure, insecure);
	}
	if (attrs[MYC_A_NODE_ENC_CAPS]) {
		u8 caps = nla_get_u8(attrs[MYC_A_NODE_ENC_CAPS]);

		hello |= caps != mn->enc_caps;
		WRITE_ONCE(mn->enc_caps, caps);
	}
	if (attrs[MYC_A_NODE_COMP_CAPS]) {
		u8 caps = nla_get_u8(attrs[MYC_A_NODE_COMP_CAPS]) |
			  1 << MYC_COMP_NONE;

		hello |= caps != mn->comp_caps;
		WRITE_ONCE(mn->comp_caps, caps);
	}
	if (attrs[MYC_A_NODE_REKEY_TIME]) {
		u32 v = nla_get_u32(attrs[MYC_A_NODE_REKEY_TIME]);

		changed |= v != mn->rekey_s;
		WRITE_ONCE(mn->rekey_s, v);
	}
	if (attrs[MYC_A_NODE_REKEY_FRAMES]) {
		u32 v = nla_get_u32(attrs[MYC_A_NODE_REKEY_FRAMES]);

		changed |= v != mn->rekey_frames;
		WRITE_ONCE(mn->rekey_frames, v);
	}
	if (attrs[MYC_A_NODE_SESSION_TIME]) {
		u32 v = nla_get_u32(attrs[MYC_A_NODE_SESSION_TIME]);

		changed |= v != mn->session_s;
		WRITE_ONCE(mn->session_s, v);
	}
	if (attrs[MYC_A_NODE_SPORE_LIMIT]) {
		/* held spores above a lowered limit stay until they go */
		u32 v = nla_get_u32(attrs[MYC_A_NODE_SPORE_LIMIT]);

		changed |= v != mn->spore_limit;
		WRITE_ONCE(mn->spore_limit, v);
	}
	if (attrs[MYC_A_NODE_PORT]) {
		u16 port = nla_get_u16(attrs[MYC_A_NODE_PORT]);

		if (port != mn->udp_port && myc_bearer_is_open(mn)) {
			int err = myc_bearer_open(mn, port);

			if (err) {
				mutex_unlock(&mn->lock);
				NL_SET_ERR_MSG_ATTR(info->extack,
						    attrs[MYC_A_NODE_PORT],
						    "cannot open the UDP port (in use?)");
				return err;
			}
		}
		changed |= port != mn->udp_port;
		WRITE_ONCE(mn->udp_port, port);
	}
	if (hello)
		myc_hello_all(mn);
	mutex_unlock(&mn->lock);

	if (changed || hello)
		myc_genl_node_notify(mn);
	return 0;
}

/* Tell listeners on the events group that the node's settings changed. */
void myc_genl_node_notify(struct myc_net *mn)
{
	struct sk_buff *msg;

	if (!genl_has_listeners(&myc_genl_family, mn->net,
				MYC_MCGRP_EVENTS_ID))
		return;

	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return;

	if (myc_node_fill(msg, mn, 0, 0, 0, MYC_CMD_NODE_NTF)) {
		nlmsg_free(msg);
		return;
	}
	genlmsg_multicast_netns(&myc_genl_family, mn->net, msg, 0,
				MYC_MCGRP_EVENTS_ID, GFP_KERNEL);
}

/* Peers and paths. */

struct myc_path_cfg {
	sa_family_t family;
	union myc_ipaddr local, remote;
	__be16 port;
	int ifindex;
	bool enabled;
};

static int myc_parse_addr(const struct nlattr *a, union myc_ipaddr *ip,
			  sa_family_t *family, struct netlink_ext_ack *extack)
{
	switch (nla_len(a)) {
	case 4:
		*family = AF_INET;
		memcpy(&ip->v4, nla_data(a), 4);
		return 0;
	case 16:
		*family = AF_INET6;
		memcpy(&ip->v6, nla_data(a), 16);
		return 0;
	}
	NL_SET_ERR_MSG_ATTR(extack, a, "address must be 4 (IPv4) or 16 (IPv6) bytes");
	return -EINVAL;
}

/* A path's attributes (tb, from nest or the top level when NULL). */
static int myc_parse_path_tb(struct nlattr **tb, const struct nlattr *nest,
			     struct myc_path_cfg *cfg,
			     struct netlink_ext_ack *extack)
{
	sa_family_t lfam, rfam;
	int err;

	if (!tb[MYC_A_PATH_LOCAL] || !tb[MYC_A_PATH_REMOTE]) {
		NL_SET_ERR_MSG_ATTR(extack, nest,
				    "a path needs a local and a remote address");
		return -EINVAL;
	}
	err = myc_parse_addr(tb[MYC_A_PATH_LOCAL], &cfg->local, &lfam, extack);
	if (err)
		return err;
	err = myc_parse_addr(tb[MYC_A_PATH_REMOTE], &cfg->remote, &rfam,
			     extack);
	if (err)
		return err;
	if (lfam != rfam) {
		NL_SET_ERR_MSG_ATTR(extack, nest,
				    "local and remote address families differ");
		return -EINVAL;
	}
	cfg->family = lfam;
	if ((lfam == AF_INET && ipv4_is_zeronet(cfg->remote.v4.s_addr)) ||
	    (lfam == AF_INET6 && ipv6_addr_any(&cfg->remote.v6))) {
		NL_SET_ERR_MSG_ATTR(extack, tb[MYC_A_PATH_REMOTE],
				    "remote address must not be unspecified");
		return -EINVAL;
	}
	cfg->port = htons(tb[MYC_A_PATH_REMOTE_PORT] ?
			  nla_get_u16(tb[MYC_A_PATH_REMOTE_PORT]) :
			  MYC_DEFAULT_UDP_PORT);
	cfg->ifindex = tb[MYC_A_PATH_IFINDEX] ?
		       nla_get_u32(tb[MYC_A_PATH_IFINDEX]) : 0;
	cfg->enabled = !tb[MYC_A_PATH_ENABLED] ||
		       nla_get_u8(tb[MYC_A_PATH_ENABLED]);
	return 0;
}

static int myc_parse_path(struct nlattr *nest, struct myc_path_cfg *cfg,
			  struct netlink_ext_ack *extack)
{
	struct nlattr *tb[MYC_A_PATH_MAX + 1];
	int err;

	err = nla_parse_nested(tb, MYC_A_PATH_MAX, nest, myc_path_policy,
			       extack);
	if (err)
		return err;
	return myc_parse_path_tb(tb, nest, cfg, extack);
}

/* Parse every MYC_A_PEER_PATH of the request into cfgs[]; count in *n. */
static int myc_parse_paths(struct genl_info *info, struct myc_path_cfg *cfgs,
			   int *n)
{
	struct nlattr *a;
	int rem, err;

	*n = 0;
	nlmsg_for_each_attr(a, info->nlhdr, GENL_HDRLEN, rem) {
		if (nla_type(a) != MYC_A_PEER_PATH)
			continue;
		if (*n >= MYC_MAX_PATHS) {
			NL_SET_ERR_MSG_ATTR(info->extack, a,
					    "too many paths for one peer");
			return -E2BIG;
		}
		err = myc_parse_path(a, &cfgs[*n], info->extack);
		if (err)
			return err;
		(*n)++;
	}
	return 0;
}

static int myc_add_paths(struct myc_peer *peer, struct myc_path_cfg *cfgs,
			 int n, struct netlink_ext_ack *extack)
{
	struct myc_path *path;
	int i;

	if (peer->nr_paths + n > MYC_MAX_PATHS) {
		NL_SET_ERR_MSG(extack, "too many paths for one peer");
		return -E2BIG;
	}
	for (i = 0; i < n; i++) {
		if (myc_path_find(peer, cfgs[i].family, &cfgs[i].local,
				  &cfgs[i].remote, cfgs[i].port)) {
			NL_SET_ERR_MSG(extack, "path already exists");
			return -EEXIST;
		}
	}
	for (i = 0; i < n; i++) {
		path = myc_path_add(peer, cfgs[i].family, &cfgs[i].local,
				    &cfgs[i].remote, cfgs[i].port,
				    cfgs[i].ifindex);
		if (IS_ERR(path)) {
			NL_SET_ERR_MSG(extack, "cannot add path");
			return PTR_ERR(path);
		}
		if (!cfgs[i].enabled)
			myc_path_enable(path, false);
	}
	return 0;
}

/* The peer's path and failover settings in a request. */
struct myc_peer_cfg {
	bool has_opmap;
	u8 opmap[MYC_CLASS_MAX + 1];
};

static const int myc_peer_settings[] = {
	MYC_A_PEER_STRATEGY, MYC_A_PEER_OPMAP, MYC_A_PEER_FAILOVER,
	MYC_A_PEER_RETRY_TIMEOUT, MYC_A_PEER_PROBE_INTERVAL,
	MYC_A_PEER_FAIL_AFTER, MYC_A_PEER_RECOVER_AFTER,
};

static bool myc_has_settings(struct nlattr **attrs)
{
	int i;

	for (i = 0; i < ARRAY_SIZE(myc_peer_settings); i++)
		if (attrs[myc_peer_settings[i]])
			return true;
	return false;
}

static int myc_parse_peer_cfg(struct genl_info *info, struct myc_peer_cfg *c)
{
	struct nlattr *tb[MYC_A_OPMAP_MAX + 1];
	struct nlattr *a = info->attrs[MYC_A_PEER_OPMAP];
	int i, err;

	c->has_opmap = false;
	if (!a)
		return 0;
	err = nla_parse_nested(tb, MYC_A_OPMAP_MAX, a, myc_opmap_policy,
			       info->extack);
	if (err)
		return err;
	c->has_opmap = true;
	for (i = 0; i <= MYC_CLASS_MAX; i++)
		c->opmap[i] = tb[MYC_A_OPMAP_CONSENSUS + i] ?
			      nla_get_u8(tb[MYC_A_OPMAP_CONSENSUS + i]) :
			      myc_default_opmap[i];
	return 0;
}

/* Apply the settings of a request to peer.  Under mn->lock. */
static void myc_apply_peer_cfg(struct myc_peer *peer, struct nlattr **attrs,
			       const struct myc_peer_cfg *c)
{
	bool probe = false;

	spin_lock_bh(&peer->lock);
	if (attrs[MYC_A_PEER_STRATEGY])
		peer->strategy = nla_get_u8(attrs[MYC_A_PEER_STRATEGY]);
	if (c->has_opmap)
		memcpy(peer->opmap, c->opmap, sizeof(peer->opmap));
	if (attrs[MYC_A_PEER_FAILOVER])
		peer->failover = nla_get_u8(attrs[MYC_A_PEER_FAILOVER]);
	if (attrs[MYC_A_PEER_RETRY_TIMEOUT])
		peer->retry_ms = nla_get_u32(attrs[MYC_A_PEER_RETRY_TIMEOUT]);
	if (attrs[MYC_A_PEER_PROBE_INTERVAL]) {
		peer->probe_ms = nla_get_u32(attrs[MYC_A_PEER_PROBE_INTERVAL]);
		probe = true;
	}
	if (attrs[MYC_A_PEER_FAIL_AFTER])
		peer->fail_after = nla_get_u8(attrs[MYC_A_PEER_FAIL_AFTER]);
	if (attrs[MYC_A_PEER_RECOVER_AFTER])
		peer->recover_after =
			nla_get_u8(attrs[MYC_A_PEER_RECOVER_AFTER]);
	if (probe)
		myc_health_reschedule(peer);
	spin_unlock_bh(&peer->lock);
	if (probe)
		myc_health_start(peer);
}

static int myc_get_peer_id(struct genl_info *info, struct myc_net *mn,
			   u64 *id)
{
	if (GENL_REQ_ATTR_CHECK(info, MYC_A_PEER_ID))
		return -EINVAL;
	*id = nla_get_u64(info->attrs[MYC_A_PEER_ID]);
	if (!*id || *id == READ_ONCE(mn->node_id)) {
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[MYC_A_PEER_ID],
				    "peer id must be non-zero and not this node's");
		return -EINVAL;
	}
	return 0;
}

/* PEER_ADD and PEER_SET: the peer id and the paths, parsed and checked. */
static struct myc_path_cfg *myc_parse_peer_req(struct genl_info *info,
					       struct myc_net *mn, u64 *id,
					       int *n)
{
	struct myc_path_cfg *cfgs;
	int err;

	err = myc_get_peer_id(info, mn, id);
	if (err)
		return ERR_PTR(err);
	cfgs = kcalloc(MYC_MAX_PATHS, sizeof(*cfgs), GFP_KERNEL);
	if (!cfgs)
		return ERR_PTR(-ENOMEM);
	err = myc_parse_paths(info, cfgs, n);
	if (err) {
		kfree(cfgs);
		return ERR_PTR(err);
	}
	return cfgs;
}

static int myc_nl_peer_add(struct sk_buff *skb, struct genl_info *info)
{
	struct myc_net *mn = myc_net(genl_info_net(info));
	struct myc_path_cfg *cfgs;
	struct myc_peer_cfg pc;
	struct myc_peer *peer;
	int n, err;
	u8 type;
	u64 id;

	err = myc_parse_peer_cfg(info, &pc);
	if (err)
		return err;
	cfgs = myc_parse_peer_req(info, mn, &id, &n);
	if (IS_ERR(cfgs))
		return PTR_ERR(cfgs);
	type = info->attrs[MYC_A_PEER_TYPE] ?
	       nla_get_u8(info->attrs[MYC_A_PEER_TYPE]) : MYC_NODE_HYPHAE;

	mutex_lock(&mn->lock);
	if (myc_peer_lookup_rcu(mn, id)) {
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[MYC_A_PEER_ID],
				    "peer already exists");
		err = -EEXIST;
		goto unlock;
	}
	if (!myc_bearer_is_open(mn)) {
		err = myc_bearer_open(mn, mn->udp_port);
		if (err) {
			NL_SET_ERR_MSG(info->extack,
				       "cannot open the node's UDP port (in use?)");
			goto unlock;
		}
	}
	err = myc_peer_create(mn, id, type, &peer);
	if (err) {
		if (err == -ENOSPC)
			NL_SET_ERR_MSG(info->extack, "too many peers");
		goto unlock;
	}
	myc_apply_peer_cfg(peer, info->attrs, &pc);
	err = myc_add_paths(peer, cfgs, n, info->extack);
	if (err)
		myc_peer_remove(peer);
unlock:
	mutex_unlock(&mn->lock);
	kfree(cfgs);
	return err;
}

static int myc_nl_peer_set(struct sk_buff *skb, struct genl_info *info)
{
	struct myc_net *mn = myc_net(genl_info_net(info));
	struct myc_path_cfg *cfgs;
	struct myc_peer_cfg pc;
	struct myc_peer *peer;
	int n, err;
	u64 id;

	err = myc_parse_peer_cfg(info, &pc);
	if (err)
		return err;
	cfgs = myc_parse_peer_req(info, mn, &id, &n);
	if (IS_ERR(cfgs))
		return PTR_ERR(cfgs);
	if (!n && !info->attrs[MYC_A_PEER_TYPE] &&
	    !myc_has_settings(info->attrs)) {
		NL_SET_ERR_MSG(info->extack,
			       "nothing to set: give type, path or a path setting");
		err = -EINVAL;
		goto out;
	}

	mutex_lock(&mn->lock);
	peer = myc_peer_lookup_rcu(mn, id);
	if (!peer) {
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[MYC_A_PEER_ID],
				    "no such peer");
		err = -ENOENT;
		goto unlock;
	}
	err = myc_add_paths(peer, cfgs, n, info->extack);
	if (!err && info->attrs[MYC_A_PEER_TYPE] &&
	    nla_get_u8(info->attrs[MYC_A_PEER_TYPE]) != peer->type) {
		WRITE_ONCE(peer->type, nla_get_u8(info->attrs[MYC_A_PEER_TYPE]));
		myc_hello_start(peer);
	}
	if (!err)
		myc_apply_peer_cfg(peer, info->attrs, &pc);
unlock:
	mutex_unlock(&mn->lock);
out:
	kfree(cfgs);
	return err;
}

static int myc_nl_peer_del(struct sk_buff *skb, struct genl_info *info)
{
	struct myc_net *mn = myc_net(genl_info_net(info));
	struct myc_peer *peer;
	int err;
	u64 id;

	err = myc_get_peer_id(info, mn, &id);
	if (err)
		return err;
	mutex_lock(&mn->lock);
	peer = myc_peer_lookup_rcu(mn, id);
	if (peer)
		myc_peer_remove(peer);
	mutex_unlock(&mn->lock);
	if (!peer) {
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[MYC_A_PEER_ID],
				    "no such peer");
		return -ENOENT;
	}
	return 0;
}

static int myc_put_addr(struct sk_buff *skb, int type, sa_family_t family,
			const union myc_ipaddr *ip)
{
	return family == AF_INET ? nla_put_in_addr(skb, type, ip->v4.s_addr) :
				   nla_put_in6_addr(skb, type, &ip->v6);
}

static int myc_path_fill(struct sk_buff *skb, const struct myc_path *path)
{
	struct nlattr *nest = nla_nest_start(skb, MYC_A_PEER_PATH);

	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u32(skb, MYC_A_PATH_ID, path->id) ||
	    myc_put_addr(skb, MYC_A_PATH_LOCAL, path->family, &path->local) ||
	    myc_put_addr(skb, MYC_A_PATH_REMOTE, path->family, &path->remote) ||
	    nla_put_u16(skb, MYC_A_PATH_REMOTE_PORT, ntohs(path->remote_port)) ||
	    (path->ifindex &&
	     nla_put_u32(skb, MYC_A_PATH_IFINDEX, path->ifindex)) ||
	    nla_put_u8(skb, MYC_A_PATH_STATE, READ_ONCE(path->state)) ||
	    nla_put_u8(skb, MYC_A_PATH_ENABLED, READ_ONCE(path->enabled)) ||
	    nla_put_u32(skb, MYC_A_PATH_SRTT, READ_ONCE(path->rtt.srtt_us)) ||
	    nla_put_u32(skb, MYC_A_PATH_RTTVAR,
			READ_ONCE(path->rtt.rttvar_us)) ||
	    nla_put_u32(skb, MYC_A_PATH_IN_FLIGHT,
			READ_ONCE(path->in_flight)) ||
	    nla_put_u32(skb, MYC_A_PATH_LOSS, myc_path_loss(path)) ||
	    myc_put_stats(skb, MYC_A_PATH_STATS, &path->stats)) {
		nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

/* Caller holds rcu_read_lock() or mn->lock. */
static int myc_peer_fill(struct sk_buff *skb, struct myc_peer *peer,
			 u32 portid, u32 seq, int flags, u8 cmd)
{
	struct myc_prof_eff prof;
	struct myc_path *path;
	struct nlattr *nest;
	u32 age, rekeys, updates;
	u8 auth, phase;
	void *hdr;
	int i;

	hdr = genlmsg_put(skb, portid, seq, &myc_genl_family, flags, cmd);
	if (!hdr)
		return -EMSGSIZE;

	spin_lock_bh(&peer->lock);
	auth = peer->auth;
	prof = peer->prof;
	myc_keys_info(peer, &phase, &age, &rekeys, &updates);
	spin_unlock_bh(&peer->lock);
	if (nla_put_u8(skb, MYC_A_PEER_AUTH, auth) ||
	    (auth != MYC_AUTH_HELLO &&
	     myc_put_profile(skb, MYC_A_PEER_PROFILE, &prof)) ||
	    (auth == MYC_AUTH_OK &&
	     (nla_put_u8(skb, MYC_A_PEER_KEY_PHASE, phase) ||
	      nla_put_u32(skb, MYC_A_PEER_KEY_AGE, age) ||
	      nla_put_u32(skb, MYC_A_PEER_REKEYS, rekeys) ||
	      nla_put_u32(skb, MYC_A_PEER_KEY_UPDATES, updates))))
		goto cancel;
	if (nla_put_u64_64bit(skb, MYC_A_PEER_ID, peer->id, MYC_A_PEER_PAD) ||
	    nla_put_u8(skb, MYC_A_PEER_TYPE, READ_ONCE(peer->type)) ||
	    nla_put_u8(skb, MYC_A_PEER_STATE, myc_peer_state(peer)) ||
	    nla_put_u8(skb, MYC_A_PEER_STRATEGY, READ_ONCE(peer->strategy)) ||
	    nla_put_u8(skb, MYC_A_PEER_FAILOVER, READ_ONCE(peer->failover)) ||
	    nla_put_u32(skb, MYC_A_PEER_RETRY_TIMEOUT,
			READ_ONCE(peer->retry_ms)) ||
	    nla_put_u32(skb, MYC_A_PEER_PROBE_INTERVAL,
			READ_ONCE(peer->probe_ms)) ||
	    nla_put_u8(skb, MYC_A_PEER_FAIL_AFTER,
		       READ_ONCE(peer->fail_after)) ||
	    nla_put_u8(skb, MYC_A_PEER_RECOVER_AFTER,
		       READ_ONCE(peer->recover_after)) ||
	    (READ_ONCE(peer->active_path) &&
	     nla_put_u32(skb, MYC_A_PEER_ACTIVE_PATH,
			 READ_ONCE(peer->active_path))) ||
	    myc_put_stats(skb, MYC_A_PEER_STATS, &peer->stats))
		goto cancel;
	nest = nla_nest_start(skb, MYC_A_PEER_OPMAP);
	if (!nest)
		goto cancel;
	for (i = 0; i <= MYC_CLASS_MAX; i++)
		if (nla_put_u8(skb, MYC_A_OPMAP_CONSENSUS + i,
			       READ_ONCE(peer->opmap[i])))
			goto cancel;
	nla_nest_end(skb, nest);
	list_for_each_entry_rcu(path, &peer->paths, list) {
		if (myc_path_fill(skb, path))
			goto cancel;
	}
	genlmsg_end(skb, hdr);
	return 0;
cancel:
	genlmsg_cancel(skb, hdr);
	return -EMSGSIZE;
}

static int myc_nl_peer_get(struct sk_buff *skb, struct genl_info *info)
{
	struct myc_net *mn = myc_net(genl_info_net(info));
	struct myc_peer *peer;
	struct sk_buff *msg;
	int err;
	u64 id;

	err = myc_get_peer_id(info, mn, &id);
	if (err)
		return err;
	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	rcu_read_lock();
	peer = myc_peer_lookup_rcu(mn, id);
	err = peer ? myc_peer_fill(msg, peer, info->snd_portid, info->snd_seq,
				   0, MYC_CMD_PEER_GET) : -ENOENT;
	rcu_read_unlock();
	if (err) {
		nlmsg_free(msg);
		if (err == -ENOENT)
			NL_SET_ERR_MSG_ATTR(info->extack,
					    info->attrs[MYC_A_PEER_ID],
					    "no such peer");
		return err;
	}
	return genlmsg_reply(msg, info);
}

/*
 * Dump a hash table of objects (tbl, size buckets) with fill() per entry
 * (an hlist_node in the object): cb->args[0] = bucket, cb->args[1] =
 * index in it, so the next round resumes where a full skb stopped.
 */
static int myc_dump_hash(struct sk_buff *skb, struct netlink_callback *cb,
			 struct hlist_head *tbl, long size,
			 int (*fill)(struct sk_buff *skb, struct hlist_node *n,
				     u32 portid, u32 seq))
{
	long bkt, idx = 0, start = cb->args[1];
	struct hlist_node *n;
	int err = 0;

	rcu_read_lock();
	for (bkt = cb->args[0]; bkt < size; bkt++, start = 0) {
		idx = 0;
		__hlist_for_each_rcu(n, &tbl[bkt]) {
			if (idx++ < start)
				continue;
			err = fill(skb, n, NETLINK_CB(cb->skb).portid,
				   cb->nlh->nlmsg_seq);
			if (err) {
				idx--;
				goto out;
			}
		}
	}
out:
	rcu_read_unlock();
	cb->args[0] = bkt;
	cb->args[1] = idx;
	/* a full skb ends this round; the next call resumes at idx */
	if (err == -EMSGSIZE && skb->len)
		err = 0;
	return err ?: skb->len;
}

static int myc_peer_dump_one(struct sk_buff *skb, struct hlist_node *n,
			     u32 portid, u32 seq)
{
	return myc_peer_fill(skb, hlist_entry(n, struct myc_peer, hnode),
			     portid, seq, NLM_F_MULTI, MYC_CMD_PEER_GET);
}

static int myc_nl_peer_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct myc_net *mn = myc_net(sock_net(skb->sk));

	return myc_dump_hash(skb, cb, mn->peers, HASH_SIZE(mn->peers),
			     myc_peer_dump_one);
}

/* Virtual endpoints. */

static MYC_NL_RANGE myc_health_range = {
	.min = MYC_PROBE_INTERVAL_MIN_MS,
	.max = MYC_PROBE_INTERVAL_MAX_MS,
};

static MYC_NL_RANGE myc_weight_range = {
	.min = 1,
	.max = MYC_MAX_WEIGHT,
};

static const struct nla_policy myc_backend_policy[MYC_A_BACKEND_MAX + 1] = {
	[MYC_A_BACKEND_ID] = MYC_READ_ONLY,
	[MYC_A_BACKEND_NODE] = { .type = NLA_U64 },
	[MYC_A_BACKEND_SERVICE] = { .type = NLA_U32 },
	[MYC_A_BACKEND_PORT] = NLA_POLICY_MIN(NLA_U32, 1),
	[MYC_A_BACKEND_WEIGHT] = NLA_POLICY_FULL_RANGE(NLA_U32,
						       &myc_weight_range),
	[MYC_A_BACKEND_STATE] = MYC_READ_ONLY,
	[MYC_A_BACKEND_SELECTIONS] = MYC_READ_ONLY,
	[MYC_A_BACKEND_FAILURES] = MYC_READ_ONLY,
	[MYC_A_BACKEND_CONNECTIONS] = MYC_READ_ONLY,
};

static const struct nla_policy myc_endpoint_policy[MYC_A_ENDPOINT_MAX + 1] = {
	[MYC_A_ENDPOINT_ID] = NLA_POLICY_MIN(NLA_U32, 1),
	[MYC_A_ENDPOINT_LB] = NLA_POLICY_MAX(NLA_U8, MYC_LB_MAX),
	[MYC_A_ENDPOINT_HEALTH_INTERVAL] =
		NLA_POLICY_FULL_RANGE(NLA_U32, &myc_health_range),
	[MYC_A_ENDPOINT_FAILOVER] = NLA_POLICY_RANGE(NLA_U8,
						     MYC_FAILOVER_IMMEDIATE,
						     MYC_FAILOVER_MAX),
	[MYC_A_ENDPOINT_RETRY_TIMEOUT] =
		NLA_POLICY_FULL_RANGE(NLA_U32, &myc_retry_range),
	[MYC_A_ENDPOINT_BACKEND] = NLA_POLICY_NESTED(myc_backend_policy),
};

/* GET and DEL name an endpoint and nothing else. */
static const struct nla_policy myc_endpoint_id_policy[MYC_A_ENDPOINT_MAX + 1] = {
	[MYC_A_ENDPOINT_ID] = NLA_POLICY_MIN(NLA_U32, 1),
	[MYC_A_ENDPOINT_LB] = MYC_NO_ATTR,
	[MYC_A_ENDPOINT_HEALTH_INTERVAL] = MYC_NO_ATTR,
	[MYC_A_ENDPOINT_FAILOVER] = MYC_NO_ATTR,
	[MYC_A_ENDPOINT_RETRY_TIMEOUT] = MYC_NO_ATTR,
	[MYC_A_ENDPOINT_BACKEND] = MYC_NO_ATTR,
};

static int myc_parse_backend(struct nlattr *nest, struct myc_backend_cfg *b,
			     struct netlink_ext_ack *extack)
{
	struct nlattr *tb[MYC_A_BACKEND_MAX + 1];
	int err;

	err = nla_parse_nested(tb, MYC_A_BACKEND_MAX, nest,
			       myc_backend_policy, extack);
	if (err)
		return err;
	if (!tb[MYC_A_BACKEND_NODE] || !nla_get_u64(tb[MYC_A_BACKEND_NODE]) ||
	    (!tb[MYC_A_BACKEND_SERVICE] && !tb[MYC_A_BACKEND_PORT])) {
		NL_SET_ERR_MSG_ATTR(extack, nest,
				    "a backend needs a node and a service or a port");
		return -EINVAL;
	}
	if (tb[MYC_A_BACKEND_SERVICE] && tb[MYC_A_BACKEND_PORT]) {
		NL_SET_ERR_MSG_ATTR(extack, nest,
				    "give a service or a port, not both");
		return -EINVAL;
	}
	b->node = nla_get_u64(tb[MYC_A_BACKEND_NODE]);
	b->service = tb[MYC_A_BACKEND_SERVICE];
	b->sid = nla_get_u32(b->service ? tb[MYC_A_BACKEND_SERVICE] :
					  tb[MYC_A_BACKEND_PORT]);
	b->weight = tb[MYC_A_BACKEND_WEIGHT] ?
		    nla_get_u32(tb[MYC_A_BACKEND_WEIGHT]) : 1;
	return 0;
}

static struct myc_ve_cfg *myc_parse_ve_req(struct genl_info *info)
{
	struct nlattr **attrs = info->attrs;
	struct myc_ve_cfg *cfg;
	struct nlattr *a;
	int rem, err = 0, i;

	if (GENL_REQ_ATTR_CHECK(info, MYC_A_ENDPOINT_ID))
		return ERR_PTR(-EINVAL);
	cfg = kzalloc(sizeof(*cfg), GFP_KERNEL);
	if (!cfg)
		return ERR_PTR(-ENOMEM);
	cfg->id = nla_get_u32(attrs[MYC_A_ENDPOINT_ID]);
	if (attrs[MYC_A_ENDPOINT_LB]) {
		cfg->has_lb = true;
		cfg->lb = nla_get_u8(attrs[MYC_A_ENDPOINT_LB]);
	}
	if (attrs[MYC_A_ENDPOINT_HEALTH_INTERVAL])
		cfg->health_ms = nla_get_u32(attrs[MYC_A_ENDPOINT_HEALTH_INTERVAL]);
	if (attrs[MYC_A_ENDPOINT_FAILOVER])
		cfg->failover = nla_get_u8(attrs[MYC_A_ENDPOINT_FAILOVER]);
	if (attrs[MYC_A_ENDPOINT_RETRY_TIMEOUT])
		cfg->retry_ms = nla_get_u32(attrs[MYC_A_ENDPOINT_RETRY_TIMEOUT]);
	nlmsg_for_each_attr(a, info->nlhdr, GENL_HDRLEN, rem) {
		if (nla_type(a) != MYC_A_ENDPOINT_BACKEND)
			continue;
		cfg->has_backends = true;
		if (cfg->nr >= MYC_MAX_BACKENDS) {
			NL_SET_ERR_MSG_ATTR(info->extack, a,
					    "too many backends");
			err = -E2BIG;
			break;
		}
		err = myc_parse_backend(a, &cfg->be[cfg->nr], info->extack);
		if (err)
			break;
		for (i = 0; i < cfg->nr; i++) {
			if (cfg->be[i].node == cfg->be[cfg->nr].node &&
			    cfg->be[i].service == cfg->be[cfg->nr].service &&
			    cfg->be[i].sid == cfg->be[cfg->nr].sid) {
				NL_SET_ERR_MSG_ATTR(info->extack, a,
						    "the same backend twice");
				err = -EINVAL;
				break;
			}
		}
		if (err)
			break;
		cfg->nr++;
	}
	if (err) {
		kfree(cfg);
		return ERR_PTR(err);
	}
	return cfg;
}

static int myc_nl_endpoint_add(struct sk_buff *skb, struct genl_info *info)
{
	struct myc_net *mn = myc_net(genl_info_net(info));
	struct myc_ve_cfg *cfg = myc_parse_ve_req(info);
	int err;

	if (IS_ERR(cfg))
		return PTR_ERR(cfg);
	mutex_lock(&mn->lock);
	err = myc_ve_create(mn, cfg, info->extack);
	mutex_unlock(&mn->lock);
	kfree(cfg);
	return err;
}

static int myc_nl_endpoint_set(struct sk_buff *skb, struct genl_info *info)
{
	struct myc_net *mn = myc_net(genl_info_net(info));
	struct myc_ve_cfg *cfg = myc_parse_ve_req(info);
	struct myc_ve *ve;
	int err = 0;

	if (IS_ERR(cfg))
		return PTR_ERR(cfg);
	if (!cfg->has_lb && !cfg->health_ms && !cfg->failover &&
	    !cfg->retry_ms && !cfg->has_backends) {
		NL_SET_ERR_MSG(info->extack,
			       "nothing to set: give a setting or backends");
		kfree(cfg);
		return -EINVAL;
	}
	mutex_lock(&mn->lock);
	ve = myc_ve_lookup(mn, cfg->id);
	if (ve)
		err = myc_ve_apply(ve, cfg);
	mutex_unlock(&mn->lock);
	if (!ve) {
		NL_SET_ERR_MSG_ATTR(info->extack,
				    info->attrs[MYC_A_ENDPOINT_ID],
				    "no such endpoint");
		err = -ENOENT;
	}
	kfree(cfg);
	return err;
}

static int myc_nl_endpoint_del(struct sk_buff *skb, struct genl_info *info)
{
	struct myc_net *mn = myc_net(genl_info_net(info));
	struct myc_ve *ve;

	if (GENL_REQ_ATTR_CHECK(info, MYC_A_ENDPOINT_ID))
		return -EINVAL;
	mutex_lock(&mn->lock);
	ve = myc_ve_lookup(mn, nla_get_u32(info->attrs[MYC_A_ENDPOINT_ID]));
	if (ve)
		myc_ve_remove(ve);
	mutex_unlock(&mn->lock);
	if (!ve) {
		NL_SET_ERR_MSG_ATTR(info->extack,
				    info->attrs[MYC_A_ENDPOINT_ID],
				    "no such endpoint");
		return -ENOENT;
	}
	return 0;
}

static int myc_endpoint_msg(struct sk_buff *skb, struct myc_ve *ve,
			    u32 portid, u32 seq, int flags)
{
	void *hdr = genlmsg_put(skb, portid, seq, &myc_genl_family, flags,
				MYC_CMD_ENDPOINT_GET);

	if (!hdr)
		return -EMSGSIZE;
	if (myc_ve_fill(skb, ve)) {
		genlmsg_cancel(skb, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(skb, hdr);
	return 0;
}

static int myc_nl_endpoint_get(struct sk_buff *skb, struct genl_info *info)
{
	struct myc_net *mn = myc_net(genl_info_net(info));
	struct sk_buff *msg;
	struct myc_ve *ve;
	int err;

	if (GENL_REQ_ATTR_CHECK(info, MYC_A_ENDPOINT_ID))
		return -EINVAL;
	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	rcu_read_lock();
	ve = myc_ve_lookup(mn, nla_get_u32(info->attrs[MYC_A_ENDPOINT_ID]));
	err = ve ? myc_endpoint_msg(msg, ve, info->snd_portid, info->snd_seq,
				    0) : -ENOENT;
	rcu_read_unlock();
	if (err) {
		nlmsg_free(msg);
		if (err == -ENOENT)
			NL_SET_ERR_MSG_ATTR(info->extack,
					    info->attrs[MYC_A_ENDPOINT_ID],
					    "no such endpoint");
		return err;
	}
	return genlmsg_reply(msg, info);
}

static int myc_endpoint_dump_one(struct sk_buff *skb, struct hlist_node *n,
				 u32 portid, u32 seq)
{
	return myc_endpoint_msg(skb, hlist_entry(n, struct myc_ve, hnode),
				portid, seq, NLM_F_MULTI);
}

static int myc_nl_endpoint_dump(struct sk_buff *skb,
				struct netlink_callback *cb)
{
	struct myc_net *mn = myc_net(sock_net(skb->sk));

	return myc_dump_hash(skb, cb, mn->ves, HASH_SIZE(mn->ves),
			     myc_endpoint_dump_one);
}

/* PATH_*: the peer named by MYC_A_PATH_PEER (under mn->lock). */
static struct myc_peer *myc_path_cmd_peer(struct genl_info *info,
					  struct myc_net *mn)
{
	struct myc_peer *peer;

	if (GENL_REQ_ATTR_CHECK(info, MYC_A_PATH_PEER))
		return ERR_PTR(-EINVAL);
	peer = myc_peer_lookup_rcu(mn, nla_get_u64(info->attrs[MYC_A_PATH_PEER]));
	if (!peer) {
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[MYC_A_PATH_PEER],
				    "no such peer");
		return ERR_PTR(-ENOENT);
	}
	return peer;
}

/* PATH_DEL, PATH_SET: the path named by MYC_A_PATH_ID (under mn->lock). */
static struct myc_path *myc_path_cmd_path(struct genl_info *info,
					  struct myc_net *mn)
{
	struct myc_peer *peer = myc_path_cmd_peer(info, mn);
	struct myc_path *path;

	if (IS_ERR(peer))
		return ERR_CAST(peer);
	if (GENL_REQ_ATTR_CHECK(info, MYC_A_PATH_ID))
		return ERR_PTR(-EINVAL);
	path = myc_path_by_id(peer, nla_get_u32(info->attrs[MYC_A_PATH_ID]));
	if (!path) {
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[MYC_A_PATH_ID],
				    "no such path");
		return ERR_PTR(-ENOENT);
	}
	return path;
}

static int myc_nl_path_add(struct sk_buff *skb, struct genl_info *info)
{
	struct myc_net *mn = myc_net(genl_info_net(info));
	struct myc_path_cfg cfg;
	struct myc_peer *peer;
	int err;

	if (info->attrs[MYC_A_PATH_ID]) {
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[MYC_A_PATH_ID],
				    "path ids are given by the kernel");
		return -EINVAL;
	}
	err = myc_parse_path_tb(info->attrs, NULL, &cfg, info->extack);
	if (err)
		return err;
	mutex_lock(&mn->lock);
	peer = myc_path_cmd_peer(info, mn);
	err = IS_ERR(peer) ? PTR_ERR(peer) :
			     myc_add_paths(peer, &cfg, 1, info->extack);
	mutex_unlock(&mn->lock);
	return err;
}

static int myc_nl_path_del(struct sk_buff *skb, struct genl_info *info)
{
	struct myc_net *mn = myc_net(genl_info_net(info));
	struct myc_path *path;

	mutex_lock(&mn->lock);
	path = myc_path_cmd_path(info, mn);
	if (!IS_ERR(path))
		myc_path_del(path);
	mutex_unlock(&mn->lock);
	return PTR_ERR_OR_ZERO(path);
}

static int myc_nl_path_set(struct sk_buff *skb, struct genl_info *info)
{
	struct myc_net *mn = myc_net(genl_info_net(info));
	struct myc_path *path;

	if (!info->attrs[MYC_A_PATH_ENABLED]) {
		NL_SET_ERR_MSG(info->extack, "nothing to set: give enabled");
		return -EINVAL;
	}
	mutex_lock(&mn->lock);
	path = myc_path_cmd_path(info, mn);
	if (!IS_ERR(path))
		myc_path_enable(path,
				nla_get_u8(info->attrs[MYC_A_PATH_ENABLED]));
	mutex_unlock(&mn->lock);
	return PTR_ERR_OR_ZERO(path);
}

static const struct genl_ops myc_genl_ops[] = {
	{
		.cmd = MYC_CMD_NODE_GET,
		.doit = myc_nl_node_get,
		.policy = myc_node_get_policy,
		.maxattr = MYC_A_NODE_MAX,
	},
	{
		.cmd = MYC_CMD_NODE_SET,
		.doit = myc_nl_node_set,
		.policy = myc_node_set_policy,
		.maxattr = MYC_A_NODE_MAX,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = MYC_CMD_PEER_GET,
		.doit = myc_nl_peer_get,
		.dumpit = myc_nl_peer_dump,
		.policy = myc_peer_id_policy,
		.maxattr = MYC_A_PEER_MAX,
	},
	{
		.cmd = MYC_CMD_PEER_ADD,
		.doit = myc_nl_peer_add,
		.policy = myc_peer_policy,
		.maxattr = MYC_A_PEER_MAX,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = MYC_CMD_PEER_DEL,
		.doit = myc_nl_peer_del,
		.policy = myc_peer_id_policy,
		.maxattr = MYC_A_PEER_MAX,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = MYC_CMD_PEER_SET,
		.doit = myc_nl_peer_set,
		.policy = myc_peer_policy,
		.maxattr = MYC_A_PEER_MAX,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = MYC_CMD_PATH_ADD,
		.doit = myc_nl_path_add,
		.policy = myc_path_cmd_policy,
		.maxattr = MYC_A_PATH_MAX,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = MYC_CMD_PATH_DEL,
		.doit = myc_nl_path_del,
		.policy = myc_path_cmd_policy,
		.maxattr = MYC_A_PATH_MAX,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = MYC_CMD_PATH_SET,
		.doit = myc_nl_path_set,
		.policy = myc_path_cmd_policy,
		.maxattr = MYC_A_PATH_MAX,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = MYC_CMD_ENDPOINT_GET,
		.doit = myc_nl_endpoint_get,
		.dumpit = myc_nl_endpoint_dump,
		.policy = myc_endpoint_id_policy,
		.maxattr = MYC_A_ENDPOINT_MAX,
	},
	{
		.cmd = MYC_CMD_ENDPOINT_ADD,
		.doit = myc_nl_endpoint_add,
		.policy = myc_endpoint_policy,
		.maxattr = MYC_A_ENDPOINT_MAX,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = MYC_CMD_ENDPOINT_DEL,
		.doit = myc_nl_endpoint_del,
		.policy = myc_endpoint_id_policy,
		.maxattr = MYC_A_ENDPOINT_MAX,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = MYC_CMD_ENDPOINT_SET,
		.doit = myc_nl_endpoint_set,
		.policy = myc_endpoint_policy,
		.maxattr = MYC_A_ENDPOINT_MAX,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = MYC_CMD_POLICY_GET,
		.doit = myc_nl_policy_get,
		.dumpit = myc_nl_policy_dump,
		.policy = myc_policy_policy,
		.maxattr = MYC_A_POLICY_MAX,
	},
	{
		.cmd = MYC_CMD_POLICY_SET,
		.doit = myc_nl_policy_set,
		.policy = myc_policy_policy,
		.maxattr = MYC_A_POLICY_MAX,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = MYC_CMD_DAEMON_REGISTER,
		.doit = myc_nl_daemon_register,
		.policy = myc_register_policy,
		.maxattr = MYC_A_AUTH_MAX,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = MYC_CMD_HANDSHAKE_SEND,
		.doit = myc_nl_handshake_send,
		.policy = myc_auth_policy,
		.maxattr = MYC_A_AUTH_MAX,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = MYC_CMD_AUTH_SET,
		.doit = myc_nl_auth_set,
		.policy = myc_auth_policy,
		.maxattr = MYC_A_AUTH_MAX,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = MYC_CMD_SPORE_GET,
		.doit = myc_nl_spore_get,
		.dumpit = myc_nl_spore_dump,
		.policy = myc_spore_policy,
		.maxattr = MYC_A_SPORE_MAX,
	},
	{
		.cmd = MYC_CMD_SPORE_DEL,
		.doit = myc_nl_spore_del,
		.policy = myc_spore_policy,
		.maxattr = MYC_A_SPORE_MAX,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = MYC_CMD_SPORE_PUBLISH,
		.doit = myc_nl_spore_publish,
		.policy = myc_spore_policy,
		.maxattr = MYC_A_SPORE_MAX,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = MYC_CMD_SPORE_VERDICT,
		.doit = myc_nl_spore_verdict,
		.policy = myc_spore_verdict_policy,
		.maxattr = MYC_A_SPORE_MAX,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = MYC_CMD_SPORE_ADD,
		.doit = myc_nl_spore_add,
		.policy = myc_spore_verdict_policy,
		.maxattr = MYC_A_SPORE_MAX,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = MYC_CMD_CONTACT,
		.doit = myc_nl_contact,
		.policy = myc_contact_policy,
		.maxattr = MYC_A_CONTACT_MAX,
		.flags = GENL_UNS_ADMIN_PERM,
	},
};

struct genl_family myc_genl_family __ro_after_init = {
	.name = MYC_GENL_NAME,
	.version = MYC_GENL_VERSION,
	.netnsok = true,
	.module = THIS_MODULE,
	.ops = myc_genl_ops,
	.n_ops = ARRAY_SIZE(myc_genl_ops),
	.mcgrps = myc_mcgrps,
	.n_mcgrps = ARRAY_SIZE(myc_mcgrps),
};

int myc_genl_init(void)
{
	return genl_register_family(&myc_genl_family);
}

bool myc_genl_gone;

void myc_genl_exit(void)
{
	WRITE_ONCE(myc_genl_gone, true);
	genl_unregister_family(&myc_genl_family);
}
