// SPDX-License-Identifier: GPL-2.0
/*
 * Output in the iproute2 style: each value is printed with a text format in
 * text mode, or added under its key to a JSON document (json-c) in -j mode.
 * The JSON keys are the attribute names of the netlink YAML spec.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <json-c/json.h>

#include "libmyc.h"

/* The text formats are the callers' literals, as in iproute2's json_print.c. */
#pragma GCC diagnostic ignored "-Wformat-nonliteral"

#define MAX_DEPTH 16

static bool json_mode, json_pretty;
static struct json_object *stack[MAX_DEPTH];
static int depth = -1;
static struct json_object *root;

void out_init(bool json, bool pretty)
{
	json_mode = json;
	json_pretty = pretty;
}

bool out_is_json(void)
{
	return json_mode;
}

static void add(const char *key, struct json_object *obj)
{
	struct json_object *parent;

	if (depth < 0) {
		if (root)
			json_object_put(root);
		root = obj;
		return;
	}
	parent = stack[depth];
	if (json_object_is_type(parent, json_type_array))
		json_object_array_add(parent, obj);
	else
		json_object_object_add(parent, key, obj);
}

static void push(const char *key, struct json_object *obj)
{
	add(key, obj);
	if (depth + 1 >= MAX_DEPTH) {
		fputs("myc: output nested too deep\n", stderr);
		abort();
	}
	stack[++depth] = obj;
}

void out_open_array(const char *key)
{
	if (json_mode)
		push(key, json_object_new_array());
}

void out_close_array(void)
{
	if (json_mode && depth >= 0)
		depth--;
}

void out_open_object(const char *key)
{
	if (json_mode)
		push(key, json_object_new_object());
}

void out_close_object(void)
{
	if (json_mode && depth >= 0)
		depth--;
}

void out_str(const char *key, const char *fmt, const char *val)
{
	if (json_mode)
		add(key, json_object_new_string(val));
	else if (fmt)
		printf(fmt, val);
}

void out_u64(const char *key, const char *fmt, uint64_t val)
{
	if (json_mode)
		add(key, json_object_new_uint64(val));
	else if (fmt)
		printf(fmt, val);
}

void out_u64_as(const char *key, uint64_t val, const char *fmt,
		const char *text)
{
	if (json_mode)
		add(key, json_object_new_uint64(val));
	else if (fmt)
		printf(fmt, text);
}

void out_bool(const char *key, const char *fmt, bool val)
{
	if (json_mode)
		add(key, json_object_new_boolean(val));
	else if (fmt && val)
		printf("%s", fmt);
}

void out_text(const char *s)
{
	if (!json_mode)
		fputs(s, stdout);
}

void out_flush(void)
{
	int flags = json_pretty ? JSON_C_TO_STRING_PRETTY |
				  JSON_C_TO_STRING_SPACED :
				  JSON_C_TO_STRING_PLAIN;

	if (json_mode && root) {
		puts(json_object_to_json_string_ext(root, flags));
		json_object_put(root);
		root = NULL;
		depth = -1;
	}
	fflush(stdout);
}
