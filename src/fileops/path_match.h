// Path helpers for COPY/ADD sources: Go's filepath.Match (the wildcard syntax Dockerfiles use), its
// wildcard test, and splitting and joining '/'-separated paths (cleaning: src/base/slash_path.h).
#ifndef MYBUILD_FILEOPS_PATH_MATCH_H_
#define MYBUILD_FILEOPS_PATH_MATCH_H_

#include <string>
#include <string_view>
#include <vector>

#include "src/base/slash_path.h"  // CleanSlashPath, used with these helpers
#include "src/base/status.h"

namespace mybuild::fileops {

// Go filepath.Match on Linux: `*` any run of non-'/' bytes, `?` one non-'/' character, `[abc]`, `[a-z]`,
// `[^a]` classes, `\c` the literal c. kInvalidArgument for a malformed pattern ("[a", "a\").
StatusOr<bool> GlobMatch(std::string_view pattern, std::string_view name);

// True when `text` holds an unescaped `*`, `?` or `[`.
bool HasWildcards(std::string_view text);


// Splits a clean path into its components ("/" and "." give none).
std::vector<std::string> SplitPath(std::string_view path);

// Joins a directory and a relative path with one '/'.
std::string JoinPath(std::string_view dir, std::string_view rel);

}  // namespace mybuild::fileops

#endif  // MYBUILD_FILEOPS_PATH_MATCH_H_
