/* Tables: aligned rendering for people, tab-separated for pipes. */
#include "rigtest.h"

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "table.h"

/* board | profile | startup (right-aligned) */
static struct rig_table *sample_table(void)
{
	struct rig_table *t = rig_table_new();
	const char *r1[] = {"host", "gc", "1.23 ms"};
	const char *r2[] = {"qemu-cortex-m3", "tinygo", "850 µs"};

	assert_int_equal(rig_table_add_column(t, "board", RIG_ALIGN_LEFT), 0);
	assert_int_equal(rig_table_add_column(t, "profile", RIG_ALIGN_LEFT), 1);
	assert_int_equal(rig_table_add_column(t, "startup", RIG_ALIGN_RIGHT), 2);
	assert_int_equal(rig_table_add_row(t, r1, 3), 0);
	assert_int_equal(rig_table_add_row(t, r2, 3), 1);
	return t;
}

static char *render(const struct rig_table *t, enum rig_table_style style)
{
	struct rig_buf b = {0};

	rig_table_render(t, style, &b);
	return b.data ? b.data : rig_xstrdup("");
}

static void aligned_pads_columns_and_right_aligns_numbers(void **state)
{
	struct rig_table *t = sample_table();
	char *s = render(t, RIG_TABLE_ALIGNED);

	assert_string_equal(s, "board           profile  startup\n"
			       "--------------  -------  -------\n"
			       "host            gc       1.23 ms\n"
			       "qemu-cortex-m3  tinygo    850 µs\n");
	free(s);
	rig_table_free(t);
}

static void aligned_counts_utf8_code_points_not_bytes(void **state)
{
	struct rig_table *t = rig_table_new();
	const char *r1[] = {"µµµ"};
	const char *r2[] = {"abcd"};
	char *s;

	rig_table_add_column(t, "x", RIG_ALIGN_RIGHT);
	rig_table_add_row(t, r1, 1);
	rig_table_add_row(t, r2, 1);
	s = render(t, RIG_TABLE_ALIGNED);
	assert_string_equal(s, "   x\n----\n µµµ\nabcd\n");
	free(s);
	rig_table_free(t);
}

static void aligned_has_no_trailing_spaces(void **state)
{
	struct rig_table *t = rig_table_new();
	const char *r1[] = {"a", "long value"};
	const char *r2[] = {"bb", NULL};
	char *s;

	rig_table_add_column(t, "k", RIG_ALIGN_LEFT);
	rig_table_add_column(t, "v", RIG_ALIGN_LEFT);
	rig_table_add_row(t, r1, 2);
	rig_table_add_row(t, r2, 2);
	s = render(t, RIG_TABLE_ALIGNED);
	assert_null(strstr(s, " \n"));
	assert_string_equal(s, "k   v\n--  ----------\na   long value\nbb\n");
	free(s);
	rig_table_free(t);
}

static void separator_draws_a_rule_between_groups(void **state)
{
	struct rig_table *t = sample_table();
	const char *r3[] = {"pi4", "gccgo", "2.00 ms"};
	char *s;

	rig_table_add_separator(t);
	rig_table_add_row(t, r3, 3);
	s = render(t, RIG_TABLE_ALIGNED);
	assert_string_equal(s, "board           profile  startup\n"
			       "--------------  -------  -------\n"
			       "host            gc       1.23 ms\n"
			       "qemu-cortex-m3  tinygo    850 µs\n"
			       "--------------  -------  -------\n"
			       "pi4             gccgo    2.00 ms\n");
	free(s);
	rig_table_free(t);
}

static void tsv_is_one_tab_separated_line_per_row(void **state)
{
	struct rig_table *t = sample_table();
	char *s;

	rig_table_add_separator(t); /* not drawn in TSV */
	rig_table_begin_row(t);
	rig_table_cellf(t, "odd\tcell");
	rig_table_cellf(t, "two\nlines");
	s = render(t, RIG_TABLE_TSV);
	assert_string_equal(s, "board\tprofile\tstartup\n"
			       "host\tgc\t1.23 ms\n"
			       "qemu-cortex-m3\ttinygo\t850 µs\n"
			       "odd cell\ttwo lines\t\n");
	free(s);
	rig_table_free(t);
}

static void cellf_fills_cells_in_order(void **state)
{
	struct rig_table *t = rig_table_new();
	char *s;

	rig_table_add_column(t, "n", RIG_ALIGN_RIGHT);
	rig_table_add_column(t, "name", RIG_ALIGN_LEFT);
	assert_int_equal(rig_table_begin_row(t), 0);
	assert_int_equal(rig_table_cellf(t, "%d", 42), 0);
	assert_int_equal(rig_table_cellf(t, "%s-%s", "gc", "stripped"), 1);
	assert_int_equal(rig_table_cellf(t, "extra"), RIG_ERR_INVALID);
	s = render(t, RIG_TABLE_TSV);
	assert_string_equal(s, "n\tname\n42\tgc-stripped\n");
	free(s);
	rig_table_free(t);
}

static void misuse_is_rejected(void **state)
{
	struct rig_table *t = rig_table_new();
	const char *cells[] = {"a", "b"};

	assert_int_equal(rig_table_cellf(t, "no row yet"), RIG_ERR_INVALID);
	rig_table_add_column(t, "only", RIG_ALIGN_LEFT);
	assert_int_equal(rig_table_add_row(t, cells, 2), RIG_ERR_INVALID);
	assert_int_equal(rig_table_add_row(t, cells, 1), 0);
	assert_int_equal(rig_table_add_column(t, "late", RIG_ALIGN_LEFT), RIG_ERR_INVALID);
	assert_int_equal(rig_table_rows(t), 1);
	assert_int_equal(rig_table_columns(t), 1);
	rig_table_free(t);
}

static void header_only_table_renders_its_header(void **state)
{
	struct rig_table *t = rig_table_new();
	char *s;

	rig_table_add_column(t, "board", RIG_ALIGN_LEFT);
	rig_table_add_column(t, "n", RIG_ALIGN_RIGHT);
	s = render(t, RIG_TABLE_ALIGNED);
	assert_string_equal(s, "board  n\n-----  -\n");
	free(s);
	rig_table_free(t);
}

static void write_to_a_pipe_is_tsv(void **state)
{
	struct rig_table *t = sample_table();
	int fds[2];
	FILE *w;
	char got[512];
	ssize_t n;

	assert_int_equal(pipe(fds), 0);
	w = fdopen(fds[1], "w");
	assert_non_null(w);
	assert_int_equal(rig_table_write(t, w), 0);
	fclose(w);
	n = read(fds[0], got, sizeof(got) - 1);
	close(fds[0]);
	assert_true(n > 0);
	got[n] = 0;
	assert_string_equal(got, "board\tprofile\tstartup\nhost\tgc\t1.23 ms\n"
				 "qemu-cortex-m3\ttinygo\t850 µs\n");
	rig_table_free(t);
}

static void write_to_a_terminal_is_aligned(void **state)
{
	struct rig_table *t = sample_table();
	int master, slave;
	FILE *w;
	char got[512];
	size_t len;
	ssize_t n;

	master = posix_openpt(O_RDWR | O_NOCTTY);
	if (master < 0 || grantpt(master) || unlockpt(master)) {
		print_message("[  SKIPPED ] no pseudo-terminal available\n");
		skip();
	}
	slave = open(ptsname(master), O_RDWR | O_NOCTTY);
	assert_true(slave >= 0);
	w = fdopen(slave, "w");
	assert_non_null(w);
	assert_int_equal(rig_table_write(t, w), 0);
	fclose(w);
	/* a pty hands the output over in pieces; after the slave is closed the
	 * master reads the rest, then fails with EIO */
	len = 0;
	while (len < sizeof(got) - 1 && (n = read(master, got + len, sizeof(got) - 1 - len)) > 0)
		len += (size_t)n;
	close(master);
	assert_true(len > 0);
	got[len] = 0;
	/* the terminal's line discipline turns \n into \r\n */
	assert_non_null(strstr(got, "board           profile  startup\r\n"));
	assert_non_null(strstr(got, "qemu-cortex-m3  tinygo    850 µs\r\n"));
	rig_table_free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(aligned_pads_columns_and_right_aligns_numbers),
	    cmocka_unit_test(aligned_counts_utf8_code_points_not_bytes),
	    cmocka_unit_test(aligned_has_no_trailing_spaces),
	    cmocka_unit_test(separator_draws_a_rule_between_groups),
	    cmocka_unit_test(tsv_is_one_tab_separated_line_per_row),
	    cmocka_unit_test(cellf_fills_cells_in_order),
	    cmocka_unit_test(misuse_is_rejected),
	    cmocka_unit_test(header_only_table_renders_its_header),
	    cmocka_unit_test(write_to_a_pipe_is_tsv),
	    cmocka_unit_test(write_to_a_terminal_is_aligned),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
