/*
 * CloudFormation's template quotas, in one place: the engine refuses to
 * synthesize past them, validate reports a template past them, and deploy
 * uploads a template above the inline limit to the bootstrap bucket.
 * Source: "Understand CloudFormation quotas", AWS CloudFormation User Guide
 * (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/cloudformation-limits.html).
 */
#ifndef SM_CFN_LIMITS_H
#define SM_CFN_LIMITS_H

#define CFN_MAX_RESOURCES 500  /* resources declared in one template */
#define CFN_MAX_PARAMETERS 200 /* parameters declared in one template */
#define CFN_MAX_OUTPUTS 200    /* outputs declared in one template */
#define CFN_MAX_MAPPINGS 200   /* mappings declared in one template */
#define CFN_MAX_LOGICAL_ID 255 /* characters of a logical ID */
/* A template passed as TemplateURL (an object in S3): 1 MB. */
#define CFN_MAX_TEMPLATE_BYTES 1048576
/* A template passed inline in the request (TemplateBody): 51,200 bytes. */
#define CFN_MAX_INLINE_TEMPLATE_BYTES 51200

#endif
