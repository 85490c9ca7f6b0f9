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
  e.Field("os");
  e.Str(p.os);
  e.Field("architecture");
  e.Str(p.architecture);
  e.Field("variant");
  e.Str(p.variant);
}

void Encode(Encoder& e, const ScratchSource&) { e.Tag("source.scratch"); }

void Encode(Encoder& e, const ImageSource& s) {
  e.Tag("source.image");
  e.Field("reference");
  e.Str(s.reference);
  e.Field("manifest_digest");
  e.Str(s.manifest_digest);
  e.Field("platform");
  Encode(e, s.platform);
}

void Encode(Encoder& e, const LocalSource& s) {
  e.Tag("source.local");
  e.Field("name");
  e.Str(s.name);
  e.Field("include_patterns");
  e.StrList(s.include_patterns);
  e.Field("exclude_patterns");
  e.StrList(s.exclude_patterns);
}

void Encode(Encoder& e, const Mount& m) {
  e.Tag("mount");
  e.Field("type");
  e.Enum(m.type);
  e.Field("target");
  e.Str(m.target);
  e.Field("source");
  e.Opt(m.source);
  e.Field("source_path");
  e.Str(m.source_path);
  e.Field("readonly");
  e.Bool(m.readonly);
  e.Field("cache_id");
  e.Str(m.cache_id);
  e.Field("sharing");
  e.Enum(m.sharing);
  e.Field("secret_id");
  e.Str(m.secret_id);
  e.Field("required");
  e.Bool(m.required);
  e.Field("mode");
  e.Opt(m.mode);
  e.Field("uid");
  e.Opt(m.uid);
  e.Field("gid");
  e.Opt(m.gid);
  e.Field("size_bytes");
  e.U64(m.size_bytes);
  if (m.type == MountType::kFile) {  // only for file mounts, so other definitions keep their digests
    e.Field("contents");
    e.Str(m.contents);
  }
}

void Encode(Encoder& e, const ExecOp& op) {
  e.Tag("exec");
  e.Field("args");
  e.StrList(op.args);
  e.Field("env");
  e.StrList(op.env);
  e.Field("cwd");
  e.Str(op.cwd);
  e.Field("user");
  e.Str(op.user);
  e.Field("network");
  e.Enum(op.network);
  e.Field("insecure");
  e.Bool(op.insecure);
  e.Field("mounts");
  e.U64(op.mounts.size());
  for (const Mount& mount : op.mounts) Encode(e, mount);
  e.Field("platform");
  Encode(e, op.platform);
}

void Encode(Encoder& e, const CopyAction& a) {
  e.Tag("file.copy");
  e.Field("source");
  e.Opt(a.source);
  e.Field("paths");
  e.StrList(a.paths);
  e.Field("url");
  e.Str(a.url);
  e.Field("dest");
  e.Str(a.dest);
  e.Field("chown");
  e.Str(a.chown);
  e.Field("chmod");
  e.Str(a.chmod);
  e.Field("add");
  e.Bool(a.add);
  e.Field("link");
  e.Bool(a.link);
  e.Field("parents");
  e.Bool(a.parents);
  e.Field("follow_symlinks");
  e.Bool(a.follow_symlinks);
  e.Field("excludes");
  e.StrList(a.excludes);
  e.Field("keep_git_dir");
  e.Bool(a.keep_git_dir);
  e.Field("checksum");
  e.Str(a.checksum);
  e.Field("unpack");
  e.Bool(a.unpack);
}

void Encode(Encoder& e, const MkdirAction& a) {
  e.Tag("file.mkdir");
  e.Field("path");
  e.Str(a.path);
  e.Field("mode");
  e.U64(a.mode);
  e.Field("make_parents");
  e.Bool(a.make_parents);
  e.Field("chown");
  e.Str(a.chown);
}

void Encode(Encoder& e, const MkfileAction& a) {
  e.Tag("file.mkfile");
  e.Field("path");
  e.Str(a.path);
  e.Field("contents");
  e.Str(a.contents);
  e.Field("mode");
  e.U64(a.mode);
  e.Field("chown");
  e.Str(a.chown);
}

void Encode(Encoder& e, const FileOp& op) {
  e.Tag("file");
  e.Field("actions");
  e.U64(op.actions.size());
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
