/*
 * Fault modes shared by the USB device models (picoboot_model.h,
 * dfuse_model.h), and what each model call returns for them. A model
 * call returns the bytes it moved (>= 0) or one of RIG_MODEL_STALL /
 * GONE / HANG, which the test's I/O table (or the FunctionFS wrapper) turns
 * into a stalled endpoint, a device that left the bus, or no answer.
 */
#ifndef RIG_MODEL_FAULT_H
#define RIG_MODEL_FAULT_H

enum rig_model_fault {
	RIG_FAULT_NONE = 0,
	RIG_FAULT_STALL,      /* refuses a write after fault_after bytes (a stall) */
	RIG_FAULT_TIMEOUT,    /* stops answering after fault_after bytes */
	RIG_FAULT_DISCONNECT, /* leaves the bus after fault_after bytes */
	RIG_FAULT_BAD_DATA,   /* reads back one flipped bit: a wrong CRC */
	RIG_FAULT_NO_COMEBACK /* reboots and never re-enumerates */
};

#define RIG_MODEL_STALL (-1)
#define RIG_MODEL_GONE (-2)
#define RIG_MODEL_HANG (-3)

/* "stall", "timeout", ... for the models' command lines; -1 when unknown. */
static inline int rig_model_fault_parse(const char *s)
{
	static const char *const names[] = {"none",	  "stall",    "timeout",
					    "disconnect", "bad-data", "no-comeback"};

	for (int i = 0; i < (int)(sizeof(names) / sizeof(names[0])); i++) {
		const char *a = names[i], *b = s;

		while (*a && *a == *b)
			a++, b++;
		if (!*a && !*b)
			return i;
	}
	return -1;
}

#endif
