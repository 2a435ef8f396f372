/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A conflict decided by the sclerotia's votes is asked about again
 * (Documentation/spores.rst, "Conflicts", rule 4): the sclerotia may
 * still have been deciding the same conflict when they answered, so the
 * votes a node counted can be a moment's picture that then moves.  Each
 * node therefore asks again RECHECK_MS after a decision by the votes,
 * judges the pair again with the new votes, and turns to the other
 * version when it wins now.  It stops when the votes settled: two rounds
 * in a row in which every sclerotia that answered (at least one besides
 * the node itself, and as many as any round had) holds the version the
 * node holds and none of them was still deciding the conflict itself;
 * or after RECHECK_ROUNDS re-checks.
 *
 * Pure C, no I/O: host unit tests run it, with a model of a network of
 * nodes deciding at once (tests/unit/test_spores.c).
 */
#ifndef MYCD_RECHECK_H
#define MYCD_RECHECK_H

#include <stdbool.h>
#include <stdint.h>

#define RECHECK_MS	2000
#define RECHECK_ROUNDS	8

/*
 * The votes one round counted: for the version held after it, for the
 * other one; how many sclerotia answered at all, how many of those were
 * not the asking node itself (a sclerotia asks itself too), and how many
 * of those others were deciding the conflict themselves when they
 * answered (asking or re-checking it).
 */
struct recheck_votes {
	uint32_t winner, loser, answered, others, deciding;
};

struct recheck_state {
	unsigned int rounds;		/* re-checks asked so far */
	struct recheck_votes last;	/* the round before */
	bool turned;			/* it turned to the other version */
	uint32_t most;			/* the most answers a round had */
};

/*
 * A decision by the votes was just made, the first one (st zeroed) or a
 * re-check (switched: it turned to the other version).  True when another
 * round is due; st remembers this round.
 */
bool recheck_again(struct recheck_state *st, const struct recheck_votes *v,
		   bool switched);

/*
 * Is the node's own vote steady while it re-checks: did its last round
 * find every answer for the version it holds, without turning?  A node
 * that is not tells askers it is deciding (CONS_DECIDING).
 */
bool recheck_steady(const struct recheck_state *st);

/*
 * On a re-check the other version won, by more votes or (tie) by the
 * smaller digest on a tie of votes: may the node turn to it?  Only on a
 * majority of the most sclerotia that answered any round of this
 * conflict, or on a tie with as many answers: a sclerotia that answered
 * late is no reason to turn, and a part of the votes can show a majority
 * the whole does not have.
 */
bool recheck_may_turn(const struct recheck_state *st,
		      const struct recheck_votes *v, bool tie);

#endif /* MYCD_RECHECK_H */
