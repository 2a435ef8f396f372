/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Consensus votes (Documentation/spores.rst, "Conflicts", rule 4): the
 * daemons ask the reachable sclerotia which digest they hold for a spore
 * id, over an AF_MYCELIUM datagram socket bound to the service
 * MYC_SERVICE_SPORED, class consensus, guarantee high.  Every daemon
 * answers.  Messages (big-endian):
 *
 *   question  "MYCQ" u8 version 1  u8 id length  u32 question id  id
 *   answer    "MYCA" u8 version 1  u8 flags  u32 question id
 *             32 bytes digest (zeros when nothing is held)
 *
 * flags: CONS_HELD, the node holds a version of the id (the digest's);
 * CONS_DECIDING, it is itself deciding a conflict on the id (asking the
 * sclerotia or re-checking), so its vote may still change.  A daemon
 * that knows only the first sends 0 or 1.
 *
 * A question is open until every node asked answered (or its question
 * came back undelivered on the socket's error queue: no daemon there, or
 * the node unreachable) or CONS_WAIT_MS passed; then its votes are
 * counted.
 */
#ifndef MYCD_CONSENSUS_H
#define MYCD_CONSENSUS_H

#include <stdbool.h>
#include <stdint.h>
#include <linux/mycelium.h>

#include "store.h"

#define CONS_WAIT_MS	3000	/* a busy sclerotia answers late */
#define CONS_MAX_ASKED	64
#define CONS_OPEN_MAX	32	/* questions open at once */

struct cons;

#define CONS_HELD	0x01
#define CONS_DECIDING	0x02

/* The answer to a question: held digest of id, and the flags. */
typedef uint8_t (*cons_lookup_fn)(void *arg, const char *id,
				  uint8_t digest[MYC_SPORE_DIGEST_LEN]);

/* self: this node's id (its own answers are told apart). */
struct cons *cons_open(cons_lookup_fn lookup, void *arg, uint64_t self,
		       char *err, size_t len);
void cons_close(struct cons *c);
int cons_fd(struct cons *c);
/*
 * Ask nodes[0..n-1] about id; returns a question id (not 0), or 0 when
 * nothing could be asked.
 */
uint32_t cons_ask(struct cons *c, const char *id, const uint64_t *nodes,
		  int n);
/* Read what came: questions are answered, answers counted. */
void cons_receive(struct cons *c);
/* The count of a question: votes for two digests, and the answers. */
struct cons_tally {
	uint32_t a, b;		/* nodes that hold digest a, digest b */
	uint32_t answered;	/* nodes that answered (holding anything) */
	uint32_t others;	/* of those, not this node */
	uint32_t deciding;	/* of the others, deciding it themselves */
};

/*
 * A question is done (all answered, or its time passed): the votes for
 * digests a and b; -1 while it is open (or unknown).  Forgets it when done.
 */
int cons_votes(struct cons *c, uint32_t q,
	       const uint8_t a[MYC_SPORE_DIGEST_LEN],
	       const uint8_t b[MYC_SPORE_DIGEST_LEN], struct cons_tally *t);
/* Forget a question whose votes are no longer wanted. */
void cons_forget(struct cons *c, uint32_t q);

#endif /* MYCD_CONSENSUS_H */
