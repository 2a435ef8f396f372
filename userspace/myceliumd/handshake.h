/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The mutual handshake of SPEC section 8, as a state machine without I/O:
 * the daemon feeds it requests from the kernel, messages from the peer and
 * the time, and carries out what it answers (send a message, install
 * keys, refuse the peer).  The host tests run two of them against each
 * other.
 *
 * Three messages, a SIGMA-style exchange (as in TLS 1.3 or Noise XX with
 * signatures), each starting with a 12-byte header (u8 version 1, u8 kind,
 * u8 key phase, u8 zero, u64 session id chosen by the initiator):
 *
 *   INIT  I -> R  header, I's certificate, I's ephemeral X25519 key
 *   RESP  R -> I  header, R's certificate, R's ephemeral key,
 *                 R's signature over H(T1 || RESP without signature)
 *   FIN   I -> R  header, I's signature over T2
 *
 * with T1 = BLAKE2b-256("mycelium handshake 1" || I's HELLO || R's HELLO ||
 * INIT) and T2 = BLAKE2b-256(T1 || RESP).  Both HELLOs (as each kernel
 * sent them) are bound in, so a forged HELLO makes the handshake fail.
 * Keys: BLAKE2b-512 keyed with X25519(ephemerals), of T2: the first 32
 * bytes carry I to R, the last 32 R to I.  Each side checks the other's
 * certificate (a trusted authority, signature, expiry), that its key gives
 * the peer's node id, and that its type is the one the peer is configured
 * as and claims in its HELLO.
 *
 * Roles: the node with the smaller id initiates; the other answers, and
 * initiates itself if no INIT comes within HS_RESPONDER_WAIT_MS.  When both
 * initiated, the INIT of the smaller id wins.  The initiator installs its
 * keys with "confirm" when RESP checks out, then sends FIN; the responder
 * installs (without) when FIN checks out.  INIT is sent again until RESP
 * comes, HS_RETRY_MS after the first, then twice as long each time up to
 * HS_RETRY_MAX_MS, HS_TRIES sends in all (hs_backoff_ms()); a repeated
 * INIT gets the same RESP.  The responder sends RESP again on the same
 * schedule until FIN comes, and the initiator, done, answers its session's
 * RESP with the same FIN for HS_GIVE_UP_MS: a lost FIN costs a resend,
 * not a new handshake.  A busy peer (a daemon
 * with 63 handshakes and a flood of spores to get through) answers late:
 * a fixed short retry would give up and start a new session before the
 * answer came, and every late answer would be wasted work.
 */
#ifndef MYCD_HANDSHAKE_H
#define MYCD_HANDSHAKE_H

#include <stdbool.h>
#include <stdint.h>

#include "ident.h"

#define HS_VERSION		1
#define HS_HELLO_LEN		20
#define HS_HDR_LEN		12
#define HS_INIT_LEN		(HS_HDR_LEN + CERT_LEN + 32)
#define HS_RESP_LEN		(HS_HDR_LEN + CERT_LEN + 32 + ID_SIG_LEN)
#define HS_FIN_LEN		(HS_HDR_LEN + ID_SIG_LEN)
#define HS_MAX_MSG		HS_RESP_LEN
#define HS_KEY_LEN		32
#define HS_RETRY_MS		500
#define HS_RETRY_MAX_MS		8000
#define HS_TRIES		7
/* 0.5 + 1 + 2 + 4 + 8 + 8 + 8 s: the initiator gives up then */
#define HS_GIVE_UP_MS		31500	/* also: a done side remembers */
#define HS_RESPONDER_WAIT_MS	1500

enum hs_kind { HS_INIT = 1, HS_RESP = 2, HS_FIN = 3 };

enum hs_state {
	HS_IDLE,		/* nothing going on */
	HS_WAITING,		/* responder: asked for keys, waiting for INIT */
	HS_INIT_SENT,		/* initiator: waiting for RESP */
	HS_RESP_SENT,		/* responder: waiting for FIN */
	HS_DONE,		/* keys installed; remembers the session */
};

/* This node. */
struct hs_self {
	struct ident id;
	struct cert cert;
	struct trust trust;
};

/* What the kernel says of the pair (auth-ntf, handshake-ntf). */
struct hs_pair {
	uint64_t peer;
	uint8_t peer_type;
	uint8_t local_hello[HS_HELLO_LEN];
	uint8_t remote_hello[HS_HELLO_LEN];
	bool has_remote_hello;
	int newest_phase;		/* -1: no keys yet */
};

/* One peer's handshake. */
struct hs {
	uint64_t peer;
	enum hs_state state;
	uint64_t session;
	uint8_t phase;
	uint8_t e_sk[32], e_pk[32];
	uint8_t hello_i[HS_HELLO_LEN], hello_r[HS_HELLO_LEN];
	uint8_t t1[32], t2[32];
	uint8_t msg[HS_MAX_MSG];	/* last sent, for retries */
	unsigned int msg_len;
	uint8_t init[HS_INIT_LEN];	/* the INIT answered (responder) */
	uint64_t deadline_ms;		/* retry or give up then */
	int tries;
};

/* What to do. */
struct hs_out {
	uint8_t msg[HS_MAX_MSG];	/* send this to the peer */
	unsigned int msg_len;		/* 0: nothing */
	bool keys;			/* install these */
	uint8_t tx[HS_KEY_LEN], rx[HS_KEY_LEN];
	uint8_t phase;
	bool confirm;
	uint8_t remote_hello[HS_HELLO_LEN];
	bool fail;			/* refuse the peer: why says why */
	const char *why;		/* also set when a message is ignored */
};

/* How long to wait for RESP after the tries-th INIT (1..HS_TRIES). */
static inline uint64_t hs_backoff_ms(int tries)
{
	uint64_t ms = HS_RETRY_MS;

	while (--tries > 0 && ms < HS_RETRY_MAX_MS)
		ms *= 2;
	return ms < HS_RETRY_MAX_MS ? ms : HS_RETRY_MAX_MS;
}

void hs_init(struct hs *h, uint64_t peer);
void hs_wipe(struct hs *h);
/* The kernel asks for keys for pair.peer (any reason). */
void hs_request(const struct hs_self *self, struct hs *h,
		const struct hs_pair *pair, uint64_t now_ms,
		struct hs_out *out);
/* A handshake message from the peer. */
void hs_receive(const struct hs_self *self, struct hs *h,
		const struct hs_pair *pair, const uint8_t *msg,
		unsigned int len, uint64_t now_ms, uint64_t now_s,
		struct hs_out *out);
/* Time passed: retries, a responder that stops waiting, giving up. */
void hs_timer(const struct hs_self *self, struct hs *h,
	      const struct hs_pair *pair, uint64_t now_ms,
	      struct hs_out *out);

#endif /* MYCD_HANDSHAKE_H */
