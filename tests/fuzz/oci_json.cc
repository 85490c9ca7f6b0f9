// Fuzz target "oci_json": any bytes as an OCI image manifest, image index and image config (each parser
// gets the same input).
//
// Checks: each parser returns a value or an error with a message, never crashes or throws; what parses
// serialises to canonical JSON that parses back to the same value and serialises to the same bytes
// (the bytes whose digest names the manifest, so they must be stable).
#include <string>

#include "src/image/image_config.h"
#include "src/image/manifest.h"
#include "tests/fuzz/fuzz_check.h"

namespace mybuild::fuzz {
namespace {

template <typename T, typename Parse>
void CheckRoundTrip(std::string_view json, Parse parse, const char* what) {
  StatusOr<T> parsed = parse(json);
  if (!parsed.ok()) {
    FUZZ_CHECK(!parsed.status().message().empty(), what);
    return;
  }
  const std::string canonical = image::Serialize(*parsed);
  StatusOr<T> reparsed = parse(canonical);
  FUZZ_CHECK(reparsed.ok(), std::string(what) + ": its own serialisation does not parse: " +
                                reparsed.status().ToString() + "\n" + canonical);
  FUZZ_CHECK(*reparsed == *parsed, std::string(what) + " changed in a round trip through " + canonical);
  FUZZ_CHECK(image::Serialize(*reparsed) == canonical, std::string(what) + ": serialisation is not stable");
}

}  // namespace
}  // namespace mybuild::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace mybuild;
  const std::string_view json = fuzz::AsText(data, size);
  fuzz::CheckRoundTrip<image::Manifest>(json, image::ParseManifest, "manifest");
  fuzz::CheckRoundTrip<image::Index>(json, image::ParseIndex, "index");
  fuzz::CheckRoundTrip<image::ImageConfig>(json, image::ParseImageConfig, "config");
  return 0;
}
