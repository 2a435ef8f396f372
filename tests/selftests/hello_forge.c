// SPDX-License-Identifier: GPL-2.0
/*
 * hello_forge: sends HELLO (or HANDSHAKE) frames that claim to come from
 * another node, for the tests of unauthenticated input.
 *
 *   hello_forge [-n COUNT] [-i INSTANCE] [-p PORT] [-s SRC_PORT] [-b ADDR]
 *               [-t hello|handshake] [-w MS] ADDRESS FROM_ID TO_ID
 *       COUNT (default 1) HELLOs to ADDRESS:PORT (default the node port)
 *       from a UDP socket of this netns (SRC_PORT, default any: the node
 *       there holds its own port), each claiming node FROM_ID as sender,
 *       with a sclerotia's high-performance settings and INSTANCE (default
 *       random).  -b binds the socket to ADDR (a source address of this
 *       netns); -t handshake sends HANDSHAKE frames of 100 random bytes
 *       instead.  Then it counts, for MS (default 1000) ms more, the frames
 *       that came back to its socket and prints
 *       "sent N replies M seconds S" (S: the time the sending took).
 *
 * Frames are made with the module's own codec (kmod/wire.c).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <poll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <linux/mycelium.h>

#include "wire.h"

static int usage(void)
{
	fprintf(stderr, "usage: hello_forge [-n COUNT] [-i INSTANCE] [-p PORT] "
		"[-s SRC_PORT] [-b ADDR] [-t hello|handshake] [-w MS]\n"
		"                   ADDRESS FROM_ID TO_ID\n");
	return 2;
}

static double now_s(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* Frames that came to fd, until ms pass with none (non-blocking drain). */
static unsigned long drain(int fd, int ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	unsigned long n = 0;
	char buf[2048];

	for (;;) {
		while (recv(fd, buf, sizeof(buf), MSG_DONTWAIT) >= 0)
			n++;
		if (ms <= 0 || poll(&p, 1, ms) != 1)
			return n;
	}
}

int main(int argc, char **argv)
{
	struct sockaddr_in to = { .sin_family = AF_INET };
	struct sockaddr_in from = { .sin_family = AF_INET };
	unsigned long count = 1, i, replies = 0;
	bool handshake = false;
	int wait_ms = 1000;
	double t0;
	uint32_t instance = 0;
	int port = MYC_DEFAULT_UDP_PORT, sport = 0;
	uint8_t frame[MYC_HDR_LEN + 100];
	size_t flen = MYC_HDR_LEN + MYC_HELLO_LEN;
	struct myc_hello h = {
		.version = MYC_HELLO_VERSION,
		.type = MYC_NODE_SCLEROTIA,
		.profile = MYC_PROFILE_HIGH_PERFORMANCE,
		.enc = MYC_ENC_STANDARD,
		.comp = MYC_COMP_LOW,
		.rel = MYC_GUARANTEE_HIGH,
		.enc_caps = MYC_ENC_CAPS_ALL,
		.comp_caps = MYC_COMP_CAPS_ALL,
		.mtu = 1500,
		.max_msg = MYC_MAX_MSG_SIZE,
	};
	struct myc_hdr hdr = { .version = MYC_WIRE_VERSION, .type = MYC_FT_HELLO };
	int opt, fd, one = 1;

	while ((opt = getopt(argc, argv, "n:i:p:s:b:t:w:")) != -1) {
		switch (opt) {
		case 'b':
			if (inet_pton(AF_INET, optarg, &from.sin_addr) != 1)
				return usage();
			break;
		case 't':
			if (!strcmp(optarg, "handshake"))
				handshake = true;
			else if (strcmp(optarg, "hello"))
				return usage();
			break;
		case 'w': wait_ms = atoi(optarg); break;
		case 'n': count = strtoul(optarg, NULL, 0); break;
		case 'i': instance = (uint32_t)strtoul(optarg, NULL, 0); break;
		case 'p': port = atoi(optarg); break;
		case 's': sport = atoi(optarg); break;
		default: return usage();
		}
	}
	if (argc - optind != 3 || inet_pton(AF_INET, argv[optind], &to.sin_addr) != 1)
		return usage();
	hdr.src_node = strtoull(argv[optind + 1], NULL, 16);
	hdr.dst_node = strtoull(argv[optind + 2], NULL, 16);
	to.sin_port = htons((uint16_t)port);
	from.sin_port = htons((uint16_t)sport);
	if (!instance && getrandom(&instance, sizeof(instance), 0) != sizeof(instance))
		return 1;
	h.instance = instance | 1;
	if (handshake) {
		hdr.type = MYC_FT_HANDSHAKE;
		flen = MYC_HDR_LEN + 100;
	}
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    bind(fd, (struct sockaddr *)&from, sizeof(from))) {
		perror("hello_forge: socket");
		return 1;
	}
	t0 = now_s();
	for (i = 0; i < count; i++) {
		hdr.pn = i + 1;
		if (myc_hdr_encode(frame, sizeof(frame), &hdr) != MYC_HDR_LEN ||
		    (!handshake &&
		     myc_hello_encode(frame + MYC_HDR_LEN, MYC_HELLO_LEN, &h) !=
		     MYC_HELLO_LEN)) {
			fprintf(stderr, "hello_forge: cannot encode\n");
			return 1;
		}
		if (handshake &&
		    getrandom(frame + MYC_HDR_LEN, 100, 0) != 100)
			return 1;
		if (sendto(fd, frame, flen, 0, (struct sockaddr *)&to,
			   sizeof(to)) != (ssize_t)flen && errno != ENOBUFS &&
		    errno != EAGAIN) {
			perror("hello_forge: sendto");
			return 1;
		}
		if (!(i % 64))
			replies += drain(fd, 0);
	}
	t0 = now_s() - t0;
	replies += drain(fd, wait_ms);
	printf("sent %lu replies %lu seconds %.1f\n", count, replies, t0);
	return 0;
}
