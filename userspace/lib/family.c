// SPDX-License-Identifier: GPL-2.0
/* The live AF_MYCELIUM number: the module parameter, or the default. */
#include <stdio.h>

#include "libmyc.h"

#define FAMILY_PARAM "/sys/module/mycelium/parameters/family"

int myc_family(void)
{
	FILE *f = fopen(FAMILY_PARAM, "re");
	int fam = AF_MYCELIUM_DEFAULT;

	if (f) {
		if (fscanf(f, "%d", &fam) != 1 || fam <= 0)
			fam = AF_MYCELIUM_DEFAULT;
		fclose(f);
	}
	return fam;
}
