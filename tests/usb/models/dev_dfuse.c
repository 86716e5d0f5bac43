/*
 * usbmodel_dfuse: ST's DfuSe system boot loader (0483:df11, AN3156) in the
 * USB test bed, on GadgetFS: the whole device (device, configuration and
 * string descriptors) from userspace, one configuration with the DFU
 * interface (class 0xFE/1, protocol 2, no endpoints), its functional
 * descriptor (DfuSe 1.1a, 256-byte transfers (XFER), can upload, manifestation
 * tolerant, will detach) and the STM32F401 memory map as its interface
 * string (RIG_DFUM_LAYOUT). Not FunctionFS: the bed's kernel (Debian
 * bookworm, 6.1) refuses a DFU functional descriptor from an ffs function
 * (accepted from 6.12 on, commit c26cee817f8b), and without it neither rig
 * nor dfu-util can learn wTransferSize or that the device is DfuSe.
 *
 * Every class request on ep0 goes to the in-process model
 * (dfuse_model.c), the same code the unit tests drive: DETACH, DNLOAD
 * (set address, erase, blocks), GETSTATUS, CLRSTATUS, GETSTATE, ABORT,
 * UPLOAD. After "leave" (a zero-length DNLOAD and the GETSTATUS that runs
 * it) it resets: writes its flash to --flash, leaves the bus and comes
 * back at the same port as the application, 0483:5740 with a CDC-ACM
 * function (configfs), serial DFUMODEL0001. The flash is kept in --flash
 * across runs (read at start when the file exists), as a chip keeps it.
 *
 *   usbmodel_dfuse --flash FILE
 *                  [--fault stall|timeout|disconnect|bad-data|no-comeback]
 *                  [--fault-after BYTES]
 *
 * Faults (model_fault.h) strike after --fault-after bytes of download
 * (default 4096): stall (the block fails: dfuERROR/errWRITE), timeout
 * (no more answers on ep0), disconnect (leaves the bus mid-download),
 * bad-data (UPLOAD returns one flipped bit), no-comeback (never
 * re-enumerates after leave). Prints "ready" once bound, "left" after the
 * reset. Runs until SIGTERM. Uses the first free UDC (GadgetFS binds
 * there).
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/usb/ch9.h>
#include <linux/usb/gadgetfs.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dfuse_model.h"

#define G "/sys/kernel/config/usb_gadget/dfuse-app"
#define GFS "/dev/gadget"
#define LE16(v) (uint8_t)((v)&0xff), (uint8_t)(((v) >> 8) & 0xff)
/* wTransferSize: GadgetFS refuses OUT data stages longer than its 256-byte
 * ep0 buffer (inode.c RBUF_SIZE), so this model announces 256 where the
 * STM32 says 2048 (DfuSe allows any size; rig and dfu-util use what the
 * descriptor says) */
#define XFER 256

static volatile sig_atomic_t stop;
static void on_term(int sig)
{
	(void)sig;
	stop = 1;
}

static int put(const char *path, const char *val)
{
	FILE *f = fopen(path, "w");

	if (!f || fputs(val, f) < 0 || fclose(f) != 0) {
		fprintf(stderr, "usbmodel_dfuse: writing '%s' to %s: %s\n", val, path,
			strerror(errno));
		return -1;
	}
	return 0;
}

/* tag 0, the full-speed and high-speed configurations, the device */
#define CONFIG                                                                                     \
	9, USB_DT_CONFIG, LE16(27), 1, 1, 0, 0xC0, 50, 9, USB_DT_INTERFACE, 0, 0, 0,               \
	    RIG_DFU_CLASS, RIG_DFU_SUBCLASS, RIG_DFU_PROTO_DFU, 4, 9, RIG_DFU_FUNC_DESC_TYPE,      \
	    RIG_DFU_ATTR_CAN_DNLOAD | RIG_DFU_ATTR_CAN_UPLOAD | RIG_DFU_ATTR_MANIFEST_TOLERANT |   \
		RIG_DFU_ATTR_WILL_DETACH,                                                          \
	    LE16(255), LE16(XFER), LE16(RIG_DFU_VERSION_DFUSE)
static const uint8_t gadget_desc[] = {
    0, 0, 0, 0, CONFIG, CONFIG,
    /* device: USB 2.0, class per interface, ep0 64, 0483:df11 bcdDevice 2200 */
    18, USB_DT_DEVICE, LE16(0x0200), 0, 0, 0, 64, LE16(0x0483), LE16(0xdf11), LE16(0x2200), 1, 2, 3,
    1};

static const char *const strings[] = {NULL, "STMicroelectronics", "STM32  BOOTLOADER",
				      "DFUMODEL0001", RIG_DFUM_LAYOUT};

/* GET_DESCRIPTOR(STRING): GadgetFS leaves strings to userspace */
static int string_desc(uint8_t idx, uint8_t *out, uint16_t cap)
{
	uint8_t b[256];
	size_t n;

	if (idx == 0) {
		b[0] = 4, b[1] = USB_DT_STRING, b[2] = 0x09, b[3] = 0x04;
		n = 4;
	} else if (idx < sizeof(strings) / sizeof(strings[0])) {
		const char *s = strings[idx];

		n = 2;
		for (size_t i = 0; s[i] && n + 2 <= sizeof(b); i++)
			b[n++] = (uint8_t)s[i], b[n++] = 0;
		b[0] = (uint8_t)n, b[1] = USB_DT_STRING;
	} else {
		return -1;
	}
	n = n < cap ? n : cap;
	memcpy(out, b, n);
	return (int)n;
}

struct dev {
	struct rig_dfum m;
	int fd, hung;
};

/* One request: the bytes to send (IN), 0 (OUT), -1 to stall. */
static int request(struct dev *d, const struct usb_ctrlrequest *r, uint8_t *data, uint16_t len)
{
	uint16_t value = r->wValue;

	if ((r->bRequestType & USB_TYPE_MASK) == USB_TYPE_STANDARD) {
		if (r->bRequest == USB_REQ_GET_DESCRIPTOR && value >> 8 == USB_DT_STRING)
			return string_desc((uint8_t)value, data, len);
		if (r->bRequest == USB_REQ_SET_CONFIGURATION ||
		    r->bRequest == USB_REQ_SET_INTERFACE)
			return 0;
		return -1;
	}
	if ((r->bRequestType & USB_TYPE_MASK) != USB_TYPE_CLASS)
		return -1;
	int rc = rig_dfum_control(&d->m, (r->bRequestType & USB_DIR_IN) != 0, r->bRequest, value,
				  data, len);
	if (rc == RIG_MODEL_HANG)
		d->hung = 1;
	return rc < 0 ? -1 : rc;
}

/* A SETUP event, answered as GadgetFS wants: IN data by write (a read
 * stalls), OUT data by read (the status stage goes with it, so such a
 * request cannot be stalled afterwards: the model reports its errors in
 * GETSTATUS, as the boot loader does), no data: read 0 acks, write 0 stalls. */
static void setup(struct dev *d, const struct usb_ctrlrequest *r)
{
	static uint8_t data[4096];
	uint16_t len = r->wLength < sizeof(data) ? r->wLength : sizeof(data);
	int n;

	if (r->bRequestType & USB_DIR_IN) {
		n = request(d, r, data, len);
		if (d->hung)
			return; /* the timeout fault: the host's request gets no answer */
		if (n < 0 ? read(d->fd, data, 0) : write(d->fd, data, (size_t)n)) {
		}
		return;
	}
	if (len && read(d->fd, data, len) != len) {
		/* GadgetFS acks an OUT data stage before userspace reads it, and a
		 * host quick enough to send its next SETUP first aborts this one:
		 * the data is gone (docs/usb.md, "DfuSe model") */
		fprintf(stderr, "usbmodel_dfuse: request 0x%02x: OUT data lost: %s\n", r->bRequest,
			strerror(errno));
		return;
	}
	n = request(d, r, data, len);
	if (!len && !d->hung && (n < 0 ? write(d->fd, data, 0) : read(d->fd, data, 0))) {
	}
}

/* GadgetFS queues a control OUT data stage in the kernel as the SETUP
 * arrives (inode.c gadgetfs_setup), so the host sees the transfer done
 * before this process has read the SETUP event or its data, and its next
 * SETUP (the GETSTATUS every DNLOAD is followed by) discards an unread
 * event or aborts the read (EIDRM; then the next read stalls that
 * GETSTATUS: the host's LIBUSB_ERROR_PIPE). A chip NAKs the data stage
 * until its firmware has taken the bytes, so nothing can overtake them; the
 * model gets the same order from the scheduler: the bed's guest has one
 * vCPU, and a SCHED_FIFO model woken by the SETUP runs before the host's
 * (SCHED_OTHER) process can submit its next request. */
static void run_first(void)
{
	struct sched_param sp = {.sched_priority = 10};

	if (sched_setscheduler(0, SCHED_FIFO, &sp))
		fprintf(stderr,
			"usbmodel_dfuse: SCHED_FIFO: %s (a quick host may overtake "
			"OUT data stages)\n",
			strerror(errno));
}

static void save(const struct rig_dfum *m, const char *path)
{
	uint32_t top = RIG_DFUM_SIZE;
	FILE *f;

	while (top > 0 && m->flash[top - 1] == 0xff)
		top--;
	f = fopen(path, "wb");
	if (!f || fwrite(m->flash, 1, top, f) != top || fclose(f) != 0)
		fprintf(stderr, "usbmodel_dfuse: writing %s: %s\n", path, strerror(errno));
}

static void load(struct rig_dfum *m, const char *path)
{
	FILE *f = fopen(path, "rb");

	if (!f)
		return;
	if (fread(m->flash, 1, RIG_DFUM_SIZE, f) == 0 && ferror(f))
		fprintf(stderr, "usbmodel_dfuse: reading %s: %s\n", path, strerror(errno));
	fclose(f);
}

/* GadgetFS names its one file after the UDC it will bind: the first free one */
static int open_gadgetfs(char *udc, size_t cap)
{
	char path[300];
	FILE *p;

	mkdir(GFS, 0755);
	if (mount("gadgetfs", GFS, "gadgetfs", 0, NULL) && errno != EBUSY)
		return fprintf(stderr, "usbmodel_dfuse: mount -t gadgetfs: %s (module gadgetfs?)\n",
			       strerror(errno)),
		       -1;
	p = popen("ls " GFS " | head -n1", "r");
	if (!p || !fgets(udc, (int)cap, p)) {
		if (p)
			pclose(p);
		return fprintf(stderr, "usbmodel_dfuse: no UDC file in %s\n", GFS), -1;
	}
	pclose(p);
	udc[strcspn(udc, "\n")] = 0;
	snprintf(path, sizeof(path), GFS "/%s", udc);
	return open(path, O_RDWR);
}

/* the application after the reset: CDC-ACM on configfs, on the UDC
 * GadgetFS let go (its file is named after the gadget, "dummy_udc", not
 * the UDC, "dummy_udc.0": the first free UDC whose name starts so) */
static void app(const char *gadget)
{
	char line[128], udcnl[140];
	FILE *p;
	int bound = 0;

	mkdir(G, 0755);
	mkdir(G "/strings/0x409", 0755);
	mkdir(G "/configs/c.1", 0755);
	mkdir(G "/functions/acm.0", 0755);
	put(G "/idVendor", "0x0483");
	put(G "/idProduct", "0x5740");
	put(G "/strings/0x409/manufacturer", "STMicroelectronics");
	put(G "/strings/0x409/product", "STM32 Virtual ComPort");
	put(G "/strings/0x409/serialnumber", "DFUMODEL0001");
	symlink(G "/functions/acm.0", G "/configs/c.1/acm.0");
	p = popen("ls /sys/class/udc", "r");
	while (p && !bound && fgets(line, sizeof(line), p)) {
		FILE *f;

		line[strcspn(line, "\n")] = 0;
		if (strncmp(line, gadget, strlen(gadget)) != 0)
			continue;
		snprintf(udcnl, sizeof(udcnl), "%s\n", line);
		if (!(f = fopen(G "/UDC", "w")))
			continue;
		bound = fputs(udcnl, f) >= 0;
		bound = fclose(f) == 0 && bound; /* EBUSY shows at the flush */
	}
	if (p)
		pclose(p);
	if (!bound)
		fprintf(stderr, "usbmodel_dfuse: no free UDC for the application\n");
}

int main(int argc, char **argv)
{
	const char *flash = NULL, *fault = "";
	static struct dev d;
	uint32_t fault_after = 4096;
	char udc[128];
	int f = RIG_FAULT_NONE;

	for (int i = 1; i + 1 < argc; i += 2) {
		if (!strcmp(argv[i], "--flash"))
			flash = argv[i + 1];
		else if (!strcmp(argv[i], "--fault"))
			fault = argv[i + 1];
		else if (!strcmp(argv[i], "--fault-after"))
			fault_after = (uint32_t)strtoul(argv[i + 1], NULL, 0);
	}
	if (!flash) {
		fprintf(stderr, "usage: usbmodel_dfuse --flash FILE [--fault F]\n");
		return 2;
	}
	if (fault[0] && (f = rig_model_fault_parse(fault)) < 0) {
		fprintf(stderr,
			"usbmodel_dfuse: --fault %s: expected stall, timeout, disconnect, "
			"bad-data or no-comeback\n",
			fault);
		return 2;
	}
	/* no SA_RESTART: SIGTERM must end the blocking ep0 read */
	struct sigaction sa = {.sa_handler = on_term};
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	rig_dfum_init(&d.m);
	d.m.func.transfer_size = XFER;
	load(&d.m, flash);
	if (f != RIG_FAULT_NO_COMEBACK)
		d.m.fault = f, d.m.fault_after = fault_after;
	run_first();
	if ((d.fd = open_gadgetfs(udc, sizeof(udc))) < 0)
		return 1;
	if (write(d.fd, gadget_desc, sizeof(gadget_desc)) != (ssize_t)sizeof(gadget_desc)) {
		fprintf(stderr, "usbmodel_dfuse: GadgetFS refused the descriptors: %s\n",
			strerror(errno));
		return 1;
	}
	printf("ready\n");
	fflush(stdout);
	while (!stop && !d.m.gone) {
		struct usb_gadgetfs_event ev[4];
		ssize_t n = read(d.fd, ev, sizeof(ev));

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			fprintf(stderr, "usbmodel_dfuse: reading ep0 events: %s\n",
				strerror(errno));
			break;
		}
		for (size_t i = 0; i < (size_t)n / sizeof(ev[0]) && !d.m.gone; i++)
			if (ev[i].type == GADGETFS_SETUP)
				setup(&d, &ev[i].u.setup);
		while (d.hung && !stop)
			pause(); /* the timeout fault: nothing answers any more */
	}
	if (stop)
		return 0;
	/* The reset (or the disconnect fault): leave the bus. Never with an ep0
	 * request still queued: GadgetFS on 6.1 frees its request in unbind
	 * and dummy_udc_stop then completes the queued one into ep0_complete,
	 * a NULL dereference (the oops seen while dfu-util ran: the model
	 * closed right after queueing the reply to the GETSTATUS that runs
	 * leave). So after that reply wait for the host's next request (rig
	 * polls again while dfuMANIFEST: its SETUP proves the reply was sent,
	 * and it stays unanswered, as the resetting chip leaves it) or, for
	 * hosts that stop asking (dfu-util), 1 s, far longer than a control
	 * transfer takes in the bed. */
	if (d.m.left) {
		struct pollfd p = {.fd = d.fd, .events = POLLIN | POLLOUT};

		while (!stop && poll(&p, 1, 1000) < 0 && errno == EINTR) {
		}
	}
	close(d.fd);
	if (!d.m.left) {
		fprintf(stderr, "usbmodel_dfuse: fault: leaving the bus mid-download\n");
	} else {
		save(&d.m, flash);
		if (f != RIG_FAULT_NO_COMEBACK) {
			usleep(50000); /* GadgetFS lets the UDC go when its file closes */
			app(udc);
		}
		printf("left\n");
		fflush(stdout);
	}
	while (!stop)
		pause();
	rig_dfum_free(&d.m);
	return 0;
}
