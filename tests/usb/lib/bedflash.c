/* Loading an image through a board file's flash part (bedtest.h). */
#include <errno.h>
#include <libgen.h>
#include <stdio.h>
#include <string.h>

#include "bedtest.h"
#include "board.h"
#include "flash.h"

int bed_flash_load(const char *path, const char *yaml, const char *artifact, struct rig_error *err)
{
	struct rig_board *b = NULL;
	struct rig_artifact a;
	char dir[512];
	FILE *f = fopen(path, "w");
	int rc;

	if (!f || fputs(yaml, f) < 0 || fclose(f))
		return rig_fail(err, RIG_ERR_IO, "%s: %s", path, strerror(errno));
	snprintf(dir, sizeof(dir), "%s", path);
	if ((rc = rig_board_load(path, dirname(dir), &b, err)))
		return rc;
	memset(&a, 0, sizeof(a));
	snprintf(a.path, sizeof(a.path), "%s", artifact);
	rc = RIG_FLASH(b)->load(b, &a, err);
	rig_board_free(b);
	return rc;
}
