// SPDX-License-Identifier: GPL-2.0
/* Socket creation: supported and refused types and protocols. */
#include <errno.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "helpers.h"

FIXTURE(af)
{
	int family;
};

FIXTURE_SETUP(af)
{
	ASSERT_EQ(0, load_module());
	self->family = myc_family();
}

FIXTURE_TEARDOWN(af)
{
}

TEST_F(af, dgram_and_seqpacket)
{
	int types[] = { SOCK_DGRAM, SOCK_SEQPACKET };
	unsigned int i;

	for (i = 0; i < 2; i++) {
		struct sockaddr_myc a = {};
		socklen_t len = sizeof(a);
		int type = 0;
		socklen_t tlen = sizeof(type);
		int fd = socket(self->family, types[i], 0);

		ASSERT_LE(0, fd) TH_LOG("type %d: %s", types[i], strerror(errno));
		ASSERT_EQ(0, getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &tlen));
		EXPECT_EQ(types[i], type);
		ASSERT_EQ(0, getsockname(fd, (struct sockaddr *)&a, &len));
		EXPECT_EQ(sizeof(a), len);
		EXPECT_EQ(self->family, a.smyc_family);
		/* not connected yet */
		EXPECT_EQ(-1, getpeername(fd, (struct sockaddr *)&a, &len));
		EXPECT_EQ(ENOTCONN, errno);
		EXPECT_EQ(0, close(fd));
	}
}

TEST_F(af, nonblock_and_cloexec_flags)
{
	int fd = socket(self->family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
			0);

	ASSERT_LE(0, fd);
	close(fd);
}

TEST_F(af, refused_types)
{
	int bad[] = { SOCK_STREAM, SOCK_RAW, SOCK_RDM, SOCK_DCCP, SOCK_PACKET };
	unsigned int i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		errno = 0;
		EXPECT_EQ(-1, socket(self->family, bad[i], 0))
			TH_LOG("type %d accepted", bad[i]);
		EXPECT_EQ(ESOCKTNOSUPPORT, errno) TH_LOG("type %d", bad[i]);
	}
}

TEST_F(af, refused_protocols)
{
	int bad[] = { 1, 17, 255, -1 };
	unsigned int i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		errno = 0;
		EXPECT_EQ(-1, socket(self->family, SOCK_DGRAM, bad[i]));
		EXPECT_EQ(EPROTONOSUPPORT, errno) TH_LOG("protocol %d", bad[i]);
	}
}

TEST_F(af, unprivileged_user_may_open_sockets)
{
	pid_t pid = fork();
	int st;

	ASSERT_LE(0, pid);
	if (!pid) {
		int fd;

		if (become_nobody())
			_exit(2);
		fd = socket(self->family, SOCK_SEQPACKET, 0);
		_exit(fd < 0 ? 1 : 0);
	}
	ASSERT_EQ(pid, waitpid(pid, &st, 0));
	ASSERT_TRUE(WIFEXITED(st));
	EXPECT_EQ(0, WEXITSTATUS(st));
}

TEST_F(af, socket_count_follows_open_and_close)
{
	struct node_info n0, n1;
	int fds[200];
	unsigned int i;

	ASSERT_EQ(0, node_get(&n0));
	for (i = 0; i < 200; i++) {
		fds[i] = socket(self->family, i % 2 ? SOCK_DGRAM : SOCK_SEQPACKET,
				0);
		ASSERT_LE(0, fds[i]);
	}
	ASSERT_EQ(0, node_get(&n1));
	EXPECT_EQ(n0.sockets + 200, n1.sockets);
	for (i = 0; i < 200; i++)
		close(fds[i]);
	ASSERT_EQ(0, node_get(&n1));
	EXPECT_EQ(n0.sockets, n1.sockets);
}

TEST_F(af, seqpacket_needs_a_connection)
{
	int fd = socket(self->family, SOCK_SEQPACKET, 0);
	char buf[8] = {};

	ASSERT_LE(0, fd);
	/* no op on an unconnected seqpacket socket pretends to work */
	EXPECT_EQ(-1, send(fd, buf, sizeof(buf), MSG_DONTWAIT | MSG_NOSIGNAL));
	EXPECT_EQ(ENOTCONN, errno);
	EXPECT_EQ(-1, recv(fd, buf, sizeof(buf), MSG_DONTWAIT));
	EXPECT_EQ(ENOTCONN, errno);
	close(fd);
}

TEST_HARNESS_MAIN
