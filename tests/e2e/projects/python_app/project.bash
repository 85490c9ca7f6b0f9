# A python app on Debian's python3 and python3-yaml, run by a system user, with a HEALTHCHECK in exec form.
expect_output="bonjour from python 3.11 with yaml, c
as app in /srv/app, HOME=/srv/app"  # after the edit
edit_project() { sed -i 's/greeting: hello/greeting: bonjour/' "$1/config.yaml"; }
expect_ran_after_edit='COPY --chown=app:app config.yaml app.py ./'
check_image() {
  assert_eq app "$(jq -r .config.User "$1")" "USER is in the image config"
  assert_eq '["CMD","python3","-c","import yaml; print('"'healthy'"')"]' "$(jq -c .config.Healthcheck.Test "$1")" \
    "the exec-form HEALTHCHECK is in the image config"
  assert_eq "10000000000 2000000000" "$(jq -r '.config.Healthcheck | "\(.Interval) \(.StartPeriod)"' "$1")" \
    "the HEALTHCHECK options are in the image config (nanoseconds)"
  runc_run "$2" python3 -c "import yaml; print('healthy')"
  assert_eq healthy "$RUNC_OUTPUT" "the HEALTHCHECK command passes in the container, as the user"
}
