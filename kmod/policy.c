// SPDX-License-Identifier: GPL-2.0
/*
 * The profile table over netlink (POLICY_GET, POLICY_SET) and the
 * "policy" attribute set, which also carries a peer's effective profile.
 *
 * The table is mn->policy[local type][remote type] (hello.c owns it and
 * the negotiation): written here under mn->lock, each field with
 * WRITE_ONCE; every change says hello again to every peer, so that pairs
 * renegotiate at once (and, where keys are in, run a new handshake).
 */
#include <net/genetlink.h>
#include <net/netlink.h>

#include "myc.h"

const struct nla_policy myc_policy_policy[MYC_A_POLICY_MAX + 1] = {
	[MYC_A_POLICY_LOCAL] = NLA_POLICY_MAX(NLA_U8, MYC_NODE_TYPE_MAX),
	[MYC_A_POLICY_REMOTE] = NLA_POLICY_MAX(NLA_U8, MYC_NODE_TYPE_MAX),
	[MYC_A_POLICY_PROFILE] = NLA_POLICY_MAX(NLA_U8, MYC_PROFILE_MAX),
	[MYC_A_POLICY_ENCRYPTION] = NLA_POLICY_MAX(NLA_U8, MYC_ENC_MAX),
	[MYC_A_POLICY_COMPRESSION] = NLA_POLICY_MAX(NLA_U8, MYC_COMP_MAX),
	[MYC_A_POLICY_RELIABILITY] = NLA_POLICY_MAX(NLA_U8, MYC_REL_MAX),
	[MYC_A_POLICY_MTU] = { .type = NLA_REJECT,
			       .reject_message = "attribute is read-only" },
	[MYC_A_POLICY_MAX_MSG] = { .type = NLA_REJECT,
				   .reject_message = "attribute is read-only" },
	[MYC_A_POLICY_FALLBACK] = { .type = NLA_REJECT,
				    .reject_message = "attribute is read-only" },
};

int myc_put_profile(struct sk_buff *skb, int type,
		    const struct myc_prof_eff *e)
{
	struct nlattr *nest = nla_nest_start(skb, type);

	if (!nest ||
	    nla_put_u8(skb, MYC_A_POLICY_PROFILE, e->profile) ||
	    nla_put_u8(skb, MYC_A_POLICY_ENCRYPTION, e->enc) ||
	    nla_put_u8(skb, MYC_A_POLICY_COMPRESSION, e->comp) ||
	    nla_put_u8(skb, MYC_A_POLICY_RELIABILITY, e->rel) ||
	    nla_put_u16(skb, MYC_A_POLICY_MTU, e->mtu) ||
	    nla_put_u32(skb, MYC_A_POLICY_MAX_MSG, e->max_msg) ||
	    nla_put_u8(skb, MYC_A_POLICY_FALLBACK, e->fallback)) {
		if (nest)
			nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

static int myc_policy_fill(struct sk_buff *skb, struct myc_net *mn, u8 l,
			   u8 r, u32 portid, u32 seq, int flags)
{
	const struct myc_prof_entry *e = &mn->policy[l][r];
	void *hdr;

	hdr = genlmsg_put(skb, portid, seq, &myc_genl_family, flags,
			  MYC_CMD_POLICY_GET);
	if (!hdr)
		return -EMSGSIZE;
	if (nla_put_u8(skb, MYC_A_POLICY_LOCAL, l) ||
	    nla_put_u8(skb, MYC_A_POLICY_REMOTE, r) ||
	    nla_put_u8(skb, MYC_A_POLICY_PROFILE, READ_ONCE(e->profile)) ||
	    nla_put_u8(skb, MYC_A_POLICY_ENCRYPTION, READ_ONCE(e->enc)) ||
	    nla_put_u8(skb, MYC_A_POLICY_COMPRESSION, READ_ONCE(e->comp)) ||
	    nla_put_u8(skb, MYC_A_POLICY_RELIABILITY, READ_ONCE(e->rel))) {
		genlmsg_cancel(skb, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(skb, hdr);
	return 0;
}

/* LOCAL and REMOTE of a request, both required. */
static int myc_policy_key(struct genl_info *info, u8 *l, u8 *r)
{
	if (!info->attrs[MYC_A_POLICY_LOCAL] ||
	    !info->attrs[MYC_A_POLICY_REMOTE]) {
		NL_SET_ERR_MSG(info->extack,
			       "give the local and the remote node type");
		return -EINVAL;
	}
	*l = nla_get_u8(info->attrs[MYC_A_POLICY_LOCAL]);
	*r = nla_get_u8(info->attrs[MYC_A_POLICY_REMOTE]);
	return 0;
}

int myc_nl_policy_get(struct sk_buff *skb, struct genl_info *info)
{
	struct myc_net *mn = myc_net(genl_info_net(info));
	struct sk_buff *msg;
	int err;
	u8 l, r;

	err = myc_policy_key(info, &l, &r);
	if (err)
		return err;
	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	err = myc_policy_fill(msg, mn, l, r, info->snd_portid, info->snd_seq,
			      0);
	if (err) {
		nlmsg_free(msg);
		return err;
	}
	return genlmsg_reply(msg, info);
}

int myc_nl_policy_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct myc_net *mn = myc_net(sock_net(skb->sk));
	long i;

	for (i = cb->args[0]; i < MYC_NODE_TYPES * MYC_NODE_TYPES; i++) {
		if (myc_policy_fill(skb, mn, i / MYC_NODE_TYPES,
				    i % MYC_NODE_TYPES,
				    NETLINK_CB(cb->skb).portid,
				    cb->nlh->nlmsg_seq, NLM_F_MULTI))
			break;
	}
	cb->args[0] = i;
	return skb->len;
}

int myc_nl_policy_set(struct sk_buff *skb, struct genl_info *info)
{
	struct myc_net *mn = myc_net(genl_info_net(info));
	struct nlattr **attrs = info->attrs;
	struct myc_prof_entry *e;
	int err;
	u8 l, r;

	err = myc_policy_key(info, &l, &r);
	if (err)
		return err;
	if (!attrs[MYC_A_POLICY_PROFILE] && !attrs[MYC_A_POLICY_ENCRYPTION] &&
	    !attrs[MYC_A_POLICY_COMPRESSION] &&
	    !attrs[MYC_A_POLICY_RELIABILITY]) {
		NL_SET_ERR_MSG(info->extack,
			       "nothing to set: give profile, encryption, compression or reliability");
		return -EINVAL;
	}
	mutex_lock(&mn->lock);
	if (attrs[MYC_A_POLICY_ENCRYPTION] &&
	    nla_get_u8(attrs[MYC_A_POLICY_ENCRYPTION]) == MYC_ENC_NONE &&
	    !mn->insecure) {
		mutex_unlock(&mn->lock);
		NL_SET_ERR_MSG_ATTR(info->extack, attrs[MYC_A_POLICY_ENCRYPTION],
				    "encryption none needs an insecure node (node set insecure on)");
		return -EPERM;
	}
	e = &mn->policy[l][r];
	if (attrs[MYC_A_POLICY_PROFILE])
		WRITE_ONCE(e->profile, nla_get_u8(attrs[MYC_A_POLICY_PROFILE]));
	if (attrs[MYC_A_POLICY_ENCRYPTION])
		WRITE_ONCE(e->enc, nla_get_u8(attrs[MYC_A_POLICY_ENCRYPTION]));
	if (attrs[MYC_A_POLICY_COMPRESSION])
		WRITE_ONCE(e->comp,
			   nla_get_u8(attrs[MYC_A_POLICY_COMPRESSION]));
	if (attrs[MYC_A_POLICY_RELIABILITY])
		WRITE_ONCE(e->rel, nla_get_u8(attrs[MYC_A_POLICY_RELIABILITY]));
	myc_hello_all(mn);
	mutex_unlock(&mn->lock);
	return 0;
}
