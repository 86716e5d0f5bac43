/* Fuzz target: the Prometheus text format parser (host/src/load/promtext.c)
 * that reads a service's /metrics during load. Invariants: no crash; every
 * sample handed over has a valid metric name within the limit and a label
 * text within its limit with balanced quotes; the count returned is the
 * number of callbacks; and parsing a prefix that ends at a line boundary
 * gives a prefix of the same samples (a line is judged on its own). */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "promtext.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct seen {
	int n;
	double first;
};

static void on(void *ctx, const char *name, const char *labels, double v)
{
	struct seen *s = ctx;
	size_t nl = strlen(name), ll = strlen(labels);
	int quotes = 0;

	if (!nl || nl > RIG_PROM_MAX_NAME || ll > RIG_PROM_MAX_LABELS)
		abort();
	if (strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_:") !=
		nl ||
	    (name[0] >= '0' && name[0] <= '9'))
		abort();
	for (size_t i = 0; i < ll; i++) {
		if (labels[i] == '\\')
			i++;
		else if (labels[i] == '"')
			quotes++;
	}
	if (quotes % 2)
		abort();
	if (!s->n)
		s->first = v;
	s->n++;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct seen all = {0}, part = {0};
	int bad = 0, bad2 = 0, n, m;
	const uint8_t *nl;

	n = rig_prom_parse((const char *)data, size, on, &all, &bad);
	if (n >= 0 && n != all.n)
		abort();
	if (n < 0 && bad < 1)
		abort();
	nl = memchr(data, '\n', size);
	if (nl) {
		m = rig_prom_parse((const char *)data, (size_t)(nl - data) + 1, on, &part, &bad2);
		if (m >= 0 && all.n < part.n)
			abort();
		if (m > 0 && all.n > 0 && !(isnan(all.first) && isnan(part.first)) &&
		    all.first != part.first)
			abort();
	}
	return 0;
}
