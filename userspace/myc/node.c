// SPDX-License-Identifier: GPL-2.0
/* myc node: this netns's node (id, type, UDP port, trust settings). */
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
		"                    [ insecure { on | off } ] [ encryption-caps LEVELS ]\n"
		"                    [ compression-caps LEVELS ] [ rekey-time SECONDS ]\n"
		"                    [ rekey-frames N ] [ session-time SECONDS ]\n"
		"                    [ spore-limit SPORES ] [ reasm-peer-max BYTES ]\n"
		"                    [ reasm-node-max BYTES ]\n"
		"       myc node help\n"
		"where  NODE_ID := 1 to 16 hex digits, not 0\n"
		"       TYPE := { sclerotia | rhizomorph | hyphae }\n"
		"       PORT := UDP port of the node's bearer, 1..65535\n"
		"       LEVELS := LEVEL[,LEVEL]... | all: the levels the node offers\n"
		"                 (encryption: minimal, standard, high; minimal always;\n"
		"                  compression: low, medium, high; none always)\n"
		"       SECONDS := 1..%d (defaults: rekey-time %d, session-time %d)\n"
		"       N := frames, %d.. (default %u)\n"
		"       the kernel updates a session's keys after rekey-time or\n"
		"       rekey-frames; myceliumd runs a new handshake after session-time\n"
		"       SPORES := spores the node holds at most, 1..%d (default %d)\n"
		"       BYTES := N[k|m|g], %dm..%dg: memory partial messages hold\n"
		"                at most, of one peer (default %dm) and of all\n"
		"                peers (default %dm); reasm-peer-max <= reasm-node-max\n",
		MYC_MAX_REKEY_TIME_S, MYC_DEFAULT_REKEY_TIME_S,
		MYC_DEFAULT_SESSION_TIME_S,
		MYC_MIN_REKEY_FRAMES, MYC_DEFAULT_REKEY_FRAMES,
		MYC_MAX_SPORE_LIMIT, MYC_DEFAULT_SPORE_LIMIT,
		MYC_MIN_REASM_MAX >> 20, MYC_MAX_REASM_MAX >> 30,
		MYC_DEFAULT_REASM_PEER_MAX >> 20,
		MYC_DEFAULT_REASM_NODE_MAX >> 20);
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

/* "minimal,standard" from a bitmask of levels named by name(). */
static void caps_fmt(char *buf, size_t size, unsigned int mask,
		     const char *(*name)(unsigned int))
{
	size_t n = 0;
	unsigned int i;

	buf[0] = 0;
	for (i = 0; i < 8; i++)
		if (mask & (1u << i))
			n += (size_t)snprintf(buf + n, n < size ? size - n : 0,
					      "%s%s", n ? "," : "", name(i));
}

/* The second line: trust settings (a kernel without them: nothing). */
void myc_node_print_trust(const struct nlattr *const tb[])
{
	const struct nlattr *a;
	char caps[64];

	a = myc_attr(tb, MYC_A_NODE_INSECURE, MNL_TYPE_U8);
	if (!a)
		return;
	out_text("\n   ");
	out_bool("insecure", mnl_attr_get_u8(a) ? " insecure" : NULL,
		 mnl_attr_get_u8(a));
	a = myc_attr(tb, MYC_A_NODE_ENC_CAPS, MNL_TYPE_U8);
	if (a) {
		caps_fmt(caps, sizeof(caps), mnl_attr_get_u8(a),
			 myc_encryption_name);
		out_str("encryption-caps", " encryption-caps %s", caps);
	}
	a = myc_attr(tb, MYC_A_NODE_COMP_CAPS, MNL_TYPE_U8);
	if (a) {
		caps_fmt(caps, sizeof(caps), mnl_attr_get_u8(a),
			 myc_compression_name);
		out_str("compression-caps", " compression-caps %s", caps);
	}
	a = myc_attr(tb, MYC_A_NODE_REKEY_TIME, MNL_TYPE_U32);
	if (a)
		out_u64("rekey-time", " rekey-time %" PRIu64 "s",
			mnl_attr_get_u32(a));
	a = myc_attr(tb, MYC_A_NODE_REKEY_FRAMES, MNL_TYPE_U32);
	if (a)
		out_u64("rekey-frames", " rekey-frames %" PRIu64,
			mnl_attr_get_u32(a));
	a = myc_attr(tb, MYC_A_NODE_SESSION_TIME, MNL_TYPE_U32);
	if (a)
		out_u64("session-time", " session-time %" PRIu64 "s",
			mnl_attr_get_u32(a));
	a = myc_attr(tb, MYC_A_NODE_DAEMON, MNL_TYPE_U32);
	if (a) {
		out_u64("daemon", NULL, mnl_attr_get_u32(a));
		out_text(mnl_attr_get_u32(a) ? " daemon registered" :
					       " daemon none");
	}
	a = myc_attr(tb, MYC_A_NODE_SPORES, MNL_TYPE_U32);
	if (a)
		out_u64("spores", " spores %" PRIu64, mnl_attr_get_u32(a));
	a = myc_attr(tb, MYC_A_NODE_SPORE_LIMIT, MNL_TYPE_U32);
	if (a)
		out_u64("spore-limit", " spore-limit %" PRIu64,
			mnl_attr_get_u32(a));
}

/*
 * Reassembly memory: the bounds, and with -s what partial messages hold
 * now and how many were given up (a kernel without them: nothing).
 */
static void node_print_reasm(const struct nlattr *const tb[])
{
	const struct nlattr *a;

	a = myc_attr(tb, MYC_A_NODE_REASM_PEER_MAX, MNL_TYPE_U32);
	if (!a)
		return;
	out_text("\n   ");
	out_u64("reasm-peer-max", " reasm-peer-max %" PRIu64,
		mnl_attr_get_u32(a));
	a = myc_attr(tb, MYC_A_NODE_REASM_NODE_MAX, MNL_TYPE_U32);
	if (a)
		out_u64("reasm-node-max", " reasm-node-max %" PRIu64,
			mnl_attr_get_u32(a));
	if (!opts.stats)
		return;
	a = myc_attr(tb, MYC_A_NODE_REASM_MEM, MNL_TYPE_U32);
	if (a)
		out_u64("reasm-mem", " reasm-mem %" PRIu64,
			mnl_attr_get_u32(a));
	a = myc_attr(tb, MYC_A_NODE_REASM_PEER_MEM, MNL_TYPE_U32);
	if (a)
		out_u64("reasm-peer-mem", " reasm-peer-mem %" PRIu64,
			mnl_attr_get_u32(a));
	a = myc_attr(tb, MYC_A_NODE_REASM_DROPS, MNL_TYPE_U64);
	if (a)
		out_u64("reasm-drops", " reasm-drops %" PRIu64,
			mnl_attr_get_u64(a));
}

/* "LEVEL[,LEVEL]..." or "all" into a bitmask; -1 after an error. */
static int caps_parse(const char *what, const char *s,
		      int (*parse)(const char *), unsigned int all)
{
	char buf[128], *tok, *save = NULL;
	unsigned int mask = 0;
	int v;

	if (!strcmp(s, "all"))
		return (int)all;
	if (strlen(s) >= sizeof(buf)) {
		myc_error("invalid %s \"%s\"", what, s);
		return -1;
	}
	strcpy(buf, s);
	for (tok = strtok_r(buf, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		v = parse(tok);
		if (v < 0 || !(all & (1u << v))) {
			myc_error("invalid level \"%s\" in %s", tok, what);
			return -1;
		}
		mask |= 1u << v;
	}
	if (!mask) {
		myc_error("%s needs at least one level", what);
		return -1;
	}
	return (int)mask;
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
	myc_node_print_trust(tb);
	node_print_reasm(tb);
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

/* A key renewal time: 1..MYC_MAX_REKEY_TIME_S seconds. */
static int seconds_parse(const char *what, const char *arg, int64_t *out)
{
	uint32_t v;

	if (myc_u32_parse(arg, MYC_MAX_REKEY_TIME_S, &v) || !v) {
		myc_error("invalid %s \"%s\" (1..%d seconds)", what, arg,
			  MYC_MAX_REKEY_TIME_S);
		return 1;
	}
	*out = v;
	return 0;
}

static int node_set(int argc, char **argv)
{
	bool has_id = false, has_type = false, has_port = false;
	int insecure = -1, enc_caps = -1, comp_caps = -1;
	int64_t rekey_time = -1, rekey_frames = -1, spore_limit = -1;
	int64_t session_time = -1, reasm_peer = -1, reasm_node = -1;
	struct nlmsghdr *nlh;
	uint32_t port = 0, v;
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
		} else if (matches(*argv, "insecure")) {
			NEXT_ARG("insecure");
			if (!strcmp(*argv, "on")) {
				insecure = 1;
			} else if (!strcmp(*argv, "off")) {
				insecure = 0;
			} else {
				myc_error("invalid insecure \"%s\" (on or off)",
					  *argv);
				return 1;
			}
		} else if (matches(*argv, "encryption-caps")) {
			NEXT_ARG("encryption-caps");
			enc_caps = caps_parse("encryption-caps", *argv,
					      myc_encryption_parse,
					      MYC_ENC_CAPS_ALL);
			if (enc_caps < 0)
				return 1;
			enc_caps |= 1 << MYC_ENC_MINIMAL;
		} else if (matches(*argv, "compression-caps")) {
			NEXT_ARG("compression-caps");
			comp_caps = caps_parse("compression-caps", *argv,
					       myc_compression_parse,
					       MYC_COMP_CAPS_ALL);
			if (comp_caps < 0)
				return 1;
		} else if (matches(*argv, "rekey-time")) {
			NEXT_ARG("rekey-time");
			if (seconds_parse("rekey-time", *argv, &rekey_time))
				return 1;
		} else if (matches(*argv, "rekey-frames")) {
			NEXT_ARG("rekey-frames");
			if (myc_u32_parse(*argv, UINT32_MAX, &v) ||
			    v < MYC_MIN_REKEY_FRAMES) {
				myc_error("invalid rekey-frames \"%s\" (%d..%u)",
					  *argv, MYC_MIN_REKEY_FRAMES,
					  UINT32_MAX);
				return 1;
			}
			rekey_frames = v;
		} else if (matches(*argv, "spore-limit")) {
			NEXT_ARG("spore-limit");
			if (myc_u32_parse(*argv, MYC_MAX_SPORE_LIMIT, &v) || !v) {
				myc_error("invalid spore-limit \"%s\" (1..%d)",
					  *argv, MYC_MAX_SPORE_LIMIT);
				return 1;
			}
			spore_limit = v;
		} else if (!strcmp(*argv, "reasm-peer-max") ||
			   !strcmp(*argv, "reasm-node-max")) {
			const char *what = *argv;

			NEXT_ARG(what);
			if (myc_size_parse(*argv, MYC_MIN_REASM_MAX,
					   MYC_MAX_REASM_MAX, &v)) {
				myc_error("invalid %s \"%s\" (bytes, %dm..%dg)",
					  what, *argv, MYC_MIN_REASM_MAX >> 20,
					  MYC_MAX_REASM_MAX >> 30);
				return 1;
			}
			if (what[6] == 'p')
				reasm_peer = v;
			else
				reasm_node = v;
		} else if (matches(*argv, "session-time")) {
			NEXT_ARG("session-time");
			if (seconds_parse("session-time", *argv, &session_time))
				return 1;
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
	if (!has_id && !has_type && !has_port && insecure < 0 &&
	    enc_caps < 0 && comp_caps < 0 && rekey_time < 0 &&
	    rekey_frames < 0 && spore_limit < 0 && session_time < 0 &&
	    reasm_peer < 0 && reasm_node < 0) {
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
	if (insecure >= 0)
		mnl_attr_put_u8(nlh, MYC_A_NODE_INSECURE, (uint8_t)insecure);
	if (enc_caps >= 0)
		mnl_attr_put_u8(nlh, MYC_A_NODE_ENC_CAPS, (uint8_t)enc_caps);
	if (comp_caps >= 0)
		mnl_attr_put_u8(nlh, MYC_A_NODE_COMP_CAPS, (uint8_t)comp_caps);
	if (rekey_time >= 0)
		mnl_attr_put_u32(nlh, MYC_A_NODE_REKEY_TIME,
				 (uint32_t)rekey_time);
	if (rekey_frames >= 0)
		mnl_attr_put_u32(nlh, MYC_A_NODE_REKEY_FRAMES,
				 (uint32_t)rekey_frames);
	if (session_time >= 0)
		mnl_attr_put_u32(nlh, MYC_A_NODE_SESSION_TIME,
				 (uint32_t)session_time);
	if (spore_limit >= 0)
		mnl_attr_put_u32(nlh, MYC_A_NODE_SPORE_LIMIT,
				 (uint32_t)spore_limit);
	if (reasm_peer >= 0)
		mnl_attr_put_u32(nlh, MYC_A_NODE_REASM_PEER_MAX,
				 (uint32_t)reasm_peer);
	if (reasm_node >= 0)
		mnl_attr_put_u32(nlh, MYC_A_NODE_REASM_NODE_MAX,
				 (uint32_t)reasm_node);
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
