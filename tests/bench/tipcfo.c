// SPDX-License-Identifier: GPL-2.0
/*
 * tipcfo: TIPC's failover blackout between two kernels (two VMs joined
 * by two links, scripts/bench-tipc2).  Between namespaces of one kernel
 * TIPC never uses its links (tipc_lxc_xmit), so it takes two kernels.
 *   tipcfo recv N          receive N numbered messages on service 4242.1,
 *                          print the longest gap between arrivals (ms),
 *                          lost, duplicated and out-of-order counts
 *   tipcfo send N CUT_MS CMD
 *                          send N numbered messages one per ms; CUT_MS
 *                          after the start run CMD (the cut)
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <linux/tipc.h>

#define TYPE 4242

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void usage(void)
{
	fprintf(stderr, "usage: tipcfo recv N | send N CUT_MS CMD\n");
	exit(2);
}

int main(int argc, char **argv)
{
	int fd = socket(AF_TIPC, SOCK_RDM, 0), n, i;

	if (fd < 0 || argc < 3)
		usage();
	n = atoi(argv[2]);
	if (!strcmp(argv[1], "recv")) {
		struct sockaddr_tipc a = {
			.family = AF_TIPC, .addrtype = TIPC_ADDR_NAMESEQ,
			.scope = TIPC_CLUSTER_SCOPE,
			.addr.nameseq = { TYPE, 1, 1 },
		};
		struct timeval tv = { .tv_sec = 60 };
		char *seen = calloc(n, 1);
		double last = 0, gap = 0, t;
		int got = 0, dup = 0, ooo = 0, prev = -1, v;

		if (bind(fd, (struct sockaddr *)&a, sizeof(a)) ||
		    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv))) {
			perror("bind");
			return 1;
		}
		printf("ready\n");
		fflush(stdout);
		while (got + dup < 4 * n &&
		       recv(fd, &v, sizeof(v), 0) == sizeof(v)) {
			t = now_ms();
			if (v < 0 || v >= n)
				continue;
			if (seen[v]) {
				dup++;
				continue;
			}
			seen[v] = 1;
			if (v < prev)
				ooo++;
			prev = v;
			if (got && t - last > gap)
				gap = t - last;
			last = t;
			if (++got == n)
				break;
		}
		free(seen);
		printf("TIPCFO blackout_ms %.2f received %d lost %d dup %d ooo %d\n",
		       gap, got, n - got, dup, ooo);
		return 0;
	}
	if (!strcmp(argv[1], "send") && argc == 5) {
		struct sockaddr_tipc to = {
			.family = AF_TIPC, .addrtype = TIPC_ADDR_NAME,
			.addr.name.name = { TYPE, 1 },
		};
		double t0 = now_ms(), cut = atof(argv[3]);
		pid_t pid = -1;

		for (i = 0; i < n; i++) {
			while (sendto(fd, &i, sizeof(i), 0,
				      (struct sockaddr *)&to, sizeof(to)) < 0) {
				if (errno != EAGAIN && errno != ENOBUFS &&
				    errno != EHOSTUNREACH) {
					perror("sendto");
					return 1;
				}
				usleep(1000);
			}
			if (pid < 0 && now_ms() - t0 >= cut) {
				pid = fork();
				if (!pid)
					_exit(system(argv[4]) ? 1 : 0);
			}
			usleep(1000);
		}
		if (pid > 0)
			waitpid(pid, NULL, 0);
		return 0;
	}
	usage();
	return 2;
}
