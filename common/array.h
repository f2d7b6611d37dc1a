/* SPDX-License-Identifier: MIT */
/*
 * common/array.h - ARRAY_SIZE, the element count of an array (not of a
 * pointer: sizeof a pointer would give a wrong count, so pass arrays only).
 * common/ holds such helpers only and includes nothing of the project:
 * every folder may include it.
 */
#ifndef R9P_ARRAY_H
#define R9P_ARRAY_H

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#endif
