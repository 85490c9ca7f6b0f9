#include "src/solver/cache_index.h"

#include <doctest/doctest.h>

#include <filesystem>

#include <nlohmann/json.hpp>

#include "src/base/files.h"
#include "src/base/temp_dir.h"

namespace mybuild::solver {
namespace {

TEST_CASE("file cache index records and finds results across instances") {
  StatusOr<TempDir> root = TempDir::Create();
  REQUIRE(root.ok());
  const Digest key = Digest::Of("key");
  {
    StatusOr<FileCacheIndex> index = FileCacheIndex::Open(root->path());
    REQUIRE(index.ok());
    StatusOr<std::optional<StepResult>> miss = index->Lookup(key);
    REQUIRE(miss.ok());
    CHECK(!miss->has_value());
    REQUIRE(index->Record(key, StepResult{R"({"snapshot":"s1"})"}).ok());
  }
  StatusOr<FileCacheIndex> reopened = FileCacheIndex::Open(root->path());
  REQUIRE(reopened.ok());
  StatusOr<std::optional<StepResult>> hit = reopened->Lookup(key);
  REQUIRE(hit.ok());
  REQUIRE(hit->has_value());
  CHECK((*hit)->ref == R"({"snapshot":"s1"})");

  // The documented format: ROOT/cache/<hex>.json with these fields, and no temp files left behind.
  const std::filesystem::path file = root->path() / "cache" / (key.hex() + ".json");
  StatusOr<std::string> text = ReadFile(file);
  REQUIRE(text.ok());
  nlohmann::json record = nlohmann::json::parse(*text);
  CHECK(record["schemaVersion"] == 1);
  CHECK(record["key"] == key.ToString());
  CHECK(record["result"] == R"({"snapshot":"s1"})");
  CHECK(record["created"].is_number_integer());
  int files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(root->path() / "cache")) {
    (void)entry;
    ++files;
  }
  CHECK(files == 1);

  // Replacing a record.
  REQUIRE(reopened->Record(key, StepResult{"second"}).ok());
  CHECK((*reopened->Lookup(key))->ref == "second");
}

TEST_CASE("damaged or foreign cache records count as misses") {
  StatusOr<TempDir> root = TempDir::Create();
  REQUIRE(root.ok());
  StatusOr<FileCacheIndex> index = FileCacheIndex::Open(root->path());
  REQUIRE(index.ok());
  const Digest key = Digest::Of("key");
  const std::filesystem::path file = index->dir() / (key.hex() + ".json");

  for (const std::string& content : {std::string("{\"schemaVer"), std::string("[]"),
                                     std::string(R"({"schemaVersion":2,"key":"x","result":"r"})"),
                                     nlohmann::json{{"schemaVersion", 1}, {"key", Digest::Of("other").ToString()},
                                                    {"result", "r"}}
                                         .dump()}) {
    CAPTURE(content);
    REQUIRE(WriteFileAtomically(file, content).ok());
    StatusOr<std::optional<StepResult>> lookup = index->Lookup(key);
    REQUIRE(lookup.ok());
    CHECK(!lookup->has_value());
  }
  // A record written afterwards replaces the damaged one.
  REQUIRE(index->Record(key, StepResult{"ok"}).ok());
  CHECK((*index->Lookup(key))->ref == "ok");
}

TEST_CASE("opening refuses a cache path that is not a directory") {
  StatusOr<TempDir> root = TempDir::Create();
  REQUIRE(root.ok());
  REQUIRE(WriteFileAtomically(root->path() / "cache", "x").ok());
  CHECK(!FileCacheIndex::Open(root->path()).ok());
}

TEST_CASE("in-memory cache index") {
  InMemoryCacheIndex index;
  CHECK(!index.Lookup(Digest::Of("a"))->has_value());
  REQUIRE(index.Record(Digest::Of("a"), StepResult{"ra"}).ok());
  CHECK((*index.Lookup(Digest::Of("a")))->ref == "ra");
  CHECK(index.size() == 1);
}

}  // namespace
}  // namespace mybuild::solver
