// SPDX-License-Identifier: GPL-2.0
/*
 * /proc/net/mycelium: the bound sockets of this netns's node, one per line,
 * for diagnostics (like /proc/net/udp):
 *
 *   port     service  type  rx_queue tx_queue uid   inode
 *
 * Unbound sockets are not listed.  The walk runs under rcu_read_lock() over
 * the port table; sockets are SOCK_RCU_FREE, so an entry read during the
 * walk stays valid until it ends.
 */
#include <linux/proc_fs.h>
#include <linux/seq_file.h>
#include <linux/seq_file_net.h>

#include <net/tcp_states.h>

#include "myc.h"

static void *myc_proc_start(struct seq_file *seq, loff_t *pos)
	__acquires(RCU)
{
	struct myc_net *mn = myc_net(seq_file_net(seq));

	rcu_read_lock();
	return *pos ? myc_sock_at(mn, *pos - 1) : SEQ_START_TOKEN;
}

static void *myc_proc_next(struct seq_file *seq, void *v, loff_t *pos)
{
	struct myc_net *mn = myc_net(seq_file_net(seq));

	return myc_sock_at(mn, (*pos)++);
}

static void myc_proc_stop(struct seq_file *seq, void *v)
	__releases(RCU)
{
	rcu_read_unlock();
}

/*
 * What a socket is doing: a datagram socket is "unconnected" or
 * "connected" (default destination); a seqpacket one listens, connects,
 * is connected or closed.
 */
static const char *myc_state_name(struct sock *sk)
{
	if (sk->sk_type == SOCK_DGRAM)
		return myc_sock_connected(sk) ? "connected" : "unconnected";
	switch (READ_ONCE(sk->sk_state)) {
	case TCP_LISTEN:
		return "listen";
	case TCP_SYN_SENT:
		return "connecting";
	case TCP_ESTABLISHED:
		return "established";
	default:
		return "closed";
	}
}

static int myc_proc_show(struct seq_file *seq, void *v)
{
	struct sockaddr_myc peer;
	struct sock *sk = v;
	u32 port, service;
	bool has_service;

	if (v == SEQ_START_TOKEN) {
		seq_puts(seq, "port     service  type  state       rx_queue tx_queue uid   inode    peer\n");
		return 0;
	}
	myc_sock_ids(sk, &port, &has_service, &service, &peer);
	seq_printf(seq, "%08x ", port);
	if (has_service)
		seq_printf(seq, "%08x ", service);
	else
		seq_puts(seq, "-        ");
	seq_printf(seq, "%-5s %-11s %08x %08x %-5u %-8lu ",
		   sk->sk_type == SOCK_DGRAM ? "dgram" : "seqp",
		   myc_state_name(sk), sk_rmem_alloc_get(sk),
		   sk_wmem_alloc_get(sk),
		   from_kuid_munged(seq_user_ns(seq), sock_i_uid(sk)),
		   sock_i_ino(sk));
	if (peer.smyc_kind)
		seq_printf(seq, "%016llx:%c:%08x\n", peer.smyc_node,
			   peer.smyc_kind == MYC_ADDR_SERVICE ? 's' : 'p',
			   peer.smyc_id);
	else
		seq_puts(seq, "-\n");
	return 0;
}

static const struct seq_operations myc_proc_ops = {
	.start = myc_proc_start,
	.next = myc_proc_next,
	.stop = myc_proc_stop,
	.show = myc_proc_show,
};

int myc_proc_init_net(struct net *net)
{
	if (!proc_create_net("mycelium", 0444, net->proc_net, &myc_proc_ops,
			     sizeof(struct seq_net_private)))
		return -ENOMEM;
	return 0;
}

void myc_proc_exit_net(struct net *net)
{
	remove_proc_entry("mycelium", net->proc_net);
}
