#include "src/cli/output_spec.h"

#include "src/cli/csv_fields.h"

namespace mybuild::cli {
namespace {

// compression=, compression-level= and force-compression= (validated as true|false by the caller's loop
// afterwards, so it is read here only when well-formed).
Status ParseEncoding(std::map<std::string, std::string>& fields, OutputSpec& spec) {
  if (!fields.count("compression") && !fields.count("compression-level") && !fields.count("force-compression")) {
    return Status::Ok();
  }
  image::LayerEncoding encoding;
  if (fields.count("compression")) {
    const std::string& value = fields["compression"];
    if (value == "gzip") encoding.compression = image::Compression::kGzip;
    else if (value == "zstd") encoding.compression = image::Compression::kZstd;
    else if (value == "uncompressed") encoding.compression = image::Compression::kNone;
    else return InvalidArgument("unknown compression \"" + value + "\": expected gzip, zstd or uncompressed");
    fields.erase("compression");
  }
  if (fields.count("compression-level")) {
    const std::string& value = fields["compression-level"];
    const bool zstd = encoding.compression == image::Compression::kZstd;
    const int low = 1;
    const int high = zstd ? 19 : 9;
    int level = 0;
    size_t used = 0;
    try {
      level = std::stoi(value, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (encoding.compression == image::Compression::kNone) {
      return InvalidArgument("compression-level=" + value + " needs compression=gzip or zstd");
    }
    if (used == 0 || used != value.size() || level < low || level > high) {
      return InvalidArgument("invalid compression-level=" + value + ": expected " + std::to_string(low) + ".." +
                             std::to_string(high) + " for " + (zstd ? "zstd" : "gzip"));
    }
    (zstd ? encoding.levels.zstd_level : encoding.levels.gzip_level) = level;
    fields.erase("compression-level");
  }
  if (fields.count("force-compression")) encoding.force = fields["force-compression"] == "true";
  spec.encoding = encoding;
  return Status::Ok();
}

}  // namespace

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
  MB_RETURN_IF_ERROR(ParseEncoding(fields, spec));
  for (const char* flag : {"push", "registry.insecure", "force-compression", "oci-mediatypes"}) {
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
  fields.erase("force-compression");
  if (spec.type == OutputSpec::Type::kRegistry) spec.dest = "registry";
  // mybuild writes OCI media types only; oci-mediatypes=false (docker's) is not silently ignored.
  if (fields.count("oci-mediatypes") && fields["oci-mediatypes"] == "false") {
    return InvalidArgument("oci-mediatypes=false is not supported: mybuild writes OCI media types only");
  }
  fields.erase("oci-mediatypes");
  if (!fields.empty()) {
    return InvalidArgument("unknown output option \"" + fields.begin()->first + "\" in \"" + text + "\"");
  }
  if (spec.type != OutputSpec::Type::kImage && spec.type != OutputSpec::Type::kRegistry && spec.dest.empty()) {
    return InvalidArgument("output \"" + text + "\" needs dest=PATH (or dest=- for standard output)");
  }
  return spec;
}

std::optional<image::LayerEncoding> ExportEncoding(const std::vector<OutputSpec>& outputs) {
  for (const OutputSpec& output : outputs) {
    const bool writes_layers = output.type == OutputSpec::Type::kOci || output.type == OutputSpec::Type::kDocker ||
                               output.type == OutputSpec::Type::kRegistry;
    if (writes_layers) return output.encoding.value_or(image::LayerEncoding{});
  }
  return std::nullopt;
}

}  // namespace mybuild::cli
