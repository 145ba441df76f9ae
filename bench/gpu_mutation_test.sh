#!/usr/bin/env bash
# On the GPU machine: the mutation test of the verifier (issue 8). Every
# mutant of test/mutants/make_mutants.py and the compiler's planted bug
# (--test-mutation=store-past-end) runs over its whole tuning space; every
# config must be reported WRONG (or fail), none "ok". The real kernels run at
# the same shapes as the control: every config must verify. Writes
# $OUT/mutants.jsonl (tile-run --json, one "mutant" field added per line) and
# prints the table of bench/summarize_mutants.py.
# Needs $T (a tile-run binary); run from the repository root.
set -u
out=${OUT:-/tmp/out}; mkdir -p "$out"
T=${T:-build/bin/tile-run}
mut=${MUT_DIR:-/tmp/mutants}; rm -rf "$mut"; python3 test/mutants/make_mutants.py kernels "$mut" || exit 1
G=M=777,N=1331,K=999     # partial blocks and groups, odd N (padded C rows)
G2=M=1024,N=1024,K=1024
F=M=777,N=1331,K=1008    # fp8: K a multiple of 16 (TMA), not of BLOCK_K
FP=M=3000,N=4100,K=272   # persistent fp8: more C blocks than its 132 programs
A=B=2,H=3,S=1000,D=64    # partial query and key blocks
A2=B=2,H=3,S=1000,D=128
# PART=1: the GEMM and attention families; PART=2: the row kernels, the
# epilogues and the transpose; PART=persistent: the persistent fp8 GEMM's
# entries only; PART=fp8_attention: the fp8 attention entries (controls,
# mutants, planted bugs) only; PART=overlap: the rotated fp8 attention's
# entries only; PART=attention: the bf16 attention's entries only;
# PART=gemm: PART=1 without the attention and persistent entries (gemm,
# attention, fp8_attention and persistent together are PART=1); unset:
# all (about 585 s on the H100, too close to a device call's 600 s limit
# for one call).
run() { # name kernel shape flags...
  local name=$1 kernel=$2 shape=$3; shift 3
  case "${PART:-all}:$name" in
    persistent:*persistent*) ;;
    persistent:*) return ;;
    fp8_attention:*fp8_attention*|fp8_attention:*fp8-attention*) ;;
    fp8_attention:*) return ;;
    overlap:*overlap*) ;;
    overlap:*) return ;;
    attention:*fp8*) return ;;
    attention:*attention*) ;;
    attention:*) return ;;
    gemm:*attention*|gemm:*persistent*) return ;;
    gemm:*softmax*|gemm:*layernorm*|gemm:*rmsnorm*|gemm:*bias*|gemm:*residual*|gemm:*transpose*) return ;;
    1:*softmax*|1:*layernorm*|1:*rmsnorm*|1:*bias*|1:*residual*|1:*transpose*) return ;;
    2:*softmax*|2:*layernorm*|2:*rmsnorm*|2:*bias*|2:*residual*|2:*transpose*) ;;
    2:*) return ;;
  esac
  "$T" "$kernel" --shape "$shape" --tune --iters 1 --warmup 0 --json "$out/m.$name.jsonl" "$@" \
    > "$out/m.$name.txt" 2>>"$out/mutants.err"
  echo "$name rc=$? $(grep -E '^configs:' "$out/m.$name.txt")"
  python3 - "$name" "$out/m.$name.jsonl" "$kernel $shape $*" >> "$out/mutants.jsonl" <<'PY'
import json, sys
name, path, cmd = sys.argv[1:]
for line in open(path):
    r = json.loads(line)
    if r["status"] == "reference":
        continue
    r["mutant"], r["command"] = name, cmd
    print(json.dumps(r))
PY
}
run control-gemm kernels/gemm.mlir $G
run control-gemm-1024 kernels/gemm.mlir $G2
run control-gemm-f32 kernels/gemm.mlir $G2 --out-dtype f32
run control-gemm_nt kernels/gemm_nt.mlir $G2
run control-gemm-packed kernels/gemm.mlir $G --packed
run control-fp8-gemm kernels/fp8_gemm.mlir $F --scale-a 0.5 --scale-b 3
run control-attention kernels/attention.mlir $A
run control-attention-causal kernels/attention.mlir $A --causal
run control-attention-d128 kernels/attention.mlir $A2
run gemm-skip-k-block $mut/gemm-skip-k-block.mlir $G2
run gemm-zero-tile $mut/gemm-zero-tile.mlir $G2
run gemm-partial-group $mut/gemm-partial-group.mlir $G
run gemm-f32-via-bf16 $mut/gemm-f32-via-bf16.mlir $G2
run gemm_nt-skip-k-block $mut/gemm_nt-skip-k-block.mlir $G2
run gemm-store-past-end kernels/gemm.mlir $G --test-mutation=store-past-end
run gemm-store-past-end-packed kernels/gemm.mlir $G --packed --test-mutation=store-past-end
run fp8_gemm-skip-k-block $mut/fp8_gemm-skip-k-block.mlir $F
run fp8_gemm-no-scale $mut/fp8_gemm-no-scale.mlir $F --scale-a 0.5 --scale-b 3
run fp8_gemm-store-past-end kernels/fp8_gemm.mlir $F --test-mutation=store-past-end
run control-fp8-gemm-persistent kernels/fp8_gemm_persistent.mlir $FP --scale-a 0.5 --scale-b 3
run control-fp8-gemm-persistent-awkward kernels/fp8_gemm_persistent.mlir $F
run fp8_gemm_persistent-no-restart $mut/fp8_gemm_persistent-no-restart.mlir $FP
run fp8_gemm_persistent-store-first-k $mut/fp8_gemm_persistent-store-first-k.mlir $FP
run fp8_gemm_persistent-store-past-end kernels/fp8_gemm_persistent.mlir $F --test-mutation=store-past-end
# tile-invariant-divisions' planted bug: a multiple of a block count or of
# the k-steps (24 / 47 / 12 row blocks, 3 / 5 k-steps here: none a power of
# two) divides one short, so programs compute the wrong blocks.
run fp8_gemm_persistent-divide-floor kernels/fp8_gemm_persistent.mlir $FP --test-mutation=divide-floor
run attention-no-rescale $mut/attention-no-rescale.mlir $A
run attention-causal-shift $mut/attention-causal-shift.mlir $A --causal
run attention-skip-block $mut/attention-skip-block.mlir $A
run attention-zero-tile $mut/attention-zero-tile.mlir $A2
run attention-store-past-end kernels/attention.mlir $A --test-mutation=store-past-end
# Attention op by op: its key masks are checked a block at a time
# (tile-skip-full-masks' planted bug). fp8 attention op by op since
# session 13: at S = 1000 the 24 padded keys' share of a row sum is within
# fp8's bound, and so were S_KV = 129's 31 padded keys of BLOCK_N = 160
# (session 17: 12 of 80 configs verified), so its non-causal
# mask-check-corner runs at S_KV = 33: one key block, 31 to 223 of its keys
# padded for every BLOCK_N of the space.
run attention-mask-check-corner kernels/attention.mlir $A --test-mutation=mask-check-corner
run attention-mask-check-corner-causal kernels/attention.mlir $A --causal --test-mutation=mask-check-corner
run fp8_attention-mask-check-corner kernels/fp8_attention.mlir B=2,H=3,S_Q=300,S_KV=33,D=64 --test-mutation=mask-check-corner
run fp8_attention-mask-check-corner-causal kernels/fp8_attention.mlir $A2 --causal --test-mutation=mask-check-corner
run fp8_attention-convert-as-identity kernels/fp8_attention.mlir $A --test-mutation=convert-as-identity
run control-fp8-attention kernels/fp8_attention.mlir $A --descale-q 0.5 --descale-k 2 --descale-v 0.25
run control-fp8-attention-causal-d128 kernels/fp8_attention.mlir $A2 --causal
run control-fp8-attention-e5m2-bf16 kernels/fp8_attention.mlir $A --dtype f8e5m2 --out-dtype bf16
run fp8_attention-no-rescale $mut/fp8_attention-no-rescale.mlir $A
run fp8_attention-skip-block $mut/fp8_attention-skip-block.mlir $A2 --causal
run fp8_attention-no-descale-v $mut/fp8_attention-no-descale-v.mlir $A --descale-v 0.25
run fp8_attention-store-past-end kernels/fp8_attention.mlir $A --test-mutation=store-past-end
# The rotated fp8 attention (session 14's experiment).
run control-fp8-attention-overlap kernels/fp8_attention_overlap.mlir $A --descale-q 0.5 --descale-k 2 --descale-v 0.25
run control-fp8-attention-overlap-causal-d128 kernels/fp8_attention_overlap.mlir $A2 --causal
run fp8_attention_overlap-no-rescale $mut/fp8_attention_overlap-no-rescale.mlir $A
run fp8_attention_overlap-no-last-pv $mut/fp8_attention_overlap-no-last-pv.mlir $A --causal
run fp8_attention_overlap-v-of-this-block $mut/fp8_attention_overlap-v-of-this-block.mlir $A2
# Kernels without tile.dot (register lowering): C not a power of two (the
# tile's padding is masked), partial row blocks.
R=R=1000,C=1000
R2=R=333,C=4000
run control-softmax kernels/softmax.mlir $R
run control-softmax-2 kernels/softmax.mlir $R2
run control-softmax-packed kernels/softmax.mlir $R2 --packed
run control-layernorm kernels/layernorm.mlir $R
run control-layernorm-2 kernels/layernorm.mlir $R2
run softmax-no-mask $mut/softmax-no-mask.mlir $R
run softmax-no-normalise $mut/softmax-no-normalise.mlir $R
run softmax-row-shift $mut/softmax-row-shift.mlir $R2
run softmax-store-past-end kernels/softmax.mlir $R --test-mutation=store-past-end
run softmax-mask-check-corner kernels/softmax.mlir $R --test-mutation=mask-check-corner
run layernorm-mask-check-corner kernels/layernorm.mlir $R --test-mutation=mask-check-corner
run layernorm-no-bias $mut/layernorm-no-bias.mlir $R
run layernorm-unmasked-variance $mut/layernorm-unmasked-variance.mlir $R
run layernorm-store-past-end kernels/layernorm.mlir $R2 --test-mutation=store-past-end
run control-rmsnorm kernels/rmsnorm.mlir $R
run control-rmsnorm-2 kernels/rmsnorm.mlir $R2
run rmsnorm-no-weight $mut/rmsnorm-no-weight.mlir $R
run rmsnorm-mean-over-block $mut/rmsnorm-mean-over-block.mlir $R
run rmsnorm-wrong-eps $mut/rmsnorm-wrong-eps.mlir $R
# GEMMs with fused epilogues (kernels/gemm_epilogue.mlir).
E="kernels/gemm_epilogue.mlir"
run control-gemm-bias-gelu $E $G --kernel gemm_bias_gelu
run control-gemm-bias-silu $E $G --kernel gemm_bias_silu
run control-gemm-residual $E $G --kernel gemm_residual
run control-gemm-bias-gelu-f32 $E $G2 --kernel gemm_bias_gelu --out-dtype f32
run gemm_bias_gelu-no-bias $mut/gemm_bias_gelu-no-bias.mlir $G --kernel gemm_bias_gelu
run gemm_bias_silu-exp-sign $mut/gemm_bias_silu-exp-sign.mlir $G --kernel gemm_bias_silu
run gemm_residual-no-residual $mut/gemm_residual-no-residual.mlir $G --kernel gemm_residual
run gemm_residual-store-past-end $E $G --kernel gemm_residual --test-mutation=store-past-end
# The transpose: a layout conversion through shared memory.
X=R=1000,C=333
run control-transpose kernels/transpose.mlir $X
run control-transpose-f16 kernels/transpose.mlir R=77,C=4097 --dtype f16
run transpose-unswapped-store $mut/transpose-unswapped-store.mlir $X
run transpose-unswapped-load $mut/transpose-unswapped-load.mlir $X
run transpose-convert-as-identity kernels/transpose.mlir $X --test-mutation=convert-as-identity
run transpose-store-past-end kernels/transpose.mlir $X --test-mutation=store-past-end
# gemm_nt (B as N x K, K-major) at the awkward shape, and its planted
# store bug. (Every GEMM above runs op by op, the only lowering of one
# tile.dot since session 10.)
run control-gemm_nt-awkward kernels/gemm_nt.mlir $G
run gemm_nt-store-past-end kernels/gemm_nt.mlir $G --test-mutation=store-past-end
python3 bench/summarize_mutants.py "$out/mutants.jsonl" | tee "$out/mutants.md"
