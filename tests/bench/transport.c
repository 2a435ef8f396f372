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
 *
 * failover: myc with the run's guarantee (guaranteed by default), tipc as
 * above (the links are the bearers' business), sctp multi-homed: both
 * addresses of each side bound (SCTP_SOCKOPT_BINDX_ADD), the client
 * connects to both of the server's (SCTP_SOCKOPT_CONNECTX, the first one
 * the primary path), with the retransmission and path-failure settings
 * of the run (-O) and SCTP_NODELAY on both sides.
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

/* Applies to the associations the socket makes later (SCTP_FUTURE_ASSOC). */
static int sctp_failover_tune(const struct bench_opts *o, int fd)
{
	const struct bench_sctp *s = &o->sctp;
	int one = 1;
	struct sctp_rtoinfo rto = {
		.srto_assoc_id = SCTP_FUTURE_ASSOC,
		.srto_initial = (uint32_t)s->rto_initial,
		.srto_max = (uint32_t)s->rto_max,
		.srto_min = (uint32_t)s->rto_min,
	};
	struct sctp_paddrparams pp;
	struct sctp_paddrthlds th;
	struct sctp_sack_info si = {
		.sack_assoc_id = SCTP_FUTURE_ASSOC,
		.sack_delay = (uint32_t)s->sack_timeout,
		.sack_freq = (uint32_t)s->sack_freq,
	};

	if ((rto.srto_initial || rto.srto_max || rto.srto_min) &&
	    setsockopt(fd, IPPROTO_SCTP, SCTP_RTOINFO, &rto, sizeof(rto)))
		return -1;
	memset(&pp, 0, sizeof(pp));	/* the wildcard address: every path */
	pp.spp_assoc_id = SCTP_FUTURE_ASSOC;
	pp.spp_hbinterval = (uint32_t)s->hb_interval;
	pp.spp_pathmaxrxt = (uint16_t)s->path_max_retrans;
	if (s->hb_interval)
		pp.spp_flags |= SPP_HB_ENABLE;
	if (setsockopt(fd, IPPROTO_SCTP, SCTP_PEER_ADDR_PARAMS, &pp,
		       sizeof(pp)))
		return -1;
	if (s->pf_retrans >= 0) {
		memset(&th, 0, sizeof(th));
		th.spt_assoc_id = SCTP_FUTURE_ASSOC;
		th.spt_pathmaxrxt = (uint16_t)s->path_max_retrans;
		th.spt_pathpfthld = (uint16_t)s->pf_retrans;
		if (setsockopt(fd, IPPROTO_SCTP, SCTP_PEER_ADDR_THLDS, &th,
			       sizeof(th)))
			return -1;
	}
	if ((si.sack_delay || si.sack_freq) &&
	    setsockopt(fd, IPPROTO_SCTP, SCTP_DELAYED_SACK, &si, sizeof(si)))
		return -1;
	/* no Nagle: every message goes out when it is sent */
	return setsockopt(fd, IPPROTO_SCTP, SCTP_NODELAY, &one, sizeof(one));
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
		if (o->test == BTEST_FAILOVER)
			return sctp_failover_tune(o, fd);
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
		/* multi-homed: the second address too */
		if (!err && o->transport == BT_SCTP &&
		    o->test == BTEST_FAILOVER) {
			a.sin_addr = o->srv_ip2;
			err = setsockopt(fd, IPPROTO_SCTP,
					 SCTP_SOCKOPT_BINDX_ADD, &a, sizeof(a));
		}
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

/*
 * sctp, failover: bind both of the client's addresses (one port), connect
 * to both of the server's; the first is the primary path.
 */
static int sctp_connect_multi(const struct bench_opts *o, int fd)
{
	struct sockaddr_in a[2] = {
		{ .sin_family = AF_INET, .sin_addr = o->cli_ip[0] },
		{ .sin_family = AF_INET, .sin_addr = o->cli_ip[1] },
	};
	socklen_t len = sizeof(a[0]);

	if (bind(fd, (struct sockaddr *)&a[0], sizeof(a[0])) ||
	    getsockname(fd, (struct sockaddr *)&a[0], &len))
		return -1;
	a[1].sin_port = a[0].sin_port;
	if (setsockopt(fd, IPPROTO_SCTP, SCTP_SOCKOPT_BINDX_ADD, &a[1],
		       sizeof(a[1])))
		return -1;
	a[0] = inet_addr_of(o);
	a[1] = a[0];
	a[1].sin_addr = o->srv_ip2;
	/* blocks until the association is up; returns its id */
	return setsockopt(fd, IPPROTO_SCTP, SCTP_SOCKOPT_CONNECTX, a,
			  sizeof(a)) < 0 ? -1 : 0;
}

static int sctp_path_state(const struct bench_opts *o, int fd,
			   struct in_addr ip)
{
	struct sctp_paddrinfo pi;
	socklen_t len = sizeof(pi);
	struct sockaddr_in *a = (struct sockaddr_in *)&pi.spinfo_address;

	memset(&pi, 0, sizeof(pi));
	a->sin_family = AF_INET;
	a->sin_port = htons(o->port);
	a->sin_addr = ip;
	if (getsockopt(fd, IPPROTO_SCTP, SCTP_GET_PEER_ADDR_INFO, &pi, &len))
		return -1;
	return pi.spinfo_state;
}

int bench_paths_ready(const struct bench_opts *o, int fd, double secs)
{
	double end = bench_now() + secs;

	if (o->transport != BT_SCTP)
		return 0;	/* bench-vm waits for myc's paths, tipc's links */
	while (sctp_path_state(o, fd, o->srv_ip) != SCTP_ACTIVE ||
	       sctp_path_state(o, fd, o->srv_ip2) != SCTP_ACTIVE) {
		if (bench_now() > end) {
			errno = ETIMEDOUT;
			return -1;
		}
		usleep(10000);
	}
	return 0;
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
	case BT_SCTP:
		if (o->test == BTEST_FAILOVER) {
			err = sctp_connect_multi(o, fd);
			break;
		}
		/* fallthrough */
	case BT_TCP: {
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
