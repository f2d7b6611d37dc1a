// SPDX-License-Identifier: MIT
/*
 * mkinitrd/kconfig.c - what a kernel's own config says it can unpack.
 *
 * Reads the "SYM=y" lines of a kernel config once; see kconfig.h.
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

/* Is LINE "SYM=y\n"? */
static int sets(const char *line, const char *sym)
{
	size_t n = strlen(sym);

	return strncmp(line, sym, n) == 0 && strcmp(line + n, "=y\n") == 0;
}

int r9p_kconfig_read(const char *path, struct r9p_kconfig *k)
{
	char line[512];
	FILE *f = fopen(path, "re");
	int i;

	if (!f)
		return -errno;
	memset(k, 0, sizeof(*k));
	k->rd[R9P_COMP_NONE] = 1;
	while (fgets(line, sizeof(line), f)) {
		if (strncmp(line, "CONFIG_", 7) != 0)
			continue;
		k->initrd |= sets(line, "CONFIG_BLK_DEV_INITRD");
		for (i = 0; i < R9P_COMP_NCOMP; i++)
			if (rd_symbols[i] && sets(line, rd_symbols[i]))
				k->rd[i] = 1;
	}
	fclose(f);
	return 0;
}
