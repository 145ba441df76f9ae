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

std::string TuningCache::entryPath(const TuningKey &key) const {
  // The kernel's name keeps the directory readable; the hash of the whole
  // key tells entries apart. Names are identifiers, but a file name must
  // not take a path separator from anywhere.
  std::string name;
  for (char c : key.kernel)
    name += llvm::isAlnum(c) || c == '_' || c == '-' ? c : '_';
  llvm::SmallString<256> path(directory);
  llvm::sys::path::append(
      path, "configs",
      llvm::formatv("{0}-{1}.txt", name,
                    llvm::format_hex_no_prefix(llvm::xxh3_64bits(key.text()),
                                               16))
          .str());
  return std::string(path);
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
