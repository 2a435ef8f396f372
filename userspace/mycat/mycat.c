// SPDX-License-Identifier: GPL-2.0
/*
 * mycat: netcat for AF_MYCELIUM, for demos and scripts.
 *
 *   mycat [-n NETNS] -l PORT          print every message received on PORT
 *   mycat [-n NETNS] -l -s SERVICE    ... bound to a service instead
 *   mycat [-n NETNS] NODE PORT        send each line of stdin as a message
 *   mycat [-n NETNS] -s NODE SERVICE  ... to a service
 *   -c COUNT: stop after COUNT messages; -g best-effort|high|guaranteed
 *   -p: a SOCK_SEQPACKET connection (listen: accept one, print until it
 *       ends; send: connect, send, close)
 * A reliable sender waits a moment for messages that come back
 * (MSG_ERRQUEUE), prints each with the reason and exits with status 1.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <linux/errqueue.h>

#include "libmyc.h"

static void usage(void)
{
	fprintf(stderr,
		"Usage: mycat [-n NETNS] [-c COUNT] [-p] -l [-s] ID\n"
		"       mycat [-n NETNS] [-g GUARANTEE] [-p] [-s] NODE_ID ID\n"
		"       mycat [-n NETNS] [-g GUARANTEE] [-p] -e ENDPOINT_ID\n");
	exit(1);
}

/* Print what comes back on the error queue within ms; how many came. */
static int returned(int fd, int ms)
{
	struct pollfd p = { .fd = fd };
	int n = 0;

	while (poll(&p, 1, ms) == 1 && (p.revents & POLLERR)) {
		union {
			char b[CMSG_SPACE(sizeof(struct sock_extended_err))];
			struct cmsghdr align;
		} ctl;
		char data[1024];
		struct sockaddr_myc to;
		struct iovec iov = { data, sizeof(data) - 1 };
		struct msghdr m = {
			.msg_name = &to, .msg_namelen = sizeof(to),
			.msg_iov = &iov, .msg_iovlen = 1,
			.msg_control = ctl.b, .msg_controllen = sizeof(ctl.b),
		};
		struct cmsghdr *c;
		char nb[MYC_NODE_ID_STRLEN];
		ssize_t len = recvmsg(fd, &m, MSG_ERRQUEUE | MSG_DONTWAIT);
		int err = 0;

		if (len < 0)
			break;
		data[len] = '\0';
		for (c = CMSG_FIRSTHDR(&m); c; c = CMSG_NXTHDR(&m, c))
			if (c->cmsg_level == SOL_MYCELIUM &&
			    c->cmsg_type == MYC_CMSG_ERR)
				err = (int)((struct sock_extended_err *)
					    CMSG_DATA(c))->ee_errno;
		fprintf(stderr, "mycat: returned by %s:%" PRIu32 " (%s): %s%s",
			myc_node_id_fmt(to.smyc_node, nb), to.smyc_id,
			strerror(err), data,
			len && data[len - 1] == '\n' ? "" : "\n");
		n++;
		ms = 0;
	}
	return n;
}

int main(int argc, char **argv)
{
	bool listening = false, service = false, seqpacket = false, endpoint = false;
	struct sockaddr_myc a = {};
	long count = -1;
	int g = -1, c, fd;
	uint32_t id;
	char buf[65536];

	while ((c = getopt(argc, argv, "n:lspec:g:h")) != -1) {
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
			listening = true;
			break;
		case 's':
			service = true;
			break;
		case 'e':
			endpoint = true;
			break;
		case 'p':
			seqpacket = true;
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
	if (argc != (listening || endpoint ? 1 : 2) ||
	    (endpoint && (listening || service)))
		usage();

	fd = socket(myc_family(), seqpacket ? SOCK_SEQPACKET : SOCK_DGRAM, 0);
	if (fd < 0) {
		myc_error("socket: %s", strerror(errno));
		return 1;
	}
	a.smyc_family = (unsigned short)myc_family();
	a.smyc_kind = endpoint ? MYC_ADDR_ENDPOINT :
		      service ? MYC_ADDR_SERVICE : MYC_ADDR_PORT;
	if (myc_u32_parse(argv[listening || endpoint ? 0 : 1], UINT32_MAX,
			  &id)) {
		myc_error("invalid port, service or endpoint \"%s\"",
			  argv[listening || endpoint ? 0 : 1]);
		return 1;
	}
	a.smyc_id = id;

	if (listening) {
		if (bind(fd, (struct sockaddr *)&a, sizeof(a))) {
			myc_error("bind: %s", strerror(errno));
			return 1;
		}
		if (seqpacket) {
			int l = fd;

			if (listen(l, 1) ||
			    (fd = accept(l, NULL, NULL)) < 0) {
				myc_error("listen/accept: %s", strerror(errno));
				return 1;
			}
			close(l);
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
			if (seqpacket && !n)
				return 0;	/* the other end closed */
			if (seqpacket) {
				socklen_t pl = sizeof(from);

				getpeername(fd, (struct sockaddr *)&from, &pl);
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

	if (!endpoint) {
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
	if (seqpacket && connect(fd, (struct sockaddr *)&a, sizeof(a))) {
		myc_error("connect: %s", strerror(errno));
		return 1;
	}
	while (count-- && fgets(buf, sizeof(buf), stdin)) {
		if (sendto(fd, buf, strlen(buf), 0,
			   seqpacket ? NULL : (struct sockaddr *)&a,
			   seqpacket ? 0 : sizeof(a)) < 0) {
			myc_error("send: %s", strerror(errno));
			return 1;
		}
	}
	if (!seqpacket && g > 0 && returned(fd, 1000))
		return 1;
	return 0;
}
