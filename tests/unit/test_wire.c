// SPDX-License-Identifier: GPL-2.0
/*
 * The frame codec (kmod/wire.c, the very code the module runs): golden
 * vectors (also in Documentation/protocol.rst), round trips, every decoder
 * error, truncation at every length, bundles, ACK ranges, short buffers.
 *
 * Inputs to the decoders are copied into heap buffers of exactly their
 * length, so that ASan catches any read past the end.
 */
#include <stdlib.h>
#include <string.h>

#include "kselftest_harness.h"
#include "wire.h"
#include <linux/mycelium.h>

#define FRAME_MAX	(MYC_HDR_LEN + 70000)

/* Golden vectors: keep in sync with Documentation/protocol.rst. */

/* DATA, ACK_ELICITING, src 0102030405060708, dst 1112131415161718,
 * pn 2122232425262728.
 */
static const u8 gv_hdr[MYC_HDR_LEN] = {
	0x01, 0x01, 0x00, 0x04,
	0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08,
	0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18,
	0x21, 0x22, 0x23, 0x24, 0x25, 0x26, 0x27, 0x28,
};

/* MSG to service 80 from port 49153, class service, guarantee high,
 * priority 5, msn 258, the whole 2-byte message "hi".
 */
static const u8 gv_chunk[MYC_CHUNK_HDR_LEN + 2] = {
	0x01, 0x01, 0x02, 0x45,
	0x00, 0x00, 0xc0, 0x01,
	0x00, 0x00, 0x00, 0x50,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x02,
	0x00, 0x00, 0x00, 0x02,
	0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00,
	0x00, 0x02, 0x00, 0x00,
	0x68, 0x69,
};

/* MSG fragment, CONNECTED, class consensus, guaranteed, priority 7, from
 * port 7 to port 0x01020304, msn 1, bytes 65536..65539 of 100000: "abcd".
 */
static const u8 gv_frag[MYC_CHUNK_HDR_LEN + 4] = {
	0x01, 0x02, 0x00, 0x87,
	0x00, 0x00, 0x00, 0x07,
	0x01, 0x02, 0x03, 0x04,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01,
	0x00, 0x01, 0x86, 0xa0,
	0x00, 0x01, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00,
	0x00, 0x04, 0x00, 0x00,
	0x61, 0x62, 0x63, 0x64,
};

/* ACK: largest 100, delay 250 us, window 65536, acks 95-100, 90-92, 80. */
static const u8 gv_ack[MYC_ACK_MIN_LEN + 16] = {
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x64,
	0x00, 0x00, 0x00, 0xfa,
	0x00, 0x01, 0x00, 0x00,
	0x00, 0x02, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x05,
	0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x02,
	0x00, 0x00, 0x00, 0x08, 0x00, 0x00, 0x00, 0x00,
};

/* PROBE: path 3, seq 16, timestamp 0123456789abcdef. */
static const u8 gv_hello[MYC_HELLO_LEN] = {
	0x01, 0x01, 0x01, 0x01,		/* version, reply, rhizomorph, adaptive */
	0x02, 0x03, 0x01, 0x0e,		/* standard, high, high, caps */
	0x0f, 0x00, 0x05, 0xdc,		/* comp caps, rsvd, mtu 1500 */
	0x00, 0x04, 0x00, 0x00,		/* max message 262144 */
	0xa1, 0xb2, 0xc3, 0xd4,		/* instance */
};

static const u8 gv_probe[MYC_PROBE_LEN] = {
	0x00, 0x00, 0x00, 0x03,
	0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x10,
	0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef,
};

/* A whole DATA frame: src 1, dst 2, pn 1, ACK_ELICITING, one chunk. */
static const u8 gv_data_frame[MYC_HDR_LEN + MYC_CHUNK_HDR_LEN + 2] = {
	0x01, 0x01, 0x00, 0x04,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01,
	0x01, 0x00, 0x02, 0x43,
	0x00, 0x00, 0x10, 0x00,
	0x00, 0x00, 0x00, 0x2a,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01,
	0x00, 0x00, 0x00, 0x02,
	0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00,
	0x00, 0x02, 0x00, 0x00,
	0x68, 0x69,
};

static struct myc_hdr mk_hdr(u8 type, u16 flags)
{
	struct myc_hdr h = {
		.version = MYC_WIRE_VERSION,
		.type = type,
		.flags = flags,
		.src_node = 0x1111,
		.dst_node = 0x2222,
		.pn = 7,
	};

	return h;
}

static struct myc_chunk mk_chunk(u8 kind, u16 len)
{
	struct myc_chunk c = {
		.kind = kind,
		.cls = MYC_CLASS_SERVICE,
		.guarantee = MYC_GUARANTEE_HIGH,
		.priority = 3,
		.src_port = 1000,
		.dst_id = 2000,
		.msn = 1,
		.total = len,
		.len = len,
	};

	if (kind == MYC_CK_REJECT)
		c.aux = 111;
	if (kind >= MYC_CK_SPORE) {
		/* spore chunks: class spore, no ports; summaries of 8s */
		c.cls = MYC_CLASS_SPORE;
		c.src_port = 0;
		c.dst_id = 0;
		if (kind != MYC_CK_SPORE)
			c.total = c.len = len < 8 ? 8 : (u16)(len / 8 * 8);
	}
	return c;
}

static size_t mk_frame(u8 *buf, u8 type, u16 flags, const void *payload,
		       size_t plen);

/* mk_frame() with the flags written as they are, valid or not. */
static size_t mk_frame_raw(u8 *buf, u8 type, u16 flags, const void *payload,
			   size_t plen)
{
	size_t n = mk_frame(buf, type, 0, payload, plen);

	buf[2] = (u8)(flags >> 8);
	buf[3] = (u8)flags;
	return n;
}

/* May a frame of type t carry flags f (wire.h)? */
static bool flags_ok(unsigned int t, unsigned int f)
{
	if (t == MYC_FT_ACK && (f & MYC_FF_ACK_ELICITING))
		return false;
	if ((f & MYC_FF_SEALED) == MYC_FF_SEALED)
		return false;
	if ((f & MYC_FF_KEY_PHASE) && !(f & MYC_FF_SEALED))
		return false;
	if ((f & MYC_FF_PADDED) && !(f & MYC_FF_ENCRYPTED))
		return false;
	return !((t == MYC_FT_HELLO || t == MYC_FT_HANDSHAKE ||
		  t == MYC_FT_CONTACT) && (f & MYC_FF_TRANSFORMS));
}

/* Header of the given type followed by plen payload bytes. */
static size_t mk_frame(u8 *buf, u8 type, u16 flags, const void *payload,
		       size_t plen)
{
	struct myc_hdr h = mk_hdr(type, flags);

	if (myc_hdr_encode(buf, MYC_HDR_LEN, &h) != MYC_HDR_LEN)
		return 0;
	if (plen)
		memcpy(buf + MYC_HDR_LEN, payload, plen);
	return MYC_HDR_LEN + plen;
}

/* Field by field: the structures have padding. */
static bool hdr_eq(const struct myc_hdr *a, const struct myc_hdr *b)
{
	return a->version == b->version && a->type == b->type &&
	       a->flags == b->flags && a->src_node == b->src_node &&
	       a->dst_node == b->dst_node && a->pn == b->pn;
}

static bool chunk_eq(const struct myc_chunk *a, const struct myc_chunk *b)
{
	return a->kind == b->kind && a->flags == b->flags &&
	       a->cls == b->cls && a->guarantee == b->guarantee &&
	       a->priority == b->priority && a->src_port == b->src_port &&
	       a->dst_id == b->dst_id && a->msn == b->msn &&
	       a->total == b->total && a->offset == b->offset &&
	       a->aux == b->aux && a->len == b->len;
}

static bool ack_eq(const struct myc_ack *a, const struct myc_ack *b)
{
	int i;

	if (a->largest != b->largest || a->delay_us != b->delay_us ||
	    a->window != b->window || a->nranges != b->nranges)
		return false;
	for (i = 0; i < a->nranges; i++)
		if (a->ranges[i].lo != b->ranges[i].lo ||
		    a->ranges[i].hi != b->ranges[i].hi)
			return false;
	return true;
}

/* Validates a copy of exactly len bytes, so that ASan sees overreads. */
static int validate(const u8 *buf, size_t len)
{
	u8 *copy = malloc(len);
	int err;

	memcpy(copy, buf, len);
	err = myc_frame_validate(copy, len);
	free(copy);
	return err;
}

/* The chunk of a one-chunk DATA payload, decoded from an exact copy. */
static int chunk_err(const u8 *payload, size_t len)
{
	struct myc_chunk c;
	size_t pos = 0;
	u8 *copy = malloc(len);
	int err;

	memcpy(copy, payload, len);
	err = myc_chunk_next(copy, len, &pos, &c);
	if (err == 1 && !pos)
		err = -100;	/* must advance */
	if (err < 0 && pos)
		err = -101;	/* must not advance on error */
	free(copy);
	return err;
}

static int ack_err(const u8 *payload, size_t len)
{
	struct myc_ack a;
	u8 *copy = malloc(len);
	int err;

	memcpy(copy, payload, len);
	err = myc_ack_decode(copy, len, &a);
	free(copy);
	return err;
}

/*
 * Decodes every element of a valid frame, re-encodes it and compares:
 * 0 if byte-identical.  The fuzz target does the same.
 */
static int reencode_cmp(const u8 *buf, size_t len)
{
	static u8 out[FRAME_MAX];
	const u8 *payload = buf + MYC_HDR_LEN;
	size_t plen = len - MYC_HDR_LEN, pos = 0, n;
	struct myc_chunk c;
	struct myc_probe p;
	struct myc_hello hl;
	struct myc_svc v;
	struct myc_hdr h;
	struct myc_ack a;
	int err;

	if (myc_hdr_decode(buf, len, &h))
		return 1;
	if (myc_hdr_encode(out, sizeof(out), &h) != MYC_HDR_LEN)
		return 2;
	n = MYC_HDR_LEN;
	if (h.flags & (MYC_FF_SEALED | MYC_FF_COMPRESSED)) {
		memcpy(out + n, payload, plen);
		n += plen;
	} else if (h.type == MYC_FT_DATA) {
		while ((err = myc_chunk_next(payload, plen, &pos, &c)) > 0) {
			size_t w = myc_chunk_encode(out + n, sizeof(out) - n,
						    &c, c.data);
			if (!w)
				return 3;
			n += w;
		}
		if (err)
			return 4;
	} else if (h.type == MYC_FT_ACK) {
		if (myc_ack_decode(payload, plen, &a))
			return 5;
		n += myc_ack_encode(out + n, sizeof(out) - n, &a);
	} else if (h.type == MYC_FT_PROBE || h.type == MYC_FT_PROBE_REPLY) {
		if (myc_probe_decode(payload, plen, &p))
			return 6;
		n += myc_probe_encode(out + n, sizeof(out) - n, &p);
	} else if (h.type == MYC_FT_SVC_CHECK || h.type == MYC_FT_SVC_STATUS) {
		if (myc_svc_decode(payload, plen, h.type == MYC_FT_SVC_CHECK,
				   &v))
			return 8;
		n += myc_svc_encode(out + n, sizeof(out) - n, &v);
	} else if (h.type == MYC_FT_HELLO) {
		if (myc_hello_decode(payload, plen, &hl))
			return 9;
		n += myc_hello_encode(out + n, sizeof(out) - n, &hl);
	} else if (h.type == MYC_FT_CONTACT) {
		struct myc_contact ct;

		if (myc_contact_decode(payload, plen, &ct))
			return 10;
		n += myc_contact_encode(out + n, sizeof(out) - n, &ct);
	} else {
		memcpy(out + n, payload, plen);
		n += plen;
	}
	if (n != len || memcmp(out, buf, len))
		return 7;
	return 0;
}

/* Golden vectors */

TEST(golden_hello)
{
	static const struct myc_hello h = {	/* static: padding zeroed */
		.version = MYC_HELLO_VERSION,
		.flags = MYC_HELLO_REPLY,
		.type = MYC_NODE_RHIZOMORPH,
		.profile = MYC_PROFILE_ADAPTIVE,
		.enc = MYC_ENC_STANDARD,
		.comp = MYC_COMP_HIGH,
		.rel = MYC_GUARANTEE_HIGH,
		.enc_caps = 0x0e,
		.comp_caps = 0x0f,
		.mtu = 1500,
		.max_msg = 262144,
		.instance = 0xa1b2c3d4,
	};
	struct myc_hello d;
	u8 buf[MYC_HELLO_LEN + 1];

	ASSERT_EQ((size_t)MYC_HELLO_LEN, myc_hello_encode(buf, sizeof(buf), &h));
	EXPECT_EQ(0, memcmp(gv_hello, buf, MYC_HELLO_LEN));
	/* the kernel compares HELLOs whole: decode leaves no stale byte */
	memset(&d, 0xa5, sizeof(d));
	ASSERT_EQ(0, myc_hello_decode(gv_hello, sizeof(gv_hello), &d));
	EXPECT_EQ(0, memcmp(&h, &d, sizeof(h)));
	EXPECT_EQ(-MYC_WERR_TRAILING, myc_hello_decode(buf, MYC_HELLO_LEN + 1, &d));
	EXPECT_EQ(-MYC_WERR_SHORT, myc_hello_decode(buf, 0, &d));
	EXPECT_EQ(-MYC_WERR_SHORT, myc_hello_decode(buf, MYC_HELLO_LEN - 1, &d));
	buf[0] = 2;
	EXPECT_EQ(-MYC_WERR_VERSION, myc_hello_decode(buf, MYC_HELLO_LEN, &d));
}

static int hello_patched(int off, u8 v)
{
	u8 buf[MYC_HELLO_LEN];

	memcpy(buf, gv_hello, sizeof(buf));
	buf[off] = v;
	return myc_hello_decode(buf, sizeof(buf), NULL);
}

TEST(hello_fields)
{
	EXPECT_EQ(0, hello_patched(1, 0));
	EXPECT_EQ(0, hello_patched(1, MYC_HELLO_INSECURE));
	EXPECT_EQ(-MYC_WERR_FIELD, hello_patched(1, 0x04));	/* flag */
	EXPECT_EQ(-MYC_WERR_FIELD, hello_patched(2, MYC_NODE_TYPE_MAX + 1));
	EXPECT_EQ(-MYC_WERR_FIELD, hello_patched(3, MYC_PROFILE_MAX + 1));
	EXPECT_EQ(-MYC_WERR_FIELD, hello_patched(4, MYC_ENC_MAX + 1));
	EXPECT_EQ(-MYC_WERR_FIELD, hello_patched(5, MYC_COMP_NEGOTIATED));
	EXPECT_EQ(-MYC_WERR_FIELD, hello_patched(6, MYC_GUARANTEE_MAX + 1));
	EXPECT_EQ(-MYC_WERR_FIELD, hello_patched(7, 0x0c));	/* no minimal */
	EXPECT_EQ(-MYC_WERR_FIELD, hello_patched(7, 0x12));	/* unknown */
	EXPECT_EQ(-MYC_WERR_FIELD, hello_patched(8, 0x0e));	/* no none */
	EXPECT_EQ(-MYC_WERR_FIELD, hello_patched(8, 0x11));
	EXPECT_EQ(-MYC_WERR_FIELD, hello_patched(9, 1));	/* reserved */
	EXPECT_EQ(-MYC_WERR_FIELD, hello_patched(10, 0x01));	/* mtu 476 */
	EXPECT_EQ(0, hello_patched(16, 0));			/* instance */
}

TEST(compressed_header)
{
	static const u8 gv[MYC_COMP_HDR_LEN + 1] = { 0x03, 0x00, 0x05, 0x6e,
						     0xaa };
	struct myc_comp c = { .method = MYC_COMP_HIGH, .len = 1390 }, d;
	u8 buf[MYC_COMP_HDR_LEN + 1], bad[MYC_COMP_HDR_LEN + 1];

	ASSERT_EQ((size_t)MYC_COMP_HDR_LEN, myc_comp_encode(buf, sizeof(buf), &c));
	EXPECT_EQ(0, memcmp(gv, buf, MYC_COMP_HDR_LEN));
	ASSERT_EQ(0, myc_comp_decode(gv, sizeof(gv), &d));
	EXPECT_EQ(c.method, d.method);
	EXPECT_EQ(c.len, d.len);
	/* no compressed byte after the header */
	EXPECT_EQ(-MYC_WERR_SHORT, myc_comp_decode(gv, MYC_COMP_HDR_LEN, &d));
	memcpy(bad, gv, sizeof(bad));
	bad[0] = 0;
	EXPECT_EQ(-MYC_WERR_FIELD, myc_comp_decode(bad, sizeof(bad), &d));
	bad[0] = 4;
	EXPECT_EQ(-MYC_WERR_FIELD, myc_comp_decode(bad, sizeof(bad), &d));
	memcpy(bad, gv, sizeof(bad));
	bad[1] = 1;
	EXPECT_EQ(-MYC_WERR_FIELD, myc_comp_decode(bad, sizeof(bad), &d));
	memcpy(bad, gv, sizeof(bad));
	bad[2] = bad[3] = 0;
	EXPECT_EQ(-MYC_WERR_FIELD, myc_comp_decode(bad, sizeof(bad), &d));
	c.len = 0;
	EXPECT_EQ(0U, myc_comp_encode(buf, sizeof(buf), &c));
	c = (struct myc_comp){ .method = MYC_COMP_NEGOTIATED, .len = 1 };
	EXPECT_EQ(0U, myc_comp_encode(buf, sizeof(buf), &c));
	c.method = MYC_COMP_LOW;
	EXPECT_EQ(0U, myc_comp_encode(buf, MYC_COMP_HDR_LEN - 1, &c));
}

TEST(hello_frame)
{
	u8 buf[MYC_HDR_LEN + MYC_HELLO_LEN + 1];
	size_t n;

	n = mk_frame(buf, MYC_FT_HELLO, 0, gv_hello, sizeof(gv_hello));
	EXPECT_EQ(0, validate(buf, n));
	EXPECT_EQ(0, reencode_cmp(buf, n));
	EXPECT_EQ(-MYC_WERR_SHORT, validate(buf, MYC_HDR_LEN));
	buf[n] = 0;
	EXPECT_EQ(-MYC_WERR_TRAILING, validate(buf, n + 1));
	buf[MYC_HDR_LEN + 9] = 1;
	EXPECT_EQ(-MYC_WERR_FIELD, validate(buf, n));
}

TEST(golden_header)
{
	struct myc_hdr h = {
		.version = 1,
		.type = MYC_FT_DATA,
		.flags = MYC_FF_ACK_ELICITING,
		.src_node = 0x0102030405060708ULL,
		.dst_node = 0x1112131415161718ULL,
		.pn = 0x2122232425262728ULL,
	};
	struct myc_hdr d;
	u8 buf[MYC_HDR_LEN];

	EXPECT_EQ(28, MYC_HDR_LEN);
	ASSERT_EQ((size_t)MYC_HDR_LEN, myc_hdr_encode(buf, sizeof(buf), &h));
	EXPECT_EQ(0, memcmp(gv_hdr, buf, sizeof(buf)));

	memset(&d, 0xa5, sizeof(d));
	ASSERT_EQ(0, myc_hdr_decode(gv_hdr, sizeof(gv_hdr), &d));
	EXPECT_EQ(1, d.version);
	EXPECT_EQ(MYC_FT_DATA, d.type);
	EXPECT_EQ(MYC_FF_ACK_ELICITING, d.flags);
	EXPECT_EQ(0x0102030405060708ULL, d.src_node);
	EXPECT_EQ(0x1112131415161718ULL, d.dst_node);
	EXPECT_EQ(0x2122232425262728ULL, d.pn);
}

TEST(golden_chunk)
{
	struct myc_chunk c = {
		.kind = MYC_CK_MSG,
		.flags = MYC_CF_SERVICE,
		.cls = MYC_CLASS_SERVICE,
		.guarantee = MYC_GUARANTEE_HIGH,
		.priority = 5,
		.src_port = 49153,
		.dst_id = 80,
		.msn = 258,
		.total = 2,
		.offset = 0,
		.len = 2,
	};
	struct myc_chunk d;
	u8 buf[sizeof(gv_chunk)];
	size_t pos = 0;

	EXPECT_EQ(36, MYC_CHUNK_HDR_LEN);
	ASSERT_EQ(sizeof(buf), myc_chunk_encode(buf, sizeof(buf), &c, "hi"));
	EXPECT_EQ(0, memcmp(gv_chunk, buf, sizeof(buf)));
	memset(buf, 0, sizeof(buf));
	ASSERT_EQ((size_t)MYC_CHUNK_HDR_LEN,
		  myc_chunk_hdr_encode(buf, sizeof(buf), &c));
	EXPECT_EQ(0, memcmp(gv_chunk, buf, MYC_CHUNK_HDR_LEN));

	ASSERT_EQ(1, myc_chunk_next(gv_chunk, sizeof(gv_chunk),
				    &pos, &d));
	EXPECT_EQ(sizeof(gv_chunk), pos);
	EXPECT_EQ(MYC_CK_MSG, d.kind);
	EXPECT_EQ(MYC_CF_SERVICE, d.flags);
	EXPECT_EQ(MYC_CLASS_SERVICE, d.cls);
	EXPECT_EQ(MYC_GUARANTEE_HIGH, d.guarantee);
	EXPECT_EQ(5, d.priority);
	EXPECT_EQ(49153U, d.src_port);
	EXPECT_EQ(80U, d.dst_id);
	EXPECT_EQ(258ULL, d.msn);
	EXPECT_EQ(2U, d.total);
	EXPECT_EQ(0U, d.offset);
	EXPECT_EQ(0U, d.aux);
	EXPECT_EQ(2, d.len);
	EXPECT_EQ(gv_chunk + MYC_CHUNK_HDR_LEN, d.data);
	EXPECT_EQ(0, myc_chunk_next(gv_chunk, sizeof(gv_chunk),
				    &pos, &d));
}

TEST(golden_fragment)
{
	struct myc_chunk c = {
		.kind = MYC_CK_MSG,
		.flags = MYC_CF_CONNECTED,
		.cls = MYC_CLASS_CONSENSUS,
		.guarantee = MYC_GUARANTEE_GUARANTEED,
		.priority = 7,
		.src_port = 7,
		.dst_id = 0x01020304,
		.msn = 1,
		.total = 100000,
		.offset = 65536,
		.len = 4,
	};
	struct myc_chunk d;
	u8 buf[sizeof(gv_frag)];
	size_t pos = 0;

	ASSERT_EQ(sizeof(buf), myc_chunk_encode(buf, sizeof(buf), &c, "abcd"));
	EXPECT_EQ(0, memcmp(gv_frag, buf, sizeof(buf)));
	ASSERT_EQ(1, myc_chunk_next(gv_frag, sizeof(gv_frag), &pos, &d));
	EXPECT_EQ(MYC_GUARANTEE_GUARANTEED, d.guarantee);
	EXPECT_EQ(7, d.priority);
	EXPECT_EQ(MYC_CLASS_CONSENSUS, d.cls);
	EXPECT_EQ(100000U, d.total);
	EXPECT_EQ(65536U, d.offset);
	EXPECT_EQ(0x01020304U, d.dst_id);
}

TEST(golden_ack)
{
	struct myc_ack a = {
		.largest = 100,
		.delay_us = 250,
		.window = 65536,
		.nranges = 3,
		.ranges = { { 95, 100 }, { 90, 92 }, { 80, 80 } },
	};
	struct myc_ack d;
	u8 buf[sizeof(gv_ack)];

	ASSERT_EQ(sizeof(buf), myc_ack_encode(buf, sizeof(buf), &a));
	EXPECT_EQ(0, memcmp(gv_ack, buf, sizeof(buf)));
	memset(&d, 0, sizeof(d));
	ASSERT_EQ(0, myc_ack_decode(gv_ack, sizeof(gv_ack), &d));
	EXPECT_EQ(100ULL, d.largest);
	EXPECT_EQ(250U, d.delay_us);
	EXPECT_EQ(65536U, d.window);
	ASSERT_EQ(3, d.nranges);
	EXPECT_EQ(95ULL, d.ranges[0].lo);
	EXPECT_EQ(100ULL, d.ranges[0].hi);
	EXPECT_EQ(90ULL, d.ranges[1].lo);
	EXPECT_EQ(92ULL, d.ranges[1].hi);
	EXPECT_EQ(80ULL, d.ranges[2].lo);
	EXPECT_EQ(80ULL, d.ranges[2].hi);
}

TEST(golden_probe)
{
	struct myc_probe p = {
		.path_id = 3,
		.seq = 16,
		.timestamp = 0x0123456789abcdefULL,
	};
	struct myc_probe d;
	u8 buf[MYC_PROBE_LEN];

	ASSERT_EQ((size_t)MYC_PROBE_LEN, myc_probe_encode(buf, sizeof(buf), &p));
	EXPECT_EQ(0, memcmp(gv_probe, buf, sizeof(buf)));
	ASSERT_EQ(0, myc_probe_decode(gv_probe, sizeof(gv_probe), &d));
	EXPECT_EQ(3U, d.path_id);
	EXPECT_EQ(16ULL, d.seq);
	EXPECT_EQ(0x0123456789abcdefULL, d.timestamp);
}

TEST(golden_data_frame)
{
	struct myc_hdr h = {
		.version = MYC_WIRE_VERSION,
		.type = MYC_FT_DATA,
		.flags = MYC_FF_ACK_ELICITING,
		.src_node = 1,
		.dst_node = 2,
		.pn = 1,
	};
	struct myc_chunk c = {
		.kind = MYC_CK_MSG,
		.cls = MYC_CLASS_SERVICE,
		.guarantee = MYC_GUARANTEE_HIGH,
		.priority = MYC_PRIORITY_DEFAULT,
		.src_port = 4096,
		.dst_id = 42,
		.msn = 1,
		.total = 2,
		.len = 2,
	};
	u8 buf[sizeof(gv_data_frame)];
	size_t n;

	n = myc_hdr_encode(buf, sizeof(buf), &h);
	ASSERT_EQ((size_t)MYC_HDR_LEN, n);
	n += myc_chunk_encode(buf + n, sizeof(buf) - n, &c, "hi");
	ASSERT_EQ(sizeof(buf), n);
	EXPECT_EQ(0, memcmp(gv_data_frame, buf, n));
	EXPECT_EQ(0, validate(gv_data_frame, sizeof(gv_data_frame)));
	EXPECT_EQ(0, reencode_cmp(gv_data_frame,
				  sizeof(gv_data_frame)));
}

/* The malformed examples of Documentation/protocol.rst */
static int gv_data_patched(int off, u8 v, int off2, u8 v2, size_t len)
{
	u8 buf[sizeof(gv_data_frame) + 1];

	memcpy(buf, gv_data_frame, sizeof(gv_data_frame));
	buf[sizeof(gv_data_frame)] = 0;
	if (off >= 0)
		buf[off] = v;
	if (off2 >= 0)
		buf[off2] = v2;
	return validate(buf, len);
}

TEST(doc_malformed_examples)
{
	const size_t n = sizeof(gv_data_frame);

	EXPECT_EQ(-MYC_WERR_VERSION, gv_data_patched(0x00, 0x02, -1, 0, n));
	EXPECT_EQ(-MYC_WERR_TYPE, gv_data_patched(0x01, 0x0c, -1, 0, n));
	EXPECT_EQ(-MYC_WERR_FLAGS, gv_data_patched(0x03, 0x44, -1, 0, n));
	EXPECT_EQ(-MYC_WERR_NODE, gv_data_patched(0x0b, 0x00, -1, 0, n));
	EXPECT_EQ(-MYC_WERR_PN, gv_data_patched(0x1b, 0x00, -1, 0, n));
	EXPECT_EQ(-MYC_WERR_TYPE, gv_data_patched(0x1c, 0x0b, -1, 0, n));
	EXPECT_EQ(-MYC_WERR_FLAGS, gv_data_patched(0x1d, 0x08, -1, 0, n));
	EXPECT_EQ(-MYC_WERR_FIELD, gv_data_patched(0x1f, 0xc3, -1, 0, n));
	EXPECT_EQ(-MYC_WERR_FIELD, gv_data_patched(0x1f, 0x4b, -1, 0, n));
	EXPECT_EQ(-MYC_WERR_FIELD, gv_data_patched(0x2f, 0x00, -1, 0, n));
	EXPECT_EQ(-MYC_WERR_FIELD, gv_data_patched(0x33, 0x01, -1, 0, n));
	EXPECT_EQ(-MYC_WERR_FIELD, gv_data_patched(0x3e, 0x01, -1, 0, n));
	EXPECT_EQ(-MYC_WERR_SHORT, gv_data_patched(0x33, 0x03, 0x3d, 0x03, n));
	EXPECT_EQ(-MYC_WERR_SHORT, gv_data_patched(-1, 0, -1, 0, n - 1));
	EXPECT_EQ(-MYC_WERR_SHORT, gv_data_patched(-1, 0, -1, 0, n + 1));
	EXPECT_EQ(0, gv_data_patched(-1, 0, -1, 0, n));
}

/* Round trips */

TEST(hdr_roundtrip)
{
	static const u64 ids[] = { 1, 2, 0x8000000000000000ULL, ~0ULL };
	struct myc_hdr h, d;
	u8 buf[MYC_HDR_LEN + 1];
	unsigned int t, f, i;

	for (t = MYC_FT_DATA; t < __MYC_FT_MAX; t++) {
		for (f = 0; f <= MYC_FF_KNOWN; f++) {
			if (!flags_ok(t, f))
				continue;
			for (i = 0; i < 4; i++) {
				h = mk_hdr(t, f);
				h.src_node = ids[i];
				h.dst_node = ids[3 - i];
				h.pn = ids[(i + 1) % 4];
				ASSERT_EQ((size_t)MYC_HDR_LEN,
					  myc_hdr_encode(buf, sizeof(buf), &h));
				memset(&d, 0, sizeof(d));
				ASSERT_EQ(0, myc_hdr_decode(buf, MYC_HDR_LEN,
							    &d));
				EXPECT_TRUE(hdr_eq(&h, &d));
			}
		}
	}
}

TEST(chunk_roundtrip)
{
	static u8 data[65535];
	struct myc_chunk c, d;
	static u8 buf[MYC_CHUNK_HDR_LEN + 65535];
	/* Every kind x class x guarantee x priority x flags combination. */
	/* (spore chunks have fixed fields: spore_chunks below) */
	const unsigned int nk = MYC_CK_SKIP, ncls = MYC_CLASS_MAX + 1,
			   ng = MYC_GUARANTEE_MAX + 1, np = MYC_PRIORITY_MAX + 1,
			   nf = MYC_CF_KNOWN + 1;
	unsigned int i, k, cls, g, p, f;
	size_t pos, n;

	for (n = 0; n < sizeof(data); n++)
		data[n] = (u8)(n * 7 + 3);
	for (i = 0; i < nk * ncls * ng * np * nf; i++) {
		k = MYC_CK_MSG + i % nk;
		cls = i / nk % ncls;
		g = i / (nk * ncls) % ng;
		p = i / (nk * ncls * ng) % np;
		f = i / (nk * ncls * ng * np);
		c = mk_chunk(k, k == MYC_CK_SKIP ? 0 : (u16)(k * 11 + p));
		c.cls = cls;
		c.guarantee = g;
		c.priority = p;
		c.flags = f;
		c.msn = ~0ULL - p;
		if (k == MYC_CK_CREDIT)
			c.aux = 0xffffffffU - g;
		n = myc_chunk_encode(buf, sizeof(buf), &c, data);
		ASSERT_EQ(MYC_CHUNK_HDR_LEN + (size_t)c.len, n);
		pos = 0;
		memset(&d, 0, sizeof(d));
		ASSERT_EQ(1, myc_chunk_next(buf, n, &pos, &d));
		EXPECT_EQ(n, pos);
		EXPECT_TRUE(chunk_eq(&c, &d));
		EXPECT_EQ(buf + MYC_CHUNK_HDR_LEN, d.data);
		EXPECT_EQ(0, memcmp(data, d.data, d.len));
	}

	/* The largest chunk, ending exactly at the largest message. */
	c = mk_chunk(MYC_CK_MSG, 65535);
	c.total = MYC_MAX_MSG_SIZE;
	c.offset = MYC_MAX_MSG_SIZE - 65535;
	n = myc_chunk_encode(buf, sizeof(buf), &c, data);
	ASSERT_EQ(sizeof(buf), n);
	pos = 0;
	ASSERT_EQ(1, myc_chunk_next(buf, n, &pos, &d));
	EXPECT_EQ(0, memcmp(data, d.data, 65535));
	EXPECT_EQ((u32)MYC_MAX_MSG_SIZE, d.total);

	/* A zero-length message: total 0, len 0, no data pointer needed. */
	c = mk_chunk(MYC_CK_MSG, 0);
	ASSERT_EQ((size_t)MYC_CHUNK_HDR_LEN,
		  myc_chunk_encode(buf, sizeof(buf), &c, NULL));
	pos = 0;
	ASSERT_EQ(1, myc_chunk_next(buf, MYC_CHUNK_HDR_LEN, &pos, &d));
	EXPECT_EQ(0, d.len);
	EXPECT_EQ(0U, d.total);

	/* SKIP carries no message: total and aux must be 0. */
	c = mk_chunk(MYC_CK_SKIP, 0);
	ASSERT_EQ((size_t)MYC_CHUNK_HDR_LEN,
		  myc_chunk_encode(buf, sizeof(buf), &c, NULL));
	c.aux = 1;
	EXPECT_EQ((size_t)0, myc_chunk_encode(buf, sizeof(buf), &c, NULL));
	buf[31] = 1;	/* aux on the wire */
	pos = 0;
	EXPECT_EQ(-MYC_WERR_FIELD, myc_chunk_next(buf, MYC_CHUNK_HDR_LEN, &pos,
						  &d));
	c = mk_chunk(MYC_CK_SKIP, 1);
	EXPECT_EQ((size_t)0, myc_chunk_encode(buf, sizeof(buf), &c, data));

	/* A REJECT may return fewer bytes than the message had. */
	c = mk_chunk(MYC_CK_REJECT, 10);
	c.total = 5000;
	ASSERT_EQ((size_t)MYC_CHUNK_HDR_LEN + 10,
		  myc_chunk_encode(buf, sizeof(buf), &c, data));
	pos = 0;
	ASSERT_EQ(1, myc_chunk_next(buf, MYC_CHUNK_HDR_LEN + 10, &pos, &d));
	EXPECT_EQ(5000U, d.total);
	EXPECT_EQ(111U, d.aux);
}

TEST(ack_one_range)
{
	struct myc_ack a = { .largest = 1, .nranges = 1,
			     .ranges = { { 1, 1 } } };
	struct myc_ack d;
	u8 buf[MYC_ACK_MIN_LEN];

	ASSERT_EQ((size_t)MYC_ACK_MIN_LEN, myc_ack_encode(buf, sizeof(buf), &a));
	ASSERT_EQ(0, ack_err(buf, sizeof(buf)));
	ASSERT_EQ(0, myc_ack_decode(buf, sizeof(buf), &d));
	EXPECT_EQ(1, d.nranges);
	EXPECT_EQ(1ULL, d.ranges[0].lo);
	EXPECT_EQ(1ULL, d.ranges[0].hi);

	/* The first range may reach packet 1, not 0. */
	buf[7] = 5;
	buf[23] = 4;
	EXPECT_EQ(0, ack_err(buf, sizeof(buf)));
	buf[23] = 5;
	EXPECT_EQ(-MYC_WERR_FIELD, ack_err(buf, sizeof(buf)));
	buf[23] = 0xff;
	EXPECT_EQ(-MYC_WERR_FIELD, ack_err(buf, sizeof(buf)));

	/* Everything from 1 to the largest. */
	a.largest = 1000;
	a.ranges[0].hi = 1000;
	a.delay_us = ~0U;
	a.window = 12345;
	ASSERT_EQ((size_t)MYC_ACK_MIN_LEN, myc_ack_encode(buf, sizeof(buf), &a));
	ASSERT_EQ(0, myc_ack_decode(buf, sizeof(buf), &d));
	EXPECT_EQ(1, d.nranges);
	EXPECT_EQ(1ULL, d.ranges[0].lo);
	EXPECT_EQ(1000ULL, d.ranges[0].hi);
	EXPECT_EQ(~0U, d.delay_us);
	EXPECT_EQ(12345U, d.window);
}

TEST(ack_max_ranges)
{
	struct myc_ack a = { 0 }, d;
	u8 buf[MYC_ACK_MIN_LEN + MYC_ACK_MAX_RANGES * 8 + 8];
	size_t need = MYC_ACK_MIN_LEN + MYC_ACK_MAX_RANGES * 8;
	u64 hi = 1000000;
	int i;

	/* MAX+1 ranges, with gaps and lengths of 1 and more. */
	a.largest = hi;
	a.window = 1 << 20;
	a.nranges = MYC_ACK_MAX_RANGES + 1;
	for (i = 0; i < a.nranges; i++) {
		a.ranges[i].hi = hi;
		a.ranges[i].lo = hi - (u64)(i % 3);
		hi = a.ranges[i].lo - 2 - (u64)(i % 5);
	}
	ASSERT_EQ(need, myc_ack_encode(buf, sizeof(buf), &a));
	ASSERT_EQ(0, ack_err(buf, need));
	memset(&d, 0, sizeof(d));
	ASSERT_EQ(0, myc_ack_decode(buf, need, &d));
	EXPECT_TRUE(ack_eq(&a, &d));

	/* One more range does not fit the format. */
	a.nranges = MYC_ACK_MAX_RANGES + 2;
	EXPECT_EQ(0U, myc_ack_encode(buf, sizeof(buf), &a));
	/* ... and the count field says so on the wire. */
	buf[16] = 0;
	buf[17] = MYC_ACK_MAX_RANGES + 1;
	memset(buf + need, 0, 8);
	EXPECT_EQ(-MYC_WERR_FIELD, ack_err(buf, need + 8));
}

TEST(ack_extremes)
{
	struct myc_ack a = { 0 }, d;
	u8 buf[MYC_ACK_MIN_LEN + 16];
	size_t n;

	/* Largest possible numbers, gaps and ranges. */
	a.largest = ~0ULL;
	a.nranges = 3;
	a.ranges[0].hi = ~0ULL;
	a.ranges[0].lo = ~0ULL - 0xffffffffULL;
	a.ranges[1].hi = a.ranges[0].lo - 2 - 0xffffffffULL;
	a.ranges[1].lo = a.ranges[1].hi - 0xffffffffULL;
	a.ranges[2].hi = a.ranges[1].lo - 2;
	a.ranges[2].lo = 1;
	EXPECT_EQ(0U, myc_ack_encode(buf, sizeof(buf), &a)); /* range 2 > 2^32 */
	a.ranges[2].lo = a.ranges[2].hi - 0xffffffffULL;
	n = myc_ack_encode(buf, sizeof(buf), &a);
	ASSERT_EQ(sizeof(buf), n);
	ASSERT_EQ(0, myc_ack_decode(buf, n, &d));
	EXPECT_TRUE(ack_eq(&a, &d));

	/* A last range ending exactly at packet 1 is fine, 0 is not. */
	a.largest = 10;
	a.nranges = 2;
	a.ranges[0].hi = 10;
	a.ranges[0].lo = 8;
	a.ranges[1].hi = 6;
	a.ranges[1].lo = 1;
	n = myc_ack_encode(buf, sizeof(buf), &a);
	ASSERT_EQ((size_t)MYC_ACK_MIN_LEN + 8, n);
	ASSERT_EQ(0, myc_ack_decode(buf, n, &d));
	EXPECT_EQ(1ULL, d.ranges[1].lo);
	buf[31] = 6;	/* range 6: 6 - 6 = 0 */
	EXPECT_EQ(-MYC_WERR_FIELD, ack_err(buf, n));
	buf[31] = 5;
	buf[27] = 1;	/* gap 1: 8 - 1 - 2 - 5 = 0 */
	EXPECT_EQ(-MYC_WERR_FIELD, ack_err(buf, n));
	/* Huge gap and range: no wrap-around. */
	memset(buf + 24, 0xff, 8);
	EXPECT_EQ(-MYC_WERR_FIELD, ack_err(buf, n));
}

TEST(ack_encode_rejects_bad_ranges)
{
	struct myc_ack good = {
		.largest = 100, .nranges = 3,
		.ranges = { { 95, 100 }, { 90, 92 }, { 80, 80 } },
	};
	struct myc_ack a;
	u8 buf[256];

	ASSERT_NE(0U, myc_ack_encode(buf, sizeof(buf), &good));
	a = good;
	a.nranges = 0;
	EXPECT_EQ(0U, myc_ack_encode(buf, sizeof(buf), &a));
	a = good;
	a.largest = 0;
	EXPECT_EQ(0U, myc_ack_encode(buf, sizeof(buf), &a));
	a = good;
	a.largest = 101;		/* ranges[0].hi != largest */
	EXPECT_EQ(0U, myc_ack_encode(buf, sizeof(buf), &a));
	a = good;
	a.ranges[0].lo = 101;		/* lo > hi */
	EXPECT_EQ(0U, myc_ack_encode(buf, sizeof(buf), &a));
	a = good;
	a.ranges[1].hi = 94;		/* adjacent to 95 */
	EXPECT_EQ(0U, myc_ack_encode(buf, sizeof(buf), &a));
	a = good;
	a.ranges[1].hi = 97;		/* overlapping */
	EXPECT_EQ(0U, myc_ack_encode(buf, sizeof(buf), &a));
	a = good;
	a.ranges[2] = (struct myc_ack_range){ 93, 93 };	/* ascending */
	EXPECT_EQ(0U, myc_ack_encode(buf, sizeof(buf), &a));
	a = good;
	a.ranges[2] = (struct myc_ack_range){ 0, 80 };	/* below 1 */
	EXPECT_EQ(0U, myc_ack_encode(buf, sizeof(buf), &a));
	a = good;
	a.ranges[0].lo = 0;
	a.nranges = 1;
	EXPECT_EQ(0U, myc_ack_encode(buf, sizeof(buf), &a));
	a = good;
	a.ranges[2] = (struct myc_ack_range){ 80, 79 };	/* lo > hi */
	EXPECT_EQ(0U, myc_ack_encode(buf, sizeof(buf), &a));
	/* Two ranges need a packet between them. */
	a = good;
	a.ranges[2].lo = 1;
	a.ranges[2].hi = 2;
	a.ranges[1].lo = 3;
	EXPECT_EQ(0U, myc_ack_encode(buf, sizeof(buf), &a));
	a.ranges[1].lo = 4;
	EXPECT_NE(0U, myc_ack_encode(buf, sizeof(buf), &a));
	/* A first range of more than 2^32 packets cannot be written. */
	a = good;
	a.nranges = 1;
	a.largest = 1ULL << 40;
	a.ranges[0].hi = a.largest;
	a.ranges[0].lo = 1;
	EXPECT_EQ(0U, myc_ack_encode(buf, sizeof(buf), &a));
}

TEST(probe_roundtrip)
{
	struct myc_probe p = { .path_id = ~0U, .seq = 0, .timestamp = ~0ULL };
	struct myc_probe d;
	u8 frame[MYC_HDR_LEN + MYC_PROBE_LEN];
	u8 buf[MYC_PROBE_LEN];

	ASSERT_EQ((size_t)MYC_PROBE_LEN, myc_probe_encode(buf, sizeof(buf), &p));
	ASSERT_EQ(0, myc_probe_decode(buf, sizeof(buf), &d));
	EXPECT_EQ(p.path_id, d.path_id);
	EXPECT_EQ(p.seq, d.seq);
	EXPECT_EQ(p.timestamp, d.timestamp);
	ASSERT_EQ(sizeof(frame), mk_frame(frame, MYC_FT_PROBE, 0, buf,
					  sizeof(buf)));
	EXPECT_EQ(0, validate(frame, sizeof(frame)));
	EXPECT_EQ(0, reencode_cmp(frame, sizeof(frame)));
	ASSERT_EQ(sizeof(frame), mk_frame(frame, MYC_FT_PROBE_REPLY, 0, buf,
					  sizeof(buf)));
	EXPECT_EQ(0, validate(frame, sizeof(frame)));
	EXPECT_EQ(0, reencode_cmp(frame, sizeof(frame)));
}

/* Bundles */

TEST(bundle)
{
	static u8 buf[FRAME_MAX];
	static const char * const texts[] = { "", "one", "two!", "", "three" };
	struct myc_chunk c, d;
	size_t n, pos, starts[6];
	int i;

	n = mk_frame(buf, MYC_FT_DATA, MYC_FF_ACK_ELICITING, NULL, 0);
	ASSERT_EQ((size_t)MYC_HDR_LEN, n);
	for (i = 0; i < 5; i++) {
		c = mk_chunk(i == 3 ? MYC_CK_CONN_REQ : MYC_CK_MSG,
			     (u16)strlen(texts[i]));
		c.msn = (u64)i + 1;
		c.src_port = (u32)i;
		starts[i] = n - MYC_HDR_LEN;
		n += myc_chunk_encode(buf + n, sizeof(buf) - n, &c, texts[i]);
	}
	starts[5] = n - MYC_HDR_LEN;
	ASSERT_EQ((size_t)MYC_HDR_LEN + 5 * MYC_CHUNK_HDR_LEN + 3 + 4 + 5, n);
	EXPECT_EQ(0, validate(buf, n));
	EXPECT_EQ(0, reencode_cmp(buf, n));

	pos = 0;
	for (i = 0; i < 5; i++) {
		EXPECT_EQ(starts[i], pos);
		ASSERT_EQ(1, myc_chunk_next(buf + MYC_HDR_LEN, n - MYC_HDR_LEN,
					    &pos, &d));
		EXPECT_EQ((u64)i + 1, d.msn);
		EXPECT_EQ((u32)i, d.src_port);
		EXPECT_EQ(i == 3 ? MYC_CK_CONN_REQ : MYC_CK_MSG, d.kind);
		ASSERT_EQ(strlen(texts[i]), d.len);
		EXPECT_EQ(0, memcmp(texts[i], d.data, d.len));
	}
	EXPECT_EQ(starts[5], pos);
	EXPECT_EQ(0, myc_chunk_next(buf + MYC_HDR_LEN, n - MYC_HDR_LEN, &pos,
				    &d));
	EXPECT_EQ(0, myc_chunk_next(buf + MYC_HDR_LEN, n - MYC_HDR_LEN, &pos,
				    &d));
	EXPECT_EQ(starts[5], pos);

	/* A bad third chunk: the first two decode, the third fails. */
	buf[MYC_HDR_LEN + starts[2]] = 0;
	EXPECT_EQ(-MYC_WERR_TYPE, validate(buf, n));
	pos = 0;
	EXPECT_EQ(1, myc_chunk_next(buf + MYC_HDR_LEN, n - MYC_HDR_LEN, &pos,
				    &d));
	EXPECT_EQ(1, myc_chunk_next(buf + MYC_HDR_LEN, n - MYC_HDR_LEN, &pos,
				    &d));
	EXPECT_EQ(-MYC_WERR_TYPE, myc_chunk_next(buf + MYC_HDR_LEN,
						 n - MYC_HDR_LEN, &pos, &d));
	EXPECT_EQ(starts[2], pos);

	/* A position past the end is an error, not a read. */
	pos = n;
	EXPECT_EQ(-MYC_WERR_SHORT, myc_chunk_next(buf + MYC_HDR_LEN,
						  n - MYC_HDR_LEN, &pos, &d));
}

TEST(bundle_every_kind)
{
	static u8 buf[4096];
	struct myc_chunk c;
	size_t n;
	unsigned int k;

	n = mk_frame(buf, MYC_FT_DATA, 0, NULL, 0);
	for (k = MYC_CK_MSG; k < __MYC_CK_MAX; k++) {
		c = mk_chunk(k, (u16)k);
		n += myc_chunk_encode(buf + n, sizeof(buf) - n, &c, "abcdefgh");
	}
	EXPECT_EQ(0, validate(buf, n));
	EXPECT_EQ(0, reencode_cmp(buf, n));
}

/* Opaque payloads and transformed payloads */

TEST(opaque_types)
{
	u8 buf[MYC_HDR_LEN + 100];
	u8 junk[100];
	unsigned int t;
	size_t n;

	memset(junk, 0xee, sizeof(junk));
	for (t = MYC_FT_HANDSHAKE; t <= MYC_FT_CLOSE; t++) {
		n = mk_frame(buf, t, 0, NULL, 0);
		if (t == MYC_FT_HANDSHAKE || t == MYC_FT_SPORE) {
			EXPECT_EQ(-MYC_WERR_SHORT, validate(buf, n));
		} else {
			EXPECT_EQ(0, validate(buf, n));
		}
		n = mk_frame(buf, t, MYC_FF_ACK_ELICITING, junk, 1);
		EXPECT_EQ(0, validate(buf, n));
		n = mk_frame(buf, t, 0, junk, sizeof(junk));
		EXPECT_EQ(0, validate(buf, n));
		EXPECT_EQ(0, reencode_cmp(buf, n));
	}
}

TEST(transformed_payload_is_opaque)
{
	u8 buf[MYC_HDR_LEN + 100];
	u8 junk[100];
	unsigned int t;
	size_t n;

	memset(junk, 0xee, sizeof(junk));
	for (t = MYC_FT_DATA; t < __MYC_FT_MAX; t++) {
		bool setup = t == MYC_FT_HELLO || t == MYC_FT_HANDSHAKE ||
			     t == MYC_FT_CONTACT;
		int want = setup ? -MYC_WERR_FLAGS : 0;

#define mk_frame(b, t, f, p, l) mk_frame_raw(b, t, f, p, l)

		n = mk_frame(buf, t, MYC_FF_ENCRYPTED, junk, sizeof(junk));
		EXPECT_EQ(want, validate(buf, n));
		if (!setup)
			EXPECT_EQ(0, reencode_cmp(buf, n));
		n = mk_frame(buf, t, MYC_FF_AUTH | MYC_FF_KEY_PHASE, junk,
			     MYC_TAG_LEN);
		EXPECT_EQ(want, validate(buf, n));
		/* a sealed frame holds at least its tag */
		n = mk_frame(buf, t, MYC_FF_ENCRYPTED | MYC_FF_PADDED, junk,
			     MYC_TAG_LEN - 1);
		EXPECT_EQ(setup ? want : -MYC_WERR_SHORT, validate(buf, n));
		n = mk_frame(buf, t, MYC_FF_COMPRESSED, junk, 3);
		EXPECT_EQ(want, validate(buf, n));
#undef mk_frame
		/* Not transformed: the junk is checked and rejected. */
		n = mk_frame(buf, t, 0, junk, 3);
		if (t <= MYC_FT_PROBE_REPLY || t >= MYC_FT_SVC_CHECK) {
			EXPECT_NE(0, validate(buf, n));
		}
	}
}

/* Every error code */

TEST(err_short)
{
	u8 buf[FRAME_MAX], payload[64];
	struct myc_chunk c = mk_chunk(MYC_CK_MSG, 4);
	size_t n;

	EXPECT_EQ(-MYC_WERR_SHORT, validate(gv_hdr, 0));
	EXPECT_EQ(-MYC_WERR_SHORT, validate(gv_hdr, 1));
	EXPECT_EQ(-MYC_WERR_SHORT, validate(gv_hdr, MYC_HDR_LEN - 1));
	/* DATA without a chunk */
	EXPECT_EQ(-MYC_WERR_SHORT, validate(gv_hdr, MYC_HDR_LEN));
	/* chunk header cut, chunk data cut */
	EXPECT_EQ(-MYC_WERR_SHORT, chunk_err(gv_chunk, 35));
	EXPECT_EQ(-MYC_WERR_SHORT, chunk_err(gv_chunk, 37));
	/* A declared len longer than the frame */
	ASSERT_EQ(MYC_CHUNK_HDR_LEN + 4U,
		  myc_chunk_encode(payload, sizeof(payload), &c, "abcd"));
	n = mk_frame(buf, MYC_FT_DATA, 0, payload, MYC_CHUNK_HDR_LEN + 4);
	EXPECT_EQ(0, validate(buf, n));
	buf[MYC_HDR_LEN + 33] = 5;
	buf[MYC_HDR_LEN + 23] = 5;
	EXPECT_EQ(-MYC_WERR_SHORT, validate(buf, n));
	/* A few bytes after the last chunk are a truncated chunk. */
	buf[MYC_HDR_LEN + 33] = 4;
	buf[MYC_HDR_LEN + 23] = 4;
	memset(buf + n, 0, 8);
	EXPECT_EQ(-MYC_WERR_SHORT, validate(buf, n + 8));
	/* ACK: fixed part, declared ranges */
	EXPECT_EQ(-MYC_WERR_SHORT, ack_err(gv_ack, MYC_ACK_MIN_LEN - 1));
	EXPECT_EQ(-MYC_WERR_SHORT, ack_err(gv_ack, sizeof(gv_ack) - 1));
	n = mk_frame(buf, MYC_FT_ACK, 0, gv_ack, MYC_ACK_MIN_LEN + 8);
	EXPECT_EQ(-MYC_WERR_SHORT, validate(buf, n));
	/* PROBE */
	n = mk_frame(buf, MYC_FT_PROBE, 0, gv_probe, MYC_PROBE_LEN - 1);
	EXPECT_EQ(-MYC_WERR_SHORT, validate(buf, n));
	/* HANDSHAKE and SPORE carry at least one byte */
	n = mk_frame(buf, MYC_FT_HANDSHAKE, 0, NULL, 0);
	EXPECT_EQ(-MYC_WERR_SHORT, validate(buf, n));
	n = mk_frame(buf, MYC_FT_SPORE, 0, NULL, 0);
	EXPECT_EQ(-MYC_WERR_SHORT, validate(buf, n));
}

TEST(err_version)
{
	u8 buf[sizeof(gv_data_frame)];
	struct myc_hdr h;
	unsigned int v;

	for (v = 0; v < 256; v++) {
		if (v == MYC_WIRE_VERSION)
			continue;
		memcpy(buf, gv_data_frame, sizeof(buf));
		buf[0] = (u8)v;
		EXPECT_EQ(-MYC_WERR_VERSION, validate(buf, sizeof(buf)));
		/* The version is checked before the length. */
		EXPECT_EQ(-MYC_WERR_VERSION, validate(buf, 1));
		EXPECT_EQ(-MYC_WERR_VERSION, myc_hdr_decode(buf, 1, &h));
	}
}

TEST(err_type)
{
	u8 buf[sizeof(gv_data_frame)];
	size_t pos = 0;
	struct myc_chunk c;
	unsigned int v;

	for (v = 0; v < 256; v++) {
		memcpy(buf, gv_data_frame, sizeof(buf));
		buf[1] = (u8)v;
		if (v == 0 || v >= __MYC_FT_MAX) {
			EXPECT_EQ(-MYC_WERR_TYPE, validate(buf, sizeof(buf)));
		}
		memcpy(buf, gv_data_frame, sizeof(buf));
		buf[MYC_HDR_LEN] = (u8)v;
		if (v == 0 || v >= __MYC_CK_MAX) {
			EXPECT_EQ(-MYC_WERR_TYPE, validate(buf, sizeof(buf)));
			EXPECT_EQ(-MYC_WERR_TYPE,
				  myc_chunk_next(buf + MYC_HDR_LEN,
						 sizeof(buf) - MYC_HDR_LEN,
						 &pos, &c));
			EXPECT_EQ(0U, pos);
		}
	}
}

TEST(err_flags)
{
	u8 buf2[MYC_HDR_LEN + sizeof(gv_ack)];
	u8 buf[sizeof(gv_data_frame)];
	struct myc_hdr h;
	unsigned int b;

	for (b = 0; b < 16; b++) {
		if ((1U << b) & MYC_FF_KNOWN)
			continue;
		memcpy(buf, gv_data_frame, sizeof(buf));
		buf[2] = (u8)((1U << b) >> 8);
		buf[3] = (u8)(1U << b);
		EXPECT_EQ(-MYC_WERR_FLAGS, validate(buf, sizeof(buf)));
	}
	for (b = 0; b < 8; b++) {
		if ((1U << b) & MYC_CF_KNOWN)
			continue;
		memcpy(buf, gv_data_frame, sizeof(buf));
		buf[MYC_HDR_LEN + 1] = (u8)(1U << b);
		EXPECT_EQ(-MYC_WERR_FLAGS, validate(buf, sizeof(buf)));
		EXPECT_EQ(-MYC_WERR_FLAGS, chunk_err(buf + MYC_HDR_LEN,
						     sizeof(buf) - MYC_HDR_LEN));
	}
	/* An ACK is never ack-eliciting: on the wire and when encoding. */
	ASSERT_EQ(sizeof(gv_ack) + MYC_HDR_LEN,
		  mk_frame(buf2, MYC_FT_ACK, 0, gv_ack, sizeof(gv_ack)));
	EXPECT_EQ(0, validate(buf2, sizeof(buf2)));
	buf2[3] |= MYC_FF_ACK_ELICITING;
	EXPECT_EQ(-MYC_WERR_FLAGS, myc_hdr_decode(buf2, MYC_HDR_LEN, &h));
	EXPECT_EQ(-MYC_WERR_FLAGS, validate(buf2, sizeof(buf2)));
	h = mk_hdr(MYC_FT_ACK, MYC_FF_ACK_ELICITING);
	EXPECT_EQ(0U, myc_hdr_encode(buf, sizeof(buf), &h));
}

TEST(err_node_pn)
{
	u8 buf[sizeof(gv_data_frame)];
	u8 ack[MYC_HDR_LEN + sizeof(gv_ack)];

	memcpy(buf, gv_data_frame, sizeof(buf));
	buf[11] = 0;	/* src */
	EXPECT_EQ(-MYC_WERR_NODE, validate(buf, sizeof(buf)));
	memcpy(buf, gv_data_frame, sizeof(buf));
	buf[19] = 0;	/* dst */
	EXPECT_EQ(-MYC_WERR_NODE, validate(buf, sizeof(buf)));
	memcpy(buf, gv_data_frame, sizeof(buf));
	buf[27] = 0;	/* pn */
	EXPECT_EQ(-MYC_WERR_PN, validate(buf, sizeof(buf)));
	/* An ACK's largest is a packet number too. */
	mk_frame(ack, MYC_FT_ACK, 0, gv_ack, sizeof(gv_ack));
	EXPECT_EQ(0, validate(ack, sizeof(ack)));
	ack[MYC_HDR_LEN + 7] = 0;
	EXPECT_EQ(-MYC_WERR_PN, validate(ack, sizeof(ack)));
}

/* Patches one byte of the golden DATA frame's chunk; the frame must fail. */
static int data_patched(size_t off, u8 v)
{
	u8 buf[sizeof(gv_data_frame)];

	memcpy(buf, gv_data_frame, sizeof(buf));
	buf[MYC_HDR_LEN + off] = v;
	return validate(buf, sizeof(buf));
}

TEST(err_field_chunk)
{
	static u8 buf[FRAME_MAX];
	struct myc_chunk c;
	size_t n;

	EXPECT_EQ(0, data_patched(2, MYC_CLASS_MAX));
	EXPECT_EQ(-MYC_WERR_FIELD, data_patched(2, MYC_CLASS_MAX + 1));
	EXPECT_EQ(-MYC_WERR_FIELD, data_patched(2, 0xff));
	EXPECT_EQ(0, data_patched(3, MYC_GUARANTEE_MAX << 6 | 7));
	EXPECT_EQ(-MYC_WERR_FIELD, data_patched(3, 3 << 6));	/* guarantee 3 */
	EXPECT_EQ(-MYC_WERR_FIELD, data_patched(3, 0x08));	/* reserved */
	EXPECT_EQ(-MYC_WERR_FIELD, data_patched(3, 0x20));
	EXPECT_EQ(-MYC_WERR_FIELD, data_patched(19, 0));	/* msn 0 */
	EXPECT_EQ(-MYC_WERR_FIELD, data_patched(23, 1));	/* total < len */
	EXPECT_EQ(-MYC_WERR_FIELD, data_patched(27, 1));	/* offset+len */
	EXPECT_EQ(-MYC_WERR_FIELD, data_patched(24, 0x80));	/* offset huge */
	EXPECT_EQ(-MYC_WERR_FIELD, data_patched(31, 1));	/* MSG aux */
	EXPECT_EQ(-MYC_WERR_FIELD, data_patched(34, 1));	/* reserved */
	EXPECT_EQ(-MYC_WERR_FIELD, data_patched(35, 0x80));

	/* total above the limit */
	n = mk_frame(buf, MYC_FT_DATA, 0, NULL, 0);
	c = mk_chunk(MYC_CK_MSG, 10);
	c.total = MYC_MAX_MSG_SIZE;
	c.offset = 5;
	n += myc_chunk_encode(buf + n, sizeof(buf) - n, &c, "0123456789");
	EXPECT_EQ(0, validate(buf, n));
	buf[MYC_HDR_LEN + 23] = 1;	/* MYC_MAX_MSG_SIZE + 1 */
	EXPECT_EQ(-MYC_WERR_FIELD, validate(buf, n));
	/* An empty chunk of a non-empty message */
	c = mk_chunk(MYC_CK_MSG, 0);
	c.total = 10;
	EXPECT_EQ(0U, myc_chunk_encode(buf, sizeof(buf), &c, NULL));
	c.total = 0;
	n = mk_frame(buf, MYC_FT_DATA, 0, NULL, 0);
	n += myc_chunk_encode(buf + n, sizeof(buf) - n, &c, NULL);
	EXPECT_EQ(0, validate(buf, n));
	buf[MYC_HDR_LEN + 23] = 10;
	EXPECT_EQ(-MYC_WERR_FIELD, validate(buf, n));
	/*
	 * CONN_REQ and CONN_ACK aux is zero; CONN_RST 0 (closed) or a reason
	 * 1..4095 (reset); REJECT reason is 1..4095; CREDIT anything.
	 */
	c = mk_chunk(MYC_CK_CONN_ACK, 0);
	c.aux = 1;
	EXPECT_EQ(0U, myc_chunk_encode(buf, sizeof(buf), &c, NULL));
	c.aux = 0;
	n = mk_frame(buf, MYC_FT_DATA, 0, NULL, 0);
	n += myc_chunk_encode(buf + n, sizeof(buf) - n, &c, NULL);
	buf[MYC_HDR_LEN + 31] = 1;
	EXPECT_EQ(-MYC_WERR_FIELD, validate(buf, n));
	c = mk_chunk(MYC_CK_CONN_RST, 0);
	n = mk_frame(buf, MYC_FT_DATA, 0, NULL, 0);
	n += myc_chunk_encode(buf + n, sizeof(buf) - n, &c, NULL);
	EXPECT_EQ(0, validate(buf, n));
	buf[MYC_HDR_LEN + 31] = 104;	/* ECONNRESET */
	EXPECT_EQ(0, validate(buf, n));
	buf[MYC_HDR_LEN + 30] = 0x10;
	buf[MYC_HDR_LEN + 31] = 0x00;	/* 4096 */
	EXPECT_EQ(-MYC_WERR_FIELD, validate(buf, n));
	c = mk_chunk(MYC_CK_REJECT, 0);
	n = mk_frame(buf, MYC_FT_DATA, 0, NULL, 0);
	n += myc_chunk_encode(buf + n, sizeof(buf) - n, &c, NULL);
	EXPECT_EQ(0, validate(buf, n));
	buf[MYC_HDR_LEN + 31] = 0;
	EXPECT_EQ(-MYC_WERR_FIELD, validate(buf, n));
	buf[MYC_HDR_LEN + 30] = 0x0f;
	buf[MYC_HDR_LEN + 31] = 0xff;	/* 4095 */
	EXPECT_EQ(0, validate(buf, n));
	buf[MYC_HDR_LEN + 30] = 0x10;
	buf[MYC_HDR_LEN + 31] = 0x00;	/* 4096 */
	EXPECT_EQ(-MYC_WERR_FIELD, validate(buf, n));
}

TEST(err_field_ack_probe)
{
	u8 buf[MYC_HDR_LEN + sizeof(gv_ack)];
	u8 probe[MYC_HDR_LEN + MYC_PROBE_LEN];

	mk_frame(buf, MYC_FT_ACK, 0, gv_ack, sizeof(gv_ack));
	buf[MYC_HDR_LEN + 19] = 1;	/* reserved */
	EXPECT_EQ(-MYC_WERR_FIELD, validate(buf, sizeof(buf)));
	mk_frame(buf, MYC_FT_ACK, 0, gv_ack, sizeof(gv_ack));
	buf[MYC_HDR_LEN + 23] = 100;	/* first range reaches 0 */
	EXPECT_EQ(-MYC_WERR_FIELD, validate(buf, sizeof(buf)));
	buf[MYC_HDR_LEN + 23] = 99;	/* down to 1: the next range breaks */
	EXPECT_EQ(-MYC_WERR_FIELD, validate(buf, sizeof(buf)));
	mk_frame(buf, MYC_FT_ACK, 0, gv_ack, sizeof(gv_ack));
	buf[MYC_HDR_LEN + 17] = MYC_ACK_MAX_RANGES + 1;
	EXPECT_EQ(-MYC_WERR_FIELD, validate(buf, sizeof(buf)));
	buf[MYC_HDR_LEN + 16] = 0xff;
	EXPECT_EQ(-MYC_WERR_FIELD, validate(buf, sizeof(buf)));
	mk_frame(buf, MYC_FT_ACK, 0, gv_ack, sizeof(gv_ack));
	buf[MYC_HDR_LEN + 39] = 80;	/* last range 80..0 */
	EXPECT_EQ(-MYC_WERR_FIELD, validate(buf, sizeof(buf)));
	buf[MYC_HDR_LEN + 39] = 79;	/* last range 80..1 */
	EXPECT_EQ(0, validate(buf, sizeof(buf)));

	mk_frame(probe, MYC_FT_PROBE, 0, gv_probe, MYC_PROBE_LEN);
	EXPECT_EQ(0, validate(probe, sizeof(probe)));
	probe[MYC_HDR_LEN + 4] = 1;	/* reserved */
	EXPECT_EQ(-MYC_WERR_FIELD, validate(probe, sizeof(probe)));
	probe[MYC_HDR_LEN + 1] = 0xff;
	EXPECT_EQ(-MYC_WERR_FIELD, validate(probe, sizeof(probe)));
}

TEST(err_trailing)
{
	u8 buf[MYC_HDR_LEN + sizeof(gv_ack) + 8];
	struct myc_probe p;
	size_t n;

	n = mk_frame(buf, MYC_FT_ACK, 0, gv_ack, sizeof(gv_ack));
	buf[n] = 0;
	EXPECT_EQ(-MYC_WERR_TRAILING, validate(buf, n + 1));
	/* n says 1 range, 2 are there */
	buf[MYC_HDR_LEN + 17] = 1;
	EXPECT_EQ(-MYC_WERR_TRAILING, validate(buf, n));
	EXPECT_EQ(-MYC_WERR_TRAILING, ack_err(buf + MYC_HDR_LEN, n - MYC_HDR_LEN));

	n = mk_frame(buf, MYC_FT_PROBE_REPLY, 0, gv_probe, MYC_PROBE_LEN);
	buf[n] = 0;
	EXPECT_EQ(-MYC_WERR_TRAILING, validate(buf, n + 1));
	EXPECT_EQ(-MYC_WERR_TRAILING,
		  myc_probe_decode(buf + MYC_HDR_LEN, MYC_PROBE_LEN + 1, &p));
}

TEST(err_header_on_encode)
{
	u8 buf[MYC_HDR_LEN];
	struct myc_hdr h;

	h = mk_hdr(MYC_FT_DATA, 0);
	EXPECT_EQ((size_t)MYC_HDR_LEN, myc_hdr_encode(buf, sizeof(buf), &h));
	h.version = 2;
	EXPECT_EQ(0U, myc_hdr_encode(buf, sizeof(buf), &h));
	h = mk_hdr(0, 0);
	EXPECT_EQ(0U, myc_hdr_encode(buf, sizeof(buf), &h));
	h = mk_hdr(__MYC_FT_MAX, 0);
	EXPECT_EQ(0U, myc_hdr_encode(buf, sizeof(buf), &h));
	h = mk_hdr(MYC_FT_DATA, 0x0040);
	EXPECT_EQ(0U, myc_hdr_encode(buf, sizeof(buf), &h));
	h = mk_hdr(MYC_FT_DATA, MYC_FF_ENCRYPTED | MYC_FF_AUTH);
	EXPECT_EQ(0U, myc_hdr_encode(buf, sizeof(buf), &h));
	h = mk_hdr(MYC_FT_DATA, MYC_FF_KEY_PHASE);
	EXPECT_EQ(0U, myc_hdr_encode(buf, sizeof(buf), &h));
	h = mk_hdr(MYC_FT_DATA, MYC_FF_AUTH | MYC_FF_PADDED);
	EXPECT_EQ(0U, myc_hdr_encode(buf, sizeof(buf), &h));
	h = mk_hdr(MYC_FT_HELLO, MYC_FF_COMPRESSED);
	EXPECT_EQ(0U, myc_hdr_encode(buf, sizeof(buf), &h));
	h = mk_hdr(MYC_FT_DATA, 0);
	h.src_node = 0;
	EXPECT_EQ(0U, myc_hdr_encode(buf, sizeof(buf), &h));
	h = mk_hdr(MYC_FT_DATA, 0);
	h.dst_node = 0;
	EXPECT_EQ(0U, myc_hdr_encode(buf, sizeof(buf), &h));
	h = mk_hdr(MYC_FT_DATA, 0);
	h.pn = 0;
	EXPECT_EQ(0U, myc_hdr_encode(buf, sizeof(buf), &h));
}

TEST(err_chunk_on_encode)
{
	u8 buf[256];
	struct myc_chunk c;

	c = mk_chunk(0, 1);
	EXPECT_EQ(0U, myc_chunk_encode(buf, sizeof(buf), &c, "x"));
	c = mk_chunk(__MYC_CK_MAX, 1);
	EXPECT_EQ(0U, myc_chunk_encode(buf, sizeof(buf), &c, "x"));
	c = mk_chunk(MYC_CK_MSG, 1);
	c.flags = 0x08;
	EXPECT_EQ(0U, myc_chunk_encode(buf, sizeof(buf), &c, "x"));
	c = mk_chunk(MYC_CK_MSG, 1);
	c.cls = MYC_CLASS_MAX + 1;
	EXPECT_EQ(0U, myc_chunk_encode(buf, sizeof(buf), &c, "x"));
	c = mk_chunk(MYC_CK_MSG, 1);
	c.guarantee = MYC_GUARANTEE_MAX + 1;
	EXPECT_EQ(0U, myc_chunk_encode(buf, sizeof(buf), &c, "x"));
	c = mk_chunk(MYC_CK_MSG, 1);
	c.priority = 8;
	EXPECT_EQ(0U, myc_chunk_encode(buf, sizeof(buf), &c, "x"));
	c = mk_chunk(MYC_CK_MSG, 1);
	c.msn = 0;
	EXPECT_EQ(0U, myc_chunk_encode(buf, sizeof(buf), &c, "x"));
	c = mk_chunk(MYC_CK_MSG, 1);
	c.offset = 1;
	EXPECT_EQ(0U, myc_chunk_encode(buf, sizeof(buf), &c, "x"));
	c = mk_chunk(MYC_CK_MSG, 1);
	c.total = MYC_MAX_MSG_SIZE + 1;
	EXPECT_EQ(0U, myc_chunk_encode(buf, sizeof(buf), &c, "x"));
	c = mk_chunk(MYC_CK_MSG, 1);
	c.aux = 1;
	EXPECT_EQ(0U, myc_chunk_encode(buf, sizeof(buf), &c, "x"));
	c = mk_chunk(MYC_CK_MSG, 1);
	EXPECT_EQ(0U, myc_chunk_encode(buf, sizeof(buf), &c, NULL));
	EXPECT_EQ(MYC_CHUNK_HDR_LEN + 1U,
		  myc_chunk_encode(buf, sizeof(buf), &c, "x"));
}

/* Truncation at every length */

/* Every proper prefix must fail with SHORT, read in an exact-size buffer. */
static int prefixes_short(const u8 *frame, size_t len,
			  const size_t *ok_at, size_t n_ok)
{
	size_t l, i;
	int err;

	for (l = 0; l < len; l++) {
		bool ok = false;

		for (i = 0; i < n_ok; i++)
			ok |= ok_at[i] == l;
		err = validate(frame, l);
		if (ok ? err != 0 : err != -MYC_WERR_SHORT)
			return (int)l + 1;
	}
	return validate(frame, len) ? -1 : 0;
}

TEST(truncation)
{
	static u8 buf[FRAME_MAX], data[65535];
	struct myc_chunk c;
	size_t n, ends[3];
	int i;

	EXPECT_EQ(0, prefixes_short(gv_data_frame,
				    sizeof(gv_data_frame), NULL, 0));
	n = mk_frame(buf, MYC_FT_ACK, 0, gv_ack, sizeof(gv_ack));
	EXPECT_EQ(0, prefixes_short(buf, n, NULL, 0));
	n = mk_frame(buf, MYC_FT_PROBE, 0, gv_probe, MYC_PROBE_LEN);
	EXPECT_EQ(0, prefixes_short(buf, n, NULL, 0));
	n = mk_frame(buf, MYC_FT_PROBE_REPLY, 0, gv_probe, MYC_PROBE_LEN);
	EXPECT_EQ(0, prefixes_short(buf, n, NULL, 0));
	n = mk_frame(buf, MYC_FT_HANDSHAKE, 0, "x", 1);
	EXPECT_EQ(0, prefixes_short(buf, n, NULL, 0));
	n = mk_frame(buf, MYC_FT_SPORE, 0, "xyz", 3);
	ends[0] = MYC_HDR_LEN + 1;
	ends[1] = MYC_HDR_LEN + 2;
	EXPECT_EQ(0, prefixes_short(buf, n, ends, 2));
	/* CLOSE is whole from the header on. */
	n = mk_frame(buf, MYC_FT_CLOSE, 0, NULL, 0);
	EXPECT_EQ(0, prefixes_short(buf, n, NULL, 0));
	n = mk_frame(buf, MYC_FT_HELLO, 0, gv_hello, sizeof(gv_hello));
	EXPECT_EQ(0, prefixes_short(buf, n, NULL, 0));

	/* A bundle of three is valid when cut between two chunks. */
	n = mk_frame(buf, MYC_FT_DATA, MYC_FF_ACK_ELICITING, NULL, 0);
	for (i = 0; i < 3; i++) {
		c = mk_chunk(MYC_CK_MSG, (u16)(i * 100));
		c.msn = (u64)i + 1;
		n += myc_chunk_encode(buf + n, sizeof(buf) - n, &c, data);
		ends[i] = n;
	}
	EXPECT_EQ(0, prefixes_short(buf, n, ends, 2));

	/* The biggest chunk */
	n = mk_frame(buf, MYC_FT_DATA, 0, NULL, 0);
	c = mk_chunk(MYC_CK_MSG, 65535);
	n += myc_chunk_encode(buf + n, sizeof(buf) - n, &c, data);
	EXPECT_EQ(0, prefixes_short(buf, n, NULL, 0));
}

/* Short output buffers */

/* Encoding into size bytes of a canary buffer: must write nothing. */
#define EXPECT_NO_WRITE(call, need)					\
	do {								\
		size_t _s;						\
		for (_s = 0; _s < (need); _s++) {			\
			memset(out, 0xa5, sizeof(out));			\
			EXPECT_EQ(0U, (call));				\
			EXPECT_EQ(0, memcmp(out, canary, sizeof(out)));	\
		}							\
		_s = (need);						\
		EXPECT_EQ((size_t)(need), (call));			\
	} while (0)

TEST(encode_too_small)
{
	struct myc_ack a = {
		.largest = 100, .nranges = 3,
		.ranges = { { 95, 100 }, { 90, 92 }, { 80, 80 } },
	};
	struct myc_probe p = { .path_id = 1, .seq = 2, .timestamp = 3 };
	struct myc_hdr h = mk_hdr(MYC_FT_DATA, 0);
	struct myc_chunk c = mk_chunk(MYC_CK_MSG, 5);
	u8 out[128], canary[128];

	memset(canary, 0xa5, sizeof(canary));
	EXPECT_NO_WRITE(myc_hdr_encode(out, _s, &h), MYC_HDR_LEN);
	EXPECT_NO_WRITE(myc_chunk_encode(out, _s, &c, "hello"),
			MYC_CHUNK_HDR_LEN + 5);
	EXPECT_NO_WRITE(myc_chunk_hdr_encode(out, _s, &c), MYC_CHUNK_HDR_LEN);
	EXPECT_NO_WRITE(myc_ack_encode(out, _s, &a), MYC_ACK_MIN_LEN + 16);
	EXPECT_NO_WRITE(myc_probe_encode(out, _s, &p), MYC_PROBE_LEN);
}

/* Every single-byte change of valid frames: no crash, exact errors
 * classes only, and whatever is accepted re-encodes identically.
 */
TEST(every_byte_every_value)
{
	static u8 frames[4][128];
	size_t lens[4], i, f;
	unsigned int v;
	int err, accepted = 0;

	memcpy(frames[0], gv_data_frame, sizeof(gv_data_frame));
	lens[0] = sizeof(gv_data_frame);
	lens[1] = mk_frame(frames[1], MYC_FT_ACK, 0, gv_ack,
			   sizeof(gv_ack));
	lens[2] = mk_frame(frames[2], MYC_FT_PROBE, 0, gv_probe,
			   MYC_PROBE_LEN);
	memcpy(frames[3], gv_hdr, MYC_HDR_LEN);
	memcpy(frames[3] + MYC_HDR_LEN, gv_frag, sizeof(gv_frag));
	lens[3] = MYC_HDR_LEN + sizeof(gv_frag);

	for (f = 0; f < 4; f++) {
		ASSERT_EQ(0, validate(frames[f], lens[f]));
		for (i = 0; i < lens[f]; i++) {
			u8 orig = frames[f][i];

			for (v = 0; v < 256; v++) {
				frames[f][i] = (u8)v;
				err = validate(frames[f], lens[f]);
				ASSERT_TRUE(err <= 0 && err > -__MYC_WERR_MAX);
				if (!err) {
					accepted++;
					ASSERT_EQ(0, reencode_cmp(frames[f],
								  lens[f]));
				}
			}
			frames[f][i] = orig;
		}
	}
	EXPECT_GT(accepted, 1000);
}

/* Write a chunk header as it is, valid or not (protocol.rst layout). */
static void myc_chunk_hdr_encode_raw(u8 *p, const struct myc_chunk *c)
{
	p[0] = c->kind;
	p[1] = c->flags;
	p[2] = c->cls;
	p[3] = (u8)(c->guarantee << 6 | c->priority);
	myc_put32(p + 4, c->src_port);
	myc_put32(p + 8, c->dst_id);
	myc_put64(p + 12, c->msn);
	myc_put32(p + 20, c->total);
	myc_put32(p + 24, c->offset);
	myc_put32(p + 28, c->aux);
	myc_put16(p + 32, c->len);
	myc_put16(p + 34, 0);
}

/* Spore chunks: their fixed fields, and each one out of line. */
TEST(spore_chunks)
{
	static u8 data[MYC_SPORE_MAX];
	u8 buf[MYC_CHUNK_HDR_LEN + 512];
	struct myc_chunk c, d;
	unsigned int k;
	size_t n, pos;

	for (k = MYC_CK_SPORE; k <= MYC_CK_SPORE_WANT; k++) {
		c = mk_chunk((u8)k, 64);
		n = myc_chunk_encode(buf, sizeof(buf), &c, data);
		ASSERT_EQ(MYC_CHUNK_HDR_LEN + 64U, n);
		pos = 0;
		ASSERT_EQ(1, myc_chunk_next(buf, n, &pos, &d));
		EXPECT_TRUE(chunk_eq(&c, &d));
		/* every guarantee and priority: the sender picks them */
		c.guarantee = MYC_GUARANTEE_GUARANTEED;
		c.priority = MYC_PRIORITY_MAX;
		EXPECT_NE(0U, myc_chunk_encode(buf, sizeof(buf), &c, data));
#define REFUSED(field, value, err)					\
		do {							\
			c = mk_chunk((u8)k, 64);			\
			c.field = value;				\
			EXPECT_EQ(0U, myc_chunk_encode(buf, sizeof(buf), &c, \
						       data));		\
			c = mk_chunk((u8)k, 64);			\
			myc_chunk_encode(buf, sizeof(buf), &c, data);	\
			c.field = value;				\
			myc_chunk_hdr_encode_raw(buf, &c);		\
			pos = 0;					\
			EXPECT_EQ(err, myc_chunk_next(buf, n, &pos, &d)) \
				TH_LOG("kind %u " #field, k);		\
		} while (0)
		REFUSED(cls, MYC_CLASS_SERVICE, -MYC_WERR_FIELD);
		REFUSED(src_port, 1, -MYC_WERR_FIELD);
		REFUSED(dst_id, 1, -MYC_WERR_FIELD);
		REFUSED(flags, MYC_CF_SERVICE, -MYC_WERR_FLAGS);
		REFUSED(aux, 1, -MYC_WERR_FIELD);
		if (k == MYC_CK_SPORE) {
			REFUSED(total, MYC_SPORE_MAX + 1, -MYC_WERR_FIELD);
		} else {
			REFUSED(total, 68, -MYC_WERR_FIELD);
			REFUSED(total, MYC_SPORE_SUM_MAX * 8 + 8,
				-MYC_WERR_FIELD);
		}
#undef REFUSED
	}
	/* the largest of each */
	c = mk_chunk(MYC_CK_SPORE, 64);
	c.total = MYC_SPORE_MAX;
	EXPECT_NE(0U, myc_chunk_encode(buf, sizeof(buf), &c, data));
	c = mk_chunk(MYC_CK_SPORE_SUMMARY, 64);
	c.total = MYC_SPORE_SUM_MAX * MYC_SPORE_SUM_LEN;
	EXPECT_NE(0U, myc_chunk_encode(buf, sizeof(buf), &c, data));
}

/* CONTACT: 4 bytes, a node type; to node 0 or a known one; never sealed. */
TEST(contact)
{
	struct myc_contact ct = { .type = MYC_NODE_HYPHAE }, d;
	u8 p[MYC_CONTACT_LEN + 1], buf[MYC_HDR_LEN + MYC_CONTACT_LEN + 1];
	struct myc_hdr h;
	size_t n;

	ASSERT_EQ((size_t)MYC_CONTACT_LEN, myc_contact_encode(p, sizeof(p), &ct));
	EXPECT_EQ(MYC_NODE_HYPHAE, p[0]);
	EXPECT_EQ(0, p[1] | p[2] | p[3]);
	ASSERT_EQ(0, myc_contact_decode(p, MYC_CONTACT_LEN, &d));
	EXPECT_EQ(MYC_NODE_HYPHAE, d.type);
	EXPECT_EQ(-MYC_WERR_SHORT, myc_contact_decode(p, 3, &d));
	EXPECT_EQ(-MYC_WERR_TRAILING, myc_contact_decode(p, 5, &d));
	p[0] = MYC_NODE_TYPE_MAX + 1;
	EXPECT_EQ(-MYC_WERR_FIELD, myc_contact_decode(p, 4, &d));
	p[0] = 0;
	p[1] = 1;
	EXPECT_EQ(-MYC_WERR_FIELD, myc_contact_decode(p, 4, &d));
	p[1] = 0;
	p[3] = 1;
	EXPECT_EQ(-MYC_WERR_FIELD, myc_contact_decode(p, 4, &d));
	ct.type = MYC_NODE_TYPE_MAX + 1;
	EXPECT_EQ(0U, myc_contact_encode(p, sizeof(p), &ct));
	ct.type = 0;
	EXPECT_EQ(0U, myc_contact_encode(p, 3, &ct));

	/* destination 0 is allowed for CONTACT only */
	ct.type = MYC_NODE_SCLEROTIA;
	myc_contact_encode(p, sizeof(p), &ct);
	h = mk_hdr(MYC_FT_CONTACT, 0);
	h.dst_node = 0;
	ASSERT_EQ((size_t)MYC_HDR_LEN, myc_hdr_encode(buf, sizeof(buf), &h));
	memcpy(buf + MYC_HDR_LEN, p, MYC_CONTACT_LEN);
	n = MYC_HDR_LEN + MYC_CONTACT_LEN;
	EXPECT_EQ(0, validate(buf, n));
	EXPECT_EQ(0, reencode_cmp(buf, n));
	EXPECT_EQ(-MYC_WERR_TRAILING, validate(buf, n + 1));
	buf[1] = MYC_FT_HELLO;
	EXPECT_EQ(-MYC_WERR_NODE, validate(buf, n));
	h = mk_hdr(MYC_FT_CONTACT, MYC_FF_AUTH);
	EXPECT_EQ(0U, myc_hdr_encode(buf, sizeof(buf), &h));
}

/* SVC_CHECK / SVC_STATUS: round trip, every field rule. */
TEST(svc)
{
	struct myc_svc v = { .id = 0xdeadbeef, .kind = MYC_ADDR_SERVICE,
			     .bound = 1, .seq = 0x0102030405060708ULL }, d;
	u8 buf[FRAME_MAX], pl[MYC_SVC_LEN + 1];
	size_t n;

	ASSERT_EQ((size_t)MYC_SVC_LEN, myc_svc_encode(pl, sizeof(pl), &v));
	ASSERT_EQ(0, myc_svc_decode(pl, MYC_SVC_LEN, false, &d));
	EXPECT_EQ(v.id, d.id);
	EXPECT_EQ(v.kind, d.kind);
	EXPECT_EQ(v.bound, d.bound);
	EXPECT_EQ(v.seq, d.seq);
	/* a check must not claim a socket is bound */
	EXPECT_EQ(-MYC_WERR_FIELD, myc_svc_decode(pl, MYC_SVC_LEN, true, &d));
	n = mk_frame(buf, MYC_FT_SVC_STATUS, 0, pl, MYC_SVC_LEN);
	EXPECT_EQ(0, validate(buf, n));
	EXPECT_EQ(0, reencode_cmp(buf, n));
	n = mk_frame(buf, MYC_FT_SVC_CHECK, 0, pl, MYC_SVC_LEN);
	EXPECT_EQ(-MYC_WERR_FIELD, validate(buf, n));
	EXPECT_EQ(-MYC_WERR_SHORT, myc_svc_decode(pl, MYC_SVC_LEN - 1, false,
						  &d));
	EXPECT_EQ(-MYC_WERR_TRAILING, myc_svc_decode(pl, MYC_SVC_LEN + 1,
						     false, &d));
	pl[4] = 3;		/* kind */
	EXPECT_EQ(-MYC_WERR_FIELD, myc_svc_decode(pl, MYC_SVC_LEN, false, &d));
	pl[4] = MYC_ADDR_PORT;
	pl[5] = 2;		/* bound */
	EXPECT_EQ(-MYC_WERR_FIELD, myc_svc_decode(pl, MYC_SVC_LEN, false, &d));
	pl[5] = 0;
	pl[7] = 1;		/* reserved */
	EXPECT_EQ(-MYC_WERR_FIELD, myc_svc_decode(pl, MYC_SVC_LEN, false, &d));
	pl[7] = 0;
	EXPECT_EQ(0, myc_svc_decode(pl, MYC_SVC_LEN, true, &d));
	/* the encoder writes nothing the decoder would refuse */
	v.kind = 0;
	EXPECT_EQ(0u, myc_svc_encode(pl, sizeof(pl), &v));
	v.kind = MYC_ADDR_PORT;
	EXPECT_EQ(0u, myc_svc_encode(pl, MYC_SVC_LEN - 1, &v));
}

TEST_HARNESS_MAIN
