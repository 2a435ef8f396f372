/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * Types for the code shared between the module and userspace (wire.c,
 * seqwin.c, rtt.c, cc.c): in the kernel the kernel's, in userspace stdint.
 */
#ifndef _MYC_SHARED_H
#define _MYC_SHARED_H

#ifdef __KERNEL__
#include <linux/types.h>
#include <linux/string.h>
#else
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int64_t s64;
#endif

#endif /* _MYC_SHARED_H */
