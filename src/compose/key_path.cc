#include "src/compose/key_path.h"

namespace mybuild::compose {

std::string JoinPath(const KeyPath& path) {
  std::string out;
  for (const std::string& key : path) {
    if (!out.empty() && !(key.size() > 1 && key.front() == '[')) out += '.';
    out += key;
  }
  return out;
}

bool PathMatches(const KeyPath& path, const std::string& pattern) {
  size_t start = 0;
  size_t index = 0;
  for (;;) {
    size_t dot = pattern.find('.', start);
    const std::string part = pattern.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
    if (index >= path.size()) return false;
    if (part != "*" && part != path[index]) return false;
    ++index;
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  return index == path.size();
}

KeyPath Child(const KeyPath& path, const std::string& key) {
  KeyPath child = path;
  child.push_back(key);
  return child;
}

}  // namespace mybuild::compose
