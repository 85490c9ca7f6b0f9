// LowerToGraph: progress names of the steps, and `--no-cache-filter` (the steps of the named stages, and
// only those, ignore the cache).
#include <doctest/doctest.h>

#include "src/planner/graph_lowering.h"
#include "tests/planner/planner_test_util.h"

namespace mybuild::planner {
namespace {

using testing::MustPlan;

constexpr const char* kTwoStages =
    "FROM scratch AS Deps\n"
    "COPY a /a\n"
    "RUN [\"/a\"]\n"
    "FROM scratch AS app\n"
    "COPY --from=deps /a /b\n"
    "COPY c /c\n";

// The names of the vertices that ignore the cache, in graph order.
std::vector<std::string> IgnoringCache(const std::vector<std::string>& filter) {
  BuildPlan plan = MustPlan(kTwoStages);
  LoweringOptions options;
  options.no_cache_stages = filter;
  StatusOr<LoweredGraph> lowered = LowerToGraph(plan, {}, options);
  REQUIRE_MESSAGE(lowered.ok(), lowered.status().ToString());
  std::vector<std::string> names;
  for (const graph::Vertex& vertex : lowered->graph.vertices()) {
    if (vertex.ignore_cache) names.push_back(vertex.name);
  }
  return names;
}

TEST_CASE("planner: no-cache-filter marks nothing by default") { CHECK(IgnoringCache({}).empty()); }

TEST_CASE("planner: no-cache-filter marks every step of the named stage, not its base or the context") {
  std::vector<std::string> marked = IgnoringCache({"deps"});
  REQUIRE(marked.size() == 2);
  CHECK(marked[0].find("COPY a /a") != std::string::npos);
  CHECK(marked[1].find("RUN") != std::string::npos);
}

TEST_CASE("planner: no-cache-filter matches names case-insensitively and stage indices") {
  CHECK(IgnoringCache({"DEPS"}).size() == 2);
  CHECK(IgnoringCache({"1"}).size() == 2);
  CHECK(IgnoringCache({"deps", "app"}).size() == 4);
}

TEST_CASE("planner: no-cache-filter ignores names of no stage") { CHECK(IgnoringCache({"nope"}).empty()); }

TEST_CASE("planner: no-cache-filter does not change definition digests") {
  BuildPlan plan = MustPlan(kTwoStages);
  StatusOr<LoweredGraph> plain = LowerToGraph(plan, {});
  LoweringOptions options;
  options.no_cache_stages = {"deps", "app"};
  StatusOr<LoweredGraph> filtered = LowerToGraph(plan, {}, options);
  REQUIRE(plain.ok());
  REQUIRE(filtered.ok());
  REQUIRE(plain->graph.size() == filtered->graph.size());
  for (size_t i = 0; i < plain->graph.size(); ++i) {
    CHECK(plain->graph.vertex(i).digest == filtered->graph.vertex(i).digest);
  }
}

std::vector<std::string> Names(const std::string& dockerfile) {
  BuildPlan plan = MustPlan(dockerfile);
  StatusOr<LoweredGraph> lowered = LowerToGraph(plan, {});
  REQUIRE_MESSAGE(lowered.ok(), lowered.status().ToString());
  std::vector<std::string> names;
  for (const graph::Vertex& vertex : lowered->graph.vertices()) names.push_back(vertex.name);
  return names;
}

TEST_CASE("planner: step names number the steps of each stage, FROM first") {
  CHECK(Names(kTwoStages) == std::vector<std::string>{"[deps 1/3] FROM scratch", "[internal] load build context",
                                                      "[deps 2/3] COPY a /a", "[deps 3/3] RUN [\"/a\"]",
                                                      "[app 1/3] FROM scratch", "[app 2/3] COPY --from=deps /a /b",
                                                      "[app 3/3] COPY c /c"});
}

TEST_CASE("planner: a one-stage build names steps without a stage") {
  CHECK(Names("FROM scratch\nCOPY a /a\n") ==
        std::vector<std::string>{"[1/2] FROM scratch", "[internal] load build context", "[2/2] COPY a /a"});
}

}  // namespace
}  // namespace mybuild::planner

namespace mybuild::planner {
namespace {

TEST_CASE("planner: secret and ssh mounts keep their whole spec in the graph (env included)") {
  BuildPlan plan = testing::MustPlan(
      "FROM scratch\n"
      "RUN --mount=type=secret,id=tok,env=TOKEN,required,mode=0440,uid=1000,gid=50 "
      "--mount=type=secret,id=npm,env=NPM --mount=type=ssh,required [\"/x\"]\n");
  StatusOr<LoweredGraph> lowered = LowerToGraph(plan, {}, {});
  REQUIRE_MESSAGE(lowered.ok(), lowered.status().ToString());
  const graph::ExecOp* exec = nullptr;
  for (const graph::Vertex& vertex : lowered->graph.vertices()) {
    if (auto* op = std::get_if<graph::ExecOp>(&vertex.op)) exec = op;
  }
  REQUIRE(exec != nullptr);
  REQUIRE(exec->mounts.size() == 3);
  const graph::Mount& tok = exec->mounts[0];
  CHECK(tok.type == graph::MountType::kSecret);
  CHECK(tok.secret_id == "tok");
  CHECK(tok.target.empty());  // env= without a target: only the variable, no file
  CHECK(tok.env == "TOKEN");
  CHECK(tok.required);
  CHECK(tok.mode == 0440u);
  CHECK(tok.uid == 1000u);
  CHECK(tok.gid == 50u);
  CHECK(exec->mounts[1].env == "NPM");
  CHECK(exec->mounts[2].type == graph::MountType::kSsh);
  CHECK(exec->mounts[2].secret_id == "default");
  CHECK(exec->mounts[2].target == "/run/buildkit/ssh_agent.0");
  CHECK(exec->mounts[2].required);
}

TEST_CASE("planner: cache mounts keep id, sharing, owner, mode, ro, source and from= in the graph") {
  BuildPlan plan = testing::MustPlan(
      "FROM scratch AS seed\n"
      "FROM scratch\n"
      "WORKDIR /w\n"
      "RUN --mount=type=cache,target=c,uid=10,gid=20,mode=0700,sharing=locked "
      "--mount=type=cache,id=pkgs,source=sub,target=/p,ro "
      "--mount=type=cache,from=seed,source=/data,target=/s [\"/x\"]\n");
  StatusOr<LoweredGraph> lowered = LowerToGraph(plan, {}, {});
  REQUIRE_MESSAGE(lowered.ok(), lowered.status().ToString());
  const graph::Vertex* run = nullptr;
  for (const graph::Vertex& vertex : lowered->graph.vertices()) {
    if (std::holds_alternative<graph::ExecOp>(vertex.op)) run = &vertex;
  }
  REQUIRE(run != nullptr);
  const auto& mounts = std::get<graph::ExecOp>(run->op).mounts;
  REQUIRE(mounts.size() == 3);
  CHECK(mounts[0].target == "/w/c");
  CHECK(mounts[0].cache_id == "c");  // the id defaults to the target as written, cleaned (as BuildKit)
  CHECK(mounts[0].sharing == graph::CacheSharing::kLocked);
  CHECK(mounts[0].uid == 10u);
  CHECK(mounts[0].gid == 20u);
  CHECK(mounts[0].mode == 0700u);
  CHECK_FALSE(mounts[0].readonly);
  CHECK_FALSE(mounts[0].source.has_value());
  CHECK(mounts[1].cache_id == "pkgs");
  CHECK(mounts[1].source_path == "sub");  // a directory inside the cache (no from=)
  CHECK_FALSE(mounts[1].source.has_value());
  CHECK(mounts[1].readonly);
  REQUIRE(mounts[2].source.has_value());  // from=: the stage is an input of the RUN
  CHECK(mounts[2].source_path == "/data");
  CHECK(run->inputs.size() == 2);
}

}  // namespace
}  // namespace mybuild::planner
