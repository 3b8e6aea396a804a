/*
 * Reading and writing JSON and YAML documents as jansson values, the one
 * value type of the program (jq's jv plays that part in jq).
 *
 * Loaders return a new reference the caller owns (json_decref), or NULL after
 * appending an error with file:line:column to `dl`. They refuse invalid UTF-8,
 * duplicate keys and nesting deeper than JIO_MAX_DEPTH. The YAML loader knows
 * CloudFormation's short-form tags (!Ref, !GetAtt a.b, !Sub, ...).
 *
 * Dumpers are deterministic: the same value gives the same bytes, always.
 */
#ifndef SM_JSON_IO_H
#define SM_JSON_IO_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "base/diag.h"

#define JIO_MAX_DEPTH 128

/*
 * json_object_foreach for walks that leave the object alone: three calls a
 * member instead of five (jansson's macro turns the key back into an
 * iterator twice), in the same order. `it` is declared by the loop; key and
 * value are the caller's variables.
 */
#define jio_object_each(obj, it, key, value)                                                       \
	for (void *(it) = json_object_iter((json_t *)(obj));                                       \
	     (it) && ((key) = json_object_iter_key(it), (value) = json_object_iter_value(it), 1);  \
	     (it) = json_object_iter_next((json_t *)(obj), (it)))
/* The same for the values alone. */
#define jio_object_each_value(obj, it, value)                                                      \
	for (void *(it) = json_object_iter((json_t *)(obj));                                       \
	     (it) && ((value) = json_object_iter_value(it), 1);                                    \
	     (it) = json_object_iter_next((json_t *)(obj), (it)))

json_t *jio_load_json(const char *file, const char *text, size_t len, struct diag_list *dl);
json_t *jio_load_yaml(const char *file, const char *text, size_t len, struct diag_list *dl);
/* JSON when the first non-blank byte is '{' or '[', YAML otherwise. */
json_t *jio_load_auto(const char *file, const char *text, size_t len, struct diag_list *dl);
json_t *jio_load_file(const char *path, struct diag_list *dl);

/* JSON with one-space indent (as the AWS CDK writes), UTF-8, trailing newline. */
char *jio_dump_json(const json_t *v, size_t *len);
/* The length jio_dump_json would give, without writing it. */
size_t jio_json_size(const json_t *v);
/* The length of json_dumps(v, JSON_COMPACT) (what deploy sends), without writing it. */
size_t jio_json_compact_size(const json_t *v);
/*
 * Block-style YAML; strings that would read back as another type are quoted.
 * NULL if libyaml refuses to emit (a bug, reported as such by callers).
 */
char *jio_dump_yaml(const json_t *v, size_t *len);

/*
 * Where each value of a document starts, by path: "a.b[2].c" (keys joined by
 * '.', array elements as [i]; the root is ""). Built from the source text with
 * libyaml, so it works for JSON and YAML alike. Owned by the caller.
 */
struct jio_posmap;
struct jio_posmap *jio_posmap_build(const char *text, size_t len);
bool jio_posmap_lookup(const struct jio_posmap *pm, const char *path, int *line, int *col);
void jio_posmap_free(struct jio_posmap *pm);

/*
 * jio_load_json() and jio_posmap_build() read well-formed JSON with their own
 * fast scanners and hand everything else to jansson and libyaml: these are
 * those reference paths alone, so that tests can check that both agree.
 */
json_t *jio_load_json_jansson(const char *file, const char *text, size_t len, struct diag_list *dl);
struct jio_posmap *jio_posmap_build_yaml(const char *text, size_t len);
size_t jio_posmap_size(const struct jio_posmap *pm);
/* Path of entry `i` (borrowed) and its position, or NULL past the end. */
const char *jio_posmap_at(const struct jio_posmap *pm, size_t i, int *line, int *col);

/*
 * `s` as a JSON string even when it is not valid UTF-8 (a file name can be
 * any bytes): each byte that is not part of a valid sequence is written as
 * the text "\\xHH", or "%HH" when `uri` (SARIF's artifact URIs). New reference.
 */
json_t *jio_string_escaped(const char *s, bool uri);

/* Byte-exact comparison helper for tests: true when both dump the same. */
bool jio_equal_dump(const json_t *a, const json_t *b);

#endif
