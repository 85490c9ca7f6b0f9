# Mount targets through symlinks to directories, as runc opens them (libcontainer createOpenMountpoint:
# pathrs.OpenInRoot, i.e. openat2 RESOLVE_IN_ROOT, follows /linkdir -> /real-dir and mounts the tmpfs on
# /real-dir; for /rel-linkdir/new/sub the deepest existing part is /real-dir (through the relative link)
# and MkdirAllInRoot creates new/sub there). The tmpfs contents are not in the layer; BuildKit's
# MountStubsCleaner (executor/stubs.go, fs.RootPath of each target) removes the empty stubs that the
# mount point creation left (/real-dir/new/sub, then its empty parent /real-dir/new), so only /marker
# and the links are new.
:
