/* SPDX-License-Identifier: GPL-2.0 */
/* myc: internal declarations. */
#ifndef MYC_H
#define MYC_H

#include <stdbool.h>

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

int do_node(int argc, char **argv);
int do_peer(int argc, char **argv);
int do_socket(int argc, char **argv);

#define NEXT_ARG(what)							\
	do {								\
		argc--, argv++;						\
		if (argc <= 0) {					\
			myc_error("\"%s\" needs an argument", what);	\
			return 1;					\
		}							\
	} while (0)

#endif /* MYC_H */
