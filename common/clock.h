/* SPDX-License-Identifier: MIT */
/*
 * common/clock.h - r9p_now_ms(), milliseconds on a clock for measuring
 * spans (waits, timeouts, step times): the one clock of every program.
 *
 * CLOCK_MONOTONIC where the libc has clock_gettime: a guest's clock is
 * often set while init9p waits (an RTC read late, a time daemon), and a
 * wall-clock jump would end a wait early or make it endless. klibc has no
 * clock_gettime wrapper, so init9p built with klcc reads gettimeofday:
 * it runs before anything sets the clock, which is what makes that safe.
 */
#ifndef R9P_CLOCK_H
#define R9P_CLOCK_H

#ifdef __KLIBC__
#include <sys/time.h>

static inline long long r9p_now_ms(void)
{
	struct timeval tv;

	gettimeofday(&tv, NULL);
	return (long long)tv.tv_sec * 1000 + tv.tv_usec / 1000;
}
#else
#include <time.h>

static inline long long r9p_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}
#endif

#endif
