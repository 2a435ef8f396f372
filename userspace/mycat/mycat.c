// SPDX-License-Identifier: GPL-2.0
/*
 * mycat: netcat for AF_MYCELIUM datagrams, for demos and scripts.
 *
 *   mycat [-n NETNS] -l PORT          print every message received on PORT
 *   mycat [-n NETNS] -l -s SERVICE    ... bound to a service instead
 *   mycat [-n NETNS] NODE PORT        send each line of stdin as a message
 *   mycat [-n NETNS] -s NODE SERVICE  ... to a service
 *   -c COUNT: stop after COUNT messages; -g best-effort|high|guaranteed
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "libmyc.h"

static void usage(void)
{
	fprintf(stderr,
		"Usage: mycat [-n NETNS] [-c COUNT] -l [-s] ID\n"
		"       mycat [-n NETNS] [-g GUARANTEE] [-s] NODE_ID ID\n");
	exit(1);
}

int main(int argc, char **argv)
{
	bool listen = false, service = false;
	struct sockaddr_myc a = {};
	long count = -1;
	int g = -1, c, fd;
	uint32_t id;
	char buf[65536];

	while ((c = getopt(argc, argv, "n:lsc:g:h")) != -1) {
		switch (c) {
		case 'n': {
			char path[256];
			int nfd;

			snprintf(path, sizeof(path), "/run/netns/%s", optarg);
			nfd = open(path, O_RDONLY | O_CLOEXEC);
			if (nfd < 0 || setns(nfd, CLONE_NEWNET)) {
				myc_error("cannot enter network namespace \"%s\"",
					  optarg);
				return 1;
			}
			close(nfd);
			break;
		}
		case 'l':
			listen = true;
			break;
		case 's':
			service = true;
			break;
		case 'c':
			count = atol(optarg);
			break;
		case 'g':
			g = myc_guarantee_parse(optarg);
			if (g < 0)
				usage();
			break;
		default:
			usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (argc != (listen ? 1 : 2))
		usage();

	fd = socket(myc_family(), SOCK_DGRAM, 0);
	if (fd < 0) {
		myc_error("socket: %s", strerror(errno));
		return 1;
	}
	a.smyc_family = (unsigned short)myc_family();
	a.smyc_kind = service ? MYC_ADDR_SERVICE : MYC_ADDR_PORT;
	if (myc_u32_parse(argv[listen ? 0 : 1], UINT32_MAX, &id)) {
		myc_error("invalid port or service \"%s\"", argv[listen ? 0 : 1]);
		return 1;
	}
	a.smyc_id = id;

	if (listen) {
		if (bind(fd, (struct sockaddr *)&a, sizeof(a))) {
			myc_error("bind: %s", strerror(errno));
			return 1;
		}
		while (count--) {
			struct sockaddr_myc from;
			socklen_t flen = sizeof(from);
			char nb[MYC_NODE_ID_STRLEN];
			ssize_t n = recvfrom(fd, buf, sizeof(buf) - 1, 0,
					     (struct sockaddr *)&from, &flen);

			if (n < 0) {
				myc_error("recv: %s", strerror(errno));
				return 1;
			}
			buf[n] = '\0';
			printf("%s:%" PRIu32 ": %s%s",
			       myc_node_id_fmt(from.smyc_node, nb),
			       from.smyc_id, buf,
			       n && buf[n - 1] == '\n' ? "" : "\n");
			fflush(stdout);
		}
		return 0;
	}

	{
		uint64_t node;

		if (myc_node_id_parse(argv[0], &node)) {
			myc_error("invalid node id \"%s\"", argv[0]);
			return 1;
		}
		a.smyc_node = node;
	}
	if (g >= 0 && setsockopt(fd, SOL_MYCELIUM, MYC_SO_GUARANTEE, &g,
				 sizeof(g))) {
		myc_error("setsockopt: %s", strerror(errno));
		return 1;
	}
	while (count-- && fgets(buf, sizeof(buf), stdin)) {
		if (sendto(fd, buf, strlen(buf), 0, (struct sockaddr *)&a,
			   sizeof(a)) < 0) {
			myc_error("send: %s", strerror(errno));
			return 1;
		}
	}
	return 0;
}
