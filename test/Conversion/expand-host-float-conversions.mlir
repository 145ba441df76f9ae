// RUN: tile-opt %s --tile-expand-host-float-conversions | FileCheck %s

// fp8 and f16 conversions become calls on the bits (declared once); bf16
// and f32 <-> f64 stay; f16 -> fp8 goes through f32.

// CHECK-DAG: func.func private @tile_host_f8e4m3_to_f32(i8) -> f32
// CHECK-DAG: func.func private @tile_host_f32_to_f8e5m2(f32) -> i8
// CHECK-DAG: func.func private @tile_host_f16_to_f32(i16) -> f32
// CHECK-DAG: func.func private @tile_host_f32_to_f16(f32) -> i16
// CHECK-LABEL: func.func @convert
func.func @convert(%a: f8E4M3FN, %b: f32, %c: f16, %d: bf16, %e: f64) -> (f32, f8E5M2, f8E5M2, f32, f16) {
  // CHECK: %[[BITS:.*]] = arith.bitcast %{{.*}} : f8E4M3FN to i8
  // CHECK: %[[A:.*]] = call @tile_host_f8e4m3_to_f32(%[[BITS]]) : (i8) -> f32
  %0 = arith.extf %a : f8E4M3FN to f32
  // CHECK: %[[R:.*]] = call @tile_host_f32_to_f8e5m2(%{{.*}}) : (f32) -> i8
  // CHECK: %[[B:.*]] = arith.bitcast %[[R]] : i8 to f8E5M2
  %1 = arith.truncf %b : f32 to f8E5M2
  // CHECK: %[[C32:.*]] = call @tile_host_f16_to_f32
  // CHECK: call @tile_host_f32_to_f8e5m2(%[[C32]])
  %2 = arith.truncf %c : f16 to f8E5M2
  // CHECK: arith.extf %{{.*}} : bf16 to f32
  %3 = arith.extf %d : bf16 to f32
  // CHECK: %[[N:.*]] = arith.truncf %{{.*}} : f64 to f32
  // CHECK: call @tile_host_f32_to_f16(%[[N]])
  %4 = arith.truncf %e : f64 to f16
  return %0, %1, %2, %3, %4 : f32, f8E5M2, f8E5M2, f32, f16
}
