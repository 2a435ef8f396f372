// SPDX-License-Identifier: GPL-2.0
/*
 * json_get PATH: parse JSON on stdin (exit 2 if it is not valid JSON) and
 * print the value at PATH ("0.type", "." for the whole document).  Exit 1
 * if PATH does not exist.  The VM has no jq; this is the test's jq.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <json-c/json.h>

int main(int argc, char **argv)
{
	static char buf[1 << 20];
	struct json_object *root, *cur;
	char *path, *tok, *save = NULL;
	size_t n;

	if (argc != 2) {
		fprintf(stderr, "usage: json_get PATH <json\n");
		return 2;
	}
	n = fread(buf, 1, sizeof(buf) - 1, stdin);
	buf[n] = '\0';
	root = json_tokener_parse(buf);
	if (!root) {
		fprintf(stderr, "json_get: invalid JSON\n");
		return 2;
	}
	cur = root;
	path = strdup(argv[1]);
	for (tok = strtok_r(path, ".", &save); tok;
	     tok = strtok_r(NULL, ".", &save)) {
		if (json_object_is_type(cur, json_type_array)) {
			char *end;
			long i = strtol(tok, &end, 10);

			if (*end || i < 0 ||
			    (size_t)i >= json_object_array_length(cur))
				return 1;
			cur = json_object_array_get_idx(cur, (size_t)i);
		} else if (!json_object_object_get_ex(cur, tok, &cur)) {
			return 1;
		}
	}
	if (json_object_is_type(cur, json_type_string))
		puts(json_object_get_string(cur));
	else
		puts(json_object_to_json_string_ext(cur, JSON_C_TO_STRING_PLAIN));
	return 0;
}
