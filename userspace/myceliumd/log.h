/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Logging with levels to stderr.  Under systemd (JOURNAL_STREAM set) each
 * line starts with its syslog priority, "<3>", which the journal reads
 * (sd-daemon(3)); elsewhere with the level's name.
 */
#ifndef MYCD_LOG_H
#define MYCD_LOG_H

#include <syslog.h>

void log_init(int level);		/* LOG_ERR .. LOG_DEBUG */
int log_level_parse(const char *s);	/* -1 if unknown */
void logm(int prio, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif /* MYCD_LOG_H */
