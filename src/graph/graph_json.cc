#include "src/graph/graph_json.h"

namespace mybuild::graph {
namespace {

using nlohmann::json;

json ToJson(const Platform& p) { return {{"os", p.os}, {"architecture", p.architecture}, {"variant", p.variant}}; }

template <typename T>
json OptionalToJson(const std::optional<T>& value) {
  if (!value) return nullptr;
  return *value;
}

const char* NetworkName(NetworkMode mode) {
  switch (mode) {
    case NetworkMode::kDefault:
      return "default";
    case NetworkMode::kNone:
      return "none";
    case NetworkMode::kHost:
      return "host";
  }
  return "unknown";
}

const char* MountTypeName(MountType type) {
  switch (type) {
    case MountType::kBind:
      return "bind";
    case MountType::kCache:
      return "cache";
    case MountType::kTmpfs:
      return "tmpfs";
    case MountType::kSecret:
      return "secret";
    case MountType::kSsh:
      return "ssh";
    case MountType::kFile:
      return "file";
  }
  return "unknown";
}

const char* SharingName(CacheSharing sharing) {
  switch (sharing) {
    case CacheSharing::kShared:
      return "shared";
    case CacheSharing::kPrivate:
      return "private";
    case CacheSharing::kLocked:
      return "locked";
  }
  return "unknown";
}

json ToJson(const ScratchSource&) { return {{"kind", "source.scratch"}}; }

json ToJson(const ImageSource& s) {
  return {{"kind", "source.image"},
          {"reference", s.reference},
          {"manifest_digest", s.manifest_digest},
          {"platform", ToJson(s.platform)}};
}

json ToJson(const LocalSource& s) {
  return {{"kind", "source.local"},
          {"name", s.name},
          {"include_patterns", s.include_patterns},
          {"exclude_patterns", s.exclude_patterns}};
}

json ToJson(const SourceOp& op) {
  return std::visit([](const auto& s) { return ToJson(s); }, op.source);
}

json ToJson(const Mount& m) {
  json out = {{"type", MountTypeName(m.type)},      {"target", m.target},
              {"source", OptionalToJson(m.source)}, {"source_path", m.source_path},
              {"readonly", m.readonly},             {"cache_id", m.cache_id},
              {"sharing", SharingName(m.sharing)},  {"secret_id", m.secret_id},
              {"required", m.required},             {"mode", OptionalToJson(m.mode)},
              {"uid", OptionalToJson(m.uid)},       {"gid", OptionalToJson(m.gid)},
              {"size_bytes", m.size_bytes}};
  if (!m.env.empty()) out["env"] = m.env;  // only when set, like its canonical form
  return out;
}

json ToJson(const ExecOp& op) {
  json mounts = json::array();
  for (const Mount& mount : op.mounts) mounts.push_back(ToJson(mount));
  json out = {{"kind", "exec"},
              {"args", op.args},
              {"env", op.env},
              {"cwd", op.cwd},
              {"user", op.user},
              {"network", NetworkName(op.network)},
              {"shell_form", op.shell_form},
              {"insecure", op.insecure},
              {"mounts", mounts},
              {"platform", ToJson(op.platform)}};
  if (!op.extra_hosts.empty()) out["extra_hosts"] = op.extra_hosts;
  return out;
}

json ToJson(const CopyAction& a) {
  return {{"action", "copy"},          {"source", OptionalToJson(a.source)},
          {"paths", a.paths},          {"url", a.url},
          {"dest", a.dest},            {"chown", a.chown},
          {"chmod", a.chmod},          {"add", a.add},
          {"link", a.link},            {"parents", a.parents},
          {"follow_symlinks", a.follow_symlinks}, {"excludes", a.excludes},
          {"keep_git_dir", a.keep_git_dir}, {"checksum", a.checksum},
          {"unpack", a.unpack}};
}

json ToJson(const MkdirAction& a) {
  return {{"action", "mkdir"}, {"path", a.path}, {"mode", a.mode}, {"make_parents", a.make_parents},
          {"chown", a.chown}};
}

json ToJson(const MkfileAction& a) {
  return {{"action", "mkfile"}, {"path", a.path}, {"contents", a.contents}, {"mode", a.mode}, {"chown", a.chown}};
}

json ToJson(const FileOp& op) {
  json actions = json::array();
  for (const FileAction& action : op.actions) {
    actions.push_back(std::visit([](const auto& a) { return ToJson(a); }, action));
  }
  return {{"kind", "file"}, {"actions", actions}, {"platform", ToJson(op.platform)}};
}

}  // namespace

json OpToJson(const Op& op) {
  return std::visit([](const auto& o) { return ToJson(o); }, op);
}

json GraphToJson(const BuildGraph& graph) {
  json vertices = json::array();
  for (size_t i = 0; i < graph.size(); ++i) {
    const Vertex& v = graph.vertex(static_cast<VertexIndex>(i));
    vertices.push_back({{"index", i},
                        {"name", v.name},
                        {"location", v.location.ToString()},
                        {"digest", v.digest.ToString()},
                        {"inputs", v.inputs},
                        {"ignore_cache", v.ignore_cache},
                        {"op", OpToJson(v.op)}});
  }
  return {{"vertices", vertices}};
}

}  // namespace mybuild::graph
