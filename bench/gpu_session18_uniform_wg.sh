#!/usr/bin/env bash
# For the session that measures branch exp/uniform-warpgroup (prepared in
# session 17, not yet run): main's static tile-run (.carry/tile-run.xz,
# built from main) times each config of bench/exp-uniform-wg/configs.txt
# as main compiles it and with the branch's PTX
# (bench/exp-uniform-wg/ptx/, --ptx-override: wgmma A descriptors from a
# warp-uniform warpgroup index; ptxas: fp8 attention 192 x 128 / 12 at
# D = 128 spills 8 instead of 48 bytes), each run verified element by
# element, in two rounds of alternating order. PTX is independent of S
# for a given D and config, so one file serves every S.
set -u
source bench/device_preamble.sh
export PATH=/usr/local/cuda/bin:$PATH
one() { # tag kernel shape config [--ptx-override file] [flags]
  local tag=$1 kernel=$2 shape=$3 config=$4; shift 4
  timeout 120 "$T" $kernel --shape $shape --config $config --no-cache --iters 50 --warmup 5 \
    --json "$out/$tag.jsonl" "$@" > /tmp/one.txt 2>&1
  echo "$tag rc=$? $(grep -E '^BLOCK' /tmp/one.txt | head -1 | sed 's/  */ /g')"
}
# SASS of main's and the branch's PTX (ptxas and cuobjdump of CUDA 13.0
# there): wgmma count, local-memory instructions, uniform-register use.
for f in bench/exp-uniform-wg/ptx/*.ptx; do
  n=$(basename $f .ptx)
  for v in main branch; do
    p=$f; [ $v = main ] && p=bench/exp-uniform-wg/ptx-main/$n.ptx
    ptxas -arch=sm_90a -o /tmp/k.cubin $p 2>/dev/null && cuobjdump -sass /tmp/k.cubin > /tmp/k.sass
    echo "sass $v $n GMMA=$(grep -cE 'GMMA' /tmp/k.sass) LDL=$(grep -c 'LDL' /tmp/k.sass) STL=$(grep -c 'STL' /tmp/k.sass) R2UR=$(grep -c 'R2UR' /tmp/k.sass) SHFL=$(grep -c 'SHFL' /tmp/k.sass)"
  done
done | tee "$out/sass.txt"
for round in 1 2; do
  while read -r kernel D config; do
    name=$(basename $kernel .mlir)-d$D-$(echo $config | tr ',=' '_-')
    ptx=bench/exp-uniform-wg/ptx/$name.ptx
    case $kernel in
      *attention*) shapes="B=4,H=48,S=2048,D=$D B=4,H=48,S=8192,D=$D" ;;
      *) shapes="M=4096,N=4096,K=4096 M=8192,N=8192,K=8192" ;;
    esac
    for shape in $shapes; do
      if [ $round = 1 ]; then
        one main-$round $kernel $shape $config
        one branch-$round $kernel $shape $config --ptx-override $ptx
      else
        one branch-$round $kernel $shape $config --ptx-override $ptx
        one main-$round $kernel $shape $config
      fi
    done
  done < bench/exp-uniform-wg/configs.txt
  tar czf "$final/results.tgz" -C "$out" .
done
