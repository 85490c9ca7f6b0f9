#include "src/base/tar_names.h"

#include <cstring>

namespace mybuild::base {
namespace {

// One C.UTF-8 LC_CTYPE for the whole process, never freed (threads may use it until exit).
locale_t Utf8Ctype() {
  static const locale_t kLocale = [] {
    locale_t l = newlocale(LC_CTYPE_MASK, "C.UTF-8", static_cast<locale_t>(0));
    if (l == static_cast<locale_t>(0)) l = newlocale(LC_CTYPE_MASK, "C.utf8", static_cast<locale_t>(0));
    return l;
  }();
  return kLocale;
}

}  // namespace

TarNameScope::TarNameScope() {
  locale_t utf8 = Utf8Ctype();
  if (utf8 != static_cast<locale_t>(0)) previous_ = uselocale(utf8);
}

TarNameScope::~TarNameScope() {
  if (previous_ != nullptr) uselocale(previous_);
}

bool IsNameTranslationWarning(int archive_status, const char* error_string) {
  constexpr int kArchiveWarn = -20;  // ARCHIVE_WARN; this header does not include archive.h
  static constexpr std::string_view kPrefix = "Can't translate ";
  return archive_status == kArchiveWarn && error_string != nullptr &&
         std::strncmp(error_string, kPrefix.data(), kPrefix.size()) == 0;
}

}  // namespace mybuild::base
