/*
 * Preflight: read-only questions to the account the credentials belong to,
 * answering what a template alone cannot, before anything is created:
 *
 *  - certificates: the ARN has ACM's shape (not a placeholder), exists, is
 *    ISSUED, covers the names that use it, sits in us-east-1 for CloudFront;
 *  - RDS: the engine version and instance class are orderable in the region
 *    (DescribeOrderableDBInstanceOptions);
 *  - account singletons the templates would create: a Config recorder (one
 *    per region), a cost anomaly monitor of the same dimension;
 *  - Route 53: the hosted zones the records and certificates use exist,
 *    are public where ACM validates, hold the records' names;
 *  - S3: bucket names the templates fix are free, or already the stack's;
 *  - service quotas: VPCs, Elastic IPs, internet gateways, NAT gateways per
 *    zone, Fargate vCPUs, RDS instances, with what the account holds
 *    (Service Quotas where it answers, documented defaults otherwise).
 *
 * A check that AWS does not answer (access denied, an emulator without the
 * service) is a warning, never a pass. Every finding says what to do.
 */
#ifndef SM_PREFLIGHT_H
#define SM_PREFLIGHT_H

#include <stdbool.h>
#include <stddef.h>

#include "analysis/assembly.h"
#include "aws/client.h"

enum pf_severity { PF_ERROR, PF_WARNING, PF_INFO };

struct pf_finding {
	enum pf_severity severity;
	bool bad_input; /* the configuration is wrong (a placeholder), not the account */
	char *check;	/* "account", "certificate", "rds", "config", "anomaly-monitor",
			   "hosted-zone", "bucket", "quota" */
	char *subject;	/* the config key or "Stack/LogicalId" it is about */
	char *message;
	char *fix; /* what to do */
};

struct pf_report {
	struct pf_finding *items;
	size_t nr, alloc;
};

#define PF_REPORT_INIT                                                                             \
	{                                                                                          \
		NULL, 0, 0                                                                         \
	}

/* A configuration key whose value the templates carry (to name it in findings). */
struct pf_key {
	const char *name, *value;
};

/* The client for `region` (the caller keeps it alive until preflight returns). */
typedef struct aws_client *(*pf_client_fn)(void *ctx, const char *region);

struct pf_opts {
	const struct pf_key *keys;
	size_t keys_nr;
	const char *region; /* the environment's region (stacks without one) */
	pf_client_fn client;
	void *client_ctx;
};

/* Run every check over the assembly; findings are appended to `out`. */
void preflight_run(struct sm_assembly *a, const struct pf_opts *o, struct pf_report *out);

/* Append a finding (the strings are copied); returns it, for bad_input. */
struct pf_finding *pf_report_add(struct pf_report *r, enum pf_severity sev, const char *check,
				 const char *subject, const char *fix, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));

size_t pf_count(const struct pf_report *r, enum pf_severity sev);
bool pf_has_bad_input(const struct pf_report *r);
void pf_report_release(struct pf_report *r);

#endif
