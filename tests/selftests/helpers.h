/* SPDX-License-Identifier: GPL-2.0 */
/* Helpers shared by the in-VM selftests. */
#ifndef MYC_SELFTEST_HELPERS_H
#define MYC_SELFTEST_HELPERS_H

#include <stdbool.h>
#include <stdint.h>

#include "libmyc.h"

struct node_info {
	uint64_t id;
	int type;
	int port;
	int family;
	int sockets;
};

/* Runs a shell command; returns its exit status (or -1). */
int run(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
bool module_loaded(void);
int load_module(void);		/* modprobe mycelium, 0 on success */
/* Does the kernel log contain s? */
bool kmsg_contains(const char *s);

int node_get(struct node_info *n);	/* 0 or -errno */
/*
 * Sends NODE_SET with the given raw attributes; extack receives the
 * kernel's message (may be NULL).  Returns 0 or -errno.
 */
struct raw_attr {
	uint16_t type;
	uint16_t len;
	const void *data;
};
int node_set_raw(const struct raw_attr *attrs, int n, char *extack,
		 size_t extack_len);
int node_set(uint64_t id, int type, int port);	/* -1 = leave */
/*
 * Sends command cmd with the given raw attributes in netns ns, from this
 * process: no fork and exec between the caller and the kernel, for the
 * tests that must act within a few milliseconds.  0 or -errno.
 */
int genl_cmd_in(const char *ns, uint8_t cmd, const struct raw_attr *attrs,
		int n);

/* Drops to uid/gid 65534 (nobody); 0 on success. */
int become_nobody(void);

/* Network namespaces: a node per netns, veth between them. */
/* Create netns mA and mB joined by veth (10.0.0.1/2, fd00::1/2), node ids
 * 0xa and 0xb, each the other's peer over IPv4 (v6: over IPv6). */
/*
 * Shell commands that make node NS insecure with encryption none,
 * compression none and best-effort between all types: what the tests that
 * are not about trust run with (both ends must be insecure).
 */
#define INSECURE(ns) \
	"myc -n " ns " node set insecure on && " \
	"myc -n " ns " policy set any any encryption none compression none " \
	"reliability best-effort"
int topo_two_nodes(bool v6);
void topo_cleanup(void);
/*
 * mA and mB joined by two veth pairs, vA1-vB1 (10.0.1.1/2) and vA2-vB2
 * (10.0.2.1/2): each node's peer has path 1 over the first and path 2
 * over the second, probed every probe_ms, with the given extra `myc peer
 * add` arguments (strategy, failover, ...) on mA's side.
 */
int topo_two_paths(int probe_ms, const char *extra);
/* A number from `myc -n NS -j [-s] CMD` at a json_get key ("0.state"). */
long long myc_json(const char *ns, const char *cmd, const char *key);
/* The same as a string (empty when missing). */
char *myc_json_str(const char *ns, const char *cmd, const char *key,
		   char *out, size_t len);
/* A counter of mA's path id to b ("tx-frames"). */
long long path_stat(int id, const char *key);
/* socket() in the named netns (the socket stays in it). */
int socket_in(const char *ns, int type);
/* Run fn(arg) with the calling thread in netns ns; returns fn's result. */
int in_netns(const char *ns, int (*fn)(void *), void *arg);
/* myc_nl_open() in netns ns (the socket stays in it). */
int myc_nl_open_in(const char *ns, struct myc_nl *h);

/* sockaddr_myc helpers */
struct sockaddr_myc myc_addr(uint64_t node, uint16_t kind, uint32_t id);
int bind_port(int fd, uint32_t port);
/* setsockopt(SOL_MYCELIUM, opt) with an int; 0 or -1 with errno. */
int myc_setopt(int fd, int opt, int val);
uint32_t local_port(int fd);

/*
 * MYC_TEST_TIMEOUT_SCALE (environment; a whole number, default 1)
 * multiplies every test's harness timeout (TEST_TIMEOUT_DEFAULT, 30 s, or
 * TEST_F_TIMEOUT's): the alarm that kills a hung test, not an assert.
 * make check-debug sets it: the debug kernel (KASAN, lockdep) is several
 * times slower.  Test files include this after kselftest_harness.h.
 */
#ifdef TEST_HARNESS_MAIN
#include <stdlib.h>

static inline void myc_scale_test_timeouts(void)
{
	const char *s = getenv("MYC_TEST_TIMEOUT_SCALE");
	struct __fixture_metadata *f;
	struct __test_metadata *t;
	int k = s ? atoi(s) : 1;

	if (k <= 1)
		return;
	for (f = __fixture_list; f; f = f->next)
		for (t = f->tests; t; t = t->next)
			t->timeout *= k;
}

#undef TEST_HARNESS_MAIN
#define TEST_HARNESS_MAIN \
	int main(int argc, char **argv) \
	{ \
		myc_scale_test_timeouts(); \
		return test_harness_run(argc, argv); \
	}
#endif

#endif
