#include "src/executor/output_sink.h"

namespace mybuild::executor {

std::string CollectingSink::Text(OutputStream stream) const {
  std::string text;
  for (const Entry& entry : lines_) {
    if (entry.stream != stream) continue;
    text += entry.line;
    text += '\n';
  }
  return text;
}

std::string CollectingSink::AllText() const {
  std::string text;
  for (const Entry& entry : lines_) {
    text += entry.line;
    text += '\n';
  }
  return text;
}

void LineSplitter::Feed(std::string_view bytes) {
  while (!bytes.empty()) {
    size_t newline = bytes.find('\n');
    size_t take = newline == std::string_view::npos ? bytes.size() : newline;
    if (pending_.size() + take >= kMaxLine) {
      size_t room = kMaxLine - pending_.size();
      pending_.append(bytes.substr(0, room));
      sink_.Line(stream_, pending_);
      pending_.clear();
      bytes.remove_prefix(room);
      continue;
    }
    pending_.append(bytes.substr(0, take));
    if (newline == std::string_view::npos) return;
    sink_.Line(stream_, pending_);
    pending_.clear();
    bytes.remove_prefix(newline + 1);
  }
}

void LineSplitter::Finish() {
  if (pending_.empty()) return;
  sink_.Line(stream_, pending_);
  pending_.clear();
}

}  // namespace mybuild::executor
