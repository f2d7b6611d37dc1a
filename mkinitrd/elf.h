/* SPDX-License-Identifier: MIT */
/*
 * mkinitrd/elf.h - is a buffer an ELF file, is it statically linked, and
 * for which machine?
 *
 * Programs put in the image run before any library exists there, so
 * they must have no program interpreter (PT_INTERP).
 */
#ifndef R9P_MKINITRD_ELF_H
#define R9P_MKINITRD_ELF_H

#include <stddef.h>

/* 1 if buf starts with the ELF magic, else 0. */
int r9p_elf_is_elf(const unsigned char *buf, size_t len);
/* 1 static, 0 dynamic (has PT_INTERP), -EINVAL not a readable ELF file. */
int r9p_elf_is_static(const unsigned char *buf, size_t len);
/* e_machine (EM_X86_64, EM_AARCH64 ...) of a little-endian ELF file, or
 * -EINVAL. */
int r9p_elf_machine(const unsigned char *buf, size_t len);
/* "x86-64", "aarch64" ...; an unknown one is "ELF machine N" (static buffer). */
const char *r9p_elf_machine_name(int machine);

#endif
