// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Protocol profiles and their negotiation (see profile.h for the rules).
 * Plain C shared by the module and the host tests.
 */
#include "profile.h"

static const struct myc_prof_entry myc_prof_high = {
	MYC_PROFILE_HIGH_PERFORMANCE, MYC_ENC_STANDARD, MYC_COMP_LOW,
	MYC_REL_HIGH
};

static const struct myc_prof_entry myc_prof_adaptive = {
	MYC_PROFILE_ADAPTIVE, MYC_ENC_STANDARD, MYC_COMP_NEGOTIATED,
	MYC_REL_NEGOTIATED
};

static const struct myc_prof_entry myc_prof_standard = {
	MYC_PROFILE_STANDARD, MYC_ENC_STANDARD, MYC_COMP_MEDIUM, MYC_REL_HIGH
};

static const struct myc_prof_entry myc_prof_light = {
	MYC_PROFILE_LIGHTWEIGHT, MYC_ENC_MINIMAL, MYC_COMP_HIGH,
	MYC_REL_BEST_EFFORT
};

void myc_prof_defaults(struct myc_prof_entry t[MYC_NODE_TYPES][MYC_NODE_TYPES])
{
	int l, r;

	for (l = 0; l < MYC_NODE_TYPES; l++)
		for (r = 0; r < MYC_NODE_TYPES; r++)
			t[l][r] = myc_prof_light;	/* any-hyphae */
	t[MYC_NODE_SCLEROTIA][MYC_NODE_SCLEROTIA] = myc_prof_high;
	t[MYC_NODE_SCLEROTIA][MYC_NODE_RHIZOMORPH] = myc_prof_adaptive;
	t[MYC_NODE_RHIZOMORPH][MYC_NODE_SCLEROTIA] = myc_prof_adaptive;
	t[MYC_NODE_RHIZOMORPH][MYC_NODE_RHIZOMORPH] = myc_prof_standard;
}

/* The highest level set in mask that is at most max, or -1. */
static int myc_prof_top(u8 mask, int max)
{
	int i;

	for (i = max; i >= 0; i--)
		if (mask & (1u << i))
			return i;
	return -1;
}

void myc_prof_hello(struct myc_hello *h, const struct myc_prof_entry *e,
		    u8 type, u8 enc_caps, u8 comp_caps, bool insecure,
		    u16 mtu, u32 max_msg)
{
	int comp = e->comp;

	memset(h, 0, sizeof(*h));
	h->version = MYC_HELLO_VERSION;
	h->flags = insecure ? MYC_HELLO_INSECURE : 0;
	h->type = type;
	h->profile = e->profile;
	h->enc = e->enc;
	comp_caps |= 1u << MYC_COMP_NONE;
	if (comp == MYC_COMP_NEGOTIATED)
		comp = MYC_COMP_HIGH;
	h->comp = (u8)myc_prof_top(comp_caps, comp);
	h->rel = e->rel == MYC_REL_NEGOTIATED ? MYC_REL_BEST_EFFORT : e->rel;
	h->enc_caps = enc_caps | (1u << MYC_ENC_MINIMAL);
	h->comp_caps = comp_caps;
	h->mtu = mtu;
	h->max_msg = max_msg;
}

static u8 myc_max8(u8 a, u8 b)
{
	return a > b ? a : b;
}

void myc_prof_negotiate(const struct myc_hello *a, const struct myc_hello *b,
			struct myc_prof_eff *out)
{
	bool adaptive = a->profile == MYC_PROFILE_ADAPTIVE ||
			b->profile == MYC_PROFILE_ADAPTIVE;
	u8 enc_common = a->enc_caps & b->enc_caps;
	u8 comp_common = (a->comp_caps & b->comp_caps) | (1u << MYC_COMP_NONE);
	int want = myc_max8(a->enc, b->enc);
	int lvl = -1, i;

	memset(out, 0, sizeof(*out));
	out->profile = adaptive ? MYC_PROFILE_ADAPTIVE :
		       a->profile < b->profile ? a->profile : b->profile;
	out->mtu = a->mtu < b->mtu ? a->mtu : b->mtu;
	out->max_msg = a->max_msg < b->max_msg ? a->max_msg : b->max_msg;
	out->rel = myc_max8(a->rel, b->rel);

	out->comp = (u8)myc_prof_top(comp_common, myc_max8(a->comp, b->comp));

	if (want == MYC_ENC_NONE && (a->flags & MYC_HELLO_INSECURE) &&
	    (b->flags & MYC_HELLO_INSECURE)) {
		out->enc = MYC_ENC_NONE;
		return;
	}
	enc_common &= (u8)~(1u << MYC_ENC_NONE);
	if (want < MYC_ENC_MINIMAL)
		want = MYC_ENC_MINIMAL;
	if (adaptive) {
		lvl = myc_prof_top(enc_common, want);
	} else {
		for (i = want; i <= MYC_ENC_MAX && lvl < 0; i++)
			if (enc_common & (1u << i))
				lvl = i;
	}
	if (lvl >= 0) {
		out->enc = (u8)lvl;
	} else if (adaptive) {
		out->enc = MYC_ENC_MINIMAL;
		out->comp = MYC_COMP_NONE;
		out->fallback = true;
	} else {
		out->enc = (u8)want;
		out->refused = true;
	}
}

bool myc_prof_fallback(const struct myc_hello *local, struct myc_prof_eff *out)
{
	if (local->profile != MYC_PROFILE_ADAPTIVE)
		return false;
	memset(out, 0, sizeof(*out));
	out->profile = MYC_PROFILE_ADAPTIVE;
	out->enc = MYC_ENC_MINIMAL;
	out->comp = MYC_COMP_NONE;
	out->rel = local->rel;
	out->fallback = true;
	out->mtu = local->mtu;
	out->max_msg = local->max_msg;
	return true;
}
