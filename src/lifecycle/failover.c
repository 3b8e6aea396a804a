/*
 * Regional failover (failover.h): a plan from read-only calls, then the
 * changes, each waited for. Every step first looks at what is there, so
 * that a second run after an interruption or a failure goes on where the
 * first stopped instead of doing anything twice.
 */
#include "lifecycle/failover.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "aws/cfn.h"
#include "base/common.h"
#include "base/strbuf.h"
#include "base/xalloc.h"

static void say(const struct failover_opts *o, enum failover_step step, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void say(const struct failover_opts *o, enum failover_step step, const char *fmt, ...)
{
	if (!o->cb.say)
		return;
	struct strbuf sb = STRBUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	o->cb.say(o->cb.arg, step, sb.buf);
	strbuf_release(&sb);
}

void failover_plan_release(struct failover_plan *p)
{
	free(p->replica_id);
	free(p->cluster);
	free(p->service);
	free(p->zone);
	free(p->record_name);
	rds_instance_release(&p->replica);
	ecs_service_release(&p->svc);
	for (size_t i = 0; i < p->names_nr; i++) {
		free(p->names[i].name);
		r53_records_free(p->names[i].records, p->names[i].records_nr);
		r53_record_release(&p->names[i].new_primary);
	}
	free(p->dns_reason);
	memset(p, 0, sizeof(*p));
}

/* What a promotion shows (USER_ReadRepl.Promote: RDS reboots the instance before it is available).
 */
static bool settling(const char *status)
{
	static const char *const names[] = {"modifying", "rebooting", "renaming",
					    "configuring-enhanced-monitoring", NULL};
	for (size_t i = 0; status && names[i]; i++)
		if (!strcmp(status, names[i]))
			return true;
	return false;
}

int failover_judge_replica(const struct rds_instance *db, enum failover_action *out,
			   const char **why)
{
	bool available = db->status && !strcmp(db->status, "available");
	if (available) {
		/* a replica is promoted; a standalone instance was (an earlier run, or by hand) */
		*out = db->source ? FAILOVER_DO : FAILOVER_DONE;
		return 0;
	}
	if (settling(db->status)) {
		/*
		 * A promotion under way (an interrupted run; RDS still names the
		 * source early on), or another change: waited for, then promoted
		 * if it is still a replica.
		 */
		*out = FAILOVER_WAIT;
		return 0;
	}
	/*
	 * RDS promotes only an available replica: "a read replica cannot be
	 * promoted ... when it is in the backing-up status"
	 * (https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_PromoteReadReplica.html).
	 */
	*why = db->source ? "a read replica is promoted only when it is available"
			  : "the instance is neither a read replica nor available";
	return -1;
}

/* (1) The DR stack and the contract's outputs. */
static enum failover_result read_stack(struct aws_client *c, const struct failover_opts *o,
				       struct failover_plan *p, struct diag_list *dl)
{
	struct cfn_stack st;
	int found = cfn_describe_stack(c, o->stack, &st, dl);
	if (found < 0)
		return FAILOVER_CALL_FAILED;
	if (!found) {
		struct diag *d =
			diag_add(dl, DIAG_ERROR, NULL, 0, 0, NULL,
				 "the DR stack '%s' does not exist in the DR region", o->stack);
		diag_set_hint(d, "deploy the environment with drReadiness pilot-light or "
				 "warm-standby first; with backup-restore, restore from the "
				 "copied snapshots (docs/deployment.md, Regional failover)");
		return FAILOVER_NO_DR;
	}
	say(o, FAILOVER_STEP_STACK, "%s: %s", o->stack, st.status);
	static const struct {
		const char *key;
		size_t off;
		bool required;
	} outs[] = {
		{FAILOVER_OUTPUT_REPLICA, offsetof(struct failover_plan, replica_id), true},
		{FAILOVER_OUTPUT_CLUSTER, offsetof(struct failover_plan, cluster), true},
		{FAILOVER_OUTPUT_SERVICE, offsetof(struct failover_plan, service), true},
		{FAILOVER_OUTPUT_ZONE, offsetof(struct failover_plan, zone), false},
		{FAILOVER_OUTPUT_RECORD, offsetof(struct failover_plan, record_name), false},
	};
	enum failover_result r = FAILOVER_OK;
	for (size_t i = 0; i < sizeof(outs) / sizeof(outs[0]); i++) {
		const json_t *v = json_object_get(st.outputs, outs[i].key);
		if (json_is_string(v) && *json_string_value(v)) {
			*(char **)((char *)p + outs[i].off) = xstrdup(json_string_value(v));
		} else if (outs[i].required) {
			struct diag *d = diag_add(dl, DIAG_ERROR, NULL, 0, 0, NULL,
						  "the DR stack '%s' has no output '%s'", o->stack,
						  outs[i].key);
			diag_set_hint(d, "the stack predates the failover contract, or its "
					 "drReadiness keeps no standby: deploy it with "
					 "pilot-light or warm-standby");
			r = FAILOVER_NO_DR;
		}
	}
	/* the tasks to run once failed over, as the stack was deployed with them */
	const json_t *active = json_object_get(st.outputs, FAILOVER_OUTPUT_ACTIVE);
	char *end = NULL;
	long n = json_is_string(active) ? strtol(json_string_value(active), &end, 10) : 0;
	p->desired = end && !*end && n > 0 ? n : o->desired;
	cfn_stack_release(&st);
	return r;
}

/* (2) The replica. */
static enum failover_result read_replica(struct aws_client *c, const struct failover_opts *o,
					 struct failover_plan *p, struct diag_list *dl)
{
	int found = rds_describe_instance(c, p->replica_id, &p->replica, dl);
	if (found < 0)
		return FAILOVER_CALL_FAILED;
	if (!found) {
		diag_add(dl, DIAG_ERROR, NULL, 0, 0, NULL,
			 "the DR stack names the replica '%s', which does not exist",
			 p->replica_id);
		return FAILOVER_NOT_READY;
	}
	const struct rds_instance *db = &p->replica;
	say(o, FAILOVER_STEP_REPLICA, "%s: %s%s%s%s%s", db->id ? db->id : p->replica_id,
	    db->status ? db->status : "(no status)", db->source ? ", replica of " : ", standalone",
	    db->source ? db->source : "", db->replication_status ? ", replication " : "",
	    db->replication_status ? db->replication_status : "");
	const char *why = NULL;
	if (failover_judge_replica(db, &p->promote, &why) < 0) {
		struct diag *d =
			diag_add(dl, DIAG_ERROR, NULL, 0, 0, NULL,
				 "the replica '%s' cannot be promoted now: it is '%s' (%s)",
				 p->replica_id, db->status ? db->status : "?", why);
		diag_set_hint(d,
			      "wait until it is available (aws rds wait db-instance-available "
			      "--db-instance-identifier %s), then run failover again; nothing "
			      "was changed",
			      p->replica_id);
		return FAILOVER_NOT_READY;
	}
	if (db->source && !db->replication_normal)
		say(o, FAILOVER_STEP_REPLICA,
		    "replication is not normal (%s%s%s): what the primary wrote since the "
		    "replica last applied is lost with the promotion (the RPO)",
		    db->replication_status ? db->replication_status : "?",
		    db->replication_message ? ": " : "",
		    db->replication_message ? db->replication_message : "");
	return FAILOVER_OK;
}

/* The standby service and its scalable target. */
static enum failover_result read_service(struct aws_client *c, const struct failover_opts *o,
					 struct failover_plan *p, struct diag_list *dl)
{
	int found = ecs_describe_service(c, p->cluster, p->service, &p->svc, dl);
	if (found < 0)
		return FAILOVER_CALL_FAILED;
	if (!found) {
		diag_add(
			dl, DIAG_ERROR, NULL, 0, 0, NULL,
			"the DR stack names the service '%s' of cluster '%s', which does not exist",
			p->service, p->cluster);
		return FAILOVER_NO_DR;
	}
	if (aas_describe_ecs_target(c, p->cluster, p->service, &p->scaling, dl) < 0)
		return FAILOVER_CALL_FAILED;
	bool scaled = p->svc.desired >= p->desired &&
		      (!p->scaling.registered || p->scaling.min >= p->desired);
	p->scale = !scaled			 ? FAILOVER_DO
		   : ecs_service_stable(&p->svc) ? FAILOVER_DONE
						 : FAILOVER_WAIT;
	return FAILOVER_OK;
}

static bool same_target(const struct r53_record *a, const struct r53_record *b)
{
	if (a->alias != b->alias)
		return false;
	if (a->alias)
		return a->alias_dns && b->alias_dns && r53_name_equal(a->alias_dns, b->alias_dns);
	if (a->values_nr != b->values_nr)
		return false;
	for (size_t i = 0; i < a->values_nr; i++)
		if (strcmp(a->values[i], b->values[i]))
			return false;
	return true;
}

static char *dup_or_null(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

/* The PRIMARY as it stays (name, set, health check), with the SECONDARY's target. */
static void retarget(const struct r53_record *primary, const struct r53_record *secondary,
		     struct r53_record *out)
{
	memset(out, 0, sizeof(*out));
	out->name = dup_or_null(primary->name);
	out->type = dup_or_null(primary->type);
	out->set_identifier = dup_or_null(primary->set_identifier);
	out->failover = dup_or_null(primary->failover);
	out->health_check_id = dup_or_null(primary->health_check_id);
	out->alias = secondary->alias;
	out->ttl = secondary->alias ? -1 : (secondary->ttl >= 0 ? secondary->ttl : primary->ttl);
	out->alias_zone = dup_or_null(secondary->alias_zone);
	out->alias_dns = dup_or_null(secondary->alias_dns);
	out->alias_evaluate_health = secondary->alias_evaluate_health;
	out->values = secondary->values_nr ? xcalloc(secondary->values_nr, sizeof(char *)) : NULL;
	for (size_t i = 0; i < secondary->values_nr; i++)
		out->values[i] = xstrdup(secondary->values[i]);
	out->values_nr = secondary->values_nr;
}

/*
 * The failover pair of d->type among the records of its name: 1 a
 * PRIMARY/SECONDARY pair (judged), 0 none.
 */
static int judge_dns_pair(const struct failover_opts *o, const struct r53_record *records,
			  size_t nr, struct failover_dns *d)
{
	for (size_t i = 0; i < nr; i++) {
		const struct r53_record *r = &records[i];
		if (!r->failover || !r->type || strcmp(r->type, d->type))
			continue;
		if (!strcmp(r->failover, "PRIMARY") && !d->primary)
			d->primary = r;
		else if (!strcmp(r->failover, "SECONDARY") && !d->secondary)
			d->secondary = r;
	}
	if (!d->primary || !d->secondary)
		return 0;
	bool checked = d->primary->health_check_id ||
		       (d->primary->alias && d->primary->alias_evaluate_health);
	if (same_target(d->primary, d->secondary)) {
		d->action = FAILOVER_DONE;
	} else if (checked && !o->force_dns) {
		d->action = FAILOVER_AUTOMATIC;
	} else {
		retarget(d->primary, d->secondary, &d->new_primary);
		d->action = FAILOVER_DO;
	}
	return 1;
}

/*
 * The failover records: FailoverRecordName, and www. of it when it has a
 * pair too; of each, the A pair and the AAAA pair when there is one.
 */
static enum failover_result read_dns(struct aws_client *c, const struct failover_opts *o,
				     struct failover_plan *p, struct diag_list *dl)
{
	p->dns = FAILOVER_MANUAL;
	if (!p->zone || !p->record_name) {
		p->dns_reason =
			xstrdup("the DR stack names no failover records (" FAILOVER_OUTPUT_ZONE
				", " FAILOVER_OUTPUT_RECORD "): point the application's "
				"name at the DR load balancer by hand");
		return FAILOVER_OK;
	}
	static const char *const types[FAILOVER_DNS_TYPES] = {"A", "AAAA"};
	for (int www = 0; www < FAILOVER_DNS_NAMES; www++) {
		struct failover_dns *first = &p->names[p->names_nr];
		char *name = www ? xstrfmt("www.%s", p->record_name) : xstrdup(p->record_name);
		memset(first, 0, sizeof(*first));
		first->name = name;
		p->names_nr++; /* kept for release even without a pair */
		if (r53_list_records(c, p->zone, name, &first->records, &first->records_nr, dl) < 0)
			return FAILOVER_CALL_FAILED;
		for (int t = 0; t < FAILOVER_DNS_TYPES; t++) {
			struct failover_dns *d = t ? &p->names[p->names_nr++] : first;
			if (t) {
				memset(d, 0, sizeof(*d));
				d->name = xstrdup(name);
			}
			d->type = types[t];
			if (judge_dns_pair(o, first->records, first->records_nr, d) == 0)
				d->action = FAILOVER_MANUAL;
		}
	}
	for (size_t i = 0; i < p->names_nr; i++) {
		const struct failover_dns *d = &p->names[i];
		if (d->action == FAILOVER_MANUAL)
			continue;
		/* the plan's word for DNS: DO wins, then AUTOMATIC, then DONE */
		if (d->action == FAILOVER_DO || p->dns == FAILOVER_MANUAL ||
		    (d->action == FAILOVER_AUTOMATIC && p->dns == FAILOVER_DONE))
			p->dns = p->dns == FAILOVER_DO ? FAILOVER_DO : d->action;
	}
	if (p->dns == FAILOVER_MANUAL)
		p->dns_reason = xstrfmt("zone %s holds no PRIMARY and SECONDARY failover records "
					"of one type named %s: switch the name by hand",
					p->zone, p->record_name);
	else if (p->dns == FAILOVER_AUTOMATIC)
		p->dns_reason =
			xstrdup("the PRIMARY record is health-checked: Route 53 answers with the "
				"SECONDARY (the DR region) by itself while the primary fails its "
				"check, through the data plane, without an API call; --force-dns "
				"points the PRIMARY at the DR region too (a planned failover, or a "
				"primary that still passes its check)");
	return FAILOVER_OK;
}

enum failover_result failover_plan(struct aws_client *c, const struct failover_opts *o,
				   struct failover_plan *p, struct diag_list *dl)
{
	memset(p, 0, sizeof(*p));
	enum failover_result r = read_stack(c, o, p, dl);
	if (r == FAILOVER_OK)
		r = read_replica(c, o, p, dl);
	if (r == FAILOVER_OK)
		r = read_service(c, o, p, dl);
	if (r == FAILOVER_OK)
		r = read_dns(c, o, p, dl);
	return r;
}

/* ---- running ---- */

static unsigned long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (unsigned long)ts.tv_sec * 1000UL + (unsigned long)ts.tv_nsec / 1000000UL;
}

/* Wait one poll; FAILOVER_OK, or INTERRUPTED / TIMED_OUT (diag). */
static enum failover_result wait_poll(const struct failover_opts *o, unsigned long started,
				      unsigned timeout_s, const char *what, struct diag_list *dl)
{
	if (now_ms() - started >= (unsigned long)timeout_s * 1000UL) {
		diag_add(dl, DIAG_ERROR, NULL, 0, 0, NULL,
			 "%s: not done after %u s; AWS goes on: run failover again to follow it",
			 what, timeout_s);
		return FAILOVER_TIMED_OUT;
	}
	if (o->cb.sleep && !o->cb.sleep(o->cb.arg, o->poll_ms))
		return FAILOVER_INTERRUPTED;
	return FAILOVER_OK;
}

static bool promotion_failed(const char *status)
{
	return !strcmp(status, "failed") || !strcmp(status, "incompatible-parameters") ||
	       !strcmp(status, "storage-full") ||
	       !strcmp(status, "inaccessible-encryption-credentials");
}

static enum failover_result send_promote(struct aws_client *c, const struct failover_opts *o,
					 const struct failover_plan *p, struct diag_list *dl)
{
	if (rds_promote_read_replica(c, p->replica_id, o->backup_retention, NULL, dl) < 0)
		return FAILOVER_CALL_FAILED;
	say(o, FAILOVER_STEP_PROMOTE, "PromoteReadReplica %s accepted", p->replica_id);
	return FAILOVER_OK;
}

static enum failover_result promote(struct aws_client *c, const struct failover_opts *o,
				    struct failover_plan *p, struct diag_list *dl)
{
	if (p->promote == FAILOVER_DONE) {
		say(o, FAILOVER_STEP_PROMOTE, "%s is standalone already: nothing to promote",
		    p->replica_id);
		return FAILOVER_OK;
	}
	bool sent = false;
	if (p->promote == FAILOVER_DO) {
		enum failover_result r = send_promote(c, o, p, dl);
		if (r != FAILOVER_OK)
			return r;
		sent = true;
	}
	unsigned long started = now_ms();
	unsigned timeout = o->promote_timeout_s ? o->promote_timeout_s : FAILOVER_PROMOTE_TIMEOUT_S;
	char *last = NULL;
	enum failover_result r = FAILOVER_OK;
	for (;;) {
		r = wait_poll(o, started, timeout, "the promotion", dl);
		if (r != FAILOVER_OK)
			break;
		struct rds_instance db;
		int found = rds_describe_instance(c, p->replica_id, &db, dl);
		if (found <= 0) {
			if (!found)
				diag_add(dl, DIAG_ERROR, NULL, 0, 0, NULL,
					 "the instance '%s' disappeared during its promotion",
					 p->replica_id);
			r = FAILOVER_CALL_FAILED;
			break;
		}
		const char *status = db.status ? db.status : "?";
		if (!last || strcmp(last, status)) {
			say(o, FAILOVER_STEP_PROMOTE, "%s: %s%s", p->replica_id, status,
			    db.source ? " (still a replica)" : "");
			free(last);
			last = xstrdup(status);
		}
		bool available = !strcmp(status, "available"), done = available && !db.source;
		if (done)
			say(o, FAILOVER_STEP_PROMOTE, "%s is a standalone instance%s%s",
			    p->replica_id, db.endpoint ? " at " : "",
			    db.endpoint ? db.endpoint : "");
		else if (promotion_failed(status))
			diag_add(dl, DIAG_ERROR, NULL, 0, 0, NULL,
				 "the promotion of '%s' failed: the instance is '%s'",
				 p->replica_id, status);
		/* waited for a change under way, and it is still a replica: promote it now */
		bool promote_now = available && db.source && !sent;
		bool failed = promotion_failed(status);
		rds_instance_release(&db);
		if (done || failed) {
			r = done ? FAILOVER_OK : FAILOVER_CALL_FAILED;
			break;
		}
		if (promote_now) {
			if ((r = send_promote(c, o, p, dl)) != FAILOVER_OK)
				break;
			sent = true;
		}
	}
	free(last);
	return r;
}

static enum failover_result scale(struct aws_client *c, const struct failover_opts *o,
				  struct failover_plan *p, struct diag_list *dl)
{
	if (p->scale == FAILOVER_DONE) {
		say(o, FAILOVER_STEP_SCALE, "%s runs %ld tasks already: steady", p->service,
		    p->svc.running);
		return FAILOVER_OK;
	}
	if (p->scale == FAILOVER_DO) {
		if (p->scaling.registered) {
			/*
			 * Application Auto Scaling keeps desiredCount within
			 * [MinCapacity, MaxCapacity]: the minimum is raised first, or a
			 * scale-in would take the new tasks away again.
			 */
			long max = p->scaling.max > o->max ? p->scaling.max : o->max;
			if (max < p->desired)
				max = p->desired;
			if (aas_register_ecs_target(c, p->cluster, p->service, p->desired, max,
						    dl) < 0)
				return FAILOVER_CALL_FAILED;
			say(o, FAILOVER_STEP_SCALE,
			    "scalable target of %s: min %ld (was %ld), max %ld", p->service,
			    p->desired, p->scaling.min, max);
		}
		if (ecs_update_desired_count(c, p->cluster, p->service, p->desired, dl) < 0)
			return FAILOVER_CALL_FAILED;
		say(o, FAILOVER_STEP_SCALE, "UpdateService %s: desiredCount %ld (was %ld)",
		    p->service, p->desired, p->svc.desired);
	}
	unsigned long started = now_ms();
	unsigned timeout = o->scale_timeout_s ? o->scale_timeout_s : FAILOVER_SCALE_TIMEOUT_S;
	long last_running = -1;
	for (;;) {
		enum failover_result w = wait_poll(o, started, timeout, "scaling the standby", dl);
		if (w != FAILOVER_OK)
			return w;
		struct ecs_service s;
		int found = ecs_describe_service(c, p->cluster, p->service, &s, dl);
		if (found <= 0) {
			if (!found)
				diag_add(dl, DIAG_ERROR, NULL, 0, 0, NULL,
					 "the service '%s' disappeared while it scaled",
					 p->service);
			return FAILOVER_CALL_FAILED;
		}
		if (s.running != last_running) {
			say(o, FAILOVER_STEP_SCALE, "%s: %ld of %ld tasks running, %ld pending",
			    p->service, s.running, s.desired, s.pending);
			last_running = s.running;
		}
		bool stable = ecs_service_stable(&s) && s.desired >= p->desired;
		bool failed = s.rollout_state && !strcmp(s.rollout_state, "FAILED");
		if (failed)
			diag_add(dl, DIAG_ERROR, NULL, 0, 0, NULL,
				 "the service '%s' failed to reach a steady state: %s", p->service,
				 s.rollout_reason ? s.rollout_reason
				 : s.last_event	  ? s.last_event
						  : "rolloutState FAILED");
		ecs_service_release(&s);
		if (stable) {
			say(o, FAILOVER_STEP_SCALE, "%s is steady", p->service);
			return FAILOVER_OK;
		}
		if (failed)
			return FAILOVER_CALL_FAILED;
	}
}

static enum failover_result upsert_name(struct aws_client *c, const struct failover_opts *o,
					const struct failover_plan *p, const struct failover_dns *d,
					struct diag_list *dl)
{
	char *change = NULL;
	char *comment = xstrfmt("solemate failover to %s", o->region ? o->region : "the DR region");
	int rc = r53_upsert(c, p->zone, &d->new_primary, comment, &change, dl);
	free(comment);
	if (rc < 0)
		return FAILOVER_CALL_FAILED;
	say(o, FAILOVER_STEP_DNS, "ChangeResourceRecordSets %s %s: UPSERT accepted (%s)", d->name,
	    d->type, r53_bare_id(change));
	unsigned long started = now_ms();
	unsigned timeout = o->dns_timeout_s ? o->dns_timeout_s : FAILOVER_DNS_TIMEOUT_S;
	enum failover_result r = FAILOVER_OK;
	for (;;) {
		r = wait_poll(o, started, timeout, "the DNS change", dl);
		if (r != FAILOVER_OK)
			break;
		char *status = NULL;
		if (r53_change_status(c, change, &status, dl) < 0) {
			r = FAILOVER_CALL_FAILED;
			break;
		}
		bool insync = !strcmp(status, "INSYNC");
		free(status);
		if (insync) {
			say(o, FAILOVER_STEP_DNS,
			    "%s %s: INSYNC on every Route 53 server (resolvers may keep the old "
			    "answer "
			    "for the record's TTL)",
			    d->name, d->type);
			break;
		}
	}
	free(change);
	return r;
}

static enum failover_result switch_dns(struct aws_client *c, const struct failover_opts *o,
				       struct failover_plan *p, struct diag_list *dl)
{
	if (p->dns == FAILOVER_MANUAL || p->dns == FAILOVER_AUTOMATIC) {
		say(o, FAILOVER_STEP_DNS, "%s", p->dns_reason);
		return FAILOVER_OK;
	}
	for (size_t i = 0; i < p->names_nr; i++) {
		const struct failover_dns *d = &p->names[i];
		if (d->action == FAILOVER_DONE)
			say(o, FAILOVER_STEP_DNS,
			    "%s %s: the PRIMARY points at the DR region already", d->name, d->type);
		if (d->action != FAILOVER_DO)
			continue;
		enum failover_result r = upsert_name(c, o, p, d, dl);
		if (r != FAILOVER_OK)
			return r;
	}
	return FAILOVER_OK;
}

enum failover_result failover_run(struct aws_client *c, const struct failover_opts *o,
				  struct failover_plan *p, struct diag_list *dl)
{
	enum failover_result r = promote(c, o, p, dl);
	if (r == FAILOVER_OK)
		r = scale(c, o, p, dl);
	if (r == FAILOVER_OK)
		r = switch_dns(c, o, p, dl);
	return r;
}

int failover_detect(struct aws_client *dr, const char *stack, char **instance, struct diag_list *dl)
{
	*instance = NULL;
	struct cfn_stack st;
	int found = cfn_describe_stack(dr, stack, &st, dl);
	if (found <= 0)
		return found;
	const json_t *v = json_object_get(st.outputs, FAILOVER_OUTPUT_REPLICA);
	char *id =
		json_is_string(v) && *json_string_value(v) ? xstrdup(json_string_value(v)) : NULL;
	cfn_stack_release(&st);
	if (!id)
		return 0;
	struct rds_instance db;
	found = rds_describe_instance(dr, id, &db, dl);
	int rc = found < 0 ? -1 : found && !db.source ? 1 : 0;
	if (found > 0)
		rds_instance_release(&db);
	if (rc == 1)
		*instance = id;
	else
		free(id);
	return rc;
}
