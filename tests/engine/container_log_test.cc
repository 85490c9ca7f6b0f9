#include "src/engine/container_log.h"

#include <doctest/doctest.h>

#include "src/base/files.h"
#include "src/base/temp_dir.h"
#include "src/engine/container_time.h"

namespace mybuild::engine {
namespace {

TEST_CASE("container log: lines become json-file entries, partial lines wait for their end") {
  TempDir dir = *TempDir::Create();
  const std::filesystem::path path = dir.path() / "container.log";
  StatusOr<LogWriter> writer = LogWriter::Open(path);
  REQUIRE(writer.ok());
  StatusOr<LogReader> reader = LogReader::Open(path);
  REQUIRE(reader.ok());
  REQUIRE(writer->Write(LogStream::kStdout, "one\ntw").ok());
  REQUIRE(writer->Write(LogStream::kStderr, "err\"\n").ok());
  StatusOr<std::vector<LogEntry>> first = reader->ReadAvailable();
  REQUIRE(first.ok());
  REQUIRE(first->size() == 2);
  CHECK((*first)[0].text == "one\n");
  CHECK((*first)[0].stream == LogStream::kStdout);
  CHECK(ParseTimeNanos((*first)[0].time).has_value());
  CHECK((*first)[1].text == "err\"\n");
  CHECK((*first)[1].stream == LogStream::kStderr);
  REQUIRE(writer->Write(LogStream::kStdout, "o\nend").ok());
  REQUIRE(writer->Flush(LogStream::kStdout).ok());
  StatusOr<std::vector<LogEntry>> second = reader->ReadAvailable();
  REQUIRE(second.ok());
  REQUIRE(second->size() == 2);
  CHECK((*second)[0].text == "two\n");
  CHECK((*second)[1].text == "end");
  std::string text = *ReadFile(path);
  CHECK(text.starts_with("{\"log\":\"one\\n\",\"stream\":\"stdout\",\"time\":\""));
}

TEST_CASE("container log: a line longer than 16 KiB is split into entries of at most 16 KiB") {
  TempDir dir = *TempDir::Create();
  const std::filesystem::path path = dir.path() / "container.log";
  StatusOr<LogWriter> writer = LogWriter::Open(path);
  REQUIRE(writer.ok());
  REQUIRE(writer->Write(LogStream::kStdout, std::string(kMaxLogLine * 2 + 10, 'x') + "\n").ok());
  StatusOr<LogReader> reader = LogReader::Open(path);
  StatusOr<std::vector<LogEntry>> entries = reader->ReadAvailable();
  REQUIRE(entries.ok());
  REQUIRE(entries->size() == 3);
  CHECK((*entries)[0].text.size() == kMaxLogLine);
  CHECK((*entries)[1].text.size() == kMaxLogLine);
  CHECK((*entries)[2].text == std::string(10, 'x') + "\n");
}

TEST_CASE("container time: RFC 3339 with nanoseconds round-trips, other text is refused") {
  CHECK(FormatTimeNanos(1765108800123456789) == "2025-12-07T12:00:00.123456789Z");
  CHECK(ParseTimeNanos("2025-12-07T12:00:00.123456789Z") == 1765108800123456789);
  CHECK(ParseTimeNanos("2025-12-07T12:00:00Z") == 1765108800000000000);
  CHECK(ParseTimeNanos("2025-12-07T12:00:00.5Z") == 1765108800500000000);
  CHECK(!ParseTimeNanos(""));
  CHECK(!ParseTimeNanos("2025-12-07 12:00:00Z"));
  CHECK(!ParseTimeNanos("2025-12-07T12:00:00.Z"));
}

}  // namespace
}  // namespace mybuild::engine
