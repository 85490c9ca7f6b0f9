#include "src/cli/cache_spec.h"

#include <doctest/doctest.h>

namespace mybuild::cli {
namespace {

TEST_CASE("cache spec: type=local sources and destinations as buildx spells them") {
  StatusOr<CacheImportSpec> from = ParseCacheFrom("type=local,src=/tmp/cache");
  REQUIRE(from.ok());
  CHECK(from->src == "/tmp/cache");

  StatusOr<CacheExportSpec> to = ParseCacheTo("type=local,dest=out");
  REQUIRE(to.ok());
  CHECK(to->dest == "out");
  CHECK_FALSE(to->every_step);
  CHECK_FALSE(to->ignore_error);
  to = ParseCacheTo("type=local,dest=out,mode=max,ignore-error=true,oci-mediatypes=true");
  REQUIRE(to.ok());
  CHECK(to->every_step);
  CHECK(to->ignore_error);
}

TEST_CASE("cache spec: what mybuild cannot do is refused by name") {
  CHECK(ParseCacheFrom("user/app:cache").status().code() == StatusCode::kUnimplemented);
  CHECK(ParseCacheFrom("type=registry,ref=user/app:cache").status().code() == StatusCode::kUnimplemented);
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
