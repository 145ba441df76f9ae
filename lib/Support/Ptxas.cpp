//===- Ptxas.cpp - assemble PTX offline with ptxas ------------------------===//

#include "tile/Compiler/Ptxas.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/Regex.h"
#include "llvm/Support/raw_ostream.h"

#include <cstdlib>

using namespace tile;

std::string tile::findPtxas() {
  if (const char *env = std::getenv("TILE_PTXAS"))
    return env;
  if (auto p = llvm::sys::findProgramByName("ptxas"))
    return *p;
  if (auto p = llvm::sys::findProgramByName("ptxas", {"/usr/local/cuda/bin"}))
    return *p;
  return "";
}

llvm::Expected<PtxasReport> tile::runPtxas(const std::string &ptxas,
                                           const std::string &ptx,
                                           const std::string &arch,
                                           const std::string &cubinPath) {
  auto fail = [](const llvm::Twine &msg) {
    return llvm::createStringError(llvm::inconvertibleErrorCode(), msg);
  };
  llvm::SmallString<128> input, output, log;
  if (llvm::sys::fs::createTemporaryFile("tile", "ptx", input) ||
      llvm::sys::fs::createTemporaryFile("tile", "cubin", output) ||
      llvm::sys::fs::createTemporaryFile("tile", "log", log))
    return fail("cannot create temporary files for ptxas");
  {
    std::error_code ec;
    llvm::raw_fd_ostream os(input, ec);
    if (ec)
      return fail("cannot write " + input + ": " + ec.message());
    os << ptx;
  }
  std::string archFlag = "-arch=" + arch;
  llvm::SmallVector<llvm::StringRef> args = {ptxas, "-v", archFlag,
                                             input, "-o", output};
  std::optional<llvm::StringRef> redirects[] = {std::nullopt, log.str(),
                                                log.str()};
  std::string execError;
  int rc = llvm::sys::ExecuteAndWait(ptxas, args, std::nullopt, redirects, 60,
                                     0, &execError);
  std::string logText;
  if (auto buf = llvm::MemoryBuffer::getFile(log))
    logText = (*buf)->getBuffer().str();
  llvm::sys::fs::remove(input);
  if (rc != 0 || cubinPath.empty() ||
      llvm::sys::fs::rename(output, cubinPath))
    llvm::sys::fs::remove(output);
  llvm::sys::fs::remove(log);
  if (rc != 0)
    return fail("ptxas " + archFlag + " failed" +
                (execError.empty() ? "" : " (" + execError + ")") + ":\n" +
                logText);
  PtxasReport report = parsePtxasLog(logText);
  report.log = std::move(logText);
  return report;
}

PtxasReport tile::parsePtxasLog(llvm::StringRef log) {
  PtxasReport report;
  llvm::SmallVector<llvm::StringRef> m;
  if (llvm::Regex("Used ([0-9]+) registers").match(log, &m))
    m[1].getAsInteger(10, report.registers);
  if (llvm::Regex("([0-9]+) bytes spill stores, ([0-9]+) bytes spill loads")
          .match(log, &m)) {
    m[1].getAsInteger(10, report.spillStoreBytes);
    m[2].getAsInteger(10, report.spillLoadBytes);
  }
  if (llvm::Regex("([0-9]+) bytes stack frame").match(log, &m))
    m[1].getAsInteger(10, report.stackBytes);
  if (llvm::Regex("([0-9]+) bytes smem").match(log, &m))
    m[1].getAsInteger(10, report.sharedBytes);
  // ptxas 12-13: "(C7512) Potential Performance Loss: wgmma.mma_async
  // instructions are serialized due to insufficient register resources for
  // the function 'f'" (C7511, C7514, C7515, C7518 name other reasons, some
  // "in the function 'f'"). A kernel that runs fast despite it may run
  // faster without it, so it is reported.
  if (llvm::Regex("\\((C75[0-9][0-9])\\) Potential Performance Loss: "
                  "wgmma.mma_async instructions are serialized due to "
                  "([^\n']*)")
          .match(log, &m)) {
    // The reason, without its " for/in the function 'f'" tail.
    llvm::StringRef reason = m[2];
    size_t tail = reason.rfind(" the function");
    if (tail != llvm::StringRef::npos)
      reason = reason.take_front(tail).rsplit(' ').first;
    report.wgmmaSerialized = (m[1] + ": " + reason.trim()).str();
  }
  return report;
}

llvm::Expected<std::string> tile::disassembleCubin(const std::string &ptxas,
                                                  const std::string &cubin) {
  auto fail = [](const llvm::Twine &msg) {
    return llvm::createStringError(llvm::inconvertibleErrorCode(), msg);
  };
  std::string dir = llvm::sys::path::parent_path(ptxas).str();
  auto tool = llvm::sys::findProgramByName("cuobjdump", {dir});
  if (!tool)
    tool = llvm::sys::findProgramByName("cuobjdump");
  if (!tool)
    return fail("no cuobjdump next to ptxas or on PATH");
  llvm::SmallString<128> out;
  if (llvm::sys::fs::createTemporaryFile("tile", "sass", out))
    return fail("cannot create a temporary file for cuobjdump");
  llvm::SmallVector<llvm::StringRef> args = {*tool, "-sass", cubin};
  std::optional<llvm::StringRef> redirects[] = {std::nullopt, out.str(),
                                                out.str()};
  std::string execError;
  int rc = llvm::sys::ExecuteAndWait(*tool, args, std::nullopt, redirects, 60,
                                     0, &execError);
  std::string text;
  if (auto buf = llvm::MemoryBuffer::getFile(out))
    text = (*buf)->getBuffer().str();
  llvm::sys::fs::remove(out);
  if (rc != 0)
    return fail("cuobjdump -sass failed" +
                (execError.empty() ? "" : " (" + execError + ")") + ": " +
                text);
  return text;
}
