#include "src/cli/cache_spec.h"

#include <map>

#include "src/cli/csv_fields.h"
#include "src/image/reference.h"

namespace mybuild::cli {
namespace {

using Fields = std::map<std::string, std::string>;

StatusOr<bool> ParseBool(const std::string& value, const std::string& what) {
  if (value == "true") return true;
  if (value == "false") return false;
  return InvalidArgument(what + "=" + value + ": expected true or false");
}

// The location fields of a spec (type, `path_key` or ref, registry.insecure), removed from `fields`.
StatusOr<CacheLocation> TakeLocation(Fields& fields, const std::string& flag, const char* path_key,
                                     const std::string& text) {
  const std::string type = fields.count("type") ? fields["type"] : "registry";
  fields.erase("type");
  CacheLocation location;
  if (type == "local") {
    location.path = fields[path_key];
    fields.erase(path_key);
    if (location.path.empty()) return InvalidArgument(flag + " \"" + text + "\" needs " + path_key + "=DIR");
    return location;
  }
  if (type != "registry") {
    return Unimplemented(flag + " type=" + type + " is not supported; use type=local or type=registry");
  }
  location.type = CacheLocation::Type::kRegistry;
  if (fields["ref"].empty()) return InvalidArgument(flag + " \"" + text + "\" needs ref=NAME[:TAG]");
  StatusOr<std::string> ref = image::NormalizeReference(fields["ref"]);
  if (!ref.ok()) return ref.status().WithContext(flag + " ref");
  location.ref = *ref;
  fields.erase("ref");
  if (fields.count("registry.insecure")) {
    MB_ASSIGN_OR_RETURN(location.insecure, ParseBool(fields["registry.insecure"], "registry.insecure"));
    fields.erase("registry.insecure");
  }
  return location;
}

// A bare value is an image reference: type=registry,ref=VALUE (as buildx reads it).
StatusOr<Fields> FieldsOf(const std::string& text, const std::string& flag) {
  if (text.find('=') == std::string::npos) return Fields{{"type", "registry"}, {"ref", text}};
  return ParseCsvFields(text, flag + " value");
}

Status RejectUnknown(const Fields& fields, const std::string& flag, const std::string& text) {
  if (fields.empty()) return Status::Ok();
  return InvalidArgument("unknown " + flag + " option \"" + fields.begin()->first + "\" in \"" + text + "\"");
}

}  // namespace

StatusOr<CacheImportSpec> ParseCacheFrom(const std::string& text) {
  const std::string flag = "--cache-from";
  MB_ASSIGN_OR_RETURN(Fields fields, FieldsOf(text, flag));
  CacheImportSpec spec;
  MB_ASSIGN_OR_RETURN(spec.location, TakeLocation(fields, flag, "src", text));
  MB_RETURN_IF_ERROR(RejectUnknown(fields, flag, text));
  return spec;
}

StatusOr<CacheExportSpec> ParseCacheTo(const std::string& text) {
  const std::string flag = "--cache-to";
  MB_ASSIGN_OR_RETURN(Fields fields, FieldsOf(text, flag));
  CacheExportSpec spec;
  MB_ASSIGN_OR_RETURN(spec.location, TakeLocation(fields, flag, "dest", text));
  if (fields.count("mode")) {
    const std::string mode = fields["mode"];
    if (mode != "min" && mode != "max") return InvalidArgument(flag + " mode=" + mode + ": expected min or max");
    spec.every_step = mode == "max";
    fields.erase("mode");
  }
  if (fields.count("ignore-error")) {
    MB_ASSIGN_OR_RETURN(spec.ignore_error, ParseBool(fields["ignore-error"], "ignore-error"));
    fields.erase("ignore-error");
  }
  // Layout choices BuildKit offers that mybuild's one artifact format makes moot.
  fields.erase("oci-mediatypes");
  fields.erase("image-manifest");
  MB_RETURN_IF_ERROR(RejectUnknown(fields, flag, text));
  return spec;
}

}  // namespace mybuild::cli
