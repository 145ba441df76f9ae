//===- Passes.td - tile transformation passes --------------*- tablegen -*-===//
#ifndef TILE_TRANSFORMS_PASSES_TD
#define TILE_TRANSFORMS_PASSES_TD

include "mlir/Pass/PassBase.td"

def TileSpecialize : Pass<"tile-specialize", "::mlir::tile::KernelOp"> {
  let summary = "Binds a configuration: parameters become constants, tiles static";
  let description = [{
    Binds every tuning parameter of a `tile.kernel` to a value from `config`
    (a parameter left out takes its first candidate), checks the values
    against the candidates and the kernel's constraints, and then:

    - replaces `tile.param` by `arith.constant`;
    - replaces `tile.dim` by `arith.constant` for problem sizes that `config`
      also binds (e.g. `D=64`);
    - gives every tile its static shape and drops its `#tile.shape`;
    - replaces the kernel's `params` by `config`, the bound values.

    Every tile size must be bound: a tile sized by a problem size needs that
    size in `config`. Errors are reported at the kernel or the op concerned.
  }];
  let options = [
    Option<"config", "config", "std::string", /*default=*/"\"\"",
           "NAME=VALUE,... binding parameters and, optionally, problem sizes">
  ];
  let dependentDialects = ["::mlir::arith::ArithDialect"];
}

def TileAssignLayouts : Pass<"tile-assign-layouts", "::mlir::tile::KernelOp"> {
  let summary = "Gives every register tile of a specialized kernel its layout";
  let description = [{
    Runs after `tile-specialize`. A layout written in the program (a
    `tile.convert_layout`'s result, say) is kept and fixes its group's; a
    tile already in shared memory (`#tile.shared`) keeps its type. Tiles
    that must have one layout are
    grouped (the operands and results of an elementwise op or
    `arith.select`, a loop's init, iter_arg, yield and result, a
    `tile.dot`'s accumulator and result); then layouts flow from where they
    are fixed:

    - a `tile.dot` result is `#tile.wgmma_acc<warpgroups = num_warps / 4>`;
    - a `tile.reduce` along `d` gives `#tile.slice<dim = d, parent = L>` of
      its operand's layout `L`; a `tile.broadcast` along `d` takes that
      slice of its result's layout as its operand's;
    - a group that nothing fixes gets a `#tile.blocked` layout: 16 bytes a
      thread along the last dimension, a warp across it, the warps down
      the rows (all of them where they fit, else the largest power of two;
      and its slices follow).

    - a `tile.transpose` lays its result out as its input's blocked layout
      with the two dimensions swapped (or the input as its result's).

    A `tile.load` whose tile only feeds `tile.dot` operands gets the
    default blocked layout and a `tile.convert_layout` to `#tile.shared`
    in front of the dot (operands K-major: B as N x K, `transpose_rhs`; a
    16-bit K x N B MN-major; an fp8 K x N B staged as loaded, then
    converted to `#tile.shared<transposed = true>`, since fp8 wgmma reads
    B K-major only), so that the register lowering compiles the
    dot op by op (a load in a loop or at the kernel's top level that no
    blocked layout of the kernel's warps covers, a 128-row tile over 12
    warps, is staged without one: tile-pipeline-loads loads it by TMA); an
    A computed in the accumulator's layout (attention's P: 16 bits, or 8
    with B's K index then in `acc_order`) is read from registers; a store
    of the dot's accumulator layout goes through a `tile.convert_layout` to
    the default blocked layout (16-byte stores), except inside a loop (a
    persistent GEMM's epilogue), where the conversion's buffer would live
    beside the loop's ring: there it is stored from registers.
    The layout becomes the tensor
    type's encoding; then a load or store whose tile's layout runs across
    its contiguous dimension moves it in the default layout, with a
    `tile.convert_layout` between. Where two layouts meet in one group the
    pass fails at the op.
  }];
}

def TilePipelineLoads : Pass<"tile-pipeline-loads", "::mlir::tile::KernelOp"> {
  let summary = "Loads operands of tile.dot several loop iterations ahead";
  let description = [{
    Runs after `tile-assign-layouts`. In an `scf.for`, a
    `tile.load` whose only use is a `tile.convert_layout` to `#tile.shared`
    (a `tile.dot` operand staged in shared memory) is replaced by a ring of
    `num_stages` buffers (the kernel's attribute, bound by the config):

    ```
    %r = tile.ring_alloc                      // before the loop
    for j in [0, num_stages - 1):             // prologue
      if lb + j * step < ub:  tile.ring_put %r[j], %src[indices at lb + j * step]
    scf.for %iv = %lb to %ub step %step {
      %i = (%iv - %lb) / %step
      if %iv + (num_stages - 1) * step < ub:  // refill, first
        tile.ring_put %r[%i + num_stages - 1], %src[indices then]
      %t = tile.ring_get %r[%i]               // where the conversion was
      ... uses of %t (tile.dot) ...
      tile.ring_release %r[%i]                // after the last use
    }
    ```

    The refill reuses the buffer of iteration `i - 1`, released at its
    end, so it is issued first in iteration `i`. When the dots only
    accumulate into a loop-carried value and read nothing else made in
    the loop, they are made `async` instead (the GEMM main loop, shown in
    the lit test): the buffer of iteration `i - 1` is released in
    iteration `i` after a `tile.dot_wait {pending = 1}`, and the refill
    goes at the end of the iteration. Otherwise a synchronous dot that ops
    it does not depend on precede (fp8 attention's S = Q Kᵀ after V's
    transposition), or that tile ops follow before its first reader, is
    issued right after its last operand, `async`, and waited for at its
    first reader, so that those ops overlap it; the ring is released after
    that wait. A dot that reads a loop-carried value (a rotated loop's P,
    in registers) is waited for before the value replacing it is made.
    wgmma groups complete in order: a wait's `pending` counts the async
    dots issued between its dot and it (S(j)'s wait with P V(j-1) issued
    after S(j): 1). A GEMM loop's dot also goes async when its
    accumulator is `arith.select %first, zeros, %acc` of the carried value
    (a persistent kernel restarting the sum at each block) and when ops in
    regions of the body read its result (an epilogue under `scf.if`): a
    `tile.dot_wait {pending = 0}` goes right before each such reader.
    With the kernel's `overlap_carried_dots` non-zero, a dot still
    synchronous whose result only the yield reads (attention's
    O = O * alpha + P V) is made `async` across the back edge: waited for
    (`pending = 0`) right before the first reader of the value it becomes
    in the next iteration, and after the loop, so that it runs back to back
    with the next iteration's first dot; its operands must be registers,
    tiles made before the loop, or a transposition of this body in shared
    memory (which the register lowering then gives three buffers) — not a
    ring's tile, nor an operand carried by the loop — and the loop's
    result must be read after it.

    The load's indices must be loop-invariant or functions of the
    induction variable made by ops without memory effects (they are
    recomputed for the iteration loaded, only when it exists, so a
    division by a trip count is fine); its
    source must be a kernel argument that only such loads read, with one
    tile type (sm_90a loads it with a TMA descriptor of that box), and the
    staged layout must not be transposed (TMA does not transpose). Other
    loads stay as they are (staged synchronously by the register
    lowering). Loops are pipelined with `num_stages` >= 2 (2 without the
    attribute) and when not nested in another loop. The ring and its
    prologue go above the first op before the loop that waits for data (a
    dot, or a staged load read before the loop: a rotated loop's peeled
    first block), when the values they read are defined there.

    A staged load at the kernel's top level (attention's Q) becomes a
    ring of one buffer whatever `num_stages` is: put where the load was,
    got right before the first op of the kernel's block that reads it
    (after the prologue of a loop that reads it), never released.
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::scf::SCFDialect"];
}

def TileSkipFullMasks : Pass<"tile-skip-full-masks", "::mlir::tile::KernelOp"> {
  let summary = "Selects on index masks skip the mask where a block check shows it all true";
  let description = [{
    Runs after `tile-assign-layouts` (tiles static, dot operands staged).
    An `arith.select` whose
    condition is a mask computed from indices -- `tile.iota`, `tile.splat`
    of scalars, `arith.addi`/`arith.subi` of those, compared with
    `arith.cmpi` (`slt`, `sle`, `sgt`, `sge`) and combined with
    `arith.andi`/`ori`/`xori` or a splat `i1` -- becomes

    ```
    %full = <scalars: is every element of the mask true?>
    %r = scf.if %full -> (tile) {
      scf.yield %true_value
    } else {
      <the mask's ops that only this select used, moved here>
      %s = arith.select %mask, %true_value, %false_value
      scf.yield %s
    }
    ```

    Each compared index is `c . (i_0, ..., i_n) + offset` over the tile's
    element coordinates `i` (`c` constant, `offset` a run-time scalar), so
    its difference's smallest and largest values over the tile are at the
    corners: a few scalar ops decide, for the whole tile, whether a
    comparison holds everywhere (or nowhere). Attention's key masks (the
    last block past S_KV, the causal diagonal) and a softmax's column mask
    are then computed only on the blocks that need them. The indices are
    assumed not to wrap (differences are taken in i64).

    A mask with any other op is left alone.
  }];
  let options = [
    Option<"testMutation", "test-mutation", "std::string",
           /*default=*/"\"\"",
           "For testing the verifier only: mask-check-corner plants a bug "
           "(the check looks only at the tile's first element)">
  ];
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::scf::SCFDialect"];
}

def TileInvariantDivisions : Pass<"tile-invariant-divisions", "::mlir::tile::KernelOp"> {
  let summary = "32-bit divisions by loop invariants become a multiply-high and shifts";
  let description = [{
    An `arith.divui` or `arith.remui` on `i32` inside a loop whose divisor
    is defined outside it (and is not a constant, which LLVM already turns
    into a multiplication) divides by a multiplier computed once, before
    the outermost loop the divisor is invariant in (Granlund and
    Montgomery, "Division by invariant integers using multiplication",
    PLDI 1994, figure 4.1; CUTLASS's `FastDivmod` does the same on the
    host):

    ```
    l  = 32 - ctlz(d - 1)                     // ceil(log2 d), 0 ... 32
    m  = floor(2^32 (2^l - d) / d) + 1        // one 64-bit division
    t  = mulhi(n, m)
    n / d = (t + ((n - t) >> min(l, 1))) >> max(l - 1, 0)
    n % d = n - (n / d) d
    ```

    exact for every 32-bit `n` and `d` >= 1. A division by a register is
    some twenty instructions on NVIDIA GPUs, with a reciprocal on the SFU
    that the softmax's exponentials also need; this is five. A persistent
    kernel's loop divides its iteration by loop invariants to find a tile
    (kernels/fp8_gemm_persistent.mlir). A zero divisor is undefined in
    `arith`; the multiplier is computed with 1 instead, so that the
    computation hoisted before the loop cannot trap where the loop would
    not have divided.
  }];
  let options = [
    Option<"testMutation", "test-mutation", "std::string",
           /*default=*/"\"\"",
           "For testing the verifier only: divide-floor plants a bug (the "
           "multiplier rounded down, without the + 1: a multiple of a "
           "divisor that is not a power of two divides one short)">
  ];
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::math::MathDialect"];
}

def TileHostBufferize : Pass<"tile-host-bufferize", "::mlir::ModuleOp"> {
  let summary = "One-shot bufferization as the CPU path needs it";
  let description = [{
    Runs upstream's One-Shot Bufferize over the functions that
    `convert-tile-to-linalg` made, with the options the CPU path needs:
    function boundaries bufferized, loops allowed to yield new buffers
    (attention's accumulators), and copies as `linalg.copy`, so that
    `convert-linalg-to-loops` turns them into loops: a `memref.copy` of a
    strided view would call `memrefCopy` of MLIR's C runner utilities,
    which the JIT of a static tile-run does not have.
  }];
  let dependentDialects = ["::mlir::linalg::LinalgDialect",
                           "::mlir::memref::MemRefDialect"];
}

#endif // TILE_TRANSFORMS_PASSES_TD
