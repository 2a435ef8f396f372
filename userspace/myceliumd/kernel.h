/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The module's side of myceliumd: the "mycelium" generic netlink family,
 * through libnl-genl-3.  One socket: it registers as the netns's daemon,
 * receives the kernel's requests (auth-ntf) and the peers' handshake
 * messages (handshake-ntf), and sends handshake messages and keys.
 * The daemon's own requests (verdicts, keys, handshake messages) are sent
 * without waiting (errors come back asynchronously and are logged); the
 * others wait for their answer on a second socket (kernel.c says why).
 * Notifications are queued by the receive callback and handed out by
 * kern_next().
 */
#ifndef MYCD_KERNEL_H
#define MYCD_KERNEL_H

#include <stdbool.h>
#include <stdint.h>

#include <linux/mycelium.h>

#include "handshake.h"
#include "spore.h"

/* A contact from a node that is not a peer (contact-ntf). */
struct kern_contact {
	uint64_t node;
	uint8_t type;
	int family;			/* AF_INET, AF_INET6 */
	uint8_t local[16], remote[16];
	uint16_t port;
	uint32_t ifindex;
};

struct kern_msg {
	uint8_t cmd;			/* MYC_CMD_*_NTF */
	int reason;			/* auth-ntf: enum myc_auth_reason */
	struct hs_pair pair;
	/* handshake data, a spore, or the payload of one to publish */
	uint8_t data[MYC_SPORE_MAX];
	unsigned int len;
	/* spore-ntf: a spore came (blob) or one is to publish (!blob) */
	bool blob;
	uint64_t cookie, from;
	char id[MYC_SPORE_ID_MAX + 1];
	uint8_t spore_type;
	uint32_t ttl;
	/* event-ntf: a spore event (id, state) */
	uint8_t state;
	struct kern_contact contact;	/* contact-ntf */
};

struct kern;

struct kern *kern_open(char *err, size_t len);
void kern_close(struct kern *k);
int kern_fd(struct kern *k);
int kern_register(struct kern *k);		/* 0 or -errno */
int kern_node_set(struct kern *k, uint64_t id, uint8_t type);
/* The node's UDP port as the kernel has it, or -errno. */
int kern_node_port(struct kern *k);
/* Read what the socket has; then kern_next() until it returns false. */
int kern_receive(struct kern *k);
bool kern_next(struct kern *k, struct kern_msg *m);
int kern_handshake(struct kern *k, uint64_t peer, const uint8_t *msg,
		   unsigned int len);
int kern_keys(struct kern *k, uint64_t peer, const struct hs_out *out);
int kern_refuse(struct kern *k, uint64_t peer);
/* Spores: the verdict on one that came (cookie), or one to add (blob). */
struct kern_verdict {
	uint8_t state;			/* MYC_SPORE_ACCEPTED or _REJECTED */
	bool forward;
	const struct spore_verdict *v;	/* checks, reason, digest */
	uint8_t rule;
	uint32_t trust;
};
int kern_spore_verdict(struct kern *k, uint64_t cookie,
		       const struct kern_verdict *kv);
int kern_spore_add(struct kern *k, const uint8_t *blob, size_t len,
		   const struct kern_verdict *kv);
/* Receive the events group too (spore events). */
int kern_join_events(struct kern *k);
/* Say hello to an address (bootstrap); port 0: the default. */
int kern_contact(struct kern *k, int family, const uint8_t *addr,
		 uint16_t port);
/* A peer with one path; -EEXIST when the peer exists (path_add then). */
int kern_peer_add(struct kern *k, uint64_t id, uint8_t type, int family,
		  const uint8_t *local, const uint8_t *remote, uint16_t port,
		  uint32_t ifindex);
int kern_path_add(struct kern *k, uint64_t id, int family,
		  const uint8_t *local, const uint8_t *remote, uint16_t port,
		  uint32_t ifindex);

#endif /* MYCD_KERNEL_H */
