/* SPDX-License-Identifier: GPL-2.0 */
/*
 * libmyc: what the Mycelium tools share — generic netlink helpers (libmnl),
 * address and name parsing/printing, family lookup, text/JSON output.
 */
#ifndef LIBMYC_H
#define LIBMYC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <linux/mycelium.h>

/* family.c */
int myc_family(void);

/* names.c: enums <-> names (the same strings as the netlink YAML spec). */
const char *myc_node_type_name(unsigned int type);
int myc_node_type_parse(const char *s);		/* -1 if unknown */
const char *myc_class_name(unsigned int cls);
int myc_class_parse(const char *s);
const char *myc_guarantee_name(unsigned int g);
int myc_guarantee_parse(const char *s);
const char *myc_peer_state_name(unsigned int s);
const char *myc_path_state_name(unsigned int s);
const char *myc_strategy_name(unsigned int s);
int myc_strategy_parse(const char *s);
const char *myc_failover_name(unsigned int f);	/* 0 is "default" */
int myc_failover_parse(const char *s);
const char *myc_lb_name(unsigned int lb);	/* virtual endpoints */
int myc_lb_parse(const char *s);
const char *myc_backend_state_name(unsigned int s);
const char *myc_event_type_name(unsigned int t);
const char *myc_event_reason_name(unsigned int r);
const char *myc_profile_name(unsigned int p);
int myc_profile_parse(const char *s);
const char *myc_encryption_name(unsigned int e);
int myc_encryption_parse(const char *s);
const char *myc_compression_name(unsigned int c);
int myc_compression_parse(const char *s);
const char *myc_reliability_name(unsigned int r);
int myc_reliability_parse(const char *s);
const char *myc_auth_state_name(unsigned int a);
const char *myc_auth_reason_name(unsigned int r);
const char *myc_spore_type_name(unsigned int t);
int myc_spore_type_parse(const char *s);
const char *myc_spore_kind_name(unsigned int k);
const char *myc_spore_state_name(unsigned int st);
const char *myc_spore_check_name(unsigned int c);
const char *myc_spore_rule_name(unsigned int r);

/* addr.c */
#define MYC_NODE_ID_STRLEN 17			/* 16 hex digits + NUL */
int myc_node_id_parse(const char *s, uint64_t *id);	/* 0 or -EINVAL */
char *myc_node_id_fmt(uint64_t id, char buf[MYC_NODE_ID_STRLEN]);
int myc_u32_parse(const char *s, uint32_t max, uint32_t *v);
/* "N" or "Nms", min <= N <= max; 0 or -EINVAL. */
int myc_ms_parse(const char *s, uint32_t min, uint32_t max, uint32_t *v);
/*
 * Bytes: "N" with an optional binary suffix k, m, g (also kb, mb, gb, kib,
 * mib, gib; any case), min <= value <= max; 0 or -EINVAL.
 */
int myc_size_parse(const char *s, uint32_t min, uint32_t max, uint32_t *v);

/* nl.c: one generic netlink request/response channel. */
struct nlmsghdr;
struct nlattr;

#define MYC_NL_MAX_GROUPS 8

struct myc_nl {
	struct mnl_socket *sock;
	uint16_t family_id;
	struct {
		char name[16];
		uint32_t id;
	} groups[MYC_NL_MAX_GROUPS];	/* multicast groups of the family */
	uint32_t seq;
	uint32_t portid;
	char *buf;
	char errmsg[256];	/* extack message of the last error, or "" */
};

typedef int (*myc_nl_cb)(const struct nlmsghdr *nlh, void *data);

int myc_nl_open(struct myc_nl *h);
void myc_nl_close(struct myc_nl *h);
struct nlmsghdr *myc_nl_msg(struct myc_nl *h, uint8_t cmd, uint16_t flags);
int myc_nl_talk(struct myc_nl *h, struct nlmsghdr *nlh, myc_nl_cb cb,
		void *data);
/* Joins the family's multicast group name; 0 or -errno. */
int myc_nl_join(struct myc_nl *h, const char *name);
/* Receives one batch of messages into cb (for multicast listeners). */
int myc_nl_recv(struct myc_nl *h, myc_nl_cb cb, void *data);
/* Prints "Error: ..." for a failed talk (extack message or strerror). */
void myc_nl_perror(const struct myc_nl *h, int err);
/* Attribute table of a genetlink message: tb[0..max]. */
int myc_nl_parse(const struct nlmsghdr *nlh, const struct nlattr **tb,
		 unsigned int max);
/* The same for the attributes nested in nest. */
int myc_nl_parse_nested(const struct nlattr *nest, const struct nlattr **tb,
			unsigned int max);

/* out.c: iproute2-style output, text or JSON (json-c). */
void out_init(bool json, bool pretty);
bool out_is_json(void);
void out_open_array(const char *key);
void out_close_array(void);
void out_open_object(const char *key);
void out_close_object(void);
/* fmt is used in text mode only; a NULL fmt prints nothing in text mode. */
void out_str(const char *key, const char *fmt, const char *val);
void out_u64(const char *key, const char *fmt, uint64_t val);
/* JSON: val under key; text: text through fmt (e.g. val in other units). */
void out_u64_as(const char *key, uint64_t val, const char *fmt,
		const char *text);
void out_bool(const char *key, const char *fmt, bool val);
void out_text(const char *s);	/* text mode only */
void out_flush(void);		/* JSON: print the document */

/* stats.c: a MYC_A_STATS_* nest, as "stats" in JSON. */
void myc_print_stats(const struct nlattr *nest, const char *indent);

/* inet.c: IP addresses on the command line. */
struct myc_inaddr {
	int family;		/* AF_INET or AF_INET6 */
	uint8_t addr[16];	/* 4 or 16 bytes used */
	uint16_t port;		/* 0 when not given */
};
/* "1.2.3.4", "1.2.3.4:P", "fe80::1", "[fe80::1]:P"; allow_port. */
int myc_inaddr_parse(const char *s, bool allow_port, struct myc_inaddr *a);
const char *myc_inaddr_fmt(int family, const void *addr, char *buf,
			   size_t len);

/* procsock.c: the bound sockets of this netns's node, from /proc. */
#define MYC_PROC_SOCKETS "/proc/net/mycelium"

enum {				/* myc_sock_entry.has: optional columns */
	MYC_SOCK_SERVICE = 1 << 0,
	MYC_SOCK_RX_QUEUE = 1 << 1,
	MYC_SOCK_TX_QUEUE = 1 << 2,
	MYC_SOCK_UID = 1 << 3,
	MYC_SOCK_INODE = 1 << 4,
	MYC_SOCK_STATE = 1 << 5,
	MYC_SOCK_PEER = 1 << 6,
};

struct myc_sock_entry {
	uint32_t port;
	uint32_t service;
	char type[16];		/* "dgram", "seqpacket" or the kernel's word */
	uint32_t rx_queue;	/* bytes */
	uint32_t tx_queue;
	uint32_t uid;
	uint64_t inode;
	char state[16];		/* "listen", "established", ... */
	uint64_t peer_node;	/* connected to (MYC_SOCK_PEER) */
	uint16_t peer_kind;	/* MYC_ADDR_PORT or MYC_ADDR_SERVICE */
	uint32_t peer_id;
	unsigned int has;	/* MYC_SOCK_* present on this line */
};

typedef int (*myc_sock_cb)(const struct myc_sock_entry *e, void *data);

/*
 * Reads a /proc/net/mycelium table from f, columns found by its header line
 * (unknown ones skipped), and calls cb for each socket; a non-zero return of
 * cb stops the walk and is returned.  Returns 0, -EPROTO (no header with
 * port and type), -EBADMSG (a malformed line) or -errno of a read error;
 * *lineno is the line read last.
 */
int myc_proc_sockets_read(FILE *f, myc_sock_cb cb, void *data,
			  unsigned int *lineno);

/* error.c */
void myc_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif /* LIBMYC_H */
