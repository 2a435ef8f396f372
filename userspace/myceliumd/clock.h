/* SPDX-License-Identifier: GPL-2.0 */
/* The daemon's clocks, in milliseconds. */
#ifndef MYCD_CLOCK_H
#define MYCD_CLOCK_H

#include <stdint.h>
#include <time.h>

static inline uint64_t clock_ms(clockid_t clk)
{
	struct timespec ts;

	clock_gettime(clk, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* For timeouts: never jumps. */
static inline uint64_t mono_ms(void)
{
	return clock_ms(CLOCK_MONOTONIC);
}

/* For what the network compares: spore timestamps, expiry. */
static inline uint64_t real_ms(void)
{
	return clock_ms(CLOCK_REALTIME);
}

#endif /* MYCD_CLOCK_H */
