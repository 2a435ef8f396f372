// SPDX-License-Identifier: GPL-2.0
/* The /proc/net/mycelium parser behind "myc socket show". */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "kselftest_harness.h"
#include "libmyc.h"

struct got {
	struct myc_sock_entry e[8];
	int n;
};

static int collect(const struct myc_sock_entry *e, void *data)
{
	struct got *g = data;

	if (g->n == 8)
		return -E2BIG;
	g->e[g->n++] = *e;
	return 0;
}

static int parse(const char *text, struct got *g, unsigned int *lineno)
{
	FILE *f = fmemopen((void *)text, strlen(text), "r");
	int err;

	memset(g, 0, sizeof(*g));
	if (!f)
		return -errno;
	err = myc_proc_sockets_read(f, collect, g, lineno);
	fclose(f);
	return err;
}

/* What kmod/proc.c prints today. */
TEST(kernel_format)
{
	struct got g;
	unsigned int line;

	ASSERT_EQ(0, parse("port     service  type  rx_queue tx_queue uid   inode\n"
			   "80000001 -        dgram 00000000 00000300 0     4711\n"
			   "00001388 00004242 seqp  00000a00 00000000 65534 18446744073709551615\n",
			   &g, &line));
	ASSERT_EQ(2, g.n);
	EXPECT_EQ(3U, line);
	EXPECT_EQ(0x80000001U, g.e[0].port);
	EXPECT_STREQ("dgram", g.e[0].type);
	EXPECT_EQ(0U, g.e[0].has & MYC_SOCK_SERVICE);
	EXPECT_EQ(0U, g.e[0].rx_queue);
	EXPECT_EQ(0x300U, g.e[0].tx_queue);
	EXPECT_EQ(0U, g.e[0].uid);
	EXPECT_EQ(4711U, g.e[0].inode);
	EXPECT_EQ((unsigned int)(MYC_SOCK_RX_QUEUE | MYC_SOCK_TX_QUEUE | MYC_SOCK_UID |
		  MYC_SOCK_INODE), g.e[0].has);

	EXPECT_EQ(5000U, g.e[1].port);
	EXPECT_STREQ("seqpacket", g.e[1].type);
	EXPECT_NE(0U, g.e[1].has & MYC_SOCK_SERVICE);
	EXPECT_EQ(0x4242U, g.e[1].service);
	EXPECT_EQ(0xa00U, g.e[1].rx_queue);
	EXPECT_EQ(65534U, g.e[1].uid);
	EXPECT_EQ(UINT64_MAX, g.e[1].inode);
}

TEST(empty_table)
{
	struct got g;
	unsigned int line;

	EXPECT_EQ(0, parse("port     service  type  rx_queue tx_queue uid   inode\n",
			   &g, &line));
	EXPECT_EQ(0, g.n);
}

/* A later kernel may reorder, add and drop columns. */
TEST(columns_by_header)
{
	struct got g;
	unsigned int line;

	ASSERT_EQ(0, parse("inode color  type  drops port     extra\n"
			   "99    bound  dgram 7     0000abcd x y z\n"
			   "\n"
			   "100   -      stream 0    00000001 -\n",
			   &g, &line));
	ASSERT_EQ(2, g.n);
	EXPECT_EQ(0xabcdU, g.e[0].port);
	EXPECT_STREQ("dgram", g.e[0].type);
	EXPECT_EQ(99U, g.e[0].inode);
	EXPECT_EQ((unsigned int)MYC_SOCK_INODE, g.e[0].has);
	EXPECT_STREQ("stream", g.e[1].type);
	EXPECT_EQ(1U, g.e[1].port);
}

TEST(state_and_peer)
{
	struct got g;
	unsigned int line;

	ASSERT_EQ(0, parse("port     type  state       peer\n"
			   "00000001 seqp  established 000000000000000b:p:80000001\n"
			   "00000002 seqp  connecting  000000000000000b:s:0000002a\n"
			   "00000003 dgram unconnected -\n",
			   &g, &line));
	ASSERT_EQ(3, g.n);
	EXPECT_STREQ("established", g.e[0].state);
	EXPECT_EQ(0xbULL, g.e[0].peer_node);
	EXPECT_EQ((uint16_t)MYC_ADDR_PORT, g.e[0].peer_kind);
	EXPECT_EQ(0x80000001U, g.e[0].peer_id);
	EXPECT_EQ((uint16_t)MYC_ADDR_SERVICE, g.e[1].peer_kind);
	EXPECT_EQ(42U, g.e[1].peer_id);
	EXPECT_EQ(0U, g.e[2].has & MYC_SOCK_PEER);
	EXPECT_NE(0U, g.e[2].has & MYC_SOCK_STATE);

	/* a malformed peer is an error, not a guess */
	EXPECT_NE(0, parse("port     type  peer\n"
			   "00000001 seqp  b:x:1\n", &g, &line));
	EXPECT_NE(0, parse("port     type  peer\n"
			   "00000001 seqp  000000000000000b:p:1:2\n", &g, &line));
}

TEST(bad_header)
{
	struct got g;
	unsigned int line;

	EXPECT_EQ(-EPROTO, parse("", &g, &line));
	EXPECT_EQ(-EPROTO, parse("service type uid\n1 dgram 0\n", &g, &line));
	EXPECT_EQ(-EPROTO, parse("80000001 -        dgram 00000000 00000000 0 1\n",
				 &g, &line));
	EXPECT_EQ(0, g.n);
}

TEST(bad_lines)
{
	static const char *const bad[] = {
		"port type uid\n1 dgram\n",		/* short line */
		"port type uid\nxyz dgram 0\n",		/* port not hex */
		"port type uid\n100000000 dgram 0\n",	/* port > u32 */
		"port type uid\n- dgram 0\n",		/* port is required */
		"port type uid\n1 dgram -3\n",		/* uid negative */
		"port type uid\n1 dgram 0x1\n",		/* uid not decimal */
		"port type\n1 averyveryverylongtype\n",
	};
	struct got g;
	unsigned int line, i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		EXPECT_EQ(-EBADMSG, parse(bad[i], &g, &line))
			TH_LOG("accepted: %s", bad[i]);
		EXPECT_EQ(2U, line);
		EXPECT_EQ(0, g.n);
	}
}

TEST(callback_stops_the_walk)
{
	char text[4096] = "port type\n";
	struct got g;
	unsigned int line;
	int i;

	for (i = 0; i < 10; i++)
		snprintf(text + strlen(text), sizeof(text) - strlen(text),
			 "%x dgram\n", i + 1);
	EXPECT_EQ(-E2BIG, parse(text, &g, &line));
	EXPECT_EQ(8, g.n);
	EXPECT_EQ(10U, line);
}

TEST_HARNESS_MAIN
