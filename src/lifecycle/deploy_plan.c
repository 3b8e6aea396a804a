/* Deploy order and change-set verdicts (deploy_plan.h). */
#include <stdlib.h>
#include <string.h>

#include "base/common.h"
#include "base/suggest.h"
#include "base/xalloc.h"
#include "lifecycle/deploy_plan.h"

static long index_of(const struct sm_assembly *a, const char *name)
{
	for (size_t i = 0; i < a->nr; i++)
		if (!strcmp(a->items[i].stack_name, name))
			return (long)i;
	return -1;
}

/* Mark `i` and, transitively, what it depends on; -1 on a dangling dependency. */
static int select_with_deps(const struct sm_assembly *a, size_t i, bool *sel, struct diag_list *dl)
{
	if (sel[i])
		return 0;
	sel[i] = true;
	const struct sm_template *t = &a->items[i];
	for (size_t d = 0; d < t->depends_nr; d++) {
		long j = index_of(a, t->depends[d]);
		if (j < 0) {
			diag_add(dl, DIAG_ERROR, t->file, 0, 0, NULL,
				 "stack '%s' depends on '%s', which the assembly does not have",
				 t->stack_name, t->depends[d]);
			return -1;
		}
		if (select_with_deps(a, (size_t)j, sel, dl) < 0)
			return -1;
	}
	return 0;
}

static void add_wave_start(struct plan_waves *out, size_t *alloc)
{
	ALLOC_GROW(out->wave_start, out->wave_nr + 2, *alloc);
	out->wave_start[out->wave_nr + 1] = out->nr;
	out->wave_nr++;
}

/* "did you mean 'SolemateStagingNetwork'?", else where the names are */
static void hint_stack_name(struct diag *d, const struct sm_assembly *a, const char *name)
{
	const char **names = xcalloc(a->nr ? a->nr : 1, sizeof(char *));

	for (size_t i = 0; i < a->nr; i++)
		names[i] = a->items[i].stack_name;
	const char *best = suggest_closest(name, names, a->nr);
	if (best)
		diag_set_hint(d, "did you mean '%s'? ('solemate list' shows the stacks)", best);
	else if (a->nr)
		diag_set_hint(d, "'solemate list' shows the stacks, e.g. '%s'", names[0]);
	free(names);
}

int plan_order(const struct sm_assembly *a, const char *const *only, size_t only_nr,
	       struct plan_waves *out, struct diag_list *dl)
{
	bool *sel = xcalloc(a->nr ? a->nr : 1, sizeof(bool));
	bool *done = xcalloc(a->nr ? a->nr : 1, sizeof(bool));
	size_t wave_alloc = 0, want = 0;
	int ret = -1;

	*out = (struct plan_waves)PLAN_WAVES_INIT;
	for (size_t k = 0; k < only_nr; k++) {
		long i = index_of(a, only[k]);
		if (i < 0) {
			struct diag *d = diag_add(dl, DIAG_ERROR, NULL, 0, 0, NULL,
						  "no stack named '%s'", only[k]);
			hint_stack_name(d, a, only[k]);
			goto out;
		}
		if (select_with_deps(a, (size_t)i, sel, dl) < 0)
			goto out;
	}
	for (size_t i = 0; i < a->nr; i++) {
		if (!only_nr && select_with_deps(a, i, sel, dl) < 0)
			goto out;
		want += sel[i];
	}
	out->stacks = xcalloc(want ? want : 1, sizeof(*out->stacks));
	ALLOC_GROW(out->wave_start, 1, wave_alloc);
	out->wave_start[0] = 0;
	while (out->nr < want) {
		size_t wave_begin = out->nr;
		/* A stack joins this wave when all it depends on is in an earlier one. */
		for (size_t i = 0; i < a->nr; i++) {
			if (!sel[i] || done[i])
				continue;
			const struct sm_template *t = &a->items[i];
			bool ready = true;
			for (size_t d = 0; d < t->depends_nr && ready; d++) {
				long j = index_of(a, t->depends[d]);
				/* done[] is set only after the wave: no stack of this wave counts
				 */
				ready = j >= 0 && done[j];
			}
			if (ready)
				out->stacks[out->nr++] = &a->items[i];
		}
		if (out->nr == wave_begin) {
			diag_add(
				dl, DIAG_ERROR, NULL, 0, 0, NULL,
				"the stacks depend on each other in a cycle; nothing can go first");
			goto out;
		}
		for (size_t s = wave_begin; s < out->nr; s++)
			done[out->stacks[s] - a->items] = true;
		add_wave_start(out, &wave_alloc);
	}
	ret = 0;
out:
	if (ret < 0)
		plan_waves_release(out);
	free(sel);
	free(done);
	return ret;
}

void plan_waves_release(struct plan_waves *w)
{
	free(w->stacks);
	free(w->wave_start);
	*w = (struct plan_waves)PLAN_WAVES_INIT;
}

int plan_approval_parse(const char *s, enum plan_approval *out)
{
	if (!strcmp(s, "never"))
		*out = PLAN_APPROVE_NEVER;
	else if (!strcmp(s, "any-change"))
		*out = PLAN_APPROVE_ANY_CHANGE;
	else if (!strcmp(s, "broadening"))
		*out = PLAN_APPROVE_BROADENING;
	else
		return -1;
	return 0;
}

bool plan_is_security_type(const char *type)
{
	static const char *const exact[] = {
		"AWS::EC2::SecurityGroup",
		"AWS::EC2::SecurityGroupIngress",
		"AWS::EC2::SecurityGroupEgress",
		"AWS::EC2::NetworkAclEntry",
		"AWS::S3::BucketPolicy",
		"AWS::SNS::TopicPolicy",
		"AWS::SQS::QueuePolicy",
		"AWS::KMS::Key",
		"AWS::Lambda::Permission",
		"AWS::SecretsManager::ResourcePolicy",
		"AWS::WAFv2::WebACL",
		"AWS::WAFv2::WebACLAssociation",
	};
	if (!type)
		return false;
	if (!strncmp(type, "AWS::IAM::", 10))
		return true;
	for (size_t i = 0; i < sizeof(exact) / sizeof(exact[0]); i++)
		if (!strcmp(type, exact[i]))
			return true;
	return false;
}

static const char *str(const json_t *o, const char *k)
{
	const json_t *v = json_object_get(o, k);
	return json_is_string(v) ? json_string_value(v) : NULL;
}

/* The DeletionPolicy of `id` in the deployed template, or NULL. */
static const char *deletion_policy(const json_t *old_tmpl, const char *id)
{
	const json_t *r = json_object_get(json_object_get(old_tmpl, "Resources"), id);
	return str(r, "DeletionPolicy");
}

/* What happens to the data of one change, or NULL when nothing is at risk. */
static const char *risk_of(const json_t *c, const json_t *old_tmpl, struct cfn_schema *schema)
{
	const char *action = str(c, "action"), *type = str(c, "type");
	const char *repl = str(c, "replacement"), *id = str(c, "logicalId");
	if (!action || !type || !cfn_schema_is_stateful(schema, type))
		return NULL;
	if (!strcmp(action, "Remove")) {
		const char *dp = id ? deletion_policy(old_tmpl, id) : NULL;
		if (dp && !strcmp(dp, "Retain"))
			return NULL; /* CloudFormation keeps it; destroy lists what it kept */
		return dp && !strcmp(dp, "Snapshot") ? "would be deleted (a final snapshot is kept)"
						     : "would be deleted";
	}
	if (!strcmp(action, "Modify") && repl) {
		if (!strcmp(repl, "True"))
			return "would be replaced (a new, empty resource)";
		if (!strcmp(repl, "Conditional"))
			return "may be replaced (CloudFormation: Conditional)";
	}
	return NULL;
}

void plan_judge(const json_t *changes, const json_t *old_tmpl, struct cfn_schema *schema,
		const struct plan_policy *policy, struct plan_verdict *v)
{
	size_t i;
	const json_t *c;

	v->changes = json_array_size(changes);
	v->data_at_risk = v->security = 0;
	json_array_foreach (changes, i, c) {
		const char *risk = risk_of(c, old_tmpl, schema);
		if (risk) {
			v->data_at_risk++;
			strbuf_addf(&v->reasons, "%s (%s) %s\n", str(c, "logicalId"),
				    str(c, "type"), risk);
		}
		const char *action = str(c, "action");
		if (plan_is_security_type(str(c, "type")) && action && strcmp(action, "Remove"))
			v->security++;
	}
	if (!v->changes)
		v->action = PLAN_NOTHING;
	else if (v->data_at_risk && policy->production && !policy->allow_data_loss)
		v->action = PLAN_REFUSE;
	else if (!policy->yes && policy->approval != PLAN_APPROVE_NEVER &&
		 (policy->approval == PLAN_APPROVE_ANY_CHANGE || v->data_at_risk || v->security))
		/* data at risk outside production is still worth a question */
		v->action = PLAN_ASK;
	else
		v->action = PLAN_GO;
}
