/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Spores in myceliumd (Documentation/spores.rst): building and signing the
 * node's own, and the four checks of a received one, each reported on its
 * own.  Pure functions of their inputs (no I/O, no clock): the caller
 * gives the time, the held version of the id and the origin's trust, so
 * the host unit tests exercise exactly what the daemon runs.
 */
#ifndef MYCD_SPORE_H
#define MYCD_SPORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/mycelium.h>

#include "ident.h"
#include "spore_codec.h"
#include "spore_order.h"

enum spore_check_idx {
	CHECK_CRYPTO,
	CHECK_TEMPORAL,
	CHECK_CONSISTENCY,
	CHECK_TRUST,
	CHECK_CNT
};

extern const char *const spore_check_names[CHECK_CNT];

struct spore_verdict {
	uint8_t checks[CHECK_CNT];	/* enum myc_spore_check */
	int failed;			/* the failing check, or -1 */
	bool duplicate;			/* the very bytes are held: no penalty */
	bool stale;			/* an older version: no penalty either */
	char reason[MYC_SPORE_REASON_MAX];
	uint8_t digest[MYC_SPORE_DIGEST_LEN];
	struct myc_spore sp;		/* decoded (points into the blob) */
	struct cert cert;		/* the origin's, decoded */
};

/* What the checks need besides the spore. */
struct spore_ctx {
	const struct trust *trust;	/* authorities */
	uint64_t now_ms;		/* CLOCK_REALTIME */
	uint64_t skew_ms;		/* how far ahead a timestamp may be */
	uint32_t origin_trust;		/* 0..1000 */
	uint32_t threshold;
	const struct myc_spore_key *held;	/* same id, or NULL */
};

/* BLAKE2b-256 of the whole encoding. */
void spore_digest(uint8_t out[MYC_SPORE_DIGEST_LEN], const uint8_t *blob,
		  size_t len);
/* 0 when all four checks pass, else -1; v says which failed and why. */
int spore_check(const uint8_t *blob, size_t len, const struct spore_ctx *ctx,
		struct spore_verdict *v);

/*
 * Whom a rejection costs trust (TRUST_INVALID each): the origin, and the
 * peer that relayed a forgery (from, when not the origin).  Nobody for an
 * exact duplicate or a replay (anyone can send those again), nor for a
 * spore refused only because its origin's trust is under the threshold
 * already: that would push it further down with each spore it has, and
 * it could never climb back.  Nor for a spore whose very bytes were
 * rejected before (again): gossip and anti-entropy bring one bad spore
 * many times, and it costs once.
 */
struct spore_penalty {
	bool origin, relay;
};
struct spore_penalty spore_penalty(const struct spore_verdict *v,
				   uint64_t from, bool again);

/* What a spore to build says (the payload is copied in). */
struct spore_spec {
	uint8_t type, kind;
	const char *id;
	const uint8_t *payload;
	uint16_t payload_len;
	uint64_t version;
	uint64_t timestamp_ms;
	uint32_t ttl_s;
};

/* Encode and sign; the length, or 0 (invalid spec, no room). */
size_t spore_build(uint8_t *out, size_t size, const struct ident *self,
		   const struct cert *cert, const struct spore_spec *s);
/* The strongest type a node of this certified type may issue. */
uint8_t spore_type_for(uint8_t node_type);
const char *spore_type_name(uint8_t type);

#endif /* MYCD_SPORE_H */
