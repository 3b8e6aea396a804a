/*
 * A bump allocator for the JSON values of one short-lived command (STYLE.md:
 * "an arena per synthesis, free everything at once"). While active, jansson
 * allocates from it and its frees are no-ops; arena_end() returns every
 * chunk at once and restores malloc/free. Meant for commands that build a
 * tree, write it and exit: synth of both environments allocates ~6 MB.
 * Not thread-safe (nor is jansson's allocator hook).
 *
 * Switched off, so that memory checkers see every JSON value: built with
 * -DSM_NO_ARENA (`make SAN=1` does), or SOLEMATE_ARENA=0 in the environment.
 * arena_begin() and arena_end() then do nothing and arena_active() is false.
 */
#ifndef SM_ARENA_H
#define SM_ARENA_H

#include <stdbool.h>
#include <stddef.h>

void arena_begin(void);
void arena_end(void);
/*
 * True between arena_begin() and arena_end(): releasing a JSON tree then is
 * a walk that frees nothing, and owners may skip it.
 */
bool arena_active(void);
/*
 * How many times an arena has ended in this process: a cache of JSON values
 * made while an arena was active is stale once this number moves.
 */
unsigned arena_generation(void);
/* Bytes handed out since arena_begin() (for benchmarks and tests). */
size_t arena_used(void);

#endif
