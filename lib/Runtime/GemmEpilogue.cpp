//===- GemmEpilogue.cpp - GEMMs with a fused epilogue ---------------------===//

#include "tile/Runtime/GemmEpilogue.h"

#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/Twine.h"

#include <cmath>
#include <optional>

using namespace tile;
using namespace tile::runtime;

double tile::runtime::geluTanh(double x) {
  const double k0 = std::sqrt(2.0 / M_PI), k1 = 0.044715;
  return 0.5 * x * (1.0 + std::tanh(k0 * (x + k1 * x * x * x)));
}

double tile::runtime::silu(double x) { return x / (1.0 + std::exp(-x)); }

const char *tile::runtime::epilogueOpName(EpilogueOp op) {
  switch (op) {
  case kEpilogueBias:
    return "bias";
  case kEpilogueResidual:
    return "residual";
  case kEpilogueGelu:
    return "gelu";
  case kEpilogueSilu:
    return "silu";
  }
  return "?";
}

static llvm::Error makeError(const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message.str());
}

llvm::Expected<GemmEpilogue> GemmEpilogue::parse(llvm::StringRef reference) {
  if (!isEpilogueReference(reference))
    return makeError("reference = \"" + reference +
                     "\" is not a GEMM with an epilogue (\"gemm+...\")");
  const char *known =
      "the steps are bias (adds an N-vector argument to every row of A B), "
      "residual (adds an M x N argument), gelu (the tanh form) and silu, "
      "applied in order to A B, e.g. reference = \"gemm+bias+gelu\"";
  llvm::SmallVector<llvm::StringRef> parts;
  reference.drop_front(5).split(parts, '+');
  GemmEpilogue e;
  for (llvm::StringRef part : parts) {
    std::optional<EpilogueOp> op;
    if (part == "bias")
      op = kEpilogueBias;
    else if (part == "residual")
      op = kEpilogueResidual;
    else if (part == "gelu")
      op = kEpilogueGelu;
    else if (part == "silu")
      op = kEpilogueSilu;
    if (!op)
      return makeError("reference = \"" + reference + "\": " +
                       (part.empty() ? llvm::Twine("an empty step")
                                     : "unknown epilogue step '" + part + "'") +
                       "; " + known);
    e.steps.push_back(*op);
  }
  if (e.steps.size() > size_t(kMaxEpilogueSteps))
    return makeError("reference = \"" + reference + "\" has " +
                     llvm::Twine(e.steps.size()) + " steps; tile-run takes " +
                     llvm::Twine(kMaxEpilogueSteps) + " at most");
  return e;
}

unsigned GemmEpilogue::operandCount() const {
  unsigned n = 0;
  for (size_t s = 0; s < steps.size(); ++s)
    n += takesOperand(s);
  return n;
}

std::string GemmEpilogue::operandName(size_t s) const {
  EpilogueOp op = steps[s];
  unsigned same = 0, index = 0;
  for (size_t t = 0; t < steps.size(); ++t)
    if (steps[t] == op) {
      ++same;
      if (t <= s)
        ++index;
    }
  std::string name = op == kEpilogueBias ? "Bias" : "R";
  return same > 1 ? name + std::to_string(index) : name;
}

std::string GemmEpilogue::signature() const {
  std::string text = "(A: M x K, B: K x N (or N x K), ";
  for (size_t s = 0; s < steps.size(); ++s)
    if (takesOperand(s))
      text +=
          operandName(s) + (steps[s] == kEpilogueBias ? ": N, " : ": M x N, ");
  return text + "C: M x N, written by the kernel)";
}

std::string GemmEpilogue::formula() const {
  std::string x = "A B";
  for (size_t s = 0; s < steps.size(); ++s)
    if (takesOperand(s))
      x += " + " + operandName(s);
    else
      x = std::string(epilogueOpName(steps[s])) + "(" + x + ")";
  return "C = " + x;
}

double GemmEpilogue::apply(double product, const double *operands) const {
  double y = product;
  for (EpilogueOp op : steps)
    switch (op) {
    case kEpilogueBias:
    case kEpilogueResidual:
      y += *operands++;
      break;
    case kEpilogueGelu:
      y = geluTanh(y);
      break;
    case kEpilogueSilu:
      y = silu(y);
      break;
    }
  return y;
}
