// Lexical clean-up of '/'-separated paths, as Go's path.Clean does it (the reference builder cleans
// .dockerignore patterns, COPY sources and destinations, WORKDIR and mount targets this way).
#ifndef MYBUILD_BASE_SLASH_PATH_H_
#define MYBUILD_BASE_SLASH_PATH_H_

#include <string>
#include <string_view>

namespace mybuild {

// Collapses repeated '/', removes "." elements and "x/.." pairs, drops a trailing '/', and removes
// ".." at the start of a rooted path ("/../a" → "/a"); a relative path keeps its leading ".."
// ("../a/.." → ".."). "" becomes ".". Purely lexical: no file
// system access, symlinks are not resolved.
std::string CleanSlashPath(std::string_view path);

}  // namespace mybuild

#endif  // MYBUILD_BASE_SLASH_PATH_H_
