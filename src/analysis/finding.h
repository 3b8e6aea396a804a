/*
 * A finding of an analysis (check rules, reachability invariants): what is
 * wrong, where, and under which rule. Shared by `check` and `reach` so that
 * both print through the same text/JSON/SARIF writers.
 *
 * A finding list owns its strings; sm_findings_release() frees them.
 */
#ifndef SM_FINDING_H
#define SM_FINDING_H

#include <stdbool.h>
#include <stddef.h>

enum sm_severity { SM_SEV_ERROR, SM_SEV_WARNING, SM_SEV_INFO };

/* Static description of a rule (lives in a rule table; never freed). */
struct sm_rule_meta {
	const char *id; /* "SM-S3-001" */
	enum sm_severity severity;
	const char *title;    /* one line */
	const char *why;      /* why it matters */
	const char *fix;      /* how to fix it */
	const char *controls; /* "FSBP S3.4; PCI DSS 3.4; CIS 2.1.1" */
	const char *nag_ids;  /* cdk-nag rule IDs a suppression may use, "AwsSolutions-S1 ..." */
	const char *doc;      /* the AWS documentation page the rule rests on, or NULL */
	const char *packs;    /* rule packs ("deploy", "solemate"); NULL: from `controls` */
	/*
	 * Those of nag_ids whose cdk-nag rule is not this rule's exact equal: it
	 * flags more, or another defect (AwsSolutions-ECS2 flags every plain
	 * container variable, SM-ECS-005 a secret in one). An acceptance of this
	 * rule is still written under them (cdk-nag's finding on the resource is
	 * the same one), but a suppression under one of them alone, a cdk-nag
	 * user's or nag_suppress(), does not mute this rule: it was written for
	 * cdk-nag's finding, which may be a milder one. NULL: every ID of
	 * nag_ids is an exact equal, and its suppression mutes this rule.
	 */
	const char *nag_partial;
};

struct sm_finding {
	const struct sm_rule_meta *rule;
	char *stack;	  /* stack name */
	char *file;	  /* template file */
	char *logical_id; /* resource, or NULL for template-level findings */
	char *path;	  /* "Resources.X.Properties.Y", or NULL */
	char *message;
	int line, col; /* in `file`, 0 when unknown */
	bool suppressed;
	char *suppress_reason; /* when suppressed */
	/* suppressed from outside the template's own text: a configuration's
	 * acceptance (its Metadata entry names a "source") or a baseline file */
	bool suppress_external;
};

struct sm_findings {
	struct sm_finding *items;
	size_t nr, alloc;
};

#define SM_FINDINGS_INIT                                                                           \
	{                                                                                          \
		NULL, 0, 0                                                                         \
	}

struct sm_finding *sm_findings_add(struct sm_findings *f, const struct sm_rule_meta *rule,
				   const char *stack, const char *file, const char *logical_id,
				   const char *path, const char *fmt, ...)
	__attribute__((format(printf, 7, 8)));
void sm_findings_release(struct sm_findings *f);

#endif
