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
/*
 * The cdk-nag IDs rule `rule_id` answers to, space-separated ("" for none),
 * or NULL when no rule has that ID: the app's rule catalog
 * (sm_app_set_rule_catalog), so that an accepted finding of ours is
 * accepted by cdk-nag too.
 */
const char *check_rule_nag_ids(const char *rule_id);

/*
 * Rule packs: which rules run. A rule's packs are named in its metadata or
 * follow from the controls it maps to (FSBP -> aws-foundational, PCI DSS ->
 * pci, CIS -> cis); a rule mapping to none is in aws-foundational.
 * "solemate" is our house policy (tags, ...): only for our own assembly.
 */
enum check_pack {
	CHECK_PACK_DEPLOY = 1 << 0,   /* "deploy": what AWS refuses or what cannot work */
	CHECK_PACK_FSBP = 1 << 1,     /* "aws-foundational" */
	CHECK_PACK_PCI = 1 << 2,      /* "pci" */
	CHECK_PACK_CIS = 1 << 3,      /* "cis" */
	CHECK_PACK_SOLEMATE = 1 << 4, /* "solemate" */
};
#define CHECK_PACKS_ALL 0x1fu
#define CHECK_PACKS_DEFAULT (CHECK_PACKS_ALL & ~(unsigned)CHECK_PACK_SOLEMATE)

/* The packs of a rule (a mask of enum check_pack). */
unsigned check_rule_packs(const struct sm_rule_meta *m);
/* "pci,deploy" or "all" -> mask; -1 on an unknown name (the name in *bad). */
int check_parse_packs(const char *list, unsigned *mask, const char **bad, size_t *bad_len);
/* The pack names of a mask, "deploy pci" (static buffer). */
const char *check_pack_names(unsigned mask);

/*
 * Run the rules of `packs` over every template, reading values as
 * CloudFormation would (cfn_eval.h: a finding that holds only in some
 * branch of a condition names it); findings are appended to `out`.
 */
void check_assembly_packs(struct sm_assembly *a, unsigned packs, struct sm_findings *out);
/* check_assembly_packs with CHECK_PACKS_DEFAULT. */
void check_assembly(struct sm_assembly *a, struct sm_findings *out);

/* Number of unsuppressed findings of `sev`. */
size_t check_count(const struct sm_findings *f, enum sm_severity sev);

#endif
