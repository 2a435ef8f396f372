// SPDX-License-Identifier: GPL-2.0
/* Logging (log.h). */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"

static int max_level = LOG_INFO;
static bool journal;

static const char *const names[] = {
	[LOG_ERR] = "error", [LOG_WARNING] = "warning",
	[LOG_NOTICE] = "notice", [LOG_INFO] = "info", [LOG_DEBUG] = "debug",
};

void log_init(int level)
{
	max_level = level;
	journal = getenv("JOURNAL_STREAM") != NULL;
}

int log_level_parse(const char *s)
{
	for (int i = LOG_ERR; i <= LOG_DEBUG; i++)
		if (names[i] && !strcmp(s, names[i]))
			return i;
	return -1;
}

void logm(int prio, const char *fmt, ...)
{
	char line[1024];
	va_list ap;

	if (prio > max_level)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (journal)
		fprintf(stderr, "<%d>%s\n", prio, line);
	else
		fprintf(stderr, "myceliumd: %s: %s\n",
			names[prio] ? names[prio] : "log", line);
}
