/*
 * Markdown for pull-request comments (GitHub Flavored Markdown, which GitHub
 * and GitLab render): escaped text, code spans, table cells, folded
 * details. A comment holds at most MD_COMMENT_MAX characters on GitHub
 * (65,536); writers stop adding detail at MD_COMMENT_BUDGET and say what
 * was left out, so that the summary always arrives whole.
 * https://github.github.com/gfm/
 */
#ifndef SM_MARKDOWN_H
#define SM_MARKDOWN_H

#include <stdbool.h>

#include "base/strbuf.h"

#define MD_COMMENT_MAX 65536
#define MD_COMMENT_BUDGET 60000

/*
 * `s` as inline text: every ASCII punctuation character that Markdown or
 * HTML could read as syntax backslash-escaped (GFM 2.4: any ASCII
 * punctuation may be), line breaks as spaces, so that no value a template
 * holds (a name with `*`, `|`, `<script>`) changes the comment's layout.
 */
void md_text(struct strbuf *out, const char *s);
/*
 * `s` as a code span, fenced with more backticks than it holds in a row
 * (GFM 6.1); in a table cell (`in_table`) a '|' is escaped, which GFM
 * requires even inside code spans (4.10).
 */
void md_code(struct strbuf *out, const char *s, bool in_table);
/* "<details><summary>SUMMARY</summary>" and the blank line Markdown needs after it. */
void md_details_begin(struct strbuf *out, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void md_details_end(struct strbuf *out);
/* A table's header row and its delimiter row: md_table_head(out, "a", "b", NULL). */
void md_table_head(struct strbuf *out, ...) __attribute__((sentinel));

#endif
