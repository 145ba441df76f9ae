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
