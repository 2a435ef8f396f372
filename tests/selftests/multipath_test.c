// SPDX-License-Identifier: GPL-2.0
/*
 * Multi-homing: two nodes joined by two veth pairs, a path over each,
 * probed every 10 ms.  A path cut mid-stream (link down, or netem 100 %
 * loss) stops traffic for at most 3 probe intervals and loses or
 * duplicates no guaranteed message; a path that comes back is used again;
 * the strategies (round-robin, latency, load) spread traffic as they say;
 * the failover policies (immediate, graceful, wait-retry, and a socket's
 * own) behave as mycelium(7) describes; events arrive in order.
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <json-c/json.h>

#include "kselftest_harness.h"
#include "helpers.h"

#define PROBE_MS	10
#define PORT		100
/*
 * Tests that count frames per path probe every 50 ms instead: under TCG a
 * 10 ms probe is sometimes answered late, the path is suspect for a moment
 * and a frame or two take the other path, as they should.  So do the
 * failovers timed against 3 probe intervals: a 10 ms probe put the bound
 * within the emulator's own hiccups (a silence of 17 ms one run, 36 ms
 * another).
 */
#define SLOW_PROBE_MS	50
#define STR_(x)		#x
#define STR(x)		STR_(x)
#define SLOW_PROBES	"myc -n mA peer set b probe-interval " STR(SLOW_PROBE_MS) \
			" && myc -n mB peer set a probe-interval " STR(SLOW_PROBE_MS)

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* State of mA's path id to b ("up", "down", ...). */
static const char *path_state(int id)
{
	static char buf[32];
	char key[32];

	snprintf(key, sizeof(key), "%d.state", id - 1);
	return myc_json_str("mA", "path show b", key, buf, sizeof(buf));
}

/* Wait up to ms for mA's path id to be in state s. */
static bool wait_state(int id, const char *s, int ms)
{
	double end = now_ms() + ms;

	do {
		if (!strcmp(path_state(id), s))
			return true;
		usleep(10000);
	} while (now_ms() < end);
	return false;
}

/* Child: count messages numbered 0.. every gap_us on fd, guarantee g. */
static pid_t sender(int fd, uint32_t port, int g, int count, int gap_us)
{
	pid_t pid = fork();

	if (pid == 0) {
		struct sockaddr_myc to = myc_addr(0xb, MYC_ADDR_PORT, port);
		char buf[64] = { 0 };
		int i;

		if (myc_setopt(fd, MYC_SO_GUARANTEE, g))
			_exit(2);
		for (i = 0; i < count; i++) {
			memcpy(buf, &i, sizeof(i));
			if (sendto(fd, buf, sizeof(buf), 0,
				   (struct sockaddr *)&to, sizeof(to)) !=
			    sizeof(buf))
				_exit(3);
			if (gap_us)
				usleep(gap_us);
		}
		_exit(0);
	}
	return pid;
}

/* Child: after ms, run cmd. */
static pid_t later(int ms, const char *cmd)
{
	pid_t pid = fork();

	if (pid == 0) {
		usleep(ms * 1000);
		_exit(run("%s", cmd) ? 1 : 0);
	}
	return pid;
}

static int reap(pid_t pid)
{
	int st;

	if (waitpid(pid, &st, 0) != pid)
		return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128;
}

struct stream {
	int got;		/* messages in order */
	int bad;		/* out of order or duplicated */
	double max_gap;		/* ms between two arrivals */
	double gap_at;		/* when the largest gap ended (ms) */
};

/*
 * Receive count numbered messages on fd, timing the gaps: in order
 * (guaranteed), or each once in any order (high, ordered false).
 */
static void receive_any(int fd, int count, bool ordered, struct stream *s)
{
	char *seen = calloc(count, 1);
	double last = 0, t;
	char buf[64];
	int seq;

	memset(s, 0, sizeof(*s));
	while (seen && s->got < count) {
		if (recv(fd, buf, sizeof(buf), 0) != sizeof(buf))
			break;
		t = now_ms();
		memcpy(&seq, buf, sizeof(seq));
		if (seq < 0 || seq >= count || seen[seq] ||
		    (ordered && seq != s->got)) {
			s->bad++;
			continue;
		}
		seen[seq] = 1;
		if (s->got && t - last > s->max_gap) {
			s->max_gap = t - last;
			s->gap_at = t;
		}
		last = t;
		s->got++;
	}
	free(seen);
}

static void receive(int fd, int count, struct stream *s)
{
	receive_any(fd, count, true, s);
}

FIXTURE(mp)
{
	int a, b;
};

FIXTURE_SETUP(mp)
{
	struct timeval tv = { .tv_sec = 10 };

	ASSERT_EQ(0, load_module());
	/* path 2 is slower: the latency strategy settles on path 1 */
	ASSERT_EQ(0, topo_two_paths(PROBE_MS, "strategy latency"));
	ASSERT_EQ(0, run("tc -n mA qdisc add dev vA2 root netem delay 2ms"));
	ASSERT_EQ(0, run("tc -n mB qdisc add dev vB2 root netem delay 2ms"));
	self->a = socket_in("mA", SOCK_DGRAM);
	self->b = socket_in("mB", SOCK_DGRAM);
	ASSERT_LE(0, self->a);
	ASSERT_LE(0, self->b);
	ASSERT_EQ(0, bind_port(self->b, PORT));
	ASSERT_EQ(0, setsockopt(self->b, SOL_SOCKET, SO_RCVTIMEO, &tv,
				sizeof(tv)));
	ASSERT_TRUE(wait_state(1, "up", 3000));
	ASSERT_TRUE(wait_state(2, "up", 3000));
}

FIXTURE_TEARDOWN(mp)
{
	close(self->a);
	close(self->b);
	topo_cleanup();
}

/*
 * A guaranteed stream (one message a millisecond) while cut runs at 1 s:
 * every message arrives once and in order, and the longest silence at the
 * receiver is within 3 probe intervals (of SLOW_PROBE_MS).
 */
static void cut_mid_stream(struct __test_metadata *_metadata,
			   FIXTURE_DATA(mp) *self, const char *cut)
{
	int n = 2000;
	struct stream s;
	pid_t tx, cutter;

	ASSERT_EQ(0, run(SLOW_PROBES));
	tx = sender(self->a, PORT, MYC_GUARANTEE_GUARANTEED, n, 1000);
	cutter = later(1000, cut);
	receive(self->b, n, &s);
	EXPECT_EQ(0, reap(tx));
	EXPECT_EQ(0, reap(cutter));
	EXPECT_EQ(n, s.got);
	EXPECT_EQ(0, s.bad);
	EXPECT_LE(s.max_gap, 3 * SLOW_PROBE_MS)
		TH_LOG("traffic stopped for %.1f ms", s.max_gap);
	TH_LOG("longest silence %.1f ms", s.max_gap);
	EXPECT_STRNE("up", path_state(1));
	EXPECT_LE(1, path_stat(1, "failovers"));
	EXPECT_EQ(0, myc_json("mB", "-s peer show a", "0.stats.rx-drop"));
}

TEST_F(mp, failover_link_down)
{
	cut_mid_stream(_metadata, self, "ip -n mA link set vA1 down");
}

TEST_F(mp, failover_netem_loss)
{
	cut_mid_stream(_metadata, self,
		       "tc -n mA qdisc add dev vA1 root netem loss 100%");
}

/* mB's count key of its path id to a. */
static long long b_stat(int id, const char *key)
{
	char k[128];

	snprintf(k, sizeof(k), "%d.stats.%s", id - 1, key);
	return myc_json("mB", "-s path show a", k);
}

/*
 * ACKs go back on the path the data came on, not on the receiver's own
 * pick: mA sends on path 2 only (path 1 disabled at mA), while mB still
 * sees path 1 up and faster.  Had mB's ACKs taken path 1, a sender that
 * left path 1 because it was cut would see no ACK until mB found the cut
 * too, and its RTO would back off meanwhile (a silence of 300 ms and more
 * once in about twenty failover_link_down runs).  (Probes are not
 * counted in tx-frames.)
 */
TEST_F(mp, acks_follow_data)
{
	long long t1, t2;
	char buf[64] = { 0 };
	int i, n = 40;

	ASSERT_EQ(0, run(SLOW_PROBES));
	ASSERT_EQ(0, run("myc -n mA path set b 1 disabled"));
	ASSERT_EQ(0, myc_setopt(self->a, MYC_SO_GUARANTEE,
				MYC_GUARANTEE_GUARANTEED));
	t1 = b_stat(1, "tx-frames");
	t2 = b_stat(2, "tx-frames");
	for (i = 0; i < n; i++) {
		struct sockaddr_myc to = myc_addr(0xb, MYC_ADDR_PORT, PORT);

		ASSERT_EQ(8, sendto(self->a, buf, 8, 0, (struct sockaddr *)&to,
				    sizeof(to)));
		ASSERT_EQ(8, recv(self->b, buf, sizeof(buf), 0));
	}
	usleep(100000);		/* the last delayed ACK */
	t1 = b_stat(1, "tx-frames") - t1;
	t2 = b_stat(2, "tx-frames") - t2;
	EXPECT_EQ(0, t1) TH_LOG("mB sent %lld frames on path 1", t1);
	EXPECT_LE(n / 2, t2) TH_LOG("mB sent %lld frames on path 2", t2);
}

/* Round-robin: path 1 cut and restored is used again. */
TEST_F(mp, path_comes_back)
{
	long long f0;
	char buf[64];
	int i;

	ASSERT_EQ(0, run("myc -n mA peer set b strategy round-robin"));
	ASSERT_EQ(0, run("ip -n mA link set vA1 down"));
	ASSERT_TRUE(wait_state(1, "down", 2000));
	ASSERT_EQ(0, run("ip -n mA link set vA1 up"));
	ASSERT_TRUE(wait_state(1, "up", 3000));
	f0 = path_stat(1, "tx-frames");
	for (i = 0; i < 20; i++) {
		struct sockaddr_myc to = myc_addr(0xb, MYC_ADDR_PORT, PORT);

		ASSERT_EQ(8, sendto(self->a, buf, 8, 0, (struct sockaddr *)&to,
				    sizeof(to)));
		ASSERT_EQ(8, recv(self->b, buf, sizeof(buf), 0));
	}
	EXPECT_LE(f0 + 9, path_stat(1, "tx-frames"));
}

/* Best-effort messages one at a time: the two paths take turns. */
TEST_F(mp, round_robin_alternates)
{
	long long a0, b0, a1, b1;
	char buf[64];
	int i;

	ASSERT_EQ(0, run(SLOW_PROBES));
	ASSERT_EQ(0, run("myc -n mA peer set b strategy round-robin"));
	a0 = path_stat(1, "tx-frames");
	b0 = path_stat(2, "tx-frames");
	for (i = 0; i < 100; i++) {
		struct sockaddr_myc to = myc_addr(0xb, MYC_ADDR_PORT, PORT);

		ASSERT_EQ(8, sendto(self->a, buf, 8, 0, (struct sockaddr *)&to,
				    sizeof(to)));
		ASSERT_EQ(8, recv(self->b, buf, sizeof(buf), 0));
	}
	a1 = path_stat(1, "tx-frames") - a0;
	b1 = path_stat(2, "tx-frames") - b0;
	EXPECT_EQ(100, a1 + b1);
	EXPECT_LE(49, a1) TH_LOG("path 1: %lld frames, path 2: %lld", a1, b1);
	EXPECT_LE(49, b1) TH_LOG("path 1: %lld frames, path 2: %lld", a1, b1);
}

/* Send n best-effort messages one at a time; frames on path 1, 2. */
static void ping_pong(struct __test_metadata *_metadata,
		      FIXTURE_DATA(mp) *self, int n, long long *p1,
		      long long *p2)
{
	long long a0 = path_stat(1, "tx-frames"), b0 = path_stat(2, "tx-frames");
	char buf[64];
	int i;

	for (i = 0; i < n; i++) {
		struct sockaddr_myc to = myc_addr(0xb, MYC_ADDR_PORT, PORT);

		ASSERT_EQ(8, sendto(self->a, buf, 8, 0, (struct sockaddr *)&to,
				    sizeof(to)));
		ASSERT_EQ(8, recv(self->b, buf, sizeof(buf), 0));
	}
	*p1 = path_stat(1, "tx-frames") - a0;
	*p2 = path_stat(2, "tx-frames") - b0;
}

/* Wait up to ms for the SRTT of path id to be above (or below) us. */
static bool wait_srtt(int id, bool above, long long us, int ms)
{
	double end = now_ms() + ms;
	char key[32];

	snprintf(key, sizeof(key), "%d.srtt", id - 1);
	do {
		long long v = myc_json("mA", "path show b", key);

		if (v >= 0 && (above ? v > us : v < us))
			return true;
		usleep(20000);
	} while (now_ms() < end);
	return false;
}

/* Latency: traffic goes where the RTT is lower, and follows a change. */
TEST_F(mp, latency_follows_delay)
{
	long long p1, p2;

	ASSERT_EQ(0, run(SLOW_PROBES));
	ASSERT_EQ(0, run("tc -n mA qdisc add dev vA1 root netem delay 20ms && "
			 "tc -n mA qdisc del dev vA2 root && "
			 "tc -n mB qdisc del dev vB2 root"));
	ASSERT_TRUE(wait_srtt(1, true, 15000, 3000));
	ASSERT_TRUE(wait_srtt(2, false, 5000, 3000));
	ping_pong(_metadata, self, 30, &p1, &p2);
	EXPECT_EQ(30, p2) TH_LOG("path 1: %lld, path 2: %lld", p1, p2);

	ASSERT_EQ(0, run("tc -n mA qdisc del dev vA1 root && "
			 "tc -n mA qdisc add dev vA2 root netem delay 20ms"));
	ASSERT_TRUE(wait_srtt(2, true, 15000, 3000));
	ASSERT_TRUE(wait_srtt(1, false, 5000, 3000));
	ping_pong(_metadata, self, 30, &p1, &p2);
	EXPECT_EQ(30, p1) TH_LOG("path 1: %lld, path 2: %lld", p1, p2);
}

/* Send n best-effort messages of class cls one at a time. */
static void ping_pong_class(struct __test_metadata *_metadata,
			    FIXTURE_DATA(mp) *self, int cls, int n,
			    long long *p1, long long *p2)
{
	ASSERT_EQ(0, myc_setopt(self->a, MYC_SO_CLASS, cls));
	ping_pong(_metadata, self, n, p1, p2);
}

/*
 * Operation: by class.  The default map sends service round-robin and
 * consensus by latency (path 1, path 2 is 2 ms slower); a map set with
 * `opmap` changes it.
 */
TEST_F(mp, operation_by_class)
{
	long long p1, p2;

	ASSERT_EQ(0, run(SLOW_PROBES));
	ASSERT_EQ(0, run("myc -n mA peer set b strategy operation"));
	ping_pong_class(_metadata, self, MYC_CLASS_SERVICE, 20, &p1, &p2);
	EXPECT_EQ(10, p1) TH_LOG("service: path 1 %lld, path 2 %lld", p1, p2);
	EXPECT_EQ(10, p2) TH_LOG("service: path 1 %lld, path 2 %lld", p1, p2);
	ping_pong_class(_metadata, self, MYC_CLASS_CONSENSUS, 20, &p1, &p2);
	EXPECT_EQ(20, p1) TH_LOG("consensus: path 1 %lld, path 2 %lld", p1, p2);
	ASSERT_EQ(0, run("myc -n mA peer set b opmap consensus round-robin"));
	ping_pong_class(_metadata, self, MYC_CLASS_CONSENSUS, 20, &p1, &p2);
	EXPECT_EQ(10, p1) TH_LOG("consensus: path 1 %lld, path 2 %lld", p1, p2);
	EXPECT_EQ(10, p2) TH_LOG("consensus: path 1 %lld, path 2 %lld", p1, p2);
}

/* IPv4 and IPv6 paths to one peer: the IPv4 ones fail, IPv6 carries on. */
TEST_F(mp, mixed_families)
{
	long long p1, p2, f3;
	char key[16];

	ASSERT_EQ(0, run("ip -n mA addr add fd02::1/64 dev vA2 nodad && "
			 "ip -n mB addr add fd02::2/64 dev vB2 nodad && "
			 "myc -n mA path add b fd02::1 fd02::2 && "
			 "myc -n mB path add a fd02::2 fd02::1"));
	ASSERT_TRUE(wait_state(3, "up", 3000));
	snprintf(key, sizeof(key), "2.remote");
	EXPECT_EQ(0, strcmp("fd02::2", myc_json_str("mA", "path show b", key,
						    (char[64]){ 0 }, 64)));
	f3 = path_stat(3, "tx-frames");
	ASSERT_EQ(0, run("myc -n mA path set b 1 disabled && "
			 "myc -n mA path set b 2 disabled"));
	ping_pong(_metadata, self, 10, &p1, &p2);
	EXPECT_EQ(0, p1 + p2);
	EXPECT_EQ(f3 + 10, path_stat(3, "tx-frames"));
}

/* Load: a burst of reliable traffic goes over both paths. */
TEST_F(mp, load_spreads)
{
	long long a0, b0, a1, b1;
	struct stream s;
	pid_t tx;

	/* two equal paths */
	ASSERT_EQ(0, run("tc -n mA qdisc del dev vA2 root && "
			 "tc -n mB qdisc del dev vB2 root"));
	ASSERT_EQ(0, run("myc -n mA peer set b strategy load"));
	a0 = path_stat(1, "tx-frames");
	b0 = path_stat(2, "tx-frames");
	tx = sender(self->a, PORT, MYC_GUARANTEE_HIGH, 2000, 0);
	receive_any(self->b, 2000, false, &s);
	EXPECT_EQ(0, reap(tx));
	EXPECT_EQ(2000, s.got);
	EXPECT_EQ(0, s.bad);
	a1 = path_stat(1, "tx-frames") - a0;
	b1 = path_stat(2, "tx-frames") - b0;
	EXPECT_LE((a1 + b1) / 4, a1) TH_LOG("path 1: %lld, path 2: %lld", a1, b1);
	EXPECT_LE((a1 + b1) / 4, b1) TH_LOG("path 1: %lld, path 2: %lld", a1, b1);
}

/*
 * 20 guaranteed messages in flight on path 1 (100 ms of delay), then path
 * 1 is disabled.  Returns the retransmissions path 2 made within 50 ms.
 */
static long long disable_in_flight(struct __test_metadata *_metadata,
				   FIXTURE_DATA(mp) *self, const char *policy)
{
	uint64_t peer = 0xb;
	uint32_t path = 1;
	uint8_t no = 0;
	const struct raw_attr off[] = {
		{ MYC_A_PATH_PEER, 8, &peer },
		{ MYC_A_PATH_ID, 4, &path },
		{ MYC_A_PATH_ENABLED, 1, &no },
	};
	struct stream s;
	long long r0, r;
	pid_t tx;

	ASSERT_EQ(0, run(SLOW_PROBES));
	ASSERT_EQ(0, run("myc -n mA peer set b failover %s", policy));
	ASSERT_EQ(0, run("tc -n mA qdisc add dev vA1 root netem delay 100ms"));
	/* path 2 stays usable but slower still: path 1 carries the data */
	ASSERT_EQ(0, run("tc -n mA qdisc change dev vA2 root netem delay 300ms"));
	ASSERT_TRUE(wait_srtt(2, true, 250000, 5000));
	ASSERT_TRUE(wait_srtt(1, true, 50000, 5000));
	ASSERT_TRUE(wait_state(1, "up", 3000));
	ASSERT_TRUE(wait_state(2, "up", 3000));
	r0 = path_stat(2, "retrans");
	tx = sender(self->a, PORT, MYC_GUARANTEE_GUARANTEED, 20, 0);
	EXPECT_EQ(0, reap(tx));
	usleep(20000);
	/* in-process: spawning myc can outlast the 100 ms under TCG */
	ASSERT_EQ(0, genl_cmd_in("mA", MYC_CMD_PATH_SET, off, 3));
	r = path_stat(2, "retrans") - r0;
	receive(self->b, 20, &s);
	EXPECT_EQ(20, s.got);
	EXPECT_EQ(0, s.bad);
	return r;
}

/* Immediate: what was in flight on path 1 goes again on path 2 at once. */
TEST_F(mp, policy_immediate)
{
	long long f0 = path_stat(1, "failovers");

	EXPECT_LE(1, disable_in_flight(_metadata, self, "immediate"));
	EXPECT_EQ(f0 + 1, path_stat(1, "failovers"));
}

/* Graceful: what was in flight finishes on path 1; nothing is resent. */
TEST_F(mp, policy_graceful)
{
	long long f0 = path_stat(1, "failovers");

	EXPECT_EQ(0, disable_in_flight(_metadata, self, "graceful"));
	EXPECT_EQ(0, path_stat(2, "retrans"));
	EXPECT_EQ(f0 + 1, path_stat(1, "failovers"));
}

/*
 * Wait-retry: the path comes back within the retry timeout, so traffic
 * waits for it and never moves to path 2.
 */
TEST_F(mp, policy_wait_retry_back)
{
	int n = 1500;
	long long p2;
	struct stream s;
	pid_t tx, cut, back;

	ASSERT_EQ(0, run("myc -n mA peer set b failover wait-retry 3000"));
	/* path 2 much slower: no RTT noise on path 1 sends anything there */
	ASSERT_EQ(0, run("tc -n mA qdisc change dev vA2 root netem delay 20ms"));
	ASSERT_TRUE(wait_srtt(2, true, 18000, 3000));
	p2 = path_stat(2, "tx-frames");
	tx = sender(self->a, PORT, MYC_GUARANTEE_GUARANTEED, n, 1000);
	cut = later(300, "ip -n mA link set vA1 down");
	back = later(500, "ip -n mA link set vA1 up");
	receive(self->b, n, &s);
	EXPECT_EQ(0, reap(tx));
	EXPECT_EQ(0, reap(cut));
	EXPECT_EQ(0, reap(back));
	EXPECT_EQ(n, s.got);
	EXPECT_EQ(0, s.bad);
	EXPECT_LE(100, s.max_gap) TH_LOG("longest silence %.1f ms", s.max_gap);
	EXPECT_GT(3000, s.max_gap) TH_LOG("longest silence %.1f ms", s.max_gap);
	EXPECT_EQ(p2, path_stat(2, "tx-frames"));
	EXPECT_EQ(0, path_stat(1, "failovers"));
}

/* Wait-retry: the path stays down, traffic moves after the timeout. */
TEST_F(mp, policy_wait_retry_timeout)
{
	int n = 1500;
	struct stream s;
	pid_t tx, cut;

	ASSERT_EQ(0, run("myc -n mA peer set b failover wait-retry 400"));
	tx = sender(self->a, PORT, MYC_GUARANTEE_GUARANTEED, n, 1000);
	cut = later(300, "ip -n mA link set vA1 down");
	receive(self->b, n, &s);
	EXPECT_EQ(0, reap(tx));
	EXPECT_EQ(0, reap(cut));
	EXPECT_EQ(n, s.got);
	EXPECT_EQ(0, s.bad);
	EXPECT_LE(400, s.max_gap) TH_LOG("longest silence %.1f ms", s.max_gap);
	EXPECT_EQ(1, path_stat(1, "failovers"));
}

/*
 * A socket's own policy: with the peer's immediate, a socket set to
 * wait-retry (1 s) is held while another socket's traffic moves at once.
 */
TEST_F(mp, policy_per_socket)
{
	int y = socket_in("mA", SOCK_DGRAM), by = socket_in("mB", SOCK_DGRAM);
	struct sockaddr_myc tx = myc_addr(0xb, MYC_ADDR_PORT, PORT);
	struct sockaddr_myc ty = myc_addr(0xb, MYC_ADDR_PORT, PORT + 1);
	struct timeval tv = { .tv_sec = 5 };
	double t0, tx_ms, ty_ms;
	char buf[8] = "x";
	int v;

	ASSERT_LE(0, y);
	ASSERT_LE(0, by);
	ASSERT_EQ(0, bind_port(by, PORT + 1));
	ASSERT_EQ(0, setsockopt(by, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)));
	ASSERT_EQ(0, myc_setopt(y, MYC_SO_FAILOVER, MYC_FAILOVER_WAIT_RETRY));
	ASSERT_EQ(0, myc_setopt(y, MYC_SO_RETRY_TIMEOUT, 1000));
	v = -1;
	EXPECT_EQ(-1, myc_setopt(y, MYC_SO_FAILOVER, MYC_FAILOVER_MAX + 1));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, myc_setopt(y, MYC_SO_RETRY_TIMEOUT, v));
	EXPECT_EQ(EINVAL, errno);
	ASSERT_EQ(0, myc_setopt(self->a, MYC_SO_GUARANTEE, MYC_GUARANTEE_HIGH));
	ASSERT_EQ(0, myc_setopt(y, MYC_SO_GUARANTEE, MYC_GUARANTEE_HIGH));
	/* both use path 1 (a moment of RTT noise may pick path 2: again) */
	for (v = 0; v < 20; v++) {
		ASSERT_EQ(1, sendto(self->a, buf, 1, 0, (struct sockaddr *)&tx,
				    sizeof(tx)));
		ASSERT_EQ(1, sendto(y, buf, 1, 0, (struct sockaddr *)&ty,
				    sizeof(ty)));
		ASSERT_EQ(1, recv(self->b, buf, sizeof(buf), 0));
		ASSERT_EQ(1, recv(by, buf, sizeof(buf), 0));
		if (myc_json("mA", "peer show b", "0.active-path") == 1)
			break;
		usleep(50000);
	}
	ASSERT_EQ(1, myc_json("mA", "peer show b", "0.active-path"));

	ASSERT_EQ(0, run("ip -n mA link set vA1 down"));
	ASSERT_TRUE(wait_state(1, "down", 2000));
	t0 = now_ms();
	ASSERT_EQ(1, sendto(self->a, buf, 1, 0, (struct sockaddr *)&tx, sizeof(tx)));
	ASSERT_EQ(1, sendto(y, buf, 1, 0, (struct sockaddr *)&ty, sizeof(ty)));
	ASSERT_EQ(1, recv(self->b, buf, sizeof(buf), 0));
	tx_ms = now_ms() - t0;
	ASSERT_EQ(1, recv(by, buf, sizeof(buf), 0));
	ty_ms = now_ms() - t0;
	EXPECT_GT(500, tx_ms) TH_LOG("immediate socket: %.0f ms", tx_ms);
	/* held until 1 s after the failure, which came before t0 */
	EXPECT_LT(500, ty_ms) TH_LOG("wait-retry socket: %.0f ms", ty_ms);
	close(y);
	close(by);
}

/* Events: numbered in order, a failover between its path's states. */
TEST_F(mp, events_in_order)
{
	int n = 1200, seq = -1, i = 0, suspect = -1, fail = -1, down = -1;
	struct stream s;
	pid_t mon, tx, cut;
	char line[1024];
	FILE *f;

	mon = fork();
	if (mon == 0) {
		if (!freopen("/tmp/mp-events", "w", stdout))
			_exit(1);
		execlp("myc", "myc", "-n", "mA", "-j", "monitor", NULL);
		_exit(1);
	}
	usleep(300000);
	tx = sender(self->a, PORT, MYC_GUARANTEE_GUARANTEED, n, 1000);
	cut = later(400, "ip -n mA link set vA1 down");
	receive(self->b, n, &s);
	EXPECT_EQ(0, reap(tx));
	EXPECT_EQ(0, reap(cut));
	EXPECT_EQ(n, s.got);
	ASSERT_EQ(0, run("myc -n mA path del b 1 && myc -n mA path del b 2"));
	usleep(300000);
	kill(mon, SIGTERM);
	EXPECT_EQ(0, reap(mon));

	f = fopen("/tmp/mp-events", "r");
	ASSERT_NE(NULL, f);
	while (fgets(line, sizeof(line), f)) {
		struct json_object *o = json_tokener_parse(line), *v;
		const char *ev, *st = "";
		int path = 0;

		ASSERT_NE(NULL, o) TH_LOG("not JSON: %s", line);
		ASSERT_TRUE(json_object_object_get_ex(o, "seq", &v));
		if (seq >= 0)
			EXPECT_EQ(seq + 1, json_object_get_int(v));
		seq = json_object_get_int(v);
		ASSERT_TRUE(json_object_object_get_ex(o, "event", &v));
		ev = json_object_get_string(v);
		if (json_object_object_get_ex(o, "path", &v))
			path = json_object_get_int(v);
		if (json_object_object_get_ex(o, "state", &v))
			st = json_object_get_string(v);
		if (path == 1 && !strcmp(ev, "path-state") &&
		    !strcmp(st, "suspect") && suspect < 0)
			suspect = i;
		if (path == 1 && !strcmp(ev, "failover") && fail < 0)
			fail = i;
		if (path == 1 && !strcmp(ev, "path-state") &&
		    !strcmp(st, "down") && down < 0)
			down = i;
		json_object_put(o);
		i++;
	}
	fclose(f);
	EXPECT_LE(0, suspect);
	EXPECT_LT(suspect, fail);
	EXPECT_LT(fail, down);
	EXPECT_LE(5, i) TH_LOG("%d events", i);
}

TEST_HARNESS_MAIN
