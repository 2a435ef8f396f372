/* SPDX-License-Identifier: ((GPL-2.0 WITH Linux-syscall-note) OR MIT) */
/*
 * Mycelium: AF_MYCELIUM sockets and the "mycelium" generic netlink family.
 *
 * This is the one header shared by the kernel module, the userspace library,
 * the tools and applications.  The generic netlink part is described in
 * Documentation/netlink/specs/mycelium.yaml; the two are kept in sync by a
 * host test (tests/unit/test_uapi_spec.py).
 */
#ifndef _UAPI_LINUX_MYCELIUM_H
#define _UAPI_LINUX_MYCELIUM_H

#include <linux/types.h>
#include <linux/socket.h>

/*
 * Address family.  Out-of-tree modules cannot get a number of their own, so
 * the module registers on a number that no in-tree family implements (25 is
 * the never-implemented AF_WANPIPE slot).  The module parameter "family"
 * overrides it; applications should ask the running module through
 * /sys/module/mycelium/parameters/family (libmycelium's myc_family() does).
 */
#define AF_MYCELIUM_DEFAULT	25
#ifndef AF_MYCELIUM
#define AF_MYCELIUM		AF_MYCELIUM_DEFAULT
#endif
#ifndef PF_MYCELIUM
#define PF_MYCELIUM		AF_MYCELIUM
#endif

/* Socket option level (getsockopt/setsockopt and cmsg_level). */
#define SOL_MYCELIUM		295

/* Default UDP port of a node's bearer socket. */
#define MYC_DEFAULT_UDP_PORT	6920

/* Largest message a socket accepts (fragmented and reassembled in-kernel). */
#define MYC_MAX_MSG_SIZE	(256 * 1024)

/* Ports below this need CAP_NET_BIND_SERVICE. */
#define MYC_PORT_PRIVILEGED	1024

/* smyc_kind */
enum myc_addr_kind {
	MYC_ADDR_PORT = 1,	/* smyc_id is a port */
	MYC_ADDR_SERVICE,	/* smyc_id is a service id */
	MYC_ADDR_ENDPOINT,	/* smyc_id is a virtual endpoint id */
};

struct sockaddr_myc {
	__kernel_sa_family_t smyc_family;	/* AF_MYCELIUM */
	__u16 smyc_kind;			/* enum myc_addr_kind */
	__u32 smyc_id;				/* port, service or endpoint id */
	__u64 smyc_node;			/* node id; 0 = this node */
};

/* Node types (SPEC section 1). */
enum myc_node_type {
	MYC_NODE_SCLEROTIA,	/* core node */
	MYC_NODE_RHIZOMORPH,	/* relay / regional node */
	MYC_NODE_HYPHAE,	/* edge / client node */

	__MYC_NODE_TYPE_CNT,
	MYC_NODE_TYPE_MAX = __MYC_NODE_TYPE_CNT - 1
};

/* Message classes, highest scheduling precedence first. */
enum myc_class {
	MYC_CLASS_CONSENSUS,
	MYC_CLASS_HEALTH,
	MYC_CLASS_SERVICE,
	MYC_CLASS_RESOURCE,
	MYC_CLASS_SPORE,

	__MYC_CLASS_CNT,
	MYC_CLASS_MAX = __MYC_CLASS_CNT - 1
};

/* Delivery guarantees (SPEC section 3). */
enum myc_guarantee {
	MYC_GUARANTEE_BEST_EFFORT,
	MYC_GUARANTEE_HIGH,
	MYC_GUARANTEE_GUARANTEED,

	__MYC_GUARANTEE_CNT,
	MYC_GUARANTEE_MAX = __MYC_GUARANTEE_CNT - 1
};

/* Message priority range (higher is sent first within a class). */
#define MYC_PRIORITY_MIN	0
#define MYC_PRIORITY_MAX	7
#define MYC_PRIORITY_DEFAULT	3

/*
 * Socket options at level SOL_MYCELIUM.  Each takes an int.  The same
 * numbers are used as cmsg_type on sendmsg() to override the socket's value
 * for one message; recvmsg() returns MYC_CLASS for every message when
 * MYC_RECV_CLASS is enabled.
 */
enum {
	MYC_SO_CLASS = 1,	/* enum myc_class */
	MYC_SO_PRIORITY,	/* MYC_PRIORITY_MIN..MYC_PRIORITY_MAX */
	MYC_SO_GUARANTEE,	/* enum myc_guarantee */
	MYC_SO_RECV_CLASS,	/* bool: deliver MYC_CMSG_CLASS on recvmsg */
	MYC_SO_TIMEOUT,		/* ms unacknowledged before it comes back */
};

#define MYC_CMSG_CLASS		MYC_SO_CLASS
#define MYC_CMSG_PRIORITY	MYC_SO_PRIORITY
#define MYC_CMSG_GUARANTEE	MYC_SO_GUARANTEE

/*
 * MYC_SO_TIMEOUT: how long a reliable message may stay unacknowledged
 * before it is given up and returned on the error queue (0: never).
 */
#define MYC_DEFAULT_TIMEOUT_MS	30000
#define MYC_MAX_TIMEOUT_MS	3600000

/*
 * Undeliverable messages.  A reliable message (high or guaranteed) that
 * cannot be delivered comes back on the sender's error queue: recvmsg()
 * with MSG_ERRQUEUE returns its data (the first bytes only when the remote
 * node returned a large message: ee_data has the original length), its
 * destination in msg_name and a cmsg at level SOL_MYCELIUM, type
 * MYC_CMSG_ERR, holding a struct sock_extended_err:
 *   ee_errno   ECONNREFUSED: nobody is bound to the destination
 *              ETIMEDOUT:    not acknowledged within MYC_SO_TIMEOUT
 *              EHOSTUNREACH: the peer was removed before it acknowledged
 *   ee_origin  MYC_EE_ORIGIN_LOCAL (this node gave up) or
 *              MYC_EE_ORIGIN_REMOTE (the remote node returned it)
 *   ee_data    the original message length
 * Best-effort messages never come back.
 */
#define MYC_CMSG_ERR		16
#define MYC_EE_ORIGIN_LOCAL	1	/* SO_EE_ORIGIN_LOCAL */
#define MYC_EE_ORIGIN_REMOTE	16

/*
 * Generic netlink family "mycelium".
 *
 * Configuration commands (everything but *_GET) need CAP_NET_ADMIN in the
 * user namespace that owns the network namespace.  Every attribute is
 * checked against a per-command policy; errors carry an extack message.
 */
#define MYC_GENL_NAME		"mycelium"
#define MYC_GENL_VERSION	1

/* Multicast groups. */
#define MYC_MCGRP_EVENTS	"events"	/* state changes, see MYC_CMD_*_NTF */
#define MYC_MCGRP_AUTH		"auth"		/* requests to myceliumd */

enum myc_cmd {
	MYC_CMD_UNSPEC,
	MYC_CMD_NODE_GET,	/* attrs: none; reply: MYC_A_NODE_* */
	MYC_CMD_NODE_SET,	/* attrs: MYC_A_NODE_{ID,TYPE,PORT} */
	MYC_CMD_NODE_NTF,	/* events group: node changed, MYC_A_NODE_* */
	MYC_CMD_PEER_GET,	/* do (MYC_A_PEER_ID) or dump; MYC_A_PEER_* */
	MYC_CMD_PEER_ADD,	/* MYC_A_PEER_{ID,TYPE}, MYC_A_PEER_PATH... */
	MYC_CMD_PEER_DEL,	/* MYC_A_PEER_ID */
	MYC_CMD_PEER_SET,	/* MYC_A_PEER_ID, {TYPE}, MYC_A_PEER_PATH... */
	MYC_CMD_PEER_NTF,	/* events group: peer added/changed/deleted */

	__MYC_CMD_MAX,
	MYC_CMD_MAX = __MYC_CMD_MAX - 1
};

/* Attribute set "node". */
enum myc_node_attr {
	MYC_A_NODE_UNSPEC,
	MYC_A_NODE_ID,		/* u64, not 0 */
	MYC_A_NODE_TYPE,	/* u8, enum myc_node_type */
	MYC_A_NODE_PORT,	/* u16, UDP port of the bearer, not 0 */
	MYC_A_NODE_FAMILY,	/* u16, read-only: live AF_MYCELIUM number */
	MYC_A_NODE_SOCKETS,	/* u32, read-only: open sockets in this netns */
	MYC_A_NODE_STATS,	/* nest, read-only: MYC_A_STATS_* of the node */
	MYC_A_NODE_PAD,

	__MYC_A_NODE_MAX,
	MYC_A_NODE_MAX = __MYC_A_NODE_MAX - 1
};

/* Peer states (read-only). */
enum myc_peer_state {
	MYC_PEER_UNREACHABLE,	/* no usable path */
	MYC_PEER_REACHABLE,	/* at least one path up */

	__MYC_PEER_STATE_CNT,
	MYC_PEER_STATE_MAX = __MYC_PEER_STATE_CNT - 1
};

/* Path states (read-only). */
enum myc_path_state {
	MYC_PATH_UNKNOWN,	/* never probed or used yet */
	MYC_PATH_UP,
	MYC_PATH_DOWN,

	__MYC_PATH_STATE_CNT,
	MYC_PATH_STATE_MAX = __MYC_PATH_STATE_CNT - 1
};

/* Most paths a peer may have. */
#define MYC_MAX_PATHS		8
/* Most peers a node may have. */
#define MYC_MAX_PEERS		4096

/* Attribute set "peer". */
enum myc_peer_attr {
	MYC_A_PEER_UNSPEC,
	MYC_A_PEER_ID,		/* u64, not 0, not this node's id */
	MYC_A_PEER_TYPE,	/* u8, enum myc_node_type */
	MYC_A_PEER_PATH,	/* nest, multi: MYC_A_PATH_* */
	MYC_A_PEER_STATE,	/* u8, read-only: enum myc_peer_state */
	MYC_A_PEER_STATS,	/* nest, read-only: MYC_A_STATS_* */
	MYC_A_PEER_PAD,

	__MYC_A_PEER_MAX,
	MYC_A_PEER_MAX = __MYC_A_PEER_MAX - 1
};

/*
 * Attribute set "path".  A path is a local address and a remote address
 * and UDP port; both addresses are of one family (4 or 16 bytes).
 */
enum myc_path_attr {
	MYC_A_PATH_UNSPEC,
	MYC_A_PATH_ID,		/* u32, read-only: index within the peer */
	MYC_A_PATH_LOCAL,	/* binary, 4 or 16 bytes: local IP address */
	MYC_A_PATH_REMOTE,	/* binary, 4 or 16 bytes: remote IP address */
	MYC_A_PATH_REMOTE_PORT,	/* u16: remote UDP port (default: ours) */
	MYC_A_PATH_IFINDEX,	/* u32: interface for IPv6 link-local */
	MYC_A_PATH_STATE,	/* u8, read-only: enum myc_path_state */
	MYC_A_PATH_SRTT,	/* u32, read-only: smoothed RTT, us */
	MYC_A_PATH_RTTVAR,	/* u32, read-only: RTT variation, us */
	MYC_A_PATH_IN_FLIGHT,	/* u32, read-only: bytes in flight */
	MYC_A_PATH_STATS,	/* nest, read-only: MYC_A_STATS_* */
	MYC_A_PATH_PAD,

	__MYC_A_PATH_MAX,
	MYC_A_PATH_MAX = __MYC_A_PATH_MAX - 1
};

/* Attribute set "stats": counters, all u64, all read-only. */
enum myc_stats_attr {
	MYC_A_STATS_UNSPEC,
	MYC_A_STATS_TX_FRAMES,
	MYC_A_STATS_TX_BYTES,
	MYC_A_STATS_RX_FRAMES,
	MYC_A_STATS_RX_BYTES,
	MYC_A_STATS_TX_MSGS,		/* messages sent */
	MYC_A_STATS_RX_MSGS,		/* messages delivered to sockets */
	MYC_A_STATS_RETRANS,		/* chunks retransmitted */
	MYC_A_STATS_RX_DUP,		/* duplicate frames or messages dropped */
	MYC_A_STATS_RX_DROP,		/* frames dropped (no peer, no memory) */
	MYC_A_STATS_RX_MALFORMED,	/* frames failing validation */
	MYC_A_STATS_TX_ERRORS,		/* frames the IP layer refused */
	MYC_A_STATS_PAD,

	__MYC_A_STATS_MAX,
	MYC_A_STATS_MAX = __MYC_A_STATS_MAX - 1
};

#endif /* _UAPI_LINUX_MYCELIUM_H */
