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

#include <zlib.h>

#include "src/image/parallel_gzip.h"

namespace mybuild::image {
namespace {

std::string CompressWith(const std::string& input, int threads, size_t piece, int level = 6) {
  StringSink out;
  auto compressor = MakeCompressor(Compression::kGzip, {.gzip_level = level, .gzip_threads = threads}, &out);
  REQUIRE(compressor.ok());
  for (size_t i = 0; i < input.size(); i += piece)
    REQUIRE((*compressor)->Write(std::string_view(input).substr(i, piece)).ok());
  REQUIRE((*compressor)->Close().ok());
  CHECK(out.closed);
  return out.data;
}

// Inflates with zlib directly (not our decompressor) and requires exactly one gzip member.
std::string InflateOneMember(const std::string& packed) {
  z_stream stream{};
  REQUIRE(inflateInit2(&stream, 15 + 16) == Z_OK);
  std::string out(1 << 16, '\0');
  std::string result;
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(packed.data()));
  stream.avail_in = static_cast<uInt>(packed.size());
  int rc = Z_OK;
  while (rc == Z_OK) {
    stream.next_out = reinterpret_cast<Bytef*>(out.data());
    stream.avail_out = static_cast<uInt>(out.size());
    rc = inflate(&stream, Z_NO_FLUSH);
    result.append(out.data(), out.size() - stream.avail_out);
  }
  CHECK(rc == Z_STREAM_END);
  CHECK(stream.avail_in == 0);  // one member, nothing after it
  inflateEnd(&stream);
  return result;
}

TEST_CASE("compression: parallel gzip bytes depend only on the input, never on threads or write sizes") {
  std::string input;
  uint32_t x = 12345;
  while (input.size() < 3 * kGzipChunkBytes + 12345) {
    x = x * 1103515245u + 12345u;
    input += "line " + std::to_string(x % 5000) + " of some text\n";
  }
  std::string one = CompressWith(input, 1, 1 << 20);
  CHECK(CompressWith(input, 4, 1 << 20) == one);
  CHECK(CompressWith(input, 2, 4097) == one);
  CHECK(CompressWith(input, 3, 5 << 20) == one);
  CHECK(one.size() < input.size() / 2);
  CHECK(one.substr(0, 4) == std::string("\x1f\x8b\x08\x00", 4));
  CHECK(InflateOneMember(one) == input);
  CHECK(*Decompress(Compression::kGzip, one, 1ull << 30, 65536) == input);
  CHECK(CompressWith(input, 2, 1 << 20, 1) != one);  // the level matters
  CHECK(InflateOneMember(CompressWith(input, 2, 1 << 20, 9)) == input);
}

TEST_CASE("compression: parallel gzip edge sizes (empty, one chunk exactly, several chunks exactly)") {
  for (size_t size : {size_t{0}, size_t{1}, kGzipChunkBytes, 2 * kGzipChunkBytes, kGzipChunkBytes + 1}) {
    CAPTURE(size);
    std::string input(size, 'x');
    for (size_t i = 0; i < size; i += 7) input[i] = static_cast<char>('a' + i % 13);
    std::string one = CompressWith(input, 1, 65536);
    CHECK(CompressWith(input, 4, 1000) == one);
    CHECK(InflateOneMember(one) == input);
  }
}

}  // namespace
}  // namespace mybuild::image
