#!/usr/bin/env bash
# A single-node Slurm cluster on this machine, for the Slurm executor's tests and for trying it out:
# Debian's slurm-wlm and munge, the node's CPUs and memory as `slurmd -C` reports them, two fake GPUs as
# GRES, slurmctld and slurmd running as root. Needs root; installs the packages with apt when absent.
#
#   scripts/slurm-cluster.sh start    # idempotent: writes the config, (re)starts what is not running, waits for the node
#   scripts/slurm-cluster.sh status
#   scripts/slurm-cluster.sh stop
#
# It writes /etc/slurm/{slurm,gres}.conf (the default place, so sbatch needs no SLURM_CONF): do not run it
# on a machine that belongs to a real cluster.
set -euo pipefail

STATE=/var/lib/veriflow-slurm
LOGS=/var/log/slurm
CONF_DIR=/etc/slurm
FAKE_GPUS=2

fail() { echo "slurm-cluster: $*" >&2; exit 1; }

install_packages() {
  command -v slurmctld >/dev/null 2>&1 && command -v slurmd >/dev/null 2>&1 && command -v munged >/dev/null 2>&1 && return
  [ "$(id -u)" = 0 ] || fail "slurm-wlm and munge are not installed; run as root to install them (apt-get install slurm-wlm munge)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq slurm-wlm munge >/dev/null
}

# A daemon runs when the pid in its pid file is alive (munged keeps its own pid file under /run/munge).
pid_file() { case "$1" in munged) echo /run/munge/munged.pid ;; *) echo "/run/$1.pid" ;; esac; }
running() { local pid; pid=$(cat "$(pid_file "$1")" 2>/dev/null) && [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; }

start_munge() {
  if [ ! -s /etc/munge/munge.key ]; then
    mkdir -p /etc/munge
    dd if=/dev/urandom of=/etc/munge/munge.key bs=1 count=1024 status=none
  fi
  chown -R munge:munge /etc/munge && chmod 700 /etc/munge && chmod 400 /etc/munge/munge.key
  mkdir -p /run/munge /var/lib/munge /var/log/munge
  chown munge:munge /run/munge /var/lib/munge /var/log/munge
  running munged || su -s /bin/sh munge -c 'munged' || fail "munged did not start; see /var/log/munge/munged.log"
  for _ in $(seq 50); do munge -n </dev/null | unmunge >/dev/null 2>&1 && return; sleep 0.1; done
  fail "munge does not answer; see /var/log/munge/munged.log"
}

write_config() {
  local node cpus memory conf
  node=$(hostname -s)
  # slurmd -C prints this node as Slurm sees it; we keep its CPU layout and leave 512 MiB of memory to the OS.
  conf=$(slurmd -C | head -1)
  cpus=$(sed -n 's/.*CPUs=\([0-9]*\).*/\1/p' <<<"$conf")
  memory=$(sed -n 's/.*RealMemory=\([0-9]*\).*/\1/p' <<<"$conf")
  [ -n "$cpus" ] && [ -n "$memory" ] || fail "could not read CPUs and RealMemory from slurmd -C: $conf"
  memory=$((memory > 1024 ? memory - 512 : memory))
  local layout
  layout=$(grep -o 'Boards=[0-9]* SocketsPerBoard=[0-9]* CoresPerSocket=[0-9]* ThreadsPerCore=[0-9]*' <<<"$conf")
  mkdir -p "$CONF_DIR" "$STATE/ctld" "$STATE/d" "$LOGS"
  # Fake GPU devices: Slurm wants a character device per GPU to number them (CUDA_VISIBLE_DEVICES follows
  # the index); nodes with /dev/null's device numbers do, and nothing ever opens them.
  for index in $(seq 0 $((FAKE_GPUS - 1))); do
    [ -c "$STATE/gpu$index" ] || { rm -f "$STATE/gpu$index"; mknod "$STATE/gpu$index" c 1 3; }
  done
  cat >"$CONF_DIR/slurm.conf.new" <<EOF
# Written by veriflow's scripts/slurm-cluster.sh: a single-node test cluster.
ClusterName=veriflow
SlurmctldHost=$node
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
StateSaveLocation=$STATE/ctld
SlurmdSpoolDir=$STATE/d
SlurmctldPidFile=/run/slurmctld.pid
SlurmdPidFile=/run/slurmd.pid
SlurmctldLogFile=$LOGS/slurmctld.log
SlurmdLogFile=$LOGS/slurmd.log
# No cgroups: processes are tracked through /proc, tasks are not confined.
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/filetxt
JobCompLoc=$LOGS/jobcomp.log
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
DefMemPerCPU=512
GresTypes=gpu
# Fast turnaround for tests: schedule at once, keep finished jobs visible to squeue/scontrol for 10 min,
# give a cancelled or timed-out job 2 s between SIGTERM and SIGKILL.
SchedulerParameters=sched_min_interval=100000,bf_interval=1
MinJobAge=600
KillWait=2
OverTimeLimit=0
InactiveLimit=0
ReturnToService=2
SlurmdTimeout=60
MpiDefault=none
NodeName=$node CPUs=$cpus $layout RealMemory=$memory Gres=gpu:$FAKE_GPUS State=UNKNOWN
PartitionName=debug Nodes=$node Default=YES MaxTime=INFINITE State=UP
EOF
  cat >"$CONF_DIR/gres.conf.new" <<EOF
AutoDetect=off
NodeName=$node Name=gpu File=$STATE/gpu[0-$((FAKE_GPUS - 1))]
EOF
  local changed=0
  for file in slurm.conf gres.conf; do
    if ! cmp -s "$CONF_DIR/$file.new" "$CONF_DIR/$file"; then mv "$CONF_DIR/$file.new" "$CONF_DIR/$file"; changed=1; else rm "$CONF_DIR/$file.new"; fi
  done
  # A running cluster with an older config restarts with the new one.
  if [ "$changed" = 1 ]; then stop_daemons; fi
}

stop_daemons() {
  local daemon pid
  for daemon in slurmd slurmctld; do
    running "$daemon" || continue
    pid=$(cat "$(pid_file "$daemon")")
    kill "$pid" 2>/dev/null || true
    # Wait for the process itself: the daemon removes its pid file before it has finished exiting.
    for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  done
}

wait_for_node() {
  local node state
  node=$(hostname -s)
  for _ in $(seq 150); do
    state=$(sinfo -h -n "$node" -o '%T' 2>/dev/null || true)
    case "$state" in
      idle*|mixed*|allocated*) return ;;
      down*|drain*) scontrol update NodeName="$node" State=RESUME >/dev/null 2>&1 || true ;;
    esac
    sleep 0.2
  done
  fail "node $node did not become idle (state: ${state:-unknown}); see $LOGS/slurmctld.log and $LOGS/slurmd.log"
}

start() {
  [ "$(id -u)" = 0 ] || fail "run as root: slurmctld and slurmd run as root on this test cluster"
  install_packages
  start_munge
  write_config
  running slurmctld || slurmctld || fail "slurmctld did not start; see $LOGS/slurmctld.log"
  running slurmd || slurmd || fail "slurmd did not start; see $LOGS/slurmd.log"
  wait_for_node
  echo "slurm-cluster: node $(hostname -s) is up ($(sinfo -h -o '%c CPUs, %m MiB, %G')); stop it with: $0 stop"
}

case "${1:-start}" in
  start) start ;;
  stop) stop_daemons; echo "slurm-cluster: stopped slurmd and slurmctld (munged keeps running)" ;;
  status) sinfo && squeue ;;
  *) fail "usage: $0 [start|stop|status]" ;;
esac
