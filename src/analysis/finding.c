#include "analysis/finding.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "base/common.h"
#include "base/strbuf.h"
#include "base/xalloc.h"

static char *dup_or_null(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

struct sm_finding *sm_findings_add(struct sm_findings *f, const struct sm_rule_meta *rule,
				   const char *stack, const char *file, const char *logical_id,
				   const char *path, const char *fmt, ...)
{
	struct strbuf sb = STRBUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	ALLOC_GROW(f->items, f->nr + 1, f->alloc);
	struct sm_finding *x = &f->items[f->nr++];
	memset(x, 0, sizeof(*x));
	x->rule = rule;
	x->stack = dup_or_null(stack);
	x->file = dup_or_null(file);
	x->logical_id = dup_or_null(logical_id);
	x->path = dup_or_null(path);
	x->message = strbuf_detach(&sb, NULL);
	return x;
}

void sm_findings_release(struct sm_findings *f)
{
	for (size_t i = 0; i < f->nr; i++) {
		struct sm_finding *x = &f->items[i];
		free(x->stack);
		free(x->file);
		free(x->logical_id);
		free(x->path);
		free(x->message);
		free(x->suppress_reason);
	}
	free(f->items);
	f->items = NULL;
	f->nr = f->alloc = 0;
}
