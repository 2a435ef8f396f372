// SPDX-License-Identifier: GPL-2.0
/*
 * Reliability under netem (10 % loss, 5 % reordering, 1 % duplication on
 * both directions of the veth): guaranteed messages arrive exactly once and
 * in order, high messages all arrive exactly once, large messages
 * reassemble byte-exact, and a receiver that stops reading does not make
 * the sender's memory grow.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/sockios.h>

#include "kselftest_harness.h"
#include "helpers.h"

#define NETEM "loss 10%% delay 1ms reorder 5%% 50%% duplicate 1%%"

FIXTURE(lossy)
{
	int a, b;
};

FIXTURE_SETUP(lossy)
{
	struct timeval tv = { .tv_sec = 20 };

	ASSERT_EQ(0, load_module());
	ASSERT_EQ(0, topo_two_nodes(false));
	ASSERT_EQ(0, run("ip netns exec mA ping -c1 -W2 10.0.0.2 >/dev/null"));
	ASSERT_EQ(0, run("tc -n mA qdisc add dev vA root netem " NETEM));
	ASSERT_EQ(0, run("tc -n mB qdisc add dev vB root netem " NETEM));
	self->a = socket_in("mA", SOCK_DGRAM);
	self->b = socket_in("mB", SOCK_DGRAM);
	ASSERT_LE(0, self->a);
	ASSERT_LE(0, self->b);
	ASSERT_EQ(0, bind_port(self->b, 100));
	ASSERT_EQ(0, setsockopt(self->b, SOL_SOCKET, SO_RCVTIMEO, &tv,
				sizeof(tv)));
}

FIXTURE_TEARDOWN(lossy)
{
	close(self->a);
	close(self->b);
	topo_cleanup();
}

/* Child: send count messages of size bytes numbered 0.. with guarantee g. */
static pid_t sender(int fd, int g, int count, size_t size)
{
	pid_t pid = fork();

	if (pid == 0) {
		struct sockaddr_myc to = myc_addr(0xb, MYC_ADDR_PORT, 100);
		char *buf = malloc(size);
		int i;

		if (!buf || setsockopt(fd, SOL_MYCELIUM, MYC_SO_GUARANTEE, &g,
				       sizeof(g)))
			_exit(2);
		for (i = 0; i < count; i++) {
			size_t k;

			for (k = 0; k < size; k++)
				buf[k] = (char)(i * 31 + k);
			memcpy(buf, &i, sizeof(i));
			if (sendto(fd, buf, size, 0, (struct sockaddr *)&to,
				   sizeof(to)) != (ssize_t)size)
				_exit(3);
		}
		_exit(0);
	}
	return pid;
}

static int wait_ok(pid_t pid)
{
	int st;

	if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st))
		return -1;
	return WEXITSTATUS(st);
}

TEST_F(lossy, guaranteed_exactly_once_in_order)
{
	const int count = 10000;
	pid_t pid = sender(self->a, MYC_GUARANTEE_GUARANTEED, count, 64);
	char buf[128];
	int i, seq;

	ASSERT_LT(0, pid);
	for (i = 0; i < count; i++) {
		ssize_t n = recv(self->b, buf, sizeof(buf), 0);

		ASSERT_EQ(64, n) TH_LOG("message %d: %s", i, strerror(errno));
		memcpy(&seq, buf, sizeof(seq));
		ASSERT_EQ(i, seq);
	}
	EXPECT_EQ(0, wait_ok(pid));
	/* nothing more: no duplicate arrives later */
	EXPECT_EQ(-1, recv(self->b, buf, sizeof(buf), MSG_DONTWAIT));
	usleep(500000);
	EXPECT_EQ(-1, recv(self->b, buf, sizeof(buf), MSG_DONTWAIT));
}

TEST_F(lossy, high_all_arrive_once)
{
	const int count = 10000;
	pid_t pid = sender(self->a, MYC_GUARANTEE_HIGH, count, 64);
	char *seen = calloc(count, 1);
	char buf[128];
	int i, seq;

	ASSERT_LT(0, pid);
	for (i = 0; i < count; i++) {
		ssize_t n = recv(self->b, buf, sizeof(buf), 0);

		ASSERT_EQ(64, n) TH_LOG("after %d messages: %s", i,
					strerror(errno));
		memcpy(&seq, buf, sizeof(seq));
		ASSERT_LE(0, seq);
		ASSERT_GT(count, seq);
		ASSERT_EQ(0, seen[seq]) TH_LOG("message %d twice", seq);
		seen[seq] = 1;
	}
	EXPECT_EQ(0, wait_ok(pid));
	usleep(500000);
	EXPECT_EQ(-1, recv(self->b, buf, sizeof(buf), MSG_DONTWAIT));
	free(seen);
}

TEST_F(lossy, large_messages_reassemble_byte_exact)
{
	const size_t size = 200 * 1024;
	const int count = 20;
	pid_t pid = sender(self->a, MYC_GUARANTEE_GUARANTEED, count, size);
	char *buf = malloc(size + 1);
	int rcvbuf = 4 << 20;
	int i, seq;

	ASSERT_NE(NULL, buf);
	ASSERT_LT(0, pid);
	setsockopt(self->b, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof(rcvbuf));
	for (i = 0; i < count; i++) {
		size_t k;

		ASSERT_EQ((ssize_t)size, recv(self->b, buf, size + 1, 0));
		memcpy(&seq, buf, sizeof(seq));
		ASSERT_EQ(i, seq);
		for (k = sizeof(seq); k < size; k++)
			ASSERT_EQ((char)(i * 31 + k), buf[k]);
	}
	EXPECT_EQ(0, wait_ok(pid));
	free(buf);
}

/*
 * One socket that does not read does not hold back the guaranteed messages
 * of another socket on the same node: they are delivered while it is
 * stalled, and it still gets its own, exactly once and in order, once it
 * reads.
 */
TEST_F(lossy, full_socket_does_not_hold_back_others)
{
	struct timeval tv = { .tv_sec = 20 };
	int y = socket_in("mB", SOCK_DGRAM), small = 4096, i, v;
	static char buf[1024];
	const int n = 400;
	pid_t pid;

	ASSERT_LE(0, y);
	ASSERT_EQ(0, bind_port(y, 101));
	ASSERT_EQ(0, setsockopt(y, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)));
	ASSERT_EQ(0, setsockopt(self->b, SOL_SOCKET, SO_RCVBUF, &small,
				sizeof(small)));
	pid = fork();
	if (pid == 0) {
		int g = MYC_GUARANTEE_GUARANTEED;

		if (myc_setopt(self->a, MYC_SO_GUARANTEE, g))
			_exit(2);
		for (i = 0; i < n; i++) {
			struct sockaddr_myc to = myc_addr(0xb, MYC_ADDR_PORT,
							  i % 2 ? 101 : 100);

			memcpy(buf, &i, sizeof(i));
			if (sendto(self->a, buf, sizeof(buf), 0,
				   (struct sockaddr *)&to, sizeof(to)) !=
			    sizeof(buf))
				_exit(3);
		}
		_exit(0);
	}
	/* port 100 is not read yet: port 101 gets all of its messages */
	for (i = 1; i < n; i += 2) {
		ASSERT_EQ((ssize_t)sizeof(buf), recv(y, buf, sizeof(buf), 0));
		memcpy(&v, buf, sizeof(v));
		ASSERT_EQ(i, v);
	}
	for (i = 0; i < n; i += 2) {
		ASSERT_EQ((ssize_t)sizeof(buf),
			  recv(self->b, buf, sizeof(buf), 0));
		memcpy(&v, buf, sizeof(v));
		ASSERT_EQ(i, v);
	}
	EXPECT_EQ(0, wait_ok(pid));
	EXPECT_EQ(-1, recv(self->b, buf, sizeof(buf), MSG_DONTWAIT));
	close(y);
}

TEST_F(lossy, stalled_receiver_bounds_sender_memory)
{
	struct sockaddr_myc to = myc_addr(0xb, MYC_ADDR_PORT, 100);
	int g = MYC_GUARANTEE_GUARANTEED, outq = 0, i, sent = 0;
	char buf[1000] = {};
	struct timeval tv = { .tv_sec = 0, .tv_usec = 200000 };

	ASSERT_EQ(0, setsockopt(self->a, SOL_MYCELIUM, MYC_SO_GUARANTEE, &g,
				sizeof(g)));
	ASSERT_EQ(0, setsockopt(self->a, SOL_SOCKET, SO_SNDTIMEO, &tv,
				sizeof(tv)));
	/* B never reads: its buffer fills, then the window, then we block */
	for (i = 0; i < 20000; i++) {
		if (sendto(self->a, buf, sizeof(buf), 0, (struct sockaddr *)&to,
			   sizeof(to)) < 0)
			break;
		sent++;
	}
	EXPECT_EQ(EAGAIN, errno) TH_LOG("sent %d", sent);
	EXPECT_GT(20000, sent);
	ASSERT_EQ(0, ioctl(self->a, SIOCOUTQ, &outq));
	EXPECT_GE(4 << 20, outq);
	/* once B reads, everything sent so far arrives, in order */
	for (i = 0; i < sent; i++) {
		int seq_ok = recv(self->b, buf, sizeof(buf), 0) == sizeof(buf);

		ASSERT_TRUE(seq_ok) TH_LOG("message %d of %d", i, sent);
	}
}

TEST_HARNESS_MAIN
