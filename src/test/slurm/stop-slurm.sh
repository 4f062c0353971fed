#!/usr/bin/env bash
# Stops the one-node SLURM that start-slurm.sh STATE_DIR started: cancels its jobs first (job steps outlive slurmd),
# then ends the daemons by their pid files (SIGTERM; never -9, or a restart reuses job ids). munge keeps running.
set -uo pipefail
state="$(cd "$1" && pwd)"
export SLURM_CONF="$state/slurm.conf"
[ -f "$SLURM_CONF" ] || exit 0
scancel --quiet --user=root 2>/dev/null || true
for _ in $(seq 50); do [ -z "$(squeue -h -t running,completing 2>/dev/null)" ] && break; sleep 0.2; done
for daemon in slurmd slurmctld; do
  pidfile="$state/$daemon.pid"
  if [ -f "$pidfile" ]; then
    pid="$(cat "$pidfile")"
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  fi
done
exit 0
