// SPDX-License-Identifier: GPL-2.0
/* myc socket: the bound sockets of this netns's node (/proc/net/mycelium). */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "myc.h"

static void socket_usage(FILE *f)
{
	fprintf(f,
		"Usage: myc socket show [ port PORT ] [ service SERVICE ] [ type TYPE ]\n"
		"       myc socket help\n"
		"where  PORT, SERVICE := decimal number, 0..4294967295\n"
		"       TYPE := { dgram | seqpacket }\n"
		"Lists the bound sockets of the node (unbound ones are not listed).\n");
}

static int socket_help(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	socket_usage(stdout);
	return 0;
}

struct socket_filter {
	bool port, service;
	uint32_t port_v, service_v;
	const char *type;
	struct myc_sock_entry *list;	/* the sockets that pass */
	size_t n, cap;
};

static int socket_collect(const struct myc_sock_entry *e, void *data)
{
	struct socket_filter *f = data;

	if ((f->port && e->port != f->port_v) ||
	    (f->service && (!(e->has & MYC_SOCK_SERVICE) ||
			    e->service != f->service_v)) ||
	    (f->type && strcmp(e->type, f->type)))
		return 0;
	if (f->n == f->cap) {
		size_t cap = f->cap ? 2 * f->cap : 64;
		struct myc_sock_entry *l = realloc(f->list, cap * sizeof(*l));

		if (!l)
			return -ENOMEM;
		f->list = l;
		f->cap = cap;
	}
	f->list[f->n++] = *e;
	return 0;
}

static void socket_print(const struct myc_sock_entry *e)
{
	out_open_object(NULL);
	out_u64("port", "port %" PRIu64, e->port);
	out_str("type", " type %s", e->type);
	if (e->has & MYC_SOCK_SERVICE)
		out_u64("service", " service %" PRIu64, e->service);
	if (e->has & MYC_SOCK_STATE)
		out_str("state", " state %s", e->state);
	if (e->has & MYC_SOCK_RX_QUEUE)
		out_u64("rx-queue", " rx-queue %" PRIu64, e->rx_queue);
	if (e->has & MYC_SOCK_TX_QUEUE)
		out_u64("tx-queue", " tx-queue %" PRIu64, e->tx_queue);
	if (e->has & MYC_SOCK_UID)
		out_u64("uid", " uid %" PRIu64, e->uid);
	if (e->has & MYC_SOCK_INODE)
		out_u64("inode", " inode %" PRIu64, e->inode);
	if (e->has & MYC_SOCK_PEER) {
		char buf[MYC_NODE_ID_STRLEN];

		out_str("peer-node", " peer %s",
			myc_node_id_fmt(e->peer_node, buf));
		if (e->peer_kind == MYC_ADDR_SERVICE)
			out_u64("peer-service", " service %" PRIu64,
				e->peer_id);
		else
			out_u64("peer-port", " port %" PRIu64, e->peer_id);
	}
	out_text("\n");
	out_close_object();
}

/* Reads the whole table first, so that an error prints no partial list. */
static int socket_read(struct socket_filter *flt)
{
	unsigned int lineno;
	FILE *f;
	int err;

	f = fopen(MYC_PROC_SOCKETS, "re");
	if (!f) {
		if (errno == ENOENT)
			myc_error("no " MYC_PROC_SOCKETS ": the mycelium module is not loaded (modprobe mycelium)");
		else
			myc_error("cannot open " MYC_PROC_SOCKETS ": %s",
				  strerror(errno));
		return 1;
	}
	err = myc_proc_sockets_read(f, socket_collect, flt, &lineno);
	fclose(f);
	switch (err) {
	case 0:
		return 0;
	case -EPROTO:
		myc_error(MYC_PROC_SOCKETS ": no header line with \"port\" and \"type\"");
		break;
	case -EBADMSG:
		myc_error(MYC_PROC_SOCKETS " line %u: cannot parse it", lineno);
		break;
	default:
		myc_error("cannot read " MYC_PROC_SOCKETS ": %s", strerror(-err));
	}
	return 1;
}

static int parse_u32(const char *what, const char *s, uint32_t *v)
{
	if (myc_u32_parse(s, UINT32_MAX, v)) {
		myc_error("invalid %s \"%s\" (decimal, 0..4294967295)", what, s);
		return 1;
	}
	return 0;
}

static int socket_show(int argc, char **argv)
{
	struct socket_filter flt = {};
	size_t i;
	int ret;

	while (argc > 0) {
		if (matches(*argv, "port")) {
			NEXT_ARG("port");
			if (parse_u32("port", *argv, &flt.port_v))
				return 1;
			flt.port = true;
		} else if (matches(*argv, "service")) {
			NEXT_ARG("service");
			if (parse_u32("service", *argv, &flt.service_v))
				return 1;
			flt.service = true;
		} else if (matches(*argv, "type")) {
			NEXT_ARG("type");
			if (matches(*argv, "dgram")) {
				flt.type = "dgram";
			} else if (matches(*argv, "seqpacket")) {
				flt.type = "seqpacket";
			} else {
				myc_error("invalid socket type \"%s\" (dgram or seqpacket)",
					  *argv);
				return 1;
			}
		} else if (matches(*argv, "help")) {
			socket_usage(stdout);
			return 0;
		} else {
			myc_error("unknown argument \"%s\", try \"myc socket help\"",
				  *argv);
			return 1;
		}
		argc--, argv++;
	}

	ret = socket_read(&flt);
	if (!ret) {
		out_open_array(NULL);
		for (i = 0; i < flt.n; i++)
			socket_print(&flt.list[i]);
		out_close_array();
	}
	free(flt.list);
	return ret;
}

static const struct myc_handler socket_cmds[] = {
	{ "show", socket_show },
	{ "list", socket_show },
	{ "help", socket_help },
	{ NULL, NULL },
};

int do_socket(int argc, char **argv)
{
	return myc_dispatch(socket_cmds, "socket", "show", argc, argv);
}
