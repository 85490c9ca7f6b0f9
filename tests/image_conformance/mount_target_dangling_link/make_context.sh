# runc resolves a mount destination with securejoin.SecureJoin inside the rootfs (libcontainer
# mountToRootfs): /mnt2/x below the dangling /mnt2 -> /mnt-target is mounted at /mnt-target/x (created),
# and a target that is a symlink to a directory is mounted on that directory. BuildKit's
# MountStubsCleaner (executor/stubs.go, recursive for Dockerfile RUNs) resolves the same path with
# fs.RootPath and removes the empty stubs it created (/mnt-target/x, /mnt-target) after the step; the
# tmpfs contents are not in the layer and the links stay links.
:
