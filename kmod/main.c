// SPDX-License-Identifier: GPL-2.0
/*
 * Mycelium: message networking over UDP with multi-homed peers.
 *
 * Module entry points.  Initialisation order: per-netns node state first
 * (everything else looks it up), then the generic netlink family, then the
 * socket family, which is what makes the module reachable from userspace.
 * Exit runs in reverse, then waits for the RCU callbacks the teardown
 * queued (peers, paths, endpoints): they run module code, which must still
 * be there.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/net.h>
#include <net/genetlink.h>

#include "myc.h"

int myc_family __ro_after_init = AF_MYCELIUM_DEFAULT;
module_param_named(family, myc_family, int, 0444);
MODULE_PARM_DESC(family, "address family number to register (default 25)");

struct workqueue_struct *myc_wq;

static int __init myc_init(void)
{
	int err;

	if (myc_family <= AF_UNSPEC || myc_family >= NPROTO) {
		pr_err("family=%d is out of range (1..%d)\n", myc_family,
		       NPROTO - 1);
		return -EINVAL;
	}

	myc_wq = alloc_workqueue("mycelium", 0, 0);
	if (!myc_wq)
		return -ENOMEM;

	myc_spore_key_init();
	err = myc_node_init();
	if (err)
		goto err_wq;

	myc_comp_init();
	myc_auth_init();
	err = myc_genl_init();
	if (err)
		goto err_auth;

	err = myc_af_init();
	if (err)
		goto err_genl;

	pr_info("loaded, address family %d\n", myc_family);
	return 0;

err_genl:
	myc_genl_exit();
err_auth:
	myc_auth_exit();
	myc_node_exit();
	myc_comp_exit();
err_wq:
	destroy_workqueue(myc_wq);
	return err;
}

static void __exit myc_exit(void)
{
	myc_af_exit();
	myc_genl_exit();	/* no events after this (event.c) */
	myc_auth_exit();
	myc_node_exit();
	myc_comp_exit();
	destroy_workqueue(myc_wq);	/* after the last retry ran */
	rcu_barrier();			/* the last free callbacks ran */
}

module_init(myc_init);
module_exit(myc_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Mycelium message networking (AF_MYCELIUM)");
MODULE_AUTHOR("The Mycelium developers");
MODULE_VERSION("0.1");
MODULE_ALIAS_GENL_FAMILY(MYC_GENL_NAME);
MODULE_ALIAS_NETPROTO(AF_MYCELIUM_DEFAULT);
