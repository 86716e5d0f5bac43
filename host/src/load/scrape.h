/*
 * Go runtime figures of a service under load, scraped from its Prometheus
 * endpoint (/metrics): once before the load, every interval during it on a
 * thread of its own, once after. Read from client_golang's Go collector:
 * go_gc_duration_seconds (summary: _count, _sum, quantile="1"),
 * go_memstats_heap_alloc_bytes, go_memstats_heap_sys_bytes, go_goroutines.
 * A service without them (404, no Go collector, not HTTP) is not scraped
 * again and gives no figures; that is not an error of the sample.
 */
#ifndef RIG_SCRAPE_H
#define RIG_SCRAPE_H

#include "sample.h"

struct rig_scrape_figs {
	int scrapes;			      /* answered with Go figures */
	double gc_count0, gc_count1;	      /* go_gc_duration_seconds_count, first and last */
	double gc_sum0, gc_sum1;	      /* go_gc_duration_seconds_sum (s), first and last */
	double pause_max_s;		      /* the largest quantile="1" seen */
	double heap_peak, heap_sum, heap_sys; /* bytes: go_memstats_heap_alloc peak and sum,
						 heap_sys last */
	double goroutines_peak;
	char why[200]; /* why there are no figures ("" when scrapes > 0) */
};

struct rig_scrape;

/*
 * Scrapes http://host:port/path once now (blocking, timeout_ms at most) and,
 * when that gave Go figures, starts a thread scraping every interval_ms.
 * Returns the scraper (never NULL); rig_scrape_stop ends it.
 */
struct rig_scrape *rig_scrape_start(const char *host, int port, const char *path, int interval_ms,
				    int timeout_ms);

/* Stops the thread, scrapes once more, fills *f and frees s. */
void rig_scrape_stop(struct rig_scrape *s, struct rig_scrape_figs *f);

/*
 * One scrape: GET path over HTTP/1.0 (close-delimited, no chunked coding),
 * status 200, the body parsed (promtext.h) into f. 0 when it had
 * go_gc_duration_seconds_count, else -1 with the reason in f->why.
 */
int rig_scrape_once(const char *host, int port, const char *path, int timeout_ms,
		    struct rig_scrape_figs *f);

/* Adds the figures to s when there are any: go_gc_cycles and
 * go_gc_pause_us (during the load: last minus first), go_gc_pause_max_us,
 * go_heap_alloc_peak_kib, go_heap_alloc_mean_kib, go_heap_sys_kib,
 * go_goroutines_peak, metrics_scrapes. */
void rig_scrape_to_sample(const struct rig_scrape_figs *f, struct rig_sample *s);

#endif
