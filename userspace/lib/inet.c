// SPDX-License-Identifier: GPL-2.0
/* IPv4/IPv6 addresses with an optional port, as myc takes them. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "libmyc.h"

int myc_inaddr_parse(const char *s, bool allow_port, struct myc_inaddr *a)
{
	char host[INET6_ADDRSTRLEN + 2];
	const char *port = NULL, *end;
	size_t hl;

	memset(a, 0, sizeof(*a));
	if (s[0] == '[') {
		end = strchr(s, ']');
		if (!end)
			return -EINVAL;
		hl = (size_t)(end - s - 1);
		if (hl >= sizeof(host))
			return -EINVAL;
		memcpy(host, s + 1, hl);
		host[hl] = '\0';
		if (end[1] == ':')
			port = end + 2;
		else if (end[1])
			return -EINVAL;
	} else {
		const char *colon = strchr(s, ':');

		/* one colon: IPv4 with a port; more: a bare IPv6 address */
		if (colon && !strchr(colon + 1, ':')) {
			hl = (size_t)(colon - s);
			port = colon + 1;
		} else {
			hl = strlen(s);
		}
		if (hl >= sizeof(host))
			return -EINVAL;
		memcpy(host, s, hl);
		host[hl] = '\0';
	}

	if (inet_pton(AF_INET, host, a->addr) == 1)
		a->family = AF_INET;
	else if (inet_pton(AF_INET6, host, a->addr) == 1)
		a->family = AF_INET6;
	else
		return -EINVAL;

	if (port) {
		uint32_t p;

		if (!allow_port || myc_u32_parse(port, 65535, &p) || !p)
			return -EINVAL;
		a->port = (uint16_t)p;
	}
	return 0;
}

const char *myc_inaddr_fmt(int family, const void *addr, char *buf,
			   size_t len)
{
	if (!inet_ntop(family, addr, buf, (socklen_t)len))
		snprintf(buf, len, "?");
	return buf;
}
