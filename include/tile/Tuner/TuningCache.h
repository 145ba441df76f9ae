//===- TuningCache.h - Tuned configs kept between runs ----------*- C++ -*-===//
//
// Where `tile-run --tune` records the best config of a kernel for a shape,
// and where a later run without --config finds it (docs/design.md,
// "Runtime and tuner"). One file per entry under `<directory>/configs/`, named by
// a hash of the entry's key and written by renaming a temporary file over
// it: two processes that record at once leave one whole entry, never a mix.
// A reader checks the format and the whole key, so a damaged file, a file
// of another tile version or a hash collision is a miss with a warning.
//
//===----------------------------------------------------------------------===//

#ifndef TILE_TUNER_TUNINGCACHE_H
#define TILE_TUNER_TUNINGCACHE_H

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

  /// The first line of every entry file.
  static constexpr const char *kFormat = "tile-tuning-cache 1";

private:
  std::string directory;
};

} // namespace tile

#endif // TILE_TUNER_TUNINGCACHE_H
