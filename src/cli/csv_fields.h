// The KEY=VALUE,KEY=VALUE option strings of docker's -o, --cache-from, --cache-to and --secret flags.
#ifndef MYBUILD_CLI_CSV_FIELDS_H_
#define MYBUILD_CLI_CSV_FIELDS_H_

#include <map>
#include <string>
#include <string_view>

#include "src/base/status.h"

namespace mybuild::cli {

// Splits `text` at commas into KEY=VALUE fields (a later key replaces an earlier one). A field without
// '=' right after a `list_key` field continues its value (BuildKit's `name=a,b`); any other field without
// '=' is kInvalidArgument naming `what` ("output", "cache source" …) and the field.
StatusOr<std::map<std::string, std::string>> ParseCsvFields(const std::string& text, std::string_view what,
                                                            std::string_view list_key = {});

}  // namespace mybuild::cli

#endif  // MYBUILD_CLI_CSV_FIELDS_H_
