// SPDX-License-Identifier: GPL-2.0
/* Consensus votes between the daemons (consensus.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "consensus.h"
#include "libmyc.h"
#include "clock.h"
#include "log.h"

#define Q_HDR		10	/* magic 4, version, id length, question id 4 */
#define A_LEN		(10 + MYC_SPORE_DIGEST_LEN)
#define OPEN_MAX	CONS_OPEN_MAX

/* Where a question stands with one node asked. */
enum {
	Q_WAITING,
	Q_ANSWERED,
	Q_LOST,				/* the question came back */
};

struct question {
	uint32_t id;			/* 0: free */
	uint64_t deadline_ms;
	int asked;
	int open;			/* nodes still Q_WAITING */
	uint64_t nodes[CONS_MAX_ASKED];
	uint8_t state[CONS_MAX_ASKED];	/* Q_* */
	struct {
		uint8_t digest[MYC_SPORE_DIGEST_LEN];
		uint8_t flags;
	} votes[CONS_MAX_ASKED];
};

struct cons {
	int fd;
	uint64_t self;
	uint32_t next_id;
	cons_lookup_fn lookup;
	void *arg;
	struct question q[OPEN_MAX];
};

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

struct cons *cons_open(cons_lookup_fn lookup, void *arg, uint64_t self,
		       char *err, size_t len)
{
	struct sockaddr_myc a = {
		.smyc_kind = MYC_ADDR_SERVICE,
		.smyc_id = MYC_SERVICE_SPORED,
	};
	struct cons *c = calloc(1, sizeof(*c));
	int v = MYC_CLASS_CONSENSUS;

	if (!c) {
		snprintf(err, len, "no memory");
		return NULL;
	}
	a.smyc_family = (unsigned short)myc_family();
	c->fd = socket(myc_family(), SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (c->fd < 0 ||
	    setsockopt(c->fd, SOL_MYCELIUM, MYC_SO_CLASS, &v, sizeof(v)) ||
	    (v = MYC_GUARANTEE_HIGH,
	     setsockopt(c->fd, SOL_MYCELIUM, MYC_SO_GUARANTEE, &v, sizeof(v))) ||
	    bind(c->fd, (struct sockaddr *)&a, sizeof(a))) {
		snprintf(err, len, "consensus socket (service %#x): %s",
			 MYC_SERVICE_SPORED, strerror(errno));
		if (c->fd >= 0)
			close(c->fd);
		free(c);
		return NULL;
	}
	c->lookup = lookup;
	c->arg = arg;
	c->self = self;
	c->next_id = (uint32_t)mono_ms() | 1;
	return c;
}

void cons_close(struct cons *c)
{
	if (!c)
		return;
	close(c->fd);
	free(c);
}

int cons_fd(struct cons *c)
{
	return c->fd;
}

static int send_to(struct cons *c, uint64_t node, const uint8_t *buf,
		   size_t len)
{
	struct sockaddr_myc to = {
		.smyc_family = (unsigned short)myc_family(),
		.smyc_kind = MYC_ADDR_SERVICE,
		.smyc_id = MYC_SERVICE_SPORED,
		.smyc_node = node,
	};

	return sendto(c->fd, buf, len, MSG_DONTWAIT, (struct sockaddr *)&to,
		      sizeof(to)) == (ssize_t)len ? 0 : -errno;
}

uint32_t cons_ask(struct cons *c, const char *id, const uint64_t *nodes,
		  int n)
{
	uint8_t msg[Q_HDR + MYC_SPORE_ID_MAX];
	size_t idlen = strlen(id);
	struct question *q = NULL;

	for (int i = 0; i < OPEN_MAX && !q; i++)
		if (!c->q[i].id)
			q = &c->q[i];
	if (!q || !n || idlen > MYC_SPORE_ID_MAX)
		return 0;
	memset(q, 0, sizeof(*q));
	q->id = c->next_id++ ?: c->next_id++;
	q->deadline_ms = mono_ms() + CONS_WAIT_MS;
	memcpy(msg, "MYCQ", 4);
	msg[4] = 1;
	msg[5] = (uint8_t)idlen;
	put32(msg + 6, q->id);
	memcpy(msg + Q_HDR, id, idlen);
	for (int i = 0; i < n && q->asked < CONS_MAX_ASKED; i++) {
		if (send_to(c, nodes[i], msg, Q_HDR + idlen))
			continue;	/* not reachable: no vote */
		q->nodes[q->asked++] = nodes[i];
	}
	q->open = q->asked;
	if (!q->asked) {
		q->id = 0;
		return 0;
	}
	return q->id;
}

static void answer(struct cons *c, uint64_t node, const uint8_t *buf,
		   size_t len)
{
	uint8_t out[A_LEN] = "MYCA";
	char id[MYC_SPORE_ID_MAX + 1];
	size_t idlen = buf[5];

	/* a longer id would overrun id[]: such a question has no answer */
	if (len != Q_HDR + idlen || !idlen || idlen > MYC_SPORE_ID_MAX)
		return;
	memcpy(id, buf + Q_HDR, idlen);
	id[idlen] = '\0';
	out[4] = 1;
	out[5] = c->lookup(c->arg, id, out + 10);
	memcpy(out + 6, buf + 6, 4);
	send_to(c, node, out, sizeof(out));
}

/* The open question qid, when it still waits for node (its slot: *j). */
static struct question *waiting(struct cons *c, uint32_t qid, uint64_t node,
				int *j)
{
	for (int i = 0; qid && i < OPEN_MAX; i++) {
		struct question *q = &c->q[i];

		if (q->id != qid)
			continue;
		for (*j = 0; *j < q->asked; (*j)++)
			if (q->nodes[*j] == node &&
			    q->state[*j] == Q_WAITING)
				return q;
	}
	return NULL;
}

static void count(struct cons *c, uint64_t node, const uint8_t *buf,
		  size_t len)
{
	struct question *q;
	int j;

	if (len != A_LEN)
		return;
	q = waiting(c, get32(buf + 6), node, &j);
	if (!q)
		return;
	q->state[j] = Q_ANSWERED;
	q->open--;
	q->votes[j].flags = buf[5];
	memcpy(q->votes[j].digest, buf + 10, MYC_SPORE_DIGEST_LEN);
}

/*
 * A question came back on the error queue: the node's kernel has no daemon
 * bound to the service, or the node could not be reached.  It has no vote,
 * and the question need not wait for it (nor poll() keep reporting the
 * error: an unread error queue makes the socket readable forever).
 */
static void lost(struct cons *c, uint64_t node, const uint8_t *buf,
		 size_t len)
{
	struct question *q;
	int j;

	if (len < Q_HDR || memcmp(buf, "MYCQ", 4))
		return;		/* an answer that did not arrive: no matter */
	q = waiting(c, get32(buf + 6), node, &j);
	if (!q)
		return;
	q->state[j] = Q_LOST;
	q->open--;
}

static void receive_errors(struct cons *c)
{
	uint8_t buf[256];
	struct sockaddr_myc to;
	struct iovec iov = { .iov_base = buf, .iov_len = sizeof(buf) };
	struct msghdr msg;
	ssize_t n;

	for (;;) {
		msg = (struct msghdr){
			.msg_name = &to, .msg_namelen = sizeof(to),
			.msg_iov = &iov, .msg_iovlen = 1,
		};
		n = recvmsg(c->fd, &msg, MSG_ERRQUEUE | MSG_DONTWAIT);
		if (n < 0)
			return;
		lost(c, to.smyc_node, buf, (size_t)n);
	}
}

void cons_receive(struct cons *c)
{
	uint8_t buf[256];
	struct sockaddr_myc from;
	socklen_t alen;
	ssize_t n;

	for (;;) {
		alen = sizeof(from);
		n = recvfrom(c->fd, buf, sizeof(buf), MSG_DONTWAIT,
			     (struct sockaddr *)&from, &alen);
		if (n < 0)
			break;
		if (n < Q_HDR || buf[4] != 1)
			continue;
		if (!memcmp(buf, "MYCQ", 4))
			answer(c, from.smyc_node, buf, (size_t)n);
		else if (!memcmp(buf, "MYCA", 4))
			count(c, from.smyc_node, buf, (size_t)n);
	}
	receive_errors(c);
}

int cons_votes(struct cons *c, uint32_t qid,
	       const uint8_t a[MYC_SPORE_DIGEST_LEN],
	       const uint8_t b[MYC_SPORE_DIGEST_LEN], struct cons_tally *t)
{
	for (int i = 0; i < OPEN_MAX; i++) {
		struct question *q = &c->q[i];

		if (!qid || q->id != qid)
			continue;
		if (q->open && mono_ms() < q->deadline_ms)
			return -1;
		*t = (struct cons_tally){};
		for (int j = 0; j < q->asked; j++) {
			if (q->state[j] != Q_ANSWERED)
				continue;	/* no answer: no vote */
			t->answered++;
			if (q->nodes[j] != c->self) {
				t->others++;
				if (q->votes[j].flags & CONS_DECIDING)
					t->deciding++;
			}
			if (!(q->votes[j].flags & CONS_HELD))
				continue;
			if (!memcmp(q->votes[j].digest, a, MYC_SPORE_DIGEST_LEN))
				t->a++;
			else if (!memcmp(q->votes[j].digest, b,
					 MYC_SPORE_DIGEST_LEN))
				t->b++;
		}
		q->id = 0;
		return 0;
	}
	return -1;
}

void cons_forget(struct cons *c, uint32_t qid)
{
	for (int i = 0; qid && i < OPEN_MAX; i++)
		if (c->q[i].id == qid)
			c->q[i].id = 0;
}
