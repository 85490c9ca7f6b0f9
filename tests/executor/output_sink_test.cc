#include "src/executor/output_sink.h"

#include <doctest/doctest.h>

#include "src/executor/fake_executor.h"

namespace mybuild::executor {
namespace {

TEST_CASE("LineSplitter delivers complete lines as they arrive and the tail at the end") {
  CollectingSink sink;
  LineSplitter lines(OutputStream::kStderr, sink);
  lines.Feed("one\ntw");
  REQUIRE(sink.lines().size() == 1);
  CHECK(sink.lines()[0].line == "one");
  CHECK(sink.lines()[0].stream == OutputStream::kStderr);
  lines.Feed("o\n\nthree");
  CHECK(sink.Text(OutputStream::kStderr) == "one\ntwo\n\n");
  lines.Finish();
  CHECK(sink.Text(OutputStream::kStderr) == "one\ntwo\n\nthree\n");
  CHECK(sink.Text(OutputStream::kStdout).empty());
}

TEST_CASE("LineSplitter cuts an over-long line into bounded pieces") {
  CollectingSink sink;
  LineSplitter lines(OutputStream::kStdout, sink);
  lines.Feed(std::string(LineSplitter::kMaxLine + 10, 'x'));
  lines.Feed("\n");
  REQUIRE(sink.lines().size() == 2);
  CHECK(sink.lines()[0].line.size() == LineSplitter::kMaxLine);
  CHECK(sink.lines()[1].line == std::string(10, 'x'));
}

TEST_CASE("FakeExecutor records specs and answers with its handler") {
  FakeExecutor executor([](const ExecSpec& spec, OutputSink& out) -> StatusOr<ExecResult> {
    out.Line(OutputStream::kStdout, spec.args.back());
    ExecResult result;
    result.exit_code = 3;
    return result;
  });
  ExecSpec spec;
  spec.args = {"sh", "-c", "hello"};
  CollectingSink sink;
  CancelToken cancel;
  auto result = executor.Run(spec, sink, cancel);
  REQUIRE(result.ok());
  CHECK(result->exit_code == 3);
  CHECK(sink.AllText() == "hello\n");
  REQUIRE(executor.runs().size() == 1);
  CHECK(executor.runs()[0].args == spec.args);

  cancel.Cancel();
  CHECK(cancel.IsCancelled());
  CHECK(executor.Run(spec, sink, cancel).status().code() == StatusCode::kCancelled);
  CHECK(executor.runs().size() == 1);
}

}  // namespace
}  // namespace mybuild::executor
