/*
 * Private to the configuration loaders (environments.c, baseline_config.c): the
 * key tables they are made of, the loader that reads a document through a
 * table (types, ranges, defaults, did-you-mean, positions of errors), the
 * semantic checks of single values (config_checks.c) and the JSON Schema
 * written from a table.
 */
#ifndef SM_CONFIG_INT_H
#define SM_CONFIG_INT_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "base/diag.h"
#include "base/json_io.h"
#include "lib/environments.h"

enum key_type { K_STRING, K_INT, K_BOOL, K_NUMBER };

struct cfg_ctx {
	const char *file;
	const char *text; /* source, for positions on the first error */
	size_t len;
	struct jio_posmap *pos;
	struct diag_list *dl;
	int errors;
	const char *const *sets; /* "key=value" overrides (--set), applied over the file */
	size_t set_nr;
};

typedef int (*check_fn)(struct cfg_ctx *c, const char *key, const char *value);

struct key_def {
	const char *name;
	enum key_type type;
	bool required;
	size_t offset;
	double min, max;	   /* K_INT, K_NUMBER */
	const char *def_str;	   /* default (K_STRING); NULL: none */
	double def_num;		   /* default (K_INT, K_NUMBER, K_BOOL) */
	check_fn check;		   /* K_STRING semantic check, or NULL */
	const char *const *values; /* allowed values (K_STRING), NULL-terminated */
	const char *description;
};

/* The keys of one configuration document (or of its nested "usage" object). */
struct key_table {
	const struct key_def *defs;
	size_t n;
	const char *schema_file;       /* config/<schema_file> documents them (hints) */
	const struct key_table *usage; /* the keys of a nested "usage" object, or NULL */
};

/* ---- config_load.c ---- */

/* An error at `path` ("a.b"), placed at its line and column (or its --set). */
struct diag *cfg_error_at(struct cfg_ctx *c, const char *path, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
const char *cfg_json_type_name(const json_t *v);
void cfg_set_default(const struct key_def *k, void *base);
void cfg_load_object(struct cfg_ctx *c, const json_t *obj, const struct key_table *t, void *base,
		     const char *prefix);
json_t *cfg_load_root(const char *file, const char *text, size_t len, const char *const *sets,
		      size_t set_nr, struct diag_list *dl);
void cfg_release_strings(const struct key_def *defs, size_t n, void *base);
json_t *cfg_schema_props(const struct key_def *defs, size_t n, json_t *required);
json_t *cfg_schema_document(const char *id, const char *title, json_t *props, json_t *required);

/* ---- config_checks.c: one value each (check_fn), a few relating several ---- */

int cfg_check_cidr(struct cfg_ctx *c, const char *key, const char *v);
int cfg_check_domain(struct cfg_ctx *c, const char *key, const char *v);
int cfg_check_region(struct cfg_ctx *c, const char *key, const char *v);
int cfg_check_account(struct cfg_ctx *c, const char *key, const char *v);
int cfg_check_role_arn(struct cfg_ctx *c, const char *key, const char *v);
int cfg_check_acm_arn(struct cfg_ctx *c, const char *key, const char *v);
int cfg_check_anomaly_monitor_arn(struct cfg_ctx *c, const char *key, const char *v);
int cfg_check_db_class(struct cfg_ctx *c, const char *key, const char *v);
int cfg_check_engine_version(struct cfg_ctx *c, const char *key, const char *v);
void cfg_check_engine_support(struct cfg_ctx *c, struct env_config *cfg);
int cfg_check_email(struct cfg_ctx *c, const char *key, const char *v);
int cfg_check_tag_text(struct cfg_ctx *c, const char *key, const char *v);
char *cfg_stack_prefix_of(const char *environment);
int cfg_check_environment(struct cfg_ctx *c, const char *key, const char *v);
int cfg_check_image(struct cfg_ctx *c, const char *key, const char *v);
int cfg_check_path(struct cfg_ctx *c, const char *key, const char *v);
int cfg_check_container_user(struct cfg_ctx *c, const char *key, const char *v);
int cfg_check_health_command(struct cfg_ctx *c, const char *key, const char *v);
int cfg_check_hosted_zone(struct cfg_ctx *c, const char *key, const char *v);
int cfg_check_ec2_type(struct cfg_ctx *c, const char *key, const char *v);
/* The retention periods CloudWatch Logs accepts (PutRetentionPolicy). */
void cfg_check_retention(struct cfg_ctx *c, int days);

/* ---- acceptances.c ---- */

/* Read "acceptances" (an array of {rule, resource, reason, expires}) into cfg. */
void cfg_load_acceptances(struct cfg_ctx *c, const json_t *v, struct env_config *cfg);
void cfg_release_acceptances(struct env_config *cfg);
json_t *cfg_acceptances_schema(void);

/* ---- environments.c ---- */

/* Whether the first `len` bytes of `name` are a key of an environment's configuration. */
bool cfg_is_env_key(const char *name, size_t len);

#endif
