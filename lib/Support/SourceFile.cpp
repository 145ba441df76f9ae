//===- SourceFile.cpp - reading kernel sources within limits --------------===//

#include "tile/Support/SourceFile.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/Process.h"

#include <cstdlib>
#include <string>

using namespace tile;

static llvm::Error makeError(const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
}

size_t tile::maxSourceBytes() {
  if (const char *env = std::getenv("TILE_MAX_SOURCE_BYTES")) {
    unsigned long long v;
    if (!llvm::StringRef(env).getAsInteger(10, v) && v > 0)
      return static_cast<size_t>(v);
  }
  return size_t(64) << 20;
}

llvm::Expected<std::unique_ptr<llvm::MemoryBuffer>>
tile::readSource(llvm::StringRef path) {
  size_t limit = maxSourceBytes();
  int fd = 0;
  bool isStdin = path == "-";
  if (!isStdin)
    if (std::error_code ec = llvm::sys::fs::openFileForRead(path, fd))
      return makeError("cannot read '" + path + "': " + ec.message());
  std::string text;
  char chunk[1 << 16];
  llvm::Error err = llvm::Error::success();
  while (true) {
    // Sequential reads: files, pipes and devices alike.
    auto read = llvm::sys::fs::readNativeFile(
        llvm::sys::fs::convertFDToNativeFile(fd),
        llvm::MutableArrayRef<char>(chunk, sizeof(chunk)));
    if (!read) {
      err = makeError("cannot read '" + path +
                      "': " + llvm::toString(read.takeError()));
      break;
    }
    if (*read == 0)
      break;
    text.append(chunk, *read);
    if (text.size() > limit) {
      err = makeError(llvm::formatv(
          "'{0}' is larger than {1} bytes, the largest kernel source the "
          "tools read (set TILE_MAX_SOURCE_BYTES to raise the limit)",
          path, limit));
      break;
    }
  }
  if (!isStdin)
    llvm::sys::Process::SafelyCloseFileDescriptor(fd);
  if (err)
    return std::move(err);
  return llvm::MemoryBuffer::getMemBufferCopy(text,
                                              isStdin ? "<stdin>" : path);
}

llvm::Error tile::checkNesting(llvm::StringRef text, llvm::StringRef name,
                               unsigned limit) {
  unsigned depth = 0, line = 1, col = 0;
  bool inString = false, inComment = false;
  // The identifier just read (and only spaces since), to recognise
  // `affine_map <` and `affine_set <`.
  llvm::StringRef word;
  // Inside an affine_map<...>/affine_set<...>: the depth its `<` opened
  // (0 outside) and the operators seen in it so far.
  unsigned affineDepth = 0, affineOps = 0;
  auto tooDeep = [&]() {
    return makeError(llvm::formatv(
        "{0}:{1}:{2}: error: brackets nest deeper than {3} levels here; the "
        "tools refuse such input before parsing it (MLIR's parser recurses "
        "once a level)",
        name, line, col, limit));
  };
  auto tooLong = [&]() {
    return makeError(llvm::formatv(
        "{0}:{1}:{2}: error: more than {3} operators in one affine map or set "
        "here; the tools refuse such input before parsing it (MLIR's affine "
        "parser and printer recurse once an operator)",
        name, line, col, kMaxAffineOperators));
  };
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    ++col;
    if (c == '\n') {
      ++line;
      col = 0;
      inComment = false;
      continue;
    }
    if (inComment)
      continue;
    if (inString) {
      if (c == '\\')
        ++i, ++col; // the escaped character
      else if (c == '"')
        inString = false;
      continue;
    }
    if (llvm::isAlpha(c) || c == '_') {
      // An identifier or keyword, read whole (MLIR's bare identifiers also
      // hold digits, `$` and `.`).
      size_t end = i + 1;
      while (end < text.size() &&
             (llvm::isAlnum(text[end]) || text[end] == '_' ||
              text[end] == '$' || text[end] == '.'))
        ++end;
      word = text.slice(i, end);
      if (affineDepth && (word == "floordiv" || word == "ceildiv" ||
                          word == "mod") &&
          ++affineOps > kMaxAffineOperators)
        return tooLong();
      col += end - i - 1;
      i = end - 1;
      continue;
    }
    llvm::StringRef before = word;
    if (!llvm::isSpace(c))
      word = {};
    char next = i + 1 < text.size() ? text[i + 1] : '\0';
    if (c == '"') {
      inString = true;
    } else if (c == '/' && next == '/') {
      inComment = true;
    } else if (c == '{' || c == '(' || c == '[' || (c == '<' && next != '=')) {
      if (++depth > limit)
        return tooDeep();
      if (c == '<' && !affineDepth &&
          (before == "affine_map" || before == "affine_set")) {
        affineDepth = depth;
        affineOps = 0;
      }
    } else if ((c == '}' || c == ')' || c == ']' ||
                // Not the arrow `->` and not `>=` (in integer sets).
                (c == '>' && next != '=' && (i == 0 || text[i - 1] != '-'))) &&
               depth > 0) {
      if (depth == affineDepth)
        affineDepth = 0;
      --depth;
    } else if (affineDepth && (c == '+' || c == '*' ||
                               (c == '-' && next != '>'))) {
      // Each operator of an affine expression, unary minus included, is a
      // level of recursion in MLIR's affine parser or printer.
      if (++affineOps > kMaxAffineOperators)
        return tooLong();
    }
  }
  return llvm::Error::success();
}
