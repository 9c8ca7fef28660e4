;; sudo_ask.wat — an example rule in WebAssembly text (ABI v1, docs/wasm-abi.md):
;; asks before any command that runs through sudo.
;;
;; It searches the input JSON for an exec of `sudo` (`"program":"sudo"`), so it
;; shows the ABI with nothing else around it: the exports memory, alloc,
;; evaluate and abi_version, the env.log import, and the packed
;; `ptr << 32 | len` result. `wasm: sudo_ask.wat` in a policy works as is
;; (the host compiles WAT); `wat2wasm` or the `wat` crate turn it into a binary.
(module
  (import "env" "log" (func $log (param i32 i32)))
  (memory (export "memory") 1)
  (global $heap (mut i32) (i32.const 4096))
  (data (i32.const 0) "{\"decision\":\"ask\",\"message\":\"runs with sudo: a human confirms privileged commands\"}")
  (data (i32.const 256) "{\"decision\":\"abstain\"}")
  (data (i32.const 512) "\"program\":\"sudo\"")
  (data (i32.const 600) "evaluating")
  (func (export "abi_version") (result i32) (i32.const 1))
  (func (export "alloc") (param $len i32) (result i32)
    (local $p i32)
    (local.set $p (global.get $heap))
    (global.set $heap (i32.add (global.get $heap) (local.get $len)))
    (block $ok
      (br_if $ok (i32.le_u (global.get $heap) (i32.mul (memory.size) (i32.const 65536))))
      (drop (memory.grow
        (i32.add (i32.const 1)
          (i32.div_u (i32.sub (global.get $heap) (i32.mul (memory.size) (i32.const 65536)))
                     (i32.const 65536))))))
    (local.get $p))
  (func $contains (param $p i32) (param $n i32) (param $needle i32) (param $m i32) (result i32)
    (local $i i32) (local $j i32)
    (block $done
      (loop $outer
        (br_if $done (i32.gt_u (i32.add (local.get $i) (local.get $m)) (local.get $n)))
        (local.set $j (i32.const 0))
        (block $mismatch
          (loop $inner
            (if (i32.eq (local.get $j) (local.get $m)) (then (return (i32.const 1))))
            (br_if $mismatch
              (i32.ne (i32.load8_u (i32.add (i32.add (local.get $p) (local.get $i)) (local.get $j)))
                      (i32.load8_u (i32.add (local.get $needle) (local.get $j)))))
            (local.set $j (i32.add (local.get $j) (i32.const 1)))
            (br $inner)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $outer)))
    (i32.const 0))
  (func (export "evaluate") (param $p i32) (param $n i32) (result i64)
    (call $log (i32.const 600) (i32.const 10))
    (if (result i64) (call $contains (local.get $p) (local.get $n) (i32.const 512) (i32.const 16))
      (then (i64.const 83))
      (else (i64.or (i64.shl (i64.const 256) (i64.const 32)) (i64.const 22))))))
