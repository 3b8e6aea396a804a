#include "base/strmap.h"

#include <stdlib.h>
#include <string.h>

#include "base/common.h"
#include "base/xalloc.h"

static uint64_t strmap_hash(const char *k, size_t n)
{
	uint64_t h = 14695981039346656037ULL;
	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)k[i]) * 1099511628211ULL;
	return h ^ (h >> 29); /* FNV's low bits cluster on keys that differ at the end */
}

/* The slot of the key, or the free slot where it would go. */
static struct strmap_slot *find(const struct strmap *m, const char *k, size_t n, uint64_t h)
{
	size_t mask = m->cap - 1;
	for (size_t i = (size_t)h & mask;; i = (i + 1) & mask) {
		struct strmap_slot *s = &m->slots[i];
		if (!s->key || (s->hash == h && s->len == n && !memcmp(s->key, k, n)))
			return s;
	}
}

bool strmap_get(const struct strmap *m, const char *k, size_t n, size_t *value)
{
	if (!m->cap)
		return false;
	const struct strmap_slot *s = find(m, k, n, strmap_hash(k, n));
	if (!s->key)
		return false;
	*value = s->value;
	return true;
}

bool strmap_add(struct strmap *m, const char *k, size_t n, size_t value, size_t *old)
{
	if (2 * (m->nr + 1) > m->cap) {
		struct strmap grown = {xcalloc(m->cap ? 2 * m->cap : 16, sizeof(*m->slots)),
				       m->cap ? 2 * m->cap : 16, m->nr};
		for (size_t i = 0; i < m->cap; i++)
			if (m->slots[i].key)
				*find(&grown, m->slots[i].key, m->slots[i].len, m->slots[i].hash) =
					m->slots[i];
		free(m->slots);
		*m = grown;
	}
	uint64_t h = strmap_hash(k, n);
	struct strmap_slot *s = find(m, k, n, h);
	if (s->key) {
		if (old)
			*old = s->value;
		return false;
	}
	*s = (struct strmap_slot){k, n, h, value};
	m->nr++;
	return true;
}

void strmap_release(struct strmap *m)
{
	free(m->slots);
	*m = (struct strmap)STRMAP_INIT;
}
