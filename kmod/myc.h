/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Mycelium internal declarations shared between the files of the module.
 *
 * Object ownership, in one place (each file states its own rules too):
 *
 *   struct net ─ struct myc_net (net_generic; the node)
 *                 ├─ peers: hash of struct myc_peer, RCU + refcount
 *                 │    └─ paths: list of struct myc_path, RCU, owned by peer
 *                 ├─ bearer: UDP sockets sock4/sock6, RCU pointers
 *                 └─ ports/services: hash of struct myc_sock, RCU
 *
 * Lock order: myc_net.lock (mutex, configuration) > myc_peer.lock
 * (spinlock_bh, per-peer protocol state) > myc_sock.conn_lock (spinlock_bh,
 * a connection's state, conn.c) > myc_net.sk_lock (spinlock_bh, port
 * table; innermost: the receive path binds a new connection's socket under
 * the two before it); myc_peer.lock > myc_ve.lock (spinlock_bh, an
 * endpoint's backends) > myc_net.event_lock.  myc_net.rl_lock
 * (spinlock_bh, ratelimit.c) is a leaf.  No spinlock is held while
 * calling into the IP layer to transmit (configuration may hold the
 * myc_net.lock mutex).
 */
#ifndef _MYC_H
#define _MYC_H

#include <linux/types.h>
#include <linux/mutex.h>
#include <linux/atomic.h>
#include <linux/hashtable.h>
#include <linux/hrtimer.h>
#include <linux/errqueue.h>
#include <linux/in6.h>
#include <linux/ktime.h>
#include <linux/ratelimit.h>
#include <linux/refcount.h>
#include <linux/siphash.h>
#include <linux/workqueue.h>
#include <linux/ipv6.h>
#include <linux/udp.h>
#include <net/dst_cache.h>
#include <net/genetlink.h>
#include <net/net_namespace.h>
#include <net/sock.h>
#include <uapi/linux/mycelium.h>

#include "cc.h"
#include "pathsel.h"
#include "profile.h"
#include "vesel.h"
#include "rtt.h"
#include "seqwin.h"
#include "wire.h"

/* main.c */
extern int myc_family;
extern struct workqueue_struct *myc_wq;	/* endpoint retries */

/* Counters of a node, a peer or a path, in MYC_A_STATS_* order. */
enum myc_stat {
	MYC_STAT_TX_FRAMES,
	MYC_STAT_TX_BYTES,
	MYC_STAT_RX_FRAMES,
	MYC_STAT_RX_BYTES,
	MYC_STAT_TX_MSGS,
	MYC_STAT_RX_MSGS,
	MYC_STAT_RETRANS,
	MYC_STAT_RX_DUP,
	MYC_STAT_RX_DROP,
	MYC_STAT_RX_MALFORMED,
	MYC_STAT_TX_ERRORS,
	MYC_STAT_PROBES_TX,
	MYC_STAT_PROBES_LOST,
	MYC_STAT_FAILOVERS,
	MYC_STAT_RX_UNAUTH,
	MYC_STAT_RX_BAD_TAG,
	MYC_STAT_RX_REPLAY,
	MYC_STAT_TX_COMPRESSED,
	MYC_STAT_RX_COMPRESSED,
	MYC_STAT_SPORES_TX,
	MYC_STAT_SPORES_RX,
	MYC_STAT_SPORES_DUP,
	MYC_STAT_SPORES_DROPPED,
	MYC_STAT_RESTARTS,
	MYC_STAT_RX_RATELIMITED,
	MYC_STAT_CNT
};

struct myc_stats {
	atomic64_t v[MYC_STAT_CNT];
};

static inline void myc_stat_add(struct myc_stats *s, enum myc_stat i, u64 n)
{
	atomic64_add(n, &s->v[i]);
}

static inline void myc_stat_inc(struct myc_stats *s, enum myc_stat i)
{
	atomic64_inc(&s->v[i]);
}

static inline u64 myc_now_us(void)
{
	return ktime_to_us(ktime_get());
}

/* sched.c: levels of the send queue (class rank x priority). */
#define MYC_TX_LEVELS		(4 * (MYC_PRIORITY_MAX + 1))

/* ratelimit.c: token buckets for unauthenticated input. */
#define MYC_RL_BUCKETS		256
struct myc_tbucket {
	u64 last_ns;
	u64 tokens;			/* ns of earning */
};

/* node.c: one node per network namespace. */
#define MYC_PEER_HASH_BITS	8
#define MYC_PORT_HASH_BITS	8
#define MYC_VE_HASH_BITS	6
#define MYC_SPORE_HASH_BITS	8

struct myc_net {
	struct net *net;		/* not refcounted: we live in it */
	struct mutex lock;		/* configuration: node, peers, bearer */
	u64 node_id;			/* never 0 */
	u8 node_type;			/* enum myc_node_type */
	u16 udp_port;			/* host order, never 0 */
	atomic_t nr_sockets;		/* open AF_MYCELIUM sockets */

	/* peer.c */
	DECLARE_HASHTABLE(peers, MYC_PEER_HASH_BITS);	/* under lock, RCU */
	unsigned int nr_peers;				/* under lock */

	/* bearer.c */
	struct sock __rcu *sock4;
	struct sock __rcu *sock6;

	/* af.c: bound sockets, by port and by service */
	spinlock_t sk_lock;
	DECLARE_HASHTABLE(ports, MYC_PORT_HASH_BITS);
	DECLARE_HASHTABLE(services, MYC_PORT_HASH_BITS);
	u32 next_ephemeral;

	/* endpoint.c */
	DECLARE_HASHTABLE(ves, MYC_VE_HASH_BITS);	/* under lock, RCU */
	unsigned int nr_ves;				/* under lock */

	/* event.c */
	spinlock_t event_lock;		/* numbers and sends events in order */
	u64 event_seq;

	/* hello.c: profiles and what the node offers, under lock */
	struct myc_prof_entry policy[MYC_NODE_TYPES][MYC_NODE_TYPES];
	bool insecure;			/* encryption none allowed */
	u8 enc_caps, comp_caps;		/* levels offered, bit per level */
	u32 rekey_s;			/* crypto.c: update keys after */
	u32 rekey_frames;
	u32 session_s;			/* crypto.c: new handshake after */

	/* auth.c: the registered myceliumd (netlink port id, 0: none) */
	u32 daemon_portid;		/* under lock; READ_ONCE elsewhere */

	/* spore.c: the spore table (its locking is stated there) */
	spinlock_t spore_lock;
	DECLARE_HASHTABLE(spores, MYC_SPORE_HASH_BITS);	/* held, by id */
	unsigned int nr_spores;
	u32 spore_limit;		/* READ_ONCE; set under lock */
	struct list_head spore_pending;	/* waiting for a verdict */
	unsigned int nr_pending;
	struct list_head spore_rejected;	/* the last rejected ones */
	unsigned int nr_rejected;
	/* spore_gone.c: spores not to take again */
	DECLARE_HASHTABLE(spore_gone_b, MYC_SPORE_HASH_BITS);
	DECLARE_HASHTABLE(spore_gone_d, MYC_SPORE_HASH_BITS);
	struct list_head spore_gone_list;
	unsigned int nr_gone;
	u64 spore_cookie;
	u64 next_sync_us;		/* work only */
	unsigned long spore_sync;	/* bit 0: a peer's spore_sync is set */
	struct sk_buff_head spore_rxq;	/* spore chunks for the work */
	struct delayed_work spore_work;

	/* contact.c: CONTACT and unknown HELLOs to the daemon, rate-limited */
	struct ratelimit_state contact_rs;
	/* ratelimit.c: unauthenticated frames, per source and per node */
	spinlock_t rl_lock;
	siphash_key_t rl_key;
	struct myc_tbucket rl_src[MYC_RL_BUCKETS];
	struct myc_tbucket rl_node;

	/* reasm.c: memory held by partial messages (truesize), bounded */
	atomic_long_t reasm_mem;	/* all peers' */
	u32 reasm_peer_max;		/* READ_ONCE; set under lock */
	u32 reasm_node_max;		/* READ_ONCE; set under lock */
	atomic64_t reasm_drops;		/* partial messages given up */

	atomic_t reorder_pending;	/* peers holding refused messages */
	atomic_t overflow_bytes;	/* af.c: in all sockets' overflow */
	struct myc_stats stats;		/* frames that match no peer, ... */
	atomic64_t malformed[__MYC_WERR_MAX];	/* by decoder error */
};

struct myc_net *myc_net(const struct net *net);
int myc_node_init(void);
void myc_node_exit(void);

/* peer.c: remote nodes and the paths to them. */
#define MYC_PROBE_RING		16	/* probes a path tracks at once */

union myc_ipaddr {
	struct in_addr v4;
	struct in6_addr v6;
};

struct myc_path {
	struct list_head list;		/* in peer->paths, RCU */
	struct myc_peer *peer;		/* owner; not refcounted */
	u32 id;				/* 1.., unique within the peer */
	sa_family_t family;		/* AF_INET or AF_INET6 */
	union myc_ipaddr local;
	union myc_ipaddr remote;
	__be16 remote_port;
	int ifindex;			/* IPv6 link-local scope, or 0 */
	bool enabled;			/* false: not probed, not used */
	u8 state;			/* enum myc_path_state */
	struct dst_cache dst_cache;	/* route to remote (bearer.c) */
	struct myc_stats stats;

	/* under peer->lock (readers of the numbers use READ_ONCE) */
	struct myc_rtt rtt;		/* from probes and data ACKs */
	u32 in_flight;			/* reliable.c: bytes sent on it */
	u64 largest_acked;		/* reliable.c: of frames sent on it */
	u64 answered_us;		/* sent then: the newest of its frames
					 * or probes that was answered
					 */

	/* health.c, under peer->lock */
	u8 missed;			/* misses in a row */
	u8 good;			/* answers in a row */
	u64 probe_seq;			/* last probe sent */
	u64 judged_seq;			/* probes up to here answered or missed */
	u64 probe_sent_us[MYC_PROBE_RING];	/* by seq % ring */
	u64 next_probe_us;		/* when the next probe is due */
	u8 backoff;			/* doublings of the interval (down) */
	u64 loss_hist;			/* last 64 probes, bit set: lost */
	u8 loss_n;			/* probes in loss_hist */

	struct rcu_head rcu;
};

struct myc_peer {
	struct hlist_node hnode;	/* in mn->peers, RCU */
	struct myc_net *mn;
	u64 id;
	u8 type;			/* enum myc_node_type */
	refcount_t refcnt;
	bool dead;			/* unhashed; set under peer->lock */
	struct list_head dead_list;	/* peer.c: removal of many, mn->lock */
	unsigned long spore_sync;	/* bit 0: became ready, owed a summary */

	/* settings, written under mn->lock and peer->lock, read under either */
	u8 strategy;			/* enum myc_strategy */
	u8 opmap[MYC_CLASS_MAX + 1];	/* OPERATION: strategy by class */
	u8 failover;			/* enum myc_failover, not DEFAULT */
	u32 retry_ms;			/* wait-retry hold */
	u32 probe_ms;			/* probe interval */
	u8 fail_after;			/* misses that fail a path */
	u8 recover_after;		/* answers that bring a down path back */

	/* health.c, failover.c: under peer->lock */
	struct hrtimer health_timer;	/* soft: runs in softirq context */
	u64 health_wake_us;		/* run it by then too (holds), or 0 */
	u8 state;			/* enum myc_peer_state, as last told */
	struct myc_path *last_path;	/* data went on it last (RCU) */
	u32 active_path;		/* its id, for netlink */
	u64 hold_us;			/* a used path failed then (wait-retry) */
	u64 hold_end_us;		/* the longest hold ends then */
	u32 hold_path;			/* it, until it is back or every hold ended */
	bool hold_told;			/* the failover event went out */

	spinlock_t lock;		/* protocol state below, _bh */
	struct list_head paths;		/* RCU; written under mn->lock */
	unsigned int nr_paths;
	u32 next_path_id;
	u64 tx_pn;			/* next packet number */
	u64 tx_msn[__MYC_GUARANTEE_CNT];	/* next message sequence */
	struct myc_pnwin rx_pnwin;	/* replay window */
	struct list_head reasm;		/* partial messages (reasm.c) */
	u32 reasm_mem;			/* their truesize; READ_ONCE outside */
	unsigned int reasm_count;

	/* reliable.c */
	struct list_head sent;		/* unacknowledged frames, pn order */
	u32 in_flight;			/* bytes in sent */
	u64 largest_acked;
	u64 min_deadline_us;		/* earliest in sent, or U64_MAX */
	u64 rto_fired_us;		/* last timeout, until new data is acked */
	struct myc_rtt rtt;
	struct myc_cc cc;
	struct hrtimer rto_timer;	/* soft: runs in softirq context */
	struct timer_list ack_timer;	/* delayed ACK */
	u16 ack_pending;		/* frames received, not acked yet */
	u64 ack_first_us;		/* when the first of them came */
	u32 ack_path;			/* id of the path the last came on */
	struct myc_ack ackbuf;		/* ACKs built and decoded here */
	struct myc_seqwin rx_seq[2];	/* high, guaranteed */
	struct sk_buff_head reorder;	/* early guaranteed messages */
	u32 reorder_bytes;
	bool reorder_kick;		/* counted in mn->reorder_pending */
	struct sk_buff_head rejects;	/* messages to return (REJECT) */

	/* sched.c: chunks waiting to be framed, by level */
	struct sk_buff_head txq[MYC_TX_LEVELS];
	unsigned long txq_mask;		/* non-empty levels */
	u32 txq_bytes;			/* chunk bytes queued */

	/*
	 * hello.c: capabilities, the effective profile and the
	 * authentication state, under peer->lock; "ready" (frames other
	 * than HELLO and HANDSHAKE may go) is read with READ_ONCE.
	 */
	u8 auth;			/* enum myc_auth_state */
	bool ready;
	struct myc_prof_eff prof;	/* valid once auth != HELLO */
	bool have_hello;		/* the peer's hello came */
	struct myc_hello rhello;	/* the last one it sent */
	struct myc_hello lhello;	/* ours, when the profile was made */
	struct myc_hello sess_rhello;	/* the peer's, of the keys in use */
	u32 instance;			/* ours, for this peer */
	u32 sess_inst;			/* restart.c: the peer's, of our state */
	u8 hello_tries;			/* sent without an answer */
	u64 next_hello_us;		/* send again then (0: answered) */
	u64 next_ask_us;		/* auth.c: ask myceliumd again then */
	u32 hs_path;			/* auth.c: path of the last handshake */
	struct myc_keys *keys;		/* crypto.c, under peer->lock */

	struct myc_stats stats;
	struct rcu_head rcu;
};

struct myc_peer *myc_peer_lookup(struct myc_net *mn, u64 id);	/* +ref */
struct myc_peer *myc_peer_lookup_rcu(struct myc_net *mn, u64 id);
void myc_peer_put(struct myc_peer *peer);
bool myc_peer_has_path(struct myc_peer *peer);	/* an enabled one; RCU */
/*
 * The path the next frame of class cls goes on (selection strategy of the
 * peer, pathsel.h); data frames (data true) move the round-robin cursor.
 * Under peer->lock and RCU; NULL when the peer has no usable path.
 */
struct myc_path *myc_path_pick(struct myc_peer *peer, u8 cls, bool data);
int myc_peer_create(struct myc_net *mn, u64 id, u8 type,
		    struct myc_peer **out);
void myc_peer_remove(struct myc_peer *peer);
void myc_peer_remove_all(struct myc_net *mn);
struct myc_path *myc_path_add(struct myc_peer *peer, sa_family_t family,
			      const union myc_ipaddr *local,
			      const union myc_ipaddr *remote, __be16 port,
			      int ifindex);
void myc_path_del(struct myc_path *path);
struct myc_path *myc_path_by_id(struct myc_peer *peer, u32 id);	/* RCU */
struct myc_path *myc_path_find(struct myc_peer *peer, sa_family_t family,
			       const union myc_ipaddr *local,
			       const union myc_ipaddr *remote, __be16 port);

/* health.c: probing paths, their states and the peer's. */
void myc_health_init(struct myc_peer *peer);
void myc_health_start(struct myc_peer *peer);	/* settings changed */
void myc_health_stop(struct myc_peer *peer);
void myc_health_path_init(struct myc_peer *peer, struct myc_path *path);
void myc_health_reschedule(struct myc_peer *peer);
void myc_path_enable(struct myc_path *path, bool enabled);
/* A probe from peer came in skb (BH); answer it on the way it came. */
void myc_health_rx_probe(struct myc_net *mn, struct myc_peer *peer,
			 struct sk_buff *skb);
void myc_health_rx_reply(struct myc_peer *peer, const u8 *payload,
			 size_t len);
/* A frame of ours of type with payload, numbered, for peer (no path). */
struct sk_buff *myc_ctl_skb(struct myc_peer *peer, u8 type,
			    const void *payload, size_t len);
/*
 * path missed (a probe or a retransmission timeout, reason); under
 * peer->lock, frames to resend go on q (failover).
 */
void myc_health_miss(struct myc_peer *peer, struct myc_path *path,
		     u8 reason, struct sk_buff_head *q);
/* The path's state changed: keep the peer's and tell (under peer->lock). */
void myc_health_set_state(struct myc_peer *peer, struct myc_path *path,
			  u8 state, u8 reason, struct sk_buff_head *q);
u8 myc_peer_state(struct myc_peer *peer);	/* RCU or peer->lock */
u32 myc_path_loss(const struct myc_path *path);	/* per mille */
/* Recompute the peer state from its paths; tell when it changed. */
void myc_health_update_peer(struct myc_peer *peer, u8 reason);
/* Run the health timer by time when_us at the latest (holds ending). */
void myc_health_wake(struct myc_peer *peer, u64 when_us);

/* failover.c: moving traffic off a failed path, by policy. */
/* path stopped being usable (under peer->lock); resends go on q. */
void myc_failover(struct myc_peer *peer, struct myc_path *path, u8 reason,
		  struct sk_buff_head *q);
/* path is up again: what waited for it (wait-retry) goes. */
void myc_failover_recovered(struct myc_peer *peer, struct myc_path *path);
/* Is traffic with this policy and retry timeout held now? */
bool myc_failover_held(struct myc_peer *peer, u8 policy, u32 retry_ms,
		       u64 now);
/* Health tick: resend what waited past its retry timeout. */
void myc_failover_tick(struct myc_peer *peer, struct sk_buff_head *q);

/* endpoint.c: virtual endpoints. */
struct myc_backend {
	u32 id;				/* 1.., not reused in the endpoint */
	u64 node;
	bool service;			/* sid is a service, else a port */
	u32 sid;
	u32 weight;
	u8 state;			/* enum myc_backend_state */
	u8 missed;			/* checks without an answer in a row */
	bool moved;			/* its VE records were failed over */
	u64 down_us;			/* when it went down */
	u64 check_seq;			/* last check sent */
	u64 answered;			/* last check answered */
	s64 cur_weight;			/* weighted round-robin */
	atomic64_t selections;
	atomic64_t failures;
	atomic_t conns;
};

struct myc_ve {
	struct hlist_node hnode;	/* in mn->ves, RCU */
	struct myc_net *mn;
	u32 id;
	u8 lb;				/* enum myc_lb */
	u8 failover;			/* enum myc_failover */
	u32 health_ms;
	u32 retry_ms;
	spinlock_t lock;		/* the fields below, _bh */
	int nr;
	int last;			/* index picked last, or -1 */
	u32 next_be_id;
	struct myc_backend be[MYC_MAX_BACKENDS];
	struct timer_list timer;	/* health checks */
	struct rcu_head rcu;
};

struct myc_backend_cfg {
	u64 node;
	bool service;
	u32 sid;
	u32 weight;
};

struct myc_ve_cfg {
	u32 id;
	bool has_lb;
	u8 lb;
	u8 failover;			/* 0: unchanged */
	u32 health_ms;			/* 0: unchanged */
	u32 retry_ms;			/* 0: unchanged */
	bool has_backends;
	int nr;
	struct myc_backend_cfg be[MYC_MAX_BACKENDS];
};

struct myc_ve *myc_ve_lookup(struct myc_net *mn, u32 id);	/* RCU */
int myc_ve_create(struct myc_net *mn, const struct myc_ve_cfg *cfg,
		  struct netlink_ext_ack *extack);
int myc_ve_apply(struct myc_ve *ve, const struct myc_ve_cfg *cfg);
void myc_ve_remove(struct myc_ve *ve);
void myc_ve_remove_all(struct myc_net *mn);
int myc_ve_fill(struct sk_buff *skb, struct myc_ve *ve);
int myc_ve_pick(struct myc_net *mn, u32 id, u32 exclude_id, bool conn,
		struct sockaddr_myc *dst, u32 *be_id);
void myc_ve_conn_done(struct myc_net *mn, u32 id, u32 be_id);
struct myc_msg_meta;
int myc_ve_send(struct sock *sk, u32 port, const struct sockaddr_myc *ve_addr,
		const struct myc_msg_meta *meta, struct msghdr *msg,
		size_t len);
bool myc_ve_retry(struct myc_net *mn, struct sock *sk,
		  const struct myc_chunk *c, u32 ve_id, u32 be_id, u8 tries,
		  int err);
void myc_ve_rx_status(struct myc_net *mn, struct myc_peer *peer,
		      const struct myc_svc *v);
bool myc_ve_rx_reject(struct myc_net *mn, struct myc_peer *peer,
		      const struct myc_chunk *c);

/* hello.c: capabilities, profiles and the authentication state. */
void myc_policy_init(struct myc_net *mn);
/* Say hello again to every peer (settings changed); mn->lock held. */
void myc_hello_all(struct myc_net *mn);
/* Start the hello exchange with peer (new, or its settings changed). */
void myc_hello_start(struct myc_peer *peer);
void myc_hello_rx(struct myc_net *mn, struct myc_peer *peer,
		  struct sk_buff *skb);
/*
 * Health tick (peer->lock held): whether a HELLO is due, the reason to ask
 * myceliumd for keys with (or -1), and when to run again (or 0).
 */
u64 myc_hello_tick(struct myc_peer *peer, u64 now, bool *send_hello,
		   int *ask);
void myc_hello_send(struct myc_peer *peer, bool reply);
/*
 * Our HELLO to where skb (a frame from peer) came from: one frame for one.
 * reply: an answer to its HELLO; else a HELLO the peer answers (a peer
 * that CONTACTs us again lost its state: it learns of us anew).
 */
void myc_hello_answer(struct myc_net *mn, struct myc_peer *peer,
		      const struct sk_buff *skb, bool reply);
/* Our HELLO to peer, as the node's settings are now. */
void myc_hello_local(struct myc_peer *peer, struct myc_hello *h, bool reply);
/* Refused peers are asked for again this often (a certificate renewed). */
#define MYC_FAILED_ASK_US	(30 * USEC_PER_SEC)
/* myceliumd is asked again this often while keys are wanted. */
#define MYC_ASK_AGAIN_US	(5 * USEC_PER_SEC)
/*
 * A peer's first keys, installed with confirm and never confirmed, are
 * asked for again once myceliumd's handshake (31.5 s of retries, a lost
 * FIN included) is surely over: asking sooner starts a new handshake
 * beside a slow one.
 */
#define MYC_CONFIRM_WAIT_US	(35 * USEC_PER_SEC)
/* Keys were installed (peer->lock held); true: the peer became ready. */
bool myc_hello_keyed(struct myc_peer *peer);
/*
 * Set the state and readiness (peer->lock held); true when the peer just
 * became ready (the caller then calls myc_peer_now_ready() unlocked).
 */
bool myc_peer_auth_locked(struct myc_peer *peer, u8 auth);
/* Set the state (no lock held), sending what waited if it became ready. */
void myc_peer_set_auth(struct myc_peer *peer, u8 auth);
void myc_peer_now_ready(struct myc_peer *peer);
/* Up or not yet judged: not failed (suspect or down). */
static inline bool myc_path_good(u8 state)
{
	return state == MYC_PATH_UP || state == MYC_PATH_UNKNOWN;
}

static inline bool myc_peer_ready(const struct myc_peer *peer)
{
	return READ_ONCE(peer->ready);
}

/* restart.c: a new instance of the peer; the pair starts afresh. */
void myc_peer_restart_locked(struct myc_peer *peer, u32 inst,
			     struct list_head *failed);
void myc_peer_restart_done(struct myc_peer *peer, struct list_head *failed);

/* crypto.c: session keys, sealing and opening frames. */
int myc_keys_alloc(struct myc_peer *peer);
void myc_keys_free(struct myc_peer *peer);
struct myc_key_cfg {
	u8 tx[MYC_KEY_LEN];
	u8 rx[MYC_KEY_LEN];
	u8 phase;
	bool confirm;			/* tx waits for a frame under rx */
};

/* Install keys (peer->lock held); true when tx can be used now. */
bool myc_keys_install(struct myc_peer *peer, const struct myc_key_cfg *k);
void myc_keys_clear(struct myc_peer *peer);	/* peer->lock held */
bool myc_keys_tx_ok(struct myc_peer *peer);	/* peer->lock held */
/* Key state for netlink (peer->lock held). */
void myc_keys_info(struct myc_peer *peer, u8 *phase, u32 *age_s,
		   u32 *rekeys, u32 *updates);
/* The phase of the newest keys installed, if any (peer->lock held). */
bool myc_keys_newest_phase(struct myc_peer *peer, u8 *phase);
/*
 * Health tick (peer->lock): updates the keys when due; says whether the
 * session is due for a new handshake, or over.
 */
enum myc_rekey { MYC_REKEY_NO, MYC_REKEY_DUE, MYC_REKEY_EXPIRED };
enum myc_rekey myc_keys_tick(struct myc_peer *peer, u64 now);
/*
 * Seal (and compress) a frame for peer as its profile says; consumes skb,
 * returns the frame to send or NULL (dropped: no keys, no memory).
 */
struct sk_buff *myc_crypto_out(struct myc_peer *peer, struct sk_buff *skb);
/*
 * Open a received frame (linear) in place: 0 when it may be processed
 * (header flags cleared of the seal), MYC_CRYPTO_CLEAR for a probe or
 * probe reply in clear from a peer without keys (processed, but kept out
 * of the replay window, which only authentic frames may move), or a
 * negative errno (dropped and counted).  HELLO and HANDSHAKE pass unsealed.
 */
#define MYC_CRYPTO_CLEAR	1
int myc_crypto_in(struct myc_net *mn, struct myc_peer *peer,
		  struct sk_buff *skb);

/* compress.c: compression of frames (LZ4, LZ4HC, zstd). */
void myc_comp_init(void);
void myc_comp_exit(void);
/* A profile uses level: have its workspaces made (any context). */
void myc_comp_want(u8 level);
/* Compress a DATA or SPORE frame if that shrinks it; consumes skb. */
struct sk_buff *myc_comp_out(struct myc_peer *peer, struct sk_buff *skb,
			     u8 level);
/* Decompress a received (linear, opened) frame in place; 0 or -errno. */
int myc_comp_in(struct myc_net *mn, struct myc_peer *peer,
		struct sk_buff *skb);

/* auth.c: the link to myceliumd (registration, requests, handshakes). */
void myc_auth_init(void);
void myc_auth_exit(void);
/* Ask the daemon for keys for peer (any context; GFP_ATOMIC). */
void myc_auth_ask(struct myc_peer *peer, u8 reason);
/* A HANDSHAKE frame from peer: to the daemon. */
void myc_auth_rx_handshake(struct myc_net *mn, struct myc_peer *peer,
			   const u8 *data, size_t len);
int myc_nl_daemon_register(struct sk_buff *skb, struct genl_info *info);
int myc_nl_handshake_send(struct sk_buff *skb, struct genl_info *info);
int myc_nl_auth_set(struct sk_buff *skb, struct genl_info *info);
extern const struct nla_policy myc_auth_policy[MYC_A_AUTH_MAX + 1];
/*
 * An extack message chosen at run time among static strings (msg must
 * outlive the request, as NL_SET_ERR_MSG's literals do).
 */
static inline void myc_extack_attr(struct netlink_ext_ack *extack,
				   const struct nlattr *attr, const char *msg)
{
	if (extack) {
		extack->_msg = msg;
		extack->bad_attr = attr;
	}
}

/* Is the request from the registered daemon?  Says why not if it is not. */
bool myc_is_daemon(struct myc_net *mn, struct genl_info *info);

/* The auth state of a peer that waits for keys: can a daemon give them? */
static inline u8 myc_auth_waiting(const struct myc_net *mn)
{
	return READ_ONCE(mn->daemon_portid) ? MYC_AUTH_PENDING :
					      MYC_AUTH_NO_DAEMON;
}

/* spore.c, spore_nl.c: spores (Documentation/spores.rst). */
void myc_spore_init_net(struct myc_net *mn);
void myc_spore_key_init(void);
void myc_spore_exit_net(struct myc_net *mn);
/* A complete SPORE, SPORE_SUMMARY or SPORE_WANT chunk (any context). */
void myc_spore_input(struct myc_net *mn, struct sk_buff *skb);
/* peer became ready: it gets a summary of what we hold (any context). */
void myc_spore_peer_ready(struct myc_peer *peer);
int myc_nl_spore_get(struct sk_buff *skb, struct genl_info *info);
int myc_nl_spore_dump(struct sk_buff *skb, struct netlink_callback *cb);
int myc_nl_spore_del(struct sk_buff *skb, struct genl_info *info);
int myc_nl_spore_publish(struct sk_buff *skb, struct genl_info *info);
int myc_nl_spore_verdict(struct sk_buff *skb, struct genl_info *info);
int myc_nl_spore_add(struct sk_buff *skb, struct genl_info *info);
extern const struct nla_policy myc_spore_policy[MYC_A_SPORE_MAX + 1];
extern const struct nla_policy myc_spore_verdict_policy[MYC_A_SPORE_MAX + 1];

/* ratelimit.c: unauthenticated input (HELLO, HANDSHAKE, CONTACT). */
void myc_rl_init_net(struct myc_net *mn);
/* May this unauthenticated frame be taken?  Counts it when not (BH). */
bool myc_rl_allow(struct myc_net *mn, const struct sk_buff *skb);

/* contact.c: bootstrap (CONTACT frames, unknown nodes to the daemon). */
void myc_contact_init_net(struct myc_net *mn);
/* A CONTACT, or a HELLO from a node that is no peer (BH, RCU). */
void myc_contact_rx(struct myc_net *mn, struct sk_buff *skb,
		    const struct myc_hdr *h);
int myc_nl_contact(struct sk_buff *skb, struct genl_info *info);
extern const struct nla_policy myc_contact_policy[MYC_A_CONTACT_MAX + 1];
extern const struct nla_policy myc_register_policy[MYC_A_AUTH_MAX + 1];

/* policy.c: the profile table over netlink. */
int myc_nl_policy_get(struct sk_buff *skb, struct genl_info *info);
int myc_nl_policy_dump(struct sk_buff *skb, struct netlink_callback *cb);
int myc_nl_policy_set(struct sk_buff *skb, struct genl_info *info);
int myc_put_profile(struct sk_buff *skb, int type,
		    const struct myc_prof_eff *e);
extern const struct nla_policy myc_policy_policy[MYC_A_POLICY_MAX + 1];

/* event.c: state changes on the events multicast group. */
struct myc_event {
	u8 type;			/* enum myc_event_type */
	u8 reason;			/* enum myc_event_reason */
	u8 state;
	u8 policy;
	u64 peer;
	u32 path;
	u32 to_path;
	u32 endpoint;
	u32 backend;
	const u8 *spore_id;		/* MYC_EV_SPORE: not 0-terminated */
	u8 spore_id_len;
};

/* Any context: numbered and sent in order (GFP_ATOMIC). */
void myc_event(struct myc_net *mn, const struct myc_event *ev);

/* reasm.c: reassembly of fragmented messages, under peer->lock. */
/*
 * Store a fragment: 0 with *out = the complete message (data only, its
 * pieces on the frag_list) or NULL (stored, a duplicate, or a best-effort
 * fragment dropped); -ENOBUFS: a reliable fragment refused, to come again;
 * -EAGAIN (only when reserve is NULL): the node bound stopped it, nothing
 * changed: call myc_reasm_reclaim() without the lock, try again with what
 * it set aside in *reserve, then myc_reasm_unreserve() what is left.
 */
int myc_reasm_add(struct myc_peer *peer, const struct myc_chunk *c,
		  unsigned int *reserve, struct sk_buff **out);
/* No lock held: take room back from the peer holding the most. */
unsigned int myc_reasm_reclaim(struct myc_net *mn, struct myc_peer *asker,
			       unsigned int len);
void myc_reasm_unreserve(struct myc_net *mn, unsigned int reserve);
void myc_reasm_expire(struct myc_peer *peer);
void myc_reasm_purge(struct myc_peer *peer);
void myc_reasm_drop(struct myc_peer *peer, u8 guarantee, u64 msn);

/* reliable.c: acknowledgements, retransmission, ordered delivery. */
/*
 * Largest frame on the wire: a 1500-byte MTU minus IPv6 and UDP headers.
 * A frame is built at most MYC_SEAL_OVERHEAD bytes smaller, so that
 * sealing always fits.  Path MTU discovery replaces these constants with
 * the path's values.
 */
#define MYC_WIRE_MAX		(1500 - 40 - 8)
#define MYC_FRAME_MAX		(MYC_WIRE_MAX - MYC_SEAL_OVERHEAD)
/* Message bytes one chunk of a full frame carries. */
#define MYC_CHUNK_DATA_MAX	(MYC_FRAME_MAX - MYC_HDR_LEN - MYC_CHUNK_HDR_LEN)
void myc_rel_init(struct myc_peer *peer);
void myc_rel_stop(struct myc_peer *peer);
void myc_rel_destroy(struct myc_peer *peer);
void myc_rel_restart(struct myc_peer *peer, struct list_head *failed);
/* Return what myc_rel_restart() failed (ECONNRESET); no lock held. */
void myc_rel_fail_restart(struct myc_peer *peer, struct list_head *failed);
enum hrtimer_restart myc_rel_rto(struct hrtimer *t);
/* (Re)arm the retransmission timer for what is in flight (peer->lock). */
void myc_rel_arm(struct myc_peer *peer);
/*
 * Transmit the frames on q, each on the path in its cb (struct
 * myc_xmit_cb); the caller holds the RCU read lock it picked them under.
 */
void myc_xmit_queue(struct myc_peer *peer, struct sk_buff_head *q);
struct myc_xmit_cb {
	struct myc_path *path;		/* NULL: drop */
};

#define MYC_XMIT_CB(skb) ((struct myc_xmit_cb *)((skb)->cb))
/* Resend now, on another path, what was sent on path (failover). */
void myc_rel_move(struct myc_peer *peer, struct myc_path *path, u8 policy,
		  struct sk_buff_head *q);
/* Give up the records of messages sent through backend be of ve. */
void myc_rel_fail_ve(struct myc_peer *peer, u32 ve_id, u32 be_id);
/* Resend records held by wait-retry whose hold ended. */
void myc_rel_release(struct myc_peer *peer, u64 now,
		     struct sk_buff_head *q);
/* path is being deleted: forget it in the records (under peer->lock). */
void myc_rel_path_gone(struct myc_peer *peer, struct myc_path *path,
		       struct sk_buff_head *q);
struct myc_sent;
struct myc_errsink;
int myc_rel_track(struct myc_peer *peer, struct sk_buff *skb,
		  struct myc_hdr *h, gfp_t gfp);
struct myc_sent *myc_rel_sent_alloc(void);
/* What a record of a sent frame keeps besides the frame. */
struct myc_rec_meta {
	struct myc_errsink *sink;	/* reference taken over */
	u64 deadline_us;
	struct myc_path *path;		/* sent on it */
	u8 policy;			/* the sender's failover override */
	u32 retry_ms;
	u32 ve_id;			/* sent through this endpoint, or 0 */
	u32 ve_be;			/* to this backend of it */
	u8 ve_tries;
};

struct sk_buff *myc_rel_record(struct myc_peer *peer, struct myc_sent *s,
			       struct sk_buff *skb, u64 pn,
			       const struct myc_rec_meta *m);
void myc_rel_fail_unsent(struct myc_peer *peer, struct sk_buff *skb,
			 struct myc_errsink *sink, struct list_head *failed);
void myc_rel_fail_list(struct myc_peer *peer, struct list_head *failed,
		       int err);
void myc_rel_skip(struct myc_peer *peer, u8 guarantee, u64 msn);
u64 myc_rel_deadline(u32 timeout_ms);
void myc_rel_on_ack(struct myc_peer *peer, const u8 *payload, size_t len);
void myc_rel_rx_elicit(struct myc_peer *peer, u64 pn, struct myc_path *path);
void myc_rel_ack_timer(struct timer_list *t);
bool myc_rel_rx_reject(struct myc_net *mn, struct myc_peer *peer,
		       const struct myc_chunk *c);
bool myc_rel_rx_skip(struct myc_net *mn, struct myc_peer *peer,
		     const struct myc_chunk *c);
bool myc_rel_rx_msg(struct myc_net *mn, struct myc_peer *peer,
		    struct sk_buff *skb, u32 dst_id, bool service);
void myc_rel_rx_poll(struct myc_net *mn, struct myc_peer *peer);
void myc_rel_kick(struct myc_net *mn);
bool myc_rel_rx_abandon(struct myc_peer *peer, struct sk_buff *skb);
void myc_rel_send_rejects(struct myc_peer *peer);

/* sched.c: the per-peer send queue (scheduling, bundling). */
struct myc_msg_meta;
unsigned int myc_sched_level(u8 cls, u8 priority);
void myc_sched_init(struct myc_peer *peer);
void myc_sched_queue(struct myc_peer *peer, struct sock *sk,
		     struct sk_buff *skb, const struct myc_chunk *c,
		     unsigned int level, u64 deadline_us,
		     const struct myc_msg_meta *meta);
void myc_sched_push(struct myc_peer *peer);
void myc_sched_purge(struct myc_peer *peer);
void myc_sched_fail_locked(struct myc_peer *peer, struct list_head *failed);
void myc_sched_destroy(struct myc_peer *peer);
void myc_sched_orphan(struct myc_net *mn, struct sock *sk);

/* bearer.c: the node's UDP sockets. */
int myc_bearer_open(struct myc_net *mn, u16 port);
void myc_bearer_close(struct myc_net *mn);
bool myc_bearer_is_open(struct myc_net *mn);
/* Transmit one frame on a path; consumes skb. */
int myc_bearer_xmit(struct myc_net *mn, struct myc_path *path,
		    struct sk_buff *skb);
/*
 * Send a frame of no peer (CONTACT), unsealed, to remote:port from local
 * (or the address the route gives, when local is all zeros).
 */
int myc_bearer_xmit_to(struct myc_net *mn, sa_family_t family,
		       const union myc_ipaddr *local,
		       const union myc_ipaddr *remote, __be16 port,
		       int ifindex, struct sk_buff *skb);
/* A probe or a check: counted as a probe, not as a frame. */
int myc_bearer_xmit_probe(struct myc_net *mn, struct myc_path *path,
			  struct sk_buff *skb);
/*
 * Send skb (for peer) back to where in (a received frame) came from;
 * consumes skb.  Frames are sealed for their peer (crypto.c) on the way.
 */
int myc_bearer_reply(struct myc_net *mn, struct myc_peer *peer,
		     const struct sk_buff *in, struct sk_buff *skb);
/* Headroom a frame skb needs in front of the Mycelium header. */
#define MYC_XMIT_HEADROOM	(MAX_HEADER + sizeof(struct ipv6hdr) + \
				 sizeof(struct udphdr))

/* rx.c: a frame arrived on the bearer (BH context); consumes skb. */
void myc_rx(struct myc_net *mn, struct sk_buff *skb);

/* tx.c: sending messages. */
struct myc_msg_meta {
	u8 cls;
	u8 priority;
	u8 guarantee;
	u32 timeout_ms;			/* MYC_SO_TIMEOUT */
	u8 kind;			/* chunk kind; 0 = MYC_CK_MSG */
	u8 cflags;			/* MYC_CF_CONNECTED or 0 */
	u32 aux;			/* the chunk's aux (CREDIT: blocks) */
	u8 failover;			/* MYC_SO_FAILOVER (0: the peer's) */
	u32 retry_ms;			/* MYC_SO_RETRY_TIMEOUT (0: the peer's) */
	u32 ve_id;			/* endpoint.c: sent through it, or 0 */
	u32 ve_be;			/* to this backend of it */
	u8 ve_tries;			/* times it was sent elsewhere */
};

/*
 * Send one message of len bytes from sk (bound to src_port) to dst on a
 * remote node; the data comes from msg's iterator.  Returns 0 or -errno.
 */
int myc_tx_msg(struct sock *sk, u32 src_port, const struct sockaddr_myc *dst,
	       const struct myc_msg_meta *meta, struct msghdr *msg,
	       size_t len);

/* af.c: the socket family. */

/*
 * Where a socket's returned messages go.  Records of sent frames hold a
 * reference on it, not on the socket, so that a closed socket (and the
 * module) is not pinned until its last frame is acknowledged; release()
 * clears sk.
 */
struct myc_errsink {
	refcount_t ref;
	struct sock __rcu *sk;
};

struct myc_errsink *myc_errsink_get(struct sock *sk);	/* +ref */
void myc_errsink_put(struct myc_errsink *e);
struct sock *myc_errsink_sock(struct myc_errsink *e);	/* +ref or NULL */

struct myc_sock {
	struct sock sk;			/* must be first */
	struct myc_net *mn;		/* node of sk's netns */

	u32 port;			/* 0: not bound */
	bool has_service;
	u32 service;
	struct hlist_node port_node;	/* mn->ports */
	struct hlist_node service_node;	/* mn->services */

	/* SOCK_DGRAM: default destination; SOCK_SEQPACKET: the other end */
	bool connected;
	struct sockaddr_myc dst;
	u32 ve_id, ve_be;		/* SEQPACKET: connected through them */
	u32 ve_used;			/* DGRAM: endpoint sent through last */
	spinlock_t conn_lock;		/* conn.c: sk_state, dst (_bh) */
	struct work_struct conn_work;	/* conn.c: a new connection's CONN_ACK */
	u32 snd_credit;			/* conn.c: blocks the other end takes */
	u32 rcv_consumed;		/* conn.c: blocks read, not granted */
	u32 rcv_queued;			/* conn.c: blocks queued, not read */

	struct myc_msg_meta meta;	/* defaults for sendmsg */
	bool recv_class;
	struct myc_errsink *errsink;	/* never NULL */
	/*
	 * Guaranteed messages, in order, that came while the receive queue
	 * was full: they move to it as the reader reads (af.c).
	 */
	struct sk_buff_head overflow;
};

/* What all sockets of a node may hold in overflow, in truesize bytes. */
#define MYC_OVERFLOW_MAX	(16U << 20)

static inline struct myc_sock *myc_sk(const struct sock *sk)
{
	return container_of(sk, struct myc_sock, sk);
}

int myc_af_init(void);
void myc_af_exit(void);
/* The socket of this type bound to id (port or service), +ref, or NULL. */
struct myc_sock *myc_sock_get(struct myc_net *mn, u32 id, bool service,
			      int type);
bool myc_sock_bound(struct myc_net *mn, u32 id, bool service);
struct sock *myc_sk_alloc(struct net *net, struct socket *sock, int kern);
/*
 * The socket of a connection a listener's node sets up (conn.c): no struct
 * socket until accept() grafts one, not bound, in the listener's netns.
 * Any context.
 */
struct sock *myc_sk_alloc_child(const struct sock *listener);
/* Free a child that was never bound (any context). */
void myc_sk_free_child(struct sock *sk);
/* The end of a child never accepted, as release() (process context). */
void myc_sk_release_child(struct sock *sk);
bool myc_is_local_node(struct myc_net *mn, u64 node);
int myc_check_addr(const struct sockaddr *uaddr, int len, unsigned int kinds);
int myc_autobind(struct myc_sock *ms);
int myc_parse_cmsgs(struct msghdr *msg, struct myc_msg_meta *meta);
int myc_send_check(const struct msghdr *msg, size_t len);
int myc_send(struct sock *sk, u32 port, const struct sockaddr_myc *dst,
	     const struct myc_msg_meta *meta, struct msghdr *msg, size_t len);
/* A message to a socket on this node (msg may be NULL when len is 0). */
int myc_send_local(struct sock *sk, const struct sockaddr_myc *dst,
		   const struct myc_msg_meta *meta, struct msghdr *msg,
		   size_t len);

/* conn.c: SOCK_SEQPACKET connections. */
#define MYC_MAX_BACKLOG		1024
/*
 * Per-connection flow control, in blocks: a message of len bytes costs
 * len / MYC_CONN_BLOCK + 1; a connection may have MYC_CONN_WINDOW blocks
 * unread at the other end (more than the largest message costs).
 */
#define MYC_CONN_BLOCK		1024
#define MYC_CONN_WINDOW		512
void myc_conn_init(struct sock *sk);
void myc_conn_consumed(struct sock *sk, size_t len);
__poll_t myc_seqpacket_poll(struct file *file, struct socket *sock,
			    struct poll_table_struct *wait);
int myc_conn_input(struct myc_net *mn, struct sk_buff *skb);
bool myc_conn_rejected(struct myc_net *mn, u32 port,
		       const struct sockaddr_myc *dst);
void myc_conn_failed(struct sock *sk, int err);
/* The peer node restarted: its connections are reset (ECONNRESET). */
void myc_conn_peer_reset(struct myc_net *mn, u64 node);
void myc_conn_close(struct sock *sk);
void myc_conn_ve_done(struct sock *sk);
int myc_seqpacket_connect(struct socket *sock, struct sockaddr *uaddr,
			  int len, int flags);
int myc_seqpacket_listen(struct socket *sock, int backlog);
int myc_seqpacket_accept(struct socket *sock, struct socket *newsock,
			 int flags, bool kern);
int myc_seqpacket_sendmsg(struct socket *sock, struct msghdr *msg,
			  size_t len);
struct sock *myc_sock_at(struct myc_net *mn, loff_t pos);
void myc_sock_ids(struct sock *sk, u32 *port, bool *has_service, u32 *svc,
		  struct sockaddr_myc *peer);
bool myc_sock_connected(struct sock *sk);

/* proc.c: /proc/net/mycelium */
int myc_proc_init_net(struct net *net);
void myc_proc_exit_net(struct net *net);

/* What the receive path hands to a socket, in skb->cb. */
struct myc_skb_cb {
	struct sockaddr_myc src;
	u8 cls;
	u8 priority;
	u8 guarantee;
	bool service;			/* dst_id is a service */
	u32 dst_id;			/* destination port or service */
	u64 msn;			/* message sequence number */
	u8 kind;			/* MYC_CK_MSG or MYC_CK_CONN_* */
	bool connected;			/* MYC_CF_CONNECTED */
	bool endpoint;			/* MYC_CF_ENDPOINT */
	u32 aux;			/* CREDIT: blocks granted */
	u32 total;			/* returned: its length (0: skb->len) */
	u8 err;				/* returned: why (0: ECONNREFUSED) */
};

#define MYC_SKB_CB(skb) ((struct myc_skb_cb *)((skb)->cb))

/*
 * Deliver a complete message skb (data only, cb filled) to the socket bound
 * to dst_id (a port, or a service when service is true) on this node.
 * Consumes skb on success only.  Returns 0, -ENOENT (nobody bound) or
 * -ENOBUFS (receive buffer full).
 */
int myc_deliver(struct myc_net *mn, u32 dst_id, bool service,
		struct sk_buff *skb);
/*
 * Deliver whatever the cb describes (cb->dst_id and cb->service set): a
 * datagram via myc_deliver(), connection chunks and connected messages via
 * myc_conn_input().  Same contract as myc_deliver().
 */
int myc_input(struct myc_net *mn, struct sk_buff *skb);

/* What an skb on a socket's error queue carries in skb->cb. */
struct myc_err_cb {
	struct sock_extended_err ee;
	struct sockaddr_myc dst;	/* where the message was going */
};

#define MYC_ERR_CB(skb) ((struct myc_err_cb *)((skb)->cb))

/*
 * Put a returned message (data only, cb filled) on sk's error queue, or on
 * the error queue of the socket bound to port.  Consume skb in every case;
 * return 0 or -errno (nobody bound, socket closed, buffer full).
 */
int myc_sock_queue_err(struct sock *sk, struct sk_buff *skb);
int myc_deliver_err(struct myc_net *mn, u32 port, struct sk_buff *skb);

/* netlink.c: the generic netlink family. */
enum myc_mcgrp {
	MYC_MCGRP_EVENTS_ID,
	MYC_MCGRP_AUTH_ID,
};

extern struct genl_family myc_genl_family;
extern bool myc_genl_gone;		/* unregistered: no more events */
int myc_genl_init(void);
void myc_genl_exit(void);
void myc_genl_node_notify(struct myc_net *mn);

#endif /* _MYC_H */
