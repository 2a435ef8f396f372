// SPDX-License-Identifier: GPL-2.0
/* Identities, certificates and their files (ident.h), with libsodium. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sodium.h>

#include "ident.h"

int ident_init(void)
{
	return sodium_init() < 0 ? -1 : 0;
}

uint64_t ident_node_id(const uint8_t pk[ID_PK_LEN])
{
	uint8_t h[32];
	uint64_t id;

	crypto_generichash(h, sizeof(h), pk, ID_PK_LEN, NULL, 0);
	id = get_be64(h);
	return id ? id : 1;	/* 0 means "this node" in addresses */
}

void ident_from_seed(struct ident *id, const uint8_t seed[ID_SEED_LEN])
{
	crypto_sign_seed_keypair(id->pk, id->sk, seed);
	id->id = ident_node_id(id->pk);
}

void ident_generate(struct ident *id)
{
	uint8_t seed[ID_SEED_LEN];

	randombytes_buf(seed, sizeof(seed));
	ident_from_seed(id, seed);
	sodium_memzero(seed, sizeof(seed));
}

void cert_issue(struct cert *c, const struct ident *authority,
		const uint8_t node_pk[ID_PK_LEN], uint8_t type,
		uint64_t expiry)
{
	memset(c, 0, sizeof(*c));
	c->raw[0] = CERT_VERSION;
	c->raw[1] = type;
	put_be64(c->raw + 4, expiry);
	memcpy(c->raw + 12, node_pk, ID_PK_LEN);
	memcpy(c->raw + 44, authority->pk, ID_PK_LEN);
	crypto_sign_detached(c->raw + CERT_SIGNED_LEN, NULL, c->raw,
			     CERT_SIGNED_LEN, authority->sk);
	cert_decode(c, c->raw, CERT_LEN);
}

int cert_decode(struct cert *c, const uint8_t *buf, size_t len)
{
	if (len != CERT_LEN || buf[0] != CERT_VERSION || buf[2] || buf[3])
		return -1;
	if (buf != c->raw)
		memcpy(c->raw, buf, CERT_LEN);
	c->type = buf[1];
	c->expiry = get_be64(buf + 4);
	memcpy(c->node_pk, buf + 12, ID_PK_LEN);
	memcpy(c->auth_pk, buf + 44, ID_PK_LEN);
	memcpy(c->sig, buf + CERT_SIGNED_LEN, ID_SIG_LEN);
	return 0;
}

const char *cert_check(const struct cert *c, const struct trust *t,
		       uint64_t now)
{
	int i;

	for (i = 0; i < t->n; i++)
		if (!memcmp(t->pk[i], c->auth_pk, ID_PK_LEN))
			break;
	if (i == t->n)
		return "certificate from an unknown authority";
	if (crypto_sign_verify_detached(c->sig, c->raw, CERT_SIGNED_LEN,
					c->auth_pk))
		return "certificate signature does not verify";
	if (c->type > 2)
		return "certificate names an unknown node type";
	if (c->expiry <= now)
		return "certificate expired";
	return NULL;
}

int trust_add(struct trust *t, const uint8_t pk[ID_PK_LEN])
{
	if (t->n == MAX_AUTHORITIES)
		return -1;
	memcpy(t->pk[t->n++], pk, ID_PK_LEN);
	return 0;
}

char *b64(char *out, size_t size, const uint8_t *in, size_t n)
{
	return sodium_bin2base64(out, size, in, n,
				 sodium_base64_VARIANT_ORIGINAL);
}

/* Read "TAG <base64>" from path into buf (exactly n bytes). */
static int read_tagged(const char *path, const char *tag, uint8_t *buf,
		       size_t n, char *err, size_t elen)
{
	char line[512], *p;
	size_t got = 0;
	FILE *f = fopen(path, "r");

	if (!f) {
		snprintf(err, elen, "%s: %s", path, strerror(errno));
		return -1;
	}
	p = fgets(line, sizeof(line), f);
	fclose(f);
	if (!p || strncmp(line, tag, strlen(tag)) || line[strlen(tag)] != ' ') {
		snprintf(err, elen, "%s: not a %s file", path, tag);
		return -1;
	}
	p = line + strlen(tag) + 1;
	p[strcspn(p, "\r\n")] = '\0';
	if (sodium_base642bin(buf, n, p, strlen(p), NULL, &got, NULL,
			      sodium_base64_VARIANT_ORIGINAL) || got != n) {
		snprintf(err, elen, "%s: bad %s contents", path, tag);
		return -1;
	}
	return 0;
}

static int write_tagged(const char *path, const char *tag, const uint8_t *buf,
			size_t n, mode_t mode, char *err, size_t elen)
{
	char line[512], enc[300];
	int fd, len;

	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
	if (fd < 0) {
		snprintf(err, elen, "%s: %s", path, strerror(errno));
		return -1;
	}
	len = snprintf(line, sizeof(line), "%s %s\n", tag,
		       b64(enc, sizeof(enc), buf, n));
	if (write(fd, line, (size_t)len) != len || close(fd)) {
		snprintf(err, elen, "%s: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}

int ident_load(struct ident *id, const char *path, char *err, size_t len)
{
	uint8_t seed[ID_SEED_LEN];

	if (read_tagged(path, "MYC-SECRET-KEY", seed, sizeof(seed), err, len))
		return -1;
	ident_from_seed(id, seed);
	sodium_memzero(seed, sizeof(seed));
	return 0;
}

int ident_save(const struct ident *id, const char *path, char *err,
	       size_t len)
{
	/* the seed is the first half of libsodium's secret key */
	return write_tagged(path, "MYC-SECRET-KEY", id->sk, ID_SEED_LEN, 0600,
			    err, len);
}

int cert_load(struct cert *c, const char *path, char *err, size_t len)
{
	uint8_t raw[CERT_LEN];

	if (read_tagged(path, "MYC-CERT", raw, sizeof(raw), err, len))
		return -1;
	if (cert_decode(c, raw, sizeof(raw))) {
		snprintf(err, len, "%s: not a version %d certificate", path,
			 CERT_VERSION);
		return -1;
	}
	return 0;
}

int cert_save(const struct cert *c, const char *path, char *err, size_t len)
{
	return write_tagged(path, "MYC-CERT", c->raw, CERT_LEN, 0644, err, len);
}

int pubkey_parse(uint8_t pk[ID_PK_LEN], const char *s, char *err, size_t len)
{
	struct ident id;
	size_t got = 0;

	if (!sodium_base642bin(pk, ID_PK_LEN, s, strlen(s), NULL, &got, NULL,
			       sodium_base64_VARIANT_ORIGINAL) &&
	    got == ID_PK_LEN)
		return 0;
	if (!read_tagged(s, "MYC-PUBLIC-KEY", pk, ID_PK_LEN, err, len))
		return 0;
	if (!ident_load(&id, s, err, len)) {
		memcpy(pk, id.pk, ID_PK_LEN);
		sodium_memzero(&id, sizeof(id));
		return 0;
	}
	snprintf(err, len, "\"%s\" is neither a base64 public key nor a key file",
		 s);
	return -1;
}
