#include "src/engine/pty_pair.h"

#include <fcntl.h>
#include <stdlib.h>

#include <string>

namespace mybuild::engine {

StatusOr<PtyPair> OpenPtyPair() {
  PtyPair pty;
  pty.master = UniqueFd(posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC));
  if (!pty.master.valid()) return ErrnoError("posix_openpt");
  if (grantpt(pty.master.get()) < 0 || unlockpt(pty.master.get()) < 0) return ErrnoError("unlockpt");
  char name[128];
  if (ptsname_r(pty.master.get(), name, sizeof name) != 0) return ErrnoError("ptsname_r");
  pty.slave = UniqueFd(open(name, O_RDWR | O_NOCTTY | O_CLOEXEC));
  if (!pty.slave.valid()) return ErrnoError(std::string("open ") + name);
  return pty;
}

}  // namespace mybuild::engine
