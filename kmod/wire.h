/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * Mycelium wire format: encoder and decoder of the frames carried in UDP.
 *
 * This file and wire.c are plain C that compiles both in the kernel module
 * and in userspace (host unit tests, the libFuzzer target, tools), so the
 * tests exercise the very code the kernel runs.  They use no allocation, no
 * locking and no kernel or libc calls beyond memcpy/memset: everything works
 * on caller-provided buffers.  Documentation/protocol.rst is the normative
 * description; keep the two in sync.
 *
 * All multi-byte fields are big-endian on the wire.
 */
#ifndef _MYC_WIRE_H
#define _MYC_WIRE_H

#include "shared.h"

#define MYC_WIRE_VERSION	1

/* Frame types (header byte 1). */
enum myc_frame_type {
	MYC_FT_DATA = 1,	/* one or more chunks (messages, connection ctl) */
	MYC_FT_ACK = 2,		/* selective acknowledgment of packet numbers */
	MYC_FT_PROBE = 3,	/* path health probe */
	MYC_FT_PROBE_REPLY = 4,	/* answer to a probe */
	MYC_FT_HELLO = 5,	/* capabilities (profiles) */
	MYC_FT_HANDSHAKE = 6,	/* authentication messages, opaque to the kernel */
	MYC_FT_SPORE = 7,	/* spore transport */
	MYC_FT_CLOSE = 8,	/* the sender resets its state for this peer */
	MYC_FT_SVC_CHECK = 9,	/* is a socket bound to this service or port? */
	MYC_FT_SVC_STATUS = 10,	/* the answer to a SVC_CHECK */
	MYC_FT_CONTACT = 11,	/* bootstrap: a node says hello to an address */
	__MYC_FT_MAX
};

/*
 * Frame header flags (header bytes 2-3).  An ACK frame must not be
 * ack-eliciting (MYC_WERR_FLAGS): acknowledging acknowledgments never ends.
 *
 * Sealing (Documentation/protocol.rst, "Sealed frames"): with ENCRYPTED the
 * payload is ChaCha20-Poly1305 ciphertext followed by the 16-byte tag, the
 * header being the associated data and the packet number the nonce; with
 * AUTH the payload is in clear and followed by the tag of an AEAD with an
 * empty plaintext over header and payload.  KEY_PHASE picks one of the two
 * keys a receiver may hold; PADDED (only with ENCRYPTED) says the plaintext
 * ends with zero padding and a u16 count of the bytes of padding and count.
 * With COMPRESSED the (opened) payload is a compressed payload header and
 * the compressed bytes.  HELLO and HANDSHAKE frames are never sealed nor
 * compressed.  myc_frame_validate() checks only the header of a sealed or
 * compressed frame: the receiver validates the payload once undone.
 */
#define MYC_FF_ENCRYPTED	0x0001	/* payload is AEAD-sealed */
#define MYC_FF_COMPRESSED	0x0002	/* payload is compressed */
#define MYC_FF_ACK_ELICITING	0x0004	/* receiver must acknowledge the PN */
#define MYC_FF_AUTH		0x0008	/* clear payload + integrity tag */
#define MYC_FF_KEY_PHASE	0x0010	/* sealed with the phase-1 key */
#define MYC_FF_PADDED		0x0020	/* plaintext ends with padding */
#define MYC_FF_KNOWN		0x003f	/* every other bit must be zero */
#define MYC_FF_SEALED		(MYC_FF_ENCRYPTED | MYC_FF_AUTH)
#define MYC_FF_TRANSFORMS	(MYC_FF_SEALED | MYC_FF_COMPRESSED | \
				 MYC_FF_KEY_PHASE | MYC_FF_PADDED)

#define MYC_TAG_LEN		16	/* Poly1305 tag of a sealed frame */
#define MYC_PAD_TRAILER		2	/* u16 padding count (PADDED) */
/* Bytes sealing may add to a frame: tag, and padding's trailer. */
#define MYC_SEAL_OVERHEAD	(MYC_TAG_LEN + MYC_PAD_TRAILER)

/*
 * Compressed payload (COMPRESSED), after opening:
 *   0  u8  method: MYC_COMP_LOW (LZ4), _MEDIUM (LZ4HC: LZ4 format),
 *          _HIGH (zstd)
 *   1  u8  reserved, zero
 *   2  u16 length of the payload once decompressed (1..65535)
 *   4  compressed bytes
 */
#define MYC_COMP_HDR_LEN	4

struct myc_comp {
	u8 method;		/* MYC_COMP_LOW..MYC_COMP_HIGH */
	u16 len;		/* decompressed length, >= 1 */
};

/*
 * Frame header, 28 bytes:
 *   0  u8  version (MYC_WIRE_VERSION)
 *   1  u8  type (enum myc_frame_type)
 *   2  u16 flags (MYC_FF_*)
 *   4  u64 source node id (never 0)
 *  12  u64 destination node id (never 0)
 *  20  u64 packet number: per (source, destination) pair, increasing by
 *          one for every frame sent, starting at 1; never reused, also
 *          not for retransmissions.
 */
#define MYC_HDR_LEN		28

struct myc_hdr {
	u8 version;
	u8 type;
	u16 flags;
	u64 src_node;
	u64 dst_node;
	u64 pn;
};

/* Chunk kinds (first byte of a chunk in a DATA frame). */
enum myc_chunk_kind {
	MYC_CK_MSG = 1,		/* (a fragment of) an application message */
	MYC_CK_CONN_REQ = 2,	/* SEQPACKET connect request */
	MYC_CK_CONN_ACK = 3,	/* connect accepted: src_port is the new port */
	MYC_CK_CONN_RST = 4,	/* connection refused or closed */
	MYC_CK_REJECT = 5,	/* a returned message; data = original payload */
	MYC_CK_CREDIT = 6,	/* connection flow control window update */
	MYC_CK_SKIP = 7,	/* the sender gave up on message msn */
	MYC_CK_SPORE = 8,	/* (a fragment of) an encoded spore */
	MYC_CK_SPORE_SUMMARY = 9,	/* digests of the spores the sender holds */
	MYC_CK_SPORE_WANT = 10,	/* digests of spores the sender asks for */
	__MYC_CK_MAX
};

/* Chunk flags. */
#define MYC_CF_SERVICE		0x01	/* dst_id is a service id, not a port */
#define MYC_CF_CONNECTED	0x02	/* belongs to a SEQPACKET connection */
#define MYC_CF_ENDPOINT		0x04	/* sent through a virtual endpoint */
#define MYC_CF_KNOWN		0x07

/*
 * Chunk, 36-byte header followed by len bytes of data:
 *   0  u8  kind (enum myc_chunk_kind)
 *   1  u8  flags (MYC_CF_*)
 *   2  u8  class (enum myc_class)
 *   3  u8  bits 7-6: guarantee (enum myc_guarantee), bits 5-3: zero,
 *          bits 2-0: priority
 *   4  u32 source port
 *   8  u32 destination port or service id (MYC_CF_SERVICE)
 *  12  u64 message sequence number: per (source, destination, guarantee)
 *          sequence space, starting at 1; all fragments of a message share it
 *  20  u32 total message length (<= MYC_MAX_MSG_SIZE)
 *  24  u32 offset of this fragment in the message
 *  28  u32 aux: REJECT: reason (errno), CREDIT: window, CONN_RST: 0
 *          (closed) or an errno (reset), CONN_REQ, CONN_ACK, MSG, SKIP:
 *          zero
 *  32  u16 len: data bytes in this chunk
 *  34  u16 reserved, zero
 *  36  data
 * offset + len <= total; a message is complete when its fragments cover
 * [0, total).  A zero-length message is one chunk with total 0, len 0; no
 * other chunk has len 0.  msn is never 0, for every kind.  A REJECT's
 * reason is 1..4095 (a positive errno); it returns the first len bytes of
 * a message of total bytes (offset 0: the data may be cut short), and
 * MYC_CF_SERVICE on it says that src_port is the service the message was
 * sent to.  A SKIP has total 0: its msn, in the space of its guarantee, is
 * a message the sender will never send again.  SPORE, SPORE_SUMMARY and
 * SPORE_WANT chunks have class spore, no flags and both ports zero; a
 * SPORE's total is 1..MYC_SPORE_MAX, a SUMMARY's and a WANT's a multiple of
 * MYC_SPORE_SUM_LEN up to MYC_SPORE_SUM_MAX entries, not 0.  A non-zero reserved field or bit
 * is MYC_WERR_FIELD.  Chunks follow each other with no padding; bytes after
 * the last chunk that are too few for a chunk are MYC_WERR_SHORT (they are
 * a truncated chunk).
 */
#define MYC_CHUNK_HDR_LEN	36

struct myc_chunk {
	u8 kind;
	u8 flags;
	u8 cls;
	u8 guarantee;
	u8 priority;
	u32 src_port;
	u32 dst_id;
	u64 msn;
	u32 total;
	u32 offset;
	u32 aux;
	u16 len;
	const u8 *data;		/* decode: points into the frame */
};

/* Spore summaries: the first bytes of each digest, this many entries. */
#define MYC_SPORE_SUM_LEN	8
#define MYC_SPORE_SUM_MAX	8192

/*
 * CONTACT frame payload, 4 bytes (never sealed, compressed or numbered in a
 * replay window; the destination node id may be 0, unknown):
 *   0  u8  the sender's node type (enum myc_node_type)
 *   1  u8  reserved, zero
 *   2  u16 reserved, zero
 */
#define MYC_CONTACT_LEN		4

struct myc_contact {
	u8 type;
};

/*
 * ACK frame payload:
 *   0  u64 largest packet number acknowledged
 *   8  u32 ack delay in microseconds (time the largest was held)
 *  12  u32 receive window in bytes the sender may still have in flight
 *  16  u16 number of additional ranges (n <= MYC_ACK_MAX_RANGES)
 *  18  u16 reserved, zero
 *  20  u32 first range: packets largest-first_range .. largest are acked
 *  24  n times: u32 gap, u32 range.  Going down from the previous range's
 *      smallest packet number s: packets s-gap-2-range .. s-gap-2 are acked
 *      (gap counts the unacknowledged packets between, minus one, as in
 *      QUIC, so that a gap of zero still means one missing packet).
 * No range may go below packet number 1, so first range <= largest - 1.
 * A largest of 0 is MYC_WERR_PN.  n is checked before the length: more than
 * MYC_ACK_MAX_RANGES is MYC_WERR_FIELD, then a payload shorter than
 * 24 + 8 n bytes is MYC_WERR_SHORT and a longer one MYC_WERR_TRAILING.
 */
#define MYC_ACK_MIN_LEN		24
#define MYC_ACK_MAX_RANGES	64

struct myc_ack_range {
	u64 lo, hi;		/* inclusive */
};

struct myc_ack {
	u64 largest;
	u32 delay_us;
	u32 window;
	/*
	 * Ranges in use, 1..MYC_ACK_MAX_RANGES + 1; ranges[0] is the highest
	 * (hi == largest), the others descend without touching (at least one
	 * packet missing between two ranges), none below 1, each spanning at
	 * most 2^32 packets.  On the wire the count is nranges - 1.
	 */
	u16 nranges;
	struct myc_ack_range ranges[MYC_ACK_MAX_RANGES + 1];
};

/*
 * PROBE and PROBE_REPLY payload, 24 bytes:
 *   0  u32 path id (the sender's local path index)
 *   4  u32 reserved, zero
 *   8  u64 probe sequence
 *  16  u64 sender timestamp (ns, opaque to the receiver, echoed back)
 */
#define MYC_PROBE_LEN		24

struct myc_probe {
	u32 path_id;
	u64 seq;
	u64 timestamp;
};

/*
 * SVC_CHECK and SVC_STATUS payload, 16 bytes (virtual endpoint health):
 *   0  u32 id: a port or a service id
 *   4  u8  kind: 1 port, 2 service (MYC_ADDR_PORT, MYC_ADDR_SERVICE)
 *   5  u8  bound: SVC_CHECK 0; SVC_STATUS 1 when a socket is bound, else 0
 *   6  u16 reserved, zero
 *   8  u64 sequence of the check, echoed by the status
 */
#define MYC_SVC_LEN		16

struct myc_svc {
	u32 id;
	u8 kind;
	u8 bound;
	u64 seq;
};

/*
 * HELLO payload, 20 bytes (capabilities and profile wishes; profile.h):
 *   0  u8  hello version (MYC_HELLO_VERSION)
 *   1  u8  flags: MYC_HELLO_REPLY (an answer to a HELLO),
 *          MYC_HELLO_INSECURE (the sender allows encryption none)
 *   2  u8  the sender's node type (enum myc_node_type)
 *   3  u8  profile (enum myc_profile)
 *   4  u8  encryption the sender asks for (enum myc_encryption)
 *   5  u8  compression it asks for (enum myc_compression, not NEGOTIATED)
 *   6  u8  reliability it asks for (enum myc_guarantee)
 *   7  u8  encryption levels it offers (bit 1 << level; minimal set)
 *   8  u8  compression levels it offers (bit 1 << level; none set)
 *   9  u8  reserved, zero
 *  10  u16 MTU (>= 576)
 *  12  u32 largest message it takes (>= 1)
 *  16  u32 instance: random, new for every peer object of the sender
 * A longer payload is MYC_WERR_TRAILING; another version MYC_WERR_VERSION.
 */
#define MYC_HELLO_VERSION	1
#define MYC_HELLO_LEN		20
#define MYC_HELLO_REPLY		0x01
#define MYC_HELLO_INSECURE	0x02
#define MYC_HELLO_FLAGS		0x03
#define MYC_HELLO_MIN_MTU	576

struct myc_hello {
	u8 version;
	u8 flags;
	u8 type;
	u8 profile;
	u8 enc;
	u8 comp;
	u8 rel;
	u8 enc_caps;
	u8 comp_caps;
	u16 mtu;
	u32 max_msg;
	u32 instance;
};

/*
 * Decoder results: 0 or a negative MYC_WERR_* (each counted on its own).
 * When an input has several defects, the first found is reported; checks
 * run in this order: frame header: version (the only check on a 1-byte
 * frame), length, type, flags, node ids, pn; chunk: length of its header,
 * kind, flags, fields, then length of its data.
 */
enum myc_wire_err {
	MYC_WERR_SHORT = 1,	/* shorter than a header or a declared length */
	MYC_WERR_VERSION,	/* unknown version */
	MYC_WERR_TYPE,		/* unknown frame type or chunk kind */
	MYC_WERR_FLAGS,		/* unknown or inconsistent flag bits */
	MYC_WERR_NODE,		/* node id 0 */
	MYC_WERR_PN,		/* packet number 0 */
	MYC_WERR_FIELD,		/* a field out of range (class, lengths, ...) */
	MYC_WERR_TRAILING,	/* bytes after the last element */
	__MYC_WERR_MAX
};

/*
 * Encoding.  Each returns bytes written, or 0 if the buffer is too small or
 * the structure holds something the decoder would reject (wrong version,
 * msn 0, malformed ACK ranges, ...): an encoder never writes a frame that
 * does not decode back to the same structure.  Reserved fields are written
 * as zero.  After a 0 return the buffer's contents are unspecified.
 */
size_t myc_hdr_encode(u8 *buf, size_t size, const struct myc_hdr *h);
size_t myc_chunk_encode(u8 *buf, size_t size, const struct myc_chunk *c,
			const void *data);
/* Chunk header only; the caller places c->len data bytes right after it. */
size_t myc_chunk_hdr_encode(u8 *buf, size_t size, const struct myc_chunk *c);
size_t myc_ack_encode(u8 *buf, size_t size, const struct myc_ack *a);
size_t myc_probe_encode(u8 *buf, size_t size, const struct myc_probe *p);
size_t myc_svc_encode(u8 *buf, size_t size, const struct myc_svc *v);
size_t myc_hello_encode(u8 *buf, size_t size, const struct myc_hello *h);
size_t myc_comp_encode(u8 *buf, size_t size, const struct myc_comp *c);

/*
 * Decoding: validate everything, never read outside [buf, buf + len).
 * On error the output structure's contents are unspecified.
 * myc_hdr_decode() checks only the 28 header bytes of a frame of len bytes.
 */
int myc_hdr_decode(const u8 *buf, size_t len, struct myc_hdr *h);
/*
 * Iterate over the chunks of a DATA frame payload: *pos starts at 0; each
 * call decodes the chunk at *pos and advances it.  Returns 1 with *c filled,
 * 0 at the end, or a negative MYC_WERR_* (*pos is then left unchanged).
 */
int myc_chunk_next(const u8 *payload, size_t len, size_t *pos,
		   struct myc_chunk *c);
int myc_ack_decode(const u8 *payload, size_t len, struct myc_ack *a);
int myc_probe_decode(const u8 *payload, size_t len, struct myc_probe *p);
/* check: the payload of a SVC_CHECK (bound must be 0) or a SVC_STATUS. */
int myc_svc_decode(const u8 *payload, size_t len, bool check,
		   struct myc_svc *v);
int myc_hello_decode(const u8 *payload, size_t len, struct myc_hello *h);
/*
 * The header of a compressed payload: at least one compressed byte must
 * follow it (MYC_WERR_SHORT), method 1..3 and reserved zero and len not 0
 * (MYC_WERR_FIELD).
 */
int myc_comp_decode(const u8 *payload, size_t len, struct myc_comp *c);
size_t myc_contact_encode(u8 *buf, size_t size, const struct myc_contact *c);
int myc_contact_decode(const u8 *payload, size_t len, struct myc_contact *c);

/*
 * Validate a whole frame (header and every element of its payload):
 *   DATA               one or more chunks (empty payload: MYC_WERR_SHORT)
 *   ACK                exactly one ACK payload
 *   PROBE, PROBE_REPLY exactly MYC_PROBE_LEN bytes, reserved field zero
 *   SVC_CHECK, _STATUS exactly MYC_SVC_LEN bytes, kind 1 or 2, bound 0 or 1
 *                      (0 in a check), reserved field zero
 *   HELLO              exactly one HELLO payload
 *   HANDSHAKE, SPORE   opaque (for myceliumd), at least 1 byte
 *   CONTACT            exactly MYC_CONTACT_LEN bytes, a known node type
 *   CLOSE              opaque, any length including 0
 * A sealed frame (MYC_FF_SEALED) must hold at least the tag; of it, and of
 * a compressed frame, only the header is checked.
 */
int myc_frame_validate(const u8 *buf, size_t len);

#endif /* _MYC_WIRE_H */
