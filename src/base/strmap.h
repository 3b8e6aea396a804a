/*
 * A map from byte strings to indexes, for the hot loops of the analyses:
 * FNV-1a and open addressing, some 50 instructions a lookup where a jansson
 * object takes 150 to hash and more to insert. Keys are borrowed: they must
 * outlive the map. strmap_release() frees it and leaves it empty.
 */
#ifndef SM_STRMAP_H
#define SM_STRMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct strmap {
	struct strmap_slot {
		const char *key; /* NULL: free */
		size_t len;
		uint64_t hash;
		size_t value;
	} * slots;
	size_t cap, nr; /* cap: 0 or a power of two */
};

#define STRMAP_INIT                                                                                \
	{                                                                                          \
		NULL, 0, 0                                                                         \
	}

/* The value of key k[0..n), if the map has it. */
bool strmap_get(const struct strmap *m, const char *k, size_t n, size_t *value);
/*
 * Add k[0..n) -> value unless the key is there: true when added; false, and
 * *old (may be NULL) set to the value it has, when it was there already.
 */
bool strmap_add(struct strmap *m, const char *k, size_t n, size_t value, size_t *old);
void strmap_release(struct strmap *m);

#endif
