/*
 * A cloud assembly as the analyses see it: templates with the stack name,
 * region and file they came from. Built from a directory written by `synth`
 * (manifest.json), from template files a user hands us (JSON or YAML), or
 * from an app synthesized in memory (the CLI does that for --env).
 *
 * The assembly owns every template (json_t reference) and string in it;
 * sm_assembly_free() releases them.
 */
#ifndef SM_ASSEMBLY_H
#define SM_ASSEMBLY_H

#include <jansson.h>
#include <stddef.h>

#include "base/diag.h"

/*
 * The largest template file read (a device, a FIFO or a file above it is
 * refused). CloudFormation's own limit is 1 MB (a TemplateURL in S3);
 * benchmarks and generated tests go far above, so the cap is generous.
 */
#define SM_TEMPLATE_MAX_BYTES (512LL << 20)

struct sm_template {
	char *file;	  /* path shown in diagnostics */
	char *stack_name; /* manifest artifact id, or the file's base name */
	char *account;	  /* NULL when unknown */
	char *region;	  /* NULL when unknown */
	char *source;	  /* raw text when read from disk (for positions), else NULL */
	size_t source_len;
	json_t *tmpl;	/* the template; never NULL */
	char **depends; /* stack names this one depends on */
	size_t depends_nr;
	struct jio_posmap *pos; /* lazily built by sm_template_position */
	/*
	 * The stack's data must survive (production, the account baseline):
	 * manifest.json's terminationProtection of its stack, or the app's
	 * stack property for an assembly synthesized in memory. A stack's name
	 * never decides it.
	 */
	bool protected_stack;
	/* protected_stack was said by a manifest or the app; false for a
	 * template read alone, whose environment nobody told us */
	bool protection_known;
	/*
	 * The parameters `deploy` fills in from the account (the manifest's
	 * "solemate:lookup" metadata, or the app's): [{"parameter": P, "lookup":
	 * "ec2:managed-prefix-list", "name": N}, ...]; NULL when none. Owned.
	 */
	json_t *lookups;
};

struct sm_assembly_index;

struct sm_assembly {
	char *dir; /* assembly directory, or NULL */
	struct sm_template *items;
	size_t nr, alloc;
	struct sm_assembly_index *index; /* built on first use; dropped by sm_assembly_add */
	size_t invalid_nr; /* files read whose text is not a template (SM_LOAD_INVALID) */
};

/*
 * One reference found in a resource's Properties: a Ref, an Fn::GetAtt, or an
 * Fn::ImportValue followed to the exporting stack. `path` is where it sits,
 * in jget()'s dotted form ("VpcConfig.SubnetIds"; lists crossed on the way
 * are written "[]": "DistributionConfig.Origins[].DomainName"; lists at the
 * end are left out, as jget() and the rules search them).
 */
struct sm_ref {
	struct sm_template *owner;
	const char *owner_id;	/* the referring resource's logical ID (borrowed) */
	const char *owner_type; /* its Type, "" when it has none (borrowed) */
	const char *path;
};

void sm_assembly_init(struct sm_assembly *a);
void sm_assembly_release(struct sm_assembly *a);
/* Add a template; `tmpl` is stolen; strings are copied. Returns it. */
struct sm_template *sm_assembly_add(struct sm_assembly *a, const char *file, const char *stack_name,
				    const char *region, json_t *tmpl);
/*
 * What the loaders return, with diagnostics for either failure:
 * SM_LOAD_UNREADABLE: nothing to read (no such file, not a regular file,
 * too large, a manifest missing or malformed, a templateFile outside the
 * directory); SM_LOAD_INVALID: a file was read but its text is not a
 * template (JSON or YAML syntax, duplicate keys, empty, not an object), which
 * validate reports as a finding as linters do (cfn-lint's E0000). The
 * other templates are still read; every failure is negative.
 */
enum sm_load_status { SM_LOAD_OK = 0, SM_LOAD_UNREADABLE = -1, SM_LOAD_INVALID = -2 };

/*
 * Read a directory with manifest.json (an enum sm_load_status). Each templateFile
 * must be inside `dir` (relative, no "..", not through a link out of it), a
 * regular file of at most SM_TEMPLATE_MAX_BYTES; each region a region name.
 */
int sm_assembly_load_dir(struct sm_assembly *a, const char *dir, struct diag_list *dl);
/* Read one template file (JSON or YAML) or an assembly directory (an enum sm_load_status). */
int sm_assembly_load_path(struct sm_assembly *a, const char *path, struct diag_list *dl);
struct sm_template *sm_assembly_find(const struct sm_assembly *a, const char *stack_name);
/*
 * The assembly's index, built once (linear in its size) so that the analyses
 * never scan every resource for every resource (issue 19: check, cost and
 * report were quadratic). Templates must not change once it is built.
 *
 * The references to resource `id` of template `t`, in template and resource
 * order; `*nr` is their count (0: none, and the result may be NULL).
 */
const struct sm_ref *sm_assembly_referrers(struct sm_assembly *a, const struct sm_template *t,
					   const char *id, size_t *nr);
/*
 * The output exported as `name` (the first in template order): its Value,
 * with the exporting template in *t. NULL when nothing exports it.
 */
const json_t *sm_assembly_export(struct sm_assembly *a, const char *name, struct sm_template **t);
/*
 * Line and column of a dotted path ("Resources.Db.Properties.Port") in the
 * template's source text; false when there is no source or no such path.
 */
bool sm_template_position(struct sm_template *t, const char *path, int *line, int *col);

#endif
