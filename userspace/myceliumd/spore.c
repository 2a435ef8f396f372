// SPDX-License-Identifier: GPL-2.0
/* Building and checking spores (spore.h), with libsodium. */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sodium.h>

#include "spore.h"

const char *const spore_check_names[CHECK_CNT] = {
	[CHECK_CRYPTO] = "cryptographic",
	[CHECK_TEMPORAL] = "temporal",
	[CHECK_CONSISTENCY] = "consistency",
	[CHECK_TRUST] = "trust",
};

static const char *const node_types[] = { "sclerotia", "rhizomorph", "hyphae" };

const char *spore_type_name(uint8_t type)
{
	switch (type) {
	case MYC_SPORE_PRIMARY: return "primary";
	case MYC_SPORE_SEED: return "seed";
	case MYC_SPORE_LATENT: return "latent";
	}
	return "unknown";
}

uint8_t spore_type_for(uint8_t node_type)
{
	return node_type == MYC_NODE_SCLEROTIA ? MYC_SPORE_PRIMARY :
	       node_type == MYC_NODE_RHIZOMORPH ? MYC_SPORE_SEED :
	       MYC_SPORE_LATENT;
}

struct spore_penalty spore_penalty(const struct spore_verdict *v,
				   uint64_t from, bool again)
{
	struct spore_penalty p = {};

	if (again || v->failed < 0 || v->duplicate || v->stale ||
	    v->failed == CHECK_TRUST)
		return p;
	p.origin = true;
	/* an honest relay checks before it forwards */
	p.relay = v->failed == CHECK_CRYPTO && from && from != v->sp.origin;
	return p;
}

void spore_digest(uint8_t out[MYC_SPORE_DIGEST_LEN], const uint8_t *blob,
		  size_t len)
{
	crypto_generichash(out, MYC_SPORE_DIGEST_LEN, blob, len, NULL, 0);
}

/* The bytes a spore's signature covers: the context, then the spore. */
static size_t signed_msg(uint8_t *out, const uint8_t *blob, size_t signed_len)
{
	const size_t clen = sizeof(MYC_SPORE_SIG_CONTEXT) - 1;

	memcpy(out, MYC_SPORE_SIG_CONTEXT, clen);
	memcpy(out + clen, blob, signed_len);
	return clen + signed_len;
}

size_t spore_build(uint8_t *out, size_t size, const struct ident *self,
		   const struct cert *cert, const struct spore_spec *s)
{
	uint8_t msg[sizeof(MYC_SPORE_SIG_CONTEXT) + MYC_SPORE_MAX];
	struct myc_spore sp = {
		.type = s->type,
		.kind = s->kind,
		.id_len = (uint8_t)strnlen(s->id, MYC_SPORE_ID_MAX + 1),
		.origin = self->id,
		.version = s->version,
		.timestamp_ms = s->timestamp_ms,
		.ttl_s = s->ttl_s,
		.payload_len = s->payload_len,
		.id = (const uint8_t *)s->id,
		.payload = s->payload,
		.cert = cert->raw,
	};
	size_t len, mlen;

	if (strlen(s->id) > MYC_SPORE_ID_MAX)
		return 0;
	len = myc_spore_encode(out, size, &sp);
	if (!len)
		return 0;
	mlen = signed_msg(msg, out, myc_spore_signed_len(&sp));
	crypto_sign_detached(out + len - MYC_SPORE_SIG_LEN, NULL, msg, mlen,
			     self->sk);
	return len;
}

static void fail(struct spore_verdict *v, int check, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* check failed: the later ones are skipped. */
static void fail(struct spore_verdict *v, int check, const char *fmt, ...)
{
	int n;
	va_list ap;

	v->checks[check] = MYC_SPORE_CHECK_FAIL;
	for (int i = check + 1; i < CHECK_CNT; i++)
		v->checks[i] = MYC_SPORE_CHECK_SKIPPED;
	v->failed = check;
	n = snprintf(v->reason, sizeof(v->reason), "%s: ",
		     spore_check_names[check]);
	va_start(ap, fmt);
	vsnprintf(v->reason + n, sizeof(v->reason) - (size_t)n, fmt, ap);
	va_end(ap);
}

static int check_crypto(const uint8_t *blob, const struct spore_ctx *ctx,
			struct spore_verdict *v)
{
	uint8_t msg[sizeof(MYC_SPORE_SIG_CONTEXT) + MYC_SPORE_MAX];
	const struct myc_spore *sp = &v->sp;
	const char *why;
	size_t mlen;

	if (cert_decode(&v->cert, sp->cert, MYC_SPORE_CERT_LEN)) {
		fail(v, CHECK_CRYPTO, "the origin's certificate does not decode");
		return -1;
	}
	why = cert_check(&v->cert, ctx->trust, ctx->now_ms / 1000);
	if (why) {
		fail(v, CHECK_CRYPTO, "certificate: %s", why);
		return -1;
	}
	if (ident_node_id(v->cert.node_pk) != sp->origin) {
		fail(v, CHECK_CRYPTO,
		     "the certificate is for another node than the origin");
		return -1;
	}
	mlen = signed_msg(msg, blob, myc_spore_signed_len(sp));
	if (crypto_sign_verify_detached(sp->sig, msg, mlen,
					v->cert.node_pk)) {
		fail(v, CHECK_CRYPTO, "the signature does not verify");
		return -1;
	}
	v->checks[CHECK_CRYPTO] = MYC_SPORE_CHECK_PASS;
	return 0;
}

static int check_temporal(const struct spore_ctx *ctx, struct spore_verdict *v,
			  const struct myc_spore_key *in)
{
	const struct myc_spore *sp = &v->sp;

	if (sp->timestamp_ms > ctx->now_ms + ctx->skew_ms) {
		fail(v, CHECK_TEMPORAL,
		     "timestamp %llu ms ahead of this node's clock",
		     (unsigned long long)(sp->timestamp_ms - ctx->now_ms));
		return -1;
	}
	if (myc_spore_expiry_ms(sp) <= ctx->now_ms) {
		fail(v, CHECK_TEMPORAL, "expired %llu s ago",
		     (unsigned long long)(ctx->now_ms -
					  myc_spore_expiry_ms(sp)) / 1000);
		return -1;
	}
	if (myc_spore_relate(ctx->held, in) == MYC_SREL_REPLAY) {
		/*
		 * Signed by its origin, so anyone may send it again, and
		 * gossip and anti-entropy bring older versions honestly
		 * after a newer one: rejected, but nobody is to blame.
		 */
		v->stale = true;
		fail(v, CHECK_TEMPORAL,
		     "version %llu does not move forward (version %llu is held)",
		     (unsigned long long)sp->version,
		     (unsigned long long)ctx->held->version);
		return -1;
	}
	v->checks[CHECK_TEMPORAL] = MYC_SPORE_CHECK_PASS;
	return 0;
}

static int check_member(struct spore_verdict *v)
{
	const struct myc_spore *sp = &v->sp;
	uint8_t id[MYC_SPORE_MEMBER_ID_LEN];
	struct myc_member m;
	const char *why;

	if (myc_member_decode(sp->payload, sp->payload_len, &m, &why)) {
		fail(v, CHECK_CONSISTENCY, "membership: %s", why);
		return -1;
	}
	myc_spore_member_id(id, sp->origin);
	if (sp->id_len != sizeof(id) || memcmp(sp->id, id, sizeof(id))) {
		fail(v, CHECK_CONSISTENCY,
		     "a membership spore's id is member/ and its origin's id");
		return -1;
	}
	if (m.node != sp->origin) {
		fail(v, CHECK_CONSISTENCY,
		     "the membership is of another node than the origin");
		return -1;
	}
	if (memcmp(m.pk, v->cert.node_pk, ID_PK_LEN) ||
	    ident_node_id(m.pk) != m.node) {
		fail(v, CHECK_CONSISTENCY,
		     "the membership's key is not the node's certified key");
		return -1;
	}
	if (m.type != v->cert.type) {
		fail(v, CHECK_CONSISTENCY,
		     "the membership claims type %s, the certificate gives %s",
		     m.type < 3 ? node_types[m.type] : "unknown",
		     v->cert.type < 3 ? node_types[v->cert.type] : "unknown");
		return -1;
	}
	return 0;
}

static int check_consistency(const struct spore_ctx *ctx,
			     struct spore_verdict *v,
			     const struct myc_spore_key *in)
{
	const struct myc_spore *sp = &v->sp;

	if (!myc_spore_may_issue(v->cert.type, sp->type)) {
		fail(v, CHECK_CONSISTENCY, "a %s node may not issue %s spores",
		     v->cert.type < 3 ? node_types[v->cert.type] : "unknown",
		     spore_type_name(sp->type));
		return -1;
	}
	if (sp->kind == MYC_SPORE_KIND_MEMBERSHIP && check_member(v))
		return -1;
	if (myc_spore_relate(ctx->held, in) == MYC_SREL_SAME) {
		fail(v, CHECK_CONSISTENCY, "a duplicate of the held spore");
		v->duplicate = true;
		return -1;
	}
	v->checks[CHECK_CONSISTENCY] = MYC_SPORE_CHECK_PASS;
	return 0;
}

int spore_check(const uint8_t *blob, size_t len, const struct spore_ctx *ctx,
		struct spore_verdict *v)
{
	struct myc_spore_key in;
	const char *why;

	memset(v, 0, sizeof(*v));
	v->failed = -1;
	if (myc_spore_decode(blob, len, &v->sp, &why)) {
		/* nothing else can be checked in what does not decode */
		v->checks[CHECK_CRYPTO] = MYC_SPORE_CHECK_SKIPPED;
		v->checks[CHECK_TEMPORAL] = MYC_SPORE_CHECK_SKIPPED;
		fail(v, CHECK_CONSISTENCY, "malformed: %s", why);
		return -1;
	}
	spore_digest(v->digest, blob, len);
	in.origin = v->sp.origin;
	in.version = v->sp.version;
	memcpy(in.digest, v->digest, sizeof(in.digest));
	if (check_crypto(blob, ctx, v) || check_temporal(ctx, v, &in) ||
	    check_consistency(ctx, v, &in))
		return -1;
	if (ctx->origin_trust < ctx->threshold) {
		fail(v, CHECK_TRUST, "the origin's trust %u is below %u",
		     ctx->origin_trust, ctx->threshold);
		return -1;
	}
	v->checks[CHECK_TRUST] = MYC_SPORE_CHECK_PASS;
	return 0;
}
