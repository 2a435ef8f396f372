// SPDX-License-Identifier: GPL-2.0
/*
 * A node that restarts (its namespace deleted and made again with the same
 * addresses and id) talks to its peers again with no command on their
 * side: the pair starts afresh (kmod/restart.c).  Insecure nodes here, so a
 * HELLO of the new instance restarts the pair; restart_cli.sh does it with
 * myceliumd and keys.  What was in flight to the old instance comes back
 * with ECONNRESET; connections to it are reset.
 */
#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <linux/errqueue.h>
#include <time.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "helpers.h"

/* Node b goes and comes back: same addresses, same id, a's peer again. */
static int restart_b(bool delete)
{
	if (delete && run("ip netns del mB"))
		return -1;
	return run("ip netns add mB && "
		   "ip link add vA netns mA type veth peer name vB netns mB && "
		   "ip -n mB link set lo up && "
		   "ip -n mA addr add 10.0.0.1/24 dev vA && "
		   "ip -n mB addr add 10.0.0.2/24 dev vB && "
		   "ip -n mA link set vA up && ip -n mB link set vB up && "
		   "myc -n mB node set id b && " INSECURE("mB") " && "
		   "myc -n mB peer add a type sclerotia path 10.0.0.2 10.0.0.1");
}

static int guaranteed_socket(const char *ns, uint32_t port)
{
	int fd = socket_in(ns, SOCK_DGRAM);

	if (fd < 0)
		return -1;
	if (bind_port(fd, port) ||
	    myc_setopt(fd, MYC_SO_GUARANTEE, MYC_GUARANTEE_GUARANTEED)) {
		close(fd);
		return -1;
	}
	return fd;
}

static int send_msg(int fd, uint64_t node, const char *s)
{
	struct sockaddr_myc to = myc_addr(node, MYC_ADDR_PORT, 100);

	return sendto(fd, s, strlen(s), 0, (struct sockaddr *)&to,
		      sizeof(to)) == (ssize_t)strlen(s) ? 0 : -errno;
}

/* A message within ms, into buf (0-terminated); its length or -1. */
static int recv_within(int fd, char *buf, size_t size, int ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	ssize_t n;

	if (poll(&p, 1, ms) != 1 || !(p.revents & POLLIN))
		return -1;
	n = recv(fd, buf, size - 1, MSG_DONTWAIT);
	if (n < 0)
		return -1;
	buf[n] = 0;
	return (int)n;
}

/* The errno of the next error queue entry within ms, or 0. */
static int next_err(int fd, int ms)
{
	union {
		char buf[CMSG_SPACE(sizeof(struct sock_extended_err))];
		struct cmsghdr align;
	} ctl;
	char data[256];
	struct iovec iov = { .iov_base = data, .iov_len = sizeof(data) };
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = ctl.buf, .msg_controllen = sizeof(ctl.buf),
	};
	struct pollfd p = { .fd = fd, .events = 0 };
	struct sock_extended_err ee;
	struct cmsghdr *c;

	if (poll(&p, 1, ms) != 1 || !(p.revents & POLLERR))
		return 0;
	if (recvmsg(fd, &msg, MSG_ERRQUEUE | MSG_DONTWAIT) < 0)
		return 0;
	for (c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
		if (c->cmsg_level == SOL_MYCELIUM &&
		    c->cmsg_type == MYC_CMSG_ERR) {
			memcpy(&ee, CMSG_DATA(c), sizeof(ee));
			return ee.ee_errno;
		}
	}
	return -1;
}

static double now_s(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec / 1e9;
}

/*
 * Until to gets a message from `from` (resent every 500 ms, as a user
 * whose message came back with ECONNRESET would): the seconds it took,
 * or -1 after limit seconds.
 */
static double until_through(int from, uint64_t node, int to, double limit)
{
	double t0 = now_s();
	char buf[64];
	int i;

	for (i = 0; now_s() - t0 < limit; i++) {
		snprintf(buf, sizeof(buf), "m%d", i);
		if (send_msg(from, node, buf))
			usleep(100000);
		while (next_err(from, 0))
			;
		if (recv_within(to, buf, sizeof(buf), 500) > 0)
			return now_s() - t0;
	}
	return -1;
}

FIXTURE(rs)
{
	int a, b;
};

FIXTURE_SETUP(rs)
{
	char buf[64];

	ASSERT_EQ(0, load_module());
	ASSERT_EQ(0, topo_two_nodes(false));
	self->a = guaranteed_socket("mA", 100);
	self->b = guaranteed_socket("mB", 100);
	ASSERT_LE(0, self->a);
	ASSERT_LE(0, self->b);
	/* the pair works both ways before */
	ASSERT_EQ(0, send_msg(self->a, 0xb, "hello b"));
	ASSERT_LT(0, recv_within(self->b, buf, sizeof(buf), 10000));
	ASSERT_EQ(0, send_msg(self->b, 0xa, "hello a"));
	ASSERT_LT(0, recv_within(self->a, buf, sizeof(buf), 10000));
}

FIXTURE_TEARDOWN(rs)
{
	close(self->a);
	if (self->b >= 0)
		close(self->b);
	topo_cleanup();
}

/*
 * b restarts; a is left as it was.  Guaranteed messages go both ways
 * again within 15 s (a bound for TCG; the figure is printed), and a counts
 * one restart of b.
 */
TEST_F_TIMEOUT(rs, messages_flow_both_ways_after_restart, 120)
{
	double t0, ab, ba;

	close(self->b);		/* it holds the old namespace */
	self->b = -1;
	t0 = now_s();
	ASSERT_EQ(0, restart_b(true));
	self->b = guaranteed_socket("mB", 100);
	ASSERT_LE(0, self->b);
	ab = until_through(self->a, 0xb, self->b, 15);
	ASSERT_LE(0, ab);
	ba = until_through(self->b, 0xa, self->a, 15);
	ASSERT_LE(0, ba);
	TH_LOG("through again after the restart: a->b %.2f s, b->a %.2f s "
	       "(from the restart's start, setup included: %.2f s)",
	       ab, ba, now_s() - t0);
	EXPECT_GE(15.0, now_s() - t0);
	EXPECT_EQ(1, myc_json("mA", "-s peer show b", "0.stats.restarts"));
	EXPECT_EQ(0, myc_json("mB", "-s peer show a", "0.stats.restarts"));
}

/*
 * Messages sent while b is gone cannot be acknowledged; when b comes back
 * as a new instance they return to the sender with ECONNRESET, every one,
 * and the new b gets none of them (their numbers were the old instance's).
 */
TEST_F_TIMEOUT(rs, unacknowledged_come_back_with_econnreset, 120)
{
	int i, e, reset = 0, other = 0;
	char buf[64];

	/* b goes without a word (its namespace is torn down later) */
	ASSERT_EQ(0, run("ip -n mB link set vB down"));
	close(self->b);
	self->b = -1;
	ASSERT_EQ(0, run("ip netns del mB"));
	ASSERT_EQ(0, myc_setopt(self->a, MYC_SO_TIMEOUT, 0));	/* never */
	for (i = 0; i < 5; i++) {
		snprintf(buf, sizeof(buf), "lost %d", i);
		ASSERT_EQ(0, send_msg(self->a, 0xb, buf));
	}
	usleep(500000);
	EXPECT_EQ(0, next_err(self->a, 0));	/* nothing back yet */
	ASSERT_EQ(0, restart_b(false));
	self->b = guaranteed_socket("mB", 100);
	ASSERT_LE(0, self->b);
	while ((e = next_err(self->a, 15000))) {
		if (e == ECONNRESET)
			reset++;
		else
			other++;
		if (reset + other == 5)
			break;
	}
	EXPECT_EQ(5, reset);
	EXPECT_EQ(0, other);
	EXPECT_GT(0, recv_within(self->b, buf, sizeof(buf), 1000));
	/* and the pair works */
	ASSERT_EQ(0, send_msg(self->a, 0xb, "after"));
	ASSERT_LT(0, recv_within(self->b, buf, sizeof(buf), 10000));
	EXPECT_STREQ("after", buf);
}

/*
 * A connection to the old instance is reset, as a TCP RST does.  The old b
 * goes without a word: its link is down before its end of the connection
 * closes, as when a machine loses power.
 */
TEST_F_TIMEOUT(rs, connection_to_old_instance_is_reset, 120)
{
	struct sockaddr_myc to = myc_addr(0xb, MYC_ADDR_PORT, 200);
	int l, c, s, tries, go[2];
	char buf[16];
	ssize_t n = 0;
	pid_t pid;

	l = socket_in("mB", SOCK_SEQPACKET);
	c = socket_in("mA", SOCK_SEQPACKET);
	ASSERT_LE(0, l);
	ASSERT_LE(0, c);
	ASSERT_EQ(0, bind_port(l, 200));
	ASSERT_EQ(0, listen(l, 4));
	ASSERT_EQ(0, pipe(go));
	pid = fork();
	if (pid == 0) {
		s = accept(l, NULL, NULL);
		read(go[0], buf, 1);	/* until b's link is down */
		_exit(s < 0);
	}
	ASSERT_EQ(0, connect(c, (struct sockaddr *)&to, sizeof(to)))
		TH_LOG("connect: %s", strerror(errno));
	ASSERT_EQ(0, run("ip -n mB link set vB down"));
	ASSERT_EQ(1, write(go[1], "x", 1));
	ASSERT_EQ(pid, waitpid(pid, NULL, 0));
	close(l);
	close(self->b);
	self->b = -1;
	ASSERT_EQ(0, run("ip netns del mB"));
	ASSERT_EQ(0, restart_b(false));
	self->b = guaranteed_socket("mB", 100);
	/* b's HELLO restarts the pair; the connection sees the reset */
	for (tries = 0; tries < 150; tries++) {
		n = recv(c, buf, sizeof(buf), MSG_DONTWAIT);
		if (n >= 0 || errno != EAGAIN)
			break;
		usleep(100000);
	}
	EXPECT_EQ(-1, n);
	EXPECT_EQ(ECONNRESET, errno);
	EXPECT_EQ(1, myc_json("mA", "-s peer show b", "0.stats.restarts"));
	close(c);
	close(go[0]);
	close(go[1]);
}

TEST_HARNESS_MAIN
