/* YAML writing (libyaml's emitter), block style, deterministic. */
#include "base/json_io.h"

#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "base/common.h"
#include "base/json_io_int.h"
#include "base/strbuf.h"

static int yaml_write_sb(void *data, unsigned char *buffer, size_t size)
{
	strbuf_add(data, buffer, size);
	return 1;
}

static bool needs_quotes(const char *s)
{
	json_t *r;
	bool q;
	if (!*s)
		return true;
	r = jio_yaml_resolve_plain(s);
	q = !json_is_string(r);
	json_decref(r);
	/*
	 * YAML 1.1 readers (PyYAML, and so cfn-lint) also resolve dates
	 * (2010-09-09), octal (0755), sexagesimal (1:30) and .inf/.nan: quote
	 * every string that starts like a number rather than list them all.
	 */
	if (strchr("0123456789+-.", s[0]))
		q = true;
	/* YAML 1.1 also reads these as booleans; CloudFormation follows it. */
	static const char *const words[] = {"y",  "Y",	"yes", "Yes", "YES", "n",   "N",   "no",
					    "No", "NO", "on",  "On",  "ON",  "off", "Off", "OFF"};
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (!strcmp(s, words[i]))
			q = true;
	return q;
}

static int emit_scalar(yaml_emitter_t *em, const char *s, size_t n, bool quote)
{
	yaml_event_t ev;
	yaml_scalar_event_initialize(&ev, NULL, NULL, (yaml_char_t *)s, (int)n, !quote, 1,
				     quote ? YAML_SINGLE_QUOTED_SCALAR_STYLE
					   : YAML_ANY_SCALAR_STYLE);
	return yaml_emitter_emit(em, &ev);
}

static int emit_value(yaml_emitter_t *em, const json_t *v)
{
	yaml_event_t ev;
	char buf[64];

	switch (json_typeof(v)) {
	case JSON_OBJECT: {
		const char *k;
		json_t *c;
		yaml_mapping_start_event_initialize(&ev, NULL, NULL, 1, YAML_BLOCK_MAPPING_STYLE);
		if (!yaml_emitter_emit(em, &ev))
			return 0;
		json_object_foreach ((json_t *)v, k, c) {
			if (!emit_scalar(em, k, strlen(k), needs_quotes(k)) || !emit_value(em, c))
				return 0;
		}
		yaml_mapping_end_event_initialize(&ev);
		return yaml_emitter_emit(em, &ev);
	}
	case JSON_ARRAY: {
		size_t i;
		json_t *c;
		yaml_sequence_start_event_initialize(&ev, NULL, NULL, 1,
						     json_array_size(v) ? YAML_BLOCK_SEQUENCE_STYLE
									: YAML_FLOW_SEQUENCE_STYLE);
		if (!yaml_emitter_emit(em, &ev))
			return 0;
		json_array_foreach (v, i, c) {
			if (!emit_value(em, c))
				return 0;
		}
		yaml_sequence_end_event_initialize(&ev);
		return yaml_emitter_emit(em, &ev);
	}
	case JSON_STRING: {
		const char *s = json_string_value(v);
		return emit_scalar(em, s, json_string_length(v), needs_quotes(s));
	}
	case JSON_INTEGER:
		snprintf(buf, sizeof(buf), "%" JSON_INTEGER_FORMAT, json_integer_value(v));
		return emit_scalar(em, buf, strlen(buf), false);
	case JSON_REAL:
		snprintf(buf, sizeof(buf), "%.17g", json_real_value(v));
		if (!strpbrk(buf, ".eE"))
			snprintf(buf + strlen(buf), sizeof(buf) - strlen(buf), ".0");
		return emit_scalar(em, buf, strlen(buf), false);
	case JSON_TRUE:
		return emit_scalar(em, "true", 4, false);
	case JSON_FALSE:
		return emit_scalar(em, "false", 5, false);
	default:
		return emit_scalar(em, "null", 4, false);
	}
}

char *jio_dump_yaml(const json_t *v, size_t *len)
{
	yaml_emitter_t em;
	yaml_event_t ev;
	struct strbuf sb = STRBUF_INIT;

	yaml_emitter_initialize(&em);
	yaml_emitter_set_output(&em, yaml_write_sb, &sb);
	yaml_emitter_set_unicode(&em, 1);
	yaml_emitter_set_width(&em, -1);
	yaml_emitter_set_indent(&em, 2);
	int ok = 1;
	yaml_stream_start_event_initialize(&ev, YAML_UTF8_ENCODING);
	ok = ok && yaml_emitter_emit(&em, &ev);
	yaml_document_start_event_initialize(&ev, NULL, NULL, NULL, 1);
	ok = ok && yaml_emitter_emit(&em, &ev);
	ok = ok && emit_value(&em, v);
	yaml_document_end_event_initialize(&ev, 1);
	ok = ok && yaml_emitter_emit(&em, &ev);
	yaml_stream_end_event_initialize(&ev);
	ok = ok && yaml_emitter_emit(&em, &ev);
	ok = ok && yaml_emitter_flush(&em);
	yaml_emitter_delete(&em);
	if (!ok) {
		/* only a bug of ours can get here (the events are built above) */
		strbuf_release(&sb);
		return NULL;
	}
	return strbuf_detach(&sb, len);
}
