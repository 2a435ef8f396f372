// SPDX-License-Identifier: GPL-2.0
/*
 * Session keys and the sealing of frames (SPEC section 7, protocol.rst
 * "Sealed frames").
 *
 * myceliumd installs, per peer, a transmit and a receive key with a key
 * phase (0 or 1) that both ends use for that session (AUTH_SET, auth.c).
 * A receiver keeps one receive key per phase, so that frames sealed with
 * the previous session's key still open during a rekey.  The side that
 * started the handshake installs its transmit key with "confirm": it keeps
 * sending with the old key (or, the first time, nothing) until a frame
 * sealed with the new session's key comes in, so that it never sends with
 * a key the other end does not have yet.  The other side uses its new key
 * at once (it got the handshake's last message, so both have the keys).
 *
 * Key updates.  A session's keys are renewed in the kernel, without
 * myceliumd, after rekey-time seconds or rekey-frames frames (half the
 * time for high): each direction's next key is BLAKE2s keyed with its
 * current one over MYC_UPDATE_LABEL, and the phase flips, as in QUIC's key
 * update.  The end that updates first sends under the new phase at once;
 * the other, seeing a frame under the phase it does not use, opens it with
 * the previous key (a frame sent before its peer updated) or else with the
 * next one, and updates itself when that opens it.  While a new session is
 * asked for, an end does not start an update of its own unless its keys
 * are twice their time old: the daemons chose the new session's phase when
 * they began, and an update meanwhile would put the new session's receive
 * key in place of the one in use.  An end updates only
 * once a frame came under its newest receive key, so the two are never
 * more than one update apart.  The old keys are wiped: a key that leaks
 * opens nothing sent before its update.  A full handshake (new ephemeral
 * keys, certificates checked again) renews the session itself after
 * session-time: the kernel asks myceliumd (reason rekey) and the keys go
 * on updating until the new session's come.  Keys not updated for three
 * times their time (no frame came), or a session not renewed within
 * another session-time once due, are dropped and the peer waits for new
 * keys.  Lowering either time updates or renews; it drops nothing.
 *
 *   minimal    MYC_FF_AUTH: payload in clear, followed by the tag of a
 *              ChaCha20-Poly1305 AEAD with an empty plaintext whose
 *              associated data is the header and the payload
 *   standard   MYC_FF_ENCRYPTED: ChaCha20-Poly1305 of the payload, the
 *              header as associated data
 *   high       standard, the plaintext padded (MYC_FF_PADDED) to a multiple
 *              of MYC_PAD_BLOCK bytes; keys renewed twice as often
 *
 * The nonce is the frame's packet number: a (source, destination) pair
 * never reuses one, and keys belong to one peer object, whose numbers
 * start at 1 and which a new session's keys replace.  The replay window
 * on packet numbers (rx.c) is checked once the frame has opened, so that
 * a forged number cannot move it.  The kernel's ChaCha20-Poly1305 library
 * (lib/crypto, as WireGuard uses it) does the work on linear buffers.
 *
 * Keys are never sent back out: netlink shows only their phase and age.
 * They are wiped when replaced, cleared or freed.
 *
 * Locking: struct myc_keys is under peer->lock.  Sealing and opening copy
 * the key they need under the lock and work outside it (the copy is wiped
 * after use).
 */
#include <crypto/blake2s.h>
#include <crypto/chacha20poly1305.h>
#include <linux/slab.h>

#include "myc.h"
#include "compat.h"

#define MYC_PAD_BLOCK		64
#define MYC_REKEY_EXPIRE	3	/* x the rekey time: keys stop working */
#define MYC_UPDATE_LABEL	"mycelium key update"

struct myc_key {
	u8 key[MYC_KEY_LEN];
	bool valid;
};

struct myc_keys {
	struct myc_key rx[2];		/* by phase */
	struct myc_key tx;		/* sealing now, phase tx_phase */
	struct myc_key next;		/* waits for a frame under rx[next_phase] */
	u8 tx_phase, next_phase;
	u8 rx_phase;			/* of the newest receive key */
	bool rx_seen;			/* a frame opened under rx[rx_phase] */
	u64 born_us;			/* tx came then (install or update) */
	u64 session_us;			/* the daemon's keys came then */
	u64 due_us;			/* the session was due then, or 0 */
	u64 frames;			/* sealed with tx */
	u32 installs, updates;
	u32 epoch;			/* changes with every key change */
};

static void myc_key_wipe(struct myc_key *k)
{
	memzero_explicit(k, sizeof(*k));
}

int myc_keys_alloc(struct myc_peer *peer)
{
	peer->keys = kzalloc(sizeof(*peer->keys), GFP_KERNEL);
	return peer->keys ? 0 : -ENOMEM;
}

void myc_keys_free(struct myc_peer *peer)
{
	kfree_sensitive(peer->keys);
	peer->keys = NULL;
}

void myc_keys_clear(struct myc_peer *peer)
{
	struct myc_keys *k = peer->keys;
	u32 installs = k->installs, updates = k->updates, epoch = k->epoch;

	memzero_explicit(k, sizeof(*k));
	k->installs = installs;
	k->updates = updates;
	k->epoch = epoch + 1;
}

/* Time from @t to @now, 0 if @t is later. */
static u64 myc_since(u64 now, u64 t)
{
	return now > t ? now - t : 0;
}

/* The key that follows @key (a PRF of it: keyed BLAKE2s). */
static void myc_key_next(u8 *out, const u8 *key)
{
	static const u8 label[] = MYC_UPDATE_LABEL;

	blake2s(out, label, key, MYC_KEY_LEN, sizeof(label) - 1, MYC_KEY_LEN);
}

bool myc_keys_tx_ok(struct myc_peer *peer)
{
	return peer->keys->tx.valid;
}

static void myc_keys_use(struct myc_keys *k, const u8 *key, u8 phase)
{
	memcpy(k->tx.key, key, MYC_KEY_LEN);
	k->tx.valid = true;
	k->tx_phase = phase;
	k->born_us = myc_now_us();
	k->frames = 0;
	k->epoch++;
}

/* Both ends agree on a phase and may update (not waiting for a confirm). */
static bool myc_keys_in_step(const struct myc_keys *k)
{
	return k->tx.valid && !k->next.valid && k->tx_phase == k->rx_phase &&
	       k->rx[k->rx_phase].valid;
}

/*
 * Update both directions to the next keys (under peer->lock): @rx_next is
 * the next receive key when the caller has it already, else NULL.
 */
static void myc_keys_step(struct myc_keys *k, const u8 *rx_next)
{
	u8 q = !k->rx_phase, tx[MYC_KEY_LEN];

	if (rx_next)
		memcpy(k->rx[q].key, rx_next, MYC_KEY_LEN);
	else
		myc_key_next(k->rx[q].key, k->rx[k->rx_phase].key);
	k->rx[q].valid = true;
	k->rx_phase = q;
	k->rx_seen = !!rx_next;
	myc_key_next(tx, k->tx.key);
	myc_keys_use(k, tx, q);
	memzero_explicit(tx, sizeof(tx));
	k->updates++;
}

bool myc_keys_install(struct myc_peer *peer, const struct myc_key_cfg *c)
{
	struct myc_keys *k = peer->keys;

	memcpy(k->rx[c->phase].key, c->rx, MYC_KEY_LEN);
	k->rx[c->phase].valid = true;
	k->rx_phase = c->phase;
	k->rx_seen = false;
	k->session_us = myc_now_us();
	k->due_us = 0;
	k->epoch++;
	myc_key_wipe(&k->next);
	if (c->confirm) {
		memcpy(k->next.key, c->tx, MYC_KEY_LEN);
		k->next.valid = true;
		k->next_phase = c->phase;
	} else {
		myc_keys_use(k, c->tx, c->phase);
	}
	k->installs++;
	return k->tx.valid;
}

void myc_keys_info(struct myc_peer *peer, u8 *phase, u32 *age_s,
		   u32 *rekeys, u32 *updates)
{
	struct myc_keys *k = peer->keys;

	*phase = k->tx_phase;
	*age_s = k->tx.valid ? div_u64(myc_since(myc_now_us(), k->born_us),
				       USEC_PER_SEC) : 0;
	*rekeys = k->installs ? k->installs - 1 : 0;
	*updates = k->updates;
}

bool myc_keys_newest_phase(struct myc_peer *peer, u8 *phase)
{
	struct myc_keys *k = peer->keys;

	if (k->next.valid)
		*phase = k->next_phase;
	else if (k->tx.valid)
		*phase = k->tx_phase;
	else
		return false;
	return true;
}

/*
 * The health tick's look at the keys (under peer->lock): updates them when
 * due, and says whether the session wants a new handshake or is over.
 */
enum myc_rekey myc_keys_tick(struct myc_peer *peer, u64 now)
{
	struct myc_keys *k = peer->keys;
	u64 life = (u64)READ_ONCE(peer->mn->rekey_s) * USEC_PER_SEC;
	u64 session = (u64)READ_ONCE(peer->mn->session_s) * USEC_PER_SEC;
	u64 frames = READ_ONCE(peer->mn->rekey_frames);
	u64 age;

	if (!k->tx.valid)
		return MYC_REKEY_NO;
	if (peer->prof.enc == MYC_ENC_HIGH) {
		life /= 2;
		session /= 2;
	}
	if (myc_since(now, k->session_us) >= session && !k->due_us)
		k->due_us = now;
	/* now was read before the lock: a key may be younger (0 then) */
	age = myc_since(now, k->born_us);
	/* a new session is coming: update only when late */
	if (myc_keys_in_step(k) && k->rx_seen &&
	    ((k->due_us ? age / 2 : age) >= life || k->frames >= frames)) {
		myc_keys_step(k, NULL);
		age = 0;	/* born now */
	}
	/* keys that could not be updated, a session nobody renewed */
	if (age >= MYC_REKEY_EXPIRE * life ||
	    k->frames >= 2 * frames ||
	    (k->due_us && myc_since(now, k->due_us) >= session))
		return MYC_REKEY_EXPIRED;
	if (k->next.valid)
		return MYC_REKEY_NO;	/* a new session: wait for it */
	return k->due_us ? MYC_REKEY_DUE : MYC_REKEY_NO;
}

/* Plaintext length once padded: a multiple of the block, within a frame. */
static unsigned int myc_padded_len(unsigned int plen)
{
	unsigned int max = MYC_WIRE_MAX - MYC_HDR_LEN - MYC_TAG_LEN;

	return min(round_up(plen + MYC_PAD_TRAILER, MYC_PAD_BLOCK), max);
}

/*
 * Probes and their replies carry no data, only path ids, numbers and
 * timestamps: before keys they go in clear, so that paths are known up or
 * down before and during the handshake.  Once the peer has keys they are
 * sealed like everything else, and clear ones are dropped.
 */
static bool myc_crypto_clear_probe(u8 type)
{
	return type == MYC_FT_PROBE || type == MYC_FT_PROBE_REPLY;
}

struct sk_buff *myc_crypto_out(struct myc_peer *peer, struct sk_buff *skb)
{
	unsigned int len, plen, pad = 0, extra;
	u8 key[MYC_KEY_LEN], type = skb->data[1];
	struct sk_buff *out;
	u8 phase, enc, comp, *dst;
	u16 flags;
	u64 pn;

	if (type == MYC_FT_HELLO || type == MYC_FT_HANDSHAKE)
		return skb;
	spin_lock_bh(&peer->lock);
	comp = peer->prof.comp;
	if (peer->auth == MYC_AUTH_NONE) {
		spin_unlock_bh(&peer->lock);
		return comp ? myc_comp_out(peer, skb, comp) : skb;
	}
	if (myc_crypto_clear_probe(type) && !peer->keys->tx.valid) {
		spin_unlock_bh(&peer->lock);
		return skb;
	}
	if (peer->auth != MYC_AUTH_OK || !peer->keys->tx.valid) {
		spin_unlock_bh(&peer->lock);
		kfree_skb(skb);
		return NULL;
	}
	memcpy(key, peer->keys->tx.key, MYC_KEY_LEN);
	phase = peer->keys->tx_phase;
	enc = peer->prof.enc;
	peer->keys->frames++;
	spin_unlock_bh(&peer->lock);

	if (comp)
		skb = myc_comp_out(peer, skb, comp);
	out = skb;
	if (unlikely(skb_linearize(skb)))
		goto drop;
	len = skb->len;
	plen = len - MYC_HDR_LEN;
	if (enc == MYC_ENC_HIGH)
		pad = myc_padded_len(plen) - plen;
	extra = pad + MYC_TAG_LEN;
	flags = get_unaligned_be16(skb->data + 2) |
		(enc == MYC_ENC_MINIMAL ? MYC_FF_AUTH : MYC_FF_ENCRYPTED) |
		(phase ? MYC_FF_KEY_PHASE : 0) | (pad ? MYC_FF_PADDED : 0);
	pn = get_unaligned_be64(skb->data + 20);

	if (skb_cloned(skb) || skb_tailroom(skb) < extra) {
		/* the record keeps the clear frame: seal into a new one */
		out = alloc_skb(MYC_XMIT_HEADROOM + len + extra, GFP_ATOMIC);
		if (!out)
			goto drop;
		skb_reserve(out, MYC_XMIT_HEADROOM);
		dst = skb_put(out, len + extra);
		out->priority = skb->priority;
		out->mark = skb->mark;
		memcpy(dst, skb->data, MYC_HDR_LEN);
		if (enc != MYC_ENC_STANDARD || pad)
			memcpy(dst + MYC_HDR_LEN, skb->data + MYC_HDR_LEN, plen);
	} else {
		dst = skb->data;
		skb_put(skb, extra);
	}
	put_unaligned_be16(flags, dst + 2);

	if (enc == MYC_ENC_MINIMAL) {
		chacha20poly1305_encrypt(dst + len, dst + len, 0, dst, len, pn,
					 key);
	} else {
		const u8 *src = out == skb || pad ? dst + MYC_HDR_LEN :
						    skb->data + MYC_HDR_LEN;

		if (pad) {
			memset(dst + len, 0, pad - MYC_PAD_TRAILER);
			put_unaligned_be16(pad, dst + len + pad -
					   MYC_PAD_TRAILER);
		}
		chacha20poly1305_encrypt(dst + MYC_HDR_LEN, src, plen + pad,
					 dst, MYC_HDR_LEN, pn, key);
	}
	memzero_explicit(key, sizeof(key));
	if (out != skb)
		consume_skb(skb);
	return out;
drop:
	memzero_explicit(key, sizeof(key));
	kfree_skb(skb);
	return NULL;
}

/*
 * Open the sealed frame in @skb with @key, in place.  The library checks
 * the tag before it decrypts (lib/crypto/chacha20poly1305.c), so a key
 * that does not open the frame leaves it as it was and another may be
 * tried.
 */
static bool myc_open(struct sk_buff *skb, u16 flags, const u8 *key)
{
	unsigned int len = skb->len;
	u64 pn = get_unaligned_be64(skb->data + 20);
	u8 dummy;

	if (flags & MYC_FF_AUTH)
		return chacha20poly1305_decrypt(&dummy, skb->data + len -
						MYC_TAG_LEN, MYC_TAG_LEN,
						skb->data, len - MYC_TAG_LEN,
						pn, key);
	return chacha20poly1305_decrypt(skb->data + MYC_HDR_LEN,
					skb->data + MYC_HDR_LEN,
					len - MYC_HDR_LEN, skb->data,
					MYC_HDR_LEN, pn, key);
}

int myc_crypto_in(struct myc_net *mn, struct myc_peer *peer,
		  struct sk_buff *skb)
{
	u16 flags = get_unaligned_be16(skb->data + 2);
	u8 key[MYC_KEY_LEN], next[MYC_KEY_LEN], cur[MYC_KEY_LEN];
	u8 type = skb->data[1], phase;
	bool ok, have_key, try_next = false, stepped = false, now_ready = false;
	struct myc_keys *k;
	unsigned int len;
	u32 epoch;

	if (type == MYC_FT_HELLO || type == MYC_FT_HANDSHAKE)
		return 0;	/* never sealed (myc_frame_validate) */
	phase = !!(flags & MYC_FF_KEY_PHASE);
	spin_lock(&peer->lock);
	k = peer->keys;
	if (!(flags & MYC_FF_SEALED) && peer->auth == MYC_AUTH_NONE) {
		spin_unlock(&peer->lock);
		return 0;
	}
	if (!(flags & MYC_FF_SEALED) && myc_crypto_clear_probe(type) &&
	    peer->auth != MYC_AUTH_OK) {
		spin_unlock(&peer->lock);
		return MYC_CRYPTO_CLEAR;
	}
	have_key = k->rx[phase].valid;
	/* sent before the peer's update, or its next update */
	try_next = phase != k->rx_phase && myc_keys_in_step(k);
	if (!(flags & MYC_FF_SEALED) || peer->auth == MYC_AUTH_NONE ||
	    (!have_key && !try_next)) {
		spin_unlock(&peer->lock);
		myc_stat_inc(&peer->stats, MYC_STAT_RX_UNAUTH);
		return -EPERM;
	}
	if (have_key)
		memcpy(key, k->rx[phase].key, MYC_KEY_LEN);
	if (try_next)
		memcpy(cur, k->rx[k->rx_phase].key, MYC_KEY_LEN);
	epoch = k->epoch;
	spin_unlock(&peer->lock);

	if (try_next) {
		/* the next key, derived outside the lock */
		myc_key_next(next, cur);
		memzero_explicit(cur, sizeof(cur));
	}

	if (skb_ensure_writable(skb, skb->len)) {
		memzero_explicit(key, sizeof(key));
		memzero_explicit(next, sizeof(next));
		myc_stat_inc(&peer->stats, MYC_STAT_RX_DROP);
		return -ENOMEM;
	}
	ok = have_key && myc_open(skb, flags, key);
	if (!ok && try_next) {
		stepped = myc_open(skb, flags, next);
		ok = stepped;
	}
	memzero_explicit(key, sizeof(key));
	if (!ok) {
		memzero_explicit(next, sizeof(next));
		myc_stat_inc(&peer->stats, MYC_STAT_RX_BAD_TAG);
		return -EBADMSG;
	}
	len = skb->len - MYC_TAG_LEN;
	if (flags & MYC_FF_PADDED) {
		unsigned int pad;

		if (len < MYC_HDR_LEN + MYC_PAD_TRAILER)
			goto malformed;
		pad = get_unaligned_be16(skb->data + len - MYC_PAD_TRAILER);
		if (pad < MYC_PAD_TRAILER || pad > len - MYC_HDR_LEN)
			goto malformed;
		len -= pad;
	}
	skb_trim(skb, len);
	put_unaligned_be16(flags & ~(MYC_FF_SEALED | MYC_FF_KEY_PHASE |
				     MYC_FF_PADDED), skb->data + 2);

	spin_lock(&peer->lock);
	if (k->epoch == epoch) {
		if (stepped) {
			/* the peer updated its keys: follow */
			myc_keys_step(k, next);
		} else if (k->next.valid && k->next_phase == phase) {
			/* a frame under the new session's key: send with it */
			myc_keys_use(k, k->next.key, phase);
			myc_key_wipe(&k->next);
			now_ready = myc_peer_auth_locked(peer, peer->auth);
			/* confirmed: no more waiting to ask (health tick) */
			peer->next_ask_us = myc_now_us();
		}
		if (phase == k->rx_phase)
			k->rx_seen = true;
	}
	spin_unlock(&peer->lock);
	memzero_explicit(next, sizeof(next));
	if (now_ready)
		myc_peer_now_ready(peer);
	return 0;
malformed:
	/* authentic, yet the padding is wrong: a broken sender */
	memzero_explicit(next, sizeof(next));
	myc_stat_inc(&mn->stats, MYC_STAT_RX_MALFORMED);
	atomic64_inc(&mn->malformed[MYC_WERR_FIELD]);
	return -EINVAL;
}
