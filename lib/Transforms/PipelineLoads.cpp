//===- PipelineLoads.cpp - tile.dot operands loaded iterations ahead ------===//
//
// The software pipelining of a GEMM main loop, as a rewrite of tile ops: a
// loop-carried load of a dot operand that tile-assign-layouts staged in
// shared memory (tile.load -> tile.convert_layout to #tile.shared) becomes
// a ring of num_stages buffers, filled num_stages - 1 iterations ahead
// (tile.ring_put), waited for where the conversion was (tile.ring_get) and
// released after its last use (tile.ring_release). Triton's pipeliner does
// the same to its local_alloc/async_copy ops; upstream's
// scf::pipelineForLoop (which peels prologue and epilogue stages) is not
// used because a ring keeps the loop whole: the puts past the end are
// guarded instead, so the loop needs no trip count known here.
//
// A dot that ops it does not depend on precede in the loop (fp8
// attention's S = Q Kᵀ after V's transposition) is issued before them and
// waited for at its first reader.
// With the kernel's overlap_carried_dots, a dot whose result is only
// carried to the next iteration (attention's O update) runs on into it,
// waited for before the carried value's first reader.
//
// A staged load at the kernel's top level (attention's Q, read by every
// iteration) becomes a ring of one buffer: one TMA load, waited for right
// before the op that first reads it, so that it is in flight together with
// the first loads of the loop after it rather than before them.
//
//===----------------------------------------------------------------------===//

#include "tile/Transforms/Passes.h"

#include "tile/Dialect/Tile/AsyncDots.h"
#include "tile/Dialect/Tile/KernelConfig.h"
#include "tile/Dialect/Tile/LayoutUtils.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/Interfaces/LoopLikeInterface.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "mlir/Transforms/RegionUtils.h"
#include "llvm/ADT/MapVector.h"
#include "llvm/ADT/SetVector.h"

namespace mlir::tile {
#define GEN_PASS_DEF_TILEPIPELINELOADS
#include "tile/Transforms/Passes.h.inc"
} // namespace mlir::tile

using namespace mlir;
using namespace mlir::tile;

namespace {

/// Whether `v` can be computed for another iteration of `loop`: defined
/// outside it, its induction variable, or an op of its body (no regions,
/// no memory effects) of such values. Iteration arguments cannot: they are
/// only known for the current iteration. The ops need not be speculatable
/// (a persistent kernel divides its induction variable by a trip count):
/// their clones run only under the guard that the iteration exists
/// (emitPuts), and every op of the body's block runs in each iteration.
bool recomputable(Value v, scf::ForOp loop) {
  if (v == loop.getInductionVar())
    return true;
  if (!loop->isAncestor(v.getParentRegion()->getParentOp()))
    return true;
  Operation *op = v.getDefiningOp();
  if (!op || op->getBlock() != loop.getBody() || op->getNumRegions() != 0 ||
      !isMemoryEffectFree(op))
    return false;
  return llvm::all_of(op->getOperands(),
                      [&](Value x) { return recomputable(x, loop); });
}

/// `v` (recomputable) at the iteration whose induction variable is `iv`:
/// the ops of its backward slice in the body cloned with `iv` in place of
/// the induction variable.
Value recompute(OpBuilder &b, Value v, scf::ForOp loop, IRMapping &mapping) {
  if (Value known = mapping.lookupOrNull(v))
    return known;
  Operation *op = v.getDefiningOp();
  if (!op || op->getBlock() != loop.getBody())
    return v; // defined outside the loop
  for (Value x : op->getOperands())
    recompute(b, x, loop, mapping);
  Operation *clone = b.clone(*op, mapping);
  return clone->getResult(cast<OpResult>(v).getResultNumber());
}

/// Moves `ops` (a loop's ring and prologue, made right before it) above
/// the first op ahead of the loop in its block that waits for data: a dot,
/// or a staged load's conversion (a ring_get once loadOnce runs) read
/// before the loop. A rotated loop's peeled first block (fp8 attention's
/// S(0) and its softmax) then runs while the prologue's loads are in
/// flight. They stay when a value they read is defined after that op.
void hoistPrologue(scf::ForOp loop, ArrayRef<Operation *> ops) {
  Block *block = loop->getBlock();
  auto readBeforeLoop = [&](Operation *op) {
    return llvm::any_of(op->getUsers(), [&](Operation *user) {
      Operation *inBlock = block->findAncestorOpInBlock(*user);
      return inBlock && inBlock->isBeforeInBlock(loop);
    });
  };
  Operation *firstWait = nullptr;
  for (Operation &op : *block) {
    if (&op == loop.getOperation())
      return;
    auto convert = dyn_cast<ConvertLayoutOp>(op);
    if (isa<DotOp>(op) ||
        (convert && isShared(convert.getType()) &&
         convert.getInput().getDefiningOp<LoadOp>() && readBeforeLoop(&op))) {
      firstWait = &op;
      break;
    }
  }
  if (!firstWait)
    return;
  // The loads would move above what lies between: not above a write to
  // memory (it might write what they read).
  for (Operation *op = firstWait; op != loop.getOperation();
       op = op->getNextNode())
    if (!llvm::is_contained(ops, op) &&
        mightHaveEffect<MemoryEffects::Write>(op))
      return;
  SetVector<Value> used;
  for (Operation *op : ops) {
    used.insert(op->getOperands().begin(), op->getOperands().end());
    for (Region &region : op->getRegions())
      getUsedValuesDefinedAbove(region, used);
  }
  for (Value v : used) {
    Operation *def = v.getDefiningOp();
    if (!def || llvm::is_contained(ops, def))
      continue;
    Operation *inBlock = block->findAncestorOpInBlock(*def);
    if (inBlock && !inBlock->isBeforeInBlock(firstWait))
      return;
  }
  for (Operation *op : ops)
    op->moveBefore(firstWait);
}

/// A load moved ahead: its conversion to #tile.shared, and the ring and
/// member that replace both.
struct Candidate {
  LoadOp load;
  ConvertLayoutOp convert;
  Value ring;
  int64_t member = 0;
};

class LoadPipeliner {
public:
  LoadPipeliner(KernelOp kernel, int64_t stages, bool overlapCarriedDots)
      : kernel(kernel), stages(stages),
        overlapCarriedDots(overlapCarriedDots) {}
  void run();

private:
  std::optional<Candidate> candidate(LoadOp load, scf::ForOp loop);
  void pipeline(scf::ForOp loop, MutableArrayRef<Candidate> loads);
  void loadOnce(Candidate &c);
  void emitPuts(OpBuilder &b, scf::ForOp loop, ArrayRef<Candidate> loads,
                Value iv, Value index);
  bool makeDotsAsync(scf::ForOp loop, RingGetOp get, Value index);
  void issueDotsEarly(scf::ForOp loop);
  void carryDotsAcrossIterations(scf::ForOp loop);

  KernelOp kernel;
  int64_t stages;
  bool overlapCarriedDots;
};

/// A load staged in shared memory in `loop`'s body (with `loop` null: at
/// the kernel's top level) that a ring can take.
std::optional<Candidate> LoadPipeliner::candidate(LoadOp load,
                                                  scf::ForOp loop) {
  if (!load->hasOneUse())
    return std::nullopt;
  auto convert = dyn_cast<ConvertLayoutOp>(*load->getUsers().begin());
  if (!convert || convert->getBlock() != load->getBlock() ||
      !isShared(convert.getType()))
    return std::nullopt;
  // TMA writes tiles untransposed (a transposed one is converted from a
  // ring's tile, not loaded into one).
  if (cast<SharedLayoutAttr>(convert.getType().getEncoding()).getTransposed())
    return std::nullopt;
  // A 2-d tile of a source of rank 2 to 5 (TMA boxes, sm_90a's ring_put).
  int64_t sourceRank = cast<MemRefType>(load.getSource().getType()).getRank();
  if (load.getType().getRank() != 2 || sourceRank < 2 || sourceRank > 5)
    return std::nullopt;
  if (loop && !llvm::all_of(load.getIndices(),
                            [&](Value v) { return recomputable(v, loop); }))
    return std::nullopt;
  return Candidate{load, convert, Value()};
}

void LoadPipeliner::run() {
  // With fewer than two stages no loop is pipelined; loads at the top
  // level still go through one-buffer rings.
  llvm::MapVector<scf::ForOp, SmallVector<Candidate>> byLoop;
  SmallVector<Candidate> once;
  // Kernel argument -> the staged tile type its candidate loads read, or
  // null when one of its uses is not such a load: a ring's source is
  // loaded through a TMA descriptor of one box, which replaces the
  // argument on sm_90a.
  DenseMap<Value, Type> sourceTile;
  kernel.walk([&](LoadOp load) {
    auto loop = dyn_cast<scf::ForOp>(load->getParentOp());
    // A ring counts its loads from 0 for the life of the kernel: a loop
    // that runs more than once (inside another loop) would restart the
    // count with its barriers' phases advanced.
    if (loop && loop->getParentOfType<LoopLikeOpInterface>())
      return;
    if (loop && stages >= 2) {
      if (std::optional<Candidate> c = candidate(load, loop))
        byLoop[loop].push_back(*c);
    } else if (load->getParentOp() == kernel.getOperation()) {
      if (std::optional<Candidate> c = candidate(load, scf::ForOp()))
        once.push_back(*c);
    }
  });
  SmallVector<Candidate *> all;
  for (auto &[loop, loads] : byLoop)
    for (Candidate &c : loads)
      all.push_back(&c);
  for (Candidate &c : once)
    all.push_back(&c);
  for (Candidate *c : all) {
    Value src = c->load.getSource();
    if (!isa<BlockArgument>(src) ||
        cast<BlockArgument>(src).getOwner()->getParentOp() != kernel)
      sourceTile[src] = Type();
    else if (!sourceTile.count(src))
      sourceTile[src] = c->convert.getType();
    else if (sourceTile[src] != c->convert.getType())
      sourceTile[src] = Type();
  }
  for (auto &[src, tile] : sourceTile) {
    if (!tile)
      continue;
    for (Operation *user : src.getUsers())
      if (llvm::none_of(all, [&](Candidate *c) {
            return c->load.getOperation() == user;
          }))
        tile = Type();
  }
  for (auto &[loop, loads] : byLoop) {
    SmallVector<Candidate> kept;
    for (Candidate &c : loads)
      if (sourceTile.lookup(c.load.getSource()))
        kept.push_back(c);
    if (!kept.empty())
      pipeline(loop, kept);
  }
  // After the loops: their prologues are in place, and each get goes
  // after the prologue of the loop that reads its tile.
  for (Candidate &c : once)
    if (sourceTile.lookup(c.load.getSource()))
      loadOnce(c);
}

/// One TMA load of a top-level staged tile into a ring of one buffer,
/// issued where the load was and waited for right before the first op of
/// the kernel's block that reads the tile. Nothing is put after it, so
/// nothing releases it.
void LoadPipeliner::loadOnce(Candidate &c) {
  OpBuilder b(c.load);
  Location loc = c.load.getLoc();
  RankedTensorType tile = c.convert.getType();
  Value ring = RingAllocOp::create(
      b, loc, RingType::get(kernel.getContext(), 1, {tile}));
  Value zero = arith::ConstantIndexOp::create(b, loc, 0);
  RingPutOp::create(b, loc, ring, zero, c.load.getSource(),
                    c.load.getIndices(), /*member=*/0);
  Block *block = c.load->getBlock();
  Operation *firstReader = nullptr;
  for (Operation *user : c.convert->getUsers())
    if (Operation *inBlock = block->findAncestorOpInBlock(*user);
        inBlock && (!firstReader || inBlock->isBeforeInBlock(firstReader)))
      firstReader = inBlock;
  if (firstReader)
    b.setInsertionPoint(firstReader);
  else
    b.setInsertionPointAfter(c.convert);
  auto get = RingGetOp::create(b, c.convert.getLoc(), TypeRange{tile}, ring,
                               zero);
  c.convert.getResult().replaceAllUsesWith(get.getResult(0));
  c.convert.erase();
  c.load.erase();
}

/// Puts the candidates' loads of the iteration at `iv` into their rings
/// at `index`, if that iteration exists.
void LoadPipeliner::emitPuts(OpBuilder &b, scf::ForOp loop,
                             ArrayRef<Candidate> loads, Value iv,
                             Value index) {
  Location loc = loop.getLoc();
  // Exactly "iteration iv runs": recomputed index ops need not be
  // speculatable (recomputable).
  Value exists = arith::CmpIOp::create(
      b, loc,
      loop.getUnsignedCmp() ? arith::CmpIPredicate::ult
                            : arith::CmpIPredicate::slt,
      iv, loop.getUpperBound());
  auto ifOp = scf::IfOp::create(b, loc, exists, /*withElseRegion=*/false);
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointToStart(ifOp.thenBlock());
  IRMapping mapping;
  mapping.map(loop.getInductionVar(), iv);
  for (Candidate c : loads) {
    SmallVector<Value> indices;
    for (Value v : c.load.getIndices())
      indices.push_back(recompute(b, v, loop, mapping));
    RingPutOp::create(b, c.load.getLoc(), c.ring, index, c.load.getSource(),
                      indices, c.member);
  }
}

void LoadPipeliner::pipeline(scf::ForOp loop, MutableArrayRef<Candidate> loads) {
  OpBuilder b(loop);
  Location loc = loop.getLoc();
  Value lb = loop.getLowerBound(), step = loop.getStep();
  // One ring for the loop: one pair of barriers a buffer for all the
  // tiles an iteration loads.
  SmallVector<RankedTensorType> tiles;
  for (Candidate &c : loads)
    tiles.push_back(c.convert.getType());
  Value ring = RingAllocOp::create(
      b, loads.front().load.getLoc(),
      RingType::get(kernel.getContext(), stages, tiles));
  for (auto [member, c] : llvm::enumerate(loads)) {
    c.ring = ring;
    c.member = member;
  }

  // Prologue: loads 0 .. stages-2 in flight before the loop.
  Value zero = arith::ConstantIndexOp::create(b, loc, 0);
  Value one = arith::ConstantIndexOp::create(b, loc, 1);
  Value ahead = arith::ConstantIndexOp::create(b, loc, stages - 1);
  auto prologue = scf::ForOp::create(b, loc, zero, ahead, one);
  {
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPoint(prologue.getBody()->getTerminator());
    Value j = prologue.getInductionVar();
    Value iv = arith::AddIOp::create(
        b, loc, lb, arith::MulIOp::create(b, loc, j, step));
    emitPuts(b, loop, loads, iv, j);
  }
  hoistPrologue(loop, {ring.getDefiningOp(), zero.getDefiningOp(),
                       one.getDefiningOp(), ahead.getDefiningOp(), prologue});

  // In the loop: the load number (iterations run lb, lb + step, ... with
  // step > 0, so iv - lb is never negative), a get where each conversion
  // was, a release after its last use, the refill (first, or at the end
  // when the dots run async).
  Block *body = loop.getBody();
  b.setInsertionPointToStart(body);
  Value iv = loop.getInductionVar();
  Value index = arith::DivUIOp::create(
      b, loc, arith::SubIOp::create(b, loc, iv, lb), step);
  // One get, where the first conversion was.
  ConvertLayoutOp first = loads.front().convert;
  for (Candidate &c : loads)
    if (c.convert->isBeforeInBlock(first))
      first = c.convert;
  b.setInsertionPoint(first);
  SmallVector<Type> types(tiles.begin(), tiles.end());
  auto get = RingGetOp::create(b, first.getLoc(), types, ring, index);
  // The loads go last: the refill below recomputes their indices.
  for (Candidate &c : loads) {
    c.convert.getResult().replaceAllUsesWith(get.getResult(c.member));
    c.convert.erase();
  }
  bool async = makeDotsAsync(loop, get, index);
  // The refill goes into the buffer of iteration i - 1. Its readers
  // released it at the end of iteration i - 1, so the refill can go first
  // in iteration i, a whole iteration before its data is needed (with two
  // stages it would otherwise overlap nothing). Async dots release it only
  // after iteration i's wait: there it goes last.
  if (async)
    b.setInsertionPoint(body->getTerminator());
  else
    b.setInsertionPointAfter(index.getDefiningOp());
  Value nextIndex = arith::AddIOp::create(b, loc, index, ahead);
  Value nextIv = arith::AddIOp::create(
      b, loc, iv, arith::MulIOp::create(b, loc, ahead, step));
  emitPuts(b, loop, loads, nextIv, nextIndex);
  for (Candidate &c : loads)
    c.load.erase();
  if (async)
    return;
  // With the loads gone, dots go ahead of the ops they do not depend on;
  // then the release, after the last reader (an async dot reads until its
  // wait).
  issueDotsEarly(loop);
  if (overlapCarriedDots)
    carryDotsAcrossIterations(loop);
  Operation *last = get;
  for (Operation *user : get->getUsers()) {
    SmallVector<Operation *> readers = {user};
    if (auto dot = dyn_cast<DotOp>(user); dot && dot.getAsync())
      for (Operation *wait : dot->getUsers())
        if (isa<DotWaitOp>(wait))
          readers.push_back(wait);
    for (Operation *reader : readers)
      if (Operation *inBody = body->findAncestorOpInBlock(*reader);
          inBody && last->isBeforeInBlock(inBody))
        last = inBody;
  }
  b.setInsertionPointAfter(last);
  RingReleaseOp::create(b, get.getLoc(), ring, index);
}

/// A synchronous tile.dot of the loop's body is issued right after the
/// last of its operands is defined, async, and waited for
/// (tile.dot_wait) right before its first reader, when that moves
/// anything: ops it does not depend on precede it (fp8 attention's
/// S = Q Kᵀ after V's transposition) or tile ops follow it before its
/// first reader (a rotated attention loop's P V during the softmax). Those
/// ops run while the tensor cores compute. Tiles are values, so only the
/// operands order the dot; the buffers it reads are not the ones those ops
/// write (a ring's refill goes into another iteration's buffer, a
/// conversion into its own).
///
/// wgmma groups complete in the order they are issued, so a wait lets
/// the async dots issued after its dot and before it stay in flight:
/// `pending` counts them (S(j)'s wait with P V(j-1) issued after it: 1).
void LoadPipeliner::issueDotsEarly(scf::ForOp loop) {
  Block *body = loop.getBody();
  SmallVector<DotWaitOp> waits;
  for (DotOp dot : llvm::to_vector(body->getOps<DotOp>())) {
    if (dot.getAsync())
      continue;
    Operation *lastDef = nullptr;
    for (Value operand : dot->getOperands())
      if (Operation *def = operand.getDefiningOp();
          def && def->getBlock() == body &&
          (!lastDef || lastDef->isBeforeInBlock(def)))
        lastDef = def;
    Operation *issueAt = lastDef ? lastDef->getNextNode() : &body->front();
    Operation *firstReader = nullptr;
    auto waitBefore = [&](Operation *op) {
      if (Operation *inBody = op ? body->findAncestorOpInBlock(*op) : nullptr;
          inBody && (!firstReader || inBody->isBeforeInBlock(firstReader)))
        firstReader = inBody;
    };
    for (Operation *user : dot->getUsers())
      waitBefore(user);
    // An operand carried by the loop in registers (a rotated loop's P) is
    // read until the wait: the value that replaces it for the next
    // iteration is made after the wait (ptxas gives both the same
    // registers, and would otherwise wait for the dot before making it).
    auto yield = cast<scf::YieldOp>(body->getTerminator());
    for (Value operand : dot->getOperands())
      if (auto arg = dyn_cast<BlockArgument>(operand);
          arg && arg.getOwner() == body && arg.getArgNumber() > 0) {
        Value next = yield.getOperand(arg.getArgNumber() - 1);
        // (An accumulator replaced by the dot's own result: the wait is
        // before the yield anyway.)
        if (next != dot.getResult())
          waitBefore(next.getDefiningOp());
      }
    if (!firstReader || firstReader->isBeforeInBlock(dot))
      continue;
    // Waiting later pays only for tile work in between (scalar index
    // arithmetic before the reader, such as a block-wide mask check, would
    // overlap next to nothing).
    bool tileWorkAfter = false;
    for (Operation *op = dot->getNextNode(); op != firstReader;
         op = op->getNextNode())
      tileWorkAfter |= llvm::any_of(op->getResultTypes(), [](Type t) {
        return isa<RankedTensorType>(t);
      });
    if (issueAt == dot.getOperation() && !tileWorkAfter)
      continue;
    if (issueAt != dot.getOperation())
      dot->moveBefore(issueAt);
    dot.setAsync(true);
    OpBuilder b(firstReader);
    auto wait = DotWaitOp::create(b, dot.getLoc(), dot.getType(),
                                  dot.getResult(), /*pending=*/0);
    dot.getResult().replaceAllUsesExcept(wait.getResult(), wait);
    waits.push_back(wait);
  }
  for (DotWaitOp wait : waits)
    wait.setPending(
        asyncDotsBetween(wait.getInput().getDefiningOp(), wait).value_or(0));
}

/// With the kernel's overlap_carried_dots: a dot still synchronous whose
/// result only the yield reads (attention's O = O * alpha + P V, last in
/// the body) is left in flight across the back edge, and waited for
/// (pending 0) right before the first reader of the value it becomes in
/// the next iteration, and after the loop:
///
///   %o = tile.dot %p, %vt, %o_scaled {async}
///   scf.yield ..., %o
///   // next iteration: S = Q Kᵀ issued and waited for (which completes
///   // the P V before it too), then
///   %o_prev = tile.dot_wait %o_arg {pending = 0}
///
/// The tensor cores run it back to back with the next iteration's first
/// dot, and one wait covers both. Its operands are read until that wait:
/// registers (ptxas keeps an in-flight wgmma's registers), tiles made
/// before the loop, or a transposition in shared memory of this body,
/// which the register lowering then gives three buffers in turn rather
/// than two (completesInNextIteration). A ring's tile would be released
/// before the dot is done: such a dot stays as it is.
void LoadPipeliner::carryDotsAcrossIterations(scf::ForOp loop) {
  Block *body = loop.getBody();
  auto yield = cast<scf::YieldOp>(body->getTerminator());
  auto stableOperand = [&](Value operand) {
    if (!loop->isAncestor(operand.getParentRegion()->getParentOp()))
      return true;
    // A carried operand (a rotated loop's P) would be replaced before the
    // wait: issueDotsEarly's case, not this one.
    if (isa<BlockArgument>(operand))
      return false;
    if (!isShared(operand.getType()))
      return true;
    auto convert = operand.getDefiningOp<ConvertLayoutOp>();
    return convert && transpositionAlternates(convert);
  };
  for (DotOp dot : llvm::to_vector(body->getOps<DotOp>())) {
    if (dot.getAsync() || !dot->hasOneUse() ||
        *dot->getUsers().begin() != yield.getOperation() ||
        !stableOperand(dot.getLhs()) || !stableOperand(dot.getRhs()))
      continue;
    unsigned position = dot->getUses().begin()->getOperandNumber();
    BlockArgument carried = loop.getRegionIterArgs()[position];
    Value result = loop.getResult(position);
    Operation *firstReader = nullptr;
    for (Operation *user : carried.getUsers())
      if (Operation *inBody = body->findAncestorOpInBlock(*user);
          inBody && (!firstReader || inBody->isBeforeInBlock(firstReader)))
        firstReader = inBody;
    // The last iteration's dot is waited for after the loop, by a reader of
    // the result (one with none would leave it in flight).
    if (!firstReader || result.use_empty())
      continue;
    dot.setAsync(true);
    OpBuilder b(firstReader);
    auto wait = DotWaitOp::create(b, dot.getLoc(), carried.getType(), carried,
                                  /*pending=*/0);
    carried.replaceAllUsesExcept(wait.getResult(), wait);
    b.setInsertionPointAfter(loop);
    auto after = DotWaitOp::create(b, dot.getLoc(), result.getType(), result,
                                   /*pending=*/0);
    result.replaceAllUsesExcept(after.getResult(), after);
  }
}

/// The value `dot` accumulates into: its accumulator, or `%acc` of an
/// accumulator `arith.select %first, zeros, %acc` read only by the dot
/// (a persistent kernel restarting the sum at each tile's first k-step;
/// the register lowering folds the select into wgmma's scale-d).
Value carriedAcc(DotOp dot) {
  if (!foldedAccRestart(dot) || !dot.getAcc().hasOneUse())
    return dot.getAcc();
  return dot.getAcc().getDefiningOp<arith::SelectOp>().getFalseValue();
}

/// When every tile of the ring `get` gives is read only by tile.dots whose
/// other operands are made outside the loop and that
/// accumulate into a loop-carried value (the accumulator an iteration
/// argument, or a select of zeros over one (carriedAcc); the result
/// yielded once in its place and otherwise read only inside regions of the
/// body, where each reader waits for it), lets those dots run across
/// iterations, as a GEMM main loop does:
///
///   %d = tile.dot %a, %b, %acc {async}
///   %w = tile.dot_wait %d {pending = 1}   // the previous iteration's dot
///   if (%i >= 1) tile.ring_release %r[%i - 1]   // is done: its buffers free
///   scf.yield %w
///   ...
///   %sum = tile.dot_wait %loop_result {pending = 0}   // after the loop
///
/// The last iteration's buffers are never released: no load follows the
/// loop. Returns false (nothing changed) otherwise.
bool LoadPipeliner::makeDotsAsync(scf::ForOp loop, RingGetOp get,
                                  Value index) {
  SetVector<DotOp> dots;
  for (Operation *user : get->getUsers()) {
    auto dot = dyn_cast<DotOp>(user);
    if (!dot || dot->getBlock() != loop.getBody())
      return false;
    dots.insert(dot);
  }
  auto yield = cast<scf::YieldOp>(loop.getBody()->getTerminator());
  for (DotOp dot : dots) {
    // The dot reads its operands until the next iteration's wait: each
    // must be the ring's (released after that wait) or made outside the
    // loop; one made in the body (a transposition, a tile staged from
    // registers) would be rewritten while the dot still reads it.
    for (Value operand : {dot.getLhs(), dot.getRhs()})
      if (operand.getDefiningOp() != get.getOperation() &&
          loop->isAncestor(operand.getParentRegion()->getParentOp()))
        return false;
    auto acc = dyn_cast_or_null<BlockArgument>(carriedAcc(dot));
    if (!acc || acc.getOwner() != loop.getBody() || acc.getArgNumber() == 0 ||
        !acc.hasOneUse() ||
        yield.getOperand(acc.getArgNumber() - 1) != dot.getResult() ||
        llvm::count(yield->getOperands(), dot.getResult()) != 1)
      return false;
    // Besides the yield, only ops nested in the body's regions (a
    // persistent kernel's epilogue under scf.if) may read the result:
    // they wait for the dot there.
    for (Operation *user : dot->getUsers())
      if (user != yield.getOperation() &&
          (user->getBlock() == loop.getBody() ||
           !loop.getBody()->findAncestorOpInBlock(*user)))
        return false;
  }
  OpBuilder b(loop);
  Location loc = loop.getLoc();
  for (DotOp dot : dots) {
    dot.setAsync(true);
    b.setInsertionPointAfter(dot);
    auto wait = DotWaitOp::create(b, dot.getLoc(), dot.getType(),
                                  dot.getResult(), /*pending=*/1);
    dot.getResult().replaceAllUsesExcept(wait.getResult(), wait);
    // A reader in a nested region waits for every dot there.
    for (OpOperand &use : llvm::make_early_inc_range(wait->getUses())) {
      if (use.getOwner() == yield.getOperation())
        continue;
      b.setInsertionPoint(use.getOwner());
      use.set(DotWaitOp::create(b, dot.getLoc(), dot.getType(),
                                wait.getResult(), /*pending=*/0));
    }
  }
  b.setInsertionPoint(loop.getBody()->getTerminator());
  Value one = arith::ConstantIndexOp::create(b, loc, 1);
  Value notFirst =
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::uge, index, one);
  auto ifOp = scf::IfOp::create(b, loc, notFirst, /*withElseRegion=*/false);
  b.setInsertionPointToStart(ifOp.thenBlock());
  Value previous = arith::SubIOp::create(b, loc, index, one);
  RingReleaseOp::create(b, get.getLoc(), get.getRing(), previous);
  b.setInsertionPointAfter(loop);
  for (DotOp dot : dots) {
    auto acc = cast<BlockArgument>(carriedAcc(dot));
    Value result = loop.getResult(acc.getArgNumber() - 1);
    auto wait = DotWaitOp::create(b, dot.getLoc(), result.getType(), result,
                                  /*pending=*/0);
    result.replaceAllUsesExcept(wait.getResult(), wait);
  }
  return true;
}

struct TilePipelineLoadsPass
    : public mlir::tile::impl::TilePipelineLoadsBase<TilePipelineLoadsPass> {
  void runOnOperation() override {
    KernelOp kernel = getOperation();
    if ((kernel.getNumStagesAttr() || kernel.getOverlapCarriedDotsAttr()) &&
        !kernel.isSpecialized()) {
      kernel.emitOpError() << "has unbound parameters; run tile-specialize "
                              "before tile-pipeline-loads (num_stages, "
                              "overlap_carried_dots)";
      return signalPassFailure();
    }
    ::tile::Bindings config = configBindings(kernel);
    // Without num_stages, two; without overlap_carried_dots, off.
    FailureOr<int64_t> stages = evalKernelExpr(
        kernel, kernel.getNumStagesAttr(), config, 2, "num_stages");
    FailureOr<int64_t> overlap =
        evalKernelExpr(kernel, kernel.getOverlapCarriedDotsAttr(), config, 0,
                       "overlap_carried_dots");
    if (failed(stages) || failed(overlap))
      return signalPassFailure();
    if (*stages > 32) {
      kernel.emitOpError() << "num_stages = " << *stages
                           << " is more than 32 buffers a ring; bind fewer";
      return signalPassFailure();
    }
    LoadPipeliner(kernel, *stages, *overlap != 0).run();
  }
};

} // namespace
