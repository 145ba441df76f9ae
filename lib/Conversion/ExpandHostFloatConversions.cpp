//===- ExpandHostFloatConversions.cpp - f16/fp8 conversions as calls ------===//
//
// LLVM has no fp8 types (they become i8) and x86 no f16 arithmetic (LLVM
// would call compiler-rt's helpers, which a static JIT host may lack), so
// on the CPU path every scalar extf/truncf from or to these types becomes a
// call of a conversion function of the runtime on the bits. The functions
// round as the GPU does; tile/Compiler/CpuKernel.h binds them in the JIT.
//
//===----------------------------------------------------------------------===//

#include "tile/Conversion/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/IR/SymbolTable.h"

namespace mlir::tile {
#define GEN_PASS_DEF_EXPANDHOSTFLOATCONVERSIONS
#include "tile/Conversion/Passes.h.inc"
} // namespace mlir::tile

using namespace mlir;

namespace {

/// "f16", "f8e4m3", "f8e5m2" for the types the host converts through calls.
StringRef hostName(Type t) {
  if (t.isF16())
    return "f16";
  if (isa<Float8E4M3FNType>(t))
    return "f8e4m3";
  if (isa<Float8E5M2Type>(t))
    return "f8e5m2";
  return "";
}

struct ExpandHostFloatConversionsPass
    : mlir::tile::impl::ExpandHostFloatConversionsBase<
          ExpandHostFloatConversionsPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    SymbolTable symbols(module);
    OpBuilder top(module.getBodyRegion());
    // The declaration of `name`, created on first use.
    auto callee = [&](StringRef name, Type arg, Type result) {
      if (auto f = symbols.lookup<func::FuncOp>(name))
        return f;
      OpBuilder::InsertionGuard guard(top);
      top.setInsertionPointToStart(module.getBody());
      auto f = func::FuncOp::create(
          top, module.getLoc(), name,
          FunctionType::get(module.getContext(), {arg}, {result}));
      f.setPrivate();
      symbols.insert(f);
      return f;
    };
    Type f32 = Float32Type::get(module.getContext());
    SmallVector<Operation *> work;
    module.walk([&](Operation *op) {
      if (isa<arith::ExtFOp, arith::TruncFOp>(op) &&
          op->getResult(0).getType().isIntOrFloat() &&
          (!hostName(op->getOperand(0).getType()).empty() ||
           !hostName(op->getResult(0).getType()).empty()))
        work.push_back(op);
    });
    for (Operation *op : work) {
      OpBuilder b(op);
      Location loc = op->getLoc();
      Value in = op->getOperand(0);
      Type from = in.getType(), to = op->getResult(0).getType();
      // To f32 first: through the call, or an ordinary extf/truncf.
      Value wide = in;
      if (StringRef name = hostName(from); !name.empty()) {
        Type bits = b.getIntegerType(from.getIntOrFloatBitWidth());
        Value raw = arith::BitcastOp::create(b, loc, bits, in);
        wide = func::CallOp::create(
                   b, loc,
                   callee(("tile_host_" + name + "_to_f32").str(), bits, f32),
                   ValueRange{raw})
                   .getResult(0);
      } else if (from != f32) {
        wide = from.getIntOrFloatBitWidth() < 32
                   ? arith::ExtFOp::create(b, loc, f32, in).getResult()
                   : arith::TruncFOp::create(b, loc, f32, in).getResult();
      }
      Value out = wide;
      if (StringRef name = hostName(to); !name.empty()) {
        Type bits = b.getIntegerType(to.getIntOrFloatBitWidth());
        Value raw = func::CallOp::create(
                        b, loc,
                        callee(("tile_host_f32_to_" + name).str(), f32, bits),
                        ValueRange{wide})
                        .getResult(0);
        out = arith::BitcastOp::create(b, loc, to, raw);
      } else if (to != f32) {
        out = to.getIntOrFloatBitWidth() < 32
                  ? arith::TruncFOp::create(b, loc, to, wide).getResult()
                  : arith::ExtFOp::create(b, loc, to, wide).getResult();
      }
      op->getResult(0).replaceAllUsesWith(out);
      op->erase();
    }
  }
};

} // namespace
