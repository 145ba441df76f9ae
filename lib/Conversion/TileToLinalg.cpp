//===- TileToLinalg.cpp - tile kernels as host functions on tensors -------===//
//
// The portable path (docs/cpu.md): a specialized tile.kernel becomes a
// function that computes one program of the launch grid on tensors, with
// linalg, tensor and memref ops that upstream bufferization and
// convert-linalg-to-loops take to the host, and a function that runs a
// range of programs. Tiles keep their values semantics: every tile op maps
// to one structured op, so the IR reads like the tile program.
//
//===----------------------------------------------------------------------===//

#include "tile/Conversion/Passes.h"
#include "tile/Dialect/Tile/TileOps.h"

#include "KernelEmitter.h"

#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/AffineMap.h"
#include "mlir/Transforms/DialectConversion.h"

namespace mlir::tile {
#define GEN_PASS_DEF_CONVERTTILETOLINALG
#include "tile/Conversion/Passes.h.inc"
} // namespace mlir::tile

using namespace mlir;
using namespace mlir::tile;

namespace {

/// The program function's extra arguments, after the kernel's own:
/// pid_x, pid_y, pid_z, num_x, num_y, num_z.
constexpr unsigned kGridArgs = 6;

Value emptyLike(OpBuilder &b, Location loc, RankedTensorType type) {
  return tensor::EmptyOp::create(b, loc, type.getShape(),
                                 type.getElementType());
}

Value indexConstant(OpBuilder &b, Location loc, int64_t v) {
  return arith::ConstantIndexOp::create(b, loc, v);
}

/// The part of a box [start, start + extent) that lies in [0, dim): where
/// it starts in the tensor, where in the tile, and how long it is.
struct Clipped {
  Value tensorStart, tileStart, size;
};

Clipped clip(OpBuilder &b, Location loc, Value start, int64_t extent,
             Value dim) {
  Value zero = indexConstant(b, loc, 0);
  Value ext = indexConstant(b, loc, extent);
  Value end = arith::AddIOp::create(b, loc, start, ext);
  auto clamp = [&](Value v) {
    return arith::MinSIOp::create(b, loc,
                                  arith::MaxSIOp::create(b, loc, v, zero), dim);
  };
  Value lo = clamp(start), hi = clamp(end);
  Value size = arith::SubIOp::create(b, loc, hi, lo);
  Value tileStart = arith::SubIOp::create(b, loc, lo, start);
  tileStart = arith::MinSIOp::create(
      b, loc, arith::MaxSIOp::create(b, loc, tileStart, zero), ext);
  return {lo, tileStart, size};
}

/// Whether every leading (dropped) coordinate of a box lies in the tensor:
/// a box with extent 1 there either reads or writes whole or not at all.
Value leadingInBounds(OpBuilder &b, Location loc, Value memref,
                      ValueRange indices, unsigned leading) {
  Value ok = arith::ConstantIntOp::create(b, loc, 1, 1);
  Value zero = indexConstant(b, loc, 0);
  for (unsigned d = 0; d < leading; ++d) {
    Value dim = memref::DimOp::create(b, loc, memref, d);
    Value ge = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::sge,
                                     indices[d], zero);
    Value lt = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt,
                                     indices[d], dim);
    ok = arith::AndIOp::create(b, loc, ok,
                               arith::AndIOp::create(b, loc, ge, lt));
  }
  return ok;
}

/// The in-bounds part of the box as a (rank-reduced) subview of `memref`.
Value boxView(OpBuilder &b, Location loc, Value memref, ValueRange indices,
              ArrayRef<Clipped> trailing) {
  auto type = cast<MemRefType>(memref.getType());
  unsigned leading = type.getRank() - trailing.size();
  SmallVector<OpFoldResult> offsets, sizes, strides(type.getRank(),
                                                    b.getIndexAttr(1));
  for (unsigned d = 0; d < leading; ++d) {
    offsets.push_back(indices[d]);
    sizes.push_back(b.getIndexAttr(1));
  }
  for (const Clipped &c : trailing) {
    offsets.push_back(c.tensorStart);
    sizes.push_back(c.size);
  }
  SmallVector<int64_t> shape(trailing.size(), ShapedType::kDynamic);
  auto viewType = memref::SubViewOp::inferRankReducedResultType(
      shape, type, offsets, sizes, strides);
  return memref::SubViewOp::create(b, loc, cast<MemRefType>(viewType), memref,
                                   offsets, sizes, strides);
}

SmallVector<Clipped> clipBox(OpBuilder &b, Location loc, Value memref,
                             ValueRange indices, ArrayRef<int64_t> tileShape) {
  auto type = cast<MemRefType>(memref.getType());
  unsigned leading = type.getRank() - tileShape.size();
  SmallVector<Clipped> out;
  for (auto [j, extent] : llvm::enumerate(tileShape)) {
    unsigned d = leading + j;
    Value dim = memref::DimOp::create(b, loc, memref, d);
    out.push_back(clip(b, loc, indices[d], extent, dim));
  }
  return out;
}

Value zeroOf(OpBuilder &b, Location loc, Type t) {
  return arith::ConstantOp::create(b, loc, cast<TypedAttr>(b.getZeroAttr(t)));
}

//===----------------------------------------------------------------------===//
// Patterns, one per tile op
//===----------------------------------------------------------------------===//

/// tile.load: the in-bounds part of the box, padded with zeros to the tile.
struct LoadToPad : OpConversionPattern<LoadOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(LoadOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto tileType = cast<RankedTensorType>(op.getType());
    if (!tileType.hasStaticShape())
      return rewriter.notifyMatchFailure(op, "tile not specialized");
    Value src = adaptor.getSource();
    auto srcType = cast<MemRefType>(src.getType());
    unsigned leading = srcType.getRank() - tileType.getRank();
    ValueRange indices = adaptor.getIndices();

    auto build = [&](OpBuilder &b) -> Value {
      SmallVector<Clipped> box =
          clipBox(b, loc, src, indices, tileType.getShape());
      Value view = boxView(b, loc, src, indices, box);
      SmallVector<int64_t> dyn(tileType.getRank(), ShapedType::kDynamic);
      Value part = bufferization::ToTensorOp::create(
          b, loc, RankedTensorType::get(dyn, tileType.getElementType()), view,
          /*restrict=*/true);
      SmallVector<OpFoldResult> low, high;
      for (auto [c, extent] : llvm::zip(box, tileType.getShape())) {
        low.push_back(c.tileStart);
        Value rest = arith::SubIOp::create(
            b, loc, indexConstant(b, loc, extent),
            arith::AddIOp::create(b, loc, c.tileStart, c.size));
        high.push_back(rest);
      }
      return tensor::PadOp::create(
          b, loc, tileType, part, low, high,
          zeroOf(b, loc, tileType.getElementType()));
    };
    if (leading == 0) {
      rewriter.replaceOp(op, build(rewriter));
      return success();
    }
    // A box outside the leading dimensions reads zeros.
    Value inBounds = leadingInBounds(rewriter, loc, src, indices, leading);
    auto ifOp = scf::IfOp::create(
        rewriter, loc, inBounds,
        [&](OpBuilder &b, Location) { scf::YieldOp::create(b, loc, build(b)); },
        [&](OpBuilder &b, Location) {
          Value zeros =
              linalg::FillOp::create(b, loc,
                                     zeroOf(b, loc, tileType.getElementType()),
                                     emptyLike(b, loc, tileType))
                  .getResult(0);
          scf::YieldOp::create(b, loc, zeros);
        });
    rewriter.replaceOp(op, ifOp.getResult(0));
    return success();
  }
};

/// tile.store: the in-bounds part of the tile, written into the tensor.
struct StoreToMaterialize : OpConversionPattern<StoreOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(StoreOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value value = adaptor.getValue();
    auto tileType = cast<RankedTensorType>(value.getType());
    if (!tileType.hasStaticShape())
      return rewriter.notifyMatchFailure(op, "tile not specialized");
    Value dst = adaptor.getDest();
    auto dstType = cast<MemRefType>(dst.getType());
    unsigned leading = dstType.getRank() - tileType.getRank();
    ValueRange indices = adaptor.getIndices();

    auto build = [&](OpBuilder &b) {
      SmallVector<Clipped> box =
          clipBox(b, loc, dst, indices, tileType.getShape());
      Value view = boxView(b, loc, dst, indices, box);
      SmallVector<OpFoldResult> offsets, sizes,
          strides(tileType.getRank(), b.getIndexAttr(1));
      for (const Clipped &c : box) {
        offsets.push_back(c.tileStart);
        sizes.push_back(c.size);
      }
      Value part =
          tensor::ExtractSliceOp::create(b, loc, value, offsets, sizes, strides);
      bufferization::MaterializeInDestinationOp::create(
          b, loc, TypeRange{}, part, view, /*restrict=*/false,
          /*writable=*/true);
    };
    if (leading == 0) {
      build(rewriter);
    } else {
      // A box outside the leading dimensions writes nothing.
      Value inBounds = leadingInBounds(rewriter, loc, dst, indices, leading);
      scf::IfOp::create(rewriter, loc, inBounds, [&](OpBuilder &b, Location) {
        build(b);
        scf::YieldOp::create(b, loc);
      });
    }
    rewriter.eraseOp(op);
    return success();
  }
};

struct SplatToFill : OpConversionPattern<SplatOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(SplatOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto type = cast<RankedTensorType>(op.getType());
    Value empty = emptyLike(rewriter, op.getLoc(), type);
    rewriter.replaceOp(op, linalg::FillOp::create(rewriter, op.getLoc(),
                                                  adaptor.getValue(), empty)
                               .getResult(0));
    return success();
  }
};

/// tile.iota dim d: element [i0, i1, ...] holds i_d.
struct IotaToGeneric : OpConversionPattern<IotaOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(IotaOp op, OpAdaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto type = cast<RankedTensorType>(op.getType());
    Type elt = type.getElementType();
    if (!elt.isIntOrIndex())
      return rewriter.notifyMatchFailure(op, "iota of a non-integer type");
    int64_t dim = op.getDim();
    SmallVector<AffineMap> maps = {
        rewriter.getMultiDimIdentityMap(type.getRank())};
    SmallVector<utils::IteratorType> iters(type.getRank(),
                                           utils::IteratorType::parallel);
    auto generic = linalg::GenericOp::create(
        rewriter, loc, TypeRange{type}, ValueRange{},
        ValueRange{emptyLike(rewriter, loc, type)}, maps, iters,
        [&](OpBuilder &b, Location l, ValueRange) {
          Value i = linalg::IndexOp::create(b, l, dim);
          if (!elt.isIndex())
            i = arith::IndexCastOp::create(b, l, elt, i);
          linalg::YieldOp::create(b, l, i);
        });
    rewriter.replaceOp(op, generic.getResult(0));
    return success();
  }
};

/// tile.dot: acc[m, n] += a[m, k] * b[k, n] (b[n, k] with transpose_rhs),
/// the operands extended to the accumulator's type first (their products
/// are exact in f32, as on the tensor cores).
struct DotToGeneric : OpConversionPattern<DotOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(DotOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto accType = cast<RankedTensorType>(op.getType());
    Type accElt = accType.getElementType();
    if (!isa<FloatType>(accElt))
      return rewriter.notifyMatchFailure(op, "non-float accumulator");
    MLIRContext *ctx = op.getContext();
    // Loops (m, n, k) when b is N x K, else (m, k, n): the innermost loop
    // walks contiguous rows of b either way. Each acc[m, n] still sums its
    // products in the order of k.
    bool transposed = op.getTransposeRhs();
    AffineExpr m, n, k;
    if (transposed)
      bindDims(ctx, m, n, k);
    else
      bindDims(ctx, m, k, n);
    auto map = [&](ArrayRef<AffineExpr> e) {
      return AffineMap::get(3, 0, e, ctx);
    };
    SmallVector<AffineMap> maps = {
        map({m, k}), transposed ? map({n, k}) : map({k, n}), map({m, n})};
    auto parallel = utils::IteratorType::parallel,
         reduction = utils::IteratorType::reduction;
    SmallVector<utils::IteratorType> iters = {
        parallel, transposed ? parallel : reduction,
        transposed ? reduction : parallel};
    auto generic = linalg::GenericOp::create(
        rewriter, loc, TypeRange{accType},
        ValueRange{adaptor.getLhs(), adaptor.getRhs()},
        ValueRange{adaptor.getAcc()}, maps, iters,
        [&](OpBuilder &b, Location l, ValueRange args) {
          auto extend = [&](Value v) -> Value {
            if (v.getType() == accElt)
              return v;
            return arith::ExtFOp::create(b, l, accElt, v);
          };
          Value product =
              arith::MulFOp::create(b, l, extend(args[0]), extend(args[1]));
          linalg::YieldOp::create(b, l,
                                  arith::AddFOp::create(b, l, args[2], product)
                                      .getResult());
        });
    rewriter.replaceOp(op, generic.getResult(0));
    return success();
  }
};

/// tile.reduce: linalg.reduce from the identity of the combining function.
struct ReduceToLinalg : OpConversionPattern<ReduceOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(ReduceOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto type = cast<RankedTensorType>(op.getType());
    Type elt = type.getElementType();
    ReduceKind kind = op.getKind();
    TypedAttr identity;
    if (auto ft = dyn_cast<FloatType>(elt)) {
      const llvm::fltSemantics &sem = ft.getFloatSemantics();
      switch (kind) {
      case ReduceKind::sum:
        identity = rewriter.getFloatAttr(elt, 0.0);
        break;
      case ReduceKind::max:
        identity = rewriter.getFloatAttr(elt, APFloat::getInf(sem, true));
        break;
      case ReduceKind::min:
        identity = rewriter.getFloatAttr(elt, APFloat::getInf(sem, false));
        break;
      }
    } else if (auto it = dyn_cast<IntegerType>(elt)) {
      unsigned w = it.getWidth();
      // Integers compare signed, as the GPU lowering does.
      switch (kind) {
      case ReduceKind::sum:
        identity = rewriter.getIntegerAttr(elt, 0);
        break;
      case ReduceKind::max:
        identity = rewriter.getIntegerAttr(elt, APInt::getSignedMinValue(w));
        break;
      case ReduceKind::min:
        identity = rewriter.getIntegerAttr(elt, APInt::getSignedMaxValue(w));
        break;
      }
    } else {
      return rewriter.notifyMatchFailure(op, "reduce of this element type");
    }
    Value init = arith::ConstantOp::create(rewriter, loc, identity);
    Value acc = linalg::FillOp::create(rewriter, loc, init,
                                       emptyLike(rewriter, loc, type))
                    .getResult(0);
    bool isFloat = isa<FloatType>(elt);
    auto reduce = linalg::ReduceOp::create(
        rewriter, loc, ValueRange{adaptor.getInput()}, ValueRange{acc},
        ArrayRef<int64_t>{static_cast<int64_t>(op.getDim())},
        [&](OpBuilder &b, Location l, ValueRange args) {
          Value x = args[0], y = args[1], r;
          switch (kind) {
          case ReduceKind::sum:
            r = isFloat ? arith::AddFOp::create(b, l, y, x).getResult()
                        : arith::AddIOp::create(b, l, y, x).getResult();
            break;
          case ReduceKind::max:
            r = isFloat ? arith::MaximumFOp::create(b, l, y, x).getResult()
                        : arith::MaxSIOp::create(b, l, y, x).getResult();
            break;
          case ReduceKind::min:
            r = isFloat ? arith::MinimumFOp::create(b, l, y, x).getResult()
                        : arith::MinSIOp::create(b, l, y, x).getResult();
            break;
          }
          linalg::YieldOp::create(b, l, r);
        });
    rewriter.replaceOp(op, reduce.getResult(0));
    return success();
  }
};

struct BroadcastToLinalg : OpConversionPattern<BroadcastOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(BroadcastOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto type = cast<RankedTensorType>(op.getType());
    Value empty = emptyLike(rewriter, op.getLoc(), type);
    auto bcast = linalg::BroadcastOp::create(
        rewriter, op.getLoc(), adaptor.getInput(), empty,
        ArrayRef<int64_t>{static_cast<int64_t>(op.getDim())});
    rewriter.replaceOp(op, bcast.getResult());
    return success();
  }
};

struct TransposeToLinalg : OpConversionPattern<TransposeOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(TransposeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto type = cast<RankedTensorType>(op.getType());
    Value empty = emptyLike(rewriter, op.getLoc(), type);
    auto transpose = linalg::TransposeOp::create(
        rewriter, op.getLoc(), adaptor.getInput(), empty,
        ArrayRef<int64_t>{1, 0});
    rewriter.replaceOp(op, transpose.getResult());
    return success();
  }
};

/// Layouts are the GPU's: on the host a conversion moves nothing.
struct ConvertLayoutToIdentity : OpConversionPattern<ConvertLayoutOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(ConvertLayoutOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    rewriter.replaceOp(op, adaptor.getInput());
    return success();
  }
};

//===----------------------------------------------------------------------===//
// The kernel as two functions
//===----------------------------------------------------------------------===//

/// Moves the kernel's body into `@<name>_program` (the grid coordinates as
/// trailing arguments) and replaces what refers to the kernel's frame:
/// program ids, problem sizes, tile.return.
LogicalResult buildProgramFunction(KernelOp kernel, func::FuncOp &program) {
  MLIRContext *ctx = kernel.getContext();
  OpBuilder b(kernel);
  Location loc = kernel.getLoc();
  Type index = b.getIndexType();
  SmallVector<Type> inputs(kernel.getArgumentTypes());
  inputs.append(kGridArgs, index);
  program = func::FuncOp::create(b, loc, (kernel.getSymName() + "_program").str(),
                                 FunctionType::get(ctx, inputs, {}));
  program.setPrivate();
  program.getBody().takeBody(kernel.getBody());
  Block &entry = program.getBody().front();
  SmallVector<Value> grid;
  for (unsigned i = 0; i < kGridArgs; ++i)
    grid.push_back(entry.addArgument(index, loc));

  // Where each problem size is an extent of an argument.
  llvm::StringMap<std::pair<unsigned, unsigned>> sizeOf;
  for (unsigned i = 0, e = kernel.getNumArguments(); i < e; ++i)
    if (ShapeAttr shape = kernel.getArgShape(i))
      for (unsigned d = 0; d < shape.getRank(); ++d)
        if (StringRef sym = shape.getSymbol(d); !sym.empty())
          sizeOf.try_emplace(sym, i, d);

  WalkResult result = program.walk([&](Operation *op) -> WalkResult {
    OpBuilder at(op);
    if (auto pid = dyn_cast<ProgramIdOp>(op)) {
      pid.replaceAllUsesWith(grid[static_cast<unsigned>(pid.getAxis())]);
      pid.erase();
    } else if (auto num = dyn_cast<NumProgramsOp>(op)) {
      num.replaceAllUsesWith(grid[3 + static_cast<unsigned>(num.getAxis())]);
      num.erase();
    } else if (auto dim = dyn_cast<DimOp>(op)) {
      auto it = sizeOf.find(dim.getName());
      if (it == sizeOf.end())
        return dim.emitOpError()
               << "names the problem size \"" << dim.getName()
               << "\", which no argument's tile.shape has";
      Value size = memref::DimOp::create(
          at, dim.getLoc(), entry.getArgument(it->second.first),
          it->second.second);
      dim.replaceAllUsesWith(size);
      dim.erase();
    } else if (auto ret = dyn_cast<ReturnOp>(op)) {
      func::ReturnOp::create(at, ret.getLoc());
      ret.erase();
    }
    return WalkResult::advance();
  });
  return failure(result.wasInterrupted());
}

/// `@<name>(args..., num_x, num_y, num_z, first, last)`: the programs
/// first .. last - 1 of the grid, x fastest (as the GPU numbers blocks).
void buildGridFunction(KernelOp kernel, func::FuncOp program) {
  MLIRContext *ctx = kernel.getContext();
  OpBuilder b(kernel);
  Location loc = kernel.getLoc();
  Type index = b.getIndexType();
  unsigned n = kernel.getNumArguments();
  SmallVector<Type> inputs(kernel.getArgumentTypes());
  inputs.append(5, index);
  auto func = func::FuncOp::create(b, loc, kernel.getSymName(),
                                   FunctionType::get(ctx, inputs, {}));
  Block *entry = func.addEntryBlock();
  b.setInsertionPointToStart(entry);
  Value numX = entry->getArgument(n), numY = entry->getArgument(n + 1),
        numZ = entry->getArgument(n + 2), first = entry->getArgument(n + 3),
        last = entry->getArgument(n + 4);
  scf::ForOp::create(
      b, loc, first, last, indexConstant(b, loc, 1), ValueRange{},
      [&](OpBuilder &lb, Location l, Value p, ValueRange) {
        Value x = arith::RemUIOp::create(lb, l, p, numX);
        Value rest = arith::DivUIOp::create(lb, l, p, numX);
        Value y = arith::RemUIOp::create(lb, l, rest, numY);
        Value z = arith::DivUIOp::create(lb, l, rest, numY);
        SmallVector<Value> args(entry->getArguments().take_front(n));
        args.append({x, y, z, numX, numY, numZ});
        func::CallOp::create(lb, l, program, args);
        scf::YieldOp::create(lb, l);
      });
  func::ReturnOp::create(b, loc);
}

struct ConvertTileToLinalgPass
    : mlir::tile::impl::ConvertTileToLinalgBase<ConvertTileToLinalgPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    SmallVector<KernelOp> kernels(module.getOps<KernelOp>());
    for (KernelOp kernel : kernels) {
      if (failed(lowering::checkSpecialized(kernel)))
        return signalPassFailure();
      func::FuncOp program;
      if (failed(buildProgramFunction(kernel, program)))
        return signalPassFailure();
      buildGridFunction(kernel, program);
      kernel.erase();
    }

    MLIRContext *ctx = &getContext();
    ConversionTarget target(*ctx);
    target.addIllegalDialect<TileDialect>();
    target.markUnknownOpDynamicallyLegal([](Operation *) { return true; });
    RewritePatternSet patterns(ctx);
    patterns.add<LoadToPad, StoreToMaterialize, SplatToFill, IotaToGeneric,
                 DotToGeneric, ReduceToLinalg, BroadcastToLinalg,
                 TransposeToLinalg, ConvertLayoutToIdentity>(ctx);
    if (failed(applyPartialConversion(module, target, std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace
