/*
 * The fast JSON reader and position scanner (base/json_read.c, json_pos.c)
 * must agree with their references (jansson, libyaml) byte for byte: the same values,
 * the same errors, the same positions. Tricky inline cases, then every JSON
 * file of the test fixtures and the synthesized templates if present.
 */
#include <glob.h>
#include <stdlib.h>
#include <string.h>

#include "base/fsutil.h"
#include "base/json_io.h"
#include "support/test.h"

static char *first_diag(const struct diag_list *dl)
{
	if (!dl->nr)
		return strdup("(none)");
	const struct diag *d = &dl->items[0];
	size_t n = strlen(d->message) + 64;
	char *s = malloc(n);
	snprintf(s, n, "%d:%d: %s", d->line, d->col, d->message);
	return s;
}

/* 1 when the fast paths agree with the references on `text`. */
static int agree(const char *name, const char *text, size_t len)
{
	struct diag_list d1 = DIAG_LIST_INIT, d2 = DIAG_LIST_INIT;
	json_t *fast = jio_load_json(name, text, len, &d1);
	json_t *ref = jio_load_json_jansson(name, text, len, &d2);
	int ok = 1;

	if (!fast != !ref) {
		ok = 0;
	} else if (fast) {
		size_t n;
		char *dump = jio_dump_json(fast, &n);
		/* and the size validate measures equals the bytes written */
		ok = json_equal(fast, ref) && jio_equal_dump(fast, ref) && jio_json_size(fast) == n;
		free(dump);
		/* and the compact size, what deploy sends: jansson's JSON_COMPACT */
		char *compact = json_dumps(fast, JSON_COMPACT | JSON_ENCODE_ANY);
		if (!compact || jio_json_compact_size(fast) != strlen(compact)) {
			printf("#   %s: compact size %zu, jansson writes %zu\n", name,
			       jio_json_compact_size(fast), compact ? strlen(compact) : 0);
			ok = 0;
		}
		free(compact);
	} else {
		char *a = first_diag(&d1), *b = first_diag(&d2);
		ok = !strcmp(a, b) && d1.nr == d2.nr;
		free(a);
		free(b);
	}
	if (!ok)
		printf("#   %s: values or errors differ\n", name);
	json_decref(fast);
	json_decref(ref);
	diag_list_release(&d1);
	diag_list_release(&d2);

	struct jio_posmap *pf = jio_posmap_build(text, len), *py = jio_posmap_build_yaml(text, len);
	size_t n = jio_posmap_size(py);
	if (jio_posmap_size(pf) != n) {
		printf("#   %s: %zu positions, libyaml %zu\n", name, jio_posmap_size(pf), n);
		ok = 0;
	}
	for (size_t i = 0; ok && i < n; i++) {
		int l1, c1, l2, c2;
		const char *a = jio_posmap_at(pf, i, &l1, &c1), *b = jio_posmap_at(py, i, &l2, &c2);
		if (strcmp(a, b) || l1 != l2 || c1 != c2) {
			printf("#   %s: '%s' %d:%d, libyaml '%s' %d:%d\n", name, a, l1, c1, b, l2,
			       c2);
			ok = 0;
		}
	}
	jio_posmap_free(pf);
	jio_posmap_free(py);
	return ok;
}

static int agree_str(const char *text)
{
	return agree(text, text, strlen(text));
}

TEST(values_errors_and_positions_agree_on_tricky_input)
{
	static const char *const cases[] = {
		"{}",
		"[]",
		"  {\"a\": 1}  \n",
		"{\"a\": {\"b\": [10,\n  20, {\"c\": null}]}, \"d\": true, \"e\": false}",
		"{\"s\": \"x\\\"y\\\\z\\/w\\b\\f\\n\\r\\t\"}",
		"{\"u\": \"\\u00e9\\u20ac\\ud83d\\ude00\"}",
		"{\"lone\": \"\\ud83d\"}",
		"{\"low\": \"\\ude00\"}",
		"{\"nul\": \"a\\u0000b\"}",
		/* escapes inside and after 8-byte blocks (the compact size's table) */
		"{\"long\": \"0123456789abcdef\\\"0123456\\u0001abcdefgh\\\\ijklmnopqrs\\n\"}",
		"{\"k\\u00e9y\": 1}",
		"{\"a\": 1, \"a\": 2}",
		"{\"n\": [0, -0, 1.5, -2.5e3, 1E+2, 1e-400, 9223372036854775807]}",
		"{\"big\": 9223372036854775808}",
		"{\"huge\": 1e400}",
		"{\"lead\": 01}",
		"{\"dot\": 1.}",
		"{\"frac\": .5}",
		"{\"minus\": -}",
		"{\"a\": 1,}",
		"[1, 2,]",
		"{\"a\" 1}",
		"{\"a\": tru}",
		"{\"a\": truex}",
		"\xEF\xBB\xBF{\"bom\": 1}",
		"{\t\"tab\": 1}",
		"{\"a\":\r\n 1,\r \"b\": 2}",
		"{\"\xC3\xA9\": \"\xC3\xBC\", \"k\": [\"\xF0\x9F\x98\x80\", 1]}",
		"{\"ls\": \"a\xE2\x80\xA8"
		"b\", \"x\": 1}",
		"{\"nel\": \"a\xC2\x85"
		"b\", \"x\": 1}",
		"{\"c1\": \"a\xC2\x90"
		"b\", \"x\": 1}",
		"{\"bomin\": \"a\xEF\xBB\xBF"
		"b\", \"x\": 1}",
		"{\"del\": \"a\x7F"
		"b\", \"x\": 1}",
		"{\"bad\": \"\xC3\"}",
		"{\"overlong\": \"\xC0\xAF\"}",
		"{\"ctl\": \"a\x01"
		"b\"}",
		"{\"key\"\n: 1}",
		"{\"a\": [[[[[]]]]], \"b\": {\"\": {\"\": 2}}}",
		"{\"a.b\": {\"[0]\": 1}}",
		"{\"k\\u0001\\n\\\"q\": [1.5, -12, 0, 1e300, 2.0, true, false, null, \"\\u001f\\t\\\\\\b\\f\\r/\"]}",
		"[1e-5, -2.5e-10, 1e21, 123456789012345680000.0, 0.1, -0.0, 1e100]",
		"[{\"a\": 1}, [2, [3]], \"s\"]",
		"{} x",
		"\"top\"",
		"42",
		"",
		"   ",
		"{\"a\": 1}}",
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		CHECK(agree_str(cases[i]));
}

TEST(long_keys_and_deep_nesting_agree)
{
	char key[1600];
	memset(key, 'k', sizeof(key) - 1);
	key[sizeof(key) - 1] = '\0';
	for (size_t n = 1000; n <= 1100; n += 20) {
		char *t = malloc(n + 32);
		snprintf(t, n + 32, "{\"%.*s\": 1, \"b\": [2]}", (int)n, key);
		CHECK(agree_str(t));
		free(t);
	}
	for (int depth = 126; depth <= 130; depth++) {
		char t[600];
		size_t j = 0;
		for (int i = 0; i < depth; i++)
			t[j++] = '[';
		for (int i = 0; i < depth; i++)
			t[j++] = ']';
		t[j] = '\0';
		CHECK(agree(t, t, j));
	}
}

static void agree_on_files(const char *pattern, int *files)
{
	glob_t g;
	if (glob(pattern, 0, NULL, &g))
		return;
	for (size_t i = 0; i < g.gl_pathc; i++) {
		struct diag_list dl = DIAG_LIST_INIT;
		size_t len;
		char *text = fs_read_file(g.gl_pathv[i], &len, &dl);
		if (text) {
			CHECK(agree(g.gl_pathv[i], text, len));
			(*files)++;
		}
		free(text);
		diag_list_release(&dl);
	}
	globfree(&g);
}

TEST(values_errors_and_positions_agree_on_every_fixture)
{
	int files = 0;
	agree_on_files("tests/fixtures/*/*.json", &files);
	agree_on_files("tests/fixtures/*/*/*.json", &files);
	agree_on_files("tests/fixtures/*/*/*.template.json", &files);
	agree_on_files("config/*.json", &files);
	agree_on_files("cdk.out/*.json", &files);
	CHECK(files > 50);
}

/*
 * The sizes validate measures take a string without escapes by its length,
 * tested a word at a time (overlapping words, short strings by their
 * bytes): a byte to escape at every place of strings of 0 to 24 bytes, as
 * a value and as a key, gives jansson's compact size and the size of the
 * indented form written.
 */
TEST(sizes_see_an_escape_at_every_place)
{
	static const char *const bytes[] = {"\"", "\\", "\n", "\x01", "\x1f", "\t", "a", "\xc3\xa9", "/"};
	size_t cases = 0, agree = 0;
	for (size_t len = 0; len <= 24; len++) {
		for (size_t at = 0; at <= len; at++) {
			for (size_t b = 0; b < sizeof(bytes) / sizeof(bytes[0]); b++) {
				char s[64];
				memset(s, 'x', len);
				size_t n = len;
				if (at < len) {
					size_t bl = strlen(bytes[b]);
					memcpy(s + at, bytes[b], bl);
					n = len - 1 + bl;
					memset(s + at + bl, 'x', len - at - 1);
				}
				json_t *str = json_stringn(s, n), *obj = json_object();
				char key[64];
				memcpy(key, s, n);
				key[n] = '\0';
				json_object_set(obj, key, str);
				const json_t *vals[2] = {str, obj};
				for (int k = 0; k < 2; k++) {
					char *compact = json_dumps(vals[k], JSON_COMPACT | JSON_ENCODE_ANY);
					size_t wlen;
					char *written = jio_dump_json(vals[k], &wlen);
					cases++;
					if (compact && jio_json_compact_size(vals[k]) == strlen(compact) &&
					    jio_json_size(vals[k]) == wlen)
						agree++;
					else
						printf("#   length %zu, byte %zu at %zu (%s): %zu, jansson %zu\n",
						       len, b, at, k ? "key" : "value",
						       jio_json_compact_size(vals[k]),
						       compact ? strlen(compact) : 0);
					free(compact);
					free(written);
				}
				json_decref(str);
				json_decref(obj);
			}
		}
	}
	CHECK(cases > 5000);
	CHECK(agree == cases);
}

int main(void)
{
	RUN(values_errors_and_positions_agree_on_tricky_input);
	RUN(long_keys_and_deep_nesting_agree);
	RUN(values_errors_and_positions_agree_on_every_fixture);
	RUN(sizes_see_an_escape_at_every_place);
	return test_done();
}
