// SPDX-License-Identifier: GPL-2.0
/*
 * sock_hold N SECONDS: open N AF_MYCELIUM sockets (alternating datagram and
 * seqpacket), print "ready", hold them for SECONDS, close them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include "libmyc.h"

int main(int argc, char **argv)
{
	int n, i;

	if (argc != 3 || (n = atoi(argv[1])) <= 0 || n > 4096) {
		fprintf(stderr, "usage: sock_hold N SECONDS\n");
		return 2;
	}
	for (i = 0; i < n; i++) {
		if (socket(myc_family(), i % 2 ? SOCK_SEQPACKET : SOCK_DGRAM,
			   0) < 0) {
			perror("socket");
			return 1;
		}
	}
	printf("ready\n");
	fflush(stdout);
	sleep((unsigned int)atoi(argv[2]));
	return 0;
}
