#!/usr/bin/env bash
# Development certificate authority for tierhub (NOT for production keys).
#
#   deploy/dev-ca.sh DIR init                         make DIR/ca.{key,pem} if absent
#   deploy/dev-ca.sh DIR node NODE_ID REGION           node certificate (server + client use)
#   deploy/dev-ca.sh DIR dept DEPT REGION USER         department client certificate
#   deploy/dev-ca.sh DIR ops REGION USER               operator client certificate
#
# Identity travels in the certificate's common name, which every node checks:
#   node:<region>:<node_id>     e.g. node:440606:gd-440606
#   dept:<DEPT>:<region>:<user> e.g. dept:ECO:440000:clerk1
#   ops:<region>:<user>
# Files: DIR/<name>.pem and DIR/<name>.key, where <name> is the node id or DEPT-REGION-USER.
set -euo pipefail
dir=${1:?usage: dev-ca.sh DIR init|node|dept|ops ...}
cmd=${2:?usage: dev-ca.sh DIR init|node|dept|ops ...}
mkdir -p "$dir"
days=825

init_ca() {
  [ -f "$dir/ca.pem" ] && return 0
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
    -keyout "$dir/ca.key" -out "$dir/ca.pem" -days 3650 \
    -subj "/O=tierhub dev CA/CN=tierhub dev CA" 2>/dev/null
  chmod 600 "$dir/ca.key"
  echo "dev-ca: created $dir/ca.pem"
}

issue() {  # name common_name
  local name=$1 cn=$2
  init_ca
  local ext
  ext=$(mktemp)
  printf 'subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1\nextendedKeyUsage=serverAuth,clientAuth\nbasicConstraints=CA:FALSE\n' >"$ext"
  openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
    -keyout "$dir/$name.key" -out "$dir/$name.csr" -subj "/O=tierhub/CN=$cn" 2>/dev/null
  openssl x509 -req -in "$dir/$name.csr" -CA "$dir/ca.pem" -CAkey "$dir/ca.key" \
    -CAcreateserial -out "$dir/$name.pem" -days "$days" -extfile "$ext" 2>/dev/null
  rm -f "$dir/$name.csr" "$ext"
  chmod 600 "$dir/$name.key"
  echo "dev-ca: issued $dir/$name.pem for $cn"
}

case "$cmd" in
  init) init_ca ;;
  node) issue "${3:?node id}" "node:${4:?region}:$3" ;;
  dept) issue "${3:?dept}-${4:?region}-${5:?user}" "dept:$3:$4:$5" ;;
  ops) issue "ops-${3:?region}-${4:?user}" "ops:$3:$4" ;;
  *) echo "dev-ca: unknown command '$cmd' (init, node, dept, ops)" >&2; exit 2 ;;
esac
