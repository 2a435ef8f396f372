// SPDX-License-Identifier: GPL-2.0
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

/*
 * The AF_MYCELIUM socket family.
 *
 * Object: struct myc_sock, embedding struct sock as its first member.
 *
 * Lifetime: created by myc_create(), which takes a reference on the netns
 * (sk_alloc() with kern == 0) and counts the socket in its node.  release()
 * orphans the sock and drops the socket's reference; the last sock_put()
 * runs myc_sk_destruct().  An open socket pins the module through
 * proto_ops.owner, so rmmod is refused while any socket is open.
 *
 * Locking: the socket's own state is protected by lock_sock().  The family
 * number is chosen at module load and the proto_ops are read-only after init.
 */
#include <linux/module.h>
#include <linux/net.h>
#include <linux/socket.h>
#include <net/sock.h>

#include "myc.h"

struct myc_sock {
	struct sock sk;			/* must be first */
	struct myc_net *mn;		/* node of sk's netns */
};

static inline struct myc_sock *myc_sk(const struct sock *sk)
{
	return container_of(sk, struct myc_sock, sk);
}

static struct proto myc_proto = {
	.name = "MYCELIUM",
	.owner = THIS_MODULE,
	.obj_size = sizeof(struct myc_sock),
};

static void myc_sk_destruct(struct sock *sk)
{
	skb_queue_purge(&sk->sk_receive_queue);
	skb_queue_purge(&sk->sk_error_queue);
}

static int myc_release(struct socket *sock)
{
	struct sock *sk = sock->sk;

	if (!sk)
		return 0;

	lock_sock(sk);
	sk->sk_shutdown = SHUTDOWN_MASK;
	sk->sk_state_change(sk);
	atomic_dec(&myc_sk(sk)->mn->nr_sockets);
	sock_orphan(sk);
	sock->sk = NULL;
	release_sock(sk);
	sock_put(sk);
	return 0;
}

static int myc_getname(struct socket *sock, struct sockaddr *uaddr, int peer)
{
	DECLARE_SOCKADDR(struct sockaddr_myc *, addr, uaddr);

	if (peer)
		return -ENOTCONN;

	memset(addr, 0, sizeof(*addr));
	addr->smyc_family = myc_family;
	return sizeof(*addr);
}

/*
 * The data path (bind, connect, sendmsg, recvmsg, ...) is added on top of
 * these operations; until then they answer like an unbound socket would.
 *
 * proto_ops.family is informational (the core dispatches on
 * net_proto_family.family and sk->sk_family, both the live number), so the
 * ops stay const with the default number.
 */
static const struct proto_ops myc_dgram_ops = {
	.family = PF_MYCELIUM,
	.owner = THIS_MODULE,
	.release = myc_release,
	.bind = sock_no_bind,
	.connect = sock_no_connect,
	.socketpair = sock_no_socketpair,
	.accept = sock_no_accept,
	.getname = myc_getname,
	.poll = datagram_poll,
	.ioctl = sock_no_ioctl,
	.listen = sock_no_listen,
	.shutdown = sock_no_shutdown,
	.sendmsg = sock_no_sendmsg,
	.recvmsg = sock_no_recvmsg,
	.mmap = sock_no_mmap,
};

static const struct proto_ops myc_seqpacket_ops = {
	.family = PF_MYCELIUM,
	.owner = THIS_MODULE,
	.release = myc_release,
	.bind = sock_no_bind,
	.connect = sock_no_connect,
	.socketpair = sock_no_socketpair,
	.accept = sock_no_accept,
	.getname = myc_getname,
	.poll = datagram_poll,
	.ioctl = sock_no_ioctl,
	.listen = sock_no_listen,
	.shutdown = sock_no_shutdown,
	.sendmsg = sock_no_sendmsg,
	.recvmsg = sock_no_recvmsg,
	.mmap = sock_no_mmap,
};

static int myc_create(struct net *net, struct socket *sock, int protocol,
		      int kern)
{
	const struct proto_ops *ops;
	struct myc_sock *ms;
	struct sock *sk;

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

	sk = sk_alloc(net, myc_family, GFP_KERNEL, &myc_proto, kern);
	if (!sk)
		return -ENOMEM;

	sock->ops = ops;
	sock->state = SS_UNCONNECTED;
	sock_init_data(sock, sk);
	sk->sk_protocol = protocol;
	sk->sk_destruct = myc_sk_destruct;

	ms = myc_sk(sk);
	ms->mn = myc_net(net);
	atomic_inc(&ms->mn->nr_sockets);
	return 0;
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
