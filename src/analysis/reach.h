/*
 * Static network reachability over the templates of an assembly: subnets,
 * route tables, internet and NAT gateways, network ACLs (stateless: return
 * traffic on ephemeral ports is checked too) and security groups (stateful;
 * rules by CIDR or by source group), with resources placed in subnets (load
 * balancers, ECS services, RDS instances, Auto Scaling groups). References
 * across stacks are followed through their exports.
 */
#ifndef SM_REACH_H
#define SM_REACH_H

#include "analysis/assembly.h"
#include "analysis/finding.h"
#include "base/strbuf.h"

struct reach_model;

struct reach_model *reach_model_build(struct sm_assembly *a);
void reach_model_free(struct reach_model *m);

/*
 * Can `from` reach `to` on TCP `port`? `from` is "internet", a role (alb,
 * app, database, instances), a tier (public, private, isolated) or a logical
 * ID; `to` the same but "internet". Returns 1 reachable (the path in
 * `explain`), 0 not (the first element that blocks it), -1 when a name is
 * unknown (the known names in `explain`).
 */
int reach_query(struct reach_model *m, const char *from, const char *to, int port,
		struct strbuf *explain);

/* The design's invariants as check findings (rules SM-NET-1xx). */
void reach_check_invariants(struct sm_assembly *a, struct sm_findings *out);
const struct sm_rule_meta *const *reach_rules(void);

#endif
