#include "src/cli/cache_spec.h"

#include <map>

#include "src/cli/csv_fields.h"

namespace mybuild::cli {
namespace {

// The fields of a type=local spec, with `path_key` (src or dest) required and `type` removed.
StatusOr<std::map<std::string, std::string>> LocalFields(const std::string& text, const char* flag,
                                                         const char* path_key) {
  if (text.find('=') == std::string::npos) {
    return Unimplemented(std::string(flag) + " " + text +
                         ": caches in registries are not supported; use type=local," + path_key + "=DIR");
  }
  MB_ASSIGN_OR_RETURN(auto fields, ParseCsvFields(text, std::string(flag) + " value"));
  const std::string type = fields.count("type") ? fields["type"] : "registry";
  if (type != "local") {
    return Unimplemented(std::string(flag) + " type=" + type + " is not supported; use type=local," + path_key +
                         "=DIR");
  }
  fields.erase("type");
  if (fields[path_key].empty()) {
    return InvalidArgument(std::string(flag) + " \"" + text + "\" needs " + path_key + "=DIR");
  }
  return fields;
}

Status RejectUnknown(const std::map<std::string, std::string>& fields, const char* flag, const std::string& text) {
  if (fields.empty()) return Status::Ok();
  return InvalidArgument("unknown " + std::string(flag) + " option \"" + fields.begin()->first + "\" in \"" + text +
                         "\"");
}

StatusOr<bool> ParseBool(const std::string& value, const std::string& what) {
  if (value == "true") return true;
  if (value == "false") return false;
  return InvalidArgument(what + "=" + value + ": expected true or false");
}

}  // namespace

StatusOr<CacheImportSpec> ParseCacheFrom(const std::string& text) {
  MB_ASSIGN_OR_RETURN(auto fields, LocalFields(text, "--cache-from", "src"));
  CacheImportSpec spec;
  spec.src = fields["src"];
  fields.erase("src");
  MB_RETURN_IF_ERROR(RejectUnknown(fields, "--cache-from", text));
  return spec;
}

StatusOr<CacheExportSpec> ParseCacheTo(const std::string& text) {
  MB_ASSIGN_OR_RETURN(auto fields, LocalFields(text, "--cache-to", "dest"));
  CacheExportSpec spec;
  spec.dest = fields["dest"];
  fields.erase("dest");
  if (fields.count("mode")) {
    const std::string mode = fields["mode"];
    if (mode != "min" && mode != "max") return InvalidArgument("--cache-to mode=" + mode + ": expected min or max");
    spec.every_step = mode == "max";
    fields.erase("mode");
  }
  if (fields.count("ignore-error")) {
    MB_ASSIGN_OR_RETURN(spec.ignore_error, ParseBool(fields["ignore-error"], "ignore-error"));
    fields.erase("ignore-error");
  }
  // Layout choices BuildKit offers that the directory format makes moot.
  fields.erase("oci-mediatypes");
  fields.erase("image-manifest");
  MB_RETURN_IF_ERROR(RejectUnknown(fields, "--cache-to", text));
  return spec;
}

}  // namespace mybuild::cli
