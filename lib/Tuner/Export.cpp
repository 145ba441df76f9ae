//===- Export.cpp - a compiled kernel as files a C++ program builds with --===//
//
// The generated header mirrors lib/Runtime/Launcher.cpp: packParams' layout
// (every parameter entry in its own 8-byte slot: a memref as allocated and
// aligned pointer, offset 0, sizes, strides; a TMA descriptor as the device
// address of a CUtensorMap; a scalar in its type's bytes; a problem size as
// an i64), makeTensorMapSpec's descriptor (innermost dimension first, byte
// strides of the outer dimensions, element strides 1, no interleave, 128-byte
// L2 promotion, zero fill, the same checks), evaluateGrid's grid and the
// shared-memory opt-in beyond 48 KiB. test/tools/export.test compiles it and
// runs it against a fake driver.
//
//===----------------------------------------------------------------------===//

#include "tile/Tuner/Export.h"

#include "tile/Compiler/Ptxas.h"
#include "tile/Support/SymbolicExpr.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include <functional>
#include <map>
#include <set>

using namespace tile;

namespace {

llvm::Error fail(const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
}

const std::set<std::string> &cppKeywords() {
  static const std::set<std::string> words = {
      "alignas", "alignof", "and", "asm", "auto", "bitand", "bitor", "bool",
      "break", "case", "catch", "char", "class", "compl", "concept", "const",
      "consteval", "constexpr", "constinit", "const_cast", "continue",
      "co_await", "co_return", "co_yield", "decltype", "default", "delete",
      "do", "double", "dynamic_cast", "else", "enum", "explicit", "export",
      "extern", "false", "float", "for", "friend", "goto", "if", "inline",
      "int", "long", "mutable", "namespace", "new", "noexcept", "not",
      "nullptr", "operator", "or", "private", "protected", "public",
      "register", "reinterpret_cast", "requires", "return", "short", "signed",
      "sizeof", "static", "static_assert", "static_cast", "struct", "switch",
      "template", "this", "thread_local", "throw", "true", "try", "typedef",
      "typeid", "typename", "union", "unsigned", "using", "virtual", "void",
      "volatile", "wchar_t", "while", "xor", "detail", "config", "Args",
      "Kernel", "grid"};
  return words;
}

/// `name` as a C++ identifier.
std::string identifier(llvm::StringRef name) {
  std::string out;
  for (char c : name)
    out += llvm::isAlnum(c) || c == '_' ? c : '_';
  if (out.empty() || llvm::isDigit(out[0]))
    out = "_" + out;
  if (cppKeywords().count(out))
    out += "_";
  return out;
}

/// The C++ type a scalar of `type` is given as.
const char *scalarType(ElementType type) {
  switch (type) {
  case ElementType::F32:
    return "float";
  case ElementType::I32:
    return "int32_t";
  case ElementType::I64:
  case ElementType::Index:
    return "int64_t";
  case ElementType::I1:
    return "bool";
  case ElementType::BF16:
  case ElementType::F16:
    return "uint16_t"; // the value's bits
  case ElementType::F8E4M3:
  case ElementType::F8E5M2:
    return "uint8_t"; // the value's bits
  }
  return "int64_t";
}

/// CU_TENSOR_MAP_DATA_TYPE_* for `type` (runtime::tensorMapDataType).
const char *tensorMapType(ElementType type) {
  switch (type) {
  case ElementType::BF16:
    return "CU_TENSOR_MAP_DATA_TYPE_BFLOAT16";
  case ElementType::F16:
    return "CU_TENSOR_MAP_DATA_TYPE_FLOAT16";
  case ElementType::F32:
    return "CU_TENSOR_MAP_DATA_TYPE_FLOAT32";
  case ElementType::F8E4M3:
  case ElementType::F8E5M2:
    return "CU_TENSOR_MAP_DATA_TYPE_UINT8";
  case ElementType::I32:
    return "CU_TENSOR_MAP_DATA_TYPE_INT32";
  case ElementType::I64:
  case ElementType::Index:
    return "CU_TENSOR_MAP_DATA_TYPE_INT64";
  case ElementType::I1:
    break;
  }
  return nullptr;
}

const char *swizzleName(int64_t bytes) {
  switch (bytes) {
  case 0:
    return "CU_TENSOR_MAP_SWIZZLE_NONE";
  case 32:
    return "CU_TENSOR_MAP_SWIZZLE_32B";
  case 64:
    return "CU_TENSOR_MAP_SWIZZLE_64B";
  case 128:
    return "CU_TENSOR_MAP_SWIZZLE_128B";
  }
  return nullptr;
}

/// Translates a SymbolicExpr (C precedence; `/` and `%` floor division and
/// its remainder; cdiv, min, max) into C++ over int64_t, naming symbols
/// through `symbol`.
class ExprTranslator {
public:
  ExprTranslator(llvm::StringRef text,
                 std::function<std::string(llvm::StringRef)> symbol)
      : text(text), symbol(std::move(symbol)) {}

  llvm::Expected<std::string> translate() {
    std::string out = binary(0);
    skipSpace();
    if (!error.empty() || pos != text.size())
      return fail("cannot translate '" + text + "' into C++" +
                  (error.empty() ? "" : ": " + error));
    return out;
  }

private:
  void skipSpace() {
    while (pos < text.size() && llvm::isSpace(text[pos]))
      ++pos;
  }
  bool take(llvm::StringRef op) {
    skipSpace();
    if (!text.substr(pos).starts_with(op))
      return false;
    pos += op.size();
    return true;
  }

  static int precedence(llvm::StringRef op) {
    if (op == "||")
      return 1;
    if (op == "&&")
      return 2;
    if (op == "==" || op == "!=")
      return 3;
    if (op == "<" || op == "<=" || op == ">" || op == ">=")
      return 4;
    if (op == "+" || op == "-")
      return 5;
    if (op == "*" || op == "/" || op == "%")
      return 6;
    return 0;
  }

  /// The binary operator at `pos`, not consumed ("" if none).
  llvm::StringRef peekOperator() {
    skipSpace();
    for (llvm::StringRef op : {"||", "&&", "==", "!=", "<=", ">=", "<", ">",
                               "+", "-", "*", "/", "%"})
      if (text.substr(pos).starts_with(op))
        return op;
    return "";
  }

  std::string binary(int minPrecedence) {
    std::string lhs = unary();
    while (error.empty()) {
      llvm::StringRef op = peekOperator();
      int p = precedence(op);
      if (!p || p < minPrecedence)
        break;
      pos += op.size();
      std::string rhs = binary(p + 1);
      if (op == "/")
        lhs = "detail::floordiv(" + lhs + ", " + rhs + ")";
      else if (op == "%")
        lhs = "detail::floormod(" + lhs + ", " + rhs + ")";
      else if (p <= 4)
        lhs = "int64_t((" + lhs + ") " + op.str() + " (" + rhs + "))";
      else
        lhs = "(" + lhs + " " + op.str() + " " + rhs + ")";
    }
    return lhs;
  }

  std::string unary() {
    if (take("-"))
      return "(-" + unary() + ")";
    return primary();
  }

  std::string primary() {
    skipSpace();
    if (pos >= text.size()) {
      error = "the expression ends early";
      return "";
    }
    if (take("(")) {
      std::string inner = binary(0);
      if (!take(")"))
        error = "a '(' is not closed";
      return "(" + inner + ")";
    }
    if (llvm::isDigit(text[pos])) {
      size_t start = pos;
      while (pos < text.size() && llvm::isDigit(text[pos]))
        ++pos;
      return "int64_t(" + text.slice(start, pos).str() + ")";
    }
    if (llvm::isAlpha(text[pos]) || text[pos] == '_') {
      size_t start = pos;
      while (pos < text.size() && (llvm::isAlnum(text[pos]) || text[pos] == '_'))
        ++pos;
      llvm::StringRef name = text.slice(start, pos);
      skipSpace();
      if (pos < text.size() && text[pos] == '(') {
        ++pos;
        std::string a = binary(0);
        if (!take(","))
          error = "'" + name.str() + "' takes two arguments";
        std::string b = binary(0);
        if (!take(")"))
          error = "a '(' is not closed";
        if (name != "cdiv" && name != "min" && name != "max")
          error = "unknown function '" + name.str() + "'";
        return "detail::" + name.str() + "_(" + a + ", " + b + ")";
      }
      return symbol(name);
    }
    error = "unexpected '" + std::string(1, text[pos]) + "'";
    return "";
  }

  llvm::StringRef text;
  std::function<std::string(llvm::StringRef)> symbol;
  size_t pos = 0;
  std::string error;
};

/// A string literal holding `text`: a raw string unless its delimiter
/// occurs in it.
std::string stringLiteral(llvm::StringRef text) {
  if (!text.contains(")tile_ptx\""))
    return "R\"tile_ptx(" + text.str() + ")tile_ptx\"";
  std::string out = "\"";
  for (char c : text) {
    if (c == '\n')
      out += "\\n\"\n\"";
    else if (c == '"' || c == '\\')
      out += std::string("\\") + c;
    else
      out += c;
  }
  return out + "\"";
}

} // namespace

std::string tile::exportName(const LaunchInfo &info) {
  return identifier(info.kernelName);
}

llvm::Expected<std::string>
tile::generateLaunchHeader(const LaunchInfo &info,
                           const ExportOptions &options) {
  const std::string ns = exportName(info);
  if (info.grid.size() > 3)
    return fail("the grid has " + llvm::Twine(info.grid.size()) +
                " dimensions; at most 3 can be launched");

  // Names of the Args fields, unique.
  llvm::StringSet<> used;
  auto fieldName = [&](llvm::StringRef want) {
    std::string name = identifier(want);
    while (!used.insert(name).second)
      name += "_";
    return name;
  };
  // Problem sizes the caller gives (not bound in the config), by symbol.
  std::map<std::string, std::string> sizeField;
  std::vector<std::string> sizeOrder;
  auto sizeOf = [&](const std::string &sym) -> std::string {
    if (auto it = info.config.find(sym); it != info.config.end())
      return "config::" + identifier(sym);
    auto [it, inserted] = sizeField.try_emplace(sym, "");
    if (inserted) {
      it->second = fieldName(sym);
      sizeOrder.push_back(sym);
    }
    return "a." + it->second;
  };

  struct TensorArg {
    std::string field, strides;
    std::vector<std::string> sizes; // C++ expressions
  };
  std::vector<TensorArg> tensors(info.args.size());
  std::vector<std::string> scalarField(info.args.size());
  // First the tensors' and scalars' own fields, so they keep their names.
  for (auto [i, a] : llvm::enumerate(info.args)) {
    if (a.isTensor) {
      tensors[i].field = fieldName(a.name);
      tensors[i].strides = fieldName(a.name + "_strides");
    } else {
      scalarField[i] = fieldName(a.name);
    }
  }
  std::vector<std::pair<std::string, std::string>> unnamedDims; // field, what
  for (auto [i, a] : llvm::enumerate(info.args)) {
    if (!a.isTensor)
      continue;
    for (size_t d = 0; d < a.staticDims.size(); ++d) {
      if (a.staticDims[d] >= 0) {
        tensors[i].sizes.push_back("int64_t(" +
                                   std::to_string(a.staticDims[d]) + ")");
      } else if (d < a.dimNames.size() && !a.dimNames[d].empty()) {
        tensors[i].sizes.push_back(sizeOf(a.dimNames[d]));
      } else {
        std::string field = fieldName(a.name + "_size" + std::to_string(d));
        unnamedDims.push_back({field, a.name + ", dimension " +
                                          std::to_string(d)});
        tensors[i].sizes.push_back("a." + field);
      }
    }
  }
  for (const KernelParam &p : info.params)
    if (p.kind == KernelParam::Kind::ProblemSize)
      sizeOf(p.symbol);
  // The grid, translated (it names its sizes too).
  std::vector<std::string> grid;
  for (const std::string &g : info.grid) {
    if (auto err = SymbolicExpr::parse(g).takeError())
      return fail("grid '" + g + "': " + llvm::toString(std::move(err)));
    ExprTranslator translator(g, [&](llvm::StringRef name) {
      return sizeOf(name.str());
    });
    auto cpp = translator.translate();
    if (!cpp)
      return cpp.takeError();
    grid.push_back(*cpp);
  }

  // The parameter slots (8 bytes each) and the descriptors.
  size_t slots = 0, maps = 0;
  for (const KernelParam &p : info.params) {
    if (p.argIndex >= info.args.size() &&
        p.kind != KernelParam::Kind::ProblemSize)
      return fail("parameter of argument #" + llvm::Twine(p.argIndex) +
                  ", which does not exist");
    switch (p.kind) {
    case KernelParam::Kind::Memref:
      slots += 3 + 2 * p.rank;
      break;
    case KernelParam::Kind::TensorMap:
      if (!tensorMapType(p.elementType) || !swizzleName(p.swizzleBytes) ||
          p.rank < 1 || p.rank > 5 || p.boxDims.size() != p.rank)
        return fail("a TMA parameter of " + info.args[p.argIndex].name +
                    " that cannot be encoded");
      ++slots;
      ++maps;
      break;
    case KernelParam::Kind::Scalar:
    case KernelParam::Kind::ProblemSize:
      ++slots;
      break;
    }
  }

  std::string out;
  llvm::raw_string_ostream os(out);
  std::string guard = "TILE_EXPORT_" + llvm::StringRef(ns).upper() + "_H";
  os << "// " << ns << ".h - generated by tile-run --export: do not edit.\n//\n";
  for (const std::string &note : options.notes)
    os << "// " << note << "\n";
  os << "//\n"
     << "// Kernel @" << info.kernelName << " for " << options.chip
     << ", block of " << info.blockThreads << " threads, "
     << info.sharedMemoryBytes << " bytes of dynamic shared memory, grid";
  for (const std::string &g : info.grid)
    os << " [" << g << "]";
  os << ".\n"
     << "//\n"
     << "//   tile_export::" << ns << "::Kernel kernel;\n"
     << "//   kernel.load();                 // once: the module, the shared-memory opt-in\n"
     << "//   kernel.prepare(args);          // when pointers or sizes change: TMA descriptors, grid\n"
     << "//   kernel.launch(stream);         // one cuLaunchKernel: no allocation, no sync\n"
     << "//\n"
     << "// Needs the CUDA driver API only (cuda.h, -lcuda); define\n"
     << "// TILE_EXPORT_NO_CUDA_H to use the tile_cuda.h written beside this file.\n"
     << "// Tensors: device pointers, 16-byte aligned for TMA; strides in\n"
     << "// elements, outermost first (all 0: row-major).\n\n"
     << "#ifndef " << guard << "\n#define " << guard << "\n\n"
     << "#ifdef TILE_EXPORT_NO_CUDA_H\n#include \"tile_cuda.h\"\n#else\n"
     << "#include <cuda.h>\n#endif\n\n"
     << "#include <cstdint>\n#include <cstring>\n\n";
  // Helpers shared by every exported kernel.
  os << R"cpp(#ifndef TILE_EXPORT_DETAIL_
#define TILE_EXPORT_DETAIL_
namespace tile_export {
namespace detail {
// tile's expressions: `/` and `%` floor, cdiv rounds up; 0 on a zero divisor
// (the grid is then refused).
inline int64_t floordiv(int64_t a, int64_t b) {
  if (b == 0) return 0;
  int64_t q = a / b;
  return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}
inline int64_t floormod(int64_t a, int64_t b) {
  return b == 0 ? 0 : a - floordiv(a, b) * b;
}
inline int64_t cdiv_(int64_t a, int64_t b) { return b == 0 ? 0 : -floordiv(-a, b); }
inline int64_t min_(int64_t a, int64_t b) { return a < b ? a : b; }
inline int64_t max_(int64_t a, int64_t b) { return a > b ? a : b; }
} // namespace detail
} // namespace tile_export
#endif // TILE_EXPORT_DETAIL_

)cpp";
  os << "namespace tile_export {\nnamespace " << ns << " {\n\n";
  os << "inline constexpr const char kKernelName[] = \"" << info.kernelName
     << "\";\n"
     << "inline constexpr unsigned kBlockThreads = " << info.blockThreads
     << ";\n"
     << "inline constexpr unsigned kSharedMemoryBytes = "
     << info.sharedMemoryBytes << ";\n"
     << "/// Kernel parameter entries (8-byte slots) and TMA descriptors.\n"
     << "inline constexpr unsigned kParamCount = " << slots << ";\n"
     << "inline constexpr unsigned kTensorMaps = " << maps << ";\n\n";
  os << "/// The config the kernel was compiled for.\nnamespace config {\n";
  {
    std::vector<std::string> names(info.paramNames);
    for (const auto &e : info.config)
      if (!llvm::is_contained(names, e.getKey().str()))
        names.push_back(e.getKey().str());
    for (const std::string &n : names)
      if (auto it = info.config.find(n); it != info.config.end())
        os << "inline constexpr int64_t " << identifier(n) << " = "
           << it->second << ";\n";
  }
  os << "} // namespace config\n\n";
  os << "/// The PTX (NUL-terminated): load()'s default image; a cubin\n"
     << "/// assembled from it loads faster (" << ns << ".cubin).\n"
     << "inline constexpr const char kPtx[] =\n"
     << stringLiteral(info.ptx) << ";\n\n";

  // Args.
  os << "/// The kernel's arguments.\nstruct Args {\n";
  for (auto [i, a] : llvm::enumerate(info.args)) {
    if (a.isTensor) {
      os << "  CUdeviceptr " << tensors[i].field << " = 0; ///< "
         << elementTypeName(a.elementType) << " [";
      for (size_t d = 0; d < a.dimNames.size(); ++d)
        os << (d ? ", " : "")
           << (a.staticDims[d] >= 0 ? std::to_string(a.staticDims[d])
                                    : a.dimNames[d].empty() ? "?"
                                                            : a.dimNames[d]);
      os << "]" << (a.isOutput ? ", written" : "") << "\n"
         << "  int64_t " << tensors[i].strides << "["
         << std::max<size_t>(1, a.staticDims.size()) << "] = {}; ///< "
         << "elements, outermost first; all 0: row-major\n";
    } else {
      os << "  " << scalarType(a.elementType) << " " << scalarField[i]
         << " = {}; ///< " << elementTypeName(a.elementType) << "\n";
    }
  }
  for (const std::string &sym : sizeOrder)
    os << "  int64_t " << sizeField[sym] << " = 0; ///< problem size\n";
  for (const auto &[field, what] : unnamedDims)
    os << "  int64_t " << field << " = 0; ///< extent of " << what << "\n";
  os << "};\n\n";

  // grid().
  os << "/// The launch grid for `a`'s sizes (the kernel's grid expressions);\n"
     << "/// false when an extent is not in [1, the CUDA limit].\n"
     << "inline bool grid(const Args &a, unsigned out[3]) {\n"
     << "  (void)a;\n"
     << "  const int64_t limit[3] = {2147483647, 65535, 65535};\n"
     << "  int64_t g[3] = {1, 1, 1};\n";
  for (size_t i = 0; i < grid.size(); ++i)
    os << "  g[" << i << "] = " << grid[i] << ";\n";
  os << "  for (int i = 0; i < 3; ++i) {\n"
     << "    if (g[i] < 1 || g[i] > limit[i]) return false;\n"
     << "    out[i] = unsigned(g[i]);\n"
     << "  }\n"
     << "  return true;\n"
     << "}\n\n";

  // Kernel.
  os << R"cpp(/// The loaded kernel and one prepared launch. Not copyable; one object
/// per set of pointers and sizes to launch with.
class Kernel {
public:
  Kernel() = default;
  Kernel(const Kernel &) = delete;
  Kernel &operator=(const Kernel &) = delete;
  ~Kernel() { unload(); }

  /// Loads `image` (the PTX, or the cubin's bytes) into the current
  /// context, finds the kernel, opts in to its shared memory and allocates
  /// device memory for its TMA descriptors. Once, before prepare().
  CUresult load(const void *image = kPtx) {
    unload();
    CUresult r = cuModuleLoadData(&module_, image);
    if (r != CUDA_SUCCESS) return fail(r, "cuModuleLoadData");
    r = cuModuleGetFunction(&function_, module_, kKernelName);
    if (r != CUDA_SUCCESS) return fail(r, "cuModuleGetFunction");
    if (kSharedMemoryBytes > 48 * 1024) {
      r = cuFuncSetAttribute(function_,
                             CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES,
                             int(kSharedMemoryBytes));
      if (r != CUDA_SUCCESS) return fail(r, "cuFuncSetAttribute");
    }
    if (kTensorMaps > 0) {
      r = cuMemAlloc(&maps_, kTensorMaps * sizeof(CUtensorMap));
      if (r != CUDA_SUCCESS) return fail(r, "cuMemAlloc");
    }
    return CUDA_SUCCESS;
  }

  /// Checks `a`, computes the grid, encodes the TMA descriptors
  /// (cuTensorMapEncodeTiled) and copies them to the device (synchronously:
  /// no launch of this object may be running), and packs the parameters.
  /// CUDA_ERROR_INVALID_VALUE with error() saying why when `a` does not fit.
  CUresult prepare(const Args &a) {
    if (!function_) return fail(CUDA_ERROR_INVALID_VALUE, "prepare() before load()");
    if (!grid(a, grid_)) return fail(CUDA_ERROR_INVALID_VALUE, "the grid is empty or too large for these sizes");
    std::memset(params_, 0, sizeof(params_));
    unsigned slot = 0, map = 0;
    (void)slot;
    (void)map;
)cpp";
  os << "    CUtensorMap maps[" << std::max<size_t>(1, maps) << "];\n"
     << "    std::memset(maps, 0, sizeof(maps));\n";
  // Per parameter.
  for (const KernelParam &p : info.params) {
    if (p.kind == KernelParam::Kind::ProblemSize) {
      os << "    put(slot++, int64_t(" << sizeOf(p.symbol) << ")); // "
         << p.symbol << "\n";
      continue;
    }
    const KernelArgInfo &arg = info.args[p.argIndex];
    const TensorArg &t = tensors[p.argIndex];
    switch (p.kind) {
    case KernelParam::Kind::Memref: {
      os << "    { // " << arg.name << ": memref descriptor\n"
         << "      const int64_t sizes[" << std::max(1u, p.rank) << "] = {";
      for (unsigned d = 0; d < p.rank; ++d)
        os << (d ? ", " : "") << t.sizes[d];
      os << "};\n"
         << "      int64_t strides[" << std::max(1u, p.rank) << "];\n"
         << "      if (!stridesOf(sizes, a." << t.strides << ", " << p.rank
         << ", strides)) return fail(CUDA_ERROR_INVALID_VALUE, \""
         << arg.name << ": an extent or stride is not positive\");\n"
         << "      put(slot++, uint64_t(a." << t.field << "));\n"
         << "      put(slot++, uint64_t(a." << t.field << "));\n"
         << "      put(slot++, int64_t(0));\n"
         << "      for (unsigned d = 0; d < " << p.rank
         << "; ++d) put(slot++, sizes[d]);\n"
         << "      for (unsigned d = 0; d < " << p.rank
         << "; ++d) put(slot++, strides[d]);\n"
         << "    }\n";
      break;
    }
    case KernelParam::Kind::TensorMap: {
      os << "    { // " << arg.name << ": TMA descriptor, box [";
      for (unsigned d = 0; d < p.rank; ++d)
        os << (d ? ", " : "") << p.boxDims[d];
      os << "], swizzle " << p.swizzleBytes << "\n"
         << "      const int64_t sizes[" << p.rank << "] = {";
      for (unsigned d = 0; d < p.rank; ++d)
        os << (d ? ", " : "") << t.sizes[d];
      os << "};\n"
         << "      const int64_t box[" << p.rank << "] = {";
      for (unsigned d = 0; d < p.rank; ++d)
        os << (d ? ", " : "") << p.boxDims[d];
      os << "};\n"
         << "      int64_t strides[" << p.rank << "];\n"
         << "      if (!stridesOf(sizes, a." << t.strides << ", " << p.rank
         << ", strides)) return fail(CUDA_ERROR_INVALID_VALUE, \""
         << arg.name << ": an extent or stride is not positive\");\n"
         << "      const char *why = encode(maps[map], " << tensorMapType(p.elementType)
         << ", " << elementSize(p.elementType) << ", a." << t.field
         << ", sizes, strides, box, " << p.rank << ", "
         << swizzleName(p.swizzleBytes) << ", " << p.swizzleBytes << ");\n"
         << "      if (why) return fail(CUDA_ERROR_INVALID_VALUE, why, \""
         << arg.name << "\");\n"
         << "      put(slot++, uint64_t(maps_ + map * sizeof(CUtensorMap)));\n"
         << "      ++map;\n"
         << "    }\n";
      break;
    }
    case KernelParam::Kind::Scalar:
      os << "    put(slot++, a." << scalarField[p.argIndex] << "); // "
         << arg.name << "\n";
      break;
    case KernelParam::Kind::ProblemSize:
      break;
    }
  }
  os << R"cpp(    if (map > 0) {
      CUresult r = cuMemcpyHtoD(maps_, maps, map * sizeof(CUtensorMap));
      if (r != CUDA_SUCCESS) return fail(r, "cuMemcpyHtoD");
    }
    prepared_ = true;
    return CUDA_SUCCESS;
  }

  /// Launches what prepare() set up on `stream`: one cuLaunchKernel.
  CUresult launch(CUstream stream) const {
    if (!prepared_) return CUDA_ERROR_INVALID_VALUE;
    void *pointers[kParamCount > 0 ? kParamCount : 1];
    for (unsigned i = 0; i < kParamCount; ++i)
      pointers[i] = const_cast<unsigned char *>(params_ + 8 * i);
    return cuLaunchKernel(function_, grid_[0], grid_[1], grid_[2],
                          kBlockThreads, 1, 1, kSharedMemoryBytes, stream,
                          pointers, nullptr);
  }

  /// Frees the descriptors' memory and unloads the module.
  void unload() {
    if (maps_) cuMemFree(maps_);
    if (module_) cuModuleUnload(module_);
    maps_ = 0;
    module_ = nullptr;
    function_ = nullptr;
    prepared_ = false;
  }

  CUfunction function() const { return function_; }
  const unsigned *gridDims() const { return grid_; }
  /// The packed parameters (8 bytes an entry).
  const unsigned char *params() const { return params_; }
  /// What the last failure was ("" if none).
  const char *error() const { return error_; }

private:
  template <typename T> void put(unsigned slot, T value) {
    std::memcpy(params_ + 8 * slot, &value, sizeof(T));
  }
  static bool stridesOf(const int64_t *sizes, const int64_t *given,
                        unsigned rank, int64_t *out) {
    bool anyGiven = false;
    for (unsigned d = 0; d < rank; ++d) {
      if (sizes[d] < 1) return false;
      anyGiven = anyGiven || given[d] != 0;
    }
    int64_t s = 1;
    for (unsigned d = rank; d-- > 0;) {
      out[d] = anyGiven ? given[d] : s;
      if (out[d] < 1) return false;
      s *= sizes[d];
    }
    return true;
  }
  /// Fills `map` as tile's runtime does (makeTensorMapSpec); the reason it
  /// cannot, or null.
  static const char *encode(CUtensorMap &map, CUtensorMapDataType type,
                            uint64_t elementBytes, CUdeviceptr address,
                            const int64_t *sizes, const int64_t *strides,
                            const int64_t *box, unsigned rank,
                            CUtensorMapSwizzle swizzle, uint64_t swizzleBytes) {
    if (address % 16 != 0) return "the address is not 16-byte aligned (TMA)";
    if (strides[rank - 1] != 1) return "the innermost stride is not 1 (TMA)";
    cuuint64_t dims[5] = {}, byteStrides[4] = {};
    cuuint32_t boxDims[5] = {}, elementStrides[5] = {};
    for (unsigned d = 0; d < rank; ++d) {
      unsigned i = rank - 1 - d; // the driver's order: innermost first
      if (sizes[d] > (int64_t(1) << 32)) return "an extent is over 2^32 (TMA)";
      dims[i] = cuuint64_t(sizes[d]);
      boxDims[i] = cuuint32_t(box[d]);
      elementStrides[i] = 1;
      if (d + 1 < rank) {
        uint64_t bytes = uint64_t(strides[d]) * elementBytes;
        if (bytes % 16 != 0) return "a stride is not a multiple of 16 bytes (TMA)";
        if (bytes >= (uint64_t(1) << 40)) return "a stride is 2^40 bytes or more (TMA)";
        byteStrides[i - 1] = bytes;
      }
    }
    if (swizzleBytes && boxDims[0] * elementBytes > swizzleBytes)
      return "the innermost box is wider than the swizzle (TMA)";
    CUresult r = cuTensorMapEncodeTiled(
        &map, type, rank, reinterpret_cast<void *>(uintptr_t(address)), dims,
        byteStrides, boxDims, elementStrides, CU_TENSOR_MAP_INTERLEAVE_NONE,
        swizzle, CU_TENSOR_MAP_L2_PROMOTION_L2_128B,
        CU_TENSOR_MAP_FLOAT_OOB_FILL_NONE);
    return r == CUDA_SUCCESS ? nullptr : "cuTensorMapEncodeTiled failed";
  }
  CUresult fail(CUresult r, const char *what, const char *tensor = nullptr) {
    error_[0] = 0;
    if (tensor) {
      std::strncat(error_, tensor, sizeof(error_) - 1);
      std::strncat(error_, ": ", sizeof(error_) - 1 - std::strlen(error_));
    }
    std::strncat(error_, what, sizeof(error_) - 1 - std::strlen(error_));
    return r;
  }

  CUmodule module_ = nullptr;
  CUfunction function_ = nullptr;
  CUdeviceptr maps_ = 0;
  unsigned grid_[3] = {1, 1, 1};
  bool prepared_ = false;
  alignas(8) unsigned char params_[8 * (kParamCount > 0 ? kParamCount : 1)] = {};
  char error_[160] = {};
};

)cpp";
  os << "} // namespace " << ns << "\n} // namespace tile_export\n\n#endif // "
     << guard << "\n";
  return out;
}

std::string tile::cudaDeclarationsHeader() {
  return R"cpp(// tile_cuda.h - generated by tile-run --export: the CUDA driver API the
// exported headers use, declared with the values of CUDA 13's cuda.h, for
// building without the toolkit's headers (-DTILE_EXPORT_NO_CUDA_H). Link
// libcuda (-lcuda) either way. Do not include it next to cuda.h.
#ifndef TILE_EXPORT_CUDA_H
#define TILE_EXPORT_CUDA_H

#include <cstddef>
#include <cstdint>

extern "C" {

typedef int CUresult;
enum {
  CUDA_SUCCESS = 0,
  CUDA_ERROR_INVALID_VALUE = 1,
};
typedef unsigned long long CUdeviceptr;
typedef uint32_t cuuint32_t;
typedef uint64_t cuuint64_t;
typedef struct CUmod_st *CUmodule;
typedef struct CUfunc_st *CUfunction;
typedef struct CUstream_st *CUstream;

typedef struct CUtensorMap_st {
  alignas(128) cuuint64_t opaque[16];
} CUtensorMap;

typedef enum CUfunction_attribute_enum {
  CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES = 8,
} CUfunction_attribute;

typedef enum CUtensorMapDataType_enum {
  CU_TENSOR_MAP_DATA_TYPE_UINT8 = 0,
  CU_TENSOR_MAP_DATA_TYPE_UINT16 = 1,
  CU_TENSOR_MAP_DATA_TYPE_UINT32 = 2,
  CU_TENSOR_MAP_DATA_TYPE_INT32 = 3,
  CU_TENSOR_MAP_DATA_TYPE_UINT64 = 4,
  CU_TENSOR_MAP_DATA_TYPE_INT64 = 5,
  CU_TENSOR_MAP_DATA_TYPE_FLOAT16 = 6,
  CU_TENSOR_MAP_DATA_TYPE_FLOAT32 = 7,
  CU_TENSOR_MAP_DATA_TYPE_FLOAT64 = 8,
  CU_TENSOR_MAP_DATA_TYPE_BFLOAT16 = 9,
} CUtensorMapDataType;
typedef enum CUtensorMapInterleave_enum {
  CU_TENSOR_MAP_INTERLEAVE_NONE = 0,
} CUtensorMapInterleave;
typedef enum CUtensorMapSwizzle_enum {
  CU_TENSOR_MAP_SWIZZLE_NONE = 0,
  CU_TENSOR_MAP_SWIZZLE_32B = 1,
  CU_TENSOR_MAP_SWIZZLE_64B = 2,
  CU_TENSOR_MAP_SWIZZLE_128B = 3,
} CUtensorMapSwizzle;
typedef enum CUtensorMapL2promotion_enum {
  CU_TENSOR_MAP_L2_PROMOTION_NONE = 0,
  CU_TENSOR_MAP_L2_PROMOTION_L2_64B = 1,
  CU_TENSOR_MAP_L2_PROMOTION_L2_128B = 2,
  CU_TENSOR_MAP_L2_PROMOTION_L2_256B = 3,
} CUtensorMapL2promotion;
typedef enum CUtensorMapFloatOOBfill_enum {
  CU_TENSOR_MAP_FLOAT_OOB_FILL_NONE = 0,
} CUtensorMapFloatOOBfill;

// cuda.h maps these names to their _v2 entry points the same way.
#define cuMemAlloc cuMemAlloc_v2
#define cuMemFree cuMemFree_v2
#define cuMemcpyHtoD cuMemcpyHtoD_v2

CUresult cuModuleLoadData(CUmodule *module, const void *image);
CUresult cuModuleUnload(CUmodule module);
CUresult cuModuleGetFunction(CUfunction *function, CUmodule module,
                             const char *name);
CUresult cuFuncSetAttribute(CUfunction function, CUfunction_attribute attrib,
                            int value);
CUresult cuMemAlloc_v2(CUdeviceptr *ptr, size_t bytes);
CUresult cuMemFree_v2(CUdeviceptr ptr);
CUresult cuMemcpyHtoD_v2(CUdeviceptr dst, const void *src, size_t bytes);
CUresult cuLaunchKernel(CUfunction f, unsigned gridDimX, unsigned gridDimY,
                        unsigned gridDimZ, unsigned blockDimX,
                        unsigned blockDimY, unsigned blockDimZ,
                        unsigned sharedMemBytes, CUstream stream,
                        void **kernelParams, void **extra);
CUresult cuTensorMapEncodeTiled(
    CUtensorMap *tensorMap, CUtensorMapDataType tensorDataType,
    cuuint32_t tensorRank, void *globalAddress, const cuuint64_t *globalDim,
    const cuuint64_t *globalStrides, const cuuint32_t *boxDim,
    const cuuint32_t *elementStrides, CUtensorMapInterleave interleave,
    CUtensorMapSwizzle swizzle, CUtensorMapL2promotion l2Promotion,
    CUtensorMapFloatOOBfill oobFill);

} // extern "C"

#endif // TILE_EXPORT_CUDA_H
)cpp";
}

llvm::Expected<std::vector<std::string>>
tile::exportKernel(const LaunchInfo &info, const std::string &dir,
                   const ExportOptions &options) {
  if (info.ptx.empty())
    return fail("nothing to export: no PTX");
  auto header = generateLaunchHeader(info, options);
  if (!header)
    return header.takeError();
  auto launch = launchInfoToText(info);
  if (!launch)
    return launch.takeError();
  if (std::error_code ec = llvm::sys::fs::create_directories(dir))
    return fail("cannot create " + dir + ": " + ec.message());
  std::string name = exportName(info);
  std::vector<std::string> written;
  auto write = [&](const std::string &file,
                   llvm::StringRef text) -> llvm::Error {
    llvm::SmallString<256> path(dir);
    llvm::sys::path::append(path, file);
    std::error_code ec;
    llvm::raw_fd_ostream os(path, ec);
    if (!ec) {
      os << text;
      os.close();
      if (os.has_error())
        ec = os.error();
    }
    if (ec)
      return fail("cannot write " + path + ": " + ec.message());
    written.push_back(std::string(path));
    return llvm::Error::success();
  };
  if (auto err = write(name + ".ptx", info.ptx))
    return std::move(err);
  if (!options.ptxas.empty()) {
    llvm::SmallString<256> cubin(dir);
    llvm::sys::path::append(cubin, name + ".cubin");
    auto report = runPtxas(options.ptxas, info.ptx, options.chip,
                           std::string(cubin));
    if (!report)
      return fail("ptxas cannot assemble the PTX: " +
                  llvm::toString(report.takeError()));
    written.push_back(std::string(cubin));
  }
  if (auto err = write(name + ".launch.txt", *launch))
    return std::move(err);
  if (auto err = write(name + ".h", *header))
    return std::move(err);
  if (auto err = write("tile_cuda.h", cudaDeclarationsHeader()))
    return std::move(err);
  return written;
}
