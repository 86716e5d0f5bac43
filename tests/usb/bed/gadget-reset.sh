#!/usr/bin/env bash
# Removes every configfs USB gadget (unbinds its UDC first), so a test
# starts with free UDCs whatever the previous one left behind. Also
# unmounts FunctionFS instances and GadgetFS, and powers every root hub
# port again (a test's usb-hub-port power part may leave one off). Quiet;
# safe to run when there is nothing.
cfg=/sys/kernel/config/usb_gadget
grep -E ' (functionfs|gadgetfs) ' /proc/mounts | awk '{print $2}' | while read -r m; do umount -l "$m" 2>/dev/null; done
[ -d "$cfg" ] || exit 0
for g in "$cfg"/*/; do
  [ -d "$g" ] || continue
  echo "" >"$g/UDC" 2>/dev/null
  for c in "$g"configs/*/; do
    [ -d "$c" ] || continue
    find "$c" -maxdepth 1 -type l -exec rm -f {} + 2>/dev/null
    rmdir "$c"strings/* 2>/dev/null
    rmdir "$c" 2>/dev/null
  done
  rmdir "$g"functions/* 2>/dev/null
  rmdir "$g"strings/* 2>/dev/null
  rmdir "$g"os_desc 2>/dev/null
  rmdir "$g" 2>/dev/null
done
for d in /sys/bus/usb/devices/*-0:1.0/usb*-port*/disable; do
  [ -e "$d" ] && echo 0 >"$d" 2>/dev/null
done
exit 0
