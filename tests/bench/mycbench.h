/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mycbench: AF_MYCELIUM against TCP, UDP, TIPC and SCTP over the same link.
 *
 * One run measures one transport on one test between two network
 * namespaces: a server process in one, a client process in the other.
 *   bulk  the client sends messages of 64 KiB; the server counts the bytes
 *         that arrive (MB/s)
 *   rate  the client sends 64-byte messages; the server counts them (msgs/s)
 *   rr    the client sends 64 bytes and waits for the server's echo
 *         (round-trip time: mean, median, 99th percentile)
 *   failover
 *         over two links: the client sends numbered, time-stamped 64-byte
 *         messages, reliably, one every millisecond; a third process
 *         takes the link that carries them down; the server times every
 *         arrival (the blackout: the longest silence between two arrivals
 *         from the cut until traffic sent after it arrives, ms) and counts
 *         the messages lost, duplicated or out of order
 * Figures are taken where the data arrives, over a fixed window that starts
 * after a warm-up.
 */
#ifndef MYCBENCH_H
#define MYCBENCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>

enum bench_transport {
	BT_MYC,
	BT_TCP,
	BT_UDP,
	BT_TIPC,
	BT_SCTP,
	BT_CNT
};

enum bench_test {
	BTEST_BULK,
	BTEST_RATE,
	BTEST_RR,
	BTEST_FAILOVER,
	BTEST_CNT
};

struct bench_opts {
	enum bench_transport transport;
	enum bench_test test;
	size_t size;		/* message size, bytes */
	double duration;	/* measured window, seconds */
	double warmup;		/* seconds before the window opens */
	const char *srv_ns;	/* network namespace of the server */
	const char *cli_ns;	/* ... of the client */
	struct in_addr srv_ip;	/* tcp, udp, sctp */
	uint64_t srv_node;	/* myc: the server's node id */
	int guarantee;		/* myc: enum myc_guarantee */
	int bufsize;		/* SO_SNDBUF/SO_RCVBUF (forced); 0: defaults */
	int batch;		/* myc: MSG_MORE on all but every batch-th */
	bool text;		/* bulk: a compressible text payload, not zeros */
	uint16_t port;		/* port (myc, tcp, udp, sctp), tipc instance */
	int client_cpu;		/* CPU each side is pinned to, -1: none */
	int server_cpu;
	/* failover */
	struct in_addr srv_ip2;	/* sctp: the server's second address */
	struct in_addr cli_ip[2]; /* sctp: the client's two addresses */
	const char *cut_devs[2]; /* links of the client that may be cut */
	double cut_at;		/* seconds after the first arrival */
	double interval;	/* seconds between two messages */
	/* (duration: seconds of stream after the cut) */
	struct bench_sctp {	/* sctp: settings, named as net.sctp.* */
		int rto_min;	/* ms; 0 leaves one at its default */
		int rto_initial;
		int rto_max;
		int hb_interval;
		int path_max_retrans;
		int pf_retrans;	/* -1: default */
		int sack_timeout;
		int sack_freq;	/* 1: a SACK for every packet */
	} sctp;
};

/* What a measuring side reports to the parent (over a pipe). */
struct bench_result {
	int err;		/* 0, or a positive errno */
	char what[96];		/* where err happened */
	double secs;		/* length of the measured window */
	uint64_t bytes;		/* bulk, rate: bytes received in the window */
	uint64_t total_msgs;	/* messages sent / received over the run */
	uint64_t total_bytes;
	/* rr */
	uint64_t rtts;		/* round trips measured */
	uint64_t lost;		/* requests or replies that never came */
	double mean_us, p50_us, p99_us, min_us, max_us;
	/* failover (server): distinct messages, in total_msgs */
	uint64_t dup;		/* arrived again */
	uint64_t reordered;	/* arrived after a later one */
	uint64_t send_errors;	/* client: sends refused (retried) */
	/*
	 * the longest silence from the cut until what was sent once the
	 * link was down arrived; its start and end, from the cut
	 */
	double blackout_ms, gap_from_ms, gap_to_ms;
	/* the first message sent once the link was down arrived */
	double resume_ms;
	double gap_before_ms;	/* longest silence before the cut */
	double delay_p50_ms;	/* send to arrival, messages sent before it */
	double delay_max_ms;	/* ... the longest of all */
	uint64_t after_cut;	/* distinct messages that arrived after it */
};

/* failover: what the cutter did and when. */
struct bench_cut {
	double t_first;		/* the first arrival (server) */
	double t_cut_start;	/* the link is being taken down (the cut) */
	double t_cut;		/* ... and is down */
	int first_seen;		/* t_first is set */
	int cut_done;		/* the link is down, t_cut, dev, share set */
	int err;		/* the cut failed: errno */
	char dev[16];		/* the link taken down */
	/*
	 * its share of the bytes the client sent over the candidate links
	 * just before the cut
	 */
	double share;
	uint64_t sent;		/* client: messages sent so far */
	int sender_done;	/* client: sent is final */
	uint64_t got;		/* server: distinct messages so far */
};

/*
 * Shared between the parent and its two children (MAP_SHARED): flags the
 * children poll between system calls, and their results.
 */
struct bench_shared {
	int server_ready;	/* bound (and listening) */
	int window_done;	/* the measuring side has its figures */
	int stop_sender;	/* bulk, rate: the client stops sending */
	int stop_server;	/* the server stops reading, exits */
	struct bench_result server, client;
	struct bench_cut cut;
};

extern struct bench_shared *bench_shm;

/* The flags, read and set with acquire/release: results come before. */
static inline bool bench_flag(const int *flag)
{
	return __atomic_load_n(flag, __ATOMIC_ACQUIRE);
}

static inline void bench_set(int *flag)
{
	__atomic_store_n(flag, 1, __ATOMIC_RELEASE);
}

/* transport.c: sockets of each transport. */
const char *bench_transport_name(enum bench_transport t);
int bench_transport_parse(const char *s);
/* Connection-oriented: accept() and connect(); else bound/unbound DGRAM. */
bool bench_connected(enum bench_transport t);
/* Byte stream (message boundaries are not kept): TCP. */
bool bench_stream(enum bench_transport t);
/* Server socket in the current netns: bound, listening if connected. */
int bench_server_socket(const struct bench_opts *o, struct bench_result *r);
/* The data socket of the server: accept()ed, or the bound socket itself. */
int bench_server_accept(const struct bench_opts *o, int lfd,
			struct bench_result *r);
/* Client socket in the current netns, connected when the transport is. */
int bench_client_socket(const struct bench_opts *o, struct bench_result *r);
/* Send one message to the server (connected or by address). */
ssize_t bench_send(const struct bench_opts *o, int fd, const void *buf,
		   size_t len);
/* Per-test options: TCP_NODELAY/SCTP_NODELAY for rr, the guarantee, ... */
int bench_tune(const struct bench_opts *o, int fd);
/* failover: wait until every path of the client socket can carry data. */
int bench_paths_ready(const struct bench_opts *o, int fd, double secs);
/*
 * SO_RCVTIMEO, so that readers see the stop flags.  Senders get no
 * SO_SNDTIMEO: a send cut short would leave part of a message behind.
 */
int bench_rcvtimeo(int fd, int ms);

/* run.c: the tests. */
int bench_receiver(const struct bench_opts *o, int fd, struct bench_result *r);
int bench_sender(const struct bench_opts *o, int fd, struct bench_result *r);
int bench_rr_client(const struct bench_opts *o, int fd,
		    struct bench_result *r);
int bench_rr_server(const struct bench_opts *o, int fd,
		    struct bench_result *r);
int bench_fo_sender(const struct bench_opts *o, int fd,
		    struct bench_result *r);
int bench_fo_receiver(const struct bench_opts *o, int fd,
		      struct bench_result *r);
/* failover: the cutter, in the client's netns. */
int bench_fo_cut(const struct bench_opts *o, struct bench_cut *c);
double bench_now(void);

/* Records err (from errno when 0) and what; returns -1. */
int bench_fail(struct bench_result *r, int err, const char *what);

#endif /* MYCBENCH_H */
