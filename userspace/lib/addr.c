// SPDX-License-Identifier: GPL-2.0
/* Node ids and numbers on the command line. */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "libmyc.h"

/* 1 to 16 hex digits, optionally prefixed by 0x. */
int myc_node_id_parse(const char *s, uint64_t *id)
{
	uint64_t v = 0;
	size_t n = 0;

	if (!strncmp(s, "0x", 2) || !strncmp(s, "0X", 2))
		s += 2;
	for (; *s; s++, n++) {
		int d;

		if (*s >= '0' && *s <= '9')
			d = *s - '0';
		else if (*s >= 'a' && *s <= 'f')
			d = *s - 'a' + 10;
		else if (*s >= 'A' && *s <= 'F')
			d = *s - 'A' + 10;
		else
			return -EINVAL;
		if (n == 16)
			return -EINVAL;
		v = v << 4 | (uint64_t)d;
	}
	if (!n)
		return -EINVAL;
	*id = v;
	return 0;
}

char *myc_node_id_fmt(uint64_t id, char buf[MYC_NODE_ID_STRLEN])
{
	snprintf(buf, MYC_NODE_ID_STRLEN, "%016" PRIx64, id);
	return buf;
}

/* A decimal number in [0, max]. */
int myc_u32_parse(const char *s, uint32_t max, uint32_t *v)
{
	unsigned long long x;
	char *end;

	if (!*s || *s == '-' || *s == '+' || *s == ' ')
		return -EINVAL;
	errno = 0;
	x = strtoull(s, &end, 10);
	if (errno || *end || x > max)
		return -EINVAL;
	*v = (uint32_t)x;
	return 0;
}

/* Bytes: a decimal number with an optional binary suffix, in [min, max]. */
int myc_size_parse(const char *s, uint32_t min, uint32_t max, uint32_t *v)
{
	static const char *const units[] = { "k", "m", "g" };
	unsigned long long x, mult = 1;
	unsigned int i;
	char *end;

	if (!*s || *s == '-' || *s == '+' || *s == ' ')
		return -EINVAL;
	errno = 0;
	x = strtoull(s, &end, 10);
	if (errno || end == s)
		return -EINVAL;
	if (*end) {
		for (i = 0; i < 3; i++) {
			if (tolower((unsigned char)*end) != units[i][0])
				continue;
			if (!end[1] || !strcasecmp(end + 1, "b") ||
			    !strcasecmp(end + 1, "ib"))
				mult = 1ULL << (10 * (i + 1));
			break;
		}
		if (mult == 1)
			return -EINVAL;
	}
	if (x > max / mult || x * mult < min)
		return -EINVAL;
	*v = (uint32_t)(x * mult);
	return 0;
}

/* Milliseconds: a decimal number, optionally followed by "ms", in [min, max]. */
int myc_ms_parse(const char *s, uint32_t min, uint32_t max, uint32_t *v)
{
	size_t len = strlen(s);
	char num[16];
	uint32_t x;

	if (len > 2 && !strcmp(s + len - 2, "ms"))
		len -= 2;
	if (!len || len >= sizeof(num))
		return -EINVAL;
	memcpy(num, s, len);
	num[len] = '\0';
	if (myc_u32_parse(num, max, &x) || x < min)
		return -EINVAL;
	*v = x;
	return 0;
}
