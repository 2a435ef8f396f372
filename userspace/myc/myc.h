/* SPDX-License-Identifier: GPL-2.0 */
/* myc: internal declarations. */
#ifndef MYC_H
#define MYC_H

#include <stdbool.h>
#include <libmnl/libmnl.h>

#include "libmyc.h"

struct myc_opts {
	bool json;
	bool pretty;
	int stats;
};

extern struct myc_opts opts;

/* An object or command: name, handler, and whether it changes state. */
struct myc_handler {
	const char *name;
	int (*fn)(int argc, char **argv);
};

/* iproute2's matches(): is arg a non-empty prefix of word? */
bool matches(const char *arg, const char *word);
/*
 * Runs the first entry of tbl whose name argv[0] abbreviates (dflt when there
 * is no argument).  what is "object" at the top level, else the object name.
 */
int myc_dispatch(const struct myc_handler *tbl, const char *what, const char *dflt,
		 int argc, char **argv);
/* Opens the netlink channel or prints the error; returns 0 or 1. */
int myc_open(struct myc_nl *h);
/* Sends nlh, prints the error if any, closes h; returns 0 or 1. */
int myc_talk_close(struct myc_nl *h, struct nlmsghdr *nlh, myc_nl_cb cb,
		   void *data);
/* The same, for a *_GET: the replies as one JSON array. */
int myc_show_close(struct myc_nl *h, struct nlmsghdr *nlh, myc_nl_cb cb,
		   void *data);
/* A node id (not 0) from the command line, or prints the error; 0 or 1. */
int myc_parse_node_id(const char *s, uint64_t *id);
/* tb[i] if present and of type t, else NULL. */
const struct nlattr *myc_attr(const struct nlattr *const tb[], int i,
			      enum mnl_attr_data_type t);

/* path.c: paths, shared by "myc peer" and "myc path". */
struct myc_path_spec {
	struct myc_inaddr local, remote;
	uint32_t ifindex;	/* 0: none given */
	int enabled;		/* -1: not given, else 0 or 1 */
};

/*
 * Parses "LOCAL REMOTE[:PORT] [ dev IFNAME ] [ enabled | disabled ]" at
 * *argv and moves argc and argv past it.  Returns 0, or 1 after printing
 * the error.
 */
int myc_path_parse(int *argc, char ***argv, struct myc_path_spec *p);
/* Puts p's MYC_A_PATH_* attributes into nlh (at the current level). */
void myc_path_put(struct nlmsghdr *nlh, const struct myc_path_spec *p);
/*
 * Prints a MYC_A_PEER_PATH nest: one line after indent, with the peer id
 * first unless peer is NULL, then with -s its counters after stats_indent.
 */
void myc_path_print(const struct nlattr *nest, const char *peer,
		    const char *indent, const char *stats_indent);

/* node.c: a node's attributes (NODE_GET reply or NODE_NTF). */
int myc_node_parse(const struct nlmsghdr *nlh, const struct nlattr **tb);
/* Prints the node's fields, without a line end (tb from myc_node_parse). */
void myc_node_print(const struct nlattr *const tb[]);
/* Prints the node's trust settings on a line of their own (no line end). */
void myc_node_print_trust(const struct nlattr *const tb[]);

/* peer.c: prints a MYC_A_PEER_PROFILE nest (an effective profile). */
void myc_profile_print(const struct nlattr *nest);
/* The four settings of a policy entry or profile (columns: padded). */
void myc_profile_fields(const struct nlattr *const tb[], bool columns);

/* peer.c: a PEER_GET of one peer, or a dump of all when id is 0. */
struct nlmsghdr *myc_peer_get_msg(struct myc_nl *h, uint64_t id);

int do_node(int argc, char **argv);
int do_peer(int argc, char **argv);
int do_path(int argc, char **argv);
int do_endpoint(int argc, char **argv);
int do_socket(int argc, char **argv);
int do_monitor(int argc, char **argv);
int do_policy(int argc, char **argv);
int do_spore(int argc, char **argv);

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#define NEXT_ARG(what)							\
	do {								\
		argc--, argv++;						\
		if (argc <= 0) {					\
			myc_error("\"%s\" needs an argument", what);	\
			return 1;					\
		}							\
	} while (0)

#endif /* MYC_H */
