#!/usr/bin/env bash
# Long chaos soak by hand (root): runs the chaos test of tests/Vrrp.Samples.Tests (Chaos/ChaosTests.cs, the same code
# CI runs for a bounded number of rounds) again and again with fresh seeds until the time is up or a run fails.
#
#   sudo tests/chaos-soak.sh [--minutes N] [--rounds-per-run N] [--seed S] [--slow] [--no-keepalived] [--margin-ms N]
#                            [--strict-resume]
#
#   --minutes N          total soak time (default 30)
#   --rounds-per-run N   rounds of each run, one seed each (default 100)
#   --seed S             replay one seed (one run; use the rounds the failure printed)
#   --slow               some phases at a 1 s interval (VRRPv2 with a password when keepalived is among them)
#   --no-keepalived      vrrpd routers only
#   --margin-ms N        convergence margin over Master_Down_Interval + 2 intervals (default 1000)
#   --strict-resume      fail when a backup resumed after SIGSTOP becomes master while the master lives
#
# Every line goes to a log file (printed at the start; tail -f it). On a failure the run's report (seed, round,
# schedule so far, router states, log tails) is printed and the script exits 1.
set -uo pipefail
cd "$(dirname "$0")/.."
minutes=30 rounds=100 seed="" slow=0 keepalived=1 margin=1000 strict=0
while [ $# -gt 0 ]; do
  case "$1" in
    --minutes) minutes="$2"; shift 2 ;;
    --rounds-per-run) rounds="$2"; shift 2 ;;
    --seed) seed="$2"; shift 2 ;;
    --slow) slow=1; shift ;;
    --no-keepalived) keepalived=0; shift ;;
    --margin-ms) margin="$2"; shift 2 ;;
    --strict-resume) strict=1; shift ;;
    *) sed -n '2,18p' "$0" >&2; exit 2 ;;
  esac
done
[ "$(id -u)" = 0 ] || { echo "chaos-soak.sh needs root (network namespaces)" >&2; exit 2; }

log="$(mktemp /tmp/vrrp-chaos-soak.XXXXXX.log)"
echo "chaos soak: ${minutes} min, ${rounds} rounds per run, log $log"
dotnet build tests/Vrrp.Samples.Tests -nologo -v quiet || exit 1

deadline=$((SECONDS + minutes * 60))
runs=0
while [ $SECONDS -lt $deadline ]; do
  left=$((deadline - SECONDS))
  [ $left -ge 20 ] || break
  runs=$((runs + 1))
  VRRP_CHAOS_SEED="$seed" VRRP_CHAOS_ROUNDS="$rounds" VRRP_CHAOS_DURATION="$left" VRRP_CHAOS_SLOW="$slow" \
  VRRP_CHAOS_KEEPALIVED="$keepalived" VRRP_CHAOS_MARGIN_MS="$margin" VRRP_CHAOS_STRICT_RESUME="$strict" VRRP_CHAOS_LOG="$log" \
    dotnet test tests/Vrrp.Samples.Tests --no-build --filter "FullyQualifiedName~Vrrp.Samples.Tests.Chaos" -nologo > "$log.run" 2>&1
  status=$?
  if [ $status -ne 0 ]; then
    echo "chaos soak: run $runs FAILED:"
    sed -n '/chaos FAILED/,$p' "$log" | head -200
    grep -q "chaos FAILED" "$log" || tail -40 "$log.run"
    exit 1
  fi
  grep "rounds passed" "$log" | tail -1
  [ -z "$seed" ] || break
done
rm -f "$log.run"
total=$(grep -c "^[0-9:.]* round " "$log")
echo "chaos soak: $runs runs, $total rounds, no failure (log $log)"
