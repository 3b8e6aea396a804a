/*
 * The SoleMate environments synthesized in memory for the test_infra*.c
 * programs, in the style of the CDK assertions library: build an
 * environment, then look for resources of a type whose properties contain
 * a pattern (support/test.h). Each program builds the apps it reads in its
 * main(); a failed synthesis prints its diagnostics and exits.
 */
#ifndef SM_TEST_INFRA_FIXTURE_H
#define SM_TEST_INFRA_FIXTURE_H

#include <stdbool.h>
#include <stddef.h>

#include "engine/engine.h"

/* The shipped configurations, built by infra_fixture_build_all() (owned here). */
extern struct sm_app *staging, *production, *baseline;
#define BASELINE "SolemateBaseline-123456789012-us-east-1"
/* staging, production and baseline from config/ */
void infra_fixture_build_all(void);
void infra_fixture_release_all(void);

/* an app whose accepted findings expand into cdk-nag IDs, as the command's */
struct sm_app *infra_app_new(void);
/* the environment of config file `file`, with "key=value" overrides as --set applies them */
struct sm_app *infra_build_with(const char *file, const char *const *sets, size_t n);
struct sm_app *infra_build_baseline_with(const char *file, const char *const *sets, size_t n);
#define app_new() infra_app_new()
#define build(file) infra_build_with(file, NULL, 0)
#define build_with(file, sets, n) infra_build_with(file, sets, n)
#define build_baseline(file) infra_build_baseline_with(file, NULL, 0)
#define build_baseline_with(file, sets, n) infra_build_baseline_with(file, sets, n)

/* The resolved template of `app`'s stack whose name ends with `stack`, or NULL. */
const json_t *infra_template(struct sm_app *app, const char *stack);
#define T(app, stack) infra_template(app, stack)
#define HAS(app, stack, type, pattern) (tmpl_find_resource(T(app, stack), type, pattern) != NULL)
#define COUNT(app, stack, type) tmpl_count_resources(T(app, stack), type)
/* Resource `id` of that template, or NULL. */
const json_t *infra_resource(struct sm_app *app, const char *stack, const char *id);
#define resource(app, stack, id) infra_resource(app, stack, id)
/* The Value of that template's output `name`, or NULL. */
const json_t *infra_output(struct sm_app *app, const char *stack, const char *name);
#define output(app, stack, name) infra_output(app, stack, name)

/* `pattern` (JSON text) is a subset of `value` (support/test.h, json_subset) */
bool subset_of(const char *pattern, const json_t *value);

/* JSON text of "<prefix>-<first group of the stack's ID>" (sm_stack_unique_name) */
#define STACK_ID_GROUP "{\"Fn::Select\":[0,{\"Fn::Split\":[\"-\",{\"Fn::Select\":[2,{\"Fn::Split\":[\"/\",{\"Ref\":\"AWS::StackId\"}]}]}]}]}"
/* that JSON text (malloc'd) */
char *unique_name(const char *prefix);

/* `stack` depends on `on` (CloudFormation deploys `on` first). */
bool stack_follows(struct sm_app *app, const char *stack, const char *on);

#endif
