// SPDX-License-Identifier: GPL-2.0
/*
 * /proc/net/mycelium, the bound sockets of this netns's node (kmod/proc.c):
 *
 *   port     service  type  rx_queue tx_queue uid   inode
 *   80000001 00004242 dgram 00000000 00000000 0     12345
 *
 * Columns are found by the names on the header line, so the kernel may add,
 * drop or reorder columns: unknown ones are skipped, and a "-" in an
 * optional column means the value is absent.  port and type are required.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libmyc.h"

enum col {
	COL_UNKNOWN,
	COL_PORT,
	COL_SERVICE,
	COL_TYPE,
	COL_RX_QUEUE,
	COL_TX_QUEUE,
	COL_UID,
	COL_INODE,
	COL_STATE,
	COL_PEER,
};

#define MAX_COLS 64
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define SEP " \t\n"

static enum col col_of(const char *name)
{
	static const char *const names[] = {
		[COL_PORT] = "port",
		[COL_SERVICE] = "service",
		[COL_TYPE] = "type",
		[COL_RX_QUEUE] = "rx_queue",
		[COL_TX_QUEUE] = "tx_queue",
		[COL_UID] = "uid",
		[COL_INODE] = "inode",
		[COL_STATE] = "state",
		[COL_PEER] = "peer",
	};
	size_t i;

	for (i = 1; i < ARRAY_SIZE(names); i++)
		if (!strcmp(name, names[i]))
			return (enum col)i;
	return COL_UNKNOWN;
}

/* A whole number in base 16 or 10, at most max. */
static int num(const char *s, int base, uint64_t max, uint64_t *v)
{
	unsigned long long x;
	char *end;

	if (!*s || *s == '-' || *s == '+')
		return -EINVAL;
	errno = 0;
	x = strtoull(s, &end, base);
	if (errno || *end || x > max)
		return -EINVAL;
	*v = x;
	return 0;
}

/* "node:p:port" or "node:s:service", all hex. */
static int set_peer(struct myc_sock_entry *e, const char *s)
{
	char node[17], kind, id[9];
	uint64_t n, i;
	int end = 0;

	if (sscanf(s, "%16[0-9a-f]:%c:%8[0-9a-f]%n", node, &kind, id,
		   &end) != 3 || s[end] || (kind != 'p' && kind != 's') ||
	    num(node, 16, UINT64_MAX, &n) || num(id, 16, UINT32_MAX, &i))
		return -EINVAL;
	e->peer_node = n;
	e->peer_kind = kind == 's' ? MYC_ADDR_SERVICE : MYC_ADDR_PORT;
	e->peer_id = (uint32_t)i;
	e->has |= MYC_SOCK_PEER;
	return 0;
}

static int set_field(struct myc_sock_entry *e, enum col c, const char *s)
{
	size_t len;
	uint64_t v;

	if (c == COL_TYPE) {
		/* the kernel abbreviates seqpacket to fit its column */
		if (!strcmp(s, "seqp"))
			s = "seqpacket";
		len = strlen(s);
		if (len >= sizeof(e->type))
			return -EINVAL;
		memcpy(e->type, s, len + 1);
		return 0;
	}
	if (c != COL_PORT && !strcmp(s, "-"))
		return 0;
	if (c == COL_STATE) {
		len = strlen(s);
		if (len >= sizeof(e->state))
			return -EINVAL;
		memcpy(e->state, s, len + 1);
		e->has |= MYC_SOCK_STATE;
		return 0;
	}
	if (c == COL_PEER)
		return set_peer(e, s);
	switch (c) {
	case COL_PORT:
		if (num(s, 16, UINT32_MAX, &v))
			return -EINVAL;
		e->port = (uint32_t)v;
		return 0;
	case COL_SERVICE:
		if (num(s, 16, UINT32_MAX, &v))
			return -EINVAL;
		e->service = (uint32_t)v;
		e->has |= MYC_SOCK_SERVICE;
		return 0;
	case COL_RX_QUEUE:
	case COL_TX_QUEUE:
		if (num(s, 16, UINT32_MAX, &v))
			return -EINVAL;
		if (c == COL_RX_QUEUE)
			e->rx_queue = (uint32_t)v;
		else
			e->tx_queue = (uint32_t)v;
		e->has |= c == COL_RX_QUEUE ? MYC_SOCK_RX_QUEUE :
					      MYC_SOCK_TX_QUEUE;
		return 0;
	case COL_UID:
		if (num(s, 10, UINT32_MAX, &v))
			return -EINVAL;
		e->uid = (uint32_t)v;
		e->has |= MYC_SOCK_UID;
		return 0;
	case COL_INODE:
		if (num(s, 10, UINT64_MAX, &v))
			return -EINVAL;
		e->inode = v;
		e->has |= MYC_SOCK_INODE;
		return 0;
	default:
		return 0;
	}
}

int myc_proc_sockets_read(FILE *f, myc_sock_cb cb, void *data,
			  unsigned int *lineno)
{
	enum col cols[MAX_COLS];
	bool has_port = false, has_type = false;
	unsigned int ncols = 0, i;
	size_t cap = 0;
	char *line = NULL, *tok, *save;
	int err = 0;

	*lineno = 1;
	if (getline(&line, &cap, f) < 0) {
		err = ferror(f) ? -errno : -EPROTO;
		goto out;
	}
	for (tok = strtok_r(line, SEP, &save); tok;
	     tok = strtok_r(NULL, SEP, &save)) {
		if (ncols == MAX_COLS) {
			err = -EPROTO;
			goto out;
		}
		cols[ncols] = col_of(tok);
		has_port |= cols[ncols] == COL_PORT;
		has_type |= cols[ncols] == COL_TYPE;
		ncols++;
	}
	if (!has_port || !has_type) {
		err = -EPROTO;
		goto out;
	}

	while (errno = 0, getline(&line, &cap, f) >= 0) {
		struct myc_sock_entry e = {};

		++*lineno;
		tok = strtok_r(line, SEP, &save);
		if (!tok)
			continue;	/* blank line */
		for (i = 0; i < ncols; i++) {
			if (!tok || set_field(&e, cols[i], tok)) {
				err = -EBADMSG;
				goto out;
			}
			tok = strtok_r(NULL, SEP, &save);
		}
		/* values beyond the last named column are ignored */
		err = cb(&e, data);
		if (err)
			goto out;
	}
	if (ferror(f))
		err = errno ? -errno : -EIO;
out:
	free(line);
	return err;
}
