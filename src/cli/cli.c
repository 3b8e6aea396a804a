/* What every subcommand shares: colour, diagnostics, where inputs come from. */
#include "cli/cli.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "analysis/check.h"
#include "base/common.h"
#include "base/fsutil.h"
#include "base/strbuf.h"
#include "base/suggest.h"
#include "base/xalloc.h"
#include "lib/environments.h"
#include "lib/solemate_stack.h"

bool cli_color(FILE *f)
{
	const char *nc = getenv("NO_COLOR");
	if (nc && *nc)
		return false;
	return isatty(fileno(f));
}

void cli_print_diags(const struct diag_list *dl)
{
	diag_print_all(stderr, dl, cli_color(stderr));
}

int cli_usage_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "solemate %s: ", cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nsee 'solemate %s --help'\n", cmd);
	return SM_EXIT_USAGE;
}

int cli_opt_env(const struct cli_option *opt, const char *v)
{
	struct cli_inputs *in = opt->value;

	if (in->env_nr >= (int)(sizeof(in->envs) / sizeof(in->envs[0])))
		return cli_option_error(opt, "given more than %zu times",
					sizeof(in->envs) / sizeof(in->envs[0]));
	/* a name, not a path: "../config/staging" read staging's file under
	 * another name (issue 19: names map one-to-one) */
	if (!*v || *v == '.' || strchr(v, '/'))
		return cli_option_error(opt,
					"environment name '%s' is not a name (the files in "
					"config/ give the names; --config FILE for a path)",
					v);
	in->envs[in->env_nr++] = v;
	return 0;
}

void cli_inputs_set_paths(struct cli_inputs *in, char **argv, int n)
{
	in->paths = (const char **)(argv + 1);
	in->path_nr = n;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * Where the configurations are when --config-dir does not say: the first
 * directory holding config/ from here up to / (as git finds .git, so that
 * any subdirectory of the project works), else the example configurations
 * installed with the data files. Computed once.
 */
static const char *default_config_dir(void)
{
	static char *dir;

	if (dir)
		return dir;
	const char *env = getenv("SOLEMATE_CONFIG_DIR");
	if (env && *env)
		return dir = xstrdup(env);
	if (fs_is_dir("config"))
		return dir = xstrdup("config");
	char *cwd = getcwd(NULL, 0);
	for (char *slash; cwd && (slash = strrchr(cwd, '/'));) {
		*slash = '\0';
		char *c = xstrfmt("%s/config", *cwd ? cwd : "");
		if (fs_is_dir(c)) {
			free(cwd);
			return dir = c;
		}
		free(c);
	}
	free(cwd);
	char *installed = fs_data_path("config");
	if (fs_is_dir(installed))
		return dir = installed;
	free(installed);
	return dir = xstrdup("config");
}

const char *cli_config_dir(const struct cli_inputs *in)
{
	return in->config_dir ? in->config_dir : default_config_dir();
}

static const char *const config_exts[] = {".json", ".yaml", ".yml"};

/* The length of a configuration file's extension, or 0 when it is none of ours. */
static size_t config_ext_len(const char *file)
{
	size_t len = strlen(file);

	for (size_t i = 0; i < sizeof(config_exts) / sizeof(config_exts[0]); i++) {
		size_t e = strlen(config_exts[i]);
		if (len > e && !strcmp(file + len - e, config_exts[i]))
			return e;
	}
	return 0;
}

char *cli_env_config_path(const struct cli_inputs *in, const char *name)
{
	for (size_t i = 0; i < sizeof(config_exts) / sizeof(config_exts[0]); i++) {
		char *p = xstrfmt("%s/%s%s", cli_config_dir(in), name, config_exts[i]);
		if (fs_exists(p))
			return p;
		free(p);
	}
	return xstrfmt("%s/%s.json", cli_config_dir(in), name);
}

static size_t list_env_names(const char *dir, char ***out);

/*
 * The configurations of one directory are one set: a unit read from the
 * configuration directory must be compatible with every other unit there
 * (solemate_units_compatible: environment names, baselines, VPC ranges).
 * A sibling that does not load is its own command's problem, not this one's.
 */
/*
 * The units one build loads, by path: each configuration is read once,
 * whether as a unit of the build or as another's sibling (--env all would
 * load every file three times: 0.5M instructions each time the set is seen).
 * An entry is a load with no --set, its diagnostics kept apart.
 */
struct unit_cache {
	struct cached_unit {
		char *path;
		int ret;
		size_t diag_nr; /* what the load said: reused as a unit only if nothing */
		struct solemate_unit u;
	} * *v;
	size_t nr, alloc;
};

/* The unit at `path` loaded without sets, quietly: from `cache` when it has it. */
static struct cached_unit *unit_cached(struct unit_cache *cache, const char *path)
{
	for (size_t i = 0; cache && i < cache->nr; i++)
		if (!strcmp(cache->v[i]->path, path))
			return cache->v[i];
	struct cached_unit *e = xcalloc(1, sizeof(*e));
	struct diag_list quiet = DIAG_LIST_INIT;
	e->path = xstrdup(path);
	e->ret = solemate_unit_load(path, NULL, 0, &e->u, &quiet);
	e->diag_nr = quiet.nr;
	diag_list_release(&quiet);
	if (!cache)
		return e;
	ALLOC_GROW(cache->v, cache->nr + 1, cache->alloc);
	cache->v[cache->nr++] = e;
	return e;
}

static void cached_unit_free(struct cached_unit *e)
{
	if (e->ret == 0)
		solemate_unit_release(&e->u);
	free(e->path);
	free(e);
}

static void unit_cache_release(struct unit_cache *cache)
{
	for (size_t i = 0; i < cache->nr; i++)
		cached_unit_free(cache->v[i]);
	free(cache->v);
}

static int check_siblings(const struct cli_inputs *in, const char *path,
			  const struct solemate_unit *u, struct unit_cache *cache,
			  struct diag_list *dl)
{
	const char *dir = cli_config_dir(in);
	size_t dir_len = strlen(dir);
	char **names;
	int ret = 0;

	if (strncmp(path, dir, dir_len) || path[dir_len] != '/' || strchr(path + dir_len + 1, '/'))
		return 0; /* --config FILE from elsewhere: a set of its own */
	size_t nr = list_env_names(dir, &names);
	for (size_t i = 0; i < nr; i++) {
		char *other = cli_env_config_path(in, names[i]);
		if (ret == 0 && strcmp(other, path)) {
			struct cached_unit *o = unit_cached(cache, other);
			if (o->ret == 0)
				ret = solemate_units_compatible(u, &o->u, dl);
			if (!cache)
				cached_unit_free(o);
		}
		free(other);
		free(names[i]);
	}
	free(names);
	return ret;
}

/*
 * cli_config_load, reading each file once per `cache`: *u points into the
 * cache (a load without --set that said nothing is the unit itself), or to
 * `own`, which the caller releases.
 */
static int config_load_cached(const struct cli_inputs *in, const char *path,
			      struct unit_cache *cache, struct solemate_unit *own,
			      const struct solemate_unit **u, struct diag_list *dl)
{
	*u = own;
	if (cache && !in->set_nr) {
		struct cached_unit *e = unit_cached(cache, path);
		if (e->ret == 0 && !e->diag_nr) {
			*u = &e->u;
			return check_siblings(in, path, *u, cache, dl);
		}
	}
	if (solemate_unit_load(path, in->sets, (size_t)in->set_nr, own, dl) < 0)
		return -1;
	if (check_siblings(in, path, own, cache, dl) < 0) {
		solemate_unit_release(own);
		return -1;
	}
	return 0;
}

int cli_config_load(const struct cli_inputs *in, const char *path, struct solemate_unit *u,
		    struct diag_list *dl)
{
	const struct solemate_unit *got;
	return config_load_cached(in, path, NULL, u, &got, dl);
}

/* The environment names config_dir holds (malloc'd, sorted); the count. */
static size_t list_env_names(const char *dir, char ***out)
{
	char **names = NULL;
	size_t nr = 0, alloc = 0;
	DIR *d = opendir(dir);

	*out = NULL;
	if (!d)
		return 0;
	struct dirent *e;
	while ((e = readdir(d))) {
		size_t len = strlen(e->d_name), ext = config_ext_len(e->d_name);
		/* schema.json, baseline.schema.json: editors' schemas, not units */
		if (!ext || len <= ext || !strncmp(e->d_name, "schema.", 7) ||
		    (len - ext >= 7 && !strncmp(e->d_name + len - ext - 7, ".schema", 7)))
			continue;
		char *name = xstrndup(e->d_name, len - ext);
		bool dup = false; /* NAME.json and NAME.yaml: one environment */
		for (size_t k = 0; k < nr && !dup; k++)
			dup = !strcmp(names[k], name);
		if (dup) {
			free(name);
			continue;
		}
		ALLOC_GROW(names, nr + 1, alloc);
		names[nr++] = name;
	}
	closedir(d);
	if (nr)
		qsort(names, nr, sizeof(char *), cmp_str);
	*out = names;
	return nr;
}

void cli_hint_unknown_env(struct diag *d, const struct cli_inputs *in, const char *name)
{
	char **names;
	size_t nr = list_env_names(cli_config_dir(in), &names);
	const char *best = suggest_closest(name, (const char *const *)names, nr);

	if (best)
		diag_set_hint(d, "did you mean '%s'? (the environments are the files in %s/)", best,
			      cli_config_dir(in));
	else
		diag_set_hint(d, "the environments are the files in %s/; or use --config FILE",
			      cli_config_dir(in));
	for (size_t i = 0; i < nr; i++)
		free(names[i]);
	free(names);
}

int cli_expand_envs(const struct cli_inputs *in, char ***out, struct diag_list *dl)
{
	char **names = NULL;
	size_t nr = 0, alloc = 0;

	for (int i = 0; i < in->env_nr; i++) {
		if (strcmp(in->envs[i], "all")) {
			ALLOC_GROW(names, nr + 1, alloc);
			names[nr++] = xstrdup(in->envs[i]);
			continue;
		}
		char **found;
		size_t found_nr = list_env_names(cli_config_dir(in), &found);
		if (!found_nr && !fs_is_dir(cli_config_dir(in))) {
			struct diag *d = diag_add(dl, DIAG_ERROR, cli_config_dir(in), 0, 0, NULL,
						  "cannot read the configuration directory: %s",
						  strerror(ENOENT));
			diag_set_hint(d,
				      "run from the project (a directory with config/ at or above "
				      "it), or set --config-dir or SOLEMATE_CONFIG_DIR");
			continue;
		}
		for (size_t k = 0; k < found_nr; k++) {
			ALLOC_GROW(names, nr + 1, alloc);
			names[nr++] = found[k];
		}
		free(found);
	}
	*out = names;
	return (int)nr;
}

/* The environment's acceptances against the check rules (solemate_accept_findings). */
static int accept_findings(struct sm_app *app, size_t first_stack, const struct env_config *cfg,
			   struct diag_list *dl)
{
	const struct sm_rule_meta *const *all = check_rules();
	size_t nr = 0;
	if (!cfg->acceptance_nr)
		return 0;
	while (all[nr])
		nr++;
	struct solemate_rule_ref *refs = xcalloc(nr ? nr : 1, sizeof(*refs));
	for (size_t i = 0; i < nr; i++)
		refs[i] = (struct solemate_rule_ref){all[i]->id, all[i]->nag_ids};
	int ret = solemate_accept_findings(app, first_stack, cfg, refs, nr, dl);
	free(refs);
	return ret;
}

struct sm_app *cli_build_app(const struct cli_inputs *in, struct diag_list *dl)
{
	struct sm_app *app = sm_app_new();
	/* findings the code accepts by our rule IDs, for cdk-nag too */
	sm_app_set_rule_catalog(app, check_rule_nag_ids);
	char **envs = NULL;
	int n = cli_expand_envs(in, &envs, dl);
	int failed = 0;
	struct unit_cache cache = {0};

	for (int i = 0; i < n + in->config_nr; i++) {
		char *path =
			i < n ? cli_env_config_path(in, envs[i]) : xstrdup(in->config_files[i - n]);
		struct solemate_unit own;
		const struct solemate_unit *u;
		if (i < n && !fs_exists(path)) {
			struct diag *d = diag_add(dl, DIAG_ERROR, path, 0, 0, NULL,
						  "no configuration for environment '%s'", envs[i]);
			cli_hint_unknown_env(d, in, envs[i]);
			failed = 1;
		} else if (config_load_cached(in, path, &cache, &own, &u, dl) < 0) {
			failed = 1;
		} else {
			size_t first_stack = sm_app_stack_count(app);
			if (solemate_add_unit(app, u, dl) < 0 ||
			    (u->kind == CONFIG_ENVIRONMENT &&
			     accept_findings(app, first_stack, &u->env, dl) < 0))
				failed = 1;
			if (u == &own)
				solemate_unit_release(&own);
		}
		free(path);
	}
	unit_cache_release(&cache);
	for (int i = 0; i < n; i++)
		free(envs[i]);
	free(envs);
	if (!failed && sm_app_resolve(app, dl) < 0)
		failed = 1;
	if (failed || diag_count(dl, DIAG_ERROR)) {
		sm_app_free(app);
		return NULL;
	}
	return app;
}

size_t cli_split_units(const struct cli_inputs *in, struct cli_unit **out, struct diag_list *dl)
{
	struct cli_unit *units = NULL;
	size_t nr = 0, alloc = 0;
	char **envs = NULL;
	int n = cli_expand_envs(in, &envs, dl);
	for (int i = 0; i < n + in->config_nr; i++) {
		ALLOC_GROW(units, nr + 1, alloc);
		struct cli_unit *u = &units[nr++];
		memset(u, 0, sizeof(*u));
		u->in.config_dir = in->config_dir;
		memcpy(u->in.sets, in->sets, sizeof(in->sets));
		u->in.set_nr = in->set_nr;
		if (i < n) {
			u->name = envs[i]; /* the unit owns it now */
			u->in.envs[0] = u->name;
			u->in.env_nr = 1;
			u->config_path = cli_env_config_path(in, envs[i]);
		} else {
			const char *file = in->config_files[i - n];
			const char *base = strrchr(file, '/') ? strrchr(file, '/') + 1 : file;
			u->name = xstrndup(base, strcspn(base, "."));
			u->in.config_files[0] = file;
			u->in.config_nr = 1;
			u->config_path = xstrdup(file);
		}
	}
	free(envs);
	if (in->path_nr) {
		ALLOC_GROW(units, nr + 1, alloc);
		struct cli_unit *u = &units[nr++];
		memset(u, 0, sizeof(*u));
		u->in = *in;
		u->in.env_nr = u->in.config_nr = 0;
		u->name = xstrdup("templates");
	}
	*out = units;
	return nr;
}

void cli_units_free(struct cli_unit *units, size_t nr)
{
	for (size_t i = 0; i < nr; i++) {
		free(units[i].name);
		free(units[i].config_path);
	}
	free(units);
}

int cli_unit_load(const struct cli_unit *u, struct env_config *cfg, bool *have_cfg,
		  struct sm_assembly *a, struct diag_list *dl)
{
	*have_cfg = false;
	if (u->config_path) {
		struct solemate_unit unit;
		if (cli_config_load(&u->in, u->config_path, &unit, dl) < 0)
			return -1;
		/* the account baseline has no environment's usage or budget: templates only */
		if (unit.kind == CONFIG_ENVIRONMENT) {
			*cfg = unit.env;
			memset(&unit.env, 0, sizeof(unit.env));
			*have_cfg = true;
		}
		solemate_unit_release(&unit);
	}
	return cli_inputs_load(&u->in, a, dl);
}

void cli_assembly_from_app(struct sm_assembly *a, const struct sm_app *app)
{
	for (size_t i = 0; i < sm_app_stack_count(app); i++) {
		const struct sm_stack *s = sm_app_stack_at(app, i);
		char *file = xstrfmt("%s.template.json", sm_stack_name(s));
		/* shared, not copied: the analyses only read templates, and the
		 * reference keeps the tree alive after sm_app_free() */
		struct sm_template *t =
			sm_assembly_add(a, file, sm_stack_name(s), sm_stack_region(s),
					json_incref((json_t *)sm_stack_template(s)));
		if (sm_stack_account(s))
			t->account = xstrdup(sm_stack_account(s));
		t->protected_stack = sm_stack_termination_protection(s);
		t->protection_known = true;
		if (json_array_size(sm_stack_lookups(s)))
			t->lookups = json_incref((json_t *)sm_stack_lookups(s));
		t->depends_nr = sm_stack_dependency_count(s);
		t->depends = xcalloc(t->depends_nr ? t->depends_nr : 1, sizeof(char *));
		for (size_t j = 0; j < t->depends_nr; j++)
			t->depends[j] = xstrdup(sm_stack_name(sm_stack_dependency_at(s, j)));
		free(file);
	}
}

int cli_inputs_load(const struct cli_inputs *in, struct sm_assembly *a, struct diag_list *dl)
{
	int ret = 0;

	if (!in->env_nr && !in->config_nr && !in->path_nr) {
		if (fs_is_dir("cdk.out") && fs_exists("cdk.out/manifest.json"))
			return sm_assembly_load_dir(a, "cdk.out", dl);
		struct cli_inputs all = *in;
		all.envs[0] = "all";
		all.env_nr = 1;
		return cli_inputs_load(&all, a, dl);
	}
	for (int i = 0; i < in->path_nr; i++) {
		int st = sm_assembly_load_path(a, in->paths[i], dl);
		if (st == SM_LOAD_UNREADABLE || (st < 0 && ret == 0))
			ret = st;
	}
	if (in->env_nr || in->config_nr) {
		struct sm_app *app = cli_build_app(in, dl);
		if (!app)
			return SM_LOAD_UNREADABLE;
		cli_assembly_from_app(a, app);
		sm_app_free(app);
	}
	return ret;
}

char *cli_command_line(int argc, char **argv, const char *drop)
{
	struct strbuf sb = STRBUF_INIT;
	strbuf_addstr(&sb, "solemate");
	for (int i = 0; i < argc; i++) {
		const char *a = argv[i];
		if (drop && !strcmp(a, drop)) {
			i++; /* and its value */
			continue;
		}
		if (drop && !strncmp(a, drop, strlen(drop)) && a[strlen(drop)] == '=')
			continue; /* --stack=NAME */
		strbuf_addch(&sb, ' ');
		bool plain = *a != '\0';
		for (const char *p = a; *p; p++)
			if (!isalnum((unsigned char)*p) && !strchr("-_./:=,@%+", *p))
				plain = false;
		if (plain) {
			strbuf_addstr(&sb, a);
			continue;
		}
		/* POSIX sh: inside '...' nothing is special but ' itself */
		strbuf_addch(&sb, '\'');
		for (const char *p = a; *p; p++) {
			if (*p == '\'')
				strbuf_addstr(&sb, "'\\''");
			else
				strbuf_addch(&sb, *p);
		}
		strbuf_addch(&sb, '\'');
	}
	return strbuf_detach(&sb, NULL);
}

int cli_finish_stdout(int code)
{
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "solemate: cannot write the output: %s\n", strerror(errno));
		return code ? code : SM_EXIT_FINDINGS;
	}
	return code;
}
