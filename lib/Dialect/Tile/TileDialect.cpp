//===- TileDialect.cpp - the tile dialect and its attributes --------------===//

#include "tile/Dialect/Tile/TileDialect.h"
#include "tile/Dialect/Tile/TileOps.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/DialectImplementation.h"
#include "mlir/IR/OpImplementation.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace mlir::tile;

#include "tile/Dialect/Tile/TileDialect.cpp.inc"
#include "tile/Dialect/Tile/TileEnums.cpp.inc"

#define GET_ATTRDEF_CLASSES
#include "tile/Dialect/Tile/TileAttrs.cpp.inc"

#define GET_TYPEDEF_CLASSES
#include "tile/Dialect/Tile/TileTypes.cpp.inc"

namespace {
/// Prints tiles as `!BLOCK_MxBLOCK_Nxf32` aliases instead of repeating
/// `tensor<?x?xf32, #tile.shape<BLOCK_M, BLOCK_N>>` at every use.
struct TileOpAsmInterface : public OpAsmDialectInterface {
  using OpAsmDialectInterface::OpAsmDialectInterface;

  AliasResult getAlias(Type type, raw_ostream &os) const override {
    auto tensor = dyn_cast<RankedTensorType>(type);
    auto shape = tensor ? dyn_cast_or_null<ShapeAttr>(tensor.getEncoding())
                        : ShapeAttr();
    if (!shape)
      return AliasResult::NoAlias;
    for (unsigned i = 0; i < shape.getRank(); ++i) {
      if (auto extent = shape.getExtent(i))
        os << *extent;
      else
        os << shape.getSymbol(i);
      os << "x";
    }
    os << tensor.getElementType();
    return AliasResult::FinalAlias;
  }
};
} // namespace

void TileDialect::initialize() {
  addInterfaces<TileOpAsmInterface>();
  addOperations<
#define GET_OP_LIST
#include "tile/Dialect/Tile/TileOps.cpp.inc"
      >();
  registerAttributes();
  registerTypes();
}

void TileDialect::registerAttributes() {
  addAttributes<
#define GET_ATTRDEF_LIST
#include "tile/Dialect/Tile/TileAttrs.cpp.inc"
      >();
}

static bool isIdentifier(StringRef s) {
  if (s.empty() || !(llvm::isAlpha(s.front()) || s.front() == '_'))
    return false;
  return llvm::all_of(s, [](char c) { return llvm::isAlnum(c) || c == '_'; });
}

//===----------------------------------------------------------------------===//
// #tile.shape
//===----------------------------------------------------------------------===//

Attribute ShapeAttr::parse(AsmParser &parser, Type) {
  SmallVector<Attribute> dims;
  MLIRContext *ctx = parser.getContext();
  auto parseDim = [&]() -> ParseResult {
    StringRef name;
    if (succeeded(parser.parseOptionalKeyword(&name))) {
      dims.push_back(StringAttr::get(ctx, name));
      return success();
    }
    int64_t extent;
    if (parser.parseInteger(extent))
      return failure();
    dims.push_back(IntegerAttr::get(IntegerType::get(ctx, 64), extent));
    return success();
  };
  SMLoc loc = parser.getCurrentLocation();
  if (parser.parseCommaSeparatedList(AsmParser::Delimiter::LessGreater, parseDim))
    return {};
  return ShapeAttr::getChecked([&] { return parser.emitError(loc); }, ctx,
                               dims);
}

void ShapeAttr::print(AsmPrinter &printer) const {
  printer << "<";
  llvm::interleaveComma(getDims(), printer, [&](Attribute dim) {
    if (auto sym = dyn_cast<StringAttr>(dim))
      printer << sym.getValue();
    else
      printer << cast<IntegerAttr>(dim).getInt();
  });
  printer << ">";
}

LogicalResult ShapeAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                                ArrayRef<Attribute> dims) {
  if (dims.empty())
    return emitError() << "#tile.shape needs at least one dimension";
  for (Attribute dim : dims) {
    if (auto sym = dyn_cast<StringAttr>(dim)) {
      if (!isIdentifier(sym.getValue()))
        return emitError() << "'" << sym.getValue()
                           << "' is not a valid symbol name in #tile.shape";
      continue;
    }
    auto extent = dyn_cast<IntegerAttr>(dim);
    if (!extent)
      return emitError() << "#tile.shape dimensions are symbols or integers";
    if (extent.getInt() <= 0)
      return emitError() << "#tile.shape extent " << extent.getInt()
                         << " must be positive";
  }
  return success();
}

StringRef ShapeAttr::getSymbol(unsigned i) const {
  if (auto sym = dyn_cast<StringAttr>(getDims()[i]))
    return sym.getValue();
  return {};
}

std::optional<int64_t> ShapeAttr::getExtent(unsigned i) const {
  if (auto extent = dyn_cast<IntegerAttr>(getDims()[i]))
    return extent.getInt();
  return std::nullopt;
}

std::string ShapeAttr::str() const {
  std::string out;
  for (unsigned i = 0, e = getRank(); i < e; ++i) {
    if (i)
      out += " x ";
    if (auto extent = getExtent(i))
      out += std::to_string(*extent);
    else
      out += getSymbol(i).str();
  }
  return out;
}

LogicalResult
ShapeAttr::verifyEncoding(ArrayRef<int64_t> shape, Type,
                          function_ref<InFlightDiagnostic()> emitError) const {
  if (shape.size() != getRank())
    return emitError() << "#tile.shape<" << str() << "> has " << getRank()
                       << " dimensions but the tensor has " << shape.size();
  for (unsigned i = 0, e = getRank(); i < e; ++i) {
    std::optional<int64_t> extent = getExtent(i);
    if (extent && shape[i] != *extent)
      return emitError() << "dimension " << i << " of the tensor must be "
                         << *extent << " as #tile.shape<" << str()
                         << "> says";
    if (!extent && !ShapedType::isDynamic(shape[i]))
      return emitError() << "dimension " << i << " of the tensor must be '?' "
                         << "since #tile.shape<" << str() << "> names it '"
                         << getSymbol(i) << "'";
  }
  return success();
}

//===----------------------------------------------------------------------===//
// #tile.param and #tile.expr
//===----------------------------------------------------------------------===//

LogicalResult ParamAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                                StringRef name, ArrayRef<int64_t> values) {
  if (!isIdentifier(name))
    return emitError() << "parameter name '" << name
                       << "' must be an identifier";
  if (values.empty())
    return emitError() << "parameter '" << name
                       << "' needs at least one candidate value";
  for (size_t i = 0; i < values.size(); ++i)
    for (size_t j = 0; j < i; ++j)
      if (values[i] == values[j])
        return emitError() << "parameter '" << name << "' lists " << values[i]
                           << " twice";
  return success();
}

LogicalResult ExprAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                               StringRef text) {
  auto parsed = ::tile::SymbolicExpr::parse(text);
  if (!parsed)
    return emitError() << "invalid expression: "
                       << llvm::toString(parsed.takeError());
  return success();
}

llvm::Expected<int64_t>
ExprAttr::evaluate(const ::tile::Bindings &bindings) const {
  auto parsed = ::tile::SymbolicExpr::parse(getText());
  if (!parsed)
    return parsed.takeError();
  return parsed->evaluate(bindings);
}

SmallVector<std::string> ExprAttr::getSymbols() const {
  auto parsed = ::tile::SymbolicExpr::parse(getText());
  if (!parsed) {
    llvm::consumeError(parsed.takeError());
    return {};
  }
  return parsed->symbols();
}

//===----------------------------------------------------------------------===//
// Tile dimensions
//===----------------------------------------------------------------------===//

std::string TileDim::str() const {
  return ShapedType::isDynamic(extent) ? symbol.str() : std::to_string(extent);
}

FailureOr<SmallVector<TileDim>> mlir::tile::getTileDims(RankedTensorType type) {
  auto shape = dyn_cast_or_null<ShapeAttr>(type.getEncoding());
  SmallVector<TileDim> dims;
  for (auto [i, extent] : llvm::enumerate(type.getShape())) {
    if (!ShapedType::isDynamic(extent)) {
      dims.push_back({extent, {}});
      continue;
    }
    if (!shape || shape.getRank() != type.getRank() ||
        shape.getSymbol(i).empty())
      return failure();
    dims.push_back({ShapedType::kDynamic, shape.getSymbol(i)});
  }
  return dims;
}

std::string mlir::tile::formatTileDims(ArrayRef<TileDim> dims) {
  std::string out;
  for (auto [i, dim] : llvm::enumerate(dims)) {
    if (i)
      out += " x ";
    out += dim.str();
  }
  return out;
}

void TileDialect::registerTypes() {
  addTypes<
#define GET_TYPEDEF_LIST
#include "tile/Dialect/Tile/TileTypes.cpp.inc"
      >();
}

LogicalResult RingType::verify(function_ref<InFlightDiagnostic()> emitError,
                               int64_t stages,
                               ArrayRef<RankedTensorType> tiles) {
  if (stages < 1 || stages > 32)
    return emitError() << "!tile.ring: " << stages
                       << " stages; a ring has 1 to 32 buffers";
  if (tiles.empty())
    return emitError() << "!tile.ring needs at least one member tile";
  for (RankedTensorType tile : tiles) {
    auto shared =
        tile ? dyn_cast_or_null<SharedLayoutAttr>(tile.getEncoding()) : nullptr;
    if (!shared)
      return emitError() << "!tile.ring holds tiles laid out in shared "
                            "memory (#tile.shared), got "
                         << tile;
    if (shared.getTransposed())
      return emitError() << "!tile.ring holds tiles as TMA writes them; "
                            "TMA does not transpose ("
                         << tile
                         << "): ring the tile untransposed and convert it";
  }
  return success();
}
