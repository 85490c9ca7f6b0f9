#include "src/cli/cache_spec.h"

#include <doctest/doctest.h>

namespace mybuild::cli {
namespace {

TEST_CASE("cache spec: type=local sources and destinations as buildx spells them") {
  StatusOr<CacheImportSpec> from = ParseCacheFrom("type=local,src=/tmp/cache");
  REQUIRE(from.ok());
  CHECK(from->location.type == CacheLocation::Type::kLocal);
  CHECK(from->location.path == "/tmp/cache");

  StatusOr<CacheExportSpec> to = ParseCacheTo("type=local,dest=out");
  REQUIRE(to.ok());
  CHECK(to->location.path == "out");
  CHECK_FALSE(to->every_step);
  CHECK_FALSE(to->ignore_error);
  to = ParseCacheTo("type=local,dest=out,mode=max,ignore-error=true,oci-mediatypes=true");
  REQUIRE(to.ok());
  CHECK(to->every_step);
  CHECK(to->ignore_error);
}

TEST_CASE("cache spec: registry caches, by type=registry or a bare reference") {
  StatusOr<CacheImportSpec> bare = ParseCacheFrom("localhost:5000/app:cache");
  REQUIRE(bare.ok());
  CHECK(bare->location.type == CacheLocation::Type::kRegistry);
  CHECK(bare->location.ref == "localhost:5000/app:cache");
  StatusOr<CacheExportSpec> to = ParseCacheTo("type=registry,ref=reg.example/app,mode=max,registry.insecure=true");
  REQUIRE(to.ok());
  CHECK(to->location.ref == "reg.example/app:latest");
  CHECK(to->location.insecure);
  CHECK(to->every_step);
  CHECK(ParseCacheTo("type=registry").status().code() == StatusCode::kInvalidArgument);
  CHECK(ParseCacheFrom("type=registry,ref=UPPER/case").status().code() == StatusCode::kInvalidArgument);
}

TEST_CASE("cache spec: what mybuild cannot do is refused by name") {
  CHECK(ParseCacheTo("type=inline").status().code() == StatusCode::kUnimplemented);
  CHECK(ParseCacheTo("type=gha").status().message().find("type=gha") != std::string::npos);
  CHECK(ParseCacheFrom("type=local").status().code() == StatusCode::kInvalidArgument);
  CHECK(ParseCacheTo("type=local,src=x").status().code() == StatusCode::kInvalidArgument);
  CHECK(ParseCacheTo("type=local,dest=x,mode=all").status().code() == StatusCode::kInvalidArgument);
  CHECK(ParseCacheTo("type=local,dest=x,ignore-error=yes").status().code() == StatusCode::kInvalidArgument);
  CHECK(ParseCacheFrom("type=local,src=x,colour=blue").status().message().find("colour") != std::string::npos);
  CHECK(ParseCacheFrom("type=local,src").status().code() == StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace mybuild::cli
