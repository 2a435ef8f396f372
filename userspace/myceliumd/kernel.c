// SPDX-License-Identifier: GPL-2.0
/* The generic netlink side of myceliumd (kernel.h), with libnl-genl-3. */
#include <errno.h>
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

struct kern {
	struct nl_sock *sk;
	int family;
	struct kern_msg q[QUEUE_MAX];
	unsigned int head, n;
	bool sync;			/* a request waits for its answer */
	uint32_t sync_seq;		/* its sequence number */
	int sync_err;
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

static int valid_cb(struct nl_msg *msg, void *arg)
{
	struct genlmsghdr *g = nlmsg_data(nlmsg_hdr(msg));
	struct nlattr *tb[MYC_A_AUTH_MAX + 1];
	struct kern *k = arg;
	struct kern_msg *m;

	if (g->cmd != MYC_CMD_AUTH_NTF && g->cmd != MYC_CMD_HANDSHAKE_NTF)
		return NL_OK;
	if (genlmsg_parse(nlmsg_hdr(msg), 0, tb, MYC_A_AUTH_MAX, auth_policy) ||
	    !tb[MYC_A_AUTH_PEER] || !tb[MYC_A_AUTH_PEER_TYPE] ||
	    !tb[MYC_A_AUTH_LOCAL_HELLO]) {
		logm(LOG_WARNING, "kernel: malformed notification %u", g->cmd);
		return NL_OK;
	}
	if (k->n == QUEUE_MAX) {
		logm(LOG_WARNING, "kernel: too many notifications, one dropped");
		return NL_OK;
	}
	m = &k->q[(k->head + k->n++) % QUEUE_MAX];
	memset(m, 0, sizeof(*m));
	m->cmd = g->cmd;
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

static int error_cb(struct sockaddr_nl *nla, struct nlmsgerr *e, void *arg)
{
	struct nlmsghdr *nlh = (struct nlmsghdr *)e - 1;
	const char *why = extack_msg(e, nlh);
	struct kern *k = arg;

	(void)nla;
	if (k->sync && e->msg.nlmsg_seq == k->sync_seq) {
		if (e->error && why)
			logm(LOG_DEBUG, "kernel: %s", why);
		k->sync_err = e->error;
		k->sync = false;
		return NL_STOP;
	}
	if (e->error)
		logm(LOG_WARNING, "kernel refused a request: %s%s%s",
		     strerror(-e->error), why ? ": " : "", why ? why : "");
	return NL_OK;
}

static int ack_cb(struct nl_msg *msg, void *arg)
{
	struct kern *k = arg;

	if (k->sync && nlmsg_hdr(msg)->nlmsg_seq == k->sync_seq) {
		k->sync_err = 0;
		k->sync = false;
		return NL_STOP;
	}
	return NL_OK;
}

struct kern *kern_open(char *err, size_t len)
{
	struct kern *k = calloc(1, sizeof(*k));
	int one = 1;

	if (!k)
		return NULL;
	k->sk = nl_socket_alloc();
	if (!k->sk || genl_connect(k->sk)) {
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
	nl_socket_disable_seq_check(k->sk);
	setsockopt(nl_socket_get_fd(k->sk), SOL_NETLINK, NETLINK_EXT_ACK,
		   &one, sizeof(one));
	nl_socket_set_buffer_size(k->sk, 1 << 20, 1 << 20);
	nl_socket_modify_cb(k->sk, NL_CB_VALID, NL_CB_CUSTOM, valid_cb, k);
	nl_socket_modify_cb(k->sk, NL_CB_ACK, NL_CB_CUSTOM, ack_cb, k);
	nl_socket_modify_err_cb(k->sk, NL_CB_CUSTOM, error_cb, k);
	return k;
fail:
	if (k->sk)
		nl_socket_free(k->sk);
	free(k);
	return NULL;
}

void kern_close(struct kern *k)
{
	if (!k)
		return;
	nl_socket_free(k->sk);
	sodium_memzero(k, sizeof(*k));
	free(k);
}

int kern_fd(struct kern *k)
{
	return nl_socket_get_fd(k->sk);
}

static struct nl_msg *request(struct kern *k, uint8_t cmd)
{
	struct nl_msg *msg = nlmsg_alloc();

	if (msg && !genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, k->family, 0,
				NLM_F_ACK, cmd, MYC_GENL_VERSION)) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

/* Send and, for sync, wait for the answer (other messages are queued). */
static int send_msg(struct kern *k, struct nl_msg *msg, bool sync)
{
	int err;

	if (!msg)
		return -ENOMEM;
	err = nl_send_auto(k->sk, msg);
	k->sync_seq = nlmsg_hdr(msg)->nlmsg_seq;
	/* keys were in it */
	sodium_memzero(nlmsg_hdr(msg), nlmsg_hdr(msg)->nlmsg_len);
	nlmsg_free(msg);
	if (err < 0)
		return -EIO;
	if (!sync)
		return 0;
	k->sync = true;
	while (k->sync) {
		err = nl_recvmsgs_default(k->sk);
		if (err < 0 && k->sync)
			return -EIO;
	}
	return k->sync_err;
}

int kern_register(struct kern *k)
{
	return send_msg(k, request(k, MYC_CMD_DAEMON_REGISTER), true);
}

int kern_node_set(struct kern *k, uint64_t id, uint8_t type)
{
	struct nl_msg *msg = request(k, MYC_CMD_NODE_SET);

	if (msg && (nla_put_u64(msg, MYC_A_NODE_ID, id) ||
		    nla_put_u8(msg, MYC_A_NODE_TYPE, type))) {
		nlmsg_free(msg);
		return -ENOMEM;
	}
	return send_msg(k, msg, true);
}

int kern_receive(struct kern *k)
{
	return nl_recvmsgs_default(k->sk) < 0 ? -EIO : 0;
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
	struct nl_msg *msg = request(k, MYC_CMD_HANDSHAKE_SEND);

	if (msg && (nla_put_u64(msg, MYC_A_AUTH_PEER, peer) ||
		    nla_put(msg, MYC_A_AUTH_DATA, (int)len, data))) {
		nlmsg_free(msg);
		return -ENOMEM;
	}
	return send_msg(k, msg, false);
}

int kern_keys(struct kern *k, uint64_t peer, const struct hs_out *out)
{
	struct nl_msg *msg = request(k, MYC_CMD_AUTH_SET);
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
	/* keys in before the message that lets the peer use them */
	err = send_msg(k, msg, true);
	return err;
}

int kern_refuse(struct kern *k, uint64_t peer)
{
	struct nl_msg *msg = request(k, MYC_CMD_AUTH_SET);

	if (msg && (nla_put_u64(msg, MYC_A_AUTH_PEER, peer) ||
		    nla_put_u8(msg, MYC_A_AUTH_STATE, MYC_AUTH_FAILED))) {
		nlmsg_free(msg);
		return -ENOMEM;
	}
	return send_msg(k, msg, false);
}
