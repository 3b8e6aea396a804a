/*
 * File-system helpers. Writers are atomic: a reader (or a crash) sees either
 * the old file or the complete new one, never a truncated mix, so that a
 * failed command never loses what existed before.
 */
#ifndef SM_FSUTIL_H
#define SM_FSUTIL_H

#include <stdbool.h>
#include <stddef.h>

#include "base/diag.h"

/*
 * Read a whole file; NUL-terminated, `*len` without the NUL. NULL + diag on
 * error. A device (/dev/zero, a terminal) is refused and a pipe is read up
 * to FS_READ_MAX_BYTES: no input the user names makes a command read forever.
 */
#define FS_READ_MAX_BYTES ((size_t)512 << 20)
char *fs_read_file(const char *path, size_t *len, struct diag_list *dl);
/*
 * A large read-only data file (the schema data, megabytes of which a run reads
 * a few dozen lines): mapped privately instead of copied, so that only the
 * pages searched are faulted in, from the page cache. Writable copy-on-write,
 * NUL-terminated like fs_read_file's answer (a file whose size is a multiple
 * of the page size, which leaves no zero byte after it, is read instead).
 * `data` NULL + diag on error; release with fs_unmap_file.
 */
struct fs_map {
	char *data;
	size_t len;
	size_t mapped; /* bytes mapped; 0 when read into the heap */
};
int fs_map_file(const char *path, struct fs_map *m, struct diag_list *dl);
void fs_unmap_file(struct fs_map *m);
/*
 * Write `data` to `path` through a temporary file (mkstemp: a fresh name, no
 * symlink followed, in `path`'s directory), fsync and rename; the file keeps
 * the mode of the one it replaces. 0 or -1 + diag.
 */
int fs_write_atomic(const char *path, const void *data, size_t len, struct diag_list *dl);
/*
 * Write `data` to `path` directly (create/truncate), without fsync. For files
 * inside a temporary directory that is swapped in as a whole afterwards: the
 * swap gives the atomicity, and the output can always be regenerated.
 */
int fs_write_file(const char *path, const void *data, size_t len, struct diag_list *dl);
/* mkdir -p; 0 or -1 + diag. */
int fs_mkdir_p(const char *path, struct diag_list *dl);
/* rm -rf; 0 or -1. Refuses "/" and "". */
int fs_remove_tree(const char *path);
bool fs_is_dir(const char *path);
bool fs_exists(const char *path);
/*
 * "<data dir>/name" (malloc'd): the project's data files (schema, prices,
 * SLAs), from the first of these that holds `name`: <prefix>/share/solemate
 * beside an installed <prefix>/bin/solemate, $SOLEMATE_DATA, <root>/data
 * beside <root>/build/solemate, ./data. When none holds it, the path in
 * ./data, so that the caller's error names a path.
 */
char *fs_data_path(const char *name);
/* The data directories searched, in order, as one "a, b, c" string (malloc'd): for errors. */
char *fs_data_places(void);
/*
 * Make a fresh temporary directory beside `final_dir` (same file system, so
 * that it can be renamed into place). Caller frees the returned path.
 */
char *fs_make_sibling_tmpdir(const char *final_dir, struct diag_list *dl);
/*
 * Put directory `tmp_dir` in place of `final_dir` as one step: with
 * renameat2(RENAME_EXCHANGE) when `final_dir` exists (then removes the old
 * tree), plain rename otherwise. On failure `final_dir` is untouched.
 */
int fs_replace_dir(const char *tmp_dir, const char *final_dir, struct diag_list *dl);

#endif
