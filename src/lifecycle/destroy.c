/* Deleting one stack, followed to its end (lifecycle/destroy.h). */
#include "lifecycle/destroy.h"

#include <string.h>

#include "aws/cfn.h"
#include "aws/stack_events.h"
#include "base/common.h"
#include "lifecycle/deploy.h"
#include "lifecycle/watch.h"

static const char *jstr(const json_t *o, const char *k)
{
	const json_t *v = json_object_get(o, k);
	return json_is_string(v) ? json_string_value(v) : "";
}

/* What the deployed template says CloudFormation keeps on deletion. */
static void note_kept(struct strbuf *kept, const char *stack, const json_t *tmpl,
		      const json_t *resources)
{
	const char *id;
	const json_t *r;
	json_object_foreach ((json_t *)json_object_get(tmpl, "Resources"), id, r) {
		const char *policy = jstr(r, "DeletionPolicy");
		if (strcmp(policy, "Retain") && strcmp(policy, "Snapshot") &&
		    strcmp(policy, "RetainExceptOnCreate"))
			continue;
		const char *phys = "";
		size_t i;
		const json_t *lr;
		json_array_foreach (resources, i, lr)
			if (!strcmp(jstr(lr, "logicalId"), id))
				phys = jstr(lr, "physicalId");
		if (!strcmp(policy, "Snapshot"))
			strbuf_addf(kept, "  %s: final snapshot of %s %s%s%s%s\n", stack,
				    jstr(r, "Type"), id, *phys ? " (" : "", phys, *phys ? ")" : "");
		else
			strbuf_addf(kept, "  %s: %s %s%s%s%s is retained\n", stack, jstr(r, "Type"),
				    id, *phys ? " (" : "", phys, *phys ? ")" : "");
	}
}

enum lc_destroy_result lc_destroy_stack(struct lc_session *s, const struct sm_template *t,
					const struct lc_destroy_opts *o, struct strbuf *kept,
					struct diag_list *dl)
{
	struct lc_client cc;
	struct cfn_stack cur = {0};
	struct lc_watch w = {0};
	json_t *tmpl = NULL, *resources = NULL;
	const char *name = t->stack_name;
	enum lc_destroy_result ret = LC_DESTROY_FAILED;

	lc_client_init(s, lc_stack_region(s, t), &cc);
	int exists = cfn_describe_stack(&cc.c, name, &cur, dl);
	if (exists < 0)
		goto out;
	if (!exists) {
		lc_say(s, name, "not deployed: nothing to delete\n");
		ret = LC_DESTROY_ABSENT;
		goto out;
	}
	if (lc_stack_owner_check(&cur, o->env, dl) < 0)
		goto out;
	if (stack_status_state(cur.status) == STACK_IN_PROGRESS &&
	    strcmp(cur.status, "REVIEW_IN_PROGRESS")) {
		struct diag *d = diag_add(dl, DIAG_ERROR, NULL, 0, 0, NULL,
					  "stack '%s' is %s: another operation is running", name,
					  cur.status);
		diag_set_hint(d, "wait for it to settle, then destroy again");
		goto out;
	}
	if (cur.termination_protection) {
		if (!o->force) {
			struct diag *d = diag_add(dl, DIAG_ERROR, NULL, 0, 0, NULL,
						  "stack '%s' has termination protection", name);
			diag_set_hint(d, "pass --force to turn it off and delete the stack");
			goto out;
		}
		if (cfn_update_termination_protection(&cc.c, name, false, dl) < 0)
			goto out;
		lc_say(s, name, "termination protection off (--force)\n");
	}
	int err;
	tmpl = lc_deployed_template(&cc.c, name, &err, dl);
	if (err)
		goto out;
	if (cfn_list_stack_resources(&cc.c, name, &resources, dl) < 0)
		goto out;
	/* poll by ID: by name, a deleted stack is simply gone */
	w.stack = name;
	w.stack_id = cur.id;
	w.total = json_array_size(resources);
	if (lc_watch_begin(s, &cc.c, &w, dl) < 0)
		goto out;
	if (cfn_delete_stack(&cc.c, name, dl) < 0)
		goto out;
	lc_say(s, name, "deleting %zu resource%s\n", w.total, w.total == 1 ? "" : "s");
	int r = lc_watch_run(s, &cc.c, &w, dl);
	if (r == 1) {
		lc_say(s, name,
		       "interrupted: stopped waiting; CloudFormation goes on deleting the "
		       "stack\n");
		lc_say(s, name,
		       "  follow it: aws cloudformation describe-stack-events --stack-name %s\n",
		       cur.id ? cur.id : name);
		ret = LC_DESTROY_INTERRUPTED;
		goto out;
	}
	if (r < 0)
		goto out;
	if (!w.gone) {
		const json_t *rc = stack_events_root_cause(w.events);
		struct diag *d = diag_add(dl, DIAG_ERROR, NULL, 0, 0, NULL,
					  "stack '%s' was not deleted (%s)%s%s%s%s", name,
					  w.final.status ? w.final.status : "?", rc ? ": " : "",
					  rc ? jstr(rc, "logicalId") : "", rc ? ": " : "",
					  rc ? jstr(rc, "reason") : "");
		diag_set_hint(d,
			      "fix the cause (or delete the resource by hand), then destroy again");
		goto out;
	}
	note_kept(kept, name, tmpl, resources);
	lc_say(s, name, "deleted\n");
	ret = LC_DESTROY_DELETED;
out:
	lc_client_done(s, &cc);
	lc_watch_release(&w);
	cfn_stack_release(&cur);
	json_decref(tmpl);
	json_decref(resources);
	return ret;
}
