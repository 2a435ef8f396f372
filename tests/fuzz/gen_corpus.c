// SPDX-License-Identifier: GPL-2.0
/*
 * Writes the fuzzer's seed corpus: a few valid frames of every type, built
 * with the codec's own encoders, one file each, into the directory given.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "spore_codec.h"
#include "wire.h"
#include <linux/mycelium.h>

static u8 buf[4096];
static const char *dir;

static size_t hdr(u8 type, u16 flags, u64 pn)
{
	struct myc_hdr h = {
		.version = MYC_WIRE_VERSION,
		.type = type,
		.flags = flags,
		.src_node = 0x1111222233334444ULL,
		.dst_node = 2,
		.pn = pn,
	};

	return myc_hdr_encode(buf, sizeof(buf), &h);
}

static size_t chunk(size_t n, u8 kind, u8 flags, u64 msn, u32 total,
		    u32 offset, u16 len, u32 aux)
{
	static const char text[] = "the quick brown fox jumps over the lazy dog";
	struct myc_chunk c = {
		.kind = kind,
		.flags = flags,
		.cls = (u8)(msn % (MYC_CLASS_MAX + 1)),
		.guarantee = (u8)(msn % (MYC_GUARANTEE_MAX + 1)),
		.priority = (u8)(msn % 8),
		.src_port = 1024 + (u32)msn,
		.dst_id = 80,
		.msn = msn,
		.total = total,
		.offset = offset,
		.aux = aux,
		.len = len,
	};
	size_t w = len <= sizeof(text) ?
		   myc_chunk_encode(buf + n, sizeof(buf) - n, &c, text) : 0;

	if (!w) {
		fprintf(stderr, "gen_corpus: %s: encoding failed\n", __func__);
		exit(1);
	}
	return n + w;
}

/* A seed that is not a frame (a spore): written as it is. */
static void put_raw(const char *name, const u8 *p, size_t len)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	if (!f || fwrite(p, 1, len, f) != len || fclose(f)) {
		perror(path);
		exit(1);
	}
}

/* A membership spore and a data spore (zero certificate and signature). */
static void spores(void)
{
	static const u8 cert[MYC_SPORE_CERT_LEN];
	struct myc_member m = {
		.node = 0xb, .type = MYC_NODE_HYPHAE, .nr_addrs = 2,
		.port = 6920,
		.addr = { { 4, { 10, 0, 0, 2 } }, { 6, { 0xfd, [15] = 2 } } },
	};
	u8 id[MYC_SPORE_MEMBER_ID_LEN], payload[256], out[MYC_SPORE_MAX];
	struct myc_spore s = {
		.type = MYC_SPORE_LATENT, .kind = MYC_SPORE_KIND_MEMBERSHIP,
		.id_len = sizeof(id), .origin = 0xb, .version = 1,
		.timestamp_ms = 1764000000000ULL, .ttl_s = 300,
		.id = id, .payload = payload, .cert = cert,
	};
	size_t n;

	myc_spore_member_id(id, 0xb);
	s.payload_len = (u16)myc_member_encode(payload, sizeof(payload), &m);
	n = myc_spore_encode(out, sizeof(out), &s);
	if (!s.payload_len || !n) {
		fprintf(stderr, "gen_corpus: spore encoding failed\n");
		exit(1);
	}
	put_raw("spore-membership", out, n);
	put_raw("membership", payload, s.payload_len);
	s.type = MYC_SPORE_PRIMARY;
	s.kind = MYC_SPORE_KIND_DATA;
	s.id = (const u8 *)"app/x";
	s.id_len = 5;
	s.payload = (const u8 *)"hello";
	s.payload_len = 5;
	s.ttl_s = 3600;
	n = myc_spore_encode(out, sizeof(out), &s);
	if (!n) {
		fprintf(stderr, "gen_corpus: spore encoding failed\n");
		exit(1);
	}
	put_raw("spore-data", out, n);
}

/* A spore chunk of kind: class spore, ports 0, len bytes (all of it). */
static size_t spore_chunk(size_t n, u8 kind, u16 len)
{
	static const u8 zeros[512];
	struct myc_chunk c = {
		.kind = kind, .cls = MYC_CLASS_SPORE,
		.guarantee = MYC_GUARANTEE_HIGH, .priority = 4,
		.msn = 40 + kind, .total = len, .len = len,
	};
	size_t w = myc_chunk_encode(buf + n, sizeof(buf) - n, &c, zeros);

	if (!w) {
		fprintf(stderr, "gen_corpus: %s: encoding failed\n", __func__);
		exit(1);
	}
	return n + w;
}

static void put(const char *name, size_t len)
{
	char path[4096];
	FILE *f;

	if (!len || myc_frame_validate(buf, len)) {
		fprintf(stderr, "gen_corpus: %s is not a valid frame\n", name);
		exit(1);
	}
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	if (!f || fwrite(buf, 1, len, f) != len || fclose(f)) {
		perror(path);
		exit(1);
	}
}

int main(int argc, char **argv)
{
	struct myc_probe p = { .path_id = 1, .seq = 7, .timestamp = 123456789 };
	struct myc_ack a = { .largest = 100, .delay_us = 250, .window = 65536 };
	size_t n;
	int i;

	if (argc != 2) {
		fprintf(stderr, "usage: %s DIR\n", argv[0]);
		return 2;
	}
	dir = argv[1];
	spores();

	n = chunk(hdr(MYC_FT_DATA, MYC_FF_ACK_ELICITING, 1), MYC_CK_MSG,
		  MYC_CF_SERVICE, 1, 9, 0, 9, 0);
	put("data-msg", n);
	n = chunk(hdr(MYC_FT_DATA, 0, 2), MYC_CK_MSG, 0, 2, 0, 0, 0, 0);
	put("data-empty-msg", n);
	n = chunk(hdr(MYC_FT_DATA, MYC_FF_ACK_ELICITING, 3), MYC_CK_MSG,
		  MYC_CF_CONNECTED, 3, 100000, 65536, 20, 0);
	put("data-fragment", n);
	n = hdr(MYC_FT_DATA, MYC_FF_ACK_ELICITING, 4);
	n = chunk(n, MYC_CK_CONN_REQ, MYC_CF_SERVICE, 4, 0, 0, 0, 0);
	n = chunk(n, MYC_CK_CONN_ACK, MYC_CF_CONNECTED, 5, 0, 0, 0, 0);
	n = chunk(n, MYC_CK_CREDIT, MYC_CF_CONNECTED, 6, 0, 0, 0, 1 << 20);
	n = chunk(n, MYC_CK_MSG, MYC_CF_CONNECTED, 7, 3, 0, 3, 0);
	n = chunk(n, MYC_CK_REJECT, 0, 8, 5, 0, 5, 111);
	n = chunk(n, MYC_CK_CONN_RST, MYC_CF_CONNECTED, 9, 0, 0, 0, 0);
	n = chunk(n, MYC_CK_SKIP, 0, 10, 0, 0, 0, 0);
	put("data-bundle", n);

	a.nranges = 1;
	a.ranges[0].lo = 1;
	a.ranges[0].hi = 100;
	n = hdr(MYC_FT_ACK, 0, 5);
	n += myc_ack_encode(buf + n, sizeof(buf) - n, &a);
	put("ack-one-range", n);
	a.nranges = 3;
	a.ranges[0].lo = 95;
	a.ranges[1].lo = 90;
	a.ranges[1].hi = 92;
	a.ranges[2].lo = 80;
	a.ranges[2].hi = 80;
	n = hdr(MYC_FT_ACK, 0, 6);
	n += myc_ack_encode(buf + n, sizeof(buf) - n, &a);
	put("ack-three-ranges", n);
	a.largest = 10000;
	a.nranges = MYC_ACK_MAX_RANGES + 1;
	for (i = 0; i < a.nranges; i++) {
		a.ranges[i].hi = a.largest - 3 * (u64)i;
		a.ranges[i].lo = a.ranges[i].hi - (u64)(i % 2);
	}
	n = hdr(MYC_FT_ACK, 0, 7);
	n += myc_ack_encode(buf + n, sizeof(buf) - n, &a);
	put("ack-max-ranges", n);

	n = hdr(MYC_FT_DATA, MYC_FF_ACK_ELICITING, 40);
	n = spore_chunk(n, MYC_CK_SPORE, 300);
	n = spore_chunk(n, MYC_CK_SPORE_SUMMARY, 16);
	n = spore_chunk(n, MYC_CK_SPORE_WANT, 8);
	put("data-spores", n);
	n = hdr(MYC_FT_CONTACT, 0, 41);
	n += myc_contact_encode(buf + n, sizeof(buf) - n,
				&(struct myc_contact){ .type = 2 });
	put("contact", n);

	n = hdr(MYC_FT_PROBE, 0, 8);
	n += myc_probe_encode(buf + n, sizeof(buf) - n, &p);
	put("probe", n);
	n = hdr(MYC_FT_PROBE_REPLY, 0, 9);
	n += myc_probe_encode(buf + n, sizeof(buf) - n, &p);
	put("probe-reply", n);

	n = hdr(MYC_FT_SVC_CHECK, 0, 14);
	n += myc_svc_encode(buf + n, sizeof(buf) - n,
			    &(struct myc_svc){ .id = 42, .kind = 2, .seq = 1 });
	put("svc-check", n);
	n = hdr(MYC_FT_SVC_STATUS, 0, 15);
	n += myc_svc_encode(buf + n, sizeof(buf) - n,
			    &(struct myc_svc){ .id = 7, .kind = 1, .bound = 1,
					       .seq = 1 });
	put("svc-status", n);

	n = hdr(MYC_FT_HELLO, 0, 10);
	n += myc_hello_encode(buf + n, sizeof(buf) - n,
			      &(struct myc_hello){
				.version = MYC_HELLO_VERSION, .type = 1,
				.profile = MYC_PROFILE_ADAPTIVE, .enc = 2,
				.comp = 3, .rel = 1, .enc_caps = 0x0e,
				.comp_caps = 0x0f, .mtu = 1500,
				.max_msg = 262144, .instance = 9 });
	put("hello", n);
	n = hdr(MYC_FT_HANDSHAKE, MYC_FF_ACK_ELICITING, 11);
	memcpy(buf + n, "handshake", 9);
	put("handshake", n + 9);
	n = hdr(MYC_FT_SPORE, MYC_FF_ACK_ELICITING, 12);
	memcpy(buf + n, "spore", 5);
	put("spore", n + 5);
	put("close", hdr(MYC_FT_CLOSE, 0, 13));
	n = hdr(MYC_FT_DATA, MYC_FF_ENCRYPTED | MYC_FF_ACK_ELICITING, 14);
	memset(buf + n, 0x5a, 32);
	put("data-encrypted", n + 32);
	n = hdr(MYC_FT_ACK, MYC_FF_AUTH | MYC_FF_KEY_PHASE, 15);
	memset(buf + n, 0x33, MYC_ACK_MIN_LEN + MYC_TAG_LEN);
	put("ack-auth", n + MYC_ACK_MIN_LEN + MYC_TAG_LEN);
	n = hdr(MYC_FT_DATA, MYC_FF_COMPRESSED | MYC_FF_ACK_ELICITING, 16);
	memcpy(buf + n, "\x01\x00\x00\x40zzzz", 8);
	put("data-compressed", n + 8);
	return 0;
}
