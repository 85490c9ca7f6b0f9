// A readable JSON form of a graph, for `--debug` output and golden tests of the planner. Not parsed
// back and not hashed (the definition digest uses canonical.h). Deterministic: object keys sorted,
// vertices in index order. Shape:
//   {"vertices": [{"index": 0, "name": "[1/3] FROM alpine", "location": "Dockerfile:1:1",
//                  "digest": "sha256:…", "inputs": [], "ignore_cache": false,
//                  "op": {"kind": "source.image", "reference": …, …}}, …]}
// Op fields carry the names of ops.h; enums are lower-case words ("none", "cache", "locked" …).
// Args, names and file contents may hold bytes that are not UTF-8: dump with
// nlohmann::json::error_handler_t::replace (a strict dump() throws on them).
#ifndef MYBUILD_GRAPH_GRAPH_JSON_H_
#define MYBUILD_GRAPH_GRAPH_JSON_H_

#include <nlohmann/json.hpp>

#include "src/graph/build_graph.h"

namespace mybuild::graph {

nlohmann::json OpToJson(const Op& op);
nlohmann::json GraphToJson(const BuildGraph& graph);

}  // namespace mybuild::graph

#endif  // MYBUILD_GRAPH_GRAPH_JSON_H_
