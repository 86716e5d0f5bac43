//go:build baremetal && cortexm

package wl

// Stack and heap high-water of a TinyGo image on a Cortex-M, reported as
// rig's C firmware reports them (firmware/mcu/core/main.c): result lines
// stack_hwm_bytes, stack_size_bytes, heap_hwm_bytes and heap_size_bytes
// just before the done line, so the mcu runner's ram_bytes = static RAM +
// stack + heap appears.
//
// Stack: TinyGo's linker script (targets/arm.ld) puts the system stack,
// _stack_size bytes ending at _stack_top, at the bottom of RAM. The
// scheduler and every interrupt run there (MSP); init paints it below the
// current MSP, Done finds the lowest word that lost the paint. The section
// is NOBITS, so static RAM (.data + .bss) already counts all of it: the
// image says so (stack_in_static_bytes) and rig counts it once.
//
// Heap: everything from _heap_start (= _ebss) to the end of RAM, read with
// runtime.ReadMemStats. With the "tasks" scheduler the main goroutine's
// stack is allocated there too, so its whole stack counts as heap. TinyGo's
// conservative collector frees blocks only when an allocation does not fit
// (gc_blocks.go alloc), so with no frees the blocks in use now are the peak,
// and after any free the heap has been full: the peak is the whole heap.
// The collector's block metadata (GCSys) is added to both: it is RAM the
// heap occupies.
//
// The main goroutine's own stack (inside the heap figure): TinyGo allocates
// it from the heap with its canary (internal/task stackCanary) in the
// lowest word, and runs init on it. init finds the canary below its stack
// pointer, paints the space between, and Done reports how much of it lost
// the paint (goroutine_stack_hwm_bytes), measured from init's stack
// pointer: the few frames above init (TinyGo's goroutine start and
// initAll) are not in it. Not added to ram_bytes: the heap holds it.

import (
	"device/arm"
	"runtime"
	"unsafe"

	"rigworkloads/rigreport"
)

// paint is RIG_FW_PAINT (firmware/mcu/core/fw.h).
const paint = 0x5AC3A55C

var mem runtime.MemStats // not on the stack or the heap while measuring

// stackCanary is internal/task's, truncated to 32 bits as TinyGo does.
const stackCanary = 0xb83bf575

// The main goroutine's stack below init's frame: [gBottom+4, gTop) is
// painted; 0 when init does not run on a heap-allocated stack.
var gBottom, gTop uintptr

// paintGoroutineStack paints the main goroutine's free stack (see above).
// The 64 bytes just below the stack pointer are left alone: an interrupt
// stacks its frame there.
func paintGoroutineStack() {
	heapStart := arm.AsmFull("ldr {}, =_heap_start", nil)
	heapEnd := arm.AsmFull("ldr {}, =_heap_end", nil)
	sp := arm.AsmFull("mov {}, sp", nil) &^ 3
	if sp <= heapStart || sp >= heapEnd {
		return
	}
	for p := sp - 64; p >= heapStart; p -= 4 {
		if *(*uint32)(unsafe.Pointer(p)) == stackCanary {
			gBottom, gTop = p, sp
			break
		}
	}
	for p := gBottom + 4; gBottom != 0 && p < gTop-64; p += 4 {
		*(*uint32)(unsafe.Pointer(p)) = paint
	}
}

// stackBounds reads the linker symbols with inline assembly: TinyGo's
// compile-time interpreter of init functions crashes on the constant
// expression _stack_top - _stack_size ("unknown constant expr").
func stackBounds() (bottom, top uintptr) {
	top = arm.AsmFull("ldr {}, =_stack_top", nil)
	size := arm.AsmFull("ldr {}, =_stack_size", nil)
	return top - size, top
}

func init() {
	bottom, _ := stackBounds()
	msp := arm.AsmFull("mrs {}, msp", nil) &^ 3
	for p := bottom; p < msp; p += 4 {
		*(*uint32)(unsafe.Pointer(p)) = paint
	}
	paintGoroutineStack()
	rigreport.OnDone(reportMemory)
}

func stackHWM() uintptr {
	bottom, top := stackBounds()
	p := bottom
	for p < top && *(*uint32)(unsafe.Pointer(p)) == paint {
		p += 4
	}
	return top - p
}

func reportMemory() {
	bottom, top := stackBounds()
	stack := stackHWM()
	runtime.ReadMemStats(&mem)
	heap := mem.HeapInuse
	if mem.Frees > 0 {
		heap = mem.HeapSys
	}
	heap += mem.GCSys
	size := mem.Sys
	rigreport.Uint("stack_hwm_bytes", uint64(stack), "B")
	rigreport.Uint("stack_size_bytes", uint64(top-bottom), "B")
	// .stack is a NOBITS section: static RAM (.bss) already holds it.
	rigreport.Uint("stack_in_static_bytes", uint64(top-bottom), "B")
	rigreport.Uint("heap_hwm_bytes", heap, "B")
	rigreport.Uint("heap_size_bytes", size, "B")
	if gBottom != 0 {
		p := gBottom + 4
		for p < gTop && *(*uint32)(unsafe.Pointer(p)) == paint {
			p += 4
		}
		rigreport.Uint("goroutine_stack_hwm_bytes", uint64(gTop-p), "B")
		rigreport.Uint("goroutine_stack_size_bytes", uint64(gTop-gBottom), "B")
	}
}
