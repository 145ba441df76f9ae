//===- FuzzMLIR.h - what the MLIR fuzz targets share ------------*- C++ -*-===//
//
// Reading fuzzer bytes the way tile-opt reads a file: within the source
// size limit, refused when brackets nest too deep (tile/Support/SourceFile.h),
// then parsed and verified in a context with the dialects tile-opt
// registers. Diagnostics are swallowed (errors are expected, the fuzzer's
// output stays readable); a crash, an assertion, a sanitizer report or a
// hang is what the fuzzer looks for.
//
// And a mutator that knows MLIR's tokens (LLVMFuzzerCustomMutator). MLIR's
// parser is uninstrumented, so libFuzzer gets no guidance inside it, and
// random byte edits of a kernel almost always stop there: with byte edits
// alone, 17 of the 1974 inputs a 15-minute run kept made it through the
// lowering. Half the mutations here change one token for another of its
// kind -- an integer for an edge value, a type for another type, an op for
// another op, a symbol for another symbol -- or delete or repeat a line,
// which keeps most kernels parseable and moves them into the corners of
// the verifiers and passes; the other half are libFuzzer's own.
//
//===----------------------------------------------------------------------===//
#ifndef TILE_FUZZ_FUZZMLIR_H
#define TILE_FUZZ_FUZZMLIR_H

#include "tile/Compiler/Registration.h"
#include "tile/Support/SourceFile.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/OwningOpRef.h"
#include "mlir/Parser/Parser.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/SourceMgr.h"

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <cstring>
#include <memory>
#include <random>
#include <string>
#include <vector>

// libFuzzer's own mutations, for the custom mutator to fall back on.
extern "C" size_t LLVMFuzzerMutate(uint8_t *data, size_t size, size_t maxSize);

/// ASan defaults of the MLIR fuzzers (this header is included by one
/// translation unit of each). LLVM's BumpPtrAllocator poisons its slabs and
/// unpoisons each allocation when its inline code is compiled with ASan --
/// in tile's code here, but not in the uninstrumented libMLIR.so, which
/// allocates from the same allocators (attribute storage, for one) without
/// unpoisoning: every such write would be a false "use-after-poison".
/// Without user poisoning, ASan still sees heap overflows, uses after free
/// and leaks of malloc'd memory.
extern "C" const char *__asan_default_options() {
  return "allow_user_poisoning=0";
}

namespace tile::fuzz {

/// The registry of tile-opt, built once (a copy goes into each context).
inline const mlir::DialectRegistry &registry() {
  static const mlir::DialectRegistry *r = [] {
    auto *reg = new mlir::DialectRegistry();
    ::tile::registerDialects(*reg);
    return reg;
  }();
  return *r;
}

/// One input's context, parser state and silenced diagnostics. A fresh
/// context per input: nothing carries over, so every crash reproduces from
/// its input alone.
struct Session {
  Session()
      : context(registry(), mlir::MLIRContext::Threading::DISABLED),
        silence(&context, [](mlir::Diagnostic &) { return mlir::success(); }) {}

  /// The input as tile-opt would parse it: nullptr where tile-opt stops
  /// with an error (too large, nested deeper than `nesting`, a parse or
  /// verifier error).
  mlir::OwningOpRef<mlir::ModuleOp>
  parse(llvm::StringRef text, unsigned nesting = ::tile::kMaxSourceNesting) {
    if (text.size() > ::tile::maxSourceBytes())
      return nullptr;
    if (llvm::Error err = ::tile::checkNesting(text, "<fuzz>", nesting)) {
      llvm::consumeError(std::move(err));
      return nullptr;
    }
    // A copy: MLIR's lexer needs the terminating NUL a MemoryBuffer adds.
    sourceMgr.AddNewSourceBuffer(
        llvm::MemoryBuffer::getMemBufferCopy(text, "<fuzz>"), llvm::SMLoc());
    // Like tile-opt: verified after parsing, top-level ops other than one
    // builtin.module wrapped in an implicit one.
    return mlir::parseSourceFile<mlir::ModuleOp>(sourceMgr, &context);
  }

  mlir::MLIRContext context;
  mlir::ScopedDiagnosticHandler silence;
  llvm::SourceMgr sourceMgr;
};

namespace detail {

inline bool isWordChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.';
}

/// Whether a token may start at `p`: not inside a name, but after the `x`
/// of a shape (`?x?xbf16`, `64x64`), so element types and sizes count.
inline bool startsToken(const std::string &text, size_t p) {
  if (p == 0 || !isWordChar(text[p - 1]))
    return true;
  return text[p - 1] == 'x' && p >= 2 &&
         (text[p - 2] == '?' ||
          std::isdigit(static_cast<unsigned char>(text[p - 2])));
}

/// Where `word` occurs in `text` as a whole token.
inline std::vector<size_t> findWord(const std::string &text,
                                    const std::string &word) {
  std::vector<size_t> at;
  for (size_t p = text.find(word); p != std::string::npos;
       p = text.find(word, p + 1)) {
    bool startOk = startsToken(text, p);
    size_t end = p + word.size();
    bool endOk = end == text.size() || !isWordChar(text[end]);
    if (startOk && endOk)
      at.push_back(p);
  }
  return at;
}

/// Tokens that may stand for one another: mutating one into another of its
/// group keeps the syntax and changes the meaning.
inline const std::vector<std::vector<std::string>> &tokenGroups() {
  static const std::vector<std::vector<std::string>> groups = {
      {"bf16", "f16", "f32", "f64", "f8E4M3FN", "f8E5M2", "i1", "i8", "i32",
       "i64", "index"},
      {"arith.addf", "arith.subf", "arith.mulf", "arith.divf",
       "arith.maximumf", "arith.minimumf"},
      {"arith.addi", "arith.subi", "arith.muli", "arith.divui", "arith.remui",
       "arith.ceildivui", "arith.minui", "arith.maxui"},
      {"arith.extf", "arith.truncf"},
      {"math.exp", "math.exp2", "math.log", "math.sqrt", "math.tanh"},
      {"tile.param", "tile.dim"},
      {"tile.program_id", "tile.num_programs"},
      {"tile.reduce", "tile.broadcast"},
      {"tile.load", "tile.store"},
      {"sum", "max", "min"},
      {"x", "y", "z"},
      {"BLOCK_M", "BLOCK_N", "BLOCK_K", "BLOCK", "M", "N", "K", "D", "S",
       "S_Q", "S_KV", "WARPS", "STAGES", "GROUP_M"},
      {"params", "constraints", "grid", "num_warps", "num_stages", "config",
       "reference"},
  };
  return groups;
}

/// Integers worth trying where a kernel has an integer.
inline const std::vector<std::string> &edgeIntegers() {
  static const std::vector<std::string> values = {
      "0", "1", "2", "3", "4", "7", "8", "12", "16", "24", "32", "33", "48",
      "63", "64", "65", "96", "128", "192", "255", "256", "512", "1024",
      "4096", "65536", "2147483647", "2147483648", "4294967296",
      "4611686018427387904", "9223372036854775807", "-1", "-64"};
  return values;
}

/// One token-level mutation of `text`; false where none applies.
inline bool mutateTokens(std::string &text, std::minstd_rand &rng) {
  auto pick = [&](size_t n) { return static_cast<size_t>(rng() % n); };
  switch (pick(4)) {
  case 0: { // an integer literal (not part of a name) becomes an edge value
    std::vector<std::pair<size_t, size_t>> ints;
    for (size_t i = 0; i < text.size(); ++i) {
      if (!std::isdigit(static_cast<unsigned char>(text[i])))
        continue;
      char before = i ? text[i - 1] : ' ';
      size_t end = i;
      while (end < text.size() &&
             std::isdigit(static_cast<unsigned char>(text[end])))
        ++end;
      if (startsToken(text, i) && !std::strchr("%^#@!", before))
        ints.push_back({i, end - i});
      i = end;
    }
    if (ints.empty())
      return false;
    auto [at, len] = ints[pick(ints.size())];
    const auto &values = edgeIntegers();
    text.replace(at, len, values[pick(values.size())]);
    return true;
  }
  case 1: { // a token becomes another of its group
    const auto &groups = tokenGroups();
    const auto &group = groups[pick(groups.size())];
    const std::string &from = group[pick(group.size())];
    std::vector<size_t> at = findWord(text, from);
    if (at.empty())
      return false;
    const std::string &to = group[pick(group.size())];
    text.replace(at[pick(at.size())], from.size(), to);
    return true;
  }
  default: { // a line is deleted or repeated
    std::vector<size_t> starts = {0};
    for (size_t i = 0; i + 1 < text.size(); ++i)
      if (text[i] == '\n')
        starts.push_back(i + 1);
    size_t line = pick(starts.size());
    size_t begin = starts[line];
    size_t end = line + 1 < starts.size() ? starts[line + 1] : text.size();
    std::string copy = text.substr(begin, end - begin);
    if (copy.empty())
      return false;
    if (rng() % 2)
      text.erase(begin, end - begin);
    else
      text.insert(end, copy.back() == '\n' ? copy : copy + "\n");
    return true;
  }
  }
}

} // namespace detail

/// The custom mutator of both MLIR fuzzers (see the top of this file).
inline size_t mutate(uint8_t *data, size_t size, size_t maxSize,
                     unsigned seed) {
  std::minstd_rand rng(seed);
  if (rng() % 2 == 0) {
    std::string text(reinterpret_cast<const char *>(data), size);
    for (int tries = 0; tries < 4; ++tries)
      if (detail::mutateTokens(text, rng) && text.size() <= maxSize &&
          text != std::string(reinterpret_cast<const char *>(data), size)) {
        std::copy(text.begin(), text.end(), data);
        return text.size();
      } else {
        text.assign(reinterpret_cast<const char *>(data), size);
      }
  }
  return LLVMFuzzerMutate(data, size, maxSize);
}

} // namespace tile::fuzz

/// Defined once per fuzzer, like __asan_default_options above.
extern "C" size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size,
                                          size_t maxSize, unsigned seed) {
  return tile::fuzz::mutate(data, size, maxSize, seed);
}

#endif // TILE_FUZZ_FUZZMLIR_H
