/*
 * What the preflight checks share (preflight.c, preflight_names.c,
 * preflight_quotas.c); not a public interface.
 */
#ifndef SM_PREFLIGHT_INT_H
#define SM_PREFLIGHT_INT_H

#include "lifecycle/preflight.h"

/* AWS did not answer (dl's first message says why): a warning, never a pass; releases dl. */
void pf_unanswered(struct pf_report *r, const char *check, const char *subject,
		   struct diag_list *dl);
/* The configuration key whose value is `value`, else `dflt`. */
const char *pf_key_for(const struct pf_opts *o, const char *value, const char *dflt);
/* The stack's region, else the environment's. */
const char *pf_stack_region(const struct pf_opts *o, const struct sm_template *t);
/* How many resources of `type` the template has; the first one and its ID. */
size_t pf_count_type(struct sm_template *t, const char *type, const json_t **first,
		     const char **id_out);
/* The stack exists in the client's account and region (DescribeStacks). */
bool pf_stack_exists(struct aws_client *c, const char *stack);

/* Route 53: each hosted zone the templates use exists, public where ACM validates in it,
 * and holds the records' names. */
void pf_check_hosted_zones(struct sm_assembly *a, const struct pf_opts *o, struct pf_report *r);
/* S3: each bucket name the templates fix is free, or already the stack's. */
void pf_check_buckets(struct sm_assembly *a, const struct pf_opts *o, struct pf_report *r);
/* Service quotas: VPCs, Elastic IPs, internet and NAT gateways, Fargate vCPUs, RDS instances. */
void pf_check_quotas(struct sm_assembly *a, const struct pf_opts *o, struct pf_report *r);

#endif
