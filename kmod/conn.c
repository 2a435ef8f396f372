// SPDX-License-Identifier: GPL-2.0
/*
 * SOCK_SEQPACKET connections: listen, accept, connect, close.
 *
 * A connection joins a port on one node to a port on another (or the same)
 * node; its messages are guaranteed (exactly once, in order).  The control
 * chunks CONN_REQ, CONN_ACK and CONN_RST travel in the guaranteed sequence
 * space of the node pair, like the messages, so they are reliable and
 * ordered with the data: the CONN_ACK arrives before the first message of
 * the new connection's socket, a CONN_RST after the last message sent
 * before close().
 *
 * BSD semantics, as TCP, SCTP, TIPC and AF_UNIX have them: connect()
 * completes when the listener's kernel has taken the connection, not when
 * the listening program calls accept().
 *
 *   connect()   CLOSE -> SYN_SENT; CONN_REQ to node+port or node+service
 *   CONN_REQ    at a listener with room in its backlog: the receive path
 *               makes the connection's socket at once (myc_conn_request(),
 *               as TCP makes a child from its SYN queue): a sock with no
 *               struct socket yet, on an ephemeral port, ESTABLISHED,
 *               connected to the requester; it goes on the listener's
 *               accept queue (its receive queue, bounded by listen()'s
 *               backlog) and its CONN_ACK goes out from its port, from
 *               process context (conn_work on myc_wq: the receive path may
 *               hold peer->lock, under which nothing is sent).  A port that
 *               does not listen, a full backlog, or no memory for the
 *               socket refuses the request: it comes back as a REJECT and
 *               connect() fails with ECONNREFUSED (TIPC refuses too; TCP
 *               would drop the SYN and retry)
 *   CONN_ACK    SYN_SENT -> ESTABLISHED; the destination becomes the port
 *               of the new socket; connect() returns.  Messages sent now
 *               wait in the new socket's receive queue, within the
 *               connection's credit, until the program accepts and reads
 *   accept()    takes the first socket off the accept queue (blocking,
 *               O_NONBLOCK: EAGAIN, poll: POLLIN while one waits), waits
 *               for its CONN_ACK to be out (flush_work(), so that nothing
 *               the program sends can pass it), grafts it on the new struct
 *               socket
 *   close()     CONN_RST to the other side, which reads what it has queued,
 *               then end of file; its sends fail with EPIPE.  A message the
 *               other side can no longer take (its socket is gone) comes
 *               back as a REJECT and resets the connection (ECONNRESET).
 *   listener    close() resets every connection on its accept queue: a
 *   close()     CONN_RST with aux ECONNRESET (as TCP sends a RST), so the
 *               requester's calls fail with ECONNRESET, then end of file
 *               and EPIPE; the sockets are freed (myc_sk_release_child()).
 *               A requester that gives up while SYN_SENT sends its CONN_RST
 *               to the listener: the socket made for it is closed and
 *               accept() returns it with end of file, as TCP returns a
 *               connection reset before accept()
 *
 * Flow control per connection (credit, as TIPC's connections have): a
 * sender may have MYC_CONN_WINDOW blocks of messages unread at the other
 * end; the reader grants them back in CREDIT chunks (ordered with the
 * data) as it reads, a quarter of the window at a time.  So one connection
 * whose reader stops blocks its own sender only, never the node pair's
 * guaranteed stream that the other connections share.  A connection's
 * messages are queued on the reading socket within that window even past
 * SO_RCVBUF: the credit is what bounds them.
 *
 * Locking: sk_state, the destination and the accept queue counters change
 * under ms->conn_lock (spinlock, _bh), because the receive path (BH, under
 * peer->lock; or a local sender in process context) moves them too;
 * process context also holds lock_sock() where it needs the socket's other
 * fields.  Order: peer->lock > a listener's conn_lock > mn->sk_lock (the
 * new socket is bound) and the listener's receive queue lock.  Two
 * sockets' conn_locks are never held together.  Nothing is sent under
 * conn_lock.
 *
 * Lifetimes: a socket on an accept queue is held by its entry there, an
 * empty skb whose cb (struct myc_accept_cb) points to it; that reference
 * becomes the struct socket's at accept(), or is dropped by
 * myc_sk_release_child() when the listener closes.  conn_work holds one
 * more while queued; the listener's close cancels it (the CONN_ACK then
 * never went: the requester, still SYN_SENT, is refused) or waits for it.
 * Entries are added under the listener's conn_lock while it is TCP_LISTEN
 * only, and close() moves it out of TCP_LISTEN under that lock before it
 * empties the queue, so no entry outlives the listener.  Every sock pins
 * the module (myc_proto.owner) and conn_work runs on myc_wq, which module
 * exit destroys: rmmod waits for the last of them.
 */
#include <linux/net.h>
#include <linux/sched/signal.h>
#include <net/sock.h>
#include <net/tcp_states.h>

#include "myc.h"

/* An entry of a listener's accept queue: an empty skb, its cb this. */
struct myc_accept_cb {
	struct sock *child;		/* the connection's socket, +ref */
};

#define MYC_ACCEPT_CB(skb) ((struct myc_accept_cb *)((skb)->cb))

/* Send a control chunk of this kind from sk's port to dst. */
static int myc_conn_send_ctl_aux(struct sock *sk, u8 kind,
				 const struct sockaddr_myc *dst, u32 aux);

static int myc_conn_send_ctl(struct sock *sk, u8 kind,
			     const struct sockaddr_myc *dst)
{
	return myc_conn_send_ctl_aux(sk, kind, dst, 0);
}

static u32 myc_conn_cost(size_t len)
{
	return len / MYC_CONN_BLOCK + 1;
}

/*
 * Queue a connection's message on the reading socket.  Within the window
 * the credit bounds it, not SO_RCVBUF; a peer that sends beyond its credit
 * meets SO_RCVBUF as a datagram sender does (-ENOBUFS: the message waits).
 * Under ms->conn_lock.
 */
static int myc_conn_queue(struct myc_sock *ms, struct sk_buff *skb)
{
	u32 cost = myc_conn_cost(skb->len);
	struct sock *sk = &ms->sk;

	if (ms->rcv_queued + cost <= MYC_CONN_WINDOW) {
		skb_set_owner_r(skb, sk);
		skb_queue_tail(&sk->sk_receive_queue, skb);
		sk->sk_data_ready(sk);
	} else if (sock_queue_rcv_skb(sk, skb)) {
		return -ENOBUFS;
	}
	ms->rcv_queued += cost;
	return 0;
}

static int myc_conn_send_ctl_aux(struct sock *sk, u8 kind,
				 const struct sockaddr_myc *dst, u32 aux)
{
	struct myc_sock *ms = myc_sk(sk);
	struct myc_msg_meta meta = {
		.cls = READ_ONCE(ms->meta.cls),
		.priority = READ_ONCE(ms->meta.priority),
		.guarantee = MYC_GUARANTEE_GUARANTEED,
		.timeout_ms = READ_ONCE(ms->meta.timeout_ms),
		.kind = kind,
		.cflags = MYC_CF_CONNECTED,
		.aux = aux,
	};

	if (myc_is_local_node(ms->mn, dst->smyc_node))
		return myc_send_local(sk, dst, &meta, NULL, 0);
	return myc_tx_msg(sk, READ_ONCE(ms->port), dst, &meta, NULL, 0);
}

/* Is a the peer that b names (node, and port unless any_port)? */
static bool myc_conn_match(struct myc_net *mn, const struct sockaddr_myc *a,
			   const struct sockaddr_myc *b, bool any_port)
{
	u64 self = READ_ONCE(mn->node_id);
	u64 na = a->smyc_node ?: self, nb = b->smyc_node ?: self;

	if (na != nb)
		return false;
	return any_port || (a->smyc_kind == b->smyc_kind &&
			    a->smyc_id == b->smyc_id);
}

/* Enter TCP_CLOSE with err (0: orderly end), waking whoever waits. */
static void myc_conn_set_closed(struct sock *sk, int err)
{
	struct myc_sock *ms = myc_sk(sk);

	sk->sk_state = TCP_CLOSE;
	WRITE_ONCE(ms->connected, false);
	WRITE_ONCE(sk->sk_shutdown, sk->sk_shutdown | SHUTDOWN_MASK);
	if (err)
		WRITE_ONCE(sk->sk_err, err);
}

/*
 * A CONN_RST to a listener from a requester that gave up before its
 * CONN_ACK came: close the socket made for its request (the last one made
 * for that port), which accept() returns with end of file.  Not under the
 * listener's conn_lock.
 */
static void myc_conn_drop_request(struct sock *sk,
				  const struct sockaddr_myc *from)
{
	struct sk_buff_head *q = &sk->sk_receive_queue;
	struct sock *child = NULL;
	struct myc_sock *cms;
	struct sk_buff *skb;
	bool closed = false;

	spin_lock_bh(&q->lock);
	skb_queue_reverse_walk(q, skb) {
		struct sock *c = MYC_ACCEPT_CB(skb)->child;

		/* dst is set before the entry is queued and stays */
		if (myc_conn_match(myc_sk(sk)->mn, &myc_sk(c)->dst, from,
				   false)) {
			child = c;
			sock_hold(child);
			break;
		}
	}
	spin_unlock_bh(&q->lock);
	if (!child)
		return;
	cms = myc_sk(child);
	spin_lock_bh(&cms->conn_lock);
	if (child->sk_state == TCP_ESTABLISHED) {
		myc_conn_set_closed(child, 0);
		closed = true;
	}
	spin_unlock_bh(&cms->conn_lock);
	if (closed)
		child->sk_state_change(child);
	sock_put(child);
}

/* Can the listener take one more connection?  Under its conn_lock. */
static bool myc_conn_room(struct sock *sk)
{
	return READ_ONCE(sk->sk_state) == TCP_LISTEN &&
	       !sk_acceptq_is_full(sk) &&
	       !(READ_ONCE(sk->sk_shutdown) & RCV_SHUTDOWN);
}

/*
 * A CONN_REQ (skb) for the listener ms: make the connection's socket, put
 * it on the accept queue with skb as its entry and send its CONN_ACK from
 * conn_work.  Consumes skb on success; -ENOENT refuses the request.  Any
 * context (the receive path, under peer->lock; or a local connect()).
 */
static int myc_conn_request(struct myc_sock *ms, struct sk_buff *skb)
{
	struct sockaddr_myc src = MYC_SKB_CB(skb)->src;
	struct sock *sk = &ms->sk, *child;
	struct myc_sock *cms;
	int err = 0;

	if (!myc_conn_room(sk))		/* before allocating; again below */
		return -ENOENT;
	child = myc_sk_alloc_child(sk);
	if (!child)
		return -ENOENT;
	cms = myc_sk(child);
	cms->meta = ms->meta;
	cms->dst = src;
	cms->snd_credit = MYC_CONN_WINDOW;
	child->sk_state = TCP_ESTABLISHED;
	cms->connected = true;

	spin_lock_bh(&ms->conn_lock);
	if (!myc_conn_room(sk))
		err = -ENOENT;
	else
		err = myc_autobind(cms);	/* visible from here on */
	if (!err) {
		sk_acceptq_added(sk);
		sock_hold(child);		/* conn_work's */
		queue_work(myc_wq, &cms->conn_work);
		memset(skb->cb, 0, sizeof(skb->cb));
		MYC_ACCEPT_CB(skb)->child = child;
		skb_queue_tail(&sk->sk_receive_queue, skb);
	}
	spin_unlock_bh(&ms->conn_lock);
	if (err) {
		myc_sk_free_child(child);
		return -ENOENT;		/* out of ports too: refused */
	}
	sk->sk_data_ready(sk);
	return 0;
}

/*
 * A connection chunk or a connected message for this node, in order (from
 * the guaranteed delivery of reliable.c, or from a local sender).  Same
 * contract as myc_deliver(): consumes skb on success only; -ENOENT when no
 * socket is there to take it, -ENOBUFS when the socket is full.
 */
int myc_conn_input(struct myc_net *mn, struct sk_buff *skb)
{
	struct myc_skb_cb *cb = MYC_SKB_CB(skb);
	bool wake = false;
	struct myc_sock *ms;
	struct sock *sk;
	int err = 0, sk_err = 0;

	ms = myc_sock_get(mn, cb->dst_id, cb->service, SOCK_SEQPACKET);
	if (!ms)
		return -ENOENT;
	sk = &ms->sk;

	if (cb->kind == MYC_CK_CONN_REQ) {
		err = myc_conn_request(ms, skb);
		goto out;
	}
	if (cb->kind == MYC_CK_CONN_RST &&
	    READ_ONCE(sk->sk_state) == TCP_LISTEN) {
		myc_conn_drop_request(sk, &cb->src);
		consume_skb(skb);
		goto out;
	}

	spin_lock_bh(&ms->conn_lock);
	switch (cb->kind) {
	case MYC_CK_CONN_ACK:
		if (sk->sk_state != TCP_SYN_SENT ||
		    !myc_conn_match(mn, &ms->dst, &cb->src, true)) {
			err = -ENOENT;
			break;
		}
		ms->dst = cb->src;
		ms->snd_credit = MYC_CONN_WINDOW;
		ms->rcv_consumed = 0;
		sk->sk_state = TCP_ESTABLISHED;
		WRITE_ONCE(ms->connected, true);
		wake = true;
		consume_skb(skb);
		break;
	case MYC_CK_CREDIT:
		if (sk->sk_state == TCP_ESTABLISHED &&
		    myc_conn_match(mn, &ms->dst, &cb->src, false)) {
			ms->snd_credit = min_t(u32, MYC_CONN_WINDOW,
					       ms->snd_credit + cb->aux);
			wake = true;
		}
		consume_skb(skb);
		break;
	case MYC_CK_CONN_RST:
		/* aux: 0 closed (end of file), else reset (ECONNRESET) */
		if (sk->sk_state == TCP_ESTABLISHED &&
		    myc_conn_match(mn, &ms->dst, &cb->src, false)) {
			sk_err = cb->aux ? ECONNRESET : 0;
			myc_conn_set_closed(sk, sk_err);
			wake = true;
		} else if (sk->sk_state == TCP_SYN_SENT &&
			   myc_conn_match(mn, &ms->dst, &cb->src, true)) {
			sk_err = ECONNREFUSED;
			myc_conn_set_closed(sk, sk_err);
			wake = true;
		}
		consume_skb(skb);
		break;
	case MYC_CK_MSG:
		if (sk->sk_state != TCP_ESTABLISHED ||
		    !myc_conn_match(mn, &ms->dst, &cb->src, false) ||
		    (sk->sk_shutdown & RCV_SHUTDOWN))
			err = -ENOENT;
		else
			err = myc_conn_queue(ms, skb);
		break;
	default:
		consume_skb(skb);
		break;
	}
	spin_unlock_bh(&ms->conn_lock);
	if (wake) {
		sk->sk_state_change(sk);
		sk->sk_write_space(sk);
	}
	if (sk_err)
		sk_error_report(sk);
out:
	sock_put(sk);
	return err;
}

/*
 * A message from the socket on port came back from dst (REJECT).  If it
 * was a connection request, or belonged to the connection, the connection
 * is refused or reset and the caller need not report it.
 */
bool myc_conn_rejected(struct myc_net *mn, u32 port,
		       const struct sockaddr_myc *dst)
{
	struct myc_sock *ms = myc_sock_get(mn, port, false, SOCK_SEQPACKET);
	bool refused = false, reset = false;
	struct sock *sk;

	if (!ms)
		return false;
	sk = &ms->sk;
	spin_lock_bh(&ms->conn_lock);
	if (sk->sk_state == TCP_SYN_SENT &&
	    myc_conn_match(mn, &ms->dst, dst, false)) {
		myc_conn_set_closed(sk, ECONNREFUSED);
		refused = true;
	} else if (sk->sk_state == TCP_ESTABLISHED &&
		   myc_conn_match(mn, &ms->dst, dst, false)) {
		myc_conn_set_closed(sk, ECONNRESET);
		reset = true;
	}
	spin_unlock_bh(&ms->conn_lock);
	if (refused || reset) {
		sk->sk_state_change(sk);
		sk_error_report(sk);
	}
	sock_put(sk);
	return refused;
}

/*
 * The peer node restarted (restart.c): its end of every connection is
 * gone, so each of ours to it is reset, as a TCP RST does (any context).
 * Sockets are SOCK_RCU_FREE: the port table is walked under RCU.
 */
void myc_conn_peer_reset(struct myc_net *mn, u64 node)
{
	struct myc_sock *ms;
	struct sock *sk;
	bool reset;
	int bkt;

	rcu_read_lock();
	hash_for_each_rcu(mn->ports, bkt, ms, port_node) {
		sk = &ms->sk;
		if (sk->sk_type != SOCK_SEQPACKET ||
		    READ_ONCE(ms->dst.smyc_node) != node ||
		    !refcount_inc_not_zero(&sk->sk_refcnt))
			continue;
		spin_lock_bh(&ms->conn_lock);
		reset = (sk->sk_state == TCP_ESTABLISHED ||
			 sk->sk_state == TCP_SYN_SENT) &&
			ms->dst.smyc_node == node;
		if (reset)
			myc_conn_set_closed(sk, ECONNRESET);
		spin_unlock_bh(&ms->conn_lock);
		if (reset) {
			sk->sk_state_change(sk);
			sk_error_report(sk);
		}
		sock_put(sk);
	}
	rcu_read_unlock();
}

int myc_seqpacket_connect(struct socket *sock, struct sockaddr *uaddr,
			  int len, int flags)
{
	const struct sockaddr_myc *a = (const struct sockaddr_myc *)uaddr;
	DEFINE_WAIT_FUNC(wait, woken_wake_function);
	struct sock *sk = sock->sk;
	struct myc_sock *ms = myc_sk(sk);
	long timeo;
	int err;

	struct sockaddr_myc be_addr;
	u32 ve_id = 0, be_id = 0;

	err = myc_check_addr(uaddr, len, BIT(MYC_ADDR_PORT) |
			     BIT(MYC_ADDR_SERVICE) | BIT(MYC_ADDR_ENDPOINT));
	if (err)
		return err;

	lock_sock(sk);
	switch (sk->sk_state) {
	case TCP_ESTABLISHED:
		err = -EISCONN;
		break;
	case TCP_SYN_SENT:
		err = -EALREADY;
		break;
	case TCP_LISTEN:
		err = -EINVAL;
		break;
	default:
		err = myc_autobind(ms);
		break;
	}
	if (!err && a->smyc_kind == MYC_ADDR_ENDPOINT) {
		/* a virtual endpoint: one backend for the connection */
		ve_id = a->smyc_id;
		err = myc_ve_pick(ms->mn, ve_id, 0, true, &be_addr, &be_id);
		a = &be_addr;
	}
	if (err) {
		release_sock(sk);
		return err;
	}
	myc_conn_ve_done(sk);		/* a previous connection's */
	spin_lock_bh(&ms->conn_lock);
	ms->dst = *a;
	ms->ve_id = ve_id;
	ms->ve_be = be_id;
	sk->sk_err = 0;
	sk->sk_shutdown = 0;
	sk->sk_state = TCP_SYN_SENT;
	sock->state = SS_CONNECTING;
	spin_unlock_bh(&ms->conn_lock);
	release_sock(sk);

	err = myc_conn_send_ctl(sk, MYC_CK_CONN_REQ, a);
	if (err) {
		spin_lock_bh(&ms->conn_lock);
		if (sk->sk_state == TCP_SYN_SENT)
			sk->sk_state = TCP_CLOSE;
		spin_unlock_bh(&ms->conn_lock);
		sock->state = SS_UNCONNECTED;
		return err;
	}

	/*
	 * An unreachable node: the request is given up after MYC_SO_TIMEOUT
	 * (myc_conn_failed() closes the socket with ETIMEDOUT).
	 */
	timeo = sock_sndtimeo(sk, flags & O_NONBLOCK);
	add_wait_queue(sk_sleep(sk), &wait);
	while (READ_ONCE(sk->sk_state) == TCP_SYN_SENT) {
		if (!timeo) {
			err = -EINPROGRESS;
			break;
		}
		if (signal_pending(current)) {
			err = sock_intr_errno(timeo);
			break;
		}
		timeo = wait_woken(&wait, TASK_INTERRUPTIBLE, timeo);
	}
	remove_wait_queue(sk_sleep(sk), &wait);

	lock_sock(sk);
	switch (sk->sk_state) {
	case TCP_ESTABLISHED:
		sock->state = SS_CONNECTED;
		err = 0;
		break;
	case TCP_SYN_SENT:
		break;	/* still in progress (non-blocking, timeout, signal) */
	default:
		sock->state = SS_UNCONNECTED;
		err = sock_error(sk) ?: -ECONNREFUSED;
		break;
	}
	release_sock(sk);
	return err;
}

/* A connection request of sk was given up (reliable.c): err. */
void myc_conn_failed(struct sock *sk, int err)
{
	struct myc_sock *ms = myc_sk(sk);
	bool failed = false;

	if (sk->sk_type != SOCK_SEQPACKET)
		return;
	spin_lock_bh(&ms->conn_lock);
	if (sk->sk_state == TCP_SYN_SENT) {
		myc_conn_set_closed(sk, err);
		failed = true;
	}
	spin_unlock_bh(&ms->conn_lock);
	if (failed) {
		sk->sk_state_change(sk);
		sk_error_report(sk);
	}
}

int myc_seqpacket_listen(struct socket *sock, int backlog)
{
	struct sock *sk = sock->sk;
	struct myc_sock *ms = myc_sk(sk);
	int err;

	lock_sock(sk);
	if (sk->sk_state != TCP_CLOSE && sk->sk_state != TCP_LISTEN) {
		err = -EINVAL;
		goto out;
	}
	if (sock->state != SS_UNCONNECTED) {
		err = -EINVAL;
		goto out;
	}
	err = myc_autobind(ms);
	if (err)
		goto out;
	backlog = clamp(backlog, 0, MYC_MAX_BACKLOG);
	/*
	 * The receive queue becomes the accept queue: messages of an
	 * earlier connection (never ESTABLISHED again now) must not stay.
	 */
	if (sk->sk_state == TCP_CLOSE)
		skb_queue_purge(&sk->sk_receive_queue);
	spin_lock_bh(&ms->conn_lock);
	if (sk->sk_state == TCP_CLOSE)
		ms->rcv_queued = 0;
	WRITE_ONCE(sk->sk_max_ack_backlog, backlog);
	sk->sk_shutdown = 0;
	sk->sk_state = TCP_LISTEN;
	spin_unlock_bh(&ms->conn_lock);
out:
	release_sock(sk);
	return err;
}

int myc_seqpacket_accept(struct socket *sock, struct socket *newsock,
			 int flags, bool kern)
{
	struct sock *sk = sock->sk, *newsk;
	struct myc_sock *ms = myc_sk(sk);
	struct sk_buff *skb;
	int err;

	if (READ_ONCE(sk->sk_state) != TCP_LISTEN)
		return -EINVAL;
	skb = skb_recv_datagram(sk, flags & O_NONBLOCK ? MSG_DONTWAIT : 0,
				&err);
	if (!skb)
		return err ?: -EINVAL;
	spin_lock_bh(&ms->conn_lock);
	sk_acceptq_removed(sk);
	spin_unlock_bh(&ms->conn_lock);
	newsk = MYC_ACCEPT_CB(skb)->child;	/* its reference is ours */
	consume_skb(skb);

	/* what the program sends must not pass the CONN_ACK */
	flush_work(&myc_sk(newsk)->conn_work);
	lock_sock(newsk);
	sock_graft(newsk, newsock);
	newsock->state = SS_CONNECTED;
	release_sock(newsk);
	return 0;
}

/*
 * conn_work: a new connection's CONN_ACK, from its own port, in process
 * context.  Not sent when the connection closed meanwhile (its requester
 * gave up).  If it cannot go, the connection is aborted and the requester
 * refused (when a CONN_RST can reach it).
 */
static void myc_conn_ack_work(struct work_struct *work)
{
	struct myc_sock *ms = container_of(work, struct myc_sock, conn_work);
	struct sock *sk = &ms->sk;
	struct sockaddr_myc dst;
	bool send;
	int err;

	spin_lock_bh(&ms->conn_lock);
	send = sk->sk_state == TCP_ESTABLISHED;
	dst = ms->dst;
	spin_unlock_bh(&ms->conn_lock);
	if (send) {
		err = myc_conn_send_ctl(sk, MYC_CK_CONN_ACK, &dst);
		if (err) {
			spin_lock_bh(&ms->conn_lock);
			if (sk->sk_state == TCP_ESTABLISHED)
				myc_conn_set_closed(sk, ECONNABORTED);
			spin_unlock_bh(&ms->conn_lock);
			sk->sk_state_change(sk);
			/* -ECONNREFUSED: a local requester no longer waits */
			if (err != -ECONNREFUSED)
				myc_conn_send_ctl(sk, MYC_CK_CONN_RST, &dst);
		}
	}
	sock_put(sk);
}

void myc_conn_init(struct sock *sk)
{
	INIT_WORK(&myc_sk(sk)->conn_work, myc_conn_ack_work);
}

/*
 * A connection on the accept queue of a listener that closes: reset it
 * (CONN_RST with aux ECONNRESET after its CONN_ACK, as TCP sends a RST; a
 * requester whose CONN_ACK never went is refused by it) and free it.
 */
static void myc_conn_reset_child(struct sock *sk)
{
	struct myc_sock *ms = myc_sk(sk);
	struct sockaddr_myc dst;
	bool rst;

	if (cancel_work_sync(&ms->conn_work))
		sock_put(sk);		/* the reference of the work */
	spin_lock_bh(&ms->conn_lock);
	rst = sk->sk_state == TCP_ESTABLISHED;
	dst = ms->dst;
	myc_conn_set_closed(sk, 0);
	spin_unlock_bh(&ms->conn_lock);
	if (rst)
		myc_conn_send_ctl_aux(sk, MYC_CK_CONN_RST, &dst, ECONNRESET);
	myc_sk_release_child(sk);
}

/* The connection no longer counts on its endpoint's backend. */
void myc_conn_ve_done(struct sock *sk)
{
	struct myc_sock *ms = myc_sk(sk);
	u32 ve_id, be_id;

	spin_lock_bh(&ms->conn_lock);
	ve_id = ms->ve_id;
	be_id = ms->ve_be;
	ms->ve_id = 0;
	spin_unlock_bh(&ms->conn_lock);
	if (ve_id)
		myc_ve_conn_done(ms->mn, ve_id, be_id);
}

/* release(): tell the other side; reset what waits for accept(). */
void myc_conn_close(struct sock *sk)
{
	struct myc_sock *ms = myc_sk(sk);
	struct sk_buff *skb;
	int state;

	spin_lock_bh(&ms->conn_lock);
	state = sk->sk_state;
	sk->sk_state = TCP_CLOSE;	/* no entry is queued after this */
	WRITE_ONCE(ms->connected, false);
	spin_unlock_bh(&ms->conn_lock);

	switch (state) {
	case TCP_LISTEN:
		while ((skb = skb_dequeue(&sk->sk_receive_queue))) {
			struct sock *child = MYC_ACCEPT_CB(skb)->child;

			spin_lock_bh(&ms->conn_lock);
			sk_acceptq_removed(sk);
			spin_unlock_bh(&ms->conn_lock);
			consume_skb(skb);
			myc_conn_reset_child(child);
		}
		break;
	case TCP_ESTABLISHED:
	case TCP_SYN_SENT:
		myc_conn_send_ctl(sk, MYC_CK_CONN_RST, &ms->dst);
		break;
	default:
		break;
	}
	myc_conn_ve_done(sk);
}

/*
 * Wait until the other end has room for cost blocks and take them.  A
 * message larger than the window waits for the whole window.
 */
static int myc_conn_take_credit(struct sock *sk, u32 cost, bool noblock)
{
	DEFINE_WAIT_FUNC(wait, woken_wake_function);
	struct myc_sock *ms = myc_sk(sk);
	long timeo = sock_sndtimeo(sk, noblock);
	int err = 0;

	cost = min_t(u32, cost, MYC_CONN_WINDOW);
	add_wait_queue(sk_sleep(sk), &wait);
	for (;;) {
		spin_lock_bh(&ms->conn_lock);
		if (sk->sk_state != TCP_ESTABLISHED)
			err = sock_error(sk) ?: -EPIPE;
		else if (ms->snd_credit >= cost)
			ms->snd_credit -= cost;
		else
			err = -EAGAIN;
		spin_unlock_bh(&ms->conn_lock);
		if (err != -EAGAIN)
			break;
		err = 0;
		if (!timeo) {
			err = -EAGAIN;
			break;
		}
		if (signal_pending(current)) {
			err = sock_intr_errno(timeo);
			break;
		}
		timeo = wait_woken(&wait, TASK_INTERRUPTIBLE, timeo);
	}
	remove_wait_queue(sk_sleep(sk), &wait);
	return err;
}

/* The reader took a message of len bytes: grant its blocks back in time. */
void myc_conn_consumed(struct sock *sk, size_t len)
{
	struct myc_sock *ms = myc_sk(sk);
	struct sockaddr_myc dst;
	u32 grant = 0;

	spin_lock_bh(&ms->conn_lock);
	ms->rcv_queued -= min(ms->rcv_queued, myc_conn_cost(len));
	if (sk->sk_state == TCP_ESTABLISHED) {
		ms->rcv_consumed += myc_conn_cost(len);
		if (ms->rcv_consumed >= MYC_CONN_WINDOW / 4) {
			grant = ms->rcv_consumed;
			ms->rcv_consumed = 0;
			dst = ms->dst;
		}
	}
	spin_unlock_bh(&ms->conn_lock);
	if (grant)
		myc_conn_send_ctl_aux(sk, MYC_CK_CREDIT, &dst, grant);
}

/* Writable only with credit for at least the smallest message. */
__poll_t myc_seqpacket_poll(struct file *file, struct socket *sock,
			    struct poll_table_struct *wait)
{
	struct sock *sk = sock->sk;
	__poll_t mask = datagram_poll(file, sock, wait);

	if (READ_ONCE(sk->sk_state) == TCP_ESTABLISHED &&
	    !READ_ONCE(myc_sk(sk)->snd_credit))
		mask &= ~(EPOLLOUT | EPOLLWRNORM | EPOLLWRBAND);
	return mask;
}

/*
 * A message that took credit did not go (SO_SNDBUF full, a signal, ...; a
 * part already queued is skipped by the receiver): its blocks will never
 * be read and granted back, so they are the sender's again.
 */
static void myc_conn_untake_credit(struct sock *sk, u32 cost)
{
	struct myc_sock *ms = myc_sk(sk);

	spin_lock_bh(&ms->conn_lock);
	if (sk->sk_state == TCP_ESTABLISHED)
		ms->snd_credit = min_t(u32, MYC_CONN_WINDOW,
				       ms->snd_credit + cost);
	spin_unlock_bh(&ms->conn_lock);
	sk->sk_write_space(sk);
}

int myc_seqpacket_sendmsg(struct socket *sock, struct msghdr *msg, size_t len)
{
	struct sock *sk = sock->sk;
	struct myc_sock *ms = myc_sk(sk);
	struct myc_msg_meta meta;
	struct sockaddr_myc dst;
	u32 port, cost;
	int err;

	err = myc_send_check(msg, len);
	if (err)
		return err;

	lock_sock(sk);
	err = sock_error(sk);
	if (!err && (sk->sk_shutdown & SEND_SHUTDOWN))
		err = -EPIPE;
	else if (!err && sk->sk_state != TCP_ESTABLISHED)
		err = -ENOTCONN;
	dst = ms->dst;
	meta = ms->meta;
	port = ms->port;
	release_sock(sk);
	if (err == -EPIPE && !(msg->msg_flags & MSG_NOSIGNAL))
		send_sig(SIGPIPE, current, 0);
	if (err)
		return err;

	err = myc_parse_cmsgs(msg, &meta);
	if (err)
		return err;
	meta.guarantee = MYC_GUARANTEE_GUARANTEED;
	meta.cflags = MYC_CF_CONNECTED;
	cost = min_t(u32, myc_conn_cost(len), MYC_CONN_WINDOW);
	err = myc_conn_take_credit(sk, cost, msg->msg_flags & MSG_DONTWAIT);
	if (err)
		return err;

	err = myc_send(sk, port, &dst, &meta, msg, len);
	if (err < 0)
		myc_conn_untake_credit(sk, cost);
	return err;
}
