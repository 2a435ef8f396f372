// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Mycelium wire format: encoder and decoder of the frames carried in UDP.
 *
 * Plain C shared by the kernel module and userspace (host unit tests, the
 * libFuzzer target, tools), so that the tests exercise the very code the
 * kernel runs.  Nothing here allocates, locks or calls anything but
 * memcpy/memset.  Every multi-byte field is read and written big-endian
 * with explicit byte shifts: no unaligned accesses, no dependency on the
 * host byte order.
 *
 * The decoders trust nothing: every length is checked before the bytes are
 * read, and every field is checked against wire.h and
 * Documentation/protocol.rst (the normative description).  The encoders
 * run the same checks on the structure they encode, so whatever they write
 * decodes back to the same structure, byte for byte.
 */
#include "wire.h"

#ifdef __KERNEL__
#include <uapi/linux/mycelium.h>
#else
#include <linux/mycelium.h>
#endif

/* Chunk byte 3: guarantee, reserved bits, priority. */
#define MYC_CHUNK_GUAR_SHIFT	6
#define MYC_CHUNK_RSVD_MASK	0x38
#define MYC_CHUNK_PRIO_MASK	0x07

/* A REJECT chunk's reason is a positive errno value, at most this. */
#define MYC_WIRE_MAX_ERRNO	4095

#define MYC_WIRE_U32_MAX	0xffffffffULL

/* Size of one additional ACK range on the wire: u32 gap, u32 range. */
#define MYC_ACK_RANGE_LEN	8

/*
 * Frame header
 */

static int myc_hdr_check(const struct myc_hdr *h)
{
	if (h->version != MYC_WIRE_VERSION)
		return -MYC_WERR_VERSION;
	if (h->type == 0 || h->type >= __MYC_FT_MAX)
		return -MYC_WERR_TYPE;
	if (h->flags & ~MYC_FF_KNOWN)
		return -MYC_WERR_FLAGS;
	/* one seal at most; phase and padding only on sealed frames */
	if ((h->flags & MYC_FF_SEALED) == MYC_FF_SEALED)
		return -MYC_WERR_FLAGS;
	if ((h->flags & MYC_FF_KEY_PHASE) && !(h->flags & MYC_FF_SEALED))
		return -MYC_WERR_FLAGS;
	if ((h->flags & MYC_FF_PADDED) && !(h->flags & MYC_FF_ENCRYPTED))
		return -MYC_WERR_FLAGS;
	/* the frames that set keys up are never sealed nor compressed */
	if ((h->type == MYC_FT_HELLO || h->type == MYC_FT_HANDSHAKE ||
	     h->type == MYC_FT_CONTACT) &&
	    (h->flags & MYC_FF_TRANSFORMS))
		return -MYC_WERR_FLAGS;
	/* An ACK is never acknowledged itself: that would never end. */
	if (h->type == MYC_FT_ACK && (h->flags & MYC_FF_ACK_ELICITING))
		return -MYC_WERR_FLAGS;
	/* a CONTACT may go to a node whose id the sender does not know */
	if (!h->src_node || (!h->dst_node && h->type != MYC_FT_CONTACT))
		return -MYC_WERR_NODE;
	if (!h->pn)
		return -MYC_WERR_PN;
	return 0;
}

size_t myc_hdr_encode(u8 *buf, size_t size, const struct myc_hdr *h)
{
	if (size < MYC_HDR_LEN || myc_hdr_check(h))
		return 0;
	buf[0] = h->version;
	buf[1] = h->type;
	myc_put16(buf + 2, h->flags);
	myc_put64(buf + 4, h->src_node);
	myc_put64(buf + 12, h->dst_node);
	myc_put64(buf + 20, h->pn);
	return MYC_HDR_LEN;
}

int myc_hdr_decode(const u8 *buf, size_t len, struct myc_hdr *h)
{
	/*
	 * The version comes first, so that a frame of another version is
	 * counted as such whatever its length.
	 */
	if (len < 1)
		return -MYC_WERR_SHORT;
	if (buf[0] != MYC_WIRE_VERSION)
		return -MYC_WERR_VERSION;
	if (len < MYC_HDR_LEN)
		return -MYC_WERR_SHORT;
	h->version = buf[0];
	h->type = buf[1];
	h->flags = myc_get16(buf + 2);
	h->src_node = myc_get64(buf + 4);
	h->dst_node = myc_get64(buf + 12);
	h->pn = myc_get64(buf + 20);
	return myc_hdr_check(h);
}

/*
 * Chunks
 */

static int myc_chunk_check(const struct myc_chunk *c)
{
	if (c->kind == 0 || c->kind >= __MYC_CK_MAX)
		return -MYC_WERR_TYPE;
	if (c->flags & ~MYC_CF_KNOWN)
		return -MYC_WERR_FLAGS;
	if (c->cls > MYC_CLASS_MAX || c->guarantee > MYC_GUARANTEE_MAX ||
	    c->priority > MYC_PRIORITY_MAX)
		return -MYC_WERR_FIELD;
	if (!c->msn)
		return -MYC_WERR_FIELD;
	if (c->total > MYC_MAX_MSG_SIZE || c->offset > c->total ||
	    c->len > c->total - c->offset)
		return -MYC_WERR_FIELD;
	/* Only a zero-length message has an empty chunk. */
	if (!c->len && c->total)
		return -MYC_WERR_FIELD;
	switch (c->kind) {
	case MYC_CK_REJECT:
		if (!c->aux || c->aux > MYC_WIRE_MAX_ERRNO)
			return -MYC_WERR_FIELD;
		break;
	case MYC_CK_CONN_RST:	/* 0: closed, else reset */
		if (c->aux > MYC_WIRE_MAX_ERRNO)
			return -MYC_WERR_FIELD;
		break;
	case MYC_CK_CREDIT:
		break;
	case MYC_CK_SKIP:
		if (c->total || c->aux)
			return -MYC_WERR_FIELD;
		break;
	case MYC_CK_SPORE:
	case MYC_CK_SPORE_SUMMARY:
	case MYC_CK_SPORE_WANT:
		if (c->flags)
			return -MYC_WERR_FLAGS;
		if (c->cls != MYC_CLASS_SPORE || c->src_port || c->dst_id ||
		    c->aux || !c->total)
			return -MYC_WERR_FIELD;
		if (c->kind == MYC_CK_SPORE ? c->total > MYC_SPORE_MAX :
		    c->total % MYC_SPORE_SUM_LEN ||
		    c->total > MYC_SPORE_SUM_MAX * MYC_SPORE_SUM_LEN)
			return -MYC_WERR_FIELD;
		break;
	default:
		if (c->aux)
			return -MYC_WERR_FIELD;
		break;
	}
	return 0;
}

size_t myc_chunk_hdr_encode(u8 *buf, size_t size, const struct myc_chunk *c)
{
	if (size < MYC_CHUNK_HDR_LEN || myc_chunk_check(c))
		return 0;
	buf[0] = c->kind;
	buf[1] = c->flags;
	buf[2] = c->cls;
	buf[3] = (u8)(c->guarantee << MYC_CHUNK_GUAR_SHIFT | c->priority);
	myc_put32(buf + 4, c->src_port);
	myc_put32(buf + 8, c->dst_id);
	myc_put64(buf + 12, c->msn);
	myc_put32(buf + 20, c->total);
	myc_put32(buf + 24, c->offset);
	myc_put32(buf + 28, c->aux);
	myc_put16(buf + 32, c->len);
	myc_put16(buf + 34, 0);
	return MYC_CHUNK_HDR_LEN;
}

size_t myc_chunk_encode(u8 *buf, size_t size, const struct myc_chunk *c,
			const void *data)
{
	if (size < MYC_CHUNK_HDR_LEN || size - MYC_CHUNK_HDR_LEN < c->len)
		return 0;
	if (c->len && !data)
		return 0;
	if (!myc_chunk_hdr_encode(buf, size, c))
		return 0;
	if (c->len)
		memcpy(buf + MYC_CHUNK_HDR_LEN, data, c->len);
	return MYC_CHUNK_HDR_LEN + (size_t)c->len;
}

int myc_chunk_next(const u8 *payload, size_t len, size_t *pos,
		   struct myc_chunk *c)
{
	const u8 *p;
	size_t left;
	int err;

	if (*pos == len)
		return 0;
	if (*pos > len)
		return -MYC_WERR_SHORT;
	left = len - *pos;
	/* Bytes after the last chunk are a truncated chunk. */
	if (left < MYC_CHUNK_HDR_LEN)
		return -MYC_WERR_SHORT;
	p = payload + *pos;
	c->kind = p[0];
	c->flags = p[1];
	c->cls = p[2];
	c->guarantee = p[3] >> MYC_CHUNK_GUAR_SHIFT;
	c->priority = p[3] & MYC_CHUNK_PRIO_MASK;
	c->src_port = myc_get32(p + 4);
	c->dst_id = myc_get32(p + 8);
	c->msn = myc_get64(p + 12);
	c->total = myc_get32(p + 20);
	c->offset = myc_get32(p + 24);
	c->aux = myc_get32(p + 28);
	c->len = myc_get16(p + 32);
	c->data = p + MYC_CHUNK_HDR_LEN;
	err = myc_chunk_check(c);
	if (err)
		return err;
	if ((p[3] & MYC_CHUNK_RSVD_MASK) || myc_get16(p + 34))
		return -MYC_WERR_FIELD;
	if (c->len > left - MYC_CHUNK_HDR_LEN)
		return -MYC_WERR_SHORT;
	*pos += MYC_CHUNK_HDR_LEN + (size_t)c->len;
	return 1;
}

/*
 * ACK
 */

size_t myc_ack_encode(u8 *buf, size_t size, const struct myc_ack *a)
{
	const struct myc_ack_range *r = a->ranges;
	size_t need;
	u64 gap, range;
	u16 i;

	if (!a->nranges || a->nranges > MYC_ACK_MAX_RANGES + 1)
		return 0;
	need = MYC_ACK_MIN_LEN + (size_t)(a->nranges - 1) * MYC_ACK_RANGE_LEN;
	if (size < need)
		return 0;
	if (!a->largest || r[0].hi != a->largest || !r[0].lo ||
	    r[0].lo > r[0].hi || r[0].hi - r[0].lo > MYC_WIRE_U32_MAX)
		return 0;
	myc_put64(buf, a->largest);
	myc_put32(buf + 8, a->delay_us);
	myc_put32(buf + 12, a->window);
	myc_put16(buf + 16, a->nranges - 1);
	myc_put16(buf + 18, 0);
	myc_put32(buf + 20, (u32)(r[0].hi - r[0].lo));
	for (i = 1; i < a->nranges; i++) {
		/* At least one missing packet between two ranges. */
		if (!r[i].lo || r[i].lo > r[i].hi || r[i - 1].lo < 2 ||
		    r[i].hi > r[i - 1].lo - 2)
			return 0;
		gap = r[i - 1].lo - r[i].hi - 2;
		range = r[i].hi - r[i].lo;
		if (gap > MYC_WIRE_U32_MAX || range > MYC_WIRE_U32_MAX)
			return 0;
		myc_put32(buf + MYC_ACK_MIN_LEN + (i - 1) * MYC_ACK_RANGE_LEN,
			  (u32)gap);
		myc_put32(buf + MYC_ACK_MIN_LEN + (i - 1) * MYC_ACK_RANGE_LEN + 4,
			  (u32)range);
	}
	return need;
}

/* Validates an ACK payload; fills *a unless it is NULL. */
static int myc_ack_parse(const u8 *p, size_t len, struct myc_ack *a)
{
	u64 largest, lo, hi;
	u32 first, gap, range;
	size_t need;
	u16 n, i;

	if (len < MYC_ACK_MIN_LEN)
		return -MYC_WERR_SHORT;
	largest = myc_get64(p);
	n = myc_get16(p + 16);
	first = myc_get32(p + 20);
	if (!largest)
		return -MYC_WERR_PN;
	if (n > MYC_ACK_MAX_RANGES || myc_get16(p + 18) || first >= largest)
		return -MYC_WERR_FIELD;
	need = MYC_ACK_MIN_LEN + (size_t)n * MYC_ACK_RANGE_LEN;
	if (len < need)
		return -MYC_WERR_SHORT;
	if (len > need)
		return -MYC_WERR_TRAILING;
	hi = largest;
	lo = largest - first;
	if (a) {
		a->largest = largest;
		a->delay_us = myc_get32(p + 8);
		a->window = myc_get32(p + 12);
		a->ranges[0].lo = lo;
		a->ranges[0].hi = hi;
	}
	for (i = 0; i < n; i++) {
		gap = myc_get32(p + MYC_ACK_MIN_LEN + i * MYC_ACK_RANGE_LEN);
		range = myc_get32(p + MYC_ACK_MIN_LEN + i * MYC_ACK_RANGE_LEN + 4);
		/* The range is lo-gap-2-range .. lo-gap-2; it must stay >= 1. */
		if (lo <= (u64)gap + range + 2)
			return -MYC_WERR_FIELD;
		hi = lo - gap - 2;
		lo = hi - range;
		if (a) {
			a->ranges[i + 1].lo = lo;
			a->ranges[i + 1].hi = hi;
		}
	}
	if (a)
		a->nranges = n + 1;
	return 0;
}

int myc_ack_decode(const u8 *payload, size_t len, struct myc_ack *a)
{
	return myc_ack_parse(payload, len, a);
}

/*
 * PROBE and PROBE_REPLY
 */

size_t myc_probe_encode(u8 *buf, size_t size, const struct myc_probe *p)
{
	if (size < MYC_PROBE_LEN)
		return 0;
	myc_put32(buf, p->path_id);
	myc_put32(buf + 4, 0);
	myc_put64(buf + 8, p->seq);
	myc_put64(buf + 16, p->timestamp);
	return MYC_PROBE_LEN;
}

static int myc_probe_check(const u8 *payload, size_t len)
{
	if (len < MYC_PROBE_LEN)
		return -MYC_WERR_SHORT;
	if (len > MYC_PROBE_LEN)
		return -MYC_WERR_TRAILING;
	if (myc_get32(payload + 4))
		return -MYC_WERR_FIELD;
	return 0;
}

int myc_probe_decode(const u8 *payload, size_t len, struct myc_probe *p)
{
	int err = myc_probe_check(payload, len);

	if (err)
		return err;
	p->path_id = myc_get32(payload);
	p->seq = myc_get64(payload + 8);
	p->timestamp = myc_get64(payload + 16);
	return 0;
}

/*
 * SVC_CHECK and SVC_STATUS
 */

static bool myc_svc_ok(const struct myc_svc *v, bool check)
{
	return (v->kind == MYC_ADDR_PORT || v->kind == MYC_ADDR_SERVICE) &&
	       v->bound <= (check ? 0 : 1);
}

size_t myc_svc_encode(u8 *buf, size_t size, const struct myc_svc *v)
{
	if (size < MYC_SVC_LEN || !myc_svc_ok(v, false))
		return 0;
	myc_put32(buf, v->id);
	buf[4] = v->kind;
	buf[5] = v->bound;
	buf[6] = 0;
	buf[7] = 0;
	myc_put64(buf + 8, v->seq);
	return MYC_SVC_LEN;
}

int myc_svc_decode(const u8 *payload, size_t len, bool check,
		   struct myc_svc *v)
{
	struct myc_svc tmp;

	if (!v)
		v = &tmp;
	if (len < MYC_SVC_LEN)
		return -MYC_WERR_SHORT;
	if (len > MYC_SVC_LEN)
		return -MYC_WERR_TRAILING;
	v->id = myc_get32(payload);
	v->kind = payload[4];
	v->bound = payload[5];
	v->seq = myc_get64(payload + 8);
	if (payload[6] || payload[7] || !myc_svc_ok(v, check))
		return -MYC_WERR_FIELD;
	return 0;
}

/*
 * HELLO
 */

static bool myc_hello_ok(const struct myc_hello *h)
{
	return !(h->flags & ~MYC_HELLO_FLAGS) &&
	       h->type <= MYC_NODE_TYPE_MAX &&
	       h->profile <= MYC_PROFILE_MAX &&
	       h->enc <= MYC_ENC_MAX &&
	       h->comp <= MYC_COMP_HIGH &&
	       h->rel <= MYC_GUARANTEE_MAX &&
	       !(h->enc_caps & ~((1u << (MYC_ENC_MAX + 1)) - 1)) &&
	       (h->enc_caps & (1u << MYC_ENC_MINIMAL)) &&
	       !(h->comp_caps & ~((1u << (MYC_COMP_HIGH + 1)) - 1)) &&
	       (h->comp_caps & (1u << MYC_COMP_NONE)) &&
	       h->mtu >= MYC_HELLO_MIN_MTU && h->max_msg;
}

size_t myc_hello_encode(u8 *buf, size_t size, const struct myc_hello *h)
{
	if (size < MYC_HELLO_LEN || h->version != MYC_HELLO_VERSION ||
	    !myc_hello_ok(h))
		return 0;
	buf[0] = h->version;
	buf[1] = h->flags;
	buf[2] = h->type;
	buf[3] = h->profile;
	buf[4] = h->enc;
	buf[5] = h->comp;
	buf[6] = h->rel;
	buf[7] = h->enc_caps;
	buf[8] = h->comp_caps;
	buf[9] = 0;
	myc_put16(buf + 10, h->mtu);
	myc_put32(buf + 12, h->max_msg);
	myc_put32(buf + 16, h->instance);
	return MYC_HELLO_LEN;
}

int myc_hello_decode(const u8 *payload, size_t len, struct myc_hello *h)
{
	struct myc_hello tmp;

	if (!h)
		h = &tmp;
	if (len < 1)
		return -MYC_WERR_SHORT;
	if (payload[0] != MYC_HELLO_VERSION)
		return -MYC_WERR_VERSION;
	if (len < MYC_HELLO_LEN)
		return -MYC_WERR_SHORT;
	if (len > MYC_HELLO_LEN)
		return -MYC_WERR_TRAILING;
	memset(h, 0, sizeof(*h));	/* the padding too: HELLOs are memcmp'd */
	h->version = payload[0];
	h->flags = payload[1];
	h->type = payload[2];
	h->profile = payload[3];
	h->enc = payload[4];
	h->comp = payload[5];
	h->rel = payload[6];
	h->enc_caps = payload[7];
	h->comp_caps = payload[8];
	h->mtu = myc_get16(payload + 10);
	h->max_msg = myc_get32(payload + 12);
	h->instance = myc_get32(payload + 16);
	if (payload[9] || !myc_hello_ok(h))
		return -MYC_WERR_FIELD;
	return 0;
}

/*
 * Compressed payload header
 */

static bool myc_comp_ok(const struct myc_comp *c)
{
	return c->method >= MYC_COMP_LOW && c->method <= MYC_COMP_HIGH &&
	       c->len;
}

size_t myc_comp_encode(u8 *buf, size_t size, const struct myc_comp *c)
{
	if (size < MYC_COMP_HDR_LEN || !myc_comp_ok(c))
		return 0;
	buf[0] = c->method;
	buf[1] = 0;
	myc_put16(buf + 2, c->len);
	return MYC_COMP_HDR_LEN;
}

int myc_comp_decode(const u8 *payload, size_t len, struct myc_comp *c)
{
	if (len < MYC_COMP_HDR_LEN + 1)
		return -MYC_WERR_SHORT;
	c->method = payload[0];
	c->len = myc_get16(payload + 2);
	if (payload[1] || !myc_comp_ok(c))
		return -MYC_WERR_FIELD;
	return 0;
}

/*
 * CONTACT
 */

size_t myc_contact_encode(u8 *buf, size_t size, const struct myc_contact *c)
{
	if (size < MYC_CONTACT_LEN || c->type > MYC_NODE_TYPE_MAX)
		return 0;
	buf[0] = c->type;
	buf[1] = 0;
	myc_put16(buf + 2, 0);
	return MYC_CONTACT_LEN;
}

int myc_contact_decode(const u8 *payload, size_t len, struct myc_contact *c)
{
	if (len < MYC_CONTACT_LEN)
		return -MYC_WERR_SHORT;
	if (len > MYC_CONTACT_LEN)
		return -MYC_WERR_TRAILING;
	if (payload[0] > MYC_NODE_TYPE_MAX || payload[1] || myc_get16(payload + 2))
		return -MYC_WERR_FIELD;
	if (c)
		c->type = payload[0];
	return 0;
}

/*
 * Whole frame
 */

int myc_frame_validate(const u8 *buf, size_t len)
{
	struct myc_chunk c;
	struct myc_hdr h;
	const u8 *payload;
	size_t plen, pos = 0;
	int err;

	err = myc_hdr_decode(buf, len, &h);
	if (err)
		return err;
	payload = buf + MYC_HDR_LEN;
	plen = len - MYC_HDR_LEN;

	/* A sealed or compressed payload is checked once it is undone. */
	if ((h.flags & MYC_FF_SEALED) && plen < MYC_TAG_LEN)
		return -MYC_WERR_SHORT;
	if (h.flags & (MYC_FF_SEALED | MYC_FF_COMPRESSED))
		return 0;

	switch (h.type) {
	case MYC_FT_DATA:
		if (!plen)
			return -MYC_WERR_SHORT;	/* at least one chunk */
		do {
			err = myc_chunk_next(payload, plen, &pos, &c);
		} while (err > 0);
		return err;
	case MYC_FT_ACK:
		return myc_ack_parse(payload, plen, NULL);
	case MYC_FT_PROBE:
	case MYC_FT_PROBE_REPLY:
		return myc_probe_check(payload, plen);
	case MYC_FT_SVC_CHECK:
	case MYC_FT_SVC_STATUS:
		return myc_svc_decode(payload, plen, h.type == MYC_FT_SVC_CHECK,
				      NULL);
	case MYC_FT_HELLO:
		return myc_hello_decode(payload, plen, NULL);
	case MYC_FT_HANDSHAKE:
	case MYC_FT_SPORE:
		/* Opaque, for myceliumd: never empty. */
		return plen ? 0 : -MYC_WERR_SHORT;
	case MYC_FT_CONTACT:
		return myc_contact_decode(payload, plen, NULL);
	default:
		/* CLOSE: opaque, any length (also empty). */
		return 0;
	}
}
