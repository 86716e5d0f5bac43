/* One rule for names that become paths or shell/terminal text: see names.h. */
#include "names.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int name_char(char c, int first)
{
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
		return 1;
	return !first && (c == '.' || c == '_' || c == '-');
}

int rig_name_ok(const char *s)
{
	size_t n;

	if (!s || !s[0])
		return 0;
	for (n = 0; s[n]; n++)
		if (n >= RIG_NAME_MAX || !name_char(s[n], n == 0))
			return 0;
	return 1;
}

char *rig_name_quote(const char *s, char *out, size_t cap)
{
	size_t o = 0;

	if (!cap)
		return out;
	for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++) {
		char tmp[5];
		int printable = *p >= 0x20 && *p < 0x7f && *p != '"' && *p != '\\';
		size_t n = printable ? 1 : 4;

		if (printable)
			tmp[0] = (char)*p, tmp[1] = '\0';
		else
			snprintf(tmp, sizeof(tmp), "\\x%02x", *p);
		if (o + n + 4 >= cap) { /* room for "..." */
			memcpy(out + o, "...", 3);
			o += 3;
			break;
		}
		memcpy(out + o, tmp, n);
		o += n;
	}
	out[o] = '\0';
	return out;
}

/* Why s is not a name, for the message. */
static void why_not(const char *s, char *out, size_t cap)
{
	size_t i = 0;

	if (!s || !s[0]) {
		snprintf(out, cap, "empty");
		return;
	}
	if (strlen(s) > RIG_NAME_MAX) {
		snprintf(out, cap, "%zu characters, at most %d", strlen(s), RIG_NAME_MAX);
		return;
	}
	while (s[i] && name_char(s[i], i == 0))
		i++;
	if (i == 0 && name_char(s[0], 0)) {
		snprintf(out, cap, "starts with '%c'", s[0]);
	} else {
		char one[2] = {s[i], '\0'}, shown[16];
		snprintf(out, cap, "character '%s' at %zu is not allowed",
			 rig_name_quote(one, shown, sizeof(shown)), i + 1);
	}
}

int rig_name_check(const char *where, const char *kind, const char *s, struct rig_error *err)
{
	char shown[96], why[64];

	if (rig_name_ok(s))
		return 0;
	rig_name_quote(s, shown, sizeof(shown));
	why_not(s, why, sizeof(why));
	return rig_fail(err, RIG_ERR_INVALID,
			"%s%s%s name \"%s\": %s; names are 1 to %d letters, digits, '.', '_' or "
			"'-', starting with a letter or digit",
			where ? where : "", where ? ": " : "", kind, shown, why, RIG_NAME_MAX);
}

int rig_names_known(const char *where, const char *kind, const char *s,
		    const struct rig_strv *known, struct rig_error *err)
{
	char shown[96];
	struct rig_buf list = {0};
	int rc;

	if (rig_strv_has(known, s))
		return 0;
	for (size_t i = 0; i < known->n; i++)
		rig_buf_appendf(&list, "%s%s", i ? ", " : "", known->v[i]);
	rc = rig_fail(err, RIG_ERR_NOT_FOUND, "%s%sno %s named \"%s\"; known: %.300s",
		      where ? where : "", where ? ": " : "", kind,
		      rig_name_quote(s, shown, sizeof(shown)), list.data ? list.data : "(none)");
	rig_buf_free(&list);
	return rc;
}

int rig_names_check_list(const char *option, const char *kind, const struct rig_strv *items,
			 int names, const struct rig_strv *known, struct rig_error *err)
{
	char shown[96], where[80];
	int rc;

	snprintf(where, sizeof(where), "option %s", option);
	if (!items->n)
		return rig_fail(err, RIG_ERR_INVALID, "option %s: the list is empty (name a %s)",
				option, kind);
	for (size_t i = 0; i < items->n; i++) {
		const char *it = items->v[i];

		if (!it[0])
			return rig_fail(err, RIG_ERR_INVALID,
					"option %s: item %zu is empty (a stray ',' or \"\")",
					option, i + 1);
		for (size_t j = 0; j < i; j++)
			if (strcmp(items->v[j], it) == 0)
				return rig_fail(err, RIG_ERR_INVALID,
						"option %s: %s \"%s\" is listed twice", option,
						kind, rig_name_quote(it, shown, sizeof(shown)));
		if (names && (rc = rig_name_check(where, kind, it, err)))
			return rc;
		if (known && (rc = rig_names_known(where, kind, it, known, err)))
			return rc;
	}
	return 0;
}
