//===- SourceFile.h - reading kernel sources within limits ------*- C++ -*-===//
//
// The tools read kernel files that a person (or a fuzzer) hands them; a
// file must not be able to exhaust memory or the stack before any
// diagnostic appears:
//
//  * readSource reads at most maxSourceBytes() (64 MiB by default,
//    TILE_MAX_SOURCE_BYTES overrides it), so `tile-opt /dev/zero` stops
//    with an error instead of reading until memory runs out;
//  * checkNesting refuses text whose brackets ({ ( [ <) nest deeper than
//    kMaxSourceNesting before MLIR's recursive-descent parser sees it
//    (`module { module { ... } }` or `tuple<tuple<...>>` 100,000 deep would
//    overflow its stack), and affine maps and sets with more than
//    kMaxAffineOperators operators (MLIR parses `- - ... - d0` and prints
//    `d0 floordiv 2 floordiv 2 ...` recursively, one level an operator).
//
//===----------------------------------------------------------------------===//
#ifndef TILE_SUPPORT_SOURCEFILE_H
#define TILE_SUPPORT_SOURCEFILE_H

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/MemoryBuffer.h"

#include <cstddef>
#include <memory>

namespace tile {

/// Bracket nesting the tools accept (MLIR's parser recurses per level).
constexpr unsigned kMaxSourceNesting = 512;

/// Operators (+ - * floordiv ceildiv mod, unary minus included) the tools
/// accept in one affine_map<...> or affine_set<...>.
constexpr unsigned kMaxAffineOperators = 1024;

/// The largest source the tools read, in bytes.
size_t maxSourceBytes();

/// Reads `path` ("-" for stdin) whole, up to maxSourceBytes(): a larger
/// file, a device that never ends, or a read error is an error naming the
/// file and the limit.
llvm::Expected<std::unique_ptr<llvm::MemoryBuffer>>
readSource(llvm::StringRef path);

/// An error, with line and column, where brackets outside strings and
/// comments nest deeper than `limit` (`<` and `>` count, except in `->`,
/// `<=` and `>=`), or where an affine map or set holds more than
/// kMaxAffineOperators operators.
llvm::Error checkNesting(llvm::StringRef text, llvm::StringRef name,
                         unsigned limit = kMaxSourceNesting);

} // namespace tile

#endif // TILE_SUPPORT_SOURCEFILE_H
