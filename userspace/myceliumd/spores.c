// SPDX-License-Identifier: GPL-2.0
/* The daemon's spore work (spores.h). */
#include <arpa/inet.h>
#include <errno.h>
#include <ifaddrs.h>
#include <inttypes.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <stdlib.h>

#include "clock.h"
#include "log.h"
#include "spores.h"

#define CONTACT_EVERY_MS	2000
#define PRUNE_EVERY_MS		60000
#define MEMBER_TTL_S		3600
#define ADDR_CHECK_MS		5000

static const char *const rule_names[] = {
	"none", "authority", "time", "trust", "consensus", "digest",
};

static void id_str(char out[MYC_SPORE_ID_MAX + 1], const struct myc_spore *sp)
{
	memcpy(out, sp->id, sp->id_len);
	out[sp->id_len] = '\0';
}

static const char *addr_str(char *buf, size_t len, int family,
			    const uint8_t *a)
{
	if (!inet_ntop(family, a, buf, (socklen_t)len))
		snprintf(buf, len, "?");
	return buf;
}

/* Discovery */

/* The local address the route to remote:port uses; 0 or -1. */
static int route_source(int family, const uint8_t *remote, uint16_t port,
			uint8_t local[16])
{
	struct sockaddr_storage ss = {}, me = {};
	socklen_t len = sizeof(me);
	int fd, err = -1;

	fd = socket(family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	if (family == AF_INET) {
		struct sockaddr_in *in = (struct sockaddr_in *)&ss;

		in->sin_family = AF_INET;
		in->sin_port = htons(port);
		memcpy(&in->sin_addr, remote, 4);
	} else {
		struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&ss;

		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons(port);
		memcpy(&in6->sin6_addr, remote, 16);
	}
	if (!connect(fd, (struct sockaddr *)&ss, family == AF_INET ?
		     sizeof(struct sockaddr_in) : sizeof(struct sockaddr_in6)) &&
	    !getsockname(fd, (struct sockaddr *)&me, &len)) {
		memset(local, 0, 16);
		if (family == AF_INET)
			memcpy(local, &((struct sockaddr_in *)&me)->sin_addr, 4);
		else
			memcpy(local, &((struct sockaddr_in6 *)&me)->sin6_addr,
			       16);
		err = 0;
	}
	close(fd);
	return err;
}

/* The peer with this path, created or given the path; 0 or -errno. */
static int add_path(struct spores *s, uint64_t node, uint8_t type,
		    int family, const uint8_t *local, const uint8_t *remote,
		    uint16_t port, uint32_t ifindex)
{
	int err = kern_peer_add(s->k, node, type, family, local, remote, port,
				ifindex);

	if (err == -EEXIST)
		err = kern_path_add(s->k, node, family, local, remote, port,
				    ifindex);
	return err == -EEXIST ? 0 : err;
}

/* An accepted membership spore of another node: make it a peer. */
static void discover(struct spores *s, const struct myc_spore *sp)
{
	struct myc_member m;
	char a[64];
	int added = 0;

	if (sp->kind != MYC_SPORE_KIND_MEMBERSHIP || sp->origin == s->self->id.id ||
	    myc_member_decode(sp->payload, sp->payload_len, &m, NULL))
		return;
	for (int i = 0; i < m.nr_addrs; i++) {
		int family = m.addr[i].family == 4 ? AF_INET : AF_INET6;
		uint8_t local[16];

		if (route_source(family, m.addr[i].addr, m.port, local))
			continue;
		if (add_path(s, m.node, m.type, family, local, m.addr[i].addr,
			     m.port, 0)) {
			logm(LOG_DEBUG, "node %016" PRIx64 ": no path to %s",
			     (uint64_t)m.node, addr_str(a, sizeof(a), family,
					      m.addr[i].addr));
			continue;
		}
		added++;
	}
	if (added)
		logm(LOG_DEBUG, "node %016" PRIx64 " discovered (%d address%s)",
		     (uint64_t)m.node, added, added == 1 ? "" : "es");
}

/* Verdicts */

static void tell(struct spores *s, uint64_t cookie, const uint8_t *blob,
		 size_t len, uint8_t state, bool forward,
		 const struct spore_verdict *v, uint8_t rule, uint32_t trust)
{
	struct kern_verdict kv = {
		.state = state, .forward = forward, .v = v, .rule = rule,
		.trust = trust,
	};
	char id[MYC_SPORE_ID_MAX + 1];
	int err;

	err = cookie ? kern_spore_verdict(s->k, cookie, &kv) :
		       kern_spore_add(s->k, blob, len, &kv);
	if (err) {
		id_str(id, &v->sp);
		logm(LOG_WARNING, "spore %s: the kernel did not take it: %s",
		     id, strerror(-err));
	}
}

/* Votes gathered for two digests (consensus.h). */
struct votes {
	uint8_t a[MYC_SPORE_DIGEST_LEN], b[MYC_SPORE_DIGEST_LEN];
	struct cons_tally t;
};

static uint32_t votes_for(const struct votes *vt, const uint8_t *d)
{
	if (!vt)
		return 0;
	if (!memcmp(vt->a, d, MYC_SPORE_DIGEST_LEN))
		return vt->t.a;
	if (!memcmp(vt->b, d, MYC_SPORE_DIGEST_LEN))
		return vt->t.b;
	return 0;
}

enum { LOSES, WINS, ASK };

/* The version of an id this node holds (len 0: none), decoded once. */
struct held {
	uint8_t blob[MYC_SPORE_MAX];
	size_t len;
	struct myc_spore sp;
	struct myc_spore_key key;
};

/*
 * A spore that passed the checks, against the held version of its id:
 * a new id or a newer version is taken; a conflict goes by the rules,
 * and when authority, time and trust tie and no votes were gathered yet
 * (vt NULL), the sclerotia are to be asked (ASK).  *rule says what
 * decided.
 */
static int wins(struct spores *s, const struct spore_verdict *v,
		const struct held *h, const struct votes *vt, uint8_t *rule)
{
	struct myc_spore_cand a = {}, b = {};
	struct myc_spore_key in;
	enum myc_spore_rule r;
	int w;

	*rule = MYC_SPORE_RULE_NONE;
	if (!h->len)
		return WINS;
	in.origin = v->sp.origin;
	in.version = v->sp.version;
	memcpy(in.digest, v->digest, sizeof(in.digest));
	if (myc_spore_relate(&h->key, &in) != MYC_SREL_CONFLICT)
		return WINS;
	a.type = h->sp.type;
	a.timestamp_ms = h->sp.timestamp_ms;
	a.trust = store_trust(s->db, h->sp.origin);
	memcpy(a.digest, h->key.digest, sizeof(a.digest));
	b.type = v->sp.type;
	b.timestamp_ms = v->sp.timestamp_ms;
	b.trust = store_trust(s->db, v->sp.origin);
	memcpy(b.digest, v->digest, sizeof(b.digest));
	if (!vt && s->cons && myc_spore_needs_votes(&a, &b))
		return ASK;
	a.votes = votes_for(vt, a.digest);
	b.votes = votes_for(vt, b.digest);
	w = myc_spore_order(&b, &a, &r);
	*rule = (uint8_t)r;
	return w < 0 ? WINS : LOSES;
}

/*
 * Ask the sclerotia we know about id: the question, or 0 and why none
 * went out.
 */
static uint32_t ask_sclerotia(struct spores *s, const char *id,
			      const char **why)
{
	uint64_t nodes[CONS_MAX_ASKED];
	int n = store_sclerotia(s->db, nodes, CONS_MAX_ASKED, real_ms());
	uint32_t q = n > 0 ? cons_ask(s->cons, id, nodes, n) : 0;

	*why = n > 0 ? "the sclerotia cannot be asked" : "no sclerotia known";
	if (q)
		logm(LOG_DEBUG, "spore %s: %d sclerotia asked", id, n);
	return q;
}

/*
 * The votes of question *q on the versions of digests held and other,
 * once every answer is in or the wait is over: true, *vt filled, and *q
 * cleared (the question is done).
 */
static bool votes_in(struct spores *s, uint32_t *q, const uint8_t *held,
		     const uint8_t *other, struct votes *vt)
{
	memcpy(vt->a, held, sizeof(vt->a));
	memcpy(vt->b, other, sizeof(vt->b));
	if (cons_votes(s->cons, *q, vt->a, vt->b, &vt->t))
		return false;
	*q = 0;
	return true;
}

/* Ask the sclerotia about a conflict; the decision comes in a tick. */
static bool ask(struct spores *s, const char *id, uint64_t cookie,
		uint64_t from, const uint8_t *blob, size_t len,
		const struct held *h)
{
	struct pending_vote *p = NULL;
	const char *why;

	for (int i = 0; i < VOTES_PENDING && !p; i++)
		if (!s->votes[i].q)
			p = &s->votes[i];
	if (!p) {
		logm(LOG_INFO, "spore %s: %d conflicts wait for votes already: decided without",
		     id, VOTES_PENDING);
		return false;
	}
	p->q = ask_sclerotia(s, id, &why);
	if (!p->q) {
		logm(LOG_INFO, "spore %s: %s: decided without votes", id, why);
		return false;
	}
	snprintf(p->id, sizeof(p->id), "%s", id);
	p->cookie = cookie;
	p->from = from;
	p->len = len;
	memcpy(p->blob, blob, len);
	memcpy(p->held_digest, h->key.digest, sizeof(p->held_digest));
	spore_digest(p->digest, blob, len);
	return true;
}

/* Re-checks (recheck.h) */

static struct recheck *recheck_find(struct spores *s, const char *id)
{
	for (int i = 0; s->rechecks && i < RECHECKS; i++)
		if (s->rechecks[i].id[0] && !strcmp(s->rechecks[i].id, id))
			return &s->rechecks[i];
	return NULL;
}

/* Free r, and its question if one is open. */
static void recheck_free(struct spores *s, struct recheck *r)
{
	if (r->q)
		cons_forget(s->cons, r->q);
	r->q = 0;
	r->id[0] = '\0';
}

static void recheck_drop(struct spores *s, const char *id)
{
	struct recheck *r = recheck_find(s, id);

	if (r)
		recheck_free(s, r);
}

/*
 * A decision by the votes on id was made: the first one (again false) or
 * a re-check's, which turned to the other version when switched.  other
 * is the version not held now.  Ask again later, unless the votes settled.
 */
static void recheck_note(struct spores *s, const char *id,
			 const uint8_t *other, size_t len, uint64_t from,
			 const struct recheck_votes *rv, bool again,
			 bool switched)
{
	struct recheck *r = recheck_find(s, id);

	if (!r && again)
		return;		/* dropped meanwhile */
	if (!r) {
		for (int i = 0; s->rechecks && i < RECHECKS && !r; i++)
			if (!s->rechecks[i].id[0])
				r = &s->rechecks[i];
		if (!r) {
			logm(LOG_INFO, "spore %s: %d conflicts wait for a re-check already: not checked again",
			     id, RECHECKS);
			return;
		}
		snprintf(r->id, sizeof(r->id), "%s", id);
	}
	if (!again)		/* a new decision starts the rounds again */
		memset(&r->st, 0, sizeof(r->st));
	if (r->q)		/* a question of the rounds before */
		cons_forget(s->cons, r->q);
	r->q = 0;
	if (!recheck_again(&r->st, rv, switched)) {
		logm(LOG_DEBUG, "spore %s: %s after %u re-checks (held %u, other %u, answers %u)",
		     id, recheck_steady(&r->st) ? "the votes settled" :
		     "the votes did not settle: re-checks end",
		     r->st.rounds, rv->winner, rv->loser, rv->answered);
		recheck_free(s, r);
		return;
	}
	r->due_ms = mono_ms() + RECHECK_MS;
	r->from = from;
	memmove(r->other, other, len);
	r->len = len;
}

/*
 * The kernel asks only about spores it does not hold, so one that is the
 * very spore our store holds was lost on its side: our verdict came after
 * it stopped waiting (a busy daemon).  Give it back, without a new trust
 * change; rejecting it as a duplicate would make the node refuse it until
 * it expires.  True when it went back.
 */
static bool give_back(struct spores *s, uint64_t cookie, const uint8_t *blob,
		      size_t len, struct spore_ctx ctx, const char *id)
{
	struct spore_verdict v;

	ctx.held = NULL;
	if (spore_check(blob, len, &ctx, &v))
		return false;
	logm(LOG_INFO, "spore %s: held here but not by the kernel: given back",
	     id);
	tell(s, cookie, NULL, 0, MYC_SPORE_ACCEPTED, true, &v, 0,
	     store_trust(s->db, v.sp.origin));
	return true;
}

/*
 * Judge a spore that came (cookie), with votes once they were gathered.
 * again: a re-check's (cookie 0), the version not held judged once more
 * against the held one with new votes; it changes things only when it
 * wins now.
 */
static void decide(struct spores *s, uint64_t cookie, uint64_t from,
		   const uint8_t *blob, size_t len, const struct votes *vt,
		   bool again)
{
	char id[MYC_SPORE_ID_MAX + 1];
	struct spore_verdict v;
	struct spore_ctx ctx = {
		.trust = &s->self->trust,
		.now_ms = real_ms(),
		.skew_ms = (uint64_t)s->cfg->clock_skew_s * 1000,
		.threshold = s->cfg->trust_threshold,
	};
	struct recheck_votes rv = {};
	struct recheck *r;
	struct held h;
	struct myc_spore sp;
	uint32_t trust;
	uint8_t rule;
	int w;

	h.len = 0;
	if (!myc_spore_decode(blob, len, &sp, NULL)) {
		id_str(id, &sp);
		h.len = store_held(s->db, id, h.blob, sizeof(h.blob));
		if (h.len && myc_spore_decode(h.blob, h.len, &h.sp, NULL))
			h.len = 0;	/* unreadable: as if none were held */
		if (h.len) {
			h.key.origin = h.sp.origin;
			h.key.version = h.sp.version;
			spore_digest(h.key.digest, h.blob, h.len);
			ctx.held = &h.key;
		}
		ctx.origin_trust = store_trust(s->db, sp.origin);
	} else {
		snprintf(id, sizeof(id), "?");
	}
	if (spore_check(blob, len, &ctx, &v)) {
		struct spore_penalty pen;

		if (again) {	/* held by now, expired, distrusted: no more */
			logm(LOG_DEBUG, "spore %s: re-check ends: %s", id,
			     v.reason);
			recheck_drop(s, id);
			return;
		}
		if (v.duplicate && give_back(s, cookie, blob, len, ctx, id))
			return;
		pen = spore_penalty(&v, from, v.sp.id &&
				    store_rejected(s->db, v.digest));
		if (pen.origin)
			store_trust_add(s->db, v.sp.origin, -TRUST_INVALID,
					false);
		if (pen.relay)
			store_trust_add(s->db, from, -TRUST_INVALID, false);
		trust = store_trust(s->db, v.sp.origin);
		if (v.sp.id)
			store_put(s->db, &v, blob, len,
				  MYC_SPORE_REJECTED, false, 0, trust, from,
				  ctx.now_ms);
		logm(v.duplicate ? LOG_DEBUG : LOG_NOTICE,
		     "spore %s from %016" PRIx64 " (origin %016" PRIx64
		     ") rejected: %s", id, from, (uint64_t)v.sp.origin,
		     v.reason);
		tell(s, cookie, NULL, 0, MYC_SPORE_REJECTED, false, &v, 0,
		     trust);
		return;
	}
	w = wins(s, &v, &h, vt, &rule);
	if (again && h.len && memcmp(h.key.digest, vt->a, sizeof(vt->a))) {
		/* the held version changed while the question was out:
		 * the votes are not about it */
		logm(LOG_DEBUG, "spore %s: re-check ends: the held version changed",
		     id);
		recheck_drop(s, id);
		return;
	}
	if (again && rule < MYC_SPORE_RULE_CONSENSUS) {
		/* no conflict any more (the held one went), or one that an
		 * earlier rule decides now: not the re-check's business */
		logm(LOG_DEBUG, "spore %s: re-check ends: %s", id,
		     h.len ? "decided by an earlier rule now" : "none held");
		recheck_drop(s, id);
		return;
	}
	if (w == ASK && ask(s, id, cookie, from, blob, len, &h))
		return;	/* the verdict waits for the votes */
	if (w == ASK)	/* nobody to ask: no votes on either side */
		w = wins(s, &v, &h, &(struct votes){}, &rule);
	if (vt) {
		rv.winner = votes_for(vt, w == LOSES ? h.key.digest : v.digest);
		rv.loser = votes_for(vt, w == LOSES ? v.digest : h.key.digest);
		rv.answered = vt->t.answered;
		rv.others = vt->t.others;
		rv.deciding = vt->t.deciding;
	}
	r = again ? recheck_find(s, id) : NULL;
	if (again && w == WINS &&
	    (!r || !recheck_may_turn(&r->st, &rv,
				     rule == MYC_SPORE_RULE_DIGEST))) {
		logm(LOG_DEBUG, "spore %s: re-check: too few answers to turn (votes %u to %u, %u answers)",
		     id, rv.winner, rv.loser, rv.answered);
		w = LOSES;
		rv = (struct recheck_votes){
			.winner = rv.loser, .loser = rv.winner,
			.answered = rv.answered, .others = rv.others,
			.deciding = rv.deciding,
		};
	}
	if (w == LOSES && again) {
		logm(LOG_DEBUG, "spore %s: re-check: the held version stays (votes %u to %u, %u answers)",
		     id, rv.winner, rv.loser, rv.answered);
		recheck_note(s, id, blob, len, from, &rv, true, false);
		return;
	}
	if (w == LOSES) {
		snprintf(v.reason, sizeof(v.reason),
			 "conflict: lost to the held version by %s",
			 rule_names[rule]);
		trust = store_trust(s->db, v.sp.origin);
		store_put(s->db, &v, blob, len, MYC_SPORE_REJECTED, false,
			  rule, trust, from, ctx.now_ms);
		logm(LOG_INFO, "spore %s (origin %016" PRIx64 "): %s", id,
		     (uint64_t)v.sp.origin, v.reason);
		tell(s, cookie, NULL, 0, MYC_SPORE_REJECTED, false, &v, rule,
		     trust);
		if (vt && rule >= MYC_SPORE_RULE_CONSENSUS)
			recheck_note(s, id, blob, len, from, &rv, false, false);
		return;
	}
	if (rule)
		snprintf(v.reason, sizeof(v.reason),
			 "conflict: won over the held version by %s%s",
			 rule_names[rule], again ? " (re-checked)" : "");
	/* a valid spore counts for its origin once: when it is first
	 * accepted, or when a re-check turns to it after it lost */
	if (!again || store_rejected(s->db, v.digest))
		store_trust_add(s->db, v.sp.origin, TRUST_VALID, true);
	trust = store_trust(s->db, v.sp.origin);
	/* committed before the kernel hears of it: a crash loses nothing */
	if (store_put(s->db, &v, blob, len, MYC_SPORE_ACCEPTED, true,
		      rule, trust, from, ctx.now_ms)) {
		logm(LOG_ERR, "spore %s: not stored, so not accepted", id);
		recheck_drop(s, id);
		return;	/* the kernel drops it when no verdict comes */
	}
	logm(again ? LOG_INFO : LOG_DEBUG, "spore %s (origin %016" PRIx64
	     ", %s) accepted%s", id, (uint64_t)v.sp.origin,
	     spore_type_name(v.sp.type),
	     again ? ": the re-check turned the votes" : "");
	/* a re-check's has no cookie: the kernel takes it as added */
	tell(s, cookie, blob, len, MYC_SPORE_ACCEPTED, true, &v, rule, trust);
	discover(s, &v.sp);
	if (vt && rule >= MYC_SPORE_RULE_CONSENSUS && h.len)
		recheck_note(s, id, h.blob, h.len, 0, &rv, again, again);
}

static void judge(struct spores *s, const struct kern_msg *m)
{
	decide(s, m->cookie, m->from, m->data, m->len, NULL, false);
}

/* Conflicts whose votes are in (or overdue): decide them. */
static void votes_tick(struct spores *s)
{
	for (int i = 0; i < VOTES_PENDING; i++) {
		struct pending_vote *p = &s->votes[i];
		struct votes vt;

		if (!p->q || !votes_in(s, &p->q, p->held_digest, p->digest,
				       &vt))
			continue;
		logm(LOG_DEBUG, "votes: held %u, new %u", vt.t.a, vt.t.b);
		decide(s, p->cookie, p->from, p->blob, p->len, &vt, false);
	}
}

static bool held_digest(void *arg, const char *id,
			uint8_t digest[MYC_SPORE_DIGEST_LEN])
{
	struct spores *s = arg;
	uint8_t held[MYC_SPORE_MAX];
	size_t n = store_held(s->db, id, held, sizeof(held));

	memset(digest, 0, MYC_SPORE_DIGEST_LEN);
	if (!n)
		return false;
	spore_digest(digest, held, n);
	return true;
}

/* Our answer to a sclerotia's question (consensus.h). */
static uint8_t answer(void *arg, const char *id,
		      uint8_t digest[MYC_SPORE_DIGEST_LEN])
{
	struct spores *s = arg;
	uint8_t flags = held_digest(s, id, digest) ? CONS_HELD : 0;
	struct recheck *r = recheck_find(s, id);

	if (r && !recheck_steady(&r->st))
		flags |= CONS_DECIDING;
	for (int i = 0; i < VOTES_PENDING; i++)
		if (s->votes[i].q && !strcmp(s->votes[i].id, id))
			flags |= CONS_DECIDING;
	return flags;
}

/* Re-checks that are due: ask; those whose votes are in: decide again. */
static void recheck_tick(struct spores *s)
{
	uint8_t blob[MYC_SPORE_MAX];
	uint64_t now = mono_ms();

	for (int i = 0; i < RECHECKS; i++) {
		struct recheck *r = &s->rechecks[i];
		struct myc_spore sp;
		const char *why;
		struct votes vt;
		size_t len;

		if (!r->id[0] || (!r->q && now < r->due_ms))
			continue;
		if (!r->q) {
			r->q = ask_sclerotia(s, r->id, &why);
			if (!r->q) {
				logm(LOG_INFO, "spore %s: not checked again: %s",
				     r->id, why);
				r->id[0] = '\0';
				continue;
			}
			held_digest(s, r->id, r->held_digest);
			spore_digest(r->digest, r->other, r->len);
			continue;
		}
		if (!votes_in(s, &r->q, r->held_digest, r->digest, &vt))
			continue;
		/* decide() may give r the other version: judge a copy */
		len = r->len;
		memcpy(blob, r->other, len);
		if (myc_spore_decode(blob, len, &sp, NULL)) {
			recheck_free(s, r);	/* cannot be: it was judged */
			continue;
		}
		decide(s, 0, r->from, blob, len, &vt, true);
	}
}


/* Issuing */

/* Sign, check, store and add one of ours; 0 or -1. */
static int issue(struct spores *s, const struct spore_spec *spec)
{
	uint8_t blob[MYC_SPORE_MAX];
	struct spore_verdict v;
	struct spore_ctx ctx = {
		.trust = &s->self->trust,
		.now_ms = real_ms(),
		.skew_ms = (uint64_t)s->cfg->clock_skew_s * 1000,
		.origin_trust = MYC_TRUST_MAX,
	};
	size_t len;

	len = spore_build(blob, sizeof(blob), &s->self->id, &s->self->cert,
			  spec);
	if (!len) {
		logm(LOG_WARNING, "spore %s: cannot be encoded", spec->id);
		return -1;
	}
	if (spore_check(blob, len, &ctx, &v)) {
		logm(LOG_WARNING, "spore %s: %s", spec->id, v.reason);
		/* myc spore publish hears of it as a rejected spore */
		tell(s, 0, blob, len, MYC_SPORE_REJECTED, false, &v, 0,
		     MYC_TRUST_MAX);
		return -1;
	}
	if (store_put(s->db, &v, blob, len, MYC_SPORE_ACCEPTED, true, 0,
		      MYC_TRUST_MAX, 0, ctx.now_ms))
		return -1;
	tell(s, 0, blob, len, MYC_SPORE_ACCEPTED, true, &v, 0, MYC_TRUST_MAX);
	return 0;
}

/* A version above the held one of ours, and above any before (clock). */
static uint64_t next_version(struct spores *s, const char *id)
{
	uint8_t held[MYC_SPORE_MAX];
	uint64_t v = real_ms();
	struct myc_spore sp;
	size_t n = store_held(s->db, id, held, sizeof(held));

	if (n && !myc_spore_decode(held, n, &sp, NULL) &&
	    sp.origin == s->self->id.id && sp.version >= v)
		v = sp.version + 1;
	return v;
}

static void publish(struct spores *s, const struct kern_msg *m)
{
	struct spore_spec spec = {
		.type = m->spore_type,
		.kind = MYC_SPORE_KIND_DATA,
		.id = m->id,
		.payload = m->data,
		.payload_len = (uint16_t)m->len,
		.timestamp_ms = real_ms(),
		.ttl_s = m->ttl,
	};

	spec.version = next_version(s, m->id);
	if (!issue(s, &spec))
		logm(LOG_INFO, "spore %s published (%s, version %" PRIu64 ")",
		     m->id, spore_type_name(spec.type), spec.version);
}

/* The addresses to announce: the configured ones, else the interfaces'. */
static int own_addrs(struct spores *s, struct myc_member *mb)
{
	struct ifaddrs *ifa, *i;

	for (int n = 0; n < s->cfg->n_addrs && mb->nr_addrs < MYC_MEMBER_ADDR_MAX; n++) {
		struct myc_member_addr *a = &mb->addr[mb->nr_addrs++];

		a->family = s->cfg->addrs[n].family == AF_INET ? 4 : 6;
		memcpy(a->addr, s->cfg->addrs[n].addr,
		       a->family == 4 ? 4 : 16);
	}
	if (mb->nr_addrs || getifaddrs(&ifa))
		return mb->nr_addrs;
	for (i = ifa; i && mb->nr_addrs < MYC_MEMBER_ADDR_MAX; i = i->ifa_next) {
		struct myc_member_addr *a = &mb->addr[mb->nr_addrs];

		if (!i->ifa_addr || (i->ifa_flags & IFF_LOOPBACK) ||
		    !(i->ifa_flags & IFF_UP))
			continue;
		memset(a, 0, sizeof(*a));
		if (i->ifa_addr->sa_family == AF_INET) {
			a->family = 4;
			memcpy(a->addr, &((struct sockaddr_in *)i->ifa_addr)->sin_addr, 4);
		} else if (i->ifa_addr->sa_family == AF_INET6) {
			const struct in6_addr *v6 =
				&((struct sockaddr_in6 *)i->ifa_addr)->sin6_addr;

			if (IN6_IS_ADDR_LINKLOCAL(v6))
				continue;
			a->family = 6;
			memcpy(a->addr, v6, 16);
		} else {
			continue;
		}
		mb->nr_addrs++;
	}
	freeifaddrs(ifa);
	return mb->nr_addrs;
}

/* Every 5 s: do the addresses to announce differ from those announced? */
static bool addrs_changed(struct spores *s, uint64_t now)
{
	struct myc_member mb = {};

	if (now < s->next_addr_check_ms)
		return false;
	s->next_addr_check_ms = now + ADDR_CHECK_MS;
	own_addrs(s, &mb);
	if (mb.nr_addrs == s->announced_n &&
	    !memcmp(mb.addr, s->announced, sizeof(mb.addr)))
		return false;
	logm(LOG_INFO, "the node's addresses changed: membership again");
	return true;
}

static void issue_membership(struct spores *s)
{
	uint8_t payload[MYC_MEMBER_HDR_LEN + MYC_MEMBER_ADDR_MAX * MYC_MEMBER_ADDR_LEN];
	char id[MYC_SPORE_MEMBER_ID_LEN + 1];
	struct myc_member mb = {
		.node = s->self->id.id,
		.type = s->self->cert.type,
	};
	int port = kern_node_port(s->k);
	struct spore_spec spec = {
		.type = spore_type_for(s->self->cert.type),
		.kind = MYC_SPORE_KIND_MEMBERSHIP,
		.id = id,
		.payload = payload,
		.timestamp_ms = real_ms(),
	};

	/* the port others reach the node on: the kernel's, now */
	mb.port = port > 0 ? (uint16_t)port : MYC_DEFAULT_UDP_PORT;
	memcpy(mb.pk, s->self->id.pk, ID_PK_LEN);
	myc_spore_member_id((uint8_t *)id, mb.node);
	id[MYC_SPORE_MEMBER_ID_LEN] = '\0';
	spec.ttl_s = spec.type == MYC_SPORE_LATENT ? MYC_SPORE_LATENT_TTL_MAX :
						       MEMBER_TTL_S;
	/* again before half the TTL has passed */
	s->next_member_ms = real_ms() + (uint64_t)spec.ttl_s * 1000 / 2;
	if (!own_addrs(s, &mb)) {
		logm(LOG_WARNING, "no address to announce: no membership spore");
		return;
	}
	/* what we announce, to notice when it changes */
	s->announced_n = mb.nr_addrs;
	memcpy(s->announced, mb.addr, sizeof(mb.addr));
	spec.payload_len = (uint16_t)myc_member_encode(payload, sizeof(payload),
						       &mb);
	spec.version = next_version(s, id);
	if (!spec.payload_len || issue(s, &spec))
		return;
	logm(LOG_INFO, "membership issued (%s, %d address%s, version %" PRIu64 ")",
	     spore_type_name(spec.type), mb.nr_addrs,
	     mb.nr_addrs == 1 ? "" : "es", spec.version);
}

/* Bootstrap */

static int boot_index(struct spores *s, int family, const uint8_t *addr)
{
	for (int i = 0; i < s->cfg->n_bootstrap; i++) {
		const struct config_addr *b = &s->cfg->bootstrap[i];

		if (b->family == family &&
		    !memcmp(b->addr, addr, family == AF_INET ? 4 : 16))
			return i;
	}
	return -1;
}

static void on_contact(struct spores *s, const struct kern_contact *c)
{
	int boot = boot_index(s, c->family, c->remote), err;
	char a[64];

	if (c->node == s->self->id.id)
		return;
	addr_str(a, sizeof(a), c->family, c->remote);
	if (!s->cfg->accept_contacts && boot < 0) {
		logm(LOG_DEBUG, "contact from %016" PRIx64 " at %s ignored",
		     c->node, a);
		return;
	}
	err = add_path(s, c->node, c->type, c->family, c->local, c->remote,
		       c->port, c->ifindex);
	if (err) {
		logm(LOG_WARNING, "contact from %016" PRIx64 " at %s: %s",
		     c->node, a, strerror(-err));
		return;
	}
	if (boot >= 0)
		s->boot_done[boot] = true;
	logm(LOG_INFO, "node %016" PRIx64 " made contact from %s%s", c->node,
	     a, boot >= 0 ? " (bootstrap)" : "");
}

static void contacts(struct spores *s)
{
	for (int i = 0; i < s->cfg->n_bootstrap; i++) {
		const struct config_addr *b = &s->cfg->bootstrap[i];
		char a[64];
		int err;

		if (s->boot_done[i])
			continue;
		err = kern_contact(s->k, b->family, b->addr, b->port);
		if (err)
			logm(LOG_WARNING, "bootstrap %s: %s",
			     addr_str(a, sizeof(a), b->family, b->addr),
			     strerror(-err));
	}
}

/* Start */

static int reinstall(void *arg, const uint8_t *blob, size_t len)
{
	struct spores *s = arg;

	s->reinstalled++;
	struct spore_verdict v = { .failed = -1 };

	if (myc_spore_decode(blob, len, &v.sp, NULL))
		return 0;
	spore_digest(v.digest, blob, len);
	for (int i = 0; i < CHECK_CNT; i++)
		v.checks[i] = MYC_SPORE_CHECK_PASS;
	tell(s, 0, blob, len, MYC_SPORE_ACCEPTED, false, &v, 0,
	     store_trust(s->db, v.sp.origin));
	discover(s, &v.sp);
	return 0;
}

void spores_start(struct spores *s)
{
	char err[256];

	s->votes = calloc(VOTES_PENDING, sizeof(*s->votes));
	s->rechecks = calloc(RECHECKS, sizeof(*s->rechecks));
	if (!s->rechecks) {
		free(s->votes);
		s->votes = NULL;
	}
	s->cons = s->votes ? cons_open(answer, s, s->self->id.id, err,
					sizeof(err)) : NULL;
	if (!s->cons)
		logm(LOG_WARNING, "no consensus votes: %s", s->votes ? err :
		     "no memory");
	store_prune(s->db, real_ms());
	store_each_held(s->db, real_ms(), reinstall, s);
	if (s->reinstalled)
		logm(LOG_INFO, "%u stored spores put back into the kernel",
		     s->reinstalled);
	issue_membership(s);
	contacts(s);
	s->next_contact_ms = real_ms() + CONTACT_EVERY_MS;
	s->next_prune_ms = real_ms() + PRUNE_EVERY_MS;
}

void spores_on_kernel(struct spores *s, const struct kern_msg *m)
{
	switch (m->cmd) {
	case MYC_CMD_SPORE_NTF:
		if (m->blob)
			judge(s, m);
		else
			publish(s, m);
		break;
	case MYC_CMD_CONTACT_NTF:
		on_contact(s, &m->contact);
		break;
	case MYC_CMD_EVENT_NTF:
		if (m->state != MYC_SPORE_DELETED)
			break;
		recheck_drop(s, m->id);	/* nothing held to check again */
		if (!store_unhold(s->db, m->id))
			logm(LOG_INFO, "spore %s deleted", m->id);
		break;
	}
}

void spores_tick(struct spores *s)
{
	uint64_t now = real_ms();

	if (s->cons) {
		cons_receive(s->cons);
		votes_tick(s);
		recheck_tick(s);
	}
	if (now >= s->next_member_ms || addrs_changed(s, now))
		issue_membership(s);
	if (now >= s->next_contact_ms) {
		contacts(s);
		s->next_contact_ms = now + CONTACT_EVERY_MS;
	}
	if (now >= s->next_prune_ms) {
		store_prune(s->db, now);
		s->next_prune_ms = now + PRUNE_EVERY_MS;
	}
}

int spores_fd(struct spores *s)
{
	return s->cons ? cons_fd(s->cons) : -1;
}

void spores_stop(struct spores *s)
{
	cons_close(s->cons);
	free(s->votes);
	free(s->rechecks);
	s->cons = NULL;
	s->votes = NULL;
	s->rechecks = NULL;
}
