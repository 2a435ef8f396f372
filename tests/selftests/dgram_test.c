// SPDX-License-Identifier: GPL-2.0
/*
 * SOCK_DGRAM between two nodes (netns mA, mB over veth) and on one node:
 * delivery with the source address, ports and services, IPv4 and IPv6,
 * socket API semantics (peek, trunc, timeouts, poll, cmsgs, shutdown) and
 * the errors a user sees.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/ioctl.h>
#include <linux/sockios.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "helpers.h"

#define NODE_A 0xaULL
#define NODE_B 0xbULL

static int set_rcvtimeo(int fd, int ms)
{
	struct timeval tv = { .tv_sec = ms / 1000, .tv_usec = ms % 1000 * 1000 };

	return setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
}

FIXTURE(two)
{
	int a, b;		/* dgram sockets in mA and mB */
};

FIXTURE_VARIANT(two)
{
	bool v6;
};

FIXTURE_VARIANT_ADD(two, ipv4) { .v6 = false };
FIXTURE_VARIANT_ADD(two, ipv6) { .v6 = true };

FIXTURE_SETUP(two)
{
	ASSERT_EQ(0, load_module());
	ASSERT_EQ(0, topo_two_nodes(variant->v6));
	self->a = socket_in("mA", SOCK_DGRAM);
	self->b = socket_in("mB", SOCK_DGRAM);
	ASSERT_LE(0, self->a);
	ASSERT_LE(0, self->b);
	ASSERT_EQ(0, bind_port(self->b, 100));
	ASSERT_EQ(0, set_rcvtimeo(self->b, 3000));
	ASSERT_EQ(0, set_rcvtimeo(self->a, 3000));
	/*
	 * Resolve the neighbours first: a burst into an unresolved neighbour
	 * entry overflows its queue, and best effort would lose that.
	 */
	ASSERT_EQ(0, run("ip netns exec mA ping -c1 -W2 %s >/dev/null",
			 variant->v6 ? "fd00::2" : "10.0.0.2"));
}

FIXTURE_TEARDOWN(two)
{
	close(self->a);
	close(self->b);
	topo_cleanup();
}

TEST_F(two, delivers_with_source_address)
{
	struct sockaddr_myc to = myc_addr(NODE_B, MYC_ADDR_PORT, 100), from;
	socklen_t flen = sizeof(from);
	char buf[64];
	ssize_t n;

	ASSERT_EQ(5, sendto(self->a, "hello", 5, 0, (struct sockaddr *)&to,
			    sizeof(to)));
	n = recvfrom(self->b, buf, sizeof(buf), 0, (struct sockaddr *)&from,
		     &flen);
	ASSERT_EQ(5, n) TH_LOG("recvfrom: %s", strerror(errno));
	EXPECT_EQ(0, memcmp(buf, "hello", 5));
	EXPECT_EQ(sizeof(from), flen);
	EXPECT_EQ(myc_family(), from.smyc_family);
	EXPECT_EQ(MYC_ADDR_PORT, from.smyc_kind);
	EXPECT_EQ(NODE_A, from.smyc_node);
	/* the sender was bound implicitly; replies go to that port */
	EXPECT_NE(0U, local_port(self->a));
	EXPECT_EQ(local_port(self->a), from.smyc_id);

	ASSERT_EQ(3, sendto(self->b, "ack", 3, 0, (struct sockaddr *)&from,
			    flen));
	ASSERT_EQ(3, recv(self->a, buf, sizeof(buf), 0));
	EXPECT_EQ(0, memcmp(buf, "ack", 3));
}

TEST_F(two, many_messages_in_both_directions)
{
	struct sockaddr_myc to = myc_addr(NODE_B, MYC_ADDR_PORT, 100);
	char buf[1400];
	int i, got = 0;

	/* veth does not lose: best effort still delivers everything here */
	for (i = 0; i < 200; i++) {
		memset(buf, i, sizeof(buf));
		ASSERT_EQ((ssize_t)sizeof(buf),
			  sendto(self->a, buf, sizeof(buf), 0,
				 (struct sockaddr *)&to, sizeof(to)));
		if (i % 16 == 15) {
			while (got <= i) {
				ASSERT_EQ((ssize_t)sizeof(buf),
					  recv(self->b, buf, sizeof(buf), 0));
				EXPECT_EQ((char)got, buf[0]);
				EXPECT_EQ((char)got, buf[sizeof(buf) - 1]);
				got++;
			}
		}
	}
	while (got < 200) {
		ASSERT_EQ((ssize_t)sizeof(buf), recv(self->b, buf, sizeof(buf), 0));
		got++;
	}
}

/*
 * Sizes around frame boundaries (1370 data bytes a frame; 44 frames are
 * what a UDP GSO skb could carry), best effort and high: byte-exact.
 */
TEST_F(two, large_messages_byte_exact)
{
	static const size_t sizes[] = {
		1370, 1371, 2 * 1370, 44 * 1370 - 1, 44 * 1370, 44 * 1370 + 1,
		65536, 100000, MYC_MAX_MSG_SIZE,
	};
	struct sockaddr_myc to = myc_addr(NODE_B, MYC_ADDR_PORT, 100);
	static char out[MYC_MAX_MSG_SIZE], in[MYC_MAX_MSG_SIZE + 1];
	int rcvbuf = 4 << 20, g;
	size_t i, k;

	ASSERT_EQ(0, setsockopt(self->b, SOL_SOCKET, SO_RCVBUF, &rcvbuf,
				sizeof(rcvbuf)));
	for (g = MYC_GUARANTEE_BEST_EFFORT; g <= MYC_GUARANTEE_HIGH; g++) {
		ASSERT_EQ(0, setsockopt(self->a, SOL_MYCELIUM,
					MYC_SO_GUARANTEE, &g, sizeof(g)));
		for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
			for (k = 0; k < sizes[i]; k++)
				out[k] = (char)(k * 131 + i + g);
			ASSERT_EQ((ssize_t)sizes[i],
				  sendto(self->a, out, sizes[i], 0,
					 (struct sockaddr *)&to, sizeof(to)));
			ASSERT_EQ((ssize_t)sizes[i],
				  recv(self->b, in, sizeof(in), 0))
				TH_LOG("guarantee %d, %zu bytes", g, sizes[i]);
			ASSERT_EQ(0, memcmp(out, in, sizes[i]))
				TH_LOG("guarantee %d, %zu bytes", g, sizes[i]);
		}
	}
}

TEST_F(two, connect_send_recv_and_getpeername)
{
	struct sockaddr_myc to = myc_addr(NODE_B, MYC_ADDR_PORT, 100), p;
	socklen_t len = sizeof(p);
	char buf[16];

	ASSERT_EQ(0, connect(self->a, (struct sockaddr *)&to, sizeof(to)));
	ASSERT_EQ(0, getpeername(self->a, (struct sockaddr *)&p, &len));
	EXPECT_EQ(0, memcmp(&to, &p, sizeof(p)));
	ASSERT_EQ(4, send(self->a, "ping", 4, 0));
	ASSERT_EQ(4, recv(self->b, buf, sizeof(buf), 0));

	/* AF_UNSPEC disconnects */
	p.smyc_family = AF_UNSPEC;
	ASSERT_EQ(0, connect(self->a, (struct sockaddr *)&p, sizeof(p)));
	EXPECT_EQ(-1, send(self->a, "x", 1, 0));
	EXPECT_EQ(EDESTADDRREQ, errno);
}

TEST_F(two, service_spreads_over_bound_sockets)
{
	struct sockaddr_myc svc = myc_addr(0, MYC_ADDR_SERVICE, 4242);
	struct sockaddr_myc to = myc_addr(NODE_B, MYC_ADDR_SERVICE, 4242);
	int s1 = socket_in("mB", SOCK_DGRAM), s2 = socket_in("mB", SOCK_DGRAM);
	int n1 = 0, n2 = 0, i;
	char buf[8];

	ASSERT_LE(0, s1);
	ASSERT_LE(0, s2);
	ASSERT_EQ(0, bind(s1, (struct sockaddr *)&svc, sizeof(svc)));
	ASSERT_EQ(0, bind(s2, (struct sockaddr *)&svc, sizeof(svc)));
	for (i = 0; i < 200; i++)
		ASSERT_EQ(1, sendto(self->a, "s", 1, 0, (struct sockaddr *)&to,
				    sizeof(to)));
	for (i = 0; i < 100 && n1 + n2 < 200; i++) {
		usleep(30000);
		while (recv(s1, buf, sizeof(buf), MSG_DONTWAIT) == 1)
			n1++;
		while (recv(s2, buf, sizeof(buf), MSG_DONTWAIT) == 1)
			n2++;
	}
	EXPECT_EQ(200, n1 + n2);
	EXPECT_LT(40, n1) TH_LOG("s1 got %d, s2 got %d", n1, n2);
	EXPECT_LT(40, n2) TH_LOG("s1 got %d, s2 got %d", n1, n2);
	close(s1);
	close(s2);
}

TEST_F(two, unknown_peer_is_unreachable)
{
	struct sockaddr_myc to = myc_addr(0xc, MYC_ADDR_PORT, 100);

	EXPECT_EQ(-1, sendto(self->a, "x", 1, 0, (struct sockaddr *)&to,
			     sizeof(to)));
	EXPECT_EQ(EHOSTUNREACH, errno);
}

struct inject {
	bool v6;
	const void *data;
	size_t len;
};

/* Send one raw UDP datagram to B's bearer (port 6920) from mA. */
static int inject_udp(void *arg)
{
	const struct inject *in = arg;
	struct sockaddr_in6 s6 = { .sin6_family = AF_INET6,
				   .sin6_port = htons(MYC_DEFAULT_UDP_PORT) };
	struct sockaddr_in s4 = { .sin_family = AF_INET,
				  .sin_port = htons(MYC_DEFAULT_UDP_PORT) };
	int fd = socket(in->v6 ? AF_INET6 : AF_INET, SOCK_DGRAM, 0);
	ssize_t n;

	if (fd < 0)
		return -errno;
	inet_pton(AF_INET6, "fd00::2", &s6.sin6_addr);
	inet_pton(AF_INET, "10.0.0.2", &s4.sin_addr);
	n = in->v6 ? sendto(fd, in->data, in->len, 0, (struct sockaddr *)&s6,
			    sizeof(s6)) :
		     sendto(fd, in->data, in->len, 0, (struct sockaddr *)&s4,
			    sizeof(s4));
	close(fd);
	return n == (ssize_t)in->len ? 0 : -1;
}

TEST_F(two, malformed_frames_are_counted_not_delivered)
{
	/* a valid header from A to B, but an unknown frame type */
	static const unsigned char bad_type[28] = {
		1, 99, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xa,
		0, 0, 0, 0, 0, 0, 0, 0xb, 0, 0, 0, 0, 0, 0, 0, 1 };
	static const unsigned char bad_version[28] = { 2, 1 };
	struct inject in[] = {
		{ variant->v6, "garbage-frame", 13 },
		{ variant->v6, bad_version, sizeof(bad_version) },
		{ variant->v6, "\1\1", 2 },
		{ variant->v6, bad_type, sizeof(bad_type) },
	};
	char out[4096];
	char buf[16];
	unsigned int i;

	for (i = 0; i < sizeof(in) / sizeof(in[0]); i++)
		ASSERT_EQ(0, in_netns("mA", inject_udp, &in[i]));
	/* wait (neighbour discovery under emulation) for all four */
	for (i = 0; i < 50; i++) {
		FILE *f;

		ASSERT_EQ(0, run("myc -n mB -j -s node show >/tmp/node.json"));
		f = fopen("/tmp/node.json", "r");
		ASSERT_NE(NULL, f);
		memset(out, 0, sizeof(out));
		ASSERT_LT(0U, fread(out, 1, sizeof(out) - 1, f));
		fclose(f);
		if (strstr(out, "\"rx-malformed\":4"))
			break;
		usleep(100000);
	}
	EXPECT_EQ(-1, recv(self->b, buf, sizeof(buf), MSG_DONTWAIT));
	EXPECT_EQ(EAGAIN, errno);
	EXPECT_NE(NULL, strstr(out, "\"rx-malformed\":4")) TH_LOG("%s", out);
}

FIXTURE(local)
{
	int a, b;
};

FIXTURE_SETUP(local)
{
	ASSERT_EQ(0, load_module());
	self->a = socket(myc_family(), SOCK_DGRAM, 0);
	self->b = socket(myc_family(), SOCK_DGRAM, 0);
	ASSERT_LE(0, self->a);
	ASSERT_LE(0, self->b);
	ASSERT_EQ(0, bind_port(self->b, 0));
	ASSERT_EQ(0, set_rcvtimeo(self->b, 2000));
}

FIXTURE_TEARDOWN(local)
{
	close(self->a);
	close(self->b);
}

TEST_F(local, node_zero_is_this_node)
{
	struct sockaddr_myc to = myc_addr(0, MYC_ADDR_PORT, local_port(self->b));
	struct sockaddr_myc from;
	socklen_t flen = sizeof(from);
	struct node_info n;
	char buf[8];

	ASSERT_EQ(0, node_get(&n));
	ASSERT_EQ(2, sendto(self->a, "hi", 2, 0, (struct sockaddr *)&to,
			    sizeof(to)));
	ASSERT_EQ(2, recvfrom(self->b, buf, sizeof(buf), 0,
			      (struct sockaddr *)&from, &flen));
	EXPECT_EQ(n.id, from.smyc_node);
	EXPECT_EQ(local_port(self->a), from.smyc_id);

	/* and by this node's own id */
	to.smyc_node = n.id;
	ASSERT_EQ(2, sendto(self->a, "hi", 2, 0, (struct sockaddr *)&to,
			    sizeof(to)));
	ASSERT_EQ(2, recv(self->b, buf, sizeof(buf), 0));
}

TEST_F(local, unbound_port_is_refused)
{
	struct sockaddr_myc to = myc_addr(0, MYC_ADDR_PORT, 0x7ffffff0);

	EXPECT_EQ(-1, sendto(self->a, "x", 1, 0, (struct sockaddr *)&to,
			     sizeof(to)));
	EXPECT_EQ(ECONNREFUSED, errno);
}

TEST_F(local, peek_trunc_and_inq)
{
	struct sockaddr_myc to = myc_addr(0, MYC_ADDR_PORT, local_port(self->b));
	char buf[16];
	int inq = 0;

	ASSERT_EQ(10, sendto(self->a, "0123456789", 10, 0,
			     (struct sockaddr *)&to, sizeof(to)));
	ASSERT_EQ(0, ioctl(self->b, SIOCINQ, &inq));
	EXPECT_EQ(10, inq);
	ASSERT_EQ(4, recv(self->b, buf, 4, MSG_PEEK));
	EXPECT_EQ(0, memcmp(buf, "0123", 4));
	/* MSG_TRUNC returns the real length; the rest is discarded */
	ASSERT_EQ(10, recv(self->b, buf, 4, MSG_TRUNC));
	EXPECT_EQ(-1, recv(self->b, buf, sizeof(buf), MSG_DONTWAIT));
	EXPECT_EQ(EAGAIN, errno);
}

TEST_F(local, truncation_flag)
{
	struct sockaddr_myc to = myc_addr(0, MYC_ADDR_PORT, local_port(self->b));
	char buf[4];
	struct iovec iov = { buf, sizeof(buf) };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1 };

	ASSERT_EQ(8, sendto(self->a, "abcdefgh", 8, 0, (struct sockaddr *)&to,
			    sizeof(to)));
	ASSERT_EQ(4, recvmsg(self->b, &m, 0));
	EXPECT_TRUE(m.msg_flags & MSG_TRUNC);
}

TEST_F(local, zero_length_message)
{
	struct sockaddr_myc to = myc_addr(0, MYC_ADDR_PORT, local_port(self->b));
	char buf[4];

	ASSERT_EQ(0, sendto(self->a, "", 0, 0, (struct sockaddr *)&to,
			    sizeof(to)));
	ASSERT_EQ(0, recv(self->b, buf, sizeof(buf), 0));
}

TEST_F(local, timeouts_and_nonblocking)
{
	char buf[4];

	ASSERT_EQ(0, set_rcvtimeo(self->b, 200));
	EXPECT_EQ(-1, recv(self->b, buf, sizeof(buf), 0));
	EXPECT_EQ(EAGAIN, errno);
	EXPECT_EQ(-1, recv(self->b, buf, sizeof(buf), MSG_DONTWAIT));
	EXPECT_EQ(EAGAIN, errno);
}

TEST_F(local, poll_readable)
{
	struct sockaddr_myc to = myc_addr(0, MYC_ADDR_PORT, local_port(self->b));
	struct pollfd p = { .fd = self->b, .events = POLLIN };

	EXPECT_EQ(0, poll(&p, 1, 0));
	ASSERT_EQ(1, sendto(self->a, "x", 1, 0, (struct sockaddr *)&to,
			    sizeof(to)));
	EXPECT_EQ(1, poll(&p, 1, 1000));
	EXPECT_TRUE(p.revents & POLLIN);
	p.fd = self->a;
	p.events = POLLOUT;
	EXPECT_EQ(1, poll(&p, 1, 0));
}

TEST_F(local, class_by_option_and_cmsg)
{
	struct sockaddr_myc to = myc_addr(0, MYC_ADDR_PORT, local_port(self->b));
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} u;
	struct cmsghdr *c;
	char data[4];
	struct iovec iov = { data, sizeof(data) };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1 };
	int one = 1, v = MYC_CLASS_HEALTH, got = -1;
	socklen_t len = sizeof(v);

	ASSERT_EQ(0, setsockopt(self->b, SOL_MYCELIUM, MYC_SO_RECV_CLASS, &one,
				sizeof(one)));
	ASSERT_EQ(0, setsockopt(self->a, SOL_MYCELIUM, MYC_SO_CLASS, &v,
				sizeof(v)));
	v = -1;
	ASSERT_EQ(0, getsockopt(self->a, SOL_MYCELIUM, MYC_SO_CLASS, &v, &len));
	EXPECT_EQ(MYC_CLASS_HEALTH, v);

	ASSERT_EQ(1, sendto(self->a, "x", 1, 0, (struct sockaddr *)&to,
			    sizeof(to)));
	m.msg_control = u.buf;
	m.msg_controllen = sizeof(u.buf);
	ASSERT_EQ(1, recvmsg(self->b, &m, 0));
	c = CMSG_FIRSTHDR(&m);
	ASSERT_NE(NULL, c);
	EXPECT_EQ(SOL_MYCELIUM, c->cmsg_level);
	EXPECT_EQ(MYC_CMSG_CLASS, c->cmsg_type);
	memcpy(&got, CMSG_DATA(c), sizeof(got));
	EXPECT_EQ(MYC_CLASS_HEALTH, got);

	/* a cmsg overrides the option for one message */
	m.msg_name = &to;
	m.msg_namelen = sizeof(to);
	m.msg_control = u.buf;
	m.msg_controllen = sizeof(u.buf);
	c = CMSG_FIRSTHDR(&m);
	c->cmsg_level = SOL_MYCELIUM;
	c->cmsg_type = MYC_CMSG_CLASS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	v = MYC_CLASS_SPORE;
	memcpy(CMSG_DATA(c), &v, sizeof(v));
	ASSERT_EQ(4, sendmsg(self->a, &m, 0));
	m.msg_name = NULL;
	m.msg_control = u.buf;
	m.msg_controllen = sizeof(u.buf);
	ASSERT_EQ(4, recvmsg(self->b, &m, 0));
	memcpy(&got, CMSG_DATA(CMSG_FIRSTHDR(&m)), sizeof(got));
	EXPECT_EQ(MYC_CLASS_SPORE, got);

	/* bad values are refused */
	v = MYC_CLASS_MAX + 1;
	EXPECT_EQ(-1, setsockopt(self->a, SOL_MYCELIUM, MYC_SO_CLASS, &v,
				 sizeof(v)));
	EXPECT_EQ(EINVAL, errno);
	v = 8;
	EXPECT_EQ(-1, setsockopt(self->a, SOL_MYCELIUM, MYC_SO_PRIORITY, &v,
				 sizeof(v)));
	EXPECT_EQ(EINVAL, errno);
	v = 3;
	EXPECT_EQ(-1, setsockopt(self->a, SOL_MYCELIUM, MYC_SO_GUARANTEE, &v,
				 sizeof(v)));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, setsockopt(self->a, SOL_MYCELIUM, 99, &v, sizeof(v)));
	EXPECT_EQ(ENOPROTOOPT, errno);
	c->cmsg_type = 99;
	m.msg_name = &to;
	EXPECT_EQ(-1, sendmsg(self->a, &m, 0));
	EXPECT_EQ(EINVAL, errno);
}

TEST_F(local, bind_errors)
{
	struct sockaddr_myc a = myc_addr(0, MYC_ADDR_PORT, 5000);
	int c = socket(myc_family(), SOCK_DGRAM, 0);
	pid_t pid;
	int st;

	ASSERT_LE(0, c);
	ASSERT_EQ(0, bind(self->a, (struct sockaddr *)&a, sizeof(a)));
	EXPECT_EQ(-1, bind(c, (struct sockaddr *)&a, sizeof(a)));
	EXPECT_EQ(EADDRINUSE, errno);
	/* bound once is bound */
	a.smyc_id = 5001;
	EXPECT_EQ(-1, bind(self->a, (struct sockaddr *)&a, sizeof(a)));
	EXPECT_EQ(EINVAL, errno);
	/* another node's address */
	a.smyc_node = 0x1234;
	EXPECT_EQ(-1, bind(c, (struct sockaddr *)&a, sizeof(a)));
	EXPECT_EQ(EADDRNOTAVAIL, errno);
	/* wrong family, short address, endpoint kind */
	a = myc_addr(0, MYC_ADDR_PORT, 5002);
	a.smyc_family = AF_INET;
	EXPECT_EQ(-1, bind(c, (struct sockaddr *)&a, sizeof(a)));
	EXPECT_EQ(EAFNOSUPPORT, errno);
	a = myc_addr(0, MYC_ADDR_PORT, 5002);
	EXPECT_EQ(-1, bind(c, (struct sockaddr *)&a, sizeof(a) - 1));
	EXPECT_EQ(EINVAL, errno);
	a.smyc_kind = 9;
	EXPECT_EQ(-1, bind(c, (struct sockaddr *)&a, sizeof(a)));
	EXPECT_EQ(EINVAL, errno);

	/* ports below 1024 need CAP_NET_BIND_SERVICE */
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		struct sockaddr_myc low = myc_addr(0, MYC_ADDR_PORT, 80);
		int fd;

		if (become_nobody())
			_exit(10);
		fd = socket(myc_family(), SOCK_DGRAM, 0);
		if (bind(fd, (struct sockaddr *)&low, sizeof(low)) == 0 ||
		    errno != EACCES)
			_exit(11);
		low.smyc_id = 2000;
		_exit(bind(fd, (struct sockaddr *)&low, sizeof(low)) ? 12 : 0);
	}
	ASSERT_EQ(pid, waitpid(pid, &st, 0));
	EXPECT_EQ(0, WEXITSTATUS(st));
	close(c);
}

TEST_F(local, send_errors)
{
	struct sockaddr_myc to = myc_addr(0, MYC_ADDR_PORT, local_port(self->b));
	static char big[MYC_MAX_MSG_SIZE + 1];

	EXPECT_EQ(-1, sendto(self->a, big, sizeof(big), 0,
			     (struct sockaddr *)&to, sizeof(to)));
	EXPECT_EQ(EMSGSIZE, errno);
	EXPECT_EQ(-1, send(self->a, "x", 1, 0));
	EXPECT_EQ(EDESTADDRREQ, errno);
	EXPECT_EQ(-1, sendto(self->a, "x", 1, MSG_OOB, (struct sockaddr *)&to,
			     sizeof(to)));
	EXPECT_EQ(EOPNOTSUPP, errno);
	ASSERT_EQ(0, shutdown(self->a, SHUT_WR));
	EXPECT_EQ(-1, sendto(self->a, "x", 1, MSG_NOSIGNAL,
			     (struct sockaddr *)&to, sizeof(to)));
	EXPECT_EQ(EPIPE, errno);
}

TEST_F(local, proc_lists_bound_sockets)
{
	struct sockaddr_myc svc = myc_addr(0, MYC_ADDR_SERVICE, 0x4242);
	char line[256], want[64], want_svc[64];
	bool found = false, found_svc = false;
	FILE *f;

	ASSERT_EQ(0, bind(self->a, (struct sockaddr *)&svc, sizeof(svc)));
	snprintf(want, sizeof(want), "%08x -        dgram", local_port(self->b));
	snprintf(want_svc, sizeof(want_svc), "%08x 00004242 dgram",
		 local_port(self->a));
	f = fopen("/proc/net/mycelium", "r");
	ASSERT_NE(NULL, f);
	ASSERT_NE(NULL, fgets(line, sizeof(line), f));
	EXPECT_EQ(0, strncmp(line, "port ", 5));
	while (fgets(line, sizeof(line), f)) {
		found |= !strncmp(line, want, strlen(want));
		found_svc |= !strncmp(line, want_svc, strlen(want_svc));
	}
	fclose(f);
	EXPECT_TRUE(found) TH_LOG("no line starting \"%s\"", want);
	EXPECT_TRUE(found_svc) TH_LOG("no line starting \"%s\"", want_svc);
}

TEST_F(local, shutdown_read_wakes_reader)
{
	char buf[4];

	ASSERT_EQ(0, shutdown(self->b, SHUT_RD));
	EXPECT_EQ(0, recv(self->b, buf, sizeof(buf), 0));
}

TEST_HARNESS_MAIN
