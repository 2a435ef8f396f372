// SPDX-License-Identifier: GPL-2.0
/* myceliumd's SQLite state (store.h). */
#include <errno.h>
#include <inttypes.h>
#include <libgen.h>
#include <stdio.h>
#include <sys/stat.h>
#include <stdlib.h>
#include <string.h>
#include <sqlite3.h>

#include "log.h"
#include "store.h"

#define REJECTED_KEEP	1000

struct store {
	sqlite3 *db;
};

static const char schema[] =
	"PRAGMA journal_mode=WAL;"
	"PRAGMA synchronous=FULL;"
	"CREATE TABLE IF NOT EXISTS spores ("
	" digest BLOB PRIMARY KEY,"
	" id TEXT NOT NULL,"
	" origin INTEGER NOT NULL,"
	" type INTEGER NOT NULL,"
	" kind INTEGER NOT NULL,"
	" version INTEGER NOT NULL,"
	" timestamp INTEGER NOT NULL,"
	" expires INTEGER NOT NULL,"
	" blob BLOB NOT NULL,"
	" state INTEGER NOT NULL,"
	" held INTEGER NOT NULL DEFAULT 0,"
	" c_crypto INTEGER, c_temporal INTEGER, c_consistency INTEGER,"
	" c_trust INTEGER,"
	" reason TEXT, rule INTEGER, trust INTEGER,"
	" from_peer INTEGER, received INTEGER);"
	"CREATE INDEX IF NOT EXISTS spores_id ON spores(id, held);"
	"CREATE TABLE IF NOT EXISTS trust ("
	" node INTEGER PRIMARY KEY,"
	" score INTEGER NOT NULL,"
	" valid INTEGER NOT NULL DEFAULT 0,"
	" invalid INTEGER NOT NULL DEFAULT 0,"
	" updated INTEGER);";

static int exec(struct store *s, const char *sql)
{
	char *msg = NULL;

	if (sqlite3_exec(s->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		logm(LOG_ERR, "database: %s", msg ? msg : "error");
		sqlite3_free(msg);
		return -1;
	}
	return 0;
}

struct store *store_open(const char *path, char *err, size_t len)
{
	struct store *s = calloc(1, sizeof(*s));
	char *msg = NULL;

	char dir[4096];

	if (!s) {
		snprintf(err, len, "no memory");
		return NULL;
	}
	/* its directory, one level, as a package would have made it */
	snprintf(dir, sizeof(dir), "%s", path);
	if (mkdir(dirname(dir), 0700) && errno != EEXIST) {
		snprintf(err, len, "%s: %s", dir, strerror(errno));
		free(s);
		return NULL;
	}
	if (sqlite3_open(path, &s->db) != SQLITE_OK) {
		snprintf(err, len, "%s: %s", path, sqlite3_errmsg(s->db));
		goto fail;
	}
	/* the tools and the daemon take turns */
	sqlite3_busy_timeout(s->db, 5000);
	if (sqlite3_exec(s->db, schema, NULL, NULL, &msg) != SQLITE_OK) {
		snprintf(err, len, "%s: %s", path, msg ? msg : "error");
		sqlite3_free(msg);
		goto fail;
	}
	return s;
fail:
	sqlite3_close(s->db);
	free(s);
	return NULL;
}

void store_close(struct store *s)
{
	if (!s)
		return;
	sqlite3_close(s->db);
	free(s);
}

static sqlite3_stmt *prep(struct store *s, const char *sql)
{
	sqlite3_stmt *st = NULL;

	if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK) {
		logm(LOG_ERR, "database: %s", sqlite3_errmsg(s->db));
		return NULL;
	}
	return st;
}

/* Step a statement to its end and finalize it: 0 or -1. */
static int run(struct store *s, sqlite3_stmt *st)
{
	int rc;

	if (!st)
		return -1;
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
		logm(LOG_ERR, "database: %s", sqlite3_errmsg(s->db));
		return -1;
	}
	return 0;
}

static void id_of(char out[MYC_SPORE_ID_MAX + 1], const struct myc_spore *sp)
{
	memcpy(out, sp->id, sp->id_len);
	out[sp->id_len] = '\0';
}

int store_put(struct store *s, const struct spore_verdict *v,
	      const uint8_t *blob, size_t len, uint8_t state, bool held,
	      uint8_t rule, uint32_t trust, uint64_t from, uint64_t now_ms)
{
	const struct myc_spore *sp = &v->sp;
	char id[MYC_SPORE_ID_MAX + 1];
	sqlite3_stmt *st;

	id_of(id, sp);
	if (exec(s, "BEGIN IMMEDIATE"))
		return -1;
	if (held) {
		st = prep(s, "UPDATE spores SET held = 0 WHERE id = ?1 AND held");
		if (st)
			sqlite3_bind_text(st, 1, id, -1, SQLITE_TRANSIENT);
		if (run(s, st))
			goto rollback;
	}
	st = prep(s, "INSERT OR REPLACE INTO spores (digest, id, origin, type,"
		  " kind, version, timestamp, expires, blob, state, held,"
		  " c_crypto, c_temporal, c_consistency, c_trust, reason, rule,"
		  " trust, from_peer, received) VALUES (?1, ?2, ?3, ?4, ?5, ?6,"
		  " ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18,"
		  " ?19, ?20)");
	if (!st)
		goto rollback;
	sqlite3_bind_blob(st, 1, v->digest, sizeof(v->digest), SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 3, (sqlite3_int64)sp->origin);
	sqlite3_bind_int(st, 4, sp->type);
	sqlite3_bind_int(st, 5, sp->kind);
	sqlite3_bind_int64(st, 6, (sqlite3_int64)sp->version);
	sqlite3_bind_int64(st, 7, (sqlite3_int64)sp->timestamp_ms);
	sqlite3_bind_int64(st, 8, (sqlite3_int64)myc_spore_expiry_ms(sp));
	sqlite3_bind_blob(st, 9, blob, (int)len, SQLITE_TRANSIENT);
	sqlite3_bind_int(st, 10, state);
	sqlite3_bind_int(st, 11, held);
	for (int i = 0; i < CHECK_CNT; i++)
		sqlite3_bind_int(st, 12 + i, v->checks[i]);
	sqlite3_bind_text(st, 16, v->reason, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int(st, 17, rule);
	sqlite3_bind_int(st, 18, (int)trust);
	sqlite3_bind_int64(st, 19, (sqlite3_int64)from);
	sqlite3_bind_int64(st, 20, (sqlite3_int64)now_ms);
	if (run(s, st))
		goto rollback;
	return exec(s, "COMMIT");
rollback:
	exec(s, "ROLLBACK");
	return -1;
}

size_t store_held(struct store *s, const char *id, uint8_t *buf, size_t size)
{
	sqlite3_stmt *st = prep(s, "SELECT blob FROM spores WHERE id = ?1 AND held");
	size_t n = 0;

	if (!st)
		return 0;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_TRANSIENT);
	if (sqlite3_step(st) == SQLITE_ROW) {
		n = (size_t)sqlite3_column_bytes(st, 0);
		if (n > size)
			n = 0;
		else
			memcpy(buf, sqlite3_column_blob(st, 0), n);
	}
	sqlite3_finalize(st);
	return n;
}

bool store_rejected(struct store *s, const uint8_t digest[MYC_SPORE_DIGEST_LEN])
{
	sqlite3_stmt *st = prep(s, "SELECT 1 FROM spores WHERE digest = ?1 AND state = ?2");
	bool found;

	if (!st)
		return false;
	sqlite3_bind_blob(st, 1, digest, MYC_SPORE_DIGEST_LEN, SQLITE_TRANSIENT);
	sqlite3_bind_int(st, 2, MYC_SPORE_REJECTED);
	found = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_finalize(st);
	return found;
}

int store_unhold(struct store *s, const char *id)
{
	sqlite3_stmt *st = prep(s, "UPDATE spores SET held = 0 WHERE id = ?1");

	if (st)
		sqlite3_bind_text(st, 1, id, -1, SQLITE_TRANSIENT);
	return run(s, st);
}

int store_each_held(struct store *s, uint64_t now_ms,
		    int (*cb)(void *arg, const uint8_t *blob, size_t len),
		    void *arg)
{
	sqlite3_stmt *st = prep(s, "SELECT blob FROM spores WHERE held AND"
				" expires > ?1 ORDER BY received");
	int err = 0;

	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, (sqlite3_int64)now_ms);
	while (!err && sqlite3_step(st) == SQLITE_ROW)
		err = cb(arg, sqlite3_column_blob(st, 0),
			 (size_t)sqlite3_column_bytes(st, 0));
	sqlite3_finalize(st);
	return err;
}

int store_sclerotia(struct store *s, uint64_t *out, int max, uint64_t now_ms)
{
	sqlite3_stmt *st = prep(s, "SELECT origin FROM spores WHERE held AND"
				" kind = ?1 AND type = ?2 AND expires > ?3");
	int n = 0;

	if (!st)
		return 0;
	sqlite3_bind_int(st, 1, MYC_SPORE_KIND_MEMBERSHIP);
	sqlite3_bind_int(st, 2, MYC_SPORE_PRIMARY);
	sqlite3_bind_int64(st, 3, (sqlite3_int64)now_ms);
	while (n < max && sqlite3_step(st) == SQLITE_ROW)
		out[n++] = (uint64_t)sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return n;
}

int store_prune(struct store *s, uint64_t now_ms)
{
	sqlite3_stmt *st = prep(s, "UPDATE spores SET held = 0 WHERE held AND"
				" expires <= ?1");

	if (st)
		sqlite3_bind_int64(st, 1, (sqlite3_int64)now_ms);
	if (run(s, st))
		return -1;
	st = prep(s, "DELETE FROM spores WHERE NOT held AND state = ?1 AND"
		  " rowid NOT IN (SELECT rowid FROM spores WHERE NOT held AND"
		  " state = ?1 ORDER BY received DESC LIMIT ?2)");
	if (st) {
		sqlite3_bind_int(st, 1, MYC_SPORE_REJECTED);
		sqlite3_bind_int(st, 2, REJECTED_KEEP);
	}
	return run(s, st);
}

uint32_t store_trust(struct store *s, uint64_t node)
{
	sqlite3_stmt *st = prep(s, "SELECT score FROM trust WHERE node = ?1");
	uint32_t score = TRUST_START;

	if (!st)
		return score;
	sqlite3_bind_int64(st, 1, (sqlite3_int64)node);
	if (sqlite3_step(st) == SQLITE_ROW)
		score = (uint32_t)sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return score;
}

int store_trust_add(struct store *s, uint64_t node, int delta, bool valid)
{
	sqlite3_stmt *st = prep(s,
		"INSERT INTO trust (node, score, valid, invalid, updated)"
		" VALUES (?1, MAX(0, MIN(?4, ?5 + ?2)), ?3, 1 - ?3,"
		" strftime('%s', 'now'))"
		" ON CONFLICT(node) DO UPDATE SET"
		" score = MAX(0, MIN(?4, score + ?2)),"
		" valid = valid + ?3, invalid = invalid + 1 - ?3,"
		" updated = strftime('%s', 'now')");

	if (st) {
		sqlite3_bind_int64(st, 1, (sqlite3_int64)node);
		sqlite3_bind_int(st, 2, delta);
		sqlite3_bind_int(st, 3, valid);
		sqlite3_bind_int(st, 4, MYC_TRUST_MAX);
		sqlite3_bind_int(st, 5, TRUST_START);
	}
	return run(s, st);
}

int store_trust_set(struct store *s, uint64_t node, uint32_t score)
{
	sqlite3_stmt *st = prep(s,
		"INSERT INTO trust (node, score, updated)"
		" VALUES (?1, ?2, strftime('%s', 'now'))"
		" ON CONFLICT(node) DO UPDATE SET score = ?2,"
		" updated = strftime('%s', 'now')");

	if (st) {
		sqlite3_bind_int64(st, 1, (sqlite3_int64)node);
		sqlite3_bind_int(st, 2, (int)score);
	}
	return run(s, st);
}

int store_print_trust(struct store *s, bool json)
{
	sqlite3_stmt *st = prep(s, "SELECT node, score, valid, invalid FROM"
				" trust ORDER BY node");

	if (!st)
		return -1;
	while (sqlite3_step(st) == SQLITE_ROW) {
		uint64_t node = (uint64_t)sqlite3_column_int64(st, 0);
		int score = sqlite3_column_int(st, 1),
		    valid = sqlite3_column_int(st, 2),
		    invalid = sqlite3_column_int(st, 3);

		if (json)
			printf("{\"node\":\"%016" PRIx64 "\",\"score\":%d,"
			       "\"valid\":%d,\"invalid\":%d}\n",
			       node, score, valid, invalid);
		else
			printf("%016" PRIx64 " score %d valid %d invalid %d\n",
			       node, score, valid, invalid);
	}
	sqlite3_finalize(st);
	return 0;
}

int store_print_spores(struct store *s, bool json)
{
	static const char *const states[] = {
		"?", "pending", "accepted", "rejected", "replaced", "expired",
		"deleted",
	};
	sqlite3_stmt *st = prep(s, "SELECT id, origin, type, version, state,"
				" held, reason FROM spores ORDER BY received");

	if (!st)
		return -1;
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *id = (const char *)sqlite3_column_text(st, 0);
		const char *reason = (const char *)sqlite3_column_text(st, 6);
		uint64_t origin = (uint64_t)sqlite3_column_int64(st, 1);
		const char *type = spore_type_name((uint8_t)sqlite3_column_int(st, 2));
		long long version = (long long)sqlite3_column_int64(st, 3);
		int state = sqlite3_column_int(st, 4);
		bool held = sqlite3_column_int(st, 5);

		if (state < 0 || state > MYC_SPORE_STATE_MAX)
			state = 0;
		/* ids and our reasons hold no quote nor backslash */
		if (json)
			printf("{\"id\":\"%s\",\"origin\":\"%016" PRIx64 "\","
			       "\"type\":\"%s\",\"version\":%lld,"
			       "\"state\":\"%s\",\"held\":%s,"
			       "\"reason\":\"%s\"}\n", id, origin, type, version,
			       states[state], held ? "true" : "false",
			       reason ? reason : "");
		else
			printf("%s origin %016" PRIx64 " type %s version %lld %s%s%s%s\n",
			       id, origin, type, version, states[state],
			       held ? " held" : "", reason && *reason ? " " : "",
			       reason ? reason : "");
	}
	sqlite3_finalize(st);
	return 0;
}
