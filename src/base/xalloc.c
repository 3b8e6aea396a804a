#include "base/xalloc.h"

#include "base/common.h"
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

static void die_oom(size_t size)
{
	fprintf(stderr, "fatal: out of memory allocating %zu bytes\n", size);
	abort();
}

/*
 * A block this large (a template of hundreds of thousands of resources read
 * whole, its position map, the indexes over it) is offered to transparent
 * huge pages: touched 4 KiB at a time it cost ~80,000 page faults for
 * 200,000 resources, a third of check's time, most of it in the kernel
 * (issue 19, item 13; the arena does the same for JSON values). Only the
 * 2 MiB-aligned inside of the block is advised; failure changes nothing.
 */
#define XALLOC_HUGE_MIN ((size_t)8 << 20)
#define XALLOC_HUGE_PAGE ((uintptr_t)2 << 20)

static void *advise_huge(void *p, size_t size)
{
#ifdef MADV_HUGEPAGE
	if (size >= XALLOC_HUGE_MIN) {
		uintptr_t a = ((uintptr_t)p + XALLOC_HUGE_PAGE - 1) & ~(XALLOC_HUGE_PAGE - 1);
		uintptr_t e = ((uintptr_t)p + size) & ~(XALLOC_HUGE_PAGE - 1);
		if (e > a)
			madvise((void *)a, e - a, MADV_HUGEPAGE);
	}
#endif
	return p;
}

void *xmalloc(size_t size)
{
	void *p = malloc(size ? size : 1);
	if (!p)
		die_oom(size);
	return advise_huge(p, size);
}

void *xcalloc(size_t nmemb, size_t size)
{
	void *p = calloc(nmemb ? nmemb : 1, size ? size : 1);
	if (!p)
		die_oom(nmemb * size);
	return advise_huge(p, nmemb * size);
}

void *xrealloc(void *ptr, size_t size)
{
	void *p = realloc(ptr, size ? size : 1);
	if (!p)
		die_oom(size);
	return advise_huge(p, size);
}

char *xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

char *xstrndup(const char *s, size_t n)
{
	char *p = xmalloc(n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *xstrfmt(const char *fmt, ...)
{
	/* one vsnprintf when the result fits a small buffer (most do) */
	char small[256];
	va_list ap, ap2;
	va_start(ap, fmt);
	va_copy(ap2, ap);
	int n = vsnprintf(small, sizeof(small), fmt, ap);
	va_end(ap);
	if (n < 0) {
		n = 0;
		small[0] = '\0';
	}
	char *p = xmalloc((size_t)n + 1);
	if ((size_t)n < sizeof(small))
		memcpy(p, small, (size_t)n + 1);
	else
		vsnprintf(p, (size_t)n + 1, fmt, ap2);
	va_end(ap2);
	return p;
}
