// SPDX-License-Identifier: GPL-2.0
/*
 * sock_hold N SECONDS [ADDR]...: open N AF_MYCELIUM sockets (alternating
 * datagram and seqpacket), bind the i-th socket to the i-th ADDR (port:P or
 * service:S, decimal), print "ready", hold them for SECONDS, close them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "libmyc.h"

static int bind_to(int fd, const char *spec)
{
	struct sockaddr_myc a = { .smyc_family = (__kernel_sa_family_t)myc_family() };
	const char *colon = strchr(spec, ':');
	uint32_t id;

	if (!colon || myc_u32_parse(colon + 1, UINT32_MAX, &id))
		return -1;
	if (!strncmp(spec, "port:", 5))
		a.smyc_kind = MYC_ADDR_PORT;
	else if (!strncmp(spec, "service:", 8))
		a.smyc_kind = MYC_ADDR_SERVICE;
	else
		return -1;
	a.smyc_id = id;
	if (bind(fd, (struct sockaddr *)&a, sizeof(a))) {
		perror("bind");
		exit(1);
	}
	return 0;
}

int main(int argc, char **argv)
{
	int n, i, fd;

	if (argc < 3 || (n = atoi(argv[1])) <= 0 || n > 4096 || argc - 3 > n) {
		fprintf(stderr, "usage: sock_hold N SECONDS [port:P|service:S]...\n");
		return 2;
	}
	for (i = 0; i < n; i++) {
		fd = socket(myc_family(), i % 2 ? SOCK_SEQPACKET : SOCK_DGRAM, 0);
		if (fd < 0) {
			perror("socket");
			return 1;
		}
		if (3 + i < argc && bind_to(fd, argv[3 + i])) {
			fprintf(stderr, "sock_hold: bad address \"%s\"\n",
				argv[3 + i]);
			return 2;
		}
	}
	printf("ready\n");
	fflush(stdout);
	sleep((unsigned int)atoi(argv[2]));
	return 0;
}
