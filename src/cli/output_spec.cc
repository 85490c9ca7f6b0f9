#include "src/cli/output_spec.h"

#include "src/cli/csv_fields.h"

namespace mybuild::cli {

StatusOr<OutputSpec> ParseOutputSpec(const std::string& text) {
  OutputSpec spec;
  if (text == "-") {
    spec.type = OutputSpec::Type::kTar;
    spec.dest = "-";
    return spec;
  }
  if (text.find('=') == std::string::npos) {
    spec.type = OutputSpec::Type::kLocal;
    spec.dest = text;
    return spec;
  }
  MB_ASSIGN_OR_RETURN(auto fields, ParseCsvFields(text, "output", "name"));  // name=a,b: several names
  const std::string type = fields.count("type") ? fields["type"] : "local";
  if (type == "oci") spec.type = OutputSpec::Type::kOci;
  else if (type == "docker") spec.type = OutputSpec::Type::kDocker;
  else if (type == "local") spec.type = OutputSpec::Type::kLocal;
  else if (type == "tar") spec.type = OutputSpec::Type::kTar;
  else if (type == "image") spec.type = OutputSpec::Type::kImage;
  else if (type == "registry") spec.type = OutputSpec::Type::kRegistry;
  else return InvalidArgument("unknown output type \"" + type + "\": expected oci, docker, local, tar, image or registry");
  fields.erase("type");
  if (fields.count("dest")) spec.dest = fields["dest"];
  fields.erase("dest");
  if (fields.count("name")) spec.name = fields["name"];
  fields.erase("name");
  if (fields.count("compression")) {
    const std::string& value = fields["compression"];
    if (value == "gzip") spec.compression = image::Compression::kGzip;
    else if (value == "zstd") spec.compression = image::Compression::kZstd;
    else if (value == "uncompressed") spec.compression = image::Compression::kNone;
    else return InvalidArgument("unknown compression \"" + value + "\": expected gzip, zstd or uncompressed");
    fields.erase("compression");
  }
  for (const char* flag : {"push", "registry.insecure"}) {
    if (!fields.count(flag)) continue;
    if (fields[flag] != "true" && fields[flag] != "false") {
      return InvalidArgument(std::string("invalid ") + flag + "=" + fields[flag] + ": expected true or false");
    }
  }
  if (fields.count("push") && fields["push"] == "true" && spec.type == OutputSpec::Type::kImage) {
    spec.type = OutputSpec::Type::kRegistry;
  }
  spec.insecure = fields.count("registry.insecure") && fields["registry.insecure"] == "true";
  fields.erase("push");
  fields.erase("registry.insecure");
  if (spec.type == OutputSpec::Type::kRegistry) spec.dest = "registry";
  fields.erase("compression-level");
  fields.erase("force-compression");
  fields.erase("oci-mediatypes");
  if (!fields.empty()) {
    return InvalidArgument("unknown output option \"" + fields.begin()->first + "\" in \"" + text + "\"");
  }
  if (spec.type != OutputSpec::Type::kImage && spec.type != OutputSpec::Type::kRegistry && spec.dest.empty()) {
    return InvalidArgument("output \"" + text + "\" needs dest=PATH (or dest=- for standard output)");
  }
  return spec;
}

}  // namespace mybuild::cli
