/*
 * rig's MCU firmware (firmware/mcu/core/main.c: the line protocol, the C
 * workloads of rig_wl_table.h) built for the machine it runs on, with a
 * "port" whose UART is a file descriptor: the application mode of the USB
 * device models, which serve it on a gadget's serial function
 * (/dev/ttyGS0). One protocol implementation: this is the firmware's own
 * main loop, not a second copy of it.
 */
#ifndef RIG_FW_HOSTED_H
#define RIG_FW_HOSTED_H

/* The firmware's main(), renamed when built for a host (tests/usb/CMakeLists.txt). */
int rig_fw_main(void);

/* Faults of the hosted firmware (--fault of the models). */
enum rig_fw_hosted_fault {
	RIG_FW_OK = 0,
	RIG_FW_HANG_AFTER, /* stops answering (reads nothing, prints nothing)
			    * after `after` commands: a hung MCU */
};

/*
 * Runs the firmware from "reset" on fd (a tty: raw mode is set) until the
 * line hangs up (read gives EOF or EIO: the host side went away, as when
 * the board loses power), then returns. The ready line is the first thing
 * written. fault/after as above; after < 0: hung from reset (no ready). Blocks; returns 0, or -1
 * when fd is no usable tty. Meant to run in a child process of its own (one "boot" per process: the
 * firmware keeps static state).
 */
int rig_fw_hosted_run(int fd, enum rig_fw_hosted_fault fault, int after);

/*
 * The same on a pair of byte pipes that are no tty: the firmware reads
 * rx_fd (a FunctionFS bulk OUT endpoint: each read takes a whole transfer)
 * and writes wr_fd (the bulk IN endpoint); packet > 0: no write is a whole
 * number of packet bytes, so each ends with a short packet (the usb-bulk
 * link's framing, docs/usb.md). Returns when the line hangs up, as above.
 */
int rig_fw_hosted_run_pipe(int rx_fd, int wr_fd, unsigned packet, enum rig_fw_hosted_fault fault,
			   int after);

#endif
