/*
 * validate: two properties of one resource that must agree, where neither
 * schema nor cfn-lint's extension rules (validate_ext.c) can say it:
 * - Auto Scaling: MinSize <= MaxSize, and DesiredCapacity between them
 *   (https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-autoscaling-autoscalinggroup.html#cfn-autoscaling-autoscalinggroup-maxsize:
 *   "The value must be greater than or equal to MinSize";
 *   #cfn-autoscaling-autoscalinggroup-desiredcapacity: "must be greater than or
 *   equal to the minimum size of the group and less than or equal to the
 *   maximum size"), cfn-lint E3706;
 * - Route 53: a record set named by HostedZoneName lies in that zone: its
 *   Name is the zone's name or ends in ".zone", compared without case and
 *   without the optional trailing dot
 *   (https://docs.aws.amazon.com/Route53/latest/APIReference/API_ResourceRecordSet.html:
 *   "If you omit the trailing dot, Amazon Route 53 assumes that the domain name
 *   that you specify is fully qualified"), cfn-lint E3041. cfn-lint also wants
 *   the dot on HostedZoneName; Route 53 takes either, so that is not an error
 *   here.
 * Values known only at deploy (intrinsic functions) are not compared.
 */
#include "analysis/validate_int.h"

#include "base/common.h"
#include <string.h>
#include <strings.h>

/* "PROP A is WHERE OTHER B" at PROP */
static void report_at(struct vctx *c, struct strbuf *path, const char *prop, double a,
		      const char *where, const char *other, double b)
{
	size_t base = path->len;
	vd_path_key(path, prop);
	vd_report(c, DIAG_ERROR, path->buf, "%s %g is %s %s %g", prop, a, where, other, b);
	strbuf_setlen(path, base);
}

static void check_asg(struct vctx *c, const json_t *props, struct strbuf *path)
{
	double min, max, want;
	bool has_min = vd_number(json_object_get(props, "MinSize"), &min);
	bool has_max = vd_number(json_object_get(props, "MaxSize"), &max);
	if (has_min && has_max && max < min)
		report_at(c, path, "MaxSize", max, "below", "MinSize", min);
	if (!vd_number(json_object_get(props, "DesiredCapacity"), &want))
		return;
	if (has_min && want < min)
		report_at(c, path, "DesiredCapacity", want, "below", "MinSize", min);
	if (has_max && want > max)
		report_at(c, path, "DesiredCapacity", want, "above", "MaxSize", max);
}

/* `name` lies in `zone`: equal, or a subdomain; without case, trailing dots aside. */
static bool in_zone(const char *name, const char *zone)
{
	size_t n = strlen(name), z = strlen(zone);
	if (n && name[n - 1] == '.')
		n--;
	if (z && zone[z - 1] == '.')
		z--;
	if (!z)
		return true;
	if (n < z || strncasecmp(name + n - z, zone, z))
		return false;
	return n == z || name[n - z - 1] == '.';
}

static void check_record(struct vctx *c, const json_t *rec, const char *zone, struct strbuf *path)
{
	const char *name = json_string_value(json_object_get(rec, "Name"));
	if (!name || !zone || in_zone(name, zone))
		return;
	size_t base = path->len;
	vd_path_key(path, "Name");
	struct diag *d = vd_report(c, DIAG_ERROR, path->buf, "'%s' is not in the hosted zone '%s'",
				   name, zone);
	diag_set_hint(d, "a record of zone %s is named %s or *.%s", zone, zone, zone);
	strbuf_setlen(path, base);
}

void vd_check_pairs(struct vctx *c, const char *type, const json_t *props, struct strbuf *path)
{
	if (!strcmp(type, "AWS::AutoScaling::AutoScalingGroup")) {
		check_asg(c, props, path);
	} else if (!strcmp(type, "AWS::Route53::RecordSet")) {
		check_record(c, props, json_string_value(json_object_get(props, "HostedZoneName")),
			     path);
	} else if (!strcmp(type, "AWS::Route53::RecordSetGroup")) {
		const char *zone = json_string_value(json_object_get(props, "HostedZoneName"));
		size_t i, base = path->len;
		json_t *r;
		vd_path_key(path, "RecordSets");
		size_t lbase = path->len;
		json_array_foreach (json_object_get(props, "RecordSets"), i, r) {
			vd_path_index(path, i);
			check_record(c, r, zone, path);
			strbuf_setlen(path, lbase);
		}
		strbuf_setlen(path, base);
	}
}
