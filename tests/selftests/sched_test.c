// SPDX-License-Identifier: GPL-2.0
/*
 * The send queue: small messages are bundled into few frames (with
 * MSG_MORE, and by themselves when the congestion window holds them
 * back), each still delivered once as its own message; and when the path
 * is congested a consensus message overtakes queued spore traffic.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "helpers.h"

/* A counter of peer b as node a sees it (myc -j -s peer show). */
static long long peer_stat(const char *key)
{
	char cmd[256], buf[64] = "";
	long long v = -1;
	FILE *f;

	snprintf(cmd, sizeof(cmd),
		 "myc -n mA -j -s peer show b | /usr/lib/mycelium/selftests/json_get 0.stats.%s", key);
	f = popen(cmd, "r");
	if (!f)
		return -1;
	if (fgets(buf, sizeof(buf), f))
		v = atoll(buf);
	pclose(f);
	return v;
}

FIXTURE(q)
{
	int a, b;
};

FIXTURE_SETUP(q)
{
	struct timeval tv = { .tv_sec = 10 };

	ASSERT_EQ(0, load_module());
	ASSERT_EQ(0, topo_two_nodes(false));
	ASSERT_EQ(0, run("ip netns exec mA ping -c1 -W2 10.0.0.2 >/dev/null"));
	self->a = socket_in("mA", SOCK_DGRAM);
	self->b = socket_in("mB", SOCK_DGRAM);
	ASSERT_LE(0, self->a);
	ASSERT_LE(0, self->b);
	ASSERT_EQ(0, bind_port(self->b, 100));
	ASSERT_EQ(0, setsockopt(self->b, SOL_SOCKET, SO_RCVTIMEO, &tv,
				sizeof(tv)));
}

FIXTURE_TEARDOWN(q)
{
	close(self->a);
	close(self->b);
	topo_cleanup();
}

/* 200 best-effort messages sent with MSG_MORE travel in a few frames. */
TEST_F(q, msg_more_bundles)
{
	struct sockaddr_myc to = myc_addr(0xb, MYC_ADDR_PORT, 100);
	const int n = 200;
	long long f0, f1;
	int i, v;

	f0 = peer_stat("tx-frames");
	ASSERT_LE(0, f0);
	for (i = 0; i < n; i++) {
		ASSERT_EQ(4, sendto(self->a, &i, 4, i < n - 1 ? MSG_MORE : 0,
				    (struct sockaddr *)&to, sizeof(to)));
	}
	for (i = 0; i < n; i++) {
		ASSERT_EQ(4, recv(self->b, &v, sizeof(v), 0));
		ASSERT_EQ(i, v);
	}
	f1 = peer_stat("tx-frames");
	/* 40 bytes per message: 36 to a frame */
	EXPECT_LE(f1 - f0, 10) TH_LOG("%lld frames for %d messages",
				       f1 - f0, n);
	EXPECT_EQ(-1, recv(self->b, &v, sizeof(v), MSG_DONTWAIT));
}

/* Without MSG_MORE, one message per frame while nothing holds them. */
TEST_F(q, no_bundling_when_idle)
{
	struct sockaddr_myc to = myc_addr(0xb, MYC_ADDR_PORT, 100);
	long long f0, f1;
	int i, v;

	f0 = peer_stat("tx-frames");
	for (i = 0; i < 20; i++) {
		ASSERT_EQ(4, sendto(self->a, &i, 4, 0, (struct sockaddr *)&to,
				    sizeof(to)));
		ASSERT_EQ(4, recv(self->b, &v, sizeof(v), 0));
	}
	f1 = peer_stat("tx-frames");
	EXPECT_EQ(20, f1 - f0);
}

/*
 * Reliable small messages faster than the window lets them out (500 ms of
 * delay): they bundle by themselves, and all arrive once.
 */
TEST_F(q, window_bundles_reliable)
{
	struct sockaddr_myc to = myc_addr(0xb, MYC_ADDR_PORT, 100);
	const int n = 3000;
	long long f0, f1;
	char seen[3000] = {};
	int i, v, sndbuf = 16 << 20;
	pid_t pid;

	ASSERT_EQ(0, run("tc -n mA qdisc add dev vA root netem delay 500ms"));
	ASSERT_EQ(0, myc_setopt(self->a, MYC_SO_GUARANTEE, MYC_GUARANTEE_HIGH));
	/*
	 * Room for all of them: the sender must not wait for the acks that
	 * open the window, or it trickles messages in as the window opens
	 * and how many share a frame depends on how fast TCG runs it.
	 */
	ASSERT_EQ(0, setsockopt(self->a, SOL_SOCKET, SO_SNDBUFFORCE, &sndbuf,
				sizeof(sndbuf)));
	f0 = peer_stat("tx-frames");
	pid = fork();
	if (pid == 0) {
		for (i = 0; i < n; i++)
			if (sendto(self->a, &i, 4, 0, (struct sockaddr *)&to,
				   sizeof(to)) != 4)
				_exit(1);
		_exit(0);
	}
	for (i = 0; i < n; i++) {
		ASSERT_EQ(4, recv(self->b, &v, sizeof(v), 0));
		ASSERT_TRUE(v >= 0 && v < n);
		EXPECT_EQ(0, seen[v]);
		seen[v] = 1;
	}
	ASSERT_EQ(pid, waitpid(pid, &v, 0));
	EXPECT_EQ(0, WEXITSTATUS(v));
	f1 = peer_stat("tx-frames");
	EXPECT_LE(f1 - f0, n / 4) TH_LOG("%lld frames (%lld resent) for %d messages",
					  f1 - f0, peer_stat("retrans"), n);
}

/*
 * A congested path (1 Mbit/s, 20 ms): 400 KiB of spore traffic is queued
 * (high, 1 KiB each) before one consensus message.  The consensus message
 * arrives long before the spore traffic is through.
 */
TEST_F(q, consensus_overtakes_spores)
{
	struct sockaddr_myc bulk = myc_addr(0xb, MYC_ADDR_PORT, 100);
	struct sockaddr_myc urgent = myc_addr(0xb, MYC_ADDR_PORT, 101);
	int u = socket_in("mB", SOCK_DGRAM), c = socket_in("mA", SOCK_DGRAM);
	struct pollfd p[2];
	int nbulk = 0, at = -1, sndbuf = 1 << 20;
	static char buf[1024];
	pid_t pid;

	ASSERT_LE(0, u);
	ASSERT_LE(0, c);
	ASSERT_EQ(0, bind_port(u, 101));
	ASSERT_EQ(0, run("tc -n mA qdisc add dev vA root netem delay 20ms "
			 "rate 1mbit"));
	pid = fork();
	if (pid == 0) {
		int i;

		if (myc_setopt(self->a, MYC_SO_GUARANTEE, MYC_GUARANTEE_HIGH) ||
		    myc_setopt(self->a, MYC_SO_CLASS, MYC_CLASS_SPORE) ||
		    setsockopt(self->a, SOL_SOCKET, SO_SNDBUF, &sndbuf,
			       sizeof(sndbuf)))
			_exit(1);
		for (i = 0; i < 400; i++)
			if (sendto(self->a, buf, sizeof(buf), 0,
				   (struct sockaddr *)&bulk,
				   sizeof(bulk)) != sizeof(buf))
				_exit(2);
		_exit(0);
	}
	usleep(300000);		/* the spores fill the window and queue */
	ASSERT_EQ(0, myc_setopt(c, MYC_SO_GUARANTEE, MYC_GUARANTEE_HIGH));
	ASSERT_EQ(0, myc_setopt(c, MYC_SO_CLASS, MYC_CLASS_CONSENSUS));
	ASSERT_EQ(4, sendto(c, "vote", 4, 0, (struct sockaddr *)&urgent,
			    sizeof(urgent)));

	p[0].fd = self->b;
	p[1].fd = u;
	p[0].events = p[1].events = POLLIN;
	while (nbulk < 400 && poll(p, 2, 10000) > 0) {
		if (p[0].revents & POLLIN &&
		    recv(self->b, buf, sizeof(buf), 0) == sizeof(buf))
			nbulk++;
		if (p[1].revents & POLLIN) {
			ASSERT_EQ(4, recv(u, buf, sizeof(buf), 0));
			at = nbulk;
		}
	}
	EXPECT_EQ(400, nbulk);
	ASSERT_LE(0, at);
	/* FIFO would put it after all 400 */
	EXPECT_LT(at, 200) TH_LOG("consensus arrived after %d spores", at);
	EXPECT_EQ(0, waitpid(pid, &nbulk, 0) == pid ? WEXITSTATUS(nbulk) : -1);
	close(u);
	close(c);
}

TEST_HARNESS_MAIN
