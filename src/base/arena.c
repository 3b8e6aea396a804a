#include "base/arena.h"

#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "base/common.h"
#include "base/xalloc.h"

#define ARENA_CHUNK (1u << 20)
#define ARENA_CHUNK_MAX ((size_t)64 << 20)
#define ARENA_HUGE ((size_t)2 << 20)
#define ARENA_ALIGN 16

struct chunk {
	struct chunk *next;
	size_t used, size;
	max_align_t data[];
};

static struct chunk *head;
static size_t total;
static bool active;
static unsigned generation;

/*
 * A chunk twice the last one, up to ARENA_CHUNK_MAX: a small command keeps
 * 1 MiB chunks, a template of 200,000 resources (~700 MB of values) takes
 * few; chunks of 2 MiB and more are aligned and offered to transparent huge
 * pages, which spares most of the page faults and TLB misses of reading
 * such a template (issue 19, item 13).
 */
static struct chunk *chunk_new(size_t n)
{
	size_t size = head && head->size < ARENA_CHUNK_MAX ? head->size * 2 : ARENA_CHUNK;
	if (size < n)
		size = n;
	struct chunk *c;
	if (size + sizeof(*c) >= ARENA_HUGE) {
		size = (size + sizeof(*c) + ARENA_HUGE - 1) / ARENA_HUGE * ARENA_HUGE - sizeof(*c);
		void *p = NULL;
		if (posix_memalign(&p, ARENA_HUGE, size + sizeof(*c)))
			p = xmalloc(size + sizeof(*c));
#ifdef MADV_HUGEPAGE
		madvise(p, size + sizeof(*c), MADV_HUGEPAGE); /* advice: failure changes nothing */
#endif
		c = p;
	} else {
		c = xmalloc(sizeof(*c) + size);
	}
	c->size = size;
	return c;
}

static void *arena_malloc(size_t n)
{
	n = (n + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1);
	if (!head || head->used + n > head->size) {
		struct chunk *c = chunk_new(n);
		c->next = head;
		c->used = 0;
		head = c;
	}
	void *p = (char *)head->data + head->used;
	head->used += n;
	total += n;
	return p;
}

static void arena_free(void *p)
{
	(void)p; /* everything goes at arena_end() */
}

/*
 * Off with -DSM_NO_ARENA (the sanitizer build) or SOLEMATE_ARENA=0 (valgrind
 * on a normal build): JSON values then come from malloc and are freed one by
 * one, so that ASan and valgrind see a use after free or an overflow in them,
 * which a bump allocator hides (issue 19).
 */
static bool arena_enabled(void)
{
#ifdef SM_NO_ARENA
	return false;
#else
	const char *e = getenv("SOLEMATE_ARENA");
	return !e || strcmp(e, "0");
#endif
}

void arena_begin(void)
{
	if (!arena_enabled())
		return;
	json_set_alloc_funcs(arena_malloc, arena_free);
	active = true;
}

bool arena_active(void)
{
	return active;
}

unsigned arena_generation(void)
{
	return generation;
}

void arena_end(void)
{
	if (!active)
		return;
	json_set_alloc_funcs(malloc, free);
	active = false;
	generation++;
	while (head) {
		struct chunk *next = head->next;
		free(head);
		head = next;
	}
	total = 0;
}

size_t arena_used(void)
{
	return total;
}
