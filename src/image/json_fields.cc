#include "src/image/json_fields.h"

namespace mybuild::image::json_fields {
namespace {

const nlohmann::json* Find(const nlohmann::json& json, const char* key) {
  auto it = json.find(key);
  if (it == json.end() || it->is_null()) return nullptr;
  return &*it;
}

Status WrongType(const std::string& where, const char* key, const char* expected) {
  return InvalidArgument(where + "." + key + ": expected " + expected);
}

}  // namespace

Status RequireObject(const nlohmann::json& json, const std::string& where) {
  if (!json.is_object()) return InvalidArgument(where + ": expected a JSON object");
  return Status::Ok();
}

Status GetString(const nlohmann::json& json, const char* key, const std::string& where, std::string& out) {
  const nlohmann::json* value = Find(json, key);
  if (!value) return Status::Ok();
  if (!value->is_string()) return WrongType(where, key, "a string");
  out = value->get<std::string>();
  return Status::Ok();
}

Status GetInt(const nlohmann::json& json, const char* key, const std::string& where, int64_t& out) {
  const nlohmann::json* value = Find(json, key);
  if (!value) return Status::Ok();
  if (!value->is_number_integer()) return WrongType(where, key, "an integer");
  if (value->is_number_unsigned() && value->get<uint64_t>() > static_cast<uint64_t>(INT64_MAX)) {
    return WrongType(where, key, "an integer below 2^63");
  }
  out = value->get<int64_t>();
  return Status::Ok();
}

Status GetBool(const nlohmann::json& json, const char* key, const std::string& where, bool& out) {
  const nlohmann::json* value = Find(json, key);
  if (!value) return Status::Ok();
  if (!value->is_boolean()) return WrongType(where, key, "true or false");
  out = value->get<bool>();
  return Status::Ok();
}

Status GetStrings(const nlohmann::json& json, const char* key, const std::string& where,
                  std::vector<std::string>& out) {
  const nlohmann::json* value = Find(json, key);
  if (!value) return Status::Ok();
  if (!value->is_array()) return WrongType(where, key, "an array of strings");
  out.clear();
  for (const auto& item : *value) {
    if (!item.is_string()) return WrongType(where, key, "an array of strings");
    out.push_back(item.get<std::string>());
  }
  return Status::Ok();
}

Status GetStringMap(const nlohmann::json& json, const char* key, const std::string& where,
                    std::map<std::string, std::string>& out) {
  const nlohmann::json* value = Find(json, key);
  if (!value) return Status::Ok();
  if (!value->is_object()) return WrongType(where, key, "an object of strings");
  out.clear();
  for (const auto& [name, item] : value->items()) {
    if (!item.is_string()) return WrongType(where, key, "an object of strings");
    out[name] = item.get<std::string>();
  }
  return Status::Ok();
}

Status GetKeySet(const nlohmann::json& json, const char* key, const std::string& where,
                 std::vector<std::string>& out) {
  const nlohmann::json* value = Find(json, key);
  if (!value) return Status::Ok();
  if (!value->is_object()) return WrongType(where, key, "an object");
  out.clear();
  for (const auto& [name, item] : value->items()) out.push_back(name);
  return Status::Ok();
}

}  // namespace mybuild::image::json_fields
