// SPDX-License-Identifier: GPL-2.0
/* When a decision by the votes is asked about again (recheck.h). */
#include "recheck.h"

/*
 * Every sclerotia that answered holds the winner, at least one besides
 * us, and none of the others may still change its mind.
 */
static bool unanimous(const struct recheck_votes *v)
{
	return v->others && v->winner == v->answered && !v->loser &&
	       !v->deciding;
}

bool recheck_again(struct recheck_state *st, const struct recheck_votes *v,
		   bool switched)
{
	bool settled = st->rounds && !switched &&
		       unanimous(v) && unanimous(&st->last) &&
		       v->answered >= st->most && st->last.answered >= st->most;

	st->last = *v;
	st->turned = switched;
	if (v->answered > st->most)
		st->most = v->answered;
	if (settled || st->rounds >= RECHECK_ROUNDS)
		return false;
	st->rounds++;
	return true;
}

bool recheck_steady(const struct recheck_state *st)
{
	return st->rounds && !st->turned && st->last.others &&
	       !st->last.loser && st->last.winner == st->last.answered;
}

bool recheck_may_turn(const struct recheck_state *st,
		      const struct recheck_votes *v, bool tie)
{
	uint32_t most = v->answered > st->most ? v->answered : st->most;

	if (tie)
		return v->answered && v->answered >= most;
	return 2 * v->winner > most;
}
