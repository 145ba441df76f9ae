//===- TuningCache.h - Tuned configs kept between runs ----------*- C++ -*-===//
//
// Where `tile-run --tune` records the best config of a kernel for a shape,
// and where a later run without --config finds it (docs/design.md,
// "Runtime and tuner"). One file per entry under `<directory>/configs/`, named by
// a hash of the entry's key and written by renaming a temporary file over
// it: two processes that record at once leave one whole entry, never a mix.
// A reader checks the format and the whole key, so a damaged file, a file
// of another tile version or a hash collision is a miss with a warning.
// Beside each entry, under `<directory>/kernels/`, the compiled kernel of
// the recorded config (PTX, LaunchInfo, ptxas's figures), tied to the key
// and the config, so a run that finds the config compiles nothing.
//
//===----------------------------------------------------------------------===//

#ifndef TILE_TUNER_TUNINGCACHE_H
#define TILE_TUNER_TUNINGCACHE_H

#include "tile/Compiler/LaunchInfo.h"
#include "tile/Compiler/Ptxas.h"

#include "llvm/ADT/STLFunctionalExtras.h"
#include "llvm/ADT/Twine.h"
#include "llvm/Support/Error.h"

#include <optional>
#include <string>

namespace tile {

/// What a tuned config depends on: the kernel (its name and a hash of its
/// source and retyping), the problem shape, the element types, the GPU and
/// the compiler that generated the code.
struct TuningKey {
  std::string kernel, kernelHash, shape, dtype, device, compiler;
  /// One line, every field named: what an entry stores and is checked by.
  std::string text() const;
};

/// The compiled kernel of a recorded config: a run that finds the config
/// loads it instead of compiling.
struct CachedKernel {
  std::string config; // the config it was compiled for (its label)
  LaunchInfo info;    // with its PTX
  std::optional<PtxasReport> ptxas; // ptxas's figures, when it ran (no log)
  std::string path;   // the file it came from
};

class TuningCache {
public:
  /// `$TILE_CACHE_DIR`, else `$XDG_CACHE_HOME/tile`, else
  /// `$HOME/.cache/tile`; empty when none of them is set.
  static std::string defaultDirectory();

  explicit TuningCache(std::string directory)
      : directory(std::move(directory)) {}
  const std::string &root() const { return directory; }

  /// The file that holds `key`'s entry.
  std::string entryPath(const TuningKey &key) const;

  /// The config recorded for `key`, or nullopt. A missing entry is a
  /// silent miss; an unreadable, malformed or foreign one (another key,
  /// another format version) is a miss that `warn` is told about.
  std::optional<std::string>
  lookup(const TuningKey &key,
         llvm::function_ref<void(const llvm::Twine &)> warn) const;

  /// Records `config` for `key` (directories created as needed), replacing
  /// any earlier entry atomically. Fails with a message naming the path
  /// (unwritable directory, full disk, a file where a directory should be).
  llvm::Error store(const TuningKey &key, const std::string &config) const;

  /// The file that holds the compiled kernel of `key`'s config:
  /// `<directory>/kernels/`, named like the config's entry.
  std::string kernelPath(const TuningKey &key) const;

  /// The kernel recorded for `key` compiled for `config`, or nullopt. A
  /// missing file is a silent miss; a damaged one (format, key, sizes, the
  /// PTX's checksum, the launch description) or one compiled for another
  /// config is a miss that `warn` is told about.
  std::optional<CachedKernel>
  lookupKernel(const TuningKey &key, const std::string &config,
               llvm::function_ref<void(const llvm::Twine &)> warn) const;

  /// Records `info` (its PTX and launch description) and `ptxas`'s figures
  /// as the compiled kernel of `key`'s `config`, atomically like store().
  llvm::Error storeKernel(const TuningKey &key, const std::string &config,
                          const LaunchInfo &info,
                          const std::optional<PtxasReport> &ptxas) const;

  /// The first line of every entry file.
  static constexpr const char *kFormat = "tile-tuning-cache 1";
  /// The first line of every compiled-kernel file.
  /// 2: a "wgmma_serialized" line follows ptxas's figures (session 20).
  static constexpr const char *kKernelFormat = "tile-compiled-kernel 2";

private:
  std::string directory;
};

} // namespace tile

#endif // TILE_TUNER_TUNINGCACHE_H
