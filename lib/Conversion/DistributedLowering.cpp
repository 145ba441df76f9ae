//===- DistributedLowering.cpp - tiles in registers, lowered op by op -----===//
//
// Every kernel (GEMMs and their fused epilogues, 16-bit and fp8 attention,
// row softmax, layernorm, elementwise maps) keeps its tiles in
// registers, spread over the block's threads by the layout
// tile-assign-layouts gave it: #tile.blocked, #tile.wgmma_acc, or a
// #tile.slice of one; tile.dot operands are staged in #tile.shared. In
// each thread a tile becomes a vector<E x T> of the E elements the thread
// holds, in the layout's element order, and each op has its own conversion
// pattern that asks the layout (LayoutAttrInterface::getCoordinates) where
// those elements are:
//
//   tile.load / tile.store   runs of adjacent elements as one vector access
//                            when in bounds and aligned, else element-wise
//                            with the bounds checks
//   tile.splat, tile.iota    broadcast; per-element coordinates
//   elementwise arith/math   the same op on vectors (math on f32 through
//                            the SFU's approximations: no libdevice here)
//   arith.select on a mask   element by element, each element's mask of
//   of indices               indices (iota, splats, integer ops) computed
//                            where it is selected
//   tile.reduce              in the thread, across lanes (shuffle xor), and
//                            across warps (shared memory)
//   tile.broadcast           a register shuffle from the slice's elements
//   tile.transpose           nothing: the result's layout is the input's
//                            with its dimensions swapped
//   tile.convert_layout      through shared memory: each thread writes
//                            what it holds, a barrier, each reads what it
//                            will hold
//   tile.dot                 wgmma from shared memory into the
//                            #tile.wgmma_acc registers (tile.dot_wait:
//                            wgmma.wait_group)
//   tile.ring_*              a ring of TMA destinations in dynamic shared
//                            memory with "full" and "empty" mbarriers
//                            (tile-pipeline-loads makes them)
//   scf.for / scf.if         upstream's structural type conversion
//
// The patterns run under one dialect conversion on the gpu.func the kernel
// body was cloned into. Nothing here matches a kernel shape: a kernel is
// accepted when each of its ops is.
//
//===----------------------------------------------------------------------===//

#include "KernelEmitter.h"

#include "tile/Dialect/Tile/AsyncDots.h"
#include "tile/Dialect/Tile/LayoutUtils.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/SCF/Transforms/Patterns.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/AffineExpr.h"
#include "mlir/IR/Matchers.h"
#include "mlir/Interfaces/LoopLikeInterface.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "mlir/Transforms/DialectConversion.h"
#include "llvm/Support/CheckedArithmetic.h"
#include "llvm/Support/FormatVariadic.h"

using namespace mlir;
using namespace mlir::tile;
using namespace mlir::tile::lowering;

namespace {


LayoutAttrInterface layoutOf(Type type) {
  auto tensor = dyn_cast<RankedTensorType>(type);
  return tensor ? dyn_cast_or_null<LayoutAttrInterface>(tensor.getEncoding())
                : LayoutAttrInterface();
}

/// The layouts this lowering computes in: blocked, a slice of blocked, and
/// the wgmma accumulator (tile.dot results, elementwise ops on them).
bool isDistributed(LayoutAttrInterface layout) {
  if (!layout)
    return false;
  if (isa<BlockedLayoutAttr, WgmmaAccLayoutAttr>(layout))
    return true;
  auto slice = dyn_cast<SliceLayoutAttr>(layout);
  return slice && isa<BlockedLayoutAttr, WgmmaAccLayoutAttr>(slice.getParent());
}

/// For each element of a `parent`-laid-out tile of `shape`, the element of
/// the same thread in its slice along `dim` with the same other
/// coordinates, if that index is the same in every thread (so that one
/// register shuffle serves all): true of blocked layouts (a thread part
/// plus an element part, TileLayouts.cpp) and of the wgmma accumulator.
std::optional<SmallVector<int64_t>>
sliceIndices(LayoutAttrInterface parent, int64_t dim, ArrayRef<int64_t> shape) {
  SmallVector<int64_t> sliceShape(shape);
  sliceShape.erase(sliceShape.begin() + dim);
  AffineMap full = parent.getCoordinates(shape);
  AffineMap slice = parent.getSliceCoordinates(dim, sliceShape);
  int64_t sliceElements = parent.getSliceElementsPerThread(dim, sliceShape);
  int64_t elements = parent.getElementsPerThread(shape);
  std::map<SmallVector<int64_t>, int64_t> bySliceCoords;
  for (int64_t e = 0; e < sliceElements; ++e)
    bySliceCoords[coordsAt(slice, 0, e)] = e;
  SmallVector<int64_t> out;
  for (int64_t e = 0; e < elements; ++e) {
    SmallVector<int64_t> c = coordsAt(full, 0, e);
    c.erase(c.begin() + dim);
    auto it = bySliceCoords.find(c);
    if (it == bySliceCoords.end())
      return std::nullopt;
    out.push_back(it->second);
  }
  for (int64_t t = 1; t < parent.getNumThreads(); ++t)
    for (int64_t e = 0; e < elements; ++e) {
      SmallVector<int64_t> c = coordsAt(full, t, e);
      c.erase(c.begin() + dim);
      if (coordsAt(slice, t, out[e]) != c)
        return std::nullopt;
    }
  return out;
}

/// The global indices of a run: the op's offsets, the tile's coordinates
/// added to the innermost ones (a tile of lower rank leaves the leading
/// dimensions at their offsets).
SmallVector<Value> globalIndices(OpBuilder &b, Location loc,
                                 ValueRange offsets, ArrayRef<Value> coords) {
  SmallVector<Value> indices(offsets.begin(), offsets.end());
  size_t lead = indices.size() - coords.size();
  for (auto [i, c] : llvm::enumerate(coords))
    indices[lead + i] = arith::AddIOp::create(b, loc, indices[lead + i], c);
  return indices;
}

/// What the patterns share: the thread id, the options, the shared-memory
/// scratch of each reduction that crosses warps.
struct LoweringState {
  Value tid;
  /// The warpgroup index broadcast from lane 0 (warpgroupIndex): made once
  /// per function, beside tid, by the first dot that needs it.
  Value uniformWarpgroup;
  LoweringOptions options;
  DenseMap<Operation *, Value> reduceScratch;
  DenseMap<Operation *, Value> convertScratch;
  /// Dynamic shared memory (when tiles are staged in #tile.shared or
  /// rings load them): the raw buffer, the padding that aligns it to
  /// kAlign, the aligned region's shared-window address, and each
  /// conversion's byte offset in it (a staged tile, or a scratch).
  Value smem, smemPad, smemBase;
  DenseMap<Operation *, int64_t> sharedOffset;
  /// Each ring (by its tile.ring_alloc in the gpu.func): where its buffers
  /// start, their size, and its mbarrier groups.
  struct Ring {
    /// Start of buffer 0, bytes from one buffer to the next, and each
    /// member tile's offset and size in a buffer.
    int64_t offset = 0, bufferBytes = 0, stages = 0;
    SmallVector<int64_t> memberOffset, memberBytes;
    Value full, empty;
    /// Whether every thread arrives on "empty" (a member is read by a
    /// transposition in shared memory: the threads' own loads) rather
    /// than one a warpgroup (only wgmma reads the buffers).
    bool releasedByEachThread = false;
  };
  DenseMap<Operation *, Ring> rings;
  /// The ring a tile.ring_* op uses (checkSupported: its tile.ring_alloc
  /// is in sight).
  const Ring &ringOf(Value ring) const {
    return rings.at(ring.getDefiningOp());
  }
  /// The memref that stands for a TMA-loaded kernel argument in the
  /// gpu.func -> its descriptor (only tile.ring_put reads such arguments).
  DenseMap<Value, Value> descriptorOf;
  /// tile.ring_puts right after the put of the previous member of the same
  /// buffer: that put waited for the buffer to be empty.
  DenseSet<Operation *> bufferClaimed;
  /// Threads of the block; bytes of the dynamic shared-memory region.
  int64_t threads = 0, sharedBytes = 0;
  /// A transposition in shared memory (#tile.shared to #tile.shared) in a
  /// loop whose only readers are tile.dots after it in the body that
  /// complete in the iteration: two buffers in turn, buffer = iteration
  /// mod 2 (iteration = (iv - lb) / step), each with an mbarrier of one
  /// arrival a thread (`ready`); every thread arrives after its stores,
  /// and the reading dot waits for phase use = iteration / 2 of it. A
  /// thread that writes buffer i mod 2 in iteration i has waited, at its
  /// dot of iteration i - 1, for every thread's arrival of iteration i - 1,
  /// which each made after its dots of iteration i - 2, the last to read
  /// that buffer (the protocol of the attention emitter of sessions 6-12).
  /// When a reading dot completes only in the next iteration
  /// (completesInNextIteration), three buffers (mod 3, use = iteration /
  /// 3): the arrival of iteration i - 1 then comes after the thread's dots
  /// of iteration i - 3, waited for in iteration i - 2.
  struct Transposition {
    Value buffer, use, ready;
  };
  DenseMap<Operation *, Transposition> transpositions;
  /// The result of such a transposition (a shared-window address) -> its
  /// entry, for the dot that reads it.
  DenseMap<Value, const Transposition *> transposed;
};

class DistributedTypeConverter : public TypeConverter {
public:
  DistributedTypeConverter() {
    addConversion([](Type t) { return t; });
    // A ring is the shared-window address of its first buffer.
    addConversion(
        [](RingType t) -> Type { return IndexType::get(t.getContext()); });
    addConversion([](RankedTensorType t) -> std::optional<Type> {
      // A staged tile is its shared-window address.
      if (isShared(t))
        return IndexType::get(t.getContext());
      LayoutAttrInterface layout = layoutOf(t);
      if (!isDistributed(layout))
        return std::nullopt;
      return VectorType::get({layout.getElementsPerThread(t.getShape())},
                             t.getElementType());
    });
  }
};

template <typename Op>
struct DistributedPattern : OpConversionPattern<Op> {
  DistributedPattern(const TypeConverter &converter, MLIRContext *ctx,
                     LoweringState &state, PatternBenefit benefit = 1)
      : OpConversionPattern<Op>(converter, ctx, benefit), state(state) {}
  LoweringState &state;
};

struct SplatPattern : DistributedPattern<SplatOp> {
  using DistributedPattern::DistributedPattern;
  LogicalResult
  matchAndRewrite(SplatOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Type type = getTypeConverter()->convertType(op.getType());
    rewriter.replaceOpWithNewOp<vector::BroadcastOp>(op, type,
                                                     adaptor.getValue());
    return success();
  }
};

/// Element `e` of a thread's part of `iota` (its coordinate along the
/// iota's dimension, in the iota's element type).
Value iotaElement(OpBuilder &b, Location loc, IotaOp iota, int64_t e,
                  Value tid) {
  RankedTensorType type = iota.getType();
  AffineMap map = layoutOf(type).getCoordinates(type.getShape());
  Value c = coordinatesOf(b, loc, map, e, tid)[iota.getDim()];
  Type elt = type.getElementType();
  return elt.isIndex() ? c
                       : arith::IndexCastOp::create(b, loc, elt, c).getResult();
}

struct IotaPattern : DistributedPattern<IotaOp> {
  using DistributedPattern::DistributedPattern;
  LogicalResult
  matchAndRewrite(IotaOp op, OpAdaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto type = op.getType();
    SmallVector<Value> elems;
    for (int64_t e = 0, n = layoutOf(type).getElementsPerThread(type.getShape());
         e < n; ++e)
      elems.push_back(iotaElement(rewriter, op.getLoc(), op, e, state.tid));
    rewriter.replaceOpWithNewOp<vector::FromElementsOp>(
        op, getTypeConverter()->convertType(type), elems);
    return success();
  }
};

/// A tile's elements in a thread as runs of `width` adjacent elements along
/// the last dimension (contiguousRun), with the global indices of each
/// run's first element: what tile.load and tile.store move.
struct Runs {
  int64_t width = 1, elements = 0;
  SmallVector<SmallVector<Value>> starts; // indices of elements 0, width, ...
};
Runs runsOf(OpBuilder &b, Location loc, RankedTensorType type,
            ValueRange offsets, Value tid) {
  LayoutAttrInterface layout = layoutOf(type);
  int64_t eltBytes =
      std::max<int64_t>(1, type.getElementType().getIntOrFloatBitWidth() / 8);
  Runs runs;
  runs.width = contiguousRun(layout, type.getShape(), eltBytes);
  runs.elements = layout.getElementsPerThread(type.getShape());
  AffineMap map = layout.getCoordinates(type.getShape());
  for (int64_t e = 0; e < runs.elements; e += runs.width)
    runs.starts.push_back(
        globalIndices(b, loc, offsets, coordinatesOf(b, loc, map, e, tid)));
  return runs;
}

struct LoadPattern : DistributedPattern<LoadOp> {
  using DistributedPattern::DistributedPattern;
  LogicalResult
  matchAndRewrite(LoadOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Type elt = op.getType().getElementType();
    Runs runs =
        runsOf(rewriter, loc, op.getType(), adaptor.getIndices(), state.tid);
    SmallVector<Value> parts;
    for (ArrayRef<Value> indices : runs.starts)
      parts.push_back(loadRun(rewriter, loc, adaptor.getSource(), indices,
                              runs.width, elt));
    if (parts.size() == 1) {
      rewriter.replaceOp(op, parts.front());
      return success();
    }
    // The runs side by side (LLVM sees through the extracts).
    SmallVector<Value> elems;
    for (Value part : parts)
      for (int64_t k = 0; k < runs.width; ++k)
        elems.push_back(vector::ExtractOp::create(rewriter, loc, part,
                                                  ArrayRef<int64_t>{k}));
    rewriter.replaceOpWithNewOp<vector::FromElementsOp>(
        op, VectorType::get({runs.elements}, elt), elems);
    return success();
  }
};

/// A store of this many runs a thread or more checks first whether the
/// whole tile is in bounds and aligned, and then stores every run
/// unchecked: an accumulator stored from registers (64 runs of 4 bytes a
/// thread at 128 x 256 with 8 warps) spent more on each run's checks
/// (bounds, alignment, two branches) than on its store (bench/RESULTS.md,
/// session 15). Stores of fewer runs (16-byte runs from a blocked layout:
/// at most 16) keep only the checks of each run.
constexpr int64_t kRunsForTileCheck = 32;

/// Whether each run of `width` elements of every thread starts at a
/// multiple of `width` along the tile's last dimension: then the tile's
/// origin and rows aligned to the run's bytes align every run.
bool runsAlignedInTile(RankedTensorType type, int64_t width) {
  LayoutAttrInterface layout = layoutOf(type);
  AffineMap map = layout.getCoordinates(type.getShape());
  int64_t elements = layout.getElementsPerThread(type.getShape());
  for (int64_t t = 0, n = layout.getNumThreads(); t < n; ++t)
    for (int64_t e = 0; e < elements; e += width)
      if (coordsAt(map, t, e).back() % width != 0)
        return false;
  return true;
}

struct StorePattern : DistributedPattern<StoreOp> {
  using DistributedPattern::DistributedPattern;
  LogicalResult
  matchAndRewrite(StoreOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    RankedTensorType type = op.getValue().getType();
    Runs runs = runsOf(rewriter, loc, type, adaptor.getIndices(), state.tid);
    auto part = [&](int64_t i) {
      int64_t e = i * runs.width;
      return runs.width == runs.elements
                 ? adaptor.getValue()
                 : vector::ShuffleOp::create(
                       rewriter, loc, adaptor.getValue(), adaptor.getValue(),
                       llvm::to_vector(llvm::seq(e, e + runs.width)))
                       .getResult();
    };
    auto checkedRuns = [&] {
      for (auto [i, indices] : llvm::enumerate(runs.starts))
        storeRun(rewriter, loc, part(i), adaptor.getDest(), indices,
                 state.options.storePastEnd);
    };
    int64_t eltBits = type.getElementTypeBitWidth();
    int64_t bytes = std::min<int64_t>(16, runs.width * eltBits / 8);
    auto destType = cast<MemRefType>(adaptor.getDest().getType());
    if (static_cast<int64_t>(runs.starts.size()) < kRunsForTileCheck ||
        state.options.storePastEnd || eltBits % 8 != 0 ||
        !destType.getLayout().isIdentity() ||
        !runsAlignedInTile(type, runs.width)) {
      checkedRuns();
      rewriter.eraseOp(op);
      return success();
    }
    SmallVector<Value> origin(adaptor.getIndices());
    Value whole = tileInBoundsAndAligned(rewriter, loc, adaptor.getDest(),
                                         origin, type.getShape(), bytes);
    auto ifOp = scf::IfOp::create(rewriter, loc, TypeRange{}, whole,
                                  /*withElse=*/true);
    {
      OpBuilder::InsertionGuard guard(rewriter);
      rewriter.setInsertionPointToStart(ifOp.thenBlock());
      for (auto [i, indices] : llvm::enumerate(runs.starts))
        vector::StoreOp::create(rewriter, loc, part(i), adaptor.getDest(),
                                indices, /*nontemporal=*/false,
                                llvm::MaybeAlign(bytes));
      rewriter.setInsertionPointToStart(ifOp.elseBlock());
      checkedRuns();
    }
    rewriter.eraseOp(op);
    return success();
  }
};

/// The combining op of `kind` on two scalars: upstream's
/// vector::makeArithReduction (integers compare signed).
Value combine(OpBuilder &b, Location loc, ReduceKind kind, Value x, Value y) {
  bool isFloat = isa<FloatType>(x.getType());
  vector::CombiningKind combining = vector::CombiningKind::ADD;
  if (kind == ReduceKind::max)
    combining = isFloat ? vector::CombiningKind::MAXIMUMF
                        : vector::CombiningKind::MAXSI;
  else if (kind == ReduceKind::min)
    combining = isFloat ? vector::CombiningKind::MINIMUMF
                        : vector::CombiningKind::MINSI;
  return vector::makeArithReduction(b, loc, combining, x, y);
}

/// The threads whose partials of a reduction along `dim` combine into one
/// result: the lanes `laneStride * i` apart (i < lanes) of a warp, by a
/// butterfly of shuffles, and the warps `warpStride * j` apart (j < warps),
/// through shared memory. Read off the layout's coordinate map: a bit of
/// the thread number joins the group when flipping it moves every element
/// of every thread along `dim` only. Then each group must hold every input
/// of each of its result elements exactly once (no element twice, as a
/// layout larger than its tile would), else there is no spread: blocked
/// layouts and the wgmma accumulator have one along either dimension.
struct Spread {
  int64_t lanes = 1, laneStride = 1, warps = 1, warpStride = 1;
};
std::optional<Spread> spreadAlong(LayoutAttrInterface layout,
                                  ArrayRef<int64_t> shape, int64_t dim) {
  int64_t threads = layout.getNumThreads();
  int64_t elements = layout.getElementsPerThread(shape);
  if (elements > kMaxElementsPerThread)
    return std::nullopt;
  auto slot = sliceIndices(layout, dim, shape);
  if (!slot)
    return std::nullopt;
  AffineMap map = layout.getCoordinates(shape);
  size_t rank = shape.size();
  std::vector<int64_t> coords; // of element e of thread t at (t * elements + e) * rank
  coords.reserve(threads * elements * rank);
  for (int64_t t = 0; t < threads; ++t)
    for (int64_t e = 0; e < elements; ++e)
      llvm::append_range(coords, coordsAt(map, t, e));
  auto at = [&](int64_t t, int64_t e) {
    return ArrayRef<int64_t>(coords).slice((t * elements + e) * rank, rank);
  };
  auto sameExcept = [&](ArrayRef<int64_t> a, ArrayRef<int64_t> b) {
    for (size_t i = 0; i < rank; ++i)
      if (static_cast<int64_t>(i) != dim && a[i] != b[i])
        return false;
    return true;
  };
  // The bits of the thread number that move elements along `dim` only.
  int64_t along = 0;
  for (int64_t bit = 1; bit < threads; bit *= 2) {
    bool onlyAlong = true, moves = false;
    for (int64_t t = 0; t < threads && onlyAlong; ++t) {
      if (t & bit)
        continue;
      for (int64_t e = 0; e < elements && onlyAlong; ++e) {
        ArrayRef<int64_t> a = at(t, e), b = at(t ^ bit, e);
        onlyAlong = sameExcept(a, b);
        moves |= a[dim] != b[dim];
      }
    }
    if (onlyAlong && moves)
      along |= bit;
  }
  // Contiguous runs of bits: lanes below 32, warps above.
  Spread s;
  int64_t laneBits = along & 31, warpBits = along >> 5;
  auto run = [](int64_t bits, int64_t &stride, int64_t &count) {
    if (!bits)
      return true;
    stride = bits & -bits;
    count = bits / stride + 1;
    return llvm::isPowerOf2_64(count);
  };
  if (!run(laneBits, s.laneStride, s.lanes) ||
      !run(warpBits, s.warpStride, s.warps))
    return std::nullopt;
  // Each group (threads equal outside `along`) holds, for each result slot,
  // every coordinate along `dim` exactly once.
  SmallVector<int64_t> sliced(shape);
  sliced.erase(sliced.begin() + dim);
  int64_t slots = layout.getSliceElementsPerThread(dim, sliced);
  SmallVector<int64_t> count(slots * shape[dim]);
  for (int64_t t = 0; t < threads; ++t) {
    if (t & along)
      continue;
    std::fill(count.begin(), count.end(), 0);
    // Every subset of the `along` bits, from `along` down to 0.
    for (int64_t sub = along;; sub = (sub - 1) & along) {
      for (int64_t e = 0; e < elements; ++e) {
        int64_t c = at(t | sub, e)[dim];
        if (c < 0 || c >= shape[dim] || ++count[(*slot)[e] * shape[dim] + c] > 1)
          return std::nullopt;
      }
      if (!sub)
        break;
    }
    if (llvm::is_contained(count, 0))
      return std::nullopt;
  }
  return s;
}

/// Floats of shared memory a reduction needs to combine across warps: one
/// per element of the result and warp along the reduced dimension.
int64_t reduceScratchElements(ReduceOp op) {
  auto in = op.getInput().getType();
  Spread s = *spreadAlong(layoutOf(in), in.getShape(), op.getDim());
  if (s.warps == 1)
    return 0;
  return op.getType().getNumElements() * s.warps;
}

struct ReducePattern : DistributedPattern<ReduceOp> {
  using DistributedPattern::DistributedPattern;
  LogicalResult
  matchAndRewrite(ReduceOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto inType = op.getInput().getType();
    LayoutAttrInterface parent = layoutOf(inType);
    int64_t dim = op.getDim();
    auto outType = op.getType();
    LayoutAttrInterface outLayout = layoutOf(outType);
    int64_t outElements = outLayout.getElementsPerThread(outType.getShape());
    SmallVector<int64_t> slot = *sliceIndices(parent, dim, inType.getShape());
    Type elt = inType.getElementType();
    ReduceKind kind = op.getKind();

    // 1. In the thread: a pairwise tree over the elements of each result.
    SmallVector<SmallVector<Value>> members(outElements);
    for (auto [e, s] : llvm::enumerate(slot))
      members[s].push_back(vector::ExtractOp::create(
          rewriter, loc, adaptor.getInput(),
          ArrayRef<int64_t>{static_cast<int64_t>(e)}));
    SmallVector<Value> partial;
    for (SmallVector<Value> &m : members) {
      while (m.size() > 1) {
        SmallVector<Value> next;
        for (size_t i = 0; i + 1 < m.size(); i += 2)
          next.push_back(combine(rewriter, loc, kind, m[i], m[i + 1]));
        if (m.size() % 2)
          next.push_back(m.back());
        m = std::move(next);
      }
      partial.push_back(m.front());
    }

    // 2. Across the lanes along `dim`: a butterfly, after which every lane
    // of a group holds the same value (x + y and y + x are the same float).
    // checkSupported made sure the spread exists. The planted bug of
    // test-mutation=reduce-in-thread stops after the thread's own elements.
    Spread spread = *spreadAlong(parent, inType.getShape(), dim);
    if (state.options.reduceInThread)
      spread = Spread();
    Type i32 = rewriter.getI32Type();
    Value width = arith::ConstantIntOp::create(rewriter, loc, i32, 32);
    for (int64_t s = spread.laneStride; s < spread.laneStride * spread.lanes;
         s *= 2) {
      Value offset = arith::ConstantIntOp::create(rewriter, loc, i32, s);
      for (Value &p : partial) {
        Value other = gpu::ShuffleOp::create(rewriter, loc, p, offset, width,
                                             gpu::ShuffleMode::XOR)
                          .getShuffleResult();
        p = combine(rewriter, loc, kind, p, other);
      }
    }

    // 3. Across the warps along `dim`: lane group leaders write their
    // partials to shared memory, every thread combines them in warp order.
    if (spread.warps > 1) {
      Value scratch = state.reduceScratch.lookup(op);
      assert(scratch && "scratch allocated before the conversion");
      AffineMap sliceMap = outLayout.getCoordinates(outType.getShape());
      Value tid = state.tid;
      Value lane = arith::RemUIOp::create(rewriter, loc, tid,
                                          indexConstant(rewriter, loc, 32));
      Value warp = arith::DivUIOp::create(rewriter, loc, tid,
                                          indexConstant(rewriter, loc, 32));
      auto coordOf = [&](Value id, int64_t stride, int64_t count) {
        return arith::RemUIOp::create(
            rewriter, loc,
            arith::DivUIOp::create(rewriter, loc, id,
                                   indexConstant(rewriter, loc, stride)),
            indexConstant(rewriter, loc, count));
      };
      Value warpCoord = coordOf(warp, spread.warpStride, spread.warps);
      Value leader = arith::CmpIOp::create(
          rewriter, loc, arith::CmpIPredicate::eq,
          coordOf(lane, spread.laneStride, spread.lanes),
          indexConstant(rewriter, loc, 0));
      ArrayRef<int64_t> shape = outType.getShape();
      SmallVector<Value> base; // first slot of each result element
      for (int64_t e = 0; e < outElements; ++e) {
        SmallVector<Value> c =
            coordinatesOf(rewriter, loc, sliceMap, e, state.tid);
        Value flat = indexConstant(rewriter, loc, 0);
        for (auto [i, ci] : llvm::enumerate(c))
          flat = arith::AddIOp::create(
              rewriter, loc,
              arith::MulIOp::create(rewriter, loc, flat,
                                    indexConstant(rewriter, loc, shape[i])),
              ci);
        base.push_back(arith::MulIOp::create(
            rewriter, loc, flat, indexConstant(rewriter, loc, spread.warps)));
      }
      auto write = scf::IfOp::create(rewriter, loc, TypeRange{}, leader,
                                     /*withElse=*/false);
      {
        OpBuilder::InsertionGuard guard(rewriter);
        rewriter.setInsertionPointToStart(write.thenBlock());
        for (int64_t e = 0; e < outElements; ++e)
          memref::StoreOp::create(
              rewriter, loc, partial[e], scratch,
              ValueRange{arith::AddIOp::create(rewriter, loc, base[e],
                                               warpCoord)});
      }
      gpu::BarrierOp::create(rewriter, loc);
      for (int64_t e = 0; e < outElements; ++e) {
        Value acc;
        for (int64_t k = 0; k < spread.warps; ++k) {
          Value v = memref::LoadOp::create(
              rewriter, loc, scratch,
              ValueRange{arith::AddIOp::create(
                  rewriter, loc, base[e], indexConstant(rewriter, loc, k))});
          acc = acc ? combine(rewriter, loc, kind, acc, v) : v;
        }
        partial[e] = acc;
      }
      // The scratch may be written again (a reduction in a loop).
      gpu::BarrierOp::create(rewriter, loc);
    }
    rewriter.replaceOpWithNewOp<vector::FromElementsOp>(
        op, VectorType::get({outElements}, elt), partial);
    return success();
  }
};

struct BroadcastPattern : DistributedPattern<BroadcastOp> {
  using DistributedPattern::DistributedPattern;
  LogicalResult
  matchAndRewrite(BroadcastOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto outType = op.getType();
    // checkSupported made sure the indices exist.
    SmallVector<int64_t> slot =
        *sliceIndices(layoutOf(outType), op.getDim(), outType.getShape());
    rewriter.replaceOpWithNewOp<vector::ShuffleOp>(
        op, adaptor.getInput(), adaptor.getInput(), slot);
    return success();
  }
};

/// tile.transpose moves nothing: checkSupported made sure that each thread
/// holds, as element i of the result, element i of the input.
struct TransposePattern : DistributedPattern<TransposeOp> {
  using DistributedPattern::DistributedPattern;
  LogicalResult
  matchAndRewrite(TransposeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    rewriter.replaceOp(op, adaptor.getInput());
    return success();
  }
};

/// Elements of a tile of `type` in a conversion's shared-memory scratch:
/// row-major with the last dimension padded, so that the threads of a
/// warp that hold one column (a transposed tile) write to different
/// banks: a row pitch of an odd number of 32-bit words.
int64_t convertPitch(RankedTensorType type) {
  int64_t bytes = type.getElementTypeBitWidth() / 8;
  int64_t pitch = type.getShape().back();
  // checkSupported admits 1, 2 and 4 bytes: within 8 steps the row is a
  // whole, odd number of words.
  assert(bytes >= 1 && bytes <= 4 && "8- to 32-bit elements");
  while ((pitch * bytes) % 4 != 0 || ((pitch * bytes) / 4) % 2 == 0)
    ++pitch;
  return pitch;
}

/// How a conversion lays its tile out in shared memory: rows (the leading
/// dimensions flattened) of `pitch` elements. When each side moves runs of
/// two or more adjacent elements (a wgmma accumulator's column pairs into
/// a blocked layout's 16 bytes), the runs are written and read as vectors
/// and rows are not padded (that would misalign them); instead the 16-byte
/// units of a row are XORed with the row mod `swizzle`, so that the eight
/// rows a warp writes at one column land in eight different units. Else
/// element by element with convertPitch's padding.
struct ConvertScratch {
  int64_t pitch = 0, swizzle = 1, runIn = 1, runOut = 1;
  int64_t elements(RankedTensorType type) const {
    return type.getNumElements() / type.getShape().back() * pitch;
  }
};
ConvertScratch convertScratchOf(ConvertLayoutOp op) {
  RankedTensorType type = op.getType();
  ArrayRef<int64_t> shape = type.getShape();
  int64_t bytes = type.getElementTypeBitWidth() / 8;
  ConvertScratch s;
  s.pitch = shape.back();
  int64_t in = contiguousRun(layoutOf(op.getInput().getType()), shape, bytes);
  int64_t out = contiguousRun(layoutOf(type), shape, bytes);
  if (in >= 2 && out >= 2 && (s.pitch * bytes) % kMaxVectorBytes == 0) {
    s.runIn = in;
    s.runOut = out;
    int64_t units = s.pitch * bytes / kMaxVectorBytes;
    while (s.swizzle < 8 && units % (2 * s.swizzle) == 0)
      s.swizzle *= 2;
    return s;
  }
  s.pitch = convertPitch(type);
  return s;
}

struct ConvertLayoutPattern : DistributedPattern<ConvertLayoutOp> {
  using DistributedPattern::DistributedPattern;
  LogicalResult
  matchAndRewrite(ConvertLayoutOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    RankedTensorType inType = op.getInput().getType(), outType = op.getType();
    if (isShared(inType))
      return transposeInShared(op, adaptor.getInput(), rewriter);
    if (isShared(outType))
      return stage(op, adaptor.getInput(), rewriter);
    ArrayRef<int64_t> shape = outType.getShape();
    Type elt = outType.getElementType();
    int64_t bytes = outType.getElementTypeBitWidth() / 8;
    LayoutAttrInterface in = layoutOf(inType), out = layoutOf(outType);
    if (state.options.convertAsIdentity &&
        in.getElementsPerThread(shape) == out.getElementsPerThread(shape)) {
      rewriter.replaceOp(op, adaptor.getInput());
      return success();
    }
    ConvertScratch layout = convertScratchOf(op);
    auto c = [&](int64_t v) { return indexConstant(rewriter, loc, v); };
    // The scratch: static shared memory, or a view of the dynamic region
    // (which may hold ring buffers other warps are still reading: wait).
    Value scratch = state.convertScratch.lookup(op);
    if (!scratch) {
      auto viewType = MemRefType::get(
          {layout.elements(outType)}, elt, MemRefLayoutAttrInterface(),
          cast<MemRefType>(state.smem.getType()).getMemorySpace());
      scratch = memref::ViewOp::create(
          rewriter, loc, viewType, state.smem,
          arith::AddIOp::create(rewriter, loc, state.smemPad,
                                c(state.sharedOffset.at(op))),
          ValueRange());
      gpu::BarrierOp::create(rewriter, loc);
    }
    auto slotOf = [&](AffineMap map, int64_t e) {
      SmallVector<Value> coords =
          coordinatesOf(rewriter, loc, map, e, state.tid);
      Value row = c(0);
      for (auto [i, ci] : llvm::enumerate(ArrayRef(coords).drop_back()))
        row = arith::AddIOp::create(
            rewriter, loc, arith::MulIOp::create(rewriter, loc, row, c(shape[i])),
            ci);
      Value col = coords.back();
      if (layout.swizzle > 1) {
        // Element col of 16-byte unit col / perUnit goes to unit
        // (col / perUnit) ^ (row % swizzle): XOR the unit bits of col.
        int64_t perUnit = kMaxVectorBytes / bytes;
        Value phase = arith::MulIOp::create(
            rewriter, loc,
            arith::RemUIOp::create(rewriter, loc, row, c(layout.swizzle)),
            c(perUnit));
        col = arith::XOrIOp::create(rewriter, loc, col, phase);
      }
      return arith::AddIOp::create(
          rewriter, loc, arith::MulIOp::create(rewriter, loc, row, c(layout.pitch)),
          col);
    };
    AffineMap inMap = in.getCoordinates(shape), outMap = out.getCoordinates(shape);
    // Replicated elements (a slice layout) are written by each replica,
    // with the same value.
    for (int64_t e = 0, n = in.getElementsPerThread(shape); e < n;
         e += layout.runIn) {
      Value slot = slotOf(inMap, e);
      if (layout.runIn == 1) {
        memref::StoreOp::create(
            rewriter, loc,
            vector::ExtractOp::create(rewriter, loc, adaptor.getInput(),
                                      ArrayRef<int64_t>{e}),
            scratch, ValueRange{slot});
        continue;
      }
      Value run = vector::ShuffleOp::create(
          rewriter, loc, adaptor.getInput(), adaptor.getInput(),
          llvm::to_vector(llvm::seq<int64_t>(e, e + layout.runIn)));
      vector::StoreOp::create(rewriter, loc, run, scratch, ValueRange{slot},
                              /*nontemporal=*/false,
                              llvm::MaybeAlign(layout.runIn * bytes));
    }
    gpu::BarrierOp::create(rewriter, loc);
    SmallVector<Value> elements;
    auto runType = VectorType::get({layout.runOut}, elt);
    for (int64_t e = 0, n = out.getElementsPerThread(shape); e < n;
         e += layout.runOut) {
      if (layout.runOut == 1) {
        elements.push_back(memref::LoadOp::create(
            rewriter, loc, scratch, ValueRange{slotOf(outMap, e)}));
        continue;
      }
      Value run = vector::LoadOp::create(
          rewriter, loc, runType, scratch, ValueRange{slotOf(outMap, e)},
          /*nontemporal=*/false, llvm::MaybeAlign(layout.runOut * bytes));
      for (int64_t k = 0; k < layout.runOut; ++k)
        elements.push_back(vector::ExtractOp::create(rewriter, loc, run,
                                                     ArrayRef<int64_t>{k}));
    }
    // The scratch may be written again (a conversion in a loop).
    gpu::BarrierOp::create(rewriter, loc);
    rewriter.replaceOpWithNewOp<vector::FromElementsOp>(
        op, VectorType::get({static_cast<int64_t>(elements.size())}, elt),
        elements);
    return success();
  }

  /// Registers to #tile.shared: each thread writes its elements where TMA
  /// would have put them (chunks of columns of `swizzle` bytes, rows of
  /// that many bytes, 16-byte units XORed with the swizzle phase of the
  /// row: row mod 8 for 128 bytes), then the generic-proxy
  /// writes are fenced for wgmma (async proxy). Barriers before (the
  /// buffer's previous readers are done: every warpgroup waited for its
  /// wgmma) and after (every thread's share is written).
  LogicalResult stage(ConvertLayoutOp op, Value input,
                      ConversionPatternRewriter &rewriter) const {
    Location loc = op.getLoc();
    RankedTensorType type = op.getType();
    ArrayRef<int64_t> shape = type.getShape();
    int64_t eltBytes = type.getElementTypeBitWidth() / 8;
    int64_t swizzle = cast<SharedLayoutAttr>(type.getEncoding()).getSwizzle();
    int64_t offset = state.sharedOffset.lookup(op);
    auto c = [&](int64_t v) { return indexConstant(rewriter, loc, v); };
    auto viewType = MemRefType::get({type.getNumElements()},
                                    type.getElementType(),
                                    MemRefLayoutAttrInterface(),
                                    cast<MemRefType>(state.smem.getType())
                                        .getMemorySpace());
    Value view = memref::ViewOp::create(
        rewriter, loc, viewType, state.smem,
        arith::AddIOp::create(rewriter, loc, state.smemPad, c(offset)),
        ValueRange());
    gpu::BarrierOp::create(rewriter, loc);
    LayoutAttrInterface in = layoutOf(op.getInput().getType());
    AffineMap map = in.getCoordinates(shape);
    for (int64_t e = 0, n = in.getElementsPerThread(shape); e < n; ++e) {
      SmallVector<Value> rc = coordinatesOf(rewriter, loc, map, e, state.tid);
      Value colByte = arith::MulIOp::create(rewriter, loc, rc[1], c(eltBytes));
      Value chunk = arith::DivUIOp::create(rewriter, loc, colByte, c(swizzle));
      Value within = arith::RemUIOp::create(rewriter, loc, colByte, c(swizzle));
      // The 16-byte unit XOR (row * swizzle / 128) mod (swizzle / 16):
      // TMA's pattern, the phase changing every 128 bytes of rows.
      Value phase = arith::MulIOp::create(
          rewriter, loc,
          arith::RemUIOp::create(
              rewriter, loc,
              arith::DivUIOp::create(rewriter, loc, rc[0],
                                     c(128 / swizzle)),
              c(swizzle / 16)),
          c(16));
      Value byte = arith::AddIOp::create(
          rewriter, loc,
          arith::AddIOp::create(
              rewriter, loc,
              arith::MulIOp::create(rewriter, loc, chunk,
                                    c(shape[0] * swizzle)),
              arith::MulIOp::create(rewriter, loc, rc[0], c(swizzle))),
          arith::XOrIOp::create(rewriter, loc, within, phase));
      memref::StoreOp::create(
          rewriter, loc,
          vector::ExtractOp::create(rewriter, loc, input,
                                    ArrayRef<int64_t>{e}),
          view,
          ValueRange{arith::DivUIOp::create(rewriter, loc, byte,
                                            c(eltBytes))});
    }
    NVVM::FenceProxyOp::create(
        rewriter, loc, NVVM::ProxyKind::async_shared,
        NVVM::SharedSpaceAttr::get(rewriter.getContext(),
                                   NVVM::SharedSpace::shared_cta));
    gpu::BarrierOp::create(rewriter, loc);
    rewriter.replaceOp(
        op, arith::AddIOp::create(rewriter, loc, state.smemBase, c(offset))
                .getResult());
    return success();
  }

  /// #tile.shared of 8-bit elements to #tile.shared<transposed> (an fp8
  /// B, K x N as loaded, made K-major for wgmma; with acc_order its K index
  /// permuted for an fp8 register A): a task is 4 rows (K) x 16 bytes (N)
  /// of the source, four 16-byte loads, a 4 x 4 byte transpose of each
  /// word quadruple with prmt, sixteen 4-byte stores into 16 stored rows.
  /// The lanes of a task group cover the R / 4 tasks of one 16-byte column
  /// unit: lane l takes K group g = 2 (l / 8) + l mod 2 of 16 and quad
  /// q = (l / 2) mod 4 in it, so that with R = 128 every store of a warp
  /// hits one stored row in 32 different banks; with acc_order the task's
  /// rows are 16g + 2q + {0, 1, 8, 9} (stored at positions 16g + 4q + i),
  /// and lanes of odd groups load their row pair in the other order, so
  /// that each 8-lane phase of a load reads 8 different rows mod 8.
  /// Without it, rows 16g + 4q + i. Then the generic-proxy stores are
  /// fenced for wgmma (async proxy).
  ///
  /// In a loop whose synchronous dots alone read the result, the buffer
  /// alternates by iteration and each thread arrives on the buffer's
  /// mbarrier, which the reading dot waits on (LoweringState::
  /// Transposition): no thread waits for another's softmax here. Else
  /// block-wide barriers before (the previous readers are done) and
  /// after.
  ///
  /// Addresses are 32-bit and mostly thread-invariant (a base a thread,
  /// constant offsets): 64-bit ones live across the loop made ptxas spill
  /// (the attention emitter's transposition measured 328 bytes at 168
  /// registers a thread, 52 in 32 bits).
  LogicalResult transposeInShared(ConvertLayoutOp op, Value input,
                                  ConversionPatternRewriter &rewriter) const {
    Location loc = op.getLoc();
    RankedTensorType inType = op.getInput().getType(), outType = op.getType();
    auto inLayout = cast<SharedLayoutAttr>(inType.getEncoding());
    auto outLayout = cast<SharedLayoutAttr>(outType.getEncoding());
    int64_t rows = inType.getShape()[0], cols = inType.getShape()[1];
    int64_t inSpan = inLayout.getSwizzle(), outSpan = outLayout.getSwizzle();
    bool accOrder = outLayout.getAccOrder();
    Type i32 = rewriter.getI32Type();
    auto c32 = [&](int64_t v) {
      return arith::ConstantIntOp::create(rewriter, loc, i32, v).getResult();
    };
    auto add = [&](Value x, Value y) {
      return arith::AddIOp::create(rewriter, loc, x, y).getResult();
    };
    auto mul = [&](Value x, int64_t y) {
      return arith::MulIOp::create(rewriter, loc, x, c32(y)).getResult();
    };
    auto div = [&](Value x, int64_t y) {
      return arith::DivUIOp::create(rewriter, loc, x, c32(y)).getResult();
    };
    auto rem = [&](Value x, int64_t y) {
      return arith::RemUIOp::create(rewriter, loc, x, c32(y)).getResult();
    };
    auto xorI = [&](Value x, Value y) {
      return arith::XOrIOp::create(rewriter, loc, x, y).getResult();
    };
    auto to32 = [&](Value v) {
      return arith::IndexCastUIOp::create(rewriter, loc, i32, v).getResult();
    };
    // The whole dynamic region as 32-bit words; tiles are shared-window
    // addresses, so a tile's byte in the region is address - smemBase.
    auto wordsType = MemRefType::get(
        {state.sharedBytes / 4}, i32, MemRefLayoutAttrInterface(),
        cast<MemRefType>(state.smem.getType()).getMemorySpace());
    Value words = memref::ViewOp::create(rewriter, loc, wordsType, state.smem,
                                         state.smemPad, ValueRange());
    auto wordAt = [&](Value byte) {
      return arith::IndexCastUIOp::create(rewriter, loc,
                                          rewriter.getIndexType(),
                                          arith::ShRUIOp::create(
                                              rewriter, loc, byte, c32(2)))
          .getResult();
    };
    Value inBase = to32(
        arith::SubIOp::create(rewriter, loc, input, state.smemBase));
    int64_t offset = state.sharedOffset.at(op);
    const LoweringState::Transposition *alternating = nullptr;
    if (auto it = state.transpositions.find(op);
        it != state.transpositions.end())
      alternating = &it->second;
    Value outBase = c32(offset);
    if (alternating)
      outBase = add(outBase, mul(to32(alternating->buffer),
                                 llvm::alignTo(outType.getNumElements(),
                                               kAlign)));
    else
      gpu::BarrierOp::create(rewriter, loc);
    // Byte of byte `byte` of stored row `row` of a span-swizzled tile of
    // `storedRows` rows at `base` (#tile.shared), all i32.
    auto swizzled = [&](Value base, Value row, Value byte, int64_t span,
                        int64_t storedRows) {
      Value phase = rem(div(mul(row, span), 128), span / 16);
      Value within = xorI(rem(byte, span), mul(phase, 16));
      return add(base, add(mul(div(byte, span), storedRows * span),
                           add(mul(row, span), within)));
    };
    auto prmt = [&](Value lo, Value hi, Value sel) {
      return NVVM::PermuteOp::create(rewriter, loc, i32, lo, hi, sel,
                                     NVVM::PermuteMode::DEFAULT)
          .getResult();
    };
    auto vecType = VectorType::get({4}, i32);
    int64_t lanesPerUnit = rows / 4, tasks = (cols / 16) * lanesPerUnit;
    int64_t threads = state.threads;
    // Task t goes to thread t: with fewer tasks than threads the first
    // warpgroup(s) transpose and the others run on. Spreading the tasks
    // over every warpgroup measured 2-6% slower at 12 warps (every
    // warpgroup's P V then waits for the slowest one's share; session 16).
    // The thread index is read again here through an inline asm with side
    // effects, which LLVM cannot hoist out of the key loop: the tasks'
    // addresses are then recomputed each iteration instead of held live
    // across the loop, where ptxas spilled them (the best D = 128 config
    // 8 -> 0 bytes, 256 x 128 / 16 at D = 64 64 -> 24). The tuner's picks
    // ran within -1.3 .. +1.4% of the hoisted form, single configs 0.83 ..
    // 1.11x: ptxas schedules the loop differently (bench/RESULTS.md,
    // session 21). nvvm.read.ptx.sreg.tid.x is pure and would be hoisted.
    // Having side effects, the asm also keeps memory operations from
    // moving across it; a pure asm fed the loop's induction variable
    // would avoid that (untried).
    Value tid = sideEffectingPtx(rewriter, loc, i32, ValueRange(),
                                 "mov.u32 $0, %tid.x;", "=r")
                    .getRes();
    for (int64_t first = 0; first < tasks; first += threads) {
      Value t = add(tid, c32(first));
      auto body = [&] {
        Value unit = div(t, lanesPerUnit), lane = rem(t, lanesPerUnit);
        Value quad = rem(div(lane, 2), 4);
        Value odd = rem(lane, 2);
        Value group = add(mul(div(lane, 8), 2), odd);
        Value isOdd = arith::CmpIOp::create(
            rewriter, loc, arith::CmpIPredicate::eq, odd, c32(1));
        Value colByte = mul(unit, 16);
        // Source rows n = 0..3 of the task (K), stored at positions
        // 16g + 4q + n of the result. With acc_order, 16g + 2q +
        // 8 (n / 2) + n mod 2, the pair swapped in odd groups: row n + 2
        // is 8 rows after row n, the same swizzle phase, 8 spans on.
        SmallVector<Value> words4, rowBytes;
        for (int64_t n = 0; n < 4; ++n) {
          Value byte;
          if (accOrder && n >= 2) {
            byte = add(rowBytes[n - 2], c32(8 * inSpan));
          } else {
            Value row =
                accOrder ? add(add(mul(group, 16), mul(quad, 2)),
                               xorI(c32(n % 2), odd))
                         : add(add(mul(group, 16), mul(quad, 4)), c32(n));
            byte = swizzled(inBase, row, colByte, inSpan, rows);
          }
          rowBytes.push_back(byte);
          words4.push_back(vector::LoadOp::create(
              rewriter, loc, vecType, words, ValueRange{wordAt(byte)},
              /*nontemporal=*/false, llvm::MaybeAlign(16)));
        }
        // prmt selectors (byte i of the result is byte nibble_i of {hi,
        // lo}): [a0 b0 a1 b1] and [a2 b2 a3 b3] of rows a (n = 0 or 2)
        // and b (n = 1 or 3), which odd groups loaded the other way round
        // with acc_order.
        Value lowSel = c32(0x5140), highSel = c32(0x7362);
        if (accOrder) {
          lowSel = arith::SelectOp::create(rewriter, loc, isOdd, c32(0x1504),
                                           lowSel);
          highSel = arith::SelectOp::create(rewriter, loc, isOdd,
                                            c32(0x3726), highSel);
        }
        // The 16 stores go to stored rows colByte + r (r = 4m + j).
        // colByte is a multiple of 16, so row r's swizzle phase is a
        // constant and every other term of the address a multiple of the
        // span: ((base + f(thread)) ^ 16 phase(r)) + r span, one value a
        // thread for the 16 stores, an xor and an offset each.
        Value keyByte = add(mul(group, 16), mul(quad, 4));
        Value threadBase =
            add(outBase, add(mul(div(keyByte, outSpan), cols * outSpan),
                             add(mul(colByte, outSpan), rem(keyByte, outSpan))));
        for (int64_t m = 0; m < 4; ++m) {
          SmallVector<Value> w;
          for (Value r : words4)
            w.push_back(vector::ExtractOp::create(rewriter, loc, r,
                                                  ArrayRef<int64_t>{m}));
          Value t0 = prmt(w[0], w[1], lowSel), t1 = prmt(w[0], w[1], highSel);
          Value t2 = prmt(w[2], w[3], lowSel), t3 = prmt(w[2], w[3], highSel);
          Value out[4] = {prmt(t0, t2, c32(0x5410)), prmt(t0, t2, c32(0x7632)),
                          prmt(t1, t3, c32(0x5410)), prmt(t1, t3, c32(0x7632))};
          // Word m of the task's 16 bytes is columns 4m .. 4m + 3.
          for (int64_t j = 0; j < 4; ++j) {
            int64_t r = 4 * m + j;
            int64_t phase = (r * outSpan / 128) % (outSpan / 16);
            Value byte = add(xorI(threadBase, c32(16 * phase)),
                             c32(r * outSpan));
            memref::StoreOp::create(rewriter, loc, out[j], words,
                                    ValueRange{wordAt(byte)});
          }
        }
      };
      if (first + threads <= tasks)
        body();
      else
        ifThen(rewriter, loc,
               arith::CmpIOp::create(rewriter, loc, arith::CmpIPredicate::ult,
                                     t, c32(tasks)),
               body);
    }
    NVVM::FenceProxyOp::create(
        rewriter, loc, NVVM::ProxyKind::async_shared,
        NVVM::SharedSpaceAttr::get(rewriter.getContext(),
                                   NVVM::SharedSpace::shared_cta));
    Value result = arith::AddIOp::create(
        rewriter, loc, state.smemBase,
        arith::IndexCastUIOp::create(rewriter, loc, rewriter.getIndexType(),
                                     outBase));
    if (alternating) {
      nvgpu::MBarrierArriveOp::create(
          rewriter, loc, nvgpu::MBarrierTokenType::get(rewriter.getContext()),
          alternating->ready, alternating->buffer);
      state.transposed[result] = alternating;
    } else {
      gpu::BarrierOp::create(rewriter, loc);
    }
    rewriter.replaceOp(op, result);
    return success();
  }
};

/// The warpgroup index of this thread broadcast from lane 0 (CUTLASS's
/// canonical_warp_group_idx): ptxas then knows it is warp-uniform and keeps
/// A's descriptors in uniform registers, not in the registers the
/// accumulators need. Made once, at the function's entry beside tid where
/// every lane is active: a shuffle is convergent, so LLVM would not hoist
/// one made at a dot out of its loop (docs/design.md has the measurements).
static Value warpgroupIndex(ConversionPatternRewriter &rewriter,
                            LoweringState &state) {
  if (state.uniformWarpgroup)
    return state.uniformWarpgroup;
  OpBuilder::InsertionGuard guard(rewriter);
  rewriter.setInsertionPointAfterValue(state.tid);
  Location loc = state.tid.getLoc();
  Type i32 = rewriter.getI32Type();
  Value wg = arith::DivUIOp::create(
      rewriter, loc, arith::IndexCastUIOp::create(rewriter, loc, i32, state.tid),
      arith::ConstantIntOp::create(rewriter, loc, i32, kThreadsPerWarpgroup));
  Value uniform =
      gpu::ShuffleOp::create(
          rewriter, loc, wg, arith::ConstantIntOp::create(rewriter, loc, i32, 0),
          arith::ConstantIntOp::create(rewriter, loc, i32, 32),
          gpu::ShuffleMode::IDX)
          .getShuffleResult();
  state.uniformWarpgroup = arith::IndexCastUIOp::create(
      rewriter, loc, rewriter.getIndexType(), uniform);
  return state.uniformWarpgroup;
}

/// tile.dot with both operands staged in #tile.shared (A K-major, B K-major
/// or, as K x N of 16-bit types, MN-major) and the accumulator in
/// #tile.wgmma_acc: per 64-row slice of the warpgroup,
/// wgmma m64nNk* over K in 32-byte steps, then wait (none for an async
/// dot: tile.dot_wait); the accumulator's elements are the wgmma registers
/// in order. A in the accumulator layout (attention's P) is read from
/// registers; an fp8 B laid out transposed is K-major.
struct DotPattern : DistributedPattern<DotOp> {
  using DistributedPattern::DistributedPattern;
  LogicalResult
  matchAndRewrite(DotOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto lhs = cast<RankedTensorType>(op.getLhs().getType());
    auto rhs = cast<RankedTensorType>(op.getRhs().getType());
    RankedTensorType accType = op.getType();
    auto layout = cast<WgmmaAccLayoutAttr>(accType.getEncoding());
    int64_t m = accType.getShape()[0], n = accType.getShape()[1];
    int64_t kBytes = lhs.getShape()[1] * (lhs.getElementTypeBitWidth() / 8);
    // A from registers (in the accumulator layout, checkSupported) or from
    // shared memory.
    bool registerA = !isShared(lhs);
    // Each operand's swizzle span (a K-major A of 64-byte rows may meet an
    // MN-major B of 128).
    auto rhsLayout = cast<SharedLayoutAttr>(rhs.getEncoding());
    int64_t bSpan = rhsLayout.getSwizzle();
    int64_t aSpan =
        registerA ? bSpan
                  : cast<SharedLayoutAttr>(lhs.getEncoding()).getSwizzle();
    int64_t rowsPerWarpgroup = m / layout.getWarpgroups();
    int64_t slices = rowsPerWarpgroup / 64;
    // An accumulator zeroed where a flag is set (a persistent kernel's
    // first k-step of a tile: arith.select %first, zeros, %acc) is not
    // selected element by element: the first wgmma reads %acc unless the
    // flag is set (scale-d from a register), as Triton's
    // OptimizeAccumulatorInit folds such a select into the MMA's useC.
    Value accIn = adaptor.getAcc(), ignoreAccIf;
    if (Value flag = foldedAccRestart(op)) { // (never with zeroAcc: a select)
      ignoreAccIf = flag;
      accIn = rewriter.getRemappedValue(
          op.getAcc().getDefiningOp<arith::SelectOp>().getFalseValue());
      if (!accIn)
        return failure();
    }
    // (Before any op is made: a failure rolls them back, and
    // warpgroupIndex caches the one it makes.)
    auto c = [&](int64_t v) { return indexConstant(rewriter, loc, v); };
    Value matA;
    if (!registerA) {
      // A loop-invariant A (attention's Q) keeps its descriptors live
      // across the loop: those are the ones worth uniform registers (and
      // a dot in no loop, as a rotated loop's first Q·Kᵀ, is as
      // invariant). A ring's A is re-addressed each iteration, where the
      // broadcast index made fp8 GEMM slower, so it keeps tid / 128.
      auto loop = op->getParentOfType<LoopLikeOpInterface>();
      Value wg = !loop || loop.isDefinedOutsideOfLoop(op.getLhs())
                     ? warpgroupIndex(rewriter, state)
                     : arith::DivUIOp::create(rewriter, loc, state.tid,
                                              c(kThreadsPerWarpgroup));
      Value aBase = arith::AddIOp::create(
          rewriter, loc, adaptor.getLhs(),
          arith::MulIOp::create(rewriter, loc, wg, c(rowsPerWarpgroup * aSpan)));
      matA = wgmmaDescriptor(rewriter, loc, aBase, 16, 8 * aSpan, aSpan);
    }
    // B as N x K (transpose_rhs) is K-major like A, and so is a K x N B
    // laid out transposed (N stored rows of K). B as K x N is MN-major:
    // its 128-byte column chunks (64 columns of N) lie K rows x 128 bytes
    // apart (the leading byte offset), 8 k-rows 1024 bytes apart, and
    // wgmma reads it transposed.
    bool kMajorB = op.getTransposeRhs() || rhsLayout.getTransposed();
    int64_t bRows = rhsLayout.getTransposed() ? rhs.getShape()[1]
                                              : rhs.getShape()[0];
    int64_t eltBytes = lhs.getElementTypeBitWidth() / 8;
    Value matB = wgmmaDescriptor(rewriter, loc, adaptor.getRhs(),
                                 kMajorB ? 16 : rhs.getShape()[0] * bSpan,
                                 8 * bSpan, bSpan);
    Type f32 = rewriter.getF32Type();
    auto structType = LLVM::LLVMStructType::getLiteral(
        rewriter.getContext(), SmallVector<Type>(n / 2, f32));
    // Register A, 16 bits: the m64k16 A fragment of k-step kk of a slice
    // is the accumulator layout's 8 elements 8kk..8kk+7 of the slice (rows
    // r and r + 8, columns 16kk + 2(lane % 4) + {0, 1} and + 8), packed in
    // pairs. 8 bits: the m64k32 fragment of k-step kk is elements
    // 16kk..16kk+15 (column groups j = 4kk..4kk+3), as four quads {j, j+1}
    // of row r, of row r + 8, {j+2, j+3} of row r, of row r + 8; element
    // (j, half h, e) is 4j + 2h + e. They are the columns 4q..4q+3 and
    // 16+4q..16+4q+3 that lane q of a quad reads once B's K index is in
    // acc_order (checkSupported). All written before wgmma.fence, as the
    // PTX ISA requires.
    SmallVector<SmallVector<Value>> aRegs;
    bool fp8 = eltBytes == 1;
    if (registerA) {
      int64_t k = lhs.getShape()[1];
      Type i32 = rewriter.getI32Type();
      int64_t lhsCount =
          cast<VectorType>(adaptor.getLhs().getType()).getNumElements();
      auto element = [&](int64_t i) {
        return vector::ExtractOp::create(rewriter, loc, adaptor.getLhs(),
                                         ArrayRef<int64_t>{i})
            .getResult();
      };
      // 16 bits: a word of two elements.
      auto packed = [&](int64_t e) {
        Value vec = vector::FromElementsOp::create(
            rewriter, loc, VectorType::get({2}, lhs.getElementType()),
            ValueRange{element(e), element(e + 1)});
        return LLVM::BitcastOp::create(rewriter, loc, i32, vec).getResult();
      };
      // fp8: the word {e, e + 1, e + 4, e + 5} as two byte pairs (e is
      // even), the 16-bit units arith.truncf builds the tile from (fp8
      // vectors are no LLVM type until vector-to-llvm maps them to i8:
      // bitcast as vectors).
      Value pairsOfA;
      if (fp8)
        pairsOfA = vector::BitCastOp::create(
            rewriter, loc,
            VectorType::get({lhsCount / 2}, rewriter.getI16Type()),
            adaptor.getLhs());
      auto pairWord = [&](int64_t lo, int64_t hi) {
        SmallVector<Value> halves;
        for (int64_t i : {lo, hi})
          halves.push_back(vector::ExtractOp::create(rewriter, loc, pairsOfA,
                                                     ArrayRef<int64_t>{i}));
        Value vec = vector::FromElementsOp::create(
            rewriter, loc, VectorType::get({2}, rewriter.getI16Type()),
            halves);
        Value word = vector::BitCastOp::create(
            rewriter, loc, VectorType::get({1}, i32), vec);
        return vector::ExtractOp::create(rewriter, loc, word,
                                         ArrayRef<int64_t>{0})
            .getResult();
      };
      for (int64_t s = 0; s < slices; ++s)
        for (int64_t kk = 0; kk < k / (fp8 ? 32 : 16); ++kk) {
          SmallVector<Value> regs;
          int64_t base = s * k / 2;
          for (int64_t p = 0; p < 4; ++p) {
            if (!fp8) {
              int64_t e = base + 8 * kk + 2 * p;
              regs.push_back(packed(e));
              continue;
            }
            int64_t j = 4 * kk + 2 * (p / 2), h = p % 2;
            int64_t e = base + 4 * j + 2 * h;
            regs.push_back(pairWord(e / 2, e / 2 + 2));
          }
          aRegs.push_back(std::move(regs));
        }
    }
    // A zero accumulator (attention's S = Q Kᵀ each iteration) is not
    // materialized: the first wgmma ignores it (scale-d = 0). Register A
    // always reads its accumulator.
    bool zeroAcc = false;
    if (auto splat = op.getAcc().getDefiningOp<SplatOp>(); splat && !registerA)
      zeroAcc = matchPattern(splat.getValue(), m_PosZeroFloat());
    // B transposed in shared memory by every thread: wait for all of them
    // (LoweringState::Transposition).
    if (const LoweringState::Transposition *t =
            state.transposed.lookup(adaptor.getRhs()))
      waitBarrier(rewriter, loc, t->ready, t->buffer, t->use);
    beginWgmmaGroup(rewriter, loc);
    SmallVector<Value> accs;
    for (int64_t s = 0; s < slices; ++s) {
      Value d = LLVM::UndefOp::create(rewriter, loc, structType);
      for (int64_t i = 0; i < n / 2 && !zeroAcc; ++i)
        d = LLVM::InsertValueOp::create(
            rewriter, loc, d,
            vector::ExtractOp::create(rewriter, loc, accIn,
                                      ArrayRef<int64_t>{s * n / 2 + i}),
            i);
      // One wgmma reads 32 bytes of each row: k16 of 16-bit, k32 of fp8.
      for (int64_t kByte = 0; kByte < kBytes; kByte += 32) {
        int64_t aOffset = kByte / aSpan * m * aSpan + s * 64 * aSpan +
                          kByte % aSpan;
        int64_t bOffset =
            kMajorB ? kByte / bSpan * bRows * bSpan + kByte % bSpan
                    : kByte / eltBytes * bSpan;
        if (!registerA) {
          d = wgmmaFromShared(rewriter, loc, d, matA, aOffset, matB, bOffset,
                              n, lhs.getElementType(), kMajorB,
                              /*ignoreAcc=*/zeroAcc && kByte == 0,
                              kByte == 0 ? ignoreAccIf : Value());
          continue;
        }
        SmallVector<Value> accRegs;
        for (int64_t i = 0; i < n / 2; ++i)
          accRegs.push_back(LLVM::ExtractValueOp::create(rewriter, loc, d, i));
        Type i64 = rewriter.getI64Type();
        Value bDesc = arith::AddIOp::create(
            rewriter, loc, matB,
            arith::ConstantIntOp::create(rewriter, loc, i64, bOffset >> 4));
        std::string type =
            stringifyWGMMATypes(*wgmmaOperandType(lhs.getElementType())).str();
        std::string shape = llvm::formatv("m64n{0}k{1}.f32.{2}.{2}", n,
                                          fp8 ? 32 : 16, type);
        // scale-d, scale-a, scale-b, and for 16 bits trans-b (1: B
        // MN-major); fp8 takes no transpose immediates.
        d = wgmmaRegisterA(rewriter, loc, accRegs,
                           aRegs[s * (kBytes / 32) + kByte / 32], bDesc, shape,
                           fp8        ? "p, 1, 1"
                           : kMajorB ? "p, 1, 1, 0"
                                     : "p, 1, 1, 1");
      }
      accs.push_back(d);
    }
    NVVM::WgmmaGroupSyncAlignedOp::create(rewriter, loc);
    // An async dot's group stays in flight until a tile.dot_wait.
    if (!op.getAsync())
      NVVM::WgmmaWaitGroupSyncOp::create(rewriter, loc, 0);
    SmallVector<Value> elems;
    for (Value d : accs)
      for (int64_t i = 0; i < n / 2; ++i)
        elems.push_back(LLVM::ExtractValueOp::create(rewriter, loc, d, i));
    rewriter.replaceOpWithNewOp<vector::FromElementsOp>(
        op, VectorType::get({static_cast<int64_t>(elems.size())}, f32),
        elems);
    return success();
  }
};

/// Bytes of one swizzle-span column chunk of a staged tile (rows of
/// `swizzle` bytes), and the columns it holds.
struct Chunks {
  int64_t count, columns, bytes;
};
Chunks chunksOf(RankedTensorType tile) {
  int64_t eltBytes = tile.getElementTypeBitWidth() / 8;
  int64_t span = cast<SharedLayoutAttr>(tile.getEncoding()).getSwizzle();
  int64_t columns = span / eltBytes;
  return {tile.getShape()[1] / columns, columns, tile.getShape()[0] * span};
}

struct RingAllocPattern : DistributedPattern<RingAllocOp> {
  using DistributedPattern::DistributedPattern;
  LogicalResult
  matchAndRewrite(RingAllocOp op, OpAdaptor,
                  ConversionPatternRewriter &rewriter) const override {
    const LoweringState::Ring &ring = state.rings.at(op);
    rewriter.replaceOpWithNewOp<arith::AddIOp>(
        op, state.smemBase, indexConstant(rewriter, op.getLoc(), ring.offset));
    return success();
  }
};

/// Thread 0: waits until buffer `index mod stages` is released by the
/// readers of load `index - stages` (none for the first `stages` loads),
/// arrives on the buffer's "full" barrier (one arrival a member) expecting
/// the member's bytes and issues one TMA load a 128-byte column chunk (box
/// rows x chunk columns, coordinates innermost first).
struct RingPutPattern : DistributedPattern<RingPutOp> {
  using DistributedPattern::DistributedPattern;
  LogicalResult
  matchAndRewrite(RingPutOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    const LoweringState::Ring &ring = state.ringOf(op.getRing());
    Value desc = state.descriptorOf.at(op.getSource());
    int64_t member = op.getMember();
    RankedTensorType tile = op.getRing().getType().getTiles()[member];
    Chunks chunks = chunksOf(tile);
    auto c = [&](int64_t v) { return indexConstant(rewriter, loc, v); };
    Value index = adaptor.getIndex();
    Value isThread0 = arith::CmpIOp::create(
        rewriter, loc, arith::CmpIPredicate::eq, state.tid, c(0));
    ifThen(rewriter, loc, isThread0, [&] {
      Value slot = arith::RemUIOp::create(rewriter, loc, index, c(ring.stages));
      Value use = arith::DivUIOp::create(rewriter, loc, index, c(ring.stages));
      Value reused = arith::CmpIOp::create(rewriter, loc,
                                           arith::CmpIPredicate::uge, index,
                                           c(ring.stages));
      if (!state.bufferClaimed.contains(op))
        ifThen(rewriter, loc, reused, [&] {
          // The release of load index - stages completed phase use - 1.
          waitBarrier(rewriter, loc, ring.empty, slot,
                      arith::AddIOp::create(rewriter, loc, use, c(1)));
        });
      nvgpu::MBarrierArriveExpectTxOp::create(rewriter, loc, ring.full,
                                              c(ring.memberBytes[member]),
                                              slot, Value());
      // A source of rank r > 2 ((B, H, S, D) attention inputs) is read as
      // boxes of (1, ..., 1, rows, columns): the leading indices pick one
      // 2-d slice, so TMA's zero fill stops at its edge.
      ValueRange at = adaptor.getIndices();
      int64_t rank = at.size();
      SmallVector<int64_t> box(rank, 1);
      box[rank - 2] = tile.getShape()[0];
      box[rank - 1] = chunks.columns;
      auto boxType = MemRefType::get(
          box, tile.getElementType(), MemRefLayoutAttrInterface(),
          cast<MemRefType>(state.smem.getType()).getMemorySpace());
      Value buffer = arith::AddIOp::create(
          rewriter, loc,
          arith::AddIOp::create(rewriter, loc, state.smemPad,
                                c(ring.offset + ring.memberOffset[member])),
          arith::MulIOp::create(rewriter, loc, slot, c(ring.bufferBytes)));
      for (int64_t k = 0; k < chunks.count; ++k) {
        Value view = memref::ViewOp::create(
            rewriter, loc, boxType, state.smem,
            arith::AddIOp::create(rewriter, loc, buffer, c(k * chunks.bytes)),
            ValueRange());
        // TMA coordinates run innermost dimension first.
        SmallVector<Value> coords = {
            arith::AddIOp::create(rewriter, loc, at[rank - 1],
                                  c(k * chunks.columns)),
            at[rank - 2]};
        for (int64_t i = rank - 3; i >= 0; --i)
          coords.push_back(at[i]);
        nvgpu::TmaAsyncLoadOp::create(rewriter, loc, view, ring.full, desc,
                                      coords, slot, Value(), Value());
      }
    });
    rewriter.eraseOp(op);
    return success();
  }
};

/// Every thread waits for the load's phase of the buffer's "full" barrier;
/// the tiles are their addresses in the buffer.
struct RingGetPattern : DistributedPattern<RingGetOp> {
  using DistributedPattern::DistributedPattern;
  LogicalResult
  matchAndRewrite(RingGetOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    const LoweringState::Ring &ring = state.ringOf(op.getRing());
    auto c = [&](int64_t v) { return indexConstant(rewriter, loc, v); };
    Value index = adaptor.getIndex();
    Value slot = arith::RemUIOp::create(rewriter, loc, index, c(ring.stages));
    Value use = arith::DivUIOp::create(rewriter, loc, index, c(ring.stages));
    waitBarrier(rewriter, loc, ring.full, slot, use);
    Value buffer = arith::AddIOp::create(
        rewriter, loc, adaptor.getRing(),
        arith::MulIOp::create(rewriter, loc, slot, c(ring.bufferBytes)));
    SmallVector<Value> tiles;
    for (int64_t offset : ring.memberOffset)
      tiles.push_back(arith::AddIOp::create(rewriter, loc, buffer, c(offset)));
    rewriter.replaceOp(op, tiles);
    return success();
  }
};

/// The first thread of each warpgroup arrives on the buffer's "empty"
/// barrier (initialised for one arrival a warpgroup). A ring's tiles are
/// read by wgmma, and a release follows the wait for the dot that read
/// them: a warpgroup's wgmma completes for all of its warps at once, so
/// one warp's wait covers its warpgroup (as CUTLASS's consumer release).
/// When a transposition in shared memory reads a member (each thread its
/// share, with its own loads), every thread arrives, after its reads.
struct RingReleasePattern : DistributedPattern<RingReleaseOp> {
  using DistributedPattern::DistributedPattern;
  LogicalResult
  matchAndRewrite(RingReleaseOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    const LoweringState::Ring &ring = state.ringOf(op.getRing());
    auto c = [&](int64_t v) { return indexConstant(rewriter, loc, v); };
    Value first = arith::CmpIOp::create(
        rewriter, loc, arith::CmpIPredicate::eq,
        arith::RemUIOp::create(rewriter, loc, state.tid,
                               c(kThreadsPerWarpgroup)),
        c(0));
    Value slot = arith::RemUIOp::create(rewriter, loc, adaptor.getIndex(),
                                        c(ring.stages));
    auto arrive = [&] {
      nvgpu::MBarrierArriveOp::create(
          rewriter, loc, nvgpu::MBarrierTokenType::get(rewriter.getContext()),
          ring.empty, slot);
    };
    if (ring.releasedByEachThread)
      arrive();
    else
      ifThen(rewriter, loc, first, arrive);
    rewriter.eraseOp(op);
    return success();
  }
};

/// wgmma.wait_group as inline PTX that takes the accumulator's registers
/// in and gives them out again ("+f", as Triton's lowering does): the
/// values read after the wait are the asm's results, so LLVM cannot move
/// a read of an in-flight wgmma's registers above the wait (nvvm's
/// wait_group has no operands: LLVM hoisted the epilogue's conversions
/// above it, and ptxas then serialized every wgmma of the loop).
struct DotWaitPattern : DistributedPattern<DotWaitOp> {
  using DistributedPattern::DistributedPattern;
  LogicalResult
  matchAndRewrite(DotWaitOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto vecType = cast<VectorType>(adaptor.getInput().getType());
    int64_t n = vecType.getNumElements();
    SmallVector<Value> regs;
    std::string constraints;
    for (int64_t i = 0; i < n; ++i) {
      regs.push_back(vector::ExtractOp::create(rewriter, loc,
                                               adaptor.getInput(),
                                               ArrayRef<int64_t>{i}));
      constraints += (i ? ",=f" : "=f");
    }
    for (int64_t i = 0; i < n; ++i)
      constraints += "," + std::to_string(i);
    auto structType = LLVM::LLVMStructType::getLiteral(
        rewriter.getContext(),
        SmallVector<Type>(n, vecType.getElementType()));
    auto wait = sideEffectingPtx(rewriter, loc, structType, regs,
                                 "wgmma.wait_group.sync.aligned " +
                                     std::to_string(op.getPending()) + ";",
                                 constraints);
    SmallVector<Value> out;
    for (int64_t i = 0; i < n; ++i)
      out.push_back(
          LLVM::ExtractValueOp::create(rewriter, loc, wait.getRes(), i));
    rewriter.replaceOpWithNewOp<vector::FromElementsOp>(op, vecType, out);
    return success();
  }
};

/// Any elementwise op on tiles: the same op on the threads' vectors.
struct ElementwisePattern : ConversionPattern {
  ElementwisePattern(const TypeConverter &converter, MLIRContext *ctx)
      : ConversionPattern(converter, MatchAnyOpTypeTag(), 1, ctx) {}
  LogicalResult
  matchAndRewrite(Operation *op, ArrayRef<Value> operands,
                  ConversionPatternRewriter &rewriter) const override {
    if (!op->hasTrait<OpTrait::Elementwise>() || op->getNumRegions() != 0 ||
        op->getNumResults() != 1 ||
        !llvm::any_of(op->getResultTypes(), isTile))
      return failure();
    Type resultType = getTypeConverter()->convertType(op->getResult(0).getType());
    if (!resultType)
      return failure();
    Location loc = op->getLoc();
    // f32 to fp8 (checkSupported): pairs through cvt.rn.satfinite.
    if (auto trunc = dyn_cast<arith::TruncFOp>(op);
        trunc && isFloat8(getElementTypeOrSelf(trunc.getType()))) {
      auto vecType = cast<VectorType>(resultType);
      Type f8 = vecType.getElementType();
      auto pairType = VectorType::get({2}, rewriter.getI8Type());
      SmallVector<Value> elems;
      int64_t n = vecType.getNumElements();
      auto at = [&](int64_t i) {
        return vector::ExtractOp::create(rewriter, loc, operands[0],
                                         ArrayRef<int64_t>{std::min(i, n - 1)})
            .getResult();
      };
      // An even count is built as a vector of the pairs (16 bits each)
      // viewed as bytes: a register-A fp8 operand takes its 32-bit words
      // as two pairs (DotPattern), which LLVM then moves whole instead of
      // byte by byte (PRMT/LOP3 for each byte of each word).
      SmallVector<Value> pairs;
      for (int64_t i = 0; i < n; i += 2) {
        // The second operand lands in the low byte: element i of the pair.
        Value pair = NVVM::ConvertF32x2ToF8x2Op::create(
            rewriter, loc, pairType, at(i + 1), at(i), NVVM::FPRoundingMode::RN,
            NVVM::SaturationMode::SATFINITE, /*relu=*/false, f8);
        if (n % 2 == 0) {
          pairs.push_back(LLVM::BitcastOp::create(
              rewriter, loc, rewriter.getI16Type(), pair));
          continue;
        }
        Value typed = vector::BitCastOp::create(
            rewriter, loc, VectorType::get({2}, f8), pair);
        for (int64_t k = 0; k < 2 && i + k < n; ++k)
          elems.push_back(vector::ExtractOp::create(rewriter, loc, typed,
                                                    ArrayRef<int64_t>{k}));
      }
      if (n % 2 == 0) {
        Value words = vector::FromElementsOp::create(
            rewriter, loc, VectorType::get({n / 2}, rewriter.getI16Type()),
            pairs);
        rewriter.replaceOpWithNewOp<vector::BitCastOp>(op, vecType, words);
        return success();
      }
      rewriter.replaceOpWithNewOp<vector::FromElementsOp>(op, vecType, elems);
      return success();
    }
    if (isa<math::MathDialect>(op->getDialect())) {
      auto vecType = cast<VectorType>(resultType);
      SmallVector<Value> elems;
      for (int64_t i = 0; i < vecType.getNumElements(); ++i) {
        Value x = vector::ExtractOp::create(rewriter, loc, operands[0],
                                            ArrayRef<int64_t>{i});
        auto y = emitFastMath(rewriter, loc, op, x);
        if (failed(y))
          return failure();
        elems.push_back(*y);
      }
      rewriter.replaceOpWithNewOp<vector::FromElementsOp>(op, vecType, elems);
      return success();
    }
    OperationState state(loc, op->getName(), operands, resultType,
                         op->getAttrs());
    rewriter.replaceOp(op, rewriter.create(state)->getResults());
    return success();
  }
};

/// arith.select on a mask of indices (tile.iota, splats, elementwise
/// integer ops), element by element: each element's mask is computed and
/// used at once, its iota coordinates recomputed there. Op by op, on whole
/// vectors, the 64 compares of a 64-element tile come before the 64
/// selects and every element's column (an iota made before attention's
/// key loop) is held across the loop: ptxas then needed 236 registers for
/// attention's 64 x 128 block instead of 167 (one program fewer an SM).
/// The mask's own
/// ops are still converted; with no other use they are dead.
struct FusedSelectPattern : DistributedPattern<arith::SelectOp> {
  using DistributedPattern::DistributedPattern;

  /// Whether `v` is computed element by element here: an iota or splat
  /// (recomputed, wherever it is), or an elementwise op of the select's
  /// block all of whose results feed only the mask.
  static bool inMask(Value v, arith::SelectOp select,
                     DenseSet<Operation *> &mask) {
    Operation *def = v.getDefiningOp();
    if (!def)
      return false;
    if (mask.contains(def))
      return true;
    if (isa<IotaOp, SplatOp>(def)) {
      mask.insert(def);
      return true;
    }
    if (def->getBlock() != select->getBlock() ||
        !def->hasTrait<OpTrait::Elementwise>() || def->getNumRegions() != 0 ||
        def->getNumResults() != 1 || !isPure(def) ||
        isa<math::MathDialect>(def->getDialect()) ||
        !llvm::all_of(def->getOperandTypes(), isTile))
      return false;
    for (Value operand : def->getOperands())
      inMask(operand, select, mask); // an operand not in it is read
    mask.insert(def);
    return true;
  }

  LogicalResult
  matchAndRewrite(arith::SelectOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto condType = dyn_cast<RankedTensorType>(op.getCondition().getType());
    auto type = dyn_cast<VectorType>(
        getTypeConverter()->convertType(op.getType()));
    if (!condType || !type || !isDistributed(layoutOf(condType)))
      return failure();
    DenseSet<Operation *> mask;
    Operation *root = op.getCondition().getDefiningOp();
    if (!root || isa<IotaOp, SplatOp>(root) ||
        !inMask(op.getCondition(), op, mask))
      return failure();
    // Ops of the block whose result something else uses stay vectors: read.
    for (Operation *m : llvm::make_early_inc_range(mask))
      if (!isa<IotaOp, SplatOp>(m) && m != root &&
          llvm::any_of(m->getUsers(),
                       [&](Operation *u) { return !mask.contains(u); }))
        mask.erase(m);
    Location loc = op.getLoc();
    std::function<Value(Value, int64_t)> element = [&](Value v,
                                                       int64_t e) -> Value {
      Operation *def = v.getDefiningOp();
      if (!def || !mask.contains(def))
        return vector::ExtractOp::create(rewriter, loc,
                                         rewriter.getRemappedValue(v),
                                         ArrayRef<int64_t>{e});
      if (auto splat = dyn_cast<SplatOp>(def))
        return rewriter.getRemappedValue(splat.getValue());
      if (auto iota = dyn_cast<IotaOp>(def))
        return iotaElement(rewriter, loc, iota, e, state.tid);
      SmallVector<Value> scalars;
      for (Value operand : def->getOperands())
        scalars.push_back(element(operand, e));
      OperationState scalar(loc, def->getName(), scalars,
                            getElementTypeOrSelf(def->getResult(0).getType()),
                            def->getAttrs());
      return rewriter.create(scalar)->getResult(0);
    };
    SmallVector<Value> elems;
    for (int64_t e = 0, n = type.getNumElements(); e < n; ++e) {
      Value cond = element(op.getCondition(), e);
      Value x = vector::ExtractOp::create(rewriter, loc, adaptor.getTrueValue(),
                                          ArrayRef<int64_t>{e});
      Value y = vector::ExtractOp::create(
          rewriter, loc, adaptor.getFalseValue(), ArrayRef<int64_t>{e});
      elems.push_back(arith::SelectOp::create(rewriter, loc, cond, x, y));
    }
    rewriter.replaceOpWithNewOp<vector::FromElementsOp>(op, type, elems);
    return success();
  }
};

/// Whether `dot` has completed by the end of its block: synchronous, or
/// async and read only by tile.dot_waits of the block each of which
/// finishes it: groups complete in order, so a wait with `pending` = N
/// finishes the dot when N or more async dots were issued between them.
/// (A GEMM loop's `pending = 1` right after its dot leaves it running into
/// the next iteration.)
bool completesInIteration(DotOp dot) {
  if (!dot.getAsync())
    return true;
  auto finishes = [&](Operation *user) {
    auto wait = dyn_cast<DotWaitOp>(user);
    if (!wait || wait->getBlock() != dot->getBlock() ||
        !dot->isBeforeInBlock(wait))
      return false;
    std::optional<int64_t> younger = asyncDotsBetween(dot, wait);
    int64_t pending = wait.getPending();
    return younger ? *younger >= pending : pending == 0;
  };
  return !dot->use_empty() && llvm::all_of(dot->getUsers(), finishes);
}

/// Whether async `dot` is carried into the next iteration of its loop and
/// completes there before anything reads it (tile-pipeline-loads'
/// overlap_carried_dots): the yield alone reads it, and only
/// tile.dot_waits with pending 0 in the loop's body read the value it
/// becomes.
bool completesInNextIteration(DotOp dot) {
  auto loop = dyn_cast<scf::ForOp>(dot->getParentOp());
  if (!loop || !dot.getAsync() || !dot->hasOneUse())
    return false;
  OpOperand &use = *dot->getUses().begin();
  if (use.getOwner() != loop.getBody()->getTerminator())
    return false;
  BlockArgument carried = loop.getRegionIterArgs()[use.getOperandNumber()];
  return !carried.use_empty() &&
         llvm::all_of(carried.getUsers(), [&](Operation *user) {
           auto wait = dyn_cast<DotWaitOp>(user);
           return wait && wait.getPending() == 0 &&
                  wait->getBlock() == loop.getBody();
         });
}

/// Whether the lowering takes `op`; if not, says why at the op.
LogicalResult checkSupported(Operation *op) {
  auto tileTypes = llvm::concat<Type>(op->getOperandTypes(),
                                      op->getResultTypes());
  bool touchesTiles = llvm::any_of(tileTypes, isTile);
  // A thread keeps its elements of a tile in registers: a tile far larger
  // than that is refused before anything counts its elements (the count
  // could overflow, and the patterns walk every element).
  for (Type t : op->getResultTypes()) {
    auto tile = dyn_cast<RankedTensorType>(t);
    LayoutAttrInterface layout = layoutOf(t);
    if (!tile || !layout || isShared(t))
      continue;
    std::optional<int64_t> elements = 1;
    for (int64_t d : tile.getShape())
      if (elements)
        elements = llvm::checkedMul(*elements, d);
    int64_t limit = layout.getNumThreads() * kMaxElementsPerThread;
    if (!elements || *elements > limit)
      return op->emitOpError()
             << "makes a " << t << ", more than " << kMaxElementsPerThread
             << " elements a thread of " << layout.getNumThreads()
             << "; the register lowering keeps each thread's elements in "
                "registers: use smaller tiles or more warps";
  }
  // Staged (#tile.shared) tiles come from tile.convert_layout and go to
  // tile.dot only.
  for (Type t : op->getResultTypes())
    if (isShared(t) && !isa<ConvertLayoutOp, RingGetOp>(op))
      return op->emitOpError()
             << "produces a tile laid out as #tile.shared; only "
                "tile.convert_layout and tile.ring_get stage tiles in shared "
                "memory (for tile.dot): let tile-assign-layouts and "
                "tile-pipeline-loads do it";
  // Tiles in shared memory must fit it; checked here, without products
  // that could overflow, before anything sizes buffers.
  auto fitsSharedMemory = [&](RankedTensorType tile) -> LogicalResult {
    ArrayRef<int64_t> shape = tile.getShape();
    int64_t bytes = tile.getElementTypeBitWidth() / 8;
    if (shape[0] <= kMaxSharedMemory && shape[1] <= kMaxSharedMemory &&
        shape[0] * shape[1] <= kMaxSharedMemory / bytes)
      return success();
    return op->emitOpError()
           << "stages a " << shape[0] << " x " << shape[1] << " tile of "
           << tile.getElementType() << " in shared memory, more than the "
           << kMaxSharedMemory << " bytes a block has on sm_90";
  };
  for (Type t : op->getResultTypes()) {
    if (isShared(t) && failed(fitsSharedMemory(cast<RankedTensorType>(t))))
      return failure();
    if (auto ring = dyn_cast<RingType>(t))
      for (RankedTensorType tile : ring.getTiles())
        if (failed(fitsSharedMemory(tile)))
          return failure();
  }
  // A ring is used where it is allocated: the patterns find its buffers
  // and barriers from its tile.ring_alloc.
  for (Value v : op->getOperands())
    if (isa<RingType>(v.getType()) && !v.getDefiningOp<RingAllocOp>())
      return op->emitOpError()
             << "uses a ring that is not the result of a tile.ring_alloc "
                "(a block or loop argument); the sm_90a lowering needs the "
                "allocation in sight";
  for (Type t : op->getResultTypes())
    if (isa<RingType>(t) && !isa<RingAllocOp>(op))
      return op->emitOpError()
             << "produces a ring; only tile.ring_alloc makes rings";
  if (auto put = dyn_cast<RingPutOp>(op)) {
    RankedTensorType tile = put.getRing().getType().getTiles()[put.getMember()];
    int64_t sourceRank = cast<MemRefType>(put.getSource().getType()).getRank();
    if (tile.getShape()[0] > 256 || tile.getRank() != 2 || sourceRank < 2 ||
        sourceRank > 5)
      return op->emitOpError()
             << "loads a " << tile.getShape()[0] << "-row tile of a rank-"
             << sourceRank
             << " source; the sm_90a lowering loads 2-d tiles of at most 256 "
                "rows from sources of rank 2 to 5 (one TMA box a 128-byte "
                "column chunk)";
    return success();
  }
  if (isa<RingAllocOp, RingGetOp, RingReleaseOp>(op))
    return success();
  if (auto wait = dyn_cast<DotWaitOp>(op)) {
    if (!isa_and_nonnull<WgmmaAccLayoutAttr>(wait.getType().getEncoding()))
      return op->emitOpError() << "waits for " << wait.getType()
                               << "; async tile.dot results are laid out as "
                                  "#tile.wgmma_acc";
    return success();
  }
  for (Type t : op->getOperandTypes())
    if (isShared(t) && !isa<DotOp, ConvertLayoutOp>(op))
      return op->emitOpError()
             << "reads a tile laid out as #tile.shared; only tile.dot and "
                "tile.convert_layout (a transposition in shared memory) read "
                "staged tiles";
  // tile-assign-layouts stages a loop's dot operand that no blocked layout
  // covers without one, for tile-pipeline-loads to load by TMA.
  auto stagedBy = [](LoadOp load) {
    auto convert = load->hasOneUse()
                       ? dyn_cast<ConvertLayoutOp>(*load->getUsers().begin())
                       : ConvertLayoutOp();
    return convert && isShared(convert.getType());
  };
  if (auto load = dyn_cast<LoadOp>(op);
      load && !layoutOf(load.getType()) && stagedBy(load))
    return op->emitOpError()
           << "loads a dot operand of type " << load.getType()
           << " that no blocked layout of the kernel's warps covers, so only "
              "a TMA ring can stage it, and tile-pipeline-loads made none "
              "(it does for a load at the kernel's top level, or in a loop "
              "with num_stages >= 2 and indices loop-invariant or functions "
              "of the induction variable, from a memref that only such "
              "loads read): use a tile the warps divide";
  for (Type t : tileTypes)
    if (isTile(t) && !isShared(t) && !isDistributed(layoutOf(t)))
      return op->emitOpError()
             << "has a tile of type " << t
             << " without a #tile.blocked layout (or a slice of one), which "
                "the register lowering needs; "
                "run tile-assign-layouts first";
  if (isa<LoadOp, StoreOp>(op)) {
    Type elt = getElementTypeOrSelf(
        isa<LoadOp>(op) ? op->getResult(0).getType()
                        : cast<StoreOp>(op).getValue().getType());
    if (!elt.isIntOrFloat())
      return op->emitOpError() << "moves " << elt
                               << " elements; the register lowering loads and "
                                  "stores integers and floats";
    return success();
  }
  // A reduction's result and a broadcast's operand must be the slice of
  // the other side's blocked layout along the op's dimension (what
  // tile-assign-layouts gives them): the patterns match elements by it.
  auto checkSlice = [&](Type full, Type sliced, int64_t dim,
                        bool accParent) -> LogicalResult {
    LayoutAttrInterface parent = layoutOf(full);
    bool parentOk = isa_and_nonnull<BlockedLayoutAttr>(parent) ||
                    (accParent && isa_and_nonnull<WgmmaAccLayoutAttr>(parent));
    if (parentOk && layoutOf(sliced) == SliceLayoutAttr::get(op->getContext(),
                                                             dim, parent))
      return success();
    return op->emitOpError()
           << "needs its 1-d side laid out as #tile.slice<dim = " << dim
           << "> of its 2-d side's #tile.blocked"
           << (accParent ? " or #tile.wgmma_acc" : "")
           << " layout (as tile-assign-layouts lays them out); got " << full
           << " and " << sliced;
  };
  if (auto broadcast = dyn_cast<BroadcastOp>(op)) {
    RankedTensorType type = broadcast.getType();
    if (failed(checkSlice(type, broadcast.getInput().getType(),
                          broadcast.getDim(), /*accParent=*/true)))
      return failure();
    if (!sliceIndices(layoutOf(type), broadcast.getDim(), type.getShape()))
      return op->emitOpError()
             << "broadcasts into " << type
             << ", whose threads do not hold their slice elements in one "
                "order; the register lowering broadcasts with one shuffle";
    return success();
  }
  if (auto transpose = dyn_cast<TransposeOp>(op)) {
    // Element i of each thread must be the same element, transposed.
    RankedTensorType in = transpose.getInput().getType(),
                     out = transpose.getType();
    LayoutAttrInterface inLayout = layoutOf(in), outLayout = layoutOf(out);
    int64_t n = inLayout.getElementsPerThread(in.getShape());
    bool same = n == outLayout.getElementsPerThread(out.getShape());
    AffineMap inMap = inLayout.getCoordinates(in.getShape()),
              outMap = outLayout.getCoordinates(out.getShape());
    for (int64_t t = 0; same && t < inLayout.getNumThreads(); ++t)
      for (int64_t e = 0; same && e < n; ++e) {
        SmallVector<int64_t> a = coordsAt(inMap, t, e), c = coordsAt(outMap, t, e);
        same = a[0] == c[1] && a[1] == c[0];
      }
    if (!same)
      return op->emitOpError()
             << "needs its result laid out as its input's layout with the "
                "dimensions swapped (as tile-assign-layouts lays it out); got "
             << in << " and " << out;
    return success();
  }
  if (auto dot = dyn_cast<DotOp>(op)) {
    auto acc = dyn_cast_or_null<WgmmaAccLayoutAttr>(
        dot.getType().getEncoding());
    RankedTensorType lhsType = dot.getLhs().getType();
    bool registerA = readsRegisterA(lhsType, acc);
    if (!(isShared(lhsType) || registerA) ||
        !isShared(dot.getRhs().getType()) || !acc)
      return op->emitOpError()
             << "needs both operands staged in #tile.shared (or A in its "
                "accumulator's layout: 16 bits with K a multiple of 16, 8 "
                "with K a multiple of 32) and its accumulator "
                "laid out as #tile.wgmma_acc (run tile-assign-layouts "
                "before this pass)";
    auto rhsLayout = cast<SharedLayoutAttr>(dot.getRhs().getType().getEncoding());
    bool fp8 = isFloat8(lhsType.getElementType());
    if (auto lhsLayout =
            dyn_cast_or_null<SharedLayoutAttr>(lhsType.getEncoding());
        lhsLayout && (lhsLayout.getTransposed() || lhsLayout.getAccOrder()))
      return op->emitOpError()
             << "reads A laid out as " << lhsLayout
             << "; wgmma reads A K-major as staged (#tile.shared without "
                "transposed or acc_order)";
    if (dot.getTransposeRhs() && rhsLayout.getTransposed())
      return op->emitOpError()
             << "reads B as N x K (transpose_rhs) laid out transposed; a "
                "transposed B is the K x N tile stored K-major: drop one";
    if (!dot.getTransposeRhs() && fp8 && !rhsLayout.getTransposed())
      return op->emitOpError()
             << "reads B as K x N (MN-major) of " << lhsType.getElementType()
             << "; fp8 wgmma reads B K-major only: stage B as "
                "#tile.shared<transposed = true> (tile-assign-layouts does), "
                "or store it as N x K and use transpose_rhs";
    if (!fp8 && rhsLayout.getTransposed())
      return op->emitOpError()
             << "reads a 16-bit B laid out transposed in shared memory; "
                "wgmma reads 16-bit K x N tiles as they are (MN-major)";
    // An fp8 A from registers reads accumulator columns 4q..4q+3 of each
    // 16 where the accumulator holds 2q, 2q + 1, 8 + 2q, 9 + 2q: B's K
    // index must come in that order.
    if (registerA && fp8 != rhsLayout.getAccOrder())
      return op->emitOpError()
             << "reads "
             << (fp8 ? "an fp8 A from registers with B's K index in order; "
                       "it needs B laid out with acc_order = true (what "
                       "tile-assign-layouts gives a K x N B)"
                     : "a 16-bit A from registers with B in acc_order, "
                       "which serves fp8 only");
    if (!registerA && rhsLayout.getAccOrder())
      return op->emitOpError()
             << "reads B in acc_order with A from shared memory; acc_order "
                "serves an fp8 A taken from registers in the accumulator's "
                "layout";
    RankedTensorType type = dot.getType();
    int64_t m = type.getShape()[0], n = type.getShape()[1];
    if (m % (64 * acc.getWarpgroups()) != 0 || n % 8 != 0 || n > 256)
      return op->emitOpError()
             << "computes a " << m << " x " << n << " tile; wgmma takes 64 "
             << "rows a warpgroup slice (" << acc.getWarpgroups()
             << " warpgroups) and N a multiple of 8 up to 256";
    if (!wgmmaOperandType(dot.getLhs().getType().getElementType()))
      return op->emitOpError() << "multiplies "
                               << dot.getLhs().getType().getElementType()
                               << "; wgmma takes bf16, f16, f8E4M3FN, f8E5M2";
    return success();
  }
  if (auto convert = dyn_cast<ConvertLayoutOp>(op)) {
    RankedTensorType in = convert.getInput().getType(), out = convert.getType();
    if (isShared(in) && !isShared(out))
      return op->emitOpError()
             << "reads a tile back from #tile.shared into registers, which "
                "the register lowering does not do yet";
    if (isShared(in)) {
      auto from = cast<SharedLayoutAttr>(in.getEncoding());
      auto to = cast<SharedLayoutAttr>(out.getEncoding());
      if (from.getTransposed() || !to.getTransposed() ||
          in.getElementTypeBitWidth() != 8 || in.getShape()[0] % 16 != 0 ||
          in.getShape()[1] % 16 != 0)
        return op->emitOpError()
               << "converts " << in << " to " << out
               << "; in shared memory the register lowering only transposes "
                  "8-bit tiles of 16 x 16 blocks (an fp8 B for wgmma): from "
                  "#tile.shared to #tile.shared<transposed = true>";
      return success();
    }
    if (isShared(out) && cast<SharedLayoutAttr>(out.getEncoding()).getTransposed())
      return op->emitOpError()
             << "stages a tile from registers as " << out
             << "; the register lowering writes registers to #tile.shared "
                "untransposed only: transpose the tile in registers "
                "(tile.transpose) or stage it untransposed first";
    Type elt = convert.getType().getElementType();
    if (!elt.isIntOrFloat() || !llvm::is_contained({8u, 16u, 32u},
                                                   elt.getIntOrFloatBitWidth()))
      return op->emitOpError()
             << "converts a tile of " << elt
             << "; the register lowering converts integers and floats of 8, "
                "16 or 32 bits (through shared memory): convert a mask with "
                "arith.extui first, 64-bit values to 32 bits";
    return success();
  }
  if (!touchesTiles || isa<SplatOp, IotaOp, scf::ForOp, scf::YieldOp,
                           scf::IfOp>(op))
    return success();
  if (auto reduce = dyn_cast<ReduceOp>(op)) {
    RankedTensorType in = reduce.getInput().getType();
    if (failed(checkSlice(in, reduce.getType(), reduce.getDim(),
                          /*accParent=*/true)))
      return failure();
    if (!spreadAlong(layoutOf(in), in.getShape(), reduce.getDim()))
      return op->emitOpError()
             << "reduces " << in << " along dimension " << reduce.getDim()
             << ", whose threads do not split the dimension into groups "
                "that each hold every element once (a layout larger than "
                "the tile?); the register lowering combines such groups "
                "by shuffles and through shared memory";
    Type elt = reduce.getType().getElementType();
    if (!elt.isF32() && !elt.isInteger(32))
      return op->emitOpError()
             << "reduces " << elt
             << " elements; the register lowering reduces f32 and i32 "
                "(shuffles move 32 bits): convert with arith.extf/extsi "
                "first";
    return success();
  }
  if (!op->hasTrait<OpTrait::Elementwise>() || op->getNumResults() != 1)
    return op->emitOpError()
           << "is not supported on tiles by the register lowering "
              "(tile.load/store/splat/iota/reduce/broadcast/transpose/"
              "convert_layout/dot, tile.ring_* and tile.dot_wait, "
              "elementwise arith and math ops, scf.for and scf.if)";
  if (isa<math::MathDialect>(op->getDialect())) {
    if (!hasFastMath(op))
      return op->emitOpError() << kFastMathOnly;
  }
  if (auto trunc = dyn_cast<arith::TruncFOp>(op);
      trunc && isFloat8(getElementTypeOrSelf(trunc.getType())) &&
      trunc.getRoundingmodeAttr() &&
      trunc.getRoundingmodeAttr().getValue() !=
          arith::RoundingMode::to_nearest_even)
    return op->emitOpError()
           << "rounds to an 8-bit float with rounding mode "
           << arith::stringifyRoundingMode(
                  trunc.getRoundingmodeAttr().getValue())
           << "; the register lowering rounds to nearest even (cvt.rn, "
              "saturating to the largest finite value): drop the mode";
  if (auto trunc = dyn_cast<arith::TruncFOp>(op);
      trunc && isFloat8(getElementTypeOrSelf(trunc.getType())) &&
      !getElementTypeOrSelf(trunc.getIn().getType()).isF32())
    return op->emitOpError()
           << "rounds " << getElementTypeOrSelf(trunc.getIn().getType())
           << " to an 8-bit float; the register lowering rounds f32 to fp8 "
              "(cvt.rn.satfinite, LLVM has no fptrunc to fp8): arith.extf "
              "to f32 first";
  return success();
}

class DistributedEmitter : KernelEmitter {
public:
  DistributedEmitter(KernelOp kernel, gpu::GPUModuleOp gpuModule,
                     const LoweringOptions &options)
      : KernelEmitter(kernel, gpuModule, options) {}

  LogicalResult emit();
};

LogicalResult DistributedEmitter::emit() {
  if (failed(checkSpecialized(kernel)))
    return failure();
  auto warps = evalKernelExpr(kernel, kernel.getNumWarpsAttr(),
                              configBindings(kernel), 4, "num_warps");
  if (failed(warps))
    return failure();
  if (*warps < 1 || *warps > kMaxWarps)
    return kernel.emitOpError() << "num_warps = " << *warps
                                << " must be between 1 and " << kMaxWarps
                                << " (1024 threads a block)";
  int64_t threads = *warps * 32;
  WalkResult unsupported = kernel.getBody().walk([&](Operation *op) {
    if (failed(checkSupported(op)))
      return WalkResult::interrupt();
    for (Type t : op->getResultTypes())
      if (LayoutAttrInterface layout = layoutOf(t);
          layout && layout.getNumThreads() != threads) {
        op->emitOpError() << "has a tile laid out over "
                          << layout.getNumThreads() << " threads in a block of "
                          << threads << "; lay it out over num_warps warps";
        return WalkResult::interrupt();
      }
    return WalkResult::advance();
  });
  if (unsupported.wasInterrupted())
    return failure();

  // Arguments that rings load (tile.ring_put) are passed as TMA
  // descriptors, one box each: a 128-byte column chunk of the ring's tile.
  llvm::MapVector<Value, nvgpu::TensorMapDescriptorType> tensorMaps;
  WalkResult badSource = kernel.walk([&](RingPutOp put) {
    auto arg = dyn_cast<BlockArgument>(put.getSource());
    if (!arg || arg.getOwner()->getParentOp() != kernel) {
      put.emitOpError() << "loads from a value that is not an argument of "
                           "the kernel; the sm_90a lowering passes a ring's "
                           "source as a TMA descriptor";
      return WalkResult::interrupt();
    }
    RankedTensorType tile = put.getRing().getType().getTiles()[put.getMember()];
    int64_t rank = cast<MemRefType>(put.getSource().getType()).getRank();
    SmallVector<int64_t> box(rank, 1);
    box[rank - 2] = tile.getShape()[0];
    box[rank - 1] = chunksOf(tile).columns;
    auto type = tensorMapType(
        box, tile.getElementType(),
        cast<SharedLayoutAttr>(tile.getEncoding()).getSwizzle());
    auto [it, inserted] = tensorMaps.insert({arg, type});
    if (!inserted && it->second != type) {
      put.emitOpError() << "loads argument " << arg.getArgNumber()
                        << " in another box than an earlier tile.ring_put; "
                           "a TMA descriptor has one box";
      return WalkResult::interrupt();
    }
    for (Operation *user : arg.getUsers())
      if (!isa<RingPutOp>(user)) {
        user->emitOpError()
            << "reads argument " << arg.getArgNumber()
            << ", which tile.ring_put loads through a TMA descriptor; "
               "the sm_90a lowering passes it only as that descriptor";
        return WalkResult::interrupt();
      }
    return WalkResult::advance();
  });
  if (badSource.wasInterrupted())
    return failure();
  createFunction(tensorMaps, threads);
  LoweringState state;
  // In the body, each such argument is a memref that stands for its
  // descriptor; nothing but the ring_put patterns reads it.
  for (auto &[arg, descriptor] : descriptors) {
    Value standIn =
        UnrealizedConversionCastOp::create(b, arg.getType(), descriptor)
            .getResult(0);
    map.map(arg, standIn);
    state.descriptorOf[standIn] = descriptor;
  }
  // Tiles staged in #tile.shared (tile.dot operands) live in dynamic shared
  // memory, aligned to the 1024-byte swizzle atom, one buffer each; rings
  // after them, `stages` buffers each.
  int64_t sharedBytes = 0;
  DenseMap<Operation *, int64_t> dynamicOffsets; // kernel op -> byte offset
  auto bytesOf = [](RankedTensorType type) {
    return llvm::alignTo(
        type.getNumElements() * (type.getElementTypeBitWidth() / 8), kAlign);
  };
  // What each buffer is used by: from the op of the kernel's body that
  // holds its first use to the one that holds its last (a loop as a whole).
  Block &body = kernel.getBody().front();
  DenseMap<Operation *, int64_t> position;
  for (auto [i, op] : llvm::enumerate(body))
    position[&op] = i;
  auto at = [&](Operation *op) {
    return position.lookup(body.findAncestorOpInBlock(*op));
  };
  auto lastUse = [&](Operation *op) {
    int64_t last = at(op);
    for (Operation *user : op->getUsers())
      last = std::max(last, at(user));
    return last;
  };
  struct Live {
    int64_t begin, end, last; // bytes [begin, end), used up to op `last`
  };
  SmallVector<Live> live;
  // A transposition in shared memory in a loop, read only by dots after
  // it in the body that complete in the same iteration, takes two buffers
  // in turn; three when a dot completes in the next iteration
  // (LoweringState::Transposition).
  DenseMap<Operation *, int64_t> alternating;
  // A dot still in flight after its iteration reads a transposition's
  // buffer while the next iteration rewrites it: only the carried form
  // (completesInNextIteration), which three alternating buffers cover, may
  // do so; the block barriers of a transposition that does not alternate
  // wait for no wgmma.
  WalkResult placed = kernel.walk([&](ConvertLayoutOp op) {
    if (!isShared(op.getType()))
      return WalkResult::advance();
    bool alternate =
        transpositionAlternates(op) &&
        llvm::all_of(op->getUsers(), [](Operation *user) {
          auto dot = cast<DotOp>(user);
          return completesInIteration(dot) || completesInNextIteration(dot);
        });
    bool carried =
        alternate && llvm::any_of(op->getUsers(), [](Operation *user) {
          return completesInNextIteration(cast<DotOp>(user));
        });
    if (op->getParentOfType<scf::ForOp>())
      for (Operation *user : op->getUsers()) {
        auto dot = dyn_cast<DotOp>(user);
        if (!dot || completesInIteration(dot) ||
            (carried && completesInNextIteration(dot)))
          continue;
        dot.emitOpError()
            << "reads a transposition in shared memory made in its loop but "
               "is still in flight after the iteration, while the next "
               "iteration's transposition rewrites that buffer; wait for it "
               "in the iteration (tile.dot_wait {pending = 0}), or carry its "
               "result only to the next iteration as tile-pipeline-loads' "
               "overlap_carried_dots does";
        return WalkResult::interrupt();
      }
    int64_t buffers = carried ? 3 : alternate ? 2 : 1;
    if (alternate)
      alternating[op] = buffers;
    dynamicOffsets[op] = sharedBytes;
    sharedBytes += bytesOf(op.getType()) * buffers;
    live.push_back({dynamicOffsets[op], sharedBytes, lastUse(op)});
    return WalkResult::advance();
  });
  if (placed.wasInterrupted())
    return failure();
  SmallVector<LoweringState::Ring> rings; // in walk order
  kernel.walk([&](RingAllocOp op) {
    RingType type = op.getType();
    LoweringState::Ring ring;
    ring.offset = sharedBytes;
    for (RankedTensorType tile : type.getTiles()) {
      ring.memberOffset.push_back(ring.bufferBytes);
      ring.memberBytes.push_back(tile.getNumElements() *
                                 (tile.getElementTypeBitWidth() / 8));
      ring.bufferBytes += bytesOf(tile);
    }
    ring.stages = type.getStages();
    sharedBytes += ring.bufferBytes * ring.stages;
    // In use until the last reader of a tile it gave (a one-buffer ring's
    // get is before the loop that reads the tile).
    int64_t last = lastUse(op);
    for (Operation *user : op->getUsers())
      if (isa<RingGetOp>(user)) {
        last = std::max(last, lastUse(user));
        // A tile transposed in shared memory is read by every thread.
        for (Operation *reader : user->getUsers())
          if (auto convert = dyn_cast<ConvertLayoutOp>(reader);
              convert && isShared(convert.getType()))
            ring.releasedByEachThread = true;
      }
    rings.push_back(ring);
    live.push_back({ring.offset, sharedBytes, last});
  });
  // With dynamic shared memory in use, the layout conversions' scratch goes
  // there too (static shared memory has 48 KiB; a 128 x 256 bf16 wgmma
  // accumulator on its way to 16-byte stores is 64), each at the lowest
  // offset that overlaps no buffer still in use after it: the epilogue's
  // conversion reuses the ring buffers of the loop before it. Ring and
  // staged buffers keep their offsets.
  if (sharedBytes)
    kernel.walk([&](ConvertLayoutOp op) {
      if (isShared(op.getType()))
        return;
      int64_t bytes = convertScratchOf(op).elements(op.getType()) *
                      (op.getType().getElementTypeBitWidth() / 8);
      int64_t here = at(op);
      SmallVector<std::pair<int64_t, int64_t>> taken;
      for (const Live &l : live)
        if (l.last >= here)
          taken.push_back({l.begin, l.end});
      llvm::sort(taken);
      int64_t offset = 0;
      for (auto [begin, end] : taken) {
        if (offset + bytes <= begin)
          break;
        offset = std::max<int64_t>(offset, llvm::alignTo(end, 128));
      }
      dynamicOffsets[op] = offset;
      live.push_back({offset, offset + bytes, here});
      sharedBytes = std::max(sharedBytes, offset + bytes);
    });
  if (sharedBytes > kMaxSharedMemory)
    return kernel.emitOpError()
           << "needs " << sharedBytes
           << " bytes of shared memory for tile.dot operands and layout "
              "conversions, more than the "
           << kMaxSharedMemory
           << " a block has on sm_90; use smaller tiles or fewer stages";
  if (sharedBytes)
    allocateSharedMemory();
  // Each alternating transposition's "ready" mbarriers, one a buffer, one
  // arrival a thread.
  DenseMap<Operation *, Value> transposeReady;
  if (!alternating.empty()) {
    Value isThread0 = eq(tid, idx(0));
    kernel.walk([&](ConvertLayoutOp op) {
      if (!alternating.contains(op))
        return;
      int64_t buffers = alternating.lookup(op);
      auto group = nvgpu::MBarrierGroupType::get(ctx, smemSpace(), buffers);
      Value ready = nvgpu::MBarrierCreateOp::create(b, group);
      for (int64_t i = 0; i < buffers; ++i)
        nvgpu::MBarrierInitOp::create(b, ready, idx(threads), idx(i),
                                      isThread0);
      transposeReady[op] = ready;
    });
    if (rings.empty())
      publishBarrierInits();
  }
  if (!rings.empty()) {
    Value isThread0 = eq(tid, idx(0));
    for (LoweringState::Ring &ring : rings) {
      auto group = nvgpu::MBarrierGroupType::get(ctx, smemSpace(), ring.stages);
      ring.full = nvgpu::MBarrierCreateOp::create(b, group);
      ring.empty = nvgpu::MBarrierCreateOp::create(b, group);
      for (int64_t s = 0; s < ring.stages; ++s) {
        nvgpu::MBarrierInitOp::create(b, ring.full,
                                      idx(ring.memberOffset.size()), idx(s),
                                      isThread0);
        // One arrival a warpgroup (RingReleasePattern: the threads with
        // tid % 128 == 0), however many warps the last one has; or one a
        // thread.
        nvgpu::MBarrierInitOp::create(
            b, ring.empty,
            idx(ring.releasedByEachThread
                    ? threads
                    : llvm::divideCeil(*warps * 32, kThreadsPerWarpgroup)),
            idx(s), isThread0);
      }
    }
    for (auto &[arg, descriptor] : descriptors)
      nvgpu::TmaPrefetchOp::create(b, descriptor, isThread0);
    publishBarrierInits();
  }
  for (Operation &op : kernel.getBody().front().without_terminator())
    b.clone(op, map);
  gpu::ReturnOp::create(b);

  // The grid and the problem sizes, wherever they are used.
  SmallVector<Operation *> indexOps;
  func.walk([&](Operation *op) {
    if (isa<ProgramIdOp, NumProgramsOp, DimOp>(op))
      indexOps.push_back(op);
  });
  for (Operation *op : indexOps) {
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPoint(op);
    IRMapping scalar;
    emitScalarOp(op, scalar);
    op->getResult(0).replaceAllUsesWith(scalar.lookup(op->getResult(0)));
    op->erase();
  }

  state.tid = tid;
  state.options = options;
  {
    unsigned i = 0;
    func.walk([&](RingAllocOp op) { state.rings[op] = rings[i++]; });
  }
  if (sharedBytes) {
    state.smem = smem;
    state.smemPad = pad;
    state.smemBase = smemBase;
    // The clones of the conversions (all of them have an offset in the
    // dynamic region), in the same (walk) order.
    SmallVector<Operation *> originals, clones;
    kernel.walk([&](ConvertLayoutOp op) { originals.push_back(op); });
    func.walk([&](ConvertLayoutOp op) { clones.push_back(op); });
    for (auto [original, clone] : llvm::zip_equal(originals, clones)) {
      state.sharedOffset[clone] = dynamicOffsets.lookup(original);
      auto ready = transposeReady.find(original);
      if (ready == transposeReady.end())
        continue;
      auto loop = cast<scf::ForOp>(clone->getParentOp());
      OpBuilder::InsertionGuard guard(b);
      b.setInsertionPoint(clone);
      Value iteration = arith::DivUIOp::create(
          b, arith::SubIOp::create(b, loop.getInductionVar(),
                                   loop.getLowerBound()),
          loop.getStep());
      int64_t buffers = alternating.lookup(original);
      state.transpositions[clone] = {rem(iteration, idx(buffers)),
                                     div(iteration, idx(buffers)),
                                     ready->second};
    }
  }
  state.threads = threads;
  state.sharedBytes = sharedBytes;
  int64_t scratchBytes = 0;
  Operation *largest = nullptr; // the op that needs the most scratch
  int64_t largestBytes = 0;
  auto note = [&](Operation *op, int64_t bytes) {
    scratchBytes += bytes;
    if (bytes > largestBytes) {
      largest = op;
      largestBytes = bytes;
    }
  };
  func.walk([&](ReduceOp op) {
    if (int64_t n = reduceScratchElements(op)) {
      auto type = MemRefType::get({n}, op.getType().getElementType(),
                                  MemRefLayoutAttrInterface(), smemSpace());
      state.reduceScratch[op] = func.addWorkgroupAttribution(type, op.getLoc());
      note(op, n * 4);
    }
  });
  func.walk([&](ConvertLayoutOp op) {
    if (state.sharedOffset.count(op)) // in dynamic shared memory instead
      return;
    int64_t n = convertScratchOf(op).elements(op.getType());
    Type elt = op.getType().getElementType();
    auto type = MemRefType::get({n}, elt, MemRefLayoutAttrInterface(),
                                smemSpace());
    state.convertScratch[op] = func.addWorkgroupAttribution(type, op.getLoc());
    note(op, n * (elt.getIntOrFloatBitWidth() / 8));
  });
  // Static shared memory: 48 KiB a block without the opt-in. The ops in
  // the gpu.func carry the kernel's locations.
  if (scratchBytes > 48 * 1024) {
    InFlightDiagnostic diag =
        largest->emitOpError()
        << "needs " << largestBytes << " of the kernel's " << scratchBytes
        << " bytes of shared memory for reductions across warps and layout "
           "conversions, more than the 48 KiB of static shared memory; ";
    if (isa<ConvertLayoutOp>(largest))
      diag << "use smaller tiles (a conversion stages the whole tile)";
    else
      diag << "reduce over fewer warps or smaller tiles";
    return failure();
  }

  // The wait after a loop of async dots gets, on the path that skips the
  // loop, the loop's initial accumulator: zeros that LLVM materializes on
  // that path. ptxas, seeing non-wgmma instructions define registers a
  // wait passes through, then serializes every wgmma of the kernel
  // (advisory C7515; ptx-assembles.test checks it is absent). So the
  // initial accumulator passes through a wait of its own before the loop
  // (nothing is in flight there): both paths then carry registers defined
  // before the branch.
  func.walk([&](DotWaitOp wait) {
    auto loop = wait.getInput().getDefiningOp<scf::ForOp>();
    if (!loop || wait.getPending() != 0)
      return;
    OpOperand &init =
        loop.getInitArgsMutable()[cast<OpResult>(wait.getInput())
                                      .getResultNumber()];
    OpBuilder before(loop);
    init.set(DotWaitOp::create(before, wait.getLoc(), init.get(), 0));
  });

  func.walk([&](RingPutOp put) {
    auto previous = dyn_cast_or_null<RingPutOp>(put->getPrevNode());
    if (previous && previous.getRing() == put.getRing() &&
        previous.getIndex() == put.getIndex() &&
        previous.getMember() + 1 == put.getMember())
      state.bufferClaimed.insert(put);
  });

  DistributedTypeConverter converter;
  ConversionTarget target(*ctx);
  target.addIllegalDialect<TileDialect>();
  target.markUnknownOpDynamicallyLegal(
      [&](Operation *op) { return converter.isLegal(op); });
  RewritePatternSet patterns(ctx);
  patterns.add<SplatPattern, IotaPattern, LoadPattern, StorePattern,
               ReducePattern, BroadcastPattern, TransposePattern,
               ConvertLayoutPattern, DotPattern, RingAllocPattern,
               RingPutPattern, RingGetPattern, RingReleasePattern,
               DotWaitPattern>(
      converter, ctx, state);
  // Before ElementwisePattern (benefit 1), which takes the selects it does
  // not.
  patterns.add<FusedSelectPattern>(converter, ctx, state, /*benefit=*/2);
  patterns.add<ElementwisePattern>(converter, ctx);
  scf::populateSCFStructuralTypeConversionsAndLegality(converter, patterns,
                                                       target);
  if (failed(applyPartialConversion(func, target, std::move(patterns))))
    return kernel.emitOpError()
           << "could not be lowered op by op (see the error above); this is "
              "a bug of the register lowering";
  for (auto &[standIn, descriptor] : state.descriptorOf)
    standIn.getDefiningOp()->erase();
  func->setAttr("tile.launch",
                launchAttr(threads, sharedBytes ? sharedBytes + kSharedMemorySlack
                                                : 0));
  return success();
}

} // namespace

LogicalResult mlir::tile::lowerDistributedKernel(KernelOp kernel,
                                                 gpu::GPUModuleOp gpuModule,
                                                 const LoweringOptions &options) {
  return DistributedEmitter(kernel, gpuModule, options).emit();
}
