#include "base/fsutil.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/common.h"
#include "base/strbuf.h"
#include "base/xalloc.h"

char *fs_read_file(const char *path, size_t *len, struct diag_list *dl)
{
	struct strbuf sb = STRBUF_INIT;
	char chunk[65536];
	FILE *f = fopen(path, "rb");

	if (!f) {
		diag_add(dl, DIAG_ERROR, path, 0, 0, NULL, "cannot open: %s", strerror(errno));
		return NULL;
	}
	/* a regular file is read in one go into a buffer of its size (the schema
	 * data is megabytes: no growing copies); pipes grow chunk by chunk */
	struct stat st;
	if (fstat(fileno(f), &st) == 0 && (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode))) {
		struct diag *d = diag_add(dl, DIAG_ERROR, path, 0, 0, NULL,
					  "is a device, not a file: nothing was read");
		diag_set_hint(d, "name a regular file (or a pipe)");
		fclose(f);
		return NULL;
	}
	if (fstat(fileno(f), &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0)
		strbuf_grow(&sb, (size_t)st.st_size + 1);
	for (;;) {
		if (sb.len > FS_READ_MAX_BYTES) {
			diag_add(dl, DIAG_ERROR, path, 0, 0, NULL,
				 "is larger than the %zu MiB this tool reads",
				 FS_READ_MAX_BYTES >> 20);
			fclose(f);
			strbuf_release(&sb);
			return NULL;
		}
		if (sb.alloc - sb.len > sizeof(chunk)) {
			/* straight into the buffer when it has room */
			size_t n = fread(sb.buf + sb.len, 1, sb.alloc - sb.len - 1, f);
			sb.len += n;
			sb.buf[sb.len] = '\0';
			if (!n)
				break;
			continue;
		}
		size_t n = fread(chunk, 1, sizeof(chunk), f);
		if (n)
			strbuf_add(&sb, chunk, n);
		if (n < sizeof(chunk))
			break;
	}
	if (ferror(f)) {
		diag_add(dl, DIAG_ERROR, path, 0, 0, NULL, "cannot read: %s", strerror(errno));
		fclose(f);
		strbuf_release(&sb);
		return NULL;
	}
	fclose(f);
	return strbuf_detach(&sb, len);
}

int fs_map_file(const char *path, struct fs_map *m, struct diag_list *dl)
{
	struct stat st;
	long page = sysconf(_SC_PAGESIZE);
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	m->data = NULL;
	m->len = m->mapped = 0;
	if (fd >= 0 && fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0 &&
	    (size_t)st.st_size <= FS_READ_MAX_BYTES && page > 0 && st.st_size % page) {
		/* the rest of the last page reads as zero bytes: the NUL */
		void *p =
			mmap(NULL, (size_t)st.st_size, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
		if (p != MAP_FAILED) {
			close(fd);
			m->data = p;
			m->len = m->mapped = (size_t)st.st_size;
			return 0;
		}
	}
	if (fd >= 0)
		close(fd);
	m->data = fs_read_file(path, &m->len, dl);
	return m->data ? 0 : -1;
}

void fs_unmap_file(struct fs_map *m)
{
	if (m->mapped)
		munmap(m->data, m->mapped);
	else
		free(m->data);
	m->data = NULL;
	m->len = m->mapped = 0;
}

static int write_all(int fd, const char *p, size_t left)
{
	while (left) {
		ssize_t n = write(fd, p, left);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += n;
		left -= (size_t)n;
	}
	return 0;
}

int fs_write_file(const char *path, const void *data, size_t len, struct diag_list *dl)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0) {
		diag_add(dl, DIAG_ERROR, path, 0, 0, NULL, "cannot create: %s", strerror(errno));
		return -1;
	}
	if (write_all(fd, data, len) < 0 || close(fd) < 0) {
		diag_add(dl, DIAG_ERROR, path, 0, 0, NULL, "cannot write: %s", strerror(errno));
		return -1;
	}
	return 0;
}

/*
 * The mode a new file at `path` gets: the one of the regular file it replaces,
 * else what open(2) would give (0666 less the umask).
 */
static mode_t replacement_mode(const char *path)
{
	struct stat st;
	if (lstat(path, &st) == 0 && S_ISREG(st.st_mode))
		return st.st_mode & 07777;
	mode_t mask = umask(0);
	umask(mask);
	return 0666 & ~mask;
}

/*
 * A target that exists and is not a regular file: a pipe, a terminal or a
 * character device (--out /dev/stdout, a FIFO) is written through, as a shell
 * redirection would; renaming a file over it would replace the device node
 * itself (as root, `--out /dev/full` left /dev/full a regular file: issue 19).
 * A directory, a block device or a socket is refused.
 */
static int write_special(const char *path, const struct stat *st, const void *data, size_t len,
			 struct diag_list *dl)
{
	if (!S_ISFIFO(st->st_mode) && !S_ISCHR(st->st_mode)) {
		diag_add(dl, DIAG_ERROR, path, 0, 0, NULL, "cannot write: %s",
			 S_ISDIR(st->st_mode) ? "it is a directory, give a file name"
					      : "it is not a regular file, a pipe or a terminal");
		return -1;
	}
	int fd = open(path, O_WRONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0 || write_all(fd, data, len) < 0) {
		diag_add(dl, DIAG_ERROR, path, 0, 0, NULL, "cannot write: %s", strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	if (close(fd) < 0) {
		diag_add(dl, DIAG_ERROR, path, 0, 0, NULL, "cannot write: %s", strerror(errno));
		return -1;
	}
	return 0;
}

int fs_write_atomic(const char *path, const void *data, size_t len, struct diag_list *dl)
{
	/*
	 * An unpredictable name made with O_EXCL (mkstemp) in the target's own
	 * directory (so rename stays on one file system): a name like
	 * "<path>.tmp.<pid>" opened with O_TRUNC followed a symlink planted there
	 * and overwrote its target (issue 19).
	 */
	struct stat st;
	if (stat(path, &st) == 0 && !S_ISREG(st.st_mode))
		return write_special(path, &st, data, len, dl);
	const char *slash = strrchr(path, '/');
	char *tmp = slash ? xstrfmt("%.*s/.%s.tmp-XXXXXX", (int)(slash - path), path, slash + 1)
			  : xstrfmt(".%s.tmp-XXXXXX", path);
	int fd = mkostemp(tmp, O_CLOEXEC);
	int ret = -1;

	if (fd < 0) {
		diag_add(dl, DIAG_ERROR, path, 0, 0, NULL,
			 "cannot create a temporary file beside it: %s", strerror(errno));
		goto out;
	}
	if (fchmod(fd, replacement_mode(path)) < 0) {
		diag_add(dl, DIAG_ERROR, path, 0, 0, NULL, "cannot write: %s", strerror(errno));
		close(fd);
		unlink(tmp);
		goto out;
	}
	if (write_all(fd, data, len) < 0) {
		diag_add(dl, DIAG_ERROR, path, 0, 0, NULL, "cannot write: %s", strerror(errno));
		close(fd);
		unlink(tmp);
		goto out;
	}
	if (fsync(fd) < 0 || close(fd) < 0) {
		diag_add(dl, DIAG_ERROR, path, 0, 0, NULL, "cannot write: %s", strerror(errno));
		unlink(tmp);
		goto out;
	}
	if (rename(tmp, path) < 0) {
		diag_add(dl, DIAG_ERROR, path, 0, 0, NULL, "cannot rename into place: %s",
			 strerror(errno));
		unlink(tmp);
		goto out;
	}
	ret = 0;
out:
	free(tmp);
	return ret;
}

int fs_mkdir_p(const char *path, struct diag_list *dl)
{
	char *p = xstrdup(path);
	int ret = 0;

	for (char *s = p + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(p, 0755) < 0 && errno != EEXIST) {
			diag_add(dl, DIAG_ERROR, p, 0, 0, NULL, "cannot create directory: %s",
				 strerror(errno));
			ret = -1;
			goto out;
		}
		*s = '/';
	}
	if (mkdir(p, 0755) < 0 && errno != EEXIST) {
		diag_add(dl, DIAG_ERROR, p, 0, 0, NULL, "cannot create directory: %s",
			 strerror(errno));
		ret = -1;
	}
out:
	free(p);
	return ret;
}

int fs_remove_tree(const char *path)
{
	struct stat st;

	if (!path[0] || !strcmp(path, "/"))
		return -1;
	if (lstat(path, &st) < 0)
		return errno == ENOENT ? 0 : -1;
	if (!S_ISDIR(st.st_mode))
		return unlink(path);
	DIR *d = opendir(path);
	if (!d)
		return -1;
	struct dirent *e;
	int ret = 0;
	while ((e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		char *child = xstrfmt("%s/%s", path, e->d_name);
		if (fs_remove_tree(child) < 0)
			ret = -1;
		free(child);
	}
	closedir(d);
	if (rmdir(path) < 0)
		ret = -1;
	return ret;
}

bool fs_is_dir(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

bool fs_exists(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0;
}

char *fs_make_sibling_tmpdir(const char *final_dir, struct diag_list *dl)
{
	size_t n = strlen(final_dir);
	while (n > 1 && final_dir[n - 1] == '/')
		n--;
	char *base = xstrndup(final_dir, n);
	char *tmpl = xstrfmt("%s.tmp-XXXXXX", base);
	/* like `cdk synth -o a/b`, create the parent when it is missing */
	char *slash = strrchr(base, '/');
	if (slash && slash != base) {
		*slash = '\0';
		if (!fs_is_dir(base) && fs_mkdir_p(base, dl) < 0) {
			free(base);
			free(tmpl);
			return NULL;
		}
	}
	free(base);
	if (!mkdtemp(tmpl)) {
		diag_add(dl, DIAG_ERROR, final_dir, 0, 0, NULL,
			 "cannot create a temporary directory beside it: %s", strerror(errno));
		free(tmpl);
		return NULL;
	}
	/* mkdtemp makes it 0700; the assembly is not secret, make it like mkdir's. */
	chmod(tmpl, 0755);
	return tmpl;
}

int fs_replace_dir(const char *tmp_dir, const char *final_dir, struct diag_list *dl)
{
	if (fs_is_dir(final_dir)) {
		if (renameat2(AT_FDCWD, tmp_dir, AT_FDCWD, final_dir, RENAME_EXCHANGE) < 0) {
			diag_add(dl, DIAG_ERROR, final_dir, 0, 0, NULL,
				 "cannot swap in the new directory: %s", strerror(errno));
			return -1;
		}
		/* tmp_dir now holds the previous tree. */
		fs_remove_tree(tmp_dir);
		return 0;
	}
	if (fs_exists(final_dir)) {
		diag_add(dl, DIAG_ERROR, final_dir, 0, 0, NULL, "exists and is not a directory");
		return -1;
	}
	if (rename(tmp_dir, final_dir) < 0) {
		diag_add(dl, DIAG_ERROR, final_dir, 0, 0, NULL, "cannot rename into place: %s",
			 strerror(errno));
		return -1;
	}
	return 0;
}

/*
 * The parent of the directory holding the running binary (malloc'd): the
 * prefix of <prefix>/bin/solemate, the source tree of <root>/build/solemate.
 * NULL when /proc/self/exe cannot be read.
 */
static char *exe_prefix(void)
{
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);

	if (n <= 0)
		return NULL;
	exe[n] = '\0';
	char *slash = strrchr(exe, '/');
	if (!slash)
		return NULL;
	*slash = '\0';
	/* the binary's directory's parent: <prefix> of <prefix>/bin/solemate */
	slash = strrchr(exe, '/');
	if (!slash)
		return NULL;
	*slash = '\0';
	return xstrdup(exe); /* "" for a binary in / or /bin */
}

/*
 * The data directories in the order they are searched (malloc'd strings,
 * *nr of them): where an installed binary keeps its data
 * (<prefix>/bin/solemate -> <prefix>/share/solemate, the GNU layout `make
 * install` writes), then $SOLEMATE_DATA, then the source tree
 * (<root>/build/solemate -> <root>/data), then ./data.
 */
static size_t data_dirs(char *dirs[4])
{
	size_t nr = 0;
	char *prefix = exe_prefix();
	const char *env = getenv("SOLEMATE_DATA");

	if (prefix)
		dirs[nr++] = xstrfmt("%s/share/solemate", prefix);
	if (env && *env)
		dirs[nr++] = xstrdup(env);
	if (prefix)
		dirs[nr++] = xstrfmt("%s/data", prefix);
	dirs[nr++] = xstrdup("data");
	free(prefix);
	return nr;
}

char *fs_data_path(const char *name)
{
	char *dirs[4];
	size_t nr = data_dirs(dirs);
	char *found = NULL;

	for (size_t i = 0; i < nr && !found; i++) {
		char *p = xstrfmt("%s/%s", dirs[i], name);
		if (fs_exists(p))
			found = p;
		else
			free(p);
	}
	/* nothing found: the last place, so that the caller's open names a path */
	if (!found)
		found = xstrfmt("%s/%s", dirs[nr - 1], name);
	for (size_t i = 0; i < nr; i++)
		free(dirs[i]);
	return found;
}

char *fs_data_places(void)
{
	char *dirs[4];
	size_t nr = data_dirs(dirs);
	struct strbuf sb = STRBUF_INIT;

	for (size_t i = 0; i < nr; i++) {
		strbuf_addf(&sb, "%s%s", i ? ", " : "", dirs[i]);
		free(dirs[i]);
	}
	return strbuf_detach(&sb, NULL);
}
