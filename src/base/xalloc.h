/*
 * Allocation wrappers. Out of memory aborts the program with a message
 * (git wrapper.c, redis zmalloc.c): a CLI need not thread allocation failure
 * through every call. Every pointer returned is non-NULL.
 */
#ifndef SM_XALLOC_H
#define SM_XALLOC_H

#include <stddef.h>

void *xmalloc(size_t size);
void *xcalloc(size_t nmemb, size_t size);
void *xrealloc(void *ptr, size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
/* printf-style formatting into a fresh allocation the caller frees. */
char *xstrfmt(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Grow an array so that it holds at least `nr` elements (git ALLOC_GROW). */
#define ALLOC_GROW(ptr, nr, alloc)                                                                 \
	do {                                                                                       \
		if ((nr) > (alloc)) {                                                              \
			(alloc) = (alloc) < 8 ? 8 : (alloc)*2;                                     \
			if ((alloc) < (nr))                                                        \
				(alloc) = (nr);                                                    \
			(ptr) = xrealloc((ptr), sizeof(*(ptr)) * (alloc));                         \
		}                                                                                  \
	} while (0)

#endif
