// SPDX-License-Identifier: GPL-2.0
/*
 * The tests: a receiver that counts what arrives over a window, a sender
 * that sends as fast as the transport takes it, a ping-pong pair, and the
 * failover stream with the process that cuts its link.
 *
 * The window opens `warmup` seconds after the first message arrived and
 * lasts `duration` seconds; the clock is read after every receive, so the
 * window's length is exact to one receive.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <net/if.h>
#include <sys/ioctl.h>
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

/* What -z sends: words, as compressible as ordinary text. */
static void bench_text(char *buf, size_t len)
{
	static const char words[] =
		"the mycelium spreads through the soil and carries water, "
		"sugars and signals between the roots of many plants; ";

	for (size_t i = 0; i < len; i++)
		buf[i] = words[(i * 7 + i / sizeof(words)) % (sizeof(words) - 1)];
}

int bench_sender(const struct bench_opts *o, int fd, struct bench_result *r)
{
	char *buf = calloc(1, o->size);

	if (!buf)
		return bench_fail(r, ENOMEM, "send buffer");
	if (o->text)
		bench_text(buf, o->size);
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

/*
 * failover
 *
 * The sender numbers its messages and stamps them with the time it sends
 * them (8 + 8 bytes at the start), one every o->interval on the clock
 * (after a stall it does not catch up with a burst); a send the transport
 * refuses is retried with the same number at the next tick.  The receiver
 * keeps the time of every first arrival.  The blackout is the longest
 * silence between two consecutive arrivals that ends after the cut began
 * and starts before traffic sent after it arrived (see fo_figures()).
 * Duplicates are counted and not timed; a number lower than one already
 * seen is out of order.
 */
#define FO_MAX_MSGS	(1 << 18)
/* The cutter compares the bytes the links sent over this window. */
#define FO_SAMPLE	0.25

static void sleep_until(double t)
{
	struct timespec ts = {
		.tv_sec = (time_t)t,
		.tv_nsec = (long)((t - (double)(time_t)t) * 1e9),
	};

	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) ==
	       EINTR)
		;
}

int bench_fo_sender(const struct bench_opts *o, int fd, struct bench_result *r)
{
	struct bench_cut *c = &bench_shm->cut;
	char *buf = calloc(1, o->size);
	uint64_t seq = 0;
	double next, now;

	if (!buf)
		return bench_fail(r, ENOMEM, "send buffer");
	if (bench_paths_ready(o, fd, 10)) {
		free(buf);
		return bench_fail(r, 0, "waiting for both paths");
	}
	next = bench_now();
	while (!bench_flag(&bench_shm->stop_sender)) {
		ssize_t n;

		now = bench_now();
		memcpy(buf, &seq, sizeof(seq));
		memcpy(buf + sizeof(seq), &now, sizeof(now));
		n = bench_send(o, fd, buf, o->size);
		if (n == (ssize_t)o->size) {
			seq++;
			__atomic_store_n(&c->sent, seq, __ATOMIC_RELEASE);
		} else if (n < 0 && (errno == EPIPE || errno == ECONNRESET)) {
			free(buf);
			return bench_fail(r, 0, "send: the connection broke");
		} else if (n >= 0 || !transient(errno)) {
			r->send_errors++;
		}
		next += o->interval;
		if (bench_now() - next > 0.02)
			next = bench_now();
		sleep_until(next);
	}
	free(buf);
	r->total_msgs = seq;
	bench_set(&c->sender_done);
	/* closing now could drop what the transport still holds */
	while (!bench_flag(&bench_shm->stop_server))
		usleep(10000);
	return 0;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/*
 * The figures of a failover run, from the arrival and send times of every
 * message (by number) and the order they arrived in; the link was being
 * taken down from t0 and was down at t1.  The failover is over when the
 * first message sent after t1 arrives: the blackout is the longest
 * silence between two arrivals from t0 to then (silences after that are
 * the host's, not the failover's).
 */
static void fo_figures(struct bench_result *r, const double *arrived,
		       const double *sent, const uint32_t *order, size_t n,
		       double t0, double t1)
{
	double resumed = 0, prev = 0, gap, *delays;
	size_t i, nd = 0;

	for (i = 0; i < n; i++)
		if (sent[order[i]] > t1 &&
		    (!resumed || arrived[order[i]] < resumed))
			resumed = arrived[order[i]];
	delays = malloc(n * sizeof(*delays) + 1);
	for (i = 0; i < n; i++) {
		uint32_t seq = order[i];
		double t = arrived[seq], d = (t - sent[seq]) * 1e3;

		gap = i ? (t - prev) * 1e3 : 0;
		if (t <= t0) {
			if (gap > r->gap_before_ms)
				r->gap_before_ms = gap;
		} else {
			r->after_cut++;
			if (gap > r->blackout_ms && resumed && prev < resumed) {
				r->blackout_ms = gap;
				r->gap_from_ms = (prev - t0) * 1e3;
				r->gap_to_ms = (t - t0) * 1e3;
			}
		}
		if (sent[seq] <= t0 && delays)
			delays[nd++] = d;
		if (d > r->delay_max_ms)
			r->delay_max_ms = d;
		prev = t;
	}
	if (resumed)
		r->resume_ms = (resumed - t0) * 1e3;
	if (nd) {
		qsort(delays, nd, sizeof(*delays), cmp_double);
		r->delay_p50_ms = delays[(nd - 1) / 2];
	}
	free(delays);
}

int bench_fo_receiver(const struct bench_opts *o, int fd,
		      struct bench_result *r)
{
	struct bench_cut *c = &bench_shm->cut;
	double *arrived = calloc(FO_MAX_MSGS, sizeof(double));
	double *sent = calloc(FO_MAX_MSGS, sizeof(double));
	uint32_t *order = calloc(FO_MAX_MSGS, sizeof(uint32_t));
	char *buf = malloc(RX_BUF);
	double start = bench_now(), now;
	uint64_t seq, next = 0;
	int ret = -1;

	if (!arrived || !sent || !order || !buf) {
		bench_fail(r, ENOMEM, "receive buffers");
		goto out;
	}
	while (!bench_flag(&bench_shm->stop_server)) {
		ssize_t n = recv(fd, buf, RX_BUF, 0);

		if (n <= 0) {
			if (peer_closed(o, n))
				break;
			if (n < 0 && !transient(errno)) {
				bench_fail(r, 0, "recv");
				goto out;
			}
			if (!r->total_msgs &&
			    bench_now() - start > FIRST_TIMEOUT) {
				bench_fail(r, ETIMEDOUT, "nothing arrived");
				goto out;
			}
			continue;
		}
		now = bench_now();
		if ((size_t)n != o->size) {
			bench_fail(r, EBADMSG, "a message of the wrong size");
			goto out;
		}
		memcpy(&seq, buf, sizeof(seq));
		if (seq >= FO_MAX_MSGS) {
			bench_fail(r, ERANGE, "a message numbered out of range");
			goto out;
		}
		if (!r->total_msgs && !r->dup) {
			c->t_first = now;
			bench_set(&c->first_seen);
		}
		if (arrived[seq]) {
			r->dup++;
			continue;
		}
		arrived[seq] = now;
		memcpy(&sent[seq], buf + sizeof(seq), sizeof(double));
		if (seq < next)
			r->reordered++;
		else
			next = seq + 1;
		order[r->total_msgs++] = (uint32_t)seq;
		__atomic_store_n(&c->got, r->total_msgs, __ATOMIC_RELEASE);
	}
	if (bench_flag(&c->cut_done))
		fo_figures(r, arrived, sent, order, r->total_msgs,
			   c->t_cut_start, c->t_cut);
	ret = 0;
out:
	free(arrived);
	free(sent);
	free(order);
	free(buf);
	return ret;
}

/* Bytes dev sent, from /proc/net/dev of this netns. */
static int tx_bytes(const char *dev, uint64_t *v)
{
	char line[512], name[64];
	unsigned long long f[10];
	FILE *fp = fopen("/proc/net/dev", "r");
	int ret = -1;

	if (!fp)
		return -1;
	while (fgets(line, sizeof(line), fp)) {
		char *colon = strchr(line, ':');

		if (!colon || sscanf(line, " %63[^:]", name) != 1 ||
		    strcmp(name, dev))
			continue;
		/* rx: bytes packets errs drop fifo frame compr. mcast */
		/* tx: bytes packets ... */
		if (sscanf(colon + 1, "%llu %llu %llu %llu %llu %llu %llu %llu %llu %llu",
			   &f[0], &f[1], &f[2], &f[3], &f[4], &f[5], &f[6],
			   &f[7], &f[8], &f[9]) == 10) {
			*v = f[8];
			ret = 0;
		}
		break;
	}
	fclose(fp);
	return ret;
}

static int link_set_up(const char *dev, bool up)
{
	struct ifreq ifr;
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), ret = -1;

	if (fd < 0)
		return -1;
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", dev);
	if (!ioctl(fd, SIOCGIFFLAGS, &ifr)) {
		if (up)
			ifr.ifr_flags |= IFF_UP;
		else
			ifr.ifr_flags &= ~IFF_UP;
		ret = ioctl(fd, SIOCSIFFLAGS, &ifr);
	}
	close(fd);
	return ret;
}

/*
 * In the client's netns: o->cut_at after the first arrival, take down the
 * candidate link that sent the most bytes over the last FO_SAMPLE seconds
 * (the one carrying the stream: bytes, not packets, as a transport may
 * bundle the messages while the other link carries probes); bring it back
 * up at the end.
 */
int bench_fo_cut(const struct bench_opts *o, struct bench_cut *c)
{
	double end = bench_now() + FIRST_TIMEOUT + 5, t;
	uint64_t a[2] = { 0, 0 }, b[2] = { 0, 0 }, d[2];
	int i, pick = 0, ndev = o->cut_devs[1] ? 2 : 1;

	while (!bench_flag(&c->first_seen)) {
		if (bench_now() > end || bench_flag(&bench_shm->stop_server)) {
			c->err = ETIMEDOUT;
			return -1;
		}
		usleep(2000);
	}
	t = c->t_first + o->cut_at;
	sleep_until(t - FO_SAMPLE);
	for (i = 0; i < ndev; i++)
		if (tx_bytes(o->cut_devs[i], &a[i]))
			goto fail;
	sleep_until(t);
	for (i = 0; i < ndev; i++)
		if (tx_bytes(o->cut_devs[i], &b[i]))
			goto fail;
	d[0] = b[0] - a[0];
	d[1] = b[1] - a[1];
	if (ndev == 2 && d[1] > d[0])
		pick = 1;
	c->share = d[0] + d[1] ? (double)d[pick] / (double)(d[0] + d[1]) : 0;
	snprintf(c->dev, sizeof(c->dev), "%s", o->cut_devs[pick]);
	c->t_cut_start = bench_now();
	if (link_set_up(c->dev, false))
		goto fail;
	/* down for every message sent from now on */
	c->t_cut = bench_now();
	bench_set(&c->cut_done);
	while (!bench_flag(&bench_shm->stop_server))
		usleep(10000);
	if (link_set_up(c->dev, true))
		goto fail;
	return 0;
fail:
	c->err = errno ? errno : EIO;
	return -1;
}
