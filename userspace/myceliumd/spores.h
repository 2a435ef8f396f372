/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The daemon's spore work (Documentation/spores.rst): verdicts on the
 * spores the kernel hands over (checks, trust, conflicts), storage before
 * the verdict, publishing for `myc spore publish`, the node's own
 * membership spore, discovery of the nodes those spores describe, and
 * bootstrap contacts.
 */
#ifndef MYCD_SPORES_H
#define MYCD_SPORES_H

#include <stdbool.h>
#include <stdint.h>

#include "config.h"
#include "handshake.h"
#include "kernel.h"
#include "store.h"

struct spores {
	struct kern *k;
	struct store *db;
	const struct hs_self *self;
	const struct config *cfg;
	uint64_t next_member_ms;	/* issue the membership again then */
	uint64_t next_contact_ms;
	uint64_t next_prune_ms;
	bool boot_done[CONFIG_ADDR_MAX];
	unsigned int reinstalled;	/* at start, from the database */
};

/* Put the stored spores back into the kernel, issue the membership. */
void spores_start(struct spores *s);
/* spore-ntf, contact-ntf and spore events. */
void spores_on_kernel(struct spores *s, const struct kern_msg *m);
/* Now and then: membership renewal, bootstrap contacts, pruning. */
void spores_tick(struct spores *s);

#endif /* MYCD_SPORES_H */
