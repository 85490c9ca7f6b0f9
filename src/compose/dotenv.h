// `.env` and `--env-file` files: the project's variables for interpolation, as compose reads them.
//   KEY=VALUE  export KEY=VALUE  KEY="…"  KEY='…'  # comments   (blank lines ignored)
// Unquoted values end at " #" and are trimmed; single quotes are literal; double quotes take \n \t \\ \"
// and may span lines. Unquoted and double-quoted values are interpolated (interpolation.h) from the
// variables above them in the file, then from `lookup`. A bare KEY takes `lookup`'s value when it has one.
#ifndef MYBUILD_COMPOSE_DOTENV_H_
#define MYBUILD_COMPOSE_DOTENV_H_

#include <map>
#include <string>
#include <string_view>

#include "src/base/status.h"
#include "src/compose/interpolation.h"

namespace mybuild::compose {

// Errors name `file` and the line.
StatusOr<std::map<std::string, std::string>> ParseDotEnv(std::string_view text, const std::string& file,
                                                         const VariableLookup& lookup);

}  // namespace mybuild::compose

#endif  // MYBUILD_COMPOSE_DOTENV_H_
