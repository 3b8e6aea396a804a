#include "infra_fixture.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/check.h"
#include "base/xalloc.h"
#include "lib/environments.h"
#include "lib/solemate_stack.h"
#include "test.h"

struct sm_app *staging, *production, *baseline;

void infra_fixture_build_all(void)
{
	staging = build("config/staging.json");
	production = build("config/production.json");
	baseline = build_baseline("config/baseline.json");
}

struct sm_app *infra_app_new(void)
{
	struct sm_app *app = sm_app_new();
	sm_app_set_rule_catalog(app, check_rule_nag_ids);
	return app;
}

struct sm_app *infra_build_with(const char *file, const char *const *sets, size_t n)
{
	struct env_config cfg;
	struct diag_list dl = DIAG_LIST_INIT;
	struct sm_app *app = infra_app_new();
	if (env_config_load_with(file, sets, n, &cfg, &dl) < 0 ||
	    solemate_add_environment(app, &cfg, &dl) < 0 || sm_app_resolve(app, &dl) < 0) {
		diag_print_all(stdout, &dl, false);
		exit(1);
	}
	env_config_release(&cfg);
	diag_list_release(&dl);
	return app;
}

struct sm_app *infra_build_baseline_with(const char *file, const char *const *sets, size_t n)
{
	struct solemate_unit u;
	struct diag_list dl = DIAG_LIST_INIT;
	struct sm_app *app = infra_app_new();
	if (solemate_unit_load(file, sets, n, &u, &dl) < 0 || u.kind != CONFIG_BASELINE ||
	    solemate_add_unit(app, &u, &dl) < 0 || sm_app_resolve(app, &dl) < 0) {
		diag_print_all(stdout, &dl, false);
		exit(1);
	}
	solemate_unit_release(&u);
	diag_list_release(&dl);
	return app;
}

const json_t *infra_template(struct sm_app *app, const char *stack)
{
	const struct sm_stack *s = NULL;
	for (size_t i = 0; i < sm_app_stack_count(app); i++) {
		const char *n = sm_stack_name(sm_app_stack_at(app, i));
		if (strlen(n) >= strlen(stack) && !strcmp(n + strlen(n) - strlen(stack), stack))
			s = sm_app_stack_at(app, i);
	}
	return s ? sm_stack_template(s) : NULL;
}

const json_t *infra_resource(struct sm_app *app, const char *stack, const char *id)
{
	return json_object_get(json_object_get(infra_template(app, stack), "Resources"), id);
}

const json_t *infra_output(struct sm_app *app, const char *stack, const char *name)
{
	return json_object_get(
		json_object_get(json_object_get(infra_template(app, stack), "Outputs"), name), "Value");
}

bool subset_of(const char *pattern, const json_t *value)
{
	json_t *p = json_loads(pattern, 0, NULL);
	bool ok = p && json_subset(p, value);
	json_decref(p);
	return ok;
}

char *unique_name(const char *prefix)
{
	return xstrfmt("{\"Fn::Join\":[\"-\",[\"%s\"," STACK_ID_GROUP "]]}", prefix);
}

bool stack_follows(struct sm_app *app, const char *stack, const char *on)
{
	const struct sm_stack *s = sm_app_find_stack(app, stack);
	for (size_t i = 0; s && i < sm_stack_dependency_count(s); i++)
		if (!strcmp(sm_stack_name(sm_stack_dependency_at(s, i)), on))
			return true;
	return false;
}

void infra_fixture_release_all(void)
{
	sm_app_free(staging);
	sm_app_free(production);
	sm_app_free(baseline);
}
