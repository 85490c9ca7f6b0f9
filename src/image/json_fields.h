// Internal to src/image: typed, non-throwing reads of optional JSON object fields. Each returns an
// error naming `where.key` when the field exists with the wrong type; an absent or null field leaves
// `out` unchanged.
#ifndef MYBUILD_IMAGE_JSON_FIELDS_H_
#define MYBUILD_IMAGE_JSON_FIELDS_H_

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "src/base/status.h"

namespace mybuild::image::json_fields {

Status RequireObject(const nlohmann::json& json, const std::string& where);
Status GetString(const nlohmann::json& json, const char* key, const std::string& where, std::string& out);
Status GetInt(const nlohmann::json& json, const char* key, const std::string& where, int64_t& out);
Status GetBool(const nlohmann::json& json, const char* key, const std::string& where, bool& out);
Status GetStrings(const nlohmann::json& json, const char* key, const std::string& where,
                  std::vector<std::string>& out);
Status GetStringMap(const nlohmann::json& json, const char* key, const std::string& where,
                    std::map<std::string, std::string>& out);
// An object whose values are ignored ({"80/tcp": {}}): returns its keys.
Status GetKeySet(const nlohmann::json& json, const char* key, const std::string& where,
                 std::vector<std::string>& out);

}  // namespace mybuild::image::json_fields

#endif  // MYBUILD_IMAGE_JSON_FIELDS_H_
