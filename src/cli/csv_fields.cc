#include "src/cli/csv_fields.h"

#include <sstream>

namespace mybuild::cli {

StatusOr<std::map<std::string, std::string>> ParseCsvFields(const std::string& text, std::string_view what,
                                                            std::string_view list_key) {
  std::map<std::string, std::string> fields;
  std::stringstream stream(text);
  std::string field;
  std::string last_key;
  while (std::getline(stream, field, ',')) {
    size_t equals = field.find('=');
    if (equals == std::string::npos && !list_key.empty() && last_key == list_key) {
      fields[last_key] += "," + field;
      continue;
    }
    if (equals == std::string::npos) {
      return InvalidArgument("invalid " + std::string(what) + " \"" + text + "\": expected KEY=VALUE pairs, got \"" +
                             field + "\"");
    }
    last_key = field.substr(0, equals);
    fields[last_key] = field.substr(equals + 1);
  }
  return fields;
}

}  // namespace mybuild::cli
