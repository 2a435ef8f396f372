// SPDX-License-Identifier: GPL-2.0
/*
 * Generic netlink request/response over libmnl, with extended acks: the
 * kernel's extack message of a failed request is kept in h->errmsg.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>

#include "libmyc.h"

#ifndef NETLINK_EXT_ACK
#define NETLINK_EXT_ACK 11
#endif
#ifndef NETLINK_CAP_ACK
#define NETLINK_CAP_ACK 10
#endif

#define MYC_NL_BUFSZ (MNL_SOCKET_BUFFER_SIZE * 4)

struct talk {
	struct myc_nl *h;
	myc_nl_cb cb;
	void *data;
	int err;
};

static int extack_attr_cb(const struct nlattr *attr, void *data)
{
	struct myc_nl *h = data;

	if (mnl_attr_get_type(attr) == NLMSGERR_ATTR_MSG &&
	    mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) == 0)
		snprintf(h->errmsg, sizeof(h->errmsg), "%s",
			 mnl_attr_get_str(attr));
	return MNL_CB_OK;
}

static int error_cb(const struct nlmsghdr *nlh, void *data)
{
	struct talk *t = data;
	const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);
	unsigned int off = sizeof(*e);

	if (nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*e))) {
		t->err = -EBADMSG;
		return MNL_CB_ERROR;
	}
	if (nlh->nlmsg_flags & NLM_F_ACK_TLVS) {
		if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
			off += e->msg.nlmsg_len - sizeof(e->msg);
		if (mnl_nlmsg_size(off) <= nlh->nlmsg_len)
			mnl_attr_parse(nlh, off, extack_attr_cb, t->h);
	}
	if (e->error) {
		t->err = e->error;
		return MNL_CB_ERROR;
	}
	return MNL_CB_STOP;	/* plain ack */
}

/* End of a dump; a negative payload is the dump's error. */
static int done_cb(const struct nlmsghdr *nlh, void *data)
{
	struct talk *t = data;

	if (mnl_nlmsg_get_payload_len(nlh) >= sizeof(int)) {
		int err = *(const int *)mnl_nlmsg_get_payload(nlh);

		if (err < 0) {
			t->err = err;
			return MNL_CB_ERROR;
		}
	}
	return MNL_CB_STOP;
}

/* libmnl wants a non-const table; it is never written. */
static mnl_cb_t ctl_cbs[NLMSG_MIN_TYPE] = {
	[NLMSG_ERROR] = error_cb,
	[NLMSG_DONE] = done_cb,
};

static int data_cb(const struct nlmsghdr *nlh, void *data)
{
	struct talk *t = data;

	return t->cb ? t->cb(nlh, t->data) : MNL_CB_OK;
}

static int run_talk(struct talk *t, uint32_t seq)
{
	struct myc_nl *h = t->h;
	ssize_t n;
	int ret;

	do {
		n = mnl_socket_recvfrom(h->sock, h->buf, MYC_NL_BUFSZ);
		if (n < 0)
			return -errno;
		ret = mnl_cb_run2(h->buf, n, seq, h->portid, data_cb, t, ctl_cbs,
				  NLMSG_MIN_TYPE);
	} while (ret > MNL_CB_STOP);

	if (ret < 0)
		return t->err ? t->err : -errno;
	return 0;
}

static int send_and_run(struct myc_nl *h, struct nlmsghdr *nlh, myc_nl_cb cb,
			void *data)
{
	struct talk t = { .h = h, .cb = cb, .data = data };

	h->errmsg[0] = '\0';
	nlh->nlmsg_flags |= NLM_F_ACK;
	if (mnl_socket_sendto(h->sock, nlh, nlh->nlmsg_len) < 0)
		return -errno;
	return run_talk(&t, nlh->nlmsg_seq);
}

static int group_cb(const struct nlattr *attr, void *data)
{
	const struct nlattr *name = NULL, *id = NULL, *a;
	struct myc_nl *h = data;
	unsigned int i;

	mnl_attr_for_each_nested(a, attr) {
		if (mnl_attr_get_type(a) == CTRL_ATTR_MCAST_GRP_NAME &&
		    !mnl_attr_validate(a, MNL_TYPE_NUL_STRING))
			name = a;
		else if (mnl_attr_get_type(a) == CTRL_ATTR_MCAST_GRP_ID &&
			 !mnl_attr_validate(a, MNL_TYPE_U32))
			id = a;
	}
	if (!name || !id)
		return MNL_CB_OK;
	for (i = 0; i < MYC_NL_MAX_GROUPS; i++) {
		if (!h->groups[i].name[0]) {
			snprintf(h->groups[i].name, sizeof(h->groups[i].name),
				 "%s", mnl_attr_get_str(name));
			h->groups[i].id = mnl_attr_get_u32(id);
			break;
		}
	}
	return MNL_CB_OK;
}

static int family_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[CTRL_ATTR_MAX + 1] = {};
	struct myc_nl *h = data;

	if (myc_nl_parse(nlh, tb, CTRL_ATTR_MAX) < 0 ||
	    !tb[CTRL_ATTR_FAMILY_ID] ||
	    mnl_attr_validate(tb[CTRL_ATTR_FAMILY_ID], MNL_TYPE_U16))
		return MNL_CB_ERROR;
	h->family_id = mnl_attr_get_u16(tb[CTRL_ATTR_FAMILY_ID]);
	if (tb[CTRL_ATTR_MCAST_GROUPS])
		mnl_attr_parse_nested(tb[CTRL_ATTR_MCAST_GROUPS], group_cb, h);
	return MNL_CB_OK;
}

int myc_nl_open(struct myc_nl *h)
{
	struct nlmsghdr *nlh;
	struct genlmsghdr *g;
	int one = 1, err;

	memset(h, 0, sizeof(*h));
	h->buf = malloc(MYC_NL_BUFSZ);
	if (!h->buf)
		return -ENOMEM;
	h->sock = mnl_socket_open(NETLINK_GENERIC);
	if (!h->sock) {
		err = -errno;
		goto fail;
	}
	mnl_socket_setsockopt(h->sock, NETLINK_EXT_ACK, &one, sizeof(one));
	mnl_socket_setsockopt(h->sock, NETLINK_CAP_ACK, &one, sizeof(one));
	if (mnl_socket_bind(h->sock, 0, MNL_SOCKET_AUTOPID) < 0) {
		err = -errno;
		goto fail;
	}
	h->portid = mnl_socket_get_portid(h->sock);
	h->seq = (uint32_t)time(NULL);

	nlh = mnl_nlmsg_put_header(h->buf);
	nlh->nlmsg_type = GENL_ID_CTRL;
	nlh->nlmsg_flags = NLM_F_REQUEST;
	nlh->nlmsg_seq = ++h->seq;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->cmd = CTRL_CMD_GETFAMILY;
	g->version = 1;
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, MYC_GENL_NAME);

	err = send_and_run(h, nlh, family_cb, h);
	if (err == -ENOENT) {
		snprintf(h->errmsg, sizeof(h->errmsg),
			 "the mycelium module is not loaded (modprobe mycelium)");
		goto fail_keep_msg;
	}
	if (err)
		goto fail;
	if (!h->family_id) {
		err = -EPROTO;
		goto fail;
	}
	return 0;

fail:
	h->errmsg[0] = '\0';
fail_keep_msg:
	if (h->sock)
		mnl_socket_close(h->sock);
	h->sock = NULL;
	free(h->buf);
	h->buf = NULL;
	return err;
}

void myc_nl_close(struct myc_nl *h)
{
	if (h->sock)
		mnl_socket_close(h->sock);
	free(h->buf);
	h->sock = NULL;
	h->buf = NULL;
}

struct nlmsghdr *myc_nl_msg(struct myc_nl *h, uint8_t cmd, uint16_t flags)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(h->buf);
	struct genlmsghdr *g;

	nlh->nlmsg_type = h->family_id;
	nlh->nlmsg_flags = NLM_F_REQUEST | flags;
	nlh->nlmsg_seq = ++h->seq;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->cmd = cmd;
	g->version = MYC_GENL_VERSION;
	return nlh;
}

int myc_nl_talk(struct myc_nl *h, struct nlmsghdr *nlh, myc_nl_cb cb,
		void *data)
{
	return send_and_run(h, nlh, cb, data);
}

int myc_nl_join(struct myc_nl *h, const char *name)
{
	unsigned int i;

	for (i = 0; i < MYC_NL_MAX_GROUPS; i++) {
		if (strcmp(h->groups[i].name, name))
			continue;
		if (mnl_socket_setsockopt(h->sock, NETLINK_ADD_MEMBERSHIP,
					  &h->groups[i].id,
					  sizeof(h->groups[i].id)) < 0)
			return -errno;
		return 0;
	}
	return -ENOENT;
}

int myc_nl_recv(struct myc_nl *h, myc_nl_cb cb, void *data)
{
	struct talk t = { .h = h, .cb = cb, .data = data };
	ssize_t n;
	int ret;

	n = mnl_socket_recvfrom(h->sock, h->buf, MYC_NL_BUFSZ);
	if (n < 0)
		return -errno;
	ret = mnl_cb_run2(h->buf, n, 0, 0, data_cb, &t, ctl_cbs, NLMSG_MIN_TYPE);
	if (ret < 0)
		return t.err ? t.err : -EBADMSG;
	return 0;
}

void myc_nl_perror(const struct myc_nl *h, int err)
{
	if (h->errmsg[0])
		myc_error("%s (%s)", h->errmsg, strerror(-err));
	else
		myc_error("%s", strerror(-err));
}

struct parse {
	const struct nlattr **tb;
	unsigned int max;
};

static int parse_cb(const struct nlattr *attr, void *data)
{
	struct parse *p = data;
	unsigned int type = mnl_attr_get_type(attr);

	if (type <= p->max)
		p->tb[type] = attr;	/* unknown (newer) attributes are skipped */
	return MNL_CB_OK;
}

int myc_nl_parse(const struct nlmsghdr *nlh, const struct nlattr **tb,
		 unsigned int max)
{
	struct parse p = { .tb = tb, .max = max };

	return mnl_attr_parse(nlh, sizeof(struct genlmsghdr), parse_cb, &p) ==
	       MNL_CB_ERROR ? -EBADMSG : 0;
}

int myc_nl_parse_nested(const struct nlattr *nest, const struct nlattr **tb,
			unsigned int max)
{
	struct parse p = { .tb = tb, .max = max };

	return mnl_attr_parse_nested(nest, parse_cb, &p) == MNL_CB_ERROR ?
	       -EBADMSG : 0;
}
