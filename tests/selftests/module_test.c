// SPDX-License-Identifier: GPL-2.0
/*
 * Module lifecycle: load and unload, the family= parameter, autoloading,
 * and rmmod refused while a socket is open.  Runs first: it leaves the
 * module loaded with its defaults.
 */
#include <errno.h>
#include <sys/socket.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "helpers.h"

static void unload(struct __test_metadata *_metadata)
{
	if (module_loaded())
		ASSERT_EQ(0, run("rmmod mycelium"));
	ASSERT_FALSE(module_loaded());
}

TEST(load_unload)
{
	unload(_metadata);
	ASSERT_EQ(0, load_module());
	ASSERT_TRUE(module_loaded());
	EXPECT_EQ(AF_MYCELIUM_DEFAULT, myc_family());
	ASSERT_EQ(0, run("rmmod mycelium"));
	ASSERT_FALSE(module_loaded());
	/* and again: nothing left behind by the first round */
	ASSERT_EQ(0, load_module());
	ASSERT_EQ(0, run("rmmod mycelium"));
	ASSERT_EQ(0, load_module());
}

TEST(rmmod_refused_with_open_socket)
{
	int dgram, seqpacket;

	ASSERT_EQ(0, load_module());
	dgram = socket(AF_MYCELIUM_DEFAULT, SOCK_DGRAM, 0);
	ASSERT_LE(0, dgram);
	EXPECT_NE(0, run("rmmod mycelium 2>/dev/null"));
	EXPECT_TRUE(module_loaded());

	seqpacket = socket(AF_MYCELIUM_DEFAULT, SOCK_SEQPACKET, 0);
	ASSERT_LE(0, seqpacket);
	close(dgram);
	EXPECT_NE(0, run("rmmod mycelium 2>/dev/null"));
	EXPECT_TRUE(module_loaded());

	close(seqpacket);
	EXPECT_EQ(0, run("rmmod mycelium"));
	EXPECT_FALSE(module_loaded());
	ASSERT_EQ(0, load_module());
}

TEST(family_parameter)
{
	struct node_info n;
	int fd;

	unload(_metadata);
	ASSERT_EQ(0, run("modprobe mycelium family=30"));
	EXPECT_EQ(30, myc_family());

	fd = socket(30, SOCK_DGRAM, 0);
	ASSERT_LE(0, fd);
	close(fd);
	/* the default number is not ours now (autoload finds it loaded) */
	EXPECT_EQ(-1, socket(AF_MYCELIUM_DEFAULT, SOCK_DGRAM, 0));
	EXPECT_EQ(EAFNOSUPPORT, errno);

	ASSERT_EQ(0, node_get(&n));
	EXPECT_EQ(30, n.family);

	unload(_metadata);
	ASSERT_EQ(0, load_module());
}

TEST(family_taken_fails_clearly)
{
	unload(_metadata);
	/* AF_INET is always registered */
	EXPECT_NE(0, run("modprobe mycelium family=2 2>/dev/null"));
	EXPECT_FALSE(module_loaded());
	EXPECT_TRUE(kmsg_contains("address family 2 is already used"));
	ASSERT_EQ(0, load_module());
}

TEST(family_out_of_range)
{
	unload(_metadata);
	EXPECT_NE(0, run("modprobe mycelium family=0 2>/dev/null"));
	EXPECT_NE(0, run("modprobe mycelium family=4096 2>/dev/null"));
	EXPECT_NE(0, run("modprobe mycelium family=-1 2>/dev/null"));
	EXPECT_FALSE(module_loaded());
	EXPECT_TRUE(kmsg_contains("family=4096 is out of range"));
	ASSERT_EQ(0, load_module());
}

TEST(autoload_by_socket)
{
	int fd;

	unload(_metadata);
	fd = socket(AF_MYCELIUM_DEFAULT, SOCK_SEQPACKET, 0);
	ASSERT_LE(0, fd) TH_LOG("socket(): %s", strerror(errno));
	EXPECT_TRUE(module_loaded());
	close(fd);
}

TEST(autoload_by_netlink)
{
	struct node_info n;

	unload(_metadata);
	ASSERT_EQ(0, node_get(&n));
	EXPECT_TRUE(module_loaded());
	EXPECT_NE(0ULL, n.id);
}

TEST_HARNESS_MAIN
