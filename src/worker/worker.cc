#include "src/worker/worker.h"

#include <fcntl.h>
#include <sys/stat.h>

#include <algorithm>
#include <ctime>
#include <deque>
#include <mutex>
#include <system_error>

#include "snapshotter/passwd.h"
#include "snapshotter/root_mkdir.h"
#include "src/base/files.h"
#include "src/base/logging.h"
#include "src/base/slash_path.h"
#include "src/base/temp_dir.h"
#include "src/fileops/copier.h"
#include "src/fileops/git_source.h"
#include "src/fileops/streamed_copy.h"
#include "src/image/image_store.h"
#include "src/image/snapshot_layer.h"
#include "src/worker/cache_mounts.h"
#include "src/worker/bind_view.h"
#include "src/worker/image_unpack.h"
#include "src/worker/mounted_snapshot.h"
#include "src/worker/run_secrets.h"
#include "src/worker/ssh_forwarder.h"
#include "src/worker/step_result.h"

namespace mybuild::worker {
namespace {

// How many lines of a failed RUN's output the error repeats.
constexpr size_t kFailureTailLines = 10;

// A directory's path as layer entries name it: cleaned, without the leading "/" ("" for the root).
std::string RelativeDirectory(std::string_view path) {
  std::string clean = CleanSlashPath("/" + std::string(path));
  return clean == "/" ? std::string() : clean.substr(1);
}

const graph::SourceOp* SourceOf(const graph::Vertex& vertex) {
  return std::get_if<graph::SourceOp>(&vertex.op);
}

// A path as a literal source pattern (COPY sources are Go filepath.Match patterns).
std::string EscapePattern(const std::string& path) {
  std::string out;
  for (char c : path) {
    if (c == '*' || c == '?' || c == '[' || c == '\\') out += '\\';
    out += c;
  }
  return out;
}

bool IsLocalSource(const graph::Vertex& vertex) {
  const graph::SourceOp* source = SourceOf(vertex);
  return source != nullptr && std::holds_alternative<graph::LocalSource>(source->source);
}

std::string Basename(const std::string& path) {
  size_t slash = path.find_last_of('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

// The fileops form of one COPY/ADD action.
StatusOr<fileops::CopySpec> ToCopySpec(const graph::CopyAction& action, bool from_context,
                                       const SourceLocation& location) {
  fileops::CopySpec spec;
  if (!action.url.empty()) {
    spec.sources.push_back(fileops::CopySource::Url(action.url));
  }
  for (const std::string& path : action.paths) spec.sources.push_back(fileops::CopySource::FromWritten(path));
  spec.dest = action.dest;
  spec.workdir = "/";
  spec.root_kind = from_context ? fileops::SourceRootKind::kContext : fileops::SourceRootKind::kStage;
  spec.chown = action.chown;
  spec.chmod = action.chmod;
  spec.link = action.link;
  spec.parents = action.parents;
  spec.excludes = action.excludes;
  spec.is_add = action.add;
  if (fileops::IsGitUrl(action.url)) {
    spec.git_checksum = action.checksum;  // a commit id, not a content digest
    spec.keep_git_dir = action.keep_git_dir;
  } else if (!action.checksum.empty()) {
    MB_ASSIGN_OR_RETURN(Digest checksum, Digest::Parse(action.checksum));
    spec.checksum = checksum;
  }
  if (action.add && !action.unpack) spec.unpack = false;
  spec.location = location;
  return spec;
}

fileops::CopySpec MkfileSpec(const graph::MkfileAction& action, const SourceLocation& location) {
  fileops::CopySpec spec;
  spec.sources.push_back(fileops::CopySource::Heredoc(Basename(action.path), action.contents));
  spec.dest = action.path;
  spec.chown = action.chown;
  if (action.mode != 0644) {
    char mode[16];
    std::snprintf(mode, sizeof mode, "%04o", action.mode);
    spec.chmod = mode;
  }
  spec.location = location;
  return spec;
}

// Keeps the last lines of a step's output for its error message, as plain text: the error is printed
// on the user's terminal, where the step's escape sequences must not move the cursor or clear the screen.
// A carriage return starts the line over (progress bars); other control characters become spaces.
class OutputTail {
 public:
  void Add(std::string_view line) {
    while (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (size_t cr = line.rfind('\r'); cr != std::string_view::npos) line.remove_prefix(cr + 1);
    std::string text(line);
    for (char& c : text) {
      const auto byte = static_cast<unsigned char>(c);
      if ((byte < 0x20 && c != '\t') || byte == 0x7f) c = ' ';
    }
    std::lock_guard<std::mutex> lock(mutex_);
    lines_.push_back(std::move(text));
    if (lines_.size() > kFailureTailLines) lines_.pop_front();
  }
  std::string Text() {
    std::lock_guard<std::mutex> lock(mutex_);
    std::string out;
    for (const std::string& line : lines_) out += "\n  " + line;
    return out;
  }

 private:
  std::mutex mutex_;
  std::deque<std::string> lines_;
};

std::string DescribeCommand(const graph::ExecOp& op) {
  // Shell form shows the command as written: the last argument of SHELL + command.
  if (op.shell_form && !op.args.empty()) return op.args.back();
  std::string out;
  for (const std::string& arg : op.args) out += (out.empty() ? "" : " ") + arg;
  return out;
}

// When a layer made now was created: SOURCE_DATE_EPOCH when the build has one.
}  // namespace

Digest ChainId(const Digest& parent_chain, const Digest& diff_id) {
  if (parent_chain.empty()) return diff_id;
  return Digest::Of(parent_chain.ToString() + " " + diff_id.ToString());
}

Worker::Worker(WorkerDeps deps, WorkerOptions options, snapshotter::RootFs context,
               fileops::DockerIgnoreFilter dockerignore)
    : deps_(deps), options_(std::move(options)), context_(std::move(context)), dockerignore_(std::move(dockerignore)) {}

Worker::~Worker() = default;

StatusOr<std::unique_ptr<Worker>> Worker::Create(WorkerDeps deps, WorkerOptions options,
                                                 const std::string& dockerignore_text) {
  if (!deps.blobs || !deps.snapshotter || !deps.executor || !deps.fetcher) {
    return Internal("worker created without its dependencies");
  }
  MB_ASSIGN_OR_RETURN(snapshotter::RootFs context,
                      snapshotter::RootFs::Open(options.context_dir, false, "the build context"));
  MB_ASSIGN_OR_RETURN(fileops::DockerIgnoreFilter ignore, fileops::DockerIgnoreFilter::FromDockerignore(dockerignore_text));
  std::error_code error;
  std::filesystem::create_directories(options.scratch_dir, error);
  if (error) return Status(StatusCode::kIo, "mkdir " + options.scratch_dir.string() + ": " + error.message());
  std::filesystem::permissions(options.scratch_dir, std::filesystem::perms::owner_all, error);
  return std::unique_ptr<Worker>(new Worker(deps, std::move(options), std::move(context), std::move(ignore)));
}

StatusOr<fileops::ResolvedGitRef> Worker::ResolveGit(const graph::CopyAction& copy) {
  {
    std::lock_guard<std::mutex> lock(git_mutex_);
    if (auto it = git_resolved_.find(copy.url); it != git_resolved_.end()) return it->second;
  }
  if (deps_.git == nullptr) return Unavailable("ADD " + copy.url + ": no git client configured");
  MB_ASSIGN_OR_RETURN(fileops::GitSource source, fileops::ParseGitSource(copy.url));
  MB_ASSIGN_OR_RETURN(fileops::ResolvedGitRef resolved, fileops::ResolveGitSource(*deps_.git, source, copy.checksum));
  spdlog::debug("git {} resolved to {}", copy.url, resolved.commit);
  std::lock_guard<std::mutex> lock(git_mutex_);
  // The first resolution wins: a step and its cache key always agree on the commit.
  return git_resolved_.emplace(copy.url, resolved).first->second;
}

StatusOr<std::vector<std::string>> Worker::HiddenContextEntries(const std::string& source_path, int source_fd) const {
  std::string prefix;
  for (const std::string& component : snapshotter::RootFs::CleanComponents(source_path)) {
    prefix += (prefix.empty() ? "" : "/") + component;
  }
  if (!prefix.empty() && dockerignore_.Excluded(prefix) && !dockerignore_.MayReincludeBelow(prefix)) {
    return NotFound("bind mount source \"" + source_path + "\" is excluded by .dockerignore");
  }
  struct stat st {};
  if (::fstat(source_fd, &st) != 0) return ErrnoError("fstat bind mount source " + source_path);
  if (!S_ISDIR(st.st_mode)) return std::vector<std::string>{};
  return HiddenEntries(source_fd, prefix, dockerignore_);
}

StatusOr<solver::CacheKey> Worker::ComputeCacheKey(const graph::Vertex& vertex,
                                                   std::span<const solver::StepInput> inputs) {
  if (SourceOf(vertex) != nullptr) {
    // A source's definition names its exact content (an image by manifest digest; scratch and the
    // context have empty results, the context's content enters the keys of its readers), so its result
    // is found by definition: a rebuild shows the base as cached, and CanReuse still checks that the
    // unpacked snapshot and the blobs exist. This never makes a pulled image a candidate for a step.
    return solver::CacheKey{solver::CombineCacheKey(vertex, inputs, ""), /*cacheable=*/true};
  }
  if (const auto* exec = std::get_if<graph::ExecOp>(&vertex.op)) {
    // A RUN sees what it binds of the context: its content is in the key, as for COPY (a stage's or an
    // image's key covers its content already).
    std::string extra;
    for (const graph::Mount& mount : exec->mounts) {
      if (!mount.source || *mount.source >= inputs.size() || !IsLocalSource(*inputs[*mount.source].vertex)) continue;
      fileops::CopySpec spec;
      spec.sources = {fileops::CopySource::Path(EscapePattern(mount.source_path))};
      spec.dest = "/";
      spec.location = vertex.location;
      fileops::HashOptions hash_options;
      hash_options.stat_cache = deps_.stat_cache;
      MB_ASSIGN_OR_RETURN(Digest content, fileops::HashSources(spec, &context_, &dockerignore_, hash_options));
      extra += "mount " + mount.target + " " + content.ToString() + ";";
    }
    return solver::CacheKey{solver::CombineCacheKey(vertex, inputs, extra), true};
  }
  const graph::FileOp* file = std::get_if<graph::FileOp>(&vertex.op);
  if (file == nullptr) return solver::CacheKey{solver::CombineCacheKey(vertex, inputs, ""), true};
  MB_ASSIGN_OR_RETURN(FileContent content, FileContentKey(vertex, *file, inputs));
  return solver::CacheKey{solver::CombineCacheKey(vertex, inputs, content.extra), content.cacheable};
}

StatusOr<Worker::FileContent> Worker::FileContentKey(const graph::Vertex& vertex, const graph::FileOp& file,
                                                     std::span<const solver::StepInput> inputs) {
  FileContent out;
  for (const graph::FileAction& action : file.actions) {
    const graph::CopyAction* copy = std::get_if<graph::CopyAction>(&action);
    if (copy == nullptr) continue;
    if (fileops::IsGitUrl(copy->url)) {
      // The commit the ref names now is the content: a moved branch runs the step again.
      StatusOr<fileops::ResolvedGitRef> resolved = ResolveGit(*copy);
      if (!resolved.ok()) return resolved.status().WithLocation(vertex.location);
      out.extra += "git:" + resolved->commit + ";";
    } else if (!copy->url.empty() && copy->checksum.empty()) {
      out.cacheable = false;  // the URL's content is unknown
    }
    if (!copy->source || *copy->source >= inputs.size()) continue;
    if (!IsLocalSource(*inputs[*copy->source].vertex)) continue;  // a stage's key covers its content
    MB_ASSIGN_OR_RETURN(fileops::CopySpec spec, ToCopySpec(*copy, /*from_context=*/true, vertex.location));
    std::erase_if(spec.sources, [](const fileops::CopySource& s) { return s.kind != fileops::CopySource::Kind::kPath; });
    fileops::HashOptions hash_options;
    hash_options.stat_cache = deps_.stat_cache;
    MB_ASSIGN_OR_RETURN(Digest content, fileops::HashSources(spec, &context_, &dockerignore_, hash_options));
    out.extra += content.ToString() + ";";
  }
  return out;
}

bool Worker::CanReuse(const graph::Vertex& vertex, const solver::StepResult& result) {
  // The layer blobs are the result; its snapshot, if gone, is made again from them (SnapshotOf).
  return LayerBlobsPresent(*deps_.blobs, result);
}

StatusOr<solver::StepResult> Worker::Run(const graph::Vertex& vertex, std::span<const solver::StepInput> inputs,
                                         solver::CancelToken& cancel, solver::StepLog& log) {
  if (cancel.IsCancelled()) return Cancelled("build cancelled");
  if (const graph::SourceOp* source = SourceOf(vertex)) return RunSource(vertex, *source);
  if (const graph::FileOp* file = std::get_if<graph::FileOp>(&vertex.op)) return RunFile(vertex, *file, inputs);
  return RunExec(vertex, std::get<graph::ExecOp>(vertex.op), inputs, cancel, log);
}

StatusOr<solver::StepResult> Worker::RunSource(const graph::Vertex& vertex, const graph::SourceOp& op) {
  if (std::holds_alternative<graph::ScratchSource>(op.source) ||
      std::holds_alternative<graph::LocalSource>(op.source)) {
    return EncodeResult(SnapshotResult{});
  }
  const graph::ImageSource& image = std::get<graph::ImageSource>(op.source);
  MB_ASSIGN_OR_RETURN(Digest manifest_digest, Digest::Parse(image.manifest_digest));
  MB_ASSIGN_OR_RETURN(image::StoredImage stored, image::LoadImage(*deps_.blobs, manifest_digest));
  MB_ASSIGN_OR_RETURN(SnapshotResult result, UnpackImageLayers(*deps_.blobs, *deps_.snapshotter, stored,
                                                               options_.scratch_dir, image.reference));
  return EncodeResult(result);
}

image::LayerOptions Worker::LayerOptionsFor(const graph::Vertex& vertex) const {
  const std::optional<ExportedLayers>& exported = options_.exported_layers;
  if (exported && exported->steps.count(vertex.digest)) return image::WithEncoding(options_.layer_options, exported->encoding);
  return options_.layer_options;
}

StatusOr<std::string> Worker::SnapshotOf(const SnapshotResult& result) {
  size_t first_pending = result.layers.size() - result.pending;
  std::string snapshot = result.snapshot;
  if (!snapshot.empty() && !deps_.snapshotter->Stat(snapshot).ok()) {
    // Forgotten (removed, or possibly torn by a power loss): made again from the layers, reusing the
    // longest prefix of the chain that has a snapshot.
    first_pending = 0;
    snapshot.clear();
  }
  if (first_pending == result.layers.size()) return snapshot;
  Digest chain;
  for (size_t i = 0; i < first_pending; ++i) chain = ChainId(chain, result.layers[i].diff_id);
  for (size_t i = first_pending; i < result.layers.size(); ++i) {
    chain = ChainId(chain, result.layers[i].diff_id);
    std::string name = LayerSnapshotName(chain);
    if (!deps_.snapshotter->Stat(name).ok()) {
      Status unpacked = UnpackLayerSnapshot(*deps_.blobs, *deps_.snapshotter, snapshot, result.layers[i].digest, name,
                                            options_.scratch_dir);
      if (!unpacked.ok()) return unpacked.WithContext("unpacking layer " + result.layers[i].digest.ToString());
    }
    snapshot = name;
  }
  return snapshot;
}

StatusOr<MountedSnapshot> Worker::OpenView(const SnapshotResult& result) {
  MB_ASSIGN_OR_RETURN(std::string snapshot, SnapshotOf(result));
  return MountedSnapshot::Open(*deps_.snapshotter, snapshot, MountedSnapshot::Mode::kReadOnly, options_.scratch_dir);
}

StatusOr<std::optional<SnapshotResult>> Worker::TryStreamedCopy(const graph::Vertex& vertex, const graph::FileOp& op,
                                                                std::span<const solver::StepInput> inputs,
                                                                SnapshotResult parent) {
  const graph::CopyAction* copy = op.actions.size() == 1 ? std::get_if<graph::CopyAction>(&op.actions[0]) : nullptr;
  if (copy == nullptr || copy->add || !copy->url.empty() || !copy->source || *copy->source >= inputs.size()) {
    return std::optional<SnapshotResult>();
  }
  const bool from_context = IsLocalSource(*inputs[*copy->source].vertex);
  MB_ASSIGN_OR_RETURN(fileops::CopySpec spec, ToCopySpec(*copy, from_context, vertex.location));
  // The source: the context, or (COPY --from) a read-only view of the stage or image, mounted until the
  // layer is written.
  const snapshotter::RootFs* source = &context_;
  std::optional<MountedSnapshot> source_view;
  std::optional<snapshotter::RootFs> source_root;
  if (!from_context) {
    MB_ASSIGN_OR_RETURN(SnapshotResult stage, DecodeResult(inputs[*copy->source].result));
    MB_ASSIGN_OR_RETURN(source_view, OpenView(stage));
    MB_ASSIGN_OR_RETURN(source_root,
                        snapshotter::RootFs::Open(source_view->path(), false, "the source stage"));
    source = &*source_root;
  }
  // The parent is only looked up (does the destination exist, /etc/passwd for --chown).
  std::optional<MountedSnapshot> parent_view;
  std::optional<snapshotter::RootFs> parent_root;
  if (!parent.layers.empty()) {
    MB_ASSIGN_OR_RETURN(parent_view, OpenView(parent));
    MB_ASSIGN_OR_RETURN(parent_root, snapshotter::RootFs::Open(parent_view->path(), false, "the image"));
  }
  fileops::CopyEnvironment env;
  env.source_root = source;
  env.dockerignore = from_context ? &dockerignore_ : nullptr;
  env.dest = parent_root ? &*parent_root : nullptr;
  struct timespec now {};
  ::clock_gettime(CLOCK_REALTIME, &now);
  MB_ASSIGN_OR_RETURN(std::optional<std::vector<fileops::StreamedEntry>> planned,
                      fileops::PlanStreamedCopy(spec, env, {now.tv_sec, static_cast<uint32_t>(now.tv_nsec)}));
  if (!planned) return std::optional<SnapshotResult>();
  parent_root.reset();
  parent_view.reset();

  image::LayerWriter writer(LayerOptionsFor(vertex));
  std::set<std::string> directories;
  for (fileops::StreamedEntry& entry : *planned) {
    if (entry.entry.type == snapshotter::EntryType::kDirectory) directories.insert(RelativeDirectory(entry.entry.path));
    image::LayerEntry out = image::FromSnapshotEntry(entry.entry);
    if (entry.entry.type == snapshotter::EntryType::kRegular && entry.entry.size > 0) {
      out.file = [source, planned_entry = std::move(entry)] {
        return fileops::OpenStreamedContent(*source, planned_entry);
      };
    }
    MB_RETURN_IF_ERROR(writer.Add(std::move(out)));
  }
  MB_ASSIGN_OR_RETURN(image::LayerResult layer, writer.Write(*deps_.blobs));
  spdlog::debug("COPY to {} written straight to its layer {} ({} entries)", spec.dest, layer.blob.digest.ToString(),
                planned->size());
  {
    std::lock_guard<std::mutex> lock(streamed_mutex_);
    streamed_directories_[layer.blob.digest] = std::move(directories);
  }
  parent.layers.push_back(LayerRef{layer.blob.digest, layer.diff_id, layer.blob.media_type,
                                   static_cast<uint64_t>(layer.blob.size)});
  parent.pending += 1;
  parent.created = CreatedNow(options_.layer_options);
  return std::optional<SnapshotResult>(std::move(parent));
}

StatusOr<std::optional<SnapshotResult>> Worker::TryMkdirOfPendingDirectories(const graph::FileOp& op,
                                                                             SnapshotResult parent) {
  if (parent.pending == 0 || parent.layers.empty() || op.actions.empty()) return std::optional<SnapshotResult>();
  {
    std::lock_guard<std::mutex> lock(streamed_mutex_);
    auto found = streamed_directories_.find(parent.layers.back().digest);
    if (found == streamed_directories_.end()) return std::optional<SnapshotResult>();
    const std::set<std::string>& directories = found->second;
    for (const graph::FileAction& action : op.actions) {
      const graph::MkdirAction* mkdir = std::get_if<graph::MkdirAction>(&action);
      if (mkdir == nullptr) return std::optional<SnapshotResult>();
      // The top layer's entries win over every layer below, so a directory entry there is a directory
      // in the filesystem; each ancestor must be one too (mkdir -p creates nothing then).
      const std::string path = RelativeDirectory(mkdir->path);
      for (size_t end = path.find('/'); ; end = path.find('/', end + 1)) {
        if (!directories.count(path.substr(0, end))) return std::optional<SnapshotResult>();
        if (end == std::string::npos) break;
      }
    }
  }
  // What the snapshot way would commit for a diff with no change: a layer without entries.
  image::LayerWriter writer(options_.layer_options);
  MB_ASSIGN_OR_RETURN(image::LayerResult layer, writer.Write(*deps_.blobs));
  spdlog::debug("mkdir of directories the pending layer {} holds: no change, nothing unpacked",
                parent.layers.back().digest.ToString());
  parent.layers.push_back(LayerRef{layer.blob.digest, layer.diff_id, layer.blob.media_type,
                                   static_cast<uint64_t>(layer.blob.size)});
  parent.pending += 1;
  parent.created = CreatedNow(options_.layer_options);
  return std::optional<SnapshotResult>(std::move(parent));
}

Status Worker::ApplyFileActions(const graph::Vertex& vertex, const graph::FileOp& op,
                                std::span<const solver::StepInput> inputs, const MountedSnapshot& target) {
  MB_ASSIGN_OR_RETURN(snapshotter::RootFs dest, snapshotter::RootFs::Open(target.path(), false, "the image"));
  for (const graph::FileAction& action : op.actions) {
    if (const graph::MkdirAction* mkdir = std::get_if<graph::MkdirAction>(&action)) {
      uint32_t uid = 0;
      uint32_t gid = 0;
      if (!mkdir->chown.empty()) {
        // WORKDIR after USER: the directory belongs to that user. As in BuildKit, a user or group that is
        // not in the image's /etc/passwd or /etc/group (or an image without them, like scratch) leaves it
        // owned by root instead of failing the build.
        StatusOr<snapshotter::ResolvedUser> user = snapshotter::ResolveUser(dest, mkdir->chown);
        if (user.ok()) {
          uid = user->uid;
          gid = user->gid;
        } else if (user.status().code() != StatusCode::kNotFound) {
          return user.status();
        }
      }
      // Through symlinks as the container would, a dangling one getting its target, as BuildKit's mkdir.
      MB_RETURN_IF_ERROR(
          snapshotter::MkdirAllThroughLinks(dest, mkdir->path, mkdir->mode, snapshotter::Ownership{uid, gid}));
      continue;
    }
    fileops::CopyEnvironment env;
    env.dest = &dest;
    env.fetcher = deps_.fetcher;
    env.scratch_dir = options_.scratch_dir;
    if (const graph::MkfileAction* mkfile = std::get_if<graph::MkfileAction>(&action)) {
      MB_RETURN_IF_ERROR(fileops::ExecuteCopy(MkfileSpec(*mkfile, vertex.location), env).status());
      continue;
    }
    const graph::CopyAction& copy = std::get<graph::CopyAction>(action);
    bool from_context = copy.source && IsLocalSource(*inputs[*copy.source].vertex);
    MB_ASSIGN_OR_RETURN(fileops::CopySpec spec, ToCopySpec(copy, from_context, vertex.location));
    if (fileops::IsGitUrl(copy.url)) {
      StatusOr<fileops::ResolvedGitRef> resolved = ResolveGit(copy);
      if (!resolved.ok()) return resolved.status().WithLocation(vertex.location);
      spec.git_pinned = *resolved;
      env.git = deps_.git;
    }
    std::optional<MountedSnapshot> source_view;
    std::optional<snapshotter::RootFs> source_root;
    if (copy.source && from_context) {
      env.source_root = &context_;
      env.dockerignore = &dockerignore_;
    } else if (copy.source) {
      MB_ASSIGN_OR_RETURN(SnapshotResult source, DecodeResult(inputs[*copy.source].result));
      MB_ASSIGN_OR_RETURN(source_view, OpenView(source));
      MB_ASSIGN_OR_RETURN(source_root,
                        snapshotter::RootFs::Open(source_view->path(), false, "the source stage"));
      env.source_root = &*source_root;
    }
    MB_RETURN_IF_ERROR(fileops::ExecuteCopy(spec, env).status());
  }
  return Status::Ok();
}

StatusOr<solver::StepResult> Worker::RunFile(const graph::Vertex& vertex, const graph::FileOp& op,
                                             std::span<const solver::StepInput> inputs) {
  MB_ASSIGN_OR_RETURN(SnapshotResult parent, DecodeResult(inputs[0].result));
  if (IsLinkedCopy(op)) return RunLinkedCopy(vertex, op, inputs, std::move(parent));
  if (options_.stream_copies) {
    MB_ASSIGN_OR_RETURN(std::optional<SnapshotResult> streamed, TryStreamedCopy(vertex, op, inputs, parent));
    if (streamed) return EncodeResult(*streamed);
    MB_ASSIGN_OR_RETURN(std::optional<SnapshotResult> no_change, TryMkdirOfPendingDirectories(op, parent));
    if (no_change) return EncodeResult(*no_change);
  }
  MB_ASSIGN_OR_RETURN(std::string parent_snapshot, SnapshotOf(parent));
  MB_ASSIGN_OR_RETURN(MountedSnapshot target,
                      MountedSnapshot::Open(*deps_.snapshotter, parent_snapshot, MountedSnapshot::Mode::kWritable,
                                            options_.scratch_dir));
  MB_RETURN_IF_ERROR(ApplyFileActions(vertex, op, inputs, target));
  std::string name = "step-" + vertex.digest.hex() + "-" + NewActiveKey();
  MB_ASSIGN_OR_RETURN(LayerRef layer, target.Commit(name, *deps_.blobs, LayerOptionsFor(vertex)));
  parent.snapshot = name;
  parent.pending = 0;
  parent.layers.push_back(layer);
  parent.created = CreatedNow(options_.layer_options);
  return EncodeResult(parent);
}

StatusOr<solver::StepResult> Worker::RunExec(const graph::Vertex& vertex, const graph::ExecOp& op,
                                             std::span<const solver::StepInput> inputs,
                                             solver::CancelToken& cancel, solver::StepLog& log) {
  MB_ASSIGN_OR_RETURN(SnapshotResult parent, DecodeResult(inputs[0].result));
  MB_ASSIGN_OR_RETURN(std::string parent_snapshot, SnapshotOf(parent));
  MB_ASSIGN_OR_RETURN(MountedSnapshot target,
                      MountedSnapshot::Open(*deps_.snapshotter, parent_snapshot, MountedSnapshot::Mode::kWritable,
                                            options_.scratch_dir));
  MB_ASSIGN_OR_RETURN(snapshotter::RootFs root, snapshotter::RootFs::Open(target.path(), false, "the image"));
  MB_ASSIGN_OR_RETURN(snapshotter::ResolvedUser user,
                      snapshotter::ResolveUser(root, op.user.empty() ? "0" : op.user));

  executor::ExecSpec spec;
  spec.rootfs = target.path();
  spec.args = op.args;
  spec.env = op.env;
  // Like docker: HOME is the user's home from /etc/passwd ("/" when unknown) unless the Dockerfile sets it.
  if (std::none_of(spec.env.begin(), spec.env.end(),
                   [](const std::string& entry) { return entry.starts_with("HOME="); })) {
    spec.env.push_back("HOME=" + user.home);
  }
  spec.cwd = op.cwd.empty() ? "/" : op.cwd;
  spec.uid = user.uid;
  spec.gid = user.gid;
  spec.additional_gids = user.additional_gids;
  spec.hostname = options_.hostname;
  spec.network = op.network == graph::NetworkMode::kNone ? executor::ExecSpec::Network::kNone
                                                         : executor::ExecSpec::Network::kHost;
  spec.resolv_conf = options_.resolv_conf;
  spec.hosts = options_.hosts;
  if (!op.extra_hosts.empty()) {
    std::string hosts = spec.hosts.value_or("");
    for (const std::string& line : op.extra_hosts) hosts += line + "\n";
    spec.hosts = std::move(hosts);
  }
  spec.seccomp = !op.insecure;
  spec.resources = options_.run_resources;

  // RUN --mount sources: views of other steps, the context, cache directories, tmpfs and heredoc files.
  std::vector<MountedSnapshot> views;
  views.reserve(op.mounts.size());
  std::vector<HeldCache> caches;  // RUN --mount=type=cache instances, held until the RUN is over
  std::vector<BindView> bind_views;  // rw or filtered binds; declared after `views`, which they may sit on
  bind_views.reserve(op.mounts.size());
  std::optional<TempDir> files_dir;
  // RUN --mount=type=ssh: a relay per mount with the mount's owner and mode, alive until the RUN ends.
  std::vector<std::unique_ptr<SshForwarder>> forwarders;
  SshSocketFor socket_for = [&](const graph::Mount& mount,
                                const std::filesystem::path& agent) -> StatusOr<std::filesystem::path> {
    MB_ASSIGN_OR_RETURN(std::unique_ptr<SshForwarder> forwarder,
                        SshForwarder::Start(agent, options_.scratch_dir, mount.uid.value_or(0), mount.gid.value_or(0),
                                            mount.mode.value_or(0600)));
    forwarders.push_back(std::move(forwarder));
    return forwarders.back()->socket_path();
  };
  for (const graph::Mount& mount : op.mounts) {
    executor::Mount out;
    out.target = mount.target;
    out.read_only = mount.readonly;
    switch (mount.type) {
      case graph::MountType::kBind: {
        if (!mount.source || *mount.source >= inputs.size()) return InvalidArgument("bind mount without a source");
        std::filesystem::path base;
        if (IsLocalSource(*inputs[*mount.source].vertex)) {
          base = options_.context_dir;
        } else {
          MB_ASSIGN_OR_RETURN(SnapshotResult source, DecodeResult(inputs[*mount.source].result));
          MB_ASSIGN_OR_RETURN(MountedSnapshot view, OpenView(source));
          base = view.path();
          views.push_back(std::move(view));
        }
        // Resolve the source path inside its root, never through its symlinks on the host.
        const char* known_as = IsLocalSource(*inputs[*mount.source].vertex) ? "the build context" : "the source stage";
        MB_ASSIGN_OR_RETURN(snapshotter::RootFs source_root, snapshotter::RootFs::Open(base, false, known_as));
        MB_ASSIGN_OR_RETURN(UniqueFd resolved, source_root.Open(mount.source_path, O_PATH));
        // rw: writable for the RUN, its writes thrown away (the context, the stage's snapshot or the
        // image's layers never change); the context without what .dockerignore excludes.
        BindView::Options view_options;
        view_options.writable = !mount.readonly;
        if (IsLocalSource(*inputs[*mount.source].vertex) && !dockerignore_.empty()) {
          MB_ASSIGN_OR_RETURN(view_options.hidden, HiddenContextEntries(mount.source_path, resolved.get()));
        }
        if (view_options.writable || !view_options.hidden.empty()) {
          MB_ASSIGN_OR_RETURN(BindView view, BindView::Open(resolved.get(), options_.scratch_dir, view_options));
          out.source = view.path();
          bind_views.push_back(std::move(view));
          out.type = executor::Mount::Type::kBind;
          break;
        }
        out.source = "/proc/self/fd/" + std::to_string(resolved.get());
        MB_ASSIGN_OR_RETURN(std::string real, [&]() -> StatusOr<std::string> {
          std::error_code error;
          std::filesystem::path path = std::filesystem::read_symlink(out.source, error);
          if (error) return Status(StatusCode::kIo, "resolve mount source: " + error.message());
          return path.string();
        }());
        out.source = real;
        out.type = executor::Mount::Type::kBind;
        break;
      }
      case graph::MountType::kCache: {
        graph::Mount cache = mount;
        if (cache.cache_id.empty()) cache.cache_id = mount.target;
        // from=: the seed of a new instance is read from a read-only view of the stage or image.
        std::optional<snapshotter::RootFs> from_root;
        CacheFrom from;
        if (mount.source) {
          if (*mount.source >= inputs.size()) return InvalidArgument("cache mount with a bad source input");
          const solver::StepInput& input = inputs[*mount.source];
          std::filesystem::path base = options_.context_dir;
          if (!IsLocalSource(*input.vertex)) {
            MB_ASSIGN_OR_RETURN(SnapshotResult source, DecodeResult(input.result));
            MB_ASSIGN_OR_RETURN(MountedSnapshot view, OpenView(source));
            base = view.path();
            views.push_back(std::move(view));
          }
          MB_ASSIGN_OR_RETURN(from_root, snapshotter::RootFs::Open(base));
          from.root = &*from_root;
          from.cache_key = input.cache_key;
        }
        MB_ASSIGN_OR_RETURN(out.source, HoldCacheMount(cache, from, options_.cache_mounts_dir, cancel, caches));
        out.type = executor::Mount::Type::kBind;
        break;
      }
      case graph::MountType::kTmpfs:
        out.type = executor::Mount::Type::kTmpfs;
        out.tmpfs_size_bytes = mount.size_bytes;
        break;
      case graph::MountType::kFile: {
        if (!files_dir) {
          MB_ASSIGN_OR_RETURN(files_dir, TempDir::Create(options_.scratch_dir, "files-"));
        }
        std::filesystem::path file = files_dir->path() / std::to_string(spec.extra_mounts.size());
        MB_RETURN_IF_ERROR(WriteFileAtomically(file, mount.contents, static_cast<int>(mount.mode.value_or(0644))));
        out.source = file;
        out.type = executor::Mount::Type::kBind;
        out.read_only = true;
        break;
      }
      case graph::MountType::kSecret:
      case graph::MountType::kSsh:
        MB_RETURN_IF_ERROR(AddSecretMount(mount, options_.run_secrets, socket_for, spec));
        continue;
    }
    spec.extra_mounts.push_back(std::move(out));
  }

  OutputTail tail;
  executor::FunctionSink sink([&](executor::OutputStream, std::string_view line) {
    tail.Add(line);
    log.Write(std::string(line) + "\n");
  });
  MB_ASSIGN_OR_RETURN(executor::ExecResult exec, deps_.executor->Run(spec, sink, cancel));
  forwarders.clear();  // the RUN is over: its ssh connections end
  caches.clear();      // and other RUNs may take its cache instances
  if (!exec.success()) {
    std::string how = exec.signal != 0 ? "was killed by signal " + std::to_string(exec.signal)
                                       : "exited with code " + std::to_string(exec.exit_code);
    return Status(StatusCode::kFailedPrecondition, "RUN " + DescribeCommand(op) + " " + how + tail.Text());
  }
  bind_views.clear();  // unmount sources before the diff (the bind views first: they may sit on views)
  views.clear();
  std::string name = "step-" + vertex.digest.hex() + "-" + NewActiveKey();
  MB_ASSIGN_OR_RETURN(LayerRef layer, target.Commit(name, *deps_.blobs, LayerOptionsFor(vertex), exec.mount_targets));
  parent.snapshot = name;
  parent.pending = 0;
  parent.layers.push_back(layer);
  parent.created = CreatedNow(options_.layer_options);
  return EncodeResult(parent);
}

}  // namespace mybuild::worker
