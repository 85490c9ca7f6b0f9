// Path helpers for COPY/ADD sources: Go's filepath.Match (the wildcard syntax Dockerfiles use), its
// wildcard test, and lexical cleaning of '/'-separated paths.
#ifndef MYBUILD_FILEOPS_PATH_MATCH_H_
#define MYBUILD_FILEOPS_PATH_MATCH_H_

#include <string>
#include <string_view>
#include <vector>

#include "src/base/status.h"

namespace mybuild::fileops {

// Go filepath.Match on Linux: `*` any run of non-'/' bytes, `?` one non-'/' character, `[abc]`, `[a-z]`,
// `[^a]` classes, `\c` the literal c. kInvalidArgument for a malformed pattern ("[a", "a\").
StatusOr<bool> GlobMatch(std::string_view pattern, std::string_view name);

// True when `text` holds an unescaped `*`, `?` or `[`.
bool HasWildcards(std::string_view text);

// Go path.Clean: "" -> ".", collapses "//", drops ".", resolves ".." lexically; an absolute path keeps its
// leading "/" and ".." at the root stays at the root; a relative one may keep leading "..".
std::string CleanPath(std::string_view path);

// Splits a clean path into its components ("/" and "." give none).
std::vector<std::string> SplitPath(std::string_view path);

// Joins a directory and a relative path with one '/'.
std::string JoinPath(std::string_view dir, std::string_view rel);

}  // namespace mybuild::fileops

#endif  // MYBUILD_FILEOPS_PATH_MATCH_H_
