/*
 * Deploy order (waves of independent stacks, --stack with its dependencies,
 * cycles and dangling dependencies refused) and change-set verdicts (data at
 * risk refused in production without --allow-data-loss, approvals).
 */
#include <stdlib.h>
#include <string.h>

#include "lifecycle/deploy_plan.h"
#include "support/test.h"

static void add_stack(struct sm_assembly *a, const char *name, const char *deps)
{
	struct sm_template *t = sm_assembly_add(a, name, name, "us-east-1", json_object());
	char *copy = strdup(deps), *save = NULL;
	for (char *p = strtok_r(copy, ",", &save); p; p = strtok_r(NULL, ",", &save)) {
		t->depends = realloc(t->depends, sizeof(char *) * (t->depends_nr + 1));
		t->depends[t->depends_nr++] = strdup(p);
	}
	free(copy);
}

/* The SoleMate shape: Network <- Data <- Compute <- Edge, Monitoring; Baseline alone. */
static void solemate_like(struct sm_assembly *a)
{
	sm_assembly_init(a);
	add_stack(a, "Monitoring", "Compute,Data");
	add_stack(a, "Compute", "Network,Data");
	add_stack(a, "Network", "");
	add_stack(a, "Data", "Network");
	add_stack(a, "Baseline", "");
	add_stack(a, "Edge", "Compute,Data");
}

static const char *wave_names(const struct plan_waves *w, struct strbuf *sb)
{
	strbuf_reset(sb);
	for (size_t k = 0; k < w->wave_nr; k++) {
		if (k)
			strbuf_addstr(sb, " | ");
		for (size_t s = w->wave_start[k]; s < w->wave_start[k + 1]; s++)
			strbuf_addf(sb, "%s%s", s > w->wave_start[k] ? " " : "",
				    w->stacks[s]->stack_name);
	}
	return sb->buf;
}

TEST(waves_put_independent_stacks_together)
{
	struct sm_assembly a;
	struct plan_waves w;
	struct diag_list dl = DIAG_LIST_INIT;
	struct strbuf sb = STRBUF_INIT;
	solemate_like(&a);
	CHECK(plan_order(&a, NULL, 0, &w, &dl) == 0);
	CHECK_STR(wave_names(&w, &sb), "Network Baseline | Data | Compute | Monitoring Edge");
	plan_waves_release(&w);
	const char *only[] = {"Compute"};
	CHECK(plan_order(&a, only, 1, &w, &dl) == 0);
	CHECK_STR(wave_names(&w, &sb), "Network | Data | Compute");
	plan_waves_release(&w);
	CHECK(dl.nr == 0);
	strbuf_release(&sb);
	sm_assembly_release(&a);
}

TEST(unknown_stack_cycle_and_dangling_dependency_are_errors)
{
	struct sm_assembly a;
	struct plan_waves w;
	struct diag_list dl = DIAG_LIST_INIT;
	solemate_like(&a);
	const char *only[] = {"Computer"};
	CHECK(plan_order(&a, only, 1, &w, &dl) < 0);
	CHECK(dl.nr == 1 && strstr(dl.items[0].message, "no stack named 'Computer'"));
	sm_assembly_release(&a);
	diag_list_release(&dl);

	sm_assembly_init(&a);
	add_stack(&a, "A", "B");
	add_stack(&a, "B", "A");
	CHECK(plan_order(&a, NULL, 0, &w, &dl) < 0);
	CHECK(dl.nr == 1 && strstr(dl.items[0].message, "cycle"));
	sm_assembly_release(&a);
	diag_list_release(&dl);

	sm_assembly_init(&a);
	add_stack(&a, "A", "Gone");
	CHECK(plan_order(&a, NULL, 0, &w, &dl) < 0);
	CHECK(dl.nr == 1 && strstr(dl.items[0].message, "'Gone'"));
	sm_assembly_release(&a);
	diag_list_release(&dl);
}

static json_t *changes(const char *json)
{
	json_error_t e;
	return json_loads(json, 0, &e);
}

TEST(data_at_risk_is_refused_in_production_only_without_the_flag)
{
	struct diag_list dl = DIAG_LIST_INIT;
	struct cfn_schema *schema = cfn_schema_load("data/cfn-schema.txt", &dl);
	CHECK(schema != NULL);
	if (!schema)
		return;
	json_t *cs = changes("[{\"action\":\"Modify\",\"logicalId\":\"Database\","
			     "\"type\":\"AWS::RDS::DBInstance\",\"replacement\":\"True\"},"
			     "{\"action\":\"Modify\",\"logicalId\":\"Alarm\","
			     "\"type\":\"AWS::CloudWatch::Alarm\",\"replacement\":\"False\"}]");
	struct plan_policy prod = {.production = true, .approval = PLAN_APPROVE_BROADENING};
	struct plan_verdict v = {.reasons = STRBUF_INIT};
	plan_judge(cs, NULL, schema, &prod, &v);
	CHECK(v.action == PLAN_REFUSE && v.data_at_risk == 1 && v.changes == 2);
	CHECK(strstr(v.reasons.buf, "Database (AWS::RDS::DBInstance) would be replaced"));
	prod.yes = true; /* --yes is not --allow-data-loss */
	plan_judge(cs, NULL, schema, &prod, &v);
	CHECK(v.action == PLAN_REFUSE);
	prod.allow_data_loss = true;
	plan_judge(cs, NULL, schema, &prod, &v);
	CHECK(v.action == PLAN_GO);
	struct plan_policy staging = {.approval = PLAN_APPROVE_BROADENING};
	plan_judge(cs, NULL, schema, &staging, &v);
	CHECK(v.action == PLAN_ASK); /* still asked: data at risk */
	strbuf_release(&v.reasons);
	json_decref(cs);
	cfn_schema_free(schema);
}

TEST(removal_with_retain_is_safe_conditional_replacement_is_not)
{
	struct diag_list dl = DIAG_LIST_INIT;
	struct cfn_schema *schema = cfn_schema_load("data/cfn-schema.txt", &dl);
	if (!schema)
		return;
	json_t *old = changes("{\"Resources\":{\"Logs\":{\"Type\":\"AWS::S3::Bucket\","
			      "\"DeletionPolicy\":\"Retain\"},\"Db\":{\"Type\":"
			      "\"AWS::RDS::DBInstance\",\"DeletionPolicy\":\"Snapshot\"}}}");
	json_t *cs = changes("[{\"action\":\"Remove\",\"logicalId\":\"Logs\",\"type\":"
			     "\"AWS::S3::Bucket\"}]");
	struct plan_policy prod = {.production = true, .approval = PLAN_APPROVE_NEVER};
	struct plan_verdict v = {.reasons = STRBUF_INIT};
	plan_judge(cs, old, schema, &prod, &v);
	CHECK(v.action == PLAN_GO && v.data_at_risk == 0);
	json_decref(cs);
	cs = changes(
		"[{\"action\":\"Remove\",\"logicalId\":\"Db\",\"type\":\"AWS::RDS::DBInstance\"},"
		"{\"action\":\"Modify\",\"logicalId\":\"Key\",\"type\":\"AWS::KMS::Key\","
		"\"replacement\":\"Conditional\"}]");
	plan_judge(cs, old, schema, &prod, &v);
	CHECK(v.action == PLAN_REFUSE && v.data_at_risk == 2);
	CHECK(strstr(v.reasons.buf,
		     "Db (AWS::RDS::DBInstance) would be deleted (a final snapshot"));
	CHECK(strstr(v.reasons.buf, "Key (AWS::KMS::Key) may be replaced"));
	strbuf_release(&v.reasons);
	json_decref(cs);
	json_decref(old);
	cfn_schema_free(schema);
}

TEST(approvals_follow_require_approval)
{
	struct diag_list dl = DIAG_LIST_INIT;
	struct cfn_schema *schema = cfn_schema_load("data/cfn-schema.txt", &dl);
	if (!schema)
		return;
	json_t *plain =
		changes("[{\"action\":\"Add\",\"logicalId\":\"T\",\"type\":\"AWS::SNS::Topic\"}]");
	json_t *iam = changes("[{\"action\":\"Modify\",\"logicalId\":\"P\",\"type\":"
			      "\"AWS::IAM::ManagedPolicy\",\"replacement\":\"False\"}]");
	json_t *none = json_array();
	struct plan_policy p = {.approval = PLAN_APPROVE_BROADENING};
	struct plan_verdict v = {.reasons = STRBUF_INIT};
	plan_judge(plain, NULL, schema, &p, &v);
	CHECK(v.action == PLAN_GO);
	plan_judge(iam, NULL, schema, &p, &v);
	CHECK(v.action == PLAN_ASK && v.security == 1);
	p.approval = PLAN_APPROVE_ANY_CHANGE;
	plan_judge(plain, NULL, schema, &p, &v);
	CHECK(v.action == PLAN_ASK);
	p.yes = true;
	plan_judge(plain, NULL, schema, &p, &v);
	CHECK(v.action == PLAN_GO);
	plan_judge(none, NULL, schema, &p, &v);
	CHECK(v.action == PLAN_NOTHING);
	enum plan_approval a;
	CHECK(plan_approval_parse("broadening", &a) == 0 && a == PLAN_APPROVE_BROADENING);
	CHECK(plan_approval_parse("sometimes", &a) < 0);
	strbuf_release(&v.reasons);
	json_decref(plain);
	json_decref(iam);
	json_decref(none);
	cfn_schema_free(schema);
}

int main(void)
{
	RUN(waves_put_independent_stacks_together);
	RUN(unknown_stack_cycle_and_dangling_dependency_are_errors);
	RUN(data_at_risk_is_refused_in_production_only_without_the_flag);
	RUN(removal_with_retain_is_safe_conditional_replacement_is_not);
	RUN(approvals_follow_require_approval);
	return test_done();
}
