//===- Compiler.cpp - kernel + configuration -> PTX -----------------------===//

#include "tile/Compiler/Compiler.h"

#include "tile/Dialect/Tile/KernelConfig.h"

#include "tile/Compiler/HostKernel.h"
#include "tile/Compiler/Registration.h"
#include "tile/Runtime/HostData.h"
#include "tile/Conversion/Passes.h"
#include "tile/Dialect/Tile/TileOps.h"
#include "tile/Support/SourceFile.h"
#include "tile/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/GPU/Pipelines/Passes.h"
#include "mlir/IR/AttrTypeSubElements.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Verifier.h"
#include "llvm/ADT/DenseSet.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/xxhash.h"

#include <limits>

using namespace mlir;
using llvm::Expected;

namespace {

llvm::Error makeError(const llvm::Twine &msg) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), msg);
}

/// A context with tile's dialects, whose diagnostics are collected as text.
struct Session {
  explicit Session(const std::string &text, const std::string &name)
      : context(makeRegistry(), MLIRContext::Threading::DISABLED),
        diagStream(diagnostics) {
    context.loadAllAvailableDialects();
    // The diagnostic's location already points at the op; the op's generic
    // dump would bury the message.
    context.printOpOnDiagnostic(false);
    sourceMgr.AddNewSourceBuffer(llvm::MemoryBuffer::getMemBufferCopy(text, name),
                                 llvm::SMLoc());
    handler = std::make_unique<SourceMgrDiagnosticHandler>(sourceMgr, &context,
                                                           diagStream);
  }

  static DialectRegistry makeRegistry() {
    DialectRegistry registry;
    ::tile::registerDialects(registry);
    return registry;
  }

  llvm::Error error(const llvm::Twine &what) {
    diagStream.flush();
    std::string text = diagnostics.empty() ? what.str() : diagnostics;
    while (!text.empty() && text.back() == '\n')
      text.pop_back();
    return makeError(text);
  }

  /// Parses the buffer and returns its tile.kernel (the one called `name`).
  Expected<mlir::tile::KernelOp> parseKernel(const std::string &bufferName,
                                             const std::string &name);

  MLIRContext context;
  OwningOpRef<ModuleOp> module;
  llvm::SourceMgr sourceMgr;
  std::string diagnostics;
  llvm::raw_string_ostream diagStream;
  std::unique_ptr<SourceMgrDiagnosticHandler> handler;
};

Expected<mlir::tile::KernelOp> findKernel(Session &s, ModuleOp module,
                                    const std::string &name) {
  SmallVector<mlir::tile::KernelOp> kernels(module.getOps<mlir::tile::KernelOp>());
  if (!name.empty()) {
    for (mlir::tile::KernelOp k : kernels)
      if (k.getSymName() == name)
        return k;
    mlir::emitError(module.getLoc())
        << "no tile.kernel @" << name << " in the file";
    return s.error("no such kernel");
  }
  // Located at the file (line 1), like every other diagnostic.
  if (kernels.empty()) {
    mlir::emitError(module.getLoc())
        << "the file holds no tile.kernel; write one (see kernels/gemm.mlir) "
           "or check that this is the right file";
    return s.error("no kernel");
  }
  if (kernels.size() != 1) {
    mlir::emitError(module.getLoc())
        << "the file holds " << kernels.size()
        << " tile.kernel ops; name one with --kernel";
    return s.error("several kernels");
  }
  return kernels.front();
}

Expected<mlir::tile::KernelOp>
Session::parseKernel(const std::string &bufferName, const std::string &name) {
  module = parseSourceFile<ModuleOp>(sourceMgr, &context);
  if (!module)
    return error("cannot parse " + bufferName);
  return findKernel(*this, *module, name);
}

/// The float type elementTypeName() calls `name`; null for any other name.
static Type floatTypeNamed(MLIRContext *ctx, llvm::StringRef name) {
  if (name == "bf16")
    return BFloat16Type::get(ctx);
  if (name == "f16")
    return Float16Type::get(ctx);
  if (name == "f32")
    return Float32Type::get(ctx);
  if (name == "f8e4m3")
    return Float8E4M3FNType::get(ctx);
  if (name == "f8e5m2")
    return Float8E5M2Type::get(ctx);
  return Type();
}

std::optional<::tile::ElementType> toElementType(Type t) {
  using E = ::tile::ElementType;
  if (t.isBF16()) return E::BF16;
  if (t.isF16()) return E::F16;
  if (t.isF32()) return E::F32;
  if (isa<Float8E4M3FNType>(t)) return E::F8E4M3;
  if (isa<Float8E5M2Type>(t)) return E::F8E5M2;
  if (t.isInteger(1)) return E::I1;
  if (t.isInteger(32)) return E::I32;
  if (t.isInteger(64)) return E::I64;
  if (t.isIndex()) return E::Index;
  return std::nullopt;
}

} // namespace

namespace tile {

Expected<std::unique_ptr<KernelSource>>
KernelSource::load(const std::string &path, const std::string &name) {
  auto buffer = ::tile::readSource(path);
  if (!buffer)
    return buffer.takeError();
  return fromString((*buffer)->getBuffer().str(), path, name);
}

std::string KernelSource::contentHash() const {
  std::string all;
  for (const std::string *part :
       {&text, &kernel, &retypeFrom, &retypeTo, &outputType})
    all += *part + '\0';
  std::string hash;
  llvm::raw_string_ostream(hash)
      << llvm::format_hex_no_prefix(llvm::xxh3_64bits(all), 16);
  return hash;
}

Expected<std::unique_ptr<KernelSource>>
KernelSource::fromString(const std::string &text,
                               const std::string &bufferName,
                               const std::string &name) {
  if (auto err = ::tile::checkNesting(text, bufferName))
    return std::move(err);
  Session s(text, bufferName);
  auto kernel = s.parseKernel(bufferName, name);
  if (!kernel)
    return kernel.takeError();

  auto src = std::unique_ptr<KernelSource>(new KernelSource());
  src->text = text;
  src->bufferName = bufferName;
  src->kernel = kernel->getSymName().str();
  if (auto ref = kernel->getReference())
    src->referenceName = ref->str();
  llvm::SmallDenseSet<Value> stored;
  kernel->walk([&](mlir::tile::StoreOp st) { stored.insert(st.getDest()); });
  if (auto params = kernel->getParams())
    for (Attribute a : *params) {
      auto p = cast<mlir::tile::ParamAttr>(a);
      src->paramList.push_back(
          {p.getName().str(), std::vector<int64_t>(p.getValues().begin(),
                                                   p.getValues().end())});
    }
  if (auto constraints = kernel->getConstraints())
    for (Attribute a : *constraints)
      src->constraintList.push_back(
          cast<mlir::tile::ExprAttr>(a).getText().str());
  for (unsigned i = 0, e = kernel->getNumArguments(); i < e; ++i) {
    KernelArgInfo info;
    Type type = kernel->getArgument(i).getType();
    info.name = "arg" + std::to_string(i);
    if (auto loc = dyn_cast<NameLoc>(kernel->getArgument(i).getLoc()))
      info.name = loc.getName().str();
    Type elt = type;
    if (auto memref = dyn_cast<MemRefType>(type)) {
      info.isTensor = true;
      info.isOutput = stored.contains(kernel->getArgument(i));
      elt = memref.getElementType();
      mlir::tile::ShapeAttr shape = kernel->getArgShape(i);
      for (unsigned d = 0; d < memref.getRank(); ++d) {
        info.dimNames.push_back(shape ? shape.getSymbol(d).str() : "");
        info.staticDims.push_back(memref.isDynamicDim(d) ? -1
                                                         : memref.getDimSize(d));
        const std::string &sym = info.dimNames.back();
        if (!sym.empty() && llvm::find(src->sizeList, sym) == src->sizeList.end())
          src->sizeList.push_back(sym);
      }
    }
    auto et = toElementType(elt);
    if (!et) {
      mlir::emitError(kernel->getArgument(i).getLoc())
          << "argument #" << i << " (" << info.name << ") has element type "
          << elt
          << ", which the runtime cannot pass, allocate or fill; use bf16, "
             "f16, f32, f8E4M3FN, f8E5M2, i1, i32, i64 or index";
      return s.error("unsupported argument type");
    }
    info.elementType = *et;
    src->argList.push_back(info);
  }
  kernel->walk([&](mlir::tile::DotOp dot) {
    if (isa<Float8E4M3FNType, Float8E5M2Type>(
            getElementTypeOrSelf(dot.getLhs().getType())))
      src->float8Dot = true;
  });
  // Intermediate roundings: by their unit roundoff, the narrowest mantissa
  // is the coarsest (f32 23 bits, bf16 7, fp8 2 or 3).
  int coarsestMantissa = std::numeric_limits<int>::max();
  kernel->walk([&](arith::TruncFOp trunc) {
    bool onlyStored = llvm::all_of(trunc->getUsers(), [](Operation *user) {
      return isa<mlir::tile::StoreOp>(user);
    });
    auto floatType = cast<FloatType>(getElementTypeOrSelf(trunc.getType()));
    auto type = toElementType(floatType);
    if (onlyStored || !type ||
        floatType.getFPMantissaWidth() >= coarsestMantissa)
      return;
    coarsestMantissa = floatType.getFPMantissaWidth();
    src->intermediateType = type;
  });
  kernel->walk([&](Operation *op) {
    for (Type t : op->getResultTypes()) {
      auto tensor = dyn_cast<RankedTensorType>(t);
      auto shape = tensor ? dyn_cast_or_null<mlir::tile::ShapeAttr>(
                                tensor.getEncoding())
                          : mlir::tile::ShapeAttr();
      for (unsigned d = 0; shape && d < shape.getRank(); ++d) {
        std::string sym = shape.getSymbol(d).str();
        if (!sym.empty() && kernel->hasProblemSize(sym) &&
            llvm::find(src->tileSizeList, sym) == src->tileSizeList.end())
          src->tileSizeList.push_back(sym);
      }
    }
  });
  return src;
}

std::optional<ElementType> KernelSource::coarsestIntermediateType() const {
  // setOperandType renames the operand type everywhere, intermediates too.
  if (intermediateType && !retypeTo.empty() &&
      retypeFrom == elementTypeName(*intermediateType))
    if (auto to = ::tile::runtime::parseElementType(retypeTo))
      return to;
  return intermediateType;
}

ElementType KernelSource::dtype() const {
  for (const KernelArgInfo &a : argList)
    if (a.isTensor)
      return a.elementType;
  return ElementType::F32;
}

llvm::Error KernelSource::setOperandType(ElementType type) {
  ElementType current = dtype();
  if (type == current)
    return llvm::Error::success();
  auto is16 = [](ElementType t) {
    return t == ElementType::BF16 || t == ElementType::F16;
  };
  auto is8 = [](ElementType t) {
    return t == ElementType::F8E4M3 || t == ElementType::F8E5M2;
  };
  if (!(is16(current) && is16(type)) && !(is8(current) && is8(type)))
    return makeError(llvm::Twine("kernel @") + kernel + " is written for " +
                     elementTypeName(current) + "; it can be run in " +
                     (is8(current) ? "f8e4m3 or f8e5m2" : "bf16 or f16") +
                     ", not " + elementTypeName(type));
  retypeFrom = elementTypeName(current);
  retypeTo = elementTypeName(type);
  for (KernelArgInfo &a : argList)
    if (a.elementType == current)
      a.elementType = type;
  return llvm::Error::success();
}

llvm::Error KernelSource::setOutputType(ElementType type) {
  if (type != ElementType::BF16 && type != ElementType::F16 &&
      type != ElementType::F32 && type != ElementType::F8E4M3 &&
      type != ElementType::F8E5M2)
    return makeError(llvm::Twine("output type ") + elementTypeName(type) +
                     " is not supported (bf16, f16, f32, f8e4m3, f8e5m2)");
  outputType = elementTypeName(type);
  for (KernelArgInfo &a : argList)
    if (a.isOutput)
      a.elementType = type;
  return llvm::Error::success();
}

/// Gives the output tensors of `kernel` the element type `to`, adjusting the
/// float cast in front of each tile.store.
static LogicalResult retypeOutputs(mlir::tile::KernelOp kernel, Type to) {
  SmallVector<mlir::tile::StoreOp> stores;
  kernel.walk([&](mlir::tile::StoreOp st) { stores.push_back(st); });
  llvm::SmallDenseSet<Value> outputs;
  for (mlir::tile::StoreOp st : stores) {
    auto arg = dyn_cast<BlockArgument>(st.getDest());
    if (!arg)
      return st.emitOpError() << "stores to a value that is not a kernel "
                                 "argument; cannot change its output type";
    outputs.insert(arg);
    auto tileType = st.getValue().getType();
    if (!tileType.getElementType().isIntOrFloat() ||
        !isa<FloatType>(tileType.getElementType()))
      return st.emitOpError() << "stores non-float tiles; cannot change its "
                                 "output type";
    // The wide value in front of the cast (or the value itself).
    Value wide = st.getValue();
    if (auto cast = wide.getDefiningOp<arith::TruncFOp>())
      wide = cast.getIn();
    OpBuilder b(st);
    auto wideType = cast<RankedTensorType>(wide.getType());
    Value stored = wide;
    if (wideType.getElementType() != to)
      stored = arith::TruncFOp::create(b, st.getLoc(), wideType.clone(to), wide);
    st.getValueMutable().assign(stored);
  }
  // Retype the arguments and the signature.
  SmallVector<Type> inputs(kernel.getArgumentTypes());
  for (Value out : outputs) {
    auto arg = cast<BlockArgument>(out);
    auto memref = cast<MemRefType>(arg.getType());
    auto newType = MemRefType::get(memref.getShape(), to, memref.getLayout(),
                                   memref.getMemorySpace());
    arg.setType(newType);
    inputs[arg.getArgNumber()] = newType;
  }
  kernel.setFunctionTypeAttr(TypeAttr::get(
      FunctionType::get(kernel.getContext(), inputs, {})));
  // Casts left without users.
  kernel.walk([](arith::TruncFOp op) {
    if (op->use_empty())
      op->erase();
  });
  return verify(kernel);
}

std::vector<Bindings>
KernelSource::configSpace(const Bindings &problemSizes) const {
  std::vector<SymbolicExpr> exprs;
  for (const std::string &c : constraintList)
    if (auto e = SymbolicExpr::parse(c))
      exprs.push_back(*e);
    else
      llvm::consumeError(e.takeError());

  std::vector<Bindings> out;
  std::vector<size_t> pos(paramList.size(), 0);
  while (true) {
    Bindings b = problemSizes;
    for (size_t i = 0; i < paramList.size(); ++i)
      b[paramList[i].name] = paramList[i].candidates[pos[i]];
    bool ok = true;
    for (const SymbolicExpr &e : exprs) {
      auto v = e.evaluate(b);
      if (!v) { // mentions an unbound size: checked at launch
        llvm::consumeError(v.takeError());
        continue;
      }
      if (*v == 0) {
        ok = false;
        break;
      }
    }
    if (ok) {
      Bindings config;
      for (const ParamInfo &p : paramList)
        config[p.name] = b.lookup(p.name);
      out.push_back(std::move(config));
    }
    // Odometer over the candidates, first parameter fastest.
    size_t i = 0;
    while (i < pos.size() && ++pos[i] == paramList[i].candidates.size())
      pos[i++] = 0;
    if (i == pos.size())
      break;
  }
  return out;
}

/// Parses the kernel again in `s`, applies the retyping that
/// setOperandType/setOutputType asked for and binds `config`.
static Expected<mlir::tile::KernelOp>
specializeIn(Session &s, const std::string &bufferName,
             const std::string &kernel, const std::string &retypeFrom,
             const std::string &retypeTo, const std::string &outputType,
             const Bindings &config) {
  auto found = s.parseKernel(bufferName, kernel);
  if (!found)
    return found.takeError();
  OwningOpRef<ModuleOp> &module = s.module;
  // Other kernels in the file are not compiled.
  for (auto other : llvm::make_early_inc_range(module->getOps<mlir::tile::KernelOp>()))
    if (other != *found)
      other.erase();

  if (!retypeTo.empty()) {
    // The kernel's operand type `retypeFrom` becomes `retypeTo` everywhere.
    Type from = floatTypeNamed(&s.context, retypeFrom);
    Type to = floatTypeNamed(&s.context, retypeTo);
    assert(from && to && "setOperandType checked the names");
    AttrTypeReplacer replacer;
    replacer.addReplacement([&](Type t) -> std::optional<Type> {
      if (t == from)
        return to;
      return std::nullopt;
    });
    replacer.recursivelyReplaceElementsIn(*module, /*replaceAttrs=*/true,
                                          /*replaceLocs=*/false,
                                          /*replaceTypes=*/true);
    if (failed(verify(*module)))
      return s.error("kernel @" + kernel + " does not verify in " + retypeTo);
  }
  if (!outputType.empty()) {
    Type to = floatTypeNamed(&s.context, outputType);
    assert(to && "setOutputType checked the name");
    if (failed(retypeOutputs(*found, to)))
      return s.error("cannot give @" + kernel + " " + outputType + " outputs");
  }
  if (failed(mlir::tile::specializeKernel(*found, config)))
    return s.error("cannot specialize @" + kernel);
  return *found;
}

/// The IR before and after every pass of `pm`, one file each under
/// `dir`/`stage` (nothing when `dir` is empty): upstream's IR printing to a
/// file tree; `specialized`, when given, is written first as
/// `dir`/0-specialized.mlir (tile-specialize runs before any pass manager).
static void dumpIRTo(PassManager &pm, const std::string &dir,
                     llvm::StringRef stage, ModuleOp specialized) {
  if (dir.empty())
    return;
  if (specialized) {
    std::error_code ec = llvm::sys::fs::create_directories(dir);
    llvm::raw_fd_ostream os(dir + "/0-specialized.mlir", ec);
    if (!ec)
      specialized.print(os);
  }
  auto always = [](Pass *, Operation *) { return true; };
  pm.enableIRPrintingToFileTree(always, always, /*printModuleScope=*/true,
                                /*printAfterOnlyOnChange=*/false,
                                /*printAfterOnlyOnFailure=*/false,
                                (dir + "/" + stage).str());
}

/// What a launch description knows before lowering: the kernel's name,
/// arguments and parameters, and its full configuration (what was given
/// plus the defaults), from a specialized kernel.
static LaunchInfo describeKernel(mlir::tile::KernelOp kernel,
                                 const std::vector<KernelArgInfo> &args,
                                 const std::vector<ParamInfo> &params) {
  LaunchInfo info;
  info.kernelName = kernel.getSymName().str();
  info.args = args;
  info.config = mlir::tile::configBindings(kernel);
  for (const ParamInfo &p : params)
    info.paramNames.push_back(p.name);
  return info;
}

std::string plantedBugPass(const std::string &mutation) {
  if (mutation == "mask-check-corner")
    return "tile-skip-full-masks";
  if (mutation == "divide-floor")
    return "tile-invariant-divisions";
  return "convert-tile-to-nvgpu";
}

Expected<LaunchInfo>
KernelSource::compile(const Bindings &config,
                            const CompileOptions &options) const {
  initializeNVPTXTarget();
  Session s(text, bufferName);
  auto found = specializeIn(s, bufferName, kernel, retypeFrom, retypeTo,
                            outputType, config);
  if (!found)
    return found.takeError();
  OwningOpRef<ModuleOp> &module = s.module;

  // Before lowering: convert-tile-to-nvgpu erases the tile.kernel.
  LaunchInfo info = describeKernel(*found, argList, paramList);

  PassManager lower(&s.context);
  if (options.printIRAfterAll) {
    s.context.disableMultithreading();
    lower.enableIRPrinting();
  }
  dumpIRTo(lower, options.irDumpDir, "1-to-nvgpu", *module);
  lower.addNestedPass<mlir::tile::KernelOp>(
      mlir::tile::createTileAssignLayouts());
  // Each planted bug belongs to one pass; the others ignore it.
  auto mutationFor = [&](const char *pass) {
    return plantedBugPass(options.testMutation) == pass ? options.testMutation
                                                        : std::string();
  };
  mlir::tile::TileSkipFullMasksOptions masks;
  masks.testMutation = mutationFor("tile-skip-full-masks");
  lower.addNestedPass<mlir::tile::KernelOp>(
      mlir::tile::createTileSkipFullMasks(masks));
  lower.addNestedPass<mlir::tile::KernelOp>(
      mlir::tile::createTilePipelineLoads());
  mlir::tile::TileInvariantDivisionsOptions divisions;
  divisions.testMutation = mutationFor("tile-invariant-divisions");
  lower.addNestedPass<mlir::tile::KernelOp>(
      mlir::tile::createTileInvariantDivisions(divisions));
  mlir::tile::ConvertTileToNVGPUOptions convert;
  convert.testMutation = mutationFor("convert-tile-to-nvgpu");
  convert.chip = options.chip;
  convert.features = options.features;
  lower.addPass(mlir::tile::createConvertTileToNVGPU(convert));
  if (failed(lower.run(*module)))
    return s.error("cannot lower @" + kernel);

  gpu::GPUFuncOp func;
  module->walk([&](gpu::GPUFuncOp f) {
    if (f.getName() == kernel)
      func = f;
  });
  auto launch = func ? func->getAttrOfType<DictionaryAttr>("tile.launch")
                     : DictionaryAttr();
  if (!launch)
    return makeError("internal error: the lowering left no launch "
                     "description for @" + kernel);
  for (Attribute g : launch.getAs<ArrayAttr>("grid"))
    info.grid.push_back(cast<StringAttr>(g).str());
  info.blockThreads = launch.getAs<IntegerAttr>("block").getInt();
  info.sharedMemoryBytes = launch.getAs<IntegerAttr>("shared_memory").getInt();
  for (Attribute a : launch.getAs<ArrayAttr>("params")) {
    auto d = cast<DictionaryAttr>(a);
    KernelParam p;
    StringRef kind = d.getAs<StringAttr>("kind").getValue();
    p.argIndex = d.getAs<IntegerAttr>("arg").getInt();
    if (kind == "size") {
      p.kind = KernelParam::Kind::ProblemSize;
      p.symbol = d.getAs<StringAttr>("symbol").str();
      p.elementType = ElementType::I64;
    } else {
      const KernelArgInfo &arg = argList[p.argIndex];
      p.elementType = arg.elementType;
      p.rank = arg.dimNames.size();
      if (kind == "tensormap") {
        p.kind = KernelParam::Kind::TensorMap;
        auto box = d.getAs<DenseI64ArrayAttr>("box");
        p.boxDims.assign(box.asArrayRef().begin(), box.asArrayRef().end());
        p.swizzleBytes = d.getAs<IntegerAttr>("swizzle").getInt();
      } else if (kind == "memref") {
        p.kind = KernelParam::Kind::Memref;
      } else {
        p.kind = KernelParam::Kind::Scalar;
      }
    }
    info.params.push_back(std::move(p));
  }
  if (options.checkLaunch)
    if (llvm::Error err = options.checkLaunch(info))
      return std::move(err);

  PassManager toPTX(&s.context);
  if (options.printIRAfterAll)
    toPTX.enableIRPrinting();
  dumpIRTo(toPTX, options.irDumpDir, "2-to-ptx", {});
  gpu::GPUToNVVMPipelineOptions nvvm;
  nvvm.cubinChip = options.chip;
  nvvm.cubinFeatures = options.features;
  nvvm.cubinFormat = "isa";
  nvvm.optLevel = options.optLevel;
  gpu::buildLowerToNVVMPassPipeline(toPTX, nvvm);
  if (failed(toPTX.run(*module)))
    return s.error("cannot lower @" + kernel + " to PTX");

  module->walk([&](gpu::BinaryOp binary) {
    for (Attribute o : binary.getObjects())
      if (auto object = dyn_cast<gpu::ObjectAttr>(o))
        info.ptx = object.getObject().str();
  });
  if (info.ptx.empty())
    return makeError("internal error: no PTX was produced for @" + kernel);
  return info;
}

Expected<std::unique_ptr<HostKernel>>
KernelSource::compileForHost(const Bindings &config,
                             const CompileOptions &options) const {
  Session s(text, bufferName);
  auto found = specializeIn(s, bufferName, kernel, retypeFrom, retypeTo,
                            outputType, config);
  if (!found)
    return found.takeError();
  LaunchInfo info = describeKernel(*found, argList, paramList);
  for (Attribute g : found->getGrid())
    info.grid.push_back(cast<mlir::tile::ExprAttr>(g).getText().str());

  PassManager lower(&s.context);
  if (options.printIRAfterAll) {
    s.context.disableMultithreading();
    lower.enableIRPrinting();
  }
  dumpIRTo(lower, options.irDumpDir, "cpu", *s.module);
  // The GPU lowerings' planted bugs do not exist here.
  if (!options.testMutation.empty() &&
      plantedBugPass(options.testMutation) != "tile-invariant-divisions")
    return makeError("--test-mutation=" + options.testMutation +
                     " is not a planted bug of the CPU path (only "
                     "divide-floor, of tile-invariant-divisions)");
  buildCpuPipeline(lower, options.testMutation);
  if (failed(lower.run(*s.module)))
    return s.error("cannot lower @" + kernel + " for the host");
  return HostKernel::create(*s.module, std::move(info), options.optLevel);
}

} // namespace tile
