/*
 * A FunctionFS function for the USB test bed's device models: mounts an
 * ffs instance, writes its descriptors and strings to ep0 (which must
 * happen before the gadget's UDC is bound), opens the endpoint files, and
 * turns ep0 events into calls. The gadget itself (configfs: VID:PID,
 * strings, the configuration it is linked into, the UDC) is the caller's.
 *
 * A bulk OUT read must ask for exactly what the host sends in one
 * transfer (FunctionFS queues one request of the read's size: a larger
 * buffer waits for more data, or a short packet that never comes), so
 * the callers read the length their protocol says comes next.
 */
#ifndef RIG_FFS_DEV_H
#define RIG_FFS_DEV_H

#include <stddef.h>
#include <stdint.h>

#define RIG_FFS_EPS_MAX 4

struct rig_ffs {
	char dir[128];		 /* where the instance is mounted */
	int ep0;		 /* -1 when closed */
	int ep[RIG_FFS_EPS_MAX]; /* ep1.. in descriptor order; -1 unused */
	int enabled;		 /* an ENABLE event came (the host configured us) */
};

/* A class or vendor request to the function's interface. in: the device
 * answers with up to len bytes in data; out: data holds the len bytes the
 * host sent. Returns the bytes to send (in), 0 (out), or < 0 to stall. */
typedef int (*rig_ffs_setup_fn)(void *ctx, uint8_t request_type, uint8_t request, uint16_t value,
				uint16_t index, uint8_t *data, uint16_t len);

/*
 * Creates functions/ffs.NAME under the gadget directory gadget, mounts it at
 * /dev/ffs-NAME, writes the full- and high-speed descriptor lists (raw
 * bytes: interface, endpoint and class descriptors; fs_count/hs_count of
 * them) and the strings (n_str of them, language 0x0409; index 1.. as the
 * descriptors use them), opens ep0 and the n_eps endpoint files. 0, or -1
 * with the reason on stderr.
 */
int rig_ffs_open(struct rig_ffs *f, const char *gadget, const char *name, const uint8_t *fs,
		 size_t fs_len, int fs_count, const uint8_t *hs, size_t hs_len, int hs_count,
		 const char *const *strs, int n_str, int n_eps);

/* Reads one ep0 event and handles it: SETUP requests through fn (stalled
 * when it returns < 0), ENABLE/DISABLE into f->enabled. Blocks. Returns the
 * event type (FUNCTIONFS_*), or -1 when ep0 failed (unmounted, closed). */
int rig_ffs_event(struct rig_ffs *f, rig_ffs_setup_fn fn, void *ctx);

/* Halts endpoint i (0-based): the next host transfer on it stalls until
 * the host clears the halt. FunctionFS halts on I/O in the wrong
 * direction. */
void rig_ffs_halt(struct rig_ffs *f, int i, int in);

/* Closes the files and unmounts. Safe twice. */
void rig_ffs_close(struct rig_ffs *f);

/* Little-endian descriptor building for the callers' tables. */
#define RIG_LE16(v) (uint8_t)((v)&0xff), (uint8_t)(((v) >> 8) & 0xff)

#endif
