/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * Types for the code shared between the module and userspace (wire.c,
 * seqwin.c, rtt.c, cc.c, spore_codec.c, spore_order.c): in the kernel the
 * kernel's, in userspace the UAPI __u8.. types under their kernel names;
 * and the big-endian field helpers.
 */
#ifndef _MYC_SHARED_H
#define _MYC_SHARED_H

#ifdef __KERNEL__
#include <linux/kernel.h>
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
#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#endif
#endif

/* Big-endian fields on the wire (wire.c, spore_codec.c). */
static inline u16 myc_get16(const u8 *p)
{
	return (u16)((u16)p[0] << 8 | p[1]);
}

static inline u32 myc_get32(const u8 *p)
{
	return (u32)p[0] << 24 | (u32)p[1] << 16 | (u32)p[2] << 8 | p[3];
}

static inline u64 myc_get64(const u8 *p)
{
	return (u64)myc_get32(p) << 32 | myc_get32(p + 4);
}

static inline void myc_put16(u8 *p, u16 v)
{
	p[0] = (u8)(v >> 8);
	p[1] = (u8)v;
}

static inline void myc_put32(u8 *p, u32 v)
{
	p[0] = (u8)(v >> 24);
	p[1] = (u8)(v >> 16);
	p[2] = (u8)(v >> 8);
	p[3] = (u8)v;
}

static inline void myc_put64(u8 *p, u64 v)
{
	myc_put32(p, (u32)(v >> 32));
	myc_put32(p + 4, (u32)v);
}

#endif /* _MYC_SHARED_H */
