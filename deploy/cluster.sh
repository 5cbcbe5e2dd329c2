# Shared by up.sh, down.sh and status.sh: where the demo cluster's files live.
# shellcheck shell=bash
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BIN=${BUILD_DIR:-$ROOT/build}
CONFIG_DIR=${CONFIG_DIR:-$ROOT/deploy/demo}
OUT=${OUT:-$ROOT/out/demo}
# Parents before children. NODES_LIST (space-separated) replaces them, e.g. for the whole
# province (deploy/guangdong/up-local.sh).
if [ -n "${NODES_LIST:-}" ]; then
  read -r -a NODES <<<"$NODES_LIST"
else
  NODES=(gd foshan guangzhou dongguan chancheng nanhai shunde zengcheng)
fi
TIERHUBD=$BIN/services/node/tierhubd
TIERHUBCTL=$BIN/clients/tierhubctl/tierhubctl

config_value() {  # node field
  sed -n "s/^$2: \"\{0,1\}\([^\"]*\)\"\{0,1\}$/\1/p" "$CONFIG_DIR/$1.textproto" | head -n 1
}

# tierhubctl as the province operator, against node $1.
ctl_ops() {
  local node=$1; shift
  "$TIERHUBCTL" "$@" --node="$(config_value "$node" listen_address)" \
    --ca="$OUT/certs/ca.pem" --cert="$OUT/certs/ops-440000-demo.pem" \
    --key="$OUT/certs/ops-440000-demo.key"
}

# tierhubctl with node $1's own certificate (a city or county system writing to its node).
ctl_as_node() {
  local node=$1; shift
  "$TIERHUBCTL" "$@" --node="$(config_value "$node" listen_address)" \
    --ca="$OUT/certs/ca.pem" --cert="$OUT/certs/$node.pem" --key="$OUT/certs/$node.key"
}

# tierhubctl as a provincial department's clerk (MIIT, DRC, ECO, SAMR, MEM, NEA) at the province.
ctl_dept() {
  local dept=$1; shift
  "$TIERHUBCTL" "$@" --node="$(config_value gd listen_address)" \
    --ca="$OUT/certs/ca.pem" --cert="$OUT/certs/$dept-440000-clerk.pem" \
    --key="$OUT/certs/$dept-440000-clerk.key"
}
