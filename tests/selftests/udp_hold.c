// SPDX-License-Identifier: GPL-2.0
/* udp_hold PORT SECONDS: bind UDP PORT (IPv4, any address), print "ready",
 * hold it for SECONDS. */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	int fd;

	if (argc != 3) {
		fprintf(stderr, "usage: udp_hold PORT SECONDS\n");
		return 2;
	}
	a.sin_port = htons((unsigned short)atoi(argv[1]));
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof(a))) {
		perror("udp_hold");
		return 1;
	}
	printf("ready\n");
	fflush(stdout);
	sleep((unsigned int)atoi(argv[2]));
	return 0;
}
