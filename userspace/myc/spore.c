// SPDX-License-Identifier: GPL-2.0
/*
 * myc spore: the spores the node holds (and the ones it rejected lately),
 * publishing one through myceliumd, and forgetting one.
 *
 * publish waits for the verdict: it listens on the events group before it
 * asks, and returns when the spore event of its id comes (accepted: 0;
 * rejected: 1 with the reason the node shows for it), or after 5 s.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <linux/genetlink.h>

#include "myc.h"

#define PUBLISH_WAIT_MS	5000

static void spore_usage(FILE *f)
{
	fprintf(f,
		"Usage: myc spore { list | show }\n"
		"       myc spore show ID\n"
		"       myc spore publish ID [ type TYPE ] [ ttl SECONDS ] [ DATA ]\n"
		"       myc spore del ID\n"
		"       myc spore help\n"
		"where  ID := 1-64 of A-Z a-z 0-9 . _ - : /\n"
		"       TYPE := { primary | seed | latent } (default latent)\n"
		"       SECONDS := 1..2592000 (latent: ..300; default 300, else 3600)\n"
		"       DATA := { text STRING | hex HEX | file PATH }\n");
}

static int spore_help(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	spore_usage(stdout);
	return 0;
}

static void print_hex(const char *key, const uint8_t *p, size_t n)
{
	char *hex = malloc(n * 2 + 1);

	if (!hex)
		return;
	for (size_t i = 0; i < n; i++)
		sprintf(hex + 2 * i, "%02x", p[i]);
	hex[n * 2] = '\0';
	out_str(key, " %s", hex);
	free(hex);
}

static bool printable(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] < 0x20 || p[i] > 0x7e)
			return false;
	return true;
}

static const char *const check_keys[] = {
	"check-crypto", "check-temporal", "check-consistency", "check-trust",
};
static const char *const check_words[] = {
	"cryptographic", "temporal", "consistency", "trust",
};

static int spore_print_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[MYC_A_SPORE_MAX + 1] = {};
	const struct nlattr *a, *id, *st;
	bool detail = data != NULL;
	char node[MYC_NODE_ID_STRLEN];
	uint64_t now = (uint64_t)time(NULL) * 1000;

	if (myc_nl_parse(nlh, tb, MYC_A_SPORE_MAX) < 0)
		return MNL_CB_ERROR;
	id = myc_attr(tb, MYC_A_SPORE_ID, MNL_TYPE_NUL_STRING);
	st = myc_attr(tb, MYC_A_SPORE_STATE, MNL_TYPE_U8);
	if (!id || !st)
		return MNL_CB_ERROR;
	out_open_object(NULL);
	out_str("id", "%s", mnl_attr_get_str(id));
	if ((a = myc_attr(tb, MYC_A_SPORE_TYPE, MNL_TYPE_U8)))
		out_str("type", " %s", myc_spore_type_name(mnl_attr_get_u8(a)));
	if ((a = myc_attr(tb, MYC_A_SPORE_KIND, MNL_TYPE_U8)))
		out_str("kind", " %s", myc_spore_kind_name(mnl_attr_get_u8(a)));
	out_str("state", " %s", myc_spore_state_name(mnl_attr_get_u8(st)));
	if ((a = myc_attr(tb, MYC_A_SPORE_ORIGIN, MNL_TYPE_U64)))
		out_str("origin", " origin %s",
			myc_node_id_fmt(mnl_attr_get_u64(a), node));
	if ((a = myc_attr(tb, MYC_A_SPORE_VERSION, MNL_TYPE_U64)))
		out_u64("version", " version %" PRIu64, mnl_attr_get_u64(a));
	if ((a = myc_attr(tb, MYC_A_SPORE_FROM, MNL_TYPE_U64))) {
		uint64_t from = mnl_attr_get_u64(a);

		if (from)
			out_str("from", " from %s", myc_node_id_fmt(from, node));
		else
			out_str("from", " from %s", "self");
	}
	if ((a = myc_attr(tb, MYC_A_SPORE_EXPIRES, MNL_TYPE_U64))) {
		uint64_t exp = mnl_attr_get_u64(a);
		char text[48];

		snprintf(text, sizeof(text), " expires %" PRIu64 "s",
			 exp > now ? (exp - now) / 1000 : 0);
		out_u64_as("expires", exp, "%s", text);
	}
	if ((a = myc_attr(tb, MYC_A_SPORE_TIMESTAMP, MNL_TYPE_U64)))
		out_u64("timestamp", NULL, mnl_attr_get_u64(a));
	if ((a = myc_attr(tb, MYC_A_SPORE_TTL, MNL_TYPE_U32)))
		out_u64("ttl", NULL, mnl_attr_get_u32(a));
	if ((a = myc_attr(tb, MYC_A_SPORE_RECEIVED, MNL_TYPE_U64)))
		out_u64("received", NULL, mnl_attr_get_u64(a));
	if ((a = myc_attr(tb, MYC_A_SPORE_LEN, MNL_TYPE_U32)))
		out_u64("len", detail ? " len %" PRIu64 : NULL,
			mnl_attr_get_u32(a));
	if ((a = myc_attr(tb, MYC_A_SPORE_TRUST, MNL_TYPE_U32)))
		out_u64("trust", detail ? " trust %" PRIu64 : NULL,
			mnl_attr_get_u32(a));
	if ((a = myc_attr(tb, MYC_A_SPORE_RULE, MNL_TYPE_U8)) &&
	    (mnl_attr_get_u8(a) || out_is_json()))
		out_str("rule", " conflict-rule %s",
			myc_spore_rule_name(mnl_attr_get_u8(a)));
	out_text("\n");
	if (detail)
		out_text("    checks:");
	for (int i = 0; i < 4; i++) {
		a = myc_attr(tb, MYC_A_SPORE_CHECK_CRYPTO + i, MNL_TYPE_U8);
		if (!a)
			continue;
		if (detail && !out_is_json())
			printf(" %s %s", check_words[i],
			       myc_spore_check_name(mnl_attr_get_u8(a)));
		else
			out_str(check_keys[i], NULL,
				myc_spore_check_name(mnl_attr_get_u8(a)));
	}
	if (detail)
		out_text("\n");
	if ((a = myc_attr(tb, MYC_A_SPORE_REASON, MNL_TYPE_NUL_STRING)))
		out_str("reason", "    reason %s\n", mnl_attr_get_str(a));
	if ((a = myc_attr(tb, MYC_A_SPORE_DIGEST, MNL_TYPE_BINARY)) &&
	    mnl_attr_get_payload_len(a) == MYC_SPORE_DIGEST_LEN &&
	    (detail || out_is_json())) {
		out_text("   ");
		print_hex("digest", mnl_attr_get_payload(a),
			  MYC_SPORE_DIGEST_LEN);
		out_text("\n");
	}
	if ((a = myc_attr(tb, MYC_A_SPORE_PAYLOAD, MNL_TYPE_BINARY))) {
		const uint8_t *p = mnl_attr_get_payload(a);
		size_t n = mnl_attr_get_payload_len(a);

		if (printable(p, n)) {
			char *text = strndup((const char *)p, n);

			if (text)
				out_str("text", "    text %s\n", text);
			free(text);
		} else {
			out_text("   ");
			print_hex("payload", p, n);
			out_text("\n");
		}
	}
	out_close_object();
	return MNL_CB_OK;
}

static int spore_show(int argc, char **argv)
{
	struct nlmsghdr *nlh;
	struct myc_nl h;

	if (argc > 1) {
		myc_error("\"spore show\" takes one ID at most");
		return 1;
	}
	if (myc_open(&h))
		return 1;
	if (!argc)
		return myc_show_close(&h, myc_nl_msg(&h, MYC_CMD_SPORE_GET,
						     NLM_F_DUMP),
				      spore_print_cb, NULL);
	nlh = myc_nl_msg(&h, MYC_CMD_SPORE_GET, 0);
	mnl_attr_put_strz(nlh, MYC_A_SPORE_ID, argv[0]);
	return myc_show_close(&h, nlh, spore_print_cb, (void *)1);
}

static int spore_del(int argc, char **argv)
{
	struct nlmsghdr *nlh;
	struct myc_nl h;

	if (argc != 1) {
		myc_error("\"spore del\" needs one ID");
		return 1;
	}
	if (myc_open(&h))
		return 1;
	nlh = myc_nl_msg(&h, MYC_CMD_SPORE_DEL, 0);
	mnl_attr_put_strz(nlh, MYC_A_SPORE_ID, argv[0]);
	return myc_talk_close(&h, nlh, NULL, NULL);
}

/* "hex" data: pairs of hex digits. */
static int parse_hex(const char *s, uint8_t *out, size_t max, size_t *n)
{
	size_t len = strlen(s);

	if (len % 2 || len / 2 > max)
		return -1;
	for (size_t i = 0; i < len / 2; i++) {
		unsigned int v;

		if (sscanf(s + 2 * i, "%2x", &v) != 1 ||
		    !strchr("0123456789abcdefABCDEF", s[2 * i]) ||
		    !strchr("0123456789abcdefABCDEF", s[2 * i + 1]))
			return -1;
		out[i] = (uint8_t)v;
	}
	*n = len / 2;
	return 0;
}

static int read_file(const char *path, uint8_t *out, size_t max, size_t *n)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t r;

	if (fd < 0) {
		myc_error("%s: %s", path, strerror(errno));
		return -1;
	}
	*n = 0;
	while ((r = read(fd, out + *n, max + 1 - *n)) > 0) {
		*n += (size_t)r;
		if (*n > max)
			break;
	}
	close(fd);
	if (r < 0) {
		myc_error("%s: %s", path, strerror(errno));
		return -1;
	}
	if (*n > max) {
		myc_error("%s: more than %d bytes", path, MYC_SPORE_PAYLOAD_MAX);
		return -1;
	}
	return 0;
}

struct wait_verdict {
	const char *id;
	int state;		/* 0 until the event came */
};

static int verdict_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct genlmsghdr *g = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *tb[MYC_A_EVENT_MAX + 1] = {};
	struct wait_verdict *w = data;
	const struct nlattr *t, *id, *st;

	if (g->cmd != MYC_CMD_EVENT_NTF ||
	    myc_nl_parse(nlh, tb, MYC_A_EVENT_MAX) < 0)
		return MNL_CB_OK;
	t = myc_attr(tb, MYC_A_EVENT_TYPE, MNL_TYPE_U8);
	id = myc_attr(tb, MYC_A_EVENT_SPORE_ID, MNL_TYPE_NUL_STRING);
	st = myc_attr(tb, MYC_A_EVENT_STATE, MNL_TYPE_U8);
	if (!t || !id || !st || mnl_attr_get_u8(t) != MYC_EV_SPORE ||
	    strcmp(mnl_attr_get_str(id), w->id))
		return MNL_CB_OK;
	if (mnl_attr_get_u8(st) != MYC_SPORE_ACCEPTED &&
	    mnl_attr_get_u8(st) != MYC_SPORE_REJECTED)
		return MNL_CB_OK;
	w->state = mnl_attr_get_u8(st);
	return MNL_CB_STOP;
}

static int reason_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[MYC_A_SPORE_MAX + 1] = {};
	const struct nlattr *r;

	if (myc_nl_parse(nlh, tb, MYC_A_SPORE_MAX) >= 0 &&
	    (r = myc_attr(tb, MYC_A_SPORE_REASON, MNL_TYPE_NUL_STRING)))
		snprintf(data, 256, "%s", mnl_attr_get_str(r));
	return MNL_CB_OK;
}

static int spore_publish(int argc, char **argv)
{
	static uint8_t payload[MYC_SPORE_PAYLOAD_MAX + 1];
	struct wait_verdict w = {};
	int type = MYC_SPORE_LATENT, err;
	struct myc_nl ev, h;
	struct nlmsghdr *nlh;
	char reason[256] = "";
	uint32_t ttl = 0;
	size_t plen = 0;
	uint64_t waited = 0;

	if (argc < 1) {
		myc_error("\"spore publish\" needs an ID, try \"myc spore help\"");
		return 1;
	}
	w.id = argv[0];
	argc--, argv++;
	while (argc > 0) {
		if (matches(*argv, "type")) {
			NEXT_ARG("type");
			type = myc_spore_type_parse(*argv);
			if (type < 0) {
				myc_error("invalid type \"%s\" (primary, seed or latent)",
					  *argv);
				return 1;
			}
		} else if (matches(*argv, "ttl")) {
			NEXT_ARG("ttl");
			if (myc_u32_parse(*argv, MYC_SPORE_TTL_MAX, &ttl) || !ttl) {
				myc_error("invalid ttl \"%s\" (1..%d seconds)",
					  *argv, MYC_SPORE_TTL_MAX);
				return 1;
			}
		} else if (matches(*argv, "text")) {
			NEXT_ARG("text");
			plen = strlen(*argv);
			if (plen > MYC_SPORE_PAYLOAD_MAX) {
				myc_error("text longer than %d bytes",
					  MYC_SPORE_PAYLOAD_MAX);
				return 1;
			}
			memcpy(payload, *argv, plen);
		} else if (matches(*argv, "hex")) {
			NEXT_ARG("hex");
			if (parse_hex(*argv, payload, MYC_SPORE_PAYLOAD_MAX,
				      &plen)) {
				myc_error("invalid hex data (pairs of hex digits, %d bytes at most)",
					  MYC_SPORE_PAYLOAD_MAX);
				return 1;
			}
		} else if (matches(*argv, "file")) {
			NEXT_ARG("file");
			if (read_file(*argv, payload, MYC_SPORE_PAYLOAD_MAX,
				      &plen))
				return 1;
		} else if (matches(*argv, "help")) {
			spore_usage(stdout);
			return 0;
		} else {
			myc_error("unknown argument \"%s\", try \"myc spore help\"",
				  *argv);
			return 1;
		}
		argc--, argv++;
	}

	/* listen before asking, so that the verdict cannot be missed */
	if (myc_open(&ev))
		return 1;
	err = myc_nl_join(&ev, MYC_MCGRP_EVENTS);
	if (err) {
		myc_error("cannot listen to events: %s", strerror(-err));
		myc_nl_close(&ev);
		return 1;
	}
	if (myc_open(&h)) {
		myc_nl_close(&ev);
		return 1;
	}
	nlh = myc_nl_msg(&h, MYC_CMD_SPORE_PUBLISH, 0);
	mnl_attr_put_strz(nlh, MYC_A_SPORE_ID, w.id);
	mnl_attr_put_u8(nlh, MYC_A_SPORE_TYPE, (uint8_t)type);
	if (ttl)
		mnl_attr_put_u32(nlh, MYC_A_SPORE_TTL, ttl);
	mnl_attr_put(nlh, MYC_A_SPORE_PAYLOAD, plen, payload);
	if (myc_talk_close(&h, nlh, NULL, NULL)) {
		myc_nl_close(&ev);
		return 1;
	}
	while (!w.state && waited < PUBLISH_WAIT_MS) {
		struct pollfd pfd = {
			.fd = mnl_socket_get_fd(ev.sock), .events = POLLIN,
		};

		if (poll(&pfd, 1, 100) > 0)
			myc_nl_recv(&ev, verdict_cb, &w);
		waited += 100;
	}
	myc_nl_close(&ev);
	if (!w.state) {
		myc_error("no verdict on spore \"%s\" within %d s (is myceliumd running?)",
			  w.id, PUBLISH_WAIT_MS / 1000);
		return 1;
	}
	if (w.state == MYC_SPORE_ACCEPTED) {
		out_open_object(NULL);
		out_str("id", "spore %s", w.id);
		out_str("state", " %s\n", "accepted");
		out_close_object();
		out_flush();
		return 0;
	}
	if (!myc_open(&h)) {
		nlh = myc_nl_msg(&h, MYC_CMD_SPORE_GET, 0);
		mnl_attr_put_strz(nlh, MYC_A_SPORE_ID, w.id);
		myc_nl_talk(&h, nlh, reason_cb, reason);
		myc_nl_close(&h);
	}
	myc_error("spore \"%s\" rejected%s%s", w.id, reason[0] ? ": " : "",
		  reason);
	return 1;
}

static const struct myc_handler spore_cmds[] = {
	{ "show", spore_show },
	{ "list", spore_show },
	{ "publish", spore_publish },
	{ "del", spore_del },
	{ "delete", spore_del },
	{ "help", spore_help },
	{ NULL, NULL },
};

int do_spore(int argc, char **argv)
{
	return myc_dispatch(spore_cmds, "spore", "show", argc, argv);
}
