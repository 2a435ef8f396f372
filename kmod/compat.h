/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Differences between the kernels Mycelium supports (Debian's 6.1 and 6.12).
 * Everything version-dependent lives here so that the rest of the module is
 * written against one API.
 */
#ifndef _MYC_COMPAT_H
#define _MYC_COMPAT_H

#include <net/genetlink.h>
#include <net/sock.h>

#include "myc.h"

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

/*
 * proto_ops.accept takes a struct proto_accept_arg since 6.10; before, the
 * flags and kern arguments.  Kbuild detects which the headers have.  Both
 * call myc_seqpacket_accept() (conn.c).
 */
#ifdef MYC_HAVE_PROTO_ACCEPT_ARG
static inline int myc_compat_accept(struct socket *sock,
				    struct socket *newsock,
				    struct proto_accept_arg *arg)
{
	return myc_seqpacket_accept(sock, newsock, arg->flags, arg->kern);
}
#else
static inline int myc_compat_accept(struct socket *sock,
				    struct socket *newsock, int flags,
				    bool kern)
{
	return myc_seqpacket_accept(sock, newsock, flags, kern);
}
#endif

/*
 * nla_policy.range points to a const struct since 6.2; policies keep
 * their ranges in MYC_NL_RANGE objects, const where the kernel allows it.
 * Kbuild detects which the headers have.
 */
#ifdef MYC_HAVE_CONST_NL_RANGE
#define MYC_NL_RANGE	const struct netlink_range_validation
#else
#define MYC_NL_RANGE	struct netlink_range_validation
#endif

/*
 * The unaligned access helpers moved from <asm/unaligned.h> to
 * <linux/unaligned.h> in 6.12.  Kbuild detects which the headers have.
 */
#ifdef MYC_HAVE_LINUX_UNALIGNED
#include <linux/unaligned.h>
#else
#include <asm/unaligned.h>
#endif

/*
 * The workspace zstd needs to compress at level inputs of about len bytes
 * (zstd_parameters names its field after zstd's own camel case).
 */
#include <linux/zstd.h>

static inline size_t myc_zstd_cctx_size(int level, size_t len)
{
	zstd_parameters p = zstd_get_params(level, len);

	return zstd_cctx_workspace_bound(&p.cParams);
}

#endif /* _MYC_COMPAT_H */
