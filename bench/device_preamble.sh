# Sourced by the GPU scripts (bash, from the repository root): results go
# to $out (/tmp/res), the tarball to $final ($OUT); the static tile-run of
# .carry/tile-run.xz is unpacked to $T; its version and the GPU are
# recorded in $out/version.txt.
final=${OUT:-/tmp/out}; out=/tmp/res; rm -rf "$out"; mkdir -p "$out" "$final"
# Two binaries travel as one archive (.carry/pair.tar.xz: tile-run and
# tile-run-branch, xz with a 256 MiB dictionary, 22 MB where two .xz files
# take 40): the device tool's 64 MiB holds the tree and one archive.
mkdir -p /tmp/t
if [ -f .carry/pair.tar.xz ]; then tar xJf .carry/pair.tar.xz -C /tmp/t
else xz -dc .carry/tile-run.xz > /tmp/t/tile-run && chmod +x /tmp/t/tile-run; fi
T=/tmp/t/tile-run
"$T" --version | head -1 | tee "$out/version.txt"
nvidia-smi --query-gpu=name,driver_version,clocks.max.sm --format=csv,noheader | tee -a "$out/version.txt"

# pack: the results so far into the tarball that comes back ($final), so
# that a call cut short keeps what ran (written aside, then renamed: a call
# killed while packing keeps the previous tarball).
pack() {
  tar czf "$final/results.tgz.part" -C "$out" . && mv "$final/results.tgz.part" "$final/results.tgz"
}
# $one: the scratch file that run_tune, run_one and attention_seed_verify
# write one tile-run's output to; a worker running beside others sets its
# own (bench/gpu_session21_x4.sh).
one=/tmp/one.txt

# run_tune TAG KERNEL SHAPE FLAGS...: one --tune sweep of KERNEL with $T
# (or $BIN when set; stopped after $tune_limit s, default 200), every config
# verified and timed (--iters 20), its table appended to $out/runs.txt and
# its --json to $out/TAG.jsonl; prints one line (exit code, configs line,
# best line).
run_tune() {
  local tag=$1 kernel=$2 shape=$3; shift 3
  timeout "$(cap "${tune_limit:-200}")" "${BIN:-$T}" "$kernel" --shape "$shape" "$@" --tune --no-cache \
    --iters 20 --warmup 5 --kernel-timeout 30 --json "$out/$tag.jsonl" \
    > "$one" 2>&1
  local rc=$?
  { echo "### $tag $kernel $shape $*"; cat "$one"; } >> "$out/runs.txt"
  echo "$tag $(basename "$kernel") $shape $* rc=$rc $(grep -E '^configs:' "$one") | $(grep -E '^best' "$one")"
}

# run_one TAG KERNEL SHAPE CONFIG [FLAGS...]: one config of KERNEL verified
# and timed alone (--iters 50), its --json to $out/TAG.jsonl; prints its
# table rows (one a shape: FLAGS may add --shape), joined by '|'.
run_one() {
  timeout 120 "${BIN:-$T}" "$2" --shape "$3" --config "$4" "${@:5}" --no-cache \
    --iters 50 --warmup 5 --json "$out/$1.jsonl" > "$one" 2>&1
  echo "$1 rc=$? $(grep -E '^BLOCK' "$one" | sed 's/  */ /g' | paste -sd'|')"
}

# attention_seed_tunes: fp8 and bf16 attention tuned at issue 9's seed
# shapes (B 4, H 48, D 64: S 2048-8192, D 128: S 2048-4096, causal and not).
attention_seed_tunes() {
  local F=kernels/fp8_attention.mlir A=kernels/attention.mlir c
  for c in "" --causal; do
    run_tune fp8$c $F B=4,H=48,S=2048,D=64 --shape B=4,H=48,S=4096,D=64 --shape B=4,H=48,S=8192,D=64 $c
    run_tune fp8$c $F B=4,H=48,S=2048,D=128 --shape B=4,H=48,S=4096,D=128 $c
    run_tune bf16$c $A B=4,H=48,S=2048,D=64 --shape B=4,H=48,S=4096,D=64 --shape B=4,H=48,S=8192,D=64 $c
    run_tune bf16$c $A B=4,H=48,S=2048,D=128 --shape B=4,H=48,S=4096,D=128 $c
  done
}

# attention_milestone: issue 9's fp8 attention milestone in one go: the
# seed-shape tunes, then the peers (anchors.py: cuDNN, Triton fp8/bf16
# flash attention; no GEMM) in the same call.
attention_milestone() {
  attention_seed_tunes
  PYTHONUNBUFFERED=1 timeout 150 python3 .carry/anchors.py --gemm --attn 4,48,4096,64 4,48,4096,128 \
    --tattn 4,48,2048,64 4,48,4096,64 4,48,8192,64 4,48,2048,128 4,48,4096,128 \
    --json "$out/anchors.json" > "$out/anchors.txt" 2>&1
  echo "anchors rc=$?"; grep -vE "^\s*$" "$out/anchors.txt" | tail -24 | cut -c1-200
}

# attention_seed_verify KERNEL TIMEOUT D...: every config of KERNEL at
# issue 9's seed shapes (B 4, H 48, S 128 ... 16384, for each D given,
# non-causal then causal; SEED_MODES=plain or causal for one only), one
# run each (--iters 1), every element checked; one --json a (D, causal) pair, $out/seed[--causal]-dD.jsonl,
# the tarball rewritten after each, so a call cut short keeps what ran.
attention_seed_verify() {
  local kernel=$1 limit=$2 D S c shapes; shift 2
  for D in "$@"; do
    shapes=""
    for S in 128 256 512 1024 2048 4096 8192 16384; do shapes="$shapes --shape B=4,H=48,S=$S,D=$D"; done
    for c in "" --causal; do
      # SEED_MODES=plain or =causal: one of the two only (a call's limit).
      [ "${SEED_MODES:-both}:$c" = causal: ] && continue
      [ "${SEED_MODES:-both}:$c" = plain:--causal ] && continue
      timeout "$(cap "$limit")" "$T" "$kernel" $shapes $c --tune --no-cache --iters 1 --warmup 0 \
        --kernel-timeout 60 --json "$out/seed$c-d$D.jsonl" > "$one" 2>&1
      echo "seed D=$D $c rc=$? $(grep -E '^configs:' "$one" | tr '\n' ' ')"
      cat "$one" >> "$out/runs.txt"
      pack
    done
  done
}

# mutants_then_w16_seeds PART KERNEL: the mutation entries of PART
# (bench/gpu_mutation_test.sh) into $out/mut, then KERNEL's four-warpgroup
# configs (its space cut to BLOCK_M 256, WARPS 16) at issue 9's seed shapes
# (attention_seed_verify, D 64 and 128). Session 20's calls 1 and 4.
mutants_then_w16_seeds() {
  local part=$1 kernel=$2 w16=/tmp/$(basename "$2" .mlir)_w16.mlir
  PART=$part OUT=$out/mut T=$T bash bench/gpu_mutation_test.sh 2>&1 | tail -3 | cut -c1-200
  python3 bench/summarize_mutants.py "$out/mut/mutants.jsonl" 2>&1 | tail -2 | cut -c1-200
  pack
  sed -E 's/(#tile.param<"BLOCK_M", )\[[0-9, ]+\]/\1[256]/; s/(#tile.param<"WARPS", )\[[0-9, ]+\]/\1[16]/' \
    "$kernel" > "$w16"
  grep -cE '"BLOCK_M", \[256\]|"WARPS", \[16\]' "$w16"
  attention_seed_verify "$w16" 100 64 128
}

# verify_override_ptx DIR: each config of DIR/configs.txt ("kernel D
# config" lines) verified at S = 1000, causal and not, with the PTX of
# DIR/ptx/<kernel>-d<D>-<config with , and = as _ and ->.ptx through
# --ptx-override (an experiment's PTX checked by main's binary).
verify_override_ptx() {
  local E=$1 kernel D config name c
  while read -r kernel D config; do
    name=$(basename $kernel .mlir)-d$D-$(echo $config | tr ',=' '_-')
    for c in "" --causal; do
      run_one verify $kernel B=2,H=3,S=1000,D=$D $config --ptx-override $E/ptx/$name.ptx $c
    done
  done < $E/configs.txt
}

# persistent_attention_variants: session 22's persistent attention
# experiments (bench/exp-persistent-attn/) and kernels/fp8_attention.mlir,
# each cut to the best tile (D = 64: 256 x 128, 16 warps; D = 128:
# 192 x 128, 12 warps; BLOCK_N 128, MIN_BLOCKS 1, STAGES as in the
# kernel) as /tmp/k/V-D.mlir: R fp8_attention, Q its Q reloaded in the
# loop, P the persistent program, P1 the same with one tile a program
# (PROGRAMS = 10^6), C the persistent program with its rows carried.
persistent_attention_variants() {
  local E=bench/exp-persistent-attn d bm w
  cut_space() { # cut_space KERNEL OUT BM WARPS [PROGRAMS]
    sed -E "s/(#tile.param<\"BLOCK_M\", )\[[0-9, ]+\]/\1[$3]/; s/(#tile.param<\"BLOCK_N\", )\[[0-9, ]+\]/\1[128]/;
            s/(#tile.param<\"WARPS\", )\[[0-9, ]+\]/\1[$4]/; s/(#tile.param<\"MIN_BLOCKS\", )\[[0-9, ]+\]/\1[1]/;
            s/(#tile.param<\"PROGRAMS\", )\[[0-9, ]+\]/\1[${5:-132}]/" "$1" > "$2"
  }
  mkdir -p /tmp/k
  for d in 64 128; do
    bm=256 w=16; [ $d = 128 ] && bm=192 w=12
    cut_space kernels/fp8_attention.mlir /tmp/k/R-$d.mlir $bm $w
    cut_space $E/fp8_attention_qloop.mlir /tmp/k/Q-$d.mlir $bm $w
    cut_space $E/fp8_attention_persistent.mlir /tmp/k/P-$d.mlir $bm $w
    cut_space $E/fp8_attention_persistent.mlir /tmp/k/P1-$d.mlir $bm $w 1000000
    cut_space $E/fp8_attention_persistent_carried.mlir /tmp/k/C-$d.mlir $bm $w
  done
}

# mutation_part_job JOB: bench/gpu_mutation_test.sh's part named by JOB
# (mut-PART: mut-gemm, mut-2, ...) into the worker's $out, then its table's
# last lines (the session 21 and 22 final mutation calls).
mutation_part_job() {
  PART=${1#mut-} OUT=$out T=$T timeout "$(left)" bash bench/gpu_mutation_test.sh 2>&1 | tail -3 | cut -c1-200
  python3 bench/summarize_mutants.py "$out/mutants.jsonl" 2>&1 | tail -2 | cut -c1-200
}

# Jobs side by side on a machine of several GPUs (bench/gpu_session21_*.sh):
# start_clock SECONDS BIN records BIN's version and the GPUs in
# $out/version.txt and sets the deadline; left prints the seconds left (at
# least 5), for a job's timeouts; worker GPU JOB... runs the script's
# job() for each JOB in turn on GPU (modulo the GPUs there are), each in a
# subshell with its own $out/JOB, scratch file, mutant folder (MUT_DIR,
# bench/gpu_mutation_test.sh) and no pack; wait_workers packs every 20 s
# until the workers end, then prints each job's log tail.
start_clock() {
  "$2" --version | head -1 | tee -a "$out/version.txt"
  nvidia-smi -L | tee -a "$out/version.txt"
  ngpu=$(nvidia-smi -L | wc -l)
  [ "$ngpu" -gt 0 ] || ngpu=1
  start=$(date +%s) deadline=$(( $(date +%s) + $1 ))
}
left() { local l=$((deadline - $(date +%s))); [ $l -gt 5 ] && echo $l || echo 5; }
# cap SECONDS: SECONDS, or the seconds left if a deadline is set and nearer
# (run_tune and attention_seed_verify stop at the deadline).
cap() {
  if [ -n "${deadline:-}" ] && [ "$(left)" -lt "$1" ]; then left; else echo "$1"; fi
}
worker() {
  local gpu=$(( $1 % ngpu )) name; shift
  for name in "$@"; do
    (
      export CUDA_VISIBLE_DEVICES=$gpu MUT_DIR=/tmp/mutants.$name
      out=$out/$name one=/tmp/one.$name
      mkdir -p "$out"
      pack() { :; }
      job "$name" > "$out/log.txt" 2>&1
    )
    echo "$name on GPU $gpu done at $(( $(date +%s) - start )) s"
  done
}
wait_workers() {
  local n=0
  while [ -n "$(jobs -r)" ]; do
    sleep 2; n=$((n + 1)); [ $((n % 10)) = 0 ] && pack
  done
  wait
  pack
  for f in "$out"/*/log.txt; do echo "== $f"; tail -12 "$f" | cut -c1-220; done
}
