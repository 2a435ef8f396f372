/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Mycelium internal declarations shared between the files of the module.
 */
#ifndef _MYC_H
#define _MYC_H

#include <linux/types.h>
#include <linux/mutex.h>
#include <linux/atomic.h>
#include <net/net_namespace.h>
#include <net/sock.h>
#include <uapi/linux/mycelium.h>

/* main.c */
extern int myc_family;

/* node.c: one node per network namespace. */
struct myc_net {
	struct net *net;		/* not refcounted: we live in it */
	struct mutex lock;		/* serialises configuration changes */
	u64 node_id;			/* never 0 */
	u8 node_type;			/* enum myc_node_type */
	u16 udp_port;			/* host order, never 0 */
	atomic_t nr_sockets;		/* open AF_MYCELIUM sockets */
};

struct myc_net *myc_net(const struct net *net);
int myc_node_init(void);
void myc_node_exit(void);

/* af.c: the socket family. */
int myc_af_init(void);
void myc_af_exit(void);

/* netlink.c: the generic netlink family. */
int myc_genl_init(void);
void myc_genl_exit(void);
void myc_genl_node_notify(struct myc_net *mn);

#endif /* _MYC_H */
