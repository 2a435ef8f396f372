// SPDX-License-Identifier: GPL-2.0
/* "Error: ..." on stderr, the iproute2 way. */
#include <stdarg.h>
#include <stdio.h>

#include "libmyc.h"

void myc_error(const char *fmt, ...)
{
	va_list ap;

	fputs("Error: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}
