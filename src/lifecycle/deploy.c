/* Deploying one stack through a change set; whose stack it is. */
#include "aws/dynlib.h" /* first: libcrypto through the pointers loaded on first use */

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "analysis/diff.h"
#include "aws/describe.h"
#include "aws/stack_events.h"
#include "base/cfn_limits.h"
#include "base/common.h"
#include "base/json_io.h"
#include "base/strbuf.h"
#include "base/xalloc.h"
#include "lifecycle/deploy.h"
#include "lifecycle/lifecycle_int.h"
#include "lifecycle/watch.h"

static const char *jstr(const json_t *o, const char *k)
{
	const json_t *v = json_object_get(o, k);
	return json_is_string(v) ? json_string_value(v) : "";
}

/* ---- deploying one stack ---- */

static char *change_set_name(void)
{
	unsigned char rnd[4] = {0};
	time_t now = time(NULL);
	struct tm tm;
	char ts[32];
	gmtime_r(&now, &tm);
	strftime(ts, sizeof(ts), "%Y%m%d%H%M%S", &tm);
	struct diag_list ignore = DIAG_LIST_INIT;
	int loaded = aws_dynlib_load(&ignore); /* done by the calls before: cheap */
	diag_list_release(&ignore);
	if (loaded < 0 || RAND_bytes(rnd, sizeof(rnd)) != 1)
		memcpy(rnd, &now, sizeof(rnd) < sizeof(now) ? sizeof(rnd) : sizeof(now));
	return xstrfmt(LC_CHANGE_SET_PREFIX "%s-%02x%02x%02x%02x", ts, rnd[0], rnd[1], rnd[2],
		       rnd[3]);
}

/* Ours: our name prefix and our description (lc_deploy_stack sets both). */
static bool change_set_is_ours(const json_t *cs)
{
	return !strncmp(jstr(cs, "name"), LC_CHANGE_SET_PREFIX, strlen(LC_CHANGE_SET_PREFIX)) &&
	       !strcmp(jstr(cs, "description"), LC_CHANGE_SET_DESCRIPTION);
}

/*
 * A change set that could not be deleted is a loaded gun (issue 19): anyone
 * may execute it later, with changes no one approved. Said loudly, with the
 * command that removes it.
 */
static void change_set_left_behind(struct diag_list *dl, const struct aws_client *c,
				   const char *stack, const char *cs)
{
	struct diag *d = diag_add(dl, DIAG_ERROR, NULL, 0, 0, NULL,
				  "change set '%s' of stack '%s' could not be deleted: it is left "
				  "behind, and executing it would apply changes this run did not "
				  "approve",
				  cs, stack);
	diag_set_hint(d,
		      "delete it: aws cloudformation delete-change-set --stack-name %s "
		      "--change-set-name %s --region %s",
		      stack, cs, c->creds->region);
}

/*
 * Remove the change sets that earlier runs (killed, or denied
 * DeleteChangeSet) left on the stack, before a new one is made. 0, or -1
 * + diag when one could not be listed or deleted.
 */
static int remove_stale_change_sets(struct lc_session *s, struct aws_client *c, const char *stack,
				    struct diag_list *dl)
{
	json_t *list = NULL;
	size_t i;
	const json_t *cs;
	int ret = 0;
	if (cfn_list_change_sets(c, stack, &list, dl) < 0)
		return -1;
	json_array_foreach (list, i, cs) {
		const char *exec = jstr(cs, "executionStatus");
		if (!change_set_is_ours(cs) || !strcmp(exec, "EXECUTE_IN_PROGRESS") ||
		    !strcmp(exec, "EXECUTE_COMPLETE"))
			continue;
		lc_say(s, stack, "deleting change set %s (%s, %s) left by an earlier run\n",
		       jstr(cs, "name"), jstr(cs, "status"), exec);
		if (cfn_delete_change_set(c, stack, jstr(cs, "name"), dl) < 0) {
			change_set_left_behind(dl, c, stack, jstr(cs, "name"));
			ret = -1;
		}
	}
	json_decref(list);
	return ret;
}

/* Hand the change set to progress.changes, each change marked stateful or not. */
static void report_changes(struct lc_session *s, const char *stack, const char *cs_name,
			   const json_t *changes, struct cfn_schema *schema)
{
	if (!s->progress.changes)
		return;
	size_t n = json_array_size(changes), i;
	bool *stateful = xcalloc(n ? n : 1, sizeof(*stateful));
	const json_t *ch;
	pthread_mutex_lock(&s->lock);
	json_array_foreach (changes, i, ch) {
		const char *type = jstr(ch, "type");
		stateful[i] = cfn_schema_is_stateful(schema, type);
	}
	pthread_mutex_unlock(&s->lock);
	s->progress.changes(s->progress.arg, stack, cs_name, changes, stateful);
	free(stateful);
}

/*
 * Delete the change set; and when the stack exists only because of it
 * (REVIEW_IN_PROGRESS after a CREATE change set), the empty stack too, so
 * that a retry starts clean.
 */
static int discard_change_set(struct lc_session *s, struct aws_client *c, const char *stack,
			      const char *cs, bool created_stack, struct diag_list *dl)
{
	if (cfn_delete_change_set(c, stack, cs, dl) < 0) {
		change_set_left_behind(dl, c, stack, cs);
		return -1;
	}
	if (!created_stack)
		return 0;
	struct cfn_stack st = {0};
	if (cfn_describe_stack(c, stack, &st, dl) == 1 && st.status &&
	    !strcmp(st.status, "REVIEW_IN_PROGRESS") && cfn_delete_stack(c, stack, dl) == 0) {
		/*
		 * Wait (a bounded while, Ctrl-C or not) for the deletion, so that
		 * a deploy right after does not find the stack half gone.
		 */
		char *id = st.id ? xstrdup(st.id) : xstrdup(stack);
		unsigned waited = 0, step = s->poll_ms ? s->poll_ms : 1;
		for (;;) {
			cfn_stack_release(&st);
			int r = cfn_describe_stack(c, id, &st, dl);
			if (r <= 0 || !st.status || strcmp(st.status, "DELETE_IN_PROGRESS") ||
			    waited >= 60000)
				break;
			struct timespec ts = {step / 1000, (long)(step % 1000) * 1000000L};
			nanosleep(&ts, NULL);
			waited += step;
		}
		free(id);
	}
	cfn_stack_release(&st);
	return 0;
}

static void explain_interrupt(struct lc_session *s, const struct sm_template *t,
			      const struct lc_deploy_opts *o, const char *region,
			      const char *status)
{
	lc_say(s, t->stack_name,
	       "interrupted: stopped waiting; CloudFormation goes on with the stack (%s)\n",
	       status ? status : "in progress");
	lc_say(s, t->stack_name,
	       "  follow it:  aws cloudformation describe-stack-events --stack-name %s "
	       "--region %s\n",
	       t->stack_name, region);
	if (o->resume_cmd)
		lc_say(s, t->stack_name, "  resume:     %s --stack %s (once it has settled)\n",
		       o->resume_cmd, t->stack_name);
	else
		lc_say(s, t->stack_name,
		       "  resume:     solemate deploy --env %s --stack %s (once it has settled)\n",
		       o->env ? o->env : "NAME", t->stack_name);
}

/*
 * Turn termination protection on. A stack that deployed but could not be
 * protected is not a failed deploy, and not a success either: it is said
 * loudly, with the command that finishes the job.
 */
static enum lc_deploy_result protect(struct lc_session *s, struct aws_client *c, const char *name,
				     enum lc_deploy_result res, struct diag_list *dl)
{
	struct diag_list tp = DIAG_LIST_INIT;
	if (cfn_update_termination_protection(c, name, true, &tp) == 0) {
		lc_say(s, name, "termination protection on\n");
		diag_list_release(&tp);
		return res;
	}
	diag_list_move(dl, &tp);
	struct diag *d = diag_add(dl, DIAG_ERROR, NULL, 0, 0, NULL,
				  "stack '%s' is deployed, but termination protection could not be "
				  "turned on",
				  name);
	diag_set_hint(d,
		      "aws cloudformation update-termination-protection "
		      "--enable-termination-protection --stack-name %s",
		      name);
	return LC_DEPLOY_UNPROTECTED;
}

/* The region of a stack of the manifest (its artifact's environment). */
static const char *artifact_region(struct lc_session *s, const json_t *arts, const char *stack)
{
	const char *env = jstr(json_object_get(arts, stack), "environment");
	const char *slash = strrchr(env, '/');
	return s->forced_region				      ? s->forced_region
	       : slash && strcmp(slash + 1, "unknown-region") ? slash + 1
							      : s->creds.region;
}

/*
 * A parameter only the account can tell (manifest metadata "solemate:lookup",
 * engine.h): "ec2:managed-prefix-list" is the ID of the AWS-managed prefix
 * list `name` in the stack's region (they differ per region);
 * "cloudformation:output" is an output of a stack that may not be deployed
 * yet ("optional": then the parameter's Default applies, and `deploy` runs
 * the stack again once that stack is). 0 with *value (owned, NULL: leave
 * the parameter to its Default), -1 with a diagnostic.
 */
static int lookup_value(struct lc_session *s, const json_t *arts, const char *stack,
			const json_t *d, char **value, struct diag_list *dl)
{
	const char *kind = jstr(d, "lookup");
	struct lc_client cc;
	*value = NULL;
	if (!strcmp(kind, "ec2:managed-prefix-list")) {
		const char *region = artifact_region(s, arts, stack), *name = jstr(d, "name");
		lc_client_init(s, region, &cc);
		int rc = ec2_prefix_list_id(&cc.c, name, value, dl);
		lc_client_done(s, &cc);
		if (rc == 0 && !*value) {
			struct diag *dg =
				diag_add(dl, DIAG_ERROR, NULL, 0, 0, NULL,
					 "stack '%s' needs the managed prefix list %s, which EC2 "
					 "does not have in %s",
					 stack, name, region);
			diag_set_hint(dg,
				      "aws ec2 describe-managed-prefix-lists --region %s --filters "
				      "Name=prefix-list-name,Values=%s",
				      region, name);
			rc = -1;
		}
		return rc;
	}
	if (!strcmp(kind, "cloudformation:output")) {
		const char *producer = jstr(d, "stack"), *output = jstr(d, "output");
		struct cfn_stack st = {0};
		lc_client_init(s, artifact_region(s, arts, producer), &cc);
		int r = cfn_describe_stack(&cc.c, producer, &st, dl);
		const json_t *v = r == 1 && st.status && strcmp(st.status, "DELETE_COMPLETE")
					  ? json_object_get(st.outputs, output)
					  : NULL;
		if (json_is_string(v))
			*value = xstrdup(json_string_value(v));
		cfn_stack_release(&st);
		lc_client_done(s, &cc);
		return r < 0 ? -1 : 0;
	}
	diag_add(dl, DIAG_ERROR, NULL, 0, 0, NULL,
		 "stack '%s': unknown lookup '%s' in the manifest (a newer solemate wrote it?)",
		 stack, kind);
	return -1;
}

/*
 * The values of the parameters the engine made for references across
 * regions (manifest metadata "solemate:cross-region-ref"): each is an
 * output of a stack of another region, deployed in an earlier wave; and of
 * those looked up at deploy time ("solemate:lookup", lookup_value()).
 * NULL and no diagnostic when the stack has none; NULL + diag on error.
 */
static json_t *cross_region_parameters(struct lc_session *s, const json_t *manifest,
				       const char *stack, int *err, struct diag_list *dl)
{
	const json_t *arts = json_object_get(manifest, "artifacts");
	char *key = xstrfmt("/%s", stack);
	const json_t *entries =
		json_object_get(json_object_get(json_object_get(arts, stack), "metadata"), key);
	free(key);
	json_t *params = NULL;
	size_t i;
	const json_t *e;
	*err = 0;
	json_array_foreach (entries, i, e) {
		if (!strcmp(jstr(e, "type"), "solemate:lookup")) {
			const json_t *d = json_object_get(e, "data");
			char *v;
			if (lookup_value(s, arts, stack, d, &v, dl) < 0) {
				*err = 1;
				break;
			}
			if (v) {
				if (!params)
					params = json_object();
				json_object_set_new(params, jstr(d, "parameter"), json_string(v));
				free(v);
			}
			continue;
		}
		if (strcmp(jstr(e, "type"), "solemate:cross-region-ref"))
			continue;
		const json_t *d = json_object_get(e, "data");
		const char *producer = jstr(d, "producerStack"), *output = jstr(d, "output");
		const char *region = artifact_region(s, arts, producer);
		struct lc_client cc;
		struct cfn_stack st = {0};
		lc_client_init(s, region, &cc);
		int r = cfn_describe_stack(&cc.c, producer, &st, dl);
		const json_t *v = r == 1 ? json_object_get(st.outputs, output) : NULL;
		if (r >= 0 && !json_is_string(v)) {
			struct diag *dg =
				diag_add(dl, DIAG_ERROR, NULL, 0, 0, NULL,
					 "stack '%s' needs output %s of stack '%s' (%s), which "
					 "%s",
					 stack, output, producer, region,
					 r == 1 ? "it does not have" : "is not deployed");
			diag_set_hint(dg, "deploy '%s' first (solemate deploy --stack %s does)",
				      producer, stack);
		}
		if (json_is_string(v)) {
			if (!params)
				params = json_object();
			json_object_set_new(params, jstr(d, "parameter"),
					    json_string(json_string_value(v)));
		} else {
			*err = 1;
		}
		cfn_stack_release(&st);
		lc_client_done(s, &cc);
		if (*err)
			break;
	}
	if (*err) {
		json_decref(params);
		return NULL;
	}
	return params;
}

/* Wait for the change set to be computed: 0 ready, 1 no changes, 2 interrupted, -1 failed. */
static int wait_change_set(struct lc_session *s, struct aws_client *c, const char *stack,
			   const char *cs, struct cfn_change_set *out, struct diag_list *dl)
{
	for (;;) {
		cfn_change_set_release(out);
		if (cfn_describe_change_set(c, stack, cs, out, dl) < 0)
			return -1;
		const char *st = out->status ? out->status : "";
		if (!strcmp(st, "CREATE_COMPLETE"))
			return 0;
		if (!strcmp(st, "FAILED")) {
			if (cfn_no_changes_reason(out->status_reason))
				return 1;
			diag_add(dl, DIAG_ERROR, NULL, 0, 0, NULL,
				 "CloudFormation could not create the change set of '%s': %s",
				 stack,
				 out->status_reason ? out->status_reason : "no reason given");
			return -1;
		}
		if (strcmp(st, "CREATE_PENDING") && strcmp(st, "CREATE_IN_PROGRESS")) {
			diag_add(dl, DIAG_ERROR, NULL, 0, 0, NULL,
				 "change set %s of '%s' is in an unexpected state '%s'", cs, stack,
				 st);
			return -1;
		}
		/* change sets take seconds: poll faster than stack events */
		if (!lc_sleep(s, s->poll_ms < 1000 ? s->poll_ms : 1000))
			return 2;
	}
}

/*
 * The IAM statements and security-group rules the change adds and removes,
 * as diff shows them (the deployed template against the new one), line by
 * line so that each carries the stack's name among parallel stacks.
 */
static void show_security_tables(struct lc_session *s, const char *name, const json_t *old_tmpl,
				 const json_t *new_tmpl)
{
	json_t *iam, *sg;
	struct strbuf sb = STRBUF_INIT;
	diff_security_tables(old_tmpl, new_tmpl, &iam, &sg);
	diff_security_write(&sb, iam, sg, false);
	for (char *line = sb.buf, *nl; *line; line = nl + 1) {
		nl = strchr(line, '\n');
		*nl = '\0';
		lc_say(s, name, "%s\n", line);
	}
	strbuf_release(&sb);
	json_decref(iam);
	json_decref(sg);
}

/* Why the question is asked: the policy, and what in the change set meets it. */
static void say_why_approval(struct lc_session *s, const char *name, const struct plan_verdict *v,
			     const struct plan_policy *p)
{
	if (p->approval == PLAN_APPROVE_ANY_CHANGE)
		lc_say(s, name,
		       "approval needed: --require-approval any-change asks about every "
		       "change set\n");
	if (v->security)
		lc_say(s, name,
		       "approval needed: %zu change%s to IAM, security groups or resource "
		       "policies (--require-approval broadening, the default; the tables above "
		       "show what they grant)\n",
		       v->security, v->security == 1 ? "" : "s");
	if (v->data_at_risk)
		lc_say(s, name, "approval needed: %zu stateful resource%s replaced or deleted\n",
		       v->data_at_risk, v->data_at_risk == 1 ? "" : "s");
}

/*
 * One deploy of one stack, carried through its steps: prepare the stack
 * (prepare_stack), make the change set (make_change_set), judge it and ask
 * (approve), execute it and follow it (execute). Each step returns 0 to go
 * on, -1 to stop with d->res; lc_deploy_stack releases what they hold.
 */
struct deploy_run {
	struct lc_session *s;
	const struct sm_template *t;
	const struct lc_deploy_opts *o;
	struct diag_list *dl;
	struct aws_client *c;
	const char *region, *name;
	const char *type; /* "CREATE" or "UPDATE" */
	int exists;	  /* the stack exists (1), not (0), or could not be told (-1) */
	bool created_stack;
	struct cfn_stack cur;
	struct cfn_change_set cs;
	struct lc_watch w;
	struct plan_verdict v;
	char *body, *url, *cs_id, *cs_name;
	json_t *old_tmpl, *params;
	enum lc_deploy_result res;
};

/* Delete a stack whose first creation failed (ROLLBACK_COMPLETE): it holds nothing. */
static int delete_failed_creation(struct deploy_run *d, const char *st)
{
	lc_say(d->s, d->name,
	       "%s after a failed first creation: deleting it before creating it again\n", st);
	struct lc_watch dw = {.stack = d->name, .stack_id = d->cur.id};
	if (lc_watch_begin(d->s, d->c, &dw, d->dl) < 0 ||
	    cfn_delete_stack(d->c, d->name, d->dl) < 0) {
		lc_watch_release(&dw);
		return -1;
	}
	int r = lc_watch_run(d->s, d->c, &dw, d->dl);
	bool gone = dw.gone;
	lc_watch_release(&dw);
	if (r == 1) {
		d->res = LC_DEPLOY_INTERRUPTED;
		return -1;
	}
	if (r < 0 || !gone) {
		diag_add(d->dl, DIAG_ERROR, NULL, 0, 0, NULL,
			 "could not delete the failed stack '%s'", d->name);
		return -1;
	}
	return 0;
}

/* Step 1: the stack as it is: ours, settled, CREATE or UPDATE (and its template then). */
static int prepare_stack(struct deploy_run *d)
{
	d->exists = cfn_describe_stack(d->c, d->name, &d->cur, d->dl);
	if (d->exists < 0)
		return -1;
	if (d->exists && d->cur.status && !strcmp(d->cur.status, "DELETE_COMPLETE"))
		d->exists = 0; /* a deleted stack's name is free again */
	if (d->exists && d->o->owner_env &&
	    lc_stack_owner_check(&d->cur, d->o->owner_env, d->dl) < 0) {
		d->res = LC_DEPLOY_REFUSED;
		return -1;
	}
	d->type = "CREATE";
	if (!d->exists)
		return 0;
	const char *st = d->cur.status ? d->cur.status : "";
	if (!strcmp(st, "ROLLBACK_COMPLETE") || !strcmp(st, "ROLLBACK_FAILED"))
		return delete_failed_creation(d, st);
	if (!strcmp(st, "REVIEW_IN_PROGRESS")) /* made by a change set never executed: a CREATE */
		return remove_stale_change_sets(d->s, d->c, d->name, d->dl);
	if (stack_status_state(st) == STACK_IN_PROGRESS) {
		struct diag *e =
			diag_add(d->dl, DIAG_ERROR, NULL, 0, 0, NULL,
				 "stack '%s' is %s: another operation is running", d->name, st);
		diag_set_hint(e,
			      "wait for it to settle (aws cloudformation describe-stack-events "
			      "--stack-name %s), then deploy again",
			      d->name);
		return -1;
	}
	d->type = "UPDATE";
	if (remove_stale_change_sets(d->s, d->c, d->name, d->dl) < 0)
		return -1;
	int err;
	d->old_tmpl = lc_deployed_template(d->c, d->name, &err, d->dl);
	return err ? -1 : 0;
}

/* Step 2: upload the template when needed, create the change set, wait for it. */
static int make_change_set(struct deploy_run *d)
{
	size_t len = 0;
	/*
	 * Compact: CloudFormation's 51,200 bytes bound the TemplateBody as sent,
	 * and the indented text on disk is about twice the size (CreateChangeSet,
	 * TemplateBody); a template above it even so goes by S3.
	 */
	d->body = json_dumps(d->t->tmpl, JSON_COMPACT);
	if (!d->body) {
		diag_add(d->dl, DIAG_ERROR, NULL, 0, 0, NULL,
			 "could not serialise the template of '%s'", d->name);
		return -1;
	}
	len = strlen(d->body);
	if (len > CFN_MAX_INLINE_TEMPLATE_BYTES || d->o->upload_always) {
		d->url = lc_upload_template(d->c, d->o->env, d->name, d->body, len, d->dl);
		if (!d->url)
			return -1;
		lc_say(d->s, d->name, "template (%zu bytes) uploaded to %s\n", len, d->url);
	}
	int perr;
	d->params = cross_region_parameters(d->s, d->o->manifest, d->name, &perr, d->dl);
	if (perr)
		return -1;
	d->cs_name = change_set_name();
	struct cfn_change_set_input in = {
		.parameters = d->params,
		.stack = d->name,
		.name = d->cs_name,
		.type = d->type,
		.template_body = d->url ? NULL : d->body,
		.template_url = d->url,
		.description = LC_CHANGE_SET_DESCRIPTION,
		.role_arn = d->o->role_arn,
	};
	lc_say(d->s, d->name, "creating change set %s (%s)\n", d->cs_name, d->type);
	d->created_stack = !strcmp(d->type, "CREATE");
	struct diag_list create_dl = DIAG_LIST_INIT;
	int cr = cfn_create_change_set(d->c, &in, &d->cs_id, &create_dl);
	if (cr == 1) {
		/* refused as empty at creation (moto; UpdateStack's wording): no change set made */
		lc_say(d->s, d->name, "no changes\n");
		d->res = LC_DEPLOY_UNCHANGED;
		diag_list_release(&create_dl);
		return -1;
	}
	if (cr < 0) {
		/*
		 * A retried CreateChangeSet whose first attempt went through
		 * (the answer was lost) fails with AlreadyExists: the name is
		 * ours alone, so a change set of that name is the one we made.
		 */
		struct diag_list ignore = DIAG_LIST_INIT;
		bool there =
			cfn_describe_change_set(d->c, d->name, d->cs_name, &d->cs, &ignore) == 0;
		cfn_change_set_release(&d->cs);
		if (!there) {
			diag_list_move(d->dl, &create_dl);
			discard_change_set(d->s, d->c, d->name, d->cs_name, d->created_stack,
					   &ignore);
			diag_list_release(&ignore);
			return -1;
		}
		diag_list_release(&ignore);
	}
	diag_list_release(&create_dl);

	int r = wait_change_set(d->s, d->c, d->name, d->cs_name, &d->cs, d->dl);
	if (r == 0)
		return 0;
	int gone = discard_change_set(d->s, d->c, d->name, d->cs_name, d->created_stack, d->dl);
	if (r == 1) {
		lc_say(d->s, d->name, "no changes\n");
		/* not a success while its change set stays behind (issue 19) */
		d->res = gone < 0 ? LC_DEPLOY_FAILED : LC_DEPLOY_UNCHANGED;
	} else if (r == 2) {
		lc_say(d->s, d->name, "interrupted: %s, nothing was changed\n",
		       gone < 0 ? "the change set could not be deleted" : "change set deleted");
		d->res = LC_DEPLOY_INTERRUPTED;
	}
	return -1;
}

/* Step 3: judge the change set, show it, ask when the policy wants; true to execute. */
static bool approve(struct deploy_run *d)
{
	struct lc_session *s = d->s;
	const struct lc_deploy_opts *o = d->o;
	if (o->show_changes)
		report_changes(s, d->name, d->cs_name, d->cs.changes, o->schema);
	pthread_mutex_lock(&s->lock);
	plan_judge(d->cs.changes, d->old_tmpl, o->schema, &o->policy, &d->v);
	pthread_mutex_unlock(&s->lock);
	if (o->show_changes && d->v.action != PLAN_NOTHING)
		show_security_tables(s, d->name, d->old_tmpl, d->t->tmpl);

	switch (d->v.action) {
	case PLAN_NOTHING:
		lc_say(s, d->name, "no changes\n");
		d->res = LC_DEPLOY_UNCHANGED;
		return false;
	case PLAN_REFUSE:
		lc_say(s, d->name, "%s", d->v.reasons.buf);
		lc_say(s, d->name,
		       "refused: this would lose data in %s; nothing was changed. If it is "
		       "intended, deploy again with --allow-data-loss\n",
		       o->env ? o->env : "a protected environment");
		d->res = LC_DEPLOY_REFUSED;
		return false;
	case PLAN_ASK:
		if (d->v.reasons.len)
			lc_say(s, d->name, "%s", d->v.reasons.buf);
		say_why_approval(s, d->name, &d->v, &o->policy);
		if (!s->progress.confirm) {
			lc_say(s, d->name,
			       "not approved: %zu change%s need approval (--require-approval) "
			       "and there is no terminal to ask; pass --yes to approve\n",
			       d->v.changes, d->v.changes == 1 ? "" : "s");
			d->res = LC_DEPLOY_REFUSED;
			return false;
		}
		char *q = xstrfmt("deploy these changes to %s?", d->name);
		bool go = s->progress.confirm(s->progress.arg, q);
		free(q);
		if (!go) {
			lc_say(s, d->name, "not deployed: the change set is deleted\n");
			d->res = lc_interrupted(s) ? LC_DEPLOY_INTERRUPTED : LC_DEPLOY_REFUSED;
		}
		return go;
	case PLAN_GO:
		if (d->v.reasons.len)
			lc_say(s, d->name, "%s", d->v.reasons.buf);
		return true;
	}
	return false;
}

/* Step 4: execute the change set, follow the stack to its end, report its outputs. */
static int execute(struct deploy_run *d, json_t **outputs_out)
{
	struct lc_session *s = d->s;
	d->w.stack = d->name;
	d->w.total = json_array_size(d->cs.changes);
	if (lc_watch_begin(s, d->c, &d->w, d->dl) < 0) {
		discard_change_set(s, d->c, d->name, d->cs_name, d->created_stack, d->dl);
		return -1;
	}
	struct diag_list exec_dl = DIAG_LIST_INIT;
	if (cfn_execute_change_set(d->c, d->name, d->cs_name, &exec_dl) < 0) {
		/*
		 * A retried ExecuteChangeSet whose first attempt went through is
		 * refused ("cannot be executed in its current status"): the
		 * change set says whether it runs.
		 */
		struct cfn_change_set now = {0};
		struct diag_list ignore = DIAG_LIST_INIT;
		int dr = cfn_describe_change_set(d->c, d->name, d->cs_name, &now, &ignore);
		bool running = dr == 0 && now.execution_status &&
			       strncmp(now.execution_status, "EXECUTE_", 8) == 0;
		cfn_change_set_release(&now);
		diag_list_release(&ignore);
		if (!running) {
			diag_list_move(d->dl, &exec_dl);
			discard_change_set(s, d->c, d->name, d->cs_name, d->created_stack, d->dl);
			return -1;
		}
	}
	diag_list_release(&exec_dl);
	lc_say(s, d->name, "executing change set (%zu change%s)\n", d->w.total,
	       d->w.total == 1 ? "" : "s");
	int r = lc_watch_run(s, d->c, &d->w, d->dl);
	if (r == 1) {
		explain_interrupt(s, d->t, d->o, d->region, d->w.final.status);
		d->res = LC_DEPLOY_INTERRUPTED;
		return -1;
	}
	if (r < 0)
		return -1;
	if (stack_status_state(d->w.final.status) != STACK_OK) {
		const json_t *rc = stack_events_root_cause(d->w.events);
		struct diag *e;
		if (rc)
			e = diag_add(d->dl, DIAG_ERROR, NULL, 0, 0, NULL,
				     "stack '%s' failed (%s): %s %s (%s): %s", d->name,
				     d->w.final.status, jstr(rc, "status"), jstr(rc, "logicalId"),
				     jstr(rc, "type"), jstr(rc, "reason"));
		else
			e = diag_add(d->dl, DIAG_ERROR, NULL, 0, 0, NULL,
				     "stack '%s' failed (%s): %s", d->name, d->w.final.status,
				     d->w.final.status_reason ? d->w.final.status_reason
							      : "no reason given");
		diag_set_hint(e, "CloudFormation rolled the stack back; fix the cause and deploy "
				 "again");
		return -1;
	}
	lc_say(s, d->name, "%s\n", d->w.final.status);
	if (s->progress.outputs && json_object_size(d->w.final.outputs))
		s->progress.outputs(s->progress.arg, d->name, d->w.final.outputs);
	if (outputs_out)
		*outputs_out = json_incref(d->w.final.outputs);
	d->res = LC_DEPLOY_DONE;
	if (d->o->termination_protection && !d->w.final.termination_protection)
		d->res = protect(s, d->c, d->name, d->res, d->dl);
	return 0;
}

enum lc_deploy_result lc_deploy_stack(struct lc_session *s, const struct sm_template *t,
				      const struct lc_deploy_opts *o, json_t **outputs_out,
				      struct diag_list *dl)
{
	struct lc_client cc;
	struct deploy_run d = {.s = s, .t = t, .o = o, .dl = dl, .res = LC_DEPLOY_FAILED};
	d.region = lc_stack_region(s, t);
	d.name = t->stack_name;
	if (outputs_out)
		*outputs_out = NULL;
	strbuf_init(&d.v.reasons, 0);
	lc_client_init(s, d.region, &cc);
	d.c = &cc.c;

	if (prepare_stack(&d) == 0 && make_change_set(&d) == 0) {
		bool go = approve(&d);
		if (go && !lc_interrupted(s)) {
			execute(&d, outputs_out);
		} else {
			if (go)
				d.res = LC_DEPLOY_INTERRUPTED;
			/* a refused or unchanged run must not leave an executable change set */
			if (discard_change_set(s, d.c, d.name, d.cs_name, d.created_stack, dl) <
				    0 &&
			    d.res == LC_DEPLOY_UNCHANGED)
				d.res = LC_DEPLOY_FAILED;
		}
	}
	if (d.res == LC_DEPLOY_UNCHANGED && d.exists == 1 && o->termination_protection &&
	    !d.cur.termination_protection)
		d.res = protect(s, d.c, d.name, d.res, dl);
	lc_client_done(s, &cc);
	lc_watch_release(&d.w);
	strbuf_release(&d.v.reasons);
	cfn_change_set_release(&d.cs);
	cfn_stack_release(&d.cur);
	json_decref(d.old_tmpl);
	json_decref(d.params);
	free(d.body);
	free(d.url);
	free(d.cs_id);
	free(d.cs_name);
	return d.res;
}
