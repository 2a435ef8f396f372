/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * Types for the code shared between the module and userspace (wire.c,
 * seqwin.c, rtt.c, cc.c): in the kernel the kernel's, in userspace the UAPI
 * __u8.. types under their kernel names.
 */
#ifndef _MYC_SHARED_H
#define _MYC_SHARED_H

#ifdef __KERNEL__
#include <linux/types.h>
#include <linux/string.h>
#else
#include <stdbool.h>
#include <stddef.h>
#include <string.h>
#include <linux/types.h>
typedef __u8 u8;
typedef __u16 u16;
typedef __u32 u32;
typedef __u64 u64;
typedef __s64 s64;
#endif

#endif /* _MYC_SHARED_H */
