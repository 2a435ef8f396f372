// SPDX-License-Identifier: GPL-2.0
/*
 * Per-netns node state.
 *
 * Every network namespace is one Mycelium node.  struct myc_net lives in the
 * namespace's net_generic area: it is allocated by the pernet core before
 * myc_net_init() and freed after myc_net_exit(), so it is valid as long as
 * the struct net is.  Sockets hold a reference on their netns, so the node
 * outlives every socket in it.
 *
 * Locking: node_id, node_type and udp_port are written under mn->lock by the
 * netlink handlers and read with READ_ONCE() elsewhere; writers use
 * WRITE_ONCE(); so are the reassembly bounds (reasm_peer_max and
 * reasm_node_max, reasm.c).  nr_sockets and the counters are atomic.
 *
 * When the namespace goes away its peers are removed and the bearer's UDP
 * sockets closed (kernel sockets hold no reference on their netns).
 */
#include <linux/random.h>
#include <net/netns/generic.h>

#include "myc.h"

static unsigned int myc_net_id __read_mostly;

struct myc_net *myc_net(const struct net *net)
{
	return net_generic(net, myc_net_id);
}

static u64 myc_random_node_id(void)
{
	u64 id;

	do {
		id = get_random_u64();
	} while (!id);
	return id;
}

static int __net_init myc_net_init(struct net *net)
{
	struct myc_net *mn = myc_net(net);

	mn->net = net;
	mutex_init(&mn->lock);
	mn->node_id = myc_random_node_id();
	mn->node_type = MYC_NODE_HYPHAE;
	mn->udp_port = MYC_DEFAULT_UDP_PORT;
	atomic_set(&mn->nr_sockets, 0);
	hash_init(mn->peers);
	spin_lock_init(&mn->sk_lock);
	spin_lock_init(&mn->event_lock);
	hash_init(mn->ports);
	hash_init(mn->services);
	hash_init(mn->ves);
	mn->next_ephemeral = get_random_u32();
	mn->reasm_peer_max = MYC_DEFAULT_REASM_PEER_MAX;
	mn->reasm_node_max = MYC_DEFAULT_REASM_NODE_MAX;
	myc_policy_init(mn);
	myc_spore_init_net(mn);
	myc_contact_init_net(mn);
	myc_rl_init_net(mn);
	return myc_proc_init_net(net);
}

static void __net_exit myc_net_exit(struct net *net)
{
	struct myc_net *mn = myc_net(net);

	WARN_ON_ONCE(atomic_read(&mn->nr_sockets));
	myc_proc_exit_net(net);
	mutex_lock(&mn->lock);
	myc_ve_remove_all(mn);
	myc_peer_remove_all(mn);
	myc_bearer_close(mn);
	mutex_unlock(&mn->lock);
	myc_spore_exit_net(mn);
	mutex_destroy(&mn->lock);
}

static struct pernet_operations myc_net_ops = {
	.init = myc_net_init,
	.exit = myc_net_exit,
	.id = &myc_net_id,
	.size = sizeof(struct myc_net),
};

int myc_node_init(void)
{
	return register_pernet_subsys(&myc_net_ops);
}

void myc_node_exit(void)
{
	unregister_pernet_subsys(&myc_net_ops);
}
