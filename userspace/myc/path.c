// SPDX-License-Identifier: GPL-2.0
/*
 * myc path: the paths of the peers, one object each; and the parser and the
 * printer of a path that "myc peer" uses too.
 */
#include <arpa/inet.h>
#include <inttypes.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/genetlink.h>

#include "myc.h"

static void path_usage(FILE *f)
{
	fprintf(f,
		"Usage: myc path show [ PEER_ID [ PATH_ID ] ]\n"
		"       myc path add PEER_ID LOCAL REMOTE[:PORT] [ dev IFNAME ] [ disabled ]\n"
		"       myc path del PEER_ID PATH_ID\n"
		"       myc path set PEER_ID PATH_ID { enabled | disabled }\n"
		"       myc path help\n"
		"where  LOCAL, REMOTE := IPv4 or IPv6 address ([ADDR]:PORT for IPv6)\n"
		"       PORT := the peer's UDP port (default %d)\n"
		"       PATH_ID := the path's id within its peer (see \"myc path show\")\n",
		MYC_DEFAULT_UDP_PORT);
}

static int path_help(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	path_usage(stdout);
	return 0;
}

int myc_path_parse(int *argc, char ***argv, struct myc_path_spec *p)
{
	char **av = *argv;
	int ac = *argc;

	memset(p, 0, sizeof(*p));
	p->enabled = -1;
	if (ac < 2) {
		myc_error("\"path\" needs LOCAL and REMOTE addresses");
		return 1;
	}
	if (myc_inaddr_parse(av[0], false, &p->local)) {
		myc_error("invalid local address \"%s\"", av[0]);
		return 1;
	}
	if (myc_inaddr_parse(av[1], true, &p->remote)) {
		myc_error("invalid remote address \"%s\" (ADDR, ADDR:PORT or [ADDR6]:PORT)",
			  av[1]);
		return 1;
	}
	if (p->local.family != p->remote.family) {
		myc_error("path %s %s mixes IPv4 and IPv6", av[0], av[1]);
		return 1;
	}
	ac -= 2;
	av += 2;
	while (ac > 0) {
		if (!strcmp(av[0], "dev")) {
			if (ac < 2) {
				myc_error("\"dev\" needs an interface name");
				return 1;
			}
			p->ifindex = if_nametoindex(av[1]);
			if (!p->ifindex) {
				myc_error("no interface \"%s\"", av[1]);
				return 1;
			}
			ac -= 2;
			av += 2;
		} else if (matches(av[0], "enabled") ||
			   matches(av[0], "disabled")) {
			p->enabled = matches(av[0], "enabled");
			ac--;
			av++;
		} else {
			break;
		}
	}
	*argc = ac;
	*argv = av;
	return 0;
}

static uint16_t addr_len(const struct myc_inaddr *a)
{
	return a->family == AF_INET ? 4 : 16;
}

void myc_path_put(struct nlmsghdr *nlh, const struct myc_path_spec *p)
{
	mnl_attr_put(nlh, MYC_A_PATH_LOCAL, addr_len(&p->local), p->local.addr);
	mnl_attr_put(nlh, MYC_A_PATH_REMOTE, addr_len(&p->remote),
		     p->remote.addr);
	if (p->remote.port)
		mnl_attr_put_u16(nlh, MYC_A_PATH_REMOTE_PORT, p->remote.port);
	if (p->ifindex)
		mnl_attr_put_u32(nlh, MYC_A_PATH_IFINDEX, p->ifindex);
	if (p->enabled >= 0)
		mnl_attr_put_u8(nlh, MYC_A_PATH_ENABLED, (uint8_t)p->enabled);
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

/* A u32 of microseconds: the number in JSON, milliseconds in text. */
static void print_us(const char *key, const char *fmt, const struct nlattr *a)
{
	uint32_t us;
	char t[16];

	if (!a)
		return;
	us = mnl_attr_get_u32(a);
	snprintf(t, sizeof(t), "%" PRIu32 ".%03" PRIu32, us / 1000, us % 1000);
	out_u64_as(key, us, fmt, t);
}

void myc_path_print(const struct nlattr *nest, const char *peer,
		    const char *indent, const char *stats_indent)
{
	const struct nlattr *tb[MYC_A_PATH_MAX + 1] = {};
	const struct nlattr *a, *remote;
	bool v6;

	myc_nl_parse_nested(nest, tb, MYC_A_PATH_MAX);
	remote = tb[MYC_A_PATH_REMOTE];
	v6 = remote && mnl_attr_get_payload_len(remote) == 16;

	out_open_object(NULL);
	out_text(indent);
	if (peer)
		out_str("peer", "peer %s ", peer);
	a = myc_attr(tb, MYC_A_PATH_ID, MNL_TYPE_U32);
	if (a)
		out_u64("id", "path %" PRIu64, mnl_attr_get_u32(a));
	print_addr("local", " %s", tb[MYC_A_PATH_LOCAL]);
	print_addr("remote", v6 ? " -> [%s]" : " -> %s", remote);
	a = myc_attr(tb, MYC_A_PATH_REMOTE_PORT, MNL_TYPE_U16);
	if (a)
		out_u64("remote-port", ":%" PRIu64, mnl_attr_get_u16(a));
	a = myc_attr(tb, MYC_A_PATH_IFINDEX, MNL_TYPE_U32);
	if (a) {
		char name[IF_NAMESIZE];

		if (if_indextoname(mnl_attr_get_u32(a), name))
			out_str("dev", " dev %s", name);
		else
			out_u64("ifindex", " ifindex %" PRIu64,
				mnl_attr_get_u32(a));
	}
	a = myc_attr(tb, MYC_A_PATH_STATE, MNL_TYPE_U8);
	if (a)
		out_str("state", " state %s",
			myc_path_state_name(mnl_attr_get_u8(a)));
	a = myc_attr(tb, MYC_A_PATH_ENABLED, MNL_TYPE_U8);
	if (a) {
		out_bool("enabled", NULL, mnl_attr_get_u8(a));
		if (!mnl_attr_get_u8(a))
			out_text(" disabled");
	}
	a = myc_attr(tb, MYC_A_PATH_SRTT, MNL_TYPE_U32);
	if (a && (out_is_json() || mnl_attr_get_u32(a))) {
		/* text: no RTT before the first sample (srtt 0) */
		print_us("srtt", " srtt %sms", a);
		print_us("rttvar", " rttvar %sms",
			 myc_attr(tb, MYC_A_PATH_RTTVAR, MNL_TYPE_U32));
	}
	a = myc_attr(tb, MYC_A_PATH_IN_FLIGHT, MNL_TYPE_U32);
	if (a)
		out_u64("in-flight", " in-flight %" PRIu64, mnl_attr_get_u32(a));
	a = myc_attr(tb, MYC_A_PATH_LOSS, MNL_TYPE_U32);
	if (a) {
		uint32_t pm = mnl_attr_get_u32(a);	/* per mille */
		char t[16];

		snprintf(t, sizeof(t), "%" PRIu32 ".%" PRIu32, pm / 10, pm % 10);
		out_u64_as("loss", pm, " loss %s%%", t);
	}
	out_text("\n");
	if (opts.stats)
		myc_print_stats(tb[MYC_A_PATH_STATS], stats_indent);
	out_close_object();
}

struct path_filter {
	bool has_id;
	uint32_t id;
	unsigned int found;
};

static bool path_wanted(const struct nlattr *nest, const struct path_filter *f)
{
	const struct nlattr *tb[MYC_A_PATH_MAX + 1] = {};
	const struct nlattr *id;

	if (!f->has_id)
		return true;
	myc_nl_parse_nested(nest, tb, MYC_A_PATH_MAX);
	id = myc_attr(tb, MYC_A_PATH_ID, MNL_TYPE_U32);
	return id && mnl_attr_get_u32(id) == f->id;
}

static int path_show_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[MYC_A_PEER_MAX + 1] = {};
	char peer[MYC_NODE_ID_STRLEN];
	struct path_filter *f = data;
	const struct nlattr *a;

	if (myc_nl_parse(nlh, tb, MYC_A_PEER_MAX) < 0 ||
	    !myc_attr(tb, MYC_A_PEER_ID, MNL_TYPE_U64))
		return MNL_CB_ERROR;
	myc_node_id_fmt(mnl_attr_get_u64(tb[MYC_A_PEER_ID]), peer);
	mnl_attr_for_each(a, nlh, sizeof(struct genlmsghdr)) {
		if (mnl_attr_get_type(a) != MYC_A_PEER_PATH ||
		    !path_wanted(a, f))
			continue;
		f->found++;
		myc_path_print(a, peer, "", "    ");
	}
	return MNL_CB_OK;
}

static int parse_path_id(const char *s, uint32_t *id)
{
	if (myc_u32_parse(s, UINT32_MAX, id) || !*id) {
		myc_error("invalid path id \"%s\" (1 or more, see \"myc path show\")",
			  s);
		return 1;
	}
	return 0;
}

static int path_show(int argc, char **argv)
{
	struct path_filter f = {};
	struct myc_nl h;
	uint64_t peer = 0;

	if (argc > 0 && matches(argv[0], "help"))
		return path_help(0, NULL);
	if (argc > 2) {
		myc_error("\"path show\" takes at most PEER_ID and PATH_ID");
		return 1;
	}
	if (argc > 0 && myc_parse_node_id(argv[0], &peer))
		return 1;
	if (argc > 1 && parse_path_id(argv[1], &f.id))
		return 1;
	f.has_id = argc > 1;
	if (myc_open(&h))
		return 1;
	if (myc_show_close(&h, myc_peer_get_msg(&h, peer), path_show_cb, &f))
		return 1;
	if (f.has_id && !f.found) {
		myc_error("no such path");
		return 1;
	}
	return 0;
}

/*
 * The request of cmd for the peer, once nothing is left of the command line;
 * NULL after printing the error.
 */
static struct nlmsghdr *path_msg(struct myc_nl *h, uint8_t cmd, uint64_t peer,
				 int argc, char **argv)
{
	struct nlmsghdr *nlh;

	if (argc > 0) {
		myc_error("unknown argument \"%s\", try \"myc path help\"",
			  argv[0]);
		return NULL;
	}
	if (myc_open(h))
		return NULL;
	nlh = myc_nl_msg(h, cmd, 0);
	mnl_attr_put_u64(nlh, MYC_A_PATH_PEER, peer);
	return nlh;
}

static int path_add(int argc, char **argv)
{
	struct myc_path_spec p;
	struct nlmsghdr *nlh;
	struct myc_nl h;
	uint64_t peer;

	if (argc < 1) {
		myc_error("PEER_ID missing, try \"myc path help\"");
		return 1;
	}
	if (myc_parse_node_id(argv[0], &peer))
		return 1;
	argc--, argv++;
	if (myc_path_parse(&argc, &argv, &p))
		return 1;
	nlh = path_msg(&h, MYC_CMD_PATH_ADD, peer, argc, argv);
	if (!nlh)
		return 1;
	myc_path_put(nlh, &p);
	return myc_talk_close(&h, nlh, NULL, NULL);
}

/* del: PEER_ID PATH_ID; set: PEER_ID PATH_ID { enabled | disabled }. */
static int path_modify(int argc, char **argv, uint8_t cmd)
{
	struct nlmsghdr *nlh;
	struct myc_nl h;
	int enabled = -1;
	uint64_t peer;
	uint32_t id;

	if (argc < 2) {
		myc_error("PEER_ID and PATH_ID needed, try \"myc path help\"");
		return 1;
	}
	if (myc_parse_node_id(argv[0], &peer) || parse_path_id(argv[1], &id))
		return 1;
	argc -= 2, argv += 2;
	if (cmd == MYC_CMD_PATH_SET) {
		if (argc < 1) {
			myc_error("nothing to set, try \"myc path help\"");
			return 1;
		}
		if (matches(argv[0], "enabled") || matches(argv[0], "disabled")) {
			enabled = matches(argv[0], "enabled");
			argc--, argv++;
		}
	}
	nlh = path_msg(&h, cmd, peer, argc, argv);
	if (!nlh)
		return 1;
	mnl_attr_put_u32(nlh, MYC_A_PATH_ID, id);
	if (enabled >= 0)
		mnl_attr_put_u8(nlh, MYC_A_PATH_ENABLED, (uint8_t)enabled);
	return myc_talk_close(&h, nlh, NULL, NULL);
}

static int path_del(int argc, char **argv)
{
	return path_modify(argc, argv, MYC_CMD_PATH_DEL);
}

static int path_set(int argc, char **argv)
{
	return path_modify(argc, argv, MYC_CMD_PATH_SET);
}

static const struct myc_handler path_cmds[] = {
	{ "show", path_show },
	{ "list", path_show },
	{ "add", path_add },
	{ "set", path_set },
	{ "delete", path_del },
	{ "help", path_help },
	{ NULL, NULL },
};

int do_path(int argc, char **argv)
{
	return myc_dispatch(path_cmds, "path", "show", argc, argv);
}
