/*
 * The lifecycle layer without main: the wave runner (order, backwards for
 * destroy, a failed wave stops the later ones, an interruption stops the
 * run, each stack's diagnostics handed over), the ownership check, and with
 * SOLEMATE_TEST_ENDPOINT (tests/cli/aws_client_moto.sh runs it against
 * moto) a stack deployed and deployed again unchanged through
 * lc_deploy_stack, with what its progress callbacks reported, then refused
 * by lc_destroy_stack (moto keeps no environment on it) and found absent
 * once deleted. Without SOLEMATE_TEST_ENDPOINT that last case skips.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/strbuf.h"
#include "lifecycle/deploy.h"
#include "lifecycle/deploy_plan.h"
#include "lifecycle/destroy.h"
#include "lifecycle/session.h"
#include "support/test.h"

/* What the callbacks saw, in order, one line each. */
struct recorder {
	pthread_mutex_t lock;
	struct strbuf log;
	size_t events, diags;
	bool interrupt_after_first; /* interrupted() turns true after the first stack */
	size_t stacks_run;
};

/* "WHAT STACK: TEXT" (TEXT ends with its newline) */
static void rec_line(struct recorder *r, const char *what, const char *stack, const char *text)
{
	pthread_mutex_lock(&r->lock);
	strbuf_addf(&r->log, "%s %s: %s", what, stack ? stack : "-", text ? text : "\n");
	pthread_mutex_unlock(&r->lock);
}

static void rec_say(void *arg, const char *stack, const char *text)
{
	rec_line(arg, "say", stack, text);
}

static void rec_event(void *arg, const char *stack, const json_t *e, size_t done, size_t total,
		      bool alone)
{
	struct recorder *r = arg;
	(void)stack, (void)e, (void)done, (void)total, (void)alone;
	pthread_mutex_lock(&r->lock);
	r->events++;
	pthread_mutex_unlock(&r->lock);
}

static void rec_changes(void *arg, const char *stack, const char *cs, const json_t *changes,
			const bool *stateful)
{
	(void)cs, (void)stateful;
	char n[32];
	snprintf(n, sizeof(n), "%zu\n", json_array_size(changes));
	rec_line(arg, "changes", stack, n);
}

static void rec_outputs(void *arg, const char *stack, const json_t *outputs)
{
	(void)outputs;
	rec_line(arg, "outputs", stack, NULL);
}

static void rec_diags(void *arg, const struct diag_list *dl)
{
	struct recorder *r = arg;
	pthread_mutex_lock(&r->lock);
	r->diags += dl->nr;
	pthread_mutex_unlock(&r->lock);
}

static bool rec_interrupted(void *arg)
{
	struct recorder *r = arg;
	pthread_mutex_lock(&r->lock);
	bool yes = r->interrupt_after_first && r->stacks_run > 0;
	pthread_mutex_unlock(&r->lock);
	return yes;
}

static void recorder_init(struct recorder *r, struct lc_session *s)
{
	memset(r, 0, sizeof(*r));
	pthread_mutex_init(&r->lock, NULL);
	strbuf_init(&r->log, 0);
	s->progress = (struct lc_progress){
		.arg = r,
		.say = rec_say,
		.event = rec_event,
		.changes = rec_changes,
		.outputs = rec_outputs,
		.diags = rec_diags,
		.interrupted = rec_interrupted,
	};
}

static void recorder_release(struct recorder *r)
{
	strbuf_release(&r->log);
	pthread_mutex_destroy(&r->lock);
}

static void add_stack(struct sm_assembly *a, const char *name, const char *dep)
{
	struct sm_template *t = sm_assembly_add(a, name, name, "us-east-1", json_object());
	if (dep) {
		t->depends = malloc(sizeof(char *));
		t->depends[0] = strdup(dep);
		t->depends_nr = 1;
	}
}

/* Each stack run appends its name; a stack named in `fail` fails with a diagnostic. */
struct run_ctx {
	struct recorder *r;
	const char *fail;
};

static int run_one(struct lc_session *s, struct sm_template *t, void *arg, struct diag_list *dl)
{
	struct run_ctx *c = arg;
	(void)s;
	pthread_mutex_lock(&c->r->lock);
	strbuf_addf(&c->r->log, "%s ", t->stack_name);
	c->r->stacks_run++;
	pthread_mutex_unlock(&c->r->lock);
	if (c->fail && !strcmp(c->fail, t->stack_name)) {
		diag_add(dl, DIAG_ERROR, NULL, 0, 0, NULL, "%s failed", t->stack_name);
		return 1;
	}
	return 0;
}

/* Network <- Data <- Compute: three waves of one stack each, and a recorder. */
struct waves_fixture {
	struct sm_assembly a;
	struct plan_waves w;
	struct lc_session s;
	struct recorder r;
	struct run_ctx c;
	size_t skipped;
};

static void fixture_init(struct waves_fixture *f, const char *fail)
{
	struct diag_list dl = DIAG_LIST_INIT;
	memset(f, 0, sizeof(*f));
	sm_assembly_init(&f->a);
	add_stack(&f->a, "Compute", "Data");
	add_stack(&f->a, "Network", NULL);
	add_stack(&f->a, "Data", "Network");
	CHECK(plan_order(&f->a, NULL, 0, &f->w, &dl) == 0);
	diag_list_release(&dl);
	recorder_init(&f->r, &f->s);
	f->c = (struct run_ctx){&f->r, fail};
	f->skipped = 99;
}

static void fixture_release(struct waves_fixture *f)
{
	recorder_release(&f->r);
	plan_waves_release(&f->w);
	sm_assembly_release(&f->a);
}

TEST(waves_in_order_and_backwards)
{
	struct waves_fixture f;
	fixture_init(&f, NULL);
	CHECK(lc_run_waves(&f.s, &f.w, false, 4, run_one, &f.c, &f.skipped) == 0);
	CHECK(f.skipped == 0);
	CHECK_STR(f.r.log.buf, "Network Data Compute ");
	strbuf_reset(&f.r.log);
	CHECK(lc_run_waves(&f.s, &f.w, true, 4, run_one, &f.c, &f.skipped) == 0);
	CHECK_STR(f.r.log.buf, "Compute Data Network ");
	fixture_release(&f);
}

TEST(failed_wave_stops_the_later_ones)
{
	struct waves_fixture f;
	fixture_init(&f, "Data");
	CHECK(lc_run_waves(&f.s, &f.w, false, 2, run_one, &f.c, &f.skipped) == 1);
	CHECK(f.skipped == 1);
	CHECK_STR(f.r.log.buf, "Network Data ");
	CHECK(f.r.diags == 1); /* the failed stack's diagnostic went to progress.diags */
	fixture_release(&f);
}

TEST(interruption_stops_the_run)
{
	struct waves_fixture f;
	fixture_init(&f, NULL);
	f.r.interrupt_after_first = true;
	CHECK(lc_run_waves(&f.s, &f.w, false, 1, run_one, &f.c, &f.skipped) == 0);
	CHECK_STR(f.r.log.buf, "Network ");
	CHECK(f.skipped == 2);
	fixture_release(&f);
}

TEST(owner_check)
{
	struct diag_list dl = DIAG_LIST_INIT;
	struct cfn_stack st = {.name = "Net", .status = "CREATE_COMPLETE"};
	st.tags = json_pack("{ss}", "Environment", "staging");
	CHECK(lc_stack_owner_check(&st, "staging", &dl) == 0);
	CHECK(lc_stack_owner_check(&st, "production", &dl) < 0);
	CHECK(dl.nr == 1 && strstr(dl.items[0].message, "belongs to environment 'staging'"));
	json_decref(st.tags);
	st.tags = NULL;
	st.description = "SoleMate production: network (managed by solemate)";
	CHECK(lc_stack_owner_check(&st, "production", &dl) == 0);
	st.description = "someone else's";
	CHECK(lc_stack_owner_check(&st, "production", &dl) < 0);
	CHECK(dl.nr == 2 && strstr(dl.items[1].message, "records no environment"));
	st.status = "REVIEW_IN_PROGRESS"; /* a change set never executed: nothing in it */
	CHECK(lc_stack_owner_check(&st, "production", &dl) == 0);
	diag_list_release(&dl);
}

static const char template_body[] =
	"{\"Description\": \"SoleMate test: lifecycle (managed by solemate)\","
	" \"Resources\": {\"Topic\": {\"Type\": \"AWS::SNS::Topic\"},"
	" \"Kept\": {\"Type\": \"AWS::SQS::Queue\", \"DeletionPolicy\": \"Retain\"}},"
	" \"Outputs\": {\"TopicArn\": {\"Value\": {\"Ref\": \"Topic\"}}}}";

TEST(deploy_and_destroy_against_an_endpoint)
{
	const char *endpoint = getenv("SOLEMATE_TEST_ENDPOINT");
	if (!endpoint) {
		printf("# SKIP no SOLEMATE_TEST_ENDPOINT\n");
		return;
	}
	struct diag_list dl = DIAG_LIST_INIT;
	struct aws_creds creds = {0};
	CHECK(aws_creds_load(&(struct aws_creds_opts){.fallback_region = "us-east-1"}, &creds,
			     &dl) == 0);
	struct lc_session s;
	lc_session_init(&s, &creds, endpoint, 100);
	struct recorder r;
	recorder_init(&r, &s);
	struct sm_assembly a;
	sm_assembly_init(&a);
	char name[48];
	snprintf(name, sizeof(name), "sm-lifecycle-%ld", (long)time(NULL));
	struct sm_template *t =
		sm_assembly_add(&a, name, name, "us-east-1", json_loads(template_body, 0, NULL));
	struct lc_deploy_opts o = {.env = "test", .show_changes = true,
				   .policy = {.yes = true, .approval = PLAN_APPROVE_NEVER},
				   .schema = cfn_schema_load(NULL, &dl)};
	CHECK(o.schema != NULL);
	json_t *outputs = NULL;

	CHECK(lc_deploy_stack(&s, t, &o, &outputs, &dl) == LC_DEPLOY_DONE);
	/* moto 5.2 gives a stack made from a change set no Outputs: only their shape */
	CHECK(json_is_object(outputs));
	CHECK_CONTAINS(r.log.buf, "(CREATE)\n");
	CHECK_CONTAINS(r.log.buf, "changes");
	CHECK_CONTAINS(r.log.buf, ": 2\n"); /* two changes: the topic and the queue */
	CHECK_CONTAINS(r.log.buf, "CREATE_COMPLETE");
	CHECK(r.events > 0);
	json_decref(outputs);
	strbuf_reset(&r.log);
	CHECK(lc_deploy_stack(&s, t, &o, NULL, &dl) == LC_DEPLOY_UNCHANGED);
	CHECK_CONTAINS(r.log.buf, "no changes");

	struct strbuf kept = STRBUF_INIT;
	/*
	 * moto 5.2 drops the Description of a stack made from a change set, so
	 * this one records no environment: lc_destroy_stack refuses to touch
	 * it (real CloudFormation keeps "SoleMate test: ...", which passes).
	 */
	struct lc_destroy_opts d = {.env = "test"};
	CHECK(lc_destroy_stack(&s, t, &d, &kept, &dl) == LC_DESTROY_FAILED);
	CHECK(dl.nr == 1 && strstr(dl.items[0].message, "records no environment"));
	CHECK(kept.len == 0);
	diag_list_release(&dl);
	struct lc_client cc;
	lc_client_init(&s, "us-east-1", &cc);
	CHECK(cfn_delete_stack(&cc.c, name, &dl) == 0);
	lc_client_done(&s, &cc);
	CHECK(lc_destroy_stack(&s, t, &d, &kept, &dl) == LC_DESTROY_ABSENT);
	CHECK_CONTAINS(r.log.buf, "not deployed: nothing to delete");
	CHECK(s.requests > 0);
	for (size_t i = 0; i < dl.nr; i++)
		printf("#   diag: %s\n", dl.items[i].message);
	diag_list_release(&dl);
	recorder_release(&r);
	strbuf_release(&kept);
	sm_assembly_release(&a);
	cfn_schema_free(o.schema);
	lc_session_release(&s);
}

int main(void)
{
	RUN(waves_in_order_and_backwards);
	RUN(failed_wave_stops_the_later_ones);
	RUN(interruption_stops_the_run);
	RUN(owner_check);
	RUN(deploy_and_destroy_against_an_endpoint);
	return test_done();
}
