#!/usr/bin/env bash
# Session 18, call 2: main's static tile-run (.carry/tile-run.xz, 479d2ab)
# times each config of bench/exp-uniform-wg/configs2.txt three ways: as
# main compiles it, with call 1's branch PTX (ptx-loop/: the broadcast
# warpgroup index made at each dot, inside the loop) and with the hoisted
# variant's (ptx/: made once at the function's entry), through
# --ptx-override; each run verified element by element, two rounds in
# rotated order.
set -u
source bench/device_preamble.sh
export PATH=/usr/local/cuda/bin:$PATH
one() { # tag kernel shape config [--ptx-override file]
  local tag=$1 kernel=$2 shape=$3 config=$4; shift 4
  timeout 120 "$T" $kernel --shape $shape --config $config --no-cache --iters 50 --warmup 5 \
    --json "$out/$tag.jsonl" "$@" > /tmp/one.txt 2>&1
  echo "$tag rc=$? $(grep -E '^BLOCK' /tmp/one.txt | head -1 | sed 's/  */ /g')"
}
for f in bench/exp-uniform-wg/ptx/*.ptx; do
  ptxas -arch=sm_90a -o /tmp/k.cubin $f 2>/dev/null && cuobjdump -sass /tmp/k.cubin > /tmp/k.sass
  echo "sass hoisted $(basename $f .ptx) GMMA=$(grep -cE 'GMMA' /tmp/k.sass) LDL=$(grep -c 'LDL' /tmp/k.sass) STL=$(grep -c 'STL' /tmp/k.sass) R2UR=$(grep -c 'R2UR' /tmp/k.sass) SHFL=$(grep -c 'SHFL' /tmp/k.sass)"
done | tee "$out/sass.txt"
for round in 1 2; do
  while read -r kernel D config; do
    name=$(basename $kernel .mlir)-d$D-$(echo $config | tr ',=' '_-')
    case $kernel in
      *attention*) shapes="B=4,H=48,S=2048,D=$D B=4,H=48,S=8192,D=$D" ;;
      *) shapes="M=4096,N=4096,K=4096 M=8192,N=8192,K=8192" ;;
    esac
    for shape in $shapes; do
      order="main loop hoisted"; [ $round = 2 ] && order="hoisted loop main"
      for v in $order; do
        case $v in
          main) one main-$round $kernel $shape $config ;;
          loop) one loop-$round $kernel $shape $config --ptx-override bench/exp-uniform-wg/ptx-loop/$name.ptx ;;
          hoisted) one hoisted-$round $kernel $shape $config --ptx-override bench/exp-uniform-wg/ptx/$name.ptx ;;
        esac
      done
    done
  done < bench/exp-uniform-wg/configs2.txt
  tar czf "$final/results.tgz" -C "$out" .
done
