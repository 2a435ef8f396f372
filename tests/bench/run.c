// SPDX-License-Identifier: GPL-2.0
/*
 * The tests: a receiver that counts what arrives over a window, a sender
 * that sends as fast as the transport takes it, and a ping-pong pair.
 *
 * The window opens `warmup` seconds after the first message arrived and
 * lasts `duration` seconds; the clock is read after every receive, so the
 * window's length is exact to one receive.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/socket.h>

#include "mycbench.h"

/* Largest receive: any message of a run fits. */
#define RX_BUF		(256 * 1024)
/* Nothing at all arrives for this long: the transport does not work. */
#define FIRST_TIMEOUT	15.0
/* rr: a request or reply not back after this long counts as lost. */
#define RR_LOST_AFTER	1.0
/* rr: round trips kept for the percentiles (more are counted, not kept). */
#define RR_MAX_SAMPLES	1048576

double bench_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static bool transient(int err)
{
	return err == EAGAIN || err == EWOULDBLOCK || err == EINTR ||
	       err == ENOBUFS;
}

/* recv() result n means the peer closed (TIPC says so with ECONNRESET). */
static bool peer_closed(const struct bench_opts *o, ssize_t n)
{
	if (!bench_connected(o->transport))
		return false;
	return n == 0 || (n < 0 && (errno == ECONNRESET || errno == EPIPE));
}

int bench_receiver(const struct bench_opts *o, int fd, struct bench_result *r)
{
	enum { WAITING, WARMUP, WINDOW, DRAINING } phase = WAITING;
	double start = bench_now(), t_first = 0, t0 = 0, now;
	uint64_t b0 = 0;
	char *buf = malloc(RX_BUF);

	if (!buf)
		return bench_fail(r, ENOMEM, "receive buffer");
	while (!bench_flag(&bench_shm->stop_server)) {
		ssize_t n = recv(fd, buf, RX_BUF, 0);

		now = bench_now();
		if (n > 0) {
			r->total_bytes += (uint64_t)n;
			r->total_msgs++;
		} else if (peer_closed(o, n)) {
			break;		/* the sender closed */
		} else if (n < 0 && !transient(errno)) {
			free(buf);
			return bench_fail(r, 0, "recv");
		}

		if (phase == WAITING && n > 0) {
			t_first = now;
			phase = WARMUP;
		} else if (phase == WAITING && now - start > FIRST_TIMEOUT) {
			free(buf);
			return bench_fail(r, ETIMEDOUT, "nothing arrived");
		}
		if (phase == WARMUP && now - t_first >= o->warmup) {
			t0 = now;
			b0 = r->total_bytes;
			phase = WINDOW;
		} else if (phase == WINDOW && now - t0 >= o->duration) {
			r->secs = now - t0;
			r->bytes = r->total_bytes - b0;
			phase = DRAINING;
			bench_set(&bench_shm->window_done);
		}
	}
	free(buf);
	if (phase != DRAINING)
		return bench_fail(r, EPIPE, "the sender stopped early");
	/* a stream's "messages" are its bytes in message-size units */
	if (bench_stream(o->transport))
		r->total_msgs = r->total_bytes / o->size;
	return 0;
}

int bench_sender(const struct bench_opts *o, int fd, struct bench_result *r)
{
	char *buf = calloc(1, o->size);

	if (!buf)
		return bench_fail(r, ENOMEM, "send buffer");
	while (!bench_flag(&bench_shm->stop_sender)) {
		ssize_t n = bench_send(o, fd, buf, o->size);

		if (n >= 0) {
			r->total_bytes += (uint64_t)n;
			r->total_msgs++;
			continue;
		}
		if (transient(errno))
			continue;
		if (errno == EPIPE || errno == ECONNRESET)
			break;		/* the receiver went away */
		free(buf);
		return bench_fail(r, 0, "send");
	}
	free(buf);
	if (bench_stream(o->transport))
		r->total_msgs = r->total_bytes / o->size;
	return 0;
}

/*
 * One reply of o->size bytes carrying seq.  1: got it; 0: lost (datagram
 * transports only); -1: error.
 */
static int rr_wait_reply(const struct bench_opts *o, int fd, char *buf,
			 uint64_t seq, double sent, struct bench_result *r)
{
	size_t got = 0;

	for (;;) {
		ssize_t n = recv(fd, buf + got, RX_BUF - got, 0);
		uint64_t s;

		if (n < 0) {
			if (!transient(errno))
				return bench_fail(r, 0, "recv");
			if (bench_now() - sent < RR_LOST_AFTER)
				continue;
			if (bench_connected(o->transport))
				return bench_fail(r, ETIMEDOUT, "no reply");
			return 0;
		}
		if (n == 0)
			return bench_fail(r, EPIPE, "the server closed");
		if (bench_stream(o->transport)) {
			got += (size_t)n;
			if (got < o->size)
				continue;
		}
		memcpy(&s, buf, sizeof(s));
		if (s == seq)
			return 1;
		/* a late reply to a request counted as lost: skip it */
		got = 0;
	}
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

static void rr_stats(struct bench_result *r, uint32_t *ns, size_t n, double sum)
{
	size_t i99;

	if (!n)
		return;
	qsort(ns, n, sizeof(*ns), cmp_u32);
	i99 = (n * 99 + 99) / 100;	/* ceil(0.99 n), nearest rank */
	r->mean_us = sum / (double)r->rtts * 1e6;
	r->p50_us = ns[(n - 1) / 2] / 1e3;
	r->p99_us = ns[i99 - 1] / 1e3;
	r->min_us = ns[0] / 1e3;
	r->max_us = ns[n - 1] / 1e3;
}

int bench_rr_client(const struct bench_opts *o, int fd, struct bench_result *r)
{
	char *req = calloc(1, o->size), *buf = malloc(RX_BUF);
	uint32_t *ns = malloc(RR_MAX_SAMPLES * sizeof(*ns));
	double start = bench_now(), t0 = start + o->warmup;
	double end = t0 + o->duration, sum = 0, now = start;
	uint64_t seq = 0;
	size_t kept = 0;
	int ret = -1;

	if (!req || !buf || !ns) {
		bench_fail(r, ENOMEM, "buffers");
		goto out;
	}
	while (now < end) {
		double sent;
		ssize_t n;
		int got;

		seq++;
		memcpy(req, &seq, sizeof(seq));
		sent = bench_now();
		do {
			n = bench_send(o, fd, req, o->size);
		} while (n < 0 && transient(errno));
		if (n != (ssize_t)o->size) {
			bench_fail(r, n < 0 ? 0 : EMSGSIZE, "send");
			goto out;
		}
		got = rr_wait_reply(o, fd, buf, seq, sent, r);
		now = bench_now();
		if (got < 0)
			goto out;
		if (sent < t0)
			continue;	/* warm-up */
		if (!got) {
			r->lost++;
			continue;
		}
		r->rtts++;
		sum += now - sent;
		if (kept < RR_MAX_SAMPLES)
			ns[kept++] = (uint32_t)((now - sent) * 1e9);
	}
	r->secs = now - t0;
	r->total_msgs = seq;
	rr_stats(r, ns, kept, sum);
	bench_set(&bench_shm->window_done);
	ret = 0;
out:
	free(req);
	free(buf);
	free(ns);
	return ret;
}

int bench_rr_server(const struct bench_opts *o, int fd, struct bench_result *r)
{
	char *buf = malloc(RX_BUF);

	if (!buf)
		return bench_fail(r, ENOMEM, "buffer");
	while (!bench_flag(&bench_shm->stop_server)) {
		struct sockaddr_storage from;
		socklen_t flen = sizeof(from);
		ssize_t n, m;

		n = recvfrom(fd, buf, RX_BUF, 0, (struct sockaddr *)&from,
			     &flen);
		if (peer_closed(o, n))
			break;		/* the client is done */
		if (n < 0) {
			if (transient(errno))
				continue;
			free(buf);
			return bench_fail(r, 0, "recv");
		}
		r->total_msgs++;
		do {
			if (bench_connected(o->transport))
				m = send(fd, buf, (size_t)n, MSG_NOSIGNAL);
			else
				m = sendto(fd, buf, (size_t)n, 0,
					   (struct sockaddr *)&from, flen);
		} while (m < 0 && transient(errno) &&
			 !bench_flag(&bench_shm->stop_server));
		if (m < 0 && (errno == EPIPE || errno == ECONNRESET))
			break;
	}
	free(buf);
	return 0;
}
