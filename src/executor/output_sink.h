// Where a step's output goes: complete lines, as they are produced.
#ifndef MYBUILD_EXECUTOR_OUTPUT_SINK_H_
#define MYBUILD_EXECUTOR_OUTPUT_SINK_H_

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace mybuild::executor {

enum class OutputStream { kStdout, kStderr };

class OutputSink {
 public:
  virtual ~OutputSink() = default;
  // One line without its '\n'. A final line without '\n' is delivered at end of stream; a line longer
  // than LineSplitter::kMaxLine is delivered in pieces of that size.
  virtual void Line(OutputStream stream, std::string_view line) = 0;
};

// Adapts a callable.
class FunctionSink : public OutputSink {
 public:
  explicit FunctionSink(std::function<void(OutputStream, std::string_view)> fn) : fn_(std::move(fn)) {}
  void Line(OutputStream stream, std::string_view line) override { fn_(stream, line); }

 private:
  std::function<void(OutputStream, std::string_view)> fn_;
};

// Keeps every line (for tests and for "the last lines of a failed RUN").
class CollectingSink : public OutputSink {
 public:
  struct Entry {
    OutputStream stream;
    std::string line;
  };
  void Line(OutputStream stream, std::string_view line) override { lines_.push_back({stream, std::string(line)}); }
  const std::vector<Entry>& lines() const { return lines_; }
  // The lines of one stream joined with '\n' (each followed by '\n').
  std::string Text(OutputStream stream) const;
  // Both streams, in arrival order.
  std::string AllText() const;

 private:
  std::vector<Entry> lines_;
};

// Splits a byte stream into lines for a sink.
class LineSplitter {
 public:
  static constexpr size_t kMaxLine = 64 * 1024;
  LineSplitter(OutputStream stream, OutputSink& sink) : stream_(stream), sink_(sink) {}
  void Feed(std::string_view bytes);
  void Finish();  // delivers a pending partial line

 private:
  OutputStream stream_;
  OutputSink& sink_;
  std::string pending_;
};

}  // namespace mybuild::executor

#endif  // MYBUILD_EXECUTOR_OUTPUT_SINK_H_
