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

/* Spores (Documentation/spores.rst): types, payload kinds and bounds. */
enum myc_spore_type {
	MYC_SPORE_PRIMARY = 1,	/* issued by sclerotia; guaranteed, flooded */
	MYC_SPORE_SEED,		/* sclerotia, rhizomorph; high, flooded */
	MYC_SPORE_LATENT,	/* any node; best-effort gossip, fan-out 3 */

	__MYC_SPORE_TYPE_END,
	MYC_SPORE_TYPE_MAX = __MYC_SPORE_TYPE_END - 1
};

enum myc_spore_kind {
	MYC_SPORE_KIND_MEMBERSHIP = 1,	/* node id, type, public key, addresses */
	MYC_SPORE_KIND_DATA,		/* opaque application data */

	__MYC_SPORE_KIND_END,
	MYC_SPORE_KIND_MAX = __MYC_SPORE_KIND_END - 1
};

/* Where a spore stands on a node (and, in events, what happened to it). */
enum myc_spore_state {
	MYC_SPORE_PENDING = 1,	/* waiting for myceliumd's verdict */
	MYC_SPORE_ACCEPTED,	/* held (and forwarded when the verdict said) */
	MYC_SPORE_REJECTED,	/* a check failed, or it lost a conflict */
	MYC_SPORE_REPLACED,	/* events: a newer or winning version came */
	MYC_SPORE_EXPIRED,	/* events: its TTL ran out */
	MYC_SPORE_DELETED,	/* events: myc spore del */

	__MYC_SPORE_STATE_END,
	MYC_SPORE_STATE_MAX = __MYC_SPORE_STATE_END - 1
};

/* The result of one of myceliumd's checks of a spore. */
enum myc_spore_check {
	MYC_SPORE_CHECK_PASS = 1,
	MYC_SPORE_CHECK_FAIL,
	MYC_SPORE_CHECK_SKIPPED,	/* an earlier check failed */

	__MYC_SPORE_CHECK_END,
	MYC_SPORE_CHECK_MAX = __MYC_SPORE_CHECK_END - 1
};

/* The conflict rule that decided between two versions of a spore. */
enum myc_spore_rule {
	MYC_SPORE_RULE_NONE,		/* no conflict */
	MYC_SPORE_RULE_AUTHORITY,	/* primary > seed > latent */
	MYC_SPORE_RULE_TIME,		/* the later timestamp */
	MYC_SPORE_RULE_TRUST,		/* the origin with more trust */
	MYC_SPORE_RULE_CONSENSUS,	/* more reachable sclerotia hold it */
	MYC_SPORE_RULE_DIGEST,		/* a consensus tie: the smaller digest */

	__MYC_SPORE_RULE_CNT,
	MYC_SPORE_RULE_MAX = __MYC_SPORE_RULE_CNT - 1
};

#define MYC_SPORE_MAX		4096	/* bytes of an encoded spore */
#define MYC_SPORE_ID_MAX	64	/* characters of a spore id */
#define MYC_SPORE_PAYLOAD_MAX	3792	/* bytes of a payload */
#define MYC_SPORE_TTL_MAX	2592000	/* seconds (30 days) */
#define MYC_SPORE_LATENT_TTL_MAX 300	/* seconds, latent spores */
#define MYC_DEFAULT_SPORE_LIMIT	4096	/* accepted spores a node holds */
#define MYC_MAX_SPORE_LIMIT	65536

/*
 * Reassembly memory (MYC_A_NODE_REASM_*): what partial messages hold,
 * counted as the kernel does (skb truesize: a fragment's bytes plus its
 * buffer's overhead), per peer and for the whole node.
 */
#define MYC_DEFAULT_REASM_PEER_MAX	(4 << 20)
#define MYC_DEFAULT_REASM_NODE_MAX	(32 << 20)
#define MYC_MIN_REASM_MAX		(1 << 20)	/* a whole message fits */
#define MYC_MAX_REASM_MAX		(1 << 30)
#define MYC_SPORE_REASON_MAX	128	/* bytes of a verdict's reason */
#define MYC_SPORE_DIGEST_LEN	32	/* BLAKE2b-256 */
#define MYC_TRUST_MAX		1000	/* trust scores are 0..1000 */
/* The service myceliumd's ask each other on (spore consensus votes). */
#define MYC_SERVICE_SPORED	0xffff5350

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
	MYC_SO_FAILOVER,	/* enum myc_failover; 0: the peer's policy */
	MYC_SO_RETRY_TIMEOUT,	/* ms, wait-retry hold; 0: the peer's */
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
 *              ETIMEDOUT:    not acknowledged within MYC_SO_TIMEOUT, or
 *                            (origin remote) its fragments stopped coming
 *                            for 60 s at the remote node
 *              ENOBUFS:      (origin remote) the remote node had no
 *                            reassembly memory left for it
 *              EHOSTUNREACH: the peer was removed before it acknowledged
 *              ECONNRESET:   the peer restarted (a new instance) before it
 *                            acknowledged: delivered or not is unknown
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

/*
 * Path selection strategies of a peer (SPEC section 5).  OPERATION picks
 * one of the others by message class (MYC_A_PEER_OPMAP).
 */
enum myc_strategy {
	MYC_STRATEGY_ROUND_ROBIN,	/* alternate over the usable paths */
	MYC_STRATEGY_LATENCY,		/* lowest smoothed RTT */
	MYC_STRATEGY_LOAD,		/* fewest bytes in flight */
	MYC_STRATEGY_OPERATION,		/* by class, see MYC_A_PEER_OPMAP */

	__MYC_STRATEGY_CNT,
	MYC_STRATEGY_MAX = __MYC_STRATEGY_CNT - 1
};

/*
 * Failover policies: what happens to traffic when the path it uses fails.
 * A socket may override its peers' policy (MYC_SO_FAILOVER); 0 there
 * means "the peer's".
 */
enum myc_failover {
	MYC_FAILOVER_DEFAULT,	/* sockets only: the peer's policy */
	MYC_FAILOVER_IMMEDIATE,	/* unacknowledged frames resent on the next path */
	MYC_FAILOVER_GRACEFUL,	/* new traffic moves, in-flight frames time out */
	MYC_FAILOVER_WAIT_RETRY,/* hold up to the retry timeout, then move */

	__MYC_FAILOVER_CNT,
	MYC_FAILOVER_MAX = __MYC_FAILOVER_CNT - 1
};

/* Health probing of paths (per peer). */
#define MYC_PROBE_INTERVAL_MIN_MS	10
#define MYC_PROBE_INTERVAL_MAX_MS	3600000
#define MYC_DEFAULT_PROBE_INTERVAL_MS	1000
#define MYC_DEFAULT_FAIL_AFTER		3	/* missed probes or RTOs */
#define MYC_DEFAULT_RECOVER_AFTER	2	/* answered probes */
#define MYC_DEFAULT_RETRY_TIMEOUT_MS	1000	/* wait-retry */
#define MYC_MAX_RETRY_TIMEOUT_MS	3600000

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
	MYC_CMD_PEER_NTF,	/* reserved */
	MYC_CMD_PATH_ADD,	/* MYC_A_PATH_PEER + MYC_A_PATH_{LOCAL,REMOTE,...} */
	MYC_CMD_PATH_DEL,	/* MYC_A_PATH_PEER, MYC_A_PATH_ID */
	MYC_CMD_PATH_SET,	/* MYC_A_PATH_PEER, MYC_A_PATH_ID, {ENABLED} */
	MYC_CMD_EVENT_NTF,	/* events group: MYC_A_EVENT_* */
	MYC_CMD_ENDPOINT_GET,	/* do (MYC_A_ENDPOINT_ID) or dump */
	MYC_CMD_ENDPOINT_ADD,	/* MYC_A_ENDPOINT_{ID,LB,...}, BACKEND... */
	MYC_CMD_ENDPOINT_DEL,	/* MYC_A_ENDPOINT_ID */
	MYC_CMD_ENDPOINT_SET,	/* MYC_A_ENDPOINT_ID, settings, BACKEND... */
	MYC_CMD_POLICY_GET,	/* do (MYC_A_POLICY_{LOCAL,REMOTE}) or dump */
	MYC_CMD_POLICY_SET,	/* MYC_A_POLICY_{LOCAL,REMOTE}, settings */
	MYC_CMD_DAEMON_REGISTER,	/* no attrs: the caller is myceliumd */
	MYC_CMD_AUTH_NTF,	/* to the daemon: a peer needs keys, MYC_A_AUTH_* */
	MYC_CMD_HANDSHAKE_SEND,	/* daemon: MYC_A_AUTH_{PEER,DATA} to the peer */
	MYC_CMD_HANDSHAKE_NTF,	/* to the daemon: MYC_A_AUTH_{PEER,DATA} came */
	MYC_CMD_AUTH_SET,	/* daemon: keys for a peer, or its refusal */
	MYC_CMD_SPORE_GET,	/* do (MYC_A_SPORE_ID) or dump: MYC_A_SPORE_* */
	MYC_CMD_SPORE_DEL,	/* MYC_A_SPORE_ID: forget the held spore */
	MYC_CMD_SPORE_PUBLISH,	/* MYC_A_SPORE_{ID,TYPE,TTL,PAYLOAD}: to sign */
	MYC_CMD_SPORE_NTF,	/* to the daemon: a spore came, or one to publish */
	MYC_CMD_SPORE_VERDICT,	/* daemon: MYC_A_SPORE_COOKIE and the verdict */
	MYC_CMD_SPORE_ADD,	/* daemon: MYC_A_SPORE_BLOB and the verdict */
	MYC_CMD_CONTACT,	/* daemon: MYC_A_CONTACT_{REMOTE,PORT}: say hello */
	MYC_CMD_CONTACT_NTF,	/* to the daemon: an unknown node made contact */

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
	MYC_A_NODE_INSECURE,	/* u8, 0 or 1: encryption none allowed */
	MYC_A_NODE_ENC_CAPS,	/* u8: encryption levels offered (bit per level) */
	MYC_A_NODE_COMP_CAPS,	/* u8: compression levels offered (bit per level) */
	MYC_A_NODE_REKEY_TIME,	/* u32, s: keys are updated after this long */
	MYC_A_NODE_REKEY_FRAMES,	/* u32: ... or after this many frames */
	MYC_A_NODE_DAEMON,	/* u32, read-only: netlink port id of myceliumd, 0: none */
	MYC_A_NODE_SPORE_LIMIT,	/* u32: accepted spores held at most */
	MYC_A_NODE_SPORES,	/* u32, read-only: accepted spores held */
	MYC_A_NODE_SESSION_TIME,	/* u32, s: a new handshake after this long */
	MYC_A_NODE_REASM_PEER_MAX,	/* u32, bytes: partial messages of one peer hold at most */
	MYC_A_NODE_REASM_NODE_MAX,	/* u32, bytes: ... of all peers together */
	MYC_A_NODE_REASM_MEM,	/* u32, read-only: bytes they hold now */
	MYC_A_NODE_REASM_PEER_MEM,	/* u32, read-only: most one peer holds now */
	MYC_A_NODE_REASM_DROPS,	/* u64, read-only: partial messages given up */

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
	MYC_PATH_SUSPECT,	/* a probe or a retransmission timeout missed */

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
	MYC_A_PEER_STRATEGY,	/* u8, enum myc_strategy (default latency) */
	MYC_A_PEER_OPMAP,	/* nest: MYC_A_OPMAP_*, strategy by class */
	MYC_A_PEER_FAILOVER,	/* u8, enum myc_failover, not DEFAULT */
	MYC_A_PEER_RETRY_TIMEOUT,	/* u32, ms (wait-retry), 1.. */
	MYC_A_PEER_PROBE_INTERVAL,	/* u32, ms, MIN..MAX */
	MYC_A_PEER_FAIL_AFTER,	/* u8, 1..: misses that fail a path */
	MYC_A_PEER_RECOVER_AFTER,	/* u8, 1..: answers that bring it back */
	MYC_A_PEER_ACTIVE_PATH,	/* u32, read-only: path data went on last */
	MYC_A_PEER_AUTH,	/* u8, read-only: enum myc_auth_state */
	MYC_A_PEER_PROFILE,	/* nest, read-only: MYC_A_POLICY_*, the effective profile */
	MYC_A_PEER_KEY_PHASE,	/* u8, read-only: phase of the keys in use */
	MYC_A_PEER_KEY_AGE,	/* u32, read-only: s since the keys in use came */
	MYC_A_PEER_REKEYS,	/* u32, read-only: keys installed after the first */
	MYC_A_PEER_KEY_UPDATES,	/* u32, read-only: key updates in the kernel */

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
	MYC_A_PATH_PEER,	/* u64: the peer (PATH_ADD, PATH_DEL, PATH_SET) */
	MYC_A_PATH_LOSS,	/* u32, read-only: lost probes, per mille of the last 64 */
	MYC_A_PATH_ENABLED,	/* u8, 0 or 1; disabled: not probed nor used */

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
	MYC_A_STATS_PROBES_TX,		/* probes sent (not in TX_FRAMES) */
	MYC_A_STATS_PROBES_LOST,	/* probes not answered in time */
	MYC_A_STATS_FAILOVERS,		/* traffic moved away from a path */
	MYC_A_STATS_RX_UNAUTH,		/* frames dropped: peer not authenticated */
	MYC_A_STATS_RX_BAD_TAG,		/* frames failing authentication (tampered) */
	MYC_A_STATS_RX_REPLAY,		/* authenticated frames seen before */
	MYC_A_STATS_TX_COMPRESSED,	/* frames sent compressed */
	MYC_A_STATS_RX_COMPRESSED,	/* frames received compressed */
	MYC_A_STATS_SPORES_TX,		/* spores sent */
	MYC_A_STATS_SPORES_RX,		/* spores received (to the daemon) */
	MYC_A_STATS_SPORES_DUP,		/* spores received again, dropped */
	MYC_A_STATS_SPORES_DROPPED,	/* no daemon, no room, no verdict */
	MYC_A_STATS_RESTARTS,		/* the peer came back as a new instance */
	MYC_A_STATS_RX_RATELIMITED,	/* unauthenticated frames over the limits */

	__MYC_A_STATS_MAX,
	MYC_A_STATS_MAX = __MYC_A_STATS_MAX - 1
};

/*
 * Virtual endpoints (SPEC section 6): an id that sockets send to or
 * connect to (MYC_ADDR_ENDPOINT), load-balanced over backends, each a node
 * and a service or port, health-checked by the kernels themselves.
 */
enum myc_lb {
	MYC_LB_ROUND_ROBIN,
	MYC_LB_WEIGHTED_ROUND_ROBIN,
	MYC_LB_LEAST_CONNECTIONS,
	MYC_LB_LATENCY,

	__MYC_LB_CNT,
	MYC_LB_MAX = __MYC_LB_CNT - 1
};

enum myc_backend_state {
	MYC_BACKEND_UNKNOWN,	/* not checked yet */
	MYC_BACKEND_UP,		/* reachable, and a socket is bound */
	MYC_BACKEND_DOWN,

	__MYC_BACKEND_STATE_CNT,
	MYC_BACKEND_STATE_MAX = __MYC_BACKEND_STATE_CNT - 1
};

#define MYC_MAX_ENDPOINTS	1024	/* per node */
#define MYC_MAX_BACKENDS	16	/* per endpoint */
#define MYC_MAX_WEIGHT		1000
#define MYC_DEFAULT_HEALTH_INTERVAL_MS	1000

/* Attribute set "endpoint". */
enum myc_endpoint_attr {
	MYC_A_ENDPOINT_UNSPEC,
	MYC_A_ENDPOINT_ID,		/* u32, not 0 */
	MYC_A_ENDPOINT_LB,		/* u8, enum myc_lb (default round-robin) */
	MYC_A_ENDPOINT_HEALTH_INTERVAL,	/* u32, ms, MYC_PROBE_INTERVAL_MIN_MS.. */
	MYC_A_ENDPOINT_FAILOVER,	/* u8, enum myc_failover, not DEFAULT */
	MYC_A_ENDPOINT_RETRY_TIMEOUT,	/* u32, ms (wait-retry) */
	MYC_A_ENDPOINT_BACKEND,		/* nest, multi: MYC_A_BACKEND_* */
	MYC_A_ENDPOINT_PAD,

	__MYC_A_ENDPOINT_MAX,
	MYC_A_ENDPOINT_MAX = __MYC_A_ENDPOINT_MAX - 1
};

/*
 * Attribute set "backend".  On ENDPOINT_ADD and ENDPOINT_SET, backends are
 * given whole (node, service or port, weight); SET replaces the list, and a
 * backend that stays (same node and service or port) keeps its id, state
 * and counters.
 */
enum myc_backend_attr {
	MYC_A_BACKEND_UNSPEC,
	MYC_A_BACKEND_ID,		/* u32, read-only: 1.., not reused */
	MYC_A_BACKEND_NODE,		/* u64, not 0 */
	MYC_A_BACKEND_SERVICE,		/* u32: a service id, or */
	MYC_A_BACKEND_PORT,		/* u32: a port (one of the two) */
	MYC_A_BACKEND_WEIGHT,		/* u32, 1..MYC_MAX_WEIGHT, default 1 */
	MYC_A_BACKEND_STATE,		/* u8, read-only: myc_backend_state */
	MYC_A_BACKEND_SELECTIONS,	/* u64, read-only: messages and connections sent to it */
	MYC_A_BACKEND_FAILURES,		/* u64, read-only: messages moved away, checks failed */
	MYC_A_BACKEND_CONNECTIONS,	/* u32, read-only: connections open now */
	MYC_A_BACKEND_PAD,

	__MYC_A_BACKEND_MAX,
	MYC_A_BACKEND_MAX = __MYC_A_BACKEND_MAX - 1
};

/* Attribute set "opmap": the strategy of each class (OPERATION). */
enum myc_opmap_attr {
	MYC_A_OPMAP_UNSPEC,
	MYC_A_OPMAP_CONSENSUS,	/* u8, enum myc_strategy but not OPERATION */
	MYC_A_OPMAP_HEALTH,
	MYC_A_OPMAP_SERVICE,
	MYC_A_OPMAP_RESOURCE,
	MYC_A_OPMAP_SPORE,

	__MYC_A_OPMAP_MAX,
	MYC_A_OPMAP_MAX = __MYC_A_OPMAP_MAX - 1
};

/* Events (MYC_CMD_EVENT_NTF on the events group). */
enum myc_event_type {
	MYC_EV_PEER_STATE = 1,	/* MYC_A_EVENT_PEER, _STATE (myc_peer_state) */
	MYC_EV_PATH_STATE,	/* _PEER, _PATH, _STATE (myc_path_state) */
	MYC_EV_FAILOVER,	/* _PEER, _PATH (from), _TO_PATH, _POLICY */
	MYC_EV_PEER_ADD,	/* _PEER */
	MYC_EV_PEER_DEL,	/* _PEER */
	MYC_EV_PATH_ADD,	/* _PEER, _PATH */
	MYC_EV_PATH_DEL,	/* _PEER, _PATH */
	MYC_EV_BACKEND_STATE,	/* _ENDPOINT, _BACKEND, _STATE */
	MYC_EV_SPORE,		/* _SPORE_ID, _STATE (myc_spore_state), _PEER */
	MYC_EV_PEER_RESTART,	/* _PEER: a new instance; the pair started afresh */

	__MYC_EV_CNT,
	MYC_EV_MAX = __MYC_EV_CNT - 1
};

/* Why an event happened. */
enum myc_event_reason {
	MYC_EVR_NONE,
	MYC_EVR_CONFIG,		/* added, deleted, enabled or disabled by an admin */
	MYC_EVR_PROBE_REPLY,	/* probes answered */
	MYC_EVR_PROBE_LOST,	/* probes not answered */
	MYC_EVR_RTO,		/* data not acknowledged in time */
	MYC_EVR_PATHS,		/* the states of the peer's paths */
	MYC_EVR_RETRY_TIMEOUT,	/* wait-retry: the path did not come back */
	MYC_EVR_SERVICE,	/* backend: its service is (not) bound */
	MYC_EVR_VERDICT,	/* spore: myceliumd's verdict */
	MYC_EVR_TTL,		/* spore: its TTL ran out */
	MYC_EVR_INSTANCE,	/* the peer's HELLO or new session: a new instance */

	__MYC_EVR_CNT,
	MYC_EVR_MAX = __MYC_EVR_CNT - 1
};

/* Attribute set "event". */
enum myc_event_attr {
	MYC_A_EVENT_UNSPEC,
	MYC_A_EVENT_TYPE,	/* u8, enum myc_event_type */
	MYC_A_EVENT_SEQ,	/* u64: per node, increasing by one */
	MYC_A_EVENT_TIME,	/* u64: CLOCK_REALTIME, ns */
	MYC_A_EVENT_REASON,	/* u8, enum myc_event_reason */
	MYC_A_EVENT_PEER,	/* u64: peer id */
	MYC_A_EVENT_PATH,	/* u32: path id */
	MYC_A_EVENT_TO_PATH,	/* u32: failover: the path traffic moves to */
	MYC_A_EVENT_STATE,	/* u8: the new state */
	MYC_A_EVENT_POLICY,	/* u8: failover: enum myc_failover */
	MYC_A_EVENT_ENDPOINT,	/* u32: virtual endpoint id */
	MYC_A_EVENT_BACKEND,	/* u32: backend index */
	MYC_A_EVENT_PAD,
	MYC_A_EVENT_SPORE_ID,	/* string: spore id */

	__MYC_A_EVENT_MAX,
	MYC_A_EVENT_MAX = __MYC_A_EVENT_MAX - 1
};

/*
 * Protocol profiles (SPEC section 7).  Each node has a 3x3 table keyed by
 * (local type, remote type); the two nodes of a pair exchange their entries
 * in HELLO frames and both compute the same effective profile from them
 * (Documentation/design.rst, "Profiles and negotiation").
 */
enum myc_profile {
	MYC_PROFILE_HIGH_PERFORMANCE,
	MYC_PROFILE_ADAPTIVE,	/* strongest common setting, else minimal */
	MYC_PROFILE_STANDARD,
	MYC_PROFILE_LIGHTWEIGHT,

	__MYC_PROFILE_CNT,
	MYC_PROFILE_MAX = __MYC_PROFILE_CNT - 1
};

enum myc_encryption {
	MYC_ENC_NONE,		/* only when both nodes are insecure */
	MYC_ENC_MINIMAL,	/* authenticated: integrity tag, payload in clear */
	MYC_ENC_STANDARD,	/* ChaCha20-Poly1305 AEAD */
	MYC_ENC_HIGH,		/* standard + length padding + shorter rekey */

	__MYC_ENC_CNT,
	MYC_ENC_MAX = __MYC_ENC_CNT - 1
};

enum myc_compression {
	MYC_COMP_NONE,
	MYC_COMP_LOW,		/* LZ4 */
	MYC_COMP_MEDIUM,	/* LZ4HC */
	MYC_COMP_HIGH,		/* zstd */
	MYC_COMP_NEGOTIATED,	/* policy only: the strongest both offer */

	__MYC_COMP_CNT,
	MYC_COMP_MAX = __MYC_COMP_CNT - 1
};

/* The reliability floor of a pair: enum myc_guarantee, or NEGOTIATED. */
enum myc_reliability {
	MYC_REL_BEST_EFFORT,
	MYC_REL_HIGH,
	MYC_REL_GUARANTEED,
	MYC_REL_NEGOTIATED,	/* policy only: the higher the two ask for */

	__MYC_REL_CNT,
	MYC_REL_MAX = __MYC_REL_CNT - 1
};

/* Capabilities a node offers by default (MYC_A_NODE_*_CAPS). */
#define MYC_ENC_CAPS_ALL	((1 << MYC_ENC_MINIMAL) | (1 << MYC_ENC_STANDARD) | \
				 (1 << MYC_ENC_HIGH))
#define MYC_COMP_CAPS_ALL	((1 << MYC_COMP_NONE) | (1 << MYC_COMP_LOW) | \
				 (1 << MYC_COMP_MEDIUM) | (1 << MYC_COMP_HIGH))

/*
 * Key renewal (per node; high encryption renews twice as often): the kernel
 * updates the keys after rekey-time or rekey-frames, and asks myceliumd for
 * a new session (a full handshake) after session-time.
 */
#define MYC_DEFAULT_REKEY_TIME_S	120
#define MYC_MAX_REKEY_TIME_S		86400
#define MYC_DEFAULT_SESSION_TIME_S	3600
#define MYC_DEFAULT_REKEY_FRAMES	(1U << 30)
#define MYC_MIN_REKEY_FRAMES		64

/* Authentication state of a peer (read-only). */
enum myc_auth_state {
	MYC_AUTH_NONE,		/* encryption none: no keys needed */
	MYC_AUTH_HELLO,		/* waiting for the peer's hello */
	MYC_AUTH_NO_DAEMON,	/* keys needed, and no myceliumd is registered */
	MYC_AUTH_PENDING,	/* myceliumd was asked, no keys yet */
	MYC_AUTH_OK,		/* keys installed */
	MYC_AUTH_FAILED,	/* myceliumd refused the peer */

	__MYC_AUTH_STATE_CNT,
	MYC_AUTH_STATE_MAX = __MYC_AUTH_STATE_CNT - 1
};

/* Why the kernel asks myceliumd for keys (MYC_A_AUTH_REASON). */
enum myc_auth_reason {
	MYC_AUTHR_NEW,		/* no keys yet */
	MYC_AUTHR_REKEY,	/* the keys are old or used up */
	MYC_AUTHR_RETRY,	/* asked before, still no keys */

	__MYC_AUTHR_CNT,
	MYC_AUTHR_MAX = __MYC_AUTHR_CNT - 1
};

#define MYC_KEY_LEN		32	/* ChaCha20-Poly1305 key */
#define MYC_MAX_HANDSHAKE_LEN	1200	/* bytes of one handshake frame */

/*
 * Attribute set "policy": an entry of the profile table (POLICY_GET/SET),
 * and a peer's effective profile (MYC_A_PEER_PROFILE).
 */
enum myc_policy_attr {
	MYC_A_POLICY_UNSPEC,
	MYC_A_POLICY_LOCAL,		/* u8, enum myc_node_type */
	MYC_A_POLICY_REMOTE,		/* u8, enum myc_node_type */
	MYC_A_POLICY_PROFILE,		/* u8, enum myc_profile */
	MYC_A_POLICY_ENCRYPTION,	/* u8, enum myc_encryption */
	MYC_A_POLICY_COMPRESSION,	/* u8, enum myc_compression */
	MYC_A_POLICY_RELIABILITY,	/* u8, enum myc_reliability */
	MYC_A_POLICY_MTU,		/* u16, read-only (peer): the smaller */
	MYC_A_POLICY_MAX_MSG,		/* u32, read-only (peer): the smaller */
	MYC_A_POLICY_FALLBACK,		/* u8, read-only (peer): adaptive fell back */

	__MYC_A_POLICY_MAX,
	MYC_A_POLICY_MAX = __MYC_A_POLICY_MAX - 1
};

/*
 * Attribute set "auth": between the kernel and the registered myceliumd
 * of its netns (DAEMON_REGISTER; the registration ends when the daemon's
 * netlink socket closes).  AUTH_NTF and HANDSHAKE_NTF are unicast to it.
 */
enum myc_auth_attr {
	MYC_A_AUTH_UNSPEC,
	MYC_A_AUTH_PEER,		/* u64: the peer's node id */
	MYC_A_AUTH_PEER_TYPE,		/* u8: the type the peer is configured as */
	MYC_A_AUTH_REASON,		/* u8, enum myc_auth_reason */
	MYC_A_AUTH_ENCRYPTION,		/* u8, enum myc_encryption (effective) */
	MYC_A_AUTH_LOCAL_HELLO,		/* binary: our hello payload */
	MYC_A_AUTH_REMOTE_HELLO,	/* binary: the peer's hello payload */
	MYC_A_AUTH_DATA,		/* binary, 1..MYC_MAX_HANDSHAKE_LEN */
	MYC_A_AUTH_STATE,		/* u8: AUTH_SET: MYC_AUTH_OK or _FAILED */
	MYC_A_AUTH_TX_KEY,		/* binary, MYC_KEY_LEN: never dumped */
	MYC_A_AUTH_RX_KEY,		/* binary, MYC_KEY_LEN: never dumped */
	MYC_A_AUTH_PHASE,		/* u8, 0 or 1: key phase both ends use */
	MYC_A_AUTH_CONFIRM,		/* u8, 0 or 1: new tx key waits for rx */
	MYC_A_AUTH_PAD,

	__MYC_A_AUTH_MAX,
	MYC_A_AUTH_MAX = __MYC_A_AUTH_MAX - 1
};

/*
 * Attribute set "spore" (Documentation/spores.rst): a held, rejected or
 * pending spore (spore-get), a request to publish one (spore-publish), and
 * the exchange with myceliumd (spore-ntf, spore-verdict, spore-add).
 */
enum {
	MYC_A_SPORE_UNSPEC,
	MYC_A_SPORE_ID,			/* string, 1..MYC_SPORE_ID_MAX chars */
	MYC_A_SPORE_TYPE,		/* u8, enum myc_spore_type */
	MYC_A_SPORE_KIND,		/* u8, enum myc_spore_kind */
	MYC_A_SPORE_ORIGIN,		/* u64, read-only: node id */
	MYC_A_SPORE_VERSION,		/* u64, read-only */
	MYC_A_SPORE_TIMESTAMP,		/* u64, read-only: ms since the epoch */
	MYC_A_SPORE_TTL,		/* u32, s */
	MYC_A_SPORE_PAYLOAD,		/* binary */
	MYC_A_SPORE_BLOB,		/* binary: the whole encoded spore */
	MYC_A_SPORE_COOKIE,		/* u64: names a spore waiting for a verdict */
	MYC_A_SPORE_FROM,		/* u64: peer it came from, 0: this node */
	MYC_A_SPORE_STATE,		/* u8, enum myc_spore_state */
	MYC_A_SPORE_FORWARD,		/* u8, 0 or 1: the verdict says forward */
	MYC_A_SPORE_CHECK_CRYPTO,	/* u8, enum myc_spore_check */
	MYC_A_SPORE_CHECK_TEMPORAL,	/* u8, enum myc_spore_check */
	MYC_A_SPORE_CHECK_CONSISTENCY,	/* u8, enum myc_spore_check */
	MYC_A_SPORE_CHECK_TRUST,	/* u8, enum myc_spore_check */
	MYC_A_SPORE_REASON,		/* string: why it was rejected or replaced */
	MYC_A_SPORE_RULE,		/* u8, enum myc_spore_rule */
	MYC_A_SPORE_DIGEST,		/* binary, MYC_SPORE_DIGEST_LEN bytes */
	MYC_A_SPORE_TRUST,		/* u32, 0..MYC_TRUST_MAX: origin's, at the verdict */
	MYC_A_SPORE_RECEIVED,		/* u64, read-only: ms since the epoch */
	MYC_A_SPORE_EXPIRES,		/* u64, read-only: ms since the epoch */
	MYC_A_SPORE_LEN,		/* u32, read-only: bytes of the encoding */
	MYC_A_SPORE_PAD,

	__MYC_A_SPORE_MAX,
	MYC_A_SPORE_MAX = __MYC_A_SPORE_MAX - 1
};

/* Attribute set "contact": bootstrap (Documentation/spores.rst). */
enum {
	MYC_A_CONTACT_UNSPEC,
	MYC_A_CONTACT_NODE,		/* u64, read-only: the node that made contact */
	MYC_A_CONTACT_TYPE,		/* u8, read-only: enum myc_node_type it says */
	MYC_A_CONTACT_LOCAL,		/* binary, 4 or 16: our address it came to */
	MYC_A_CONTACT_REMOTE,		/* binary, 4 or 16: its address */
	MYC_A_CONTACT_PORT,		/* u16: its UDP port */
	MYC_A_CONTACT_IFINDEX,		/* u32: interface (IPv6 link-local) */
	MYC_A_CONTACT_PAD,

	__MYC_A_CONTACT_MAX,
	MYC_A_CONTACT_MAX = __MYC_A_CONTACT_MAX - 1
};

#endif /* _UAPI_LINUX_MYCELIUM_H */
