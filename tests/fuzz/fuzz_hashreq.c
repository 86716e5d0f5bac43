/*
 * Fuzz target for the answer parser of the MCU request-latency load
 * (rig_hashreq_parse_answer, firmware/protocol/rig_hashreq.c) behind the
 * report-line parser, as the host reads a console. Invariants: an accepted
 * answer's name is exactly rig_hashreq_name of its sequence number and its
 * value the decimal of its word (one spelling only); the request writer
 * gives "hash SEQ N\n" for any seq and n up to the bound and refuses more.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rig_hashreq.h"
#include "rig_report.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                                                \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			fprintf(stderr, "fuzz_hashreq: %s:%d: %s\n", __FILE__, __LINE__, #cond);   \
			abort();                                                                   \
		}                                                                                  \
	} while (0)

static void on_line(void *ctx, enum rig_report_verdict v, const struct rig_report_line *l,
		    const char *text, size_t len)
{
	uint32_t seq, word;
	char name[16], value[16];

	(void)ctx;
	(void)text;
	(void)len;
	if (v != RIG_REPORT_LINE || !rig_hashreq_parse_answer(l, &seq, &word))
		return;
	rig_hashreq_name(name, sizeof(name), seq);
	CHECK(strcmp(name, l->name) == 0);
	snprintf(value, sizeof(value), "%lu", (unsigned long)word);
	CHECK(strcmp(value, l->value) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rig_report_parser p;
	char req[40], want[40];
	uint32_t seq = 0, n = 0;

	rig_report_parser_init(&p, on_line, NULL);
	rig_report_parser_feed(&p, (const char *)data, size);
	rig_report_parser_cut(&p, 1);
	if (size >= 8) {
		memcpy(&seq, data, 4);
		memcpy(&n, data + 4, 4);
		n %= 2 * RIG_HASHREQ_MAX_BYTES;
		size_t len = rig_hashreq_format_request(req, sizeof(req), seq, n);
		if (n > RIG_HASHREQ_MAX_BYTES) {
			CHECK(len == 0);
		} else {
			snprintf(want, sizeof(want), "hash %lu %lu\n", (unsigned long)seq,
				 (unsigned long)n);
			CHECK(len == strlen(want) && strcmp(req, want) == 0);
		}
	}
	return 0;
}
