// SPDX-License-Identifier: GPL-2.0
/*
 * The AF_MYCELIUM socket family.
 *
 * Object: struct myc_sock, embedding struct sock as its first member.
 *
 * Lifetime: created by myc_create(), which takes a reference on the netns
 * (sk_alloc() with kern == 0) and counts the socket in its node; or, for a
 * connection a listener's node takes, by the receive path
 * (myc_sk_alloc_child(), conn.c), without a struct socket until accept()
 * grafts one.  A bound socket is hashed in its node's port table (and
 * service table) until release().  Lookups from the receive path run under
 * RCU: sockets are SOCK_RCU_FREE and a lookup takes a reference with
 * refcount_inc_not_zero.  release() (or, for a connection never accepted,
 * myc_sk_release_child() when its listener closes) unhashes, orphans and
 * drops the socket's reference; the last sock_put() runs myc_sk_destruct().
 * An open socket pins the module through proto_ops.owner, and every sock
 * through myc_proto.owner, so rmmod is refused while any is left.
 *
 * Locking: the socket's own state (binding, destination, options) is
 * protected by lock_sock(); the port and service tables by mn->sk_lock
 * (spinlock, _bh: never taken from hard irq).  Options read on the send
 * path without the socket lock use READ_ONCE().
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/capability.h>
#include <linux/module.h>
#include <linux/net.h>
#include <linux/socket.h>
#include <linux/sockios.h>
#include <linux/termios.h>
#include <net/sock.h>
#include <net/tcp_states.h>

#include "compat.h"
#include "myc.h"

/* Ports given to sockets bound to port 0 (and to services). */
#define MYC_EPHEMERAL_MIN	0x80000000U

static struct proto myc_proto = {
	.name = "MYCELIUM",
	.owner = THIS_MODULE,
	.obj_size = sizeof(struct myc_sock),
};

/* Port and service tables. */

static struct myc_sock *myc_port_lookup_rcu(struct myc_net *mn, u32 port)
{
	struct myc_sock *ms;

	hash_for_each_possible_rcu(mn->ports, ms, port_node, port) {
		if (ms->port == port)
			return ms;
	}
	return NULL;
}

/* The pos-th bound socket of the node, for /proc; caller holds RCU. */
struct sock *myc_sock_at(struct myc_net *mn, loff_t pos)
{
	struct myc_sock *ms;
	int bkt;

	hash_for_each_rcu(mn->ports, bkt, ms, port_node) {
		if (!pos--)
			return &ms->sk;
	}
	return NULL;
}

/*
 * For /proc: the socket's port and service, and its destination (kind 0
 * when not connected).  Read without the socket lock: a snapshot.
 */
void myc_sock_ids(struct sock *sk, u32 *port, bool *has_service, u32 *svc,
		  struct sockaddr_myc *peer)
{
	struct myc_sock *ms = myc_sk(sk);

	*port = READ_ONCE(ms->port);
	*has_service = READ_ONCE(ms->has_service);
	*svc = READ_ONCE(ms->service);
	memset(peer, 0, sizeof(*peer));
	spin_lock_bh(&ms->conn_lock);
	if (ms->connected || sk->sk_state == TCP_SYN_SENT)
		*peer = ms->dst;
	spin_unlock_bh(&ms->conn_lock);
	if (!peer->smyc_node && peer->smyc_kind)
		peer->smyc_node = READ_ONCE(ms->mn->node_id);
}

bool myc_sock_connected(struct sock *sk)
{
	return READ_ONCE(myc_sk(sk)->connected);
}

/*
 * Several sockets may bind one service: spread messages over those of the
 * given type.
 */
static struct myc_sock *myc_service_lookup_rcu(struct myc_net *mn, u32 svc,
					       int type)
{
	struct myc_sock *ms, *pick = NULL;
	unsigned int n = 0;

	hash_for_each_possible_rcu(mn->services, ms, service_node, svc) {
		if (ms->service != svc || ms->sk.sk_type != type)
			continue;
		/* reservoir sampling: each bound socket equally likely */
		if (!get_random_u32_below(++n))
			pick = ms;
	}
	return pick;
}

struct myc_sock *myc_sock_get(struct myc_net *mn, u32 id, bool service,
			      int type)
{
	struct myc_sock *ms;

	rcu_read_lock();
	ms = service ? myc_service_lookup_rcu(mn, id, type) :
		       myc_port_lookup_rcu(mn, id);
	if (ms && (ms->sk.sk_type != type ||
		   !refcount_inc_not_zero(&ms->sk.sk_refcnt)))
		ms = NULL;
	rcu_read_unlock();
	return ms;
}

/* Is a datagram or seqpacket socket bound to id (port or service)? */
bool myc_sock_bound(struct myc_net *mn, u32 id, bool service)
{
	struct myc_sock *ms;
	bool bound;

	rcu_read_lock();
	ms = service ? myc_service_lookup_rcu(mn, id, SOCK_DGRAM) ?:
		       myc_service_lookup_rcu(mn, id, SOCK_SEQPACKET) :
		       myc_port_lookup_rcu(mn, id);
	bound = !!ms;
	rcu_read_unlock();
	return bound;
}

int myc_input(struct myc_net *mn, struct sk_buff *skb)
{
	struct myc_skb_cb *cb = MYC_SKB_CB(skb);

	if (cb->kind >= MYC_CK_SPORE) {
		/* SPORE, SPORE_SUMMARY, SPORE_WANT: for the spore table */
		myc_spore_input(mn, skb);
		return 0;
	}
	if (cb->kind != MYC_CK_MSG || cb->connected)
		return myc_conn_input(mn, skb);
	return myc_deliver(mn, cb->dst_id, cb->service, skb);
}

/*
 * A guaranteed message (in its order) for ms: to the receive queue, or
 * behind the ones already waiting in overflow, so that a full socket does
 * not hold back the node pair's other guaranteed messages.  -ENOBUFS only
 * when the node's overflow budget is spent.
 */
static int myc_deliver_ordered(struct myc_sock *ms, struct sk_buff *skb)
{
	struct sk_buff_head *q = &ms->overflow;
	int err = 0;

	spin_lock_bh(&q->lock);
	if (skb_queue_empty(q) && !sock_queue_rcv_skb(&ms->sk, skb))
		goto out;
	if (atomic_read(&ms->mn->overflow_bytes) + skb->truesize >
	    MYC_OVERFLOW_MAX) {
		err = -ENOBUFS;
		goto out;
	}
	atomic_add(skb->truesize, &ms->mn->overflow_bytes);
	__skb_queue_tail(q, skb);
out:
	spin_unlock_bh(&q->lock);
	return err;
}

/* The reader made room: move what waits in overflow to the queue. */
static void myc_overflow_drain(struct myc_sock *ms)
{
	struct sk_buff_head *q = &ms->overflow;
	struct sk_buff *skb;

	if (skb_queue_empty_lockless(q))
		return;
	spin_lock_bh(&q->lock);
	while ((skb = skb_peek(q))) {
		unsigned int truesize = skb->truesize;

		__skb_unlink(skb, q);
		if (sock_queue_rcv_skb(&ms->sk, skb)) {
			__skb_queue_head(q, skb);
			break;
		}
		atomic_sub(truesize, &ms->mn->overflow_bytes);
	}
	spin_unlock_bh(&q->lock);
}

static void myc_overflow_purge(struct myc_sock *ms)
{
	struct sk_buff *skb;

	while ((skb = skb_dequeue(&ms->overflow))) {
		atomic_sub(skb->truesize, &ms->mn->overflow_bytes);
		kfree_skb(skb);
	}
}

/* Datagrams go to SOCK_DGRAM sockets only. */
int myc_deliver(struct myc_net *mn, u32 dst_id, bool service,
		struct sk_buff *skb)
{
	struct myc_sock *ms;
	struct sock *sk;
	int err;

	ms = myc_sock_get(mn, dst_id, service, SOCK_DGRAM);
	if (!ms)
		return -ENOENT;

	sk = &ms->sk;
	if (READ_ONCE(sk->sk_shutdown) & RCV_SHUTDOWN)
		err = -ENOENT;
	else if (MYC_SKB_CB(skb)->guarantee == MYC_GUARANTEE_GUARANTEED)
		err = myc_deliver_ordered(ms, skb);
	else if (sock_queue_rcv_skb(sk, skb))
		err = -ENOBUFS;
	else
		err = 0;
	sock_put(sk);
	return err;
}

int myc_sock_queue_err(struct sock *sk, struct sk_buff *skb)
{
	int err = -ENOENT;

	if (!sock_flag(sk, SOCK_DEAD))
		err = sock_queue_err_skb(sk, skb);
	if (err)
		kfree_skb(skb);
	return err;
}

int myc_deliver_err(struct myc_net *mn, u32 port, struct sk_buff *skb)
{
	struct myc_sock *ms;
	int err;

	rcu_read_lock();
	ms = myc_port_lookup_rcu(mn, port);
	if (!ms || !refcount_inc_not_zero(&ms->sk.sk_refcnt)) {
		rcu_read_unlock();
		kfree_skb(skb);
		return -ENOENT;
	}
	rcu_read_unlock();
	err = myc_sock_queue_err(&ms->sk, skb);
	sock_put(&ms->sk);
	return err;
}

/* Hash the socket on port (0: pick an ephemeral one).  Under lock_sock. */
static int myc_hash(struct myc_sock *ms, u32 port, bool has_service, u32 svc)
{
	struct myc_net *mn = ms->mn;
	int tries;

	spin_lock_bh(&mn->sk_lock);
	if (port) {
		if (myc_port_lookup_rcu(mn, port)) {
			spin_unlock_bh(&mn->sk_lock);
			return -EADDRINUSE;
		}
	} else {
		for (tries = 0; tries < 64; tries++) {
			port = MYC_EPHEMERAL_MIN |
			       (mn->next_ephemeral++ & ~MYC_EPHEMERAL_MIN);
			if (!myc_port_lookup_rcu(mn, port))
				break;
		}
		if (tries == 64) {
			spin_unlock_bh(&mn->sk_lock);
			return -EADDRINUSE;
		}
	}
	ms->port = port;
	hash_add_rcu(mn->ports, &ms->port_node, port);
	if (has_service) {
		ms->has_service = true;
		ms->service = svc;
		hash_add_rcu(mn->services, &ms->service_node, svc);
	}
	spin_unlock_bh(&mn->sk_lock);
	return 0;
}

static void myc_unhash(struct myc_sock *ms)
{
	struct myc_net *mn = ms->mn;

	if (!ms->port)
		return;
	spin_lock_bh(&mn->sk_lock);
	hash_del_rcu(&ms->port_node);
	if (ms->has_service)
		hash_del_rcu(&ms->service_node);
	spin_unlock_bh(&mn->sk_lock);
}

bool myc_is_local_node(struct myc_net *mn, u64 node)
{
	return !node || node == READ_ONCE(mn->node_id);
}

/* Check a user address; kinds is a mask of accepted BIT(MYC_ADDR_*). */
int myc_check_addr(const struct sockaddr *uaddr, int len, unsigned int kinds)
{
	const struct sockaddr_myc *a = (const struct sockaddr_myc *)uaddr;

	if (len < (int)sizeof(*a))
		return -EINVAL;
	if (a->smyc_family != myc_family)
		return -EAFNOSUPPORT;
	if (a->smyc_kind > MYC_ADDR_ENDPOINT || !(kinds & BIT(a->smyc_kind)))
		return -EINVAL;
	return 0;
}

static int myc_bind(struct socket *sock, struct sockaddr *uaddr, int len)
{
	const struct sockaddr_myc *a = (const struct sockaddr_myc *)uaddr;
	struct sock *sk = sock->sk;
	struct myc_sock *ms = myc_sk(sk);
	bool service;
	int err;

	err = myc_check_addr(uaddr, len,
			     BIT(MYC_ADDR_PORT) | BIT(MYC_ADDR_SERVICE));
	if (err)
		return err;
	if (!myc_is_local_node(ms->mn, a->smyc_node))
		return -EADDRNOTAVAIL;
	service = a->smyc_kind == MYC_ADDR_SERVICE;
	if (!service && a->smyc_id && a->smyc_id < MYC_PORT_PRIVILEGED &&
	    !ns_capable(sock_net(sk)->user_ns, CAP_NET_BIND_SERVICE))
		return -EACCES;

	lock_sock(sk);
	if (ms->port)
		err = -EINVAL;
	else
		err = myc_hash(ms, service ? 0 : a->smyc_id, service,
			       a->smyc_id);
	release_sock(sk);
	return err;
}

int myc_autobind(struct myc_sock *ms)
{
	return ms->port ? 0 : myc_hash(ms, 0, false, 0);
}

static int myc_dgram_connect(struct socket *sock, struct sockaddr *uaddr,
			     int len, int flags)
{
	struct sock *sk = sock->sk;
	struct myc_sock *ms = myc_sk(sk);
	int err;

	if (len >= (int)sizeof(sa_family_t) && uaddr->sa_family == AF_UNSPEC) {
		lock_sock(sk);
		WRITE_ONCE(ms->connected, false);
		sock->state = SS_UNCONNECTED;
		release_sock(sk);
		return 0;
	}
	err = myc_check_addr(uaddr, len, BIT(MYC_ADDR_PORT) |
			     BIT(MYC_ADDR_SERVICE) | BIT(MYC_ADDR_ENDPOINT));
	if (err)
		return err;

	lock_sock(sk);
	err = myc_autobind(ms);
	if (!err) {
		spin_lock_bh(&ms->conn_lock);	/* for /proc's snapshot */
		memcpy(&ms->dst, uaddr, sizeof(ms->dst));
		WRITE_ONCE(ms->connected, true);
		spin_unlock_bh(&ms->conn_lock);
		sock->state = SS_CONNECTED;
	}
	release_sock(sk);
	return err;
}

static int myc_getname(struct socket *sock, struct sockaddr *uaddr, int peer)
{
	DECLARE_SOCKADDR(struct sockaddr_myc *, addr, uaddr);
	struct myc_sock *ms = myc_sk(sock->sk);

	memset(addr, 0, sizeof(*addr));
	addr->smyc_family = myc_family;
	if (peer) {
		if (!ms->connected)
			return -ENOTCONN;
		*addr = ms->dst;
		return sizeof(*addr);
	}
	if (ms->port) {
		addr->smyc_kind = MYC_ADDR_PORT;
		addr->smyc_id = ms->port;
		addr->smyc_node = READ_ONCE(ms->mn->node_id);
	}
	return sizeof(*addr);
}

static int myc_cmsg_int(struct cmsghdr *cmsg, int max, u8 *out)
{
	int v;

	if (cmsg->cmsg_len != CMSG_LEN(sizeof(int)))
		return -EINVAL;
	v = *(int *)CMSG_DATA(cmsg);
	if (v < 0 || v > max)
		return -EINVAL;
	*out = v;
	return 0;
}

int myc_parse_cmsgs(struct msghdr *msg, struct myc_msg_meta *meta)
{
	struct cmsghdr *cmsg;
	int err;

	for_each_cmsghdr(cmsg, msg) {
		if (!CMSG_OK(msg, cmsg))
			return -EINVAL;
		if (cmsg->cmsg_level != SOL_MYCELIUM)
			return -EINVAL;
		switch (cmsg->cmsg_type) {
		case MYC_CMSG_CLASS:
			err = myc_cmsg_int(cmsg, MYC_CLASS_MAX, &meta->cls);
			break;
		case MYC_CMSG_PRIORITY:
			err = myc_cmsg_int(cmsg, MYC_PRIORITY_MAX,
					   &meta->priority);
			break;
		case MYC_CMSG_GUARANTEE:
			err = myc_cmsg_int(cmsg, MYC_GUARANTEE_MAX,
					   &meta->guarantee);
			break;
		default:
			err = -EINVAL;
		}
		if (err)
			return err;
	}
	return 0;
}

/* A message to a socket on this node: no network involved. */
int myc_send_local(struct sock *sk, const struct sockaddr_myc *dst,
		   const struct myc_msg_meta *meta, struct msghdr *msg,
		   size_t len)
{
	struct myc_sock *ms = myc_sk(sk);
	struct myc_skb_cb *cb;
	struct sk_buff *skb;
	int err;

	if (msg)
		skb = sock_alloc_send_skb(sk, len,
					  msg->msg_flags & MSG_DONTWAIT, &err);
	else
		skb = alloc_skb(0, GFP_KERNEL);
	if (!skb)
		return msg ? err : -ENOMEM;
	if (len)
		err = memcpy_from_msg(skb_put(skb, len), msg, len);
	if (len && err) {
		kfree_skb(skb);
		return err;
	}
	cb = MYC_SKB_CB(skb);
	memset(cb, 0, sizeof(*cb));
	cb->src.smyc_family = myc_family;
	cb->src.smyc_kind = MYC_ADDR_PORT;
	cb->src.smyc_id = ms->port;
	cb->src.smyc_node = READ_ONCE(ms->mn->node_id);
	cb->cls = meta->cls;
	cb->priority = meta->priority;
	cb->guarantee = meta->guarantee;
	cb->kind = meta->kind ?: MYC_CK_MSG;
	cb->connected = meta->cflags & MYC_CF_CONNECTED;
	cb->aux = meta->aux;
	cb->dst_id = dst->smyc_id;
	cb->service = dst->smyc_kind == MYC_ADDR_SERVICE;
	skb_orphan(skb);

	err = myc_input(ms->mn, skb);
	if (err)
		kfree_skb(skb);
	if (err == -ENOENT)
		return -ECONNREFUSED;
	if (err == -ENOBUFS && meta->guarantee == MYC_GUARANTEE_BEST_EFFORT)
		return 0;	/* best effort: dropped, as on the wire */
	return err;
}

/* Flags and size every sendmsg() accepts. */
int myc_send_check(const struct msghdr *msg, size_t len)
{
	if (msg->msg_flags & ~(MSG_DONTWAIT | MSG_NOSIGNAL | MSG_EOR |
			       MSG_MORE | MSG_CMSG_COMPAT))
		return -EOPNOTSUPP;
	if (len > MYC_MAX_MSG_SIZE)
		return -EMSGSIZE;
	return 0;
}

/* Send a message from sk (bound to port) to dst, here or on a peer. */
int myc_send(struct sock *sk, u32 port, const struct sockaddr_myc *dst,
	     const struct myc_msg_meta *meta, struct msghdr *msg, size_t len)
{
	int err;

	if (dst->smyc_kind == MYC_ADDR_ENDPOINT)
		return myc_ve_send(sk, port, dst, meta, msg, len);
	if (myc_is_local_node(myc_sk(sk)->mn, dst->smyc_node))
		err = myc_send_local(sk, dst, meta, msg, len);
	else
		err = myc_tx_msg(sk, port, dst, meta, msg, len);
	return err ? err : len;
}

static int myc_dgram_sendmsg(struct socket *sock, struct msghdr *msg,
			     size_t len)
{
	struct sock *sk = sock->sk;
	struct myc_sock *ms = myc_sk(sk);
	struct sockaddr_myc dst;
	struct myc_msg_meta meta;
	u32 port;
	int err;

	err = myc_send_check(msg, len);
	if (err)
		return err;

	if (msg->msg_name) {
		err = myc_check_addr(msg->msg_name, msg->msg_namelen,
				     BIT(MYC_ADDR_PORT) |
				     BIT(MYC_ADDR_SERVICE) |
				     BIT(MYC_ADDR_ENDPOINT));
		if (err)
			return err;
		memcpy(&dst, msg->msg_name, sizeof(dst));
	}

	lock_sock(sk);
	if (sk->sk_shutdown & SEND_SHUTDOWN) {
		release_sock(sk);
		if (!(msg->msg_flags & MSG_NOSIGNAL))
			send_sig(SIGPIPE, current, 0);
		return -EPIPE;
	}
	if (!msg->msg_name) {
		if (!ms->connected) {
			release_sock(sk);
			return -EDESTADDRREQ;
		}
		dst = ms->dst;
	}
	err = myc_autobind(ms);
	port = ms->port;
	meta = ms->meta;
	release_sock(sk);
	if (err)
		return err;

	err = myc_parse_cmsgs(msg, &meta);
	if (err)
		return err;

	return myc_send(sk, port, &dst, &meta, msg, len);
}

/*
 * Copy a message to the user (cut to size: MSG_TRUNC) with its address in
 * msg_name.  Returns what recvmsg() returns: the bytes copied, or the
 * whole length with MSG_TRUNC in flags; or -errno.
 */
static int myc_copy_to_msg(struct sk_buff *skb, struct msghdr *msg,
			   size_t size, int flags,
			   const struct sockaddr_myc *name)
{
	size_t copied = skb->len;
	int err;

	if (copied > size) {
		copied = size;
		msg->msg_flags |= MSG_TRUNC;
	}
	err = skb_copy_datagram_msg(skb, 0, msg, copied);
	if (err)
		return err;
	if (msg->msg_name) {
		DECLARE_SOCKADDR(struct sockaddr_myc *, addr, msg->msg_name);

		*addr = *name;
		msg->msg_namelen = sizeof(*addr);
	}
	return (flags & MSG_TRUNC) ? skb->len : copied;
}

/*
 * MSG_ERRQUEUE: a returned message, its destination and why it came back.
 * Never blocks, as for the other families.
 */
static int myc_recv_error(struct sock *sk, struct msghdr *msg, size_t size,
			  int flags)
{
	struct sk_buff_head *q = &sk->sk_error_queue;
	struct myc_err_cb *cb;
	struct sk_buff *skb;
	int err;

	spin_lock_bh(&q->lock);
	skb = skb_peek(q);
	if (skb && !(flags & MSG_PEEK))
		__skb_unlink(skb, q);
	else if (skb)
		skb_get(skb);
	spin_unlock_bh(&q->lock);
	if (!skb)
		return -EAGAIN;

	cb = MYC_ERR_CB(skb);
	err = myc_copy_to_msg(skb, msg, size, flags, &cb->dst);
	if (err >= 0) {
		put_cmsg(msg, SOL_MYCELIUM, MYC_CMSG_ERR, sizeof(cb->ee),
			 &cb->ee);
		msg->msg_flags |= MSG_ERRQUEUE;
	}
	kfree_skb(skb);
	return err;
}

static int myc_recvmsg(struct socket *sock, struct msghdr *msg, size_t size,
		       int flags)
{
	struct sock *sk = sock->sk;
	struct myc_sock *ms = myc_sk(sk);
	struct sk_buff *skb;
	int err;

	if (flags & ~(MSG_PEEK | MSG_DONTWAIT | MSG_TRUNC | MSG_CMSG_COMPAT |
		      MSG_ERRQUEUE))
		return -EOPNOTSUPP;
	if (flags & MSG_ERRQUEUE)
		return myc_recv_error(sk, msg, size, flags);
	if (sk->sk_type == SOCK_SEQPACKET) {
		int state = READ_ONCE(sk->sk_state);

		if (state == TCP_LISTEN)
			return -EINVAL;
		if (state != TCP_ESTABLISHED &&
		    skb_queue_empty_lockless(&sk->sk_receive_queue) &&
		    !(READ_ONCE(sk->sk_shutdown) & RCV_SHUTDOWN))
			return -ENOTCONN;
	}

	skb = skb_recv_datagram(sk, flags, &err);
	if (!skb)
		return err;

	err = myc_copy_to_msg(skb, msg, size, flags, &MYC_SKB_CB(skb)->src);
	if (err < 0)
		goto out;

	sock_recv_timestamp(msg, sk, skb);
	if (READ_ONCE(ms->recv_class)) {
		int cls = MYC_SKB_CB(skb)->cls;

		put_cmsg(msg, SOL_MYCELIUM, MYC_CMSG_CLASS, sizeof(cls), &cls);
	}
	if (sk->sk_type == SOCK_SEQPACKET && !(flags & MSG_PEEK))
		myc_conn_consumed(sk, skb->len);
out:
	skb_free_datagram(sk, skb);
	if (!(flags & MSG_PEEK)) {
		myc_overflow_drain(ms);
		myc_rel_kick(ms->mn);
	}
	return err;
}

static int myc_setsockopt(struct socket *sock, int level, int optname,
			  sockptr_t optval, unsigned int optlen)
{
	struct myc_sock *ms = myc_sk(sock->sk);
	int val, err = 0;

	if (level != SOL_MYCELIUM)
		return -ENOPROTOOPT;
	if (optlen < sizeof(int))
		return -EINVAL;
	if (copy_from_sockptr(&val, optval, sizeof(val)))
		return -EFAULT;

	lock_sock(sock->sk);
	switch (optname) {
	case MYC_SO_CLASS:
		if (val < 0 || val > MYC_CLASS_MAX)
			err = -EINVAL;
		else
			WRITE_ONCE(ms->meta.cls, val);
		break;
	case MYC_SO_PRIORITY:
		if (val < MYC_PRIORITY_MIN || val > MYC_PRIORITY_MAX)
			err = -EINVAL;
		else
			WRITE_ONCE(ms->meta.priority, val);
		break;
	case MYC_SO_GUARANTEE:
		if (val < 0 || val > MYC_GUARANTEE_MAX)
			err = -EINVAL;
		else
			WRITE_ONCE(ms->meta.guarantee, val);
		break;
	case MYC_SO_RECV_CLASS:
		WRITE_ONCE(ms->recv_class, !!val);
		break;
	case MYC_SO_TIMEOUT:
		if (val < 0 || val > MYC_MAX_TIMEOUT_MS)
			err = -EINVAL;
		else
			WRITE_ONCE(ms->meta.timeout_ms, val);
		break;
	case MYC_SO_FAILOVER:
		if (val < 0 || val > MYC_FAILOVER_MAX)
			err = -EINVAL;
		else
			WRITE_ONCE(ms->meta.failover, val);
		break;
	case MYC_SO_RETRY_TIMEOUT:
		if (val < 0 || val > MYC_MAX_RETRY_TIMEOUT_MS)
			err = -EINVAL;
		else
			WRITE_ONCE(ms->meta.retry_ms, val);
		break;
	default:
		err = -ENOPROTOOPT;
	}
	release_sock(sock->sk);
	return err;
}

static int myc_getsockopt(struct socket *sock, int level, int optname,
			  char __user *optval, int __user *optlen)
{
	struct myc_sock *ms = myc_sk(sock->sk);
	int val, len;

	if (level != SOL_MYCELIUM)
		return -ENOPROTOOPT;
	if (get_user(len, optlen))
		return -EFAULT;
	if (len < (int)sizeof(int))
		return -EINVAL;

	switch (optname) {
	case MYC_SO_CLASS:
		val = READ_ONCE(ms->meta.cls);
		break;
	case MYC_SO_PRIORITY:
		val = READ_ONCE(ms->meta.priority);
		break;
	case MYC_SO_GUARANTEE:
		val = READ_ONCE(ms->meta.guarantee);
		break;
	case MYC_SO_RECV_CLASS:
		val = READ_ONCE(ms->recv_class);
		break;
	case MYC_SO_TIMEOUT:
		val = READ_ONCE(ms->meta.timeout_ms);
		break;
	case MYC_SO_FAILOVER:
		val = READ_ONCE(ms->meta.failover);
		break;
	case MYC_SO_RETRY_TIMEOUT:
		val = READ_ONCE(ms->meta.retry_ms);
		break;
	default:
		return -ENOPROTOOPT;
	}
	len = sizeof(int);
	if (put_user(len, optlen) || copy_to_user(optval, &val, len))
		return -EFAULT;
	return 0;
}

static int myc_shutdown(struct socket *sock, int how)
{
	struct sock *sk = sock->sk;

	how++;	/* SHUT_RD..SHUT_RDWR -> RCV_SHUTDOWN..SHUTDOWN_MASK */
	if (how & ~SHUTDOWN_MASK || !how)
		return -EINVAL;
	lock_sock(sk);
	WRITE_ONCE(sk->sk_shutdown, sk->sk_shutdown | how);
	sk->sk_state_change(sk);
	release_sock(sk);
	return 0;
}

static int myc_ioctl(struct socket *sock, unsigned int cmd, unsigned long arg)
{
	struct sock *sk = sock->sk;
	struct sk_buff *skb;
	int amount;

	switch (cmd) {
	case SIOCINQ:
		spin_lock_bh(&sk->sk_receive_queue.lock);
		skb = skb_peek(&sk->sk_receive_queue);
		amount = skb ? skb->len : 0;
		spin_unlock_bh(&sk->sk_receive_queue.lock);
		break;
	case SIOCOUTQ:
		amount = sk_wmem_alloc_get(sk);
		break;
	default:
		return -ENOIOCTLCMD;
	}
	return put_user(amount, (int __user *)arg);
}

static void myc_sk_destruct(struct sock *sk)
{
	myc_overflow_purge(myc_sk(sk));
	skb_queue_purge(&sk->sk_receive_queue);
	skb_queue_purge(&sk->sk_error_queue);
}

/*
 * Unhash sk and let go of what it holds; under lock_sock(), or with sk
 * out of every other context's reach (a child without a struct socket).
 */
static void myc_sk_done(struct sock *sk)
{
	struct myc_sock *ms = myc_sk(sk);

	myc_unhash(ms);
	myc_overflow_purge(ms);
	myc_sched_orphan(ms->mn, sk);
	RCU_INIT_POINTER(ms->errsink->sk, NULL);
	myc_errsink_put(ms->errsink);
	ms->errsink = NULL;
	sk->sk_shutdown = SHUTDOWN_MASK;
	sk->sk_state_change(sk);
	atomic_dec(&ms->mn->nr_sockets);
	sock_orphan(sk);
}

static int myc_release(struct socket *sock)
{
	struct sock *sk = sock->sk;

	if (!sk)
		return 0;

	lock_sock(sk);
	if (sk->sk_type == SOCK_SEQPACKET)
		myc_conn_close(sk);
	myc_sk_done(sk);
	sock->sk = NULL;
	release_sock(sk);
	sock_put(sk);
	return 0;
}

/*
 * A connection that was never accepted ends (its listener closed): as
 * release(), without a struct socket.  Its CONN_ACK work is done and no
 * syscall can reach it, so its socket lock is not taken (the caller holds
 * the listener's, of the same lock class).
 */
void myc_sk_release_child(struct sock *sk)
{
	myc_sk_done(sk);
	sock_put(sk);
}

/*
 * proto_ops.family is informational (the core dispatches on
 * net_proto_family.family and sk->sk_family, both the live number), so the
 * ops stay const with the default number.
 */
static const struct proto_ops myc_dgram_ops = {
	.family = PF_MYCELIUM,
	.owner = THIS_MODULE,
	.release = myc_release,
	.bind = myc_bind,
	.connect = myc_dgram_connect,
	.socketpair = sock_no_socketpair,
	.accept = sock_no_accept,
	.getname = myc_getname,
	.poll = datagram_poll,
	.ioctl = myc_ioctl,
	.listen = sock_no_listen,
	.shutdown = myc_shutdown,
	.setsockopt = myc_setsockopt,
	.getsockopt = myc_getsockopt,
	.sendmsg = myc_dgram_sendmsg,
	.recvmsg = myc_recvmsg,
	.mmap = sock_no_mmap,
};

/* Connections: conn.c. */
static const struct proto_ops myc_seqpacket_ops = {
	.family = PF_MYCELIUM,
	.owner = THIS_MODULE,
	.release = myc_release,
	.bind = myc_bind,
	.connect = myc_seqpacket_connect,
	.socketpair = sock_no_socketpair,
	.accept = myc_compat_accept,
	.getname = myc_getname,
	.poll = myc_seqpacket_poll,
	.ioctl = myc_ioctl,
	.listen = myc_seqpacket_listen,
	.shutdown = myc_shutdown,
	.setsockopt = myc_setsockopt,
	.getsockopt = myc_getsockopt,
	.sendmsg = myc_seqpacket_sendmsg,
	.recvmsg = myc_recvmsg,
	.mmap = sock_no_mmap,
};

static int myc_create(struct net *net, struct socket *sock, int protocol,
		      int kern)
{
	const struct proto_ops *ops;

	if (protocol != 0)
		return -EPROTONOSUPPORT;

	switch (sock->type) {
	case SOCK_DGRAM:
		ops = &myc_dgram_ops;
		break;
	case SOCK_SEQPACKET:
		ops = &myc_seqpacket_ops;
		break;
	default:
		return -ESOCKTNOSUPPORT;
	}

	sock->ops = ops;
	return myc_sk_alloc(net, sock, kern) ? 0 : -ENOMEM;
}

struct myc_errsink *myc_errsink_get(struct sock *sk)
{
	struct myc_errsink *e = myc_sk(sk)->errsink;

	refcount_inc(&e->ref);
	return e;
}

void myc_errsink_put(struct myc_errsink *e)
{
	if (e && refcount_dec_and_test(&e->ref))
		kfree(e);
}

struct sock *myc_errsink_sock(struct myc_errsink *e)
{
	struct sock *sk;

	rcu_read_lock();
	sk = rcu_dereference(e->sk);
	if (sk && !refcount_inc_not_zero(&sk->sk_refcnt))
		sk = NULL;
	rcu_read_unlock();
	return sk;
}

/*
 * A new sock of type for sock (whose type and ops are set), or with no
 * struct socket yet (sock NULL), counted in its node.
 */
static struct sock *__myc_sk_alloc(struct net *net, struct socket *sock,
				   int type, int kern, gfp_t gfp)
{
	struct myc_errsink *e;
	struct myc_sock *ms;
	struct sock *sk;

	e = kzalloc(sizeof(*e), gfp);
	if (!e)
		return NULL;
	sk = sk_alloc(net, myc_family, gfp, &myc_proto, kern);
	if (!sk) {
		kfree(e);
		return NULL;
	}
	refcount_set(&e->ref, 1);
	rcu_assign_pointer(e->sk, sk);

	if (sock)
		sock->state = SS_UNCONNECTED;
	sock_init_data(sock, sk);
	sk->sk_type = type;
	sock_set_flag(sk, SOCK_RCU_FREE);
	sk->sk_protocol = 0;
	sk->sk_destruct = myc_sk_destruct;

	ms = myc_sk(sk);
	ms->mn = myc_net(net);
	ms->errsink = e;
	spin_lock_init(&ms->conn_lock);
	myc_conn_init(sk);
	skb_queue_head_init(&ms->overflow);
	ms->meta.cls = MYC_CLASS_SERVICE;
	ms->meta.priority = MYC_PRIORITY_DEFAULT;
	ms->meta.guarantee = type == SOCK_SEQPACKET ?
			     MYC_GUARANTEE_GUARANTEED :
			     MYC_GUARANTEE_BEST_EFFORT;
	ms->meta.timeout_ms = MYC_DEFAULT_TIMEOUT_MS;
	atomic_inc(&ms->mn->nr_sockets);
	return sk;
}

struct sock *myc_sk_alloc(struct net *net, struct socket *sock, int kern)
{
	return __myc_sk_alloc(net, sock, sock->type, kern, GFP_KERNEL);
}

/*
 * A connection's socket, made by the receive path: it holds the netns as
 * the listener does (a user's listener, a user's connection).
 */
struct sock *myc_sk_alloc_child(const struct sock *listener)
{
	return __myc_sk_alloc(sock_net(listener), NULL, SOCK_SEQPACKET,
			      !listener->sk_net_refcnt, GFP_ATOMIC);
}

/* A child refused before it was bound or used: any context. */
void myc_sk_free_child(struct sock *sk)
{
	struct myc_sock *ms = myc_sk(sk);

	RCU_INIT_POINTER(ms->errsink->sk, NULL);
	myc_errsink_put(ms->errsink);
	ms->errsink = NULL;
	atomic_dec(&ms->mn->nr_sockets);
	sock_orphan(sk);
	sock_put(sk);
}

static struct net_proto_family myc_family_ops __ro_after_init = {
	.create = myc_create,
	.owner = THIS_MODULE,
};

int myc_af_init(void)
{
	int err;

	myc_family_ops.family = myc_family;

	err = proto_register(&myc_proto, 1);
	if (err)
		return err;

	err = sock_register(&myc_family_ops);
	if (err) {
		/* modprobe takes -EEXIST for "already loaded": say -EBUSY */
		if (err == -EEXIST) {
			pr_err("address family %d is already used by another protocol; load with family=N to pick a free number\n",
			       myc_family);
			err = -EBUSY;
		}
		proto_unregister(&myc_proto);
		return err;
	}
	return 0;
}

void myc_af_exit(void)
{
	sock_unregister(myc_family);
	proto_unregister(&myc_proto);
}
