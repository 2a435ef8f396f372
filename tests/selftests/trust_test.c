// SPDX-License-Identifier: GPL-2.0
/*
 * Trust in the kernel, without myceliumd: profiles negotiated in HELLOs,
 * the daemon interface (registration, requests for keys, handshake relay,
 * key installation), sealed frames on the wire (no plaintext, tampered and
 * replayed frames dropped and counted), rekeying under traffic, and the
 * errors a daemon gets for bad input.  A "fake daemon" here plays
 * myceliumd's part over generic netlink and installs keys of its own.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/genetlink.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <netinet/ip.h>
#include <netinet/udp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <libmnl/libmnl.h>

#include "kselftest_harness.h"
#include "helpers.h"

#define NODE_A 0xa
#define NODE_B 0xb
#define PORT 100
#define MARKER "MYCELIUM-PLAINTEXT-MARKER"
#define FT_DATA 1		/* frame type DATA (protocol.rst) */

/* Netlink refuses a bad length or value with one of these. */
static bool refused(int err)
{
	return err == -EINVAL || err == -ERANGE;
}

/* A valid DATA frame from a to b in clear: a best-effort "evil" to PORT. */
static size_t clear_frame(uint8_t *f)
{
	static const uint8_t hdr[28] = {
		1, FT_DATA, 0, 0,			/* version, type, flags */
		0, 0, 0, 0, 0, 0, 0, NODE_A,		/* source */
		0, 0, 0, 0, 0, 0, 0, NODE_B,		/* destination */
		0, 0, 0, 0, 0, 0x0f, 0x42, 0x3f,	/* packet number */
	};
	static const uint8_t chunk[36] = {
		1, 0, 2, 3,			/* MSG, flags, class, prio 3 */
		0, 0, 0, 5, 0, 0, 0, PORT,	/* ports */
		0, 0, 0, 0, 0, 0, 0, 1,		/* msn */
		0, 0, 0, 4, 0, 0, 0, 0,		/* total, offset */
		0, 0, 0, 0, 0, 4, 0, 0,		/* aux, len, reserved */
	};

	memcpy(f, hdr, sizeof(hdr));
	memcpy(f + 28, chunk, sizeof(chunk));
	memcpy(f + 64, "evil", 4);
	return 68;
}

/* A notification the kernel sent the daemon. */
struct ntf {
	uint8_t cmd;
	uint64_t peer;
	int reason, enc, peer_type;
	bool local_hello, remote_hello;
	uint8_t data[MYC_MAX_HANDSHAKE_LEN];
	size_t len;
};

#define MAXQ 64

struct fake_daemon {
	struct myc_nl h;
	bool open;
	struct ntf q[MAXQ];
	int nq;
};

static int q_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct genlmsghdr *g = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *tb[MYC_A_AUTH_MAX + 1] = {};
	struct fake_daemon *d = data;
	struct ntf *n;

	if (g->cmd != MYC_CMD_AUTH_NTF && g->cmd != MYC_CMD_HANDSHAKE_NTF)
		return MNL_CB_OK;
	if (d->nq == MAXQ || myc_nl_parse(nlh, tb, MYC_A_AUTH_MAX) < 0)
		return MNL_CB_OK;
	n = &d->q[d->nq++];
	memset(n, 0, sizeof(*n));
	n->cmd = g->cmd;
	n->reason = n->enc = n->peer_type = -1;
	if (tb[MYC_A_AUTH_PEER])
		n->peer = mnl_attr_get_u64(tb[MYC_A_AUTH_PEER]);
	if (tb[MYC_A_AUTH_REASON])
		n->reason = mnl_attr_get_u8(tb[MYC_A_AUTH_REASON]);
	if (tb[MYC_A_AUTH_ENCRYPTION])
		n->enc = mnl_attr_get_u8(tb[MYC_A_AUTH_ENCRYPTION]);
	if (tb[MYC_A_AUTH_PEER_TYPE])
		n->peer_type = mnl_attr_get_u8(tb[MYC_A_AUTH_PEER_TYPE]);
	n->local_hello = tb[MYC_A_AUTH_LOCAL_HELLO] &&
			 mnl_attr_get_payload_len(tb[MYC_A_AUTH_LOCAL_HELLO]) == 20;
	n->remote_hello = tb[MYC_A_AUTH_REMOTE_HELLO] &&
			  mnl_attr_get_payload_len(tb[MYC_A_AUTH_REMOTE_HELLO]) == 20;
	if (tb[MYC_A_AUTH_DATA]) {
		n->len = mnl_attr_get_payload_len(tb[MYC_A_AUTH_DATA]);
		if (n->len > sizeof(n->data))
			n->len = sizeof(n->data);
		memcpy(n->data, mnl_attr_get_payload(tb[MYC_A_AUTH_DATA]),
		       n->len);
	}
	return MNL_CB_OK;
}

static int d_open(const char *ns, struct fake_daemon *d)
{
	int err;

	memset(d, 0, sizeof(*d));
	err = myc_nl_open_in(ns, &d->h);
	d->open = !err;
	return err;
}

static void d_close(struct fake_daemon *d)
{
	if (d->open)
		myc_nl_close(&d->h);
	d->open = false;
}

static int d_register(struct fake_daemon *d)
{
	return myc_nl_talk(&d->h, myc_nl_msg(&d->h, MYC_CMD_DAEMON_REGISTER, 0),
			   q_cb, d);
}

/* The next queued notification of cmd (for peer, 0: any), waiting ms. */
static bool d_wait(struct fake_daemon *d, uint8_t cmd, uint64_t peer,
		   int ms, struct ntf *out)
{
	struct pollfd p = { .fd = mnl_socket_get_fd(d->h.sock),
			    .events = POLLIN };
	int i;

	for (;;) {
		for (i = 0; i < d->nq; i++) {
			if (d->q[i].cmd != cmd || (peer && d->q[i].peer != peer))
				continue;
			*out = d->q[i];
			memmove(&d->q[i], &d->q[i + 1],
				(size_t)(d->nq - i - 1) * sizeof(d->q[0]));
			d->nq--;
			return true;
		}
		/* ms 0: what the socket holds now, without waiting */
		if (ms < 0 || poll(&p, 1, ms) <= 0)
			return false;
		ms = ms > 10 ? ms - 10 : -1;	/* coarse: a timeout */
		myc_nl_recv(&d->h, q_cb, d);
	}
}

static void d_drain(struct fake_daemon *d)
{
	struct ntf n;

	while (d_wait(d, MYC_CMD_AUTH_NTF, 0, 0, &n) ||
	       d_wait(d, MYC_CMD_HANDSHAKE_NTF, 0, 0, &n))
		;
}

static int d_keys(struct fake_daemon *d, uint64_t peer, uint8_t tx_seed,
		  uint8_t rx_seed, int phase, int confirm)
{
	uint8_t tx[MYC_KEY_LEN], rx[MYC_KEY_LEN];
	struct nlmsghdr *nlh;

	memset(tx, tx_seed, sizeof(tx));
	memset(rx, rx_seed, sizeof(rx));
	nlh = myc_nl_msg(&d->h, MYC_CMD_AUTH_SET, 0);
	mnl_attr_put_u64(nlh, MYC_A_AUTH_PEER, peer);
	mnl_attr_put_u8(nlh, MYC_A_AUTH_STATE, MYC_AUTH_OK);
	mnl_attr_put(nlh, MYC_A_AUTH_TX_KEY, sizeof(tx), tx);
	mnl_attr_put(nlh, MYC_A_AUTH_RX_KEY, sizeof(rx), rx);
	mnl_attr_put_u8(nlh, MYC_A_AUTH_PHASE, (uint8_t)phase);
	mnl_attr_put_u8(nlh, MYC_A_AUTH_CONFIRM, (uint8_t)confirm);
	return myc_nl_talk(&d->h, nlh, q_cb, d);
}

static int d_fail(struct fake_daemon *d, uint64_t peer)
{
	struct nlmsghdr *nlh = myc_nl_msg(&d->h, MYC_CMD_AUTH_SET, 0);

	mnl_attr_put_u64(nlh, MYC_A_AUTH_PEER, peer);
	mnl_attr_put_u8(nlh, MYC_A_AUTH_STATE, MYC_AUTH_FAILED);
	return myc_nl_talk(&d->h, nlh, q_cb, d);
}

static int d_handshake(struct fake_daemon *d, uint64_t peer, const void *buf,
		       size_t len)
{
	struct nlmsghdr *nlh = myc_nl_msg(&d->h, MYC_CMD_HANDSHAKE_SEND, 0);

	mnl_attr_put_u64(nlh, MYC_A_AUTH_PEER, peer);
	mnl_attr_put(nlh, MYC_A_AUTH_DATA, len, buf);
	return myc_nl_talk(&d->h, nlh, q_cb, d);
}

/* Both ends keyed by the fake daemons: a starts (confirm), b answers. */
static int key_pair(struct fake_daemon *da, struct fake_daemon *db,
		    uint8_t seed, int phase)
{
	int err = d_keys(da, NODE_B, seed, (uint8_t)(seed + 1), phase, 1);

	return err ?: d_keys(db, NODE_A, (uint8_t)(seed + 1), seed, phase, 0);
}

static char *peer_str(const char *ns, uint64_t peer, const char *key,
		      char *buf, size_t len)
{
	char cmd[64];

	snprintf(cmd, sizeof(cmd), "-s peer show %llx",
		 (unsigned long long)peer);
	return myc_json_str(ns, cmd, key, buf, len);
}

static long long peer_num(const char *ns, uint64_t peer, const char *key)
{
	char cmd[64];

	snprintf(cmd, sizeof(cmd), "-s peer show %llx",
		 (unsigned long long)peer);
	return myc_json(ns, cmd, key);
}

/* Wait up to ms for peer's key (auth, profile.encryption...) to be want. */
static bool wait_str(const char *ns, uint64_t peer, const char *key,
		     const char *want, int ms)
{
	char buf[64];

	for (; ms > 0; ms -= 20) {
		if (!strcmp(peer_str(ns, peer, key, buf, sizeof(buf)), want))
			return true;
		usleep(20000);
	}
	return false;
}

static int secure_topo(const char *type_a, const char *type_b)
{
	topo_cleanup();
	return run("ip netns add mA && ip netns add mB && "
		   "ip link add vA netns mA type veth peer name vB netns mB && "
		   "ip -n mA link set lo up && ip -n mB link set lo up && "
		   "ip -n mA addr add 10.0.0.1/24 dev vA && "
		   "ip -n mB addr add 10.0.0.2/24 dev vB && "
		   "ip -n mA link set vA up && ip -n mB link set vB up && "
		   "myc -n mA node set id a type %s && "
		   "myc -n mB node set id b type %s && "
		   "myc -n mA peer add b type %s path 10.0.0.1 10.0.0.2 "
		   "probe-interval 50 && "
		   "myc -n mB peer add a type %s path 10.0.0.2 10.0.0.1 "
		   "probe-interval 50",
		   type_a, type_b, type_b, type_a);
}

/* Guaranteed datagram sockets: tx in mA, rx in mB bound to PORT. */
static void dgram_pair(int *tx, int *rx)
{
	*tx = socket_in("mA", SOCK_DGRAM);
	*rx = socket_in("mB", SOCK_DGRAM);
	if (*tx >= 0)
		myc_setopt(*tx, MYC_SO_GUARANTEE, MYC_GUARANTEE_GUARANTEED);
	if (*rx >= 0)
		bind_port(*rx, PORT);
}

static int send_msg(int fd, uint64_t node, const void *buf, size_t len)
{
	struct sockaddr_myc to = myc_addr(node, MYC_ADDR_PORT, PORT);

	return sendto(fd, buf, len, 0, (struct sockaddr *)&to, sizeof(to)) ==
	       (ssize_t)len ? 0 : -errno;
}

/* A message within ms, or -1. */
static ssize_t recv_wait(int fd, void *buf, size_t len, int ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };

	if (poll(&p, 1, ms) <= 0)
		return -1;
	return recv(fd, buf, len, MSG_DONTWAIT);
}

/* Packet capture on mB's veth: UDP payloads to port 6920 from mA. */
static int cap_fn(void *arg)
{
	struct sockaddr_ll ll = { .sll_family = AF_PACKET,
				  .sll_protocol = htons(ETH_P_IP) };
	int fd = socket(AF_PACKET, SOCK_DGRAM | SOCK_NONBLOCK, htons(ETH_P_IP));

	(void)arg;
	if (fd < 0)
		return -errno;
	ll.sll_ifindex = (int)if_nametoindex("vB");
	if (bind(fd, (struct sockaddr *)&ll, sizeof(ll))) {
		close(fd);
		return -errno;
	}
	return fd;
}

/*
 * The next captured frame (UDP payload from 10.0.0.1 to port 6920) of
 * Mycelium frame type type (0: any), within ms; its length or -1.
 */
static ssize_t cap_next(int fd, uint8_t type, uint8_t *out, size_t size,
			int ms)
{
	uint8_t pkt[2048];
	struct pollfd p = { .fd = fd, .events = POLLIN };

	for (; ms > 0; ms -= 10) {
		ssize_t n = recv(fd, pkt, sizeof(pkt), 0);
		const struct iphdr *ip = (const void *)pkt;
		const struct udphdr *udp;
		size_t hl, len;

		if (n < 0) {
			poll(&p, 1, 10);
			continue;
		}
		hl = (size_t)ip->ihl * 4;
		if ((size_t)n < hl + sizeof(*udp) || ip->protocol != IPPROTO_UDP ||
		    ip->saddr != htonl(0x0a000001))
			continue;
		udp = (const void *)(pkt + hl);
		if (ntohs(udp->dest) != MYC_DEFAULT_UDP_PORT)
			continue;
		len = (size_t)n - hl - sizeof(*udp);
		if (len < 28 || (type && pkt[hl + sizeof(*udp) + 1] != type) ||
		    len > size)
			continue;
		memcpy(out, pkt + hl + sizeof(*udp), len);
		return (ssize_t)len;
	}
	return -1;
}

/* Send a raw frame from mA's address to mB's bearer. */
static int inj_fn(void *arg)
{
	struct sockaddr_in src = { .sin_family = AF_INET,
				   .sin_addr.s_addr = htonl(0x0a000001) };
	int fd = socket(AF_INET, SOCK_DGRAM, 0);

	(void)arg;
	if (fd < 0 || bind(fd, (struct sockaddr *)&src, sizeof(src)))
		return -errno;
	return fd;
}

static int inject(const uint8_t *frame, size_t len)
{
	struct sockaddr_in dst = { .sin_family = AF_INET,
				   .sin_port = htons(MYC_DEFAULT_UDP_PORT),
				   .sin_addr.s_addr = htonl(0x0a000002) };
	int fd = in_netns("mA", inj_fn, NULL), ret;

	if (fd < 0)
		return fd;
	ret = sendto(fd, frame, len, 0, (struct sockaddr *)&dst,
		     sizeof(dst)) == (ssize_t)len ? 0 : -errno;
	close(fd);
	return ret;
}

static bool contains(const uint8_t *buf, size_t len, const char *s)
{
	return memmem(buf, len, s, strlen(s)) != NULL;
}

FIXTURE(trust) {
	struct fake_daemon da, db;
	int tx, rx;
};

FIXTURE_SETUP(trust)
{
	self->tx = self->rx = -1;
	ASSERT_EQ(0, load_module());
	ASSERT_EQ(0, secure_topo("sclerotia", "sclerotia"));
	ASSERT_EQ(0, d_open("mA", &self->da));
	ASSERT_EQ(0, d_open("mB", &self->db));
	dgram_pair(&self->tx, &self->rx);
	ASSERT_LE(0, self->tx);
	ASSERT_LE(0, self->rx);
}

FIXTURE_TEARDOWN(trust)
{
	close(self->tx);
	close(self->rx);
	d_close(&self->da);
	d_close(&self->db);
	topo_cleanup();
}

/* Both daemons registered and asked, keys installed, data flows. */
static void keyed(struct __test_metadata *_metadata,
		  FIXTURE_DATA(trust) *self)
{
	struct ntf n;

	ASSERT_EQ(0, d_register(&self->da));
	ASSERT_EQ(0, d_register(&self->db));
	ASSERT_TRUE(d_wait(&self->da, MYC_CMD_AUTH_NTF, NODE_B, 3000, &n));
	ASSERT_TRUE(d_wait(&self->db, MYC_CMD_AUTH_NTF, NODE_A, 3000, &n));
	ASSERT_EQ(0, key_pair(&self->da, &self->db, 0x11, 0));
	ASSERT_TRUE(wait_str("mA", NODE_B, "0.auth", "ok", 3000));
	ASSERT_TRUE(wait_str("mB", NODE_A, "0.auth", "ok", 3000));
}

TEST_F(trust, no_daemon_means_pending_and_no_data)
{
	char buf[256];

	ASSERT_TRUE(wait_str("mA", NODE_B, "0.auth", "no-daemon", 3000));
	EXPECT_STREQ("standard", peer_str("mA", NODE_B,
					  "0.profile.encryption", buf,
					  sizeof(buf)));
	EXPECT_STREQ("high-performance", peer_str("mA", NODE_B,
						  "0.profile.profile", buf,
						  sizeof(buf)));
	EXPECT_EQ(0, run("myc -n mA peer show b | grep -q 'auth pending (no myceliumd)'"));
	/* a message waits: nothing arrives without keys */
	ASSERT_EQ(0, send_msg(self->tx, NODE_B, "early", 5));
	EXPECT_EQ(-1, recv_wait(self->rx, buf, sizeof(buf), 500));
	/* once keys are in, it goes, once */
	keyed(_metadata, self);
	ASSERT_EQ(5, recv_wait(self->rx, buf, sizeof(buf), 3000));
	EXPECT_EQ(0, memcmp(buf, "early", 5));
	EXPECT_EQ(-1, recv_wait(self->rx, buf, sizeof(buf), 300));
}

TEST_F(trust, register_ask_and_unregister)
{
	struct fake_daemon other;
	struct nlmsghdr *nlh;
	struct ntf n;

	ASSERT_EQ(0, d_register(&self->da));
	ASSERT_TRUE(d_wait(&self->da, MYC_CMD_AUTH_NTF, NODE_B, 3000, &n));
	EXPECT_EQ(MYC_AUTHR_NEW, n.reason);
	EXPECT_EQ(MYC_ENC_STANDARD, n.enc);
	EXPECT_EQ(MYC_NODE_SCLEROTIA, n.peer_type);
	EXPECT_TRUE(n.local_hello);
	EXPECT_TRUE(n.remote_hello);
	EXPECT_TRUE(wait_str("mA", NODE_B, "0.auth", "pending", 2000));
	EXPECT_NE(0, myc_json("mA", "node show", "0.daemon"));
	/* the same socket again is fine; another one is refused */
	EXPECT_EQ(0, d_register(&self->da));
	nlh = myc_nl_msg(&self->da.h, MYC_CMD_DAEMON_REGISTER, 0);
	mnl_attr_put_u64(nlh, MYC_A_AUTH_PEER, NODE_B);
	EXPECT_EQ(-EINVAL, myc_nl_talk(&self->da.h, nlh, q_cb, &self->da));
	EXPECT_NE(NULL, strstr(self->da.h.errmsg, "takes no attributes"));
	ASSERT_EQ(0, d_open("mA", &other));
	EXPECT_EQ(-EBUSY, d_register(&other));
	EXPECT_NE(NULL, strstr(other.h.errmsg, "another myceliumd"));
	/* the registration ends with the socket */
	d_close(&self->da);
	EXPECT_TRUE(wait_str("mA", NODE_B, "0.auth", "no-daemon", 2000));
	EXPECT_EQ(0, myc_json("mA", "node show", "0.daemon"));
	EXPECT_EQ(0, d_register(&other));
	EXPECT_TRUE(d_wait(&other, MYC_CMD_AUTH_NTF, NODE_B, 3000, &n));
	d_close(&other);
}

TEST_F(trust, only_the_daemon_may_act)
{
	struct fake_daemon other;

	/* nobody registered */
	EXPECT_EQ(-EPERM, d_keys(&self->da, NODE_B, 1, 2, 0, 0));
	EXPECT_NE(NULL, strstr(self->da.h.errmsg, "no myceliumd"));
	ASSERT_EQ(0, d_register(&self->da));
	ASSERT_EQ(0, d_open("mA", &other));
	EXPECT_EQ(-EPERM, d_keys(&other, NODE_B, 1, 2, 0, 0));
	EXPECT_NE(NULL, strstr(other.h.errmsg, "only the registered"));
	EXPECT_EQ(-EPERM, d_handshake(&other, NODE_B, "x", 1));
	EXPECT_EQ(-EPERM, d_fail(&other, NODE_B));
	d_close(&other);
	/* unprivileged users may not even try */
	EXPECT_NE(0, run("su nobody -s /bin/sh -c 'myc -n mA node set insecure on' 2>/dev/null"));
}

TEST_F(trust, bad_auth_input)
{
	static uint8_t big[MYC_MAX_HANDSHAKE_LEN + 1];
	uint8_t key[MYC_KEY_LEN + 1] = {};
	struct nlmsghdr *nlh;

	ASSERT_EQ(0, d_register(&self->da));
	/* no such peer */
	EXPECT_EQ(-ENOENT, d_keys(&self->da, 0x77, 1, 2, 0, 0));
	EXPECT_NE(NULL, strstr(self->da.h.errmsg, "no such peer"));
	/* key of the wrong length */
	nlh = myc_nl_msg(&self->da.h, MYC_CMD_AUTH_SET, 0);
	mnl_attr_put_u64(nlh, MYC_A_AUTH_PEER, NODE_B);
	mnl_attr_put_u8(nlh, MYC_A_AUTH_STATE, MYC_AUTH_OK);
	mnl_attr_put(nlh, MYC_A_AUTH_TX_KEY, sizeof(key), key);
	mnl_attr_put(nlh, MYC_A_AUTH_RX_KEY, MYC_KEY_LEN, key);
	mnl_attr_put_u8(nlh, MYC_A_AUTH_PHASE, 0);
	EXPECT_TRUE(refused(myc_nl_talk(&self->da.h, nlh, q_cb, &self->da)));
	EXPECT_NE('\0', self->da.h.errmsg[0]);
	/* no phase */
	nlh = myc_nl_msg(&self->da.h, MYC_CMD_AUTH_SET, 0);
	mnl_attr_put_u64(nlh, MYC_A_AUTH_PEER, NODE_B);
	mnl_attr_put_u8(nlh, MYC_A_AUTH_STATE, MYC_AUTH_OK);
	mnl_attr_put(nlh, MYC_A_AUTH_TX_KEY, MYC_KEY_LEN, key);
	mnl_attr_put(nlh, MYC_A_AUTH_RX_KEY, MYC_KEY_LEN, key);
	EXPECT_EQ(-EINVAL, myc_nl_talk(&self->da.h, nlh, q_cb, &self->da));
	EXPECT_NE(NULL, strstr(self->da.h.errmsg, "phase"));
	/* phase 2, state pending: out of range */
	nlh = myc_nl_msg(&self->da.h, MYC_CMD_AUTH_SET, 0);
	mnl_attr_put_u64(nlh, MYC_A_AUTH_PEER, NODE_B);
	mnl_attr_put_u8(nlh, MYC_A_AUTH_STATE, MYC_AUTH_PENDING);
	EXPECT_TRUE(refused(myc_nl_talk(&self->da.h, nlh, q_cb, &self->da)));
	/* a hello that is not the peer's */
	memset(key, 0, sizeof(key));
	key[0] = 1;
	nlh = myc_nl_msg(&self->da.h, MYC_CMD_AUTH_SET, 0);
	mnl_attr_put_u64(nlh, MYC_A_AUTH_PEER, NODE_B);
	mnl_attr_put_u8(nlh, MYC_A_AUTH_STATE, MYC_AUTH_FAILED);
	mnl_attr_put(nlh, MYC_A_AUTH_REMOTE_HELLO, 20, key);
	EXPECT_EQ(-ESTALE, myc_nl_talk(&self->da.h, nlh, q_cb, &self->da));
	/* handshake data: empty and too long */
	EXPECT_TRUE(refused(d_handshake(&self->da, NODE_B, "", 0)));
	EXPECT_TRUE(refused(d_handshake(&self->da, NODE_B, big, sizeof(big))));
	/* the peer is untouched by all of it */
	EXPECT_TRUE(wait_str("mA", NODE_B, "0.auth", "pending", 1000));
}

TEST_F(trust, handshake_frames_are_relayed)
{
	static const char msg[] = "hello from a's daemon";
	struct ntf n;

	ASSERT_EQ(0, d_register(&self->da));
	ASSERT_EQ(0, d_register(&self->db));
	d_drain(&self->db);
	ASSERT_EQ(0, d_handshake(&self->da, NODE_B, msg, sizeof(msg)));
	ASSERT_TRUE(d_wait(&self->db, MYC_CMD_HANDSHAKE_NTF, NODE_A, 3000, &n));
	EXPECT_EQ(sizeof(msg), n.len);
	EXPECT_EQ(0, memcmp(n.data, msg, sizeof(msg)));
	EXPECT_EQ(MYC_NODE_SCLEROTIA, n.peer_type);
}

TEST_F(trust, keys_then_data_both_ways)
{
	char buf[64];
	int i, tx_b;

	keyed(_metadata, self);
	for (i = 0; i < 20; i++) {
		snprintf(buf, sizeof(buf), "m%d", i);
		ASSERT_EQ(0, send_msg(self->tx, NODE_B, buf, strlen(buf)));
	}
	for (i = 0; i < 20; i++) {
		char want[16];
		ssize_t n = recv_wait(self->rx, buf, sizeof(buf), 3000);

		snprintf(want, sizeof(want), "m%d", i);
		ASSERT_EQ((ssize_t)strlen(want), n);
		EXPECT_EQ(0, memcmp(buf, want, (size_t)n));
	}
	/* and back: b to a */
	tx_b = socket_in("mB", SOCK_DGRAM);
	ASSERT_LE(0, tx_b);
	close(self->rx);
	self->rx = socket_in("mA", SOCK_DGRAM);
	ASSERT_EQ(0, bind_port(self->rx, PORT));
	ASSERT_EQ(0, send_msg(tx_b, NODE_A, "back", 4));
	EXPECT_EQ(4, recv_wait(self->rx, buf, sizeof(buf), 3000));
	close(tx_b);
	EXPECT_EQ(0, peer_num("mB", NODE_A, "0.stats.rx-bad-tag"));
	EXPECT_EQ(0, peer_num("mB", NODE_A, "0.key-phase"));
	EXPECT_EQ(0, peer_num("mB", NODE_A, "0.rekeys"));
	/* keys are never shown */
	EXPECT_NE(0, run("myc -n mA -j -s peer show b | grep -q -e tx-key -e rx-key"));
}

/* Send a marked message and capture its frame on the wire. */
static ssize_t capture_marked(struct __test_metadata *_metadata,
			      FIXTURE_DATA(trust) *self, uint8_t *frame,
			      size_t size)
{
	char msg[200], buf[256];
	ssize_t n;
	int cap;

	cap = in_netns("mB", cap_fn, NULL);
	if (cap < 0)
		return -1;
	memset(msg, 'x', sizeof(msg));
	memcpy(msg + 50, MARKER, strlen(MARKER));
	if (send_msg(self->tx, NODE_B, msg, sizeof(msg)) ||
	    recv_wait(self->rx, buf, sizeof(buf), 3000) != sizeof(msg)) {
		close(cap);
		return -1;
	}
	n = cap_next(cap, FT_DATA, frame, size, 1000);
	close(cap);
	return n;
}

TEST_F(trust, no_plaintext_under_standard)
{
	uint8_t frame[2048];
	ssize_t n;

	keyed(_metadata, self);
	n = capture_marked(_metadata, self, frame, sizeof(frame));
	ASSERT_LT(28, n);
	EXPECT_FALSE(contains(frame, (size_t)n, MARKER));
	EXPECT_EQ(0x01, frame[3] & 0x01);	/* MYC_FF_ENCRYPTED */
}

TEST(minimal_shows_plaintext_but_is_authenticated)
{
	/* the same capture finds the marker when only integrity is asked */
	struct fake_daemon da, db;
	uint8_t frame[2048];
	char msg[200], buf[256];
	int tx, rx, cap;
	struct ntf nt;
	ssize_t n;

	ASSERT_EQ(0, load_module());
	ASSERT_EQ(0, secure_topo("hyphae", "hyphae"));	/* lightweight */
	ASSERT_EQ(0, d_open("mA", &da));
	ASSERT_EQ(0, d_open("mB", &db));
	ASSERT_EQ(0, d_register(&da));
	ASSERT_EQ(0, d_register(&db));
	ASSERT_TRUE(d_wait(&da, MYC_CMD_AUTH_NTF, NODE_B, 3000, &nt));
	EXPECT_EQ(MYC_ENC_MINIMAL, nt.enc);
	ASSERT_EQ(0, key_pair(&da, &db, 0x21, 0));
	dgram_pair(&tx, &rx);
	ASSERT_TRUE(wait_str("mA", NODE_B, "0.auth", "ok", 3000));
	cap = in_netns("mB", cap_fn, NULL);
	ASSERT_LE(0, cap);
	memset(msg, 'y', sizeof(msg));
	memcpy(msg + 10, MARKER, strlen(MARKER));
	ASSERT_EQ(0, send_msg(tx, NODE_B, msg, sizeof(msg)));
	ASSERT_EQ((ssize_t)sizeof(msg), recv_wait(rx, buf, sizeof(buf), 3000));
	n = cap_next(cap, FT_DATA, frame, sizeof(frame), 1000);
	ASSERT_LT(28, n);
	EXPECT_TRUE(contains(frame, (size_t)n, MARKER));
	EXPECT_EQ(0x08, frame[3] & 0x08);	/* MYC_FF_AUTH */
	/* flip a byte of the clear payload: the tag no longer matches */
	frame[n - 20] ^= 0x40;
	ASSERT_EQ(0, inject(frame, (size_t)n));
	usleep(200000);
	EXPECT_EQ(1, peer_num("mB", NODE_A, "0.stats.rx-bad-tag"));
	EXPECT_EQ(-1, recv_wait(rx, buf, sizeof(buf), 300));
	close(cap);
	close(tx);
	close(rx);
	d_close(&da);
	d_close(&db);
	topo_cleanup();
}

TEST_F(trust, tampered_and_replayed_frames_dropped)
{
	uint8_t frame[2048], bad[2048];
	char buf[256];
	ssize_t n;

	keyed(_metadata, self);
	n = capture_marked(_metadata, self, frame, sizeof(frame));
	ASSERT_LT(28 + 16, n);
	/* replay it as it was: authentic, but its number was seen */
	ASSERT_EQ(0, inject(frame, (size_t)n));
	usleep(200000);
	EXPECT_EQ(1, peer_num("mB", NODE_A, "0.stats.rx-replay"));
	EXPECT_EQ(-1, recv_wait(self->rx, buf, sizeof(buf), 300));
	/* a flipped ciphertext bit, a flipped header bit, a cut tag */
	memcpy(bad, frame, (size_t)n);
	bad[40] ^= 0x01;
	ASSERT_EQ(0, inject(bad, (size_t)n));
	memcpy(bad, frame, (size_t)n);
	bad[27] ^= 0x80;		/* the packet number: the nonce */
	ASSERT_EQ(0, inject(bad, (size_t)n));
	ASSERT_EQ(0, inject(frame, (size_t)n - 1));
	/* the other key phase: neither the previous nor the next key opens it */
	memcpy(bad, frame, (size_t)n);
	bad[3] ^= 0x10;			/* MYC_FF_KEY_PHASE */
	ASSERT_EQ(0, inject(bad, (size_t)n));
	usleep(200000);
	EXPECT_EQ(4, peer_num("mB", NODE_A, "0.stats.rx-bad-tag"));
	EXPECT_EQ(0, peer_num("mB", NODE_A, "0.key-updates"));
	EXPECT_EQ(-1, recv_wait(self->rx, buf, sizeof(buf), 300));
	/* a frame in clear is not taken from a peer with keys */
	ASSERT_EQ(0, inject(bad, clear_frame(bad)));
	usleep(200000);
	EXPECT_LE(1, peer_num("mB", NODE_A, "0.stats.rx-unauth"));
	EXPECT_EQ(-1, recv_wait(self->rx, buf, sizeof(buf), 300));
	/* and traffic goes on */
	ASSERT_EQ(0, send_msg(self->tx, NODE_B, "after", 5));
	EXPECT_EQ(5, recv_wait(self->rx, buf, sizeof(buf), 3000));
}

TEST_F(trust, high_pads_frames)
{
	uint8_t frame[2048];
	ssize_t n;

	ASSERT_EQ(0, run("myc -n mA policy set sclerotia sclerotia encryption high && "
			 "myc -n mB policy set sclerotia sclerotia encryption high"));
	keyed(_metadata, self);
	EXPECT_TRUE(wait_str("mA", NODE_B, "0.profile.encryption", "high", 2000));
	n = capture_marked(_metadata, self, frame, sizeof(frame));
	ASSERT_LT(28, n);
	EXPECT_FALSE(contains(frame, (size_t)n, MARKER));
	EXPECT_EQ(0x20, frame[3] & 0x20);	/* MYC_FF_PADDED */
	EXPECT_EQ(0U, ((size_t)n - 28 - 16) % 64);
}

TEST_F(trust, rekey_under_traffic_loses_nothing)
{
	const int total = 3000;
	long long sealed;
	ssize_t n;
	struct ntf nt;
	char buf[64];
	int i, got = 0;

	keyed(_metadata, self);
	/* only the frame limit below updates the keys */
	ASSERT_EQ(0, run("myc -n mA node set rekey-time 3600"));
	ASSERT_EQ(0, run("myc -n mB node set rekey-time 3600"));
	for (i = 0; i < total; i++) {
		snprintf(buf, sizeof(buf), "%d", i);
		ASSERT_EQ(0, send_msg(self->tx, NODE_B, buf, strlen(buf)));
		if (i == total / 2)
			/* the daemon starts a new session mid-stream */
			ASSERT_EQ(0, key_pair(&self->da, &self->db, 0x51, 1));
		while (recv_wait(self->rx, buf, sizeof(buf), 0) > 0) {
			char want[16];

			snprintf(want, sizeof(want), "%d", got++);
			ASSERT_EQ(0, strncmp(buf, want, strlen(want)));
		}
	}
	while (got < total) {
		char want[16];
		ssize_t n = recv_wait(self->rx, buf, sizeof(buf), 5000);

		ASSERT_LT(0, n);
		buf[n] = 0;
		snprintf(want, sizeof(want), "%d", got++);
		ASSERT_STREQ(want, buf);
	}
	EXPECT_EQ(-1, recv_wait(self->rx, buf, sizeof(buf), 300));
	EXPECT_EQ(1, peer_num("mA", NODE_B, "0.key-phase"));
	EXPECT_EQ(1, peer_num("mB", NODE_A, "0.key-phase"));
	EXPECT_EQ(1, peer_num("mA", NODE_B, "0.rekeys"));
	EXPECT_EQ(0, peer_num("mB", NODE_A, "0.stats.rx-bad-tag"));
	/*
	 * Past rekey-frames frames with one key the kernel updates the keys
	 * itself: traffic goes on, the other end follows, and myceliumd is
	 * not asked (bundling decides how many frames the messages take).
	 * A limit above what the key has sealed (at most every frame sent to
	 * b so far), so that it is due soon but not expired (twice over).
	 */
	sealed = peer_num("mA", NODE_B, "0.stats.tx-frames");
	ASSERT_LT(0, sealed);
	ASSERT_EQ(0, run("myc -n mA node set rekey-frames %lld", sealed + 200));
	for (i = 0; i < 5000; i++) {
		ASSERT_EQ(0, send_msg(self->tx, NODE_B, "more", 4));
		n = recv_wait(self->rx, buf, sizeof(buf), 3000);
		if (n != 4) {
			TH_LOG("message %d after the limit did not come", i);
			run("myc -n mA -s peer show b | sed 's/^/# A: /'; "
			    "myc -n mB -s peer show a | sed 's/^/# B: /'");
		}
		ASSERT_EQ(4, n);
		if (i % 50 == 49) {
			if (peer_num("mB", NODE_A, "0.key-updates") == 1)
				break;
			usleep(100000);	/* the health tick updates */
		}
	}
	EXPECT_GT(5000, i);
	EXPECT_EQ(1, peer_num("mA", NODE_B, "0.key-updates"));
	EXPECT_EQ(0, peer_num("mA", NODE_B, "0.key-phase"));
	EXPECT_EQ(0, peer_num("mB", NODE_A, "0.key-phase"));
	EXPECT_EQ(1, peer_num("mA", NODE_B, "0.rekeys"));
	EXPECT_EQ(0, peer_num("mB", NODE_A, "0.stats.rx-bad-tag"));
	EXPECT_EQ(0, peer_num("mA", NODE_B, "0.stats.rx-bad-tag"));
	while (d_wait(&self->da, MYC_CMD_AUTH_NTF, NODE_B, 0, &nt))
		EXPECT_NE(MYC_AUTHR_REKEY, nt.reason);
}

/* The first AUTH_NTF for peer within ms, its reason in *reason. */
static bool asked_for(struct fake_daemon *d, uint64_t peer, int ms,
		      uint8_t *reason)
{
	struct ntf nt;

	if (!d_wait(d, MYC_CMD_AUTH_NTF, peer, ms, &nt))
		return false;
	*reason = nt.reason;
	return true;
}

/*
 * After session-time the kernel asks myceliumd for a new session (reason
 * rekey) and goes on with its keys; at twice the time, with no new
 * session, it drops them and the peer waits (reason new).
 */
TEST_F(trust, session_time_asks_for_a_new_session)
{
	uint8_t reason = 0;
	char buf[64];

	keyed(_metadata, self);
	d_drain(&self->da);
	ASSERT_EQ(0, run("myc -n mA node set session-time 3"));
	ASSERT_TRUE(asked_for(&self->da, NODE_B, 5000, &reason));
	EXPECT_EQ(MYC_AUTHR_REKEY, reason);
	ASSERT_EQ(0, send_msg(self->tx, NODE_B, "still", 5));
	EXPECT_EQ(5, recv_wait(self->rx, buf, sizeof(buf), 3000));
	EXPECT_STREQ("ok", peer_str("mA", NODE_B, "0.auth", buf, sizeof(buf)));
	/* nobody answers: at 6 s the keys go */
	EXPECT_TRUE(wait_str("mA", NODE_B, "0.auth", "pending", 5000));
	while (asked_for(&self->da, NODE_B, 0, &reason) &&
	       reason == MYC_AUTHR_REKEY)
		;
	EXPECT_EQ(MYC_AUTHR_NEW, reason);
	/* a new session brings them back */
	ASSERT_EQ(0, key_pair(&self->da, &self->db, 0x51, 1));
	ASSERT_EQ(0, send_msg(self->tx, NODE_B, "again", 5));
	EXPECT_EQ(5, recv_wait(self->rx, buf, sizeof(buf), 3000));
	EXPECT_EQ(1, peer_num("mA", NODE_B, "0.rekeys"));
}

/*
 * rekey-time 1 at both ends: the kernels update their keys every second
 * under a stream both ways, neither loses or repeats a message, and
 * myceliumd is never asked.
 */
TEST_F(trust, key_updates_both_ways_under_traffic)
{
	int tx_b, rx_a, i, got_b = 0, got_a = 0;
	struct ntf nt;
	char buf[64];
	ssize_t n;

	keyed(_metadata, self);
	ASSERT_EQ(0, run("myc -n mA node set rekey-time 1"));
	ASSERT_EQ(0, run("myc -n mB node set rekey-time 1"));
	tx_b = socket_in("mB", SOCK_DGRAM);
	rx_a = socket_in("mA", SOCK_DGRAM);
	ASSERT_LE(0, tx_b);
	ASSERT_LE(0, rx_a);
	ASSERT_EQ(0, bind_port(rx_a, PORT));
	for (i = 0; i < 400; i++) {
		snprintf(buf, sizeof(buf), "%d", i);
		ASSERT_EQ(0, send_msg(self->tx, NODE_B, buf, strlen(buf)));
		ASSERT_EQ(0, send_msg(tx_b, NODE_A, buf, strlen(buf)));
		usleep(10000);
		while ((n = recv_wait(self->rx, buf, sizeof(buf) - 1, 0)) > 0) {
			buf[n] = 0;
			EXPECT_EQ(got_b++, atoi(buf));
		}
		while ((n = recv_wait(rx_a, buf, sizeof(buf) - 1, 0)) > 0) {
			buf[n] = 0;
			EXPECT_EQ(got_a++, atoi(buf));
		}
	}
	while (got_b < 400 &&
	       (n = recv_wait(self->rx, buf, sizeof(buf) - 1, 3000)) > 0) {
		buf[n] = 0;
		EXPECT_EQ(got_b++, atoi(buf));
	}
	while (got_a < 400 &&
	       (n = recv_wait(rx_a, buf, sizeof(buf) - 1, 3000)) > 0) {
		buf[n] = 0;
		EXPECT_EQ(got_a++, atoi(buf));
	}
	EXPECT_EQ(400, got_b);
	EXPECT_EQ(400, got_a);
	EXPECT_EQ(-1, recv_wait(self->rx, buf, sizeof(buf), 200));
	EXPECT_EQ(-1, recv_wait(rx_a, buf, sizeof(buf), 0));
	close(tx_b);
	close(rx_a);
	/* 4 s or more of traffic: two updates at least, by either end */
	EXPECT_LE(2, peer_num("mA", NODE_B, "0.key-updates"));
	EXPECT_LE(2, peer_num("mB", NODE_A, "0.key-updates"));
	/* no more updates: the ends settle on one phase (probes follow) */
	ASSERT_EQ(0, run("myc -n mA node set rekey-time 3600"));
	ASSERT_EQ(0, run("myc -n mB node set rekey-time 3600"));
	usleep(1500000);
	EXPECT_EQ(peer_num("mA", NODE_B, "0.key-phase"),
		  peer_num("mB", NODE_A, "0.key-phase"));
	EXPECT_EQ(0, peer_num("mA", NODE_B, "0.rekeys"));
	EXPECT_EQ(0, peer_num("mA", NODE_B, "0.stats.rx-bad-tag"));
	EXPECT_EQ(0, peer_num("mB", NODE_A, "0.stats.rx-bad-tag"));
	while (d_wait(&self->da, MYC_CMD_AUTH_NTF, NODE_B, 0, &nt))
		EXPECT_NE(MYC_AUTHR_REKEY, nt.reason);
	while (d_wait(&self->db, MYC_CMD_AUTH_NTF, NODE_A, 0, &nt))
		EXPECT_NE(MYC_AUTHR_REKEY, nt.reason);
}

TEST_F(trust, refused_peer_gets_nothing)
{
	char buf[64];

	ASSERT_EQ(0, d_register(&self->da));
	ASSERT_EQ(0, d_register(&self->db));
	ASSERT_EQ(0, d_fail(&self->db, NODE_A));
	ASSERT_EQ(0, d_keys(&self->da, NODE_B, 1, 2, 0, 1));
	EXPECT_TRUE(wait_str("mB", NODE_A, "0.auth", "failed", 2000));
	ASSERT_EQ(0, send_msg(self->tx, NODE_B, "nope", 4));
	EXPECT_EQ(-1, recv_wait(self->rx, buf, sizeof(buf), 800));
}

TEST(negotiation_between_types)
{
	char buf[64];

	ASSERT_EQ(0, load_module());
	/* rhizomorph-sclerotia: adaptive */
	ASSERT_EQ(0, secure_topo("rhizomorph", "sclerotia"));
	EXPECT_TRUE(wait_str("mA", NODE_B, "0.profile.profile", "adaptive", 3000));
	EXPECT_STREQ("standard", peer_str("mA", NODE_B, "0.profile.encryption",
					  buf, sizeof(buf)));
	EXPECT_STREQ("high", peer_str("mA", NODE_B, "0.profile.compression",
				      buf, sizeof(buf)));
	/* b stops offering standard: adaptive takes the strongest common */
	ASSERT_EQ(0, run("myc -n mB node set encryption-caps minimal,high"));
	EXPECT_TRUE(wait_str("mA", NODE_B, "0.profile.encryption", "minimal", 3000));
	EXPECT_TRUE(wait_str("mB", NODE_A, "0.profile.encryption", "minimal", 3000));
	EXPECT_STREQ("false", peer_str("mA", NODE_B, "0.profile.fallback", buf,
				       sizeof(buf)));
	/* lz4 only on b: lz4 */
	ASSERT_EQ(0, run("myc -n mB node set compression-caps low"));
	EXPECT_TRUE(wait_str("mA", NODE_B, "0.profile.compression", "low", 3000));
	topo_cleanup();

	/* sclerotia-sclerotia is fixed: b without standard is refused */
	ASSERT_EQ(0, secure_topo("sclerotia", "sclerotia"));
	ASSERT_EQ(0, run("myc -n mB node set encryption-caps minimal"));
	EXPECT_TRUE(wait_str("mA", NODE_B, "0.auth", "failed", 3000));
	EXPECT_TRUE(wait_str("mB", NODE_A, "0.auth", "failed", 3000));
	/* offered again: back to waiting for keys */
	ASSERT_EQ(0, run("myc -n mB node set encryption-caps all"));
	EXPECT_TRUE(wait_str("mA", NODE_B, "0.auth", "no-daemon", 3000));
	topo_cleanup();

	/* none needs both ends insecure */
	ASSERT_EQ(0, secure_topo("hyphae", "hyphae"));
	EXPECT_NE(0, run("myc -n mA policy set any any encryption none 2>/dev/null"));
	ASSERT_EQ(0, run(INSECURE("mA")));
	EXPECT_TRUE(wait_str("mA", NODE_B, "0.profile.encryption", "minimal", 3000));
	ASSERT_EQ(0, run(INSECURE("mB")));
	EXPECT_TRUE(wait_str("mA", NODE_B, "0.auth", "none", 3000));
	EXPECT_TRUE(wait_str("mB", NODE_A, "0.profile.encryption", "none", 3000));
	topo_cleanup();
}

TEST(adaptive_falls_back_without_answer)
{
	char buf[64];

	ASSERT_EQ(0, load_module());
	ASSERT_EQ(0, secure_topo("rhizomorph", "sclerotia"));
	ASSERT_EQ(0, run("myc -n mB peer del a"));	/* b never answers */
	ASSERT_EQ(0, run("myc -n mA peer del b && "
			 "myc -n mA peer add b type sclerotia path 10.0.0.1 10.0.0.2"));
	EXPECT_TRUE(wait_str("mA", NODE_B, "0.auth", "hello", 500));
	EXPECT_TRUE(wait_str("mA", NODE_B, "0.profile.fallback", "true", 5000));
	EXPECT_STREQ("minimal", peer_str("mA", NODE_B, "0.profile.encryption",
					 buf, sizeof(buf)));
	EXPECT_STREQ("none", peer_str("mA", NODE_B, "0.profile.compression",
				      buf, sizeof(buf)));
	EXPECT_STREQ("no-daemon", peer_str("mA", NODE_B, "0.auth", buf,
					   sizeof(buf)));
	/* a fixed pair does not fall back: it waits */
	ASSERT_EQ(0, run("myc -n mA node set type sclerotia"));
	usleep(2000000);
	EXPECT_STRNE("true", peer_str("mA", NODE_B, "0.profile.fallback", buf,
				      sizeof(buf)));
	topo_cleanup();
}

/* Compression between insecure nodes (encryption none). */
static int insecure_topo(const char *comp)
{
	if (secure_topo("sclerotia", "sclerotia"))
		return -1;
	return run("myc -n mA node set insecure on && myc -n mB node set insecure on && "
		   "myc -n mA policy set any any encryption none compression %s "
		   "reliability best-effort && "
		   "myc -n mB policy set any any encryption none compression %s "
		   "reliability best-effort", comp, comp);
}

/* Compressible text of len bytes. */
static void text(char *buf, size_t len)
{
	static const char words[] = "the mycelium spreads its spores ";
	size_t i;

	for (i = 0; i < len; i++)
		buf[i] = words[i % (sizeof(words) - 1)];
}

/* Send msg (len) a to b and capture the bytes it took on the wire. */
static ssize_t wire_bytes(int tx, int rx, const char *msg, size_t len)
{
	static char got[8192];
	uint8_t frame[2048];
	ssize_t n, total = 0;
	int cap = in_netns("mB", cap_fn, NULL);

	if (cap < 0)
		return -1;
	if (send_msg(tx, NODE_B, msg, len) ||
	    recv_wait(rx, got, sizeof(got), 3000) != (ssize_t)len ||
	    memcmp(got, msg, len)) {
		close(cap);
		return -1;
	}
	while ((n = cap_next(cap, FT_DATA, frame, sizeof(frame), 300)) > 0)
		total += n;
	close(cap);
	return total;
}

static const char *const comp_levels[] = { "low", "medium", "high" };

TEST(compression_shrinks_compressible_payloads)
{
	static char msg[4000];
	unsigned int i;
	int tx, rx;

	ASSERT_EQ(0, load_module());
	text(msg, sizeof(msg));
	for (i = 0; i < 3; i++) {
		ssize_t wire;
		char buf[64];

		ASSERT_EQ(0, insecure_topo(comp_levels[i]));
		ASSERT_TRUE(wait_str("mA", NODE_B, "0.auth", "none", 3000));
		EXPECT_STREQ(comp_levels[i],
			     peer_str("mA", NODE_B, "0.profile.compression",
				      buf, sizeof(buf)));
		dgram_pair(&tx, &rx);
		ASSERT_LE(0, tx);
		/* the first frames may go before the workspace is made */
		ASSERT_LT(0, wire_bytes(tx, rx, msg, sizeof(msg)));
		wire = wire_bytes(tx, rx, msg, sizeof(msg));
		TH_LOG("%s: %zu bytes took %zd on the wire", comp_levels[i],
		       sizeof(msg), wire);
		ASSERT_LT(0, wire);
		EXPECT_GT((ssize_t)sizeof(msg) / 2, wire);
		EXPECT_LE(1, peer_num("mA", NODE_B, "0.stats.tx-compressed"));
		EXPECT_LE(1, peer_num("mB", NODE_A, "0.stats.rx-compressed"));
		close(tx);
		close(rx);
		topo_cleanup();
	}
}

TEST(incompressible_payloads_go_as_they_are)
{
	uint8_t frame[2048];
	static char msg[1000], got[1000];
	int tx, rx, cap, fd;
	ssize_t n;

	ASSERT_EQ(0, load_module());
	fd = open("/dev/urandom", O_RDONLY);
	ASSERT_EQ((ssize_t)sizeof(msg), read(fd, msg, sizeof(msg)));
	close(fd);
	ASSERT_EQ(0, insecure_topo("high"));
	ASSERT_TRUE(wait_str("mA", NODE_B, "0.auth", "none", 3000));
	dgram_pair(&tx, &rx);
	usleep(100000);		/* the workspaces are made */
	cap = in_netns("mB", cap_fn, NULL);
	ASSERT_LE(0, cap);
	ASSERT_EQ(0, send_msg(tx, NODE_B, msg, sizeof(msg)));
	ASSERT_EQ((ssize_t)sizeof(msg), recv_wait(rx, got, sizeof(got), 3000));
	EXPECT_EQ(0, memcmp(got, msg, sizeof(msg)));
	n = cap_next(cap, FT_DATA, frame, sizeof(frame), 1000);
	ASSERT_LT(0, n);
	EXPECT_EQ(0, frame[3] & 0x02);	/* not MYC_FF_COMPRESSED */
	EXPECT_NE(NULL, memmem(frame, (size_t)n, msg, 64));
	EXPECT_EQ(0, peer_num("mA", NODE_B, "0.stats.tx-compressed"));
	close(cap);
	close(tx);
	close(rx);
	topo_cleanup();
}

TEST(compressed_frames_are_bounded)
{
	/* a "bomb": a tiny frame announcing 65535 bytes, and garbage */
	static const uint8_t zeros[64];
	uint8_t f[256];
	char buf[256];
	long long before;
	int tx, rx;
	size_t n;

	ASSERT_EQ(0, load_module());
	ASSERT_EQ(0, insecure_topo("low"));
	ASSERT_TRUE(wait_str("mA", NODE_B, "0.auth", "none", 3000));
	dgram_pair(&tx, &rx);
	before = myc_json("mB", "-s node show", "0.stats.rx-malformed");
	n = clear_frame(f);
	memmove(f + 32, f + 28, n - 28);	/* room for the header */
	f[3] = 0x02;				/* COMPRESSED */
	f[28] = 1;				/* LZ4 */
	f[29] = 0;
	f[30] = 0xff;				/* 65535 bytes */
	f[31] = 0xff;
	ASSERT_EQ(0, inject(f, n + 4));
	f[30] = 0;				/* 100 bytes, */
	f[31] = 100;
	memcpy(f + 32, zeros, sizeof(zeros));	/* not LZ4 */
	f[27] ^= 1;				/* another number */
	ASSERT_EQ(0, inject(f, 32 + sizeof(zeros)));
	usleep(300000);
	EXPECT_EQ(before + 2,
		  myc_json("mB", "-s node show", "0.stats.rx-malformed"));
	EXPECT_EQ(-1, recv_wait(rx, buf, sizeof(buf), 300));
	close(tx);
	close(rx);
	topo_cleanup();
}

TEST_F(trust, compressed_and_encrypted)
{
	static char msg[3000];
	ssize_t wire;

	ASSERT_EQ(0, run("myc -n mA policy set sclerotia sclerotia compression medium && "
			 "myc -n mB policy set sclerotia sclerotia compression medium"));
	keyed(_metadata, self);
	text(msg, sizeof(msg));
	memcpy(msg + 100, MARKER, strlen(MARKER));
	ASSERT_LT(0, wire_bytes(self->tx, self->rx, msg, sizeof(msg)));
	wire = wire_bytes(self->tx, self->rx, msg, sizeof(msg));
	ASSERT_LT(0, wire);
	EXPECT_GT((ssize_t)sizeof(msg) / 2, wire);
	EXPECT_LE(1, peer_num("mA", NODE_B, "0.stats.tx-compressed"));
	EXPECT_EQ(0, peer_num("mB", NODE_A, "0.stats.rx-bad-tag"));
}

TEST_HARNESS_MAIN
