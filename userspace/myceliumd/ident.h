/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Identities and certificates (SPEC section 8).
 *
 * A node's identity is an Ed25519 key pair; its node id is the first 8
 * bytes (big-endian) of BLAKE2b-256 of the public key, so a node cannot
 * claim another's id.  A network authority (also an Ed25519 key pair)
 * signs node certificates:
 *
 *   0   u8   version (1)
 *   1   u8   node type (enum myc_node_type)
 *   2   u16  reserved, zero
 *   4   u64  expiry, seconds since the epoch (UTC)
 *   12  32   node public key
 *   44  32   authority public key
 *   76  64   Ed25519 signature by the authority over bytes 0..75
 *
 * Files are one line of text: "MYC-SECRET-KEY <base64 seed>",
 * "MYC-PUBLIC-KEY <base64>" or "MYC-CERT <base64 of the 140 bytes>".
 */
#ifndef MYCD_IDENT_H
#define MYCD_IDENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ID_PK_LEN	32
#define ID_SK_LEN	64
#define ID_SEED_LEN	32
#define ID_SIG_LEN	64
#define CERT_LEN	140
#define CERT_SIGNED_LEN	76
#define CERT_VERSION	1
#define MAX_AUTHORITIES	16

/* Big-endian u64 in 8 bytes (certificates, handshake messages). */
static inline void put_be64(uint8_t *p, uint64_t v)
{
	for (int i = 7; i >= 0; i--, v >>= 8)
		p[i] = (uint8_t)v;
}

static inline uint64_t get_be64(const uint8_t *p)
{
	uint64_t v = 0;

	for (int i = 0; i < 8; i++)
		v = v << 8 | p[i];
	return v;
}

struct ident {
	uint8_t pk[ID_PK_LEN];
	uint8_t sk[ID_SK_LEN];
	uint64_t id;
};

struct cert {
	uint8_t type;
	uint64_t expiry;
	uint8_t node_pk[ID_PK_LEN];
	uint8_t auth_pk[ID_PK_LEN];
	uint8_t sig[ID_SIG_LEN];
	uint8_t raw[CERT_LEN];		/* as signed and sent */
};

struct trust {
	uint8_t pk[MAX_AUTHORITIES][ID_PK_LEN];
	int n;
};

int ident_init(void);				/* sodium_init(); 0 or -1 */
uint64_t ident_node_id(const uint8_t pk[ID_PK_LEN]);
void ident_generate(struct ident *id);
void ident_from_seed(struct ident *id, const uint8_t seed[ID_SEED_LEN]);

/* Certificates: encode (signing with the authority), decode, check. */
void cert_issue(struct cert *c, const struct ident *authority,
		const uint8_t node_pk[ID_PK_LEN], uint8_t type,
		uint64_t expiry);
int cert_decode(struct cert *c, const uint8_t *buf, size_t len);
/*
 * Why c may not be used now (a static string), or NULL: unknown
 * authority, bad signature, expired.
 */
const char *cert_check(const struct cert *c, const struct trust *t,
		       uint64_t now);

/* Files (see above); 0 or -1 with a message in err. */
int ident_load(struct ident *id, const char *path, char *err, size_t len);
int ident_save(const struct ident *id, const char *path, char *err,
	       size_t len);
int cert_load(struct cert *c, const char *path, char *err, size_t len);
int cert_save(const struct cert *c, const char *path, char *err, size_t len);
/* A public key in base64, or read from a public/secret key file. */
int pubkey_parse(uint8_t pk[ID_PK_LEN], const char *s, char *err, size_t len);
/* base64 of n bytes into out (size at least 4/3 n + 4). */
char *b64(char *out, size_t size, const uint8_t *in, size_t n);
int trust_add(struct trust *t, const uint8_t pk[ID_PK_LEN]);

#endif /* MYCD_IDENT_H */
