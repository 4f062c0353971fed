#!/usr/bin/env bash
# Starts munge and a one-node SLURM (slurmctld + slurmd) with the configuration beside this script, for the tests and
# for trying `unet slurm` on one machine. Needs root and Debian's packages:
#   apt-get install -y --no-install-recommends slurmctld slurmd slurm-client munge
# Usage: start-slurm.sh STATE_DIR   -> prints the SLURM_CONF to export for sbatch/squeue/scontrol
# Stop with stop-slurm.sh STATE_DIR.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
state="$(mkdir -p "$1" && cd "$1" && pwd)"
for tool in slurmctld slurmd sbatch munged; do
  command -v "$tool" >/dev/null || { echo "error: $tool is not installed: apt-get install -y --no-install-recommends slurmctld slurmd slurm-client munge" >&2; exit 2; }
done
[ "$(id -u)" = 0 ] || { echo "error: the one-node SLURM of the tests runs its jobs as root: run as root" >&2; exit 2; }

# munge: the package made the key; the daemon needs its run folder
if ! munge -n 2>/dev/null | unmunge >/dev/null 2>&1; then
  install -d -o munge -g munge -m 755 /run/munge
  runuser -u munge -- /usr/sbin/munged
  for _ in $(seq 50); do munge -n 2>/dev/null | unmunge >/dev/null 2>&1 && break; sleep 0.1; done
fi

host="$(hostname -s)"
mem="$(slurmd -C | sed -n 's/.*RealMemory=\([0-9]*\).*/\1/p')"
cpus="$(nproc)"
rm -rf "$state/ctld" "$state/d"
mkdir -p "$state/ctld" "$state/d"
sed -e "s|@HOST@|$host|g" -e "s|@STATE@|$state|g" -e "s|@MEM@|$mem|g" -e "s|@CPUS@|$cpus|g" \
    -e "s|@CTLD_PORT@|${UNET_SLURMCTLD_PORT:-6817}|g" -e "s|@D_PORT@|${UNET_SLURMD_PORT:-6818}|g" \
    "$here/slurm.conf.in" > "$state/slurm.conf"
export SLURM_CONF="$state/slurm.conf"
start="$(date +%s)"
slurmctld -D -i >"$state/slurmctld.out" 2>&1 &
slurmd -D >"$state/slurmd.out" 2>&1 &
# ready when slurmd has registered after this start (a saved state can show IDLE before it does)
for _ in $(seq 150); do
  line="$(scontrol -o show node "$host" 2>/dev/null || true)"
  if [[ "$line" == *State=IDLE* ]]; then
    since="$(sed -n 's/.*SlurmdStartTime=\([^ ]*\).*/\1/p' <<<"$line")"
    if [ -n "$since" ] && [ "$since" != None ] && [ "$(date -d "$since" +%s)" -ge "$((start - 1))" ]; then
      echo "$SLURM_CONF"
      exit 0
    fi
  fi
  sleep 0.2
done
echo "error: SLURM did not become ready in 30 s; see $state/slurmctld.log and $state/slurmd.log" >&2
exit 1
