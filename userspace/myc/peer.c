// SPDX-License-Identifier: GPL-2.0
/* myc peer: remote nodes and the paths to them. */
#include <arpa/inet.h>
#include <inttypes.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>

#include "myc.h"

static void peer_usage(FILE *f)
{
	fprintf(f,
		"Usage: myc peer show [ NODE_ID ]\n"
		"       myc peer add NODE_ID [ type TYPE ] [ PATH ]...\n"
		"       myc peer set NODE_ID [ type TYPE ] [ PATH ]...\n"
		"       myc peer del NODE_ID\n"
		"       myc peer help\n"
		"where  PATH := path LOCAL REMOTE[:PORT] [ dev IFNAME ]\n"
		"       LOCAL, REMOTE := IPv4 or IPv6 address ([ADDR]:PORT for IPv6)\n"
		"       PORT := the peer's UDP port (default %d)\n"
		"       TYPE := { sclerotia | rhizomorph | hyphae }\n",
		MYC_DEFAULT_UDP_PORT);
}

static int peer_help(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	peer_usage(stdout);
	return 0;
}

static const char *peer_state_name(unsigned int s)
{
	return s == MYC_PEER_REACHABLE ? "reachable" : "unreachable";
}

static const char *path_state_name(unsigned int s)
{
	switch (s) {
	case MYC_PATH_UP:
		return "up";
	case MYC_PATH_DOWN:
		return "down";
	default:
		return "unknown";
	}
}

static const struct nlattr *attr_of(const struct nlattr *tb[], int i,
				    enum mnl_attr_data_type t)
{
	return tb[i] && !mnl_attr_validate(tb[i], t) ? tb[i] : NULL;
}

static void print_addr(const char *key, const char *fmt,
		       const struct nlattr *a)
{
	char buf[INET6_ADDRSTRLEN];
	uint16_t len;

	if (!a)
		return;
	len = mnl_attr_get_payload_len(a);
	if (len != 4 && len != 16)
		return;
	out_str(key, fmt, myc_inaddr_fmt(len == 4 ? AF_INET : AF_INET6,
					 mnl_attr_get_payload(a), buf,
					 sizeof(buf)));
}

static int path_tb_cb(const struct nlattr *attr, void *data)
{
	const struct nlattr **tb = data;
	unsigned int t = mnl_attr_get_type(attr);

	if (t <= MYC_A_PATH_MAX)
		tb[t] = attr;
	return MNL_CB_OK;
}

static void print_path(const struct nlattr *nest)
{
	const struct nlattr *tb[MYC_A_PATH_MAX + 1] = {};
	const struct nlattr *a, *remote;
	bool v6;

	mnl_attr_parse_nested(nest, path_tb_cb, tb);
	remote = tb[MYC_A_PATH_REMOTE];
	v6 = remote && mnl_attr_get_payload_len(remote) == 16;

	out_open_object(NULL);
	a = attr_of(tb, MYC_A_PATH_ID, MNL_TYPE_U32);
	if (a)
		out_u64("id", "    path %" PRIu64, mnl_attr_get_u32(a));
	print_addr("local", " %s", tb[MYC_A_PATH_LOCAL]);
	print_addr("remote", v6 ? " -> [%s]" : " -> %s", remote);
	a = attr_of(tb, MYC_A_PATH_REMOTE_PORT, MNL_TYPE_U16);
	if (a)
		out_u64("remote-port", ":%" PRIu64, mnl_attr_get_u16(a));
	a = attr_of(tb, MYC_A_PATH_IFINDEX, MNL_TYPE_U32);
	if (a) {
		char name[IF_NAMESIZE];

		if (if_indextoname(mnl_attr_get_u32(a), name))
			out_str("dev", " dev %s", name);
		else
			out_u64("ifindex", " ifindex %" PRIu64,
				mnl_attr_get_u32(a));
	}
	a = attr_of(tb, MYC_A_PATH_STATE, MNL_TYPE_U8);
	if (a)
		out_str("state", " state %s", path_state_name(mnl_attr_get_u8(a)));
	out_text("\n");
	if (opts.stats)
		myc_print_stats(tb[MYC_A_PATH_STATS], "      ");
	out_close_object();
}

static int peer_print_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[MYC_A_PEER_MAX + 1] = {};
	char idbuf[MYC_NODE_ID_STRLEN];
	const struct nlattr *a;
	bool any_path = false;

	(void)data;
	if (myc_nl_parse(nlh, tb, MYC_A_PEER_MAX) < 0 ||
	    !attr_of(tb, MYC_A_PEER_ID, MNL_TYPE_U64))
		return MNL_CB_ERROR;

	out_open_object(NULL);
	out_str("id", "peer %s",
		myc_node_id_fmt(mnl_attr_get_u64(tb[MYC_A_PEER_ID]), idbuf));
	a = attr_of(tb, MYC_A_PEER_TYPE, MNL_TYPE_U8);
	if (a)
		out_str("type", " type %s", myc_node_type_name(mnl_attr_get_u8(a)));
	a = attr_of(tb, MYC_A_PEER_STATE, MNL_TYPE_U8);
	if (a)
		out_str("state", " state %s", peer_state_name(mnl_attr_get_u8(a)));
	out_text("\n");
	if (opts.stats)
		myc_print_stats(tb[MYC_A_PEER_STATS], "    ");

	mnl_attr_for_each(a, nlh, sizeof(struct genlmsghdr)) {
		if (mnl_attr_get_type(a) != MYC_A_PEER_PATH)
			continue;
		if (!any_path)
			out_open_array("path");
		any_path = true;
		print_path(a);
	}
	if (any_path)
		out_close_array();
	out_close_object();
	return MNL_CB_OK;
}

static int parse_id(const char *s, uint64_t *id)
{
	if (myc_node_id_parse(s, id) || !*id) {
		myc_error("invalid node id \"%s\" (1 to 16 hex digits, not 0)", s);
		return 1;
	}
	return 0;
}

static int peer_show(int argc, char **argv)
{
	struct nlmsghdr *nlh;
	struct myc_nl h;
	uint64_t id = 0;
	int err;

	if (argc > 1) {
		myc_error("\"peer show\" takes at most one NODE_ID");
		return 1;
	}
	if (argc == 1 && parse_id(argv[0], &id))
		return 1;
	if (myc_open(&h))
		return 1;
	if (id) {
		nlh = myc_nl_msg(&h, MYC_CMD_PEER_GET, 0);
		mnl_attr_put_u64(nlh, MYC_A_PEER_ID, id);
	} else {
		nlh = myc_nl_msg(&h, MYC_CMD_PEER_GET, NLM_F_DUMP);
	}
	out_open_array(NULL);
	err = myc_nl_talk(&h, nlh, peer_print_cb, NULL);
	out_close_array();
	if (err)
		myc_nl_perror(&h, err);
	myc_nl_close(&h);
	return err ? 1 : 0;
}

/* Parses "path LOCAL REMOTE[:PORT] [dev IFNAME]" into a nest. */
static int put_path(struct nlmsghdr *nlh, int *argc, char ***argv)
{
	struct myc_inaddr local, remote;
	struct nlattr *nest;
	char **av = *argv;
	int ac = *argc;

	if (ac < 3) {
		myc_error("\"path\" needs LOCAL and REMOTE addresses");
		return 1;
	}
	if (myc_inaddr_parse(av[1], false, &local)) {
		myc_error("invalid local address \"%s\"", av[1]);
		return 1;
	}
	if (myc_inaddr_parse(av[2], true, &remote)) {
		myc_error("invalid remote address \"%s\" (ADDR, ADDR:PORT or [ADDR6]:PORT)",
			  av[2]);
		return 1;
	}
	if (local.family != remote.family) {
		myc_error("path %s %s mixes IPv4 and IPv6", av[1], av[2]);
		return 1;
	}
	nest = mnl_attr_nest_start(nlh, MYC_A_PEER_PATH);
	mnl_attr_put(nlh, MYC_A_PATH_LOCAL, local.family == AF_INET ? 4 : 16,
		     local.addr);
	mnl_attr_put(nlh, MYC_A_PATH_REMOTE, remote.family == AF_INET ? 4 : 16,
		     remote.addr);
	if (remote.port)
		mnl_attr_put_u16(nlh, MYC_A_PATH_REMOTE_PORT, remote.port);
	ac -= 3;
	av += 3;
	if (ac >= 1 && !strcmp(av[0], "dev")) {
		unsigned int ifindex;

		if (ac < 2) {
			myc_error("\"dev\" needs an interface name");
			return 1;
		}
		ifindex = if_nametoindex(av[1]);
		if (!ifindex) {
			myc_error("no interface \"%s\"", av[1]);
			return 1;
		}
		mnl_attr_put_u32(nlh, MYC_A_PATH_IFINDEX, ifindex);
		ac -= 2;
		av += 2;
	}
	mnl_attr_nest_end(nlh, nest);
	*argc = ac;
	*argv = av;
	return 0;
}

static int peer_modify(int argc, char **argv, uint8_t cmd)
{
	struct nlmsghdr *nlh;
	struct myc_nl h;
	bool any = false;
	uint64_t id;
	int err;

	if (argc < 1) {
		myc_error("NODE_ID missing, try \"myc peer help\"");
		return 1;
	}
	if (parse_id(argv[0], &id))
		return 1;
	argc--, argv++;

	if (myc_open(&h))
		return 1;
	nlh = myc_nl_msg(&h, cmd, 0);
	mnl_attr_put_u64(nlh, MYC_A_PEER_ID, id);
	while (argc > 0) {
		if (cmd != MYC_CMD_PEER_DEL && matches(*argv, "type")) {
			int type;

			if (argc < 2) {
				myc_error("\"type\" needs an argument");
				goto fail;
			}
			type = myc_node_type_parse(argv[1]);
			if (type < 0) {
				myc_error("invalid node type \"%s\" (sclerotia, rhizomorph or hyphae)",
					  argv[1]);
				goto fail;
			}
			mnl_attr_put_u8(nlh, MYC_A_PEER_TYPE, (uint8_t)type);
			argc -= 2, argv += 2;
		} else if (cmd != MYC_CMD_PEER_DEL && matches(*argv, "path")) {
			if (put_path(nlh, &argc, &argv))
				goto fail;
		} else {
			myc_error("unknown argument \"%s\", try \"myc peer help\"",
				  *argv);
			goto fail;
		}
		any = true;
	}
	if (cmd == MYC_CMD_PEER_SET && !any) {
		myc_error("nothing to set, try \"myc peer help\"");
		goto fail;
	}
	err = myc_nl_talk(&h, nlh, NULL, NULL);
	if (err)
		myc_nl_perror(&h, err);
	myc_nl_close(&h);
	return err ? 1 : 0;
fail:
	myc_nl_close(&h);
	return 1;
}

static int peer_add(int argc, char **argv)
{
	return peer_modify(argc, argv, MYC_CMD_PEER_ADD);
}

static int peer_set(int argc, char **argv)
{
	return peer_modify(argc, argv, MYC_CMD_PEER_SET);
}

static int peer_del(int argc, char **argv)
{
	return peer_modify(argc, argv, MYC_CMD_PEER_DEL);
}

static const struct myc_handler peer_cmds[] = {
	{ "show", peer_show },
	{ "list", peer_show },
	{ "add", peer_add },
	{ "set", peer_set },
	{ "delete", peer_del },
	{ "help", peer_help },
	{ NULL, NULL },
};

int do_peer(int argc, char **argv)
{
	return myc_dispatch(peer_cmds, "peer", "show", argc, argv);
}
