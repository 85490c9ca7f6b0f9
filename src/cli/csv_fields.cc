#include "src/cli/csv_fields.h"

#include <sstream>

namespace mybuild::cli {

StatusOr<std::map<std::string, std::string>> ParseCsvFields(const std::string& text, std::string_view what) {
  std::map<std::string, std::string> fields;
  std::stringstream stream(text);
  std::string field;
  while (std::getline(stream, field, ',')) {
    size_t equals = field.find('=');
    if (equals == std::string::npos) {
      return InvalidArgument("invalid " + std::string(what) + " \"" + text + "\": expected KEY=VALUE pairs, got \"" +
                             field + "\"");
    }
    fields[field.substr(0, equals)] = field.substr(equals + 1);
  }
  return fields;
}

}  // namespace mybuild::cli
