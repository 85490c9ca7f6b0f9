// `--cache-from` / `--cache-to` values as `docker buildx build` takes them. mybuild keeps caches in
// directories or in registries, as one OCI artifact (worker/cache_layout.h):
//   --cache-from type=local,src=DIR
//   --cache-from type=registry,ref=NAME[:TAG][,registry.insecure=true]   (or a bare NAME[:TAG])
//   --cache-to   type=local,dest=DIR[,mode=min|max][,ignore-error=true|false]
//   --cache-to   type=registry,ref=NAME[:TAG][,mode=…][,ignore-error=…][,registry.insecure=true]
// mode=min (the default) exports the steps whose layers are in the built image; mode=max every cached
// step of the build, other stages included. Other types (inline, gha, s3, azblob) are kUnimplemented,
// naming what was asked for.
#ifndef MYBUILD_CLI_CACHE_SPEC_H_
#define MYBUILD_CLI_CACHE_SPEC_H_

#include <filesystem>
#include <string>

#include "src/base/status.h"

namespace mybuild::cli {

// Where a cache lives: a directory (`path`) or a registry reference (`ref`).
struct CacheLocation {
  enum class Type { kLocal, kRegistry };
  Type type = Type::kLocal;
  std::filesystem::path path;
  std::string ref;        // normalised
  bool insecure = false;  // registry.insecure=true: plain http

  std::string ToString() const { return type == Type::kLocal ? path.string() : ref; }
};

struct CacheImportSpec {
  CacheLocation location;
};

struct CacheExportSpec {
  CacheLocation location;
  bool every_step = false;    // mode=max
  bool ignore_error = false;  // a failed export is a warning, not a failed build
};

StatusOr<CacheImportSpec> ParseCacheFrom(const std::string& text);
StatusOr<CacheExportSpec> ParseCacheTo(const std::string& text);

}  // namespace mybuild::cli

#endif  // MYBUILD_CLI_CACHE_SPEC_H_
