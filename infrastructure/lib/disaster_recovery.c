/*
 * Disaster recovery in drRegion (issue 18): see disaster_recovery.h for the
 * two stacks, docs/infrastructure.md ("Disaster recovery") for why each
 * resource is there and the AWS pages it rests on, and docs/deployment.md
 * ("DR stack outputs") for the outputs `solemate failover` reads.
 */
#include "lib/disaster_recovery.h"

#include <stdlib.h>
#include <string.h>

#include "base/common.h"
#include "base/xalloc.h"
#include "constructs/backup.h"
#include "constructs/dns.h"
#include "constructs/ecs.h"
#include "lib/compute.h"
#include "lib/database.h"
#include "lib/monitoring.h"
#include "lib/networking.h"

/* Route 53's SetIdentifier of each member of the failover pair */
#define FAILOVER_SECONDARY_ID "dr-standby"

int dr_standby_desired_count(const struct env_config *cfg)
{
	return cfg->dr_readiness == DR_WARM_STANDBY ? cfg->dr_standby_tasks : 0;
}

void dr_mark_stack(struct sm_stack *s, const struct env_config *cfg, const char *role)
{
	sm_stack_add_manifest_metadata(s, DR_MANIFEST_TYPE,
				       sm_object("environment", json_string(cfg->environment),
						 "role", json_string(role), "readiness",
						 json_string(dr_readiness_name(cfg->dr_readiness)),
						 "primaryRegion", json_string(cfg->region),
						 "drRegion", json_string(cfg->dr_region), NULL));
}

int dr_add_foundation(struct sm_stack *dr, const struct env_config *cfg, struct dr_foundation *out,
		      struct diag_list *dl)
{
	memset(out, 0, sizeof(*out));
	if (cfg->dr_readiness == DR_NONE)
		return 0;
	/*
	 * Keys of this region: KMS keys never leave the region they are made
	 * in, and every copy here (database replica, replicated backups, the
	 * vault's copies, secret replicas) must be encrypted with one of its own
	 * ("Creating a read replica in a different AWS Region"; AWS Backup,
	 * "Creating backup copies across AWS Regions").
	 */
	if (security_add_keys(dr, cfg, &out->keys, dl) < 0)
		return -1;
	out->vault = backup_vault_new(dr, "BackupVault",
				      &(struct backup_vault_props){.kms_key = out->keys.data_key});
	sm_stack_add_output(dr, "BackupVaultName", sm_ref(out->vault),
			    "AWS Backup vault holding the copies of the primary's recovery points",
			    NULL);
	return 0;
}

void dr_database_targets(const struct env_config *cfg, const struct dr_foundation *f,
			 struct database_dr_targets *out)
{
	memset(out, 0, sizeof(*out));
	if (!f || cfg->dr_readiness == DR_NONE)
		return;
	out->region = cfg->dr_region;
	out->key = f->keys.data_key;
	out->vault = f->vault;
	out->retention_days = cfg->database_backup_retention_days;
	out->replicate_secrets = cfg->dr_readiness >= DR_PILOT_LIGHT;
}

/*
 * The standby's configuration: the primary's, in drRegion, with its own VPC,
 * one NAT gateway and no interface endpoints (the standby idles; a failover
 * runbook step adds capacity), the service at its standby size with the
 * primary's maximum, and no EC2 capacity kept running.
 */
static struct env_config standby_config(const struct env_config *cfg)
{
	struct env_config s = *cfg;
	s.region = cfg->dr_region;
	s.dr_region = NULL;
	s.dr_readiness = DR_NONE;
	s.vpc_cidr = cfg->dr_vpc_cidr;
	s.nat_gateways = 1;
	s.interface_endpoints = false;
	s.ecs_desired_count = dr_standby_desired_count(cfg);
	s.ecs_min_capacity = s.ecs_desired_count;
	s.ec2_min_capacity = 0;
	s.alb_certificate_arn = cfg->dr_alb_certificate_arn;
	s.dr_standby = true;
	return s;
}

/*
 * The SECONDARY member of the failover pair whose PRIMARY the Edge stack
 * holds (the CloudFront aliases, with their health check): Route 53 answers
 * with the standby's load balancer while the primary is unhealthy.
 */
static void failover_records(struct sm_stack *s, const struct env_config *cfg,
			     const struct compute *cp)
{
	static const char *const types[] = {"A", "AAAA"};
	for (int www = 0; www < 2; www++) {
		char *name = www ? xstrfmt("www.%s", cfg->domain_name) : xstrdup(cfg->domain_name);
		for (int t = 0; t < 2; t++) {
			char *id = xstrfmt("%sFailover%s", www ? "Www" : "Apex", types[t]);
			dns_alias_new(s, id,
				      &(struct dns_alias_props){
					      .hosted_zone_id = cfg->hosted_zone_id,
					      .name = name,
					      .type = types[t],
					      .target = dns_load_balancer_target(cp->alb),
					      .target_zone_ref =
						      sm_getatt(cp->alb, "CanonicalHostedZoneID"),
					      .secondary_id = FAILOVER_SECONDARY_ID});
			free(id);
		}
		free(name);
	}
	sm_stack_add_output(s, "FailoverHostedZoneId", json_string(cfg->hosted_zone_id),
			    "Route 53 hosted zone of the failover records", NULL);
	sm_stack_add_output(s, "FailoverRecordName", json_string(cfg->domain_name),
			    "Name of the failover record pair (also www.)", NULL);
	sm_stack_add_output(s, "FailoverSetIdentifier", json_string(FAILOVER_SECONDARY_ID),
			    "SetIdentifier of the standby's (SECONDARY) record", NULL);
}

static void contract_outputs(struct sm_stack *s, const struct env_config *cfg,
			     const struct database *db, const struct compute *cp)
{
	char *active = xstrfmt("%d", cfg->ecs_desired_count);
	char *standby = xstrfmt("%d", dr_standby_desired_count(cfg));
	sm_stack_add_output(s, "ReplicaDbInstanceIdentifier", sm_ref(db->instance),
			    "Cross-region read replica the failover promotes", NULL);
	sm_stack_add_output(s, "ReplicaDbInstanceArn", sm_getatt(db->instance, "DBInstanceArn"),
			    "ARN of the replica", NULL);
	sm_stack_add_output(s, "ReplicaDbEndpoint", sm_getatt(db->instance, "Endpoint.Address"),
			    "Endpoint of the replica (the writer after promotion)", NULL);
	sm_stack_add_output(s, "StandbyClusterName", sm_ref(cp->cluster),
			    "ECS cluster of the standby", NULL);
	sm_stack_add_output(s, "StandbyServiceName", sm_getatt(cp->service, "Name"),
			    "ECS service the failover scales", NULL);
	sm_stack_add_output(s, "StandbyDesiredCount", json_string(standby),
			    "Tasks the standby runs before failover", NULL);
	sm_stack_add_output(s, "StandbyDesiredCountActive", json_string(active),
			    "Tasks to run once failed over (the primary's ecsDesiredCount)", NULL);
	sm_stack_add_output(
		s, "StandbyScalableTargetResourceId",
		ecs_service_scaling_resource_id(cp->cluster, cp->service),
		"Application Auto Scaling resource of the service (raise its MinCapacity to "
		"StandbyDesiredCountActive on failover)",
		NULL);
	sm_stack_add_output(s, "DrReadiness", json_string(dr_readiness_name(cfg->dr_readiness)),
			    "drReadiness of the environment", NULL);
	sm_stack_add_output(s, "PrimaryRegion", json_string(cfg->region),
			    "Region of the primary this stack stands by for", NULL);
	free(active);
	free(standby);
}

int dr_add_standby(struct sm_stack *s, const struct env_config *cfg,
		   const struct dr_standby_inputs *in, struct diag_list *dl)
{
	struct env_config sc = standby_config(cfg);
	const struct security_keys *keys = &in->foundation->keys;
	struct networking net;
	struct database db;
	struct storage st;
	struct compute cp;
	struct security_secrets secrets = {.app_secret = in->primary_secrets->app_secret,
					   .read_region = sc.region};

	memset(&st, 0, sizeof(st));
	if (networking_build(s, &sc, &net, dl) < 0 ||
	    networking_add_flow_logs(s, &sc, &net, keys, dl) < 0 ||
	    database_build_dr_replica(s, &sc, &net, keys, in->primary_db, cfg->region, &db, dl) < 0)
		return -1;
	storage_add_logs_bucket(s, &sc, &st);
	/* the application reads the assets' replica, in its own region */
	st.assets_bucket = in->primary_storage->replica_bucket;
	struct sm_resource *topic = monitoring_add_topic(s, &sc, keys);
	monitoring_add_replica_lag_alarm(s, "DatabaseReplicaLagAlarm", db.instance, topic);
	struct compute_inputs ci = {.net = &net,
				    .keys = keys,
				    .secrets = &secrets,
				    .st = &st,
				    .db = &db,
				    .regional_waf = security_add_regional_waf(s, &sc, keys, dl),
				    .alarm_topic = topic,
				    .data = s};
	if (!ci.regional_waf || compute_build(s, &sc, &ci, &cp, dl) < 0)
		return -1;
	/*
	 * sampling rules are the Region's (a rule's ARN names it): without one
	 * here the standby's tasks would sample as the account's Default of
	 * drRegion says, and its slow and failed requests would be grouped nowhere
	 */
	monitoring_add_tracing(s, &sc);
	if (cfg->hosted_zone_id)
		failover_records(s, cfg, &cp);
	contract_outputs(s, cfg, &db, &cp);
	return 0;
}
