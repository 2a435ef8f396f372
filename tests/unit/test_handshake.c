// SPDX-License-Identifier: GPL-2.0
/*
 * myceliumd's handshake (handshake.c) and certificates (ident.c), two
 * daemons' state machines run against each other with no kernel: keys
 * agree, every check refuses what it must (unknown authority, forged or
 * expired certificate, a type the certificate does not give, an id its key
 * does not give, a forged HELLO, tampered messages), lost messages are
 * sent again, and crossed initiations settle on one handshake.
 */
#include <string.h>
#include <sodium.h>

#include "kselftest_harness.h"
#include "handshake.h"
#include "ident.h"

#define NOW_S		1800000000ULL
#define DAY		86400ULL
#define SCLEROTIA	0
#define RHIZOMORPH	1

struct side {
	struct hs_self self;
	struct hs hs;
	struct hs_pair pair;
	struct hs_out out;
};

static struct ident authority, rogue;

/* A node of type type, certified by auth until expiry, trusting authority. */
static void make_side(struct side *s, const struct ident *auth, int type,
		      uint64_t expiry)
{
	memset(s, 0, sizeof(*s));
	ident_generate(&s->self.id);
	cert_issue(&s->self.cert, auth, s->self.id.pk, (uint8_t)type, expiry);
	trust_add(&s->self.trust, authority.pk);
}

/* Each side's view of the pair: the other's id and type, both HELLOs. */
static void pair_up(struct side *a, struct side *b)
{
	uint8_t ha[HS_HELLO_LEN] = { 1, 0, a->self.cert.type, 1, 2 };
	uint8_t hb[HS_HELLO_LEN] = { 1, 0, b->self.cert.type, 1, 2 };

	ha[16] = 0xaa;	/* instance */
	hb[16] = 0xbb;
	a->pair = (struct hs_pair){ .peer = b->self.id.id,
				    .peer_type = b->self.cert.type,
				    .has_remote_hello = true,
				    .newest_phase = -1 };
	b->pair = (struct hs_pair){ .peer = a->self.id.id,
				    .peer_type = a->self.cert.type,
				    .has_remote_hello = true,
				    .newest_phase = -1 };
	memcpy(a->pair.local_hello, ha, HS_HELLO_LEN);
	memcpy(a->pair.remote_hello, hb, HS_HELLO_LEN);
	memcpy(b->pair.local_hello, hb, HS_HELLO_LEN);
	memcpy(b->pair.remote_hello, ha, HS_HELLO_LEN);
	hs_init(&a->hs, b->self.id.id);
	hs_init(&b->hs, a->self.id.id);
}

/* i starts (smaller id); returns with the sides ordered. */
static void order(struct side **i, struct side **r)
{
	if ((*i)->self.id.id > (*r)->self.id.id) {
		struct side *t = *i;

		*i = *r;
		*r = t;
	}
}

/* Deliver from's last output to to. */
static void deliver(struct side *from, struct side *to, uint64_t ms)
{
	struct hs_out o = from->out;

	hs_receive(&to->self, &to->hs, &to->pair, o.msg, o.msg_len, ms, NOW_S,
		   &to->out);
}

/* A full handshake; true when both installed matching keys. */
static bool run_handshake(struct side *i, struct side *r)
{
	struct hs_out ki, kr;

	hs_request(&r->self, &r->hs, &r->pair, 0, &r->out);
	if (r->out.msg_len)
		return false;		/* the responder waits */
	hs_request(&i->self, &i->hs, &i->pair, 0, &i->out);
	if (i->out.msg_len != HS_INIT_LEN)
		return false;
	deliver(i, r, 1);		/* INIT -> RESP */
	if (r->out.msg_len != HS_RESP_LEN)
		return false;
	deliver(r, i, 2);		/* RESP -> keys, FIN */
	ki = i->out;
	if (!ki.keys || !ki.confirm || ki.msg_len != HS_FIN_LEN)
		return false;
	deliver(i, r, 3);		/* FIN -> keys */
	kr = r->out;
	return kr.keys && !kr.confirm && ki.phase == kr.phase &&
	       !memcmp(ki.tx, kr.rx, HS_KEY_LEN) &&
	       !memcmp(ki.rx, kr.tx, HS_KEY_LEN) &&
	       memcmp(ki.tx, ki.rx, HS_KEY_LEN) &&
	       !memcmp(ki.remote_hello, i->pair.remote_hello, HS_HELLO_LEN) &&
	       !memcmp(kr.remote_hello, r->pair.remote_hello, HS_HELLO_LEN);
}

FIXTURE(hs) {
	struct side a, b;
	struct side *i, *r;
};

FIXTURE_SETUP(hs)
{
	ASSERT_EQ(0, ident_init());
	ident_generate(&authority);
	ident_generate(&rogue);
	make_side(&self->a, &authority, SCLEROTIA, NOW_S + DAY);
	make_side(&self->b, &authority, RHIZOMORPH, NOW_S + DAY);
	pair_up(&self->a, &self->b);
	self->i = &self->a;
	self->r = &self->b;
	order(&self->i, &self->r);
}

FIXTURE_TEARDOWN(hs)
{
}

TEST_F(hs, keys_agree)
{
	ASSERT_TRUE(run_handshake(self->i, self->r));
	EXPECT_EQ(0, self->i->out.phase);
	EXPECT_EQ((int)HS_DONE, (int)self->i->hs.state);
	EXPECT_EQ((int)HS_DONE, (int)self->r->hs.state);
}

TEST_F(hs, a_new_session_takes_the_other_phase_and_new_keys)
{
	uint8_t first[HS_KEY_LEN];

	ASSERT_TRUE(run_handshake(self->i, self->r));
	memcpy(first, self->r->out.tx, HS_KEY_LEN);
	self->i->pair.newest_phase = 0;
	self->r->pair.newest_phase = 0;
	hs_wipe(&self->i->hs);
	hs_wipe(&self->r->hs);
	ASSERT_TRUE(run_handshake(self->i, self->r));
	EXPECT_EQ(1, self->r->out.phase);
	EXPECT_NE(0, memcmp(first, self->r->out.tx, HS_KEY_LEN));
}

/* The responder refuses INIT from i, whose certificate is replaced. */
static const char *init_refused(struct side *i, struct side *r)
{
	hs_request(&i->self, &i->hs, &i->pair, 0, &i->out);
	deliver(i, r, 1);
	if (r->out.msg_len || !r->out.fail)
		return NULL;
	return r->out.why;
}

TEST_F(hs, unknown_authority)
{
	cert_issue(&self->i->self.cert, &rogue, self->i->self.id.pk,
		   self->i->self.cert.type, NOW_S + DAY);
	EXPECT_STREQ("certificate from an unknown authority",
		     init_refused(self->i, self->r));
}

TEST_F(hs, forged_certificate)
{
	self->i->self.cert.raw[5] ^= 1;		/* the expiry, after signing */
	EXPECT_STREQ("certificate signature does not verify",
		     init_refused(self->i, self->r));
}

TEST_F(hs, expired_certificate)
{
	cert_issue(&self->i->self.cert, &authority, self->i->self.id.pk,
		   self->i->self.cert.type, NOW_S - 1);
	EXPECT_STREQ("certificate expired", init_refused(self->i, self->r));
}

TEST_F(hs, type_not_in_certificate)
{
	/* the peer is configured as (and claims) sclerotia, certified as rhizomorph */
	uint8_t t = self->i->self.cert.type ? 0 : 1;

	cert_issue(&self->i->self.cert, &authority, self->i->self.id.pk, t,
		   NOW_S + DAY);
	EXPECT_STREQ("certificate type is not the type the peer is configured as",
		     init_refused(self->i, self->r));
}

TEST_F(hs, spoofed_type_in_hello)
{
	/* configured right, certified right, but its HELLO claims another */
	self->r->pair.remote_hello[2] ^= 1;
	EXPECT_STREQ("peer claims a type its certificate does not give",
		     init_refused(self->i, self->r));
}

TEST_F(hs, someone_elses_key)
{
	/* a valid certificate, but for a key that is not the peer's id */
	struct ident other;

	ident_generate(&other);
	cert_issue(&self->i->self.cert, &authority, other.pk,
		   self->i->self.cert.type, NOW_S + DAY);
	EXPECT_STREQ("certificate key does not give the peer's node id",
		     init_refused(self->i, self->r));
}

TEST_F(hs, forged_hello_breaks_the_handshake)
{
	/* an attacker changed the HELLO the responder has from i */
	self->r->pair.remote_hello[4] ^= 1;	/* the encryption wish */
	hs_request(&self->i->self, &self->i->hs, &self->i->pair, 0,
		   &self->i->out);
	deliver(self->i, self->r, 1);
	ASSERT_EQ((unsigned int)HS_RESP_LEN, self->r->out.msg_len);
	deliver(self->r, self->i, 2);
	EXPECT_FALSE(self->i->out.keys);
	EXPECT_EQ(0U, self->i->out.msg_len);
	EXPECT_NE(NULL, strstr(self->i->out.why, "signature"));
}

TEST_F(hs, tampered_messages)
{
	unsigned int pos;

	/* every byte of RESP (but the certificate's unsigned padding) */
	for (pos = 0; pos < HS_RESP_LEN; pos += 7) {
		pair_up(self->i, self->r);
		hs_request(&self->i->self, &self->i->hs, &self->i->pair, 0,
			   &self->i->out);
		deliver(self->i, self->r, 1);
		ASSERT_EQ((unsigned int)HS_RESP_LEN, self->r->out.msg_len);
		self->r->out.msg[pos] ^= 0x20;
		deliver(self->r, self->i, 2);
		EXPECT_FALSE(self->i->out.keys);
	}
	/* FIN */
	pair_up(self->i, self->r);
	hs_request(&self->i->self, &self->i->hs, &self->i->pair, 0,
		   &self->i->out);
	deliver(self->i, self->r, 1);
	deliver(self->r, self->i, 2);
	ASSERT_TRUE(self->i->out.keys);
	self->i->out.msg[HS_HDR_LEN + 3] ^= 1;
	deliver(self->i, self->r, 3);
	EXPECT_FALSE(self->r->out.keys);
	/* garbage and truncation */
	hs_receive(&self->r->self, &self->r->hs, &self->r->pair,
		   (const uint8_t *)"junk", 4, 4, NOW_S, &self->r->out);
	EXPECT_STREQ("malformed handshake message", self->r->out.why);
	EXPECT_FALSE(self->r->out.keys);
}

TEST_F(hs, lost_messages_are_sent_again)
{
	struct hs_out init;

	hs_request(&self->i->self, &self->i->hs, &self->i->pair, 0,
		   &self->i->out);
	init = self->i->out;
	/* INIT lost: sent again after HS_RETRY_MS, the same bytes */
	hs_timer(&self->i->self, &self->i->hs, &self->i->pair,
		 HS_RETRY_MS - 1, &self->i->out);
	EXPECT_EQ(0U, self->i->out.msg_len);
	hs_timer(&self->i->self, &self->i->hs, &self->i->pair, HS_RETRY_MS,
		 &self->i->out);
	ASSERT_EQ((unsigned int)HS_INIT_LEN, self->i->out.msg_len);
	EXPECT_EQ(0, memcmp(init.msg, self->i->out.msg, HS_INIT_LEN));
	/* RESP lost: the repeated INIT gets the same RESP */
	deliver(self->i, self->r, 600);
	init = self->r->out;
	deliver(self->i, self->r, 700);
	ASSERT_EQ((unsigned int)HS_RESP_LEN, self->r->out.msg_len);
	EXPECT_EQ(0, memcmp(init.msg, self->r->out.msg, HS_RESP_LEN));
	deliver(self->r, self->i, 800);
	ASSERT_TRUE(self->i->out.keys);
	deliver(self->i, self->r, 900);
	EXPECT_TRUE(self->r->out.keys);
}

/*
 * Run s's timer from 0 until it gives up: the times it sent a message of
 * len (sent[0] is 0, the first send) into sent, how many sends in all, and
 * in *t when it gave up.
 */
static int resends(struct side *s, unsigned int len, uint64_t *sent,
		   uint64_t *t)
{
	int n = 1;

	for (*t = 0; *t <= HS_GIVE_UP_MS + 10000; *t += 50) {
		hs_timer(&s->self, &s->hs, &s->pair, *t, &s->out);
		if (s->out.msg_len == len && n < HS_TRIES + 2)
			sent[n++] = *t;
		if (s->hs.state == HS_IDLE)
			break;
	}
	return n;
}

/* The sends were 0.5, 1, 2, 4, 8, 8 s apart (hs_backoff_ms()). */
static bool backs_off(const uint64_t *sent)
{
	static const uint64_t gap[] = { 500, 1000, 2000, 4000, 8000, 8000 };

	for (unsigned int i = 0; i < sizeof(gap) / sizeof(gap[0]); i++)
		if (sent[i + 1] - sent[i] != gap[i])
			return false;
	return true;
}

/*
 * FIN lost: the responder sends its RESP again on the INIT schedule, and
 * the initiator, done already, answers it with the same FIN (no new keys,
 * no new session); another RESP is not answered.  Nobody answering: the
 * responder gives up after HS_TRIES RESPs, HS_GIVE_UP_MS in all.
 */
TEST_F(hs, a_lost_fin_costs_a_resend)
{
	struct hs_out resp, fin, keys;
	uint64_t t, sent[HS_TRIES + 2] = { 0 };
	int n;

	hs_request(&self->i->self, &self->i->hs, &self->i->pair, 0,
		   &self->i->out);
	deliver(self->i, self->r, 0);
	resp = self->r->out;
	deliver(self->r, self->i, 10);
	keys = self->i->out;
	ASSERT_TRUE(keys.keys);
	fin = self->i->out;			/* ... and lost */
	hs_timer(&self->r->self, &self->r->hs, &self->r->pair, HS_RETRY_MS - 1,
		 &self->r->out);
	EXPECT_EQ(0U, self->r->out.msg_len);
	hs_timer(&self->r->self, &self->r->hs, &self->r->pair, HS_RETRY_MS,
		 &self->r->out);
	ASSERT_EQ((unsigned int)HS_RESP_LEN, self->r->out.msg_len);
	EXPECT_EQ(0, memcmp(resp.msg, self->r->out.msg, HS_RESP_LEN));
	deliver(self->r, self->i, HS_RETRY_MS + 10);
	EXPECT_FALSE(self->i->out.keys);
	ASSERT_EQ((unsigned int)HS_FIN_LEN, self->i->out.msg_len);
	EXPECT_EQ(0, memcmp(fin.msg, self->i->out.msg, HS_FIN_LEN));
	EXPECT_EQ((int)HS_DONE, (int)self->i->hs.state);
	/* a RESP of that session with other bytes gets nothing */
	resp.msg[HS_RESP_LEN - 1] ^= 1;
	hs_receive(&self->i->self, &self->i->hs, &self->i->pair, resp.msg,
		   resp.msg_len, HS_RETRY_MS + 20, NOW_S, &self->i->out);
	EXPECT_EQ(0U, self->i->out.msg_len);
	EXPECT_STREQ("a RESP for no handshake of ours", self->i->out.why);
	/* the repeated FIN completes the handshake on the first session */
	hs_receive(&self->r->self, &self->r->hs, &self->r->pair, fin.msg,
		   fin.msg_len, HS_RETRY_MS + 30, NOW_S, &self->r->out);
	ASSERT_TRUE(self->r->out.keys);
	EXPECT_EQ(0, memcmp(keys.tx, self->r->out.rx, HS_KEY_LEN));
	EXPECT_EQ(0, memcmp(keys.rx, self->r->out.tx, HS_KEY_LEN));

	/* a responder that never hears FIN: RESP 0.5, 1, 2, 4, 8, 8 s apart */
	pair_up(self->i, self->r);
	hs_request(&self->i->self, &self->i->hs, &self->i->pair, 0,
		   &self->i->out);
	deliver(self->i, self->r, 0);
	n = resends(self->r, HS_RESP_LEN, sent, &t);
	EXPECT_EQ(HS_TRIES, n);
	EXPECT_TRUE(backs_off(sent));
	EXPECT_EQ((uint64_t)HS_GIVE_UP_MS, t);
	EXPECT_STREQ("no FIN", self->r->out.why);
}

TEST_F(hs, initiator_gives_up_then_starts_over)
{
	uint64_t t, sent[HS_TRIES + 2] = { 0 };
	int n;

	hs_request(&self->i->self, &self->i->hs, &self->i->pair, 0,
		   &self->i->out);
	n = resends(self->i, HS_INIT_LEN, sent, &t);
	/* HS_TRIES INITs, 0.5 s apart, then 1, 2, 4, 8 s and no more */
	EXPECT_EQ(HS_TRIES, n);
	EXPECT_TRUE(backs_off(sent));
	EXPECT_EQ((uint64_t)HS_GIVE_UP_MS, t);
	EXPECT_EQ((int)HS_IDLE, (int)self->i->hs.state);
	/* the kernel asks again: a fresh handshake completes */
	EXPECT_TRUE(run_handshake(self->i, self->r));
}

/*
 * A busy responder's RESP reaches the initiator 12 s late and the FIN
 * takes 19 s more: the initiator kept retrying the same INIT, the responder kept
 * waiting, and the handshake completes on that session.
 */
TEST_F(hs, a_late_answer_still_counts)
{
	struct hs_out resp;
	uint64_t t;

	hs_request(&self->i->self, &self->i->hs, &self->i->pair, 0,
		   &self->i->out);
	deliver(self->i, self->r, 100);
	resp = self->r->out;
	ASSERT_EQ((unsigned int)HS_RESP_LEN, resp.msg_len);
	for (t = 0; t <= 12000; t += 100) {
		hs_timer(&self->i->self, &self->i->hs, &self->i->pair, t,
			 &self->i->out);
		hs_timer(&self->r->self, &self->r->hs, &self->r->pair, t,
			 &self->r->out);
	}
	ASSERT_EQ((int)HS_INIT_SENT, (int)self->i->hs.state);
	hs_receive(&self->i->self, &self->i->hs, &self->i->pair, resp.msg,
		   resp.msg_len, 12000, NOW_S, &self->i->out);
	ASSERT_TRUE(self->i->out.keys);
	ASSERT_EQ((unsigned int)HS_FIN_LEN, self->i->out.msg_len);
	for (; t <= 31000; t += 100)
		hs_timer(&self->r->self, &self->r->hs, &self->r->pair, t,
			 &self->r->out);
	ASSERT_EQ((int)HS_RESP_SENT, (int)self->r->hs.state);
	deliver(self->i, self->r, 31000);
	ASSERT_TRUE(self->r->out.keys);
	EXPECT_EQ(0, memcmp(self->i->out.tx, self->r->out.rx, HS_KEY_LEN));
}

TEST_F(hs, responder_starts_when_nobody_does)
{
	/* the smaller id's daemon is not running: the other one starts */
	hs_request(&self->r->self, &self->r->hs, &self->r->pair, 0,
		   &self->r->out);
	EXPECT_EQ(0U, self->r->out.msg_len);
	EXPECT_EQ((int)HS_WAITING, (int)self->r->hs.state);
	hs_timer(&self->r->self, &self->r->hs, &self->r->pair,
		 HS_RESPONDER_WAIT_MS, &self->r->out);
	ASSERT_EQ((unsigned int)HS_INIT_LEN, self->r->out.msg_len);
	deliver(self->r, self->i, 1);		/* i answers */
	ASSERT_EQ((unsigned int)HS_RESP_LEN, self->i->out.msg_len);
	deliver(self->i, self->r, 2);
	ASSERT_TRUE(self->r->out.keys);
	EXPECT_TRUE(self->r->out.confirm);
	deliver(self->r, self->i, 3);
	EXPECT_TRUE(self->i->out.keys);
	EXPECT_EQ(0, memcmp(self->i->out.tx, self->r->out.rx, HS_KEY_LEN));
}

/* Both start (r after waiting): their INITs, to cross. */
static void cross(struct side *i, struct side *r, struct hs_out *init_i,
		  struct hs_out *init_r)
{
	hs_request(&i->self, &i->hs, &i->pair, 0, &i->out);
	*init_i = i->out;
	hs_request(&r->self, &r->hs, &r->pair, 0, &r->out);
	hs_timer(&r->self, &r->hs, &r->pair, HS_RESPONDER_WAIT_MS, &r->out);
	*init_r = r->out;
}

TEST_F(hs, crossed_initiations_settle)
{
	struct hs_out init_i, init_r;

	cross(self->i, self->r, &init_i, &init_r);
	ASSERT_EQ((unsigned int)HS_INIT_LEN, init_r.msg_len);
	/* i ignores r's INIT (its own goes on) */
	hs_receive(&self->i->self, &self->i->hs, &self->i->pair, init_r.msg,
		   init_r.msg_len, 1, NOW_S, &self->i->out);
	EXPECT_EQ(0U, self->i->out.msg_len);
	EXPECT_FALSE(self->i->out.fail);
	/* r answers i's */
	hs_receive(&self->r->self, &self->r->hs, &self->r->pair, init_i.msg,
		   init_i.msg_len, 2, NOW_S, &self->r->out);
	ASSERT_EQ((unsigned int)HS_RESP_LEN, self->r->out.msg_len);
	deliver(self->r, self->i, 3);
	ASSERT_TRUE(self->i->out.keys);
	deliver(self->i, self->r, 4);
	EXPECT_TRUE(self->r->out.keys);
	EXPECT_EQ(0, memcmp(self->i->out.tx, self->r->out.rx, HS_KEY_LEN));
}

/*
 * Crossed INITs, the other's certificate from an unknown authority: the
 * smaller id refuses it at once rather than wait for its own INIT's
 * answer (the other side refused it and will never answer).
 */
TEST_F(hs, crossed_init_with_a_bad_certificate_is_refused)
{
	struct hs_out init_i, init_r;

	cert_issue(&self->r->self.cert, &rogue, self->r->self.id.pk,
		   self->r->self.cert.type, NOW_S + DAY);
	cross(self->i, self->r, &init_i, &init_r);
	ASSERT_EQ((unsigned int)HS_INIT_LEN, init_r.msg_len);
	hs_receive(&self->i->self, &self->i->hs, &self->i->pair, init_r.msg,
		   init_r.msg_len, 1, NOW_S, &self->i->out);
	EXPECT_TRUE(self->i->out.fail);
	EXPECT_STREQ("certificate from an unknown authority", self->i->out.why);
	EXPECT_EQ(0U, self->i->out.msg_len);
}

TEST(node_id_and_files)
{
	char err[256], path[] = "/tmp/myc-ident-XXXXXX";
	struct ident id, back;
	struct cert c, cb;
	struct trust t = {};
	int fd;

	ASSERT_EQ(0, ident_init());
	ident_generate(&id);
	EXPECT_NE(0U, id.id);
	EXPECT_EQ(id.id, ident_node_id(id.pk));
	fd = mkstemp(path);
	ASSERT_LE(0, fd);
	close(fd);
	ASSERT_EQ(0, ident_save(&id, path, err, sizeof(err)));
	ASSERT_EQ(0, ident_load(&back, path, err, sizeof(err)));
	EXPECT_EQ(0, memcmp(&id, &back, sizeof(id)));
	ident_generate(&authority);
	cert_issue(&c, &authority, id.pk, 2, NOW_S + DAY);
	ASSERT_EQ(0, cert_save(&c, path, err, sizeof(err)));
	ASSERT_EQ(0, cert_load(&cb, path, err, sizeof(err)));
	EXPECT_EQ(0, memcmp(c.raw, cb.raw, CERT_LEN));
	EXPECT_EQ(2, cb.type);
	EXPECT_STREQ("certificate from an unknown authority",
		     cert_check(&cb, &t, NOW_S));
	trust_add(&t, authority.pk);
	EXPECT_EQ(NULL, cert_check(&cb, &t, NOW_S));
	EXPECT_NE(0, ident_load(&back, path, err, sizeof(err)));	/* a cert */
	EXPECT_NE(NULL, strstr(err, "not a MYC-SECRET-KEY file"));
	unlink(path);
}

TEST_HARNESS_MAIN
