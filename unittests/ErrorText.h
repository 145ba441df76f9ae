//===- ErrorText.h - llvm::Error as text in test assertions -----*- C++ -*-===//
#ifndef TILE_UNITTESTS_ERRORTEXT_H
#define TILE_UNITTESTS_ERRORTEXT_H

#include "llvm/Support/Error.h"

#include <string>

namespace tile::test {

/// The error's message, or "<success>".
inline std::string errorText(llvm::Error err) {
  if (!err)
    return "<success>";
  return llvm::toString(std::move(err));
}

template <typename T> std::string errorText(llvm::Expected<T> &value) {
  if (value)
    return "<success>";
  return llvm::toString(value.takeError());
}

} // namespace tile::test

#endif // TILE_UNITTESTS_ERRORTEXT_H
