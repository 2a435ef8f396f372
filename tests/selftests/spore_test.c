// SPDX-License-Identifier: GPL-2.0
/*
 * Spores in the kernel, with a fake myceliumd on each of two insecure
 * nodes (so that the kernel is tested alone): every netlink error of the
 * spore commands with its errno and extack; the spore table (add, get,
 * dump, del, spore-limit); a spore added on one node reaching the other's
 * daemon with its cookie, held once the verdict says so, and dropped as a
 * duplicate when it comes again; one refused for a while asked for again
 * when the while ends.  The spores are well-formed (the shared
 * codec makes them) but not signed: checking signatures is myceliumd's.
 */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <linux/genetlink.h>
#include <libmnl/libmnl.h>

#include "kselftest_harness.h"
#include "helpers.h"
#include "spore_codec.h"

#define NODE_A 0xa
#define NODE_B 0xb

struct spore_ntf {
	uint64_t cookie, from;
	uint8_t blob[MYC_SPORE_MAX];
	size_t len;
	bool publish;
	char id[MYC_SPORE_ID_MAX + 1];
};

struct fake {
	struct myc_nl h;
	bool open;
	struct spore_ntf q[8];
	int nq;
};

static int q_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct genlmsghdr *g = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *tb[MYC_A_SPORE_MAX + 1] = {};
	struct fake *d = data;
	struct spore_ntf *n;

	if (g->cmd != MYC_CMD_SPORE_NTF || d->nq == 8 ||
	    myc_nl_parse(nlh, tb, MYC_A_SPORE_MAX) < 0)
		return MNL_CB_OK;
	n = &d->q[d->nq++];
	memset(n, 0, sizeof(*n));
	if (tb[MYC_A_SPORE_COOKIE])
		n->cookie = mnl_attr_get_u64(tb[MYC_A_SPORE_COOKIE]);
	if (tb[MYC_A_SPORE_FROM])
		n->from = mnl_attr_get_u64(tb[MYC_A_SPORE_FROM]);
	if (tb[MYC_A_SPORE_BLOB]) {
		n->len = mnl_attr_get_payload_len(tb[MYC_A_SPORE_BLOB]);
		if (n->len > sizeof(n->blob))
			n->len = 0;
		memcpy(n->blob, mnl_attr_get_payload(tb[MYC_A_SPORE_BLOB]),
		       n->len);
	} else if (tb[MYC_A_SPORE_ID]) {
		size_t l = mnl_attr_get_payload_len(tb[MYC_A_SPORE_ID]);

		n->publish = true;
		memcpy(n->id, mnl_attr_get_payload(tb[MYC_A_SPORE_ID]),
		       l < sizeof(n->id) - 1 ? l : sizeof(n->id) - 1);
	}
	return MNL_CB_OK;
}

static int f_open(const char *ns, struct fake *d)
{
	int err;

	memset(d, 0, sizeof(*d));
	err = myc_nl_open_in(ns, &d->h);
	d->open = !err;
	return err;
}

static void f_close(struct fake *d)
{
	if (d->open)
		myc_nl_close(&d->h);
	d->open = false;
}

static int f_register(struct fake *d)
{
	return myc_nl_talk(&d->h, myc_nl_msg(&d->h, MYC_CMD_DAEMON_REGISTER, 0),
			   q_cb, d);
}

/* The next spore-ntf, waiting up to ms. */
static bool f_wait(struct fake *d, int ms, struct spore_ntf *out)
{
	struct pollfd p = { .fd = mnl_socket_get_fd(d->h.sock),
			    .events = POLLIN };

	for (;;) {
		if (d->nq) {
			*out = d->q[0];
			memmove(&d->q[0], &d->q[1],
				(size_t)(d->nq - 1) * sizeof(d->q[0]));
			d->nq--;
			return true;
		}
		if (ms <= 0 || poll(&p, 1, 10) < 0)
			return false;
		if (p.revents & POLLIN)
			myc_nl_recv(&d->h, q_cb, d);
		ms -= 10;
	}
}

/* A well-formed (unsigned) spore: its length. */
static size_t mk_spore(uint8_t *buf, const char *id, uint8_t type,
		       uint64_t origin, uint64_t version, const char *text)
{
	static const uint8_t cert[MYC_SPORE_CERT_LEN];
	struct myc_spore s = {
		.type = type, .kind = MYC_SPORE_KIND_DATA,
		.id_len = (uint8_t)strlen(id), .origin = origin,
		.version = version, .timestamp_ms = 1795000000000ULL,
		/* long enough to outlive the test whatever the VM's clock */
		.ttl_s = type == MYC_SPORE_LATENT ? 300 : MYC_SPORE_TTL_MAX,
		.payload_len = (uint16_t)strlen(text),
		.id = (const uint8_t *)id, .payload = (const uint8_t *)text,
		.cert = cert,
	};

	return myc_spore_encode(buf, MYC_SPORE_MAX, &s);
}

/* d: the digest to give, or NULL */
static struct nlmsghdr *verdict_attrs(struct nlmsghdr *nlh, uint8_t state,
				      bool forward, const uint8_t *d)
{
	mnl_attr_put_u8(nlh, MYC_A_SPORE_STATE, state);
	mnl_attr_put_u8(nlh, MYC_A_SPORE_FORWARD, forward);
	mnl_attr_put_u8(nlh, MYC_A_SPORE_CHECK_CRYPTO, MYC_SPORE_CHECK_PASS);
	mnl_attr_put_u8(nlh, MYC_A_SPORE_CHECK_TEMPORAL,
			state == MYC_SPORE_ACCEPTED ? MYC_SPORE_CHECK_PASS :
						      MYC_SPORE_CHECK_FAIL);
	if (state != MYC_SPORE_ACCEPTED)
		mnl_attr_put_strz(nlh, MYC_A_SPORE_REASON, "temporal: expired");
	if (d)
		mnl_attr_put(nlh, MYC_A_SPORE_DIGEST, MYC_SPORE_DIGEST_LEN, d);
	return nlh;
}

/* A stand-in digest, its own for each spore (FNV-1a of the bytes). */
static void f_digest(const uint8_t *blob, size_t len,
		     uint8_t dg[MYC_SPORE_DIGEST_LEN])
{
	uint32_t h = 2166136261u;
	size_t i;

	for (i = 0; i < len; i++)
		h = (h ^ blob[i]) * 16777619u;
	for (i = 0; i < MYC_SPORE_DIGEST_LEN; i++)
		dg[i] = (uint8_t)(h >> (i % 4 * 8)) ^ (uint8_t)i;
}

/* spore-add of blob by d (the registered daemon, or any socket). */
static int f_add(struct fake *d, const uint8_t *blob, size_t len,
		 uint8_t state, bool forward, bool digest)
{
	struct nlmsghdr *nlh = myc_nl_msg(&d->h, MYC_CMD_SPORE_ADD, 0);
	uint8_t dg[MYC_SPORE_DIGEST_LEN];

	f_digest(blob, len, dg);
	mnl_attr_put(nlh, MYC_A_SPORE_BLOB, len, blob);
	return myc_nl_talk(&d->h, verdict_attrs(nlh, state, forward,
						digest ? dg : NULL),
			   q_cb, d);
}

static int f_verdict(struct fake *d, uint64_t cookie, uint8_t state)
{
	struct nlmsghdr *nlh = myc_nl_msg(&d->h, MYC_CMD_SPORE_VERDICT, 0);
	uint8_t dg[MYC_SPORE_DIGEST_LEN];

	memset(dg, state, sizeof(dg));
	mnl_attr_put_u64(nlh, MYC_A_SPORE_COOKIE, cookie);
	return myc_nl_talk(&d->h, verdict_attrs(nlh, state, true, dg), q_cb,
			   d);
}

/* Accept what ntf brought, with its f_digest() (as f_add gives it). */
static int f_accept(struct fake *d, const struct spore_ntf *ntf)
{
	struct nlmsghdr *nlh = myc_nl_msg(&d->h, MYC_CMD_SPORE_VERDICT, 0);
	uint8_t dg[MYC_SPORE_DIGEST_LEN];

	f_digest(ntf->blob, ntf->len, dg);
	mnl_attr_put_u64(nlh, MYC_A_SPORE_COOKIE, ntf->cookie);
	return myc_nl_talk(&d->h, verdict_attrs(nlh, MYC_SPORE_ACCEPTED, true,
						dg),
			   q_cb, d);
}

/*
 * Reject what ntf brought on the trust check only, which may pass later
 * (scores move): the kernel refuses it for a while, not for good.
 */
static int f_reject_trust(struct fake *d, const struct spore_ntf *ntf)
{
	struct nlmsghdr *nlh = myc_nl_msg(&d->h, MYC_CMD_SPORE_VERDICT, 0);
	uint8_t dg[MYC_SPORE_DIGEST_LEN];

	f_digest(ntf->blob, ntf->len, dg);
	mnl_attr_put_u64(nlh, MYC_A_SPORE_COOKIE, ntf->cookie);
	mnl_attr_put_u8(nlh, MYC_A_SPORE_STATE, MYC_SPORE_REJECTED);
	mnl_attr_put_u8(nlh, MYC_A_SPORE_FORWARD, 0);
	mnl_attr_put_u8(nlh, MYC_A_SPORE_CHECK_CRYPTO, MYC_SPORE_CHECK_PASS);
	mnl_attr_put_u8(nlh, MYC_A_SPORE_CHECK_TEMPORAL, MYC_SPORE_CHECK_PASS);
	mnl_attr_put_u8(nlh, MYC_A_SPORE_CHECK_CONSISTENCY,
			MYC_SPORE_CHECK_PASS);
	mnl_attr_put_u8(nlh, MYC_A_SPORE_CHECK_TRUST, MYC_SPORE_CHECK_FAIL);
	mnl_attr_put_strz(nlh, MYC_A_SPORE_REASON, "trust: origin below threshold");
	mnl_attr_put(nlh, MYC_A_SPORE_DIGEST, MYC_SPORE_DIGEST_LEN, dg);
	return myc_nl_talk(&d->h, nlh, q_cb, d);
}

static double mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* spore-publish of id; the errno, the extack in d->h.errmsg. */
static int f_publish(struct fake *d, const char *id, int type, int ttl)
{
	struct nlmsghdr *nlh = myc_nl_msg(&d->h, MYC_CMD_SPORE_PUBLISH, 0);

	mnl_attr_put_strz(nlh, MYC_A_SPORE_ID, id);
	if (type >= 0)
		mnl_attr_put_u8(nlh, MYC_A_SPORE_TYPE, (uint8_t)type);
	if (ttl >= 0)
		mnl_attr_put_u32(nlh, MYC_A_SPORE_TTL, (uint32_t)ttl);
	mnl_attr_put(nlh, MYC_A_SPORE_PAYLOAD, 5, "hello");
	return myc_nl_talk(&d->h, nlh, q_cb, d);
}

static int f_id_cmd(struct fake *d, uint8_t cmd, const char *id)
{
	struct nlmsghdr *nlh = myc_nl_msg(&d->h, cmd, 0);

	mnl_attr_put_strz(nlh, MYC_A_SPORE_ID, id);
	return myc_nl_talk(&d->h, nlh, NULL, NULL);
}

/* A field of spore id on ns, as myc shows it (-j). */
static char *spore_str(const char *ns, const char *id, const char *key,
		       char *buf, size_t len)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "spore show %s", id);
	return myc_json_str(ns, cmd, key, buf, len);
}

FIXTURE(sp)
{
	struct fake a, b;
};

FIXTURE_SETUP(sp)
{
	ASSERT_EQ(0, load_module());
	ASSERT_EQ(0, topo_two_nodes(false));
	ASSERT_EQ(0, run(INSECURE("mA") " && " INSECURE("mB")));
	ASSERT_EQ(0, f_open("mA", &self->a));
	ASSERT_EQ(0, f_open("mB", &self->b));
}

FIXTURE_TEARDOWN(sp)
{
	f_close(&self->a);
	f_close(&self->b);
	topo_cleanup();
}

TEST_F(sp, without_a_daemon)
{
	uint8_t blob[MYC_SPORE_MAX];
	struct fake other;
	size_t n = mk_spore(blob, "app/x", MYC_SPORE_LATENT, NODE_A, 1, "x");

	EXPECT_EQ(-ENOTCONN, f_publish(&self->a, "app/x", MYC_SPORE_LATENT, -1));
	EXPECT_STREQ("no myceliumd is registered to sign the spore",
		     self->a.h.errmsg);
	EXPECT_EQ(-EPERM, f_add(&self->a, blob, n, MYC_SPORE_ACCEPTED, false,
				true));
	EXPECT_STREQ("no myceliumd is registered (DAEMON_REGISTER first)",
		     self->a.h.errmsg);
	EXPECT_EQ(-EPERM, f_verdict(&self->a, 1, MYC_SPORE_ACCEPTED));
	/* another socket than the registered one */
	ASSERT_EQ(0, f_register(&self->b));
	ASSERT_EQ(0, f_open("mB", &other));
	EXPECT_EQ(-EPERM, f_add(&other, blob, n, MYC_SPORE_ACCEPTED, false,
				true));
	EXPECT_STREQ("only the registered myceliumd may do this",
		     other.h.errmsg);
	EXPECT_EQ(-EPERM, f_verdict(&other, 1, MYC_SPORE_ACCEPTED));
	f_close(&other);
}

TEST_F(sp, publish_errors)
{
	struct spore_ntf ntf;
	struct nlmsghdr *nlh;

	ASSERT_EQ(0, f_register(&self->a));
	EXPECT_EQ(-EINVAL, f_publish(&self->a, "bad id", MYC_SPORE_LATENT, -1));
	EXPECT_STREQ("a spore id is 1-64 of A-Z a-z 0-9 . _ - : /",
		     self->a.h.errmsg);
	EXPECT_EQ(-EINVAL, f_publish(&self->a, "app/x", -1, -1));
	EXPECT_STREQ("spore type missing (primary, seed or latent)",
		     self->a.h.errmsg);
	/* a node is a hyphae until set otherwise */
	EXPECT_EQ(-EPERM, f_publish(&self->a, "app/x", MYC_SPORE_PRIMARY, -1));
	EXPECT_STREQ("a hyphae node may not issue primary spores",
		     self->a.h.errmsg);
	EXPECT_EQ(-EPERM, f_publish(&self->a, "app/x", MYC_SPORE_SEED, -1));
	EXPECT_STREQ("a hyphae node may not issue seed spores",
		     self->a.h.errmsg);
	EXPECT_EQ(-EINVAL, f_publish(&self->a, "app/x", MYC_SPORE_LATENT, 301));
	EXPECT_STREQ("a latent spore lives 300 s at most", self->a.h.errmsg);
	EXPECT_EQ(-EINVAL, f_publish(&self->a, "member/x", MYC_SPORE_LATENT, -1));
	EXPECT_STREQ("member/ ids are myceliumd's membership spores",
		     self->a.h.errmsg);
	EXPECT_NE(0, f_publish(&self->a, "app/x", 0, -1));	/* policy */
	nlh = myc_nl_msg(&self->a.h, MYC_CMD_SPORE_PUBLISH, 0);
	mnl_attr_put_strz(nlh, MYC_A_SPORE_ID, "app/x");
	mnl_attr_put_u8(nlh, MYC_A_SPORE_TYPE, MYC_SPORE_LATENT);
	mnl_attr_put_u8(nlh, MYC_A_SPORE_KIND, MYC_SPORE_KIND_MEMBERSHIP);
	EXPECT_EQ(-EINVAL, myc_nl_talk(&self->a.h, nlh, NULL, NULL));
	EXPECT_STREQ("a published spore carries data (membership is myceliumd's)",
		     self->a.h.errmsg);
	/* a good one goes to the daemon to be signed, TTL filled in */
	EXPECT_EQ(0, f_publish(&self->a, "app/x", MYC_SPORE_LATENT, -1));
	ASSERT_TRUE(f_wait(&self->a, 2000, &ntf));
	EXPECT_TRUE(ntf.publish);
	EXPECT_STREQ("app/x", ntf.id);
}

TEST_F(sp, add_get_del)
{
	uint8_t blob[MYC_SPORE_MAX];
	char buf[128];
	size_t n = mk_spore(blob, "app/t", MYC_SPORE_SEED, NODE_A, 7, "data");
	int err;

	ASSERT_LT(0U, n);
	ASSERT_EQ(0, f_register(&self->a));
	/* shorter than the smallest spore: the policy (a range) */
	err = f_add(&self->a, blob, MYC_SPORE_MIN - 1, MYC_SPORE_ACCEPTED,
		    false, true);
	EXPECT_TRUE(err == -EINVAL || err == -ERANGE);
	blob[0] = 2;
	EXPECT_EQ(-EINVAL, f_add(&self->a, blob, n, MYC_SPORE_ACCEPTED, false,
				 true));
	EXPECT_STREQ("unknown format version", self->a.h.errmsg);
	blob[0] = 1;
	EXPECT_EQ(-EINVAL, f_add(&self->a, blob, n, MYC_SPORE_ACCEPTED, false,
				 false));
	EXPECT_STREQ("an accepted spore needs its digest", self->a.h.errmsg);
	EXPECT_NE(0, f_add(&self->a, blob, n, MYC_SPORE_PENDING, false, true));
	EXPECT_EQ(-ENOENT, f_id_cmd(&self->a, MYC_CMD_SPORE_GET, "app/t"));
	EXPECT_STREQ("no such spore", self->a.h.errmsg);

	ASSERT_EQ(0, f_add(&self->a, blob, n, MYC_SPORE_ACCEPTED, false, true));
	EXPECT_STREQ("accepted", spore_str("mA", "app/t", "0.state", buf, sizeof(buf)));
	EXPECT_STREQ("seed", spore_str("mA", "app/t", "0.type", buf, sizeof(buf)));
	EXPECT_STREQ("000000000000000a", spore_str("mA", "app/t", "0.origin", buf, sizeof(buf)));
	EXPECT_STREQ("7", spore_str("mA", "app/t", "0.version", buf, sizeof(buf)));
	EXPECT_STREQ("pass", spore_str("mA", "app/t", "0.check-crypto", buf, sizeof(buf)));
	EXPECT_STREQ("data", spore_str("mA", "app/t", "0.text", buf, sizeof(buf)));
	EXPECT_EQ(1, myc_json("mA", "node show", "0.spores"));
	EXPECT_EQ(0, run("myc -n mA spore list | grep -q '^app/t seed data accepted'"));

	EXPECT_EQ(0, f_id_cmd(&self->a, MYC_CMD_SPORE_DEL, "app/t"));
	EXPECT_EQ(-ENOENT, f_id_cmd(&self->a, MYC_CMD_SPORE_DEL, "app/t"));
	EXPECT_STREQ("no such spore held", self->a.h.errmsg);
	EXPECT_EQ(0, myc_json("mA", "node show", "0.spores"));
	/* a rejected one is shown with its reason, and not held */
	ASSERT_EQ(0, f_add(&self->a, blob, n, MYC_SPORE_REJECTED, false, false));
	EXPECT_STREQ("rejected", spore_str("mA", "app/t", "0.state", buf, sizeof(buf)));
	EXPECT_STREQ("temporal: expired", spore_str("mA", "app/t", "0.reason", buf, sizeof(buf)));
	EXPECT_STREQ("fail", spore_str("mA", "app/t", "0.check-temporal", buf, sizeof(buf)));
	EXPECT_EQ(0, myc_json("mA", "node show", "0.spores"));
}

TEST_F(sp, spore_limit)
{
	uint8_t blob[MYC_SPORE_MAX];
	size_t n;

	ASSERT_EQ(0, f_register(&self->a));
	EXPECT_NE(0, run("myc -n mA node set spore-limit 0 2>/dev/null"));
	EXPECT_NE(0, run("myc -n mA node set spore-limit 65537 2>/dev/null"));
	ASSERT_EQ(0, run("myc -n mA node set spore-limit 2"));
	EXPECT_EQ(2, myc_json("mA", "node show", "0.spore-limit"));
	n = mk_spore(blob, "s/1", MYC_SPORE_SEED, NODE_A, 1, "1");
	EXPECT_EQ(0, f_add(&self->a, blob, n, MYC_SPORE_ACCEPTED, false, true));
	n = mk_spore(blob, "s/2", MYC_SPORE_SEED, NODE_A, 1, "2");
	EXPECT_EQ(0, f_add(&self->a, blob, n, MYC_SPORE_ACCEPTED, false, true));
	n = mk_spore(blob, "s/3", MYC_SPORE_SEED, NODE_A, 1, "3");
	EXPECT_EQ(-ENOSPC, f_add(&self->a, blob, n, MYC_SPORE_ACCEPTED, false,
				 true));
	EXPECT_STREQ("the node holds spore-limit spores already",
		     self->a.h.errmsg);
	/* a new version of a held id replaces it: room enough */
	n = mk_spore(blob, "s/2", MYC_SPORE_SEED, NODE_A, 2, "2b");
	EXPECT_EQ(0, f_add(&self->a, blob, n, MYC_SPORE_ACCEPTED, false, true));
	EXPECT_EQ(2, myc_json("mA", "node show", "0.spores"));
	EXPECT_EQ(2, myc_json("mA", "spore show s/2", "0.version"));
}

TEST_F(sp, exchange)
{
	uint8_t blob[MYC_SPORE_MAX];
	struct spore_ntf ntf;
	char buf[128];
	long long dup0;
	size_t n = mk_spore(blob, "app/e", MYC_SPORE_PRIMARY, NODE_A, 1,
			    "to every node");

	ASSERT_EQ(0, f_register(&self->a));
	ASSERT_EQ(0, f_register(&self->b));
	ASSERT_EQ(0, f_add(&self->a, blob, n, MYC_SPORE_ACCEPTED, true, true));
	/* B's daemon gets it, with a cookie and the peer it came from */
	ASSERT_TRUE(f_wait(&self->b, 5000, &ntf));
	EXPECT_FALSE(ntf.publish);
	EXPECT_EQ((uint64_t)NODE_A, ntf.from);
	ASSERT_EQ(n, ntf.len);
	EXPECT_EQ(0, memcmp(blob, ntf.blob, n));
	EXPECT_STREQ("pending", spore_str("mB", "app/e", "0.state", buf, sizeof(buf)));
	EXPECT_EQ(-ENOENT, f_verdict(&self->b, ntf.cookie + 1000,
				     MYC_SPORE_ACCEPTED));
	EXPECT_STREQ("no spore waits for this cookie (too late?)",
		     self->b.h.errmsg);
	EXPECT_EQ(0, f_verdict(&self->b, ntf.cookie, MYC_SPORE_ACCEPTED));
	EXPECT_STREQ("accepted", spore_str("mB", "app/e", "0.state", buf, sizeof(buf)));
	EXPECT_STREQ("000000000000000a", spore_str("mB", "app/e", "0.from", buf, sizeof(buf)));
	/* the same verdict twice: the cookie is spent */
	EXPECT_EQ(-ENOENT, f_verdict(&self->b, ntf.cookie, MYC_SPORE_ACCEPTED));
	/* sent again: B's kernel drops it, its daemon never hears of it */
	dup0 = myc_json("mB", "-s node show", "0.stats.spores-dup");
	ASSERT_EQ(0, f_add(&self->a, blob, n, MYC_SPORE_ACCEPTED, true, true));
	EXPECT_FALSE(f_wait(&self->b, 1500, &ntf));
	EXPECT_EQ(dup0 + 1, myc_json("mB", "-s node show", "0.stats.spores-dup"));
	EXPECT_LE(1, myc_json("mA", "-s node show", "0.stats.spores-tx"));
	/* a new version comes through, and a rejection is kept */
	n = mk_spore(blob, "app/e", MYC_SPORE_PRIMARY, NODE_A, 2, "v2");
	ASSERT_EQ(0, f_add(&self->a, blob, n, MYC_SPORE_ACCEPTED, true, true));
	ASSERT_TRUE(f_wait(&self->b, 5000, &ntf));
	EXPECT_EQ(0, f_verdict(&self->b, ntf.cookie, MYC_SPORE_REJECTED));
	EXPECT_STREQ("1", spore_str("mB", "app/e", "0.version", buf, sizeof(buf)));
	EXPECT_EQ(0, run("myc -n mB spore list | grep -q '^app/e .* rejected'"));
}

/*
 * A spore deleted on B stays out: pushed again it is a duplicate, and a
 * summary that names it (the peers meet again) gets B to ask for the
 * other spore it lacks, not for that one.
 */
TEST_F(sp, deleted_stays_out)
{
	uint8_t blob[MYC_SPORE_MAX], other[MYC_SPORE_MAX];
	struct spore_ntf ntf;
	size_t n = mk_spore(blob, "app/gone", MYC_SPORE_PRIMARY, NODE_A, 1,
			    "deleted on B");
	size_t m = mk_spore(other, "app/new", MYC_SPORE_PRIMARY, NODE_A, 1,
			    "only A has it");
	long long dup0;

	ASSERT_EQ(0, f_register(&self->a));
	ASSERT_EQ(0, f_register(&self->b));
	ASSERT_EQ(0, f_add(&self->a, blob, n, MYC_SPORE_ACCEPTED, true, true));
	ASSERT_TRUE(f_wait(&self->b, 5000, &ntf));
	ASSERT_EQ(0, f_accept(&self->b, &ntf));
	ASSERT_EQ(0, f_id_cmd(&self->b, MYC_CMD_SPORE_DEL, "app/gone"));

	dup0 = myc_json("mB", "-s node show", "0.stats.spores-dup");
	ASSERT_EQ(0, f_add(&self->a, blob, n, MYC_SPORE_ACCEPTED, true, true));
	EXPECT_FALSE(f_wait(&self->b, 1500, &ntf));
	EXPECT_EQ(dup0 + 1, myc_json("mB", "-s node show", "0.stats.spores-dup"));
	EXPECT_EQ(-ENOENT, f_id_cmd(&self->b, MYC_CMD_SPORE_GET, "app/gone"));

	/*
	 * A holds both (app/new unsent); fresh peers owe each a summary.
	 * B does not even ask for app/gone: no duplicate this time.
	 */
	ASSERT_EQ(0, f_add(&self->a, other, m, MYC_SPORE_ACCEPTED, false, true));
	dup0 = myc_json("mB", "-s node show", "0.stats.spores-dup");
	ASSERT_EQ(0, run("myc -n mB peer del a && myc -n mA peer del b && "
			 "myc -n mB peer add a type sclerotia path 10.0.0.2 10.0.0.1 && "
			 "myc -n mA peer add b type sclerotia path 10.0.0.1 10.0.0.2"));
	ASSERT_TRUE(f_wait(&self->b, 10000, &ntf));
	ASSERT_EQ(m, ntf.len);
	EXPECT_EQ(0, memcmp(other, ntf.blob, m));
	EXPECT_FALSE(f_wait(&self->b, 2000, &ntf));
	EXPECT_EQ(-ENOENT, f_id_cmd(&self->b, MYC_CMD_SPORE_GET, "app/gone"));
	EXPECT_EQ(dup0, myc_json("mB", "-s node show", "0.stats.spores-dup"));
}

/*
 * A spore rejected for a reason that may pass later (here the trust check)
 * is refused for 60 s: A's summary meanwhile (every 30 s) does not bring
 * it.  When the 60 s end, B asks A, which sent it, at once: its daemon
 * judges it again within seconds, not at A's next summary (up to 30 s
 * later, and with many peers, much later).
 */
TEST_F_TIMEOUT(sp, refused_for_a_while_asked_again, 120)
{
	uint8_t blob[MYC_SPORE_MAX];
	struct spore_ntf ntf;
	size_t n = mk_spore(blob, "app/later", MYC_SPORE_PRIMARY, NODE_A, 1,
			    "may pass later");
	double t0, t;

	ASSERT_EQ(0, f_register(&self->a));
	ASSERT_EQ(0, f_register(&self->b));
	ASSERT_EQ(0, f_add(&self->a, blob, n, MYC_SPORE_ACCEPTED, true, true));
	ASSERT_TRUE(f_wait(&self->b, 5000, &ntf));
	ASSERT_EQ(0, f_reject_trust(&self->b, &ntf));
	t0 = mono_ms();
	EXPECT_FALSE(f_wait(&self->b, 55000, &ntf))
		TH_LOG("came again after %.1f s", (mono_ms() - t0) / 1e3);
	ASSERT_TRUE(f_wait(&self->b, 35000, &ntf));
	t = (mono_ms() - t0) / 1e3;
	ASSERT_EQ(n, ntf.len);
	EXPECT_EQ(0, memcmp(blob, ntf.blob, n));
	EXPECT_EQ((uint64_t)NODE_A, ntf.from);
	/* the refusal's 60 s, and the spore work's round (1 s) twice */
	EXPECT_GE(63.0, t) TH_LOG("came again after %.1f s", t);
	TH_LOG("came again after %.1f s", t);
	EXPECT_EQ(0, f_accept(&self->b, &ntf));
}

/*
 * Spores near the 4096-byte bound span several chunks, of each type (each
 * goes by its own guarantee): reassembled, they reach B's daemon whole.
 */
TEST_F(sp, large_spores)
{
	static const uint8_t types[] = { MYC_SPORE_PRIMARY, MYC_SPORE_SEED,
					 MYC_SPORE_LATENT };
	static char text[3600];	/* with the id, certificate and signature */
	uint8_t blob[MYC_SPORE_MAX];
	struct spore_ntf ntf;
	char id[16];
	size_t n;
	unsigned int t, i;

	for (i = 0; i < sizeof(text) - 1; i++)
		text[i] = (char)('a' + (i * 7 + i / 13) % 26);
	ASSERT_EQ(0, f_register(&self->a));
	ASSERT_EQ(0, f_register(&self->b));
	for (t = 0; t < ARRAY_SIZE(types); t++) {
		snprintf(id, sizeof(id), "big/%u", t);
		n = mk_spore(blob, id, types[t], NODE_A, 1, text);
		ASSERT_LT(3000U, n);
		ASSERT_EQ(0, f_add(&self->a, blob, n, MYC_SPORE_ACCEPTED,
				   true, true));
		ASSERT_TRUE(f_wait(&self->b, 5000, &ntf));
		ASSERT_EQ(n, ntf.len);
		EXPECT_EQ(0, memcmp(blob, ntf.blob, n));
		EXPECT_EQ(0, f_verdict(&self->b, ntf.cookie,
				       MYC_SPORE_ACCEPTED));
	}
	EXPECT_EQ(0, myc_json("mB", "-s node show", "0.stats.spores-dropped"));
}

TEST_HARNESS_MAIN
