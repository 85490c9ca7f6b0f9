#include "src/engine/container_store.h"

#include <doctest/doctest.h>
#include <signal.h>

#include "src/base/temp_dir.h"
#include "src/engine/container_control.h"

namespace mybuild::engine {
namespace {

ContainerRecord Record(const std::string& name) {
  ContainerRecord record;
  record.name = name;
  record.image = "app:1";
  record.args = {"sh", "-c", "echo hi"};
  record.created = "2026-12-07T12:00:00.000000001Z";
  record.settings.process.args = record.args;
  record.settings.process.env = {"PATH=/bin", "HOSTNAME=h"};
  record.settings.process.workdir = "/work";
  record.settings.process.user = "1000:50";
  record.settings.hostname = "h";
  record.settings.network = NetworkMode::kNone;
  record.settings.extra_hosts = {"198.51.100.1\tdb"};
  MountRequest mount;
  mount.type = MountRequest::Type::kTmpfs;
  mount.target = "/scratch";
  mount.tmpfs_size_bytes = 4096;
  record.settings.mounts = {mount};
  record.settings.tty = true;
  record.settings.stop_signal = SIGUSR1;
  record.settings.stop_timeout_seconds = 3;
  return record;
}

class FakeLauncher : public MonitorLauncher {
 public:
  Status Launch(const std::string& id) override {
    launched.push_back(id);
    return Status::Ok();
  }
  std::vector<std::string> launched;
};

// Records removals; nothing else is used by ContainerControl.
class FakeSnapshotter : public snapshotter::Snapshotter {
 public:
  StatusOr<std::vector<snapshotter::Mount>> Prepare(const std::string&, const std::string&) override { return No(); }
  StatusOr<std::vector<snapshotter::Mount>> View(const std::string&, const std::string&) override { return No(); }
  StatusOr<std::vector<snapshotter::Mount>> Mounts(const std::string&) override { return No(); }
  Status Commit(const std::string&, const std::string&) override { return No(); }
  Status Remove(const std::string& key) override {
    removed->push_back(key);
    return Status::Ok();
  }
  StatusOr<snapshotter::SnapshotInfo> Stat(const std::string&) override { return No(); }
  StatusOr<std::vector<snapshotter::SnapshotInfo>> List() override { return No(); }
  StatusOr<std::vector<snapshotter::LayerEntry>> Diff(const std::string&) override { return No(); }
  Status Cleanup() override { return No(); }
  std::vector<std::string>* removed = nullptr;

 private:
  static Status No() { return Unimplemented("not in the fake"); }
};

struct Fixture {
  TempDir dir = *TempDir::Create();
  ContainerStore store = *ContainerStore::Open(dir.path());
  FakeLauncher launcher;
  std::vector<std::string> removed;
  ContainerControl control{store, launcher, [this](const std::string&) -> StatusOr<std::unique_ptr<snapshotter::Snapshotter>> {
                             auto fake = std::make_unique<FakeSnapshotter>();
                             fake->removed = &removed;
                             return std::unique_ptr<snapshotter::Snapshotter>(std::move(fake));
                           }};
};

TEST_CASE("container store: config and state round-trip, the state is rewritten alone, atomically") {
  Fixture f;
  StatusOr<ContainerRecord> created = f.store.Create(Record("web"));
  REQUIRE(created.ok());
  CHECK(IsContainerId(created->id));
  CHECK(created->snapshot == "container-" + created->id);
  ContainerState state;
  state.state = "running";
  state.pid = 42;
  state.monitor_pid = 41;
  state.started_at = "2026-12-07T12:00:01.5Z";
  REQUIRE(f.store.WriteState(created->id, state).ok());
  StatusOr<ContainerRecord> loaded = f.store.Load(created->id);
  REQUIRE(loaded.ok());
  CHECK(loaded->name == "web");
  CHECK(loaded->settings.process.args == created->args);
  CHECK(loaded->settings.process.user == "1000:50");
  CHECK(loaded->settings.network == NetworkMode::kNone);
  CHECK(loaded->settings.mounts.size() == 1);
  CHECK(loaded->settings.mounts[0].type == MountRequest::Type::kTmpfs);
  CHECK(loaded->settings.mounts[0].tmpfs_size_bytes == 4096);
  CHECK(loaded->settings.tty);
  CHECK(loaded->settings.stop_signal == SIGUSR1);
  CHECK(loaded->settings.stop_timeout_seconds == 3);
  CHECK(loaded->state.state == "running");
  CHECK(loaded->state.pid == 42);
  CHECK(loaded->state.monitor_pid == 41);
  CHECK(!std::filesystem::exists(f.store.ContainerDir(created->id) / "state.json.tmp"));
  CHECK(f.store.Create(Record("web")).status().code() == StatusCode::kAlreadyExists);
  CHECK(f.store.Load(std::string(64, 'a')).status().code() == StatusCode::kNotFound);
  CHECK(f.store.Load("../x").status().code() == StatusCode::kInvalidArgument);
}

TEST_CASE("container store: the container lock excludes a second holder until released") {
  Fixture f;
  StatusOr<ContainerRecord> created = f.store.Create(Record(""));
  REQUIRE(created.ok());
  const std::filesystem::path lock_path = f.store.ContainerDir(created->id) / "lock";
  {
    StatusOr<cache::FileLock> held = f.store.Lock(created->id);
    REQUIRE(held.ok());
    StatusOr<std::optional<cache::FileLock>> second = cache::FileLock::TryAcquire(lock_path, cache::FileLock::Mode::kExclusive);
    REQUIRE(second.ok());
    CHECK(!second->has_value());
  }
  StatusOr<std::optional<cache::FileLock>> after = cache::FileLock::TryAcquire(lock_path, cache::FileLock::Mode::kExclusive);
  REQUIRE(after.ok());
  CHECK(after->has_value());
}

TEST_CASE("container control: a running record without a live monitor is reconciled to exited (137)") {
  Fixture f;
  StatusOr<ContainerRecord> created = f.store.Create(Record("orphan"));
  REQUIRE(created.ok());
  ContainerState running;
  running.state = "running";
  running.pid = 999999;
  REQUIRE(f.store.WriteState(created->id, running).ok());
  {
    // While something holds monitor.lock, the container runs: nothing changes, Start launches nothing.
    StatusOr<cache::FileLock> monitor =
        cache::FileLock::Acquire(f.store.MonitorLockPath(created->id), cache::FileLock::Mode::kExclusive);
    REQUIRE(monitor.ok());
    CHECK(f.store.MonitorAlive(created->id));
    StatusOr<ContainerRecord> found = f.control.Find("orphan");
    REQUIRE(found.ok());
    CHECK(found->state.state == "running");
    CHECK(f.control.Start(created->id).ok());
    CHECK(f.launcher.launched.empty());
    CHECK(f.control.Remove(created->id, false).code() == StatusCode::kFailedPrecondition);
  }
  CHECK(!f.store.MonitorAlive(created->id));
  StatusOr<std::vector<ContainerRecord>> listed = f.control.List();
  REQUIRE(listed.ok());
  REQUIRE(listed->size() == 1);
  CHECK((*listed)[0].state.state == "exited");
  CHECK((*listed)[0].state.exit_code == 137);
  CHECK(f.store.Load(created->id)->state.state == "exited");  // written back
  CHECK(f.control.Kill(created->id, SIGTERM).code() == StatusCode::kFailedPrecondition);
  CHECK(f.control.Stop(created->id, 1).ok());  // not running: nothing to do
  CHECK(f.control.Wait(created->id).value() == 137);
  CHECK(f.control.Start(created->id).ok());
  CHECK(f.launcher.launched == std::vector<std::string>{created->id});
  REQUIRE(f.control.Remove(created->id, false).ok());
  CHECK(f.removed == std::vector<std::string>{created->snapshot});
  CHECK(!std::filesystem::exists(f.store.ContainerDir(created->id)));
  CHECK(f.control.Find("orphan").status().code() == StatusCode::kNotFound);
}

}  // namespace
}  // namespace mybuild::engine
