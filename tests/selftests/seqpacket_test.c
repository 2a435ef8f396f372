// SPDX-License-Identifier: GPL-2.0
/*
 * SOCK_SEQPACKET connections between two nodes (and within one): connect,
 * listen, accept, messages with boundaries both ways, exactly once and in
 * order under loss, end of file and EPIPE after close, refused and
 * unreachable destinations, non-blocking connect, the backlog, and the
 * errors of calls made in the wrong state.  BSD semantics: connect()
 * returns once the listener's kernel took the connection, before accept();
 * what the client sends meanwhile waits for accept(); a full backlog
 * refuses; a listener that closes resets the connections it did not
 * accept.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "helpers.h"

#define NETEM "loss 10%% delay 1ms reorder 5%% 50%% duplicate 1%%"

static int sp_listen(const char *ns, uint16_t kind, uint32_t id, int backlog)
{
	struct sockaddr_myc a = myc_addr(0, kind, id);
	int fd = socket_in(ns, SOCK_SEQPACKET);

	if (fd < 0)
		return -1;
	if (bind(fd, (struct sockaddr *)&a, sizeof(a)) || listen(fd, backlog)) {
		close(fd);
		return -1;
	}
	return fd;
}

static int sp_connect(int fd, uint64_t node, uint16_t kind, uint32_t id)
{
	struct sockaddr_myc a = myc_addr(node, kind, id);

	return connect(fd, (struct sockaddr *)&a, sizeof(a));
}

static uint32_t peer_port(int fd)
{
	struct sockaddr_myc a = {};
	socklen_t len = sizeof(a);

	if (getpeername(fd, (struct sockaddr *)&a, &len))
		return 0;
	return a.smyc_id;
}

static int set_timeo(int fd, int sec)
{
	struct timeval tv = { .tv_sec = sec };

	return setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) ||
	       setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
}

/* Client side of a connection made in a child while we accept(). */
static pid_t child_connect(int fd, uint64_t node, uint16_t kind, uint32_t id)
{
	pid_t pid = fork();

	if (pid == 0)
		_exit(sp_connect(fd, node, kind, id) ? errno : 0);
	return pid;
}

static int child_status(pid_t pid)
{
	int st;

	if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st))
		return -1;
	return WEXITSTATUS(st);
}

FIXTURE(sp)
{
	int l, c;
};

FIXTURE_SETUP(sp)
{
	ASSERT_EQ(0, load_module());
	ASSERT_EQ(0, topo_two_nodes(false));
	ASSERT_EQ(0, run("ip netns exec mA ping -c1 -W2 10.0.0.2 >/dev/null"));
	self->l = sp_listen("mB", MYC_ADDR_PORT, 200, 8);
	self->c = socket_in("mA", SOCK_SEQPACKET);
	ASSERT_LE(0, self->l);
	ASSERT_LE(0, self->c);
	ASSERT_EQ(0, set_timeo(self->l, 10));
	ASSERT_EQ(0, set_timeo(self->c, 10));
}

FIXTURE_TEARDOWN(sp)
{
	close(self->l);
	close(self->c);
	topo_cleanup();
}

/* Connect from A (in a child process) while B accepts. */
static int establish(struct __test_metadata *_metadata, int l, int c,
		     uint16_t kind, uint32_t id)
{
	pid_t pid = child_connect(c, 0xb, kind, id);
	int s;

	s = accept(l, NULL, NULL);
	EXPECT_LE(0, s) TH_LOG("accept: %s", strerror(errno));
	EXPECT_EQ(0, child_status(pid));
	if (s >= 0)
		set_timeo(s, 10);
	return s;
}

TEST_F(sp, connect_accept_exchange)
{
	struct sockaddr_myc pa, pc, nc;
	socklen_t len = sizeof(pa);
	static char big[200000], got[200001];
	char buf[64];
	size_t i;
	int s;

	s = establish(_metadata, self->l, self->c, MYC_ADDR_PORT, 200);
	ASSERT_LE(0, s);

	/* each end names the other: the accepted socket has its own port */
	ASSERT_EQ(0, getpeername(s, (struct sockaddr *)&pa, &len));
	ASSERT_EQ(0, getsockname(self->c, (struct sockaddr *)&nc, &len));
	EXPECT_EQ(0xaULL, pa.smyc_node);
	EXPECT_EQ(nc.smyc_id, pa.smyc_id);
	ASSERT_EQ(0, getpeername(self->c, (struct sockaddr *)&pc, &len));
	EXPECT_EQ(0xbULL, pc.smyc_node);
	EXPECT_EQ(MYC_ADDR_PORT, pc.smyc_kind);
	EXPECT_NE(200U, pc.smyc_id);
	EXPECT_EQ(local_port(s), pc.smyc_id);

	/* what `myc socket show` says of the three sockets */
	EXPECT_EQ(0, run("myc -n mB socket show port 200 | "
			 "grep -q ' state listen '"));
	EXPECT_EQ(0, run("myc -n mA socket show | grep -q "
			 "' state established .* peer 0*b port %u$'", pc.smyc_id));
	EXPECT_EQ(0, run("myc -n mB socket show port %u | grep -q "
			 "' state established .* peer 0*a port %u$'", pc.smyc_id,
			 nc.smyc_id));

	/* boundaries kept, both directions */
	ASSERT_EQ(3, send(self->c, "one", 3, 0));
	ASSERT_EQ(5, send(self->c, "three", 5, 0));
	ASSERT_EQ(0, send(self->c, "", 0, 0));
	EXPECT_EQ(3, recv(s, buf, sizeof(buf), 0));
	EXPECT_EQ(5, recv(s, buf, sizeof(buf), 0));
	EXPECT_EQ(0, memcmp(buf, "three", 5));
	/* the empty message (it may come in a frame of its own) */
	EXPECT_EQ(1, poll(&(struct pollfd){ .fd = s, .events = POLLIN }, 1,
			  2000));
	EXPECT_EQ(0, recv(s, buf, sizeof(buf), MSG_DONTWAIT));
	ASSERT_EQ(4, send(s, "back", 4, 0));
	EXPECT_EQ(4, recv(self->c, buf, sizeof(buf), 0));
	EXPECT_EQ(0, memcmp(buf, "back", 4));

	/* a large message, byte-exact */
	for (i = 0; i < sizeof(big); i++)
		big[i] = (char)(i * 7 + 5);
	ASSERT_EQ((ssize_t)sizeof(big), send(s, big, sizeof(big), 0));
	ASSERT_EQ((ssize_t)sizeof(big), recv(self->c, got, sizeof(got), 0));
	EXPECT_EQ(0, memcmp(big, got, sizeof(big)));
	close(s);
}

TEST_F(sp, connect_to_service)
{
	struct sockaddr_myc pc;
	socklen_t len = sizeof(pc);
	int l2, s;
	char buf[8];

	l2 = sp_listen("mB", MYC_ADDR_SERVICE, 42, 8);
	ASSERT_LE(0, l2);
	s = establish(_metadata, l2, self->c, MYC_ADDR_SERVICE, 42);
	ASSERT_LE(0, s);
	ASSERT_EQ(0, getpeername(self->c, (struct sockaddr *)&pc, &len));
	EXPECT_EQ(MYC_ADDR_PORT, pc.smyc_kind);
	EXPECT_EQ(local_port(s), pc.smyc_id);
	ASSERT_EQ(2, send(self->c, "hi", 2, 0));
	EXPECT_EQ(2, recv(s, buf, sizeof(buf), 0));
	close(s);
	close(l2);
}

TEST_F(sp, refused)
{
	int d = socket_in("mB", SOCK_DGRAM), q = socket_in("mB", SOCK_SEQPACKET);
	int c2 = socket_in("mA", SOCK_SEQPACKET), c3 = socket_in("mA",
								SOCK_SEQPACKET);

	ASSERT_LE(0, d);
	ASSERT_LE(0, q);
	ASSERT_EQ(0, bind_port(d, 300));
	ASSERT_EQ(0, bind_port(q, 301));	/* bound, not listening */
	EXPECT_EQ(-1, sp_connect(self->c, 0xb, MYC_ADDR_PORT, 299));
	EXPECT_EQ(ECONNREFUSED, errno);
	EXPECT_EQ(-1, sp_connect(c2, 0xb, MYC_ADDR_PORT, 300));
	EXPECT_EQ(ECONNREFUSED, errno);
	EXPECT_EQ(-1, sp_connect(c3, 0xb, MYC_ADDR_PORT, 301));
	EXPECT_EQ(ECONNREFUSED, errno);
	/* a refused socket may try again */
	ASSERT_LE(0, establish(_metadata, self->l, self->c, MYC_ADDR_PORT,
			       200));
	close(d);
	close(q);
	close(c2);
	close(c3);
}

/* Close gives end of file after the queued messages; sends get EPIPE. */
TEST_F(sp, close_gives_eof_and_epipe)
{
	char buf[8];
	int s, i;

	s = establish(_metadata, self->l, self->c, MYC_ADDR_PORT, 200);
	ASSERT_LE(0, s);
	for (i = 0; i < 3; i++)
		ASSERT_EQ(4, send(self->c, &i, 4, 0));
	close(self->c);
	self->c = socket_in("mA", SOCK_SEQPACKET);
	for (i = 0; i < 3; i++) {
		int v;

		ASSERT_EQ(4, recv(s, &v, 4, 0));
		EXPECT_EQ(i, v);
	}
	EXPECT_EQ(0, recv(s, buf, sizeof(buf), 0));
	EXPECT_EQ(-1, send(s, "x", 1, MSG_NOSIGNAL));
	EXPECT_EQ(EPIPE, errno);
	close(s);
}

TEST_F(sp, server_close_gives_eof)
{
	char buf[8];
	int s;

	s = establish(_metadata, self->l, self->c, MYC_ADDR_PORT, 200);
	ASSERT_LE(0, s);
	ASSERT_EQ(2, send(s, "by", 2, 0));
	close(s);
	EXPECT_EQ(2, recv(self->c, buf, sizeof(buf), 0));
	EXPECT_EQ(0, recv(self->c, buf, sizeof(buf), 0));
}

/* Wait up to 5 s for a non-blocking connect() to end; its SO_ERROR. */
static int connect_result(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLOUT };
	socklen_t len = sizeof(int);
	int err = -1;

	if (poll(&p, 1, 5000) != 1 ||
	    getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len))
		return -1;
	return err;
}

/*
 * A non-blocking connect(): 0 once connected (at once, or when poll() says
 * so), else the error (errno, or SO_ERROR).
 */
static int nb_connect(int fd, uint64_t node, uint32_t port)
{
	if (!sp_connect(fd, node, MYC_ADDR_PORT, port))
		return 0;
	if (errno != EINPROGRESS)
		return errno;
	return connect_result(fd);
}

TEST_F(sp, nonblocking_connect_and_backlog)
{
	int c2 = socket_in("mA", SOCK_SEQPACKET), l1, s, s2, r;

	/* as for TCP, a backlog of n holds n + 1 connections: here one */
	l1 = sp_listen("mB", MYC_ADDR_PORT, 210, 0);
	ASSERT_LE(0, l1);
	ASSERT_LE(0, c2);
	fcntl(self->c, F_SETFL, O_NONBLOCK);
	fcntl(c2, F_SETFL, O_NONBLOCK);
	/*
	 * B's kernel answers by itself, nobody in accept(): connect() may
	 * even be done before it returns (as AF_UNIX's is); else it is in
	 * progress until then.
	 */
	r = sp_connect(self->c, 0xb, MYC_ADDR_PORT, 210);
	if (r) {
		EXPECT_EQ(EINPROGRESS, errno);
		r = sp_connect(self->c, 0xb, MYC_ADDR_PORT, 210);
		EXPECT_EQ(-1, r);
		EXPECT_TRUE(errno == EALREADY || errno == EISCONN)
			TH_LOG("second connect: %s", strerror(errno));
	}
	EXPECT_EQ(0, connect_result(self->c));
	EXPECT_EQ(-1, sp_connect(self->c, 0xb, MYC_ADDR_PORT, 210));
	EXPECT_EQ(EISCONN, errno);

	/*
	 * It fills the backlog: the next is refused (the refusal can come
	 * back before connect() returns).
	 */
	EXPECT_EQ(ECONNREFUSED, nb_connect(c2, 0xb, 210));

	s = accept(l1, NULL, NULL);
	ASSERT_LE(0, s);
	EXPECT_EQ(local_port(self->c), peer_port(s));
	/* nothing more to accept */
	fcntl(l1, F_SETFL, O_NONBLOCK);
	EXPECT_EQ(-1, accept(l1, NULL, NULL));
	EXPECT_EQ(EAGAIN, errno);

	/* room again: the refused socket connects */
	EXPECT_EQ(0, nb_connect(c2, 0xb, 210));
	ASSERT_EQ(1, poll(&(struct pollfd){ .fd = l1, .events = POLLIN }, 1,
			  5000));
	s2 = accept(l1, NULL, NULL);
	ASSERT_LE(0, s2);
	EXPECT_EQ(local_port(c2), peer_port(s2));
	close(s);
	close(s2);
	close(c2);
	close(l1);
}

/*
 * connect() then accept() in one thread: connect() returns once the
 * listener's node took the connection; messages sent before accept() wait
 * on the new socket and are read after it, in order.
 */
static void connect_then_accept(struct __test_metadata *_metadata, int l,
				int c, uint64_t node, uint32_t port)
{
	struct pollfd p = { .fd = l, .events = POLLIN };
	struct sockaddr_myc pc;
	socklen_t len = sizeof(pc);
	int s, i, v;

	ASSERT_EQ(0, sp_connect(c, node, MYC_ADDR_PORT, port))
		TH_LOG("connect: %s", strerror(errno));
	for (i = 0; i < 5; i++)
		ASSERT_EQ(4, send(c, &i, 4, 0));
	/* the listener is readable: a connection waits for accept() */
	ASSERT_EQ(1, poll(&p, 1, 5000));
	EXPECT_TRUE(p.revents & POLLIN);
	s = accept(l, NULL, NULL);
	ASSERT_LE(0, s);
	set_timeo(s, 10);
	ASSERT_EQ(0, getpeername(c, (struct sockaddr *)&pc, &len));
	EXPECT_EQ(MYC_ADDR_PORT, pc.smyc_kind);
	EXPECT_EQ(local_port(s), pc.smyc_id);
	EXPECT_NE(port, pc.smyc_id);
	EXPECT_EQ(local_port(c), peer_port(s));
	for (i = 0; i < 5; i++) {
		ASSERT_EQ(4, recv(s, &v, 4, 0));
		EXPECT_EQ(i, v);
	}
	ASSERT_EQ(2, send(s, "ok", 2, 0));
	EXPECT_EQ(2, recv(c, &v, 4, 0));
	/* one connection, one accept() (l is non-blocking) */
	EXPECT_EQ(-1, accept(l, NULL, NULL));
	EXPECT_EQ(EAGAIN, errno);
	close(s);
	EXPECT_EQ(0, recv(c, &v, 4, 0));
}

TEST_F(sp, connect_then_accept_remote)
{
	/* a non-blocking listener: accept() must not wait for anything */
	fcntl(self->l, F_SETFL, O_NONBLOCK);
	connect_then_accept(_metadata, self->l, self->c, 0xb, 200);
}

TEST_F(sp, connect_then_accept_local)
{
	int l = sp_listen("mA", MYC_ADDR_PORT, 221, 4);

	ASSERT_LE(0, l);
	fcntl(l, F_SETFL, O_NONBLOCK);
	connect_then_accept(_metadata, l, self->c, 0, 221);
	close(l);
}

/*
 * Before accept() the client sends within the connection's credit (then
 * EAGAIN, as when the reader does not read); all of it arrives after.
 */
TEST_F(sp, sends_before_accept_within_credit)
{
	static char buf[4000];
	int s, i, n = 0;

	ASSERT_EQ(0, sp_connect(self->c, 0xb, MYC_ADDR_PORT, 200));
	for (;;) {
		struct pollfd p = { .fd = self->c, .events = POLLOUT };

		memcpy(buf, &n, sizeof(n));
		if (send(self->c, buf, sizeof(buf), MSG_DONTWAIT) ==
		    (ssize_t)sizeof(buf)) {
			n++;
			continue;
		}
		ASSERT_EQ(EAGAIN, errno);
		/* SO_SNDBUF drains; the credit does not come back */
		if (poll(&p, 1, 1000) != 1)
			break;
	}
	/* 512 blocks of credit, 4 a message */
	EXPECT_EQ(128, n);
	s = accept(self->l, NULL, NULL);
	ASSERT_LE(0, s);
	set_timeo(s, 10);
	for (i = 0; i < n; i++) {
		int v;

		ASSERT_EQ((ssize_t)sizeof(buf), recv(s, buf, sizeof(buf), 0));
		memcpy(&v, buf, sizeof(v));
		ASSERT_EQ(i, v);
	}
	/* reading gave the credit back */
	EXPECT_EQ((ssize_t)sizeof(buf), send(self->c, buf, sizeof(buf), 0));
	EXPECT_EQ((ssize_t)sizeof(buf), recv(s, buf, sizeof(buf), 0));
	close(s);
}

/* A full backlog refuses the next connect() at once: ECONNREFUSED. */
TEST_F(sp, backlog_full_refuses)
{
	int l1 = sp_listen("mB", MYC_ADDR_PORT, 211, 1), c[3], s, i;

	ASSERT_LE(0, l1);
	for (i = 0; i < 3; i++) {
		c[i] = socket_in("mA", SOCK_SEQPACKET);
		ASSERT_LE(0, c[i]);
		set_timeo(c[i], 10);
	}
	/* backlog 1 holds two connections, nobody accepting */
	ASSERT_EQ(0, sp_connect(c[0], 0xb, MYC_ADDR_PORT, 211));
	ASSERT_EQ(0, sp_connect(c[1], 0xb, MYC_ADDR_PORT, 211));
	EXPECT_EQ(-1, sp_connect(c[2], 0xb, MYC_ADDR_PORT, 211));
	EXPECT_EQ(ECONNREFUSED, errno);
	/* an accept() makes room: it connects now */
	s = accept(l1, NULL, NULL);
	ASSERT_LE(0, s);
	EXPECT_EQ(local_port(c[0]), peer_port(s));
	close(s);
	ASSERT_EQ(0, sp_connect(c[2], 0xb, MYC_ADDR_PORT, 211))
		TH_LOG("connect after accept: %s", strerror(errno));
	/* accepted in connect order */
	for (i = 1; i < 3; i++) {
		s = accept(l1, NULL, NULL);
		ASSERT_LE(0, s);
		EXPECT_EQ(local_port(c[i]), peer_port(s));
		close(s);
	}
	for (i = 0; i < 3; i++)
		close(c[i]);
	close(l1);
}

/* The open sockets of mB's node. */
static long long sockets_b(void)
{
	return myc_json("mB", "node show", "0.sockets");
}

/*
 * A listener that closes resets the connections it did not accept, as a
 * TCP listener sends RST: the clients' calls fail with ECONNRESET (then
 * end of file, EPIPE), remote and local, and their sockets are gone.
 */
TEST_F(sp, listener_close_resets_queued)
{
	struct pollfd p = { .events = POLLIN };
	int c[3], lc, l1, i, v;
	long long before;

	before = sockets_b();
	ASSERT_LT(0, before);
	l1 = sp_listen("mB", MYC_ADDR_PORT, 212, 4);
	ASSERT_LE(0, l1);
	c[0] = self->c;
	c[1] = socket_in("mA", SOCK_SEQPACKET);
	lc = c[2] = socket_in("mB", SOCK_SEQPACKET);	/* same node */
	for (i = 0; i < 3; i++) {
		ASSERT_LE(0, c[i]);
		set_timeo(c[i], 10);
		ASSERT_EQ(0, sp_connect(c[i], i < 2 ? 0xb : 0, MYC_ADDR_PORT,
					212));
	}
	ASSERT_EQ(3, send(c[0], "one", 3, 0));	/* waits for accept() */
	/* the listener, three connections and the local client */
	EXPECT_EQ(before + 5, sockets_b());
	EXPECT_EQ(0, run("myc -n mB socket show | grep -q ' established '"));

	close(l1);
	EXPECT_EQ(-1, recv(c[0], &v, 4, 0));
	EXPECT_EQ(ECONNRESET, errno);
	EXPECT_EQ(0, recv(c[0], &v, 4, 0));
	p.fd = c[1];
	ASSERT_EQ(1, poll(&p, 1, 5000));
	EXPECT_TRUE(p.revents & POLLERR);
	EXPECT_TRUE(p.revents & POLLHUP);
	EXPECT_EQ(-1, send(c[1], "x", 1, MSG_NOSIGNAL));
	EXPECT_EQ(ECONNRESET, errno);
	EXPECT_EQ(-1, send(c[1], "x", 1, MSG_NOSIGNAL));
	EXPECT_EQ(EPIPE, errno);
	EXPECT_EQ(-1, recv(lc, &v, 4, 0));
	EXPECT_EQ(ECONNRESET, errno);
	/* nothing is left of the three connections on B */
	EXPECT_EQ(before + 1, sockets_b());
	EXPECT_NE(0, run("myc -n mB socket show | grep -q ' established '"));
	close(c[1]);
	close(lc);
	EXPECT_EQ(before, sockets_b());
}

/*
 * A client that sends and closes before accept(): accept() still returns
 * the connection, with the message, then end of file (as TCP does).
 */
TEST_F(sp, client_closed_before_accept)
{
	char buf[8];
	int s;

	ASSERT_EQ(0, sp_connect(self->c, 0xb, MYC_ADDR_PORT, 200));
	ASSERT_EQ(3, send(self->c, "bye", 3, 0));
	close(self->c);
	self->c = socket_in("mA", SOCK_SEQPACKET);
	s = accept(self->l, NULL, NULL);
	ASSERT_LE(0, s);
	set_timeo(s, 10);
	EXPECT_EQ(3, recv(s, buf, sizeof(buf), 0));
	EXPECT_EQ(0, memcmp(buf, "bye", 3));
	EXPECT_EQ(0, recv(s, buf, sizeof(buf), 0));
	EXPECT_EQ(-1, send(s, "x", 1, MSG_NOSIGNAL));
	EXPECT_EQ(EPIPE, errno);
	close(s);
}

TEST_F(sp, unreachable_times_out)
{
	int t = 300;

	ASSERT_EQ(0, setsockopt(self->c, SOL_MYCELIUM, MYC_SO_TIMEOUT, &t,
				sizeof(t)));
	ASSERT_EQ(0, run("tc -n mA qdisc add dev vA root netem loss 100%%"));
	EXPECT_EQ(-1, sp_connect(self->c, 0xb, MYC_ADDR_PORT, 200));
	EXPECT_EQ(ETIMEDOUT, errno);
}

TEST_F(sp, local_connection)
{
	int l = sp_listen("mA", MYC_ADDR_PORT, 220, 4), s;
	pid_t pid;
	char buf[8];

	ASSERT_LE(0, l);
	pid = child_connect(self->c, 0, MYC_ADDR_PORT, 220);
	s = accept(l, NULL, NULL);
	ASSERT_LE(0, s);
	ASSERT_EQ(0, child_status(pid));
	ASSERT_EQ(5, send(self->c, "local", 5, 0));
	EXPECT_EQ(5, recv(s, buf, sizeof(buf), 0));
	ASSERT_EQ(2, send(s, "ok", 2, 0));
	EXPECT_EQ(2, recv(self->c, buf, sizeof(buf), 0));
	close(s);
	EXPECT_EQ(0, recv(self->c, buf, sizeof(buf), 0));
	close(l);
}

TEST_F(sp, wrong_state_errors)
{
	int d = socket_in("mA", SOCK_DGRAM), s;
	char buf[4];

	EXPECT_EQ(-1, send(self->c, "x", 1, MSG_NOSIGNAL));
	EXPECT_EQ(ENOTCONN, errno);
	EXPECT_EQ(-1, recv(self->c, buf, sizeof(buf), MSG_DONTWAIT));
	EXPECT_EQ(ENOTCONN, errno);
	EXPECT_EQ(-1, recv(self->l, buf, sizeof(buf), MSG_DONTWAIT));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, accept(self->c, NULL, NULL));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, listen(d, 1));
	EXPECT_EQ(EOPNOTSUPP, errno);
	EXPECT_EQ(-1, sp_connect(self->l, 0xb, MYC_ADDR_PORT, 200));
	EXPECT_EQ(EINVAL, errno);
	s = establish(_metadata, self->l, self->c, MYC_ADDR_PORT, 200);
	ASSERT_LE(0, s);
	EXPECT_EQ(-1, listen(self->c, 1));
	EXPECT_EQ(EINVAL, errno);
	close(s);
	close(d);
}

/* 2000 messages each way under loss: exactly once, in order. */
TEST_F(sp, lossy_link_in_order)
{
	const int n = 2000;
	pid_t pid, pid2;
	int s, i, v;

	s = establish(_metadata, self->l, self->c, MYC_ADDR_PORT, 200);
	ASSERT_LE(0, s);
	ASSERT_EQ(0, run("tc -n mA qdisc add dev vA root netem " NETEM));
	ASSERT_EQ(0, run("tc -n mB qdisc add dev vB root netem " NETEM));
	pid = fork();
	if (pid == 0) {
		for (i = 0; i < n; i++)
			if (send(self->c, &i, 4, 0) != 4)
				_exit(1);
		_exit(0);
	}
	pid2 = fork();
	if (pid2 == 0) {
		for (i = 0; i < n; i++)
			if (send(s, &i, 4, 0) != 4)
				_exit(1);
		_exit(0);
	}
	for (i = 0; i < n; i++) {
		ASSERT_EQ(4, recv(s, &v, 4, 0));
		ASSERT_EQ(i, v);
		ASSERT_EQ(4, recv(self->c, &v, 4, 0));
		ASSERT_EQ(i, v);
	}
	EXPECT_EQ(0, child_status(pid));
	EXPECT_EQ(0, child_status(pid2));
	EXPECT_EQ(-1, recv(s, &v, 4, MSG_DONTWAIT));
	close(s);
}

/*
 * Many connections to one listener at once, each with its own data.  The
 * clients do not wait for accept(), so the backlog is made to hold them
 * all: with a smaller one, those beyond it would be refused whenever
 * accept() falls behind.
 */
TEST_F(sp, many_connections)
{
	const int n = 32;
	int l = sp_listen("mB", MYC_ADDR_PORT, 230, n), c[32], s[32], i, v;
	pid_t pid;

	ASSERT_LE(0, l);
	set_timeo(l, 10);
	for (i = 0; i < n; i++) {
		c[i] = socket_in("mA", SOCK_SEQPACKET);
		ASSERT_LE(0, c[i]);
		set_timeo(c[i], 10);
	}
	pid = fork();
	if (pid == 0) {
		for (i = 0; i < n; i++) {
			if (sp_connect(c[i], 0xb, MYC_ADDR_PORT, 230) ||
			    send(c[i], &i, 4, 0) != 4)
				_exit(1);
		}
		_exit(0);
	}
	for (i = 0; i < n; i++) {
		s[i] = accept(l, NULL, NULL);
		ASSERT_LE(0, s[i]);
		set_timeo(s[i], 10);
	}
	ASSERT_EQ(0, child_status(pid));
	for (i = 0; i < n; i++) {
		ASSERT_EQ(4, recv(s[i], &v, 4, 0));
		EXPECT_EQ(i, v);	/* accepted in connect order */
		ASSERT_EQ(4, send(s[i], &v, 4, 0));
	}
	for (i = 0; i < n; i++) {
		ASSERT_EQ(4, recv(c[i], &v, 4, 0));
		EXPECT_EQ(i, v);
		close(c[i]);
		close(s[i]);
	}
	close(l);
}

/*
 * Credit: a connection whose reader stops blocks its own sender (EAGAIN,
 * poll without POLLOUT) after a bounded amount, while another connection
 * between the same nodes goes on; reading gives the credit back.
 */
TEST_F(sp, stalled_connection_does_not_block_others)
{
	int c2 = socket_in("mA", SOCK_SEQPACKET), s1, s2, i, v;
	struct pollfd p = { .events = POLLOUT };
	static char buf[4000];
	long sent = 0, got = 0;
	ssize_t n;

	ASSERT_LE(0, c2);
	set_timeo(c2, 10);
	s1 = establish(_metadata, self->l, self->c, MYC_ADDR_PORT, 200);
	ASSERT_LE(0, s1);
	s2 = establish(_metadata, self->l, c2, MYC_ADDR_PORT, 200);
	ASSERT_LE(0, s2);

	/*
	 * Nobody reads s1: its sender runs out of credit, 512 blocks, 4 a
	 * message (SO_SNDBUF may stop it for a while first: that drains).
	 */
	p.fd = self->c;
	for (;;) {
		n = send(self->c, buf, sizeof(buf), MSG_DONTWAIT);
		if (n > 0) {
			sent += n;
			continue;
		}
		ASSERT_EQ(EAGAIN, errno);
		if (poll(&p, 1, 1000) != 1)
			break;
	}
	EXPECT_EQ(128 * (long)sizeof(buf), sent)
		TH_LOG("%ld bytes went out", sent);
	EXPECT_EQ(0, poll(&p, 1, 200));

	/* the other connection to the same node is not held back */
	for (i = 0; i < 300; i++)
		ASSERT_EQ(4, send(c2, &i, 4, 0));
	for (i = 0; i < 300; i++) {
		ASSERT_EQ(4, recv(s2, &v, 4, 0));
		ASSERT_EQ(i, v);
	}

	/* reading s1 gives the credit back; everything arrives */
	while (got < sent) {
		n = recv(s1, buf, sizeof(buf), 0);
		ASSERT_EQ((ssize_t)sizeof(buf), n);
		got += n;
	}
	ASSERT_EQ(1, poll(&p, 1, 5000));
	EXPECT_TRUE(p.revents & POLLOUT);
	EXPECT_EQ((ssize_t)sizeof(buf), send(self->c, buf, sizeof(buf), 0));
	EXPECT_EQ((ssize_t)sizeof(buf), recv(s1, buf, sizeof(buf), 0));
	close(s1);
	close(s2);
	close(c2);
}

TEST_HARNESS_MAIN
