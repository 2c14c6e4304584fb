#!/usr/bin/env bash
# Regenerates the example bootstraps in this folder with Switchboard's own CLI:
# starts a throw-away in-memory server, registers web.json, api.json and
# api-native.json, and prints the bootstraps a user on the default ports
# (HTTP 8500, xDS 8502) would get. Run from anywhere: envoy-configs/two-services/generate.sh
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$here/../.."
sb() { node "$repo/bin/switchboard.mjs" "$@"; }
http="${GEN_HTTP_ADDR:-127.0.0.1:18500}"

node "$repo/bin/switchboard.mjs" server --dev --dev-in-memory --log-level warn --http-addr "$http" --grpc-addr 127.0.0.1:0 --dns-addr off >/dev/null &
server=$!
trap 'kill "$server" 2>/dev/null; wait "$server" 2>/dev/null || true' EXIT
for _ in $(seq 100); do curl -sf "http://$http/v1/status/leader" >/dev/null && break; sleep 0.1; done
kill -0 "$server" 2>/dev/null || { echo "generate.sh: the server did not start (is $http taken? set GEN_HTTP_ADDR)" >&2; exit 1; }

for def in web api api-native; do
  curl -sf -X PUT "http://$http/v1/agent/service/register" --data-binary "@$here/$def.json"
done

sb bootstrap envoy --proxy-id web-1-sidecar-proxy --http-addr "$http" --grpc-addr 127.0.0.1:8502 --admin-bind 127.0.0.1:19000 > "$here/web-1-sidecar-proxy.bootstrap.json"
sb bootstrap envoy --proxy-id api-1-sidecar-proxy --http-addr "$http" --grpc-addr 127.0.0.1:8502 --admin-bind 127.0.0.1:19001 > "$here/api-1-sidecar-proxy.bootstrap.json"
# The gRPC bootstrap also writes the service's certificates (they belong to this throw-away CA), so they go to a
# temporary folder, and the example shows the path a real deployment would use.
certs="$(mktemp -d)"
sb bootstrap grpc --service-id api-native-1 --cert-dir "$certs" --http-addr "$http" --grpc-addr 127.0.0.1:8502 |
  sed "s#$certs#/etc/switchboard/certs/api-native#g" > "$here/api-native-1.grpc-bootstrap.json"
rm -rf "$certs"
echo "wrote $(cd "$here" && ls ./*.bootstrap.json ./*.grpc-bootstrap.json | tr '\n' ' ')"
