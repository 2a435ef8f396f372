// SPDX-License-Identifier: GPL-2.0
/*
 * myc policy: the node's profile table, keyed by (local type, remote type).
 * "any" for either type means all three; a set then sends one request per
 * entry (up to nine) and stops at the first error.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "myc.h"

static void policy_usage(FILE *f)
{
	fprintf(f,
		"Usage: myc policy show [ LOCAL REMOTE ]\n"
		"       myc policy set LOCAL REMOTE [ profile PROFILE ]\n"
		"                      [ encryption ENCRYPTION ] [ compression COMPRESSION ]\n"
		"                      [ reliability RELIABILITY ]\n"
		"       myc policy help\n"
		"where  LOCAL, REMOTE := { sclerotia | rhizomorph | hyphae | any }\n"
		"       PROFILE := { high-performance | adaptive | standard | lightweight }\n"
		"       ENCRYPTION := { none | minimal | standard | high }\n"
		"                     (none: only between nodes set insecure)\n"
		"       COMPRESSION := { none | low | medium | high | negotiated }\n"
		"       RELIABILITY := { best-effort | high | guaranteed | negotiated }\n");
}

static int policy_help(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	policy_usage(stdout);
	return 0;
}

static int policy_print_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[MYC_A_POLICY_MAX + 1] = {};
	const struct nlattr *l, *r;

	(void)data;
	if (myc_nl_parse(nlh, tb, MYC_A_POLICY_MAX) < 0)
		return MNL_CB_ERROR;
	l = myc_attr(tb, MYC_A_POLICY_LOCAL, MNL_TYPE_U8);
	r = myc_attr(tb, MYC_A_POLICY_REMOTE, MNL_TYPE_U8);
	if (!l || !r)
		return MNL_CB_ERROR;
	out_open_object(NULL);
	out_str("local", "%-10s", myc_node_type_name(mnl_attr_get_u8(l)));
	out_str("remote", " %-10s", myc_node_type_name(mnl_attr_get_u8(r)));
	myc_profile_fields(tb, true);
	out_text("\n");
	out_close_object();
	return MNL_CB_OK;
}

/* A node type or "any" (-2); -1 after an error. */
static int parse_type(const char *what, const char *s)
{
	int t;

	if (!strcmp(s, "any"))
		return -2;
	t = myc_node_type_parse(s);
	if (t < 0)
		myc_error("invalid %s type \"%s\" (sclerotia, rhizomorph, hyphae or any)",
			  what, s);
	return t;
}

static int policy_show(int argc, char **argv)
{
	struct nlmsghdr *nlh;
	struct myc_nl h;
	int l, r;

	if (argc != 0 && argc != 2) {
		myc_error("\"policy show\" takes nothing or LOCAL REMOTE");
		return 1;
	}
	if (argc == 2) {
		l = parse_type("local", argv[0]);
		if (l == -1)
			return 1;
		r = parse_type("remote", argv[1]);
		if (r == -1)
			return 1;
		if (l < 0 || r < 0) {
			myc_error("\"any\" is for \"policy set\"; \"policy show\" shows all");
			return 1;
		}
	}
	if (myc_open(&h))
		return 1;
	if (argc == 0)
		return myc_show_close(&h, myc_nl_msg(&h, MYC_CMD_POLICY_GET,
						     NLM_F_DUMP),
				      policy_print_cb, NULL);
	nlh = myc_nl_msg(&h, MYC_CMD_POLICY_GET, 0);
	mnl_attr_put_u8(nlh, MYC_A_POLICY_LOCAL, (uint8_t)l);
	mnl_attr_put_u8(nlh, MYC_A_POLICY_REMOTE, (uint8_t)r);
	return myc_show_close(&h, nlh, policy_print_cb, NULL);
}

static const struct policy_setting {
	const char *name;
	uint16_t attr;
	int (*parse)(const char *s);
	const char *values;
} settings[] = {
	{ "profile", MYC_A_POLICY_PROFILE, myc_profile_parse,
	  "high-performance, adaptive, standard or lightweight" },
	{ "encryption", MYC_A_POLICY_ENCRYPTION, myc_encryption_parse,
	  "none, minimal, standard or high" },
	{ "compression", MYC_A_POLICY_COMPRESSION, myc_compression_parse,
	  "none, low, medium, high or negotiated" },
	{ "reliability", MYC_A_POLICY_RELIABILITY, myc_reliability_parse,
	  "best-effort, high, guaranteed or negotiated" },
};

static int policy_set(int argc, char **argv)
{
	int val[ARRAY_SIZE(settings)];
	int l, r, lt, rt, err = 0;
	bool any = false;
	unsigned int i;

	if (argc < 2) {
		myc_error("\"policy set\" needs LOCAL and REMOTE types, try \"myc policy help\"");
		return 1;
	}
	l = parse_type("local", argv[0]);
	if (l == -1)
		return 1;
	r = parse_type("remote", argv[1]);
	if (r == -1)
		return 1;
	argc -= 2, argv += 2;
	for (i = 0; i < ARRAY_SIZE(settings); i++)
		val[i] = -1;
	while (argc > 0) {
		for (i = 0; i < ARRAY_SIZE(settings); i++)
			if (matches(*argv, settings[i].name))
				break;
		if (i == ARRAY_SIZE(settings)) {
			if (matches(*argv, "help")) {
				policy_usage(stdout);
				return 0;
			}
			myc_error("unknown argument \"%s\", try \"myc policy help\"",
				  *argv);
			return 1;
		}
		NEXT_ARG(settings[i].name);
		val[i] = settings[i].parse(*argv);
		if (val[i] < 0) {
			myc_error("invalid %s \"%s\" (%s)", settings[i].name,
				  *argv, settings[i].values);
			return 1;
		}
		any = true;
		argc--, argv++;
	}
	if (!any) {
		myc_error("nothing to set, try \"myc policy help\"");
		return 1;
	}
	for (lt = 0; lt <= MYC_NODE_TYPE_MAX && !err; lt++) {
		for (rt = 0; rt <= MYC_NODE_TYPE_MAX && !err; rt++) {
			struct nlmsghdr *nlh;
			struct myc_nl h;

			if ((l >= 0 && lt != l) || (r >= 0 && rt != r))
				continue;
			if (myc_open(&h))
				return 1;
			nlh = myc_nl_msg(&h, MYC_CMD_POLICY_SET, 0);
			mnl_attr_put_u8(nlh, MYC_A_POLICY_LOCAL, (uint8_t)lt);
			mnl_attr_put_u8(nlh, MYC_A_POLICY_REMOTE, (uint8_t)rt);
			for (i = 0; i < ARRAY_SIZE(settings); i++)
				if (val[i] >= 0)
					mnl_attr_put_u8(nlh, settings[i].attr,
							(uint8_t)val[i]);
			err = myc_talk_close(&h, nlh, NULL, NULL);
		}
	}
	return err;
}

static const struct myc_handler policy_cmds[] = {
	{ "show", policy_show },
	{ "list", policy_show },
	{ "set", policy_set },
	{ "help", policy_help },
	{ NULL, NULL },
};

int do_policy(int argc, char **argv)
{
	return myc_dispatch(policy_cmds, "policy", "show", argc, argv);
}
