// Standard base64 (RFC 4648, with padding), for Basic credentials and the "auth" field of auth files.
#ifndef MYBUILD_REGISTRY_BASE64_H_
#define MYBUILD_REGISTRY_BASE64_H_

#include <string>
#include <string_view>

#include "src/base/status.h"

namespace mybuild::registry {

std::string Base64Encode(std::string_view bytes);
// kInvalidArgument for characters outside the alphabet or a bad length; whitespace is not allowed.
StatusOr<std::string> Base64Decode(std::string_view text);

}  // namespace mybuild::registry

#endif  // MYBUILD_REGISTRY_BASE64_H_
