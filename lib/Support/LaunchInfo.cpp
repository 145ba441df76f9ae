//===- LaunchInfo.cpp - element types, the launch description as text -----===//

#include "tile/Compiler/LaunchInfo.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/Support/raw_ostream.h"

#include <optional>
#include <type_traits>

using namespace tile;

unsigned tile::elementSize(ElementType type) {
  switch (type) {
  case ElementType::BF16:
  case ElementType::F16:
    return 2;
  case ElementType::F32:
  case ElementType::I32:
    return 4;
  case ElementType::F8E4M3:
  case ElementType::F8E5M2:
  case ElementType::I1:
    return 1;
  case ElementType::I64:
  case ElementType::Index:
    return 8;
  }
  return 0;
}

const char *tile::elementTypeName(ElementType type) {
  switch (type) {
  case ElementType::BF16:
    return "bf16";
  case ElementType::F16:
    return "f16";
  case ElementType::F32:
    return "f32";
  case ElementType::F8E4M3:
    return "f8e4m3";
  case ElementType::F8E5M2:
    return "f8e5m2";
  case ElementType::I32:
    return "i32";
  case ElementType::I64:
    return "i64";
  case ElementType::Index:
    return "index";
  case ElementType::I1:
    return "i1";
  }
  return "<unknown>";
}


//===----------------------------------------------------------------------===//
// The text form
//===----------------------------------------------------------------------===//
//
//   tile-launch-info 1
//   kernel gemm
//   block 256
//   shared_memory 98304
//   grid cdiv(M, BLOCK_M) * cdiv(N, BLOCK_N)        (one line a dimension)
//   config BLOCK_M=128,BLOCK_N=128,...
//   param_names BLOCK_M,BLOCK_N,...
//   arg name=A tensor=1 type=bf16 output=0 dims=M,K static=-1,-1
//   param kind=tensormap arg=0 type=bf16 rank=2 box=128,64 swizzle=128
//   param kind=size arg=0 symbol=K
//   end


namespace {

llvm::Error textError(const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
}

constexpr ElementType kAllTypes[] = {
    ElementType::BF16,   ElementType::F16, ElementType::F32,
    ElementType::F8E4M3, ElementType::F8E5M2, ElementType::I32,
    ElementType::I64,    ElementType::Index, ElementType::I1};

std::optional<ElementType> typeNamed(llvm::StringRef name) {
  for (ElementType t : kAllTypes)
    if (name == elementTypeName(t))
      return t;
  return std::nullopt;
}

const char *kindName(KernelParam::Kind kind) {
  switch (kind) {
  case KernelParam::Kind::Memref:
    return "memref";
  case KernelParam::Kind::TensorMap:
    return "tensormap";
  case KernelParam::Kind::Scalar:
    return "scalar";
  case KernelParam::Kind::ProblemSize:
    return "size";
  }
  return "?";
}

template <typename T>
std::string joined(const std::vector<T> &values) {
  std::string out;
  for (const T &v : values) {
    if (!out.empty())
      out += ",";
    if constexpr (std::is_same_v<T, std::string>)
      out += v;
    else
      out += std::to_string(v);
  }
  return out;
}

/// A name that the text keeps apart: no spaces, '=', ',' or line breaks.
bool plainName(llvm::StringRef name) {
  return name.find_first_of(" \t\r\n=,") == llvm::StringRef::npos;
}

} // namespace

llvm::Expected<std::string> tile::launchInfoToText(const LaunchInfo &info) {
  auto bad = [](const llvm::Twine &what) {
    return textError("cannot write the launch description: " + what);
  };
  if (!plainName(info.kernelName) || info.kernelName.empty())
    return bad("kernel name '" + info.kernelName + "'");
  std::string out;
  llvm::raw_string_ostream os(out);
  os << kLaunchInfoFormat << "\n"
     << "kernel " << info.kernelName << "\n"
     << "block " << info.blockThreads << "\n"
     << "shared_memory " << info.sharedMemoryBytes << "\n";
  for (const std::string &g : info.grid) {
    if (g.find_first_of("\r\n") != std::string::npos || g.empty())
      return bad("grid expression '" + g + "'");
    os << "grid " << g << "\n";
  }
  for (const auto &entry : info.config)
    if (!plainName(entry.getKey()) || entry.getKey().empty())
      return bad("config name '" + entry.getKey() + "'");
  for (const std::string &n : info.paramNames)
    if (!plainName(n) || n.empty())
      return bad("parameter name '" + n + "'");
  os << "config " << formatBindings(info.config, info.paramNames) << "\n"
     << "param_names " << joined(info.paramNames) << "\n";
  for (const KernelArgInfo &a : info.args) {
    if (!plainName(a.name) || a.name.empty())
      return bad("argument name '" + a.name + "'");
    if (a.dimNames.size() != a.staticDims.size())
      return bad("argument " + a.name + ": dimension names and extents differ");
    for (const std::string &d : a.dimNames)
      if (!plainName(d))
        return bad("dimension name '" + d + "' of " + a.name);
    os << "arg name=" << a.name << " tensor=" << a.isTensor
       << " type=" << elementTypeName(a.elementType)
       << " output=" << a.isOutput << " dims=" << joined(a.dimNames)
       << " static=" << joined(a.staticDims) << "\n";
  }
  for (const KernelParam &p : info.params) {
    os << "param kind=" << kindName(p.kind) << " arg=" << p.argIndex;
    switch (p.kind) {
    case KernelParam::Kind::ProblemSize:
      if (!plainName(p.symbol) || p.symbol.empty())
        return bad("problem size '" + p.symbol + "'");
      os << " symbol=" << p.symbol;
      break;
    case KernelParam::Kind::Scalar:
      os << " type=" << elementTypeName(p.elementType);
      break;
    case KernelParam::Kind::Memref:
      os << " type=" << elementTypeName(p.elementType) << " rank=" << p.rank;
      break;
    case KernelParam::Kind::TensorMap:
      os << " type=" << elementTypeName(p.elementType) << " rank=" << p.rank
         << " box=" << joined(p.boxDims) << " swizzle=" << p.swizzleBytes;
      break;
    }
    os << "\n";
  }
  os << "end\n";
  return out;
}

llvm::Expected<LaunchInfo> tile::launchInfoFromText(llvm::StringRef text) {
  llvm::SmallVector<llvm::StringRef> lines;
  text.split(lines, '\n');
  size_t lineNo = 0;
  auto fail = [&](const llvm::Twine &what) {
    return textError("launch description, line " + llvm::Twine(lineNo) +
                     ": " + what);
  };
  if (lines.empty() || lines[0].rtrim("\r") != kLaunchInfoFormat) {
    lineNo = 1;
    return fail(llvm::Twine("expected '") + kLaunchInfoFormat +
                "' (another tile's format, or not a launch description)");
  }
  LaunchInfo info;
  bool sawKernel = false, sawBlock = false, sawShared = false,
       sawConfig = false, sawEnd = false;
  auto number = [](llvm::StringRef s, int64_t &out) {
    return !s.empty() && !s.trim().getAsInteger(10, out);
  };
  auto numbers = [&](llvm::StringRef s, std::vector<int64_t> &out) {
    out.clear();
    if (s.empty())
      return true;
    llvm::SmallVector<llvm::StringRef> parts;
    s.split(parts, ',');
    for (llvm::StringRef p : parts) {
      int64_t v;
      if (!number(p, v))
        return false;
      out.push_back(v);
    }
    return true;
  };
  // "k1=v1 k2=v2 ...": every key at most once.
  auto fields = [](llvm::StringRef s,
                   llvm::StringMap<std::string> &out) -> bool {
    llvm::SmallVector<llvm::StringRef> parts;
    s.split(parts, ' ', -1, /*KeepEmpty=*/false);
    for (llvm::StringRef p : parts) {
      auto [k, v] = p.split('=');
      if (k.empty() || !p.contains('=') || !out.try_emplace(k, v.str()).second)
        return false;
    }
    return true;
  };
  for (size_t i = 1; i < lines.size(); ++i) {
    lineNo = i + 1;
    llvm::StringRef line = lines[i].rtrim("\r");
    if (sawEnd) {
      if (!line.empty())
        return fail("text after 'end'");
      continue;
    }
    if (line.empty() && i + 1 == lines.size())
      break; // the final line break
    auto [word, rest] = line.split(' ');
    int64_t v;
    if (word == "end") {
      sawEnd = true;
    } else if (word == "kernel") {
      if (rest.empty() || !plainName(rest))
        return fail("a kernel name");
      info.kernelName = rest.str();
      sawKernel = true;
    } else if (word == "block") {
      if (!number(rest, v) || v <= 0 || v > 1024 * 1024)
        return fail("'block' needs a positive thread count");
      info.blockThreads = v;
      sawBlock = true;
    } else if (word == "shared_memory") {
      if (!number(rest, v) || v < 0 || v > (int64_t(1) << 31))
        return fail("'shared_memory' needs a byte count");
      info.sharedMemoryBytes = v;
      sawShared = true;
    } else if (word == "grid") {
      if (rest.trim().empty())
        return fail("'grid' needs an expression");
      info.grid.push_back(rest.str());
    } else if (word == "config") {
      if (auto err = parseBindings(rest, info.config))
        return fail("config: " + llvm::toString(std::move(err)));
      sawConfig = true;
    } else if (word == "param_names") {
      llvm::SmallVector<llvm::StringRef> names;
      rest.split(names, ',', -1, /*KeepEmpty=*/false);
      for (llvm::StringRef n : names)
        info.paramNames.push_back(n.str());
    } else if (word == "arg") {
      llvm::StringMap<std::string> f;
      if (!fields(rest, f) || f.size() != 6 || !f.count("name") ||
          !f.count("tensor") || !f.count("type") || !f.count("output") ||
          !f.count("dims") || !f.count("static"))
        return fail("'arg' needs name=, tensor=, type=, output=, dims= and "
                    "static=");
      KernelArgInfo a;
      a.name = f["name"];
      auto type = typeNamed(f["type"]);
      if (a.name.empty() || !type || (f["tensor"] != "0" && f["tensor"] != "1") ||
          (f["output"] != "0" && f["output"] != "1") ||
          !numbers(f["static"], a.staticDims))
        return fail("a malformed argument");
      a.elementType = *type;
      a.isTensor = f["tensor"] == "1";
      a.isOutput = f["output"] == "1";
      if (!a.staticDims.empty()) {
        llvm::SmallVector<llvm::StringRef> dims;
        llvm::StringRef(f["dims"]).split(dims, ',');
        for (llvm::StringRef d : dims)
          a.dimNames.push_back(d.str());
      } else if (!f["dims"].empty()) {
        return fail("dimension names without extents");
      }
      if (a.dimNames.size() != a.staticDims.size())
        return fail("argument " + a.name +
                    ": dimension names and extents differ");
      info.args.push_back(std::move(a));
    } else if (word == "param") {
      llvm::StringMap<std::string> f;
      if (!fields(rest, f) || !f.count("kind") || !f.count("arg") ||
          !number(f["arg"], v) || v < 0)
        return fail("'param' needs kind= and arg=");
      KernelParam p;
      p.argIndex = v;
      llvm::StringRef kind = f["kind"];
      size_t expected = 2;
      if (kind == "size") {
        p.kind = KernelParam::Kind::ProblemSize;
        p.elementType = ElementType::I64;
        p.symbol = f.lookup("symbol");
        if (p.symbol.empty())
          return fail("a problem size needs symbol=");
        expected = 3;
      } else {
        auto type = typeNamed(f.lookup("type"));
        if (!type)
          return fail("a parameter needs type=");
        p.elementType = *type;
        expected = 3;
        if (kind == "scalar") {
          p.kind = KernelParam::Kind::Scalar;
        } else if (kind == "memref" || kind == "tensormap") {
          p.kind = kind == "memref" ? KernelParam::Kind::Memref
                                    : KernelParam::Kind::TensorMap;
          if (!number(f.lookup("rank"), v) || v < 0 || v > 8)
            return fail("a tensor parameter needs rank=");
          p.rank = v;
          expected = 4;
          if (kind == "tensormap") {
            if (!numbers(f.lookup("box"), p.boxDims) ||
                p.boxDims.size() != p.rank ||
                !number(f.lookup("swizzle"), p.swizzleBytes) ||
                (p.swizzleBytes != 0 && p.swizzleBytes != 32 &&
                 p.swizzleBytes != 64 && p.swizzleBytes != 128))
              return fail("a TMA parameter needs box= (one extent a "
                          "dimension) and swizzle= (0, 32, 64, 128)");
            expected = 6;
          }
        } else {
          return fail("unknown parameter kind '" + kind + "'");
        }
      }
      if (f.size() != expected)
        return fail("unexpected fields in a '" + kind + "' parameter");
      info.params.push_back(std::move(p));
    } else {
      return fail("unknown line '" + word + "'");
    }
  }
  lineNo = lines.size();
  if (!sawEnd)
    return fail("the text ends before 'end' (cut short?)");
  if (!sawKernel || !sawBlock || !sawShared || !sawConfig)
    return fail("'kernel', 'block', 'shared_memory' and 'config' are needed");
  for (const KernelParam &p : info.params) {
    if (p.argIndex >= info.args.size())
      return fail("a parameter of argument #" + llvm::Twine(p.argIndex) +
                  ", of " + llvm::Twine(info.args.size()));
    const KernelArgInfo &a = info.args[p.argIndex];
    bool tensorParam = p.kind == KernelParam::Kind::Memref ||
                       p.kind == KernelParam::Kind::TensorMap;
    if (tensorParam && (!a.isTensor || a.dimNames.size() != p.rank))
      return fail("parameter of " + a.name + " does not fit the argument");
    if (p.kind == KernelParam::Kind::Scalar && a.isTensor)
      return fail("scalar parameter of the tensor " + a.name);
  }
  return info;
}
