// SPDX-License-Identifier: GPL-2.0
/* Names of the UAPI enums, as used by myc and the netlink YAML spec. */
#include <string.h>

#include "libmyc.h"

static const char *const node_types[] = {
	[MYC_NODE_SCLEROTIA] = "sclerotia",
	[MYC_NODE_RHIZOMORPH] = "rhizomorph",
	[MYC_NODE_HYPHAE] = "hyphae",
};

static const char *const classes[] = {
	[MYC_CLASS_CONSENSUS] = "consensus",
	[MYC_CLASS_HEALTH] = "health",
	[MYC_CLASS_SERVICE] = "service",
	[MYC_CLASS_RESOURCE] = "resource",
	[MYC_CLASS_SPORE] = "spore",
};

static const char *const guarantees[] = {
	[MYC_GUARANTEE_BEST_EFFORT] = "best-effort",
	[MYC_GUARANTEE_HIGH] = "high",
	[MYC_GUARANTEE_GUARANTEED] = "guaranteed",
};

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static const char *name_of(const char *const *names, size_t n, unsigned int v)
{
	return v < n && names[v] ? names[v] : "unknown";
}

/* Exact name, or an unambiguous prefix of one. */
static int parse_name(const char *const *names, size_t n, const char *s)
{
	size_t len = strlen(s), i;
	int found = -1;

	if (!len)
		return -1;
	for (i = 0; i < n; i++) {
		if (!names[i])
			continue;
		if (!strcmp(names[i], s))
			return (int)i;
		if (!strncmp(names[i], s, len)) {
			if (found >= 0)
				return -1;
			found = (int)i;
		}
	}
	return found;
}

const char *myc_node_type_name(unsigned int type)
{
	return name_of(node_types, ARRAY_SIZE(node_types), type);
}

int myc_node_type_parse(const char *s)
{
	return parse_name(node_types, ARRAY_SIZE(node_types), s);
}

const char *myc_class_name(unsigned int cls)
{
	return name_of(classes, ARRAY_SIZE(classes), cls);
}

int myc_class_parse(const char *s)
{
	return parse_name(classes, ARRAY_SIZE(classes), s);
}

const char *myc_guarantee_name(unsigned int g)
{
	return name_of(guarantees, ARRAY_SIZE(guarantees), g);
}

int myc_guarantee_parse(const char *s)
{
	return parse_name(guarantees, ARRAY_SIZE(guarantees), s);
}
