#!/usr/bin/env bash
# The demo: installs what is needed, builds, starts a real cluster on loopback (the province,
# Foshan with three districts, Guangzhou with one, Dongguan without counties; one tierhubd
# process each, mutual TLS), loads a clearly synthetic data set at the cities and counties,
# lets the five departments submit their lists for a round, advances some cases, files a city's
# action plan, takes a kiln through to its exit, imports the grid company's readings, and prints
# the coordination group's progress table, who is behind, the power alerts, the provincial
# summary and the sync picture, and prints the URLs and demo login of the province's and
# Foshan's web consoles.
#   ./scripts/demo.sh            leave the cluster running (stop with deploy/down.sh)
#   ./scripts/demo.sh --down     stop it at the end
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
./scripts/build.sh
./deploy/down.sh --purge >/dev/null 2>&1 || true
./deploy/up.sh
source deploy/cluster.sh
work=$OUT/demo-files
mkdir -p "$work"

echo
echo "== synthetic enterprises and equipment, stored at the cities and counties"
declare -A COUNT=([chancheng]=120 [nanhai]=160 [shunde]=220 [zengcheng]=90 [dongguan]=180)
regions=""
for node in chancheng nanhai shunde zengcheng dongguan; do
  region=$(config_value "$node" region_code)
  ctl_as_node "$node" load-synthetic --region="$region" --count="${COUNT[$node]}"
  regions="$regions${regions:+,}$region:${COUNT[$node]}"
done

echo
echo "== MIIT defines the rounds (the plan's 2019 rounds, and one open now for the demo)"
round=DEMO-$(date +%Y%m)
ctl_dept MIIT rounds --init-plan >/dev/null
ctl_dept MIIT rounds --add="$round" --deadline="$(date -d '+30 days' +%Y-%m-%d)" \
  --title="演示轮次 (demo round)"

echo
echo "== the five departments submit their lists (ECO's as GB18030, as Excel writes it)"
declare -A DIMENSION=([DRC]=ENERGY [ECO]=ENVIRONMENT [SAMR]=QUALITY [MEM]=SAFETY [NEA]=TECHNOLOGY)
declare -A KIND=([DRC]=ENERGY_INSPECTION [ECO]=KEY_SUPERVISION [SAMR]=KEY_SUPERVISION
                 [MEM]=KEY_SUPERVISION [NEA]=EXIT_TASK)
for dept in DRC ECO SAMR MEM NEA; do
  encoding=utf-8
  [ "$dept" = ECO ] && encoding=gb18030
  "$TIERHUBCTL" demo-csv --department="$dept" --regions="$regions" \
    --out="$work/$dept.csv" --encoding="$encoding" >/dev/null
  echo "-- $dept"
  ctl_dept "$dept" submit "$work/$dept.csv" --dimension="${DIMENSION[$dept]}" \
    --kind="${KIND[$dept]}" --region=440000 --round="$round" --submission-id="$dept-$round"
done

echo
echo "== a Shunde inspector opens an energy case and puts it under rectification"
code=$(ctl_as_node shunde enterprises --region=440606 --limit=1 --json |
  /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["CREDIT_CODE"])')
ctl_as_node shunde case-open --case-id=sd-demo-001 --credit-code="$code" --region=440606 \
  --industry="$(ctl_as_node shunde enterprises --region=440606 --limit=1 --json |
    /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["INDUSTRIES"].split("、")[0])')" \
  --dimension=ENERGY --finding="单位产品能耗超限额 (synthetic finding)" --rule="GB 21252-2013" \
  --evidence=JC-DEMO-001 >/dev/null
ctl_as_node shunde case-advance --case-id=sd-demo-001 --to=rectifying --evidence=ZG-DEMO-001

year=$(date +%Y)
echo
echo "== Foshan's action plan (行动计划): two ceramics plants to exit under technology this year"
echo "   (the city files it at its own node; it reaches the province like every change)"
ctl_as_node foshan target-set --region=440600 --year="$year" --industry=陶瓷 --dimension=TECHNOLOGY \
  --enterprises=2 --checkpoints="$year-12-31" --responsible=MIIT,DRC

echo
echo "== a Shunde kiln in Table 5 is dismantled, accepted (验收) and closed: one exit of two"
kiln=$(ctl_as_node shunde enterprises --region=440606 --industry=CERAMICS --limit=1 --json |
  /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["CREDIT_CODE"])')
ctl_as_node shunde case-open --case-id=sd-demo-002 --credit-code="$kiln" --region=440606 \
  --industry=CERAMICS --dimension=TECHNOLOGY --finding="倒焰窑 (synthetic finding)" \
  --rule="表5 陶瓷" --evidence=PC-DEMO-002 >/dev/null
for state in dismantled accepted closed_exited; do
  ctl_as_node shunde case-advance --case-id=sd-demo-002 --to="$state" --evidence="DOC-$state" \
    >/dev/null
done
ctl_as_node shunde case --case-id=sd-demo-002 | head -3

echo
echo "== the grid company's readings for this month (GB18030); a closed plant that draws more"
echo "   than 1000 kWh in any month after its closure month raises a power alert"
month=$(date +%Y-%m)
operating=$(ctl_as_node shunde enterprises --region=440606 --limit=2 --json |
  /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)[-1]["CREDIT_CODE"])')
printf '统一社会信用代码,户号,月份,用电量(千瓦时)\n%s,GD-0001,%s,"18,500"\n%s,GD-0002,%s,"42,000"\n' \
  "$kiln" "$month" "$operating" "$month" | iconv -f UTF-8 -t GB18030 >"$work/grid-$month.csv"
ctl_as_node shunde power-import "$work/grid-$month.csv"

echo
echo "== waiting until every change has reached the province"
for _ in $(seq 1 300); do
  pending=$(./deploy/status.sh | awk 'NR>1 && $4!="-" {s+=$6} END {print s+0}')
  [ "$pending" = 0 ] && break
  sleep 0.2
done
sleep 1  # the coordinator merges what arrived

echo
echo "== the coordination group: progress in the province, by city"
ctl_ops gd progress --region=440000
echo
echo "== drill down: Foshan, by district"
ctl_ops gd progress --region=440600
echo
echo "== round $round: who submitted, on time or late"
ctl_ops gd round-status --round="$round" --region=440000
echo
echo "== cities behind their action plans at the year-end checkpoint (通报/约谈)"
ctl_ops gd behind --region=440000 --year="$year" --at="$year-12-31"
echo
echo "== the provincial summary (省级总结), for a clerk to open"
ctl_ops gd summary --region=440000 --year="$year" --out="$work/summary-440000-$year.xlsx"
echo
echo "== sync status of every node"
./deploy/status.sh

cat <<MSG

The web consoles (HTTPS with the demo CA's certificates: import out/demo/certs/ca.pem in the
browser, or accept the warning; docs/CONSOLE.md):
  province  https://127.0.0.1:8440/   login: demo / demo-2019    (ops:440000:demo)
  Foshan    https://127.0.0.1:8441/   login: foshan / demo-2019  (ops:440600:foshan)
  metrics   curl --cacert out/demo/certs/ca.pem -H "Authorization: Bearer \$(cat out/demo/metrics-token)" https://127.0.0.1:8440/metrics
MSG
cat <<MSG

The cluster is running. Try, from $(pwd):
  source deploy/cluster.sh
  ctl_ops gd progress --region=440606        # one district
  ctl_ops gd contradictions                  # departments that disagree
  ctl_ops foshan lists --department=ECO      # what the provincial ECO listed in Foshan
  ctl_as_node shunde case --case-id=sd-demo-001
  ctl_ops gd power-alerts --region=440000    # closed plants drawing power
  ctl_ops gd summary --region=440600 --year=$(date +%Y) --out=foshan.xlsx   # 市级年度总结
  ctl_ops gd status                          # links, acknowledged positions, lag
  ./deploy/status.sh                         # one line per node
  ./deploy/down.sh                           # stop (add --purge to delete out/demo)
MSG
if [ "${1:-}" = "--down" ]; then ./deploy/down.sh; fi
