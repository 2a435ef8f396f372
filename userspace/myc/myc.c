// SPDX-License-Identifier: GPL-2.0
/*
 * myc: the Mycelium admin tool, in the style of ip(8).
 *
 *   myc [OPTIONS] OBJECT {COMMAND | help}
 *
 * Exit status: 0 on success, 1 on any error (usage or kernel), with
 * "Error: ..." on stderr.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "myc.h"

#define MYC_VERSION "0.1"

struct myc_opts opts;

bool matches(const char *arg, const char *word)
{
	size_t len = strlen(arg);

	return len && len <= strlen(word) && !strncmp(arg, word, len);
}

int myc_dispatch(const struct myc_handler *tbl, const char *what, const char *dflt,
		 int argc, char **argv)
{
	const char *help = strcmp(what, "object") ? what : "";
	const char *arg = argc > 0 ? argv[0] : dflt;
	const struct myc_handler *c;

	for (c = tbl; c->name; c++) {
		if (matches(arg, c->name))
			return c->fn(argc > 0 ? argc - 1 : 0, argv + 1);
	}
	myc_error("unknown %s \"%s\", try \"myc %s%shelp\"",
		  *help ? "command" : "object", arg, help, *help ? " " : "");
	return 1;
}

int myc_open(struct myc_nl *h)
{
	int err = myc_nl_open(h);

	if (err) {
		myc_nl_perror(h, err);
		return 1;
	}
	return 0;
}

int myc_talk_close(struct myc_nl *h, struct nlmsghdr *nlh, myc_nl_cb cb,
		   void *data)
{
	int err = myc_nl_talk(h, nlh, cb, data);

	if (err)
		myc_nl_perror(h, err);
	myc_nl_close(h);
	return err ? 1 : 0;
}

int myc_show_close(struct myc_nl *h, struct nlmsghdr *nlh, myc_nl_cb cb,
		   void *data)
{
	int ret;

	out_open_array(NULL);
	ret = myc_talk_close(h, nlh, cb, data);
	out_close_array();
	return ret;
}

int myc_parse_node_id(const char *s, uint64_t *id)
{
	if (myc_node_id_parse(s, id) || !*id) {
		myc_error("invalid node id \"%s\" (1 to 16 hex digits, not 0)", s);
		return 1;
	}
	return 0;
}

const struct nlattr *myc_attr(const struct nlattr *const tb[], int i,
			      enum mnl_attr_data_type t)
{
	return tb[i] && !mnl_attr_validate(tb[i], t) ? tb[i] : NULL;
}

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: myc [OPTIONS] OBJECT {COMMAND | help}\n"
		"       myc help\n"
		"where  OBJECT := { node | peer | path | policy | endpoint | spore | socket | monitor }\n"
		"       OPTIONS := { -j[son] | -p[retty] | -s[tatistics] |\n"
		"                    -n[etns] NAME | -V[ersion] | -h[elp] }\n");
}

static int do_help(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	usage(stdout);
	return 0;
}

static const struct myc_handler objects[] = {
	{ "node", do_node },
	{ "peer", do_peer },
	{ "path", do_path },
	{ "policy", do_policy },
	{ "spore", do_spore },
	{ "endpoint", do_endpoint },
	{ "socket", do_socket },
	{ "monitor", do_monitor },
	{ "help", do_help },
	{ NULL, NULL },
};

/* Enter the named network namespace (ip netns add NAME). */
static int switch_netns(const char *name)
{
	char path[PATH_MAX];
	int fd;

	if (strchr(name, '/'))
		snprintf(path, sizeof(path), "%s", name);
	else
		snprintf(path, sizeof(path), "/run/netns/%s", name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		myc_error("cannot open network namespace \"%s\": %s", name,
			  strerror(errno));
		return 1;
	}
	if (setns(fd, CLONE_NEWNET) < 0) {
		myc_error("cannot enter network namespace \"%s\": %s", name,
			  strerror(errno));
		close(fd);
		return 1;
	}
	close(fd);
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "pretty", no_argument, NULL, 'p' },
		{ "statistics", no_argument, NULL, 's' },
		{ "stats", no_argument, NULL, 's' },
		{ "netns", required_argument, NULL, 'n' },
		{ "version", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c, ret;

	/* "+": stop at the first non-option, the OBJECT. */
	opterr = 0;
	while ((c = getopt_long_only(argc, argv, "+jpsn:Vh", longopts,
				     NULL)) != -1) {
		switch (c) {
		case 'j':
			opts.json = true;
			break;
		case 'p':
			opts.pretty = true;
			break;
		case 's':
			opts.stats++;
			break;
		case 'n':
			if (switch_netns(optarg))
				return 1;
			break;
		case 'V':
			printf("myc %s\n", MYC_VERSION);
			return 0;
		case 'h':
			usage(stdout);
			return 0;
		case ':':
			myc_error("option \"%s\" needs an argument",
				  argv[optind - 1]);
			return 1;
		default:
			myc_error("unknown option \"%s\", try \"myc help\"",
				  argv[optind - 1]);
			return 1;
		}
	}
	argc -= optind;
	argv += optind;
	if (argc < 1) {
		usage(stderr);
		return 1;
	}

	out_init(opts.json, opts.pretty);
	ret = myc_dispatch(objects, "object", NULL, argc, argv);
	out_flush();
	return ret ? 1 : 0;
}
