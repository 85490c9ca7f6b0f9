// Worker::ComputeCacheKey for ADD <git repository>, with a fake git client: the key is the commit the ref
// names now; --checksum and resolution errors fail the key with the step's location.
#include <filesystem>
#include <string>
#include <vector>

#include "cache/blob_store.h"
#include "snapshotter/snapshotter.h"
#include "src/base/temp_dir.h"
#include "src/executor/fake_executor.h"
#include "src/fileops/url_fetcher.h"
#include "src/worker/worker.h"
#include "tests/fileops/fake_git_client.h"
#include "tests/test_support.h"

namespace mybuild::worker {
namespace {

namespace fs = std::filesystem;
using fileops::ResolvedGitRef;

const std::string kCommit1 = "1111111111111111111111111111111111111111";
const std::string kCommit2 = "2222222222222222222222222222222222222222";

class NoFetcher : public fileops::UrlFetcher {
 public:
  StatusOr<fileops::FetchedFile> Fetch(const std::string& url, uint64_t, int) override {
    return Unimplemented("no network in this test: " + url);
  }
};

struct Fixture {
  TempDir tmp = std::move(TempDir::Create({}, "worker-git-key-test-").value());
  std::unique_ptr<snapshotter::Snapshotter> snapshots;
  std::optional<cache::BlobStore> blobs;
  executor::FakeExecutor executor;
  NoFetcher fetcher;
  fileops::testing::FakeGitClient git;

  Fixture() {
    auto s = snapshotter::NewNativeSnapshotter(tmp.path() / "snapshots");
    REQUIRE_MESSAGE(s.ok(), s.status().ToString());
    snapshots = std::move(s).value();
    auto b = cache::BlobStore::Open(tmp.path() / "root");
    REQUIRE_MESSAGE(b.ok(), b.status().ToString());
    blobs.emplace(std::move(b).value());
    fs::create_directories(tmp.path() / "context");
    git.refs["main"] = ResolvedGitRef{kCommit1, "refs/heads/main"};
  }

  // A fresh worker (one build): it resolves each URL once.
  std::unique_ptr<Worker> NewWorker() {
    WorkerOptions options;
    options.context_dir = tmp.path() / "context";
    options.scratch_dir = tmp.path() / "scratch";
    WorkerDeps deps{&*blobs, snapshots.get(), &executor, &fetcher, nullptr, &git};
    auto w = Worker::Create(deps, options, "");
    REQUIRE_MESSAGE(w.ok(), w.status().ToString());
    return std::move(w).value();
  }

  StatusOr<solver::CacheKey> Key(Worker& worker, const std::string& url, const std::string& checksum = "") {
    graph::CopyAction copy;
    copy.url = url;
    copy.dest = "/src";
    copy.add = true;
    copy.checksum = checksum;
    graph::FileOp op;
    op.actions.push_back(copy);
    graph::Vertex parent;
    parent.op = graph::SourceOp{};
    graph::Vertex step;
    step.op = op;
    step.inputs = {0};
    step.location = SourceLocation{"Dockerfile", 4, 1};
    step.digest = Digest::Of("add " + url + checksum);
    std::vector<solver::StepInput> inputs = {solver::StepInput{&parent, Digest::Of("parent"), {}}};
    return worker.ComputeCacheKey(step, inputs);
  }
};

TEST_CASE("ADD <git>: the cache key is the resolved commit, a moved branch changes it") {
  Fixture f;
  const std::string url = "https://host/repo.git#main";
  auto first = f.Key(*f.NewWorker(), url);
  REQUIRE_MESSAGE(first.ok(), first.status().ToString());
  CHECK(first->cacheable);
  auto again = f.Key(*f.NewWorker(), url);
  REQUIRE(again.ok());
  CHECK(again->digest == first->digest);

  f.git.refs["main"] = ResolvedGitRef{kCommit2, "refs/heads/main"};
  auto moved = f.Key(*f.NewWorker(), url);
  REQUIRE(moved.ok());
  CHECK(moved->cacheable);
  CHECK(moved->digest != first->digest);
}

TEST_CASE("ADD <git>: one build resolves a URL once (its step checks out that commit)") {
  Fixture f;
  auto worker = f.NewWorker();
  REQUIRE(f.Key(*worker, "https://host/repo.git#main").ok());
  f.git.refs["main"] = ResolvedGitRef{kCommit2, "refs/heads/main"};
  REQUIRE(f.Key(*worker, "https://host/repo.git#main").ok());
  CHECK(f.git.resolved.size() == 1);
}

TEST_CASE("ADD <git>: a wrong --checksum, an unknown ref or no git client fail the key at the step") {
  Fixture f;
  auto good = f.Key(*f.NewWorker(), "https://host/repo.git#main", kCommit1.substr(0, 10));
  REQUIRE_MESSAGE(good.ok(), good.status().ToString());

  auto bad = f.Key(*f.NewWorker(), "https://host/repo.git#main", kCommit2);
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.status().code() == StatusCode::kDataLoss);
  REQUIRE(bad.status().location().has_value());
  CHECK(bad.status().location()->line == 4);

  auto unknown = f.Key(*f.NewWorker(), "https://host/repo.git#nope");
  REQUIRE_FALSE(unknown.ok());
  CHECK(unknown.status().code() == StatusCode::kNotFound);
  CHECK(unknown.status().location().has_value());

  // An http URL that is not a repository stays uncacheable without --checksum.
  auto http = f.Key(*f.NewWorker(), "https://host/file.tar");
  REQUIRE(http.ok());
  CHECK_FALSE(http->cacheable);
}

}  // namespace
}  // namespace mybuild::worker
