"""Does ex2.approx.f16x2 give two exponentials for one MUFU issue on this GPU?

A throughput probe (no tile code): Triton kernels whose threads each run
independent chains of x <- ex2(x) - 1.5 (values stay in (-1.5, 0.5]),
once with ex2.approx.ftz.f32 (one element an instruction) and once with
ex2.approx.f16x2 (two). Prints exponentials a second and the ratio; the
SASS of both loops (ptxas + cuobjdump of a hand-written PTX) goes to
--sass-dir. Used to decide whether an f16x2 softmax could relieve fp8
attention's SFU (bench/RESULTS.md, session 19).
"""
import argparse, os, subprocess, torch, triton, triton.language as tl
from triton.testing import do_bench

ap = argparse.ArgumentParser()
ap.add_argument("--sass-dir", default=None)
args = ap.parse_args()

ITERS = 256

@triton.jit
def chain_f32(X, Y, ITERS: tl.constexpr, BLOCK: tl.constexpr):
    offs = tl.program_id(0) * BLOCK + tl.arange(0, BLOCK)
    x = tl.load(X + offs)
    for _ in range(ITERS):
        x = tl.inline_asm_elementwise(
            "{ .reg .f32 t; ex2.approx.ftz.f32 t, $1; sub.f32 $0, t, 0f3FC00000; }",
            "=r,r", [x], dtype=tl.float32, is_pure=True, pack=1)
    tl.store(Y + offs, x)

@triton.jit
def chain_f16x2(X, Y, ITERS: tl.constexpr, BLOCK: tl.constexpr):
    offs = tl.program_id(0) * BLOCK + tl.arange(0, BLOCK)
    x = tl.load(X + offs)
    for _ in range(ITERS):
        x = tl.inline_asm_elementwise(
            "{ .reg .b32 t, c; mov.b32 c, 0x3E003E00; ex2.approx.f16x2 t, $1; sub.rn.f16x2 $0, t, c; }",
            "=r,r", [x], dtype=tl.int32, is_pure=True, pack=1)
    tl.store(Y + offs, x)

n = 132 * 64 * 1024  # elements; BLOCK elements a program of 4 warps
BLOCK = 2048
# The f16x2 kernel sees each pair of halves as one int32 (2 exponentials an
# element, half the elements).
for name, fn, dt in (("f32", chain_f32, torch.float32), ("f16x2", chain_f16x2, torch.float16)):
    x = (torch.rand(n, device="cuda", dtype=torch.float32) - 1.0).to(dt)
    y = torch.empty_like(x)
    xi, yi = (x.view(torch.int32), y.view(torch.int32)) if dt == torch.float16 else (x, y)
    grid = (xi.numel() // BLOCK,)
    fn[grid](xi, yi, ITERS, BLOCK)
    # Correctness of the probe itself: the chain against torch in fp32.
    ref = x.float()
    for _ in range(ITERS):
        ref = torch.exp2(ref) - 1.5
    err = (y.float() - ref).abs().max().item()
    ms = do_bench(lambda: fn[grid](xi, yi, ITERS, BLOCK), warmup=25, rep=200, return_mode="median")
    rate = n * ITERS / (ms * 1e-3)
    print(f"{name}: {ms:.4f} ms, {rate/1e12:.3f} T exp2/s, max |y - ref| {err:.3g}", flush=True)
    globals()["rate_" + name] = rate
print(f"f16x2 / f32 exponentials a second: {rate_f16x2 / rate_f32:.3f}")

if args.sass_dir:
    os.makedirs(args.sass_dir, exist_ok=True)
    body = {"f32": "ex2.approx.ftz.f32 %f1, %f0;\n\tsub.f32 %f0, %f1, 0f3FC00000;",
            "f16x2": "ex2.approx.f16x2 %r1, %r0;\n\tsub.rn.f16x2 %r0, %r1, %r2;"}
    for name, b in body.items():
        ptx = f""".version 8.0
.target sm_90a
.address_size 64
.visible .entry k(.param .u64 p) {{
\t.reg .b32 %r<4>; .reg .f32 %f<4>; .reg .b64 %rd<2>; .reg .pred %p<2>;
\tld.param.u64 %rd0, [p];
\tld.global.b32 %r0, [%rd0];
\tmov.b32 %f0, %r0; mov.b32 %r2, 0x3E003E00; mov.b32 %r3, 0;
L:
\t{b}
\tadd.s32 %r3, %r3, 1; setp.lt.s32 %p0, %r3, 1000; @%p0 bra L;
\tmov.b32 %r1, %f0; add.s32 %r0, %r0, %r1;
\tst.global.b32 [%rd0], %r0;
\tret;
}}
"""
        p = os.path.join(args.sass_dir, f"ex2_{name}.ptx")
        open(p, "w").write(ptx)
        c = p.replace(".ptx", ".cubin")
        r = subprocess.run(["ptxas", "-arch=sm_90a", "-o", c, p], capture_output=True, text=True)
        if r.returncode:
            print(name, "ptxas failed:", r.stderr[-400:]); continue
        s = subprocess.run(["cuobjdump", "-sass", c], capture_output=True, text=True).stdout
        open(p.replace(".ptx", ".sass"), "w").write(s)
        print(f"SASS {name}:", " | ".join(l.split(";")[0].split("*/")[-1].strip()
                                        for l in s.splitlines() if "MUFU" in l or "HADD2" in l or "FADD" in l))
