# -*- Python -*-
import os
import shutil

import lit.formats
from lit.llvm import llvm_config

config.name = "TILE"
config.test_format = lit.formats.ShTest(not llvm_config.use_lit_shell)
config.suffixes = [".mlir", ".test"]
config.excludes = ["CMakeLists.txt", "lit.cfg.py", "lit.site.cfg.py", "Inputs"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.tile_obj_root, "test")

config.substitutions.append(("%tile_src", config.tile_src_root))
config.substitutions.append(("%tile_bin", config.tile_tools_dir))

llvm_config.with_system_environment(["HOME", "INCLUDE", "LIB", "TMP", "TEMP", "PATH"])
# tile-run's tuning cache: one directory for this run of the suite, never
# the user's (~/.cache/tile), so no test reads a config or kernel that
# another build recorded. Tests that test the cache set their own.
config.environment["TILE_CACHE_DIR"] = os.path.join(
    config.tile_obj_root, "test", "tuning-cache")
config.environment.pop("XDG_CACHE_HOME", None)
# `not` and `split-file` (used at the start of RUN lines) come from LLVM's tools.
llvm_config.with_environment("PATH", config.llvm_tools_dir, append_path=True)
llvm_config.use_default_substitutions()

# The build (test/package: installing it, building a consumer against the
# install, packing a release tarball).
config.substitutions.append(("%tile_obj", config.tile_obj_root))
config.substitutions.append(("%cmake_configure",
    '"%s" -G "%s" -DCMAKE_MAKE_PROGRAM="%s" -DCMAKE_CXX_COMPILER="%s"' % (
        config.cmake_command, config.cmake_generator,
        config.cmake_make_program, config.cmake_cxx_compiler)))
config.substitutions.append(("%cmake", '"%s"' % config.cmake_command))
# examples/ built into bin/ (TILE_BUILD_EXAMPLES).
if config.tile_build_examples:
    config.available_features.add("examples")

tool_dirs = [config.tile_tools_dir, config.llvm_tools_dir]
llvm_config.add_tool_substitutions(["tile-opt", "tile-run"], tool_dirs)

# ptxas assembles generated PTX offline; tests that need it say REQUIRES: ptxas.
ptxas = shutil.which("ptxas") or (
    "/usr/local/cuda/bin/ptxas" if os.path.exists("/usr/local/cuda/bin/ptxas") else None)
if ptxas:
    config.available_features.add("ptxas")
    config.substitutions.append(("%ptxas", ptxas))

# nvcc regenerates the reference kernels' PTX; the committed file was made by
# CUDA 13.0, so the staleness test needs that release.
import subprocess
nvcc = shutil.which("nvcc") or (
    "/usr/local/cuda/bin/nvcc" if os.path.exists("/usr/local/cuda/bin/nvcc") else None)
if nvcc:
    try:
        version = subprocess.run([nvcc, "--version"], capture_output=True,
                                 text=True, timeout=60).stdout
    except Exception:
        version = ""
    if "release 13.0," in version:
        config.available_features.add("nvcc-13.0")
        config.environment["NVCC"] = nvcc

# bench/plot.py draws with matplotlib (Debian's python3-matplotlib, for the
# Python that runs lit).
import importlib.util
import sys
if importlib.util.find_spec("matplotlib") is not None:
    config.available_features.add("matplotlib")
