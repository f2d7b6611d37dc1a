/* SPDX-License-Identifier: MIT */
/*
 * mkinitrd/elf.c - find PT_INTERP in an ELF file held in memory, and
 * the machine it was built for.
 *
 * Handles 32- and 64-bit little-endian files (the programs and kernels we
 * pack: x86-64, aarch64); anything else counts as unreadable.
 */
#include <elf.h>
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "common/array.h"
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

/* Names as uname -m prints them, which is what ARCH= takes. */
static const struct {
	int machine;
	const char *name;
} machines[] = {
	{ EM_X86_64, "x86-64" }, { EM_AARCH64, "aarch64" }, { EM_386, "i386" },
	{ EM_ARM, "arm" }, { EM_RISCV, "riscv64" }, { EM_PPC64, "ppc64" },
	{ EM_S390, "s390x" }, { EM_MIPS, "mips" },
};

int r9p_elf_machine(const unsigned char *buf, size_t len)
{
	uint16_t m;

	/* e_machine sits at the same offset in both classes. */
	if (!r9p_elf_is_elf(buf, len) || len < offsetof(Elf64_Ehdr, e_machine) + 2 ||
	    buf[EI_DATA] != ELFDATA2LSB)
		return -EINVAL;
	m = (uint16_t)(buf[offsetof(Elf64_Ehdr, e_machine)] |
		       buf[offsetof(Elf64_Ehdr, e_machine) + 1] << 8);
	return m;
}

const char *r9p_elf_machine_name(int machine)
{
	static char other[32];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(machines); i++)
		if (machines[i].machine == machine)
			return machines[i].name;
	snprintf(other, sizeof(other), "ELF machine %d", machine);
	return other;
}
