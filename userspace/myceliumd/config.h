/* SPDX-License-Identifier: GPL-2.0 */
/*
 * myceliumd's configuration file (inih's INI dialect), e.g.
 *
 *   [node]
 *   key = /etc/mycelium/node.key        ; secret key (myceliumd key generate)
 *   cert = /etc/mycelium/node.cert      ; its certificate (myceliumd cert issue)
 *   set-node = yes                      ; set the kernel's node id and type
 *
 *   [trust]
 *   authority = BASE64 | FILE           ; repeatable: trusted authorities
 *
 *   [network]
 *   address = 10.0.0.1                  ; repeatable: addresses to announce
 *                                       ; (default: the interfaces' own)
 *   bootstrap = 10.0.0.2[:6920]         ; repeatable: where to join from
 *   accept-contacts = yes               ; add nodes that make contact
 *
 *   [spores]
 *   database = /var/lib/myceliumd/state.db
 *   clock-skew = 30                     ; seconds a timestamp may be ahead
 *   trust-threshold = 200               ; 0..1000
 *
 *   [log]
 *   level = info                        ; error, warning, notice, info, debug
 */
#ifndef MYCD_CONFIG_H
#define MYCD_CONFIG_H

#include <limits.h>
#include <stdbool.h>

#include "ident.h"

#define CONFIG_ADDR_MAX	8

/* An address: family (AF_INET, AF_INET6), bytes, port (0: default). */
struct config_addr {
	int family;
	unsigned char addr[16];
	unsigned short port;
};

struct config {
	char key[PATH_MAX];
	char cert[PATH_MAX];
	bool set_node;
	struct config_addr addrs[CONFIG_ADDR_MAX];
	int n_addrs;
	struct config_addr bootstrap[CONFIG_ADDR_MAX];
	int n_bootstrap;
	bool accept_contacts;
	char database[PATH_MAX];
	unsigned int clock_skew_s;
	unsigned int trust_threshold;
	struct trust trust;
	int log_level;
	char err[512];		/* why loading failed */
};

int config_load(const char *path, struct config *c);	/* 0 or -1 */
/* "ADDR", "ADDR:PORT" or "[V6]:PORT"; 0 or -1. */
int config_addr_parse(const char *s, struct config_addr *a);

#endif /* MYCD_CONFIG_H */
