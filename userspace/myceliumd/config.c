// SPDX-License-Identifier: GPL-2.0
/* The configuration file (config.h), parsed by inih. */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ini.h>

#include "config.h"
#include "log.h"

static int bool_parse(const char *s)
{
	if (!strcmp(s, "yes") || !strcmp(s, "true") || !strcmp(s, "1"))
		return 1;
	if (!strcmp(s, "no") || !strcmp(s, "false") || !strcmp(s, "0"))
		return 0;
	return -1;
}

/* An unsigned number in [min, max]; 0 or -1. */
static int uint_parse(const char *s, unsigned long min, unsigned long max,
		      unsigned int *out)
{
	char *end;
	unsigned long v;

	if (!*s || *s == '-')
		return -1;
	v = strtoul(s, &end, 10);
	if (*end || v < min || v > max)
		return -1;
	*out = (unsigned int)v;
	return 0;
}

int config_addr_parse(const char *s, struct config_addr *a)
{
	char buf[128], *port = NULL, *host = buf;
	unsigned int p = 0;

	if (strlen(s) >= sizeof(buf))
		return -1;
	strcpy(buf, s);
	memset(a, 0, sizeof(*a));
	if (buf[0] == '[') {
		char *close = strchr(buf, ']');

		if (!close || (close[1] && close[1] != ':'))
			return -1;
		*close = '\0';
		host = buf + 1;
		port = close[1] ? close + 2 : NULL;
	} else if (strchr(buf, '.')) {
		port = strchr(buf, ':');
		if (port)
			*port++ = '\0';
	}
	if (port && uint_parse(port, 1, 65535, &p))
		return -1;
	a->port = (unsigned short)p;
	if (inet_pton(AF_INET, host, a->addr) == 1) {
		a->family = AF_INET;
		return 0;
	}
	if (inet_pton(AF_INET6, host, a->addr) == 1) {
		a->family = AF_INET6;
		return 0;
	}
	return -1;
}

static int handler(void *user, const char *section, const char *name,
		   const char *value)
{
	struct config *c = user;
	uint8_t pk[ID_PK_LEN];
	char err[256];
	int v;

	if (!strcmp(section, "node") && !strcmp(name, "key")) {
		snprintf(c->key, sizeof(c->key), "%s", value);
	} else if (!strcmp(section, "node") && !strcmp(name, "cert")) {
		snprintf(c->cert, sizeof(c->cert), "%s", value);
	} else if (!strcmp(section, "node") && !strcmp(name, "set-node")) {
		v = bool_parse(value);
		if (v < 0)
			goto bad;
		c->set_node = v;
	} else if (!strcmp(section, "trust") && !strcmp(name, "authority")) {
		if (pubkey_parse(pk, value, err, sizeof(err))) {
			snprintf(c->err, sizeof(c->err), "authority: %s", err);
			return 0;
		}
		if (trust_add(&c->trust, pk)) {
			snprintf(c->err, sizeof(c->err),
				 "more than %d authorities", MAX_AUTHORITIES);
			return 0;
		}
	} else if (!strcmp(section, "network") &&
		   (!strcmp(name, "address") || !strcmp(name, "bootstrap"))) {
		bool boot = !strcmp(name, "bootstrap");
		struct config_addr *a = boot ? c->bootstrap : c->addrs;
		int *n = boot ? &c->n_bootstrap : &c->n_addrs;

		if (*n == CONFIG_ADDR_MAX) {
			snprintf(c->err, sizeof(c->err),
				 "more than %d [network] %s", CONFIG_ADDR_MAX,
				 name);
			return 0;
		}
		if (config_addr_parse(value, &a[*n]) ||
		    (!boot && a[*n].port))
			goto bad;
		(*n)++;
	} else if (!strcmp(section, "network") &&
		   !strcmp(name, "accept-contacts")) {
		v = bool_parse(value);
		if (v < 0)
			goto bad;
		c->accept_contacts = v;
	} else if (!strcmp(section, "spores") && !strcmp(name, "database")) {
		snprintf(c->database, sizeof(c->database), "%s", value);
	} else if (!strcmp(section, "spores") && !strcmp(name, "clock-skew")) {
		if (uint_parse(value, 0, 86400, &c->clock_skew_s))
			goto bad;
	} else if (!strcmp(section, "spores") &&
		   !strcmp(name, "trust-threshold")) {
		if (uint_parse(value, 0, 1000, &c->trust_threshold))
			goto bad;
	} else if (!strcmp(section, "log") && !strcmp(name, "level")) {
		v = log_level_parse(value);
		if (v < 0)
			goto bad;
		c->log_level = v;
	} else {
		snprintf(c->err, sizeof(c->err), "unknown setting [%s] %s",
			 section, name);
		return 0;
	}
	return 1;
bad:
	snprintf(c->err, sizeof(c->err), "invalid value \"%s\" for [%s] %s",
		 value, section, name);
	return 0;
}

int config_load(const char *path, struct config *c)
{
	int line;

	memset(c, 0, sizeof(*c));
	c->set_node = true;
	c->log_level = LOG_INFO;
	c->accept_contacts = true;
	snprintf(c->database, sizeof(c->database), "%s",
		 "/var/lib/myceliumd/state.db");
	c->clock_skew_s = 30;
	c->trust_threshold = 200;
	line = ini_parse(path, handler, c);
	if (line < 0) {
		snprintf(c->err, sizeof(c->err), "%.400s: cannot read it",
			 path);
		return -1;
	}
	if (line > 0) {
		char why[sizeof(c->err)];

		memcpy(why, c->err[0] ? c->err : "syntax error",
		       c->err[0] ? sizeof(why) : sizeof("syntax error"));
		snprintf(c->err, sizeof(c->err), "%.200s:%d: %.290s", path,
			 line, why);
		return -1;
	}
	if (!c->key[0] || !c->cert[0]) {
		snprintf(c->err, sizeof(c->err),
			 "%s: [node] key and cert are needed", path);
		return -1;
	}
	if (!c->trust.n) {
		snprintf(c->err, sizeof(c->err),
			 "%s: no [trust] authority: nobody could be trusted",
			 path);
		return -1;
	}
	return 0;
}
