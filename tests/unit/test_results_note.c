/* The NOTE column: a WASI module's cost above its runtime's floor. */
#include "rigtest.h"

#include <stdlib.h>
#include <string.h>

#include "results.h"

/* A wasip1 row whose startup_above_floor_ns has this median and CI. */
static void note_for(char *out, size_t cap, double median, double lo, double hi)
{
	static char names[1][48] = {"startup_above_floor_ns"};
	struct rig_stat st;
	struct rig_row r;

	memset(&st, 0, sizeof(st));
	memset(&r, 0, sizeof(r));
	st.present = 1;
	st.s.n = 10;
	st.s.median = median;
	st.s.ci_lo = lo;
	st.s.ci_hi = hi;
	snprintf(r.target, sizeof(r.target), "linux/x86_64");
	r.extra = &st;
	r.extra_names = names;
	r.n_extra = 1;
	rig_results_note(out, cap, &r);
}

static void a_negative_difference_whose_ci_holds_zero_is_noise(void **state)
{
	char out[256];

	(void)state;
	note_for(out, sizeof(out), -15e6, -30e6, 2e6);
	assert_string_equal(out, "startup within noise of the floor");
}

static void a_positive_difference_whose_ci_holds_zero_is_noise(void **state)
{
	char out[256];

	(void)state;
	note_for(out, sizeof(out), 1e6, -1e6, 3e6);
	assert_string_equal(out, "startup within noise of the floor");
}

static void a_difference_clear_of_zero_is_shown_above_the_floor(void **state)
{
	char out[256];

	(void)state;
	note_for(out, sizeof(out), 4e6, 3e6, 5e6);
	assert_non_null(strstr(out, "startup above floor 4"));
	assert_null(strstr(out, "-"));
}

static void a_difference_clearly_below_zero_is_never_a_negative_cost(void **state)
{
	char out[256];

	(void)state;
	note_for(out, sizeof(out), -4e6, -5e6, -3e6);
	assert_non_null(strstr(out, "startup below floor by 4"));
	assert_null(strstr(out, "above floor"));
	assert_null(strstr(out, "-"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(a_negative_difference_whose_ci_holds_zero_is_noise),
	    cmocka_unit_test(a_positive_difference_whose_ci_holds_zero_is_noise),
	    cmocka_unit_test(a_difference_clear_of_zero_is_shown_above_the_floor),
	    cmocka_unit_test(a_difference_clearly_below_zero_is_never_a_negative_cost),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
