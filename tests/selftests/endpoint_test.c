// SPDX-License-Identifier: GPL-2.0
/*
 * Virtual endpoints: node a sends through endpoint 7 to service 42 on
 * nodes b and c (one veth each).  Weighted round-robin matches the weights
 * within 2 % over 10 000 messages; least-connections balances
 * connections; a backend whose service socket closes is marked down and
 * skipped; with no healthy backend a send fails with EHOSTUNREACH; a
 * reliable message whose backend fails goes to the other one.
 */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "helpers.h"

#define SVC	42
#define VE	7

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* mA peered with mB (10.0.1.0/24) and mC (10.0.2.0/24), 10 ms probes. */
static int topo_three(void)
{
	run("ip netns del mA 2>/dev/null; ip netns del mB 2>/dev/null; "
	    "ip netns del mC 2>/dev/null; true");
	return run("ip netns add mA && ip netns add mB && ip netns add mC && "
		   "ip -n mA link set lo up && ip -n mB link set lo up && "
		   "ip -n mC link set lo up && "
		   "ip link add vAB netns mA type veth peer name vBA netns mB && "
		   "ip link add vAC netns mA type veth peer name vCA netns mC && "
		   "ip -n mA addr add 10.0.1.1/24 dev vAB && "
		   "ip -n mB addr add 10.0.1.2/24 dev vBA && "
		   "ip -n mA addr add 10.0.2.1/24 dev vAC && "
		   "ip -n mC addr add 10.0.2.3/24 dev vCA && "
		   "ip -n mA link set vAB up && ip -n mA link set vAC up && "
		   "ip -n mB link set vBA up && ip -n mC link set vCA up && "
		   "myc -n mA node set id a && myc -n mB node set id b && "
		   "myc -n mC node set id c && "
		   INSECURE("mA") " && " INSECURE("mB") " && " INSECURE("mC")
		   " && myc -n mA peer add b path 10.0.1.1 10.0.1.2 probe-interval 10 && "
		   "myc -n mA peer add c path 10.0.2.1 10.0.2.3 probe-interval 10 && "
		   "myc -n mB peer add a path 10.0.1.2 10.0.1.1 probe-interval 10 && "
		   "myc -n mC peer add a path 10.0.2.3 10.0.2.1 probe-interval 10");
}

static void cleanup_three(void)
{
	run("ip netns del mA 2>/dev/null; ip netns del mB 2>/dev/null; "
	    "ip netns del mC 2>/dev/null; true");
}

/* State of backend i (0-based) of endpoint VE on mA. */
static const char *be_state(int i)
{
	static char buf[32];
	char key[64];

	snprintf(key, sizeof(key), "0.backend.%d.state", i);
	return myc_json_str("mA", "endpoint show 7", key, buf, sizeof(buf));
}

static long long be_num(int i, const char *what)
{
	char key[64];

	snprintf(key, sizeof(key), "0.backend.%d.%s", i, what);
	return myc_json("mA", "-s endpoint show 7", key);
}

static bool wait_be(int i, const char *state, int ms)
{
	double end = now_ms() + ms;

	do {
		if (!strcmp(be_state(i), state))
			return true;
		usleep(10000);
	} while (now_ms() < end);
	return false;
}

static int bind_service(int fd, uint32_t svc)
{
	struct sockaddr_myc a = myc_addr(0, MYC_ADDR_SERVICE, svc);

	return bind(fd, (struct sockaddr *)&a, sizeof(a));
}

FIXTURE(ve)
{
	int a, b, c;
};

FIXTURE_SETUP(ve)
{
	struct timeval tv = { .tv_sec = 5 };

	ASSERT_EQ(0, load_module());
	ASSERT_EQ(0, topo_three());
	self->a = socket_in("mA", SOCK_DGRAM);
	self->b = socket_in("mB", SOCK_DGRAM);
	self->c = socket_in("mC", SOCK_DGRAM);
	ASSERT_LE(0, self->a);
	ASSERT_LE(0, self->b);
	ASSERT_LE(0, self->c);
	ASSERT_EQ(0, bind_service(self->b, SVC));
	ASSERT_EQ(0, bind_service(self->c, SVC));
	ASSERT_EQ(0, setsockopt(self->b, SOL_SOCKET, SO_RCVTIMEO, &tv,
				sizeof(tv)));
	ASSERT_EQ(0, setsockopt(self->c, SOL_SOCKET, SO_RCVTIMEO, &tv,
				sizeof(tv)));
	ASSERT_EQ(0, myc_setopt(self->a, MYC_SO_GUARANTEE, MYC_GUARANTEE_HIGH));
}

FIXTURE_TEARDOWN(ve)
{
	close(self->a);
	close(self->b);
	close(self->c);
	cleanup_three();
}

static int send_ve(int fd, int i)
{
	struct sockaddr_myc to = myc_addr(0, MYC_ADDR_ENDPOINT, VE);

	return sendto(fd, &i, sizeof(i), 0, (struct sockaddr *)&to,
		      sizeof(to)) == sizeof(i) ? 0 : -errno;
}

/*
 * Receive on b and c until total distinct messages 0..n-1 arrived (or 5 s
 * of silence); counts per backend in nb, nc.  Returns the distinct count.
 */
static int drain(int b, int c, int n, int *nb, int *nc)
{
	char *seen = calloc(n, 1);
	struct pollfd p[2] = { { .fd = b, .events = POLLIN },
			       { .fd = c, .events = POLLIN } };
	int got = 0, i, v;

	*nb = *nc = 0;
	while (seen && got < n && poll(p, 2, 5000) > 0) {
		for (i = 0; i < 2; i++) {
			if (!(p[i].revents & POLLIN))
				continue;
			if (recv(p[i].fd, &v, sizeof(v), MSG_DONTWAIT) !=
			    sizeof(v))
				continue;
			if (i)
				(*nc)++;
			else
				(*nb)++;
			if (v >= 0 && v < n && !seen[v]) {
				seen[v] = 1;
				got++;
			}
		}
	}
	free(seen);
	return got;
}

/* Weights 3:1 over 10 000 messages: within 2 % of 75 % / 25 %. */
TEST_F(ve, weighted_distribution)
{
	int n = 10000, nb, nc, i;
	pid_t pid;

	ASSERT_EQ(0, run("myc -n mA endpoint add 7 lb weighted-round-robin "
			 "health-interval 10 backend b service 42 weight 3 "
			 "backend c service 42 weight 1"));
	ASSERT_TRUE(wait_be(0, "up", 3000));
	ASSERT_TRUE(wait_be(1, "up", 3000));
	pid = fork();
	if (pid == 0) {
		for (i = 0; i < n; i++)
			if (send_ve(self->a, i))
				_exit(1);
		_exit(0);
	}
	EXPECT_EQ(n, drain(self->b, self->c, n, &nb, &nc));
	EXPECT_EQ(0, waitpid(pid, &i, 0) == pid ? WEXITSTATUS(i) : -1);
	/* 2 % of 10 000: 200 messages either way */
	EXPECT_GE(200, abs(nb - 7500)) TH_LOG("b %d, c %d", nb, nc);
	EXPECT_GE(200, abs(nc - 2500)) TH_LOG("b %d, c %d", nb, nc);
	EXPECT_EQ(nb, be_num(0, "selections"));
	EXPECT_EQ(nc, be_num(1, "selections"));
}

/*
 * Least-connections: connections spread, and follow closes.  Nobody calls
 * accept(): the backends' kernels take the connections (in the backlog).
 */
TEST_F(ve, least_connections)
{
	struct sockaddr_myc to = myc_addr(0, MYC_ADDR_ENDPOINT, VE);
	int lb = socket_in("mB", SOCK_SEQPACKET);
	int lc = socket_in("mC", SOCK_SEQPACKET);
	int cl[8], i;

	ASSERT_LE(0, lb);
	ASSERT_LE(0, lc);
	ASSERT_EQ(0, bind_service(lb, SVC + 1));
	ASSERT_EQ(0, bind_service(lc, SVC + 1));
	ASSERT_EQ(0, listen(lb, 16));
	ASSERT_EQ(0, listen(lc, 16));
	ASSERT_EQ(0, run("myc -n mA endpoint add 7 lb least-connections "
			 "health-interval 10 backend b service 43 "
			 "backend c service 43"));
	ASSERT_TRUE(wait_be(0, "up", 3000));
	ASSERT_TRUE(wait_be(1, "up", 3000));
	for (i = 0; i < 6; i++) {
		cl[i] = socket_in("mA", SOCK_SEQPACKET);
		ASSERT_LE(0, cl[i]);
		ASSERT_EQ(0, connect(cl[i], (struct sockaddr *)&to,
				     sizeof(to))) TH_LOG("connect %d: %s", i,
							 strerror(errno));
	}
	EXPECT_EQ(3, be_num(0, "connections"));
	EXPECT_EQ(3, be_num(1, "connections"));
	/* close three that went to the same backend: new ones go there */
	for (i = 0; i < 6; i++) {
		struct sockaddr_myc peer;
		socklen_t len = sizeof(peer);

		ASSERT_EQ(0, getpeername(cl[i], (struct sockaddr *)&peer,
					 &len));
		if (peer.smyc_node == 0xb) {
			close(cl[i]);
			cl[i] = -1;
		}
	}
	EXPECT_EQ(0, be_num(0, "connections"));
	for (i = 6; i < 8; i++) {
		cl[i] = socket_in("mA", SOCK_SEQPACKET);
		ASSERT_EQ(0, connect(cl[i], (struct sockaddr *)&to,
				     sizeof(to)));
	}
	EXPECT_EQ(2, be_num(0, "connections"));
	EXPECT_EQ(3, be_num(1, "connections"));
	for (i = 0; i < 8; i++)
		if (cl[i] >= 0)
			close(cl[i]);
	close(lb);
	close(lc);
}

/* A backend whose service socket closes goes down and is skipped. */
TEST_F(ve, closed_service_skipped)
{
	int n = 40, nb, nc, i;

	ASSERT_EQ(0, run("myc -n mA endpoint add 7 lb round-robin "
			 "health-interval 10 backend b service 42 "
			 "backend c service 42"));
	ASSERT_TRUE(wait_be(0, "up", 3000));
	ASSERT_TRUE(wait_be(1, "up", 3000));
	close(self->c);
	self->c = socket_in("mC", SOCK_DGRAM);	/* not bound */
	ASSERT_TRUE(wait_be(1, "down", 3000));
	EXPECT_STREQ("up", be_state(0));
	for (i = 0; i < n; i++)
		ASSERT_EQ(0, send_ve(self->a, i));
	EXPECT_EQ(n, drain(self->b, self->c, n, &nb, &nc));
	EXPECT_EQ(n, nb);
	/* bound again: back in the rotation */
	ASSERT_EQ(0, bind_service(self->c, SVC));
	ASSERT_TRUE(wait_be(1, "up", 3000));
	for (i = 0; i < n; i++)
		ASSERT_EQ(0, send_ve(self->a, i));
	EXPECT_EQ(n, drain(self->b, self->c, n, &nb, &nc));
	EXPECT_EQ(n / 2, nc);
}

/* No healthy backend: EHOSTUNREACH; no such endpoint: ENXIO. */
TEST_F(ve, none_healthy)
{
	struct sockaddr_myc to = myc_addr(0, MYC_ADDR_ENDPOINT, 99);
	int i = 1;

	EXPECT_EQ(-1, sendto(self->a, &i, sizeof(i), 0, (struct sockaddr *)&to,
			     sizeof(to)));
	EXPECT_EQ(ENXIO, errno);
	ASSERT_EQ(0, run("myc -n mA endpoint add 7 health-interval 10 "
			 "backend b service 42 backend c service 42"));
	ASSERT_TRUE(wait_be(0, "up", 3000));
	close(self->b);
	close(self->c);
	self->b = socket_in("mB", SOCK_DGRAM);
	self->c = socket_in("mC", SOCK_DGRAM);
	ASSERT_TRUE(wait_be(0, "down", 3000));
	ASSERT_TRUE(wait_be(1, "down", 3000));
	EXPECT_EQ(-EHOSTUNREACH, send_ve(self->a, 1));
}

/*
 * Backend c's socket closes between two checks (1 s apart): the messages
 * sent to it come back from c's kernel and go to b instead; none is lost.
 */
TEST_F(ve, rejected_retried)
{
	int n = 20, nb, nc, i;

	ASSERT_EQ(0, run("myc -n mA endpoint add 7 lb round-robin "
			 "health-interval 1000 backend b service 42 "
			 "backend c service 42"));
	ASSERT_TRUE(wait_be(0, "up", 3000));
	ASSERT_TRUE(wait_be(1, "up", 3000));
	close(self->c);
	self->c = socket_in("mC", SOCK_DGRAM);
	for (i = 0; i < n; i++)
		ASSERT_EQ(0, send_ve(self->a, i));
	EXPECT_EQ(n, drain(self->b, self->c, n, &nb, &nc));
	EXPECT_EQ(0, nc);
	EXPECT_STREQ("down", be_state(1));
	EXPECT_LE(1, be_num(1, "failures"));
}

/*
 * The link to c is cut mid-stream: what was sent to c and not
 * acknowledged goes to b when c is marked down; every message arrives.
 */
TEST_F(ve, backend_fails_retried)
{
	int n = 300, nb, nc, i;
	pid_t pid;

	ASSERT_EQ(0, run("myc -n mA endpoint add 7 lb round-robin "
			 "health-interval 10 failover immediate "
			 "backend b service 42 backend c service 42"));
	ASSERT_TRUE(wait_be(0, "up", 3000));
	ASSERT_TRUE(wait_be(1, "up", 3000));
	pid = fork();
	if (pid == 0) {
		for (i = 0; i < n; i++) {
			if (i == n / 3)
				run("ip -n mA link set vAC down");
			if (send_ve(self->a, i))
				_exit(1);
			usleep(2000);
		}
		_exit(0);
	}
	EXPECT_EQ(n, drain(self->b, self->c, n, &nb, &nc))
		TH_LOG("b %d, c %d", nb, nc);
	EXPECT_EQ(0, waitpid(pid, &i, 0) == pid ? WEXITSTATUS(i) : -1);
	EXPECT_STREQ("down", be_state(1));
	EXPECT_LT(n / 2, nb);
}

/*
 * 10 messages sent right after the link to c is cut, half of them to c
 * (still up until its node is found unreachable): all arrive at b; returns
 * how long the last one took (ms).
 */
static double cut_and_send(struct __test_metadata *_metadata,
			   FIXTURE_DATA(ve) *self, const char *policy)
{
	int n = 10, nb, nc, i, v;
	double t0, last = 0;

	ASSERT_EQ(0, run("myc -n mA endpoint add 7 lb round-robin "
			 "health-interval 10 failover %s "
			 "backend b service 42 backend c service 42", policy));
	ASSERT_TRUE(wait_be(0, "up", 3000));
	ASSERT_TRUE(wait_be(1, "up", 3000));
	ASSERT_EQ(0, myc_setopt(self->a, MYC_SO_TIMEOUT, 800));
	ASSERT_EQ(0, run("ip -n mA link set vAC down"));
	t0 = now_ms();
	for (i = 0; i < n; i++)
		ASSERT_EQ(0, send_ve(self->a, i));
	nb = nc = 0;
	for (i = 0; i < n; i++) {
		if (recv(self->b, &v, sizeof(v), 0) != sizeof(v))
			break;
		nb++;
		last = now_ms() - t0;
	}
	EXPECT_EQ(n, nb) TH_LOG("b got %d", nb);
	EXPECT_EQ(0, nc);
	EXPECT_STREQ("down", be_state(1));
	return last;
}

/* Graceful: what went to c waits for its own timeout (800 ms). */
TEST_F(ve, policy_graceful)
{
	double ms = cut_and_send(_metadata, self, "graceful");

	EXPECT_LE(800, ms) TH_LOG("the last message took %.0f ms", ms);
}

/* Wait-retry 400 ms: what went to c moves when c stayed down that long. */
TEST_F(ve, policy_wait_retry)
{
	double ms = cut_and_send(_metadata, self, "wait-retry 400");

	EXPECT_LE(400, ms) TH_LOG("the last message took %.0f ms", ms);
	EXPECT_GT(800, ms) TH_LOG("the last message took %.0f ms", ms);
}

/* Immediate: it moves as soon as c is down, before its timeout. */
TEST_F(ve, policy_immediate)
{
	double ms = cut_and_send(_metadata, self, "immediate");

	EXPECT_GT(800, ms) TH_LOG("the last message took %.0f ms", ms);
}

TEST_HARNESS_MAIN
