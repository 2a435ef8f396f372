/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Consensus votes (Documentation/spores.rst, "Conflicts", rule 4): the
 * daemons ask the reachable sclerotia which digest they hold for a spore
 * id, over an AF_MYCELIUM datagram socket bound to the service
 * MYC_SERVICE_SPORED, class consensus, guarantee high.  Every daemon
 * answers.  Messages (big-endian):
 *
 *   question  "MYCQ" u8 version 1  u8 id length  u32 question id  id
 *   answer    "MYCA" u8 version 1  u8 held (0/1)  u32 question id
 *             32 bytes digest (zeros when nothing is held)
 *
 * A question is open until every node asked answered or CONS_WAIT_MS
 * passed; then its votes are counted.
 */
#ifndef MYCD_CONSENSUS_H
#define MYCD_CONSENSUS_H

#include <stdbool.h>
#include <stdint.h>
#include <linux/mycelium.h>

#include "store.h"

#define CONS_WAIT_MS	3000	/* a busy sclerotia answers late */
#define CONS_MAX_ASKED	64

struct cons;

/* The answer to a question: held digest of id (false: nothing held). */
typedef bool (*cons_lookup_fn)(void *arg, const char *id,
			       uint8_t digest[MYC_SPORE_DIGEST_LEN]);

struct cons *cons_open(cons_lookup_fn lookup, void *arg, char *err,
		       size_t len);
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
/*
 * A question is done (all answered, or its time passed): the votes for
 * digests a and b; -1 while it is open (or unknown).  Forgets it when done.
 */
int cons_votes(struct cons *c, uint32_t q, uint64_t now_ms,
	       const uint8_t a[MYC_SPORE_DIGEST_LEN], uint32_t *va,
	       const uint8_t b[MYC_SPORE_DIGEST_LEN], uint32_t *vb);

#endif /* MYCD_CONSENSUS_H */
