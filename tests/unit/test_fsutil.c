/* File helpers: the atomic writer never follows a planted symlink (issue 19, item 10). */
#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/fsutil.h"
#include "base/xalloc.h"
#include "support/test.h"

static char *read_text(const char *path)
{
	struct diag_list dl = DIAG_LIST_INIT;
	char *s = fs_read_file(path, NULL, &dl);
	diag_list_release(&dl);
	return s;
}

static int entries(const char *dir)
{
	int n = 0;
	DIR *d = opendir(dir);
	for (struct dirent *e; d && (e = readdir(d));)
		n += strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
	if (d)
		closedir(d);
	return n;
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	if (f) {
		fputs(text, f);
		fclose(f);
	}
}

TEST(write_atomic_does_not_follow_a_symlink_planted_at_the_temporary_name)
{
	char dir[] = "/tmp/sm-fsutil-XXXXXX";
	CHECK(mkdtemp(dir) != NULL);
	char *victim = xstrfmt("%s/victim", dir), *out = xstrfmt("%s/report.html", dir);
	/* the name the writer used to take: "<out>.tmp.<pid>" */
	char *planted = xstrfmt("%s.tmp.%ld", out, (long)getpid());
	write_file(victim, "precious\n");
	CHECK(symlink(victim, planted) == 0);
	struct diag_list dl = DIAG_LIST_INIT;
	CHECK(fs_write_atomic(out, "new\n", 4, &dl) == 0);
	char *v = read_text(victim), *o = read_text(out);
	CHECK_STR(v, "precious\n");
	CHECK_STR(o, "new\n");
	CHECK(entries(dir) == 3); /* victim, the planted link, the output: no temporary left */
	free(v);
	free(o);
	diag_list_release(&dl);
	unlink(planted);
	unlink(out);
	unlink(victim);
	rmdir(dir);
	free(planted);
	free(out);
	free(victim);
}

TEST(write_atomic_replaces_a_symlinked_target_instead_of_writing_through_it)
{
	char dir[] = "/tmp/sm-fsutil-XXXXXX";
	CHECK(mkdtemp(dir) != NULL);
	char *victim = xstrfmt("%s/victim", dir), *out = xstrfmt("%s/graph.svg", dir);
	write_file(victim, "precious\n");
	chmod(victim, 0600);
	CHECK(symlink(victim, out) == 0);
	struct diag_list dl = DIAG_LIST_INIT;
	CHECK(fs_write_atomic(out, "<svg/>", 6, &dl) == 0);
	char *v = read_text(victim), *o = read_text(out);
	CHECK_STR(v, "precious\n");
	CHECK_STR(o, "<svg/>");
	struct stat st;
	CHECK(lstat(out, &st) == 0 && S_ISREG(st.st_mode));
	/* a file that existed keeps its mode */
	write_file(victim, "x");
	CHECK(fs_write_atomic(victim, "y", 1, &dl) == 0);
	CHECK(stat(victim, &st) == 0 && (st.st_mode & 0777) == 0600);
	free(v);
	free(o);
	diag_list_release(&dl);
	unlink(out);
	unlink(victim);
	rmdir(dir);
	free(out);
	free(victim);
}

TEST(write_atomic_into_a_missing_directory_says_so)
{
	struct diag_list dl = DIAG_LIST_INIT;
	CHECK(fs_write_atomic("/nonexistent-dir/x.html", "a", 1, &dl) == -1);
	CHECK(dl.nr == 1 && strstr(dl.items[0].message, "temporary file"));
	diag_list_release(&dl);
}

/* the schema data is mapped, not copied: the answer reads like fs_read_file's */
TEST(map_file_reads_like_read_file_mapped_or_not)
{
	char dir[] = "/tmp/sm-fsutil-XXXXXX";
	CHECK(mkdtemp(dir) != NULL);
	char *small = xstrfmt("%s/small", dir), *paged = xstrfmt("%s/paged", dir);
	write_file(small, "R\tAWS::S3::Bucket\n");
	/* a file of exactly one page leaves no zero byte after it: read instead */
	long page = sysconf(_SC_PAGESIZE);
	char *full = xmalloc((size_t)page + 1);
	memset(full, 'x', (size_t)page);
	full[page] = '\0';
	write_file(paged, full);
	struct diag_list dl = DIAG_LIST_INIT;
	struct fs_map m;
	CHECK(fs_map_file(small, &m, &dl) == 0);
	CHECK(m.mapped == m.len && m.len == 18);
	CHECK_STR(m.data, "R\tAWS::S3::Bucket\n");
	m.data[0] = 'T'; /* copy-on-write: the file is not changed */
	fs_unmap_file(&m);
	char *again = read_text(small);
	CHECK_STR(again, "R\tAWS::S3::Bucket\n");
	CHECK(fs_map_file(paged, &m, &dl) == 0);
	CHECK(m.mapped == 0 && m.len == (size_t)page && m.data[page] == '\0');
	fs_unmap_file(&m);
	CHECK(dl.nr == 0);
	CHECK(fs_map_file("/nonexistent-dir/cfn-schema.txt", &m, &dl) == -1);
	CHECK(m.data == NULL && dl.nr == 1 && strstr(dl.items[0].message, "cannot open"));
	diag_list_release(&dl);
	unlink(small);
	unlink(paged);
	rmdir(dir);
	free(again);
	free(full);
	free(small);
	free(paged);
}

int main(void)
{
	RUN(write_atomic_does_not_follow_a_symlink_planted_at_the_temporary_name);
	RUN(write_atomic_replaces_a_symlinked_target_instead_of_writing_through_it);
	RUN(write_atomic_into_a_missing_directory_says_so);
	RUN(map_file_reads_like_read_file_mapped_or_not);
	return test_done();
}
