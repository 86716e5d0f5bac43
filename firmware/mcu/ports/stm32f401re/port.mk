# Cortex-M4F; the firmware uses no floating point, so the soft-float ABI of
# Debian's default multilib is enough.
CPU := -mcpu=cortex-m4 -mthumb
