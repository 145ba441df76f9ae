//===- SymbolicExprTest.cpp - parsing and evaluating SymbolicExpr ---------===//

#include "tile/Support/SymbolicExpr.h"

#include "gtest/gtest.h"

using namespace tile;

namespace {

int64_t evalOrDie(llvm::StringRef text, const Bindings &env = {}) {
  auto e = SymbolicExpr::parse(text);
  if (!e) {
    ADD_FAILURE() << "parse of '" << text.str()
                  << "' failed: " << llvm::toString(e.takeError());
    return -999;
  }
  auto v = e->evaluate(env);
  if (!v) {
    ADD_FAILURE() << "evaluation of '" << text.str()
                  << "' failed: " << llvm::toString(v.takeError());
    return -999;
  }
  return *v;
}

std::string parseError(llvm::StringRef text) {
  auto e = SymbolicExpr::parse(text);
  if (e)
    return "<parsed>";
  return llvm::toString(e.takeError());
}

TEST(SymbolicExpr, Precedence) {
  EXPECT_EQ(evalOrDie("1 + 2 * 3"), 7);
  EXPECT_EQ(evalOrDie("(1 + 2) * 3"), 9);
  EXPECT_EQ(evalOrDie("10 - 4 - 3"), 3);
  EXPECT_EQ(evalOrDie("2 * 3 <= 6 && 1 < 2"), 1);
  EXPECT_EQ(evalOrDie("0 || 3 == 4"), 0);
  EXPECT_EQ(evalOrDie("-3 + 5"), 2);
  EXPECT_EQ(evalOrDie("4 != 4 || 5 >= 6 || 2 > 1"), 1);
}

TEST(SymbolicExpr, DivisionRoundsDown) {
  EXPECT_EQ(evalOrDie("7 / 2"), 3);
  EXPECT_EQ(evalOrDie("-7 / 2"), -4);
  EXPECT_EQ(evalOrDie("-7 % 2"), 1);
  EXPECT_EQ(evalOrDie("cdiv(7, 2)"), 4);
  EXPECT_EQ(evalOrDie("cdiv(8, 2)"), 4);
  EXPECT_EQ(evalOrDie("min(3, max(1, 2))"), 2);
}

TEST(SymbolicExpr, Symbols) {
  Bindings env{{"M", 1000}, {"BLOCK_M", 128}};
  EXPECT_EQ(evalOrDie("cdiv(M, BLOCK_M)", env), 8);
  auto e = SymbolicExpr::parse("cdiv(M, BLOCK_M) * M + N");
  ASSERT_TRUE(bool(e));
  auto syms = e->symbols();
  ASSERT_EQ(syms.size(), 3u);
  EXPECT_EQ(syms[0], "M");
  EXPECT_EQ(syms[1], "BLOCK_M");
  EXPECT_EQ(syms[2], "N");
}

TEST(SymbolicExpr, EvaluationErrorsNameTheCause) {
  auto e = SymbolicExpr::parse("M / BLOCK");
  ASSERT_TRUE(bool(e));
  auto unbound = e->evaluate({{"M", 4}});
  ASSERT_FALSE(bool(unbound));
  EXPECT_NE(llvm::toString(unbound.takeError()).find("'BLOCK' has no value"),
            std::string::npos);
  auto byZero = e->evaluate({{"M", 4}, {"BLOCK", 0}});
  ASSERT_FALSE(bool(byZero));
  EXPECT_NE(llvm::toString(byZero.takeError()).find("division by zero"),
            std::string::npos);
}

TEST(SymbolicExpr, ParseErrorsSayWhere) {
  EXPECT_NE(parseError("1 +").find("expected a number, a name or '('"),
            std::string::npos);
  EXPECT_NE(parseError("(1 + 2").find("expected ')'"), std::string::npos);
  EXPECT_NE(parseError("foo(1, 2)").find("unknown function 'foo'"),
            std::string::npos);
  EXPECT_NE(parseError("1 $ 2").find("column 3"), std::string::npos);
  EXPECT_NE(parseError("cdiv(1)").find("expected ','"), std::string::npos);
  EXPECT_NE(parseError("99999999999999999999").find("out of range"),
            std::string::npos);
}

std::string evalError(llvm::StringRef text, const Bindings &env = {}) {
  auto e = SymbolicExpr::parse(text);
  if (!e)
    return "parse: " + llvm::toString(e.takeError());
  auto v = e->evaluate(env);
  if (v)
    return "<evaluated to " + std::to_string(*v) + ">";
  return llvm::toString(v.takeError());
}

TEST(SymbolicExpr, OverflowIsAnErrorNotAWrap) {
  Bindings big{{"X", INT64_MAX}, {"Y", 2}, {"MIN", INT64_MIN}, {"M1", -1}};
  EXPECT_NE(evalError("X * Y", big).find("integer overflow in " +
                                         std::to_string(INT64_MAX) + " * 2"),
            std::string::npos)
      << evalError("X * Y", big);
  EXPECT_NE(evalError("X + 1", big).find("integer overflow"),
            std::string::npos);
  EXPECT_NE(evalError("MIN - 1", big).find("integer overflow"),
            std::string::npos);
  EXPECT_NE(evalError("-MIN", big).find("integer overflow"), std::string::npos);
  EXPECT_NE(evalError("MIN / M1", big).find("integer overflow"),
            std::string::npos);
  EXPECT_NE(evalError("cdiv(MIN, 3)", big).find("integer overflow in cdiv("),
            std::string::npos);
  // The error names the expression too.
  EXPECT_NE(evalError("X * Y", big).find("in \"X * Y\""), std::string::npos);
  // What fits still evaluates, INT64_MIN % -1 included (no SIGFPE).
  EXPECT_EQ(evalOrDie("MIN % M1", big), 0);
  EXPECT_EQ(evalOrDie("MIN % 3", big), 1); // floor: -2^63 = 3 q + 1
  EXPECT_EQ(evalOrDie("X % -3", big), -2); // 2^63-1 = -3 q - 2
  EXPECT_EQ(evalOrDie("cdiv(X, M1)", big), -INT64_MAX);
  EXPECT_EQ(evalOrDie("MIN / 1", big), INT64_MIN);
  EXPECT_NE(evalError("cdiv(X, 0)", big).find("division by zero in cdiv("),
            std::string::npos);
}

TEST(SymbolicExpr, DeepNestingIsRefusedNotAStackOverflow) {
  // 100,000 levels each of parentheses, minus signs, calls and a chain of
  // additions: every one is a parse error, fast.
  std::string parens(100000, '('), minus(100000, '-'), calls, chain = "1";
  parens += "1" + std::string(100000, ')');
  minus += "1";
  for (int i = 0; i < 100000; ++i)
    calls += "min(1, ";
  calls += "1" + std::string(100000, ')');
  for (int i = 0; i < 100000; ++i)
    chain += "+1";
  for (const std::string &text : {parens, minus, calls, chain})
    EXPECT_NE(parseError(text).find("nests deeper than 256 levels"),
              std::string::npos)
        << text.substr(0, 20);
  // Ordinary depths are fine.
  std::string fine = std::string(100, '(') + "2" + std::string(100, ')');
  EXPECT_EQ(evalOrDie(fine), 2);
  std::string sum = "1";
  for (int i = 0; i < 200; ++i)
    sum += "+1";
  EXPECT_EQ(evalOrDie(sum), 201);
}

TEST(Bindings, ParseAndFormat) {
  Bindings b;
  ASSERT_FALSE(bool(parseBindings(" BLOCK_M=128, BLOCK_N = 64 ,K=-1", b)));
  EXPECT_EQ(b.lookup("BLOCK_M"), 128);
  EXPECT_EQ(b.lookup("BLOCK_N"), 64);
  EXPECT_EQ(b.lookup("K"), -1);
  EXPECT_EQ(formatBindings(b, {"BLOCK_N"}), "BLOCK_N=64,BLOCK_M=128,K=-1");
}

TEST(Bindings, Errors) {
  Bindings b;
  auto err = [&](llvm::StringRef text) {
    Bindings scratch;
    llvm::Error e = parseBindings(text, scratch);
    return e ? llvm::toString(std::move(e)) : std::string("<ok>");
  };
  EXPECT_NE(err("A=1,A=2").find("given twice"), std::string::npos);
  EXPECT_NE(err("A").find("expected NAME=INTEGER"), std::string::npos);
  EXPECT_NE(err("=3").find("expected NAME=INTEGER"), std::string::npos);
  EXPECT_NE(err("A=x").find("not an integer"), std::string::npos);
  EXPECT_EQ(err(""), "<ok>");
}

} // namespace
