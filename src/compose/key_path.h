// Key paths into a compose model ("services.web.build.args") and the patterns that select them
// ("services.*.build.args"), as compose-go names them.
#ifndef MYBUILD_COMPOSE_KEY_PATH_H_
#define MYBUILD_COMPOSE_KEY_PATH_H_

#include <string>
#include <vector>

namespace mybuild::compose {

using KeyPath = std::vector<std::string>;

// "services.web.build"; sequence indices are written "[2]" and joined without a dot.
std::string JoinPath(const KeyPath& path);

// `pattern` is dot-separated; "*" matches any one key.
bool PathMatches(const KeyPath& path, const std::string& pattern);

// `path` with `key` appended.
KeyPath Child(const KeyPath& path, const std::string& key);

}  // namespace mybuild::compose

#endif  // MYBUILD_COMPOSE_KEY_PATH_H_
