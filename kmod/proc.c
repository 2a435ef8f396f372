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

static int myc_proc_show(struct seq_file *seq, void *v)
{
	struct sock *sk = v;
	u32 port, service;
	bool has_service;

	if (v == SEQ_START_TOKEN) {
		seq_puts(seq, "port     service  type  rx_queue tx_queue uid   inode\n");
		return 0;
	}
	myc_sock_ids(sk, &port, &has_service, &service);
	seq_printf(seq, "%08x ", port);
	if (has_service)
		seq_printf(seq, "%08x ", service);
	else
		seq_puts(seq, "-        ");
	seq_printf(seq, "%-5s %08x %08x %-5u %lu\n",
		   sk->sk_type == SOCK_DGRAM ? "dgram" : "seqp",
		   sk_rmem_alloc_get(sk), sk_wmem_alloc_get(sk),
		   from_kuid_munged(seq_user_ns(seq), sock_i_uid(sk)),
		   sock_i_ino(sk));
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
