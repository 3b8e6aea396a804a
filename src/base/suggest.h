/*
 * "Did you mean ...?": the edit distance (case-insensitive Levenshtein)
 * between a name the user wrote and the names we know.
 */
#ifndef SM_SUGGEST_H
#define SM_SUGGEST_H

#include <stdbool.h>
#include <stddef.h>

/* Distance between `a` and `b`; names over 80 characters compare as far apart. */
size_t suggest_distance(const char *a, const char *b);
/* Close enough to be a typo of `name`: at most a third of it wrong (at least 2). */
bool suggest_close_enough(size_t distance, const char *name);
/* The name of `names` closest to `name` when close enough to be a typo, else NULL. */
const char *suggest_closest(const char *name, const char *const *names, size_t nr);

#endif
