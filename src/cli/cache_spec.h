// `--cache-from` / `--cache-to` values as `docker buildx build` takes them. mybuild reads and writes
// caches in directories (worker/cache_layout.h):
//   --cache-from type=local,src=DIR
//   --cache-to   type=local,dest=DIR[,mode=min|max][,ignore-error=true|false]
// mode=min (the default) exports the steps whose layers are in the built image; mode=max every cached
// step of the build, other stages included. Other types (registry, inline, gha, s3, azblob) and bare image
// references are kUnimplemented, naming what was asked for.
#ifndef MYBUILD_CLI_CACHE_SPEC_H_
#define MYBUILD_CLI_CACHE_SPEC_H_

#include <filesystem>
#include <string>

#include "src/base/status.h"

namespace mybuild::cli {

struct CacheImportSpec {
  std::filesystem::path src;
};

struct CacheExportSpec {
  std::filesystem::path dest;
  bool every_step = false;    // mode=max
  bool ignore_error = false;  // a failed export is a warning, not a failed build
};

StatusOr<CacheImportSpec> ParseCacheFrom(const std::string& text);
StatusOr<CacheExportSpec> ParseCacheTo(const std::string& text);

}  // namespace mybuild::cli

#endif  // MYBUILD_CLI_CACHE_SPEC_H_
