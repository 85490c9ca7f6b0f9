#include "src/graph/build_graph.h"

#include <doctest/doctest.h>

#include "src/graph/canonical.h"
#include "src/graph/graph_json.h"

namespace mybuild::graph {
namespace {

Platform Amd64() { return Platform{"linux", "amd64", ""}; }

ImageSource Alpine() {
  return ImageSource{"docker.io/library/alpine:3.19",
                     "sha256:1111111111111111111111111111111111111111111111111111111111111111", Amd64()};
}

ExecOp Run(std::string command) {
  ExecOp exec;
  exec.args = {"/bin/sh", "-c", std::move(command)};
  exec.env = {"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"};
  exec.cwd = "/src";
  exec.shell_form = true;
  exec.platform = Amd64();
  return exec;
}

FileOp CopyFromContext(std::string dest) {
  CopyAction copy;
  copy.source = 1;
  copy.paths = {"."};
  copy.dest = std::move(dest);
  FileOp file;
  file.actions = {MkdirAction{"/src", 0755, true, ""}, copy};
  file.platform = Amd64();
  return file;
}

// FROM alpine; COPY . /src; RUN make — the fixed graph whose digests are pinned below.
struct SmallGraph {
  BuildGraph graph;
  VertexIndex image = 0, context = 0, copy = 0, run = 0;
};

SmallGraph MakeSmallGraph(ExecOp run = Run("make"), std::string run_name = "[3/3] RUN make") {
  GraphBuilder builder;
  SmallGraph g;
  g.image = *builder.Add(SourceOp{Alpine()}, {}, "[1/3] FROM alpine");
  g.context = *builder.Add(SourceOp{LocalSource{"context", {}, {".git"}}}, {}, "load context");
  g.copy = *builder.Add(CopyFromContext("/src/"), {g.image, g.context}, "[2/3] COPY . /src/");
  g.run = *builder.Add(std::move(run), {g.copy}, std::move(run_name), SourceLocation{"Dockerfile", 3, 1});
  g.graph = std::move(builder).Build();
  return g;
}

TEST_CASE("digests of a small fixed graph are stable") {
  SmallGraph g = MakeSmallGraph();
  // Golden values; the image one was also computed by an independent script from the format comment
  // in canonical.h. A change here changes every cache key users have: update only with a deliberate
  // format change (and bump kCanonicalVersion).
  CHECK(g.graph.vertex(g.image).digest.hex() ==
        "6a083735923b0d1717e5885e9d98b1334b657623fea1c6abedbeed93bb9814b3");
  CHECK(g.graph.vertex(g.context).digest.hex() ==
        "3f405b7339feca896318176c17d31d7a6fc14469047d07f47886b43ad5a55dbf");
  CHECK(g.graph.vertex(g.copy).digest.hex() ==
        "f42f50505d39d6a1ccae2922fe27aab25e724c536824f17a080f53075f3e5460");
  CHECK(g.graph.vertex(g.run).digest.hex() ==
        "072a0618f10c1ee9cf7bee96c917711b638005b9fd378d9a41b066b565ff51e5");
  // Building the same graph again gives the same digests.
  SmallGraph again = MakeSmallGraph();
  for (size_t i = 0; i < g.graph.size(); ++i) {
    CHECK(g.graph.vertex(i).digest == again.graph.vertex(i).digest);
  }
}

// Every field of every op kind, set to a value other than its default.
std::vector<Op> EveryOpKind() {
  ExecOp exec = Run("make all");
  exec.user = "1000:50";
  exec.network = NetworkMode::kNone;
  exec.insecure = true;
  Mount cache;
  cache.type = MountType::kCache;
  cache.target = "/root/.cache";
  cache.source = 2;
  cache.source_path = "/sub";
  cache.readonly = true;
  cache.cache_id = "go";
  cache.sharing = CacheSharing::kLocked;
  cache.secret_id = "s";
  cache.required = true;
  cache.mode = 0700;
  cache.uid = 1;
  cache.gid = 2;
  cache.size_bytes = 4096;
  Mount file;
  file.type = MountType::kFile;
  file.target = "/script";
  file.contents = "echo hi\n";
  exec.mounts = {cache, file};
  CopyAction copy;
  copy.source = 1;
  copy.paths = {"a", "b*"};
  copy.url = "https://example.com/x.tar";
  copy.dest = "/d/";
  copy.chown = "app:app";
  copy.chmod = "0750";
  copy.add = true;
  copy.link = true;
  copy.parents = true;
  copy.follow_symlinks = false;
  copy.excludes = {"*.md"};
  copy.keep_git_dir = true;
  copy.checksum = "sha256:00";
  copy.unpack = false;
  FileOp file_op;
  file_op.actions = {copy, MkdirAction{"/w", 0700, false, "app"}, MkfileAction{"/f", "text", 0600, "1:1"}};
  file_op.platform = Platform{"linux", "arm64", "v8"};
  return {SourceOp{ScratchSource{}}, SourceOp{Alpine()}, SourceOp{LocalSource{"context", {"src"}, {".git"}}},
          exec, file_op};
}

TEST_CASE("the canonical bytes of every op kind are pinned") {
  // Golden digests of CanonicalOp: a change here is a format change (see the golden test above).
  const std::string golden[] = {
      "387cac041d55360d777c784acf70a018e0a6d2172d2447bec8787bcb1ff65b65",
      "8661cd1c9a1eb1978220166dac45d9285f8f5da0b39addb275cd4d85c4128977",
      "ae67984ef49d4209ab8293890922ec049a25a3bc20aa453212341ec5ca4f9355",
      "2ef25c497b2c7100b608d243addd794add66faae63169d0e60fd8b779fd08f80",
      "27cd844026fcc513af8140463072de6c4d0bce557e78e3c94da0ca196dc454d2",
  };
  std::vector<Op> ops = EveryOpKind();
  REQUIRE(ops.size() == std::size(golden));
  for (size_t i = 0; i < ops.size(); ++i) {
    CAPTURE(i);
    CHECK(Digest::Of(CanonicalOp(ops[i])).hex() == golden[i]);
  }
}

TEST_CASE("a hashed field changes the digest, a name or location does not") {
  SmallGraph base = MakeSmallGraph();
  const Digest run_digest = base.graph.vertex(base.run).digest;

  SUBCASE("name and location are not hashed") {
    SmallGraph renamed = MakeSmallGraph(Run("make"), "a different name");
    CHECK(renamed.graph.vertex(renamed.run).digest == run_digest);
    GraphBuilder builder;
    VertexIndex image = *builder.Add(SourceOp{Alpine()}, {}, "x", SourceLocation{"Other", 9, 9});
    CHECK(builder.vertex(image).digest == base.graph.vertex(base.image).digest);
  }
  SUBCASE("shell_form is not hashed") {
    ExecOp exec = Run("make");
    exec.shell_form = false;
    CHECK(MakeSmallGraph(exec).graph.vertex(3).digest == run_digest);
  }
  SUBCASE("command") { CHECK(MakeSmallGraph(Run("make all")).graph.vertex(3).digest != run_digest); }
  SUBCASE("env") {
    ExecOp exec = Run("make");
    exec.env.push_back("CC=clang");
    CHECK(MakeSmallGraph(exec).graph.vertex(3).digest != run_digest);
  }
  SUBCASE("cwd") {
    ExecOp exec = Run("make");
    exec.cwd = "/";
    CHECK(MakeSmallGraph(exec).graph.vertex(3).digest != run_digest);
  }
  SUBCASE("user") {
    ExecOp exec = Run("make");
    exec.user = "app";
    CHECK(MakeSmallGraph(exec).graph.vertex(3).digest != run_digest);
  }
  SUBCASE("network") {
    ExecOp exec = Run("make");
    exec.network = NetworkMode::kNone;
    CHECK(MakeSmallGraph(exec).graph.vertex(3).digest != run_digest);
  }
  SUBCASE("mount") {
    ExecOp exec = Run("make");
    Mount cache;
    cache.type = MountType::kCache;
    cache.target = "/root/.cache";
    exec.mounts.push_back(cache);
    CHECK(MakeSmallGraph(exec).graph.vertex(3).digest != run_digest);
  }
  SUBCASE("platform") {
    ExecOp exec = Run("make");
    exec.platform.architecture = "arm64";
    CHECK(MakeSmallGraph(exec).graph.vertex(3).digest != run_digest);
  }
}

TEST_CASE("every field of a secret or ssh mount spec is hashed, and a mount without env keeps its bytes") {
  // The secret's content is never in the definition (the worker reads it at run time); its spec is.
  Mount secret;
  secret.type = MountType::kSecret;
  secret.target = "/run/secrets/tok";
  secret.secret_id = "tok";
  secret.readonly = true;
  secret.mode = 0400;
  auto digest_with = [&](auto change) {
    Mount m = secret;
    change(m);
    ExecOp exec = Run("make");
    exec.mounts = {m};
    return DefinitionDigest(exec, {});
  };
  const Digest plain = digest_with([](Mount&) {});
  CHECK(digest_with([](Mount& m) { m.secret_id = "other"; }) != plain);
  CHECK(digest_with([](Mount& m) { m.target = "/run/secrets/other"; }) != plain);
  CHECK(digest_with([](Mount& m) { m.env = "TOKEN"; }) != plain);
  CHECK(digest_with([](Mount& m) { m.required = true; }) != plain);
  CHECK(digest_with([](Mount& m) { m.mode = 0440; }) != plain);
  CHECK(digest_with([](Mount& m) { m.uid = 1000; }) != plain);
  CHECK(digest_with([](Mount& m) { m.gid = 1000; }) != plain);
  CHECK(digest_with([](Mount& m) { m.type = MountType::kSsh; }) != plain);
  // env is written only when set: the canonical bytes of a mount without it do not mention it.
  ExecOp exec = Run("make");
  exec.mounts = {secret};
  const std::string env_field("\x03\0\0\0\0\0\0\0env", 11);  // str("env"): the field name as encoded
  auto count_env_fields = [&](const std::string& bytes) {
    size_t count = 0;
    for (size_t at = bytes.find(env_field); at != std::string::npos; at = bytes.find(env_field, at + 1)) ++count;
    return count;
  };
  CHECK(count_env_fields(CanonicalOp(exec)) == 1);  // the RUN's own env only
  exec.mounts[0].env = "TOKEN";
  CHECK(count_env_fields(CanonicalOp(exec)) == 2);
}

TEST_CASE("file and source fields are hashed") {
  const Digest copy_digest = DefinitionDigest(CopyFromContext("/src/"), {});
  auto copy_with = [](auto change) {
    FileOp file = CopyFromContext("/src/");
    change(std::get<CopyAction>(file.actions[1]));
    return DefinitionDigest(file, {});
  };
  CHECK(copy_with([](CopyAction& c) { c.dest = "/other/"; }) != copy_digest);
  CHECK(copy_with([](CopyAction& c) { c.chown = "app:app"; }) != copy_digest);
  CHECK(copy_with([](CopyAction& c) { c.chmod = "0755"; }) != copy_digest);
  CHECK(copy_with([](CopyAction& c) { c.link = true; }) != copy_digest);
  CHECK(copy_with([](CopyAction& c) { c.parents = true; }) != copy_digest);
  CHECK(copy_with([](CopyAction& c) { c.excludes = {"*.md"}; }) != copy_digest);
  CHECK(copy_with([](CopyAction& c) { c.add = true; }) != copy_digest);
  CHECK(copy_with([](CopyAction& c) { c.checksum = "sha256:00"; }) != copy_digest);
  CHECK(copy_with([](CopyAction& c) { c.paths = {"a", "b"}; }) != copy_digest);

  FileOp heredoc;
  heredoc.actions = {MkfileAction{"/run.sh", "echo hi\n", 0755, ""}};
  FileOp other = heredoc;
  std::get<MkfileAction>(other.actions[0]).contents = "echo bye\n";
  CHECK(DefinitionDigest(heredoc, {}) != DefinitionDigest(other, {}));

  SourceOp context{LocalSource{"context", {}, {}}};
  SourceOp filtered{LocalSource{"context", {}, {"node_modules"}}};
  SourceOp named{LocalSource{"assets", {}, {}}};
  SourceOp scratch{ScratchSource{}};
  CHECK(DefinitionDigest(context, {}) != DefinitionDigest(filtered, {}));
  CHECK(DefinitionDigest(context, {}) != DefinitionDigest(named, {}));
  CHECK(DefinitionDigest(context, {}) != DefinitionDigest(scratch, {}));
  // Moving a pattern from include to exclude is a different definition.
  SourceOp included{LocalSource{"context", {"node_modules"}, {}}};
  CHECK(DefinitionDigest(included, {}) != DefinitionDigest(filtered, {}));
}

TEST_CASE("string boundaries are unambiguous") {
  ExecOp a = Run("x");
  a.args = {"ab", "c"};
  ExecOp b = Run("x");
  b.args = {"a", "bc"};
  CHECK(CanonicalOp(a) != CanonicalOp(b));
  CHECK(DefinitionDigest(a, {}) != DefinitionDigest(b, {}));
}

TEST_CASE("a parent's digest propagates to its descendants") {
  SmallGraph base = MakeSmallGraph();
  GraphBuilder builder;
  ImageSource other = Alpine();
  other.manifest_digest = "sha256:2222222222222222222222222222222222222222222222222222222222222222";
  VertexIndex image = *builder.Add(SourceOp{other}, {}, "[1/3] FROM alpine");
  VertexIndex context = *builder.Add(SourceOp{LocalSource{"context", {}, {".git"}}}, {}, "load context");
  VertexIndex copy = *builder.Add(CopyFromContext("/src/"), {image, context}, "[2/3] COPY . /src/");
  VertexIndex run = *builder.Add(Run("make"), {copy}, "[3/3] RUN make");
  CHECK(builder.vertex(context).digest == base.graph.vertex(base.context).digest);
  CHECK(builder.vertex(image).digest != base.graph.vertex(base.image).digest);
  CHECK(builder.vertex(copy).digest != base.graph.vertex(base.copy).digest);
  CHECK(builder.vertex(run).digest != base.graph.vertex(base.run).digest);
}

TEST_CASE("input order is part of the definition") {
  GraphBuilder builder;
  VertexIndex a = *builder.Add(SourceOp{ScratchSource{}}, {}, "a");
  VertexIndex b = *builder.Add(SourceOp{LocalSource{}}, {}, "b");
  FileOp file = CopyFromContext("/x");
  VertexIndex ab = *builder.Add(file, {a, b}, "ab");
  VertexIndex ba = *builder.Add(file, {b, a}, "ba");
  CHECK(builder.vertex(ab).digest != builder.vertex(ba).digest);
}

TEST_CASE("the builder refuses malformed steps with their location") {
  GraphBuilder builder;
  const SourceLocation where{"Dockerfile", 4, 1};
  VertexIndex base = *builder.Add(SourceOp{ScratchSource{}}, {}, "scratch");

  StatusOr<VertexIndex> forward = builder.Add(Run("x"), {5}, "RUN x", where);
  REQUIRE(!forward.ok());
  CHECK(forward.status().code() == StatusCode::kInvalidArgument);
  CHECK(forward.status().location() == where);

  CHECK(!builder.Add(SourceOp{ScratchSource{}}, {base}, "source with input").ok());
  CHECK(!builder.Add(Run("x"), {}, "run without rootfs").ok());
  ExecOp empty = Run("x");
  empty.args.clear();
  CHECK(!builder.Add(empty, {base}, "run without args").ok());
  ExecOp bad_mount = Run("x");
  Mount mount;
  mount.target = "/m";
  mount.source = 3;
  bad_mount.mounts.push_back(mount);
  CHECK(!builder.Add(bad_mount, {base}, "mount slot out of range").ok());
  FileOp bad_copy = CopyFromContext("/x");  // names slot 1
  CHECK(!builder.Add(bad_copy, {base}, "copy slot out of range").ok());
  ExecOp no_target = Run("x");
  Mount secret;
  secret.type = MountType::kSecret;
  secret.secret_id = "tok";
  no_target.mounts.push_back(secret);
  CHECK(!builder.Add(no_target, {base}, "secret without target or env").ok());
  CHECK(builder.size() == 1);
  no_target.mounts[0].env = "TOKEN";  // a secret exposed only as a variable needs no path
  CHECK(builder.Add(no_target, {base}, "secret as env only").ok());
}

TEST_CASE("closure is the needed subgraph in topological order") {
  GraphBuilder builder;
  VertexIndex a = *builder.Add(SourceOp{ScratchSource{}}, {}, "a");
  VertexIndex b = *builder.Add(Run("b"), {a}, "b");
  VertexIndex unrelated = *builder.Add(SourceOp{LocalSource{}}, {}, "unrelated");
  VertexIndex c = *builder.Add(Run("c"), {b}, "c");
  VertexIndex d = *builder.Add(Run("d"), {unrelated}, "d");
  BuildGraph graph = std::move(builder).Build();
  std::vector<VertexIndex> targets = {c};
  CHECK(graph.Closure(targets) == std::vector<VertexIndex>{a, b, c});
  targets = {d, b};
  CHECK(graph.Closure(targets) == std::vector<VertexIndex>{a, b, unrelated, d});
}

TEST_CASE("graph JSON shows every vertex with its op") {
  SmallGraph g = MakeSmallGraph();
  nlohmann::json json = GraphToJson(g.graph);
  REQUIRE(json["vertices"].size() == 4);
  const nlohmann::json& run = json["vertices"][3];
  CHECK(run["index"] == 3);
  CHECK(run["name"] == "[3/3] RUN make");
  CHECK(run["location"] == "Dockerfile:3:1");
  CHECK(run["digest"] == g.graph.vertex(3).digest.ToString());
  CHECK(run["inputs"] == nlohmann::json::array({2}));
  CHECK(run["op"]["kind"] == "exec");
  CHECK(run["op"]["args"] == nlohmann::json::array({"/bin/sh", "-c", "make"}));
  CHECK(run["op"]["network"] == "default");
  const nlohmann::json& copy = json["vertices"][2]["op"];
  CHECK(copy["kind"] == "file");
  CHECK(copy["actions"][0]["action"] == "mkdir");
  CHECK(copy["actions"][1]["action"] == "copy");
  CHECK(copy["actions"][1]["source"] == 1);
  CHECK(json["vertices"][0]["op"]["kind"] == "source.image");
  // Deterministic text.
  CHECK(GraphToJson(g.graph).dump() == GraphToJson(MakeSmallGraph().graph).dump());
}

}  // namespace
}  // namespace mybuild::graph
