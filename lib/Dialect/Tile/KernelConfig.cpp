//===- KernelConfig.cpp - a specialized kernel's config as bindings -------===//

#include "tile/Dialect/Tile/KernelConfig.h"

using namespace mlir;

::tile::Bindings mlir::tile::configBindings(KernelOp kernel) {
  ::tile::Bindings config;
  if (DictionaryAttr attrs = kernel.getConfigAttr())
    for (NamedAttribute entry : attrs)
      config[entry.getName()] = cast<IntegerAttr>(entry.getValue()).getInt();
  return config;
}

FailureOr<int64_t> mlir::tile::evalKernelExpr(KernelOp kernel, ExprAttr expr,
                                              const ::tile::Bindings &config,
                                              int64_t fallback,
                                              StringRef what) {
  if (!expr)
    return fallback;
  auto v = expr.evaluate(config);
  if (!v)
    return kernel.emitOpError()
           << what << ": " << llvm::toString(v.takeError());
  return *v;
}
