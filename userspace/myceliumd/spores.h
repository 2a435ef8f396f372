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
#include "consensus.h"
#include "handshake.h"
#include "kernel.h"
#include "recheck.h"
#include "store.h"

#define VOTES_PENDING	16
#define RECHECKS	16
/* each holds one question at most */
_Static_assert(VOTES_PENDING + RECHECKS <= CONS_OPEN_MAX,
	       "more questions than the consensus socket keeps open");

/* A conflict waiting for the sclerotia's votes. */
struct pending_vote {
	uint32_t q;			/* the question, 0: free */
	char id[MYC_SPORE_ID_MAX + 1];
	uint64_t cookie, from;
	uint8_t held_digest[MYC_SPORE_DIGEST_LEN], digest[MYC_SPORE_DIGEST_LEN];
	uint8_t blob[MYC_SPORE_MAX];
	size_t len;
};

/* A conflict decided by the votes, to be asked about again (recheck.h). */
struct recheck {
	char id[MYC_SPORE_ID_MAX + 1];	/* "": free */
	uint64_t due_ms;		/* ask then (CLOCK_MONOTONIC) */
	uint32_t q;			/* the question asked, 0: none yet */
	uint64_t from;			/* who sent the other version */
	struct recheck_state st;
	/* the held version's and the other's digests when asked */
	uint8_t held_digest[MYC_SPORE_DIGEST_LEN], digest[MYC_SPORE_DIGEST_LEN];
	uint8_t other[MYC_SPORE_MAX];	/* the version not held */
	size_t len;
};

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
	/* the addresses the last membership spore announced */
	struct myc_member_addr announced[MYC_MEMBER_ADDR_MAX];
	int announced_n;
	uint64_t next_addr_check_ms;
	struct cons *cons;		/* consensus votes, or NULL */
	struct pending_vote *votes;	/* VOTES_PENDING of them */
	struct recheck *rechecks;	/* RECHECKS of them */
};

/* Put the stored spores back into the kernel, issue the membership. */
void spores_start(struct spores *s);
/* spore-ntf, contact-ntf and spore events. */
void spores_on_kernel(struct spores *s, const struct kern_msg *m);
/* Now and then (and when spores_fd() is readable): votes, membership
 * renewal, bootstrap contacts, pruning. */
void spores_tick(struct spores *s);
/* The consensus socket, to poll (-1: none). */
int spores_fd(struct spores *s);
void spores_stop(struct spores *s);

#endif /* MYCD_SPORES_H */
