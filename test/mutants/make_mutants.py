#!/usr/bin/env python3
"""Writes deliberately broken variants ("mutants") of the kernels in kernels/.

Each mutant is a kernel of kernels/ with a few lines replaced; every
replacement must match exactly once, so a change to a kernel that a mutant
no longer fits fails here instead of silently testing nothing. tile-run's
verifier must report every mutant WRONG on the GPU
(bench/gpu_mutation_test.sh); the lit test next to this file checks that
each one still compiles. Two mutants are bugs planted in the compiler
instead (tile-run --test-mutation=store-past-end): a kernel cannot write past
the end of a tensor, since tile.store clips.

  make_mutants.py KERNELS_DIR OUT_DIR     writes OUT_DIR/<name>.mlir
  make_mutants.py --list                  names, kernels and what is broken
"""
import os
import sys

# name -> (kernel file, description, [(old, new), ...])
MUTANTS = {
    "gemm-skip-k-block": (
        "gemm.mlir",
        "the k-loop stops one BLOCK_K early (the last K block is skipped)",
        [("  %sum = scf.for %k0 = %c0 to %K step %bk",
          "  %K_short = arith.subi %K, %bk : index\n"
          "  %sum = scf.for %k0 = %c0 to %K_short step %bk")]),
    "gemm-zero-tile": (
        "gemm.mlir",
        "program 1 writes its block of C as zeros",
        [("  %c = arith.truncf %sum : !acc to !c_tile",
          "  %c1 = arith.constant 1 : index\n"
          "  %victim = arith.cmpi eq, %pid, %c1 : index\n"
          "  %zeros = tile.splat %zero : !acc\n"
          "  %bad = arith.select %victim, %zeros, %sum : !acc\n"
          "  %c = arith.truncf %bad : !acc to !c_tile")]),
    "gemm-partial-group": (
        "gemm.mlir",
        "the last group of GROUP_M block rows is taken as full (it is "
        "partial when cdiv(M, BLOCK_M) % GROUP_M != 0)",
        [("  %group_size = arith.minui %rows_left, %group_m : index",
          "  %group_size = arith.addi %group_m, %c0 : index")]),
    "gemm-f32-via-bf16": (
        "gemm.mlir",
        "an f32 C whose values went through bf16 (run without --out-dtype)",
        [("                  %C: memref<?x?xbf16> {tile.shape = #tile.shape<M, N>})",
          "                  %C: memref<?x?xf32> {tile.shape = #tile.shape<M, N>})"),
         ("  %c = arith.truncf %sum : !acc to !c_tile\n"
          "  tile.store %c, %C[%m0, %n0] : !c_tile -> memref<?x?xbf16>",
          "  %rounded = arith.truncf %sum : !acc to !c_tile\n"
          "  %c = arith.extf %rounded : !c_tile to !acc\n"
          "  tile.store %c, %C[%m0, %n0] : !acc -> memref<?x?xf32>")]),
    "gemm_nt-skip-k-block": (
        "gemm_nt.mlir",
        "the k-loop stops one BLOCK_K early",
        [("  %sum = scf.for %k0 = %c0 to %K step %bk",
          "  %K_short = arith.subi %K, %bk : index\n"
          "  %sum = scf.for %k0 = %c0 to %K_short step %bk")]),
    "fp8_gemm-skip-k-block": (
        "fp8_gemm.mlir",
        "the k-loop stops one BLOCK_K early",
        [("  %sum = scf.for %k0 = %c0 to %K step %bk",
          "  %K_short = arith.subi %K, %bk : index\n"
          "  %sum = scf.for %k0 = %c0 to %K_short step %bk")]),
    "fp8_gemm-no-scale": (
        "fp8_gemm.mlir",
        "the scales are not applied (run with --scale-a/--scale-b != 1)",
        [("  %scaled = arith.mulf %sum, %scale_t : !acc\n"
          "  %c = arith.truncf %scaled : !acc to !c_tile",
          "  %c = arith.truncf %sum : !acc to !c_tile")]),
    "attention-no-rescale": (
        "attention.mlir",
        "the accumulator is not rescaled when the row maximum grows",
        [("  %acc_new = tile.dot %p_lo, %v, %acc_scaled : !p_tile, !kv_tile -> !o_acc",
          "  %acc_new = tile.dot %p_lo, %v, %acc : !p_tile, !kv_tile -> !o_acc")]),
    "attention-causal-shift": (
        "attention.mlir",
        "the causal mask lets each query see one key too many (run with "
        "--causal)",
        [("  %cols0 = tile.iota dim 1 : !idx_tile",
          "  %cols0 = tile.iota dim 1 : !idx_tile\n"
          "  %one_i32 = arith.constant 1 : i32\n"
          "  %one_t = tile.splat %one_i32 : !idx_tile\n"
          "  %rows_p1 = arith.addi %rows, %one_t : !idx_tile"),
         ("    %after = arith.cmpi sgt, %cols, %rows : !idx_tile",
          "    %after = arith.cmpi sgt, %cols, %rows_p1 : !idx_tile")]),
    "attention-skip-block": (
        "attention.mlir",
        "the key loop stops one BLOCK_N early (the last key block is "
        "skipped)",
        [("  %kv_end = arith.select %is_causal, %diag_end, %S_KV : index",
          "  %kv_full = arith.select %is_causal, %diag_end, %S_KV : index\n"
          "  %kv_end = arith.subi %kv_full, %bn : index")]),
    "attention-zero-tile": (
        "attention.mlir",
        "query block 1 of every head is written as zeros",
        [("  %o = arith.divf %acc_fin, %l_b : !o_acc",
          "  %o_ok = arith.divf %acc_fin, %l_b : !o_acc\n"
          "  %victim = arith.cmpi eq, %pid_m, %c1 : index\n"
          "  %zeros = tile.splat %zero : !o_acc\n"
          "  %o = arith.select %victim, %zeros, %o_ok : !o_acc")]),
    "fp8_attention-no-rescale": (
        "fp8_attention.mlir",
        "the accumulator is not rescaled when the row maximum grows",
        [("    %acc_new = tile.dot %p8, %v, %acc_scaled : !p_tile, !kv_tile -> !o_acc",
          "    %acc_new = tile.dot %p8, %v, %acc : !p_tile, !kv_tile -> !o_acc")]),
    "fp8_attention-skip-block": (
        "fp8_attention.mlir",
        "the key loop stops one BLOCK_N early (run with --causal too)",
        [("  %kv_end = arith.select %is_causal, %diag_end, %S_KV : index",
          "  %kv_full = arith.select %is_causal, %diag_end, %S_KV : index\n"
          "  %kv_end = arith.subi %kv_full, %bn : index")]),
    "fp8_attention-no-descale-v": (
        "fp8_attention.mlir",
        "V's descale factor is not applied (run with --descale-v != 1)",
        [("  %dv = tile.splat %descale_v : !row",
          "  %one = arith.constant 1.0 : f32\n"
          "  %dv = tile.splat %one : !row")]),
    "fp8_attention_overlap-no-rescale": (
        "fp8_attention_overlap.mlir",
        "the rotated loop carries P V unrescaled when the row maximum grows",
        [("    %acc_pv = tile.dot %p8_prev, %v, %acc_prev : !p_tile, !kv_tile -> !o_acc",
          "    %acc_pv = tile.dot %p8_prev, %v, %acc : !p_tile, !kv_tile -> !o_acc")]),
    "fp8_attention_overlap-no-last-pv": (
        "fp8_attention_overlap.mlir",
        "the last key block's P V (after the loop) is left out",
        [("  %acc_fin = tile.dot %p8_last, %v_last, %acc_last : !p_tile, !kv_tile -> !o_acc",
          "  %acc_fin = arith.addf %acc_last, %acc_init : !o_acc")]),
    "fp8_attention_overlap-v-of-this-block": (
        "fp8_attention_overlap.mlir",
        "the loop multiplies the previous block's P by this block's V",
        [("    %v = tile.load %V[%b, %h, %n_prev, %c0] : memref<?x?x?x?xf8E4M3FN> -> !kv_tile",
          "    %v = tile.load %V[%b, %h, %n0, %c0] : memref<?x?x?x?xf8E4M3FN> -> !kv_tile")]),
    "fp8_gemm_persistent-no-restart": (
        "fp8_gemm_persistent.mlir",
        "the accumulator is not restarted at a block's first k-step: each "
        "program's blocks after its first add the previous blocks' sums",
        [("    %acc_in = arith.select %first, %init, %acc : !acc",
          "    %acc_in = arith.select %first, %acc, %acc : !acc")]),
    "fp8_gemm_persistent-store-first-k": (
        "fp8_gemm_persistent.mlir",
        "the epilogue runs at each block's first k-step instead of its last",
        [("    %last = arith.cmpi eq, %kk, %k_last : index",
          "    %last = arith.cmpi eq, %kk, %c0 : index")]),
    "softmax-no-mask": (
        "softmax.mlir",
        "the columns past C (zero padding) take part in the maximum and the "
        "sum (wrong when C is not BLOCK_C)",
        [("  %xm = arith.select %in_row, %xf, %neg_inf_t : !m_tile, !f_tile",
          "  %xm = arith.select %in_row, %xf, %xf : !m_tile, !f_tile")]),
    "softmax-no-normalise": (
        "softmax.mlir",
        "exp(x - max) is not divided by the row sum",
        [("  %inv = arith.divf %one_r, %sum : !row",
          "  %inv = arith.divf %one_r, %one_r : !row")]),
    "softmax-row-shift": (
        "softmax.mlir",
        "each program writes its rows one row down",
        [("  tile.store %y, %Y[%r0, %c0] : !x_tile -> memref<?x?xbf16>",
          "  %c1 = arith.constant 1 : index\n"
          "  %r1 = arith.addi %r0, %c1 : index\n"
          "  tile.store %y, %Y[%r1, %c0] : !x_tile -> memref<?x?xbf16>")]),
    "layernorm-no-bias": (
        "layernorm.mlir",
        "the bias B is not added",
        [("  %y_f = arith.addf %scaled, %b_b : !f_tile",
          "  %y_f = arith.addf %scaled, %zero_t : !f_tile")]),
    "layernorm-unmasked-variance": (
        "layernorm.mlir",
        "the padding past C (-mean there) takes part in the variance "
        "(wrong when C is not BLOCK_C)",
        [("  %dev_m = arith.select %in_row, %dev, %zero_t : !m_tile, !f_tile",
          "  %dev_m = arith.select %in_row, %dev, %dev : !m_tile, !f_tile")]),
    "rmsnorm-no-weight": (
        "rmsnorm.mlir",
        "W is not applied",
        [("  %y_f = arith.mulf %norm, %w_b : !f_tile",
          "  %y_f = arith.mulf %norm, %norm : !f_tile\n"
          "  %unused = arith.addf %w_b, %w_b : !f_tile")]),
    "rmsnorm-mean-over-block": (
        "rmsnorm.mlir",
        "the mean of squares divides by BLOCK_C, not C (wrong when C is not "
        "BLOCK_C)",
        [("  %C_i32 = arith.index_cast %C : index to i32",
          "  %bc = tile.param \"BLOCK_C\"\n"
          "  %C_i32 = arith.index_cast %bc : index to i32")]),
    "rmsnorm-wrong-eps": (
        "rmsnorm.mlir",
        "eps is 1e-5, not 1e-6",
        [("  %eps = arith.constant 1.0e-6 : f32",
          "  %eps = arith.constant 1.0e-5 : f32")]),
    "gemm_bias_gelu-no-bias": (
        "gemm_epilogue.mlir",
        "@gemm_bias_gelu does not add the bias (run with --kernel "
        "gemm_bias_gelu)",
        [("  %x = arith.addf %sum, %bias_b : !acc\n"
          "  // gelu(x)",
          "  %x = arith.maximumf %sum, %sum : !acc\n"
          "  // gelu(x)")]),
    "gemm_bias_silu-exp-sign": (
        "gemm_epilogue.mlir",
        "@gemm_bias_silu divides by 1 + exp(x) instead of 1 + exp(-x) (run "
        "with --kernel gemm_bias_silu)",
        [("  %neg = arith.negf %x : !acc",
          "  %neg = arith.mulf %x, %one_t : !acc")]),
    "gemm_residual-no-residual": (
        "gemm_epilogue.mlir",
        "@gemm_residual does not add R (run with --kernel gemm_residual)",
        [("  %y = arith.addf %sum, %r_f : !acc",
          "  %y = arith.maximumf %sum, %sum : !acc")]),
    "transpose-unswapped-store": (
        "transpose.mlir",
        "the transposed tile is written at Y[r0, c0], not Y[c0, r0] (wrong "
        "off the diagonal)",
        [("  tile.store %y, %Y[%c0, %r0] : !y_tile -> memref<?x?xbf16>",
          "  tile.store %y, %Y[%r0, %c0] : !y_tile -> memref<?x?xbf16>")]),
    "transpose-unswapped-load": (
        "transpose.mlir",
        "the program reads X at [c0, r0], not [r0, c0]",
        [("  %x = tile.load %X[%r0, %c0] : memref<?x?xbf16> -> !x_tile",
          "  %x = tile.load %X[%c0, %r0] : memref<?x?xbf16> -> !x_tile")]),
}


def main(argv):
    if len(argv) == 2 and argv[1] == "--list":
        for name, (kernel, what, _) in MUTANTS.items():
            print(f"{name}\t{kernel}\t{what}")
        return 0
    if len(argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    kernels, out = argv[1], argv[2]
    os.makedirs(out, exist_ok=True)
    for name, (kernel, _, edits) in MUTANTS.items():
        with open(os.path.join(kernels, kernel)) as f:
            text = f.read()
        for old, new in edits:
            count = text.count(old)
            if count != 1:
                print(f"make_mutants.py: {name}: the text to replace occurs "
                      f"{count} times in {kernel} (must be once): {old!r}; "
                      f"update the mutant to the kernel", file=sys.stderr)
                return 1
            text = text.replace(old, new)
        header = f"// MUTANT {name} of kernels/{kernel}: {MUTANTS[name][1]}.\n"
        with open(os.path.join(out, name + ".mlir"), "w") as f:
            f.write(header + text)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
