#!/usr/bin/env bash
# Makes the release tarball dist/tile-<version>-linux-<arch>.tar.xz: the
# static tile-run and tile-opt (MLIR and LLVM linked in, so they run on a GPU
# machine with only the NVIDIA driver), kernels/, docs/, README.md and
# RELEASE.md (what is in it, what it needs, first commands). docs/api.md,
# "A release tarball".
#
#   scripts/package.sh                  configure and build build-static/
#                                       (TILE_STATIC_LLVM=ON, no tests; long:
#                                       all of MLIR is linked in), then pack
#   scripts/package.sh --bin-dir DIR    pack DIR/tile-run and DIR/tile-opt as
#                                       they are (built already)
#
# Options:
#   --bin-dir DIR     the tools to pack; no build
#   --out-dir DIR     where the tarball goes (default: dist/)
#   --allow-shared    pack tools linked against the shared libLLVM/libMLIR
#                     (such a tarball runs only where those libraries are;
#                     for tests); refused otherwise
#   --no-strip        keep the tools' debug sections (stripped by default;
#                     their symbols stay for backtraces)
# Environment: TILE_STATIC_BUILD_DIR (default build-static/), XZ_OPT.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"

die() { echo "package.sh: $*" >&2; exit 1; }
usage() { sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//' >&2; exit 2; }

bin_dir=""
out_dir="$root/dist"
allow_shared=0
strip_debug=1
while [ $# -gt 0 ]; do
  case "$1" in
    --bin-dir) [ $# -ge 2 ] || usage; bin_dir="$2"; shift 2 ;;
    --out-dir) [ $# -ge 2 ] || usage; out_dir="$2"; shift 2 ;;
    --allow-shared) allow_shared=1; shift ;;
    --no-strip) strip_debug=0; shift ;;
    -h|--help) usage ;;
    *) echo "package.sh: unknown argument '$1'" >&2; usage ;;
  esac
done

if [ -z "$bin_dir" ]; then
  # The build README.md describes ("Building for the GPU machine"). The
  # configure step runs every time so the options hold even in an old
  # build-static/; ninja rebuilds only what changed.
  build="${TILE_STATIC_BUILD_DIR:-$root/build-static}"
  cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release \
    -DTILE_STATIC_LLVM=ON -DTILE_BUILD_TESTS=OFF -DTILE_BUILD_EXAMPLES=OFF
  ninja -C "$build" tile-run tile-opt
  bin_dir="$build/bin"
fi

tools=(tile-run tile-opt)
for tool in "${tools[@]}"; do
  [ -x "$bin_dir/$tool" ] || die "no $bin_dir/$tool"
done

# The version and commit the tools report.
version_text="$("$bin_dir/tile-run" --version)" ||
  die "$bin_dir/tile-run --version failed"
read -r _ version _ commit _ <<<"$(head -1 <<<"$version_text" | tr -d '()')"
[[ "$version" =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]] ||
  die "cannot read the version from '$(head -1 <<<"$version_text")'"
llvm_version="$(sed -n 's/^ *built with LLVM\/MLIR //p' <<<"$version_text")"
source_version="$(sed -n 's/^project(tile VERSION \([0-9.]*\).*/\1/p' "$root/CMakeLists.txt")"
if [ -n "$source_version" ] && [ "$source_version" != "$version" ]; then
  echo "package.sh: warning: the tools are version $version, CMakeLists.txt says $source_version" >&2
fi
case "$commit" in
  *+changes) echo "package.sh: warning: the tools were built from a tree with uncommitted changes ($commit)" >&2 ;;
esac

# What the tools need from the machine they run on.
needed() { readelf -d "$1" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'; }
libs=""
for tool in "${tools[@]}"; do
  libs="$libs $(needed "$bin_dir/$tool")"
done
libs="$(tr ' ' '\n' <<<"$libs" | sed '/^$/d' | sort -u | paste -sd ' ')"
linked="MLIR and LLVM are linked in: nothing else to install."
if grep -qE 'lib(LLVM|MLIR)' <<<"$libs"; then
  linked="These tools load LLVM's shared libraries (not in the tarball)."
  if [ "$allow_shared" = 1 ]; then
    echo "package.sh: warning: the tools need LLVM's shared libraries ($libs); the tarball runs only where those are" >&2
  else
    die "the tools in $bin_dir need LLVM's shared libraries ($libs): a portable tarball needs the static build (run without --bin-dir, or see README.md 'Building for the GPU machine'); --allow-shared packs them anyway"
  fi
fi
max_version() { # max_version <prefix> <files...>: the newest <prefix>_x.y symbol version
  local prefix="$1"; shift
  # No such symbol (a libstdc++ linked in) is no error: "" then.
  for f in "$@"; do objdump -T "$f"; done | { grep -oE "\b${prefix}_[0-9]+(\.[0-9]+)+" || true; } |
    sed "s/^${prefix}_//" | sort -uV | tail -1
}
glibc="$(max_version GLIBC "$bin_dir/tile-run" "$bin_dir/tile-opt")"
glibcxx="$(max_version GLIBCXX "$bin_dir/tile-run" "$bin_dir/tile-opt")"

arch="$(uname -m)"
name="tile-$version-linux-$arch"
stage="$(mktemp -d)"
trap 'rm -rf "$stage"' EXIT
dir="$stage/$name"
mkdir -p "$dir/bin"
for tool in "${tools[@]}"; do
  if [ "$strip_debug" = 1 ]; then
    strip --strip-debug -o "$dir/bin/$tool" "$bin_dir/$tool"
  else
    cp "$bin_dir/$tool" "$dir/bin/$tool"
  fi
  chmod 755 "$dir/bin/$tool"
done
cp -r "$root/kernels" "$root/docs" "$dir/"
cp "$root/README.md" "$dir/"

cat > "$dir/RELEASE.md" <<EOF
# tile $version (linux-$arch)

The tile compiler's tools, built from commit $commit with LLVM/MLIR
${llvm_version:-?}. $linked

\`\`\`
bin/tile-run     compile, run, verify, time and tune tile kernels
bin/tile-opt     the compiler's passes and pipelines on .mlir files
kernels/         the tile programs (GEMM, attention, fp8, row kernels, epilogues)
docs/            design, verification, CPU path, C++ API, op/attribute reference
README.md        the project's README (its build/bin/ is bin/ here)
\`\`\`

## What it needs

- Linux $arch with glibc >= ${glibc:-?} and libstdc++ (GLIBCXX >= ${glibcxx:-?});
  the tools load: $libs
- On the GPU machine only the NVIDIA driver (libcuda.so.1, found with
  dlopen at run time; CUDA 12 or newer for TMA) and an sm_90 GPU (H100,
  H200, GH200). The PTX is compiled by the driver's JIT: no CUDA toolkit.
- cuBLAS (libcublas.so.13 or .12, from the CUDA toolkit or NVIDIA's pip
  wheels; \`\$TILE_CUBLAS\` names the file) only for the reference and the
  peer of bf16/f16 GEMMs; without it, check those with \`--reference cpu\`.
  The fp8 GEMM's peer uses cuBLASLt where it is found.
- ptxas is optional: \`tile-run\` on a machine without a GPU compiles every
  config and, where it finds ptxas, prints registers and spills.

## First commands

\`\`\`sh
bin/tile-run --version
bin/tile-run kernels/gemm.mlir --shape M=4096,N=4096,K=4096 --tune
bin/tile-run kernels/attention.mlir --shape B=4,H=48,S=4096,D=64 --causal
bin/tile-run kernels/softmax.mlir --shape R=4096,C=4096 --reference cpu
bin/tile-run --target cpu kernels/softmax.mlir --shape R=64,C=1000   # no GPU needed
bin/tile-run --help
\`\`\`

Without a GPU, \`tile-run\` says so, compiles every config and exits 0 when
all compiled. README.md and docs/ describe the rest.
EOF

mkdir -p "$out_dir"
out_dir="$(cd "$out_dir" && pwd)"
tarball="$out_dir/$name.tar.xz"
# Reproducible: sorted names, no owners, the commit's time as mtime.
mtime="$(git -C "$root" log -1 --format=%ct 2>/dev/null || date +%s)"
tar -C "$stage" --sort=name --owner=0 --group=0 --numeric-owner \
  --mtime="@$mtime" -cf - "$name" | xz -T0 > "$tarball.tmp"
mv "$tarball.tmp" "$tarball"
echo "package.sh: $tarball ($(du -h "$tarball" | cut -f1))"
