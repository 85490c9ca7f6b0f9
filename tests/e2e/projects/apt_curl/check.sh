#!/bin/sh
# Reads a file through curl and checks the CA bundle and its non-ASCII certificate names.
set -e
curl -fsS file:///app/greeting.txt
count=$(grep -c 'BEGIN CERTIFICATE' /etc/ssl/certs/ca-certificates.crt)
[ "$count" -gt 100 ] && echo "CA bundle: more than 100 certificates"
cd /etc/ssl/certs
for link in NetLock_Arany_*.pem; do
  echo "$link -> $(readlink "$link") ($(head -n 1 "$link"))"
done
