/*
 * The command layer (git's builtin/): one file per subcommand, each defining
 * `int cmd_<name>(int argc, char **argv)` (argv[0] is the command name) and
 * listed once in the table of main.c. Only this layer prints and exits.
 *
 * Exit codes (documented in README and `solemate --help`).
 */
#ifndef SM_CLI_H
#define SM_CLI_H

#include <stdbool.h>
#include <stdio.h>

#include "analysis/assembly.h"
#include "base/diag.h"
#include "cli/parse_options.h"
#include "engine/engine.h"

enum sm_exit {
	SM_EXIT_OK = 0,	      /* success, nothing found */
	SM_EXIT_FINDINGS = 1, /* findings, differences, or a failed operation */
	SM_EXIT_USAGE = 2,    /* bad usage or bad input */
};

#define SM_VERSION "0.1.0"

/* Colour on stdout/stderr: only on a terminal, never with NO_COLOR set. */
bool cli_color(FILE *f);
/* Print diagnostics to stderr (coloured when allowed). */
void cli_print_diags(const struct diag_list *dl);
/* "solemate <cmd>: <message>" on stderr; returns SM_EXIT_USAGE. */
int cli_usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/*
 * Where an analysis command reads templates from (the same for validate,
 * check, reach, cost, graph, report, diff): `--env NAME` (synthesize in
 * memory from config/NAME.json; "all" for every file), `--config FILE`, or
 * PATHs (assembly directories or template files).
 */
struct cli_inputs {
	const char *envs[16];
	int env_nr;
	const char *config_files[16];
	int config_nr;
	/* PATHs in command-line order: any number (cli_inputs_set_paths) */
	const char **paths;
	int path_nr;
	const char *config_dir; /* --config-dir, default "config" */
	const char *sets[32];	/* --set key=value, applied over every config read */
	int set_nr;
};

/*
 * The input options of the table of every command that reads an
 * environment (parse_options.h): --env, --config, --config-dir, --set.
 */
#define OPT_INPUTS(in)                                                                             \
	{.type = CLI_OPT_CALLBACK,                                                                 \
	 .long_name = "env",                                                                       \
	 .value = (in),                                                                            \
	 .argh = "NAME",                                                                           \
	 .help = "environment from <config-dir>/NAME.json, .yaml or .yml ('baseline':\n"           \
		 "the account baseline; 'all': every file there; repeatable)",                     \
	 .callback = cli_opt_env,                                                                  \
	 .flags = CLI_OPT_ENV},                                                                    \
		OPT_LIST_F(0, "config", (in)->config_files, &(in)->config_nr, "FILE",              \
			   "environment from any configuration file",                              \
			   CLI_OPT_FILE | CLI_OPT_NONEMPTY),                                       \
		OPT_FILE(0, "config-dir", &(in)->config_dir, "DIR",                                \
			 "where --env looks (default: the nearest config/ up from here,\n"         \
			 "or $SOLEMATE_CONFIG_DIR)"),                                              \
		OPT_LIST_F(0, "set", (in)->sets, &(in)->set_nr, "KEY=VALUE",                       \
			   "override a configuration key for this run (repeatable; nested\n"       \
			   "keys as usage.KEY; the value is read as JSON when it is)",             \
			   CLI_OPT_NONEMPTY)
/* --env NAME: a name, not a path (the table's callback; value: the inputs) */
int cli_opt_env(const struct cli_option *opt, const char *v);
/*
 * Take the operands a parse left in argv[1..n] as PATHs (assembly
 * directories or template files): any number, nothing to free.
 */
void cli_inputs_set_paths(struct cli_inputs *in, char **argv, int n);
/*
 * Fill `a` from the inputs: PATHs are read from disk; --env/--config are
 * synthesized in memory. With no input at all, reads ./cdk.out if it exists,
 * else synthesizes every environment. 0, or with diagnostics
 * SM_LOAD_INVALID (a file's text is not a template; the others are read) or
 * SM_LOAD_UNREADABLE (anything else: a missing file, a bad configuration),
 * which wins when both happen.
 */
int cli_inputs_load(const struct cli_inputs *in, struct sm_assembly *a, struct diag_list *dl);

struct env_config;

/*
 * The configuration directory: --config-dir, else $SOLEMATE_CONFIG_DIR, else
 * the nearest config/ from the current directory up, else the example
 * configurations installed with the data files, else "config".
 */
const char *cli_config_dir(const struct cli_inputs *in);
/*
 * The configuration file of environment `name`: <config dir>/NAME.json, or
 * NAME.yaml / NAME.yml when that is the one that exists (malloc'd).
 */
char *cli_env_config_path(const struct cli_inputs *in, const char *name);
/*
 * Load a configuration, an environment's or the account baseline's, with
 * the inputs' --set overrides (release with solemate_unit_release).
 */
struct solemate_unit;
int cli_config_load(const struct cli_inputs *in, const char *path, struct solemate_unit *u,
		    struct diag_list *dl);
/* Hint on `d` for an unknown environment `name`: the closest one, or where they are. */
void cli_hint_unknown_env(struct diag *d, const struct cli_inputs *in, const char *name);

/*
 * Environment names to act on: --env all expands to every config/NAME.json
 * (sorted). Returns the count; names are malloc'd into `out` (caller frees).
 */
int cli_expand_envs(const struct cli_inputs *in, char ***out, struct diag_list *dl);

/*
 * Build the SoleMate app of the environments named in `in` (config files and
 * env names), resolved and ready to write. NULL + diagnostics on bad input.
 */
struct sm_app *cli_build_app(const struct cli_inputs *in, struct diag_list *dl);

struct env_config;

/*
 * The inputs of a per-environment command (cost, report) as units: one per
 * environment (--env, "all" expanded), one per --config FILE, and one for
 * all the PATHs together. Strings are owned by the units (cli_units_free).
 */
struct cli_unit {
	struct cli_inputs in; /* this unit's inputs only */
	char *name;	      /* environment name, config file's base name, or "templates" */
	char *config_path;    /* the configuration file, or NULL for PATH inputs */
};

size_t cli_split_units(const struct cli_inputs *in, struct cli_unit **out, struct diag_list *dl);
void cli_units_free(struct cli_unit *units, size_t nr);
/*
 * A unit's configuration (when it has one: *have_cfg) and its templates.
 * 0, or -1 with diagnostics; cfg is to be released when *have_cfg.
 */
int cli_unit_load(const struct cli_unit *u, struct env_config *cfg, bool *have_cfg,
		  struct sm_assembly *a, struct diag_list *dl);

/*
 * What the analyses may know of a configuration (cli_context.c): its
 * name, region, budget, usage assumptions and protection; `cfg` NULL gives
 * sm_context_init's defaults. Strings are borrowed from `cfg`.
 */
struct sm_context;
void cli_context_from_config(const struct env_config *cfg, struct sm_context *ctx);

/*
 * What the metrics cost (analysis/tradeoff.h, cli_tradeoff.c): `a` (the
 * unit's assembly, with `ctx` from `cfg`) priced and judged as it is, then
 * the unit synthesized again at each drReadiness, at the PRD sample's sizes
 * and each step back to its own, and with its autoscaling maximum running.
 * A point that cannot be made carries its reason; nothing is printed.
 */
struct tradeoff_report;
struct sm_context;
void cli_tradeoff_evaluate(const struct cli_unit *u, const struct env_config *cfg,
			   struct sm_assembly *a, const struct sm_context *ctx, const char *prices,
			   const char *slas, struct tradeoff_report *r);

/* Copy the resolved templates of `app` into `a` (no disk involved). */
void cli_assembly_from_app(struct sm_assembly *a, const struct sm_app *app);

/* The subcommands (one file each: src/cli/cmd_<name>.c). */
#define SM_COMMAND(name) int cmd_##name(int argc, char **argv)
SM_COMMAND(synth);
SM_COMMAND(list);
SM_COMMAND(validate);
SM_COMMAND(check);
SM_COMMAND(reach);
SM_COMMAND(diff);
SM_COMMAND(bootstrap);
SM_COMMAND(deploy);
SM_COMMAND(preflight);
SM_COMMAND(destroy);
SM_COMMAND(failover);
SM_COMMAND(cost);
SM_COMMAND(graph);
SM_COMMAND(report);
SM_COMMAND(whoami);

/*
 * The command line of this run as the user could type it again
 * ("solemate deploy --env x ..."), arguments shell-quoted where needed,
 * without the `drop` option and its value (e.g. "--stack", which the
 * caller appends as it needs). For hints such as how to resume: a hint
 * that forgets --config-dir or --endpoint-url resumes something else.
 * Caller frees.
 */
char *cli_command_line(int argc, char **argv, const char *drop);

/* Flush stdout and report a write error (a full disk must not pass silently). */
int cli_finish_stdout(int code);

#endif
