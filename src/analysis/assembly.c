#include "analysis/assembly.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "analysis/refs.h"
#include "base/arena.h"
#include "base/common.h"
#include "base/fsutil.h"
#include "base/json_io.h"
#include "base/region.h"
#include "base/strbuf.h"
#include "base/strmap.h"
#include "base/xalloc.h"

struct sm_assembly_index {
	json_t *exports; /* export name -> [template index, the output's Value] */
	/* the referrers of each target, in the order found: refs[first..first + nr); NULL: not
	 * indexed yet */
	struct target {
		size_t first, nr;
	} * targets;
	size_t targets_nr;
	/* each template's targets: logical ID (borrowed from the template) -> index into targets */
	struct strmap *by_id;
	size_t by_id_nr;
	struct sm_ref *refs;
	size_t nr, alloc;
};

static void index_free(struct sm_assembly_index *x)
{
	if (!x)
		return;
	json_decref(x->exports);
	free(x->targets);
	for (size_t i = 0; x->by_id && i < x->by_id_nr; i++)
		strmap_release(&x->by_id[i]);
	free(x->by_id);
	for (size_t i = 0; i < x->nr; i++)
		free((char *)x->refs[i].path);
	free(x->refs);
	free(x);
}

void sm_assembly_init(struct sm_assembly *a)
{
	memset(a, 0, sizeof(*a));
}

void sm_assembly_release(struct sm_assembly *a)
{
	for (size_t i = 0; i < a->nr; i++) {
		struct sm_template *t = &a->items[i];
		free(t->file);
		free(t->stack_name);
		free(t->account);
		free(t->region);
		free(t->source);
		if (!arena_active()) { /* else a walk over every value that frees nothing */
			json_decref(t->tmpl);
			json_decref(t->lookups);
		}
		for (size_t j = 0; j < t->depends_nr; j++)
			free(t->depends[j]);
		free(t->depends);
		jio_posmap_free(t->pos);
	}
	free(a->items);
	free(a->dir);
	index_free(a->index);
	sm_assembly_init(a);
}

struct sm_template *sm_assembly_add(struct sm_assembly *a, const char *file, const char *stack_name,
				    const char *region, json_t *tmpl)
{
	index_free(a->index); /* it points into the items, which may move */
	a->index = NULL;
	ALLOC_GROW(a->items, a->nr + 1, a->alloc);
	struct sm_template *t = &a->items[a->nr++];
	memset(t, 0, sizeof(*t));
	t->file = xstrdup(file);
	t->stack_name = xstrdup(stack_name);
	t->region = region ? xstrdup(region) : NULL;
	t->tmpl = tmpl;
	return t;
}

/* "aws://ACCOUNT/REGION" -> account, region (NULL for unknown-*). */
static void parse_environment(const char *env, char **account, char **region)
{
	*account = *region = NULL;
	if (!env || strncmp(env, "aws://", 6))
		return;
	const char *acc = env + 6, *slash = strchr(acc, '/');
	if (!slash)
		return;
	if (strncmp(acc, "unknown-account", 15))
		*account = xstrndup(acc, (size_t)(slash - acc));
	if (strcmp(slash + 1, "unknown-region"))
		*region = xstrdup(slash + 1);
}

/*
 * A template is read only when it is a regular file of at most
 * SM_TEMPLATE_MAX_BYTES: not a device (/dev/zero never ends), a FIFO (that
 * blocks) or a directory (issue 19).
 */
static int check_template_file(const char *path, struct diag_list *dl)
{
	struct stat st;
	struct diag *d;
	if (stat(path, &st) < 0) {
		diag_add(dl, DIAG_ERROR, path, 0, 0, NULL, "cannot open: %s", strerror(errno));
		return -1;
	}
	if (!S_ISREG(st.st_mode)) {
		d = diag_add(dl, DIAG_ERROR, path, 0, 0, NULL,
			     "is not a regular file (a template must be one)");
		diag_set_hint(d, "name a template file (JSON or YAML)");
		return -1;
	}
	if (st.st_size > SM_TEMPLATE_MAX_BYTES) {
		diag_add(dl, DIAG_ERROR, path, 0, 0, NULL,
			 "is %lld bytes, above the %lld this tool reads (CloudFormation itself "
			 "takes at most 1 MB from S3)",
			 (long long)st.st_size, (long long)SM_TEMPLATE_MAX_BYTES);
		return -1;
	}
	return 0;
}

/*
 * A manifest's templateFile stays inside the assembly directory (issue 19):
 * relative, no "..", and, symbolic links followed, still under `dir`.
 * The path (malloc'd) or NULL + diag.
 */
static char *confined_template_path(const char *dir, const char *mpath, const char *stack,
				    const char *tf, struct diag_list *dl)
{
	bool bad = !*tf || tf[0] == '/';
	for (const char *p = tf; !bad && *p; p += strcspn(p, "/"), p += *p == '/')
		bad = !strncmp(p, "..", 2) && (p[2] == '/' || !p[2]);
	char *path = bad ? NULL : xstrfmt("%s/%s", dir, tf);
	if (path) {
		char rdir[PATH_MAX], rfile[PATH_MAX];
		size_t n = realpath(dir, rdir) ? strlen(rdir) : 0;
		if (n && realpath(path, rfile) &&
		    (strncmp(rfile, rdir, n) || (rfile[n] != '/' && strcmp(rdir, "/"))))
			bad = true;
	}
	if (bad) {
		struct diag *d = diag_add(dl, DIAG_ERROR, mpath, 0, 0, NULL,
					  "stack '%s': templateFile '%s' is outside the assembly "
					  "directory",
					  stack, tf);
		diag_set_hint(d, "a templateFile names a file inside %s, such as %s.template.json",
			      dir, stack);
		free(path);
		return NULL;
	}
	return path;
}

/* A template file into the assembly: an enum sm_load_status, *out the template on success. */
static int load_template_file(struct sm_assembly *a, const char *path, const char *stack_name,
			      struct diag_list *dl, struct sm_template **out)
{
	size_t len;
	*out = NULL;
	if (check_template_file(path, dl) < 0)
		return SM_LOAD_UNREADABLE;
	char *text = fs_read_file(path, &len, dl);
	if (!text)
		return SM_LOAD_UNREADABLE;
	json_t *v = jio_load_auto(path, text, len, dl);
	if (v && !json_is_object(v)) {
		diag_add(dl, DIAG_ERROR, path, 1, 1, NULL,
			 "a CloudFormation template must be an object");
		json_decref(v);
		v = NULL;
	} else if (v && !json_is_object(json_object_get(v, "Resources"))) {
		/*
		 * Resources is the one required section ("Resources: Required",
		 * https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/template-anatomy.html):
		 * without it the analyses would answer "nothing found", exit 0, about a
		 * file that is not a template at all (a package.json, a config).
		 */
		int line = 1, col = 1;
		struct jio_posmap *pm = jio_posmap_build(text, len);
		jio_posmap_lookup(pm, "Resources", &line, &col);
		jio_posmap_free(pm);
		struct diag *d = diag_add(dl, DIAG_ERROR, path, line, col, "Resources",
					  "a template needs a Resources object");
		diag_set_hint(
			d,
			json_object_get(v, "Resources")
				? "Resources maps logical IDs to {\"Type\": ..., \"Properties\": "
				  "...}"
				: "is this a CloudFormation template? it has no Resources section");
		json_decref(v);
		v = NULL;
	}
	if (!v) {
		free(text);
		a->invalid_nr++;
		return SM_LOAD_INVALID;
	}
	struct sm_template *t = sm_assembly_add(a, path, stack_name, NULL, v);
	t->source = text;
	t->source_len = len;
	*out = t;
	return SM_LOAD_OK;
}

/* The "solemate:lookup" entries of an artifact's metadata (synth writes them), or NULL. */
static json_t *manifest_lookups(const json_t *art, const char *stack)
{
	char *key = xstrfmt("/%s", stack);
	const json_t *entries = json_object_get(json_object_get(art, "metadata"), key);
	free(key);
	json_t *out = NULL;
	size_t i;
	const json_t *e;
	json_array_foreach (entries, i, e) {
		const json_t *d = json_object_get(e, "data");
		if (!json_is_string(json_object_get(d, "parameter")) ||
		    strcmp(json_string_value(json_object_get(e, "type")) ?: "", "solemate:lookup"))
			continue;
		if (!out)
			out = json_array();
		json_array_append(out, (json_t *)d);
	}
	return out;
}

int sm_assembly_load_dir(struct sm_assembly *a, const char *dir, struct diag_list *dl)
{
	char *mpath = xstrfmt("%s/manifest.json", dir);
	json_t *m = jio_load_file(mpath, dl);
	int ret = SM_LOAD_UNREADABLE, invalid = 0;
	const char *id;
	json_t *art;

	if (!m)
		goto out;
	json_t *arts = json_object_get(m, "artifacts");
	if (!json_is_object(arts)) {
		diag_add(dl, DIAG_ERROR, mpath, 0, 0, "artifacts",
			 "manifest has no 'artifacts' object");
		goto out;
	}
	if (!a->dir)
		a->dir = xstrdup(dir);
	json_object_foreach (arts, id, art) {
		const char *type = json_string_value(json_object_get(art, "type"));
		if (!type || strcmp(type, "aws:cloudformation:stack"))
			continue;
		json_t *props = json_object_get(art, "properties");
		const char *tf = json_string_value(json_object_get(props, "templateFile"));
		if (!tf) {
			diag_add(dl, DIAG_ERROR, mpath, 0, 0, NULL,
				 "stack '%s' has no templateFile", id);
			goto out;
		}
		char *tpath = confined_template_path(dir, mpath, id, tf, dl);
		struct sm_template *t = NULL;
		int st = tpath ? load_template_file(a, tpath, id, dl, &t) : SM_LOAD_UNREADABLE;
		free(tpath);
		if (st == SM_LOAD_INVALID) { /* the others are still read */
			invalid = 1;
			continue;
		}
		if (!t)
			goto out;
		parse_environment(json_string_value(json_object_get(art, "environment")),
				  &t->account, &t->region);
		if (t->region && !region_name_valid(t->region)) {
			struct diag *d =
				diag_add(dl, DIAG_ERROR, mpath, 0, 0, NULL,
					 "stack '%s': '%s' in its environment is not an AWS "
					 "region name",
					 id, t->region);
			diag_set_hint(d, "aws://ACCOUNT/REGION, the region like us-east-1");
			goto out;
		}
		t->protected_stack = json_is_true(json_object_get(props, "terminationProtection"));
		t->protection_known = true;
		t->lookups = manifest_lookups(art, id);
		json_t *deps = json_object_get(art, "dependencies");
		size_t i;
		json_t *d;
		json_array_foreach (deps, i, d) {
			if (!json_is_string(d))
				continue;
			t->depends = xrealloc(t->depends, sizeof(char *) * (t->depends_nr + 1));
			t->depends[t->depends_nr++] = xstrdup(json_string_value(d));
		}
	}
	ret = invalid ? SM_LOAD_INVALID : SM_LOAD_OK;
out:
	json_decref(m);
	free(mpath);
	return ret;
}

int sm_assembly_load_path(struct sm_assembly *a, const char *path, struct diag_list *dl)
{
	if (fs_is_dir(path))
		return sm_assembly_load_dir(a, path, dl);
	const char *base = strrchr(path, '/');
	base = base ? base + 1 : path;
	/* "Stack.template.json" -> "Stack" */
	size_t n = strcspn(base, ".");
	char *name = xstrndup(base, n ? n : strlen(base));
	struct sm_template *t;
	int st = load_template_file(a, path, name, dl, &t);
	free(name);
	return st;
}

struct sm_template *sm_assembly_find(const struct sm_assembly *a, const char *stack_name)
{
	for (size_t i = 0; i < a->nr; i++)
		if (!strcmp(a->items[i].stack_name, stack_name))
			return &a->items[i];
	return NULL;
}

bool sm_template_position(struct sm_template *t, const char *path, int *line, int *col)
{
	if (!t->source)
		return false;
	if (!t->pos)
		t->pos = jio_posmap_build(t->source, t->source_len);
	if (jio_posmap_lookup(t->pos, path, line, col))
		return true;
	/* YAML's short forms (`Properties: !If [...]`) hold the function's
	 * arguments where the long form has ".Fn::If": look for them there */
	if (!strstr(path, ".Fn::"))
		return false;
	struct strbuf sb = STRBUF_INIT;
	for (const char *p = path; *p;) {
		const char *seg = strstr(p, ".Fn::");
		if (!seg) {
			strbuf_addstr(&sb, p);
			break;
		}
		strbuf_add(&sb, p, (size_t)(seg - p));
		const char *end = seg + 5 + strcspn(seg + 5, ".[");
		p = end;
	}
	bool found = jio_posmap_lookup(t->pos, sb.buf, line, col);
	strbuf_release(&sb);
	return found;
}

/* ---- the index: exports, and who refers to what ---- */

static void index_exports(struct sm_assembly *a, struct sm_assembly_index *x)
{
	for (size_t i = 0; i < a->nr; i++) {
		const char *k;
		json_t *o;
		json_object_foreach (json_object_get(a->items[i].tmpl, "Outputs"), k, o) {
			const char *name = json_string_value(
				json_object_get(json_object_get(o, "Export"), "Name"));
			json_t *v = json_object_get(o, "Value");
			if (name && v && !json_object_get(x->exports, name))
				json_object_set_new(x->exports, name,
						    json_pack("[IO]", (json_int_t)i, v));
		}
	}
}

struct pending {
	size_t ti;	    /* the target's template index */
	const char *target; /* borrowed from the template */
	struct sm_ref ref;
};

struct walk {
	struct sm_assembly *a;
	struct sm_template *t;
	const char *id, *type;
	const char **seg; /* the keys down to the value, LIST_SEG for an array's element */
	size_t nseg, segalloc;
	struct pending *p;
	size_t nr, alloc;
};

static const char LIST_SEG[] = "[]";

/* "A.B[].C": the path jget() and the rules use, without the trailing "[]"s. */
static char *walk_path(const struct walk *w)
{
	size_t n = w->nseg;
	while (n && w->seg[n - 1] == LIST_SEG)
		n--; /* jget() stops at a list, and the rules search it */
	struct strbuf sb = STRBUF_INIT;
	for (size_t i = 0; i < n; i++) {
		if (w->seg[i] != LIST_SEG && sb.len)
			strbuf_addch(&sb, '.');
		strbuf_addstr(&sb, w->seg[i]);
	}
	return strbuf_detach(&sb, NULL);
}

static void walk_props(struct walk *w, const json_t *v)
{
	if (json_is_object(v)) {
		struct sm_rref to = sm_resolve(w->a, w->t, v);
		struct sm_template *where = to.t;
		const char *target = to.id;
		if (target) {
			ALLOC_GROW(w->p, w->nr + 1, w->alloc);
			struct pending *p = &w->p[w->nr];
			p->ti = (size_t)(where - w->a->items);
			p->target = target;
			w->nr++;
			p->ref = (struct sm_ref){w->t, w->id, w->type, walk_path(w)};
			return;
		}
		const char *k;
		json_t *x;
		json_object_foreach ((json_t *)v, k, x) {
			if (!json_is_object(x) && !json_is_array(x))
				continue; /* a scalar refers to nothing */
			ALLOC_GROW(w->seg, w->nseg + 1, w->segalloc);
			w->seg[w->nseg++] = k;
			walk_props(w, x);
			w->nseg--;
		}
	} else if (json_is_array(v)) {
		size_t i;
		json_t *x;
		ALLOC_GROW(w->seg, w->nseg + 1, w->segalloc);
		w->seg[w->nseg++] = LIST_SEG;
		json_array_foreach (v, i, x)
			walk_props(w, x);
		w->nseg--;
	}
}

/* The exports alone (resolving an import needs no more): linear in the outputs. */
static struct sm_assembly_index *exports_of(struct sm_assembly *a)
{
	if (a->index)
		return a->index;
	struct sm_assembly_index *x = xcalloc(1, sizeof(*x));
	x->exports = json_object();
	a->index = x;
	index_exports(a, x);
	return x;
}

/* The referrers too: a walk of every property of every resource, once. */
static struct sm_assembly_index *index_of(struct sm_assembly *a)
{
	struct sm_assembly_index *x = exports_of(a);
	if (x->targets)
		return x;
	struct walk w = {.a = a};
	struct sm_resource_iter it;
	sm_foreach_resource (a, &it) {
		w.t = it.t;
		w.id = it.id;
		w.type = it.type;
		walk_props(&w, it.props);
	}
	/* group by target, keeping the order found (templates, then resources): a map per
	 * template from the target's ID to its group, then the groups laid out in turn (a
	 * sort of the references by ID was 0.4M instructions of check --env all) */
	x->by_id = xcalloc(a->nr + 1, sizeof(*x->by_id));
	x->by_id_nr = a->nr;
	x->targets = xcalloc(w.nr ? w.nr : 1, sizeof(*x->targets));
	size_t *group = xcalloc(w.nr ? w.nr : 1, sizeof(*group));
	for (size_t i = 0; i < w.nr; i++) {
		const char *id = w.p[i].target;
		if (strmap_add(&x->by_id[w.p[i].ti], id, strlen(id), x->targets_nr, &group[i]))
			group[i] = x->targets_nr++;
		x->targets[group[i]].nr++;
	}
	for (size_t g = 0, first = 0; g < x->targets_nr; g++) {
		x->targets[g].first = first;
		first += x->targets[g].nr;
		x->targets[g].nr = 0;
	}
	x->refs = xcalloc(w.nr ? w.nr : 1, sizeof(*x->refs));
	x->nr = x->alloc = w.nr;
	for (size_t i = 0; i < w.nr; i++) {
		struct target *g = &x->targets[group[i]];
		x->refs[g->first + g->nr++] = w.p[i].ref;
	}
	free(group);
	free(w.p);
	free(w.seg);
	return x;
}

const struct sm_ref *sm_assembly_referrers(struct sm_assembly *a, const struct sm_template *t,
					   const char *id, size_t *nr)
{
	struct sm_assembly_index *x = index_of(a);
	size_t ti = (size_t)(t - a->items), g;
	if (ti < x->by_id_nr && strmap_get(&x->by_id[ti], id, strlen(id), &g)) {
		*nr = x->targets[g].nr;
		return &x->refs[x->targets[g].first];
	}
	*nr = 0;
	return NULL;
}

const json_t *sm_assembly_export(struct sm_assembly *a, const char *name, struct sm_template **t)
{
	const json_t *e = json_object_get(exports_of(a)->exports, name);
	if (!e)
		return NULL;
	*t = &a->items[json_integer_value(json_array_get(e, 0))];
	return json_array_get(e, 1);
}
