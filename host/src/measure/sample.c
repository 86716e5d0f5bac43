#include "sample.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

void rig_sample_set(struct rig_sample *s, const char *name, double value, const char *unit)
{
	struct rig_metric *m = NULL;

	for (size_t i = 0; i < s->n_metrics; i++)
		if (strcmp(s->metrics[i].name, name) == 0)
			m = &s->metrics[i];
	if (!m) {
		if (s->n_metrics == s->cap_metrics) {
			s->cap_metrics = s->cap_metrics ? s->cap_metrics * 2 : 16;
			s->metrics = rig_xrealloc(s->metrics, s->cap_metrics * sizeof(*s->metrics));
		}
		m = &s->metrics[s->n_metrics++];
		memset(m, 0, sizeof(*m));
		snprintf(m->name, sizeof(m->name), "%s", name);
	}
	snprintf(m->unit, sizeof(m->unit), "%s", unit ? unit : "");
	m->value = value;
}

int rig_sample_get(const struct rig_sample *s, const char *name, double *value)
{
	for (size_t i = 0; i < s->n_metrics; i++) {
		if (strcmp(s->metrics[i].name, name) == 0) {
			if (value)
				*value = s->metrics[i].value;
			return 1;
		}
	}
	return 0;
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
	s->metrics = NULL;
	s->n_metrics = s->cap_metrics = 0;
}
