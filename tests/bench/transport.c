// SPDX-License-Identifier: GPL-2.0
/*
 * The sockets of each transport, as a plain application would open them.
 *
 *   myc   AF_MYCELIUM SOCK_DGRAM; the server binds a port, the client sends
 *         to node:port with the guarantee of the run
 *   tcp   SOCK_STREAM; TCP_NODELAY for rr only
 *   udp   SOCK_DGRAM, unconnected client (sendto)
 *   tipc  AF_TIPC SOCK_SEQPACKET (connection-oriented, reliable, flow
 *         controlled, message boundaries) to a service name
 *   sctp  SOCK_STREAM/IPPROTO_SCTP (one-to-one style, message boundaries);
 *         SCTP_NODELAY for rr only
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <linux/sctp.h>
#include <linux/tipc.h>

#include "libmyc.h"
#include "mycbench.h"

/* TIPC service type of the benchmark; the instance is the port. */
#define BENCH_TIPC_TYPE	18888

static const char * const names[BT_CNT] = {
	[BT_MYC] = "myc",
	[BT_TCP] = "tcp",
	[BT_UDP] = "udp",
	[BT_TIPC] = "tipc",
	[BT_SCTP] = "sctp",
};

const char *bench_transport_name(enum bench_transport t)
{
	return t < BT_CNT ? names[t] : "?";
}

int bench_transport_parse(const char *s)
{
	int i;

	for (i = 0; i < BT_CNT; i++)
		if (!strcmp(s, names[i]))
			return i;
	return -1;
}

bool bench_connected(enum bench_transport t)
{
	return t == BT_TCP || t == BT_TIPC || t == BT_SCTP;
}

bool bench_stream(enum bench_transport t)
{
	return t == BT_TCP;
}

int bench_fail(struct bench_result *r, int err, const char *what)
{
	r->err = err ? err : (errno ? errno : EIO);
	snprintf(r->what, sizeof(r->what), "%s", what);
	return -1;
}

static struct sockaddr_in inet_addr_of(const struct bench_opts *o)
{
	struct sockaddr_in a = {
		.sin_family = AF_INET,
		.sin_port = htons(o->port),
		.sin_addr = o->srv_ip,
	};
	return a;
}

/* The live AF_MYCELIUM number, read once (myc_family() reads sysfs). */
static int af_myc(void)
{
	static int family;

	if (!family)
		family = myc_family();
	return family;
}

static struct sockaddr_myc myc_addr_of(const struct bench_opts *o, bool local)
{
	struct sockaddr_myc a = {
		.smyc_family = (unsigned short)af_myc(),
		.smyc_kind = MYC_ADDR_PORT,
		.smyc_id = o->port,
		.smyc_node = local ? 0 : o->srv_node,
	};
	return a;
}

static int new_socket(const struct bench_opts *o)
{
	switch (o->transport) {
	case BT_MYC:
		return socket(af_myc(), SOCK_DGRAM, 0);
	case BT_TCP:
		return socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
	case BT_UDP:
		return socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP);
	case BT_TIPC:
		return socket(AF_TIPC, SOCK_SEQPACKET, 0);
	case BT_SCTP:
		return socket(AF_INET, SOCK_STREAM, IPPROTO_SCTP);
	default:
		errno = EINVAL;
		return -1;
	}
}

static int set_buffers(const struct bench_opts *o, int fd)
{
	int v = o->bufsize;

	if (!v)
		return 0;
	/* FORCE: past net.core.[rw]mem_max; needs CAP_NET_ADMIN */
	if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &v, sizeof(v)) &&
	    setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &v, sizeof(v)))
		return -1;
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &v, sizeof(v)) &&
	    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &v, sizeof(v)))
		return -1;
	return 0;
}

int bench_rcvtimeo(int fd, int ms)
{
	struct timeval tv = { .tv_sec = ms / 1000, .tv_usec = ms % 1000 * 1000 };

	return setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
}

int bench_tune(const struct bench_opts *o, int fd)
{
	int one = 1;

	if (set_buffers(o, fd))
		return -1;
	switch (o->transport) {
	case BT_MYC:
		return setsockopt(fd, SOL_MYCELIUM, MYC_SO_GUARANTEE,
				  &o->guarantee, sizeof(o->guarantee));
	case BT_TCP:
		if (o->test == BTEST_RR)
			return setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one,
					  sizeof(one));
		return 0;
	case BT_SCTP:
		if (o->test == BTEST_RR)
			return setsockopt(fd, IPPROTO_SCTP, SCTP_NODELAY, &one,
					  sizeof(one));
		return 0;
	default:
		return 0;
	}
}

int bench_server_socket(const struct bench_opts *o, struct bench_result *r)
{
	int fd = new_socket(o), one = 1, err;

	if (fd < 0)
		return bench_fail(r, 0, "server socket");
	/* the listener's options are inherited by accepted sockets */
	if (bench_tune(o, fd)) {
		bench_fail(r, 0, "server socket options");
		goto fail;
	}
	switch (o->transport) {
	case BT_MYC: {
		struct sockaddr_myc a = myc_addr_of(o, true);

		err = bind(fd, (struct sockaddr *)&a, sizeof(a));
		break;
	}
	case BT_TIPC: {
		struct sockaddr_tipc a = {
			.family = AF_TIPC,
			.addrtype = TIPC_SERVICE_RANGE,
			.scope = TIPC_CLUSTER_SCOPE,
			.addr.nameseq = {
				.type = BENCH_TIPC_TYPE,
				.lower = o->port,
				.upper = o->port,
			},
		};

		err = bind(fd, (struct sockaddr *)&a, sizeof(a));
		break;
	}
	default: {
		struct sockaddr_in a = inet_addr_of(o);

		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		err = bind(fd, (struct sockaddr *)&a, sizeof(a));
		break;
	}
	}
	if (err) {
		bench_fail(r, 0, "bind");
		goto fail;
	}
	if (bench_connected(o->transport) && listen(fd, 4)) {
		bench_fail(r, 0, "listen");
		goto fail;
	}
	return fd;
fail:
	close(fd);
	return -1;
}

int bench_server_accept(const struct bench_opts *o, int lfd,
			struct bench_result *r)
{
	int fd;

	if (!bench_connected(o->transport))
		return lfd;
	/* the listener has a receive timeout: accept() sees the stop flag */
	do {
		fd = accept(lfd, NULL, NULL);
	} while (fd < 0 && (errno == EAGAIN || errno == EINTR) &&
		 !bench_flag(&bench_shm->stop_server));
	if (fd < 0)
		return bench_fail(r, 0, "accept");
	close(lfd);
	return fd;
}

static int tipc_connect(const struct bench_opts *o, int *fdp)
{
	struct sockaddr_tipc a = {
		.family = AF_TIPC,
		.addrtype = TIPC_SERVICE_ADDR,
		.addr.name.name = {
			.type = BENCH_TIPC_TYPE,
			.instance = o->port,
		},
	};
	int tries;

	/* the name reaches this node's table shortly after the bind */
	for (tries = 0; tries < 100; tries++) {
		if (!connect(*fdp, (struct sockaddr *)&a, sizeof(a)))
			return 0;
		if (errno != ENOENT && errno != EHOSTUNREACH &&
		    errno != ECONNREFUSED)
			return -1;
		close(*fdp);
		usleep(50000);
		*fdp = new_socket(o);
		if (*fdp < 0 || bench_tune(o, *fdp))
			return -1;
	}
	return -1;
}

int bench_client_socket(const struct bench_opts *o, struct bench_result *r)
{
	int fd = new_socket(o), err = 0;

	if (fd < 0)
		return bench_fail(r, 0, "client socket");
	if (bench_tune(o, fd)) {
		bench_fail(r, 0, "client socket options");
		goto fail;
	}
	switch (o->transport) {
	case BT_TCP:
	case BT_SCTP: {
		struct sockaddr_in a = inet_addr_of(o);

		err = connect(fd, (struct sockaddr *)&a, sizeof(a));
		break;
	}
	case BT_TIPC:
		err = tipc_connect(o, &fd);
		break;
	default:
		break;
	}
	if (err) {
		bench_fail(r, 0, "connect");
		goto fail;
	}
	return fd;
fail:
	if (fd >= 0)
		close(fd);
	return -1;
}

ssize_t bench_send(const struct bench_opts *o, int fd, const void *buf,
		   size_t len)
{
	switch (o->transport) {
	case BT_MYC: {
		struct sockaddr_myc a = myc_addr_of(o, false);
		static unsigned int n;
		int flags = 0;

		/* bundling: hold all but every batch-th message back */
		if (o->batch > 1 && ++n % (unsigned int)o->batch)
			flags = MSG_MORE;
		return sendto(fd, buf, len, flags, (struct sockaddr *)&a,
			      sizeof(a));
	}
	case BT_UDP: {
		struct sockaddr_in a = inet_addr_of(o);

		return sendto(fd, buf, len, 0, (struct sockaddr *)&a,
			      sizeof(a));
	}
	default:
		return send(fd, buf, len, MSG_NOSIGNAL);
	}
}
