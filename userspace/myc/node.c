// SPDX-License-Identifier: GPL-2.0
/* myc node: this netns's node (id, type, UDP port). */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <libmnl/libmnl.h>

#include "myc.h"

static void node_usage(FILE *f)
{
	fprintf(f,
		"Usage: myc node show\n"
		"       myc node set [ id NODE_ID ] [ type TYPE ] [ port PORT ]\n"
		"       myc node help\n"
		"where  NODE_ID := 1 to 16 hex digits, not 0\n"
		"       TYPE := { sclerotia | rhizomorph | hyphae }\n"
		"       PORT := UDP port of the node's bearer, 1..65535\n");
}

static int node_help(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	node_usage(stdout);
	return 0;
}

void myc_node_print(const struct nlattr *const tb[])
{
	char idbuf[MYC_NODE_ID_STRLEN];
	const struct nlattr *a;

	out_str("id", "node %s",
		myc_node_id_fmt(mnl_attr_get_u64(tb[MYC_A_NODE_ID]), idbuf));
	out_str("type", " type %s",
		myc_node_type_name(mnl_attr_get_u8(tb[MYC_A_NODE_TYPE])));
	a = myc_attr(tb, MYC_A_NODE_PORT, MNL_TYPE_U16);
	if (a)
		out_u64("port", " port %" PRIu64, mnl_attr_get_u16(a));
	a = myc_attr(tb, MYC_A_NODE_FAMILY, MNL_TYPE_U16);
	if (a)
		out_u64("family", " family %" PRIu64, mnl_attr_get_u16(a));
	a = myc_attr(tb, MYC_A_NODE_SOCKETS, MNL_TYPE_U32);
	if (a)
		out_u64("sockets", " sockets %" PRIu64, mnl_attr_get_u32(a));
}

int myc_node_parse(const struct nlmsghdr *nlh, const struct nlattr **tb)
{
	if (myc_nl_parse(nlh, tb, MYC_A_NODE_MAX) < 0 ||
	    !myc_attr(tb, MYC_A_NODE_ID, MNL_TYPE_U64) ||
	    !myc_attr(tb, MYC_A_NODE_TYPE, MNL_TYPE_U8))
		return -EBADMSG;
	return 0;
}

static int node_print_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[MYC_A_NODE_MAX + 1] = {};

	(void)data;
	if (myc_node_parse(nlh, tb))
		return MNL_CB_ERROR;
	out_open_object(NULL);
	myc_node_print(tb);
	out_text("\n");
	if (opts.stats)
		myc_print_stats(tb[MYC_A_NODE_STATS], "    ");
	out_close_object();
	return MNL_CB_OK;
}

static int node_show(int argc, char **argv)
{
	struct myc_nl h;

	if (argc > 0) {
		myc_error("\"node show\" takes no arguments, got \"%s\"",
			  argv[0]);
		return 1;
	}
	if (myc_open(&h))
		return 1;
	return myc_show_close(&h, myc_nl_msg(&h, MYC_CMD_NODE_GET, 0),
			      node_print_cb, NULL);
}

static int node_set(int argc, char **argv)
{
	bool has_id = false, has_type = false, has_port = false;
	struct nlmsghdr *nlh;
	uint32_t port = 0;
	uint64_t id = 0;
	struct myc_nl h;
	int type = 0;

	while (argc > 0) {
		if (matches(*argv, "id")) {
			NEXT_ARG("id");
			if (myc_parse_node_id(*argv, &id))
				return 1;
			has_id = true;
		} else if (matches(*argv, "type")) {
			NEXT_ARG("type");
			type = myc_node_type_parse(*argv);
			if (type < 0) {
				myc_error("invalid node type \"%s\" (sclerotia, rhizomorph or hyphae)",
					  *argv);
				return 1;
			}
			has_type = true;
		} else if (matches(*argv, "port")) {
			NEXT_ARG("port");
			if (myc_u32_parse(*argv, 65535, &port) || !port) {
				myc_error("invalid port \"%s\" (1..65535)",
					  *argv);
				return 1;
			}
			has_port = true;
		} else if (matches(*argv, "help")) {
			node_usage(stdout);
			return 0;
		} else {
			myc_error("unknown argument \"%s\", try \"myc node help\"",
				  *argv);
			return 1;
		}
		argc--, argv++;
	}
	if (!has_id && !has_type && !has_port) {
		myc_error("nothing to set, try \"myc node help\"");
		return 1;
	}

	if (myc_open(&h))
		return 1;
	nlh = myc_nl_msg(&h, MYC_CMD_NODE_SET, 0);
	if (has_id)
		mnl_attr_put_u64(nlh, MYC_A_NODE_ID, id);
	if (has_type)
		mnl_attr_put_u8(nlh, MYC_A_NODE_TYPE, (uint8_t)type);
	if (has_port)
		mnl_attr_put_u16(nlh, MYC_A_NODE_PORT, (uint16_t)port);
	return myc_talk_close(&h, nlh, NULL, NULL);
}

static const struct myc_handler node_cmds[] = {
	{ "show", node_show },
	{ "list", node_show },
	{ "set", node_set },
	{ "help", node_help },
	{ NULL, NULL },
};

int do_node(int argc, char **argv)
{
	return myc_dispatch(node_cmds, "node", "show", argc, argv);
}
