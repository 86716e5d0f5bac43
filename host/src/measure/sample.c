#include "sample.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

/* FNV-1a over the name as stored (truncated to the field's size). */
static uint32_t name_hash(const char *name, size_t cap)
{
	uint32_t h = 2166136261u;

	for (size_t i = 0; i < cap - 1 && name[i]; i++)
		h = (h ^ (unsigned char)name[i]) * 16777619u;
	return h;
}

static void index_insert(struct rig_sample *s, size_t pos)
{
	size_t mask = s->index_cap - 1;
	size_t i = name_hash(s->metrics[pos].name, sizeof(s->metrics[pos].name)) & mask;

	while (s->index[i])
		i = (i + 1) & mask;
	s->index[i] = (uint32_t)(pos + 1);
}

static void index_grow(struct rig_sample *s)
{
	size_t cap = s->index_cap ? s->index_cap * 2 : 64;

	free(s->index);
	s->index = rig_xcalloc(cap, sizeof(*s->index));
	s->index_cap = cap;
	for (size_t i = 0; i < s->n_metrics; i++)
		index_insert(s, i);
}

static struct rig_metric *find(const struct rig_sample *s, const char *name)
{
	char key[sizeof(s->metrics[0].name)];
	size_t mask, i;

	if (!s->index_cap)
		return NULL;
	/* names are stored truncated to the field: look the same one up */
	snprintf(key, sizeof(key), "%s", name);
	mask = s->index_cap - 1;
	for (i = name_hash(key, sizeof(key)) & mask; s->index[i]; i = (i + 1) & mask) {
		struct rig_metric *m = &s->metrics[s->index[i] - 1];
		if (strcmp(m->name, key) == 0)
			return m;
	}
	return NULL;
}

int rig_sample_set(struct rig_sample *s, const char *name, double value, const char *unit)
{
	struct rig_metric *m = find(s, name);

	if (!m) {
		if (s->n_metrics >= RIG_SAMPLE_MAX_METRICS)
			return -1;
		if (s->n_metrics == s->cap_metrics) {
			s->cap_metrics = s->cap_metrics ? s->cap_metrics * 2 : 16;
			s->metrics = rig_xrealloc(s->metrics, s->cap_metrics * sizeof(*s->metrics));
		}
		m = &s->metrics[s->n_metrics++];
		memset(m, 0, sizeof(*m));
		snprintf(m->name, sizeof(m->name), "%s", name);
		if (s->n_metrics * 2 > s->index_cap)
			index_grow(s);
		else
			index_insert(s, s->n_metrics - 1);
	}
	snprintf(m->unit, sizeof(m->unit), "%s", unit ? unit : "");
	m->value = value;
	return 0;
}

int rig_sample_get(const struct rig_sample *s, const char *name, double *value)
{
	const struct rig_metric *m = find(s, name);

	if (!m)
		return 0;
	if (value)
		*value = m->value;
	return 1;
}

void rig_sample_fail(struct rig_sample *s, const char *fmt, ...)
{
	va_list ap;

	s->ok = 0;
	va_start(ap, fmt);
	vsnprintf(s->fail_reason, sizeof(s->fail_reason), fmt, ap);
	va_end(ap);
}

void rig_sample_set_tail(struct rig_sample *s, const char *text, size_t len)
{
	size_t cap = sizeof(s->stderr_tail) - 1;

	if (len > cap) {
		text += len - cap;
		len = cap;
	}
	memcpy(s->stderr_tail, text, len);
	s->stderr_tail[len] = '\0';
}

void rig_sample_free(struct rig_sample *s)
{
	free(s->metrics);
	free(s->index);
	for (size_t i = 0; i < s->n_hists; i++)
		free(s->hists[i].data);
	s->n_hists = 0;
	s->metrics = NULL;
	s->index = NULL;
	s->n_metrics = s->cap_metrics = s->index_cap = 0;
}

int rig_sample_set_hist(struct rig_sample *s, const char *name, const void *data, size_t len)
{
	struct rig_sample_hist *h = NULL;

	if (strlen(name) >= sizeof(s->hists[0].name))
		return -1;
	for (size_t i = 0; i < s->n_hists; i++)
		if (strcmp(s->hists[i].name, name) == 0)
			h = &s->hists[i];
	if (!h) {
		if (s->n_hists >= RIG_SAMPLE_MAX_HISTS)
			return -1;
		h = &s->hists[s->n_hists++];
		snprintf(h->name, sizeof(h->name), "%s", name);
	} else {
		free(h->data);
	}
	h->data = rig_xmalloc(len ? len : 1);
	memcpy(h->data, data, len);
	h->len = len;
	return 0;
}
