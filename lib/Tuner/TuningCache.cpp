//===- TuningCache.cpp - Tuned configs kept between runs -----------------===//

#include "tile/Tuner/TuningCache.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/raw_ostream.h"
#include "llvm/Support/xxhash.h"

#include <tuple>

using namespace tile;

namespace {

/// Key fields are written on one line: a newline, tab or carriage return in
/// one (a device name, say) would break the format, so they become spaces.
std::string oneLine(llvm::StringRef s) {
  std::string out = s.str();
  for (char &c : out)
    if (c == '\n' || c == '\r' || c == '\t')
      c = ' ';
  return out;
}

llvm::Error fail(const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
}

} // namespace

std::string TuningKey::text() const {
  return llvm::formatv("kernel={0}\tsource={1}\tshape={2}\tdtype={3}\t"
                       "device={4}\tcompiler={5}",
                       oneLine(kernel), oneLine(kernelHash), oneLine(shape),
                       oneLine(dtype), oneLine(device), oneLine(compiler))
      .str();
}

std::string TuningCache::defaultDirectory() {
  if (auto dir = llvm::sys::Process::GetEnv("TILE_CACHE_DIR"); dir && !dir->empty())
    return *dir;
  llvm::SmallString<256> path;
  if (auto xdg = llvm::sys::Process::GetEnv("XDG_CACHE_HOME"); xdg && !xdg->empty()) {
    path = *xdg;
  } else if (auto home = llvm::sys::Process::GetEnv("HOME"); home && !home->empty()) {
    path = *home;
    llvm::sys::path::append(path, ".cache");
  } else {
    return "";
  }
  llvm::sys::path::append(path, "tile");
  return std::string(path);
}

/// `<directory>/<subdir>/<kernel>-<hash of the key>.txt`.
static std::string pathFor(const std::string &directory,
                           llvm::StringRef subdir, const TuningKey &key) {
  // The kernel's name keeps the directory readable; the hash of the whole
  // key tells entries apart. Names are identifiers, but a file name must
  // not take a path separator from anywhere.
  std::string name;
  for (char c : key.kernel)
    name += llvm::isAlnum(c) || c == '_' || c == '-' ? c : '_';
  llvm::SmallString<256> path(directory);
  llvm::sys::path::append(
      path, subdir,
      llvm::formatv("{0}-{1}.txt", name,
                    llvm::format_hex_no_prefix(llvm::xxh3_64bits(key.text()),
                                               16))
          .str());
  return std::string(path);
}

std::string TuningCache::entryPath(const TuningKey &key) const {
  return pathFor(directory, "configs", key);
}

std::string TuningCache::kernelPath(const TuningKey &key) const {
  return pathFor(directory, "kernels", key);
}

std::optional<std::string>
TuningCache::lookup(const TuningKey &key,
                    llvm::function_ref<void(const llvm::Twine &)> warn) const {
  std::string path = entryPath(key);
  if (!llvm::sys::fs::exists(path))
    return std::nullopt;
  auto buffer = llvm::MemoryBuffer::getFile(path, /*IsText=*/true);
  if (!buffer) {
    warn("cannot read tuning cache entry " + path + ": " +
         buffer.getError().message() + "; ignoring it");
    return std::nullopt;
  }
  llvm::SmallVector<llvm::StringRef, 4> lines;
  (*buffer)->getBuffer().split(lines, '\n', /*MaxSplit=*/-1,
                               /*KeepEmpty=*/false);
  if (lines.size() < 3 || lines[0] != kFormat) {
    warn("tuning cache entry " + path +
         " is not in this tile's format (expected a first line '" + kFormat +
         "'); ignoring it (tuning again rewrites it)");
    return std::nullopt;
  }
  llvm::StringRef keyLine = lines[1], configLine = lines[2];
  if (!keyLine.consume_front("key ") || !configLine.consume_front("config ") ||
      configLine.trim().empty()) {
    warn("tuning cache entry " + path +
         " is damaged (no 'key' and 'config' lines); ignoring it (tuning "
         "again rewrites it)");
    return std::nullopt;
  }
  if (keyLine != key.text()) {
    warn("tuning cache entry " + path +
         " belongs to another key (a hash collision or a copied file); "
         "ignoring it");
    return std::nullopt;
  }
  return configLine.trim().str();
}

llvm::Error TuningCache::store(const TuningKey &key,
                               const std::string &config) const {
  if (config.find('\n') != std::string::npos)
    return fail("a config must be one line");
  std::string path = entryPath(key);
  llvm::StringRef dir = llvm::sys::path::parent_path(path);
  if (std::error_code ec = llvm::sys::fs::create_directories(dir))
    return fail("cannot create the tuning cache directory " + dir + ": " +
                ec.message());
  // LLVM writes a temporary file next to the entry and renames it over
  // the entry (atomic within a file system).
  if (llvm::Error err = llvm::writeToOutput(path, [&](llvm::raw_ostream &os) {
        os << kFormat << "\n"
           << "key " << key.text() << "\n"
           << "config " << config << "\n";
        return llvm::Error::success();
      }))
    return fail("cannot write tuning cache entry " + path + ": " +
                llvm::toString(std::move(err)));
  return llvm::Error::success();
}

namespace {

std::string hashText(llvm::StringRef text) {
  std::string out;
  llvm::raw_string_ostream(out)
      << llvm::format_hex_no_prefix(llvm::xxh3_64bits(text), 16);
  return out;
}

/// Splits the first line off `rest`; false when there is no line break.
bool takeLine(llvm::StringRef &rest, llvm::StringRef &line) {
  size_t end = rest.find('\n');
  if (end == llvm::StringRef::npos)
    return false;
  line = rest.take_front(end);
  rest = rest.drop_front(end + 1);
  return true;
}

} // namespace

llvm::Error
TuningCache::storeKernel(const TuningKey &key, const std::string &config,
                         const LaunchInfo &info,
                         const std::optional<PtxasReport> &ptxas) const {
  if (config.find('\n') != std::string::npos)
    return fail("a config must be one line");
  if (info.ptx.empty())
    return fail("no PTX to record");
  auto launch = launchInfoToText(info);
  if (!launch)
    return launch.takeError();
  std::string path = kernelPath(key);
  llvm::StringRef dir = llvm::sys::path::parent_path(path);
  if (std::error_code ec = llvm::sys::fs::create_directories(dir))
    return fail("cannot create the tuning cache directory " + dir + ": " +
                ec.message());
  if (llvm::Error err = llvm::writeToOutput(path, [&](llvm::raw_ostream &os) {
        os << kKernelFormat << "\n"
           << "key " << key.text() << "\n"
           << "config " << config << "\n";
        if (ptxas)
          os << llvm::formatv("ptxas registers={0} spill_store={1} "
                              "spill_load={2} stack={3} shared={4}\n",
                              ptxas->registers, ptxas->spillStoreBytes,
                              ptxas->spillLoadBytes, ptxas->stackBytes,
                              ptxas->sharedBytes)
             << "wgmma_serialized "
             << (ptxas->wgmmaSerialized.empty() ? "none"
                                                : ptxas->wgmmaSerialized)
             << "\n";
        else
          os << "ptxas none\n";
        os << "launch " << launch->size() << "\n"
           << *launch << "ptx " << info.ptx.size() << " "
           << hashText(info.ptx) << "\n"
           << info.ptx;
        return llvm::Error::success();
      }))
    return fail("cannot write tuning cache entry " + path + ": " +
                llvm::toString(std::move(err)));
  return llvm::Error::success();
}

std::optional<CachedKernel> TuningCache::lookupKernel(
    const TuningKey &key, const std::string &config,
    llvm::function_ref<void(const llvm::Twine &)> warn) const {
  std::string path = kernelPath(key);
  if (!llvm::sys::fs::exists(path))
    return std::nullopt;
  auto buffer = llvm::MemoryBuffer::getFile(path, /*IsText=*/false);
  if (!buffer) {
    warn("cannot read tuning cache entry " + path + ": " +
         buffer.getError().message() + "; compiling the config instead");
    return std::nullopt;
  }
  auto damaged = [&](const llvm::Twine &why) {
    warn("tuning cache entry " + path + " is damaged (" + why +
         "); compiling the config instead (tuning again rewrites it)");
    return std::nullopt;
  };
  llvm::StringRef rest = (*buffer)->getBuffer(), line;
  if (!takeLine(rest, line) || line != kKernelFormat) {
    warn("tuning cache entry " + path +
         " is not in this tile's format (expected a first line '" +
         kKernelFormat + "'); compiling the config instead (tuning again "
         "rewrites it)");
    return std::nullopt;
  }
  if (!takeLine(rest, line) || !line.consume_front("key "))
    return damaged("no 'key' line");
  if (line != key.text()) {
    warn("tuning cache entry " + path +
         " belongs to another key (a hash collision or a copied file); "
         "compiling the config instead");
    return std::nullopt;
  }
  CachedKernel kernel;
  kernel.path = path;
  if (!takeLine(rest, line) || !line.consume_front("config "))
    return damaged("no 'config' line");
  kernel.config = line.str();
  if (kernel.config != config) {
    warn("tuning cache entry " + path + " holds the kernel of config " +
         kernel.config + ", not of " + config +
         " (recorded by another run); compiling the config instead");
    return std::nullopt;
  }
  if (!takeLine(rest, line) || !line.consume_front("ptxas "))
    return damaged("no 'ptxas' line");
  if (line != "none") {
    PtxasReport report;
    int *values[] = {&report.registers, &report.spillStoreBytes,
                     &report.spillLoadBytes, &report.stackBytes,
                     &report.sharedBytes};
    const char *names[] = {"registers", "spill_store", "spill_load", "stack",
                           "shared"};
    llvm::SmallVector<llvm::StringRef, 5> parts;
    line.split(parts, ' ');
    if (parts.size() != 5)
      return damaged("a malformed 'ptxas' line");
    for (size_t i = 0; i < 5; ++i) {
      llvm::StringRef value = parts[i];
      if (!value.consume_front(names[i]) || !value.consume_front("=") ||
          value.getAsInteger(10, *values[i]))
        return damaged("a malformed 'ptxas' line");
    }
    if (!takeLine(rest, line) || !line.consume_front("wgmma_serialized "))
      return damaged("no 'wgmma_serialized' line");
    if (line != "none")
      report.wgmmaSerialized = line.str();
    kernel.ptxas = report;
  }
  size_t bytes = 0;
  if (!takeLine(rest, line) || !line.consume_front("launch ") ||
      line.getAsInteger(10, bytes) || bytes > rest.size())
    return damaged("no whole 'launch' section");
  auto info = launchInfoFromText(rest.take_front(bytes));
  if (!info)
    return damaged(llvm::toString(info.takeError()));
  rest = rest.drop_front(bytes);
  llvm::StringRef hash;
  if (!takeLine(rest, line) || !line.consume_front("ptx "))
    return damaged("no 'ptx' line");
  std::tie(line, hash) = line.split(' ');
  if (line.getAsInteger(10, bytes) || bytes != rest.size() || bytes == 0)
    return damaged("the PTX is not the size recorded: cut short or appended "
                   "to");
  if (hashText(rest) != hash)
    return damaged("the PTX does not match its checksum");
  std::string label = formatBindings(info->config, info->paramNames);
  if ((label.empty() ? "(defaults)" : label) != config)
    return damaged("its launch description is of another config");
  kernel.info = std::move(*info);
  kernel.info.ptx = rest.str();
  return kernel;
}
