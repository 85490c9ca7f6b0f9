// The parser's token stream holds the tokens of the current item only, so parsing memory (and the time
// the heap adds per line) does not grow with the file: checked by counting, not by timing.
#include "src/frontend/sliding_token_stream.h"

#include <doctest/doctest.h>

#include <memory>

#include "src/frontend/parser.h"

namespace mybuild::frontend {
namespace {

// A source of `count` tokens of type 1, then EOF; keeps none of them itself.
class CountingSource : public antlr4::TokenSource {
 public:
  explicit CountingSource(size_t count) : count_(count) {}
  std::unique_ptr<antlr4::Token> nextToken() override {
    const size_t type = made_ < count_ ? 1 : antlr4::Token::EOF;
    ++made_;
    return std::make_unique<antlr4::CommonToken>(type, type == 1 ? "w" : "");
  }
  size_t getLine() const override { return 1; }
  size_t getCharPositionInLine() override { return 0; }
  antlr4::CharStream* getInputStream() override { return nullptr; }
  std::string getSourceName() override { return "counting"; }
  antlr4::TokenFactory<antlr4::CommonToken>* getTokenFactory() override {
    return antlr4::CommonTokenFactory::DEFAULT.get();
  }
  size_t made() const { return made_; }

 private:
  size_t count_;
  size_t made_ = 0;
};

TEST_CASE("sliding token stream: holds a bounded window however long the input") {
  constexpr size_t kTokens = 200000;
  CountingSource source(kTokens);
  SlidingTokenStream tokens(&source);
  size_t peak = 0;
  size_t consumed = 0;
  while (tokens.LA(1) != antlr4::Token::EOF) {
    // An "item" of three tokens with a look-ahead of two, as a parser would read it.
    const size_t start = tokens.index();
    for (int i = 0; i < 3 && tokens.LA(1) != antlr4::Token::EOF; ++i) {
      CHECK(tokens.LA(2) != antlr4::Token::INVALID_TYPE);
      tokens.consume();
      ++consumed;
    }
    peak = std::max(peak, tokens.buffered());
    // A second pass over the item (the parser's LL retry) still finds its tokens.
    tokens.seek(start);
    CHECK(tokens.get(start)->getTokenIndex() == start);
    tokens.seek(start + 3 <= kTokens ? start + 3 : kTokens);
    tokens.DiscardConsumed();
    REQUIRE(tokens.LT(-1) != nullptr);  // the last consumed token stays for the parser's rule end
    CHECK(tokens.LT(-1)->getTokenIndex() == tokens.index() - 1);
  }
  CHECK(consumed == kTokens);
  CHECK(source.made() == kTokens + 1);
  CHECK(peak <= 6);
  CHECK(tokens.buffered() <= 2);
  CHECK_THROWS_AS(tokens.seek(0), antlr4::IllegalStateException);
  CHECK_THROWS_AS(tokens.consume(), antlr4::IllegalStateException);
}

TEST_CASE("sliding token stream: a long file parses the same as its instructions one by one") {
  std::string text = "FROM scratch\n";
  for (int i = 0; i < 5000; ++i) {
    text += "# comment " + std::to_string(i) + "\n\nRUN echo " + std::to_string(i) + " \\\n  && true\n";
  }
  StatusOr<Dockerfile> parsed = ParseDockerfile(text, "Dockerfile");
  REQUIRE_MESSAGE(parsed.ok(), parsed.status().ToString());
  REQUIRE(parsed->instructions.size() == 5001);
  const Instruction& last = parsed->instructions.back();
  CHECK(last.args == std::vector<std::string>{"echo 4999   && true"});
  CHECK(last.location.line == 1 + 5000 * 4 - 1);
  CHECK(last.location.end_line == 1 + 5000 * 4);
}

}  // namespace
}  // namespace mybuild::frontend
