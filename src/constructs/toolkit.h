/*
 * The bootstrap ("toolkit") stack: one per account and region, like the
 * CDK's CDKToolkit. It holds the bucket deploy uploads templates to when
 * they are above CloudFormation's 51,200-byte inline limit: versioned,
 * encrypted, all public access blocked, TLS-only, old objects expired.
 * Its output BucketName is what deploy reads.
 */
#ifndef SM_CONSTRUCT_TOOLKIT_H
#define SM_CONSTRUCT_TOOLKIT_H

#include "engine/engine.h"

/* Add the toolkit stack `name` for `region` (account may be NULL) to `app`. */
struct sm_stack *toolkit_stack_new(struct sm_app *app, const char *name, const char *account,
				   const char *region);

#endif
