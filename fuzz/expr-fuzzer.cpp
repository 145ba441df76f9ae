//===- expr-fuzzer.cpp - libFuzzer target: #tile.expr text ----------------===//
//
// Kernel files carry grid sizes and constraints as #tile.expr strings, which
// SymbolicExpr parses and evaluates: a file a person (or a fuzzer) writes
// must never crash, overflow the stack or wrap an integer silently there;
// every bad input must come back as an llvm::Error.
//
// Input: the expression, optionally followed by a newline and a binding
// list "NAME=INT,..." (the syntax of --config and --shape, which
// parseBindings reads). The expression is evaluated under those bindings
// and, so that every symbol has a value, under each of a few edge values
// (0, -1, INT64_MIN, ...) given to all its symbols at once.
//
// Besides "no crash", it checks properties every evaluation must have:
//  * evaluating is deterministic;
//  * "(e)" means e (where the extra level stays within the depth limit);
//  * formatBindings' text parses back to the same bindings.
//
//===----------------------------------------------------------------------===//

#include "tile/Support/SymbolicExpr.h"

#include "llvm/Support/Error.h"

#include <cstdint>
#include <cstdlib>
#include <optional>

using tile::Bindings;
using tile::SymbolicExpr;

namespace {

/// The value of `e` under `env`, or nullopt for an error (consumed).
std::optional<int64_t> evaluate(const SymbolicExpr &e, const Bindings &env) {
  auto v = e.evaluate(env);
  if (!v) {
    llvm::consumeError(v.takeError());
    return std::nullopt;
  }
  return *v;
}

void check(bool ok) {
  if (!ok)
    __builtin_trap(); // a broken property: libFuzzer saves the input
}

void exercise(const SymbolicExpr &e, const Bindings &env) {
  std::optional<int64_t> v = evaluate(e, env);
  check(evaluate(e, env) == v);
  auto wrapped = SymbolicExpr::parse(("(" + e.text() + ")").str());
  if (wrapped)
    check(evaluate(*wrapped, env) == v);
  else
    llvm::consumeError(wrapped.takeError()); // one level too deep
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  llvm::StringRef input(reinterpret_cast<const char *>(data), size);
  auto [text, bindingText] = input.split('\n');

  Bindings given;
  if (llvm::Error err = tile::parseBindings(bindingText, given)) {
    llvm::consumeError(std::move(err));
    given.clear();
  } else {
    Bindings again;
    check(!tile::parseBindings(tile::formatBindings(given), again));
    check(again == given);
  }

  auto expr = SymbolicExpr::parse(text);
  if (!expr) {
    llvm::consumeError(expr.takeError());
    return 0;
  }
  exercise(*expr, given);

  llvm::SmallVector<std::string> symbols = expr->symbols();
  for (int64_t edge : {int64_t(0), int64_t(1), int64_t(-1), int64_t(2),
                       int64_t(128), INT64_MAX, INT64_MIN, INT64_MIN + 1}) {
    Bindings env = given;
    for (const std::string &name : symbols)
      env.try_emplace(name, edge);
    exercise(*expr, env);
  }
  (void)tile::formatBindings(given, symbols);
  return 0;
}
