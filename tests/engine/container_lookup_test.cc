#include "src/engine/container_lookup.h"

#include <doctest/doctest.h>

namespace mybuild::engine {
namespace {

ContainerRecord Named(std::string id, std::string name) {
  ContainerRecord record;
  record.id = std::move(id);
  record.name = std::move(name);
  return record;
}

const std::vector<ContainerRecord> kRecords = {
    Named("abc1" + std::string(60, '0'), "web"),
    Named("abc2" + std::string(60, '0'), ""),
    Named("def0" + std::string(60, '0'), "abc1"),  // a name that is another's id prefix
};

TEST_CASE("container lookup: full id, then name, then a unique id prefix, as docker resolves them") {
  CHECK(FindContainer(kRecords, kRecords[1].id)->id == kRecords[1].id);
  CHECK(FindContainer(kRecords, "web")->id == kRecords[0].id);
  CHECK(FindContainer(kRecords, "abc1")->id == kRecords[2].id);  // the exact name wins over the prefix
  CHECK(FindContainer(kRecords, "abc2")->id == kRecords[1].id);
  CHECK(FindContainer(kRecords, "de")->id == kRecords[2].id);
}

TEST_CASE("container lookup: unknown, ambiguous and empty references are errors naming them") {
  StatusOr<ContainerRecord> unknown = FindContainer(kRecords, "nothing");
  CHECK(unknown.status().code() == StatusCode::kNotFound);
  CHECK(unknown.status().message() == "no such container: nothing");
  StatusOr<ContainerRecord> ambiguous = FindContainer(kRecords, "abc");
  CHECK(ambiguous.status().code() == StatusCode::kInvalidArgument);
  CHECK(ambiguous.status().message().find("matches 2 containers (abc100000000, abc200000000)") != std::string::npos);
  CHECK(FindContainer(kRecords, "").status().code() == StatusCode::kInvalidArgument);
  CHECK(FindContainer({}, "x").status().code() == StatusCode::kNotFound);
}

}  // namespace
}  // namespace mybuild::engine
