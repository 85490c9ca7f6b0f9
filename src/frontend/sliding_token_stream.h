// A token stream for parsing a file one top-level item at a time in bounded memory.
//
// ANTLR's CommonTokenStream keeps every token of the input until the end (a 50 MB Dockerfile made it hold
// ~20 M tokens beside a parse tree of the whole file; time per line grew with the file as the heap did).
// This stream keeps the tokens from the start of the current item onward: the parser driver parses one
// item (an instruction, an empty or comment line), converts its parse tree to AST, frees the tree, and
// calls DiscardConsumed(). Within an item it behaves like a buffered stream (LT, LA, seek back for a
// second prediction pass), so the generated parser needs nothing else.
//
// Only tokens on the default channel are kept (the Dockerfile lexer emits no others). Token indexes are
// positions in the whole stream, as with a buffered stream.
#ifndef MYBUILD_FRONTEND_SLIDING_TOKEN_STREAM_H_
#define MYBUILD_FRONTEND_SLIDING_TOKEN_STREAM_H_

#include <antlr4-runtime.h>

#include <deque>
#include <memory>
#include <string>

namespace mybuild::frontend {

class SlidingTokenStream : public antlr4::TokenStream {
 public:
  // `source` must outlive the stream.
  explicit SlidingTokenStream(antlr4::TokenSource* source) : source_(source) {}

  // Frees the tokens before the current one, except the last consumed one (LT(-1), which the parser reads
  // when it ends a rule). No parse tree may point at the freed tokens any more.
  void DiscardConsumed();

  // How many tokens are held now: what DiscardConsumed() bounds.
  size_t buffered() const { return tokens_.size(); }

  antlr4::Token* LT(ssize_t k) override;
  antlr4::Token* get(size_t index) const override;
  antlr4::TokenSource* getTokenSource() const override { return source_; }
  std::string getText(const antlr4::misc::Interval& interval) override;
  std::string getText() override;
  std::string getText(antlr4::RuleContext* ctx) override;
  std::string getText(antlr4::Token* start, antlr4::Token* stop) override;

  void consume() override;
  size_t LA(ssize_t i) override;
  ssize_t mark() override { return 0; }  // everything from the item's start is kept anyway
  void release(ssize_t) override {}
  size_t index() override { return position_; }
  // Moves to a held token; seeking before the first held token throws IllegalStateException.
  void seek(size_t index) override;
  size_t size() override { return first_ + tokens_.size(); }
  std::string getSourceName() const override { return source_->getSourceName(); }

 private:
  // Reads tokens until the one at `index` is held or the source is at its end.
  void FillTo(size_t index);

  antlr4::TokenSource* source_;
  std::deque<std::unique_ptr<antlr4::Token>> tokens_;
  size_t first_ = 0;     // the stream index of tokens_.front()
  size_t position_ = 0;  // the stream index of the current token, LT(1)
  bool at_end_ = false;  // the EOF token is held (it is the last one)
};

}  // namespace mybuild::frontend

#endif  // MYBUILD_FRONTEND_SLIDING_TOKEN_STREAM_H_
