//===- SymbolicExpr.h - Integer expressions over named symbols --*- C++ -*-===//
//
// Kernels state their launch grid and configuration constraints as small
// integer expressions over tuning parameters (BLOCK_M) and problem sizes (M):
//
//   cdiv(M, BLOCK_M)            BLOCK_M * BLOCK_K * 2 <= 65536
//
// Grammar (C precedence): || && == != < <= > >= + - * / % unary- and the
// functions cdiv(a, b), min(a, b), max(a, b). Integers are int64; comparisons
// and logic yield 0 or 1; `/` and `%` are floor division and its remainder.
// This header depends on LLVM's ADT and Support only, so the tuner and the
// unit tests can use it without MLIR.
//
//===----------------------------------------------------------------------===//
#ifndef TILE_SUPPORT_SYMBOLICEXPR_H
#define TILE_SUPPORT_SYMBOLICEXPR_H

#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <memory>
#include <string>

namespace tile {

/// Values bound to symbol names (parameters and problem sizes).
using Bindings = llvm::StringMap<int64_t>;

class SymbolicExpr {
public:
  struct Node;

  /// Parses `text`; the error says what is wrong and at which column.
  static llvm::Expected<SymbolicExpr> parse(llvm::StringRef text);

  /// Evaluates under `bindings`; fails on an unbound symbol or a division by
  /// zero, naming it.
  llvm::Expected<int64_t> evaluate(const Bindings &bindings) const;

  /// The symbol names the expression mentions, in first-use order, once each.
  llvm::SmallVector<std::string> symbols() const;

  /// The text it was parsed from.
  llvm::StringRef text() const { return source; }

private:
  SymbolicExpr(std::string source, std::shared_ptr<const Node> root)
      : source(std::move(source)), root(std::move(root)) {}

  std::string source;
  std::shared_ptr<const Node> root;
};

/// Parses "NAME=INT,NAME=INT,..." (spaces allowed) into `out`. Later
/// duplicates are an error, as are empty names and non-integers.
llvm::Error parseBindings(llvm::StringRef text, Bindings &out);

/// Renders bindings as "A=1,B=2" in the order of `names`, then the rest sorted.
std::string formatBindings(const Bindings &bindings,
                           llvm::ArrayRef<std::string> names = {});

} // namespace tile

#endif // TILE_SUPPORT_SYMBOLICEXPR_H
