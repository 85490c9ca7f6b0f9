// The operations a build step can perform, as plain data. A step (graph::Vertex, build_graph.h) holds one
// Op and a list of input vertices; an op names its inputs by *input slot*, the position in that list, so
// that its definition does not depend on where the parents sit in a particular graph.
//
// Every field here changes the step's result and is part of its definition digest (canonical.h), unless
// its comment says "NOT hashed". Names for progress, source locations, tags and resource limits live on
// the Vertex, outside the op, and are never hashed.
//
// Image configuration (ENV, LABEL, CMD, ENTRYPOINT, EXPOSE, USER, WORKDIR's config part, HEALTHCHECK …)
// is deliberately NOT in the graph: it makes no layer and needs no scheduling, so the planner keeps it
// beside the graph (one config per stage) and the exporter combines it with the target's result. What
// such instructions change about later steps (ENV, USER, WORKDIR, SHELL) reaches those steps through
// their ExecOp/FileOp fields, which is where it changes results.
#ifndef MYBUILD_GRAPH_OPS_H_
#define MYBUILD_GRAPH_OPS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace mybuild::graph {

// Position in a Vertex's `inputs` list.
using InputSlot = uint32_t;

// An OCI platform, e.g. {"linux", "amd64", ""} or {"linux", "arm", "v7"}.
struct Platform {
  std::string os = "linux";
  std::string architecture;
  std::string variant;
  bool operator==(const Platform&) const = default;
};

// ---- SourceOp: a step with no inputs that brings a filesystem in. ----

// The empty filesystem (`FROM scratch`).
struct ScratchSource {
  bool operator==(const ScratchSource&) const = default;
};

// A base image. `manifest_digest` ("sha256:…") is the manifest the reference resolved to for
// `platform`; the planner (or a resolver before it) fills it so that the definition pins the exact
// bytes. Empty means "not resolved yet": the runner must resolve it, and its cache key must add it.
struct ImageSource {
  std::string reference;  // normalised, e.g. "docker.io/library/alpine:3.19"
  std::string manifest_digest;
  Platform platform;
  bool operator==(const ImageSource&) const = default;
};

// Files from the client: the build context (name "context") or a named context
// (`--build-context NAME=PATH`). Patterns use .dockerignore syntax; `exclude_patterns` are applied
// after `include_patterns` (empty include = everything). The content itself is not part of the
// definition: the runner's cache key adds the content digest of what is selected.
struct LocalSource {
  std::string name = "context";
  std::vector<std::string> include_patterns;
  std::vector<std::string> exclude_patterns;
  bool operator==(const LocalSource&) const = default;
};

struct SourceOp {
  std::variant<ScratchSource, ImageSource, LocalSource> source;
  bool operator==(const SourceOp&) const = default;
};

// ---- ExecOp: run a process (RUN). Input slot 0 is the root filesystem. ----

enum class NetworkMode { kDefault, kNone, kHost };
enum class MountType { kBind, kCache, kTmpfs, kSecret, kSsh, kFile };
enum class CacheSharing { kShared, kPrivate, kLocked };

// `RUN --mount=…`. Fields that do not apply to a type stay at their defaults.
struct Mount {
  MountType type = MountType::kBind;
  std::string target;                  // path inside the container
  std::optional<InputSlot> source;     // bind/cache: the input whose filesystem is mounted
  std::string source_path = "/";       // bind: path inside the source
  bool readonly = false;
  std::string cache_id;                // cache: the cache's id (defaults to target, set by the planner)
  CacheSharing sharing = CacheSharing::kShared;
  std::string secret_id;               // secret/ssh: id of the secret or agent socket
  bool required = false;               // secret/ssh: fail when the secret is absent
  std::optional<uint32_t> mode;        // cache/secret/ssh: file mode
  std::optional<uint32_t> uid;
  std::optional<uint32_t> gid;
  uint64_t size_bytes = 0;             // tmpfs: size limit, 0 = default
  std::string contents;                // file: a read-only file with these bytes (a RUN heredoc script)
  std::string env;                     // secret: also (or, without a target, only) expose it as this
                                       // environment variable of the RUN
  bool operator==(const Mount&) const = default;
};

struct ExecOp {
  std::vector<std::string> args;  // argv; for shell form already wrapped in the SHELL, e.g. {"/bin/sh", "-c", "make"}
  std::vector<std::string> env;   // "KEY=VALUE", in the order the process receives them
  std::string cwd = "/";
  std::string user;               // as written ("app", "1000:1000"); empty = root
  NetworkMode network = NetworkMode::kDefault;
  bool shell_form = false;        // NOT hashed: the command came from shell form. `args` already say what
                                  // runs, so this is only for reporting (history, error messages)
  bool insecure = false;          // `--security=insecure`
  std::vector<std::string> extra_hosts;  // `build --add-host`: "IP\tNAME" lines added to RUN's /etc/hosts
  std::vector<Mount> mounts;      // in the order given; the runner sorts by target when mounting
  Platform platform;
  bool operator==(const ExecOp&) const = default;
};

// ---- FileOp: COPY / ADD / WORKDIR's mkdir / heredoc files. Input slot 0 is the filesystem changed. ----

// Copy (COPY/ADD) from an input's filesystem, or for ADD from a URL.
struct CopyAction {
  std::optional<InputSlot> source;   // absent only when `url` is set
  std::vector<std::string> paths;    // source paths (may hold wildcards), relative to the source root
  std::string url;                   // ADD <url>: http(s) or git; then `paths` is empty
  std::string dest;                  // absolute destination; a trailing "/" means "into this directory"
  std::string chown;                 // "--chown" as written ("user:group", "1000"); empty = 0:0
  std::string chmod;                 // "--chmod" as written (octal or symbolic); empty = keep
  bool add = false;                  // ADD semantics: unpack local archives
  bool link = false;                 // --link
  bool parents = false;              // --parents
  bool follow_symlinks = true;       // follow a symlink named as a source path
  std::vector<std::string> excludes; // --exclude patterns
  bool keep_git_dir = false;         // ADD --keep-git-dir
  std::string checksum;              // ADD --checksum ("sha256:…")
  bool unpack = true;                // ADD --unpack (only when add)
  bool operator==(const CopyAction&) const = default;
};

// Create a directory (WORKDIR, or parents of a destination).
struct MkdirAction {
  std::string path;
  uint32_t mode = 0755;
  bool make_parents = true;
  std::string chown;
  bool operator==(const MkdirAction&) const = default;
};

// Create a file with fixed contents (a heredoc in COPY/RUN).
struct MkfileAction {
  std::string path;
  std::string contents;
  uint32_t mode = 0644;
  std::string chown;
  bool operator==(const MkfileAction&) const = default;
};

using FileAction = std::variant<CopyAction, MkdirAction, MkfileAction>;

// Actions apply in order onto input slot 0.
struct FileOp {
  std::vector<FileAction> actions;
  Platform platform;
  bool operator==(const FileOp&) const = default;
};

using Op = std::variant<SourceOp, ExecOp, FileOp>;

// "source", "exec" or "file".
const char* OpKindName(const Op& op);

}  // namespace mybuild::graph

#endif  // MYBUILD_GRAPH_OPS_H_
