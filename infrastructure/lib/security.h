/*
 * FR-5 security: KMS keys, secrets, regional WAF, CloudTrail, AWS Config.
 * Lives in the environment's stateful "Data" stack (keys) and its
 * "Security" parts; see solemate_stack.c for which stack holds what.
 * Handles are borrowed pointers into the app (the app owns the resources).
 */
#ifndef SM_SECURITY_H
#define SM_SECURITY_H

#include "engine/engine.h"
#include "lib/environments.h"

struct security_keys {
	struct sm_resource *data_key; /* RDS storage, secrets, backups, S3 assets */
	struct sm_resource
		*logs_key; /* CloudWatch Logs, the alarm topic (its publishers granted) */
};

/* KMS keys with rotation on and key policies scoped to the services that use them. */
int security_add_keys(struct sm_stack *data, const struct env_config *cfg,
		      struct security_keys *out, struct diag_list *dl);

struct security_secrets {
	struct sm_resource *app_secret; /* application secrets (KMS data_key) */
	/* NULL: read in its own region; else the region of the replica read */
	const char *read_region;
};

/* The ARN the application reads its secrets from (new reference). */
json_t *security_app_secret_arn(const struct security_secrets *secrets);
int security_add_secrets(struct sm_stack *data, const struct env_config *cfg,
			 const struct security_keys *keys, struct security_secrets *out,
			 struct diag_list *dl);

/*
 * The HTTPS listener's certificate: with cfg->hosted_zone_id, a DNS-validated
 * AWS::CertificateManager::Certificate in `stack` (domain and *.domain);
 * otherwise albCertificateArn, or certificateArn. New reference.
 */
json_t *security_alb_certificate(struct sm_stack *stack, const struct env_config *cfg);

/*
 * A WAFv2 web ACL (constructs/waf.h) with its logs, KMS-encrypted with
 * `logs_key`: CloudFront's (CdnWebAcl, scope CLOUDFRONT, in us-east-1) or
 * the load balancer's (AlbWebAcl, its rate limit on the forwarded client
 * address). NULL with a diagnostic on failure.
 */
struct sm_resource *security_add_web_acl(struct sm_stack *stack, const struct env_config *cfg,
					 const struct sm_resource *logs_key, bool cloudfront,
					 struct diag_list *dl);
/* Regional WAFv2 web ACL (managed rule groups + rate rule + logging) for the ALB. */
struct sm_resource *security_add_regional_waf(struct sm_stack *stack, const struct env_config *cfg,
					      const struct security_keys *keys,
					      struct diag_list *dl);

/*
 * The account's audit, in the account baseline's stack (once per account and
 * region, nothing taken from an environment): its own KMS key, the delivery
 * bucket (versioned, TLS-only, retained), the multi-region CloudTrail trail
 * (FR-5.5) to the bucket and to CloudWatch Logs, and AWS Config's recorder,
 * delivery channel and managed rules (FR-5.6).
 */
int security_add_audit(struct sm_stack *baseline, const struct baseline_config *cfg,
		       struct diag_list *dl);

#endif
