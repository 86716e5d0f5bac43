/* A flashing part's device selection (usb_sel.h). */
#include "usb_sel.h"

#include <stdio.h>
#include <string.h>

int rig_usb_sel_parse_id(const char *s, struct rig_usb_sel *sel, struct rig_error *err)
{
	unsigned v, p;
	char tail;

	if (sscanf(s, "%4x:%4x%c", &v, &p, &tail) != 2)
		return rig_fail(err, RIG_ERR_INVALID, "USB id \"%s\": expected VID:PID in hex", s);
	sel->vid = (uint16_t)v;
	sel->pid = (uint16_t)p;
	return 0;
}

void rig_usb_sel_describe(const struct rig_usb_sel *sel, char *out, size_t cap)
{
	int n = snprintf(out, cap, "%04x:%04x", sel->vid, sel->pid);

	if (sel->port[0] && n >= 0 && (size_t)n < cap)
		n += snprintf(out + n, cap - (size_t)n, " at %s", sel->port);
	if (sel->serial[0] && n >= 0 && (size_t)n < cap)
		snprintf(out + n, cap - (size_t)n, " serial %s", sel->serial);
}

int rig_usb_sel_open(const struct rig_usb_sel *sel, int wait_ms, struct rig_usb_handle **out,
		     struct rig_error *err)
{
	struct rig_usb_match m = {
	    .vid = sel->vid, .pid = sel->pid, .serial = sel->serial, .port = sel->port};
	struct rig_usb_dev d;
	char what[200], why[sizeof(err->msg)];
	int rc;

	*out = NULL;
	rig_usb_sel_describe(sel, what, sizeof(what));
	rc = rig_usb_find(&m, &d, err);
	if (rc == RIG_ERR_IO) {
		/* libusb_init failed: no usbfs at all (a container, this
		 * machine), so nothing can be connected */
		snprintf(why, sizeof(why), "%s", err->msg);
		return rig_fail(err, RIG_ERR_SKIPPED, "USB %s not connected: no USB here (%.300s)",
				what, why);
	}
	if (rc == 0) /* not there yet: it may be re-enumerating */
		rc = rig_usb_wait_present(&m, wait_ms, &d, err);
	else if (rc == 1)
		rc = 0;
	if (rc == RIG_ERR_TIMEOUT)
		return rig_fail(err, RIG_ERR_SKIPPED, "USB %s not connected (waited %d ms)", what,
				wait_ms);
	if (rc < 0)
		return rc;
	return rig_usb_open(&d, out, err);
}
