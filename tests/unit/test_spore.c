// SPDX-License-Identifier: GPL-2.0
/*
 * Spores: the encoding (spore_codec.c) round-trips and refuses every
 * non-canonical or out-of-range form with its own error; the membership
 * payload likewise; the issuing rules by node type; and the conflict
 * rules (spore_order.c): how a spore relates to the held one, each rule
 * deciding only when the earlier ones tie, and an ordering that is the
 * same whichever way round a node sees the pair.
 */
#include <stdlib.h>
#include <string.h>

#include "kselftest_harness.h"
#include "spore_codec.h"
#include "spore_order.h"

static u8 cert[MYC_SPORE_CERT_LEN];

static struct myc_spore base(const char *id, const u8 *payload, u16 plen)
{
	struct myc_spore s = {
		.type = MYC_SPORE_SEED,
		.kind = MYC_SPORE_KIND_DATA,
		.id_len = (u8)strlen(id),
		.origin = 0x0102030405060708ULL,
		.version = 7,
		.timestamp_ms = 1764000000000ULL,
		.ttl_s = 3600,
		.payload_len = plen,
		.id = (const u8 *)id,
		.payload = payload,
		.cert = cert,
	};
	return s;
}

/* Encode s, then decode it again: the error (0 when it decodes). */
static int reencode(struct myc_spore s, u8 *buf, size_t *len)
{
	struct myc_spore d;

	*len = myc_spore_encode(buf, MYC_SPORE_MAX, &s);
	if (!*len)
		return -100;
	return myc_spore_decode(buf, *len, &d, NULL);
}

TEST(roundtrip)
{
	u8 buf[MYC_SPORE_MAX], payload[100];
	struct myc_spore s, d;
	const char *why = NULL;
	size_t len, i;

	for (i = 0; i < sizeof(cert); i++)
		cert[i] = (u8)i;
	for (i = 0; i < sizeof(payload); i++)
		payload[i] = (u8)(i * 7);
	s = base("app/config:v1", payload, sizeof(payload));
	len = myc_spore_encode(buf, sizeof(buf), &s);
	ASSERT_EQ((size_t)MYC_SPORE_HDR_LEN + 13 + 100 + MYC_SPORE_TRAILER_LEN, len);
	ASSERT_EQ(len, s.len);
	memset(buf + len - MYC_SPORE_SIG_LEN, 0xab, MYC_SPORE_SIG_LEN);
	ASSERT_EQ(0, myc_spore_decode(buf, len, &d, &why));
	EXPECT_EQ(MYC_SPORE_SEED, d.type);
	EXPECT_EQ(MYC_SPORE_KIND_DATA, d.kind);
	EXPECT_EQ(0x0102030405060708ULL, d.origin);
	EXPECT_EQ(7U, d.version);
	EXPECT_EQ(1764000000000ULL, d.timestamp_ms);
	EXPECT_EQ(3600U, d.ttl_s);
	EXPECT_EQ(1764000000000ULL + 3600000, myc_spore_expiry_ms(&d));
	ASSERT_EQ(13, d.id_len);
	EXPECT_EQ(0, memcmp(d.id, "app/config:v1", 13));
	ASSERT_EQ(100, d.payload_len);
	EXPECT_EQ(0, memcmp(d.payload, payload, 100));
	EXPECT_EQ(0, memcmp(d.cert, cert, sizeof(cert)));
	EXPECT_EQ(0xab, d.sig[0]);
	EXPECT_EQ(buf + len - MYC_SPORE_SIG_LEN, d.sig);
	EXPECT_EQ(len - MYC_SPORE_SIG_LEN, myc_spore_signed_len(&d));
	/* the header, byte by byte (Documentation/spores.rst) */
	EXPECT_EQ(1, buf[0]);
	EXPECT_EQ(2, buf[1]);
	EXPECT_EQ(2, buf[2]);
	EXPECT_EQ(13, buf[3]);
	EXPECT_EQ(0x01, buf[4]);
	EXPECT_EQ(7, buf[19]);
	EXPECT_EQ(0x0e, buf[30]);	/* 3600 = 0x0e10 */
	EXPECT_EQ(100, buf[33]);
	EXPECT_EQ('a', buf[36]);
}

/* The largest spore: longest id and payload make exactly 4096 bytes. */
TEST(largest)
{
	static u8 buf[MYC_SPORE_MAX + 1], payload[MYC_SPORE_PAYLOAD_MAX + 1];
	char id[MYC_SPORE_ID_MAX + 2];
	struct myc_spore s;
	size_t len;

	memset(id, 'x', sizeof(id));
	id[MYC_SPORE_ID_MAX] = '\0';
	s = base(id, payload, MYC_SPORE_PAYLOAD_MAX);
	ASSERT_EQ(0, reencode(s, buf, &len));
	EXPECT_EQ((size_t)MYC_SPORE_MAX, len);
	/* one more byte of payload or of id does not encode */
	s = base(id, payload, MYC_SPORE_PAYLOAD_MAX + 1);
	EXPECT_EQ(0U, myc_spore_encode(buf, sizeof(buf), &s));
	id[MYC_SPORE_ID_MAX] = 'x';
	id[MYC_SPORE_ID_MAX + 1] = '\0';
	s = base(id, payload, 1);
	EXPECT_EQ(0U, myc_spore_encode(buf, sizeof(buf), &s));
	/* nor into a buffer one byte short */
	s = base("a", payload, 10);
	EXPECT_EQ(0U, myc_spore_encode(buf, MYC_SPORE_MIN + 9 - 1, &s));
	EXPECT_EQ((size_t)MYC_SPORE_MIN + 10, myc_spore_encode(buf, MYC_SPORE_MIN + 10,
						       &s));
}

TEST(every_length_but_the_right_one)
{
	u8 buf[MYC_SPORE_MAX + 8] = {}, payload[20] = { 1 };
	struct myc_spore s = base("k", payload, sizeof(payload)), d;
	size_t len, i;
	int err;

	len = myc_spore_encode(buf, MYC_SPORE_MAX, &s);
	ASSERT_LT(0U, len);
	for (i = 0; i < len; i++) {
		err = myc_spore_decode(buf, i, &d, NULL);
		EXPECT_EQ(-MYC_SERR_SHORT, err) TH_LOG("length %zu", i);
	}
	EXPECT_EQ(0, myc_spore_decode(buf, len, &d, NULL));
	EXPECT_EQ(-MYC_SERR_LONG, myc_spore_decode(buf, len + 1, &d, NULL));
	EXPECT_EQ(-MYC_SERR_LONG, myc_spore_decode(buf, MYC_SPORE_MAX + 1, &d,
						   NULL));
}

/* Each field out of range, with the error and the reason it gets. */
TEST(bad_fields)
{
	static const struct {
		int off;	/* byte to set; -1: none */
		u8 val;
		int err;
		const char *why;
	} cases[] = {
		{ 0, 2, MYC_SERR_VERSION, "unknown format version" },
		{ 0, 0, MYC_SERR_VERSION, "unknown format version" },
		{ 1, 0, MYC_SERR_TYPE, "unknown spore type" },
		{ 1, 4, MYC_SERR_TYPE, "unknown spore type" },
		{ 2, 0, MYC_SERR_TYPE, "unknown payload kind" },
		{ 2, 3, MYC_SERR_TYPE, "unknown payload kind" },
		{ 35, 1, MYC_SERR_FIELD, "reserved bytes not zero" },
		{ 34, 0x80, MYC_SERR_FIELD, "reserved bytes not zero" },
		{ 36, ' ', MYC_SERR_ID, "id is not 1-64 of A-Z a-z 0-9 . _ - : /" },
		{ 37, 0, MYC_SERR_ID, "id is not 1-64 of A-Z a-z 0-9 . _ - : /" },
		{ 37, 0xc3, MYC_SERR_ID, "id is not 1-64 of A-Z a-z 0-9 . _ - : /" },
	};
	u8 good[MYC_SPORE_MAX], buf[MYC_SPORE_MAX], payload[4] = { 9 };
	struct myc_spore s = base("ab", payload, sizeof(payload)), d;
	const char *why;
	size_t len, i;

	len = myc_spore_encode(good, sizeof(good), &s);
	ASSERT_LT(0U, len);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		memcpy(buf, good, len);
		buf[cases[i].off] = cases[i].val;
		why = NULL;
		EXPECT_EQ(-cases[i].err, myc_spore_decode(buf, len, &d, &why))
			TH_LOG("case %zu", i);
		EXPECT_STREQ(cases[i].why, why ? why : "(none)");
	}
}

static bool encodes(struct myc_spore s)
{
	u8 buf[MYC_SPORE_MAX];

	return myc_spore_encode(buf, sizeof(buf), &s) != 0;
}

/* Values that do not encode, and that decode with their reason. */
TEST(bad_values)
{
	u8 good[MYC_SPORE_MAX], buf[MYC_SPORE_MAX], payload[1] = { 0 };
	struct myc_spore s = base("id", payload, 1), t;
	const char *why;
	size_t len;

	len = myc_spore_encode(good, sizeof(good), &s);
	ASSERT_LT(0U, len);

	t = s;
	t.origin = 0;
	EXPECT_FALSE(encodes(t));
	memcpy(buf, good, len);
	myc_put64(buf + 4, 0);
	EXPECT_EQ(-MYC_SERR_FIELD, myc_spore_decode(buf, len, &t, &why));
	EXPECT_STREQ("origin node id is 0", why);

	t = s;
	t.version = 0;
	EXPECT_FALSE(encodes(t));
	memcpy(buf, good, len);
	myc_put64(buf + 12, 0);
	EXPECT_EQ(-MYC_SERR_FIELD, myc_spore_decode(buf, len, &t, &why));
	EXPECT_STREQ("version is 0", why);

	t = s;
	t.ttl_s = 0;
	EXPECT_FALSE(encodes(t));
	t.ttl_s = MYC_SPORE_TTL_MAX + 1;
	EXPECT_FALSE(encodes(t));
	memcpy(buf, good, len);
	myc_put32(buf + 28, 0);
	EXPECT_EQ(-MYC_SERR_FIELD, myc_spore_decode(buf, len, &t, &why));
	EXPECT_STREQ("TTL out of range", why);
	myc_put32(buf + 28, MYC_SPORE_TTL_MAX + 1);
	EXPECT_EQ(-MYC_SERR_FIELD, myc_spore_decode(buf, len, &t, &why));
	myc_put32(buf + 28, MYC_SPORE_TTL_MAX);
	EXPECT_EQ(0, myc_spore_decode(buf, len, &t, &why));

	/* latent: at most 300 s */
	t = s;
	t.type = MYC_SPORE_LATENT;
	t.ttl_s = 301;
	EXPECT_FALSE(encodes(t));
	t.ttl_s = 300;
	EXPECT_TRUE(encodes(t));
	buf[1] = MYC_SPORE_LATENT;
	myc_put32(buf + 28, 301);
	EXPECT_EQ(-MYC_SERR_FIELD, myc_spore_decode(buf, len, &t, &why));
	EXPECT_STREQ("TTL of a latent spore above 300 s", why);
	myc_put32(buf + 28, 300);
	EXPECT_EQ(0, myc_spore_decode(buf, len, &t, &why));

	/* a timestamp whose expiry would not fit in 64 bits */
	t = s;
	t.timestamp_ms = ~0ULL;
	EXPECT_FALSE(encodes(t));
	myc_put64(buf + 20, ~0ULL);
	EXPECT_EQ(-MYC_SERR_FIELD, myc_spore_decode(buf, len, &t, &why));
	EXPECT_STREQ("timestamp out of range", why);

	t = s;
	t.id_len = 0;
	EXPECT_FALSE(encodes(t));
	t = s;
	t.type = MYC_SPORE_TYPE_MAX + 1;
	EXPECT_FALSE(encodes(t));
	t = s;
	t.kind = 0;
	EXPECT_FALSE(encodes(t));
	t = s;
	t.payload_len = MYC_SPORE_PAYLOAD_MAX + 1;
	EXPECT_FALSE(encodes(t));
}

TEST(id_charset)
{
	const char ok[] = "AZaz09._-:/";
	char id[2] = "";
	int c, n = 0;

	EXPECT_TRUE(myc_spore_id_valid((const u8 *)ok, strlen(ok)));
	EXPECT_FALSE(myc_spore_id_valid((const u8 *)ok, 0));
	for (c = 0; c < 256; c++) {
		id[0] = (char)c;
		n += myc_spore_id_valid((const u8 *)id, 1);
	}
	EXPECT_EQ(26 + 26 + 10 + 5, n);
}

TEST(member_id)
{
	u8 id[MYC_SPORE_MEMBER_ID_LEN];

	myc_spore_member_id(id, 0xb);
	EXPECT_EQ(0, memcmp(id, "member/000000000000000b", sizeof(id)));
	myc_spore_member_id(id, 0xfedcba9876543210ULL);
	EXPECT_EQ(0, memcmp(id, "member/fedcba9876543210", sizeof(id)));
	EXPECT_TRUE(myc_spore_id_valid(id, sizeof(id)));
}

TEST(who_may_issue)
{
	const u8 S = MYC_NODE_SCLEROTIA, R = MYC_NODE_RHIZOMORPH,
		 H = MYC_NODE_HYPHAE;

	EXPECT_TRUE(myc_spore_may_issue(S, MYC_SPORE_PRIMARY));
	EXPECT_FALSE(myc_spore_may_issue(R, MYC_SPORE_PRIMARY));
	EXPECT_FALSE(myc_spore_may_issue(H, MYC_SPORE_PRIMARY));
	EXPECT_TRUE(myc_spore_may_issue(S, MYC_SPORE_SEED));
	EXPECT_TRUE(myc_spore_may_issue(R, MYC_SPORE_SEED));
	EXPECT_FALSE(myc_spore_may_issue(H, MYC_SPORE_SEED));
	EXPECT_TRUE(myc_spore_may_issue(S, MYC_SPORE_LATENT));
	EXPECT_TRUE(myc_spore_may_issue(R, MYC_SPORE_LATENT));
	EXPECT_TRUE(myc_spore_may_issue(H, MYC_SPORE_LATENT));
	EXPECT_FALSE(myc_spore_may_issue(MYC_NODE_TYPE_MAX + 1,
					 MYC_SPORE_LATENT));
	EXPECT_FALSE(myc_spore_may_issue(S, 0));
	EXPECT_FALSE(myc_spore_may_issue(S, MYC_SPORE_TYPE_MAX + 1));
}

static struct myc_member member(void)
{
	struct myc_member m = {
		.node = 0xb,
		.type = MYC_NODE_RHIZOMORPH,
		.nr_addrs = 2,
		.port = 6920,
		.addr = {
			{ 4, { 10, 0, 0, 2 } },
			{ 6, { 0xfd, 0, [15] = 2 } },
		},
	};

	memset(m.pk, 0x42, sizeof(m.pk));
	return m;
}

TEST(member_roundtrip)
{
	struct myc_member m = member(), d;
	u8 buf[512];
	size_t len;

	len = myc_member_encode(buf, sizeof(buf), &m);
	ASSERT_EQ((size_t)MYC_MEMBER_HDR_LEN + 2 * MYC_MEMBER_ADDR_LEN, len);
	ASSERT_EQ(0, myc_member_decode(buf, len, &d, NULL));
	EXPECT_EQ(0, memcmp(&m, &d, sizeof(m)));
	EXPECT_EQ(0x1b, buf[10]);	/* 6920 */
	EXPECT_EQ(4, buf[44]);
	EXPECT_EQ(10, buf[46]);
	EXPECT_EQ(6, buf[62]);
	EXPECT_EQ(-MYC_SERR_SHORT, myc_member_decode(buf, len - 1, &d, NULL));
	EXPECT_EQ(-MYC_SERR_SHORT, myc_member_decode(buf, 43, &d, NULL));
	EXPECT_EQ(-MYC_SERR_LONG, myc_member_decode(buf, len + 1, &d, NULL));
	EXPECT_EQ(0U, myc_member_encode(buf, len - 1, &m));
}

TEST(member_refused)
{
	static const struct {
		int off;
		u8 val;
		const char *why;
	} cases[] = {
		{ 7, 0, "member node id is 0" },
		{ 8, 3, "unknown member node type" },
		{ 9, 0, "member has not 1 to 8 addresses" },
		{ 9, 9, "member has not 1 to 8 addresses" },
		{ 11, 0, "member UDP port is 0" },
		{ 44, 5, "member address is not unicast IPv4 or IPv6" },
		{ 45, 1, "reserved bytes not zero" },
		{ 50, 1, "member address is not unicast IPv4 or IPv6" },
		{ 46, 224, "member address is not unicast IPv4 or IPv6" },
		{ 64, 0xff, "member address is not unicast IPv4 or IPv6" },
	};
	struct myc_member m = member(), d;
	u8 good[512], buf[512];
	const char *why;
	size_t len, i;

	len = myc_member_encode(good, sizeof(good), &m);
	ASSERT_LT(0U, len);
	/* the port is two bytes: clear both for port 0 */
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		memcpy(buf, good, len);
		buf[cases[i].off] = cases[i].val;
		if (cases[i].off == 11)
			buf[10] = 0;
		why = NULL;
		EXPECT_GT(0, myc_member_decode(buf, len, &d, &why))
			TH_LOG("case %zu", i);
		EXPECT_STREQ(cases[i].why, why ? why : "(none)");
	}
	/* unspecified and broadcast IPv4, unspecified IPv6, twice */
	m = member();
	memset(m.addr[0].addr, 0, 4);
	EXPECT_EQ(0U, myc_member_encode(buf, sizeof(buf), &m));
	memset(m.addr[0].addr, 255, 4);
	EXPECT_EQ(0U, myc_member_encode(buf, sizeof(buf), &m));
	m = member();
	memset(m.addr[1].addr, 0, 16);
	EXPECT_EQ(0U, myc_member_encode(buf, sizeof(buf), &m));
	m = member();
	m.addr[1] = m.addr[0];
	EXPECT_EQ(0U, myc_member_encode(buf, sizeof(buf), &m));
	memcpy(buf, good, len);
	memcpy(buf + 62, buf + 44, MYC_MEMBER_ADDR_LEN);
	EXPECT_EQ(-MYC_SERR_FIELD, myc_member_decode(buf, len, &d, &why));
	EXPECT_STREQ("member address appears twice", why);
	/* the same bytes under another family are another address */
	m = member();
	m.addr[1] = m.addr[0];
	m.addr[1].family = 6;
	EXPECT_LT(0U, myc_member_encode(buf, sizeof(buf), &m));
}

/*
 * Conflicts
 */

static struct myc_spore_key key(u64 origin, u64 version, u8 d)
{
	struct myc_spore_key k = { .origin = origin, .version = version };

	memset(k.digest, d, sizeof(k.digest));
	return k;
}

TEST(relate)
{
	struct myc_spore_key held = key(1, 5, 0xaa), in;

	in = key(1, 5, 0xaa);
	EXPECT_EQ((int)MYC_SREL_NEW, (int)myc_spore_relate(NULL, &in));
	EXPECT_EQ((int)MYC_SREL_SAME, (int)myc_spore_relate(&held, &in));
	in = key(1, 6, 0xbb);
	EXPECT_EQ((int)MYC_SREL_NEWER, (int)myc_spore_relate(&held, &in));
	in = key(1, 4, 0xbb);
	EXPECT_EQ((int)MYC_SREL_REPLAY, (int)myc_spore_relate(&held, &in));
	/* same origin and version, other bytes: the origin equivocates */
	in = key(1, 5, 0xbb);
	EXPECT_EQ((int)MYC_SREL_CONFLICT, (int)myc_spore_relate(&held, &in));
	/* another origin: a conflict whatever the versions */
	in = key(2, 6, 0xbb);
	EXPECT_EQ((int)MYC_SREL_CONFLICT, (int)myc_spore_relate(&held, &in));
	in = key(2, 1, 0xbb);
	EXPECT_EQ((int)MYC_SREL_CONFLICT, (int)myc_spore_relate(&held, &in));
}

static struct myc_spore_cand cand(u8 type, u64 ts, u32 trust, u32 votes,
				  u8 d)
{
	struct myc_spore_cand c = {
		.type = type, .timestamp_ms = ts, .trust = trust,
		.votes = votes,
	};

	memset(c.digest, d, sizeof(c.digest));
	return c;
}

/* a must win against b by rule, both ways round. */
#define WINS(a, b, r)							\
	do {								\
		struct myc_spore_cand _a = (a), _b = (b);		\
		enum myc_spore_rule _r = MYC_SPORE_RULE_NONE;			\
		EXPECT_EQ(-1, myc_spore_order(&_a, &_b, &_r));		\
		EXPECT_EQ((int)(r), (int)_r);					\
		_r = MYC_SPORE_RULE_NONE;					\
		EXPECT_EQ(1, myc_spore_order(&_b, &_a, &_r));		\
		EXPECT_EQ((int)(r), (int)_r);					\
	} while (0)

TEST(each_rule_decides_a_tie_of_the_earlier)
{
	const u8 P = MYC_SPORE_PRIMARY, SE = MYC_SPORE_SEED,
		 L = MYC_SPORE_LATENT;

	WINS(cand(P, 100, 500, 0, 1), cand(SE, 100, 500, 0, 2),
	     MYC_SPORE_RULE_AUTHORITY);
	WINS(cand(SE, 100, 500, 0, 1), cand(L, 100, 500, 0, 2),
	     MYC_SPORE_RULE_AUTHORITY);
	WINS(cand(L, 200, 500, 0, 2), cand(L, 100, 500, 0, 1), MYC_SPORE_RULE_TIME);
	WINS(cand(L, 100, 600, 0, 2), cand(L, 100, 500, 0, 1),
	     MYC_SPORE_RULE_TRUST);
	/* within one band of 100 points, trust ties */
	WINS(cand(L, 100, 599, 0, 1), cand(L, 100, 500, 0, 2),
	     MYC_SPORE_RULE_DIGEST);
	WINS(cand(L, 100, 600, 0, 2), cand(L, 100, 599, 0, 1),
	     MYC_SPORE_RULE_TRUST);
	WINS(cand(L, 100, 500, 2, 2), cand(L, 100, 500, 1, 1),
	     MYC_SPORE_RULE_CONSENSUS);
	WINS(cand(L, 100, 500, 1, 1), cand(L, 100, 500, 1, 2),
	     MYC_SPORE_RULE_DIGEST);
	/* no votes at all: the smaller digest */
	WINS(cand(L, 100, 500, 0, 1), cand(L, 100, 500, 0, 2),
	     MYC_SPORE_RULE_DIGEST);
}

TEST(earlier_rules_come_first)
{
	const u8 P = MYC_SPORE_PRIMARY, L = MYC_SPORE_LATENT;

	/* authority over an older timestamp, less trust, fewer votes */
	WINS(cand(P, 1, 0, 0, 9), cand(L, 999, 1000, 50, 1),
	     MYC_SPORE_RULE_AUTHORITY);
	/* time over trust and votes */
	WINS(cand(L, 2, 0, 0, 9), cand(L, 1, 1000, 50, 1), MYC_SPORE_RULE_TIME);
	/* trust over votes */
	WINS(cand(L, 1, 600, 0, 9), cand(L, 1, 500, 50, 1), MYC_SPORE_RULE_TRUST);
	/* votes over the digest */
	WINS(cand(L, 1, 500, 3, 9), cand(L, 1, 500, 2, 1),
	     MYC_SPORE_RULE_CONSENSUS);
}

TEST(same_spore)
{
	struct myc_spore_cand a = cand(1, 1, 1, 1, 7), b = a;
	enum myc_spore_rule r = MYC_SPORE_RULE_TRUST;

	EXPECT_EQ(0, myc_spore_order(&a, &b, &r));
	EXPECT_EQ((int)MYC_SPORE_RULE_NONE, (int)r);
	EXPECT_EQ(0, myc_spore_order(&a, &b, NULL));
	EXPECT_FALSE(myc_spore_needs_votes(&a, &b));
}

TEST(needs_votes)
{
	struct myc_spore_cand a = cand(2, 5, 500, 0, 1),
			      b = cand(2, 5, 500, 0, 2);

	EXPECT_TRUE(myc_spore_needs_votes(&a, &b));
	b.trust = 599;	/* the same band */
	EXPECT_TRUE(myc_spore_needs_votes(&a, &b));
	b.trust = 600;
	EXPECT_FALSE(myc_spore_needs_votes(&a, &b));
	b = cand(2, 6, 500, 0, 2);
	EXPECT_FALSE(myc_spore_needs_votes(&a, &b));
	b = cand(3, 5, 500, 0, 2);
	EXPECT_FALSE(myc_spore_needs_votes(&a, &b));
}

/*
 * Over random candidates from a small range (so that rules tie often):
 * antisymmetric, and transitive, so every node that sees the same
 * versions, in any order, keeps the same one.
 */
TEST(a_total_order)
{
	struct myc_spore_cand c[3];
	int i, j, bad = 0, x, y, z;

	srand(1);
	for (i = 0; i < 200000; i++) {
		/* a digest that is the same exactly when all else is */
		for (j = 0; j < 3; j++) {
			c[j] = cand((u8)(1 + rand() % 3), rand() % 3,
				    rand() % 3 * 100, rand() % 3, 0);
			c[j].digest[0] = c[j].type;
			c[j].digest[1] = (u8)c[j].timestamp_ms;
			c[j].digest[2] = (u8)(c[j].trust / 100);
			c[j].digest[3] = (u8)c[j].votes;
			c[j].digest[4] = (u8)(rand() % 2);
		}
		x = myc_spore_order(&c[0], &c[1], NULL);
		y = myc_spore_order(&c[1], &c[2], NULL);
		z = myc_spore_order(&c[0], &c[2], NULL);
		bad += x != -myc_spore_order(&c[1], &c[0], NULL);
		/* a beats b and b beats c: a beats c */
		if (x < 0 && y < 0)
			bad += z >= 0;
		if (x > 0 && y > 0)
			bad += z <= 0;
		/* equal only when the same spore */
		bad += !x != !memcmp(c[0].digest, c[1].digest, 32);
		/* the winner of the three is the same whatever the order */
		x = 0;
		for (j = 1; j < 3; j++)
			if (myc_spore_order(&c[j], &c[x], NULL) < 0)
				x = j;
		y = 2;
		for (j = 1; j >= 0; j--)
			if (myc_spore_order(&c[j], &c[y], NULL) < 0)
				y = j;
		bad += myc_spore_order(&c[x], &c[y], NULL) != 0;
	}
	EXPECT_EQ(0, bad);
}

TEST_HARNESS_MAIN
