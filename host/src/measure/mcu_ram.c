/* RAM of a microcontroller image (mcu_ram.h). */
#include "mcu_ram.h"

double rig_mcu_static_bytes(int64_t static_bytes, double stack_in_static_bytes)
{
	return (double)static_bytes - stack_in_static_bytes;
}

double rig_mcu_ram_bytes(int64_t static_bytes, double stack_hwm_bytes, double heap_hwm_bytes,
			 double stack_in_static_bytes)
{
	return rig_mcu_static_bytes(static_bytes, stack_in_static_bytes) + stack_hwm_bytes +
	       heap_hwm_bytes;
}
