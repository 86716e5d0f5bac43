;; The floor module: the least a workload-shaped WASI program does. It
;; prints the ready and done report lines (docs/protocol.md; CRC-32 computed
;; ahead of time) with one fd_write and returns. Every WASI runtime is
;; measured running it, so results can show a module's cost above the
;; runtime's own start-up and memory.
;;
;; Build: wat2wasm floor.wat -o floor.wasm (the test checks the committed
;; floor.wasm is what wat2wasm makes of this file).
(module
  (import "wasi_snapshot_preview1" "fd_write"
    (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1 1)
  ;; "@rig ready*cbcb3afa\n@rig done 0*049f6a42\n" at offset 16
  (data (i32.const 16) "@rig ready*cbcb3afa\n@rig done 0*049f6a42\n")
  ;; one iovec at offset 0: {buf = 16, len = 41}
  (data (i32.const 0) "\10\00\00\00\29\00\00\00")
  (func (export "_start")
    (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))))
