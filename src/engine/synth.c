/*
 * Writing the cloud assembly the AWS CDK CLI reads: manifest.json (schema
 * package @aws-cdk/cloud-assembly-schema), cdk.out, and one template per
 * stack. The directory is built beside the target and swapped in whole.
 */
#include <stdlib.h>
#include <string.h>

#include "base/fsutil.h"
#include "base/json_io.h"
#include "base/xalloc.h"
#include "engine/engine_int.h"

/*
 * The cloud-assembly schema version we write. The CLI accepts manifests of
 * its own version or older; 36.0.0 is read by every aws-cdk CLI since 2.140.
 */
#define SM_ASSEMBLY_VERSION "36.0.0"

static const char *template_ext(enum sm_format fmt)
{
	return fmt == SM_FORMAT_YAML ? "template.yaml" : "template.json";
}

json_t *sm_app_manifest(const struct sm_app *app, enum sm_format fmt)
{
	json_t *arts = json_object();

	for (size_t i = 0; i < app->stack_nr; i++) {
		const struct sm_stack *s = app->stacks[i];
		char *tf = xstrfmt("%s.%s", s->name, template_ext(fmt));
		char *env = xstrfmt("aws://%s/%s", s->account ? s->account : "unknown-account",
				    s->region ? s->region : "unknown-region");
		json_t *props = json_pack("{ss sb ss}", "templateFile", tf, "terminationProtection",
					  s->termination_protection, "stackName", s->name);
		json_t *art = json_pack("{ss ss so}", "type", "aws:cloudformation:stack",
					"environment", env, "properties", props);
		if (s->dep_nr) {
			json_t *deps = json_array();
			for (size_t j = 0; j < s->dep_nr; j++)
				json_array_append_new(deps, json_string(s->deps[j]->name));
			json_object_set_new(art, "dependencies", deps);
		}
		if (s->xr_nr) {
			json_t *entries = json_array();
			for (size_t j = 0; j < s->xr_nr; j++)
				json_array_append_new(
					entries,
					json_pack("{ss s{ss ss ss}}", "type",
						  "solemate:cross-region-ref", "data", "parameter",
						  s->xr[j].parameter, "producerStack",
						  s->xr[j].producer_stack, "output", s->xr[j].output));
			char *key = xstrfmt("/%s", s->name);
			json_object_set_new(art, "metadata", json_pack("{so}", key, entries));
			free(key);
		}
		json_object_set_new(art, "displayName", json_string(s->name));
		json_object_set_new(arts, s->name, art);
		free(tf);
		free(env);
	}
	return json_pack("{ss so}", "version", SM_ASSEMBLY_VERSION, "artifacts", arts);
}

static int write_json_file(const char *dir, const char *name, const json_t *v,
			   enum sm_format fmt, struct diag_list *dl)
{
	size_t len;
	char *data = fmt == SM_FORMAT_YAML ? jio_dump_yaml(v, &len) : jio_dump_json(v, &len);
	char *path = xstrfmt("%s/%s", dir, name);
	if (!data) {
		diag_add(dl, DIAG_ERROR, path, 0, 0, NULL, "the YAML emitter refused the template");
		free(path);
		return -1;
	}
	int ret = fs_write_file(path, data, len, dl);
	free(path);
	free(data);
	return ret;
}

int sm_app_synth(struct sm_app *app, const char *outdir, enum sm_format fmt,
		 struct diag_list *dl)
{
	char *tmp = NULL;
	json_t *manifest = NULL;
	int ret = -1;

	if (!app->resolved && sm_app_resolve(app, dl) < 0)
		return -1;
	tmp = fs_make_sibling_tmpdir(outdir, dl);
	if (!tmp)
		return -1;
	manifest = sm_app_manifest(app, fmt);
	for (size_t i = 0; i < app->stack_nr; i++) {
		const struct sm_stack *s = app->stacks[i];
		char *name = xstrfmt("%s.%s", s->name, template_ext(fmt));
		int r = write_json_file(tmp, name, s->template, fmt, dl);
		free(name);
		if (r < 0)
			goto out;
	}
	if (write_json_file(tmp, "manifest.json", manifest, SM_FORMAT_JSON, dl) < 0)
		goto out;
	json_t *cdkout = json_pack("{ss}", "version", SM_ASSEMBLY_VERSION);
	int r = write_json_file(tmp, "cdk.out", cdkout, SM_FORMAT_JSON, dl);
	json_decref(cdkout);
	if (r < 0)
		goto out;
	if (fs_replace_dir(tmp, outdir, dl) < 0)
		goto out;
	ret = 0;
out:
	if (ret < 0)
		fs_remove_tree(tmp);
	free(tmp);
	json_decref(manifest);
	return ret;
}
