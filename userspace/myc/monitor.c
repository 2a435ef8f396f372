// SPDX-License-Identifier: GPL-2.0
/*
 * myc monitor: the node's events as they happen, from the "events"
 * multicast group of the family (MYC_CMD_EVENT_NTF and MYC_CMD_NODE_NTF):
 * one line each, or with -j one JSON object a line.  Output is flushed
 * after every event; SIGINT and SIGTERM end it with status 0.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <linux/genetlink.h>

#include "myc.h"

static void monitor_usage(FILE *f)
{
	fprintf(f,
		"Usage: myc monitor [ all | OBJECT... ] [ count N ]\n"
		"       myc monitor help\n"
		"where  OBJECT := { node | peer | path | endpoint | spore }\n"
		"       N := stop after N events, 1..4294967295\n"
		"Prints the node's events as they happen, with -j one JSON object a line.\n");
}

/* The objects an event is about, for the filter: bit i is objects[i]. */
static const char *const objects[] = {
	"node", "peer", "path", "endpoint", "spore",
};
enum {
	MON_NODE = 1,
	MON_PEER = 2,
	MON_PATH = 4,
	MON_ENDPOINT = 8,
	MON_SPORE = 16,
	MON_OTHER = 32,		/* events newer than this tool */
};

static unsigned int event_object(unsigned int type)
{
	switch (type) {
	case MYC_EV_PEER_STATE:
	case MYC_EV_PEER_ADD:
	case MYC_EV_PEER_DEL:
	case MYC_EV_PEER_RESTART:
		return MON_PEER;
	case MYC_EV_PATH_STATE:
	case MYC_EV_PATH_ADD:
	case MYC_EV_PATH_DEL:
	case MYC_EV_FAILOVER:
		return MON_PATH;
	case MYC_EV_BACKEND_STATE:
		return MON_ENDPOINT;
	case MYC_EV_SPORE:
		return MON_SPORE;
	default:
		return MON_OTHER;
	}
}

struct monitor {
	unsigned int mask;	/* MON_*; ~0: all */
	uint32_t count;		/* 0: no limit */
	uint32_t seen;
};

/* The attributes of an event, all as numbers; has: bit per attribute. */
struct event {
	uint64_t v[MYC_A_EVENT_MAX + 1];
	uint32_t has;
	char spore_id[MYC_SPORE_ID_MAX + 1];	/* MYC_A_EVENT_SPORE_ID */
};

_Static_assert(MYC_A_EVENT_MAX < 32, "struct event: has is too small");

static const enum mnl_attr_data_type event_types[MYC_A_EVENT_MAX + 1] = {
	[MYC_A_EVENT_TYPE] = MNL_TYPE_U8,
	[MYC_A_EVENT_SEQ] = MNL_TYPE_U64,
	[MYC_A_EVENT_TIME] = MNL_TYPE_U64,
	[MYC_A_EVENT_REASON] = MNL_TYPE_U8,
	[MYC_A_EVENT_PEER] = MNL_TYPE_U64,
	[MYC_A_EVENT_PATH] = MNL_TYPE_U32,
	[MYC_A_EVENT_TO_PATH] = MNL_TYPE_U32,
	[MYC_A_EVENT_STATE] = MNL_TYPE_U8,
	[MYC_A_EVENT_POLICY] = MNL_TYPE_U8,
	[MYC_A_EVENT_ENDPOINT] = MNL_TYPE_U32,
	[MYC_A_EVENT_BACKEND] = MNL_TYPE_U32,
};

static int event_parse(const struct nlmsghdr *nlh, struct event *ev)
{
	const struct nlattr *tb[MYC_A_EVENT_MAX + 1] = {};
	unsigned int i;

	memset(ev, 0, sizeof(*ev));
	if (myc_nl_parse(nlh, tb, MYC_A_EVENT_MAX) < 0)
		return -EBADMSG;
	for (i = 0; i <= MYC_A_EVENT_MAX; i++) {
		const struct nlattr *a;

		if (!event_types[i])
			continue;
		a = myc_attr(tb, (int)i, event_types[i]);
		if (!a)
			continue;
		ev->has |= 1U << i;
		switch (event_types[i]) {
		case MNL_TYPE_U8:
			ev->v[i] = mnl_attr_get_u8(a);
			break;
		case MNL_TYPE_U32:
			ev->v[i] = mnl_attr_get_u32(a);
			break;
		default:
			ev->v[i] = mnl_attr_get_u64(a);
			break;
		}
	}
	if (myc_attr(tb, MYC_A_EVENT_SPORE_ID, MNL_TYPE_NUL_STRING)) {
		snprintf(ev->spore_id, sizeof(ev->spore_id), "%s",
			 mnl_attr_get_str(tb[MYC_A_EVENT_SPORE_ID]));
		ev->has |= 1U << MYC_A_EVENT_SPORE_ID;
	}
	return ev->has & 1U << MYC_A_EVENT_TYPE ? 0 : -EBADMSG;
}

static bool has(const struct event *ev, unsigned int attr)
{
	return ev->has & 1U << attr;
}

/* The state of a peer, a path or a backend, by the event's type. */
static const char *state_name(const struct event *ev)
{
	unsigned int s = (unsigned int)ev->v[MYC_A_EVENT_STATE];

	switch (ev->v[MYC_A_EVENT_TYPE]) {
	case MYC_EV_PEER_STATE:
		return myc_peer_state_name(s);
	case MYC_EV_BACKEND_STATE:
		return myc_backend_state_name(s);
	case MYC_EV_SPORE:
		return myc_spore_state_name(s);
	default:
		return myc_path_state_name(s);
	}
}

/*
 * "2026-11-25T14:03:01.123456": local time for text, UTC with a "Z" for
 * JSON.
 */
static void fmt_time(uint64_t ns, bool utc, char *buf, size_t len)
{
	time_t sec = (time_t)(ns / 1000000000);
	struct tm tm;
	size_t n;

	if (!(utc ? gmtime_r(&sec, &tm) : localtime_r(&sec, &tm))) {
		snprintf(buf, len, "?");
		return;
	}
	n = strftime(buf, len, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf + n, len - n, ".%06" PRIu64 "%s",
		 ns % 1000000000 / 1000, utc ? "Z" : "");
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000 + (uint64_t)ts.tv_nsec;
}

/* "[time] " in text, "time" and "time-ns" in JSON. */
static void print_time(uint64_t ns)
{
	char buf[48];

	fmt_time(ns, out_is_json(), buf, sizeof(buf));
	out_str("time", "[%s] ", buf);
	out_u64("time-ns", NULL, ns);
}

static void print_event_json(const struct event *ev)
{
	const uint64_t *v = ev->v;
	char id[MYC_NODE_ID_STRLEN];

	if (has(ev, MYC_A_EVENT_SEQ))
		out_u64("seq", NULL, v[MYC_A_EVENT_SEQ]);
	if (has(ev, MYC_A_EVENT_TIME))
		print_time(v[MYC_A_EVENT_TIME]);
	out_str("event", NULL, myc_event_type_name((unsigned int)v[MYC_A_EVENT_TYPE]));
	if (has(ev, MYC_A_EVENT_REASON))
		out_str("reason", NULL,
			myc_event_reason_name((unsigned int)v[MYC_A_EVENT_REASON]));
	if (has(ev, MYC_A_EVENT_PEER))
		out_str("peer", NULL, myc_node_id_fmt(v[MYC_A_EVENT_PEER], id));
	if (has(ev, MYC_A_EVENT_SPORE_ID))
		out_str("spore-id", NULL, ev->spore_id);
	if (has(ev, MYC_A_EVENT_PATH))
		out_u64("path", NULL, v[MYC_A_EVENT_PATH]);
	if (has(ev, MYC_A_EVENT_TO_PATH))
		out_u64("to-path", NULL, v[MYC_A_EVENT_TO_PATH]);
	if (has(ev, MYC_A_EVENT_STATE))
		out_str("state", NULL, state_name(ev));
	if (has(ev, MYC_A_EVENT_POLICY))
		out_str("policy", NULL,
			myc_failover_name((unsigned int)v[MYC_A_EVENT_POLICY]));
	if (has(ev, MYC_A_EVENT_ENDPOINT))
		out_u64("endpoint", NULL, v[MYC_A_EVENT_ENDPOINT]);
	if (has(ev, MYC_A_EVENT_BACKEND))
		out_u64("backend", NULL, v[MYC_A_EVENT_BACKEND]);
}

/* "[time] #17 path 2 of peer 000000000000000b down (probe-lost)" */
static void print_event_text(const struct event *ev)
{
	const uint64_t *v = ev->v;
	unsigned int type = (unsigned int)v[MYC_A_EVENT_TYPE];
	char id[MYC_NODE_ID_STRLEN];
	const char *sep = " (";

	if (has(ev, MYC_A_EVENT_TIME))
		print_time(v[MYC_A_EVENT_TIME]);
	if (has(ev, MYC_A_EVENT_SEQ))
		printf("#%" PRIu64 " ", v[MYC_A_EVENT_SEQ]);
	myc_node_id_fmt(v[MYC_A_EVENT_PEER], id);
	switch (type) {
	case MYC_EV_PEER_STATE:
		printf("peer %s %s", id, state_name(ev));
		break;
	case MYC_EV_PATH_STATE:
		printf("path %" PRIu64 " of peer %s %s", v[MYC_A_EVENT_PATH],
		       id, state_name(ev));
		break;
	case MYC_EV_FAILOVER:	/* no to-path: no path left to move to */
		printf("failover peer %s path %" PRIu64 " -> ", id,
		       v[MYC_A_EVENT_PATH]);
		if (has(ev, MYC_A_EVENT_TO_PATH))
			printf("path %" PRIu64, v[MYC_A_EVENT_TO_PATH]);
		else
			printf("none");
		break;
	case MYC_EV_PEER_ADD:
	case MYC_EV_PEER_DEL:
		printf("peer %s %s", id,
		       type == MYC_EV_PEER_ADD ? "added" : "deleted");
		break;
	case MYC_EV_PATH_ADD:
	case MYC_EV_PATH_DEL:
		printf("path %" PRIu64 " of peer %s %s", v[MYC_A_EVENT_PATH],
		       id, type == MYC_EV_PATH_ADD ? "added" : "deleted");
		break;
	case MYC_EV_BACKEND_STATE:
		printf("backend %" PRIu64 " of endpoint %" PRIu64 " %s",
		       v[MYC_A_EVENT_BACKEND], v[MYC_A_EVENT_ENDPOINT],
		       state_name(ev));
		break;
	case MYC_EV_SPORE:
		printf("spore %s of %s %s", ev->spore_id, id, state_name(ev));
		break;
	default:
		printf("event %u", type);
		break;
	}
	if (has(ev, MYC_A_EVENT_POLICY)) {
		printf("%s%s", sep,
		       myc_failover_name((unsigned int)v[MYC_A_EVENT_POLICY]));
		sep = ", ";
	}
	if (has(ev, MYC_A_EVENT_REASON) && v[MYC_A_EVENT_REASON] != MYC_EVR_NONE) {
		printf("%s%s", sep,
		       myc_event_reason_name((unsigned int)v[MYC_A_EVENT_REASON]));
		sep = ", ";
	}
	printf("%s\n", strcmp(sep, " (") ? ")" : "");
}

/* Prints one event if the filter wants it; true if it did. */
static bool print_event(const struct nlmsghdr *nlh, const struct monitor *m)
{
	struct event ev;

	if (event_parse(nlh, &ev) ||
	    !(event_object((unsigned int)ev.v[MYC_A_EVENT_TYPE]) & m->mask))
		return false;
	out_open_object(NULL);
	if (out_is_json())
		print_event_json(&ev);
	else
		print_event_text(&ev);
	out_close_object();
	return true;
}

/* "[time] node changed: node ID type TYPE port PORT ..." (receipt time) */
static bool print_node(const struct nlmsghdr *nlh, const struct monitor *m)
{
	const struct nlattr *tb[MYC_A_NODE_MAX + 1] = {};

	if (!(m->mask & MON_NODE) || myc_node_parse(nlh, tb))
		return false;
	out_open_object(NULL);
	print_time(now_ns());
	out_str("event", NULL, "node-change");
	out_text("node changed: ");
	myc_node_print(tb);
	out_text("\n");
	out_close_object();
	return true;
}

static int monitor_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct genlmsghdr *g = mnl_nlmsg_get_payload(nlh);
	struct monitor *m = data;
	bool shown;

	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(*g))
		return MNL_CB_OK;
	if (g->cmd == MYC_CMD_EVENT_NTF)
		shown = print_event(nlh, m);
	else if (g->cmd == MYC_CMD_NODE_NTF)
		shown = print_node(nlh, m);
	else
		shown = false;
	if (!shown)
		return MNL_CB_OK;
	out_flush();
	m->seen++;
	return m->count && m->seen >= m->count ? MNL_CB_STOP : MNL_CB_OK;
}

static int monitor_args(int argc, char **argv, struct monitor *m)
{
	unsigned int i;

	while (argc > 0) {
		if (matches(*argv, "all")) {
			m->mask = ~0U;
		} else if (matches(*argv, "count")) {
			NEXT_ARG("count");
			if (myc_u32_parse(*argv, UINT32_MAX, &m->count) ||
			    !m->count) {
				myc_error("invalid count \"%s\" (1..4294967295)",
					  *argv);
				return 1;
			}
		} else {
			for (i = 0; i < ARRAY_SIZE(objects); i++) {
				if (matches(*argv, objects[i]))
					break;
			}
			if (i == ARRAY_SIZE(objects)) {
				myc_error("unknown argument \"%s\", try \"myc monitor help\"",
					  *argv);
				return 1;
			}
			m->mask |= 1U << i;
		}
		argc--, argv++;
	}
	if (!m->mask)
		m->mask = ~0U;
	return 0;
}

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

/*
 * SIGINT and SIGTERM are blocked but while waiting in ppoll(), so that one
 * arriving at any time ends the loop, never a blocking read.
 */
static int monitor_loop(struct myc_nl *h, struct monitor *m)
{
	struct sigaction sa = { .sa_handler = on_signal };
	struct pollfd pfd = { .fd = mnl_socket_get_fd(h->sock), .events = POLLIN };
	sigset_t block, waiting;
	int err;

	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigprocmask(SIG_BLOCK, &block, &waiting);
	sigdelset(&waiting, SIGINT);
	sigdelset(&waiting, SIGTERM);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);

	while (!stop && (!m->count || m->seen < m->count)) {
		if (ppoll(&pfd, 1, NULL, &waiting) < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		err = myc_nl_recv(h, monitor_cb, m);
		if (err == -ENOBUFS) {
			fputs("Warning: events were lost (receive buffer full)\n",
			      stderr);
			continue;
		}
		if (err)
			return err;
	}
	return 0;
}

int do_monitor(int argc, char **argv)
{
	struct monitor m = {};
	struct myc_nl h;
	int err;

	if (argc > 0 && matches(argv[0], "help")) {
		monitor_usage(stdout);
		return 0;
	}
	if (monitor_args(argc, argv, &m) || myc_open(&h))
		return 1;
	err = myc_nl_join(&h, MYC_MCGRP_EVENTS);
	if (err == -ENOENT)
		myc_error("the module has no \"%s\" group", MYC_MCGRP_EVENTS);
	else if (!err)
		err = monitor_loop(&h, &m);
	if (err && err != -ENOENT)
		myc_nl_perror(&h, err);
	myc_nl_close(&h);
	return err ? 1 : 0;
}
