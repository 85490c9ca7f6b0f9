#include "src/graph/canonical.h"

#include <cstdint>
#include <type_traits>

namespace mybuild::graph {
namespace {

// Appends the primitives of the format documented in canonical.h.
class Encoder {
 public:
  void U8(uint8_t value) { out_.push_back(static_cast<char>(value)); }
  void U64(uint64_t value) {
    for (int i = 0; i < 8; ++i) out_.push_back(static_cast<char>((value >> (8 * i)) & 0xff));
  }
  void Str(std::string_view value) {
    U64(value.size());
    out_.append(value);
  }
  void Bool(bool value) { U8(value ? 1 : 0); }
  template <typename E>
    requires std::is_enum_v<E>
  void Enum(E value) {
    U8(static_cast<uint8_t>(value));
  }
  void Field(std::string_view name) { Str(name); }
  void Tag(std::string_view tag) { Str(tag); }

  // A named field: its name, then its value.
  void Str(std::string_view field, std::string_view value) {
    Field(field);
    Str(value);
  }
  void StrList(std::string_view field, const std::vector<std::string>& values) {
    Field(field);
    StrList(values);
  }
  void Bool(std::string_view field, bool value) {
    Field(field);
    Bool(value);
  }
  void U64(std::string_view field, uint64_t value) {
    Field(field);
    U64(value);
  }
  template <typename E>
    requires std::is_enum_v<E>
  void Enum(std::string_view field, E value) {
    Field(field);
    Enum(value);
  }
  template <typename T>
  void Opt(std::string_view field, const std::optional<T>& value) {
    Field(field);
    Opt(value);
  }

  void StrList(const std::vector<std::string>& values) {
    U64(values.size());
    for (const std::string& value : values) Str(value);
  }
  template <typename T>
  void Opt(const std::optional<T>& value) {
    if (!value) {
      U8(0);
      return;
    }
    U8(1);
    U64(*value);
  }

  std::string Take() && { return std::move(out_); }

 private:
  std::string out_;
};

void Encode(Encoder& e, const Platform& p) {
  e.Tag("platform");
  e.Str("os", p.os);
  e.Str("architecture", p.architecture);
  e.Str("variant", p.variant);
}

void Encode(Encoder& e, const ScratchSource&) { e.Tag("source.scratch"); }

void Encode(Encoder& e, const ImageSource& s) {
  e.Tag("source.image");
  e.Str("reference", s.reference);
  e.Str("manifest_digest", s.manifest_digest);
  e.Field("platform");
  Encode(e, s.platform);
}

void Encode(Encoder& e, const LocalSource& s) {
  e.Tag("source.local");
  e.Str("name", s.name);
  e.StrList("include_patterns", s.include_patterns);
  e.StrList("exclude_patterns", s.exclude_patterns);
}

void Encode(Encoder& e, const Mount& m) {
  e.Tag("mount");
  e.Enum("type", m.type);
  e.Str("target", m.target);
  e.Opt("source", m.source);
  e.Str("source_path", m.source_path);
  e.Bool("readonly", m.readonly);
  e.Str("cache_id", m.cache_id);
  e.Enum("sharing", m.sharing);
  e.Str("secret_id", m.secret_id);
  e.Bool("required", m.required);
  e.Opt("mode", m.mode);
  e.Opt("uid", m.uid);
  e.Opt("gid", m.gid);
  e.U64("size_bytes", m.size_bytes);
  if (m.type == MountType::kFile) {  // only for file mounts, so other definitions keep their digests
    e.Str("contents", m.contents);
  }
  if (!m.env.empty()) {  // only when set, so definitions written before secret env= keep their digests
    e.Str("env", m.env);
  }
}

void Encode(Encoder& e, const ExecOp& op) {
  e.Tag("exec");
  e.StrList("args", op.args);
  e.StrList("env", op.env);
  e.Str("cwd", op.cwd);
  e.Str("user", op.user);
  e.Enum("network", op.network);
  e.Bool("insecure", op.insecure);
  if (!op.extra_hosts.empty()) {  // only when set, so definitions written before --add-host keep their digests
    e.StrList("extra_hosts", op.extra_hosts);
  }
  e.U64("mounts", op.mounts.size());
  for (const Mount& mount : op.mounts) Encode(e, mount);
  e.Field("platform");
  Encode(e, op.platform);
}

void Encode(Encoder& e, const CopyAction& a) {
  e.Tag("file.copy");
  e.Opt("source", a.source);
  e.StrList("paths", a.paths);
  e.Str("url", a.url);
  e.Str("dest", a.dest);
  e.Str("chown", a.chown);
  e.Str("chmod", a.chmod);
  e.Bool("add", a.add);
  e.Bool("link", a.link);
  e.Bool("parents", a.parents);
  e.Bool("follow_symlinks", a.follow_symlinks);
  e.StrList("excludes", a.excludes);
  e.Bool("keep_git_dir", a.keep_git_dir);
  e.Str("checksum", a.checksum);
  e.Bool("unpack", a.unpack);
}

void Encode(Encoder& e, const MkdirAction& a) {
  e.Tag("file.mkdir");
  e.Str("path", a.path);
  e.U64("mode", a.mode);
  e.Bool("make_parents", a.make_parents);
  e.Str("chown", a.chown);
}

void Encode(Encoder& e, const MkfileAction& a) {
  e.Tag("file.mkfile");
  e.Str("path", a.path);
  e.Str("contents", a.contents);
  e.U64("mode", a.mode);
  e.Str("chown", a.chown);
}

void Encode(Encoder& e, const FileOp& op) {
  e.Tag("file");
  e.U64("actions", op.actions.size());
  for (const FileAction& action : op.actions) {
    std::visit([&](const auto& a) { Encode(e, a); }, action);
  }
  e.Field("platform");
  Encode(e, op.platform);
}

void Encode(Encoder& e, const SourceOp& op) {
  std::visit([&](const auto& s) { Encode(e, s); }, op.source);
}

}  // namespace

const char* OpKindName(const Op& op) {
  switch (op.index()) {
    case 0:
      return "source";
    case 1:
      return "exec";
    default:
      return "file";
  }
}

std::string CanonicalOp(const Op& op) {
  Encoder e;
  std::visit([&](const auto& o) { Encode(e, o); }, op);
  return std::move(e).Take();
}

Digest DefinitionDigest(const Op& op, std::span<const Digest> input_digests) {
  Encoder e;
  e.Str(kCanonicalVersion);
  e.Str(CanonicalOp(op));
  e.U64(input_digests.size());
  for (const Digest& input : input_digests) e.Str(input.ToString());
  return Digest::Of(std::move(e).Take());
}

}  // namespace mybuild::graph
