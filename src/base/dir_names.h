// The names in a directory, read through a descriptor: every reader of directories (the diff walk, layer
// apply, tree copy, removal, the context walker, the blob store) lists them this one way.
#ifndef MYBUILD_BASE_DIR_NAMES_H_
#define MYBUILD_BASE_DIR_NAMES_H_

#include <string>
#include <vector>

#include "src/base/status.h"

namespace mybuild {

// The names of the entries of the directory `dirfd` (O_PATH descriptors work too), without "." and "..",
// sorted bytewise. `where` names the directory in errors. A failure of readdir is an error, never a
// shorter list.
StatusOr<std::vector<std::string>> DirectoryNames(int dirfd, const std::string& where);

}  // namespace mybuild

#endif  // MYBUILD_BASE_DIR_NAMES_H_
