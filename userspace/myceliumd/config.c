// SPDX-License-Identifier: GPL-2.0
/* The configuration file (config.h), parsed by inih. */
#include <stdio.h>
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
