// Image references as docker spells them, normalised to their full form:
//   busybox                       -> docker.io/library/busybox:latest
//   me/app:1.0                    -> docker.io/me/app:1.0
//   localhost:5000/app            -> localhost:5000/app:latest
//   ghcr.io/o/r@sha256:<hex>      -> ghcr.io/o/r@sha256:<hex>
// A first component is a registry host when it contains '.' or ':' or is "localhost".
#ifndef MYBUILD_IMAGE_REFERENCE_H_
#define MYBUILD_IMAGE_REFERENCE_H_

#include <optional>
#include <string>
#include <string_view>

#include "src/base/digest.h"
#include "src/base/status.h"

namespace mybuild::image {

struct Reference {
  std::string domain;      // "docker.io"
  std::string repository;  // "library/busybox"
  std::string tag;         // "latest" unless a digest was given without a tag
  std::optional<Digest> digest;

  // domain/repository[:tag][@digest]
  std::string ToString() const;
  // domain/repository
  std::string Name() const { return domain + "/" + repository; }
  // The short form docker shows: "busybox:latest", "me/app:1.0", "ghcr.io/o/r:tag".
  std::string Familiar() const;
};

// Parses and normalises; kInvalidArgument names what is wrong (uppercase repository, bad tag, ...).
StatusOr<Reference> ParseReference(std::string_view text);
// ParseReference(text)->ToString().
StatusOr<std::string> NormalizeReference(std::string_view text);

}  // namespace mybuild::image

#endif  // MYBUILD_IMAGE_REFERENCE_H_
