//===- KernelEmitter.h - shared pieces of the sm_90a lowerings --*- C++ -*-===//
//
// What the register (op-by-op) lowering of convert-tile-to-nvgpu builds
// on: the gpu.func signature (TMA descriptors, memrefs, scalars, problem
// sizes) and its `tile.launch` dictionary, dynamic shared memory aligned
// for the 128-byte swizzle, wgmma descriptors and instructions, mbarrier
// waits, bounds-checked memory runs, and small index arithmetic helpers.
// Private to lib/Conversion.
//
//===----------------------------------------------------------------------===//
#ifndef TILE_LIB_CONVERSION_KERNELEMITTER_H
#define TILE_LIB_CONVERSION_KERNELEMITTER_H

#include "tile/Dialect/Tile/KernelConfig.h"
#include "tile/Dialect/Tile/TileOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/NVGPU/IR/NVGPUDialect.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/ImplicitLocOpBuilder.h"
#include "llvm/ADT/MapVector.h"
#include "llvm/ADT/StringMap.h"

namespace mlir::tile::lowering {

constexpr int64_t kThreadsPerWarpgroup = 128;
constexpr int64_t kMaxSharedMemory = 232448; // per block on sm_90 (opt-in)
constexpr int64_t kAlign = 1024;             // 128-byte swizzle atom
/// Dynamic shared memory requested beyond what a kernel lays out: room to
/// realign the region to kAlign.
constexpr int64_t kSharedMemorySlack = kAlign;
/// Launch limit checked before anything is built: 32 warps is CUDA's 1024
/// threads a block.
constexpr int64_t kMaxWarps = 32;

/// Whether `t` is a tile (a ranked tensor).
inline bool isTile(Type t) { return isa<RankedTensorType>(t); }

/// The wgmma operand type of element type `t`: bf16, f16, e4m3 (f8E4M3FN),
/// e5m2 (f8E5M2); nothing for any other type (never a silent fallback).
std::optional<NVVM::WGMMATypes> wgmmaOperandType(Type t);

/// Whether `t` is an 8-bit float, which wgmma reads K-major only.
inline bool isFloat8(Type t) {
  return isa<Float8E4M3FNType, Float8E5M2Type>(t);
}

std::optional<int64_t> constantIndex(Value v);


/// Problem-size symbols of the kernel's arguments, in argument order: the
/// i64 parameters appended to the gpu.func.
SmallVector<std::string> problemSizeSymbols(KernelOp kernel);



/// `expr` of the thread id `thread` (dimension 0 of a layout's coordinate
/// map, the element already substituted) as index arithmetic, with the
/// unsigned divui/remui: thread ids and coordinates are never negative.
Value expandThreadExpr(OpBuilder &b, Location loc, AffineExpr expr,
                       Value thread);

/// An index constant.
Value indexConstant(OpBuilder &b, Location loc, int64_t v);

/// Whether `indices` of `memref` and the `width` elements from there along
/// the last dimension are in bounds, and whether the leading indices are:
/// {whole run, row}. Unsigned compares: indices are never negative.
std::pair<Value, Value> inBounds(OpBuilder &b, Location loc, Value memref,
                                 ArrayRef<Value> indices, int64_t width);
/// Whether the element at `indices` of `memref` starts a `bytes`-aligned
/// address (row pitches are only known at run time).
Value isAligned(OpBuilder &b, Location loc, Value memref,
                ArrayRef<Value> indices, int64_t bytes);
/// Whether the tile of `shape` at `indices` of `memref` (identity layout;
/// a tile of lower rank lies in its last dimensions) is in bounds, its
/// origin `bytes`-aligned and its rows a multiple of `bytes` apart: with
/// runs starting at multiples of their width, every run is aligned.
Value tileInBoundsAndAligned(OpBuilder &b, Location loc, Value memref,
                             ArrayRef<Value> indices, ArrayRef<int64_t> shape,
                             int64_t bytes);
/// `width` elements of `memref` from `indices` along the last dimension,
/// as tile.load reads them: one vector load when in bounds and aligned,
/// else each element in bounds and zero for the others.
Value loadRun(OpBuilder &b, Location loc, Value memref,
              ArrayRef<Value> indices, int64_t width, Type elt);
/// The vector `run` stored at `indices` as tile.store writes: one vector
/// store when in bounds and aligned, else each element in bounds.
/// `pastEnd`: the planted bug of test-mutation=store-past-end (no checks).
void storeRun(OpBuilder &b, Location loc, Value run, Value memref,
              ArrayRef<Value> indices, bool pastEnd);

/// math ops of f32 the lowerings compute with the SFU's approximations:
/// the NVPTX backend has no instruction for them, and the pipeline links
/// no libdevice. exp2 and exp: ex2.approx (2^-22 relative); rsqrt:
/// rsqrt.approx; tanh: from ex2.approx (~2e-7 absolute); sqrt (sqrt.rn)
/// and absf exactly.
bool hasFastMath(Operation *op);
constexpr const char *kFastMathOnly =
    "is not supported by the sm_90a lowering: the pipeline links no "
    "libdevice, and only math.exp2, math.exp, math.rsqrt, math.tanh, "
    "math.sqrt and math.absf of f32 are computed here";
/// `op` (hasFastMath) applied to the f32 scalar `x`.
FailureOr<Value> emitFastMath(OpBuilder &b, Location loc, Operation *op,
                              Value x);

/// The coordinates of element `element` of thread `thread` under a
/// layout's coordinate map (LayoutAttrInterface::getCoordinates), as index
/// values.
SmallVector<Value> coordinatesOf(OpBuilder &b, Location loc, AffineMap map,
                                 int64_t element, Value thread);

/// Rejects ops a lowering never expects to see (unbound parameters).
LogicalResult checkSpecialized(KernelOp kernel);

} // namespace mlir::tile::lowering

namespace mlir::tile {
/// Choices of convert-tile-to-nvgpu that reach the lowerings.
struct LoweringOptions {
  /// Test-only: tile.store skips its bounds checks (the pass's
  /// test-mutation=store-past-end), a planted bug that tile-run's verifier
  /// must catch (bench/gpu_mutation_test.sh).
  bool storePastEnd = false;
  /// test-mutation=convert-as-identity: tile.convert_layout moves nothing.
  bool convertAsIdentity = false;
  /// test-mutation=reduce-in-thread: tile.reduce skips its combination
  /// across lanes and warps.
  bool reduceInThread = false;
};
} // namespace mlir::tile

namespace mlir::tile::lowering {

/// A wgmma shared-memory matrix descriptor (sm_90) for the operand at
/// shared-window address `address`, swizzled over `swizzleBytes` (32, 64 or
/// 128) as TMA writes it: leading and stride byte offsets (16-byte units),
/// the layout type of the swizzle.
Value wgmmaDescriptor(OpBuilder &b, Location loc, Value address,
                      int64_t leadingBytes, int64_t strideBytes,
                      int64_t swizzleBytes = 128);
/// One wgmma.mma_async m64nNk* with both operands in shared memory:
/// `matA` / `matB` advanced by `aOffset` / `bOffset` bytes. A is K-major;
/// B K-major (NVVM layout col) or MN-major (row, PTX's imm-trans-b).
/// `ignoreAcc` sets scale-d = 0: the input accumulator is not read.
/// `ignoreAccIf`, an i1 known at run time, does so where it is true (a
/// persistent kernel's first k-step of each tile); inline PTX, as
/// upstream's nvvm.wgmma.mma_async takes scale-d as an attribute only.
Value wgmmaFromShared(OpBuilder &b, Location loc, Value acc, Value matA,
                      int64_t aOffset, Value matB, int64_t bOffset, int64_t n,
                      Type operandType, bool kMajorB, bool ignoreAcc = false,
                      Value ignoreAccIf = Value());
/// Inline PTX `text` with side effects (LLVM neither drops, merges nor
/// moves it across memory operations or out of loops), AT&T dialect:
/// `operands` under `constraints`, one result of `resultType` (an LLVM
/// struct for several outputs).
LLVM::InlineAsmOp sideEffectingPtx(OpBuilder &b, Location loc,
                                   Type resultType, ValueRange operands,
                                   StringRef text, StringRef constraints);

/// One wgmma.mma_async `shapeAndTypes` (e.g. "m64n64k16.f32.bf16.bf16")
/// with A from registers: `aRegs`, four b32 (16-bit pairs, or fp8 quads,
/// of the A fragment), B from the shared-memory descriptor `matB`, and the
/// accumulator `acc`, its n/2 f32 registers; returns the new accumulator,
/// an LLVM struct of n/2 f32.
/// `immediates` are scale-d, scale-a, scale-b (and trans-b for 16-bit
/// types), e.g. "p, 1, 1, 1". Inline PTX: upstream's nvvm.wgmma.mma_async
/// takes A only from shared memory.
Value wgmmaRegisterA(OpBuilder &b, Location loc, ArrayRef<Value> acc,
                     ArrayRef<Value> aRegs, Value matB,
                     StringRef shapeAndTypes, StringRef immediates);
/// bar.warp.sync and wgmma.fence before a group of wgmma (beginWgmma).
void beginWgmmaGroup(OpBuilder &b, Location loc);

/// Bit 0 of `v`, as the i1 phase parity of an mbarrier wait.
Value parityBit(OpBuilder &b, Location loc, Value v);
/// try_wait's suspend-time hint (the wait loops until the phase flips).
constexpr int64_t kBarrierTicks = 10000000;
/// Waits for `phase`'s parity of barrier `index` of `group`.
void waitBarrier(OpBuilder &b, Location loc, Value group, Value index,
                 Value phase);
/// `body` under `scf.if cond` (no else).
template <typename Fn>
void ifThen(OpBuilder &b, Location loc, Value cond, Fn &&body) {
  auto ifOp = scf::IfOp::create(b, loc, cond, /*withElseRegion=*/false);
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointToStart(ifOp.thenBlock());
  body();
}

class KernelEmitter {
protected:
  KernelEmitter(KernelOp kernel, gpu::GPUModuleOp gpuModule,
                const LoweringOptions &options)
      : kernel(kernel), ctx(kernel.getContext()), b(kernel.getLoc(), ctx),
        gpuModule(gpuModule), options(options) {}

  Value idx(int64_t v) { return arith::ConstantIndexOp::create(b, v); }
  Value add(Value x, Value y) { return arith::AddIOp::create(b, x, y); }
  Value sub(Value x, Value y) { return arith::SubIOp::create(b, x, y); }
  Value mul(Value x, Value y) { return arith::MulIOp::create(b, x, y); }
  Value rem(Value x, Value y) { return arith::RemUIOp::create(b, x, y); }
  Value div(Value x, Value y) { return arith::DivUIOp::create(b, x, y); }
  Value ult(Value x, Value y) {
    return arith::CmpIOp::create(b, arith::CmpIPredicate::ult, x, y);
  }
  Value eq(Value x, Value y) {
    return arith::CmpIOp::create(b, arith::CmpIPredicate::eq, x, y);
  }
  Attribute smemSpace();
  template <typename Fn> void ifThen(Value cond, Fn &&body) {
    lowering::ifThen(b, b.getLoc(), cond, std::forward<Fn>(body));
  }
  /// Waits for `phase` of barrier `index` of `group`.
  void waitBarrier(Value group, Value index, Value phase) {
    lowering::waitBarrier(b, b.getLoc(), group, index, phase);
  }

  /// Makes the mbarrier inits visible to the TMA unit (async proxy) and to
  /// every thread: fence.mbarrier_init, then a block barrier. Without the
  /// fence a TMA load may complete on a barrier whose shared memory still
  /// holds a previous block's state.
  void publishBarrierInits();
  /// Before a group of wgmma: reconverges the warp (bar.warp.sync), since
  /// the .sync.aligned wgmma ops need every lane together and lane 0 of
  /// warp 0 may still be in the TMA producer branch or an mbarrier wait
  /// loop; then wgmma.fence orders earlier register writes before the MMA.
  void beginWgmma();
  /// A TMA descriptor type: `box` elements, a `swizzleBytes` (32, 64 or
  /// 128) swizzle, zero fill.
  nvgpu::TensorMapDescriptorType tensorMapType(ArrayRef<int64_t> box,
                                               Type element,
                                               int64_t swizzleBytes = 128);



  /// Creates the gpu.func: arguments in `tensorMaps` become pointers to
  /// their CUtensorMap, other tensors memrefs, scalars stay, and the
  /// problem sizes follow as i64. Then binds the kernel's arguments in `map`
  /// (`descriptors` for the TMA ones) and computes `tid`.
  void createFunction(
      const llvm::MapVector<Value, nvgpu::TensorMapDescriptorType> &tensorMaps,
      int64_t threads);
  /// Replaces an index op of the tile dialect (program ids, sizes) or clones
  /// a scalar op into the function.
  void emitScalarOp(Operation *op, IRMapping &mapping);
  /// Dynamic shared memory, aligned to kAlign: sets smem, pad, smemBase.
  void allocateSharedMemory();
  /// The `tile.launch` dictionary the runtime launches the function with.
  DictionaryAttr launchAttr(int64_t threads, int64_t sharedMemoryBytes);

  KernelOp kernel;
  MLIRContext *ctx;
  ImplicitLocOpBuilder b;
  gpu::GPUModuleOp gpuModule;
  LoweringOptions options;
  gpu::GPUFuncOp func;
  SmallVector<std::string> problemSizes;
  SmallVector<Attribute> paramAttrs;
  IRMapping map;                       // kernel values -> gpu.func values
  llvm::StringMap<Value> sizes;        // problem size -> index value
  /// Kernel tensor -> TMA descriptor, in argument order (deterministic PTX).
  llvm::MapVector<Value, Value> descriptors;
  Value tid, smem, pad, smemBase;
};

} // namespace mlir::tile::lowering

namespace mlir::tile {
/// Lowers a kernel op by op, its tiles in registers as their layouts
/// distribute them (tile.dot operands staged in shared memory).
LogicalResult lowerDistributedKernel(KernelOp kernel,
                                     gpu::GPUModuleOp gpuModule,
                                     const LoweringOptions &options);
} // namespace mlir::tile

#endif // TILE_LIB_CONVERSION_KERNELEMITTER_H
