// SPDX-License-Identifier: GPL-2.0
/*
 * Compression of frames (SPEC section 7), with the kernel's own libraries:
 *
 *   low     LZ4 (LZ4_compress_default), method 1
 *   medium  LZ4HC at its default level 9 (LZ4 format: decompressed by
 *           LZ4_decompress_safe), method 2
 *   high    zstd level 3, parameters for inputs of one frame, method 3
 *
 * A DATA or SPORE frame whose payload is at least MYC_COMP_MIN bytes is
 * compressed before it is sealed, and sent compressed only if that makes
 * it smaller (the compressor gets a buffer smaller than the payload and
 * gives up when the result does not fit).  A receiver decompresses into a
 * buffer of the length the compressed header announces, at most one
 * frame's payload, and drops the frame unless exactly that many bytes come
 * out: a compressed frame can never make more than a frame's worth of
 * work (no bombs).
 *
 * Workspaces: one per method, shared by all nodes and CPUs and used under
 * its spinlock (frames are small: a frame compresses in microseconds),
 * which also publishes it: the work item sets it up, then takes the lock
 * to mark it ready; users read "ready" unlocked only as a hint, and again
 * under the lock before they touch the workspace.
 * They are made the first time a negotiated profile uses the method, by a
 * work item (vmalloc may sleep): until then frames go uncompressed, and a
 * zstd frame that comes before the decompression workspace is ready is
 * dropped and counted (the sender's reliability sends it again).  LZ4
 * needs no workspace to decompress.  They live until the module goes.
 */
#include <linux/lz4.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/workqueue.h>
#include <linux/zstd.h>

#include "myc.h"
#include "compat.h"

#define MYC_COMP_MIN		64	/* smaller payloads are not worth it */
#define MYC_ZSTD_LEVEL		3

struct myc_comp_ws {
	spinlock_t lock;		/* the fields below, _bh */
	void *mem;
	zstd_cctx *cctx;		/* high */
	zstd_dctx *dctx;		/* decompression (high) */
	bool ready;			/* made; READ_ONCE as a hint outside */
};

/* [MYC_COMP_LOW..MYC_COMP_HIGH]: compression; [0]: zstd decompression. */
static struct myc_comp_ws myc_ws[MYC_COMP_HIGH + 1];
static unsigned long myc_comp_wanted;	/* bit per index of myc_ws */
static bool myc_comp_failed;		/* told once */

static void myc_comp_make(struct work_struct *w);
static DECLARE_WORK(myc_comp_work, myc_comp_make);

static zstd_parameters myc_zstd_params(void)
{
	return zstd_get_params(MYC_ZSTD_LEVEL, MYC_WIRE_MAX);
}

static int myc_comp_make_one(int i)
{
	struct myc_comp_ws *ws = &myc_ws[i];
	zstd_cctx *cctx = NULL;
	zstd_dctx *dctx = NULL;
	size_t size;
	void *mem;

	switch (i) {
	case MYC_COMP_LOW:
		size = LZ4_MEM_COMPRESS;
		break;
	case MYC_COMP_MEDIUM:
		size = LZ4HC_MEM_COMPRESS;
		break;
	case MYC_COMP_HIGH:
		size = myc_zstd_cctx_size(MYC_ZSTD_LEVEL, MYC_WIRE_MAX);
		break;
	default:
		size = zstd_dctx_workspace_bound();
		break;
	}
	mem = kvmalloc(size, GFP_KERNEL);
	if (!mem)
		return -ENOMEM;
	if (i == MYC_COMP_HIGH)
		cctx = zstd_init_cctx(mem, size);
	else if (!i)
		dctx = zstd_init_dctx(mem, size);
	if ((i == MYC_COMP_HIGH && !cctx) || (!i && !dctx)) {
		kvfree(mem);
		return -EINVAL;
	}
	spin_lock_bh(&ws->lock);
	ws->mem = mem;
	ws->cctx = cctx;
	ws->dctx = dctx;
	WRITE_ONCE(ws->ready, true);
	spin_unlock_bh(&ws->lock);
	return 0;
}

static void myc_comp_make(struct work_struct *w)
{
	int i;

	for (i = 0; i <= MYC_COMP_HIGH; i++) {
		if (!test_bit(i, &myc_comp_wanted) ||
		    READ_ONCE(myc_ws[i].ready))
			continue;
		if (myc_comp_make_one(i) && !myc_comp_failed) {
			myc_comp_failed = true;
			pr_warn_ratelimited("mycelium: no memory for compression workspaces\n");
		}
	}
}

void myc_comp_want(u8 level)
{
	bool queue = false;

	if (level < MYC_COMP_LOW || level > MYC_COMP_HIGH)
		return;
	if (!READ_ONCE(myc_ws[level].ready) &&
	    !test_and_set_bit(level, &myc_comp_wanted))
		queue = true;
	/* zstd's decompression workspace is at index 0 */
	if (level == MYC_COMP_HIGH && !READ_ONCE(myc_ws[0].ready) &&
	    !test_and_set_bit(0, &myc_comp_wanted))
		queue = true;
	if (queue)
		queue_work(myc_wq, &myc_comp_work);
}

void myc_comp_init(void)
{
	int i;

	for (i = 0; i <= MYC_COMP_HIGH; i++)
		spin_lock_init(&myc_ws[i].lock);
}

void myc_comp_exit(void)
{
	int i;

	cancel_work_sync(&myc_comp_work);
	for (i = 0; i <= MYC_COMP_HIGH; i++) {
		kvfree(myc_ws[i].mem);
		memset(&myc_ws[i], 0, sizeof(myc_ws[i]));
	}
}

/* Compress src into dst (cap bytes): the length, or 0 if it does not fit. */
static int myc_comp_run(u8 level, const u8 *src, int len, u8 *dst, int cap)
{
	struct myc_comp_ws *ws = &myc_ws[level];
	zstd_parameters p;
	size_t r;
	int n;

	spin_lock_bh(&ws->lock);
	if (!ws->ready) {
		spin_unlock_bh(&ws->lock);
		return 0;
	}
	switch (level) {
	case MYC_COMP_LOW:
		n = LZ4_compress_default(src, dst, len, cap, ws->mem);
		break;
	case MYC_COMP_MEDIUM:
		n = LZ4_compress_HC(src, dst, len, cap, LZ4HC_DEFAULT_CLEVEL,
				    ws->mem);
		break;
	default:
		p = myc_zstd_params();
		r = zstd_compress_cctx(ws->cctx, dst, cap, src, len, &p);
		n = zstd_is_error(r) ? 0 : (int)r;
		break;
	}
	spin_unlock_bh(&ws->lock);
	return n > 0 ? n : 0;
}

struct sk_buff *myc_comp_out(struct myc_peer *peer, struct sk_buff *skb,
			     u8 level)
{
	struct myc_comp c = { .method = level };
	u8 type = skb->data[1];
	unsigned int plen;
	struct sk_buff *out;
	int n, cap;

	if ((type != MYC_FT_DATA && type != MYC_FT_SPORE) ||
	    level < MYC_COMP_LOW || level > MYC_COMP_HIGH)
		return skb;
	plen = skb->len - MYC_HDR_LEN;
	if (plen < MYC_COMP_MIN || skb_linearize(skb))
		return skb;
	if (!READ_ONCE(myc_ws[level].ready)) {
		myc_comp_want(level);
		return skb;
	}
	/* it must shrink: the compressed header and at least one byte less */
	cap = plen - MYC_COMP_HDR_LEN - 1;
	out = alloc_skb(MYC_XMIT_HEADROOM + MYC_HDR_LEN + plen +
			MYC_SEAL_OVERHEAD, GFP_ATOMIC);
	if (!out)
		return skb;
	skb_reserve(out, MYC_XMIT_HEADROOM);
	n = myc_comp_run(level, skb->data + MYC_HDR_LEN, plen,
			 out->data + MYC_HDR_LEN + MYC_COMP_HDR_LEN, cap);
	if (!n) {
		kfree_skb(out);
		return skb;	/* incompressible: as it is */
	}
	c.len = plen;
	memcpy(skb_put(out, MYC_HDR_LEN), skb->data, MYC_HDR_LEN);
	put_unaligned_be16(get_unaligned_be16(out->data + 2) |
			   MYC_FF_COMPRESSED, out->data + 2);
	myc_comp_encode(skb_put(out, MYC_COMP_HDR_LEN), MYC_COMP_HDR_LEN, &c);
	skb_put(out, n);
	out->priority = skb->priority;
	out->mark = skb->mark;
	consume_skb(skb);
	myc_stat_inc(&peer->stats, MYC_STAT_TX_COMPRESSED);
	return out;
}

int myc_comp_in(struct myc_net *mn, struct myc_peer *peer,
		struct sk_buff *skb)
{
	const u8 *src = skb->data + MYC_HDR_LEN + MYC_COMP_HDR_LEN;
	int slen = skb->len - MYC_HDR_LEN - MYC_COMP_HDR_LEN, err;
	struct myc_comp_ws *ws = &myc_ws[0];
	struct myc_comp c;
	bool ok = false;
	size_t r;
	u8 *buf;

	err = myc_comp_decode(skb->data + MYC_HDR_LEN,
			      skb->len - MYC_HDR_LEN, &c);
	/* at most a frame's payload: nothing may grow beyond it */
	if (!err && c.len > MYC_FRAME_MAX - MYC_HDR_LEN)
		err = -MYC_WERR_FIELD;
	if (err)
		goto malformed;
	if (c.method == MYC_COMP_HIGH && !READ_ONCE(ws->ready)) {
		myc_comp_want(MYC_COMP_HIGH);
		myc_stat_inc(&peer->stats, MYC_STAT_RX_DROP);
		return -EAGAIN;
	}
	buf = kmalloc(c.len, GFP_ATOMIC);
	if (!buf) {
		myc_stat_inc(&peer->stats, MYC_STAT_RX_DROP);
		return -ENOMEM;
	}
	if (c.method == MYC_COMP_HIGH) {
		spin_lock_bh(&ws->lock);	/* ready: seen above */
		r = zstd_decompress_dctx(ws->dctx, buf, c.len, src, slen);
		spin_unlock_bh(&ws->lock);
		ok = !zstd_is_error(r) && r == c.len;
	} else {
		ok = LZ4_decompress_safe(src, buf, slen, c.len) == c.len;
	}
	if (!ok || skb_ensure_writable(skb, skb->len) ||
	    (skb_tailroom(skb) + slen + MYC_COMP_HDR_LEN < c.len &&
	     pskb_expand_head(skb, 0, c.len, GFP_ATOMIC))) {
		kfree(buf);
		err = -MYC_WERR_FIELD;
		if (ok) {
			myc_stat_inc(&peer->stats, MYC_STAT_RX_DROP);
			return -ENOMEM;
		}
		goto malformed;
	}
	skb_trim(skb, MYC_HDR_LEN);
	skb_put_data(skb, buf, c.len);
	kfree(buf);
	put_unaligned_be16(get_unaligned_be16(skb->data + 2) &
			   ~MYC_FF_COMPRESSED, skb->data + 2);
	myc_stat_inc(&peer->stats, MYC_STAT_RX_COMPRESSED);
	return 0;
malformed:
	/* authentic (or in clear between insecure nodes), yet broken */
	myc_stat_inc(&mn->stats, MYC_STAT_RX_MALFORMED);
	atomic64_inc(&mn->malformed[-err]);
	return -EINVAL;
}
