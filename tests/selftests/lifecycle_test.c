// SPDX-License-Identifier: GPL-2.0
/*
 * Teardown under traffic: deleting a peer, a namespace, closing sockets and
 * unloading the module while messages flow must leave nothing behind (the
 * VM runner fails the run on any oops, WARNING or refcount report).
 */
#include <errno.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "helpers.h"

/* A child that sends from mA to mB port 100 until killed. */
static pid_t start_sender(void)
{
	pid_t pid = fork();

	if (pid == 0) {
		struct sockaddr_myc to = myc_addr(0xb, MYC_ADDR_PORT, 100);
		int fd = socket_in("mA", SOCK_DGRAM);
		static char buf[3000];

		if (fd < 0)
			_exit(1);
		for (;;)
			sendto(fd, buf, sizeof(buf), MSG_DONTWAIT,
			       (struct sockaddr *)&to, sizeof(to));
	}
	return pid;
}

static void stop(pid_t pid)
{
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
}

TEST(delete_peer_and_netns_under_traffic)
{
	pid_t sender;
	int rx;

	ASSERT_EQ(0, load_module());
	ASSERT_EQ(0, topo_two_nodes(false));
	rx = socket_in("mB", SOCK_DGRAM);
	ASSERT_LE(0, rx);
	ASSERT_EQ(0, bind_port(rx, 100));	/* never read: its buffer fills */
	sender = start_sender();
	ASSERT_LT(0, sender);
	usleep(500000);
	ASSERT_EQ(0, run("myc -n mA peer del b"));
	ASSERT_EQ(0, run("myc -n mA peer add b path 10.0.0.1 10.0.0.2"));
	usleep(300000);
	/* the receiving namespace goes away with traffic in flight */
	close(rx);
	ASSERT_EQ(0, run("ip netns del mB"));
	usleep(300000);
	ASSERT_EQ(0, run("ip netns del mA"));
	usleep(200000);
	stop(sender);
	topo_cleanup();
}

TEST(rmmod_after_traffic_and_close)
{
	pid_t sender;
	int rx;

	ASSERT_EQ(0, load_module());
	ASSERT_EQ(0, topo_two_nodes(true));
	rx = socket_in("mB", SOCK_DGRAM);
	ASSERT_LE(0, rx);
	ASSERT_EQ(0, bind_port(rx, 100));
	sender = start_sender();
	ASSERT_LT(0, sender);
	usleep(500000);
	EXPECT_NE(0, run("rmmod mycelium 2>/dev/null"));	/* sockets open */
	stop(sender);
	close(rx);
	/*
	 * Peers and bearers still exist in mA/mB: the module goes anyway, as
	 * soon as the frames still queued below us (charged to the closed
	 * sockets) have drained.
	 */
	for (int i = 0; i < 50 && run("rmmod mycelium 2>/dev/null"); i++)
		usleep(100000);
	EXPECT_FALSE(module_loaded());
	topo_cleanup();
	ASSERT_EQ(0, load_module());
}

TEST(many_sockets_and_peers)
{
	int fds[256], i;
	char cmd[128];

	ASSERT_EQ(0, load_module());
	ASSERT_EQ(0, run("ip netns add mC"));
	for (i = 0; i < 64; i++) {
		snprintf(cmd, sizeof(cmd),
			 "myc -n mC peer add %x path 127.0.0.1 127.0.1.%d", i + 1,
			 i + 1);
		ASSERT_EQ(0, run("%s", cmd));
	}
	for (i = 0; i < 256; i++) {
		fds[i] = socket_in("mC", SOCK_DGRAM);
		ASSERT_LE(0, fds[i]);
		ASSERT_EQ(0, bind_port(fds[i], 0));
	}
	for (i = 0; i < 256; i++)
		close(fds[i]);
	ASSERT_EQ(0, run("ip netns del mC"));
}

/*
 * rmmod right after many peers went: their memory is freed by RCU
 * callbacks, which run module code, and module exit must wait for them
 * (rcu_barrier()).  Three namespaces of 32 peers, each with two paths
 * probed every 10 ms; some peers deleted just before the unload, the rest
 * removed by it.  Three rounds.  On Debian's kernels it passes even
 * without the barrier (the callbacks, queued on the unloading CPU, run
 * before free_module()'s grace period ends); under the debug kernel
 * (make check-debug) KASAN sees any use of freed node memory.
 */
FIXTURE(unload) {};
FIXTURE_SETUP(unload) {}
FIXTURE_TEARDOWN(unload) {}

TEST_F_TIMEOUT(unload, rmmod_right_after_many_peers_go, 300)
{
	int round, n;

	for (round = 0; round < 3; round++) {
		ASSERT_EQ(0, load_module());
		for (n = 0; n < 3; n++) {
			ASSERT_EQ(0, run("ip netns add mR%d && "
					 "ip -n mR%d link set lo up", n, n));
			ASSERT_EQ(0, run("for i in $(seq 1 32); do "
					 "myc -n mR%d peer add $(printf %%x $i) "
					 "path 127.0.0.1 127.0.1.$i "
					 "path 127.0.0.1 127.0.2.$i "
					 "probe-interval 10 || exit 1; done", n));
		}
		usleep(300000);
		ASSERT_EQ(0, run("for i in $(seq 1 16); do "
				 "myc -n mR%d peer del $(printf %%x $i) || "
				 "exit 1; done; rmmod mycelium", round));
		TH_LOG("round %d: unloaded", round);
		EXPECT_FALSE(module_loaded());
		for (n = 0; n < 3; n++)
			ASSERT_EQ(0, run("ip netns del mR%d", n));
	}
	ASSERT_EQ(0, load_module());
}

TEST_HARNESS_MAIN
