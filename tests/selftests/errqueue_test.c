// SPDX-License-Identifier: GPL-2.0
/*
 * Undeliverable messages come back on MSG_ERRQUEUE: a reliable message to
 * a port or service nobody is bound to (returned by the remote node), one
 * that stays unacknowledged past MYC_SO_TIMEOUT (the peer cannot be
 * reached), one whose peer is removed.  Best-effort messages never come
 * back, and a message given up does not hold back the ones after it.
 */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <linux/errqueue.h>

#include "kselftest_harness.h"
#include "helpers.h"

/*
 * Data bytes in a full frame: MTU less IPv6, UDP, the room sealing takes,
 * frame and chunk headers.
 */
#define CHUNK_DATA_MAX	(1500 - 40 - 8 - 18 - 28 - 36)

struct err_msg {
	ssize_t len;
	int flags;
	struct sock_extended_err ee;
	struct sockaddr_myc dst;
	bool have_ee;
};

/* Wait up to ms for an error queue entry and read it into buf. */
static int recv_err(int fd, void *buf, size_t size, struct err_msg *m,
		    int ms)
{
	union {
		char buf[CMSG_SPACE(sizeof(struct sock_extended_err))];
		struct cmsghdr align;
	} ctl;
	struct iovec iov = { .iov_base = buf, .iov_len = size };
	struct msghdr msg = {
		.msg_name = &m->dst,
		.msg_namelen = sizeof(m->dst),
		.msg_iov = &iov,
		.msg_iovlen = 1,
		.msg_control = ctl.buf,
		.msg_controllen = sizeof(ctl.buf),
	};
	struct pollfd p = { .fd = fd, .events = 0 };
	struct cmsghdr *c;

	memset(m, 0, sizeof(*m));
	if (poll(&p, 1, ms) != 1 || !(p.revents & POLLERR))
		return -ETIMEDOUT;
	m->len = recvmsg(fd, &msg, MSG_ERRQUEUE | MSG_DONTWAIT);
	if (m->len < 0)
		return -errno;
	m->flags = msg.msg_flags;
	for (c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
		if (c->cmsg_level == SOL_MYCELIUM &&
		    c->cmsg_type == MYC_CMSG_ERR &&
		    c->cmsg_len == CMSG_LEN(sizeof(m->ee))) {
			memcpy(&m->ee, CMSG_DATA(c), sizeof(m->ee));
			m->have_ee = true;
		}
	}
	return 0;
}

static ssize_t send_to(int fd, uint32_t kind, uint32_t id, const void *buf,
		       size_t len)
{
	struct sockaddr_myc to = myc_addr(0xb, kind, id);

	return sendto(fd, buf, len, 0, (struct sockaddr *)&to, sizeof(to));
}

FIXTURE(eq)
{
	int a, b;
};

FIXTURE_SETUP(eq)
{
	struct timeval tv = { .tv_sec = 5 };

	ASSERT_EQ(0, load_module());
	ASSERT_EQ(0, topo_two_nodes(false));
	ASSERT_EQ(0, run("ip netns exec mA ping -c1 -W2 10.0.0.2 >/dev/null"));
	self->a = socket_in("mA", SOCK_DGRAM);
	self->b = socket_in("mB", SOCK_DGRAM);
	ASSERT_LE(0, self->a);
	ASSERT_LE(0, self->b);
	ASSERT_EQ(0, bind_port(self->a, 50));
	ASSERT_EQ(0, bind_port(self->b, 100));
	ASSERT_EQ(0, setsockopt(self->b, SOL_SOCKET, SO_RCVTIMEO, &tv,
				sizeof(tv)));
}

FIXTURE_TEARDOWN(eq)
{
	close(self->a);
	close(self->b);
	topo_cleanup();
}

/* A guaranteed message to an unbound port comes back with ECONNREFUSED. */
TEST_F(eq, unbound_port_guaranteed)
{
	struct err_msg m;
	char buf[64];

	ASSERT_EQ(0, myc_setopt(self->a, MYC_SO_GUARANTEE,
			     MYC_GUARANTEE_GUARANTEED));
	ASSERT_EQ(5, send_to(self->a, MYC_ADDR_PORT, 4242, "hello", 5));
	ASSERT_EQ(0, recv_err(self->a, buf, sizeof(buf), &m, 5000));
	EXPECT_EQ(5, m.len);
	EXPECT_EQ(0, memcmp(buf, "hello", 5));
	EXPECT_TRUE(m.flags & MSG_ERRQUEUE);
	ASSERT_TRUE(m.have_ee);
	EXPECT_EQ(ECONNREFUSED, (int)m.ee.ee_errno);
	EXPECT_EQ(MYC_EE_ORIGIN_REMOTE, m.ee.ee_origin);
	EXPECT_EQ(5U, m.ee.ee_data);
	EXPECT_EQ(MYC_ADDR_PORT, m.dst.smyc_kind);
	EXPECT_EQ(4242U, m.dst.smyc_id);
	EXPECT_EQ(0xbULL, m.dst.smyc_node);

	/* exactly one entry, nothing on the normal queue */
	EXPECT_EQ(-1, recv(self->a, buf, sizeof(buf),
			   MSG_ERRQUEUE | MSG_DONTWAIT));
	EXPECT_EQ(EAGAIN, errno);
	EXPECT_EQ(-1, recv(self->a, buf, sizeof(buf), MSG_DONTWAIT));
	EXPECT_EQ(EAGAIN, errno);
}

/* A large high message comes back cut to one chunk; ee_data = its length. */
TEST_F(eq, unbound_large_high_truncated)
{
	static char msg[10000], buf[10000];
	struct err_msg m;
	size_t i;

	for (i = 0; i < sizeof(msg); i++)
		msg[i] = (char)(i * 13 + 1);
	ASSERT_EQ(0, myc_setopt(self->a, MYC_SO_GUARANTEE, MYC_GUARANTEE_HIGH));
	ASSERT_EQ(10000, send_to(self->a, MYC_ADDR_PORT, 4243, msg,
				 sizeof(msg)));
	ASSERT_EQ(0, recv_err(self->a, buf, 100, &m, 5000));
	/* the user's buffer was smaller than what came back */
	EXPECT_EQ(100, m.len);
	EXPECT_TRUE(m.flags & MSG_TRUNC);
	EXPECT_EQ(0, memcmp(buf, msg, 100));
	ASSERT_TRUE(m.have_ee);
	EXPECT_EQ(ECONNREFUSED, (int)m.ee.ee_errno);
	EXPECT_EQ(10000U, m.ee.ee_data);

	/* again, with room: the first chunk of the message, byte-exact */
	ASSERT_EQ(10000, send_to(self->a, MYC_ADDR_PORT, 4243, msg,
				 sizeof(msg)));
	ASSERT_EQ(0, recv_err(self->a, buf, sizeof(buf), &m, 5000));
	EXPECT_EQ(CHUNK_DATA_MAX, m.len);
	EXPECT_FALSE(m.flags & MSG_TRUNC);
	EXPECT_EQ(0, memcmp(buf, msg, CHUNK_DATA_MAX));
	EXPECT_EQ(10000U, m.ee.ee_data);
}

/* A service nobody provides: the service id comes back as the address. */
TEST_F(eq, unbound_service)
{
	struct err_msg m;
	char buf[16];

	ASSERT_EQ(0, myc_setopt(self->a, MYC_SO_GUARANTEE,
			     MYC_GUARANTEE_GUARANTEED));
	ASSERT_EQ(3, send_to(self->a, MYC_ADDR_SERVICE, 77, "svc", 3));
	ASSERT_EQ(0, recv_err(self->a, buf, sizeof(buf), &m, 5000));
	EXPECT_EQ(3, m.len);
	EXPECT_EQ(MYC_ADDR_SERVICE, m.dst.smyc_kind);
	EXPECT_EQ(77U, m.dst.smyc_id);
	EXPECT_EQ(ECONNREFUSED, (int)m.ee.ee_errno);
}

/* Best-effort messages are dropped, never returned. */
TEST_F(eq, best_effort_not_returned)
{
	struct err_msg m;
	char buf[16];

	ASSERT_EQ(2, send_to(self->a, MYC_ADDR_PORT, 4244, "be", 2));
	EXPECT_EQ(-ETIMEDOUT, recv_err(self->a, buf, sizeof(buf), &m, 1000));
	/* while a guaranteed one sent after it does come back */
	ASSERT_EQ(0, myc_setopt(self->a, MYC_SO_GUARANTEE,
			     MYC_GUARANTEE_GUARANTEED));
	ASSERT_EQ(2, send_to(self->a, MYC_ADDR_PORT, 4244, "gu", 2));
	ASSERT_EQ(0, recv_err(self->a, buf, sizeof(buf), &m, 5000));
	EXPECT_EQ(0, memcmp(buf, "gu", 2));
}

/*
 * Rejected messages interleaved with delivered ones: the bound socket gets
 * its messages exactly once and in order, the sender every rejected one.
 */
TEST_F(eq, rejects_do_not_disturb_the_stream)
{
	const int n = 200;
	int i, v, got = 0;
	struct err_msg m;

	ASSERT_EQ(0, myc_setopt(self->a, MYC_SO_GUARANTEE,
			     MYC_GUARANTEE_GUARANTEED));
	for (i = 0; i < n; i++) {
		ASSERT_EQ(4, send_to(self->a, MYC_ADDR_PORT,
				     i % 2 ? 4245 : 100, &i, 4));
	}
	for (i = 0; i < n; i += 2) {
		ASSERT_EQ(4, recv(self->b, &v, 4, 0));
		ASSERT_EQ(i, v);
	}
	while (got < n / 2 &&
	       !recv_err(self->a, &v, sizeof(v), &m, 5000)) {
		EXPECT_EQ(2 * got + 1, v);
		EXPECT_EQ(4245U, m.dst.smyc_id);
		got++;
	}
	EXPECT_EQ(n / 2, got);
}

/*
 * The peer cannot be reached: the message comes back with ETIMEDOUT after
 * MYC_SO_TIMEOUT, and once the path works again the next messages are
 * delivered in order (the receiver does not wait for the one given up).
 */
TEST_F(eq, timeout_then_recovery)
{
	char buf[16];
	struct err_msg m;

	ASSERT_EQ(0, myc_setopt(self->a, MYC_SO_GUARANTEE,
			     MYC_GUARANTEE_GUARANTEED));
	ASSERT_EQ(0, myc_setopt(self->a, MYC_SO_TIMEOUT, 300));
	ASSERT_EQ(2, send_to(self->a, MYC_ADDR_PORT, 100, "m0", 2));
	ASSERT_EQ(2, recv(self->b, buf, sizeof(buf), 0));

	ASSERT_EQ(0, run("tc -n mA qdisc add dev vA root netem loss 100%%"));
	ASSERT_EQ(2, send_to(self->a, MYC_ADDR_PORT, 100, "m1", 2));
	ASSERT_EQ(0, recv_err(self->a, buf, sizeof(buf), &m, 5000));
	EXPECT_EQ(2, m.len);
	EXPECT_EQ(0, memcmp(buf, "m1", 2));
	EXPECT_EQ(ETIMEDOUT, (int)m.ee.ee_errno);
	EXPECT_EQ(MYC_EE_ORIGIN_LOCAL, m.ee.ee_origin);
	EXPECT_EQ(100U, m.dst.smyc_id);

	ASSERT_EQ(0, run("tc -n mA qdisc del dev vA root"));
	ASSERT_EQ(0, myc_setopt(self->a, MYC_SO_TIMEOUT, 0));
	ASSERT_EQ(2, send_to(self->a, MYC_ADDR_PORT, 100, "m2", 2));
	ASSERT_EQ(2, send_to(self->a, MYC_ADDR_PORT, 100, "m3", 2));
	ASSERT_EQ(2, recv(self->b, buf, sizeof(buf), 0));
	EXPECT_EQ(0, memcmp(buf, "m2", 2));
	ASSERT_EQ(2, recv(self->b, buf, sizeof(buf), 0));
	EXPECT_EQ(0, memcmp(buf, "m3", 2));
	/* m1 never shows up, and nothing else comes back */
	EXPECT_EQ(-1, recv(self->b, buf, sizeof(buf), MSG_DONTWAIT));
	EXPECT_EQ(-ETIMEDOUT, recv_err(self->a, buf, sizeof(buf), &m, 500));
}

/* The peer is removed while a message waits for its ack: EHOSTUNREACH. */
TEST_F(eq, peer_removed)
{
	struct err_msg m;
	char buf[16];

	ASSERT_EQ(0, myc_setopt(self->a, MYC_SO_GUARANTEE, MYC_GUARANTEE_HIGH));
	ASSERT_EQ(0, myc_setopt(self->a, MYC_SO_TIMEOUT, 0));
	ASSERT_EQ(0, run("tc -n mA qdisc add dev vA root netem loss 100%%"));
	ASSERT_EQ(4, send_to(self->a, MYC_ADDR_PORT, 100, "gone", 4));
	usleep(100000);
	EXPECT_EQ(-ETIMEDOUT, recv_err(self->a, buf, sizeof(buf), &m, 100));
	ASSERT_EQ(0, run("myc -n mA peer del b"));
	ASSERT_EQ(0, recv_err(self->a, buf, sizeof(buf), &m, 2000));
	EXPECT_EQ(4, m.len);
	EXPECT_EQ(EHOSTUNREACH, (int)m.ee.ee_errno);
	EXPECT_EQ(MYC_EE_ORIGIN_LOCAL, m.ee.ee_origin);
}

/* MYC_SO_TIMEOUT: default, range, EINVAL outside it. */
TEST_F(eq, timeout_option)
{
	socklen_t len = sizeof(int);
	int v;

	ASSERT_EQ(0, getsockopt(self->a, SOL_MYCELIUM, MYC_SO_TIMEOUT, &v,
				&len));
	EXPECT_EQ(MYC_DEFAULT_TIMEOUT_MS, v);
	EXPECT_EQ(-1, myc_setopt(self->a, MYC_SO_TIMEOUT, -1));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, myc_setopt(self->a, MYC_SO_TIMEOUT,
			      MYC_MAX_TIMEOUT_MS + 1));
	EXPECT_EQ(EINVAL, errno);
	ASSERT_EQ(0, myc_setopt(self->a, MYC_SO_TIMEOUT, MYC_MAX_TIMEOUT_MS));
	ASSERT_EQ(0, getsockopt(self->a, SOL_MYCELIUM, MYC_SO_TIMEOUT, &v,
				&len));
	EXPECT_EQ(MYC_MAX_TIMEOUT_MS, v);
}

TEST_HARNESS_MAIN
