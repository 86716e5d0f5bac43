/* The report-line protocol: writers, parser, line assembly. */
#include "rigtest.h"

#include <string.h>

#include "rig_report.h"

static void ready_line_round_trips(void **state)
{
	char buf[RIG_REPORT_MAX_LINE + 2];
	struct rig_report_line l;
	size_t n = rig_report_format_ready(buf, sizeof(buf));

	assert_true(n > 0);
	assert_int_equal(buf[n - 1], '\n');
	assert_int_equal(rig_report_parse_line(buf, n - 1, &l), RIG_REPORT_LINE);
	assert_int_equal(l.kind, RIG_REPORT_READY);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(ready_line_round_trips),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
