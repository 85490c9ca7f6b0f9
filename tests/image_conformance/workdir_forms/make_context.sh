# WORKDIR forms as BuildKit handles them. The config keeps an absolute path as written
# (system.NormalizeWorkdir joins only relative ones: "/lnk/../x", "/tmp/"), a relative one is joined to
# the previous and cleaned (path.Join: "sub/" -> /tmp/sub, "$D/../v" -> /tmp/sub/v), and the history
# says the same. The WORKDIR layer's mkdir gets the path cleaned lexically first (llb normalizePath:
# /lnk/../x -> /x, then fs.RootPath), so /x is made. A RUN's cwd is the path as written, resolved by
# the executor with fs.RootPath (runcexecutor: links first, then ".." from the link's target:
# /lnk/../x -> /usr/x, made with MkdirAllAndChown when missing), and runc chdirs to it in the
# container, where the kernel resolves it the same way: pwd prints /usr/x and /usr/x is in the layer.
# "/gone/../made": the WORKDIR layer makes /made only; before its chdir runc's prepareRootfs runs
# os.MkdirAll on the cwd as written inside the container, which makes /gone too (the RUN's layer).
:
