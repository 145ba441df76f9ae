// Errors of tile-specialize.
//
// Errors that depend on the kernel: each split is specialized with the
// defaults and checked with -verify-diagnostics.
// RUN: tile-opt %s -split-input-file -verify-diagnostics \
// RUN:   --pass-pipeline='builtin.module(tile.kernel(tile-specialize))'
//
// Errors that depend on the config, all reported at @config_kernel (the
// other splits report their own errors, which these checks ignore).
// RUN: not tile-opt %s -split-input-file --pass-pipeline='builtin.module(tile.kernel(tile-specialize{config=BLOCK}))' 2>&1 \
// RUN:   | FileCheck %s --check-prefix=NO-EQ
// RUN: not tile-opt %s -split-input-file --pass-pipeline='builtin.module(tile.kernel(tile-specialize{config==64}))' 2>&1 \
// RUN:   | FileCheck %s --check-prefix=NO-NAME
// RUN: not tile-opt %s -split-input-file --pass-pipeline='builtin.module(tile.kernel(tile-specialize{config=BLOCK=6x4}))' 2>&1 \
// RUN:   | FileCheck %s --check-prefix=NOT-INT
// RUN: not tile-opt %s -split-input-file --pass-pipeline='builtin.module(tile.kernel(tile-specialize{config=BLOCK=64,N=8,BLOCK=128}))' 2>&1 \
// RUN:   | FileCheck %s --check-prefix=TWICE
// RUN: not tile-opt %s -split-input-file --pass-pipeline='builtin.module(tile.kernel(tile-specialize{config=BLOCK=48}))' 2>&1 \
// RUN:   | FileCheck %s --check-prefix=CANDIDATE
// RUN: not tile-opt %s -split-input-file --pass-pipeline='builtin.module(tile.kernel(tile-specialize{config=BLOCK=64,BLOCK_K=32}))' 2>&1 \
// RUN:   | FileCheck %s --check-prefix=UNKNOWN
// RUN: not tile-opt %s -split-input-file --pass-pipeline='builtin.module(tile.kernel(tile-specialize{config=N=4}))' 2>&1 \
// RUN:   | FileCheck %s --check-prefix=UNKNOWN-NONE
// RUN: not tile-opt %s -split-input-file --pass-pipeline='builtin.module(tile.kernel(tile-specialize{config=N=0}))' 2>&1 \
// RUN:   | FileCheck %s --check-prefix=SIZE-ZERO
// RUN: not tile-opt %s -split-input-file --pass-pipeline='builtin.module(tile.kernel(tile-specialize{config=N=-16}))' 2>&1 \
// RUN:   | FileCheck %s --check-prefix=SIZE-NEG
// RUN: not tile-opt %s -split-input-file --pass-pipeline='builtin.module(tile.kernel(tile-specialize{config=BLOCK=128,N=64}))' 2>&1 \
// RUN:   | FileCheck %s --check-prefix=CONSTRAINT
// A valid config specializes @config_kernel (the other splits fail and print
// nothing).
// RUN: not tile-opt %s -split-input-file --pass-pipeline='builtin.module(tile.kernel(tile-specialize{config=BLOCK=128,N=256}))' 2>/dev/null \
// RUN:   | FileCheck %s --check-prefix=VALID

// NO-EQ: specialize-invalid.mlir:[[#@LINE+14]]:1: error: invalid tile-specialize config "BLOCK": expected NAME=INTEGER, got 'BLOCK'
// NO-NAME: specialize-invalid.mlir:[[#@LINE+13]]:1: error: invalid tile-specialize config "=64": expected NAME=INTEGER, got '=64'
// NOT-INT: specialize-invalid.mlir:[[#@LINE+12]]:1: error: invalid tile-specialize config "BLOCK=6x4": value of 'BLOCK' is not an integer: '6x4'
// TWICE: specialize-invalid.mlir:[[#@LINE+11]]:1: error: invalid tile-specialize config "BLOCK=64,N=8,BLOCK=128": 'BLOCK' is given twice
// CANDIDATE: specialize-invalid.mlir:[[#@LINE+10]]:1: error: BLOCK=48 is not a candidate of parameter 'BLOCK' (64, 128); pick one of those or add it to the kernel's params
// UNKNOWN: specialize-invalid.mlir:[[#@LINE+9]]:1: error: 'BLOCK_K' is neither a parameter nor a problem size of kernel @config_kernel (parameters: BLOCK)
// SIZE-ZERO: specialize-invalid.mlir:[[#@LINE+8]]:1: error: problem size N=0 must be positive
// SIZE-NEG: specialize-invalid.mlir:[[#@LINE+7]]:1: error: problem size N=-16 must be positive
// The problem size N is bound, so the constraint over it is checked now.
// CONSTRAINT: specialize-invalid.mlir:[[#@LINE+5]]:1: error: configuration BLOCK=128,N=64 violates the constraint "BLOCK <= N"
// VALID-LABEL: tile.kernel @config_kernel(
// VALID-SAME: config = {BLOCK = 128 : i64, N = 256 : i64}
// VALID: tile.load %{{.*}} : memref<?xf32> -> tensor<128xf32>
// VALID-NEXT: tile.return
tile.kernel @config_kernel(%x: memref<?xf32> {tile.shape = #tile.shape<N>})
    attributes {params = [#tile.param<"BLOCK", [64, 128]>],
                constraints = [#tile.expr<"BLOCK <= N">],
                grid = [#tile.expr<"cdiv(N, BLOCK)">]} {
  %c0 = arith.constant 0 : index
  %t = tile.load %x[%c0] : memref<?xf32> -> tensor<?xf32, #tile.shape<BLOCK>>
  tile.return
}

// -----

// A constraint over parameters only, violated by the defaults.
// expected-error @+1 {{configuration BLOCK_M=64,BLOCK_N=128 violates the constraint "BLOCK_M >= BLOCK_N"}}
tile.kernel @violated(%x: memref<?xf32> {tile.shape = #tile.shape<N>})
    attributes {params = [#tile.param<"BLOCK_M", [64, 128]>,
                          #tile.param<"BLOCK_N", [128, 64]>],
                constraints = [#tile.expr<"BLOCK_N > 0">, #tile.expr<"BLOCK_M >= BLOCK_N">],
                grid = [#tile.expr<"1">]} {
  tile.return
}

// -----

tile.kernel @unbound_size(%x: memref<?x?xf32> {tile.shape = #tile.shape<M, D>})
    attributes {params = [#tile.param<"BLOCK", [64]>], grid = [#tile.expr<"1">]} {
  %c0 = arith.constant 0 : index
  // expected-error @+1 {{'tile.iota' has a tile sized by 'D', which the configuration does not bind; pass D=<value> in the config}}
  %t = tile.iota dim 0 : tensor<?x?xi32, #tile.shape<BLOCK, D>>
  tile.return
}

// -----

// An unbound tile inside a loop body.
// UNKNOWN-NONE: specialize-invalid.mlir:[[#@LINE+1]]:1: error: 'N' is neither a parameter nor a problem size of kernel @unbound_nested (parameters: none)
tile.kernel @unbound_nested(%x: memref<?x?xf32> {tile.shape = #tile.shape<M, D>})
    attributes {grid = [#tile.expr<"1">]} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %z = arith.constant 0.0 : f32
  %init = tile.splat %z : tensor<16xf32>
  %r = scf.for %i = %c0 to %c1 step %c1 iter_args(%acc = %init) -> (tensor<16xf32>) {
    // expected-error @+1 {{'tile.load' has a tile sized by 'M', which the configuration does not bind; pass M=<value> in the config}}
    %t = tile.load %x[%i, %c0] : memref<?x?xf32> -> tensor<?x16xf32, #tile.shape<M, 16>>
    scf.yield %acc : tensor<16xf32>
  }
  tile.return
}

// -----

// expected-error @+1 {{kernel @already_specialized is already specialized}}
tile.kernel @already_specialized(%x: memref<?xf32> {tile.shape = #tile.shape<N>})
    attributes {config = {BLOCK = 64 : i64}, grid = [#tile.expr<"cdiv(N, BLOCK)">]} {
  %b = tile.param "BLOCK"
  %t = tile.iota dim 0 : tensor<64xi32>
  tile.return
}

// -----

// The verifier accepts non-positive candidates; the pass rejects them where
// they size a tile ...
tile.kernel @nonpositive_tile() attributes {
    params = [#tile.param<"BLOCK", [0, 64]>], grid = [#tile.expr<"1">]} {
  // expected-error @+1 {{tile size BLOCK=0 must be positive}}
  %t = tile.iota dim 0 : tensor<?xi32, #tile.shape<BLOCK>>
  tile.return
}

// -----

// ... or divide in a constraint.
// expected-error @+1 {{division by zero in 64 % 0 in "64 % SPLIT == 0"}}
tile.kernel @division_by_zero() attributes {
    params = [#tile.param<"SPLIT", [0, 2]>],
    constraints = [#tile.expr<"64 % SPLIT == 0">], grid = [#tile.expr<"1">]} {
  tile.return
}


// -----

// A type inside an attribute, sized by an unbound symbol, is an error at
// its op (it used to crash in half the runs, and pass in the others).
tile.kernel @unbound_in_attribute(%A: memref<?x?xf32> {tile.shape = #tile.shape<M, K>})
    attributes {grid = [#tile.expr<"1">]} {
  // expected-error @+1 {{'arith.constant' has a tile sized by 'UNBOUND', which the configuration does not bind; pass UNBOUND=<value> in the config}}
  %x = arith.constant {note = tensor<?xf32, #tile.shape<UNBOUND>>} 0 : index
  tile.return
}
