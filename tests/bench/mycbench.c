// SPDX-License-Identifier: GPL-2.0
/*
 * mycbench: one transport, one test, between two network namespaces.
 *
 *   mycbench -t myc|tcp|udp|tipc|sctp -T bulk|rate|rr -S SRV_NS -C CLI_NS
 *            [-a SRV_IPV4] [-n SRV_NODE] [-g GUARANTEE] [-s SIZE]
 *            [-d SECONDS] [-w SECONDS] [-b BUFSIZE] [-p PORT] [-z]
 *   (-z: bulk sends compressible text instead of zeros)
 *   mycbench -t myc|sctp|tipc -T failover -S SRV_NS -C CLI_NS
 *            -k DEV1[,DEV2] [-c CUT_AT] [-i INTERVAL_MS] [-d SECONDS]
 *            [-a SRV_IPV4 -A SRV_IPV4_2 -L CLI_IPV4,CLI_IPV4_2]
 *            [-O SCTP_SETTING=VALUE]... [...]
 *
 * failover: the stream starts (a message every INTERVAL_MS, default 1),
 * CUT_AT seconds (default 1) after its first arrival the busier of the
 * client's links DEV1, DEV2 goes down, the stream goes on for -d seconds
 * (default 1); the link is back up when mycbench exits.  Only myc, sctp
 * (which needs both addresses of each side) and tipc.  The SCTP settings (-O) are named as the net.sctp
 * sysctls: rto_min, rto_initial, rto_max, hb_interval, path_max_retrans,
 * pf_retrans, sack_timeout (ms or counts) and sack_freq.
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
#include <stddef.h>
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
	[BTEST_FAILOVER] = "failover",
};

static void usage(void)
{
	fprintf(stderr,
		"Usage: mycbench -t TRANSPORT -T TEST -S SRV_NS -C CLI_NS\n"
		"                [-a SRV_IPV4] [-n SRV_NODE] [-g GUARANTEE]\n"
		"                [-s SIZE] [-d SECONDS] [-w SECONDS] [-b BUFSIZE]\n"
		"                [-p PORT] [-P CLIENT_CPU,SERVER_CPU] [-m BATCH] [-z]\n"
		"                [-k DEV1[,DEV2]] [-c CUT_AT] [-i INTERVAL_MS]\n"
		"                [-A SRV_IPV4_2] [-L CLI_IPV4,CLI_IPV4_2]\n"
		"                [-O SCTP_SETTING=VALUE]...\n"
		"TRANSPORT := { myc | tcp | udp | tipc | sctp }\n"
		"TEST := { bulk | rate | rr | failover }\n");
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
	if (o->test == BTEST_FAILOVER)
		return bench_fo_receiver(o, fd, r);
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
	if (o->test == BTEST_FAILOVER)
		return bench_fo_sender(o, fd, r);
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

/* failover: the cutter, in the client's netns, unpinned. */
static pid_t spawn_cutter(const struct bench_opts *o)
{
	pid_t pid = fork();

	if (pid == 0) {
		struct bench_cut *c = &bench_shm->cut;

		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (enter_netns(o->cli_ns)) {
			c->err = errno;
			_exit(1);
		}
		_exit(bench_fo_cut(o, c) ? 1 : 0);
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
static void print_errors(const struct bench_opts *o, int srv_st, int cli_st,
			 int cut_st)
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
	if (o->test == BTEST_FAILOVER && (cut_st || bench_shm->cut.err)) {
		printf("%scutter: ", n++ ? "; " : "");
		if (bench_shm->cut.err)
			printf("%s", strerror(bench_shm->cut.err));
		else if (cut_st < 0)
			printf("did not stop");
		else
			printf("exit status %d", cut_st);
	}
	if (o->test == BTEST_FAILOVER && !n) {
		const struct bench_cut *c = &bench_shm->cut;

		if (!c->cut_done)
			printf("parent: the link was not cut");
		else if (!bench_shm->server.after_cut ||
			 !bench_shm->server.resume_ms)
			printf("parent: nothing sent after the cut arrived");
		else
			printf("parent: the cut link carried %.0f %% of the bytes over the links: the stream was not on it",
			       c->share * 100);
	}
	printf("\"");
	if (o->test == BTEST_FAILOVER && bench_shm->cut.cut_done) {
		json_str("cut_dev", bench_shm->cut.dev);
		json_num("cut_share", bench_shm->cut.share, 3);
		json_num("blackout_ms", bench_shm->server.blackout_ms, 2);
	}
	printf("}\n");
}

static void print_failover(const struct bench_opts *o)
{
	const struct bench_result *s = &bench_shm->server;
	const struct bench_result *c = &bench_shm->client;
	const struct bench_cut *cut = &bench_shm->cut;
	const struct bench_sctp *sc = &o->sctp;

	json_num("interval_ms", o->interval * 1e3, 3);
	json_num("cut_at_s", o->cut_at, 3);
	json_str("cut_dev", cut->dev);
	json_num("cut_share", cut->share, 3);
	json_num("cut_ms", (cut->t_cut - cut->t_cut_start) * 1e3, 2);
	json_num("blackout_ms", s->blackout_ms, 2);
	json_num("gap_from_ms", s->gap_from_ms, 2);
	json_num("gap_to_ms", s->gap_to_ms, 2);
	json_num("resume_ms", s->resume_ms, 2);
	json_num("gap_before_ms", s->gap_before_ms, 2);
	json_num("delay_p50_ms", s->delay_p50_ms, 2);
	json_num("delay_max_ms", s->delay_max_ms, 2);
	json_u64("sent", c->total_msgs);
	json_u64("received", s->total_msgs);
	json_u64("after_cut", s->after_cut);
	json_u64("lost", c->total_msgs > s->total_msgs ?
		 c->total_msgs - s->total_msgs : 0);
	json_u64("dup", s->dup);
	json_u64("reordered", s->reordered);
	json_u64("send_errors", c->send_errors);
	if (o->transport != BT_SCTP)
		return;
	printf(",\"sctp\":{\"rto_min\":%d", sc->rto_min);
	json_num("rto_initial", sc->rto_initial, 0);
	json_num("rto_max", sc->rto_max, 0);
	json_num("hb_interval", sc->hb_interval, 0);
	json_num("path_max_retrans", sc->path_max_retrans, 0);
	json_num("pf_retrans", sc->pf_retrans, 0);
	json_num("sack_timeout", sc->sack_timeout, 0);
	json_num("sack_freq", sc->sack_freq, 0);
	printf("}");
}

static void print_result(const struct bench_opts *o)
{
	const struct bench_result *s = &bench_shm->server;
	const struct bench_result *c = &bench_shm->client;
	uint64_t msgs = s->bytes / o->size;

	print_head(o);
	printf(",\"ok\":true");
	if (o->test == BTEST_FAILOVER) {
		print_failover(o);
	} else if (o->test == BTEST_RR) {
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

/* Start the server and wait until it is ready; -1 (reported) if not. */
static pid_t start_server(const struct bench_opts *o)
{
	pid_t srv = spawn(o, true);

	if (srv < 0) {
		print_error(o, "parent", "fork failed");
		return -1;
	}
	if (!wait_flag(&bench_shm->server_ready, srv, 20)) {
		reap(srv, 1);
		print_errors(o, 1, 0, 0);
		return -1;
	}
	return srv;
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

	srv = start_server(o);
	if (srv < 0)
		return 1;
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
		print_errors(o, srv_st, cli_st, 0);
		return 1;
	}
	if (!bench_flag(&bench_shm->window_done)) {
		print_error(o, "parent", "no figures");
		return 1;
	}
	print_result(o);
	return 0;
}

/*
 * failover: start the server, the client (it streams once its paths are
 * up) and the cutter; the stream goes on o->duration seconds after the
 * cut; then wait for the receiver to have every message (or for
 * FO_DRAIN seconds), stop everything and bring the link back.
 */
#define FO_DRAIN	5.0
/*
 * The cut link sent less than this share of the bytes over both links
 * just before the cut: the stream was not on it (or on neither link), the
 * gap says nothing.
 */
#define FO_MIN_SHARE	0.6

static int run_failover(const struct bench_opts *o)
{
	struct bench_cut *c = &bench_shm->cut;
	pid_t srv, cli, cut = -1;
	int srv_st, cli_st = 0, cut_st = 0;
	double end;

	srv = start_server(o);
	if (srv < 0)
		return 1;
	cli = spawn(o, false);
	if (cli >= 0)
		cut = spawn_cutter(o);
	if (cli < 0 || cut < 0)
		goto stop;

	end = bench_now() + 30 + o->cut_at;
	while (!bench_flag(&c->cut_done) && !c->err && bench_now() < end &&
	       alive(srv) && alive(cli) && alive(cut))
		usleep(5000);
	if (bench_flag(&c->cut_done)) {
		while (bench_now() < c->t_cut + o->duration && alive(cli))
			usleep(5000);
	}
	bench_set(&bench_shm->stop_sender);
	wait_flag(&c->sender_done, cli, 10);
	if (bench_flag(&c->sender_done)) {
		end = bench_now() + FO_DRAIN;
		while (__atomic_load_n(&c->got, __ATOMIC_ACQUIRE) <
		       __atomic_load_n(&c->sent, __ATOMIC_ACQUIRE) &&
		       bench_now() < end && alive(srv))
			usleep(5000);
	}
stop:
	bench_set(&bench_shm->stop_server);
	cli_st = cli < 0 ? 1 : reap(cli, 10);
	srv_st = reap(srv, 10);
	if (cut >= 0)
		cut_st = reap(cut, 10);
	if (bench_shm->server.err || srv_st || bench_shm->client.err ||
	    cli_st || c->err || cut_st || !c->cut_done ||
	    !bench_shm->server.after_cut || !bench_shm->server.resume_ms ||
	    c->share < FO_MIN_SHARE) {
		print_errors(o, srv_st, cli_st, cut < 0 ? 1 : cut_st);
		return 1;
	}
	print_result(o);
	return 0;
}

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

/* -O NAME=VALUE: one SCTP setting of the failover run. */
static int sctp_setting(struct bench_sctp *sc, const char *arg)
{
	static const struct {
		const char *name;
		size_t off;
	} names[] = {
		{ "rto_min", offsetof(struct bench_sctp, rto_min) },
		{ "rto_initial", offsetof(struct bench_sctp, rto_initial) },
		{ "rto_max", offsetof(struct bench_sctp, rto_max) },
		{ "hb_interval", offsetof(struct bench_sctp, hb_interval) },
		{ "path_max_retrans",
		  offsetof(struct bench_sctp, path_max_retrans) },
		{ "pf_retrans", offsetof(struct bench_sctp, pf_retrans) },
		{ "sack_timeout", offsetof(struct bench_sctp, sack_timeout) },
		{ "sack_freq", offsetof(struct bench_sctp, sack_freq) },
	};
	const char *eq = strchr(arg, '=');
	size_t i;
	uint32_t v;

	if (!eq || myc_u32_parse(eq + 1, 3600000, &v))
		return -1;
	for (i = 0; i < ARRAY_SIZE(names); i++) {
		if (strlen(names[i].name) == (size_t)(eq - arg) &&
		    !strncmp(arg, names[i].name, (size_t)(eq - arg))) {
			*(int *)((char *)sc + names[i].off) = (int)v;
			return 0;
		}
	}
	return -1;
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
		.cut_at = 1.0,
		.interval = 0.001,
		.sctp.pf_retrans = -1,
	};
	bool have_ip = false, have_ip2 = false, have_cli = false;
	bool have_dur = false;
	size_t size = 0;
	uint32_t v;
	int c, i;

	while ((c = getopt(argc, argv,
			   "t:T:S:C:a:A:L:n:g:s:d:w:b:p:P:m:k:c:i:O:zh")) != -1) {
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
		case 'z':
			o.text = true;
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
			have_dur = true;
			break;
		case 'A':
			if (inet_pton(AF_INET, optarg, &o.srv_ip2) != 1)
				usage();
			have_ip2 = true;
			break;
		case 'L': {
			char *comma = strchr(optarg, ',');

			if (!comma)
				usage();
			*comma = '\0';
			if (inet_pton(AF_INET, optarg, &o.cli_ip[0]) != 1 ||
			    inet_pton(AF_INET, comma + 1, &o.cli_ip[1]) != 1)
				usage();
			have_cli = true;
			break;
		}
		case 'k':
			o.cut_devs[0] = strtok(optarg, ",");
			o.cut_devs[1] = strtok(NULL, ",");
			break;
		case 'c':
			o.cut_at = atof(optarg);
			break;
		case 'i':
			o.interval = atof(optarg) / 1e3;
			break;
		case 'O':
			if (sctp_setting(&o.sctp, optarg))
				usage();
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
	if (o.test == BTEST_FAILOVER &&
	    ((o.transport != BT_MYC && o.transport != BT_SCTP &&
	      o.transport != BT_TIPC) || !o.cut_devs[0] || o.cut_at <= 0 ||
	     o.interval <= 0 ||
	     (o.transport == BT_SCTP && (!have_ip2 || !have_cli))))
		usage();
	if (o.test == BTEST_FAILOVER && !have_dur)
		o.duration = 1.0;	/* the stream after the cut */

	/* 64 KiB messages for bulk; UDP's largest datagram is 65507 bytes */
	if (!size)
		size = o.test == BTEST_BULK ? 65536 : 64;
	if (o.transport == BT_UDP && size > 65000)
		size = 65000;
	if (size < sizeof(uint64_t))
		size = sizeof(uint64_t);	/* rr numbers its requests */
	if (o.test == BTEST_FAILOVER && size < 2 * sizeof(uint64_t))
		size = 2 * sizeof(uint64_t);	/* number and time */
	o.size = size;
	/*
	 * bulk and rate: sender on CPU 0, receiver on CPU 1.  rr: both on
	 * CPU 0; under TCG, waking an idle vCPU costs a host scheduling
	 * decision (milliseconds on a busy host), which would swamp what the
	 * transports themselves cost.
	 */
	if (o.client_cpu == -2) {
		o.client_cpu = 0;
		o.server_cpu = o.test == BTEST_RR ||
			       o.test == BTEST_FAILOVER ? 0 : 1;
	}
	/* the SPEC's configuration: bulk with high, the rest best-effort */
	if (o.guarantee < 0)
		o.guarantee = o.test == BTEST_BULK ? MYC_GUARANTEE_HIGH :
			      o.test == BTEST_FAILOVER ?
			      MYC_GUARANTEE_GUARANTEED :
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
	if (o.test == BTEST_FAILOVER)
		return run_failover(&o);
	return run(&o);
}
