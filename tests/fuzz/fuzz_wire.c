// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for the frame codec (kmod/wire.c) and the spore codec
 * (kmod/spore_codec.c), the code the module runs.  For every input:
 *   - myc_frame_validate() must return 0 or a known -MYC_WERR_*;
 *   - if it accepts the frame, every element is decoded and re-encoded, and
 *     the re-encoding must be byte-identical to the input;
 *   - the element decoders also run on the raw input (as a DATA, ACK and
 *     PROBE payload, a spore and a membership payload), and whatever they
 *     accept must re-encode identically.
 * Any violation abort()s, which libFuzzer reports as a crash.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "spore_codec.h"
#include "wire.h"

#define OUT_MAX		(1 << 20)

static u8 out[OUT_MAX];

#define CHECK(cond) do {						\
	if (!(cond)) {							\
		fprintf(stderr, "fuzz_wire: %s:%d: %s\n",		\
			__FILE__, __LINE__, #cond);			\
		abort();						\
	}								\
} while (0)

static void check_err(int err)
{
	CHECK(err <= 0 && err > -__MYC_WERR_MAX);
}

/* Chunks of a DATA payload: re-encodes what decodes; returns the error. */
static int chunks(const u8 *p, size_t len, size_t *end)
{
	struct myc_chunk c;
	size_t pos = 0, n = 0, w;
	int err;

	while ((err = myc_chunk_next(p, len, &pos, &c)) > 0) {
		CHECK(err == 1);
		CHECK(pos <= len && pos == n + MYC_CHUNK_HDR_LEN + c.len);
		CHECK(c.data == p + n + MYC_CHUNK_HDR_LEN);
		w = myc_chunk_encode(out, OUT_MAX, &c, c.data);
		CHECK(w == MYC_CHUNK_HDR_LEN + (size_t)c.len);
		CHECK(!memcmp(out, p + n, w));
		CHECK(myc_chunk_hdr_encode(out, OUT_MAX, &c) ==
		      MYC_CHUNK_HDR_LEN);
		n = pos;
	}
	check_err(err);
	CHECK(pos == n);	/* not advanced on error or at the end */
	*end = pos;
	return err;
}

static int ack(const u8 *p, size_t len)
{
	static struct myc_ack a;
	int err = myc_ack_decode(p, len, &a);
	size_t w;
	int i;

	check_err(err);
	if (err)
		return err;
	CHECK(a.nranges >= 1 && a.nranges <= MYC_ACK_MAX_RANGES + 1);
	CHECK(a.ranges[0].hi == a.largest);
	for (i = 0; i < a.nranges; i++) {
		CHECK(a.ranges[i].lo >= 1 && a.ranges[i].lo <= a.ranges[i].hi);
		if (i)
			CHECK(a.ranges[i].hi + 1 < a.ranges[i - 1].lo);
	}
	w = myc_ack_encode(out, OUT_MAX, &a);
	CHECK(w == len && !memcmp(out, p, len));
	return 0;
}

static int probe(const u8 *p, size_t len)
{
	struct myc_probe pr;
	int err = myc_probe_decode(p, len, &pr);

	check_err(err);
	if (err)
		return err;
	CHECK(myc_probe_encode(out, OUT_MAX, &pr) == len);
	CHECK(!memcmp(out, p, len));
	return 0;
}

static int svc(const u8 *p, size_t len, bool check)
{
	struct myc_svc v;
	int err = myc_svc_decode(p, len, check, &v);

	check_err(err);
	if (err)
		return err;
	CHECK(!check || !v.bound);
	CHECK(myc_svc_encode(out, OUT_MAX, &v) == len);
	CHECK(!memcmp(out, p, len));
	return 0;
}

static int comp(const u8 *p, size_t len)
{
	struct myc_comp c;
	int err = myc_comp_decode(p, len, &c);

	check_err(err);
	if (err)
		return err;
	CHECK(len > MYC_COMP_HDR_LEN && c.len > 0);
	CHECK(myc_comp_encode(out, OUT_MAX, &c) == MYC_COMP_HDR_LEN);
	CHECK(!memcmp(out, p, MYC_COMP_HDR_LEN));
	return 0;
}

static int hello(const u8 *p, size_t len)
{
	struct myc_hello hl;
	int err = myc_hello_decode(p, len, &hl);

	check_err(err);
	if (err)
		return err;
	CHECK(myc_hello_encode(out, OUT_MAX, &hl) == len);
	CHECK(!memcmp(out, p, len));
	return 0;
}

static int contact(const u8 *p, size_t len)
{
	struct myc_contact c;
	int err = myc_contact_decode(p, len, &c);

	check_err(err);
	if (err)
		return err;
	CHECK(myc_contact_encode(out, OUT_MAX, &c) == len);
	CHECK(!memcmp(out, p, len));
	return 0;
}

static void check_serr(int err)
{
	CHECK(err <= 0 && err > -__MYC_SERR_MAX);
}

static void member(const u8 *p, size_t len)
{
	struct myc_member m;
	const char *why = NULL;
	int err = myc_member_decode(p, len, &m, &why);

	check_serr(err);
	CHECK(!err == !why);
	if (err)
		return;
	CHECK(myc_member_encode(out, OUT_MAX, &m) == len);
	CHECK(!memcmp(out, p, len));
}

static void spore(const u8 *p, size_t len)
{
	struct myc_spore s;
	const char *why = NULL;
	int err = myc_spore_decode(p, len, &s, &why);

	check_serr(err);
	CHECK(!err == !why);
	if (err)
		return;
	CHECK(s.len == len && s.sig == p + len - MYC_SPORE_SIG_LEN);
	CHECK(myc_spore_encode(out, OUT_MAX, &s) == len);
	/* the encoder leaves the signature to the signer */
	CHECK(!memcmp(out, p, myc_spore_signed_len(&s)));
	if (s.kind == MYC_SPORE_KIND_MEMBERSHIP)
		member(s.payload, s.payload_len);
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	const u8 *payload;
	struct myc_hdr h;
	size_t plen, end;
	int err, herr;

	if (size > OUT_MAX)
		return 0;

	/* The element decoders on their own, on arbitrary bytes. */
	chunks(data, size, &end);
	ack(data, size);
	probe(data, size);
	hello(data, size);
	comp(data, size);
	contact(data, size);
	spore(data, size);
	member(data, size);

	err = myc_frame_validate(data, size);
	check_err(err);
	herr = myc_hdr_decode(data, size, &h);
	check_err(herr);
	if (herr) {
		CHECK(err == herr);	/* header errors come first */
		return 0;
	}
	CHECK(myc_hdr_encode(out, OUT_MAX, &h) == MYC_HDR_LEN);
	CHECK(!memcmp(out, data, MYC_HDR_LEN));
	if (err)
		return 0;

	/* A valid frame: every element must decode and re-encode. */
	payload = data + MYC_HDR_LEN;
	plen = size - MYC_HDR_LEN;
	if (h.flags & (MYC_FF_SEALED | MYC_FF_COMPRESSED)) {
		CHECK(h.type != MYC_FT_HELLO && h.type != MYC_FT_HANDSHAKE &&
		      h.type != MYC_FT_CONTACT);
		CHECK(!(h.flags & MYC_FF_SEALED) || plen >= MYC_TAG_LEN);
		return 0;	/* opaque */
	}
	switch (h.type) {
	case MYC_FT_DATA:
		CHECK(plen > 0);
		CHECK(chunks(payload, plen, &end) == 0 && end == plen);
		break;
	case MYC_FT_ACK:
		CHECK(!(h.flags & MYC_FF_ACK_ELICITING));
		CHECK(ack(payload, plen) == 0);
		break;
	case MYC_FT_PROBE:
	case MYC_FT_PROBE_REPLY:
		CHECK(probe(payload, plen) == 0);
		break;
	case MYC_FT_SVC_CHECK:
	case MYC_FT_SVC_STATUS:
		CHECK(svc(payload, plen, h.type == MYC_FT_SVC_CHECK) == 0);
		break;
	case MYC_FT_HANDSHAKE:
	case MYC_FT_SPORE:
		CHECK(plen > 0);
		break;
	case MYC_FT_HELLO:
		CHECK(hello(payload, plen) == 0);
		break;
	case MYC_FT_CONTACT:
		CHECK(contact(payload, plen) == 0);
		break;
	case MYC_FT_CLOSE:
		break;
	default:
		CHECK(0);	/* the header decoder let an unknown type in */
	}
	return 0;
}
