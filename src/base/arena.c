#include "base/arena.h"

#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/xalloc.h"

#define ARENA_CHUNK (1u << 20)
#define ARENA_ALIGN 16

struct chunk {
	struct chunk *next;
	size_t used, size;
	max_align_t data[];
};

static struct chunk *head;
static size_t total;
static bool active;

static void *arena_malloc(size_t n)
{
	n = (n + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1);
	if (!head || head->used + n > head->size) {
		size_t size = n > ARENA_CHUNK ? n : ARENA_CHUNK;
		struct chunk *c = xmalloc(sizeof(*c) + size);
		c->next = head;
		c->used = 0;
		c->size = size;
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

void arena_end(void)
{
	if (!active)
		return;
	json_set_alloc_funcs(malloc, free);
	active = false;
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
