// Worker::Run for a RUN step, with the fake executor: what the sandbox is asked to run.
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "cache/blob_store.h"
#include "snapshotter/snapshotter.h"
#include "src/base/files.h"
#include "src/base/temp_dir.h"
#include "src/executor/fake_executor.h"
#include "src/fileops/url_fetcher.h"
#include "src/solver/progress.h"
#include "src/worker/step_result.h"
#include "src/worker/worker.h"
#include "tests/test_support.h"

namespace mybuild::worker {
namespace {

namespace fs = std::filesystem;

class NoFetcher : public fileops::UrlFetcher {
 public:
  StatusOr<fileops::FetchedFile> Fetch(const std::string& url, uint64_t, int) override {
    return Unimplemented("no network in this test: " + url);
  }
};

// A native snapshotter with one committed snapshot "base" holding /etc/passwd and /etc/group, and a
// worker over it whose executor only records what it is asked to run.
struct Fixture {
  TempDir tmp;
  std::unique_ptr<snapshotter::Snapshotter> snapshots;
  std::optional<cache::BlobStore> blobs;
  executor::FakeExecutor executor;
  NoFetcher fetcher;
  std::unique_ptr<Worker> worker;

  explicit Fixture(RunSecrets secrets = {}) {
    auto t = TempDir::Create({}, "worker-exec-test-");
    REQUIRE(t.ok());
    tmp = std::move(t).value();
    auto s = snapshotter::NewNativeSnapshotter(tmp.path() / "snapshots");
    REQUIRE_MESSAGE(s.ok(), s.status().ToString());
    snapshots = std::move(s).value();
    REQUIRE(snapshots->Prepare("base-active", "").ok());
    auto info = snapshots->Stat("base-active");
    REQUIRE(info.ok());
    fs::create_directories(info->dir / "etc");
    REQUIRE(WriteFileAtomically(info->dir / "etc/passwd",
                                "root:x:0:0:root:/root:/bin/sh\nuser:x:1000:1000:user:/home/user:/bin/sh\n")
                .ok());
    REQUIRE(WriteFileAtomically(info->dir / "etc/group", "root:x:0:\nuser:x:1000:\n").ok());
    REQUIRE(snapshots->Commit("base", "base-active").ok());
    auto b = cache::BlobStore::Open(tmp.path() / "root");
    REQUIRE_MESSAGE(b.ok(), b.status().ToString());
    blobs.emplace(std::move(b).value());
    fs::create_directories(tmp.path() / "context");
    WorkerOptions options;
    options.context_dir = tmp.path() / "context";
    options.scratch_dir = tmp.path() / "scratch";
    options.cache_mounts_dir = tmp.path() / "cache-mounts";
    options.run_secrets = std::move(secrets);
    auto w = Worker::Create(WorkerDeps{&*blobs, snapshots.get(), &executor, &fetcher, nullptr}, options, "");
    REQUIRE_MESSAGE(w.ok(), w.status().ToString());
    worker = std::move(w).value();
  }

  // Runs `op` on "base".
  StatusOr<solver::StepResult> RunStep(graph::ExecOp op) {
    graph::Vertex parent;
    parent.op = graph::SourceOp{};
    graph::Vertex step;
    step.op = std::move(op);
    step.inputs = {0};
    step.name = "RUN test";
    step.digest = Digest::Of("step");
    std::vector<solver::StepInput> inputs = {
        solver::StepInput{&parent, Digest::Of("parent"), EncodeResult(SnapshotResult{"base", {}, 0})}};
    solver::QuietProgress progress;
    solver::StepLog log(progress, step.digest, step.name, solver::Clock::now());
    solver::CancelToken cancel;
    return worker->Run(step, inputs, cancel, log);
  }

  // Runs `op` on "base"; returns the spec the executor was given.
  executor::ExecSpec RunSpec(graph::ExecOp op) {
    auto result = RunStep(std::move(op));
    REQUIRE_MESSAGE(result.ok(), result.status().ToString());
    REQUIRE(executor.runs().size() == 1);
    return executor.runs()[0];
  }
  std::vector<std::string> RunEnv(graph::ExecOp op) { return RunSpec(std::move(op)).env; }
};

bool Has(const std::vector<std::string>& env, const std::string& entry) {
  return std::find(env.begin(), env.end(), entry) != env.end();
}

TEST_CASE("RUN gets HOME from the user's passwd entry, / without one, and keeps a HOME the Dockerfile set") {
  if (::geteuid() != 0) MYBUILD_SKIP("mounting snapshots needs root");
  {
    Fixture f;
    graph::ExecOp op;
    op.args = {"/bin/sh", "-c", "true"};
    op.user = "user";
    CHECK(Has(f.RunEnv(op), "HOME=/home/user"));
  }
  {
    Fixture f;
    graph::ExecOp op;
    op.args = {"/bin/sh", "-c", "true"};
    CHECK(Has(f.RunEnv(op), "HOME=/root"));
  }
  {
    Fixture f;
    graph::ExecOp op;
    op.args = {"/bin/sh", "-c", "true"};
    op.user = "4321:4321";
    CHECK(Has(f.RunEnv(op), "HOME=/"));
  }
  {
    Fixture f;
    graph::ExecOp op;
    op.args = {"/bin/sh", "-c", "true"};
    op.user = "user";
    op.env = {"HOME=/elsewhere", "PATH=/bin"};
    std::vector<std::string> env = f.RunEnv(op);
    CHECK(Has(env, "HOME=/elsewhere"));
    CHECK(std::count_if(env.begin(), env.end(), [](const std::string& e) { return e.starts_with("HOME="); }) == 1);
  }
}

TEST_CASE("RUN --mount=type=secret reaches the executor as a file mount and a variable, never in the op") {
  if (::geteuid() != 0) MYBUILD_SKIP("mounting snapshots needs root");
  RunSecrets secrets;
  secrets.secrets["tok"] = "s3cr3t";
  graph::ExecOp op;
  op.args = {"/bin/sh", "-c", "true"};
  graph::Mount mount;
  mount.type = graph::MountType::kSecret;
  mount.secret_id = "tok";
  mount.target = "/run/secrets/tok";
  mount.env = "TOKEN";
  mount.mode = 0400;
  op.mounts = {mount};
  {
    Fixture f(secrets);
    executor::ExecSpec spec = f.RunSpec(op);
    REQUIRE(spec.extra_mounts.size() == 1);
    CHECK(spec.extra_mounts[0].type == executor::Mount::Type::kFile);
    CHECK(spec.extra_mounts[0].contents == "s3cr3t");
    CHECK(Has(spec.env, "TOKEN=s3cr3t"));
  }
  {
    Fixture f;  // no --secret: an optional mount is skipped and the RUN still runs
    executor::ExecSpec spec = f.RunSpec(op);
    CHECK(spec.extra_mounts.empty());
    CHECK_FALSE(Has(spec.env, "TOKEN=s3cr3t"));
  }
  {
    Fixture f;
    op.mounts[0].required = true;
    auto result = f.RunStep(op);
    REQUIRE_FALSE(result.ok());
    CHECK(result.status().code() == StatusCode::kFailedPrecondition);
    CHECK(result.status().message().find("secret \"tok\" is required") != std::string::npos);
    CHECK(f.executor.runs().empty());
  }
}

}  // namespace
}  // namespace mybuild::worker
