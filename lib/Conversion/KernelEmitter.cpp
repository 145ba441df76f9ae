//===- KernelEmitter.cpp - shared pieces of the sm_90a lowerings ----------===//

#include "KernelEmitter.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

#include <limits>

using namespace mlir;
using namespace mlir::tile;
using namespace mlir::tile::lowering;

SmallVector<std::string> lowering::problemSizeSymbols(KernelOp kernel) {
  SmallVector<std::string> symbols;
  for (unsigned i = 0, e = kernel.getNumArguments(); i < e; ++i)
    if (ShapeAttr shape = kernel.getArgShape(i))
      for (unsigned d = 0; d < shape.getRank(); ++d)
        if (StringRef sym = shape.getSymbol(d);
            !sym.empty() && !llvm::is_contained(symbols, sym.str()))
          symbols.push_back(sym.str());
  return symbols;
}

LogicalResult lowering::checkSpecialized(KernelOp kernel) {
  if (!kernel.isSpecialized())
    return kernel.emitOpError()
           << "has unbound parameters; run tile-specialize first";
  WalkResult result = kernel.walk([](ParamOp op) {
    op.emitOpError() << "should have been replaced by tile-specialize";
    return WalkResult::interrupt();
  });
  return failure(result.wasInterrupted());
}

Value lowering::parityBit(OpBuilder &b, Location loc, Value v) {
  return arith::CmpIOp::create(
      b, loc, arith::CmpIPredicate::ne,
      arith::RemUIOp::create(b, loc, v, indexConstant(b, loc, 2)),
      indexConstant(b, loc, 0));
}

void lowering::waitBarrier(OpBuilder &b, Location loc, Value group,
                           Value index, Value phase) {
  nvgpu::MBarrierTryWaitParityOp::create(b, loc, group,
                                         parityBit(b, loc, phase),
                                         indexConstant(b, loc, kBarrierTicks),
                                         index);
}

Attribute KernelEmitter::smemSpace() {
  return gpu::AddressSpaceAttr::get(ctx, gpu::AddressSpace::Workgroup);
}


/// `expr` of the thread id `thread` (dimension 0) as index arithmetic.
/// Thread ids and coordinates are non-negative, so floordiv and mod are
/// the unsigned divui and remui (upstream's affine::expandAffineExpr emits
/// the signed forms with their sign fix-ups).
Value lowering::expandThreadExpr(OpBuilder &b, Location loc, AffineExpr expr,
                                 Value thread) {
  if (auto c = dyn_cast<AffineConstantExpr>(expr))
    return arith::ConstantIndexOp::create(b, loc, c.getValue());
  if (isa<AffineDimExpr>(expr))
    return thread;
  auto bin = cast<AffineBinaryOpExpr>(expr);
  Value lhs = expandThreadExpr(b, loc, bin.getLHS(), thread);
  Value rhs = expandThreadExpr(b, loc, bin.getRHS(), thread);
  switch (expr.getKind()) {
  case AffineExprKind::Add:
    return arith::AddIOp::create(b, loc, lhs, rhs);
  case AffineExprKind::Mul:
    return arith::MulIOp::create(b, loc, lhs, rhs);
  case AffineExprKind::FloorDiv:
    return arith::DivUIOp::create(b, loc, lhs, rhs);
  case AffineExprKind::Mod:
    return arith::RemUIOp::create(b, loc, lhs, rhs);
  default:
    llvm_unreachable("layouts use +, *, floordiv and mod");
  }
}

SmallVector<Value> lowering::coordinatesOf(OpBuilder &b, Location loc,
                                          AffineMap map, int64_t element,
                                          Value thread) {
  SmallVector<Value> coords;
  for (AffineExpr expr : map.getResults()) {
    AffineExpr atElement = simplifyAffineExpr(
        expr.replace(getAffineDimExpr(1, b.getContext()),
                     getAffineConstantExpr(element, b.getContext())),
        2, 0);
    coords.push_back(expandThreadExpr(b, loc, atElement, thread));
  }
  return coords;
}


Value lowering::indexConstant(OpBuilder &b, Location loc, int64_t v) {
  return arith::ConstantIndexOp::create(b, loc, v);
}

bool lowering::hasFastMath(Operation *op) {
  return isa<math::Exp2Op, math::ExpOp, math::RsqrtOp, math::TanhOp,
             math::AbsFOp, math::SqrtOp>(op) &&
         getElementTypeOrSelf(op->getResult(0).getType()).isF32();
}

FailureOr<Value> lowering::emitFastMath(OpBuilder &b, Location loc,
                                        Operation *op, Value x) {
  Type f32 = b.getF32Type();
  auto intrinsic = [&](StringRef name, Value v) {
    return LLVM::CallIntrinsicOp::create(b, loc, f32, b.getStringAttr(name),
                                         ValueRange{v})
        .getResult(0);
  };
  auto constant = [&](double v) -> Value {
    return arith::ConstantOp::create(b, loc, b.getF32FloatAttr(v));
  };
  constexpr double kLog2e = 1.4426950408889634;
  if (isa<math::Exp2Op>(op))
    return intrinsic("llvm.nvvm.ex2.approx.ftz.f32", x);
  if (isa<math::ExpOp>(op))
    return intrinsic("llvm.nvvm.ex2.approx.ftz.f32",
                     arith::MulFOp::create(b, loc, x, constant(kLog2e)));
  if (isa<math::RsqrtOp>(op))
    return intrinsic("llvm.nvvm.rsqrt.approx.f", x);
  // NVPTX has both (abs.f32, sqrt.rn.f32): LLVM's own intrinsics.
  if (isa<math::AbsFOp>(op))
    return Value(LLVM::FAbsOp::create(b, loc, x));
  if (isa<math::SqrtOp>(op))
    return Value(LLVM::SqrtOp::create(b, loc, x));
  if (isa<math::TanhOp>(op)) {
    // tanh(x) = 1 - 2 / (exp(2x) + 1): ex2.approx is within 2^-22 relative,
    // so this is within ~2e-7 absolute (PTX's tanh.approx only 2^-11).
    // exp(2x) overflowing to inf gives 1, underflowing to 0 gives -1.
    Value e = intrinsic("llvm.nvvm.ex2.approx.ftz.f32",
                        arith::MulFOp::create(b, loc, x, constant(2 * kLog2e)));
    // The approximate division (div.approx.f32, 2 ulp) is ample next to
    // ex2.approx, and a fraction of the cost of div.rn's.
    Value q = arith::DivFOp::create(
        b, loc, constant(2.0), arith::AddFOp::create(b, loc, e, constant(1.0)),
        arith::FastMathFlags::afn);
    return Value(arith::SubFOp::create(b, loc, constant(1.0), q));
  }
  return failure();
}

/// Whether `indices` and the `width` elements from there along the last
/// dimension are in bounds (unsigned: indices are never negative), and
/// whether the leading indices are: {whole run, row}.
std::pair<Value, Value> lowering::inBounds(OpBuilder &b, Location loc, Value memref,
                                 ArrayRef<Value> indices, int64_t width) {
  int64_t rank = indices.size();
  Value row = arith::ConstantIntOp::create(b, loc, 1, 1);
  for (int64_t d = 0; d + 1 < rank; ++d)
    row = arith::AndIOp::create(
        b, loc, row,
        arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, indices[d],
                              memref::DimOp::create(b, loc, memref, d)));
  Value end = arith::AddIOp::create(b, loc, indices.back(),
                                    indexConstant(b, loc, width));
  Value dim = memref::DimOp::create(b, loc, memref, rank - 1);
  // The start in bounds too: a negative start (huge, unsigned) plus the
  // width could wrap around to a small end.
  Value whole = arith::AndIOp::create(
      b, loc,
      arith::AndIOp::create(
          b, loc, row,
          arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult,
                                indices.back(), dim)),
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ule, end, dim));
  return {whole, row};
}

/// Whether the element at `indices` of `memref` starts a `bytes`-aligned
/// address (row pitches are only known at run time).
Value lowering::isAligned(OpBuilder &b, Location loc, Value memref,
                ArrayRef<Value> indices, int64_t bytes) {
  auto meta = memref::ExtractStridedMetadataOp::create(b, loc, memref);
  Value element = meta.getOffset();
  for (auto [i, index] : llvm::enumerate(indices))
    element = arith::AddIOp::create(
        b, loc, element,
        arith::MulIOp::create(b, loc, index, meta.getStrides()[i]));
  int64_t eltBytes =
      cast<MemRefType>(memref.getType()).getElementTypeBitWidth() / 8;
  Value address = arith::AddIOp::create(
      b, loc, memref::ExtractAlignedPointerAsIndexOp::create(b, loc, memref),
      arith::MulIOp::create(b, loc, element, indexConstant(b, loc, eltBytes)));
  return arith::CmpIOp::create(
      b, loc, arith::CmpIPredicate::eq,
      arith::RemUIOp::create(b, loc, address, indexConstant(b, loc, bytes)),
      indexConstant(b, loc, 0));
}

Value lowering::tileInBoundsAndAligned(OpBuilder &b, Location loc,
                                      Value memref, ArrayRef<Value> indices,
                                      ArrayRef<int64_t> shape, int64_t bytes) {
  int64_t rank = indices.size(), lead = rank - shape.size();
  Value ok = isAligned(b, loc, memref, indices, bytes);
  auto meta = memref::ExtractStridedMetadataOp::create(b, loc, memref);
  int64_t eltBytes =
      cast<MemRefType>(memref.getType()).getElementTypeBitWidth() / 8;
  for (int64_t d = 0; d < rank; ++d) {
    Value dim = memref::DimOp::create(b, loc, memref, d);
    auto cmp = [&](arith::CmpIPredicate pred, Value x, Value y) {
      ok = arith::AndIOp::create(b, loc, ok,
                                 arith::CmpIOp::create(b, loc, pred, x, y));
    };
    cmp(arith::CmpIPredicate::ult, indices[d], dim);
    if (d >= lead)
      cmp(arith::CmpIPredicate::ule,
          arith::AddIOp::create(b, loc, indices[d],
                                indexConstant(b, loc, shape[d - lead])),
          dim);
    if (d + 1 < rank)
      cmp(arith::CmpIPredicate::eq,
          arith::RemUIOp::create(
              b, loc,
              arith::MulIOp::create(b, loc, meta.getStrides()[d],
                                    indexConstant(b, loc, eltBytes)),
              indexConstant(b, loc, bytes)),
          indexConstant(b, loc, 0));
  }
  return ok;
}

/// Element `k` of the run at `indices`: its indices, and whether it is in
/// bounds (`row`: the leading indices are; `cols`: the last extent).
static std::pair<SmallVector<Value>, Value>
runElement(OpBuilder &b, Location loc, ArrayRef<Value> indices, int64_t k,
           Value row, Value cols) {
  SmallVector<Value> at(indices.begin(), indices.end());
  at.back() = arith::AddIOp::create(b, loc, at.back(), indexConstant(b, loc, k));
  Value in = arith::AndIOp::create(
      b, loc, row,
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, at.back(),
                            cols));
  return {at, in};
}

/// A run of `width` elements from `indices`: one vector load when in
/// bounds and aligned; else each element that is in bounds, zero for the
/// others (tile.load's padding).
Value lowering::loadRun(OpBuilder &b, Location loc, Value memref,
              ArrayRef<Value> indices, int64_t width, Type elt) {
  auto vecType = VectorType::get({width}, elt);
  int64_t rank = indices.size();
  auto [whole, row] = inBounds(b, loc, memref, indices, width);
  // The widest global access is 16 bytes (ld/st.v4.b32): a longer vector
  // is several, each needing 16-byte alignment only.
  int64_t bytes = std::min<int64_t>(16, width * elt.getIntOrFloatBitWidth() / 8);
  Value fast = width > 1 ? arith::AndIOp::create(
                               b, loc, whole,
                               isAligned(b, loc, memref, indices, bytes))
                         : whole;
  auto ifOp = scf::IfOp::create(b, loc, vecType, fast, /*withElse=*/true);
  {
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(ifOp.thenBlock());
    Value v = vector::LoadOp::create(b, loc, vecType, memref, indices,
                                     /*nontemporal=*/false,
                                     llvm::MaybeAlign(bytes));
    scf::YieldOp::create(b, loc, v);
    b.setInsertionPointToStart(ifOp.elseBlock());
    Value cols = memref::DimOp::create(b, loc, memref, rank - 1);
    Value zero = arith::ConstantOp::create(b, loc, b.getZeroAttr(elt));
    SmallVector<Value> elems;
    for (int64_t k = 0; k < width; ++k) {
      auto [at, in] = runElement(b, loc, indices, k, row, cols);
      auto one = scf::IfOp::create(b, loc, elt, in, /*withElse=*/true);
      OpBuilder::InsertionGuard inner(b);
      b.setInsertionPointToStart(one.thenBlock());
      scf::YieldOp::create(b, loc,
                           ValueRange{memref::LoadOp::create(b, loc, memref, at)});
      b.setInsertionPointToStart(one.elseBlock());
      scf::YieldOp::create(b, loc, zero);
      elems.push_back(one.getResult(0));
    }
    scf::YieldOp::create(b, loc,
                         ValueRange{vector::FromElementsOp::create(
                             b, loc, vecType, elems)});
  }
  return ifOp.getResult(0);
}

/// Stores `run` at `indices`: one vector store when in bounds and aligned;
/// else each element that is in bounds. `pastEnd` is the planted bug of
/// test-mutation=store-past-end: no bounds checks at all.
void lowering::storeRun(OpBuilder &b, Location loc, Value run, Value memref,
              ArrayRef<Value> indices, bool pastEnd) {
  auto vecType = cast<VectorType>(run.getType());
  int64_t width = vecType.getNumElements();
  int64_t rank = indices.size();
  Type elt = vecType.getElementType();
  // The widest global access is 16 bytes (ld/st.v4.b32): a longer vector
  // is several, each needing 16-byte alignment only.
  int64_t bytes = std::min<int64_t>(16, width * elt.getIntOrFloatBitWidth() / 8);
  auto [whole, row] = inBounds(b, loc, memref, indices, width);
  Value cols = memref::DimOp::create(b, loc, memref, rank - 1);
  if (pastEnd) {
    whole = row = arith::ConstantIntOp::create(b, loc, 1, 1);
    cols = indexConstant(b, loc, std::numeric_limits<int32_t>::max());
  }
  Value fast = width > 1 ? arith::AndIOp::create(
                               b, loc, whole,
                               isAligned(b, loc, memref, indices, bytes))
                         : whole;
  auto ifOp = scf::IfOp::create(b, loc, TypeRange{}, fast, /*withElse=*/true);
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointToStart(ifOp.thenBlock());
  vector::StoreOp::create(b, loc, run, memref, indices, /*nontemporal=*/false,
                          llvm::MaybeAlign(bytes));
  if (width == 1 && !pastEnd)
    return; // the else branch would find it out of bounds too
  b.setInsertionPointToStart(ifOp.elseBlock());
  for (int64_t k = 0; k < width; ++k) {
    auto [at, in] = runElement(b, loc, indices, k, row, cols);
    auto one = scf::IfOp::create(b, loc, TypeRange{}, in, /*withElse=*/false);
    OpBuilder::InsertionGuard inner(b);
    b.setInsertionPointToStart(one.thenBlock());
    Value e = vector::ExtractOp::create(b, loc, run, ArrayRef<int64_t>{k});
    memref::StoreOp::create(b, loc, e, memref, at);
  }
}

void KernelEmitter::publishBarrierInits() {
  NVVM::FenceMbarrierInitOp::create(b);
  gpu::BarrierOp::create(b);
}

void KernelEmitter::beginWgmma() { beginWgmmaGroup(b, b.getLoc()); }

void lowering::beginWgmmaGroup(OpBuilder &b, Location loc) {
  NVVM::SyncWarpOp::create(
      b, loc,
      arith::ConstantIntOp::create(b, loc, b.getI32Type(), -1).getResult());
  NVVM::WgmmaFenceAlignedOp::create(b, loc);
}

nvgpu::TensorMapDescriptorType
KernelEmitter::tensorMapType(ArrayRef<int64_t> box, Type element,
                             int64_t swizzleBytes) {
  auto boxType =
      MemRefType::get(box, element, MemRefLayoutAttrInterface(), smemSpace());
  auto swizzle = swizzleBytes == 32   ? nvgpu::TensorMapSwizzleKind::SWIZZLE_32B
                 : swizzleBytes == 64 ? nvgpu::TensorMapSwizzleKind::SWIZZLE_64B
                                      : nvgpu::TensorMapSwizzleKind::SWIZZLE_128B;
  assert(llvm::is_contained({32, 64, 128}, swizzleBytes) && "swizzle span");
  return nvgpu::TensorMapDescriptorType::get(
      ctx, boxType, swizzle, nvgpu::TensorMapL2PromoKind::L2PROMO_256B,
      nvgpu::TensorMapOOBKind::OOB_ZERO,
      nvgpu::TensorMapInterleaveKind::INTERLEAVE_NONE);
}

Value lowering::wgmmaDescriptor(OpBuilder &b, Location loc, Value address,
                                int64_t leadingBytes, int64_t strideBytes,
                                int64_t swizzleBytes) {
  Type i64 = b.getI64Type();
  auto c64 = [&](int64_t v) {
    return arith::ConstantIntOp::create(b, loc, i64, v);
  };
  int64_t mode = swizzleBytes == 128 ? 1 : swizzleBytes == 64 ? 2 : 3;
  assert(llvm::is_contained({32, 64, 128}, swizzleBytes) && "swizzle span");
  Value address64 = arith::IndexCastUIOp::create(b, loc, i64, address);
  Value start = arith::AndIOp::create(
      b, loc, arith::ShRUIOp::create(b, loc, address64, c64(4)), c64(0x3FFF));
  Value desc =
      arith::OrIOp::create(b, loc, start, c64((leadingBytes >> 4) << 16));
  desc = arith::OrIOp::create(b, loc, desc, c64((strideBytes >> 4) << 32));
  return arith::OrIOp::create(b, loc, desc, c64(mode << 62));
}

std::optional<NVVM::WGMMATypes> mlir::tile::lowering::wgmmaOperandType(Type t) {
  if (t.isBF16())
    return NVVM::WGMMATypes::bf16;
  if (t.isF16())
    return NVVM::WGMMATypes::f16;
  if (isa<Float8E4M3FNType>(t))
    return NVVM::WGMMATypes::e4m3;
  if (isa<Float8E5M2Type>(t))
    return NVVM::WGMMATypes::e5m2;
  return std::nullopt;
}

/// An inline-PTX wgmma `text` whose results are the accumulator's `regs`
/// f32 registers ($0 .. $regs-1), read back tied to the same registers:
/// `inputs` (constraints `inputConstraints`) come first, then `acc`.
static Value wgmmaInlineAsm(OpBuilder &b, Location loc, StringRef text,
                            StringRef inputConstraints, ValueRange inputs,
                            ArrayRef<Value> acc) {
  MLIRContext *ctx = b.getContext();
  int64_t regs = acc.size();
  auto accType = LLVM::LLVMStructType::getLiteral(
      ctx, SmallVector<Type>(regs, b.getF32Type()));
  std::string constraints;
  llvm::raw_string_ostream cs(constraints);
  for (int64_t i = 0; i < regs; ++i)
    cs << "=f,";
  cs << inputConstraints;
  for (int64_t i = 0; i < regs; ++i)
    cs << "," << i;
  SmallVector<Value> operands(inputs.begin(), inputs.end());
  operands.append(acc.begin(), acc.end());
  return lowering::sideEffectingPtx(b, loc, accType, operands, text,
                                    constraints)
      .getRes();
}

LLVM::InlineAsmOp lowering::sideEffectingPtx(OpBuilder &b, Location loc,
                                             Type resultType,
                                             ValueRange operands,
                                             StringRef text,
                                             StringRef constraints) {
  return LLVM::InlineAsmOp::create(
      b, loc, resultType, operands, b.getStringAttr(text),
      b.getStringAttr(constraints), /*has_side_effects=*/b.getUnitAttr(),
      /*is_align_stack=*/UnitAttr(), LLVM::TailCallKindAttr(),
      LLVM::AsmDialectAttr::get(b.getContext(), LLVM::AsmDialect::AD_ATT),
      /*operand_attrs=*/ArrayAttr());
}

Value lowering::wgmmaRegisterA(OpBuilder &b, Location loc,
                               ArrayRef<Value> acc, ArrayRef<Value> aRegs,
                               Value matB, StringRef shapeAndTypes,
                               StringRef immediates) {
  int64_t n = acc.size();
  std::string asmText;
  llvm::raw_string_ostream os(asmText);
  os << "{\n.reg .pred p;\nsetp.ne.b32 p, 1, 0;\n"
     << "wgmma.mma_async.sync.aligned." << shapeAndTypes << " {";
  for (int64_t i = 0; i < n; ++i)
    os << (i ? ", " : "") << "$" << i;
  os << "}, {$" << n << ", $" << n + 1 << ", $" << n + 2 << ", $" << n + 3
     << "}, $" << n + 4 << ", " << immediates << ";\n}\n";
  SmallVector<Value> inputs(aRegs.begin(), aRegs.end());
  inputs.push_back(matB);
  return wgmmaInlineAsm(b, loc, asmText, "r,r,r,r,l", inputs, acc);
}

Value lowering::wgmmaFromShared(OpBuilder &b, Location loc, Value acc,
                                Value matA, int64_t aOffset, Value matB,
                                int64_t bOffset, int64_t n, Type operandType,
                                bool kMajorB, bool ignoreAcc,
                                Value ignoreAccIf) {
  Type i64 = b.getI64Type();
  Value da = arith::AddIOp::create(
      b, loc, matA, arith::ConstantIntOp::create(b, loc, i64, aOffset >> 4));
  Value db = arith::AddIOp::create(
      b, loc, matB, arith::ConstantIntOp::create(b, loc, i64, bOffset >> 4));
  // The lowerings accept only operand types wgmmaOperandType() maps.
  NVVM::WGMMATypes type = *wgmmaOperandType(operandType);
  int64_t k = 32 / (operandType.getIntOrFloatBitWidth() / 8);
  if (ignoreAccIf && !ignoreAcc) {
    // scale-d = (ignoreAccIf == 0): the accumulator is read unless the flag
    // is set. Same operands as the NVVM op's: the accumulator tied in and
    // out, the two descriptors, here the flag as a 32-bit register.
    auto accType = cast<LLVM::LLVMStructType>(acc.getType());
    int64_t regs = accType.getBody().size();
    std::string asmText;
    llvm::raw_string_ostream os(asmText);
    os << "{\n.reg .pred p;\nsetp.eq.b32 p, $" << regs + 2 << ", 0;\n"
       << "wgmma.mma_async.sync.aligned.m64n" << n << "k" << k
       << ".f32." << stringifyWGMMATypes(type) << "."
       << stringifyWGMMATypes(type) << " {";
    for (int64_t i = 0; i < regs; ++i)
      os << (i ? ", " : "") << "$" << i;
    // scale-d, scale-a, scale-b; 16-bit types also take trans-a (0: A
    // K-major) and trans-b (1: B MN-major).
    os << "}, $" << regs << ", $" << regs + 1 << ", p, 1, 1";
    if (operandType.getIntOrFloatBitWidth() == 16)
      os << ", 0, " << (kMajorB ? 0 : 1);
    os << ";\n}\n";
    Value flag = arith::ExtUIOp::create(b, loc, b.getI32Type(), ignoreAccIf);
    SmallVector<Value> accRegs;
    for (int64_t i = 0; i < regs; ++i)
      accRegs.push_back(LLVM::ExtractValueOp::create(b, loc, acc, i));
    return wgmmaInlineAsm(b, loc, asmText, "l,l,r", ValueRange{da, db, flag},
                          accRegs);
  }
  return NVVM::WgmmaMmaAsyncOp::create(
      b, loc, acc.getType(), acc, da, db,
      NVVM::MMAShapeAttr::get(b.getContext(), 64, n, k),
      type, type, NVVM::WGMMATypes::f32,
      ignoreAcc ? NVVM::WGMMAScaleOut::zero : NVVM::WGMMAScaleOut::one,
      NVVM::WGMMAScaleIn::one, NVVM::WGMMAScaleIn::one, NVVM::MMALayout::row,
      kMajorB ? NVVM::MMALayout::col : NVVM::MMALayout::row,
      NVVM::MMAIntOverflowAttr());
}

void KernelEmitter::createFunction(
    const llvm::MapVector<Value, nvgpu::TensorMapDescriptorType> &tensorMaps,
    int64_t threads) {
  problemSizes = problemSizeSymbols(kernel);
  Builder attrs(ctx);
  auto param = [&](StringRef kind, unsigned arg,
                   ArrayRef<NamedAttribute> extra = {}) {
    SmallVector<NamedAttribute> entries = {
        attrs.getNamedAttr("kind", attrs.getStringAttr(kind)),
        attrs.getNamedAttr("arg", attrs.getI64IntegerAttr(arg))};
    entries.append(extra.begin(), extra.end());
    paramAttrs.push_back(attrs.getDictionaryAttr(entries));
  };
  SmallVector<Type> argTypes;
  for (unsigned i = 0, e = kernel.getNumArguments(); i < e; ++i) {
    Value arg = kernel.getArgument(i);
    Type type = arg.getType();
    if (auto it = tensorMaps.find(arg); it != tensorMaps.end()) {
      // A pointer to the CUtensorMap in global memory; cast to the nvgpu
      // descriptor type in the body (gpu-to-nvvm converts no nvgpu types in
      // signatures).
      argTypes.push_back(LLVM::LLVMPointerType::get(ctx));
      ArrayRef<int64_t> box = it->second.getTensor().getShape();
      int64_t swizzle = 128;
      switch (it->second.getSwizzle()) {
      case nvgpu::TensorMapSwizzleKind::SWIZZLE_NONE:
        swizzle = 0;
        break;
      case nvgpu::TensorMapSwizzleKind::SWIZZLE_32B:
        swizzle = 32;
        break;
      case nvgpu::TensorMapSwizzleKind::SWIZZLE_64B:
        swizzle = 64;
        break;
      case nvgpu::TensorMapSwizzleKind::SWIZZLE_128B:
        break;
      }
      param("tensormap", i,
            {attrs.getNamedAttr("box", attrs.getDenseI64ArrayAttr(box)),
             attrs.getNamedAttr("swizzle", attrs.getI64IntegerAttr(swizzle))});
      continue;
    }
    argTypes.push_back(type);
    param(isa<MemRefType>(type) ? "memref" : "scalar", i);
  }
  for (const std::string &name : problemSizes) {
    argTypes.push_back(IntegerType::get(ctx, 64));
    param("size", 0,
          {attrs.getNamedAttr("symbol", attrs.getStringAttr(name))});
  }

  {
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToEnd(gpuModule.getBody());
    func = gpu::GPUFuncOp::create(b, kernel.getSymName(),
                                  FunctionType::get(ctx, argTypes, {}));
  }
  func->setAttr(gpu::GPUDialect::getKernelFuncAttrName(), b.getUnitAttr());
  int32_t blockSize = static_cast<int32_t>(threads);
  func.setKnownBlockSizeAttr(
      DenseI32ArrayAttr::get(ctx, ArrayRef<int32_t>{blockSize, 1, 1}));

  b.setInsertionPointToStart(&func.getBody().front());
  unsigned numKernelArgs = kernel.getNumArguments();
  for (unsigned i = 0; i < numKernelArgs; ++i) {
    Value arg = kernel.getArgument(i);
    if (auto it = tensorMaps.find(arg); it != tensorMaps.end())
      descriptors[arg] =
          UnrealizedConversionCastOp::create(b, it->second, func.getArgument(i))
              .getResult(0);
    else
      map.map(arg, func.getArgument(i));
  }
  for (auto [i, name] : llvm::enumerate(problemSizes))
    sizes[name] = arith::IndexCastOp::create(
        b, b.getIndexType(), func.getArgument(numKernelArgs + i));
  tid = gpu::ThreadIdOp::create(b, gpu::Dimension::x);
}

void KernelEmitter::emitScalarOp(Operation *op, IRMapping &mapping) {
  if (auto pid = dyn_cast<ProgramIdOp>(op)) {
    mapping.map(pid.getResult(),
                gpu::BlockIdOp::create(
                    b, static_cast<gpu::Dimension>(pid.getAxis())));
    return;
  }
  if (auto num = dyn_cast<NumProgramsOp>(op)) {
    mapping.map(num.getResult(),
                gpu::GridDimOp::create(
                    b, static_cast<gpu::Dimension>(num.getAxis())));
    return;
  }
  if (auto dim = dyn_cast<DimOp>(op)) {
    mapping.map(dim.getResult(), sizes.lookup(dim.getName()));
    return;
  }
  b.clone(*op, mapping);
}

void KernelEmitter::allocateSharedMemory() {
  auto rawType = MemRefType::get({ShapedType::kDynamic}, b.getI8Type(),
                                 MemRefLayoutAttrInterface(), smemSpace());
  smem = gpu::DynamicSharedMemoryOp::create(b, rawType);
  Value base = memref::ExtractAlignedPointerAsIndexOp::create(b, smem);
  pad = rem(sub(idx(kAlign), rem(base, idx(kAlign))), idx(kAlign));
  smemBase = add(base, pad); // shared-window address of the aligned region
}

DictionaryAttr KernelEmitter::launchAttr(int64_t threads,
                                         int64_t sharedMemoryBytes) {
  Builder attrs(ctx);
  SmallVector<Attribute> grid;
  for (Attribute g : kernel.getGrid())
    grid.push_back(attrs.getStringAttr(cast<ExprAttr>(g).getText()));
  return attrs.getDictionaryAttr({
      attrs.getNamedAttr("params", attrs.getArrayAttr(paramAttrs)),
      attrs.getNamedAttr("grid", attrs.getArrayAttr(grid)),
      attrs.getNamedAttr("block", attrs.getI64IntegerAttr(threads)),
      attrs.getNamedAttr("shared_memory",
                         attrs.getI64IntegerAttr(sharedMemoryBytes)),
      attrs.getNamedAttr("config", kernel.getConfigAttr()),
  });
}
