# A RUN --mount target below a dangling symlink fails, as it does with runc >= 1.1.14 (the fix of
# CVE-2024-45310): libcontainer createOpenMountpoint opens the target with pathrs.OpenInRoot (ENOENT:
# /mnt2 -> /mnt-target is dangling), then pathrs.MkdirAllInRoot, whose partial lookup stops before
# "mnt2" (openat2 RESOLVE_IN_ROOT cannot resolve it) and whose mkdirat/openat2(RESOLVE_NO_SYMLINKS) of
# the link "mnt2" fails, so the container never starts ("make mountpoint "/mnt2/x": ..."). Older runc
# (SecureJoin, then MkdirAll) mounted at /mnt-target/x instead. BuildKit adds no mkdir of its own for
# mount targets (executor/stubs.go only removes the stubs runc made).
:
