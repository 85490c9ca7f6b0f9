# apt-get install ca-certificates curl (a certificate and its symlink have non-ASCII names), a COPY of
# the app, a HEALTHCHECK run with curl.
cert='NetLock_Arany_=Class_Gold=_Főtanúsítvány'
expect_output="hello again from curl
CA bundle: more than 100 certificates
$cert.pem -> /usr/share/ca-certificates/mozilla/$cert.crt (-----BEGIN CERTIFICATE-----)"  # after the edit
edit_project() { echo "hello again from curl" >"$1/greeting.txt"; }
expect_ran_after_edit='COPY greeting.txt check.sh ./'
check_image() {  # check_image CONFIG_JSON BUNDLE
  assert_eq '["CMD-SHELL","curl -fsS file:///app/greeting.txt >/dev/null || exit 1"]' \
    "$(jq -c .config.Healthcheck.Test "$1")" "the HEALTHCHECK command is in the image config"
  assert_eq "30000000000 5000000000 3" "$(jq -r '.config.Healthcheck | "\(.Interval) \(.Timeout) \(.Retries)"' "$1")" \
    "the HEALTHCHECK options are in the image config (nanoseconds)"
  runc_run "$2" /bin/sh -c 'curl -fsS file:///app/greeting.txt >/dev/null || exit 1; echo healthy'
  assert_eq healthy "$RUNC_OUTPUT" "the HEALTHCHECK command passes in the container"
}
