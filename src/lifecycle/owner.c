/* Whose stack it is: the ownership check of deploy and destroy (lifecycle/deploy.h). */
#include <string.h>

#include "base/common.h"
#include "base/xalloc.h"
#include "lifecycle/deploy.h"
#include "lifecycle/session.h"

/* The environment a stack records, or NULL (malloc'd). */
static char *recorded_environment(const struct cfn_stack *s)
{
	const json_t *tag = json_object_get(s->tags, "Environment");
	if (json_is_string(tag))
		return xstrdup(json_string_value(tag));
	/* solemate_stack.c's "SoleMate %s: %s (managed by solemate)" */
	const char *d = s->description, *prefix = "SoleMate ";
	if (!d || strncmp(d, prefix, strlen(prefix)) || !strstr(d, "(managed by solemate)"))
		return NULL;
	d += strlen(prefix);
	size_t n = strcspn(d, ": ");
	return n && d[n] == ':' ? xstrndup(d, n) : NULL;
}

int lc_stack_owner_check(const struct cfn_stack *s, const char *env, struct diag_list *dl)
{
	if (!s->status || !strcmp(s->status, "REVIEW_IN_PROGRESS") ||
	    !strcmp(s->status, "DELETE_COMPLETE"))
		return 0;
	char *rec = recorded_environment(s);
	int ret = 0;
	if (!rec) {
		struct diag *d = diag_add(dl, DIAG_ERROR, NULL, 0, 0, NULL,
					  "stack '%s' exists and records no environment (no "
					  "Environment tag, no solemate description): it is not "
					  "environment '%s''s; refusing to touch it",
					  s->name, env);
		diag_set_hint(d,
			      "it was not deployed by solemate for '%s'; if it is yours to "
			      "replace, delete it by hand first",
			      env);
		ret = -1;
	} else if (strcmp(rec, env)) {
		struct diag *d = diag_add(dl, DIAG_ERROR, NULL, 0, 0, NULL,
					  "stack '%s' belongs to environment '%s', not '%s': "
					  "refusing to touch it",
					  s->name, rec, env);
		diag_set_hint(d,
			      "two environments map to the same stack names; use --env %s "
			      "for that environment, or give this one a name of its own",
			      rec);
		ret = -1;
	}
	free(rec);
	return ret;
}

enum lc_owners lc_check_owners(struct lc_session *s, const struct plan_waves *waves,
			       const char *env, const char *const *only, size_t only_nr,
			       struct diag_list *dl)
{
	enum lc_owners res = LC_OWNERS_OK;
	for (size_t i = 0; i < waves->nr && res != LC_OWNERS_CALL_FAILED; i++) {
		const struct sm_template *t = waves->stacks[i];
		size_t k = 0;
		while (k < only_nr && strcmp(only[k], t->stack_name))
			k++;
		if (only_nr && k == only_nr)
			continue;
		struct lc_client cc;
		struct cfn_stack st = {0};
		lc_client_init(s, lc_stack_region(s, t), &cc);
		struct diag_list call_dl = DIAG_LIST_INIT;
		int r = cfn_describe_stack(&cc.c, t->stack_name, &st, &call_dl);
		lc_diags_name_stack(&call_dl, t->stack_name);
		diag_list_move(dl, &call_dl);
		diag_list_release(&call_dl);
		if (r < 0)
			res = LC_OWNERS_CALL_FAILED;
		else if (r == 1 && lc_stack_owner_check(&st, env, dl) < 0)
			res = LC_OWNERS_FOREIGN;
		cfn_stack_release(&st);
		lc_client_done(s, &cc);
	}
	return res;
}
