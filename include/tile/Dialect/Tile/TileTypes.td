//===- TileTypes.td - tile types ---------------------------*- tablegen -*-===//
#ifndef TILE_TYPES_TD
#define TILE_TYPES_TD

include "tile/Dialect/Tile/TileDialect.td"
include "mlir/IR/AttrTypeBase.td"
include "mlir/IR/BuiltinTypes.td"

def Tile_RingType : TypeDef<Tile_Dialect, "Ring"> {
  let mnemonic = "ring";
  let summary = "Shared-memory buffers of tiles loaded ahead of their use";
  let description = [{
    `!tile.ring<4, tensor<128x64xbf16, #tile.shared<swizzle = 128>>>`: a
    ring of `stages` buffers, each holding one tile of the given type in
    shared memory (a `#tile.shared` layout), for loads issued several
    loop iterations before the tile is read. Load number `i` of the ring
    goes to buffer `i mod stages`:

    ```
    iteration i:   get(i) ... dot ... release(i)   put(i + stages - 1)
                     |                   |            |
    buffer:        i % 4              i % 4        (i - 1) % 4  (released
                                                    in iteration i - 1)
    ```

    Each buffer has two barriers: "full" (the asynchronous copy into it
    has landed: `tile.ring_get` waits for it) and "empty" (its readers are
    done: `tile.ring_release` signals it and the next `tile.ring_put` into
    the buffer waits for it). tile-pipeline-loads creates rings; on sm_90a
    a ring is `stages` TMA destinations with mbarriers.
  }];
  let parameters = (ins "int64_t":$stages, "::mlir::RankedTensorType":$tile);
  let assemblyFormat = "`<` $stages `,` $tile `>`";
  let genVerifyDecl = 1;
}

#endif // TILE_TYPES_TD
