// SPDX-License-Identifier: GPL-2.0
/*
 * mycbench: one transport, one test, between two network namespaces.
 *
 *   mycbench -t myc|tcp|udp|tipc|sctp -T bulk|rate|rr -S SRV_NS -C CLI_NS
 *            [-a SRV_IPV4] [-n SRV_NODE] [-g GUARANTEE] [-s SIZE]
 *            [-d SECONDS] [-w SECONDS] [-b BUFSIZE] [-p PORT]
 *
 * Forks a server into SRV_NS and a client into CLI_NS, pinned to CPUs (see
 * main(); -P sets them, -1 leaves a side unpinned), runs the test and
 * prints one line of JSON with the figures, or with "ok": false and the
 * error.  Exits 0 on success, 1 on failure.
 * See mycbench.h for what each test measures.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>

#include "libmyc.h"
#include "mycbench.h"

struct bench_shared *bench_shm;

static const char * const test_names[BTEST_CNT] = {
	[BTEST_BULK] = "bulk",
	[BTEST_RATE] = "rate",
	[BTEST_RR] = "rr",
};

static void usage(void)
{
	fprintf(stderr,
		"Usage: mycbench -t TRANSPORT -T TEST -S SRV_NS -C CLI_NS\n"
		"                [-a SRV_IPV4] [-n SRV_NODE] [-g GUARANTEE]\n"
		"                [-s SIZE] [-d SECONDS] [-w SECONDS] [-b BUFSIZE]\n"
		"                [-p PORT] [-P CLIENT_CPU,SERVER_CPU] [-m BATCH]\n"
		"TRANSPORT := { myc | tcp | udp | tipc | sctp }\n"
		"TEST := { bulk | rate | rr }\n");
	exit(2);
}

static int enter_netns(const char *name)
{
	char path[256];
	int fd;

	snprintf(path, sizeof(path), "/run/netns/%s", name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	if (setns(fd, CLONE_NEWNET)) {
		close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

static void pin_cpu(int cpu)
{
	cpu_set_t set;

	if (cpu < 0 || sysconf(_SC_NPROCESSORS_ONLN) <= cpu)
		return;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	sched_setaffinity(0, sizeof(set), &set);
}

static int server_main(const struct bench_opts *o, struct bench_result *r)
{
	bool measures = o->test != BTEST_RR;
	int fd;

	pin_cpu(o->server_cpu);
	if (enter_netns(o->srv_ns))
		return bench_fail(r, 0, "server netns");
	fd = bench_server_socket(o, r);
	if (fd < 0)
		return -1;
	if (bench_rcvtimeo(fd, 200))
		return bench_fail(r, 0, "SO_RCVTIMEO");
	bench_set(&bench_shm->server_ready);
	fd = bench_server_accept(o, fd, r);
	if (fd < 0)
		return -1;
	if (bench_rcvtimeo(fd, 200))
		return bench_fail(r, 0, "SO_RCVTIMEO");
	if (measures)
		return bench_receiver(o, fd, r);
	return bench_rr_server(o, fd, r);
}

static int client_main(const struct bench_opts *o, struct bench_result *r)
{
	int fd;

	pin_cpu(o->client_cpu);
	if (enter_netns(o->cli_ns))
		return bench_fail(r, 0, "client netns");
	fd = bench_client_socket(o, r);
	if (fd < 0)
		return -1;
	if (o->test != BTEST_RR)
		return bench_sender(o, fd, r);
	if (bench_rcvtimeo(fd, 200))
		return bench_fail(r, 0, "SO_RCVTIMEO");
	return bench_rr_client(o, fd, r);
}

static pid_t spawn(const struct bench_opts *o, bool server)
{
	pid_t pid = fork();

	if (pid == 0) {
		struct bench_result *r = server ? &bench_shm->server :
						  &bench_shm->client;
		int ret;

		prctl(PR_SET_PDEATHSIG, SIGKILL);
		ret = server ? server_main(o, r) : client_main(o, r);
		_exit(ret ? 1 : 0);
	}
	return pid;
}

/* Wait up to secs for pid; SIGKILL it after that.  Returns its status. */
static int reap(pid_t pid, double secs)
{
	double end = bench_now() + secs;
	int st;

	while (bench_now() < end) {
		if (waitpid(pid, &st, WNOHANG) == pid)
			return WIFEXITED(st) ? WEXITSTATUS(st) : 128;
		usleep(5000);
	}
	kill(pid, SIGKILL);
	waitpid(pid, &st, 0);
	return -1;
}

static bool alive(pid_t pid)
{
	int st;

	return waitpid(pid, &st, WNOHANG) == 0;
}

/* Wait until *flag is set or pid exits; false on timeout or exit. */
static bool wait_flag(int *flag, pid_t pid, double secs)
{
	double end = bench_now() + secs;

	while (!bench_flag(flag)) {
		if (bench_now() > end || !alive(pid))
			return bench_flag(flag);
		usleep(5000);
	}
	return true;
}

/* One line of JSON, a member at a time. */
static void json_str(const char *key, const char *v)
{
	printf(",\"%s\":\"%s\"", key, v);
}

static void json_u64(const char *key, uint64_t v)
{
	printf(",\"%s\":%llu", key, (unsigned long long)v);
}

static void json_num(const char *key, double v, int decimals)
{
	printf(",\"%s\":%.*f", key, decimals, v);
}

static void print_head(const struct bench_opts *o)
{
	printf("{\"transport\":\"%s\"", bench_transport_name(o->transport));
	json_str("test", test_names[o->test]);
	json_u64("size", o->size);
	if (o->transport == BT_MYC)
		json_str("guarantee", myc_guarantee_name(o->guarantee));
	json_num("duration_s", o->duration, 3);
	json_num("warmup_s", o->warmup, 3);
	json_u64("bufsize", (uint64_t)o->bufsize);
	if (o->batch > 1)
		json_u64("batch", (uint64_t)o->batch);
	printf(",\"cpus\":[%d,%d]", o->client_cpu, o->server_cpu);
}

static void print_error(const struct bench_opts *o, const char *side,
			const char *what)
{
	print_head(o);
	printf(",\"ok\":false,\"error\":\"%s: %s\"}\n", side, what);
}

/* Either side failed: say what each side saw. */
static void print_errors(const struct bench_opts *o, int srv_st, int cli_st)
{
	const struct bench_result *side[2] = {
		&bench_shm->server, &bench_shm->client
	};
	const char *names[2] = { "server", "client" };
	int st[2] = { srv_st, cli_st }, i, n = 0;

	print_head(o);
	printf(",\"ok\":false,\"error\":\"");
	for (i = 0; i < 2; i++) {
		if (!side[i]->err && !st[i])
			continue;
		printf("%s%s: ", n++ ? "; " : "", names[i]);
		if (side[i]->err)
			printf("%s: %s", side[i]->what, strerror(side[i]->err));
		else if (st[i] < 0)
			printf("did not stop");
		else
			printf("exit status %d", st[i]);
	}
	printf("\"}\n");
}

static void print_result(const struct bench_opts *o)
{
	const struct bench_result *s = &bench_shm->server;
	const struct bench_result *c = &bench_shm->client;
	uint64_t msgs = s->bytes / o->size;

	print_head(o);
	printf(",\"ok\":true");
	if (o->test == BTEST_RR) {
		json_u64("round_trips", c->rtts);
		json_u64("lost", c->lost);
		json_num("rr_per_s", c->secs > 0 ? c->rtts / c->secs : 0, 1);
		json_num("rtt_mean_us", c->mean_us, 1);
		json_num("rtt_p50_us", c->p50_us, 1);
		json_num("rtt_p99_us", c->p99_us, 1);
		json_num("rtt_min_us", c->min_us, 1);
		json_num("rtt_max_us", c->max_us, 1);
		json_num("window_s", c->secs, 3);
	} else {
		json_u64("rx_bytes", s->bytes);
		json_u64("rx_msgs", msgs);
		json_num("window_s", s->secs, 3);
		json_num("mbytes_per_s", s->bytes / s->secs / 1e6, 3);
		json_num("msgs_per_s", msgs / s->secs, 1);
		json_u64("tx_msgs_total", c->total_msgs);
		json_u64("rx_msgs_total", s->total_msgs);
	}
	printf("}\n");
}

/*
 * Start the server, then the client; wait for the measuring side's figures
 * (the server's for bulk and rate, the client's for rr), then stop the
 * client and the server in that order.
 */
static int run(const struct bench_opts *o)
{
	double limit = o->warmup + o->duration + 60;
	bool rr = o->test == BTEST_RR;
	pid_t srv, cli;
	int srv_st, cli_st;

	srv = spawn(o, true);
	if (srv < 0) {
		print_error(o, "parent", "fork failed");
		return 1;
	}
	if (!wait_flag(&bench_shm->server_ready, srv, 20)) {
		reap(srv, 1);
		print_errors(o, 1, 0);
		return 1;
	}
	cli = spawn(o, false);
	if (cli < 0) {
		bench_set(&bench_shm->stop_server);
		reap(srv, 5);
		print_error(o, "parent", "fork failed");
		return 1;
	}

	wait_flag(&bench_shm->window_done, rr ? cli : srv, limit);
	if (!bench_flag(&bench_shm->window_done) && alive(rr ? cli : srv) &&
	    alive(rr ? srv : cli))
		wait_flag(&bench_shm->window_done, rr ? cli : srv, 1);

	bench_set(&bench_shm->stop_sender);
	cli_st = reap(cli, rr ? limit : 30);
	/* what was in flight still arrives */
	usleep(200000);
	bench_set(&bench_shm->stop_server);
	srv_st = reap(srv, 10);

	if (bench_shm->server.err || srv_st || bench_shm->client.err || cli_st) {
		print_errors(o, srv_st, cli_st);
		return 1;
	}
	if (!bench_flag(&bench_shm->window_done)) {
		print_error(o, "parent", "no figures");
		return 1;
	}
	print_result(o);
	return 0;
}

int main(int argc, char **argv)
{
	struct bench_opts o = {
		.transport = BT_CNT,
		.test = BTEST_CNT,
		.duration = 2,
		.warmup = 0.5,
		.guarantee = -1,
		.port = 5201,
		.client_cpu = -2,	/* default: see below */
	};
	bool have_ip = false;
	size_t size = 0;
	uint32_t v;
	int c, i;

	while ((c = getopt(argc, argv, "t:T:S:C:a:n:g:s:d:w:b:p:P:m:h")) != -1) {
		switch (c) {
		case 't':
			i = bench_transport_parse(optarg);
			if (i < 0)
				usage();
			o.transport = i;
			break;
		case 'T':
			for (i = 0; i < BTEST_CNT; i++)
				if (!strcmp(optarg, test_names[i]))
					o.test = i;
			break;
		case 'S':
			o.srv_ns = optarg;
			break;
		case 'C':
			o.cli_ns = optarg;
			break;
		case 'a':
			if (inet_pton(AF_INET, optarg, &o.srv_ip) != 1)
				usage();
			have_ip = true;
			break;
		case 'n':
			if (myc_node_id_parse(optarg, &o.srv_node))
				usage();
			break;
		case 'g':
			o.guarantee = myc_guarantee_parse(optarg);
			if (o.guarantee < 0)
				usage();
			break;
		case 's':
			if (myc_u32_parse(optarg, MYC_MAX_MSG_SIZE, &v) || !v)
				usage();
			size = v;
			break;
		case 'd':
			o.duration = atof(optarg);
			break;
		case 'w':
			o.warmup = atof(optarg);
			break;
		case 'b':
			if (myc_u32_parse(optarg, INT32_MAX, &v))
				usage();
			o.bufsize = (int)v;
			break;
		case 'p':
			if (myc_u32_parse(optarg, UINT16_MAX, &v) || !v)
				usage();
			o.port = (uint16_t)v;
			break;
		case 'm':
			if (myc_u32_parse(optarg, 1024, &v) || !v)
				usage();
			o.batch = (int)v;
			break;
		case 'P':
			if (sscanf(optarg, "%d,%d", &o.client_cpu,
				   &o.server_cpu) != 2)
				usage();
			break;
		default:
			usage();
		}
	}
	if (o.transport == BT_CNT || o.test == BTEST_CNT || !o.srv_ns ||
	    !o.cli_ns || o.duration <= 0 || o.warmup < 0)
		usage();
	if ((o.transport == BT_TCP || o.transport == BT_UDP ||
	     o.transport == BT_SCTP) && !have_ip)
		usage();
	if (o.transport == BT_MYC && !o.srv_node)
		usage();

	/* 64 KiB messages for bulk; UDP's largest datagram is 65507 bytes */
	if (!size)
		size = o.test == BTEST_BULK ? 65536 : 64;
	if (o.transport == BT_UDP && size > 65000)
		size = 65000;
	if (size < sizeof(uint64_t))
		size = sizeof(uint64_t);	/* rr numbers its requests */
	o.size = size;
	/*
	 * bulk and rate: sender on CPU 0, receiver on CPU 1.  rr: both on
	 * CPU 0; under TCG, waking an idle vCPU costs a host scheduling
	 * decision (milliseconds on a busy host), which would swamp what the
	 * transports themselves cost.
	 */
	if (o.client_cpu == -2) {
		o.client_cpu = 0;
		o.server_cpu = o.test == BTEST_RR ? 0 : 1;
	}
	/* the SPEC's configuration: bulk with high, the rest best-effort */
	if (o.guarantee < 0)
		o.guarantee = o.test == BTEST_BULK ? MYC_GUARANTEE_HIGH :
						     MYC_GUARANTEE_BEST_EFFORT;

	signal(SIGPIPE, SIG_IGN);
	bench_shm = mmap(NULL, sizeof(*bench_shm), PROT_READ | PROT_WRITE,
			 MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (bench_shm == MAP_FAILED) {
		perror("mmap");
		return 1;
	}
	memset(bench_shm, 0, sizeof(*bench_shm));
	fflush(stdout);
	return run(&o);
}
