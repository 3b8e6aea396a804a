/*
 * `solemate check`: security and compliance rules over any CloudFormation
 * template. Each rule has an ID, a severity, why it matters, the fix, and
 * the controls it maps to (AWS Foundational Security Best Practices, PCI DSS,
 * CIS AWS Foundations) and the cdk-nag rules it corresponds to. Findings on
 * a resource can be suppressed in its Metadata, in cdk-nag's format
 * (cdk_nag.rules_to_suppress[] = {id, reason}), by our rule ID or by one of
 * the rule's cdk-nag IDs; a suppression without a reason is itself a finding.
 */
#ifndef SM_CHECK_H
#define SM_CHECK_H

#include "analysis/assembly.h"
#include "analysis/finding.h"

/* The rule table (for --rules and SARIF), NULL-terminated. */
const struct sm_rule_meta *const *check_rules(void);

/* Run every rule over every template; findings are appended to `out`. */
void check_assembly(struct sm_assembly *a, struct sm_findings *out);

/* Number of unsuppressed findings of `sev`. */
size_t check_count(const struct sm_findings *f, enum sm_severity sev);

#endif
