// The build plan: what the planner hands to the graph builder. Plain data, no behaviour, no I/O.
//
// A BuildPlan is the Dockerfile after every decision that needs only the Dockerfile, the build args, the
// target and the platform (and the configs of the base images): which stages are built, in which order,
// what each step does with every word expanded, and what image config each stage ends with.
//
//   BuildPlan
//   ├── stages[]          only the stages the target needs, in dependency order; the target is last
//   │   ├── base          scratch | image reference | an earlier stage (by Dockerfile index)
//   │   ├── steps[]       one per filesystem-changing instruction: Run, Copy (COPY and ADD), Workdir
//   │   └── config        the image config after the stage (ENV, CMD, …, history)
//   └── warnings          e.g. build args that no ARG declared
//
// Stages are named by their Dockerfile index (`Stage::index`, 0-based, counting every FROM) in every
// reference (`base_stage`, `SourceRef::stage`), so that a reference stays valid after pruning.
#ifndef MYBUILD_PLANNER_PLAN_H_
#define MYBUILD_PLANNER_PLAN_H_

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <variant>
#include <vector>

#include "src/base/source_location.h"
#include "src/planner/platform.h"

namespace mybuild::planner {

// ---------------------------------------------------------------------------------------------------
// Image config: the fields of the OCI/Docker image config that a Dockerfile can change, with the
// meaning `docker inspect` users expect.

// HEALTHCHECK. Durations are nanoseconds (as in the Docker config JSON); 0 = not set (inherit default).
struct Healthcheck {
  std::vector<std::string> test;  // ["NONE"], ["CMD", args…] or ["CMD-SHELL", "command"]
  int64_t interval_ns = 0;
  int64_t timeout_ns = 0;
  int64_t start_period_ns = 0;
  int64_t start_interval_ns = 0;
  int retries = 0;
  bool operator==(const Healthcheck&) const = default;
};

// One entry of the image history. `created_by` follows BuildKit: "RUN /bin/sh -c echo hi # buildkit",
// "COPY foo /bar # buildkit", "ENV A=b", "WORKDIR /x", "CMD [\"a\"]" …; steps that change only the
// config have empty_layer = true. The exporter adds the `created` time (SOURCE_DATE_EPOCH or now).
struct HistoryEntry {
  std::string created_by;
  std::string comment;  // "buildkit.dockerfile.v0" for entries made here; kept as found for base images
  bool empty_layer = false;
  bool operator==(const HistoryEntry&) const = default;
};

struct ImageConfig {
  std::string user;
  std::vector<std::string> env;                   // "KEY=value", in order; ENV replaces by name in place
  std::optional<std::vector<std::string>> entrypoint;  // nullopt = not set (JSON null)
  std::optional<std::vector<std::string>> cmd;         // nullopt = not set; CMD [] = set and empty
  std::map<std::string, std::string> labels;
  std::set<std::string> exposed_ports;            // "80/tcp", "53/udp" (sorted, as JSON object keys)
  std::set<std::string> volumes;
  std::string working_dir;                        // absolute, cleaned; "" = not set ("/" from scratch)
  std::string stop_signal;
  std::vector<std::string> shell;                 // empty = not set (the default is ["/bin/sh", "-c"])
  std::optional<Healthcheck> healthcheck;
  std::vector<std::string> on_build;              // raw trigger lines, e.g. "RUN echo hi"
  bool args_escaped = false;                      // set by CMD (as BuildKit does), kept from the base
  std::string author;                             // MAINTAINER
  std::string os, architecture, variant;          // of the image (the stage platform)
  std::vector<HistoryEntry> history;
};

// The default shell for shell-form RUN/CMD/ENTRYPOINT on Linux.
inline const std::vector<std::string>& DefaultShell() {
  static const std::vector<std::string> kShell = {"/bin/sh", "-c"};
  return kShell;
}
inline constexpr const char* kDefaultPathEnv = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
inline constexpr const char* kHistoryComment = "buildkit.dockerfile.v0";

// ---------------------------------------------------------------------------------------------------
// Steps

// Where COPY --from / RUN --mount from= / a stage base reads from.
struct SourceRef {
  enum class Kind {
    kContext,  // the build context (COPY without --from, bind mount without from)
    kStage,    // an earlier stage of this Dockerfile: `stage` is its Dockerfile index
    kImage,    // an image reference as written (expanded); the caller resolves and pulls it
  };
  Kind kind = Kind::kContext;
  int stage = -1;
  std::string image;
  bool operator==(const SourceRef&) const = default;
};

enum class MountType { kBind, kCache, kTmpfs, kSecret, kSsh };
enum class CacheSharing { kShared, kPrivate, kLocked };
enum class NetworkMode { kDefault, kNone, kHost };
enum class SecurityMode { kSandbox, kInsecure };

const char* MountTypeName(MountType type);  // "bind", "cache", …

// One RUN --mount, with the reference builder's defaults applied:
//  - bind: read-only unless rw (then writable, its writes discarded after the step); source relative
//    to `from` (default the context root);
//  - cache: read-write; id defaults to the target; sharing defaults to shared;
//  - tmpfs: read-write; size in bytes (0 = unlimited);
//  - secret: id defaults to the base name of the target, target to /run/secrets/<id>; read-only;
//  - ssh: id defaults to "default", target to /run/buildkit/ssh_agent.<n> (n = index among ssh mounts).
struct RunMount {
  MountType type = MountType::kBind;
  std::string target;                   // absolute, resolved against the RUN's workdir ("" only for a
                                        // secret exposed through `env`)
  std::string source;                   // as written: a path inside `from` (bind, cache; "" = its root)
  SourceRef from;                       // kContext when not given (for a cache: an empty seed)
  bool from_given = false;              // from= was written (a cache is then seeded from it)
  std::string id;
  CacheSharing sharing = CacheSharing::kShared;
  bool readonly = false;
  bool required = false;                // secret, ssh
  std::optional<uint32_t> mode;         // octal; cache, secret, ssh
  std::optional<uint32_t> uid;
  std::optional<uint32_t> gid;
  std::string env;                      // secret: also expose as this environment variable
  int64_t size_bytes = 0;               // tmpfs
  bool operator==(const RunMount&) const = default;
};

// A heredoc that a RUN executes as a script file: written (mode 0755) into a read-only mount at
// `mount_dir` and run as `mount_dir + name` (the reference's "#!" heredoc case).
struct RunScript {
  std::string mount_dir = "/dev/pipes/";
  std::string name;
  std::string content;
  bool operator==(const RunScript&) const = default;
};

// RUN. Heredocs are already folded into `args` as the reference does: a lone "<<EOF" runs its body
// with the shell (or, when the body starts with "#!", runs it as `script`); heredocs inside a longer
// command line are appended to it ("cmd <<A\nbody\nA") for the shell to interpret.
struct RunStep {
  std::vector<std::string> args;       // the argv: shell form already wrapped in the stage SHELL
  bool shell_form = true;              // written as shell form (or heredoc) rather than JSON
  std::optional<RunScript> script;     // set when a heredoc with "#!" is run as a file
  std::vector<std::string> env;        // full environment "K=V": config env, then declared ARGs
  // HTTP_PROXY, https_proxy, NO_PROXY … given as --build-arg but not declared: the reference passes
  // them to every RUN without an ARG and keeps them out of the history (and of cache keys).
  std::vector<std::string> proxy_env;
  std::string user;                    // "" = root
  std::string workdir = "/";           // absolute
  NetworkMode network = NetworkMode::kDefault;
  SecurityMode security = SecurityMode::kSandbox;
  std::vector<RunMount> mounts;
  bool operator==(const RunStep&) const = default;
};

// An inline source of COPY/ADD (COPY <<EOF /dest): a file named `name` holding `content` (mode 0644).
struct InlineSource {
  std::string name;
  std::string content;  // already expanded unless the delimiter was quoted
  bool operator==(const InlineSource&) const = default;
};

// COPY and ADD. Paths are expanded; `dest` is absolute (relative destinations resolved against the
// workdir) and ends in '/' when the destination names a directory ("dir/", ".", "").
struct CopyStep {
  bool is_add = false;
  SourceRef from;                              // context, stage or image
  std::vector<std::string> sources;            // as written (expanded); URLs and git refs for ADD
  std::vector<InlineSource> inline_sources;    // heredoc sources
  std::string dest;
  std::string chown;                           // as written (expanded); resolved by the executor
  std::optional<uint32_t> chmod;               // --chmod in octal
  std::string chmod_symbolic;                  // --chmod=u+x,g-w … (validated)
  bool link = false;
  bool parents = false;                        // COPY --parents
  std::vector<std::string> excludes;           // --exclude patterns
  std::string checksum;                        // ADD --checksum
  std::optional<bool> keep_git_dir;            // ADD --keep-git-dir (unset = default)
  std::optional<bool> unpack;                  // ADD --unpack (unset = auto for local archives)
  std::string workdir;                         // the workdir when the step ran
  bool operator==(const CopyStep&) const = default;
};

// WORKDIR: creates `path` (mode 0755, parents, owned by `user`) unless it is "/".
struct WorkdirStep {
  std::string path;
  std::string user;
  bool operator==(const WorkdirStep&) const = default;
};

struct Step {
  std::variant<RunStep, CopyStep, WorkdirStep> op;
  SourceLocation location;
  std::string instruction;       // the instruction as written (for progress), e.g. "RUN echo hi"
  bool from_onbuild = false;     // came from an ONBUILD trigger of the base
  int history_index = -1;        // index into the stage config's history of this step's entry
};

// ---------------------------------------------------------------------------------------------------
// Stages and the plan

struct Stage {
  int index = 0;                 // position among the FROMs of the Dockerfile (0-based)
  std::string name;              // lower case; "" when the stage has no AS name
  SourceLocation location;       // of the FROM

  enum class BaseKind { kScratch, kImage, kStage };
  BaseKind base_kind = BaseKind::kScratch;
  std::string base_image;        // kImage: the reference as written, expanded with the global ARGs
  int base_stage = -1;           // kStage: the Dockerfile index of the base stage
  Platform platform;             // FROM --platform, else the target platform

  std::vector<int> depends_on;   // Dockerfile indices of stages this one reads (base, --from, mounts)
  std::vector<std::string> images_used;  // image references read by COPY --from / --mount from=
  std::vector<Step> steps;
  ImageConfig config;            // the image config when the stage ends (includes base history)
  int base_history_length = 0;   // history entries inherited from the base (image or stage)
};

struct BuildPlan {
  std::vector<Stage> stages;     // dependency order; every stage appears after those it depends on
  int target_index = 0;          // Dockerfile index of the target stage (= stages.back().index)
  Platform build_platform;
  Platform target_platform;
  std::vector<std::string> warnings;

  const Stage* FindStage(int index) const {
    for (const Stage& s : stages) {
      if (s.index == index) return &s;
    }
    return nullptr;
  }
  const Stage& target() const { return stages.back(); }
};

}  // namespace mybuild::planner

#endif  // MYBUILD_PLANNER_PLAN_H_
