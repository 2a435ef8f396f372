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

#include "myc.h"
#include "compat.h"

enum myc_mcgrp {
	MYC_MCGRP_EVENTS_ID,
	MYC_MCGRP_AUTH_ID,
};

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
};

static struct genl_family myc_genl_family;

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
			atomic_read(&mn->nr_sockets))) {
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

static int myc_nl_node_set(struct sk_buff *skb, struct genl_info *info)
{
	struct myc_net *mn = myc_net(genl_info_net(info));
	struct nlattr **attrs = info->attrs;
	bool changed = false;

	if (!attrs[MYC_A_NODE_ID] && !attrs[MYC_A_NODE_TYPE] &&
	    !attrs[MYC_A_NODE_PORT]) {
		NL_SET_ERR_MSG(info->extack, "nothing to set: give id, type or port");
		return -EINVAL;
	}

	if (attrs[MYC_A_NODE_ID] && !nla_get_u64(attrs[MYC_A_NODE_ID])) {
		NL_SET_ERR_MSG_ATTR(info->extack, attrs[MYC_A_NODE_ID],
				    "node id 0 is reserved for \"this node\"");
		return -EINVAL;
	}

	mutex_lock(&mn->lock);
	if (attrs[MYC_A_NODE_ID]) {
		u64 id = nla_get_u64(attrs[MYC_A_NODE_ID]);

		changed |= id != mn->node_id;
		WRITE_ONCE(mn->node_id, id);
	}
	if (attrs[MYC_A_NODE_TYPE]) {
		u8 type = nla_get_u8(attrs[MYC_A_NODE_TYPE]);

		changed |= type != mn->node_type;
		WRITE_ONCE(mn->node_type, type);
	}
	if (attrs[MYC_A_NODE_PORT]) {
		u16 port = nla_get_u16(attrs[MYC_A_NODE_PORT]);

		changed |= port != mn->udp_port;
		WRITE_ONCE(mn->udp_port, port);
	}
	mutex_unlock(&mn->lock);

	if (changed)
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
};

static struct genl_family myc_genl_family __ro_after_init = {
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

void myc_genl_exit(void)
{
	genl_unregister_family(&myc_genl_family);
}
