/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * Spore encoding: decoder and encoder of the signed records the network
 * spreads, and of the membership payload.
 *
 * Plain C compiled in the module (which reads the header to treat a spore
 * by its type, suppress duplicates and expire it), in myceliumd (which
 * signs, checks and stores spores), in the host unit tests and in the fuzz
 * target.  No allocation, no locking: caller-provided buffers only.
 * Documentation/spores.rst is the normative description; keep the two in
 * sync.  All integers are big-endian.
 */
#ifndef _MYC_SPORE_CODEC_H
#define _MYC_SPORE_CODEC_H

#include "shared.h"
#ifdef __KERNEL__
#include <uapi/linux/mycelium.h>
#else
#include <linux/mycelium.h>
#endif

#define MYC_SPORE_FORMAT	1
#define MYC_SPORE_HDR_LEN	36
#define MYC_SPORE_CERT_LEN	140	/* myceliumd's certificate */
#define MYC_SPORE_SIG_LEN	64	/* Ed25519 */
#define MYC_SPORE_PK_LEN	32
/* A spore of len bytes has a payload of at most this many. */
#define MYC_SPORE_TRAILER_LEN	(MYC_SPORE_CERT_LEN + MYC_SPORE_SIG_LEN)
#define MYC_SPORE_MIN		(MYC_SPORE_HDR_LEN + 1 + MYC_SPORE_TRAILER_LEN)
/* The signature covers this string, then every byte before it. */
#define MYC_SPORE_SIG_CONTEXT	"mycelium-spore-v1"
/* "member/" and 16 lowercase hex digits of the node id. */
#define MYC_SPORE_MEMBER_PREFIX	"member/"
#define MYC_SPORE_MEMBER_ID_LEN	23

/*
 * A decoded spore.  The pointers point into the buffer decoded (or, to
 * encode, at the caller's bytes).
 */
struct myc_spore {
	u8 type;		/* enum myc_spore_type */
	u8 kind;		/* enum myc_spore_kind */
	u8 id_len;		/* 1..MYC_SPORE_ID_MAX */
	u64 origin;		/* node id, not 0 */
	u64 version;		/* >= 1 */
	u64 timestamp_ms;	/* since the Unix epoch, UTC */
	u32 ttl_s;		/* 1..MYC_SPORE_TTL_MAX (latent: ..300) */
	u16 payload_len;
	const u8 *id;
	const u8 *payload;
	const u8 *cert;		/* MYC_SPORE_CERT_LEN bytes */
	const u8 *sig;		/* MYC_SPORE_SIG_LEN bytes */
	size_t len;		/* the whole encoding */
};

/*
 * Decoder results: 0 or a negative MYC_SERR_*; *why (when not NULL) gets
 * a static sentence saying what is wrong.
 */
enum myc_spore_err {
	MYC_SERR_SHORT = 1,	/* shorter than its lengths say */
	MYC_SERR_LONG,		/* longer than MYC_SPORE_MAX, or trailing bytes */
	MYC_SERR_VERSION,	/* unknown format version */
	MYC_SERR_TYPE,		/* unknown spore type or payload kind */
	MYC_SERR_FIELD,		/* a field out of range, reserved not zero */
	MYC_SERR_ID,		/* id empty, too long or a bad character */
	__MYC_SERR_MAX
};

int myc_spore_decode(const u8 *buf, size_t len, struct myc_spore *s,
		     const char **why);
/*
 * Write s (id, payload and cert from its pointers) into buf with room for
 * the signature, which the caller computes over MYC_SPORE_SIG_CONTEXT and
 * the first len - MYC_SPORE_SIG_LEN bytes and writes at the end.  Returns
 * the length, or 0 when s is not valid or size is too small.  s->sig is
 * ignored and s->len set.
 */
size_t myc_spore_encode(u8 *buf, size_t size, struct myc_spore *s);
/* The bytes the signature covers after the context string. */
static inline size_t myc_spore_signed_len(const struct myc_spore *s)
{
	return s->len - MYC_SPORE_SIG_LEN;
}

/* Expiry: timestamp + TTL, in ms since the epoch. */
static inline u64 myc_spore_expiry_ms(const struct myc_spore *s)
{
	return s->timestamp_ms + (u64)s->ttl_s * 1000;
}

/* May a node of type node_type (enum myc_node_type) issue spore_type? */
bool myc_spore_may_issue(u8 node_type, u8 spore_type);
/* Is id (len bytes) a valid spore id? */
bool myc_spore_id_valid(const u8 *id, size_t len);
/* Write the membership id of node (MYC_SPORE_MEMBER_ID_LEN bytes). */
void myc_spore_member_id(u8 out[MYC_SPORE_MEMBER_ID_LEN], u64 node);

/*
 * Membership payload:
 *   0  u64 node id      8  u8 node type    9  u8 number of addresses (1..8)
 *  10  u16 UDP port    12  32 public key
 *  44  per address: u8 family (4, 6), u8 reserved zero, 16 address bytes
 *      (IPv4: 4 bytes then 12 zero bytes)
 * Addresses are unicast and distinct.
 */
#define MYC_MEMBER_HDR_LEN	44
#define MYC_MEMBER_ADDR_LEN	18
#define MYC_MEMBER_ADDR_MAX	8

struct myc_member_addr {
	u8 family;		/* 4 or 6 */
	u8 addr[16];
};

struct myc_member {
	u64 node;
	u8 type;		/* enum myc_node_type */
	u8 nr_addrs;
	u16 port;
	u8 pk[MYC_SPORE_PK_LEN];
	struct myc_member_addr addr[MYC_MEMBER_ADDR_MAX];
};

int myc_member_decode(const u8 *buf, size_t len, struct myc_member *m,
		      const char **why);
/* Returns the length written, or 0 (invalid member or no room). */
size_t myc_member_encode(u8 *buf, size_t size, const struct myc_member *m);

#endif /* _MYC_SPORE_CODEC_H */
