/* Markdown for pull-request comments (markdown.h). */
#include "base/markdown.h"

#include <stdarg.h>
#include <string.h>

#include "base/common.h"
#include "base/junit.h"

/* `s` on one line (line breaks as spaces, other controls dropped), `escape` backslash-escaped */
static void add_inline(struct strbuf *out, const char *s, const char *escape)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '\n' || c == '\r' || c == '\t') {
			strbuf_addch(out, ' ');
		} else if (c < 0x20) {
			continue;
		} else {
			if (strchr(escape, c))
				strbuf_addch(out, '\\');
			strbuf_addch(out, (char)c);
		}
	}
}

void md_text(struct strbuf *out, const char *s)
{
	add_inline(out, s, "\\`*_{}[]()<>#+-.!|~&");
}

void md_code(struct strbuf *out, const char *s, bool in_table)
{
	size_t run = 0, longest = 0;
	for (const char *p = s; *p; p++) {
		run = *p == '`' ? run + 1 : 0;
		if (run > longest)
			longest = run;
	}
	/* a span that starts or ends with '`' is padded; an empty one is a single space */
	bool pad = *s == '`' || (*s && s[strlen(s) - 1] == '`');
	for (size_t i = 0; i <= longest; i++)
		strbuf_addch(out, '`');
	if (pad || !*s)
		strbuf_addch(out, ' ');
	add_inline(out, s, in_table ? "|" : "");
	if (pad)
		strbuf_addch(out, ' ');
	for (size_t i = 0; i <= longest; i++)
		strbuf_addch(out, '`');
}

void md_details_begin(struct strbuf *out, const char *fmt, ...)
{
	struct strbuf sb = STRBUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	strbuf_addstr(out, "<details><summary>");
	xml_escape(out, sb.buf); /* HTML: no Markdown inside the summary */
	strbuf_addstr(out, "</summary>\n\n");
	strbuf_release(&sb);
}

void md_details_end(struct strbuf *out)
{
	strbuf_addstr(out, "\n</details>\n\n");
}

void md_table_head(struct strbuf *out, ...)
{
	va_list ap;
	size_t n = 0;
	va_start(ap, out);
	for (const char *h; (h = va_arg(ap, const char *));) {
		strbuf_addstr(out, "| ");
		md_text(out, h);
		strbuf_addch(out, ' ');
		n++;
	}
	va_end(ap);
	strbuf_addstr(out, "|\n");
	for (size_t i = 0; i < n; i++)
		strbuf_addstr(out, "|---");
	strbuf_addstr(out, "|\n");
}
