//===- SymbolicExpr.cpp - Integer expressions over named symbols ----------===//

#include "tile/Support/SymbolicExpr.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FormatVariadic.h"

#include <algorithm>

using namespace tile;
using llvm::StringRef;

struct SymbolicExpr::Node {
  enum Kind { Int, Sym, Neg, Bin, Call } kind;
  int64_t value = 0;
  std::string name; // symbol, operator spelling or function name
  llvm::SmallVector<std::shared_ptr<const Node>, 2> args;
  unsigned depth = 1; // of the subtree: bounds every recursion over it
};

namespace {
using NodePtr = std::shared_ptr<const SymbolicExpr::Node>;
using Node = SymbolicExpr::Node;

/// The deepest expression tree accepted: evaluation, symbol collection and
/// destruction recurse over the tree, so its depth must stay far from the
/// stack's limit (a left-deep chain "1+1+...+1" counts one level a term).
constexpr unsigned kMaxDepth = 256;

class Parser {
public:
  explicit Parser(StringRef text) : text(text) {}

  llvm::Expected<NodePtr> parseAll() {
    auto e = parseBinary(0);
    if (!e)
      return e.takeError();
    skipSpace();
    if (pos != text.size())
      return error("unexpected '" + text.substr(pos, 1).str() + "'");
    return e;
  }

private:
  llvm::Error error(const llvm::Twine &msg) {
    return llvm::createStringError(
        llvm::inconvertibleErrorCode(),
        llvm::formatv("{0} at column {1} of \"{2}\"", msg.str(), pos + 1, text)
            .str());
  }

  void skipSpace() {
    while (pos < text.size() && llvm::isSpace(text[pos]))
      ++pos;
  }

  bool consume(StringRef tok) {
    skipSpace();
    if (!text.substr(pos).starts_with(tok))
      return false;
    pos += tok.size();
    return true;
  }

  // Binary operators by precedence level, lowest first.
  static llvm::ArrayRef<StringRef> level(unsigned l) {
    static const StringRef ors[] = {"||"};
    static const StringRef ands[] = {"&&"};
    static const StringRef eqs[] = {"==", "!="};
    static const StringRef cmps[] = {"<=", ">=", "<", ">"};
    static const StringRef adds[] = {"+", "-"};
    static const StringRef muls[] = {"*", "/", "%"};
    switch (l) {
    case 0: return ors;
    case 1: return ands;
    case 2: return eqs;
    case 3: return cmps;
    case 4: return adds;
    case 5: return muls;
    default: return {};
    }
  }

  llvm::Expected<NodePtr> parseBinary(unsigned l) {
    if (level(l).empty())
      return parseUnary();
    auto lhs = parseBinary(l + 1);
    if (!lhs)
      return lhs.takeError();
    while (true) {
      StringRef op;
      // Each level lists longer spellings first, so "<" never takes the
      // first half of "<=".
      for (StringRef candidate : level(l)) {
        if (consume(candidate)) {
          op = candidate;
          break;
        }
      }
      if (op.empty())
        return lhs;
      auto rhs = parseBinary(l + 1);
      if (!rhs)
        return rhs.takeError();
      auto n = std::make_shared<Node>();
      n->kind = Node::Bin;
      n->name = op.str();
      n->args = {*lhs, *rhs};
      if (auto err = setDepth(*n))
        return std::move(err);
      lhs = NodePtr(n);
    }
  }

  llvm::Expected<NodePtr> parseUnary() {
    if (consume("-")) {
      // Nested minus signs recurse here before any node exists.
      if (++nesting > kMaxDepth)
        return error(tooDeep());
      auto operand = parseUnary();
      --nesting;
      if (!operand)
        return operand.takeError();
      auto n = std::make_shared<Node>();
      n->kind = Node::Neg;
      n->args = {*operand};
      if (auto err = setDepth(*n))
        return std::move(err);
      return NodePtr(n);
    }
    return parsePrimary();
  }

  std::string tooDeep() const {
    return llvm::formatv("the expression nests deeper than {0} levels; "
                         "split it or simplify it",
                         kMaxDepth)
        .str();
  }

  /// Sets `n`'s depth from its children; an error past kMaxDepth.
  llvm::Error setDepth(Node &n) {
    unsigned d = 0;
    for (const NodePtr &a : n.args)
      d = std::max(d, a->depth);
    n.depth = d + 1;
    if (n.depth > kMaxDepth)
      return error(tooDeep());
    return llvm::Error::success();
  }

  llvm::Expected<NodePtr> parsePrimary() {
    skipSpace();
    if (pos >= text.size())
      return error("expected a number, a name or '('");
    if (consume("(")) {
      // Parentheses recurse through every precedence level.
      if (++nesting > kMaxDepth)
        return error(tooDeep());
      auto inner = parseBinary(0);
      --nesting;
      if (!inner)
        return inner.takeError();
      if (!consume(")"))
        return error("expected ')'");
      return inner;
    }
    char c = text[pos];
    if (llvm::isDigit(c)) {
      size_t start = pos;
      while (pos < text.size() && llvm::isDigit(text[pos]))
        ++pos;
      int64_t v;
      if (text.slice(start, pos).getAsInteger(10, v))
        return error("integer out of range");
      auto n = std::make_shared<Node>();
      n->kind = Node::Int;
      n->value = v;
      return NodePtr(n);
    }
    if (llvm::isAlpha(c) || c == '_') {
      size_t start = pos;
      while (pos < text.size() && (llvm::isAlnum(text[pos]) || text[pos] == '_'))
        ++pos;
      std::string name = text.slice(start, pos).str();
      if (!consume("(")) {
        auto n = std::make_shared<Node>();
        n->kind = Node::Sym;
        n->name = name;
        return NodePtr(n);
      }
      if (name != "cdiv" && name != "min" && name != "max") {
        pos = start;
        return error("unknown function '" + name +
                     "' (known: cdiv, min, max)");
      }
      auto n = std::make_shared<Node>();
      n->kind = Node::Call;
      n->name = name;
      if (++nesting > kMaxDepth)
        return error(tooDeep());
      for (int i = 0; i < 2; ++i) {
        if (i == 1 && !consume(","))
          return error("expected ',' in " + name + "(a, b)");
        auto arg = parseBinary(0);
        if (!arg)
          return arg.takeError();
        n->args.push_back(*arg);
      }
      --nesting;
      if (!consume(")"))
        return error("expected ')' after the arguments of " + name);
      if (auto err = setDepth(*n))
        return std::move(err);
      return NodePtr(n);
    }
    return error("unexpected '" + text.substr(pos, 1).str() + "'");
  }

  StringRef text;
  size_t pos = 0;
  unsigned nesting = 0; // open parentheses, calls and unary minus signs
};

/// floor(a / b) for b != 0, without overflow: a = INT64_MIN, b = -1 is
/// the one quotient that does not fit, and the caller checks it first.
int64_t floorDiv(int64_t a, int64_t b) {
  int64_t q = a / b;
  return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

llvm::Expected<int64_t> eval(const Node &n, const Bindings &env,
                             StringRef source) {
  auto fail = [&](const llvm::Twine &msg) -> llvm::Error {
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   msg + " in \"" + source + "\"");
  };
  switch (n.kind) {
  case Node::Int:
    return n.value;
  case Node::Sym: {
    auto it = env.find(n.name);
    if (it == env.end())
      return fail("'" + n.name + "' has no value");
    return it->second;
  }
  case Node::Neg: {
    auto v = eval(*n.args[0], env, source);
    if (!v)
      return v.takeError();
    if (*v == INT64_MIN)
      return fail(llvm::formatv("integer overflow in -({0})", *v).str());
    return -*v;
  }
  case Node::Bin:
  case Node::Call: {
    auto a = eval(*n.args[0], env, source);
    if (!a)
      return a.takeError();
    auto b = eval(*n.args[1], env, source);
    if (!b)
      return b.takeError();
    int64_t x = *a, y = *b, r;
    StringRef op = n.name;
    auto overflow = [&]() {
      bool call = n.kind == Node::Call;
      return fail(llvm::formatv("integer overflow in {0}{1}{2}{3}{4} (the "
                                "values are int64)",
                                call ? op.str() + "(" : std::string(), x,
                                call ? ", " : " " + op.str() + " ", y,
                                call ? ")" : "")
                      .str());
    };
    if ((op == "/" || op == "%" || op == "cdiv") && y == 0)
      return fail(llvm::formatv("division by zero in {0}", op == "cdiv"
                                    ? llvm::formatv("cdiv({0}, {1})", x, y).str()
                                    : llvm::formatv("{0} {1} {2}", x, op, y).str())
                      .str());
    if (op == "+")
      return __builtin_add_overflow(x, y, &r) ? overflow() : llvm::Expected<int64_t>(r);
    if (op == "-")
      return __builtin_sub_overflow(x, y, &r) ? overflow() : llvm::Expected<int64_t>(r);
    if (op == "*")
      return __builtin_mul_overflow(x, y, &r) ? overflow() : llvm::Expected<int64_t>(r);
    if (op == "/") {
      if (x == INT64_MIN && y == -1)
        return overflow();
      return floorDiv(x, y);
    }
    if (op == "%") {
      // The remainder of floor division, from C's truncating one (which
      // cannot overflow once y = -1 is set aside).
      if (y == -1)
        return 0;
      int64_t rem = x % y;
      if (rem != 0 && ((rem < 0) != (y < 0)))
        rem += y;
      return rem;
    }
    if (op == "cdiv") {
      // cdiv(x, y) = -floor(-x / y).
      if (x == INT64_MIN)
        return overflow();
      int64_t q = floorDiv(-x, y);
      if (q == INT64_MIN)
        return overflow();
      return -q;
    }
    if (op == "min") return std::min(x, y);
    if (op == "max") return std::max(x, y);
    if (op == "<") return int64_t(x < y);
    if (op == "<=") return int64_t(x <= y);
    if (op == ">") return int64_t(x > y);
    if (op == ">=") return int64_t(x >= y);
    if (op == "==") return int64_t(x == y);
    if (op == "!=") return int64_t(x != y);
    if (op == "&&") return int64_t(x != 0 && y != 0);
    if (op == "||") return int64_t(x != 0 || y != 0);
    return fail("unknown operator '" + op + "'");
  }
  }
  llvm_unreachable("covered switch");
}

void collect(const Node &n, llvm::SmallVectorImpl<std::string> &out) {
  if (n.kind == Node::Sym && !llvm::is_contained(out, n.name))
    out.push_back(n.name);
  for (const auto &arg : n.args)
    collect(*arg, out);
}
} // namespace

llvm::Expected<SymbolicExpr> SymbolicExpr::parse(StringRef text) {
  Parser parser(text);
  auto root = parser.parseAll();
  if (!root)
    return root.takeError();
  return SymbolicExpr(text.str(), *root);
}

llvm::Expected<int64_t> SymbolicExpr::evaluate(const Bindings &bindings) const {
  return eval(*root, bindings, source);
}

llvm::SmallVector<std::string> SymbolicExpr::symbols() const {
  llvm::SmallVector<std::string> out;
  collect(*root, out);
  return out;
}

llvm::Error tile::parseBindings(StringRef text, Bindings &out) {
  auto fail = [](const llvm::Twine &msg) {
    return llvm::createStringError(llvm::inconvertibleErrorCode(), msg);
  };
  llvm::SmallVector<StringRef> items;
  text.split(items, ',', /*MaxSplit=*/-1, /*KeepEmpty=*/false);
  for (StringRef item : items) {
    item = item.trim();
    if (item.empty())
      continue;
    auto [name, value] = item.split('=');
    name = name.trim();
    value = value.trim();
    if (name.empty() || !item.contains('='))
      return fail("expected NAME=INTEGER, got '" + item + "'");
    int64_t v;
    if (value.getAsInteger(10, v))
      return fail("value of '" + name + "' is not an integer: '" + value + "'");
    if (!out.try_emplace(name, v).second)
      return fail("'" + name + "' is given twice");
  }
  return llvm::Error::success();
}

std::string tile::formatBindings(const Bindings &bindings,
                                 llvm::ArrayRef<std::string> names) {
  std::string out;
  auto add = [&](StringRef name, int64_t v) {
    if (!out.empty())
      out += ",";
    out += (name + "=" + llvm::Twine(v)).str();
  };
  for (const std::string &name : names) {
    auto it = bindings.find(name);
    if (it != bindings.end())
      add(name, it->second);
  }
  llvm::SmallVector<StringRef> rest;
  for (const auto &entry : bindings)
    if (!llvm::is_contained(names, entry.getKey().str()))
      rest.push_back(entry.getKey());
  llvm::sort(rest);
  for (StringRef name : rest)
    add(name, bindings.lookup(name));
  return out;
}
