// SPDX-License-Identifier: MIT
/*
 * mkinitrd/kconfig.c - what a kernel's own config says it can unpack.
 *
 * Reads "SYM=y" lines of a kernel config; see kconfig.h.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "mkinitrd/kconfig.h"

static const char *const rd_symbols[R9P_COMP_NCOMP] = {
	[R9P_COMP_NONE] = NULL,
	[R9P_COMP_GZIP] = "CONFIG_RD_GZIP",
	[R9P_COMP_XZ] = "CONFIG_RD_XZ",
	[R9P_COMP_ZSTD] = "CONFIG_RD_ZSTD",
};

const char *r9p_kconfig_rd_symbol(enum r9p_comp comp)
{
	return (unsigned)comp < R9P_COMP_NCOMP ? rd_symbols[comp] : NULL;
}

int r9p_kconfig_has(const char *path, const char *sym)
{
	char line[512];
	size_t n = strlen(sym);
	FILE *f = fopen(path, "re");
	int found = 0;

	if (!f)
		return -errno;
	while (!found && fgets(line, sizeof(line), f))
		found = strncmp(line, sym, n) == 0 && strcmp(line + n, "=y\n") == 0;
	fclose(f);
	return found;
}
