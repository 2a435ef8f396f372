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
 *   [log]
 *   level = info                        ; error, warning, notice, info, debug
 */
#ifndef MYCD_CONFIG_H
#define MYCD_CONFIG_H

#include <limits.h>
#include <stdbool.h>

#include "ident.h"

struct config {
	char key[PATH_MAX];
	char cert[PATH_MAX];
	bool set_node;
	struct trust trust;
	int log_level;
	char err[512];		/* why loading failed */
};

int config_load(const char *path, struct config *c);	/* 0 or -1 */

#endif /* MYCD_CONFIG_H */
