/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The module's side of myceliumd: the "mycelium" generic netlink family,
 * through libnl-genl-3.  One socket: it registers as the netns's daemon,
 * receives the kernel's requests (auth-ntf) and the peers' handshake
 * messages (handshake-ntf), and sends handshake messages and keys.
 * Requests are sent without waiting (errors come back asynchronously and
 * are logged); notifications are queued by the receive callback and
 * handed out by kern_next().
 */
#ifndef MYCD_KERNEL_H
#define MYCD_KERNEL_H

#include <stdbool.h>
#include <stdint.h>

#include "handshake.h"

struct kern_msg {
	uint8_t cmd;			/* MYC_CMD_AUTH_NTF or _HANDSHAKE_NTF */
	int reason;			/* auth-ntf: enum myc_auth_reason */
	struct hs_pair pair;
	uint8_t data[1200];		/* handshake-ntf */
	unsigned int len;
};

struct kern;

struct kern *kern_open(char *err, size_t len);
void kern_close(struct kern *k);
int kern_fd(struct kern *k);
int kern_register(struct kern *k);		/* 0 or -errno */
int kern_node_set(struct kern *k, uint64_t id, uint8_t type);
/* Read what the socket has; then kern_next() until it returns false. */
int kern_receive(struct kern *k);
bool kern_next(struct kern *k, struct kern_msg *m);
int kern_handshake(struct kern *k, uint64_t peer, const uint8_t *msg,
		   unsigned int len);
int kern_keys(struct kern *k, uint64_t peer, const struct hs_out *out);
int kern_refuse(struct kern *k, uint64_t peer);

#endif /* MYCD_KERNEL_H */
