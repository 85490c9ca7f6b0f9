#include "src/image/reference.h"

namespace mybuild::image {
namespace {

bool IsLowerAlnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }

// path-component := [a-z0-9]+ ((\.|_|__|-+) [a-z0-9]+)*
bool ValidComponent(std::string_view c) {
  if (c.empty() || !IsLowerAlnum(c.front()) || !IsLowerAlnum(c.back())) return false;
  for (size_t i = 0; i < c.size();) {
    if (IsLowerAlnum(c[i])) {
      ++i;
      continue;
    }
    size_t start = i;
    while (i < c.size() && !IsLowerAlnum(c[i])) ++i;
    std::string_view sep = c.substr(start, i - start);
    bool dashes = sep.find_first_not_of('-') == std::string_view::npos;
    if (!(sep == "." || sep == "_" || sep == "__" || dashes)) return false;
  }
  return true;
}

bool ValidTag(std::string_view tag) {
  if (tag.empty() || tag.size() > 128) return false;
  for (size_t i = 0; i < tag.size(); ++i) {
    char c = tag[i];
    bool word = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
    if (!(word || (i > 0 && (c == '.' || c == '-')))) return false;
  }
  return true;
}

bool ValidDomain(std::string_view domain) {
  if (domain.empty() || domain.size() > 255) return false;
  for (char c : domain) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
              c == '-' || c == ':' || c == '[' || c == ']';
    if (!ok) return false;
  }
  return true;
}

}  // namespace

std::string Reference::ToString() const {
  std::string out = Name();
  if (!tag.empty()) out += ":" + tag;
  if (digest) out += "@" + digest->ToString();
  return out;
}

std::string Reference::Familiar() const {
  std::string name = repository;
  if (domain != "docker.io") {
    name = domain + "/" + repository;
  } else if (name.rfind("library/", 0) == 0 && name.find('/', 8) == std::string::npos) {
    name = name.substr(8);
  }
  if (!tag.empty()) name += ":" + tag;
  if (digest) name += "@" + digest->ToString();
  return name;
}

StatusOr<Reference> ParseReference(std::string_view text) {
  const std::string quoted = "image reference \"" + std::string(text) + "\"";
  if (text.empty() || text.size() > 512) return InvalidArgument(quoted + ": expected NAME[:TAG][@DIGEST]");
  Reference ref;
  std::string_view rest = text;
  size_t at = rest.find('@');
  if (at != std::string_view::npos) {
    StatusOr<Digest> digest = Digest::Parse(rest.substr(at + 1));
    if (!digest.ok()) return digest.status().WithContext(quoted);
    ref.digest = *digest;
    rest = rest.substr(0, at);
  }
  size_t last_slash = rest.rfind('/');
  size_t colon = rest.rfind(':');
  if (colon != std::string_view::npos && (last_slash == std::string_view::npos || colon > last_slash)) {
    ref.tag = std::string(rest.substr(colon + 1));
    rest = rest.substr(0, colon);
    if (!ValidTag(ref.tag)) return InvalidArgument(quoted + ": invalid tag \"" + ref.tag + "\"");
  }
  size_t first_slash = rest.find('/');
  std::string_view first = rest.substr(0, first_slash);
  if (first_slash != std::string_view::npos &&
      (first.find('.') != std::string_view::npos || first.find(':') != std::string_view::npos ||
       first == "localhost")) {
    if (!ValidDomain(first))
      return InvalidArgument(quoted + ": invalid registry \"" + std::string(first) + "\"");
    ref.domain = std::string(first);
    rest = rest.substr(first_slash + 1);
  } else {
    ref.domain = "docker.io";
  }
  if (ref.domain == "index.docker.io" || ref.domain == "registry-1.docker.io") ref.domain = "docker.io";
  size_t pos = 0;
  size_t components = 0;
  while (pos <= rest.size()) {
    size_t slash = rest.find('/', pos);
    if (slash == std::string_view::npos) slash = rest.size();
    std::string_view component = rest.substr(pos, slash - pos);
    if (!ValidComponent(component)) {
      return InvalidArgument(quoted + ": invalid repository name component \"" + std::string(component) +
                             "\" (expected lowercase letters, digits and separators)");
    }
    ++components;
    pos = slash + 1;
  }
  ref.repository = std::string(rest);
  if (ref.domain == "docker.io" && components == 1) ref.repository = "library/" + ref.repository;
  if (ref.tag.empty() && !ref.digest) ref.tag = "latest";
  return ref;
}

StatusOr<std::string> NormalizeReference(std::string_view text) {
  MB_ASSIGN_OR_RETURN(Reference ref, ParseReference(text));
  return ref.ToString();
}

}  // namespace mybuild::image
