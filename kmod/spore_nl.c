// SPDX-License-Identifier: GPL-2.0
/*
 * Spores over generic netlink: spore-get (anyone), spore-del and
 * spore-publish (CAP_NET_ADMIN), spore-verdict and spore-add (the
 * registered myceliumd only).  The table's rules and locking are stated
 * in spore.c.
 */
#include <net/genetlink.h>

#include "compat.h"
#include "spore.h"

#define MYC_RO { .type = NLA_REJECT, .reject_message = "attribute is read-only" }
#define MYC_DAEMONS { .type = NLA_REJECT, \
	.reject_message = "only myceliumd's verdicts carry this" }

static MYC_NL_RANGE myc_spore_ttl_range = {
	.min = 1,
	.max = MYC_SPORE_TTL_MAX,
};

/* spore-get, spore-del, spore-publish */
const struct nla_policy myc_spore_policy[MYC_A_SPORE_MAX + 1] = {
	[MYC_A_SPORE_ID] = { .type = NLA_NUL_STRING, .len = MYC_SPORE_ID_MAX },
	[MYC_A_SPORE_TYPE] = NLA_POLICY_RANGE(NLA_U8, MYC_SPORE_PRIMARY,
					      MYC_SPORE_TYPE_MAX),
	[MYC_A_SPORE_KIND] = {
		.type = NLA_REJECT,
		.reject_message = "a published spore carries data (membership is myceliumd's)",
	},
	[MYC_A_SPORE_ORIGIN] = MYC_RO,
	[MYC_A_SPORE_VERSION] = MYC_RO,
	[MYC_A_SPORE_TIMESTAMP] = MYC_RO,
	[MYC_A_SPORE_TTL] = NLA_POLICY_FULL_RANGE(NLA_U32, &myc_spore_ttl_range),
	[MYC_A_SPORE_PAYLOAD] = { .type = NLA_BINARY,
				  .len = MYC_SPORE_PAYLOAD_MAX },
	[MYC_A_SPORE_BLOB] = MYC_DAEMONS,
	[MYC_A_SPORE_COOKIE] = MYC_DAEMONS,
	[MYC_A_SPORE_FROM] = MYC_RO,
	[MYC_A_SPORE_STATE] = MYC_DAEMONS,
	[MYC_A_SPORE_FORWARD] = MYC_DAEMONS,
	[MYC_A_SPORE_CHECK_CRYPTO] = MYC_DAEMONS,
	[MYC_A_SPORE_CHECK_TEMPORAL] = MYC_DAEMONS,
	[MYC_A_SPORE_CHECK_CONSISTENCY] = MYC_DAEMONS,
	[MYC_A_SPORE_CHECK_TRUST] = MYC_DAEMONS,
	[MYC_A_SPORE_REASON] = MYC_DAEMONS,
	[MYC_A_SPORE_RULE] = MYC_DAEMONS,
	[MYC_A_SPORE_DIGEST] = MYC_DAEMONS,
	[MYC_A_SPORE_TRUST] = MYC_DAEMONS,
	[MYC_A_SPORE_RECEIVED] = MYC_RO,
	[MYC_A_SPORE_EXPIRES] = MYC_RO,
	[MYC_A_SPORE_LEN] = MYC_RO,
	[MYC_A_SPORE_PAD] = MYC_RO,
};

#define MYC_CHECK_POLICY NLA_POLICY_RANGE(NLA_U8, MYC_SPORE_CHECK_PASS, \
					  MYC_SPORE_CHECK_MAX)

/* spore-verdict, spore-add */
const struct nla_policy myc_spore_verdict_policy[MYC_A_SPORE_MAX + 1] = {
	[MYC_A_SPORE_ID] = MYC_RO,
	[MYC_A_SPORE_TYPE] = MYC_RO,
	[MYC_A_SPORE_KIND] = MYC_RO,
	[MYC_A_SPORE_ORIGIN] = MYC_RO,
	[MYC_A_SPORE_VERSION] = MYC_RO,
	[MYC_A_SPORE_TIMESTAMP] = MYC_RO,
	[MYC_A_SPORE_TTL] = MYC_RO,
	[MYC_A_SPORE_PAYLOAD] = MYC_RO,
	[MYC_A_SPORE_BLOB] = NLA_POLICY_RANGE(NLA_BINARY, MYC_SPORE_MIN,
					      MYC_SPORE_MAX),
	[MYC_A_SPORE_COOKIE] = { .type = NLA_U64 },
	[MYC_A_SPORE_FROM] = MYC_RO,
	[MYC_A_SPORE_STATE] = NLA_POLICY_RANGE(NLA_U8, MYC_SPORE_ACCEPTED,
					       MYC_SPORE_REJECTED),
	[MYC_A_SPORE_FORWARD] = NLA_POLICY_MAX(NLA_U8, 1),
	[MYC_A_SPORE_CHECK_CRYPTO] = MYC_CHECK_POLICY,
	[MYC_A_SPORE_CHECK_TEMPORAL] = MYC_CHECK_POLICY,
	[MYC_A_SPORE_CHECK_CONSISTENCY] = MYC_CHECK_POLICY,
	[MYC_A_SPORE_CHECK_TRUST] = MYC_CHECK_POLICY,
	[MYC_A_SPORE_REASON] = { .type = NLA_NUL_STRING,
				 .len = MYC_SPORE_REASON_MAX - 1 },
	[MYC_A_SPORE_RULE] = NLA_POLICY_MAX(NLA_U8, MYC_SPORE_RULE_MAX),
	[MYC_A_SPORE_DIGEST] = NLA_POLICY_EXACT_LEN(MYC_SPORE_DIGEST_LEN),
	[MYC_A_SPORE_TRUST] = NLA_POLICY_MAX(NLA_U32, MYC_TRUST_MAX),
	[MYC_A_SPORE_RECEIVED] = MYC_RO,
	[MYC_A_SPORE_EXPIRES] = MYC_RO,
	[MYC_A_SPORE_LEN] = MYC_RO,
	[MYC_A_SPORE_PAD] = MYC_RO,
};

/* A message big enough for any spore with its payload. */
#define MYC_SPORE_MSG_SIZE	(MYC_SPORE_MAX + 1024)

static int myc_spore_fill(struct sk_buff *skb, const struct myc_spore_ent *e,
			  u32 portid, u32 seq, int flags, bool payload)
{
	const struct myc_spore *sp = &e->sp;
	char id[MYC_SPORE_ID_MAX + 1];
	void *hdr;
	int i;

	hdr = genlmsg_put(skb, portid, seq, &myc_genl_family, flags,
			  MYC_CMD_SPORE_GET);
	if (!hdr)
		return -EMSGSIZE;
	memcpy(id, sp->id, sp->id_len);
	id[sp->id_len] = '\0';
	if (nla_put_string(skb, MYC_A_SPORE_ID, id) ||
	    nla_put_u8(skb, MYC_A_SPORE_TYPE, sp->type) ||
	    nla_put_u8(skb, MYC_A_SPORE_KIND, sp->kind) ||
	    nla_put_u64_64bit(skb, MYC_A_SPORE_ORIGIN, sp->origin,
			      MYC_A_SPORE_PAD) ||
	    nla_put_u64_64bit(skb, MYC_A_SPORE_VERSION, sp->version,
			      MYC_A_SPORE_PAD) ||
	    nla_put_u64_64bit(skb, MYC_A_SPORE_TIMESTAMP, sp->timestamp_ms,
			      MYC_A_SPORE_PAD) ||
	    nla_put_u32(skb, MYC_A_SPORE_TTL, sp->ttl_s) ||
	    (payload &&
	     nla_put(skb, MYC_A_SPORE_PAYLOAD, sp->payload_len, sp->payload)) ||
	    nla_put_u64_64bit(skb, MYC_A_SPORE_FROM, e->from,
			      MYC_A_SPORE_PAD) ||
	    nla_put_u8(skb, MYC_A_SPORE_STATE, e->state) ||
	    nla_put_u64_64bit(skb, MYC_A_SPORE_RECEIVED, e->received_ms,
			      MYC_A_SPORE_PAD) ||
	    nla_put_u64_64bit(skb, MYC_A_SPORE_EXPIRES,
			      myc_spore_expiry_ms(sp), MYC_A_SPORE_PAD) ||
	    nla_put_u32(skb, MYC_A_SPORE_LEN, e->len))
		goto cancel;
	if (e->state == MYC_SPORE_PENDING)
		goto end;
	for (i = 0; i < ARRAY_SIZE(e->v.checks); i++)
		if (e->v.checks[i] &&
		    nla_put_u8(skb, MYC_A_SPORE_CHECK_CRYPTO + i, e->v.checks[i]))
			goto cancel;
	if ((e->v.reason[0] &&
	     nla_put_string(skb, MYC_A_SPORE_REASON, e->v.reason)) ||
	    nla_put_u8(skb, MYC_A_SPORE_RULE, e->v.rule) ||
	    nla_put_u32(skb, MYC_A_SPORE_TRUST, e->v.trust) ||
	    (e->v.have_digest &&
	     nla_put(skb, MYC_A_SPORE_DIGEST, MYC_SPORE_DIGEST_LEN,
		     e->v.digest)))
		goto cancel;
end:
	genlmsg_end(skb, hdr);
	return 0;
cancel:
	genlmsg_cancel(skb, hdr);
	return -EMSGSIZE;
}

/* The spore of id: held, else the latest rejected, else pending. */
static struct myc_spore_ent *myc_spore_find(struct myc_net *mn, const u8 *id,
					    u8 len)
{
	struct myc_spore_ent *e = myc_spore_held(mn, id, len);

	if (e)
		return e;
	list_for_each_entry_reverse(e, &mn->spore_rejected, list)
		if (myc_spore_id_is(e, id, len))
			return e;
	list_for_each_entry(e, &mn->spore_pending, list)
		if (myc_spore_id_is(e, id, len))
			return e;
	return NULL;
}

/* The id attribute, checked: its length (1..64) in *len. */
static const u8 *myc_spore_id_attr(struct genl_info *info, u8 *len)
{
	const struct nlattr *a = info->attrs[MYC_A_SPORE_ID];
	size_t n;

	if (!a) {
		NL_SET_ERR_MSG(info->extack, "spore id missing");
		return NULL;
	}
	n = strnlen(nla_data(a), nla_len(a));
	if (!myc_spore_id_valid(nla_data(a), n)) {
		NL_SET_ERR_MSG_ATTR(info->extack, a,
				    "a spore id is 1-64 of A-Z a-z 0-9 . _ - : /");
		return NULL;
	}
	*len = (u8)n;
	return nla_data(a);
}

int myc_nl_spore_get(struct sk_buff *skb, struct genl_info *info)
{
	struct myc_net *mn = myc_net(genl_info_net(info));
	struct myc_spore_ent *e;
	struct sk_buff *msg;
	const u8 *id;
	int err = 0;
	u8 len;

	id = myc_spore_id_attr(info, &len);
	if (!id)
		return -EINVAL;
	msg = genlmsg_new(MYC_SPORE_MSG_SIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	spin_lock_bh(&mn->spore_lock);
	e = myc_spore_find(mn, id, len);
	if (e)
		err = myc_spore_fill(msg, e, info->snd_portid, info->snd_seq, 0,
				     true);
	spin_unlock_bh(&mn->spore_lock);
	if (!e) {
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[MYC_A_SPORE_ID],
				    "no such spore");
		err = -ENOENT;
	}
	if (err) {
		nlmsg_free(msg);
		return err;
	}
	return genlmsg_reply(msg, info);
}

/* Dump e as the i-th entry unless an earlier part did; false: full. */
static bool myc_spore_dump_ent(struct sk_buff *skb,
			       struct netlink_callback *cb,
			       const struct myc_spore_ent *e, long *i)
{
	if ((*i)++ < cb->args[0])
		return true;
	if (!myc_spore_fill(skb, e, NETLINK_CB(cb->skb).portid,
			    cb->nlh->nlmsg_seq, NLM_F_MULTI, false))
		return true;
	(*i)--;		/* the first of the next part */
	return false;
}

/*
 * Dump: the held spores, then the rejected, then the pending ones (without
 * their payloads); cb->args[0] counts those already dumped.  An entry that
 * comes or goes between two parts of a dump may be missed or repeated, as
 * with any netlink dump.
 */
int myc_nl_spore_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct myc_net *mn = myc_net(sock_net(skb->sk));
	struct myc_spore_ent *e;
	long i = 0;
	int bkt;

	spin_lock_bh(&mn->spore_lock);
	hash_for_each(mn->spores, bkt, e, hnode)
		if (!myc_spore_dump_ent(skb, cb, e, &i))
			goto out;
	list_for_each_entry(e, &mn->spore_rejected, list)
		if (!myc_spore_dump_ent(skb, cb, e, &i))
			goto out;
	list_for_each_entry(e, &mn->spore_pending, list)
		if (!myc_spore_dump_ent(skb, cb, e, &i))
			goto out;
out:
	spin_unlock_bh(&mn->spore_lock);
	cb->args[0] = i;
	return skb->len;
}

int myc_nl_spore_del(struct sk_buff *skb, struct genl_info *info)
{
	struct myc_net *mn = myc_net(genl_info_net(info));
	struct myc_spore_ent *e;
	const u8 *id;
	u8 len;

	id = myc_spore_id_attr(info, &len);
	if (!id)
		return -EINVAL;
	spin_lock_bh(&mn->spore_lock);
	e = myc_spore_held(mn, id, len);
	if (e) {
		myc_spore_unhold(mn, e);
		/* gossip and summaries must not bring this version back */
		myc_spore_forget(mn, e);
		myc_spore_event(mn, &e->sp, MYC_SPORE_DELETED, MYC_EVR_CONFIG);
	}
	spin_unlock_bh(&mn->spore_lock);
	if (!e) {
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[MYC_A_SPORE_ID],
				    "no such spore held");
		return -ENOENT;
	}
	kfree(e);
	return 0;
}

/* Why node_type may not issue spore_type (myc_spore_may_issue() said no). */
static const char *myc_spore_not_yours(u8 node_type, u8 spore_type)
{
	if (spore_type == MYC_SPORE_SEED)
		return "a hyphae node may not issue seed spores";
	return node_type == MYC_NODE_RHIZOMORPH ?
	       "a rhizomorph node may not issue primary spores" :
	       "a hyphae node may not issue primary spores";
}

int myc_nl_spore_publish(struct sk_buff *skb, struct genl_info *info)
{
	struct myc_net *mn = myc_net(genl_info_net(info));
	struct nlattr **attrs = info->attrs;
	u8 type, node_type = READ_ONCE(mn->node_type), len;
	u32 portid = READ_ONCE(mn->daemon_portid), ttl;
	const struct nlattr *payload = attrs[MYC_A_SPORE_PAYLOAD];
	struct sk_buff *msg;
	const u8 *id;
	void *hdr;

	id = myc_spore_id_attr(info, &len);
	if (!id)
		return -EINVAL;
	if (len >= sizeof(MYC_SPORE_MEMBER_PREFIX) - 1 &&
	    !memcmp(id, MYC_SPORE_MEMBER_PREFIX,
		    sizeof(MYC_SPORE_MEMBER_PREFIX) - 1)) {
		NL_SET_ERR_MSG_ATTR(info->extack, attrs[MYC_A_SPORE_ID],
				    "member/ ids are myceliumd's membership spores");
		return -EINVAL;
	}
	if (!attrs[MYC_A_SPORE_TYPE]) {
		NL_SET_ERR_MSG(info->extack,
			       "spore type missing (primary, seed or latent)");
		return -EINVAL;
	}
	type = nla_get_u8(attrs[MYC_A_SPORE_TYPE]);
	if (!myc_spore_may_issue(node_type, type)) {
		myc_extack_attr(info->extack, attrs[MYC_A_SPORE_TYPE],
				myc_spore_not_yours(node_type, type));
		return -EPERM;
	}
	ttl = attrs[MYC_A_SPORE_TTL] ? nla_get_u32(attrs[MYC_A_SPORE_TTL]) :
	      type == MYC_SPORE_LATENT ? MYC_SPORE_LATENT_TTL_MAX : 3600;
	if (type == MYC_SPORE_LATENT && ttl > MYC_SPORE_LATENT_TTL_MAX) {
		NL_SET_ERR_MSG_ATTR(info->extack, attrs[MYC_A_SPORE_TTL],
				    "a latent spore lives 300 s at most");
		return -EINVAL;
	}
	if (!portid) {
		NL_SET_ERR_MSG(info->extack,
			       "no myceliumd is registered to sign the spore");
		return -ENOTCONN;
	}
	msg = genlmsg_new(MYC_SPORE_MSG_SIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put(msg, 0, 0, &myc_genl_family, 0, MYC_CMD_SPORE_NTF);
	if (!hdr ||
	    nla_put(msg, MYC_A_SPORE_ID, len, id) ||
	    nla_put_u8(msg, MYC_A_SPORE_TYPE, type) ||
	    nla_put_u8(msg, MYC_A_SPORE_KIND, MYC_SPORE_KIND_DATA) ||
	    nla_put_u32(msg, MYC_A_SPORE_TTL, ttl) ||
	    nla_put(msg, MYC_A_SPORE_PAYLOAD, payload ? nla_len(payload) : 0,
		    payload ? nla_data(payload) : NULL)) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	genlmsg_end(msg, hdr);
	if (genlmsg_unicast(mn->net, msg, portid)) {
		NL_SET_ERR_MSG(info->extack, "myceliumd did not take the request");
		return -ENOBUFS;
	}
	return 0;
}

static int myc_spore_verdict_of(struct genl_info *info,
				struct myc_spore_verdict *v)
{
	struct nlattr **attrs = info->attrs;
	int i;

	memset(v, 0, sizeof(*v));
	if (!attrs[MYC_A_SPORE_STATE]) {
		NL_SET_ERR_MSG(info->extack,
			       "verdict missing: state accepted or rejected");
		return -EINVAL;
	}
	v->state = nla_get_u8(attrs[MYC_A_SPORE_STATE]);
	v->forward = attrs[MYC_A_SPORE_FORWARD] &&
		     nla_get_u8(attrs[MYC_A_SPORE_FORWARD]);
	for (i = 0; i < ARRAY_SIZE(v->checks); i++)
		if (attrs[MYC_A_SPORE_CHECK_CRYPTO + i])
			v->checks[i] =
				nla_get_u8(attrs[MYC_A_SPORE_CHECK_CRYPTO + i]);
	if (attrs[MYC_A_SPORE_RULE])
		v->rule = nla_get_u8(attrs[MYC_A_SPORE_RULE]);
	if (attrs[MYC_A_SPORE_TRUST])
		v->trust = nla_get_u32(attrs[MYC_A_SPORE_TRUST]);
	if (attrs[MYC_A_SPORE_REASON])
		nla_strscpy(v->reason, attrs[MYC_A_SPORE_REASON],
			    sizeof(v->reason));
	if (attrs[MYC_A_SPORE_DIGEST]) {
		nla_memcpy(v->digest, attrs[MYC_A_SPORE_DIGEST],
			   sizeof(v->digest));
		v->have_digest = true;
	} else if (v->state == MYC_SPORE_ACCEPTED) {
		/* summaries name held spores by it */
		NL_SET_ERR_MSG(info->extack,
			       "an accepted spore needs its digest");
		return -EINVAL;
	}
	return 0;
}

int myc_nl_spore_verdict(struct sk_buff *skb, struct genl_info *info)
{
	struct myc_net *mn = myc_net(genl_info_net(info));
	struct myc_spore_verdict v;
	struct myc_spore_ent *e;
	int err;

	if (!myc_is_daemon(mn, info))
		return -EPERM;
	if (!info->attrs[MYC_A_SPORE_COOKIE]) {
		NL_SET_ERR_MSG(info->extack, "cookie missing");
		return -EINVAL;
	}
	err = myc_spore_verdict_of(info, &v);
	if (err)
		return err;
	e = myc_spore_take_pending(mn,
				   nla_get_u64(info->attrs[MYC_A_SPORE_COOKIE]));
	if (!e) {
		NL_SET_ERR_MSG_ATTR(info->extack,
				    info->attrs[MYC_A_SPORE_COOKIE],
				    "no spore waits for this cookie (too late?)");
		return -ENOENT;
	}
	e->v = v;
	return myc_spore_apply(mn, e, info->extack);
}

int myc_nl_spore_add(struct sk_buff *skb, struct genl_info *info)
{
	struct myc_net *mn = myc_net(genl_info_net(info));
	const struct nlattr *blob = info->attrs[MYC_A_SPORE_BLOB];
	struct myc_spore_verdict v;
	struct myc_spore_ent *e;
	const char *why = NULL;
	struct myc_spore sp;
	int err;

	if (!myc_is_daemon(mn, info))
		return -EPERM;
	if (!blob) {
		NL_SET_ERR_MSG(info->extack, "spore (blob) missing");
		return -EINVAL;
	}
	if (myc_spore_decode(nla_data(blob), nla_len(blob), &sp, &why)) {
		/* why is one of the codec's static sentences */
		myc_extack_attr(info->extack, blob, why);
		return -EINVAL;
	}
	err = myc_spore_verdict_of(info, &v);
	if (err)
		return err;
	e = myc_spore_ent_new(nla_data(blob), nla_len(blob), GFP_KERNEL);
	if (!e)
		return -ENOMEM;
	e->v = v;
	return myc_spore_apply(mn, e, info->extack);
}
