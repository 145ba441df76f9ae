//===- TileTypes.td - tile types ---------------------------*- tablegen -*-===//
#ifndef TILE_TYPES_TD
#define TILE_TYPES_TD

include "tile/Dialect/Tile/TileDialect.td"
include "mlir/IR/AttrTypeBase.td"

def Tile_RingType : TypeDef<Tile_Dialect, "Ring"> {
  let mnemonic = "ring";
  let summary = "Shared-memory buffers of tiles loaded ahead of their use";
  let description = [{
    `!tile.ring<4, tensor<128x64xbf16, #tile.shared<swizzle = 128>>, tensor<256x64xbf16, #tile.shared<swizzle = 128>>>`:
    a ring of `stages` buffers, each holding one tile of each of the given
    types (its members, e.g. a GEMM's A and B blocks) in shared memory (a
    `#tile.shared` layout), for loads issued several loop iterations
    before the tiles are read. Load number `i` of the ring (one
    `tile.ring_put` a member) goes to buffer `i mod stages`:

    ```
    iteration i:   get(i) ... dot ... release(i)   put(i + stages - 1)
                     |                   |            |
    buffer:        i % 4              i % 4        (i - 1) % 4  (released
                                                    in iteration i - 1)
    ```

    Each buffer has two barriers: "full" (the asynchronous copies of all
    its members have landed: `tile.ring_get` waits for it) and "empty"
    (its readers are done: `tile.ring_release` signals it and the next
    `tile.ring_put`s into the buffer wait for it). One pair of barriers
    serves all members: the tiles a loop iteration needs arrive together.
    (When tile-pipeline-loads makes the loop's dots `async`, iteration `i`
    releases buffer `i - 1` instead, after its `tile.dot_wait`.)

    tile-pipeline-loads creates rings; on sm_90a a ring is `stages` TMA
    destinations with mbarriers.
  }];
  let parameters = (ins "int64_t":$stages,
                        ArrayRefParameter<"::mlir::RankedTensorType">:$tiles);
  let assemblyFormat = "`<` $stages `,` $tiles `>`";
  let genVerifyDecl = 1;
}

#endif // TILE_TYPES_TD
