//===- TileOps.cpp - tile operations and their verifiers ------------------===//

#include "tile/Dialect/Tile/TileOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/OpImplementation.h"
#include "mlir/Interfaces/FunctionImplementation.h"
#include "llvm/ADT/StringSet.h"

using namespace mlir;
using namespace mlir::tile;

#define GET_OP_CLASSES
#include "tile/Dialect/Tile/TileOps.cpp.inc"

//===----------------------------------------------------------------------===//
// Helpers
//===----------------------------------------------------------------------===//

/// The symbolic dims of a tile-typed value, or a diagnostic that says how to
/// give a dynamic tensor its sizes.
static FailureOr<SmallVector<TileDim>> tileDimsOf(Operation *op, Type type,
                                                  StringRef role) {
  auto tensor = dyn_cast<RankedTensorType>(type);
  if (!tensor)
    return op->emitOpError() << role << " must be a ranked tensor, got "
                             << type;
  auto dims = getTileDims(tensor);
  if (failed(dims))
    return op->emitOpError()
           << role << " " << type
           << " has a dynamic dimension that names no symbol; write its "
              "sizes in a #tile.shape encoding, e.g. tensor<?x?xf32, "
              "#tile.shape<BLOCK_M, BLOCK_N>>";
  return dims;
}

/// The kernel around `op`, or a diagnostic.
static FailureOr<KernelOp> enclosingKernel(Operation *op) {
  auto kernel = op->getParentOfType<KernelOp>();
  if (!kernel)
    return op->emitOpError() << "must be inside a tile.kernel";
  return kernel;
}

static bool isDotOperandType(Type t) {
  return t.isBF16() || t.isF16() || isa<Float8E4M3FNType, Float8E5M2Type>(t);
}

//===----------------------------------------------------------------------===//
// tile.kernel
//===----------------------------------------------------------------------===//

ParseResult KernelOp::parse(OpAsmParser &parser, OperationState &result) {
  auto buildFuncType = [](Builder &builder, ArrayRef<Type> argTypes,
                          ArrayRef<Type> results,
                          function_interface_impl::VariadicFlag,
                          std::string &) {
    return builder.getFunctionType(argTypes, results);
  };
  return function_interface_impl::parseFunctionOp(
      parser, result, /*allowVariadic=*/false,
      getFunctionTypeAttrName(result.name), buildFuncType,
      getArgAttrsAttrName(result.name), getResAttrsAttrName(result.name));
}

void KernelOp::print(OpAsmPrinter &p) {
  function_interface_impl::printFunctionOp(
      p, *this, /*isVariadic=*/false, getFunctionTypeAttrName(),
      getArgAttrsAttrName(), getResAttrsAttrName());
}

ShapeAttr KernelOp::getArgShape(unsigned i) {
  return dyn_cast_or_null<ShapeAttr>(getArgAttr(i, getShapeArgAttrName()));
}

ParamAttr KernelOp::lookupParam(StringRef name) {
  if (auto params = getParams())
    for (Attribute a : *params)
      if (auto param = cast<ParamAttr>(a); param.getName() == name)
        return param;
  return {};
}

bool KernelOp::hasProblemSize(StringRef name) {
  for (unsigned i = 0, e = getNumArguments(); i < e; ++i)
    if (ShapeAttr shape = getArgShape(i))
      for (unsigned d = 0; d < shape.getRank(); ++d)
        if (shape.getSymbol(d) == name)
          return true;
  return false;
}

/// Names that expressions and tile shapes of `kernel` may use.
static llvm::StringSet<> knownSymbols(KernelOp kernel) {
  llvm::StringSet<> known;
  if (auto params = kernel.getParams())
    for (Attribute a : *params)
      known.insert(cast<ParamAttr>(a).getName());
  if (auto config = kernel.getConfig())
    for (NamedAttribute entry : *config)
      known.insert(entry.getName().getValue());
  for (unsigned i = 0, e = kernel.getNumArguments(); i < e; ++i)
    if (ShapeAttr shape = kernel.getArgShape(i))
      for (unsigned d = 0; d < shape.getRank(); ++d)
        if (!shape.getSymbol(d).empty())
          known.insert(shape.getSymbol(d));
  return known;
}

LogicalResult KernelOp::verify() {
  if (getFunctionType().getNumResults() != 0)
    return emitOpError() << "returns nothing: write results through memref "
                            "arguments instead";

  // A misspelt attribute (num_wraps, constriants) would otherwise be kept as
  // a discardable attribute and silently ignored: the kernel would run with
  // defaults. Attributes of other dialects carry their prefix.
  for (NamedAttribute attr : (*this)->getDiscardableAttrs()) {
    StringRef name = attr.getName().getValue();
    if (name.contains('.'))
      continue;
    StringRef known[] = {"params",     "constraints",       "grid",
                         "num_warps",  "num_stages",        "reference",
                         "min_blocks_per_sm", "overlap_carried_dots"};
    StringRef closest;
    unsigned best = ~0u;
    for (StringRef k : known) {
      unsigned d = name.edit_distance(k, /*AllowReplacements=*/true, best);
      if (d < best)
        best = d, closest = k;
    }
    InFlightDiagnostic diag = emitOpError()
                              << "has an unknown attribute '" << name << "'";
    if (best <= 3)
      diag << "; did you mean '" << closest << "'?";
    diag << " (a kernel's attributes are params, constraints, grid, "
            "num_warps, num_stages, min_blocks_per_sm, overlap_carried_dots "
            "and reference; another "
            "dialect's "
            "attribute needs its prefix, e.g. 'mydialect."
         << name << "')";
    return diag;
  }

  llvm::StringSet<> problemSizes;
  for (unsigned i = 0, e = getNumArguments(); i < e; ++i) {
    Type type = getArgumentTypes()[i];
    if (auto memref = dyn_cast<MemRefType>(type);
        memref && memref.getMemorySpace())
      return emitOpError() << "argument #" << i << " is a memref in memory "
                           << "space " << memref.getMemorySpace()
                           << "; kernel arguments are tensors in global "
                              "memory: drop the memory space";
    if (auto memref = dyn_cast<MemRefType>(type)) {
      ShapeAttr shape = getArgShape(i);
      if (!shape)
        return emitOpError() << "argument #" << i << " (" << type
                             << ") needs a {tile.shape = #tile.shape<...>} "
                                "attribute naming each of its dimensions";
      if (shape.getRank() != memref.getRank())
        return emitOpError() << "argument #" << i << " has rank "
                             << memref.getRank() << " but its tile.shape <"
                             << shape.str() << "> has " << shape.getRank()
                             << " dimensions";
      for (unsigned d = 0; d < shape.getRank(); ++d) {
        std::optional<int64_t> extent = shape.getExtent(d);
        if (extent && memref.getDimSize(d) != *extent)
          return emitOpError() << "argument #" << i << " dimension " << d
                               << " is "
                               << (memref.isDynamicDim(d)
                                       ? std::string("dynamic ('?')")
                                       : std::to_string(memref.getDimSize(d)))
                               << " but its tile.shape says " << *extent;
        if (!extent)
          problemSizes.insert(shape.getSymbol(d));
      }
      continue;
    }
    if (isa<UnrankedMemRefType>(type))
      return emitOpError() << "argument #" << i
                           << " must be a ranked memref, got " << type;
    if (!type.isIntOrIndexOrFloat())
      return emitOpError() << "argument #" << i << " has type " << type
                           << "; kernel arguments are memrefs or scalars "
                              "(integer, index, float)";
    if (getArgAttr(i, getShapeArgAttrName()))
      return emitOpError() << "argument #" << i
                           << " is a scalar and cannot have a tile.shape";
  }

  llvm::StringSet<> paramNames;
  if (auto params = getParams()) {
    for (Attribute a : *params) {
      auto param = cast<ParamAttr>(a);
      if (!paramNames.insert(param.getName()).second)
        return emitOpError() << "declares parameter '" << param.getName()
                             << "' twice";
      if (problemSizes.contains(param.getName()))
        return emitOpError() << "'" << param.getName()
                             << "' is both a parameter and a problem size";
    }
  }
  if (auto config = getConfig())
    for (NamedAttribute entry : *config)
      if (!isa<IntegerAttr>(entry.getValue()))
        return emitOpError() << "config entry '" << entry.getName().getValue()
                             << "' must be an integer";
  if (getConfig() && getParams())
    return emitOpError() << "has both 'params' and a bound 'config'; "
                            "tile-specialize replaces the first by the second";

  if (getGrid().empty() || getGrid().size() > 3)
    return emitOpError() << "grid must have 1 to 3 dimensions, got "
                         << getGrid().size();

  llvm::StringSet<> known = knownSymbols(*this);
  auto checkExpr = [&](ExprAttr expr, StringRef what) -> LogicalResult {
    for (const std::string &sym : expr.getSymbols())
      if (!known.contains(sym))
        return emitOpError() << what << " \"" << expr.getText()
                             << "\" uses '" << sym
                             << "', which is neither a parameter nor a "
                                "problem size of this kernel";
    return success();
  };
  for (Attribute g : getGrid())
    if (failed(checkExpr(cast<ExprAttr>(g), "grid expression")))
      return failure();
  if (auto constraints = getConstraints())
    for (Attribute c : *constraints)
      if (failed(checkExpr(cast<ExprAttr>(c), "constraint")))
        return failure();
  if (auto warps = getNumWarpsAttr())
    if (failed(checkExpr(warps, "num_warps")))
      return failure();
  if (auto stages = getNumStagesAttr())
    if (failed(checkExpr(stages, "num_stages")))
      return failure();
  if (auto blocks = getMinBlocksPerSmAttr())
    if (failed(checkExpr(blocks, "min_blocks_per_sm")))
      return failure();
  if (auto overlap = getOverlapCarriedDotsAttr())
    if (failed(checkExpr(overlap, "overlap_carried_dots")))
      return failure();
  return success();
}

LogicalResult KernelOp::verifyRegions() {
  llvm::StringSet<> known = knownSymbols(*this);
  WalkResult result = getBody().walk([&](Operation *op) {
    for (Value v : op->getResults()) {
      auto tensor = dyn_cast<RankedTensorType>(v.getType());
      auto shape = tensor ? dyn_cast_or_null<ShapeAttr>(tensor.getEncoding())
                          : ShapeAttr();
      if (!shape)
        continue;
      for (unsigned d = 0; d < shape.getRank(); ++d) {
        StringRef sym = shape.getSymbol(d);
        if (!sym.empty() && !known.contains(sym)) {
          op->emitOpError() << "result tile uses the size '" << sym
                            << "', which is neither a parameter nor a problem "
                               "size of kernel @"
                            << getSymName();
          return WalkResult::interrupt();
        }
      }
    }
    return WalkResult::advance();
  });
  return failure(result.wasInterrupted());
}

//===----------------------------------------------------------------------===//
// tile.param, tile.dim
//===----------------------------------------------------------------------===//

LogicalResult ParamOp::verify() {
  auto kernel = enclosingKernel(*this);
  if (failed(kernel))
    return failure();
  if (kernel->lookupParam(getName()))
    return success();
  if (auto config = kernel->getConfig(); config && config->get(getName()))
    return success();
  std::string declared;
  if (auto params = kernel->getParams())
    for (Attribute a : *params)
      declared += (declared.empty() ? "" : ", ") +
                  cast<ParamAttr>(a).getName().str();
  return emitOpError() << "'" << getName() << "' is not a parameter of kernel @"
                       << kernel->getSymName() << " (declared: "
                       << (declared.empty() ? "none" : declared) << ")";
}

LogicalResult DimOp::verify() {
  auto kernel = enclosingKernel(*this);
  if (failed(kernel))
    return failure();
  if (kernel->hasProblemSize(getName()))
    return success();
  return emitOpError() << "'" << getName()
                       << "' is not a problem size of kernel @"
                       << kernel->getSymName()
                       << "; name it in an argument's tile.shape";
}

//===----------------------------------------------------------------------===//
// tile.load, tile.store
//===----------------------------------------------------------------------===//

/// Shared checks of a block access: `tileType` against `memType` at `indices`.
static LogicalResult verifyBlockAccess(Operation *op, Type memType,
                                       Type tileType, size_t numIndices,
                                       StringRef memRole) {
  auto memref = dyn_cast<MemRefType>(memType);
  if (!memref)
    return op->emitOpError() << memRole << " must be a ranked memref";
  if (numIndices != static_cast<size_t>(memref.getRank()))
    return op->emitOpError() << "takes one index per " << memRole
                             << " dimension: expected " << memref.getRank()
                             << ", got " << numIndices;
  auto dims = tileDimsOf(op, tileType, "tile");
  if (failed(dims))
    return failure();
  if (dims->empty() || dims->size() > static_cast<size_t>(memref.getRank()))
    return op->emitOpError() << "tile rank " << dims->size()
                             << " must be between 1 and the " << memRole
                             << " rank " << memref.getRank();
  Type tileElt = cast<RankedTensorType>(tileType).getElementType();
  if (tileElt != memref.getElementType())
    return op->emitOpError() << "tile element type " << tileElt
                             << " differs from the " << memRole
                             << " element type " << memref.getElementType()
                             << "; convert with arith.extf/arith.truncf";
  return success();
}

LogicalResult LoadOp::verify() {
  return verifyBlockAccess(*this, getSource().getType(), getResult().getType(),
                           getIndices().size(), "source");
}

void LoadOp::getEffects(
    SmallVectorImpl<SideEffects::EffectInstance<MemoryEffects::Effect>>
        &effects) {
  effects.emplace_back(MemoryEffects::Read::get(), &getSourceMutable(),
                       SideEffects::DefaultResource::get());
}

LogicalResult StoreOp::verify() {
  return verifyBlockAccess(*this, getDest().getType(), getValue().getType(),
                           getIndices().size(), "destination");
}

void StoreOp::getEffects(
    SmallVectorImpl<SideEffects::EffectInstance<MemoryEffects::Effect>>
        &effects) {
  effects.emplace_back(MemoryEffects::Write::get(), &getDestMutable(),
                       SideEffects::DefaultResource::get());
}

//===----------------------------------------------------------------------===//
// tile.ring_put, tile.ring_get
//===----------------------------------------------------------------------===//

LogicalResult RingPutOp::verify() {
  ArrayRef<RankedTensorType> tiles = getRing().getType().getTiles();
  if (static_cast<uint64_t>(getMember()) >= tiles.size())
    return emitOpError() << "puts member " << getMember() << " of a ring of "
                         << tiles.size() << " member tile(s)";
  return verifyBlockAccess(*this, getSource().getType(), tiles[getMember()],
                           getIndices().size(), "source");
}

LogicalResult RingGetOp::verify() {
  ArrayRef<RankedTensorType> tiles = getRing().getType().getTiles();
  SmallVector<Type> expected(tiles.begin(), tiles.end());
  if (llvm::equal(getResults().getTypes(), expected))
    return success();
  InFlightDiagnostic diag = emitOpError() << "gives (";
  llvm::interleaveComma(getResults().getTypes(), diag);
  diag << "), but the ring holds (";
  llvm::interleaveComma(expected, diag);
  return diag << ")";
}

//===----------------------------------------------------------------------===//
// tile.dot
//===----------------------------------------------------------------------===//

Value DotOp::getAccZeroedIf() {
  auto select = getAcc().getDefiningOp<arith::SelectOp>();
  if (!select || !select.getCondition().getType().isInteger(1))
    return Value();
  auto zeros = select.getTrueValue().getDefiningOp<SplatOp>();
  if (!zeros || !matchPattern(zeros.getValue(), m_PosZeroFloat()))
    return Value();
  return select.getCondition();
}

LogicalResult DotOp::verify() {
  auto lhs = tileDimsOf(*this, getLhs().getType(), "lhs");
  auto rhs = tileDimsOf(*this, getRhs().getType(), "rhs");
  auto acc = tileDimsOf(*this, getAcc().getType(), "accumulator");
  if (failed(lhs) || failed(rhs) || failed(acc))
    return failure();
  if (lhs->size() != 2 || rhs->size() != 2 || acc->size() != 2)
    return emitOpError() << "operands must be 2-d tiles, got ranks "
                         << lhs->size() << ", " << rhs->size() << " and "
                         << acc->size();
  Type lt = getLhs().getType().getElementType();
  Type rt = getRhs().getType().getElementType();
  Type at = getAcc().getType().getElementType();
  if (lt != rt)
    return emitOpError() << "lhs and rhs must have the same element type, got "
                         << lt << " and " << rt;
  if (!isDotOperandType(lt))
    return emitOpError() << "operands must be bf16, f16, f8E4M3FN or f8E5M2, "
                            "got "
                         << lt;
  if (!at.isF32())
    return emitOpError() << "accumulator must be f32, got " << at;

  bool t = getTransposeRhs();
  TileDim m = (*lhs)[0], k = (*lhs)[1];
  TileDim rk = t ? (*rhs)[1] : (*rhs)[0];
  TileDim n = t ? (*rhs)[0] : (*rhs)[1];
  if (k != rk)
    return emitOpError() << "contraction sizes differ: lhs is "
                         << formatTileDims(*lhs) << " and rhs is "
                         << formatTileDims(*rhs)
                         << (t ? " (N x K, transpose_rhs)" : " (K x N)");
  if ((*acc)[0] != m || (*acc)[1] != n)
    return emitOpError() << "accumulator is " << formatTileDims(*acc)
                         << " but the product is " << m.str() << " x "
                         << n.str();
  return success();
}

//===----------------------------------------------------------------------===//
// tile.reduce, tile.broadcast
//===----------------------------------------------------------------------===//

/// Checks that `full` is `part` with dimension `dim` inserted.
static LogicalResult verifyInsertedDim(Operation *op, RankedTensorType full,
                                       RankedTensorType part, int64_t dim,
                                       StringRef fullRole, StringRef partRole) {
  auto fullDims = tileDimsOf(op, full, fullRole);
  auto partDims = tileDimsOf(op, part, partRole);
  if (failed(fullDims) || failed(partDims))
    return failure();
  if (dim >= static_cast<int64_t>(fullDims->size()))
    return op->emitOpError() << "dim " << dim << " is out of range for the "
                             << fullDims->size() << "-d " << fullRole;
  SmallVector<TileDim> expected(*fullDims);
  expected.erase(expected.begin() + dim);
  if (expected != *partDims)
    return op->emitOpError()
           << partRole << " must be " << fullRole << " "
           << formatTileDims(*fullDims) << " without dimension " << dim
           << " (" << (expected.empty() ? "a scalar" : formatTileDims(expected))
           << "), got " << formatTileDims(*partDims);
  if (full.getElementType() != part.getElementType())
    return op->emitOpError() << "input and result element types differ: "
                             << part.getElementType() << " vs "
                             << full.getElementType();
  return success();
}

LogicalResult ReduceOp::verify() {
  if (failed(verifyInsertedDim(*this, getInput().getType(),
                               getResult().getType(), getDim(), "input",
                               "result")))
    return failure();
  Type elt = getInput().getType().getElementType();
  if (!elt.isIntOrIndexOrFloat())
    return emitOpError() << "reduces integers or floats, got " << elt;
  return success();
}

LogicalResult BroadcastOp::verify() {
  return verifyInsertedDim(*this, getResult().getType(), getInput().getType(),
                           getDim(), "result", "input");
}

//===----------------------------------------------------------------------===//
// tile.transpose, tile.convert_layout
//===----------------------------------------------------------------------===//

/// An op whose input and result tiles hold the same element type.
static LogicalResult verifySameElementType(Operation *op, RankedTensorType in,
                                           RankedTensorType out) {
  if (in.getElementType() != out.getElementType())
    return op->emitOpError() << "input and result element types differ: "
                             << in.getElementType() << " vs "
                             << out.getElementType();
  return success();
}

LogicalResult TransposeOp::verify() {
  auto in = tileDimsOf(*this, getInput().getType(), "input");
  auto out = tileDimsOf(*this, getResult().getType(), "result");
  if (failed(in) || failed(out))
    return failure();
  if (in->size() != 2)
    return emitOpError() << "transposes 2-d tiles, got a " << in->size()
                         << "-d input";
  SmallVector<TileDim> swapped{(*in)[1], (*in)[0]};
  if (*out != swapped)
    return emitOpError() << "result must be the input "
                         << formatTileDims(*in) << " with its dimensions "
                         << "swapped (" << formatTileDims(swapped)
                         << "), got " << formatTileDims(*out);
  return verifySameElementType(*this, getInput().getType(),
                               getResult().getType());
}

LogicalResult ConvertLayoutOp::verify() {
  auto in = tileDimsOf(*this, getInput().getType(), "input");
  auto out = tileDimsOf(*this, getResult().getType(), "result");
  if (failed(in) || failed(out))
    return failure();
  if (*in != *out)
    return emitOpError() << "input " << formatTileDims(*in)
                         << " and result " << formatTileDims(*out)
                         << " must have the same shape";
  return verifySameElementType(*this, getInput().getType(),
                               getResult().getType());
}

OpFoldResult ConvertLayoutOp::fold(FoldAdaptor) {
  if (getInput().getType() == getResult().getType())
    return getInput();
  return {};
}

//===----------------------------------------------------------------------===//
// tile.splat, tile.iota
//===----------------------------------------------------------------------===//

LogicalResult SplatOp::verify() {
  return tileDimsOf(*this, getResult().getType(), "result");
}

LogicalResult IotaOp::verify() {
  auto dims = tileDimsOf(*this, getResult().getType(), "result");
  if (failed(dims))
    return failure();
  if (getDim() >= dims->size())
    return emitOpError() << "dim " << getDim() << " is out of range for a "
                         << dims->size() << "-d tile";
  Type elt = getResult().getType().getElementType();
  if (!elt.isSignlessInteger() && !elt.isIndex())
    return emitOpError() << "result elements must be signless integers or "
                            "index, got "
                         << elt;
  return success();
}
