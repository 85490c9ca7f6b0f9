#include "src/engine/volume_store.h"

#include <doctest/doctest.h>

#include "src/base/temp_dir.h"
#include "src/engine/container_volumes.h"

namespace mybuild::engine {
namespace {

TEST_CASE("volume store: created once, listed, refused while a container mounts it, then removed") {
  TempDir dir = *TempDir::Create();
  StatusOr<VolumeStore> volumes = VolumeStore::Open(dir.path());
  REQUIRE(volumes.ok());
  bool created = false;
  StatusOr<std::filesystem::path> data = volumes->Ensure("cache", created);
  REQUIRE(data.ok());
  CHECK(created);
  CHECK(*data == dir.path() / "volumes" / "cache" / "_data");
  REQUIRE(volumes->Ensure("cache", created).ok());
  CHECK(!created);
  CHECK(volumes->Ensure("../x", created).status().code() == StatusCode::kInvalidArgument);
  CHECK(volumes->List().value() == std::vector<std::string>{"cache"});

  StatusOr<ContainerStore> containers = ContainerStore::Open(dir.path());
  REQUIRE(containers.ok());
  ContainerRecord record;
  record.created = "2026-12-07T12:00:00Z";
  record.settings.process.args = {"true"};
  MountRequest mount;
  mount.type = MountRequest::Type::kVolume;
  mount.source = "cache";
  mount.target = "/cache";
  record.settings.mounts = {mount};
  StatusOr<ContainerRecord> user = containers->Create(record);
  REQUIRE(user.ok());
  Status in_use = RemoveVolume(*volumes, *containers, "cache");
  CHECK(in_use.code() == StatusCode::kFailedPrecondition);
  CHECK(in_use.message() == "remove cache: volume is in use - [" + user->id.substr(0, 12) + "]");
  REQUIRE(containers->Remove(user->id).ok());
  CHECK(RemoveVolume(*volumes, *containers, "cache").ok());
  CHECK(volumes->List().value().empty());
  CHECK(RemoveVolume(*volumes, *containers, "cache").code() == StatusCode::kNotFound);
}

}  // namespace
}  // namespace mybuild::engine
