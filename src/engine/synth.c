/*
 * Writing the cloud assembly the AWS CDK CLI reads: manifest.json (schema
 * package @aws-cdk/cloud-assembly-schema), cdk.out, and one template per
 * stack. The directory is built beside the target and swapped in whole.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/common.h"
#include "base/fsutil.h"
#include "base/json_io.h"
#include "base/strbuf.h"
#include "base/xalloc.h"
#include "engine/engine_int.h"

/*
 * The cloud-assembly schema version we write. The CLI accepts manifests of
 * its own version or older; 36.0.0 is read by every aws-cdk CLI since 2.140.
 */
#define SM_ASSEMBLY_VERSION "36.0.0"

static const char *template_ext(enum sm_format fmt)
{
	return fmt == SM_FORMAT_YAML ? "template.yaml" : "template.json";
}

json_t *sm_app_manifest(const struct sm_app *app, enum sm_format fmt)
{
	json_t *arts = json_object();

	for (size_t i = 0; i < app->stack_nr; i++) {
		const struct sm_stack *s = app->stacks[i];
		char *tf = xstrfmt("%s.%s", s->name, template_ext(fmt));
		char *env = xstrfmt("aws://%s/%s", s->account ? s->account : "unknown-account",
				    s->region ? s->region : "unknown-region");
		json_t *props = json_pack("{ss sb ss}", "templateFile", tf, "terminationProtection",
					  s->termination_protection, "stackName", s->name);
		json_t *art = json_pack("{ss ss so}", "type", "aws:cloudformation:stack",
					"environment", env, "properties", props);
		if (s->dep_nr) {
			json_t *deps = json_array();
			for (size_t j = 0; j < s->dep_nr; j++)
				json_array_append_new(deps, json_string(s->deps[j]->name));
			json_object_set_new(art, "dependencies", deps);
		}
		if (s->xr_nr || json_array_size(s->lookups) || json_array_size(s->manifest_meta)) {
			json_t *entries = json_array();
			for (size_t j = 0; j < s->xr_nr; j++)
				json_array_append_new(
					entries, json_pack("{ss s{ss ss ss}}", "type",
							   "solemate:cross-region-ref", "data",
							   "parameter", s->xr[j].parameter,
							   "producerStack", s->xr[j].producer_stack,
							   "output", s->xr[j].output));
			size_t k;
			json_t *l;
			json_array_foreach (s->lookups, k, l)
				json_array_append_new(
					entries,
					json_pack("{ss sO}", "type", "solemate:lookup", "data", l));
			json_array_extend(entries, s->manifest_meta);
			char *key = xstrfmt("/%s", s->name);
			json_object_set_new(art, "metadata", json_pack("{so}", key, entries));
			free(key);
		}
		json_object_set_new(art, "displayName", json_string(s->name));
		json_object_set_new(arts, s->name, art);
		free(tf);
		free(env);
	}
	return json_pack("{ss so}", "version", SM_ASSEMBLY_VERSION, "artifacts", arts);
}

static int write_json_file(const char *dir, const char *name, const json_t *v, enum sm_format fmt,
			   struct diag_list *dl)
{
	size_t len;
	char *data = fmt == SM_FORMAT_YAML ? jio_dump_yaml(v, &len) : jio_dump_json(v, &len);
	char *path = xstrfmt("%s/%s", dir, name);
	if (!data) {
		diag_add(dl, DIAG_ERROR, path, 0, 0, NULL, "the YAML emitter refused the template");
		free(path);
		return -1;
	}
	int ret = fs_write_file(path, data, len, dl);
	free(path);
	free(data);
	return ret;
}

/*
 * What `synth --out DIR` may replace (issue 19): nothing, an empty
 * directory, or a cloud assembly, recognised by its manifest.json: a JSON
 * object with a "version" string, as ours (SM_ASSEMBLY_VERSION) and the
 * CDK's (@aws-cdk/cloud-assembly-schema) both have. Anything else (a source
 * tree, a home directory, a file, a symbolic link) is refused, whole.
 */
#define SM_MANIFEST_MAX (64L << 20)

static bool is_assembly_dir(const char *dir)
{
	char *m = xstrfmt("%s/manifest.json", dir);
	struct stat st;
	bool ok = false;
	if (lstat(m, &st) == 0 && S_ISREG(st.st_mode) && st.st_size <= SM_MANIFEST_MAX) {
		struct diag_list ignore = DIAG_LIST_INIT;
		json_t *v = jio_load_file(m, &ignore);
		ok = json_is_object(v) && json_is_string(json_object_get(v, "version"));
		json_decref(v);
		diag_list_release(&ignore);
	}
	free(m);
	return ok;
}

/* The files synthesis writes; a killed run leaves some of them and nothing else. */
static bool is_our_file_name(const char *name)
{
	size_t n = strlen(name);
	return !strcmp(name, "manifest.json") || !strcmp(name, "cdk.out") ||
	       (n > 14 && (!strcmp(name + n - 14, ".template.json") ||
			   !strcmp(name + n - 14, ".template.yaml")));
}

/*
 * Count the entries of `dir` (-1 when it cannot be read) and list the first
 * few names in `names`; `ours` tells whether every entry is a regular file
 * synthesis writes.
 */
static long dir_entries(const char *dir, struct strbuf *names, bool *ours)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	long n = 0;
	if (ours)
		*ours = true;
	if (!d)
		return -1;
	while ((e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		if (names && n < 6)
			strbuf_addf(names, "%s'%s'", n ? ", " : "", e->d_name);
		if (ours && *ours) {
			char *p = xstrfmt("%s/%s", dir, e->d_name);
			struct stat st;
			*ours = is_our_file_name(e->d_name) && lstat(p, &st) == 0 &&
				S_ISREG(st.st_mode);
			free(p);
		}
		n++;
	}
	closedir(d);
	return n;
}

/* 0: `outdir` may be replaced (or created); -2 + diag: it holds something else; -1 + diag. */
static int check_outdir(const char *outdir, struct diag_list *dl)
{
	struct stat st;
	struct diag *d;
	if (lstat(outdir, &st) < 0) {
		if (errno == ENOENT || errno == ENOTDIR)
			return 0; /* created (or refused by mkdir, exit 1) later */
		diag_add(dl, DIAG_ERROR, outdir, 0, 0, NULL, "cannot look at it: %s",
			 strerror(errno));
		return -1;
	}
	if (S_ISLNK(st.st_mode)) {
		/*
		 * Refused rather than written through: the swap replaces a
		 * directory entry, and the one a link names lives elsewhere
		 * (another directory, file system or owner), where the
		 * temporary sibling would land unasked. --out TARGET says it.
		 */
		char target[4096];
		ssize_t n = readlink(outdir, target, sizeof(target) - 1);
		target[n > 0 ? n : 0] = '\0';
		d = diag_add(dl, DIAG_ERROR, outdir, 0, 0, NULL,
			     "is a symbolic link (to '%s'): synth replaces a directory, never a "
			     "link; nothing was written",
			     target);
		diag_set_hint(d, "pass --out %s to write there, or remove the link", target);
		return -2;
	}
	if (!S_ISDIR(st.st_mode)) {
		d = diag_add(dl, DIAG_ERROR, outdir, 0, 0, NULL,
			     "exists and is not a directory; nothing was written");
		diag_set_hint(d, "choose another --out (default cdk.out)");
		return -2;
	}
	struct strbuf names = STRBUF_INIT;
	long n = dir_entries(outdir, &names, NULL);
	int ret = 0;
	if (n < 0) {
		diag_add(dl, DIAG_ERROR, outdir, 0, 0, NULL, "cannot read the directory: %s",
			 strerror(errno));
		ret = -1;
	} else if (n > 0 && !is_assembly_dir(outdir)) {
		char *m = xstrfmt("%s/manifest.json", outdir);
		bool has_manifest = fs_exists(m);
		free(m);
		d = diag_add(dl, DIAG_ERROR, outdir, 0, 0, NULL,
			     "holds %ld entr%s (%s%s) and no cloud assembly (%s): synth replaces "
			     "the whole directory, so it refuses; nothing was written",
			     n, n == 1 ? "y" : "ies", names.buf, n > 6 ? ", ..." : "",
			     has_manifest ? "its manifest.json is not a cloud assembly manifest"
					  : "no manifest.json");
		diag_set_hint(d, "choose a new or empty directory (the default is cdk.out)");
		ret = -2;
	}
	strbuf_release(&names);
	return ret;
}

/*
 * Remove the DIR.tmp-XXXXXX siblings a killed run left: only those no
 * running synth holds (each run keeps an flock on its own until it is done;
 * the kernel drops it when the process dies, kill -9 included) and whose
 * content is ours to delete (an assembly, or only files synthesis writes).
 */
static void remove_leftovers(const char *outdir)
{
	size_t len = strlen(outdir);
	while (len > 1 && outdir[len - 1] == '/')
		len--;
	char *path = xstrndup(outdir, len);
	char *slash = strrchr(path, '/');
	const char *base = slash ? slash + 1 : path;
	char *parent =
		slash ? (slash == path ? xstrdup("/") : xstrndup(path, (size_t)(slash - path)))
		      : xstrdup(".");
	char *prefix = xstrfmt("%s.tmp-", base);
	size_t plen = strlen(prefix);
	DIR *d = opendir(parent);
	struct dirent *e;
	while (d && (e = readdir(d))) {
		if (strncmp(e->d_name, prefix, plen) || strlen(e->d_name) != plen + 6)
			continue;
		char *p = xstrfmt("%s/%s", parent, e->d_name);
		int fd = open(p, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (fd >= 0 && flock(fd, LOCK_EX | LOCK_NB) == 0) {
			bool ours;
			long n = dir_entries(p, NULL, &ours);
			if (n >= 0 && (ours || is_assembly_dir(p)))
				fs_remove_tree(p);
		}
		if (fd >= 0)
			close(fd);
		free(p);
	}
	if (d)
		closedir(d);
	free(prefix);
	free(parent);
	free(path);
}

int sm_app_synth(struct sm_app *app, const char *outdir, enum sm_format fmt, struct diag_list *dl)
{
	char *tmp = NULL;
	json_t *manifest = NULL;
	int ret = -1, lock = -1;

	if (!app->resolved && sm_app_resolve(app, dl) < 0)
		return -1;
	int r = check_outdir(outdir, dl);
	if (r < 0)
		return r;
	remove_leftovers(outdir);
	tmp = fs_make_sibling_tmpdir(outdir, dl);
	if (!tmp)
		return -1;
	/* held until the end: a concurrent run's remove_leftovers leaves this one alone */
	lock = open(tmp, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (lock >= 0)
		flock(lock, LOCK_EX);
	manifest = sm_app_manifest(app, fmt);
	for (size_t i = 0; i < app->stack_nr; i++) {
		const struct sm_stack *s = app->stacks[i];
		char *name = xstrfmt("%s.%s", s->name, template_ext(fmt));
		r = write_json_file(tmp, name, s->template, fmt, dl);
		free(name);
		if (r < 0)
			goto out;
	}
	if (write_json_file(tmp, "manifest.json", manifest, SM_FORMAT_JSON, dl) < 0)
		goto out;
	json_t *cdkout = json_pack("{ss}", "version", SM_ASSEMBLY_VERSION);
	r = write_json_file(tmp, "cdk.out", cdkout, SM_FORMAT_JSON, dl);
	json_decref(cdkout);
	if (r < 0)
		goto out;
	/* again, just before the swap: what was checked may have changed meanwhile */
	r = check_outdir(outdir, dl);
	if (r < 0) {
		ret = r;
		goto out;
	}
	if (fs_replace_dir(tmp, outdir, dl) < 0)
		goto out;
	ret = 0;
out:
	if (ret < 0)
		fs_remove_tree(tmp);
	if (lock >= 0)
		close(lock);
	free(tmp);
	json_decref(manifest);
	return ret;
}
