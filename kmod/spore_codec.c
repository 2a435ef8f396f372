// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Spore encoding (see spore_codec.h and Documentation/spores.rst).
 *
 * The decoder accepts exactly the canonical encoding: every reserved byte
 * zero, lengths that add up to the buffer, no trailing bytes, so that one
 * spore has one encoding and one digest.  It checks the form only; the
 * signature, the certificate and what the payload claims are myceliumd's
 * to check.
 */
#include "spore_codec.h"

/* Fail with error e, saying what is wrong in *why. */
static int myc_serr(const char **why, int e, const char *what)
{
	if (why)
		*why = what;
	return -e;
}

static bool myc_spore_id_char(u8 c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-' ||
	       c == ':' || c == '/';
}

bool myc_spore_id_valid(const u8 *id, size_t len)
{
	size_t i;

	if (!len || len > MYC_SPORE_ID_MAX)
		return false;
	for (i = 0; i < len; i++)
		if (!myc_spore_id_char(id[i]))
			return false;
	return true;
}

void myc_spore_member_id(u8 out[MYC_SPORE_MEMBER_ID_LEN], u64 node)
{
	static const char hex[] = "0123456789abcdef";
	const size_t plen = sizeof(MYC_SPORE_MEMBER_PREFIX) - 1;
	int i;

	memcpy(out, MYC_SPORE_MEMBER_PREFIX, plen);
	for (i = 15; i >= 0; i--, node >>= 4)
		out[plen + i] = (u8)hex[node & 0xf];
}

bool myc_spore_may_issue(u8 node_type, u8 spore_type)
{
	switch (spore_type) {
	case MYC_SPORE_PRIMARY:
		return node_type == MYC_NODE_SCLEROTIA;
	case MYC_SPORE_SEED:
		return node_type == MYC_NODE_SCLEROTIA ||
		       node_type == MYC_NODE_RHIZOMORPH;
	case MYC_SPORE_LATENT:
		return node_type <= MYC_NODE_TYPE_MAX;
	}
	return false;
}

/* The fields of s that do not depend on the buffer: 0 or -MYC_SERR_*. */
static int myc_spore_check(const struct myc_spore *s, const char **why)
{
	if (s->type < MYC_SPORE_PRIMARY || s->type > MYC_SPORE_TYPE_MAX)
		return myc_serr(why, MYC_SERR_TYPE, "unknown spore type");
	if (s->kind < MYC_SPORE_KIND_MEMBERSHIP || s->kind > MYC_SPORE_KIND_MAX)
		return myc_serr(why, MYC_SERR_TYPE, "unknown payload kind");
	if (!s->origin)
		return myc_serr(why, MYC_SERR_FIELD, "origin node id is 0");
	if (!s->version)
		return myc_serr(why, MYC_SERR_FIELD, "version is 0");
	if (!s->ttl_s || s->ttl_s > MYC_SPORE_TTL_MAX)
		return myc_serr(why, MYC_SERR_FIELD, "TTL out of range");
	if (s->type == MYC_SPORE_LATENT && s->ttl_s > MYC_SPORE_LATENT_TTL_MAX)
		return myc_serr(why, MYC_SERR_FIELD,
				     "TTL of a latent spore above 300 s");
	if (s->payload_len > MYC_SPORE_PAYLOAD_MAX)
		return myc_serr(why, MYC_SERR_FIELD, "payload too long");
	if (!myc_spore_id_valid(s->id, s->id_len))
		return myc_serr(why, MYC_SERR_ID,
				     "id is not 1-64 of A-Z a-z 0-9 . _ - : /");
	return 0;
}

int myc_spore_decode(const u8 *buf, size_t len, struct myc_spore *s,
		     const char **why)
{
	size_t need;
	int err;

	memset(s, 0, sizeof(*s));
	if (len > MYC_SPORE_MAX)
		return myc_serr(why, MYC_SERR_LONG, "longer than 4096 bytes");
	if (len < MYC_SPORE_HDR_LEN)
		return myc_serr(why, MYC_SERR_SHORT, "shorter than a header");
	if (buf[0] != MYC_SPORE_FORMAT)
		return myc_serr(why, MYC_SERR_VERSION, "unknown format version");
	s->type = buf[1];
	s->kind = buf[2];
	s->id_len = buf[3];
	s->origin = myc_get64(buf + 4);
	s->version = myc_get64(buf + 12);
	s->timestamp_ms = myc_get64(buf + 20);
	s->ttl_s = myc_get32(buf + 28);
	s->payload_len = myc_get16(buf + 32);
	if (myc_get16(buf + 34))
		return myc_serr(why, MYC_SERR_FIELD, "reserved bytes not zero");
	need = MYC_SPORE_HDR_LEN + s->id_len + s->payload_len +
	       MYC_SPORE_TRAILER_LEN;
	if (len < need)
		return myc_serr(why, MYC_SERR_SHORT,
				     "shorter than its lengths say");
	if (len > need)
		return myc_serr(why, MYC_SERR_LONG, "bytes after the signature");
	s->id = buf + MYC_SPORE_HDR_LEN;
	s->payload = s->id + s->id_len;
	s->cert = s->payload + s->payload_len;
	s->sig = s->cert + MYC_SPORE_CERT_LEN;
	s->len = len;
	err = myc_spore_check(s, why);
	if (err)
		return err;
	if (s->timestamp_ms > (u64)-1 - (u64)MYC_SPORE_TTL_MAX * 1000)
		return myc_serr(why, MYC_SERR_FIELD, "timestamp out of range");
	return 0;
}

size_t myc_spore_encode(u8 *buf, size_t size, struct myc_spore *s)
{
	size_t len = MYC_SPORE_HDR_LEN + s->id_len + s->payload_len +
		     MYC_SPORE_TRAILER_LEN;
	u8 *p;

	if (myc_spore_check(s, NULL) || len > MYC_SPORE_MAX || len > size ||
	    s->timestamp_ms > (u64)-1 - (u64)MYC_SPORE_TTL_MAX * 1000)
		return 0;
	buf[0] = MYC_SPORE_FORMAT;
	buf[1] = s->type;
	buf[2] = s->kind;
	buf[3] = s->id_len;
	myc_put64(buf + 4, s->origin);
	myc_put64(buf + 12, s->version);
	myc_put64(buf + 20, s->timestamp_ms);
	myc_put32(buf + 28, s->ttl_s);
	myc_put16(buf + 32, s->payload_len);
	myc_put16(buf + 34, 0);
	p = buf + MYC_SPORE_HDR_LEN;
	memcpy(p, s->id, s->id_len);
	p += s->id_len;
	if (s->payload_len)
		memcpy(p, s->payload, s->payload_len);
	p += s->payload_len;
	memcpy(p, s->cert, MYC_SPORE_CERT_LEN);
	p += MYC_SPORE_CERT_LEN;
	memset(p, 0, MYC_SPORE_SIG_LEN);
	s->len = len;
	return len;
}

/*
 * Membership payload
 */

static bool myc_zero(const u8 *p, size_t n)
{
	while (n--)
		if (*p++)
			return false;
	return true;
}

/* A unicast address: not unspecified, multicast or (IPv4) broadcast. */
static bool myc_member_unicast(const struct myc_member_addr *a)
{
	if (a->family == 4) {
		if (!myc_zero(a->addr + 4, 12))
			return false;
		return !myc_zero(a->addr, 4) && (a->addr[0] & 0xf0) != 0xe0 &&
		       !(a->addr[0] == 255 && a->addr[1] == 255 &&
			 a->addr[2] == 255 && a->addr[3] == 255);
	}
	if (a->family == 6)
		return !myc_zero(a->addr, 16) && a->addr[0] != 0xff;
	return false;
}

static int myc_member_check(const struct myc_member *m, const char **why)
{
	int i, j;

	if (!m->node)
		return myc_serr(why, MYC_SERR_FIELD, "member node id is 0");
	if (m->type > MYC_NODE_TYPE_MAX)
		return myc_serr(why, MYC_SERR_TYPE, "unknown member node type");
	if (!m->nr_addrs || m->nr_addrs > MYC_MEMBER_ADDR_MAX)
		return myc_serr(why, MYC_SERR_FIELD,
				     "member has not 1 to 8 addresses");
	if (!m->port)
		return myc_serr(why, MYC_SERR_FIELD, "member UDP port is 0");
	for (i = 0; i < m->nr_addrs; i++) {
		if (!myc_member_unicast(&m->addr[i]))
			return myc_serr(why, MYC_SERR_FIELD,
					     "member address is not unicast IPv4 or IPv6");
		for (j = 0; j < i; j++)
			if (m->addr[j].family == m->addr[i].family &&
			    !memcmp(m->addr[j].addr, m->addr[i].addr, 16))
				return myc_serr(why, MYC_SERR_FIELD,
						     "member address appears twice");
	}
	return 0;
}

int myc_member_decode(const u8 *buf, size_t len, struct myc_member *m,
		      const char **why)
{
	const u8 *p;
	int i;

	memset(m, 0, sizeof(*m));
	if (len < MYC_MEMBER_HDR_LEN)
		return myc_serr(why, MYC_SERR_SHORT,
				     "membership shorter than its header");
	m->node = myc_get64(buf);
	m->type = buf[8];
	m->nr_addrs = buf[9];
	m->port = myc_get16(buf + 10);
	memcpy(m->pk, buf + 12, MYC_SPORE_PK_LEN);
	if (!m->nr_addrs || m->nr_addrs > MYC_MEMBER_ADDR_MAX)
		return myc_serr(why, MYC_SERR_FIELD,
				     "member has not 1 to 8 addresses");
	if (len < MYC_MEMBER_HDR_LEN + (size_t)m->nr_addrs * MYC_MEMBER_ADDR_LEN)
		return myc_serr(why, MYC_SERR_SHORT,
				     "membership shorter than its addresses");
	if (len > MYC_MEMBER_HDR_LEN + (size_t)m->nr_addrs * MYC_MEMBER_ADDR_LEN)
		return myc_serr(why, MYC_SERR_LONG,
				     "bytes after the member's addresses");
	p = buf + MYC_MEMBER_HDR_LEN;
	for (i = 0; i < m->nr_addrs; i++, p += MYC_MEMBER_ADDR_LEN) {
		if (p[1])
			return myc_serr(why, MYC_SERR_FIELD,
					     "reserved bytes not zero");
		m->addr[i].family = p[0];
		memcpy(m->addr[i].addr, p + 2, 16);
	}
	return myc_member_check(m, why);
}

size_t myc_member_encode(u8 *buf, size_t size, const struct myc_member *m)
{
	size_t len = MYC_MEMBER_HDR_LEN +
		     (size_t)m->nr_addrs * MYC_MEMBER_ADDR_LEN;
	u8 *p;
	int i;

	if (myc_member_check(m, NULL) || len > size)
		return 0;
	myc_put64(buf, m->node);
	buf[8] = m->type;
	buf[9] = m->nr_addrs;
	myc_put16(buf + 10, m->port);
	memcpy(buf + 12, m->pk, MYC_SPORE_PK_LEN);
	p = buf + MYC_MEMBER_HDR_LEN;
	for (i = 0; i < m->nr_addrs; i++, p += MYC_MEMBER_ADDR_LEN) {
		p[0] = m->addr[i].family;
		p[1] = 0;
		memcpy(p + 2, m->addr[i].addr, 16);
	}
	return len;
}
