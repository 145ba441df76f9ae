#!/usr/bin/env bash
# Writes the PTX of the branch's compiler (exp/uniform-warpgroup) for the
# configs that bench/gpu_session18_uniform_wg.sh times through
# --ptx-override against main's binary. Run from the repository root with
# the branch built: bash bench/exp-uniform-wg/make_ptx.sh [tile-run]
set -eu
T=${1:-build/bin/tile-run}
o=bench/exp-uniform-wg/ptx; rm -rf $o; mkdir -p $o
while read -r kernel D config; do
  name=$(basename $kernel .mlir)-d$D-$(echo $config | tr ',=' '_-')
  case $kernel in
    *attention*) shape=B=4,H=48,S=4096,D=$D ;;
    *) shape=M=4096,N=4096,K=4096 ;;
  esac
  "$T" $kernel --shape $shape --config $config --compile-only --no-cache --emit-ptx $o/$name.ptx \
    | grep -E '^BLOCK' | sed "s|^|$name |" >> $o/ptxas.txt
done < bench/exp-uniform-wg/configs.txt
cat $o/ptxas.txt
