#include "base/diag.h"

#include <stdarg.h>
#include <stdlib.h>

#include "base/common.h"
#include "base/strbuf.h"
#include "base/xalloc.h"

struct diag *diag_add(struct diag_list *dl, enum diag_severity sev, const char *file, int line,
		      int col, const char *path, const char *fmt, ...)
{
	struct strbuf sb = STRBUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);

	ALLOC_GROW(dl->items, dl->nr + 1, dl->alloc);
	struct diag *d = &dl->items[dl->nr++];
	d->severity = sev;
	d->file = file ? xstrdup(file) : NULL;
	d->line = line;
	d->col = col;
	d->path = path ? xstrdup(path) : NULL;
	d->message = strbuf_detach(&sb, NULL);
	d->hint = NULL;
	return d;
}

void diag_set_hint(struct diag *d, const char *fmt, ...)
{
	struct strbuf sb = STRBUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	free(d->hint);
	d->hint = strbuf_detach(&sb, NULL);
}

size_t diag_count(const struct diag_list *dl, enum diag_severity sev)
{
	size_t n = 0;
	for (size_t i = 0; i < dl->nr; i++)
		if (dl->items[i].severity == sev)
			n++;
	return n;
}

void diag_list_release(struct diag_list *dl)
{
	for (size_t i = 0; i < dl->nr; i++) {
		free(dl->items[i].file);
		free(dl->items[i].path);
		free(dl->items[i].message);
		free(dl->items[i].hint);
	}
	free(dl->items);
	dl->items = NULL;
	dl->nr = dl->alloc = 0;
}

void diag_list_move(struct diag_list *dst, struct diag_list *src)
{
	for (size_t i = 0; i < src->nr; i++) {
		ALLOC_GROW(dst->items, dst->nr + 1, dst->alloc);
		dst->items[dst->nr++] = src->items[i];
	}
	free(src->items);
	src->items = NULL;
	src->nr = src->alloc = 0;
}

static const char *sev_name(enum diag_severity sev)
{
	switch (sev) {
	case DIAG_ERROR:
		return "error";
	case DIAG_WARNING:
		return "warning";
	default:
		return "note";
	}
}

static const char *sev_color(enum diag_severity sev)
{
	switch (sev) {
	case DIAG_ERROR:
		return "\033[1;31m";
	case DIAG_WARNING:
		return "\033[1;33m";
	default:
		return "\033[1;36m";
	}
}

void diag_print(FILE *out, const struct diag *d, bool color)
{
	if (d->file) {
		fputs(d->file, out);
		if (d->line > 0) {
			fprintf(out, ":%d", d->line);
			if (d->col > 0)
				fprintf(out, ":%d", d->col);
		}
		fputs(": ", out);
	}
	if (color)
		fprintf(out, "%s%s:\033[0m ", sev_color(d->severity), sev_name(d->severity));
	else
		fprintf(out, "%s: ", sev_name(d->severity));
	fputs(d->message, out);
	if (d->path)
		fprintf(out, " (at %s)", d->path);
	fputc('\n', out);
	if (d->hint)
		fprintf(out, "  hint: %s\n", d->hint);
}

void diag_print_all(FILE *out, const struct diag_list *dl, bool color)
{
	for (size_t i = 0; i < dl->nr; i++)
		diag_print(out, &dl->items[i], color);
}
