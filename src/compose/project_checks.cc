#include "src/compose/project_checks.h"

#include <algorithm>
#include <map>
#include <set>

namespace mybuild::compose {
namespace {

struct Edge {
  std::string to;
  std::string what;  // "depends on", "uses the image of (service: context)"
  SourceLocation location;
};

std::map<std::string, std::vector<Edge>> EdgesOf(const Project& project) {
  std::map<std::string, std::vector<Edge>> edges;
  for (const auto& [name, service] : project.services) {
    std::vector<Edge>& out = edges[name];
    for (const auto& [dependency, spec] : service.depends_on) out.push_back(Edge{dependency, "depends on", spec.location});
    if (service.build) {
      for (const auto& [context, value] : service.build->additional_contexts) {
        if (value.rfind("service:", 0) == 0) {
          out.push_back(Edge{value.substr(8), "takes the build context \"" + context + "\" from", service.build->location});
        }
      }
    }
  }
  return edges;
}

// Depth-first search; `path` is the current chain.
Status FindCycle(const std::string& node, const std::map<std::string, std::vector<Edge>>& edges,
                 std::map<std::string, int>& state, std::vector<std::string>& path) {
  state[node] = 1;
  path.push_back(node);
  auto found = edges.find(node);
  if (found != edges.end()) {
    for (const Edge& edge : found->second) {
      if (!edges.count(edge.to)) continue;
      if (state[edge.to] == 1) {
        std::string cycle;
        const auto start = std::find(path.begin(), path.end(), edge.to);
        for (auto it = start; it != path.end(); ++it) cycle += *it + " -> ";
        return InvalidArgument("dependency cycle detected: " + cycle + edge.to, edge.location);
      }
      if (state[edge.to] == 0) MB_RETURN_IF_ERROR(FindCycle(edge.to, edges, state, path));
    }
  }
  path.pop_back();
  state[node] = 2;
  return Status::Ok();
}

}  // namespace

void ApplyProfiles(Project& project, const std::vector<std::string>& enabled) {
  const bool all = std::find(enabled.begin(), enabled.end(), "*") != enabled.end();
  Value* services = project.model.Find("services");
  if (services == nullptr) return;
  std::vector<Entry> kept;
  for (Entry& entry : services->entries) {
    const Value* profiles = entry.value.Find("profiles");
    bool on = profiles == nullptr || profiles->items.empty() || all;
    if (!on) {
      for (const Value& profile : profiles->items) {
        if (std::find(enabled.begin(), enabled.end(), profile.scalar) != enabled.end()) on = true;
      }
    }
    if (on) {
      kept.push_back(std::move(entry));
    } else {
      project.disabled_services.push_back(entry.key);
    }
  }
  services->entries = std::move(kept);
}

Status CheckServices(const Project& project) {
  for (const auto& [name, service] : project.services) {
    if (service.image.empty() && !service.build) {
      return InvalidArgument("service \"" + name + "\" has neither an image nor a build context specified: expected image: or build:",
                             service.location);
    }
  }
  const std::map<std::string, std::vector<Edge>> edges = EdgesOf(project);
  for (const auto& [name, list] : edges) {
    for (const Edge& edge : list) {
      if (project.services.count(edge.to)) continue;
      const bool disabled = std::find(project.disabled_services.begin(), project.disabled_services.end(), edge.to) !=
                            project.disabled_services.end();
      if (edge.what == "depends on") {
        const Dependency& dependency = project.services.at(name).depends_on.at(edge.to);
        if (disabled && !dependency.required) continue;
      }
      return InvalidArgument("service \"" + name + "\" " + edge.what + " " +
                                 (disabled ? "service \"" + edge.to + "\", which is disabled by its profiles (enable one with --profile)"
                                           : "undefined service \"" + edge.to + "\""),
                             edge.location);
    }
  }
  std::map<std::string, int> state;
  for (const auto& [name, list] : edges) {
    if (state[name] != 0) continue;
    std::vector<std::string> path;
    MB_RETURN_IF_ERROR(FindCycle(name, edges, state, path));
  }
  return Status::Ok();
}

}  // namespace mybuild::compose
