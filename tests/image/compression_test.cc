#include "src/image/compression.h"

#include <doctest/doctest.h>

#include <string>

#include "tests/test_support.h"

namespace mybuild::image {
namespace {

struct StringSink : ByteSink {
  std::string data;
  bool closed = false;
  Status Write(std::string_view bytes) override {
    data.append(bytes);
    return Status::Ok();
  }
  Status Close() override {
    closed = true;
    return Status::Ok();
  }
};

std::string Compress(Compression compression, const std::string& input, size_t chunk) {
  StringSink out;
  auto compressor = *MakeCompressor(compression, {}, &out);
  for (size_t i = 0; i < input.size(); i += chunk)
    REQUIRE(compressor->Write(std::string_view(input).substr(i, chunk)).ok());
  REQUIRE(compressor->Close().ok());
  CHECK(out.closed);
  return out.data;
}

StatusOr<std::string> Decompress(Compression compression, const std::string& input, uint64_t max,
                                 size_t chunk) {
  StringSink out;
  MB_ASSIGN_OR_RETURN(auto decompressor, MakeDecompressor(compression, &out, max));
  for (size_t i = 0; i < input.size(); i += chunk) {
    MB_RETURN_IF_ERROR(decompressor->Write(std::string_view(input).substr(i, chunk)));
  }
  MB_RETURN_IF_ERROR(decompressor->Close());
  return out.data;
}

TEST_CASE("compression: gzip and zstd round-trip, chunking does not change the bytes") {
  std::string input;
  for (int i = 0; i < 200000; ++i) input += std::to_string(i * 7919 % 1000) + " ";
  for (Compression compression : {Compression::kGzip, Compression::kZstd, Compression::kNone}) {
    CAPTURE(static_cast<int>(compression));
    std::string a = Compress(compression, input, 1000);
    std::string b = Compress(compression, input, 65536 * 3);
    CHECK(a == b);
    if (compression != Compression::kNone) CHECK(a.size() < input.size() / 2);
    StatusOr<std::string> back = Decompress(compression, a, 1ull << 30, 777);
    REQUIRE_MESSAGE(back.ok(), back.status().ToString());
    CHECK(*back == input);
  }
}

TEST_CASE("compression: bombs, truncation and garbage are refused") {
  std::string zeros(10 << 20, '\0');
  for (Compression compression : {Compression::kGzip, Compression::kZstd}) {
    CAPTURE(static_cast<int>(compression));
    std::string packed = Compress(compression, zeros, 1 << 20);
    CHECK(Decompress(compression, packed, 1 << 20, 4096).status().code() == StatusCode::kResourceExhausted);
    CHECK(Decompress(compression, packed.substr(0, packed.size() / 2), 1ull << 30, 4096).status().code() ==
          StatusCode::kInvalidArgument);
    CHECK(Decompress(compression, "this is not compressed at all", 1ull << 30, 4096).status().code() ==
          StatusCode::kInvalidArgument);
    CHECK_FALSE(Decompress(compression, "", 1ull << 30, 4096).ok());
  }
  CHECK(Decompress(Compression::kNone, "abc", 2, 1).status().code() == StatusCode::kResourceExhausted);
  StringSink sink;
  CHECK_FALSE(MakeCompressor(Compression::kGzip, {.gzip_level = 12}, &sink).ok());
}

TEST_CASE("compression: concatenated gzip members decompress as one stream") {
  std::string joined =
      Compress(Compression::kGzip, "hello ", 100) + Compress(Compression::kGzip, "world", 100);
  CHECK(*Decompress(Compression::kGzip, joined, 100, 3) == "hello world");
}

}  // namespace
}  // namespace mybuild::image

#include "src/image/threaded_sink.h"

namespace mybuild::image {
namespace {

TEST_CASE("threaded sink: bytes arrive in order and downstream errors come back") {
  StringSink out;
  std::string input;
  for (int i = 0; i < 1000000; ++i) input += static_cast<char>('a' + i % 26);
  {
    ThreadedSink sink(&out);
    for (size_t i = 0; i < input.size(); i += 12345)
      REQUIRE(sink.Write(std::string_view(input).substr(i, 12345)).ok());
    REQUIRE(sink.Close().ok());
  }
  CHECK(out.closed);
  CHECK(out.data == input);

  struct Failing : ByteSink {
    Status Write(std::string_view) override { return DataLoss("disk full"); }
    Status Close() override { return Status::Ok(); }
  } failing;
  ThreadedSink sink(&failing);
  Status status = Status::Ok();
  for (int i = 0; i < 64 && status.ok(); ++i) status = sink.Write(std::string(1 << 20, 'x'));
  if (status.ok()) status = sink.Close();
  CHECK(status.code() == StatusCode::kDataLoss);

  ThreadedSink abandoned(&out);  // destroyed without Close: joins, writes nothing more
  CHECK(abandoned.Write("x").ok());
}

}  // namespace
}  // namespace mybuild::image
