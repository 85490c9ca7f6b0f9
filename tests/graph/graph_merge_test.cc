#include "src/graph/graph_merge.h"

#include <doctest/doctest.h>

namespace mybuild::graph {
namespace {

Platform Amd64() { return Platform{"linux", "amd64", ""}; }

ExecOp Run(std::string command) {
  ExecOp exec;
  exec.args = {"/bin/sh", "-c", std::move(command)};
  exec.cwd = "/";
  exec.platform = Amd64();
  return exec;
}

SourceOp Image(std::string reference) {
  return SourceOp{ImageSource{std::move(reference), "sha256:" + std::string(64, '1'), Amd64()}};
}

// FROM IMAGE; RUN a; RUN LAST
BuildGraph Chain(const std::string& image, const std::string& last) {
  GraphBuilder builder;
  VertexIndex base = *builder.Add(Image(image), {}, "FROM " + image);
  VertexIndex a = *builder.Add(Run("a"), {base}, "RUN a");
  REQUIRE(builder.Add(Run(last), {a}, "RUN " + last).ok());
  return std::move(builder).Build();
}

TEST_CASE("graph merge: equal steps of two graphs keep equal digests and names get the prefix") {
  GraphBuilder combined;
  StatusOr<std::vector<VertexIndex>> first = AppendGraph(combined, Chain("busybox", "b"), {"one: ", {}, {}});
  StatusOr<std::vector<VertexIndex>> second = AppendGraph(combined, Chain("busybox", "c"), {"two: ", {}, {}});
  REQUIRE(first.ok());
  REQUIRE(second.ok());
  BuildGraph graph = std::move(combined).Build();
  CHECK(graph.size() == 6);
  CHECK(graph.vertex((*first)[1]).digest == graph.vertex((*second)[1]).digest);  // RUN a: shared
  CHECK(graph.vertex((*first)[2]).digest != graph.vertex((*second)[2]).digest);
  CHECK(graph.vertex((*second)[2]).name == "two: RUN c");
  CHECK(graph.vertex((*second)[1]).inputs == std::vector<VertexIndex>{(*second)[0]});
}

TEST_CASE("graph merge: a substituted vertex becomes an edge to the given vertex and ops can be rewritten") {
  GraphBuilder combined;
  StatusOr<std::vector<VertexIndex>> base = AppendGraph(combined, Chain("busybox", "base"), {});
  REQUIRE(base.ok());
  const VertexIndex base_target = (*base)[2];
  AppendOptions options;
  options.substitute = [&](const Vertex& vertex) -> std::optional<VertexIndex> {
    const auto* source = std::get_if<SourceOp>(&vertex.op);
    if (source != nullptr && std::get<ImageSource>(source->source).reference == "placeholder") return base_target;
    return std::nullopt;
  };
  options.rewrite = [](Op& op) {
    if (auto* exec = std::get_if<ExecOp>(&op)) exec->cwd = "/work";
  };
  StatusOr<std::vector<VertexIndex>> app = AppendGraph(combined, Chain("placeholder", "app"), options);
  REQUIRE(app.ok());
  BuildGraph graph = std::move(combined).Build();
  CHECK(graph.size() == 5);  // the placeholder image is not copied
  CHECK((*app)[0] == base_target);
  CHECK(graph.vertex((*app)[1]).inputs == std::vector<VertexIndex>{base_target});
  CHECK(std::get<ExecOp>(graph.vertex((*app)[1]).op).cwd == "/work");
  CHECK(graph.Closure(std::vector<VertexIndex>{(*app)[2]}).size() == 5);
}

}  // namespace
}  // namespace mybuild::graph
