/* The report's HTML escaping (html.h) and SVG charts (svg.h): text from the
 * store never becomes markup, charts carry their parts. The whole page in a
 * real browser: integration/report_html. */
#include "rigtest.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "html.h"
#include "svg.h"

static int count(const char *hay, const char *needle)
{
	int n = 0;

	for (const char *p = hay; (p = strstr(p, needle)); p += strlen(needle))
		n++;
	return n;
}

static void markup_characters_become_entities(void **state)
{
	struct rig_buf b = {0};

	(void)state;
	rig_html_text(&b, "<b a='1' c=\"2\">&amp;</b>");
	assert_string_equal(b.data, "&lt;b a=&#39;1&#39; c=&quot;2&quot;&gt;&amp;amp;&lt;/b&gt;");
	rig_buf_free(&b);
}

static void bad_utf8_and_controls_never_reach_the_page(void **state)
{
	struct rig_buf b = {0};

	(void)state;
	rig_html_text(&b, "a\xff\x01\tb\xc3\xa9\xe2\x82");
	assert_string_equal(b.data, "a\xEF\xBF\xBD\tb\xc3\xa9\xEF\xBF\xBD\xEF\xBF\xBD");
	rig_buf_free(&b);
	rig_html_text(&b, NULL);
	assert_null(b.data);
}

static void formatted_text_is_escaped_too(void **state)
{
	struct rig_buf b = {0};
	char long_name[600];

	(void)state;
	memset(long_name, '<', sizeof(long_name) - 1);
	long_name[sizeof(long_name) - 1] = '\0';
	rig_html_textf(&b, "%s|%d", long_name, 7);
	assert_int_equal(count(b.data, "&lt;"), (int)sizeof(long_name) - 1);
	assert_non_null(strstr(b.data, "|7"));
	rig_buf_free(&b);
}

static void bars_have_one_group_per_bar_with_class_and_whisker(void **state)
{
	const struct rig_svg_bar bars[] = {
	    {"c", 1e6, 0.9e6, 1.1e6, 1, "base"},
	    {"<gc>", 2e6, 1.8e6, 2.2e6, 1, "worse"},
	    {"tinygo", 0.5e6, 0, 0, 0, "better"},
	};
	struct rig_buf b = {0};

	(void)state;
	rig_svg_bars(&b, "startup & co", "ns", bars, 3);
	assert_int_equal(count(b.data, "<svg class=\"chart bars\""), 1);
	assert_int_equal(count(b.data, "<g class=\"bar "), 3);
	assert_int_equal(count(b.data, "<path class=\"ci\""), 2);
	assert_non_null(strstr(b.data, "<g class=\"bar worse\">"));
	assert_non_null(strstr(b.data, "&lt;gc&gt;"));
	assert_null(strstr(b.data, "<gc>"));
	assert_non_null(strstr(b.data, "startup &amp; co"));
	assert_non_null(strstr(b.data, ">2.00 ms<"));
	rig_buf_free(&b);
	rig_svg_bars(&b, "none", "ns", bars, 0);
	assert_null(b.data);
}

static void strip_marks_the_outlier(void **state)
{
	const double v[] = {10, 11, 10.5, 10.2, 10.8, 10.1, 50};
	const struct rig_svg_strip_row rows[] = {{"c", v, 7}};
	struct rig_buf b = {0};

	(void)state;
	rig_svg_strip(&b, "samples", "ns", rows, 1);
	assert_int_equal(count(b.data, "<circle class=\"pt"), 7);
	assert_int_equal(count(b.data, "<circle class=\"pt outlier\""), 1);
	assert_non_null(strstr(b.data, "data-samples=\"7\""));
	rig_buf_free(&b);
}

static void history_draws_band_line_and_change_point(void **state)
{
	struct rig_svg_hpoint p[6];
	struct rig_buf b = {0};

	(void)state;
	for (int i = 0; i < 6; i++)
		p[i] = (struct rig_svg_hpoint){.median = i < 3 ? 100 : 25,
					       .lo = i < 3 ? 95 : 20,
					       .hi = i < 3 ? 105 : 30,
					       .change_point = i == 3,
					       .shift = -0.75,
					       .label = i == 3 ? "slow<4>" : "run"};
	rig_svg_history(&b, "ops", "ops/s", p, 6);
	assert_int_equal(count(b.data, "<svg class=\"chart history\""), 1);
	assert_int_equal(count(b.data, "<path class=\"band\""), 1);
	assert_int_equal(count(b.data, "<path class=\"line\""), 1);
	assert_int_equal(count(b.data, "<g class=\"cp\">"), 1);
	assert_non_null(strstr(b.data, "-75.0%"));
	assert_non_null(strstr(b.data, "data-change-points=\"1\""));
	assert_non_null(strstr(b.data, "slow&lt;4&gt;"));
	assert_null(strstr(b.data, "nan"));
	rig_buf_free(&b);
}

/* One run, or every value equal: still a chart, never NaN coordinates. */
static void flat_and_single_series_stay_finite(void **state)
{
	struct rig_svg_hpoint p[2] = {{5, 5, 5, 0, NAN, "a"}, {5, 5, 5, 1, NAN, "b"}};
	struct rig_buf b = {0};
	const double v[] = {3, 3, 3};
	const struct rig_svg_strip_row rows[] = {{"c", v, 3}};

	(void)state;
	rig_svg_history(&b, "flat", "", p, 2);
	rig_svg_history(&b, "one", "", p, 1);
	rig_svg_strip(&b, "flat", "", rows, 1);
	assert_null(strstr(b.data, "nan"));
	assert_null(strstr(b.data, "inf"));
	assert_non_null(strstr(b.data, ">change<"));
	rig_buf_free(&b);
}

static void spectrum_has_a_line_per_series_on_a_log_axis(void **state)
{
	const double a[5] = {100, 200, 1000, 5000, 20000}, c[5] = {80, 150, NAN, 4000, 9000};
	const struct rig_svg_series series[] = {{"gc", a}, {"<c>", c}};
	const char *const xl[5] = {"p50", "p90", "p99", "p99.9", "p99.99"};
	struct rig_buf b = {0};

	(void)state;
	rig_svg_spectrum(&b, "latency", "us", xl, 5, series, 2);
	assert_int_equal(count(b.data, "<svg class=\"chart spectrum\""), 1);
	assert_int_equal(count(b.data, "<g class=\"series s"), 2);
	assert_int_equal(count(b.data, "<circle class=\"pt\""), 9); /* the NaN is left out */
	assert_non_null(strstr(b.data, ">10.0 ms<"));		    /* decades on the axis */
	assert_non_null(strstr(b.data, "&lt;c&gt;"));
	assert_null(strstr(b.data, "nan"));
	rig_buf_free(&b);
}

/* A unit from the store is text wherever a value is written with it. */
static void units_are_escaped_in_values_and_titles(void **state)
{
	const struct rig_svg_bar bars[] = {{"c", 3, 2, 4, 1, NULL}};
	const double v[] = {1, 2, 3};
	const struct rig_svg_strip_row rows[] = {{"c", v, 3}};
	struct rig_svg_hpoint p[2] = {{1, 1, 1, 0, 0, "a"}, {2, 2, 2, 0, 0, "b"}};
	struct rig_buf b = {0};

	(void)state;
	rig_svg_bars(&b, "t", "<u>", bars, 1);
	rig_svg_strip(&b, "t", "<u>", rows, 1);
	rig_svg_history(&b, "t", "<u>", p, 2);
	assert_null(strstr(b.data, "<u>"));
	assert_non_null(strstr(b.data, "&lt;u&gt;"));
	rig_buf_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(markup_characters_become_entities),
	    cmocka_unit_test(bad_utf8_and_controls_never_reach_the_page),
	    cmocka_unit_test(formatted_text_is_escaped_too),
	    cmocka_unit_test(bars_have_one_group_per_bar_with_class_and_whisker),
	    cmocka_unit_test(strip_marks_the_outlier),
	    cmocka_unit_test(history_draws_band_line_and_change_point),
	    cmocka_unit_test(flat_and_single_series_stay_finite),
	    cmocka_unit_test(spectrum_has_a_line_per_series_on_a_log_axis),
	    cmocka_unit_test(units_are_escaped_in_values_and_titles),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
