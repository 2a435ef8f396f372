/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Differences between the kernels Mycelium supports (Debian's 6.1 and 6.12).
 * Everything version-dependent lives here so that the rest of the module is
 * written against one API.
 */
#ifndef _MYC_COMPAT_H
#define _MYC_COMPAT_H

#include <linux/version.h>
#include <net/genetlink.h>

/*
 * Multicast groups restricted to CAP_NET_ADMIN appeared in 6.7.  On older
 * kernels the auth group is open for subscription; nothing secret is sent on
 * it (requests only name peers) and only the registered daemon can answer.
 */
#ifdef GENL_MCAST_CAP_NET_ADMIN
#define MYC_MCGRP_ADMIN_FLAGS	GENL_MCAST_CAP_NET_ADMIN
#else
#define MYC_MCGRP_ADMIN_FLAGS	0
#endif

#endif /* _MYC_COMPAT_H */
