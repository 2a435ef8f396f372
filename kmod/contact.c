// SPDX-License-Identifier: GPL-2.0
/*
 * Bootstrap (Documentation/spores.rst, "Discovery"): a node that knows
 * only an address says hello to it with a CONTACT frame (CONTACT, from
 * myceliumd); a node that gets a CONTACT, or a HELLO, from a node that is
 * not its peer tells its myceliumd (CONTACT_NTF, unicast), which may add
 * the sender as a peer.  The kernel never creates a peer: who joins is the
 * daemon's decision, and authentication follows as for any peer.  It
 * answers only a CONTACT from a node that is already its peer (rx.c): that
 * node lost its state, and one HELLO makes it learn of us anew.
 *
 * CONTACT_NTFs are rate-limited per node (mn->contact_rs, 10 a second),
 * so that a flood of forged contacts costs the daemon little.  The frame
 * carries no secret; it is not sealed.
 */
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <net/genetlink.h>
#include <net/ipv6.h>

#include "myc.h"

const struct nla_policy myc_contact_policy[MYC_A_CONTACT_MAX + 1] = {
	[MYC_A_CONTACT_NODE] = { .type = NLA_REJECT,
				 .reject_message = "attribute is read-only" },
	[MYC_A_CONTACT_TYPE] = { .type = NLA_REJECT,
				 .reject_message = "attribute is read-only" },
	[MYC_A_CONTACT_LOCAL] = NLA_POLICY_RANGE(NLA_BINARY, 4, 16),
	[MYC_A_CONTACT_REMOTE] = NLA_POLICY_RANGE(NLA_BINARY, 4, 16),
	[MYC_A_CONTACT_PORT] = NLA_POLICY_MIN(NLA_U16, 1),
	[MYC_A_CONTACT_IFINDEX] = { .type = NLA_U32 },
};

void myc_contact_init_net(struct myc_net *mn)
{
	ratelimit_state_init(&mn->contact_rs, HZ, 10);
	/* no "callbacks suppressed" line in the log */
	ratelimit_set_flags(&mn->contact_rs, RATELIMIT_MSG_ON_RELEASE);
}

static int myc_contact_put_addr(struct sk_buff *msg, int type,
				sa_family_t family, const void *addr)
{
	return nla_put(msg, type, family == AF_INET ? 4 : 16, addr);
}

void myc_contact_rx(struct myc_net *mn, struct sk_buff *skb,
		    const struct myc_hdr *h)
{
	u32 portid = READ_ONCE(mn->daemon_portid);
	const u8 *payload = skb->data + MYC_HDR_LEN;
	size_t plen = skb->len - MYC_HDR_LEN;
	struct myc_contact ct;
	struct myc_hello hello;
	struct sk_buff *msg;
	int ifindex = 0;
	void *hdr;
	int err;

	if (h->type == MYC_FT_CONTACT) {
		if (myc_contact_decode(payload, plen, &ct))
			return;
	} else {
		if (myc_hello_decode(payload, plen, &hello))
			return;
		ct.type = hello.type;
	}
	if (!portid || READ_ONCE(myc_genl_gone) || h->src_node == READ_ONCE(mn->node_id) ||
	    !__ratelimit(&mn->contact_rs)) {
		myc_stat_inc(&mn->stats, MYC_STAT_RX_DROP);
		return;
	}
	msg = genlmsg_new(NLMSG_DEFAULT_SIZE, GFP_ATOMIC);
	if (!msg)
		return;
	hdr = genlmsg_put(msg, 0, 0, &myc_genl_family, 0, MYC_CMD_CONTACT_NTF);
	if (!hdr)
		goto free;
	if (skb->protocol == htons(ETH_P_IP)) {
		err = myc_contact_put_addr(msg, MYC_A_CONTACT_LOCAL, AF_INET,
					   &ip_hdr(skb)->daddr) ||
		      myc_contact_put_addr(msg, MYC_A_CONTACT_REMOTE, AF_INET,
					   &ip_hdr(skb)->saddr);
	} else {
		if (ipv6_addr_type(&ipv6_hdr(skb)->saddr) &
		    IPV6_ADDR_LINKLOCAL)
			ifindex = inet6_iif(skb);
		err = myc_contact_put_addr(msg, MYC_A_CONTACT_LOCAL, AF_INET6,
					   &ipv6_hdr(skb)->daddr) ||
		      myc_contact_put_addr(msg, MYC_A_CONTACT_REMOTE, AF_INET6,
					   &ipv6_hdr(skb)->saddr);
	}
	if (err ||
	    nla_put_u64_64bit(msg, MYC_A_CONTACT_NODE, h->src_node,
			      MYC_A_CONTACT_PAD) ||
	    nla_put_u8(msg, MYC_A_CONTACT_TYPE, ct.type) ||
	    nla_put_u16(msg, MYC_A_CONTACT_PORT, ntohs(udp_hdr(skb)->source)) ||
	    (ifindex && nla_put_u32(msg, MYC_A_CONTACT_IFINDEX, ifindex)))
		goto free;
	genlmsg_end(msg, hdr);
	genlmsg_unicast(mn->net, msg, portid);
	return;
free:
	nlmsg_free(msg);
}

static int myc_contact_addr(struct genl_info *info, int type,
			    sa_family_t *family, union myc_ipaddr *a)
{
	const struct nlattr *nla = info->attrs[type];

	memset(a, 0, sizeof(*a));
	if (!nla)
		return 0;
	if (nla_len(nla) != 4 && nla_len(nla) != 16) {
		NL_SET_ERR_MSG_ATTR(info->extack, nla,
				    "an address is 4 (IPv4) or 16 (IPv6) bytes");
		return -EINVAL;
	}
	*family = nla_len(nla) == 4 ? AF_INET : AF_INET6;
	nla_memcpy(a, nla, nla_len(nla));
	return 0;
}

int myc_nl_contact(struct sk_buff *skb, struct genl_info *info)
{
	struct myc_net *mn = myc_net(genl_info_net(info));
	sa_family_t family = 0, lfamily = 0;
	union myc_ipaddr local, remote;
	struct myc_contact ct;
	struct sk_buff *frame;
	struct myc_hdr h = {
		.version = MYC_WIRE_VERSION,
		.type = MYC_FT_CONTACT,
		.pn = 1,
	};
	__be16 port;
	int err;

	if (!myc_is_daemon(mn, info))
		return -EPERM;
	if (!info->attrs[MYC_A_CONTACT_REMOTE]) {
		NL_SET_ERR_MSG(info->extack, "remote address missing");
		return -EINVAL;
	}
	err = myc_contact_addr(info, MYC_A_CONTACT_REMOTE, &family, &remote);
	if (!err)
		err = myc_contact_addr(info, MYC_A_CONTACT_LOCAL, &lfamily,
				       &local);
	if (err)
		return err;
	if (lfamily && lfamily != family) {
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[MYC_A_CONTACT_LOCAL],
				    "local and remote addresses of two families");
		return -EINVAL;
	}
	port = htons(info->attrs[MYC_A_CONTACT_PORT] ?
		     nla_get_u16(info->attrs[MYC_A_CONTACT_PORT]) :
		     MYC_DEFAULT_UDP_PORT);
	h.src_node = READ_ONCE(mn->node_id);
	ct.type = READ_ONCE(mn->node_type);
	frame = alloc_skb(MYC_XMIT_HEADROOM + MYC_HDR_LEN + MYC_CONTACT_LEN,
			  GFP_KERNEL);
	if (!frame)
		return -ENOMEM;
	skb_reserve(frame, MYC_XMIT_HEADROOM);
	if (!myc_hdr_encode(skb_put(frame, MYC_HDR_LEN), MYC_HDR_LEN, &h) ||
	    !myc_contact_encode(skb_put(frame, MYC_CONTACT_LEN),
				MYC_CONTACT_LEN, &ct)) {
		kfree_skb(frame);
		return -EINVAL;
	}
	mutex_lock(&mn->lock);
	err = myc_bearer_is_open(mn) ? 0 : myc_bearer_open(mn, mn->udp_port);
	mutex_unlock(&mn->lock);
	if (err) {
		kfree_skb(frame);
		NL_SET_ERR_MSG(info->extack, "cannot open the node's UDP port");
		return err;
	}
	err = myc_bearer_xmit_to(mn, family, &local, &remote, port,
				 info->attrs[MYC_A_CONTACT_IFINDEX] ?
				 nla_get_u32(info->attrs[MYC_A_CONTACT_IFINDEX]) : 0,
				 frame);
	if (err)
		NL_SET_ERR_MSG(info->extack, "no route to the address");
	return err;
}
