// The input of one COPY or ADD, with every word already expanded and every stage already resolved.
// The planner builds it from the typed Copy/Add step; the solver hands it, with a source root and a
// destination rootfs, to ExecuteCopy (copier.h) and to HashSources (content_hash.h).
//
// Paths:
//   - A kPath source is a pattern relative to the source root (a leading "/" means the same as none),
//     with Go filepath.Match wildcards per component (`*`, `?`, `[a-z]`, `[^a]`, `\*`). It must not
//     climb out of the root ("../x" is refused; symlinks inside the root resolve inside it).
//   - `dest` is absolute or relative to `workdir`; a trailing "/" (or "/." ) means "a directory".
//
// From a planner::CopyStep: each of `sources` → CopySource::FromWritten(word); each inline source →
// CopySource::Heredoc(name, content) (after the path sources); dest, workdir, chown, link, parents,
// excludes, is_add, unpack as they are; from.kind kContext → SourceRootKind::kContext, kStage/kImage →
// kStage; chmod → octal text (e.g. fmt::format("{:o}", *chmod)) or chmod_symbolic; checksum →
// Digest::Parse (when not empty) — for a git source the commit id it names goes to git_checksum instead;
// keep_git_dir as it is.
#ifndef MYBUILD_FILEOPS_COPY_SPEC_H_
#define MYBUILD_FILEOPS_COPY_SPEC_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "src/base/digest.h"
#include "src/base/source_location.h"
#include "src/fileops/git_client.h"

namespace mybuild::fileops {

struct CopySource {
  enum class Kind {
    kPath,     // a file, directory or wildcard pattern under the source root
    kUrl,      // ADD only: an http(s):// URL, or a git repository (git_source.h)
    kHeredoc,  // COPY <<EOF /dest: `name` is the file name, `content` its bytes (mode 0644)
  };
  Kind kind = Kind::kPath;
  std::string path;     // kPath: the pattern as written; kUrl: the URL; kHeredoc: the delimiter name
  std::string content;  // kHeredoc only

  static CopySource Path(std::string p) { return {Kind::kPath, std::move(p), {}}; }
  static CopySource Url(std::string u) { return {Kind::kUrl, std::move(u), {}}; }
  static CopySource Heredoc(std::string name, std::string body) {
    return {Kind::kHeredoc, std::move(name), std::move(body)};
  }
  // A source word as the planner hands it (CopyStep::sources): URL-like words ("http://", "https://",
  // "git://", "ssh://", "git@host:…") become kUrl — for COPY too, so that ExecuteCopy can refuse them
  // with a clear message — everything else kPath.
  static CopySource FromWritten(std::string text);
  bool operator==(const CopySource&) const = default;
};

// Where kPath sources are read from; decides the default ownership and whether .dockerignore applies.
enum class SourceRootKind {
  kContext,  // the build context: .dockerignore applies; files become 0:0 unless --chown
  kStage,    // another stage's (or image's) rootfs, COPY --from: ownership is kept unless --chown
};

struct Owner {
  uint32_t uid = 0;
  uint32_t gid = 0;
  bool operator==(const Owner&) const = default;
};

struct CopySpec {
  std::vector<CopySource> sources;  // at least one
  std::string dest;                 // as written (after expansion)
  std::string workdir = "/";        // the stage's WORKDIR, absolute
  SourceRootKind root_kind = SourceRootKind::kContext;

  // --chown: either already resolved (`owner`), or a "user[:group]" string (`chown`) that is resolved
  // against /etc/passwd and /etc/group of the destination rootfs (numeric parts need no lookup).
  // Neither set: the default ownership of `root_kind`.
  std::optional<Owner> owner;
  std::string chown;

  std::string chmod;  // --chmod: "" (keep), octal "0755", or symbolic "u+x,go-w", "a=rX" (chmod_spec.h)
  bool link = false;     // --link: the worker runs the copy on an empty destination (worker/linked_copy.cc);
                         // no effect on what is written here
  bool parents = false;  // --parents: keep each source's path below the root (or below a "/./" pivot)
  std::vector<std::string> excludes;  // --exclude patterns (.dockerignore syntax, relative to the root)

  bool is_add = false;
  std::optional<Digest> checksum;  // ADD --checksum=sha256:…, URL sources only
  // ADD <git repository>: --checksum (the commit id or a prefix of it), --keep-git-dir, and the commit the
  // worker resolved for the step's cache key (nullopt: resolved by ExecuteCopy itself).
  std::string git_checksum;
  bool keep_git_dir = false;
  std::optional<ResolvedGitRef> git_pinned;
  // ADD --unpack: nullopt = default (local archives are unpacked, downloaded files are not).
  std::optional<bool> unpack;
  // Size bound for one downloaded file.
  uint64_t max_download_bytes = 8ull << 30;

  SourceLocation location;  // for error messages
};

}  // namespace mybuild::fileops

#endif  // MYBUILD_FILEOPS_COPY_SPEC_H_
