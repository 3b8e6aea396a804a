/*
 * A scratch app of one stack for the construct tests (test_constructs*.c):
 * build a construct into the stack cf_scratch() returns, then read the
 * resolved template back. The app lives until the next cf_scratch() or
 * cf_release().
 */
#ifndef SM_TEST_CONSTRUCT_FIXTURE_H
#define SM_TEST_CONSTRUCT_FIXTURE_H

#include <stdbool.h>

#include "engine/engine.h"

/*
 * A new app with one stack "Scratch" in eu-west-1 (the previous one freed),
 * whose accepted findings expand into the check rules' cdk-nag IDs.
 */
struct sm_stack *cf_scratch(void);
void cf_release(void);
/* The resolved template of the scratch stack (fails the case on a bad pack). */
const json_t *cf_resolved(void);
/* Resource `id` of the resolved template (its Type, Properties, DependsOn), or NULL. */
const json_t *cf_resource(const char *id);
/* `pattern` (JSON text) is a subset of resource `id`'s properties. */
bool cf_has(const char *id, const char *pattern);
/* DependsOn of resource `id` holds `on`. */
bool cf_depends(const char *id, const char *on);
/* Synthesis fails, and an error names `key` (a required prop left unset). */
bool cf_fails_naming(const char *key);
/* A resource of `type` without properties, to refer to. */
struct sm_resource *cf_any(const char *id, const char *type);

#endif
