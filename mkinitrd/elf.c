/* SPDX-License-Identifier: MIT */
/*
 * mkinitrd/elf.c - find PT_INTERP in an ELF file held in memory.
 *
 * Handles 32- and 64-bit files of the host's byte order (the programs
 * we pack are built here); anything else counts as unreadable.
 */
#include <elf.h>
#include <errno.h>
#include <string.h>

#include "mkinitrd/elf.h"

int r9p_elf_is_elf(const unsigned char *buf, size_t len)
{
	return len >= SELFMAG && memcmp(buf, ELFMAG, SELFMAG) == 0;
}

/* Walk program headers of one class; the macro keeps 32/64 in step. */
#define SCAN_PHDRS(Ehdr, Phdr)						\
	do {								\
		Ehdr eh;						\
		Phdr ph;						\
		size_t i;						\
		if (len < sizeof(eh))					\
			return -EINVAL;					\
		memcpy(&eh, buf, sizeof(eh));				\
		if (eh.e_phentsize != sizeof(ph) ||			\
		    eh.e_phoff > len ||					\
		    (size_t)eh.e_phnum * sizeof(ph) > len - eh.e_phoff)	\
			return -EINVAL;					\
		for (i = 0; i < eh.e_phnum; i++) {			\
			memcpy(&ph, buf + eh.e_phoff + i * sizeof(ph),	\
			       sizeof(ph));				\
			if (ph.p_type == PT_INTERP)			\
				return 0;				\
		}							\
		return 1;						\
	} while (0)

int r9p_elf_is_static(const unsigned char *buf, size_t len)
{
	if (!r9p_elf_is_elf(buf, len) || len <= EI_CLASS)
		return -EINVAL;
	if (buf[EI_CLASS] == ELFCLASS64)
		SCAN_PHDRS(Elf64_Ehdr, Elf64_Phdr);
	if (buf[EI_CLASS] == ELFCLASS32)
		SCAN_PHDRS(Elf32_Ehdr, Elf32_Phdr);
	return -EINVAL;
}
