/* Sanity bounds: an impossible figure is a failed sample with the reason. */
#include "rigtest.h"

#include <string.h>

#include "bounds.h"

static const struct rig_target mcu = {"none", "thumb", "lm3s6965evb"};
static const struct rig_target host = {"linux", "x86_64", ""};

/* An ok sample with TinyGo's cortex-m-qemu figures before its clock was
 * fixed: 20.0T ops/s, its clock standing still. */
static void stalled_clock_sample(struct rig_sample *s, double ops, double elapsed)
{
	memset(s, 0, sizeof(*s));
	s->ok = 1;
	rig_sample_set(s, "throughput", ops, "ops/s");
	rig_sample_set(s, "elapsed_ns", elapsed, "ns");
	rig_sample_set(s, "startup_ns", 2e6, "ns");
}

static void ops_above_the_mcu_clock_fail_the_sample(void **state)
{
	struct rig_bounds b;
	struct rig_sample s;

	(void)state;
	rig_bounds_for_target(&mcu, &b);
	stalled_clock_sample(&s, 20.0e12, 1000);
	assert_int_equal(rig_bounds_check(&s, &b), 1);
	assert_int_equal(s.ok, 0);
	assert_non_null(strstr(s.fail_reason, "throughput"));
	assert_non_null(strstr(s.fail_reason, "clock did not advance"));
	rig_sample_free(&s);
}

static void zero_elapsed_with_a_rate_fails_the_sample(void **state)
{
	struct rig_bounds b;
	struct rig_sample s;

	(void)state;
	rig_bounds_for_target(&host, &b);
	stalled_clock_sample(&s, 1000, 0);
	assert_int_equal(rig_bounds_check(&s, &b), 1);
	assert_non_null(strstr(s.fail_reason, "elapsed_ns = 0"));
	rig_sample_free(&s);
}

static void a_negative_duration_fails_the_sample(void **state)
{
	struct rig_bounds b;
	struct rig_sample s;

	(void)state;
	rig_bounds_for_target(&host, &b);
	stalled_clock_sample(&s, 1000, 5e6);
	rig_sample_set(&s, "startup_ns", -3, "ns");
	assert_int_equal(rig_bounds_check(&s, &b), 1);
	assert_non_null(strstr(s.fail_reason, "startup_ns = -3 ns"));
	rig_sample_free(&s);
}

static void a_c_row_on_the_mcu_passes(void **state)
{
	struct rig_bounds b;
	struct rig_sample s;

	(void)state;
	rig_bounds_for_target(&mcu, &b);
	stalled_clock_sample(&s, 2150.5, 9.3e6);
	rig_sample_set(&s, "startup_above_floor_ns", -15e6, "ns"); /* noise, not a duration */
	assert_int_equal(rig_bounds_check(&s, &b), 0);
	assert_int_equal(s.ok, 1);
	rig_sample_free(&s);
}

static void the_same_rate_is_possible_on_the_host_but_not_on_the_mcu(void **state)
{
	struct rig_bounds bm, bh;
	struct rig_sample s;

	(void)state;
	rig_bounds_for_target(&mcu, &bm);
	rig_bounds_for_target(&host, &bh);
	stalled_clock_sample(&s, 2e10, 1e9);
	assert_int_equal(rig_bounds_check(&s, &bh), 0);
	assert_int_equal(rig_bounds_check(&s, &bm), 1);
	rig_sample_free(&s);
}

static void a_failed_sample_is_left_as_it_is(void **state)
{
	struct rig_bounds b;
	struct rig_sample s;

	(void)state;
	rig_bounds_for_target(&mcu, &b);
	stalled_clock_sample(&s, 20.0e12, 0);
	rig_sample_fail(&s, "workload finished with status 2");
	assert_int_equal(rig_bounds_check(&s, &b), 0);
	assert_string_equal(s.fail_reason, "workload finished with status 2");
	rig_sample_free(&s);
}

/* An MCU sample whose RAM figure (ram_bytes = static + stack + heap) is
 * what the mcu runner derived: at most the board's RAM. */
static void mcu_ram_sample(struct rig_sample *s, double ram)
{
	memset(s, 0, sizeof(*s));
	s->ok = 1;
	rig_sample_set(s, "throughput", 80.9e3, "ops/s");
	rig_sample_set(s, "elapsed_ns", 6.2e6, "ns");
	rig_sample_set(s, "ram_bytes", ram, "B");
}

static void ram_above_the_boards_ram_fails_the_sample(void **state)
{
	struct rig_bounds b;
	struct rig_sample s;

	(void)state;
	rig_bounds_for_target(&mcu, &b);
	b.ram_bytes = 64 * 1024;
	mcu_ram_sample(&s, 65537);
	assert_int_equal(rig_bounds_check(&s, &b), 1);
	assert_int_equal(s.ok, 0);
	assert_non_null(strstr(s.fail_reason, "ram_bytes = 65537 B is above the board's RAM"));
	assert_non_null(strstr(s.fail_reason, "65536 B, ram_kib"));
	rig_sample_free(&s);

	/* TinyGo's alloc on lm3s6965evb: 60.0 KiB of 64 KiB is possible */
	mcu_ram_sample(&s, 61472);
	assert_int_equal(rig_bounds_check(&s, &b), 0);
	assert_int_equal(s.ok, 1);
	rig_sample_free(&s);

	/* exactly all of it is possible too */
	mcu_ram_sample(&s, 65536);
	assert_int_equal(rig_bounds_check(&s, &b), 0);
	rig_sample_free(&s);
}

static void peak_rss_above_the_boards_ram_fails_the_sample(void **state)
{
	struct rig_bounds b;
	struct rig_sample s;

	(void)state;
	rig_bounds_for_target(&host, &b);
	b.ram_bytes = 512.0 * 1024 * 1024;
	memset(&s, 0, sizeof(s));
	s.ok = 1;
	rig_sample_set(&s, "peak_rss_kib", 600.0 * 1024, "KiB");
	assert_int_equal(rig_bounds_check(&s, &b), 1);
	assert_non_null(strstr(s.fail_reason, "peak_rss_kib = 629145600 B"));
	rig_sample_free(&s);
}

static void unknown_ram_bounds_nothing(void **state)
{
	struct rig_bounds b;
	struct rig_sample s;

	(void)state;
	rig_bounds_for_target(&mcu, &b);
	assert_true(b.ram_bytes == 0);
	mcu_ram_sample(&s, 1e12);
	assert_int_equal(rig_bounds_check(&s, &b), 0);
	rig_sample_free(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(ops_above_the_mcu_clock_fail_the_sample),
	    cmocka_unit_test(zero_elapsed_with_a_rate_fails_the_sample),
	    cmocka_unit_test(a_negative_duration_fails_the_sample),
	    cmocka_unit_test(a_c_row_on_the_mcu_passes),
	    cmocka_unit_test(the_same_rate_is_possible_on_the_host_but_not_on_the_mcu),
	    cmocka_unit_test(a_failed_sample_is_left_as_it_is),
	    cmocka_unit_test(ram_above_the_boards_ram_fails_the_sample),
	    cmocka_unit_test(peak_rss_above_the_boards_ram_fails_the_sample),
	    cmocka_unit_test(unknown_ram_bounds_nothing),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
