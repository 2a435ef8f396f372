// SPDX-License-Identifier: GPL-2.0
/* The handshake state machine (handshake.h): no I/O, libsodium only. */
#include <string.h>
#include <sodium.h>

#include "handshake.h"

static const char label_t1[] = "mycelium handshake 1";
static const char label_resp[] = "mycelium resp";
static const char label_fin[] = "mycelium fin";

void hs_init(struct hs *h, uint64_t peer)
{
	sodium_memzero(h, sizeof(*h));
	h->peer = peer;
}

void hs_wipe(struct hs *h)
{
	hs_init(h, h->peer);
}

static void hdr(uint8_t *p, enum hs_kind kind, uint8_t phase,
		uint64_t session)
{
	p[0] = HS_VERSION;
	p[1] = (uint8_t)kind;
	p[2] = phase;
	p[3] = 0;
	put_be64(p + 4, session);
}

static void out_send(struct hs_out *out, const uint8_t *msg, unsigned int len)
{
	memcpy(out->msg, msg, len);
	out->msg_len = len;
}

/* T1 from both HELLOs and INIT. */
static void transcript1(struct hs *h, const uint8_t *init)
{
	crypto_generichash_state st;

	crypto_generichash_init(&st, NULL, 0, sizeof(h->t1));
	crypto_generichash_update(&st, (const uint8_t *)label_t1,
				  sizeof(label_t1));
	crypto_generichash_update(&st, h->hello_i, HS_HELLO_LEN);
	crypto_generichash_update(&st, h->hello_r, HS_HELLO_LEN);
	crypto_generichash_update(&st, init, HS_INIT_LEN);
	crypto_generichash_final(&st, h->t1, sizeof(h->t1));
}

/* H(T1 || data), into out (32 bytes). */
static void chain(uint8_t out[32], const uint8_t t[32], const uint8_t *data,
		  size_t len)
{
	crypto_generichash_state st;

	crypto_generichash_init(&st, NULL, 0, 32);
	crypto_generichash_update(&st, t, 32);
	crypto_generichash_update(&st, data, len);
	crypto_generichash_final(&st, out, 32);
}

/* Ed25519 over label || digest. */
static void sign(uint8_t sig[ID_SIG_LEN], const struct ident *id,
		 const char *label, size_t llen, const uint8_t digest[32])
{
	uint8_t m[64];

	memcpy(m, label, llen);
	memcpy(m + llen, digest, 32);
	crypto_sign_detached(sig, NULL, m, llen + 32, id->sk);
}

static bool verify(const uint8_t sig[ID_SIG_LEN], const uint8_t pk[ID_PK_LEN],
		   const char *label, size_t llen, const uint8_t digest[32])
{
	uint8_t m[64];

	memcpy(m, label, llen);
	memcpy(m + llen, digest, 32);
	return !crypto_sign_verify_detached(sig, m, llen + 32, pk);
}

/*
 * The peer's certificate at p: decoded into c and checked against our
 * trust, the peer's id and the type it is configured as and claims.
 */
static const char *check_peer_cert(const struct hs_self *self,
				   const struct hs_pair *pair, const uint8_t *p,
				   uint64_t now_s, struct cert *c)
{
	const char *why;

	if (cert_decode(c, p, CERT_LEN))
		return "malformed certificate";
	why = cert_check(c, &self->trust, now_s);
	if (why)
		return why;
	if (ident_node_id(c->node_pk) != pair->peer)
		return "certificate key does not give the peer's node id";
	if (c->type != pair->peer_type)
		return "certificate type is not the type the peer is configured as";
	if (!pair->has_remote_hello || pair->remote_hello[2] != c->type)
		return "peer claims a type its certificate does not give";
	return NULL;
}

/* Session keys from the ephemerals and T2: i2r carries I to R. */
static bool derive(const struct hs *h, const uint8_t peer_e[32],
		   uint8_t i2r[HS_KEY_LEN], uint8_t r2i[HS_KEY_LEN])
{
	uint8_t dh[crypto_scalarmult_BYTES], okm[2 * HS_KEY_LEN];

	if (crypto_scalarmult(dh, h->e_sk, peer_e))
		return false;	/* a low-order point */
	crypto_generichash(okm, sizeof(okm), h->t2, sizeof(h->t2), dh,
			   sizeof(dh));
	memcpy(i2r, okm, HS_KEY_LEN);
	memcpy(r2i, okm + HS_KEY_LEN, HS_KEY_LEN);
	sodium_memzero(dh, sizeof(dh));
	sodium_memzero(okm, sizeof(okm));
	return true;
}

static void start(const struct hs_self *self, struct hs *h,
		  const struct hs_pair *pair, uint64_t now_ms,
		  struct hs_out *out)
{
	uint8_t *m = h->msg;

	hs_wipe(h);
	do {
		randombytes_buf(&h->session, sizeof(h->session));
	} while (!h->session);
	h->phase = pair->newest_phase < 0 ? 0 : !pair->newest_phase;
	crypto_box_keypair(h->e_pk, h->e_sk);
	memcpy(h->hello_i, pair->local_hello, HS_HELLO_LEN);
	if (pair->has_remote_hello)
		memcpy(h->hello_r, pair->remote_hello, HS_HELLO_LEN);
	hdr(m, HS_INIT, h->phase, h->session);
	memcpy(m + HS_HDR_LEN, self->cert.raw, CERT_LEN);
	memcpy(m + HS_HDR_LEN + CERT_LEN, h->e_pk, 32);
	h->msg_len = HS_INIT_LEN;
	transcript1(h, m);
	h->state = HS_INIT_SENT;
	h->tries = 1;
	h->deadline_ms = now_ms + hs_backoff_ms(1);
	out_send(out, m, h->msg_len);
}

void hs_request(const struct hs_self *self, struct hs *h,
		const struct hs_pair *pair, uint64_t now_ms,
		struct hs_out *out)
{
	memset(out, 0, sizeof(*out));
	if (h->state == HS_INIT_SENT || h->state == HS_RESP_SENT ||
	    h->state == HS_WAITING)
		return;		/* already at it */
	if (self->id.id < pair->peer) {
		start(self, h, pair, now_ms, out);
		return;
	}
	hs_wipe(h);
	h->state = HS_WAITING;
	h->deadline_ms = now_ms + HS_RESPONDER_WAIT_MS;
}

static void on_init(const struct hs_self *self, struct hs *h,
		    const struct hs_pair *pair, const uint8_t *msg,
		    uint64_t now_ms, uint64_t now_s, struct hs_out *out)
{
	uint8_t *m = h->msg, d[32];
	struct cert c;

	if (h->state == HS_INIT_SENT) {
		if (self->id.id < pair->peer) {
			/*
			 * A certificate that does not hold is a refusal
			 * whoever initiated: our INIT may wait up to
			 * HS_GIVE_UP_MS for an answer that never comes.
			 */
			out->why = check_peer_cert(self, pair, msg + HS_HDR_LEN,
						   now_s, &c);
			out->fail = out->why != NULL;
			if (out->fail)
				hs_wipe(h);	/* nothing to wait for */
			else
				out->why = "both initiated: ours goes on";
			return;
		}
	} else if ((h->state == HS_RESP_SENT || h->state == HS_DONE) &&
		   !memcmp(msg, h->init, HS_INIT_LEN)) {
		if (h->state == HS_RESP_SENT)	/* RESP was lost or late */
			out_send(out, h->msg, h->msg_len);
		return;
	}
	out->why = check_peer_cert(self, pair, msg + HS_HDR_LEN, now_s, &c);
	if (out->why) {
		out->fail = true;
		return;
	}
	if (msg[2] > 1) {
		out->why = "bad key phase";
		return;
	}
	hs_wipe(h);
	memcpy(h->init, msg, HS_INIT_LEN);
	h->session = get_be64(msg + 4);
	h->phase = msg[2];
	memcpy(h->hello_i, pair->remote_hello, HS_HELLO_LEN);
	memcpy(h->hello_r, pair->local_hello, HS_HELLO_LEN);
	transcript1(h, msg);
	crypto_box_keypair(h->e_pk, h->e_sk);
	hdr(m, HS_RESP, h->phase, h->session);
	memcpy(m + HS_HDR_LEN, self->cert.raw, CERT_LEN);
	memcpy(m + HS_HDR_LEN + CERT_LEN, h->e_pk, 32);
	chain(d, h->t1, m, HS_RESP_LEN - ID_SIG_LEN);
	sign(m + HS_RESP_LEN - ID_SIG_LEN, &self->id, label_resp,
	     sizeof(label_resp), d);
	h->msg_len = HS_RESP_LEN;
	chain(h->t2, h->t1, m, HS_RESP_LEN);
	h->state = HS_RESP_SENT;
	h->tries = 1;
	h->deadline_ms = now_ms + hs_backoff_ms(h->tries);
	out_send(out, m, h->msg_len);
}

/* Our RESP again (FIN was lost): is it the one this FIN answered? */
static bool resp_answered(const struct hs *h, const uint8_t *msg)
{
	uint8_t t2[32];

	if (h->state != HS_DONE || h->msg_len != HS_FIN_LEN ||
	    get_be64(msg + 4) != h->session || msg[2] != h->phase)
		return false;
	chain(t2, h->t1, msg, HS_RESP_LEN);
	return !memcmp(t2, h->t2, sizeof(t2));
}

static void on_resp(const struct hs_self *self, struct hs *h,
		    const struct hs_pair *pair, const uint8_t *msg,
		    uint64_t now_ms, uint64_t now_s, struct hs_out *out)
{
	uint8_t d[32], *m;
	struct cert c;

	if (resp_answered(h, msg)) {
		out_send(out, h->msg, h->msg_len);	/* the same FIN */
		return;
	}
	if (h->state != HS_INIT_SENT || get_be64(msg + 4) != h->session ||
	    msg[2] != h->phase) {
		out->why = "a RESP for no handshake of ours";
		return;
	}
	out->why = check_peer_cert(self, pair, msg + HS_HDR_LEN, now_s, &c);
	if (out->why) {
		out->fail = true;
		return;
	}
	chain(d, h->t1, msg, HS_RESP_LEN - ID_SIG_LEN);
	if (!verify(msg + HS_RESP_LEN - ID_SIG_LEN, c.node_pk, label_resp,
		    sizeof(label_resp), d)) {
		out->why = "RESP signature does not verify (forged, or another hello)";
		return;
	}
	chain(h->t2, h->t1, msg, HS_RESP_LEN);
	if (!derive(h, msg + HS_HDR_LEN + CERT_LEN, out->tx, out->rx)) {
		out->why = "bad ephemeral key";
		return;
	}
	out->keys = true;
	out->confirm = true;
	out->phase = h->phase;
	memcpy(out->remote_hello, h->hello_r, HS_HELLO_LEN);
	m = h->msg;
	hdr(m, HS_FIN, h->phase, h->session);
	sign(m + HS_HDR_LEN, &self->id, label_fin, sizeof(label_fin), h->t2);
	h->msg_len = HS_FIN_LEN;
	h->state = HS_DONE;
	h->deadline_ms = now_ms + HS_GIVE_UP_MS;
	out_send(out, m, h->msg_len);
}

static void on_fin(struct hs *h, const uint8_t *msg, uint64_t now_ms,
		   struct hs_out *out)
{
	struct cert c;

	if (h->state != HS_RESP_SENT || get_be64(msg + 4) != h->session ||
	    msg[2] != h->phase) {
		out->why = "a FIN for no handshake of ours";
		return;
	}
	cert_decode(&c, h->init + HS_HDR_LEN, CERT_LEN);	/* checked */
	if (!verify(msg + HS_HDR_LEN, c.node_pk, label_fin, sizeof(label_fin),
		    h->t2)) {
		out->why = "FIN signature does not verify";
		return;
	}
	if (!derive(h, h->init + HS_HDR_LEN + CERT_LEN, out->rx, out->tx)) {
		out->why = "bad ephemeral key";
		return;
	}
	out->keys = true;
	out->confirm = false;
	out->phase = h->phase;
	memcpy(out->remote_hello, h->hello_i, HS_HELLO_LEN);
	h->state = HS_DONE;
	h->deadline_ms = now_ms + HS_GIVE_UP_MS;
}

void hs_receive(const struct hs_self *self, struct hs *h,
		const struct hs_pair *pair, const uint8_t *msg,
		unsigned int len, uint64_t now_ms, uint64_t now_s,
		struct hs_out *out)
{
	static const unsigned int lens[] = {
		[HS_INIT] = HS_INIT_LEN, [HS_RESP] = HS_RESP_LEN,
		[HS_FIN] = HS_FIN_LEN,
	};

	memset(out, 0, sizeof(*out));
	if (len < HS_HDR_LEN || msg[0] != HS_VERSION || msg[3] ||
	    msg[1] < HS_INIT || msg[1] > HS_FIN || len != lens[msg[1]]) {
		out->why = "malformed handshake message";
		return;
	}
	switch (msg[1]) {
	case HS_INIT:
		on_init(self, h, pair, msg, now_ms, now_s, out);
		break;
	case HS_RESP:
		on_resp(self, h, pair, msg, now_ms, now_s, out);
		break;
	default:
		on_fin(h, msg, now_ms, out);
		break;
	}
}

/* The last message again, on hs_backoff_ms(); false after HS_TRIES. */
static bool resend(struct hs *h, uint64_t now_ms, struct hs_out *out)
{
	if (h->tries >= HS_TRIES)
		return false;
	h->tries++;
	h->deadline_ms = now_ms + hs_backoff_ms(h->tries);
	out_send(out, h->msg, h->msg_len);
	return true;
}

void hs_timer(const struct hs_self *self, struct hs *h,
	      const struct hs_pair *pair, uint64_t now_ms,
	      struct hs_out *out)
{
	memset(out, 0, sizeof(*out));
	if (h->state == HS_IDLE || now_ms < h->deadline_ms)
		return;
	switch (h->state) {
	case HS_INIT_SENT:
		if (!resend(h, now_ms, out)) {
			out->why = "no answer to INIT";
			hs_wipe(h);
		}
		return;
	case HS_WAITING:
		start(self, h, pair, now_ms, out);	/* nobody started */
		return;
	case HS_RESP_SENT:			/* RESP lost, or FIN */
		if (!resend(h, now_ms, out)) {
			out->why = "no FIN";
			hs_wipe(h);
		}
		return;
	default:
		hs_wipe(h);
		return;
	}
}
