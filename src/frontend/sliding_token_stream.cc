#include "src/frontend/sliding_token_stream.h"

namespace mybuild::frontend {

void SlidingTokenStream::DiscardConsumed() {
  while (tokens_.size() > 1 && first_ + 1 < position_) {
    tokens_.pop_front();
    ++first_;
  }
}

void SlidingTokenStream::FillTo(size_t index) {
  while (!at_end_ && first_ + tokens_.size() <= index) {
    std::unique_ptr<antlr4::Token> token = source_->nextToken();
    if (token->getType() == antlr4::Token::EOF) at_end_ = true;
    if (token->getChannel() != antlr4::Token::DEFAULT_CHANNEL && !at_end_) continue;
    if (auto* writable = dynamic_cast<antlr4::WritableToken*>(token.get())) writable->setTokenIndex(size());
    tokens_.push_back(std::move(token));
  }
}

antlr4::Token* SlidingTokenStream::LT(ssize_t k) {
  if (k == 0) return nullptr;
  if (k < 0) {
    const size_t back = static_cast<size_t>(-k);
    if (back > position_ || position_ - back < first_) return nullptr;
    return tokens_[position_ - back - first_].get();
  }
  const size_t index = position_ + static_cast<size_t>(k) - 1;
  FillTo(index);
  if (tokens_.empty()) return nullptr;
  if (index >= size()) return tokens_.back().get();  // past the end: EOF again
  return tokens_[index - first_].get();
}

size_t SlidingTokenStream::LA(ssize_t i) {
  antlr4::Token* token = LT(i);
  return token == nullptr ? antlr4::Token::INVALID_TYPE : token->getType();
}

antlr4::Token* SlidingTokenStream::get(size_t index) const {
  if (index < first_ || index >= first_ + tokens_.size()) {
    throw antlr4::IndexOutOfBoundsException("token " + std::to_string(index) + " is not held");
  }
  return tokens_[index - first_].get();
}

void SlidingTokenStream::consume() {
  if (LA(1) == antlr4::Token::EOF) throw antlr4::IllegalStateException("cannot consume EOF");
  ++position_;
  FillTo(position_);
}

void SlidingTokenStream::seek(size_t index) {
  if (index < first_) throw antlr4::IllegalStateException("cannot seek before the held tokens");
  FillTo(index);
  position_ = std::min(index, size() == 0 ? 0 : size() - 1);
}

std::string SlidingTokenStream::getText(const antlr4::misc::Interval& interval) {
  if (interval.a < 0 || interval.b < interval.a) return "";
  std::string text;
  const size_t stop = std::min(static_cast<size_t>(interval.b) + 1, size());
  for (size_t i = std::max(static_cast<size_t>(interval.a), first_); i < stop; ++i) {
    const antlr4::Token* token = tokens_[i - first_].get();
    if (token->getType() == antlr4::Token::EOF) break;
    text += token->getText();
  }
  return text;
}

std::string SlidingTokenStream::getText() {
  if (tokens_.empty()) return "";
  return getText(antlr4::misc::Interval(first_, size() - 1));
}

std::string SlidingTokenStream::getText(antlr4::RuleContext* ctx) { return getText(ctx->getSourceInterval()); }

std::string SlidingTokenStream::getText(antlr4::Token* start, antlr4::Token* stop) {
  if (start == nullptr || stop == nullptr) return "";
  return getText(antlr4::misc::Interval(start->getTokenIndex(), stop->getTokenIndex()));
}

}  // namespace mybuild::frontend
