// SPDX-License-Identifier: GPL-2.0
/*
 * The "mycelium" generic netlink family: node get/set, policy validation
 * with extack messages, per-netns nodes, CAP_NET_ADMIN, notifications.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>

#include "kselftest_harness.h"
#include "helpers.h"

FIXTURE(node)
{
	struct node_info saved;
};

FIXTURE_SETUP(node)
{
	ASSERT_EQ(0, load_module());
	ASSERT_EQ(0, node_get(&self->saved));
}

FIXTURE_TEARDOWN(node)
{
	node_set(self->saved.id, self->saved.type, self->saved.port);
}

TEST_F(node, defaults)
{
	EXPECT_NE(0ULL, self->saved.id);
	EXPECT_EQ(myc_family(), self->saved.family);
	EXPECT_LE(0, self->saved.type);
	EXPECT_GE(MYC_NODE_TYPE_MAX, self->saved.type);
	EXPECT_NE(0, self->saved.port);
}

TEST_F(node, set_get_roundtrip)
{
	struct node_info n;

	ASSERT_EQ(0, node_set(0x1122334455667788ULL, MYC_NODE_SCLEROTIA, 7001));
	ASSERT_EQ(0, node_get(&n));
	EXPECT_EQ(0x1122334455667788ULL, n.id);
	EXPECT_EQ(MYC_NODE_SCLEROTIA, n.type);
	EXPECT_EQ(7001, n.port);

	/* attributes not given are left alone */
	ASSERT_EQ(0, node_set(0, MYC_NODE_RHIZOMORPH, -1));
	ASSERT_EQ(0, node_get(&n));
	EXPECT_EQ(0x1122334455667788ULL, n.id);
	EXPECT_EQ(MYC_NODE_RHIZOMORPH, n.type);
	EXPECT_EQ(7001, n.port);
}

/* A request the policy or the handler refuses: errno and extack. */
static void expect_refused(struct __test_metadata *_metadata,
			   const struct raw_attr *a, int n, int want_err,
			   const char *want_msg)
{
	char ext[256];

	EXPECT_EQ(want_err, node_set_raw(a, n, ext, sizeof(ext)));
	EXPECT_NE('\0', ext[0]) TH_LOG("no extack message");
	if (want_msg)
		EXPECT_NE(NULL, strstr(ext, want_msg)) TH_LOG("extack: \"%s\"", ext);
}

TEST_F(node, refused_with_extack)
{
	uint64_t zero = 0;
	uint32_t id32 = 5;
	uint8_t type_bad = MYC_NODE_TYPE_MAX + 1;
	uint16_t port0 = 0, fam = 30;
	uint32_t socks = 1;
	struct node_info n;

	expect_refused(_metadata,
		       &(struct raw_attr){ MYC_A_NODE_TYPE, 1, &type_bad }, 1,
		       -ERANGE, NULL);
	expect_refused(_metadata,
		       &(struct raw_attr){ MYC_A_NODE_PORT, 2, &port0 }, 1,
		       -ERANGE, NULL);
	expect_refused(_metadata,
		       &(struct raw_attr){ MYC_A_NODE_ID, 4, &id32 }, 1,
		       -EINVAL, NULL);
	expect_refused(_metadata,
		       &(struct raw_attr){ MYC_A_NODE_ID, 8, &zero }, 1,
		       -EINVAL, "reserved");
	expect_refused(_metadata,
		       &(struct raw_attr){ MYC_A_NODE_FAMILY, 2, &fam }, 1,
		       -EINVAL, "read-only");
	expect_refused(_metadata,
		       &(struct raw_attr){ MYC_A_NODE_SOCKETS, 4, &socks }, 1,
		       -EINVAL, "read-only");
	expect_refused(_metadata,
		       &(struct raw_attr){ MYC_A_NODE_MAX + 1, 4, &socks }, 1,
		       -EINVAL, NULL);
	expect_refused(_metadata, NULL, 0, -EINVAL, "nothing to set");

	/* nothing changed on the way */
	ASSERT_EQ(0, node_get(&n));
	EXPECT_EQ(self->saved.id, n.id);
	EXPECT_EQ(self->saved.type, n.type);
	EXPECT_EQ(self->saved.port, n.port);
}

TEST_F(node, one_bad_attribute_rejects_the_whole_request)
{
	uint16_t port = 7002, port0 = 0;
	struct raw_attr a[2] = {
		{ MYC_A_NODE_PORT, 2, &port },
		{ MYC_A_NODE_PORT, 2, &port0 },
	};
	struct node_info n;
	char ext[256];

	EXPECT_EQ(-ERANGE, node_set_raw(a, 2, ext, sizeof(ext)));
	ASSERT_EQ(0, node_get(&n));
	EXPECT_EQ(self->saved.port, n.port);
}

/* Hand-made messages: unknown command, attribute to GET, short header. */
TEST_F(node, malformed_messages)
{
	struct nlmsghdr *nlh;
	struct myc_nl h;
	uint32_t v = 1;

	ASSERT_EQ(0, myc_nl_open(&h));

	nlh = myc_nl_msg(&h, 99, 0);
	EXPECT_EQ(-EOPNOTSUPP, myc_nl_talk(&h, nlh, NULL, NULL));

	nlh = myc_nl_msg(&h, MYC_CMD_NODE_GET, 0);
	mnl_attr_put_u32(nlh, MYC_A_NODE_PORT, v);
	EXPECT_EQ(-EINVAL, myc_nl_talk(&h, nlh, NULL, NULL));
	EXPECT_NE('\0', h.errmsg[0]);

	/* a message shorter than the genetlink header */
	nlh = myc_nl_msg(&h, MYC_CMD_NODE_GET, 0);
	nlh->nlmsg_len = sizeof(*nlh) + 2;
	EXPECT_EQ(-EINVAL, myc_nl_talk(&h, nlh, NULL, NULL));

	/* a dump of a command that has no dump */
	nlh = myc_nl_msg(&h, MYC_CMD_NODE_SET, NLM_F_DUMP);
	EXPECT_NE(0, myc_nl_talk(&h, nlh, NULL, NULL));

	myc_nl_close(&h);
}

/* Runs fn in a child; returns the child's exit status. */
static int in_child(int (*fn)(void *), void *arg)
{
	pid_t pid = fork();
	int st;

	if (pid < 0)
		return -1;
	if (!pid)
		_exit(fn(arg));
	if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st))
		return -1;
	return WEXITSTATUS(st);
}

static int set_in_new_netns(void *arg)
{
	uint64_t id = *(uint64_t *)arg;
	struct node_info n;

	if (unshare(CLONE_NEWNET))
		return 10;
	if (node_get(&n))
		return 11;
	if (n.id == id)
		return 12;	/* a fresh netns has its own random id */
	if (n.sockets != 0)
		return 13;
	if (node_set(id, MYC_NODE_SCLEROTIA, 7100))
		return 14;
	if (node_get(&n) || n.id != id || n.type != MYC_NODE_SCLEROTIA ||
	    n.port != 7100)
		return 15;
	return 0;
}

TEST_F(node, independent_nodes_per_netns)
{
	uint64_t a = 0xa, b = 0xb;
	struct node_info n;

	ASSERT_EQ(0, node_set(0x1, MYC_NODE_HYPHAE, 7000));
	EXPECT_EQ(0, in_child(set_in_new_netns, &a));
	EXPECT_EQ(0, in_child(set_in_new_netns, &b));
	ASSERT_EQ(0, node_get(&n));
	EXPECT_EQ(0x1ULL, n.id);
	EXPECT_EQ(MYC_NODE_HYPHAE, n.type);
	EXPECT_EQ(7000, n.port);
}

static int unprivileged_set(void *arg)
{
	struct node_info n;

	if (become_nobody())
		return 10;
	if (node_get(&n))
		return 11;	/* anyone may read */
	if (node_set(0, MYC_NODE_SCLEROTIA, -1) != -EPERM)
		return 12;
	return 0;
}

TEST_F(node, set_needs_cap_net_admin)
{
	struct node_info n;

	EXPECT_EQ(0, in_child(unprivileged_set, NULL));
	ASSERT_EQ(0, node_get(&n));
	EXPECT_EQ(self->saved.type, n.type);
}

static int userns_owner_may_set(void *arg)
{
	struct node_info n;

	if (become_nobody())
		return 10;
	/* an unprivileged user owns a new user + network namespace */
	if (unshare(CLONE_NEWUSER | CLONE_NEWNET))
		return 20;
	if (node_set(0x77, MYC_NODE_SCLEROTIA, 7200))
		return 12;
	if (node_get(&n) || n.id != 0x77)
		return 13;
	return 0;
}

static int userns_not_owner(void *arg)
{
	if (become_nobody())
		return 10;
	/* CAP_NET_ADMIN in a new user namespace does not cover init_net */
	if (unshare(CLONE_NEWUSER))
		return 20;
	if (node_set(0, MYC_NODE_SCLEROTIA, -1) != -EPERM)
		return 12;
	return 0;
}

TEST_F(node, cap_net_admin_of_the_owning_userns)
{
	struct node_info n;
	int st = in_child(userns_owner_may_set, NULL);

	if (st == 20)
		SKIP(return, "unprivileged user namespaces are disabled");
	EXPECT_EQ(0, st);
	EXPECT_EQ(0, in_child(userns_not_owner, NULL));
	ASSERT_EQ(0, node_get(&n));
	EXPECT_EQ(self->saved.id, n.id);
	EXPECT_EQ(self->saved.type, n.type);
}

struct ntf {
	int count;
	struct node_info n;
};

static int ntf_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct genlmsghdr *g = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *tb[MYC_A_NODE_MAX + 1] = {};
	struct ntf *ntf = data;

	if (g->cmd != MYC_CMD_NODE_NTF)
		return MNL_CB_OK;
	if (myc_nl_parse(nlh, tb, MYC_A_NODE_MAX) || !tb[MYC_A_NODE_ID] ||
	    !tb[MYC_A_NODE_TYPE] || !tb[MYC_A_NODE_PORT])
		return MNL_CB_ERROR;
	ntf->count++;
	ntf->n.id = mnl_attr_get_u64(tb[MYC_A_NODE_ID]);
	ntf->n.type = mnl_attr_get_u8(tb[MYC_A_NODE_TYPE]);
	ntf->n.port = mnl_attr_get_u16(tb[MYC_A_NODE_PORT]);
	return MNL_CB_OK;
}

TEST_F(node, change_is_notified_on_events_group)
{
	struct ntf ntf = {};
	struct myc_nl h;
	struct timeval tv = { .tv_sec = 2 };

	ASSERT_EQ(0, myc_nl_open(&h));
	ASSERT_EQ(0, myc_nl_join(&h, MYC_MCGRP_EVENTS));
	ASSERT_EQ(0, setsockopt(mnl_socket_get_fd(h.sock), SOL_SOCKET,
				SO_RCVTIMEO, &tv, sizeof(tv)));

	ASSERT_EQ(0, node_set(0x4242, MYC_NODE_RHIZOMORPH, 7300));
	ASSERT_EQ(0, myc_nl_recv(&h, ntf_cb, &ntf));
	EXPECT_EQ(1, ntf.count);
	EXPECT_EQ(0x4242ULL, ntf.n.id);
	EXPECT_EQ(MYC_NODE_RHIZOMORPH, ntf.n.type);
	EXPECT_EQ(7300, ntf.n.port);

	/* setting the same values again is not a change */
	ASSERT_EQ(0, node_set(0x4242, MYC_NODE_RHIZOMORPH, 7300));
	EXPECT_EQ(-EAGAIN, myc_nl_recv(&h, ntf_cb, &ntf));
	EXPECT_EQ(1, ntf.count);
	myc_nl_close(&h);
}

TEST_F(node, auth_group_needs_cap_net_admin)
{
	pid_t pid = fork();
	int st;

	ASSERT_LE(0, pid);
	if (!pid) {
		struct myc_nl h;

		if (become_nobody() || myc_nl_open(&h))
			_exit(10);
		if (myc_nl_join(&h, MYC_MCGRP_EVENTS))
			_exit(11);	/* events: open to all */
		_exit(myc_nl_join(&h, MYC_MCGRP_AUTH) == -EPERM ? 0 : 12);
	}
	ASSERT_EQ(pid, waitpid(pid, &st, 0));
	EXPECT_EQ(0, WEXITSTATUS(st));
}

TEST_HARNESS_MAIN
