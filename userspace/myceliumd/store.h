/* SPDX-License-Identifier: GPL-2.0 */
/*
 * myceliumd's state in SQLite (Documentation/spores.rst, "Storage"): the
 * spores it judged (held, lost and rejected, with their checks) and the
 * trust score of every origin it met.  WAL mode, synchronous=FULL: a
 * spore is committed before the kernel is told to accept it, so a daemon
 * killed at any moment loses no accepted spore.  Other processes (the
 * myceliumd trust and spore tools) may read and write the same file.
 */
#ifndef MYCD_STORE_H
#define MYCD_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "spore.h"

#define TRUST_START	500
#define TRUST_VALID	10	/* an accepted spore adds this */
#define TRUST_INVALID	100	/* a rejected one takes this away */

struct store;

struct store *store_open(const char *path, char *err, size_t len);
void store_close(struct store *s);

/*
 * Record a judged spore.  held: it becomes the held spore of its id (no
 * other is any more).  0 or -1.
 */
int store_put(struct store *s, const struct spore_verdict *v,
	      const uint8_t *blob, size_t len, uint8_t state, bool held,
	      uint8_t rule, uint32_t trust, uint64_t from, uint64_t now_ms);
/* The held spore of id into buf: its length, 0 when none. */
size_t store_held(struct store *s, const char *id, uint8_t *buf, size_t size);
/* id is held no more (myc spore del). */
int store_unhold(struct store *s, const char *id);
/* Were these very bytes (by digest) rejected before? */
bool store_rejected(struct store *s, const uint8_t digest[MYC_SPORE_DIGEST_LEN]);
/* Every held spore that has not expired, oldest first; cb's error stops. */
int store_each_held(struct store *s, uint64_t now_ms,
		    int (*cb)(void *arg, const uint8_t *blob, size_t len),
		    void *arg);
/* The sclerotia: origins of held primary membership spores; how many. */
int store_sclerotia(struct store *s, uint64_t *out, int max, uint64_t now_ms);
/* Drop expired held spores and all but the last 1000 rejected ones. */
int store_prune(struct store *s, uint64_t now_ms);

/* Trust scores, 0..MYC_TRUST_MAX; TRUST_START for an unknown node. */
uint32_t store_trust(struct store *s, uint64_t node);
/* Add delta (clamped), counting a valid or an invalid spore. */
int store_trust_add(struct store *s, uint64_t node, int delta, bool valid);
int store_trust_set(struct store *s, uint64_t node, uint32_t score);

/* Tools: print the tables (plain, or JSON lines with json). */
int store_print_trust(struct store *s, bool json);
int store_print_spores(struct store *s, bool json);

#endif /* MYCD_STORE_H */
