// File names in tar archives are bytes, whatever the process locale.
//
// libarchive converts every pax `path`/`linkpath` record between UTF-8 and the calling thread's LC_CTYPE
// charset. In the C locale (how mybuild usually runs) any byte >= 0x80 fails that conversion: a layer with
// `f\xc3\xa9.txt` could neither be written nor read. The contract of every tar writer and reader of mybuild:
//   - valid UTF-8 names and link targets are written as they are in `path`/`linkpath` records (what Go's
//     archive/tar, the reference, writes) and read back as the same bytes;
//   - a name that is not valid UTF-8 (e.g. byte 0xff) makes libarchive fall back to `hdrcharset=BINARY` for
//     that one entry (raw bytes, ARCHIVE_WARN "Can't translate ..."); writers accept exactly that warning
//     (IsNameTranslationWarning) and readers get the raw bytes back;
//   - the bytes of a layer do not depend on the locale of the process.
// Every libarchive writer and reader runs inside a TarNameScope, which gives the calling thread a C.UTF-8
// LC_CTYPE (uselocale: per thread, so other threads and the process locale are untouched) for its lifetime.
// libarchive caches the charset per archive object at its first conversion, so the scope must cover the
// archive from creation to its last header.
#pragma once

#include <locale.h>

#include <string_view>

namespace mybuild::base {

class TarNameScope {
 public:
  TarNameScope();
  ~TarNameScope();
  TarNameScope(const TarNameScope&) = delete;
  TarNameScope& operator=(const TarNameScope&) = delete;

  // False when the C library has no C.UTF-8 locale: names that are not ASCII then take the BINARY path.
  bool utf8() const { return previous_ != nullptr; }

 private:
  locale_t previous_ = nullptr;
};

// True for libarchive's warning that a name was written in binary mode (`hdrcharset=BINARY`) because it is
// not valid UTF-8: the entry was written completely, with its bytes unchanged.
bool IsNameTranslationWarning(int archive_status, const char* error_string);

}  // namespace mybuild::base
