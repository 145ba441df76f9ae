# Sourced by the GPU scripts (bash, from the repository root): results go
# to $out (/tmp/res), the tarball to $final ($OUT); the static tile-run of
# .carry/tile-run.xz is unpacked to $T; its version and the GPU are
# recorded in $out/version.txt.
final=${OUT:-/tmp/out}; out=/tmp/res; mkdir -p "$out" "$final"
mkdir -p /tmp/t && xz -dc .carry/tile-run.xz > /tmp/t/tile-run && chmod +x /tmp/t/tile-run
T=/tmp/t/tile-run
"$T" --version | head -1 | tee "$out/version.txt"
nvidia-smi --query-gpu=name,driver_version,clocks.max.sm --format=csv,noheader | tee -a "$out/version.txt"
