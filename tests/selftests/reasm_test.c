// SPDX-License-Identifier: GPL-2.0
/*
 * Reassembly memory: what a peer's partial messages may hold.
 *
 * Three nodes: mB has peers a (over vA-vB, 10.0.0.1/2) and c (over vC-vB2,
 * 10.0.1.3/2), all insecure.  Once a and b said hello, mA forgets b and
 * the test speaks for a: it crafts DATA frames with the module's own codec
 * (kmod/wire.c) and sends them from 10.0.0.1 to mB's bearer.  Fragments
 * that overlap and come out of order reassemble byte-exact; thousands of
 * partial messages that never complete stay within reasm-peer-max, are
 * counted as given up and freed with the peer; with the node bound as
 * small as the peer bound, c's guaranteed messages pass meanwhile, once and
 * in order, and mB's reassembly memory stays within reasm-node-max; a
 * reliable partial message given up comes back to a in a REJECT (mA's
 * bearer moves off a's port, so the test hears what b sends a); bad
 * settings are refused with an errno and an extack message.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "helpers.h"
#include "wire.h"

#define NODE_A		0xaULL
#define NODE_B		0xbULL
#define PORT		100
#define FRAG		1200
#define FORGED_PN	1000000ULL	/* far above what mA sent */

static int topo_three(void)
{
	topo_cleanup();
	run("ip netns del mC 2>/dev/null");
	return run("ip netns add mA && ip netns add mB && ip netns add mC && "
		   "ip link add vA netns mA type veth peer name vB netns mB && "
		   "ip link add vC netns mC type veth peer name vB2 netns mB && "
		   "for n in mA mB mC; do ip -n $n link set lo up; done && "
		   "ip -n mA addr add 10.0.0.1/24 dev vA && "
		   "ip -n mB addr add 10.0.0.2/24 dev vB && "
		   "ip -n mB addr add 10.0.1.2/24 dev vB2 && "
		   "ip -n mC addr add 10.0.1.3/24 dev vC && "
		   "ip -n mA link set vA up && ip -n mB link set vB up && "
		   "ip -n mB link set vB2 up && ip -n mC link set vC up && "
		   "myc -n mA node set id a && myc -n mB node set id b && "
		   "myc -n mC node set id c && "
		   INSECURE("mA") " && " INSECURE("mB") " && " INSECURE("mC")
		   " && myc -n mA peer add b type sclerotia path 10.0.0.1 10.0.0.2"
		   " && myc -n mB peer add a type sclerotia path 10.0.0.2 10.0.0.1"
		   " && myc -n mB peer add c type sclerotia path 10.0.1.2 10.0.1.3"
		   " && myc -n mC peer add b type sclerotia path 10.0.1.3 10.0.1.2");
}

static void topo_three_cleanup(void)
{
	topo_cleanup();
	run("ip netns del mC 2>/dev/null");
}

/* Wait up to ms for NS's peer to have said hello (auth none). */
static bool wait_hello(const char *ns, const char *peer, int ms)
{
	char cmd[64], buf[64];

	snprintf(cmd, sizeof(cmd), "peer show %s", peer);
	for (; ms > 0; ms -= 50) {
		if (!strcmp(myc_json_str(ns, cmd, "0.auth", buf, sizeof(buf)),
			    "none"))
			return true;
		usleep(50000);
	}
	return false;
}

static long long node_num(const char *key)
{
	return myc_json("mB", "-s node show", key);
}

/* The forger: a UDP socket in mA on 10.0.0.1, and a's next pn. */
struct forger {
	int fd;
	uint64_t pn;
};

/* On a's address and bearer port (mA's bearer moved): what b sends a too. */
static int forger_fn(void *arg)
{
	struct sockaddr_in src = { .sin_family = AF_INET,
				   .sin_port = htons(MYC_DEFAULT_UDP_PORT),
				   .sin_addr.s_addr = htonl(0x0a000001) };
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);

	(void)arg;
	if (fd < 0 || bind(fd, (struct sockaddr *)&src, sizeof(src)))
		return -errno;
	return fd;
}

static int forger_open(struct forger *f)
{
	f->fd = in_netns("mA", forger_fn, NULL);
	f->pn = FORGED_PN;
	return f->fd < 0 ? f->fd : 0;
}

/* One fragment of message msn (guarantee g) from a to mB's port PORT. */
static int forge(struct forger *f, int g, uint64_t msn, uint32_t total,
		 uint32_t offset, uint16_t len, const uint8_t *data)
{
	struct sockaddr_in dst = { .sin_family = AF_INET,
				   .sin_port = htons(MYC_DEFAULT_UDP_PORT),
				   .sin_addr.s_addr = htonl(0x0a000002) };
	struct myc_hdr h = {
		.version = MYC_WIRE_VERSION,
		.type = MYC_FT_DATA,
		.flags = g != MYC_GUARANTEE_BEST_EFFORT ?
			 MYC_FF_ACK_ELICITING : 0,
		.src_node = NODE_A,
		.dst_node = NODE_B,
		.pn = f->pn++,
	};
	struct myc_chunk c = {
		.kind = MYC_CK_MSG,
		.cls = MYC_CLASS_SERVICE,
		.guarantee = (uint8_t)g,
		.src_port = 7,
		.dst_id = PORT,
		.msn = msn,
		.total = total,
		.offset = offset,
		.len = len,
	};
	uint8_t frame[MYC_HDR_LEN + MYC_CHUNK_HDR_LEN + 1400];
	size_t n, m;

	struct pollfd p = { .fd = f->fd, .events = POLLOUT };
	int tries;

	n = myc_hdr_encode(frame, sizeof(frame), &h);
	m = myc_chunk_encode(frame + n, sizeof(frame) - n, &c, data);
	if (!n || !m)
		return -EINVAL;
	/* the socket is non-blocking: a full send buffer waits, up to 5 s */
	for (tries = 0; tries < 50; tries++) {
		if (sendto(f->fd, frame, n + m, 0, (struct sockaddr *)&dst,
			   sizeof(dst)) == (ssize_t)(n + m))
			return 0;
		if (errno != EAGAIN && errno != ENOBUFS)
			return -errno;
		poll(&p, 1, 100);
	}
	return -EAGAIN;
}

/*
 * The next REJECT chunk b sends a within ms (its data copied to data, up
 * to FRAG bytes); 0 or -1.
 */
static int next_reject(struct forger *f, int ms, struct myc_chunk *out,
		       uint8_t *data)
{
	struct pollfd p = { .fd = f->fd, .events = POLLIN };
	uint8_t frame[2048];

	for (; ms > 0; ms -= 10) {
		ssize_t n = recv(f->fd, frame, sizeof(frame), 0);
		struct myc_chunk c;
		size_t pos = 0;

		if (n < 0) {
			poll(&p, 1, 10);
			continue;
		}
		if (myc_frame_validate(frame, (size_t)n) ||
		    frame[1] != MYC_FT_DATA)
			continue;
		while (myc_chunk_next(frame + MYC_HDR_LEN,
				      (size_t)n - MYC_HDR_LEN, &pos, &c) > 0) {
			if (c.kind != MYC_CK_REJECT)
				continue;
			*out = c;
			memcpy(data, c.data, c.len < FRAG ? c.len : FRAG);
			return 0;
		}
	}
	return -1;
}

/* A message within ms, or -1. */
static ssize_t recv_wait(int fd, void *buf, size_t len, int ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };

	if (poll(&p, 1, ms) <= 0)
		return -1;
	return recv(fd, buf, len, MSG_DONTWAIT);
}

FIXTURE(rm)
{
	struct forger f;
	int rx;		/* mB, port PORT */
};

FIXTURE_SETUP(rm)
{
	ASSERT_EQ(0, load_module());
	ASSERT_EQ(0, topo_three());
	ASSERT_TRUE(wait_hello("mB", "a", 5000));
	ASSERT_TRUE(wait_hello("mA", "b", 5000));
	ASSERT_TRUE(wait_hello("mB", "c", 5000));
	ASSERT_TRUE(wait_hello("mC", "b", 5000));
	/* a goes quiet: from now on the test speaks for it */
	ASSERT_EQ(0, run("myc -n mA peer del b && myc -n mA node set port 7000"));
	ASSERT_EQ(0, forger_open(&self->f));
	self->rx = socket_in("mB", SOCK_DGRAM);
	ASSERT_LE(0, self->rx);
	ASSERT_EQ(0, bind_port(self->rx, PORT));
}

FIXTURE_TEARDOWN(rm)
{
	close(self->rx);
	close(self->f.fd);
	topo_three_cleanup();
}

/* Overlapping, duplicate and out-of-order fragments: byte-exact, once. */
TEST_F(rm, odd_fragments_reassemble_exactly)
{
	static const struct { uint32_t off, len; } plan[] = {
		{ 3000, 1300 }, { 4300, 700 }, { 0, 1000 }, { 500, 1000 },
		{ 0, 1000 }, { 2200, 1000 }, { 100, 50 }, { 2600, 1000 },
		{ 1000, 1300 },			/* the last hole: [1500, 2200) */
	};
	static const struct { uint32_t off, len; } cover[] = {
		{ 100, 100 }, { 300, 100 }, { 500, 100 }, { 700, 100 },
		{ 0, 1200 },		/* replaces the four pieces */
		{ 1200, 100 },
	};
	uint8_t msg[5000], buf[6000];
	unsigned int i;

	for (i = 0; i < sizeof(msg); i++)
		msg[i] = (uint8_t)(i * 7 + i / 251);
	for (i = 0; i < sizeof(plan) / sizeof(plan[0]); i++)
		ASSERT_EQ(0, forge(&self->f, MYC_GUARANTEE_BEST_EFFORT, 1,
				   sizeof(msg), plan[i].off, plan[i].len,
				   msg + plan[i].off));
	ASSERT_EQ((ssize_t)sizeof(msg),
		  recv_wait(self->rx, buf, sizeof(buf), 3000));
	EXPECT_EQ(0, memcmp(buf, msg, sizeof(msg)));
	EXPECT_EQ(-1, recv_wait(self->rx, buf, sizeof(buf), 300));

	/* a high message whose fragment covers four held ones */
	for (i = 0; i < sizeof(cover) / sizeof(cover[0]); i++)
		ASSERT_EQ(0, forge(&self->f, MYC_GUARANTEE_HIGH, 1, 1300,
				   cover[i].off, cover[i].len,
				   msg + 3000 + cover[i].off));
	ASSERT_EQ(1300, recv_wait(self->rx, buf, sizeof(buf), 3000));
	EXPECT_EQ(0, memcmp(buf, msg + 3000, 1300));
	/* its fragments again: a duplicate, not a second message */
	ASSERT_EQ(0, forge(&self->f, MYC_GUARANTEE_HIGH, 1, 1300, 0, 1200,
			   msg + 3000));
	EXPECT_EQ(-1, recv_wait(self->rx, buf, sizeof(buf), 300));
	EXPECT_EQ(0, node_num("0.reasm-mem"));
	EXPECT_EQ(0, node_num("0.reasm-drops"));
}

/* Thousands of partial messages from one peer stay within its bound. */
TEST_F(rm, partial_messages_stay_within_peer_bound)
{
	uint8_t data[FRAG];
	long long mem, most, drops;
	int i;

	memset(data, 0x5a, sizeof(data));
	ASSERT_EQ(0, run("myc -n mB node set reasm-peer-max 1m"));
	EXPECT_EQ(1 << 20, node_num("0.reasm-peer-max"));
	for (i = 0; i < 3000; i++) {
		ASSERT_EQ(0, forge(&self->f, MYC_GUARANTEE_BEST_EFFORT,
				   100 + i, MYC_MAX_MSG_SIZE, 0, FRAG, data));
		if (i < 1000)
			ASSERT_EQ(0, forge(&self->f, MYC_GUARANTEE_HIGH,
					   100 + i, MYC_MAX_MSG_SIZE, 0, FRAG,
					   data));
		if (i % 200 == 199)
			usleep(20000);	/* let the softirq keep up */
	}
	usleep(500000);
	mem = node_num("0.reasm-mem");
	most = node_num("0.reasm-peer-mem");
	drops = node_num("0.reasm-drops");
	TH_LOG("held %lld bytes (one peer %lld), %lld given up", mem, most,
	       drops);
	EXPECT_LT(512 * 1024, mem);	/* it did fill up */
	EXPECT_GE(1 << 20, mem);
	EXPECT_EQ(mem, most);
	EXPECT_LT(1000, drops);		/* the newest best-effort ones */
	/* the best-effort ones expire after 5 s; the reliable ones stay */
	sleep(6);
	EXPECT_GT(mem, node_num("0.reasm-mem"));
	EXPECT_LT(0, node_num("0.reasm-mem"));
	/* all of it goes with the peer */
	ASSERT_EQ(0, run("myc -n mB peer del a"));
	for (i = 0; i < 50 && node_num("0.reasm-mem"); i++)
		usleep(100000);
	EXPECT_EQ(0, node_num("0.reasm-mem"));
}

/*
 * A fragment of the oldest reliable partial message makes room by giving
 * up the newest, which goes back to its sender: a REJECT with ENOBUFS,
 * the message's length and its first fragment's data.
 */
TEST_F(rm, reliable_partial_given_up_returns_to_sender)
{
	uint8_t data[FRAG], back[FRAG];
	struct myc_chunk c;
	long long mem;
	int i;

	memset(data, 0x5a, sizeof(data));
	ASSERT_EQ(0, run("myc -n mB node set reasm-peer-max 1m"));
	for (i = 1; i <= 600; i++) {
		ASSERT_EQ(0, forge(&self->f, MYC_GUARANTEE_HIGH, i,
				   MYC_MAX_MSG_SIZE, 0, FRAG, data));
		if (i % 100 == 0)
			usleep(20000);
	}
	usleep(300000);
	mem = node_num("0.reasm-mem");
	EXPECT_LT((1 << 20) - 8192, mem);	/* full: new ones refused */
	EXPECT_EQ(0, node_num("0.reasm-drops"));
	while (next_reject(&self->f, 50, &c, back) == 0)
		;	/* nothing given up yet */
	/* the second fragment of message 1, the oldest */
	ASSERT_EQ(0, forge(&self->f, MYC_GUARANTEE_HIGH, 1, MYC_MAX_MSG_SIZE,
			   FRAG, FRAG, data));
	ASSERT_EQ(0, next_reject(&self->f, 3000, &c, back));
	EXPECT_EQ((uint32_t)ENOBUFS, c.aux);
	EXPECT_EQ((uint32_t)MYC_MAX_MSG_SIZE, c.total);
	EXPECT_EQ(0u, c.offset);
	EXPECT_EQ(FRAG, (int)c.len);
	EXPECT_EQ(0, memcmp(back, data, FRAG));
	EXPECT_EQ(7u, c.dst_id);		/* the port it came from */
	EXPECT_EQ((uint32_t)PORT, c.src_port);	/* the port it went to */
	EXPECT_EQ(MYC_GUARANTEE_HIGH, (int)c.guarantee);
	EXPECT_LE(1, node_num("0.reasm-drops"));
	EXPECT_GE(1 << 20, node_num("0.reasm-mem"));
}

/*
 * A peer filling the node's whole bound does not hold another peer's
 * guaranteed traffic up: c's messages reassemble meanwhile, exactly once
 * and in order, with nothing on its sender's error queue.
 */
TEST_F_TIMEOUT(rm, node_bound_other_peer_flows, 300)
{
	const int count = 40, size = 100000;
	long long mem, peak = 0;
	char *buf = malloc(size + 1), errb[64];
	int tx, i, k, g = MYC_GUARANTEE_GUARANTEED, status;
	struct sockaddr_myc to = myc_addr(NODE_B, MYC_ADDR_PORT, PORT);
	pid_t attacker, sender;

	ASSERT_NE(NULL, buf);
	ASSERT_EQ(0, run("myc -n mB node set reasm-peer-max 2m reasm-node-max 2m"));
	attacker = fork();
	ASSERT_LE(0, attacker);
	if (attacker == 0) {
		uint8_t data[FRAG];
		uint64_t msn;

		memset(data, 0xa5, sizeof(data));
		for (msn = 100; ; msn++) {
			forge(&self->f, MYC_GUARANTEE_BEST_EFFORT, msn,
			      MYC_MAX_MSG_SIZE, 0, FRAG, data);
			forge(&self->f, MYC_GUARANTEE_HIGH, msn % 3000 + 100,
			      MYC_MAX_MSG_SIZE, 0, FRAG, data);
			if (msn % 25 == 0)
				usleep(20000);
		}
	}
	sleep(1);
	EXPECT_LT(1 << 20, node_num("0.reasm-mem"));	/* a filled it */

	tx = socket_in("mC", SOCK_DGRAM);
	ASSERT_LE(0, tx);
	ASSERT_EQ(0, setsockopt(tx, SOL_MYCELIUM, MYC_SO_GUARANTEE, &g,
				sizeof(g)));
	sender = fork();
	ASSERT_LE(0, sender);
	if (sender == 0) {
		for (i = 0; i < count; i++) {
			for (k = 0; k < size; k++)
				buf[k] = (char)(i * 31 + k);
			memcpy(buf, &i, sizeof(i));
			if (sendto(tx, buf, size, 0, (struct sockaddr *)&to,
				   sizeof(to)) != size)
				_exit(3);
		}
		_exit(0);
	}
	for (i = 0; i < count; i++) {
		int got = -1;

		ASSERT_EQ(size, recv_wait(self->rx, buf, size + 1, 60000))
			TH_LOG("message %d of %d: reasm-mem %lld, given up %lld",
			       i, count, node_num("0.reasm-mem"),
			       node_num("0.reasm-drops"));
		memcpy(&got, buf, sizeof(got));
		ASSERT_EQ(i, got);		/* in order, none twice */
		for (k = sizeof(i); k < size; k++)
			if (buf[k] != (char)(i * 31 + k))
				break;
		ASSERT_EQ(size, k);
		if (i % 8 == 0) {
			mem = node_num("0.reasm-mem");
			peak = mem > peak ? mem : peak;
			EXPECT_GE(2 << 20, mem);
		}
	}
	ASSERT_EQ(sender, waitpid(sender, &status, 0));
	EXPECT_EQ(0, status);
	kill(attacker, SIGKILL);
	waitpid(attacker, NULL, 0);
	EXPECT_EQ(-1, recv_wait(self->rx, buf, size + 1, 500));
	/* nothing came back to c's sender */
	EXPECT_EQ(-1, recv(tx, errb, sizeof(errb), MSG_ERRQUEUE | MSG_DONTWAIT));
	EXPECT_EQ(EAGAIN, errno);
	mem = node_num("0.reasm-mem");
	TH_LOG("peak sampled %lld, now %lld, given up %lld", peak, mem,
	       node_num("0.reasm-drops"));
	EXPECT_GE(2 << 20, mem);
	EXPECT_LT(0, node_num("0.reasm-drops"));
	close(tx);
	free(buf);
}

/* NODE_SET in mB with raw attributes: the errno, and the extack in ext. */
struct set_req {
	struct raw_attr a[2];
	int n;
	char ext[256];
};

static int set_fn(void *arg)
{
	struct set_req *r = arg;

	r->ext[0] = 0;
	return node_set_raw(r->a, r->n, r->ext, sizeof(r->ext));
}

/* Bounds out of range, or a peer bound above the node's: refused. */
TEST_F(rm, bad_settings_refused)
{
	uint32_t small = 1000, big = 2U << 30, four = 4 << 20, two = 2 << 20;
	struct set_req r = { .n = 1 };

	r.a[0] = (struct raw_attr){ MYC_A_NODE_REASM_PEER_MAX, 4, &small };
	EXPECT_EQ(-ERANGE, in_netns("mB", set_fn, &r));
	r.a[0] = (struct raw_attr){ MYC_A_NODE_REASM_NODE_MAX, 4, &big };
	EXPECT_EQ(-ERANGE, in_netns("mB", set_fn, &r));
	r.a[0] = (struct raw_attr){ MYC_A_NODE_REASM_PEER_MAX, 4, &four };
	r.a[1] = (struct raw_attr){ MYC_A_NODE_REASM_NODE_MAX, 4, &two };
	r.n = 2;
	EXPECT_EQ(-EINVAL, in_netns("mB", set_fn, &r));
	EXPECT_STREQ("reasm-peer-max exceeds reasm-node-max", r.ext);
	r.n = 1;
	r.a[0] = (struct raw_attr){ MYC_A_NODE_REASM_MEM, 4, &two };
	EXPECT_EQ(-EINVAL, in_netns("mB", set_fn, &r));
	EXPECT_STREQ("attribute is read-only", r.ext);
	r.a[0] = (struct raw_attr){ MYC_A_NODE_REASM_NODE_MAX, 4, &two };
	EXPECT_EQ(-EINVAL, in_netns("mB", set_fn, &r));
	EXPECT_STREQ("reasm-peer-max exceeds reasm-node-max", r.ext);
	/* nothing changed */
	EXPECT_EQ(MYC_DEFAULT_REASM_PEER_MAX,
		  myc_json("mB", "node show", "0.reasm-peer-max"));
	EXPECT_EQ(MYC_DEFAULT_REASM_NODE_MAX,
		  myc_json("mB", "node show", "0.reasm-node-max"));
	/* the tool: sizes with suffixes, its own range check */
	EXPECT_EQ(0, run("myc -n mB node set reasm-node-max 64m reasm-peer-max 8M"));
	EXPECT_EQ(64 << 20, myc_json("mB", "node show", "0.reasm-node-max"));
	EXPECT_EQ(8 << 20, myc_json("mB", "node show", "0.reasm-peer-max"));
	EXPECT_NE(0, run("myc -n mB node set reasm-peer-max 10 2>/dev/null"));
	EXPECT_NE(0, run("myc -n mB node set reasm-peer-max 2g 2>/dev/null"));
	EXPECT_NE(0, run("myc -n mB node set reasm-peer-max 65m 2>/dev/null"));
	EXPECT_EQ(0, run("myc -n mB node set reasm-peer-max 65m 2>&1 | "
			 "grep -q 'reasm-peer-max exceeds reasm-node-max'"));
}

TEST_HARNESS_MAIN
