# A command-line tool: ENTRYPOINT with default CMD arguments, the tool found through ENV PATH, USER uid:gid
# made in a heredoc RUN, SHELL bash -o pipefail.
expect_output="tool v2 greets world, as runner:tools in /opt/tool; self-test passed"  # after the edit
edit_project() { sed -i 's/tool v1/tool v2/' "$1/tool.sh"; }
expect_ran_after_edit='COPY --chmod=0755 tool.sh bin/tool
RUN tool --self-test | tee /opt/tool/self-test.txt'
check_image() {
  assert_eq '["tool"] ["--greet","world"] runner:tools SIGINT /opt/tool' \
    "$(jq -r '.config | "\(.Entrypoint | tojson) \(.Cmd | tojson) \(.User) \(.StopSignal) \(.WorkingDir)"' "$1")" \
    "ENTRYPOINT, CMD, USER, STOPSIGNAL and WORKDIR are in the image config"
  assert_eq "PATH=/opt/tool/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin APP_HOME=/opt/tool" \
    "$(jq -r '.config.Env | join(" ")' "$1")" "ENV replaces PATH in place and appends APP_HOME, as docker does"
  assert_eq '["/bin/bash","-o","pipefail","-c"]' "$(jq -c .config.Shell "$1")" "SHELL is in the image config"
  assert_eq "755 0:0" "$(stat -c '%a %u:%g' "$2/rootfs/opt/tool/bin/tool")" "COPY --chmod sets the tool's mode"
  runc_run "$2" tool --greet again
  assert_eq "tool v2 greets again, as runner:tools in /opt/tool; self-test passed" "$RUNC_OUTPUT" \
    "the ENTRYPOINT with other arguments than CMD's (as docker run IMAGE --greet again)"
}
