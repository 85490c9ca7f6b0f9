// Lexical clean-up of '/'-separated paths, as Go's path.Clean does it (the reference builder cleans
// .dockerignore patterns and the paths it matches them against this way).
#ifndef MYBUILD_FRONTEND_PATTERN_PATH_H_
#define MYBUILD_FRONTEND_PATTERN_PATH_H_

#include <string>
#include <string_view>

namespace mybuild::frontend {

// Collapses repeated '/', removes "." elements and "x/.." pairs, drops a trailing '/', and removes
// ".." at the start of a rooted path ("/../a" → "/a"). "" becomes ".". Purely lexical: no file
// system access, symlinks are not resolved.
std::string CleanSlashPath(std::string_view path);

}  // namespace mybuild::frontend

#endif  // MYBUILD_FRONTEND_PATTERN_PATH_H_
