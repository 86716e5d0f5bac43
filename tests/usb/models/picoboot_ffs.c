/* The PICOBOOT model on FunctionFS (picoboot_ffs.h). */
#include "picoboot_ffs.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* The largest data phase the model answers in one write, and the read
 * buffer: rig moves 32 KiB per command by default (picotool a 4 KiB
 * sector) and up to its chunk: 1 MiB in bench/usb_flash.sh, read here in
 * one go as the raw-ffs sink reads. Each read asks for exactly what the
 * command's data phase has left (rig_pbm_out_len), so a transfer that is
 * a multiple of the packet size, with no short packet, never blocks it.
 * With no fault armed, WRITE data into erased flash is read straight into
 * the flash array and READ data written from it (picoboot_model.h says
 * why). */
#define PBFFS_CAP (1024 * 1024)

enum { EP_OUT = 0, EP_IN = 1 };

#define PB_IFACE 9, 4, 0, 0, 2, 0xFF, 0, 0, 0
#define PB_EP(addr, mps) 7, 5, addr, 2, RIG_LE16(mps), 0

static const uint8_t fs_desc[] = {PB_IFACE, PB_EP(0x01, 64), PB_EP(0x82, 64)};
static const uint8_t hs_desc[] = {PB_IFACE, PB_EP(0x01, 512), PB_EP(0x82, 512)};

static int ctl_setup(void *ctx, uint8_t type, uint8_t req, uint16_t value, uint16_t index,
		     uint8_t *data, uint16_t len)
{
	struct rig_pbffs *p = ctx;
	int rc;

	(void)value, (void)index;
	if ((type & 0x60) != 0x40) /* vendor requests only */
		return -1;
	pthread_mutex_lock(&p->mu);
	rc = rig_pbm_control(p->m, (type & 0x80) != 0, req, data, len);
	pthread_mutex_unlock(&p->mu);
	return rc < 0 ? -1 : rc;
}

/* The stop signal's handler: nothing to do, its arrival is the point
 * (a blocking read or write on an ffs file returns EINTR). */
static void on_stop_signal(int sig) { (void)sig; }

static void *ctl_loop(void *arg)
{
	struct rig_pbffs *p = arg;

	while (!atomic_load(&p->quit))
		if (rig_ffs_event(&p->ffs, ctl_setup, p) < 0 && errno != EINTR)
			break; /* ep0 failed: unmounted or closed */
	atomic_store(&p->ctl_done, 1);
	return NULL;
}

static void *bulk_serve(struct rig_pbffs *p)
{
	static uint8_t buf[PBFFS_CAP];

	while (!atomic_load(&p->quit)) {
		ssize_t n;
		int out, r;
		size_t len;
		uint8_t *direct = NULL;
		const uint8_t *src = buf;

		pthread_mutex_lock(&p->mu);
		out = rig_pbm_wants_out(p->m);
		len = rig_pbm_out_len(p->m, sizeof(buf));
		if (len == 0)
			len = 512; /* the ZLP: any buffer takes it */
		else if (out)
			direct = rig_pbm_out_direct(p->m, len);
		pthread_mutex_unlock(&p->mu);
		if (out) {
			n = read(p->ffs.ep[EP_OUT], direct ? direct : buf, len);
			if (n < 0) {
				/* stopped (EINTR), or not configured yet, halted,
				 * unbound: wait */
				if (errno != EINTR)
					usleep(10000);
				continue;
			}
			pthread_mutex_lock(&p->mu);
			r = direct ? rig_pbm_out_direct_done(p->m, (size_t)n)
				   : rig_pbm_bulk_out(p->m, buf, (size_t)n);
			pthread_mutex_unlock(&p->mu);
		} else {
			pthread_mutex_lock(&p->mu);
			if (p->m->fault)
				r = rig_pbm_bulk_in(p->m, buf, sizeof(buf));
			else if ((r = rig_pbm_bulk_in_ref(p->m, &src, sizeof(buf))) >= 0 && !src)
				src = buf;
			pthread_mutex_unlock(&p->mu);
			if (r >= 0 && write(p->ffs.ep[EP_IN], src, (size_t)r) < 0 &&
			    errno != ESHUTDOWN && errno != EINTR)
				fprintf(stderr, "picoboot-ffs: bulk IN of %d bytes: %s\n", r,
					strerror(errno));
		}
		if (r == RIG_MODEL_STALL) {
			/* the ROM halts both until IF_RESET */
			rig_ffs_halt(&p->ffs, EP_IN, 1);
			rig_ffs_halt(&p->ffs, EP_OUT, 0);
		} else if (r == RIG_MODEL_GONE) {
			fprintf(stderr, "picoboot-ffs: fault: leaving the bus mid-transfer\n");
			if (p->on_gone)
				p->on_gone(p->ctx);
			return NULL;
		} else if (r == RIG_MODEL_HANG) {
			fprintf(stderr, "picoboot-ffs: fault: no more answers\n");
			while (!atomic_load(&p->quit))
				pause();
			return NULL;
		}
		pthread_mutex_lock(&p->mu);
		if (p->m->rebooted)
			p->rebooted = 1;
		pthread_mutex_unlock(&p->mu);
		if (p->rebooted)
			return NULL;
	}
	return NULL;
}

static void *bulk_loop(void *arg)
{
	struct rig_pbffs *p = arg;

	bulk_serve(p);
	atomic_store(&p->bulk_done, 1);
	return NULL;
}

int rig_pbffs_start(struct rig_pbffs *p, const char *gadget, struct rig_pbm *m)
{
	struct sigaction sa;

	/* no SA_RESTART: the stop signal must end a blocking ffs read */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop_signal;
	sigemptyset(&sa.sa_mask);
	if (sigaction(RIG_PBFFS_STOP_SIGNAL, &sa, NULL))
		return fprintf(stderr, "picoboot-ffs: sigaction: %s\n", strerror(errno)), -1;
	p->m = m;
	p->rebooted = 0;
	atomic_init(&p->quit, 0);
	atomic_init(&p->ctl_done, 0);
	atomic_init(&p->bulk_done, 0);
	pthread_mutex_init(&p->mu, NULL);
	if (rig_ffs_open(&p->ffs, gadget, "picoboot", fs_desc, sizeof(fs_desc), 3, hs_desc,
			 sizeof(hs_desc), 3, NULL, 0, 2))
		return -1;
	if (pthread_create(&p->ctl, NULL, ctl_loop, p) ||
	    pthread_create(&p->bulk, NULL, bulk_loop, p))
		return fprintf(stderr, "picoboot-ffs: pthread_create failed\n"), -1;
	p->running = 1;
	return 0;
}

void rig_pbffs_stop(struct rig_pbffs *p)
{
	if (!p->running)
		return;
	p->running = 0;
	atomic_store(&p->quit, 1);
	/* a signal that lands just before a thread blocks is missed: send it
	 * again until both threads said they are done */
	while (!atomic_load(&p->ctl_done) || !atomic_load(&p->bulk_done)) {
		if (!atomic_load(&p->ctl_done))
			pthread_kill(p->ctl, RIG_PBFFS_STOP_SIGNAL);
		if (!atomic_load(&p->bulk_done))
			pthread_kill(p->bulk, RIG_PBFFS_STOP_SIGNAL);
		usleep(2000);
	}
	pthread_join(p->bulk, NULL);
	pthread_join(p->ctl, NULL);
	rig_ffs_close(&p->ffs);
}
