# npm ci from a package-lock.json (one small package from the npm registry) in a build stage, the app
# copied into a stage without npm, run by a non-root USER.
needs_npm_registry=1
build_flags=(--secret id=ca-certificates,src=/etc/ssl/certs/ca-certificates.crt)  # the host's trust, for a proxy
expect_output="hello again from node: 1.5h is 5400000 ms
as app (1001) in /home/app/server"  # after the edit
edit_project() { sed -i 's/hello from node/hello again from node/' "$1/server.js"; }
expect_ran_after_edit='COPY --chown=app:app package.json server.js ./'
check_image() {
  assert_eq app "$(jq -r .config.User "$1")" "USER is in the image config"
  assert_eq "1001:1001" "$(stat -c %u:%g "$2/rootfs/home/app/server/server.js")" "COPY --chown gives the app's files to the user"
  [ -f "$2/rootfs/home/app/server/node_modules/ms/index.js" ] || fail "npm ci's node_modules is copied from the deps stage"
  pass "npm ci's node_modules is copied from the deps stage"
  [ ! -e "$2/rootfs/usr/bin/npm" ] || fail "the final stage has no npm"
  pass "the final stage has no npm"
}
