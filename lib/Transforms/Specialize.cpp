//===- Specialize.cpp - bind a configuration to a tile.kernel -------------===//

#include "tile/Transforms/Passes.h"

#include "mlir/IR/AttrTypeSubElements.h"
#include "mlir/IR/Builders.h"
#include "llvm/ADT/StringExtras.h"

namespace mlir::tile {
#define GEN_PASS_DEF_TILESPECIALIZE
#include "tile/Transforms/Passes.h.inc"
} // namespace mlir::tile

using namespace mlir;
using namespace mlir::tile;

/// Checks `config` against the kernel and completes it with defaults.
static LogicalResult bindConfig(KernelOp kernel, const ::tile::Bindings &config,
                                ::tile::Bindings &bound) {
  SmallVector<ParamAttr> params;
  if (auto list = kernel.getParams())
    for (Attribute a : *list)
      params.push_back(cast<ParamAttr>(a));

  for (const auto &entry : config) {
    StringRef name = entry.getKey();
    int64_t value = entry.getValue();
    if (ParamAttr param = kernel.lookupParam(name)) {
      if (!llvm::is_contained(param.getValues(), value)) {
        std::string candidates;
        for (int64_t v : param.getValues())
          candidates += (candidates.empty() ? "" : ", ") + std::to_string(v);
        return mlir::emitError(kernel.getLoc())
               << name << "=" << value << " is not a candidate of parameter '"
               << name << "' (" << candidates
               << "); pick one of those or add it to the kernel's params";
      }
    } else if (!kernel.hasProblemSize(name)) {
      std::string known;
      for (ParamAttr p : params)
        known += (known.empty() ? "" : ", ") + p.getName().str();
      return mlir::emitError(kernel.getLoc())
             << "'" << name << "' is neither a parameter nor a problem size of "
             << "kernel @" << kernel.getSymName() << " (parameters: "
             << (known.empty() ? "none" : known) << ")";
    } else if (value <= 0) {
      return mlir::emitError(kernel.getLoc()) << "problem size " << name << "=" << value
                                << " must be positive";
    } else {
      // A problem size that a static memref extent fixes cannot be rebound.
      for (unsigned i = 0, e = kernel.getNumArguments(); i < e; ++i) {
        ShapeAttr shape = kernel.getArgShape(i);
        auto memref = dyn_cast<MemRefType>(kernel.getArgument(i).getType());
        if (!shape || !memref)
          continue;
        for (unsigned d = 0; d < shape.getRank(); ++d)
          if (shape.getSymbol(d) == name && !memref.isDynamicDim(d) &&
              memref.getDimSize(d) != value)
            return mlir::emitError(kernel.getLoc())
                   << "problem size " << name << "=" << value
                   << " contradicts argument #" << i << ", whose dimension "
                   << d << " is " << memref.getDimSize(d);
      }
    }
    bound[name] = value;
  }
  for (ParamAttr p : params)
    bound.try_emplace(p.getName(), p.getValues().front());

  if (auto constraints = kernel.getConstraints()) {
    for (Attribute a : *constraints) {
      auto expr = cast<ExprAttr>(a);
      // A constraint over problem sizes that are not bound yet is checked
      // when the kernel is launched.
      if (llvm::any_of(expr.getSymbols(), [&](const std::string &s) {
            return !bound.count(s);
          }))
        continue;
      auto holds = expr.evaluate(bound);
      if (!holds)
        return mlir::emitError(kernel.getLoc()) << llvm::toString(holds.takeError());
      if (*holds == 0)
        return mlir::emitError(kernel.getLoc())
               << "configuration " << ::tile::formatBindings(bound)
               << " violates the constraint \"" << expr.getText() << "\"";
    }
  }
  return success();
}

/// The static type of `type` under `bound`, or `type` itself when it has no
/// #tile.shape. Reports an unbound size at `op`.
static FailureOr<Type> specializeType(Type type, const ::tile::Bindings &bound,
                                      Operation *op) {
  auto tensor = dyn_cast<RankedTensorType>(type);
  auto shape = tensor ? dyn_cast_or_null<ShapeAttr>(tensor.getEncoding())
                      : ShapeAttr();
  if (!shape)
    return type;
  SmallVector<int64_t> dims(tensor.getShape());
  for (unsigned d = 0; d < shape.getRank(); ++d) {
    StringRef sym = shape.getSymbol(d);
    if (sym.empty())
      continue;
    auto it = bound.find(sym);
    if (it == bound.end())
      return mlir::emitError(op->getLoc())
             << "'" << op->getName() << "' has a tile sized by '" << sym
             << "', which the configuration does not bind; pass " << sym
             << "=<value> in the config";
    if (it->second <= 0)
      return mlir::emitError(op->getLoc()) << "tile size " << sym << "=" << it->second
                               << " must be positive";
    dims[d] = it->second;
  }
  return Type(RankedTensorType::get(dims, tensor.getElementType()));
}

LogicalResult mlir::tile::specializeKernel(KernelOp kernel,
                                           const ::tile::Bindings &config) {
  if (kernel.isSpecialized())
    return mlir::emitError(kernel.getLoc()) << "kernel @" << kernel.getSymName()
                              << " is already specialized";
  ::tile::Bindings bound;
  if (failed(bindConfig(kernel, config, bound)))
    return failure();

  // Check first that every tile size is bound, reporting at the op...
  WalkResult walk = kernel.getBody().walk([&](Operation *op) {
    auto check = [&](Type t) { return succeeded(specializeType(t, bound, op)); };
    if (!llvm::all_of(op->getResultTypes(), check))
      return WalkResult::interrupt();
    for (Region &region : op->getRegions())
      for (Block &block : region)
        if (!llvm::all_of(block.getArgumentTypes(), check))
          return WalkResult::interrupt();
    return WalkResult::advance();
  });
  if (walk.wasInterrupted())
    return failure();

  // ...then give every tile its static type wherever the type appears:
  // results, block arguments, and attributes that hold types (constants).
  // Types inside attributes (a TypeAttr, a dense constant) were not seen by
  // the check above: a tile sized by an unbound symbol there is reported at
  // the top-level op that holds it, and the kernel fails.
  bool attrFailed = false;
  Operation *current = kernel;
  AttrTypeReplacer replacer;
  replacer.addReplacement([&](RankedTensorType t) -> std::optional<Type> {
    if (!isa_and_nonnull<ShapeAttr>(t.getEncoding()))
      return std::nullopt;
    FailureOr<Type> specialized = specializeType(t, bound, current);
    if (failed(specialized)) {
      attrFailed = true;
      return std::nullopt;
    }
    return *specialized;
  });
  for (Operation &op : kernel.getBody().front()) {
    current = &op;
    replacer.recursivelyReplaceElementsIn(&op, /*replaceAttrs=*/true,
                                          /*replaceLocs=*/false,
                                          /*replaceTypes=*/true);
  }
  if (attrFailed)
    return failure();
  // Dense element attributes keep their type out of reach of the replacer:
  // rebuild those whose type still carries a #tile.shape.
  WalkResult dense = kernel.getBody().walk([&](Operation *op) {
    for (NamedAttribute attr : op->getAttrs()) {
      auto denseAttr = dyn_cast<DenseElementsAttr>(attr.getValue());
      auto type = denseAttr ? dyn_cast<RankedTensorType>(denseAttr.getType())
                            : RankedTensorType();
      if (!type || !isa_and_nonnull<ShapeAttr>(type.getEncoding()))
        continue;
      FailureOr<Type> staticType = specializeType(type, bound, op);
      if (failed(staticType))
        return WalkResult::interrupt();
      op->setAttr(attr.getName(),
                  denseAttr.reshape(cast<ShapedType>(*staticType)));
    }
    return WalkResult::advance();
  });
  if (dense.wasInterrupted())
    return failure();

  // Then parameters and bound problem sizes become constants.
  SmallVector<Operation *> symbolOps;
  kernel.getBody().walk([&](Operation *op) {
    if (isa<ParamOp, DimOp>(op))
      symbolOps.push_back(op);
  });
  for (Operation *op : symbolOps) {
    StringRef name = isa<ParamOp>(op) ? cast<ParamOp>(op).getName()
                                      : cast<DimOp>(op).getName();
    auto it = bound.find(name);
    if (it == bound.end())
      continue; // an unbound problem size stays a runtime value
    OpBuilder b(op);
    Value c = arith::ConstantIndexOp::create(b, op->getLoc(), it->second);
    op->getResult(0).replaceAllUsesWith(c);
    op->erase();
  }

  Builder b(kernel.getContext());
  SmallVector<NamedAttribute> entries;
  for (const auto &entry : bound)
    entries.push_back(b.getNamedAttr(entry.getKey(),
                                     b.getI64IntegerAttr(entry.getValue())));
  kernel.setConfigAttr(b.getDictionaryAttr(entries));
  kernel.removeParamsAttr();
  return success();
}

namespace {
struct TileSpecializePass
    : public mlir::tile::impl::TileSpecializeBase<TileSpecializePass> {
  using TileSpecializeBase::TileSpecializeBase;

  void runOnOperation() override {
    KernelOp kernel = getOperation();
    ::tile::Bindings bindings;
    if (llvm::Error err = ::tile::parseBindings(config, bindings)) {
      mlir::emitError(kernel.getLoc()) << "invalid tile-specialize config \"" << config
                         << "\": " << llvm::toString(std::move(err));
      return signalPassFailure();
    }
    if (failed(specializeKernel(kernel, bindings)))
      return signalPassFailure();
  }
};
} // namespace
