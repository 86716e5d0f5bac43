/*
 * The few system calls newlib's malloc and abort need. No file system, no
 * stdio: the console is written through rig_fw_write only. _sbrk hands out
 * the RAM between .bss and the stack and keeps its high-water mark.
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "fw.h"

extern char __heap_start[], __heap_end[];

static char *heap_brk;
static char *heap_max;

void *_sbrk(ptrdiff_t incr);
void *_sbrk(ptrdiff_t incr)
{
	char *old;

	if (!heap_brk)
		heap_brk = heap_max = __heap_start;
	if (incr > __heap_end - heap_brk || incr < __heap_start - heap_brk) {
		errno = ENOMEM;
		return (void *)-1;
	}
	old = heap_brk;
	heap_brk += incr;
	if (heap_brk > heap_max)
		heap_max = heap_brk;
	return old;
}

uint32_t rig_fw_heap_hwm(void) { return heap_max ? (uint32_t)(heap_max - __heap_start) : 0; }

uint32_t rig_fw_heap_size(void) { return (uint32_t)(__heap_end - __heap_start); }

void _exit(int code);
void _exit(int code) { rig_fw_fault(-code); }

int _kill(int pid, int sig);
int _kill(int pid, int sig)
{
	errno = EINVAL;
	return -1;
}

int _getpid(void);
int _getpid(void) { return 1; }
