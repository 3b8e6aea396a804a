/*
 * Diagnostics: library code never prints; it appends what went wrong to a
 * caller's `struct diag_list` (git's caller-handled errors). The command
 * layer decides how to show them (text, JSON, colour) and the exit code.
 *
 * Every string in a diag is owned by the list; diag_list_release() frees
 * them all. `file` may be NULL (no file involved); line/col are 1-based,
 * 0 when unknown; `path` is a dotted location inside a document, e.g.
 * "Resources.Db.Properties.StorageEncrypted", or NULL.
 */
#ifndef SM_DIAG_H
#define SM_DIAG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

enum diag_severity {
	DIAG_ERROR = 0,
	DIAG_WARNING = 1,
	DIAG_NOTE = 2,
};

struct diag {
	enum diag_severity severity;
	char *file;
	int line;
	int col;
	char *path;
	char *message;
	char *hint; /* a suggestion ("did you mean 'vpcCidr'?"), or NULL */
};

struct diag_list {
	struct diag *items;
	size_t nr;
	size_t alloc;
};

#define DIAG_LIST_INIT                                                                             \
	{                                                                                          \
		NULL, 0, 0                                                                         \
	}

/* Append a diagnostic; returns it so that callers may set `hint`. */
struct diag *diag_add(struct diag_list *dl, enum diag_severity sev, const char *file, int line,
		      int col, const char *path, const char *fmt, ...)
	__attribute__((format(printf, 7, 8)));
void diag_set_hint(struct diag *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
size_t diag_count(const struct diag_list *dl, enum diag_severity sev);
void diag_list_release(struct diag_list *dl);
/* Move every diagnostic of `src` to the end of `dst`; `src` is left empty. */
void diag_list_move(struct diag_list *dst, struct diag_list *src);
/* "file:line:col: error: message (at path)\n  hint: ...". */
void diag_print(FILE *out, const struct diag *d, bool color);
void diag_print_all(FILE *out, const struct diag_list *dl, bool color);

#endif
