#!/usr/bin/env bash
# Scheduled regression of veriflow workflows: run each, re-check its expectations, compare its numbers
# with a stored baseline, and collect what a person needs to see why it went red.
#
# Runs in the current directory, whose .veriflow is the cache: keep the directory between runs and an
# unchanged workflow executes nothing. Used as it is by cron (docs/ci/crontab) and by the GitHub
# Actions workflow (docs/ci/veriflow-nightly.yml).
#
#   VERIFLOW_CI_WORKFLOWS  space-separated FILE[:PRESET] entries (default: the paper workflows)
#   VERIFLOW_CI_OUT        where each run's report, results, figures and JUnit go (default: veriflow-ci)
#   VERIFLOW_CI_BASELINES  folder of accepted results, <name>[-<preset>].json (default: ci/baselines)
#   VERIFLOW_CI_REL_TOL, VERIFLOW_CI_ABS_TOL   how far a number may move from the baseline (defaults: check's)
#   VERIFLOW_CI_UPDATE_BASELINE=1   accept this run's results as the new baseline when it is green
#   VERIFLOW               the command (default: npx --no-install veriflow)
#
# Exit code: 0 all green; 3 a regression (a claim failed or a number moved) and nothing worse; otherwise
# the first other failure (1 a step failed, 2 an invalid workflow, 130 cancelled).
set -uo pipefail

workflows=${VERIFLOW_CI_WORKFLOWS:-workflows/paper/gaussian-phase-transition.yaml workflows/paper/eigen-verification.yaml:cpu}
out=${VERIFLOW_CI_OUT:-veriflow-ci}
baselines=${VERIFLOW_CI_BASELINES:-ci/baselines}
read -r -a veriflow <<<"${VERIFLOW:-npx --no-install veriflow}"
regression=0
failure=0

# One workflow entry: run, check, collect; prints nothing to stdout beyond what veriflow prints.
regress() {
  local file=${1%%:*} preset="" name label dest results baseline run_code check_code
  [[ $1 == *:* ]] && preset=${1#*:}
  # The workflow's name: field names its results folder (a plain scalar in the workflows this runs).
  name=$(sed -n 's/^name:[[:space:]]*\([^#[:space:]]*\).*/\1/p' "$file" | head -n 1)
  if [[ -z $name ]]; then
    echo "nightly: $file has no name: line; is it a veriflow workflow?" >&2
    return 2
  fi
  label=$name${preset:+-$preset}
  dest=$out/$label
  results=.veriflow/workflows/$name/results.json
  baseline=$baselines/$label.json
  rm -rf "$dest" && mkdir -p "$dest"
  echo "== $label: veriflow run $file${preset:+ --preset $preset}"

  "${veriflow[@]}" run "$file" ${preset:+--preset "$preset"}
  run_code=$?
  if [[ $run_code -ne 0 && $run_code -ne 3 ]] || [[ ! -f $results ]]; then
    [[ -f $results ]] && cp "$results" "$dest/results.json"
    return $((run_code == 0 ? 1 : run_code))
  fi

  local check=(check "$results" --junit "$dest/junit.xml")
  if [[ -f $baseline ]]; then
    check+=(--against "$baseline" ${VERIFLOW_CI_REL_TOL:+--rel-tol "$VERIFLOW_CI_REL_TOL"} ${VERIFLOW_CI_ABS_TOL:+--abs-tol "$VERIFLOW_CI_ABS_TOL"})
  else
    echo "nightly: no baseline $baseline: numbers are not compared (VERIFLOW_CI_UPDATE_BASELINE=1 stores this run's)"
  fi
  "${veriflow[@]}" "${check[@]}"
  check_code=$?

  # The run's folder (logs, and the HTML report where it is written) and its results and figures.
  local run_id
  run_id=$(node -p "JSON.parse(require('fs').readFileSync(process.argv[1], 'utf8')).runId" "$results")
  [[ -d .veriflow/runs/$run_id ]] && cp -R ".veriflow/runs/$run_id" "$dest/run"
  cp "$results" "$dest/results.json"
  [[ -d .veriflow/workflows/$name/figures ]] && cp -R ".veriflow/workflows/$name/figures" "$dest/figures"

  if [[ $check_code -eq 0 && ${VERIFLOW_CI_UPDATE_BASELINE:-0} == 1 ]]; then
    mkdir -p "$baselines" && cp "$results" "$baseline"
    echo "nightly: stored $baseline as the baseline"
  fi
  return "$check_code"
}

for entry in $workflows; do
  regress "$entry"
  code=$?
  if [[ $code -eq 3 ]]; then regression=1
  elif [[ $code -ne 0 && $failure -eq 0 ]]; then failure=$code
  fi
done

if [[ $failure -ne 0 ]]; then exit "$failure"; fi
if [[ $regression -ne 0 ]]; then exit 3; fi
exit 0
