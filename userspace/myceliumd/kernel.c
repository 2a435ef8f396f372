// SPDX-License-Identifier: GPL-2.0
/* The generic netlink side of myceliumd (kernel.h), with libnl-genl-3. */
#include <errno.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <linux/netlink.h>
#include <string.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>
#include <linux/mycelium.h>
#include <sodium.h>

#include "kernel.h"
#include "log.h"

#define QUEUE_MAX 256
#define KEYS_MAX 64

/* Keys sent to the kernel, waiting for its ack (to log the outcome). */
struct keys_sent {
	uint32_t seq;			/* 0: free */
	uint64_t peer;
	bool confirm;
	uint8_t phase;
};

/*
 * Two sockets.  sk is the registered daemon's: the kernel's notifications
 * come to it, and the requests only the daemon may make go from it without
 * waiting (verdicts, keys, handshake messages): the kernel carries out a
 * request before sendmsg returns, so order holds without the ack, and an
 * error comes back as a message of its own.  Waiting there would mean
 * reading (and queueing) notifications meanwhile; a busy daemon's queue
 * overflowed that way.  rq is for the requests whose answer is needed
 * (peer-add, path-add, node-get, node-set): nothing else comes to it.
 */
struct kern {
	struct nl_sock *sk, *rq;
	int family;
	struct kern_msg q[QUEUE_MAX];
	unsigned int head, n;
	bool sync;			/* a request waits for its answer */
	uint16_t node_port;		/* from the last NODE_GET reply */
	uint32_t sync_seq;		/* its sequence number */
	int sync_err;
	struct keys_sent keys[KEYS_MAX];
	unsigned int keys_next;
};

static struct nla_policy auth_policy[MYC_A_AUTH_MAX + 1] = {
	[MYC_A_AUTH_PEER] = { .type = NLA_U64 },
	[MYC_A_AUTH_PEER_TYPE] = { .type = NLA_U8 },
	[MYC_A_AUTH_REASON] = { .type = NLA_U8 },
	[MYC_A_AUTH_ENCRYPTION] = { .type = NLA_U8 },
	[MYC_A_AUTH_LOCAL_HELLO] = { .minlen = HS_HELLO_LEN,
				     .maxlen = HS_HELLO_LEN },
	[MYC_A_AUTH_REMOTE_HELLO] = { .minlen = HS_HELLO_LEN,
				      .maxlen = HS_HELLO_LEN },
	[MYC_A_AUTH_DATA] = { .maxlen = 1200 },
	[MYC_A_AUTH_PHASE] = { .type = NLA_U8 },
};

static struct nla_policy spore_policy[MYC_A_SPORE_MAX + 1] = {
	[MYC_A_SPORE_COOKIE] = { .type = NLA_U64 },
	[MYC_A_SPORE_FROM] = { .type = NLA_U64 },
	[MYC_A_SPORE_BLOB] = { .maxlen = MYC_SPORE_MAX },
	[MYC_A_SPORE_ID] = { .maxlen = MYC_SPORE_ID_MAX + 1 },
	[MYC_A_SPORE_TYPE] = { .type = NLA_U8 },
	[MYC_A_SPORE_TTL] = { .type = NLA_U32 },
	[MYC_A_SPORE_PAYLOAD] = { .maxlen = MYC_SPORE_PAYLOAD_MAX },
};

static struct nla_policy contact_policy[MYC_A_CONTACT_MAX + 1] = {
	[MYC_A_CONTACT_NODE] = { .type = NLA_U64 },
	[MYC_A_CONTACT_TYPE] = { .type = NLA_U8 },
	[MYC_A_CONTACT_LOCAL] = { .minlen = 4, .maxlen = 16 },
	[MYC_A_CONTACT_REMOTE] = { .minlen = 4, .maxlen = 16 },
	[MYC_A_CONTACT_PORT] = { .type = NLA_U16 },
	[MYC_A_CONTACT_IFINDEX] = { .type = NLA_U32 },
};

static struct nla_policy event_policy[MYC_A_EVENT_MAX + 1] = {
	[MYC_A_EVENT_TYPE] = { .type = NLA_U8 },
	[MYC_A_EVENT_STATE] = { .type = NLA_U8 },
	[MYC_A_EVENT_SPORE_ID] = { .type = NLA_STRING,
				   .maxlen = MYC_SPORE_ID_MAX + 1 },
};

static struct kern_msg *queue_slot(struct kern *k, uint8_t cmd)
{
	struct kern_msg *m;

	if (k->n == QUEUE_MAX) {
		logm(LOG_WARNING, "kernel: too many notifications, one dropped");
		return NULL;
	}
	m = &k->q[(k->head + k->n++) % QUEUE_MAX];
	/* all but the (large) data buffer */
	memset(m, 0, offsetof(struct kern_msg, data));
	memset((char *)m + offsetof(struct kern_msg, len), 0,
	       sizeof(*m) - offsetof(struct kern_msg, len));
	m->cmd = cmd;
	return m;
}

static void spore_ntf(struct kern *k, struct nlmsghdr *nlh)
{
	struct nlattr *tb[MYC_A_SPORE_MAX + 1];
	struct kern_msg *m;
	struct nlattr *data;

	if (genlmsg_parse(nlh, 0, tb, MYC_A_SPORE_MAX, spore_policy)) {
		logm(LOG_WARNING, "kernel: malformed spore-ntf");
		return;
	}
	data = tb[MYC_A_SPORE_BLOB] ?: tb[MYC_A_SPORE_PAYLOAD];
	if (tb[MYC_A_SPORE_BLOB] ? !tb[MYC_A_SPORE_COOKIE] :
	    !tb[MYC_A_SPORE_ID] || !tb[MYC_A_SPORE_TYPE] ||
	    !tb[MYC_A_SPORE_TTL] || !data) {
		logm(LOG_WARNING, "kernel: incomplete spore-ntf");
		return;
	}
	m = queue_slot(k, MYC_CMD_SPORE_NTF);
	if (!m)
		return;
	m->blob = tb[MYC_A_SPORE_BLOB];
	m->len = (unsigned int)nla_len(data);
	memcpy(m->data, nla_data(data), m->len);
	if (m->blob) {
		m->cookie = nla_get_u64(tb[MYC_A_SPORE_COOKIE]);
		m->from = tb[MYC_A_SPORE_FROM] ?
			  nla_get_u64(tb[MYC_A_SPORE_FROM]) : 0;
		return;
	}
	/* the id comes as the kernel had it: not 0-terminated */
	memcpy(m->id, nla_data(tb[MYC_A_SPORE_ID]),
	       (size_t)nla_len(tb[MYC_A_SPORE_ID]));
	m->id[nla_len(tb[MYC_A_SPORE_ID])] = '\0';
	m->spore_type = nla_get_u8(tb[MYC_A_SPORE_TYPE]);
	m->ttl = nla_get_u32(tb[MYC_A_SPORE_TTL]);
}

static void contact_ntf(struct kern *k, struct nlmsghdr *nlh)
{
	struct nlattr *tb[MYC_A_CONTACT_MAX + 1];
	struct kern_contact *c;
	struct kern_msg *m;
	int len;

	if (genlmsg_parse(nlh, 0, tb, MYC_A_CONTACT_MAX, contact_policy) ||
	    !tb[MYC_A_CONTACT_NODE] || !tb[MYC_A_CONTACT_TYPE] ||
	    !tb[MYC_A_CONTACT_LOCAL] || !tb[MYC_A_CONTACT_REMOTE] ||
	    !tb[MYC_A_CONTACT_PORT])
		return;
	len = nla_len(tb[MYC_A_CONTACT_REMOTE]);
	if ((len != 4 && len != 16) || nla_len(tb[MYC_A_CONTACT_LOCAL]) != len)
		return;
	m = queue_slot(k, MYC_CMD_CONTACT_NTF);
	if (!m)
		return;
	c = &m->contact;
	c->node = nla_get_u64(tb[MYC_A_CONTACT_NODE]);
	c->type = nla_get_u8(tb[MYC_A_CONTACT_TYPE]);
	c->family = len == 4 ? AF_INET : AF_INET6;
	memcpy(c->local, nla_data(tb[MYC_A_CONTACT_LOCAL]), (size_t)len);
	memcpy(c->remote, nla_data(tb[MYC_A_CONTACT_REMOTE]), (size_t)len);
	c->port = nla_get_u16(tb[MYC_A_CONTACT_PORT]);
	c->ifindex = tb[MYC_A_CONTACT_IFINDEX] ?
		     nla_get_u32(tb[MYC_A_CONTACT_IFINDEX]) : 0;
}

/* Spore events: the daemon follows deletions. */
static void event_ntf(struct kern *k, struct nlmsghdr *nlh)
{
	struct nlattr *tb[MYC_A_EVENT_MAX + 1];
	struct kern_msg *m;

	/* only deletions: the others would fill the queue for nothing */
	if (genlmsg_parse(nlh, 0, tb, MYC_A_EVENT_MAX, event_policy) ||
	    !tb[MYC_A_EVENT_TYPE] ||
	    nla_get_u8(tb[MYC_A_EVENT_TYPE]) != MYC_EV_SPORE ||
	    !tb[MYC_A_EVENT_STATE] || !tb[MYC_A_EVENT_SPORE_ID] ||
	    nla_get_u8(tb[MYC_A_EVENT_STATE]) != MYC_SPORE_DELETED)
		return;
	m = queue_slot(k, MYC_CMD_EVENT_NTF);
	if (!m)
		return;
	m->state = nla_get_u8(tb[MYC_A_EVENT_STATE]);
	snprintf(m->id, sizeof(m->id), "%s",
		 nla_get_string(tb[MYC_A_EVENT_SPORE_ID]));
}

static int valid_cb(struct nl_msg *msg, void *arg)
{
	struct genlmsghdr *g = nlmsg_data(nlmsg_hdr(msg));
	struct nlattr *tb[MYC_A_AUTH_MAX + 1];
	struct kern *k = arg;
	struct kern_msg *m;

	switch (g->cmd) {
	case MYC_CMD_NODE_GET: {
		struct nlattr *nt[MYC_A_NODE_MAX + 1];

		if (!genlmsg_parse(nlmsg_hdr(msg), 0, nt, MYC_A_NODE_MAX, NULL) &&
		    nt[MYC_A_NODE_PORT])
			k->node_port = nla_get_u16(nt[MYC_A_NODE_PORT]);
		return NL_OK;
	}
	case MYC_CMD_SPORE_NTF:
		spore_ntf(k, nlmsg_hdr(msg));
		return NL_OK;
	case MYC_CMD_CONTACT_NTF:
		contact_ntf(k, nlmsg_hdr(msg));
		return NL_OK;
	case MYC_CMD_EVENT_NTF:
		event_ntf(k, nlmsg_hdr(msg));
		return NL_OK;
	}
	if (g->cmd != MYC_CMD_AUTH_NTF && g->cmd != MYC_CMD_HANDSHAKE_NTF)
		return NL_OK;
	if (genlmsg_parse(nlmsg_hdr(msg), 0, tb, MYC_A_AUTH_MAX, auth_policy) ||
	    !tb[MYC_A_AUTH_PEER] || !tb[MYC_A_AUTH_PEER_TYPE] ||
	    !tb[MYC_A_AUTH_LOCAL_HELLO]) {
		logm(LOG_WARNING, "kernel: malformed notification %u", g->cmd);
		return NL_OK;
	}
	m = queue_slot(k, g->cmd);
	if (!m)
		return NL_OK;
	m->reason = tb[MYC_A_AUTH_REASON] ? nla_get_u8(tb[MYC_A_AUTH_REASON]) :
					    -1;
	m->pair.peer = nla_get_u64(tb[MYC_A_AUTH_PEER]);
	m->pair.peer_type = nla_get_u8(tb[MYC_A_AUTH_PEER_TYPE]);
	memcpy(m->pair.local_hello, nla_data(tb[MYC_A_AUTH_LOCAL_HELLO]),
	       HS_HELLO_LEN);
	if (tb[MYC_A_AUTH_REMOTE_HELLO]) {
		memcpy(m->pair.remote_hello,
		       nla_data(tb[MYC_A_AUTH_REMOTE_HELLO]), HS_HELLO_LEN);
		m->pair.has_remote_hello = true;
	}
	m->pair.newest_phase = tb[MYC_A_AUTH_PHASE] ?
			       nla_get_u8(tb[MYC_A_AUTH_PHASE]) : -1;
	if (tb[MYC_A_AUTH_DATA]) {
		m->len = (unsigned int)nla_len(tb[MYC_A_AUTH_DATA]);
		memcpy(m->data, nla_data(tb[MYC_A_AUTH_DATA]), m->len);
	}
	return NL_OK;
}

/* The extack message of an error, if the kernel sent one. */
static const char *extack_msg(struct nlmsgerr *e, struct nlmsghdr *nlh)
{
	struct nlattr *tb[NLMSGERR_ATTR_MAX + 1];
	size_t off = sizeof(*e);

	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return NULL;
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		off += e->msg.nlmsg_len - sizeof(struct nlmsghdr);
	if (nla_parse(tb, NLMSGERR_ATTR_MAX,
		      (struct nlattr *)((char *)e + off),
		      (int)(nlh->nlmsg_len - NLMSG_HDRLEN - off), NULL) ||
	    !tb[NLMSGERR_ATTR_MSG])
		return NULL;
	return nla_get_string(tb[NLMSGERR_ATTR_MSG]);
}

/* The keys sent with this sequence number, taken off the list, or NULL. */
static struct keys_sent *keys_take(struct kern *k, uint32_t seq,
				   struct keys_sent *out)
{
	for (unsigned int i = 0; i < KEYS_MAX; i++) {
		if (seq && k->keys[i].seq == seq) {
			*out = k->keys[i];
			k->keys[i].seq = 0;
			return out;
		}
	}
	return NULL;
}

/* The answer (0 or -errno, extack why) to request seq. */
static int answer(struct kern *k, uint32_t seq, int err, const char *why)
{
	struct keys_sent ks;

	if (k->sync && seq == k->sync_seq) {
		if (err && why)
			logm(LOG_DEBUG, "kernel: %s", why);
		k->sync_err = err;
		k->sync = false;
		return NL_STOP;
	}
	if (keys_take(k, seq, &ks)) {
		if (err)
			logm(LOG_WARNING, "peer %016" PRIx64 ": keys not taken: %s%s%s",
			     ks.peer, strerror(-err), why ? ": " : "",
			     why ? why : "");
		else
			logm(LOG_INFO, "peer %016" PRIx64 " authenticated (%s, phase %u)",
			     ks.peer, ks.confirm ? "initiator" : "responder",
			     ks.phase);
		return NL_OK;
	}
	if (err)
		logm(LOG_WARNING, "kernel refused a request: %s%s%s",
		     strerror(-err), why ? ": " : "", why ? why : "");
	return NL_OK;
}

static int error_cb(struct sockaddr_nl *nla, struct nlmsgerr *e, void *arg)
{
	struct nlmsghdr *nlh = (struct nlmsghdr *)e - 1;

	(void)nla;
	return answer(arg, e->msg.nlmsg_seq, e->error, extack_msg(e, nlh));
}

static int ack_cb(struct nl_msg *msg, void *arg)
{
	return answer(arg, nlmsg_hdr(msg)->nlmsg_seq, 0, NULL);
}

struct kern *kern_open(char *err, size_t len)
{
	struct kern *k = calloc(1, sizeof(*k));
	int one = 1;

	if (!k)
		return NULL;
	k->sk = nl_socket_alloc();
	k->rq = nl_socket_alloc();
	if (!k->sk || !k->rq || genl_connect(k->sk) || genl_connect(k->rq)) {
		snprintf(err, len, "cannot open a generic netlink socket");
		goto fail;
	}
	k->family = genl_ctrl_resolve(k->sk, MYC_GENL_NAME);
	if (k->family < 0) {
		snprintf(err, len,
			 "no \"%s\" generic netlink family (is the module loaded?)",
			 MYC_GENL_NAME);
		goto fail;
	}
	for (int i = 0; i < 2; i++) {
		struct nl_sock *sk = i ? k->rq : k->sk;

		nl_socket_disable_seq_check(sk);
		setsockopt(nl_socket_get_fd(sk), SOL_NETLINK, NETLINK_EXT_ACK,
			   &one, sizeof(one));
		nl_socket_modify_cb(sk, NL_CB_VALID, NL_CB_CUSTOM, valid_cb, k);
		nl_socket_modify_cb(sk, NL_CB_ACK, NL_CB_CUSTOM, ack_cb, k);
		nl_socket_modify_err_cb(sk, NL_CB_CUSTOM, error_cb, k);
	}
	/* the kernel's backlog while the daemon is busy: drops beyond it */
	nl_socket_set_buffer_size(k->sk, 4 << 20, 1 << 20);
	return k;
fail:
	if (k->sk)
		nl_socket_free(k->sk);
	if (k->rq)
		nl_socket_free(k->rq);
	free(k);
	return NULL;
}

void kern_close(struct kern *k)
{
	if (!k)
		return;
	nl_socket_free(k->sk);
	nl_socket_free(k->rq);
	sodium_memzero(k, sizeof(*k));
	free(k);
}

int kern_fd(struct kern *k)
{
	return nl_socket_get_fd(k->sk);
}

/* A request; flags NLM_F_ACK for an answer even when it succeeds. */
static struct nl_msg *request_size(struct kern *k, uint8_t cmd, int flags,
				   size_t size)
{
	struct nl_msg *msg = size ? nlmsg_alloc_size(size) : nlmsg_alloc();

	if (msg && !genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, k->family, 0,
				flags, cmd, MYC_GENL_VERSION)) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

static struct nl_msg *request(struct kern *k, uint8_t cmd)
{
	return request_size(k, cmd, NLM_F_ACK, 0);
}

/* The daemon's requests (sk), not waited for. */
static struct nl_msg *request_async(struct kern *k, uint8_t cmd)
{
	return request_size(k, cmd, 0, 0);
}

/* Send on sk; its sequence number (> 0) or -errno. */
static int send_on(struct nl_sock *sk, struct nl_msg *msg, uint32_t *seq)
{
	int err;

	if (!msg)
		return -ENOMEM;
	err = nl_send_auto(sk, msg);
	*seq = nlmsg_hdr(msg)->nlmsg_seq;
	/* keys may have been in it */
	sodium_memzero(nlmsg_hdr(msg), nlmsg_hdr(msg)->nlmsg_len);
	nlmsg_free(msg);
	return err < 0 ? -EIO : 0;
}

/* Send on sk and wait for the answer (on sk, others are queued). */
static int send_wait(struct kern *k, struct nl_sock *sk, struct nl_msg *msg)
{
	int err = send_on(sk, msg, &k->sync_seq);

	if (err)
		return err;
	k->sync = true;
	while (k->sync) {
		err = nl_recvmsgs_default(sk);
		if (err < 0 && k->sync) {
			k->sync = false;
			return -EIO;
		}
	}
	return k->sync_err;
}

/* A request whose answer is needed: on rq, where nothing else comes. */
static int send_sync(struct kern *k, struct nl_msg *msg)
{
	return send_wait(k, k->rq, msg);
}

/* A daemon's request: on sk, not waited for (errors are logged). */
static int send_async(struct kern *k, struct nl_msg *msg)
{
	uint32_t seq;

	return send_on(k->sk, msg, &seq);
}

int kern_register(struct kern *k)
{
	/* from sk: the kernel sends it the notifications from now on */
	return send_wait(k, k->sk, request(k, MYC_CMD_DAEMON_REGISTER));
}

int kern_node_set(struct kern *k, uint64_t id, uint8_t type)
{
	struct nl_msg *msg = request(k, MYC_CMD_NODE_SET);

	if (msg && (nla_put_u64(msg, MYC_A_NODE_ID, id) ||
		    nla_put_u8(msg, MYC_A_NODE_TYPE, type))) {
		nlmsg_free(msg);
		return -ENOMEM;
	}
	return send_sync(k, msg);
}

int kern_receive(struct kern *k)
{
	int err = nl_recvmsgs_default(k->sk);

	if (err == -NLE_NOMEM) {
		/* ENOBUFS: the kernel dropped some; it asks again later */
		logm(LOG_WARNING, "kernel: the socket overflowed, notifications lost");
		return 0;
	}
	return err < 0 ? -EIO : 0;
}

bool kern_next(struct kern *k, struct kern_msg *m)
{
	if (!k->n)
		return false;
	*m = k->q[k->head];
	k->head = (k->head + 1) % QUEUE_MAX;
	k->n--;
	return true;
}

int kern_handshake(struct kern *k, uint64_t peer, const uint8_t *data,
		   unsigned int len)
{
	struct nl_msg *msg = request_async(k, MYC_CMD_HANDSHAKE_SEND);

	if (msg && (nla_put_u64(msg, MYC_A_AUTH_PEER, peer) ||
		    nla_put(msg, MYC_A_AUTH_DATA, (int)len, data))) {
		nlmsg_free(msg);
		return -ENOMEM;
	}
	return send_async(k, msg);
}

int kern_keys(struct kern *k, uint64_t peer, const struct hs_out *out)
{
	struct nl_msg *msg = request(k, MYC_CMD_AUTH_SET);
	struct keys_sent *ks;
	int err;

	if (msg && (nla_put_u64(msg, MYC_A_AUTH_PEER, peer) ||
		    nla_put_u8(msg, MYC_A_AUTH_STATE, MYC_AUTH_OK) ||
		    nla_put(msg, MYC_A_AUTH_TX_KEY, HS_KEY_LEN, out->tx) ||
		    nla_put(msg, MYC_A_AUTH_RX_KEY, HS_KEY_LEN, out->rx) ||
		    nla_put_u8(msg, MYC_A_AUTH_PHASE, out->phase) ||
		    nla_put_u8(msg, MYC_A_AUTH_CONFIRM, out->confirm) ||
		    nla_put(msg, MYC_A_AUTH_REMOTE_HELLO, HS_HELLO_LEN,
			    out->remote_hello))) {
		nlmsg_free(msg);
		return -ENOMEM;
	}
	/*
	 * Not waited for: the kernel has them once sendmsg returns, before
	 * the message that lets the peer use them.  The ack is logged.
	 */
	ks = &k->keys[k->keys_next++ % KEYS_MAX];
	err = send_on(k->sk, msg, &ks->seq);
	if (err) {
		ks->seq = 0;
		return err;
	}
	ks->peer = peer;
	ks->confirm = out->confirm;
	ks->phase = out->phase;
	return 0;
}

int kern_refuse(struct kern *k, uint64_t peer)
{
	struct nl_msg *msg = request_async(k, MYC_CMD_AUTH_SET);

	if (msg && (nla_put_u64(msg, MYC_A_AUTH_PEER, peer) ||
		    nla_put_u8(msg, MYC_A_AUTH_STATE, MYC_AUTH_FAILED))) {
		nlmsg_free(msg);
		return -ENOMEM;
	}
	return send_async(k, msg);
}

static int put_verdict(struct nl_msg *msg, const struct kern_verdict *kv)
{
	const struct spore_verdict *v = kv->v;

	if (nla_put_u8(msg, MYC_A_SPORE_STATE, kv->state) ||
	    nla_put_u8(msg, MYC_A_SPORE_FORWARD, kv->forward) ||
	    nla_put_u8(msg, MYC_A_SPORE_RULE, kv->rule) ||
	    nla_put_u32(msg, MYC_A_SPORE_TRUST, kv->trust) ||
	    nla_put(msg, MYC_A_SPORE_DIGEST, MYC_SPORE_DIGEST_LEN, v->digest))
		return -ENOMEM;
	for (int i = 0; i < CHECK_CNT; i++)
		if (v->checks[i] &&
		    nla_put_u8(msg, MYC_A_SPORE_CHECK_CRYPTO + i, v->checks[i]))
			return -ENOMEM;
	if (v->reason[0] && nla_put_string(msg, MYC_A_SPORE_REASON, v->reason))
		return -ENOMEM;
	return 0;
}

int kern_spore_verdict(struct kern *k, uint64_t cookie,
		       const struct kern_verdict *kv)
{
	struct nl_msg *msg = request_async(k, MYC_CMD_SPORE_VERDICT);

	if (msg && (nla_put_u64(msg, MYC_A_SPORE_COOKIE, cookie) ||
		    put_verdict(msg, kv))) {
		nlmsg_free(msg);
		return -ENOMEM;
	}
	return send_async(k, msg);
}

int kern_spore_add(struct kern *k, const uint8_t *blob, size_t len,
		   const struct kern_verdict *kv)
{
	struct nl_msg *msg = request_size(k, MYC_CMD_SPORE_ADD, 0,
					  MYC_SPORE_MAX + 1024);

	if (msg && (nla_put(msg, MYC_A_SPORE_BLOB, (int)len, blob) ||
		    put_verdict(msg, kv))) {
		nlmsg_free(msg);
		return -ENOMEM;
	}
	return send_async(k, msg);
}

int kern_join_events(struct kern *k)
{
	/* asked on rq: sk may have notifications coming already */
	int grp = genl_ctrl_resolve_grp(k->rq, MYC_GENL_NAME, MYC_MCGRP_EVENTS);

	if (grp < 0)
		return -ENOENT;
	return nl_socket_add_membership(k->sk, grp) ? -EIO : 0;
}

int kern_contact(struct kern *k, int family, const uint8_t *addr,
		 uint16_t port)
{
	/* the daemon's request: from sk (an error is logged as it comes) */
	struct nl_msg *msg = request_async(k, MYC_CMD_CONTACT);

	if (msg && (nla_put(msg, MYC_A_CONTACT_REMOTE,
			    family == AF_INET ? 4 : 16, addr) ||
		    (port && nla_put_u16(msg, MYC_A_CONTACT_PORT, port)))) {
		nlmsg_free(msg);
		return -ENOMEM;
	}
	return send_async(k, msg);
}

static int put_path(struct nl_msg *msg, int family, const uint8_t *local,
		    const uint8_t *remote, uint16_t port, uint32_t ifindex)
{
	int alen = family == AF_INET ? 4 : 16;

	if (nla_put(msg, MYC_A_PATH_LOCAL, alen, local) ||
	    nla_put(msg, MYC_A_PATH_REMOTE, alen, remote) ||
	    (port && nla_put_u16(msg, MYC_A_PATH_REMOTE_PORT, port)) ||
	    (ifindex && nla_put_u32(msg, MYC_A_PATH_IFINDEX, ifindex)))
		return -ENOMEM;
	return 0;
}

int kern_peer_add(struct kern *k, uint64_t id, uint8_t type, int family,
		  const uint8_t *local, const uint8_t *remote, uint16_t port,
		  uint32_t ifindex)
{
	struct nl_msg *msg = request(k, MYC_CMD_PEER_ADD);
	struct nlattr *nest;

	if (!msg)
		return -ENOMEM;
	if (nla_put_u64(msg, MYC_A_PEER_ID, id) ||
	    nla_put_u8(msg, MYC_A_PEER_TYPE, type))
		goto nomem;
	nest = nla_nest_start(msg, MYC_A_PEER_PATH);
	if (!nest || put_path(msg, family, local, remote, port, ifindex))
		goto nomem;
	nla_nest_end(msg, nest);
	return send_sync(k, msg);
nomem:
	nlmsg_free(msg);
	return -ENOMEM;
}

int kern_path_add(struct kern *k, uint64_t id, int family,
		  const uint8_t *local, const uint8_t *remote, uint16_t port,
		  uint32_t ifindex)
{
	struct nl_msg *msg = request(k, MYC_CMD_PATH_ADD);

	if (msg && (nla_put_u64(msg, MYC_A_PATH_PEER, id) ||
		    put_path(msg, family, local, remote, port, ifindex))) {
		nlmsg_free(msg);
		return -ENOMEM;
	}
	return send_sync(k, msg);
}

int kern_node_port(struct kern *k)
{
	int err;

	k->node_port = 0;
	err = send_sync(k, request(k, MYC_CMD_NODE_GET));
	if (err)
		return err;
	return k->node_port ? k->node_port : -EIO;
}
