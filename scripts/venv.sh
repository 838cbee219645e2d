# Sourced by scripts/test, scripts/run and scripts/bench/run (not run on its own): the one place that
# prepares the checkout's .venv. `cradletrace_venv NAME [EXTRA]` checks for Python 3.11 or newer
# ($PYTHON, else python3), creates .venv at the top of the checkout if it is missing, and installs
# cradletrace into it, editable, with EXTRA (for example `test`); NAME is the calling script, for the
# error message. Afterwards $VENV_PYTHON is the interpreter to run.
# The install is skipped when .venv/.cradletrace-installed says it was done for the same setup.cfg,
# pyproject.toml and EXTRA (an editable install follows the sources; only the metadata needs pip again),
# so a second start takes seconds. Delete .venv to start over.
# CRADLETRACE_PYTHON=/path/to/python skips all of that and uses an interpreter that is ready already
# (the test suite passes its own, so a test run never reinstalls into the venv it is running from).
cradletrace_venv() {
  local name=$1 extra=${2:-}
  if [ -n "${CRADLETRACE_PYTHON:-}" ]; then
    VENV_PYTHON=$CRADLETRACE_PYTHON
    return 0
  fi
  local repo python
  repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
  python=${PYTHON:-python3}
  "$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
    || { echo "$name: Python 3.11 or newer is needed ($python is $("$python" -V 2>&1))" >&2; return 1; }
  [ -x "$repo/.venv/bin/python" ] || "$python" -m venv "$repo/.venv"
  VENV_PYTHON="$repo/.venv/bin/python"
  local stamp="$repo/.venv/.cradletrace-installed" wanted
  wanted="$(cat "$repo/setup.cfg" "$repo/pyproject.toml" | "$VENV_PYTHON" -c \
    'import hashlib, sys; print(hashlib.sha256(sys.stdin.buffer.read()).hexdigest())') extra=$extra"
  # An install with the test extra serves a plain one too.
  if [ -f "$stamp" ] && { [ "$(cat "$stamp")" = "$wanted" ] || { [ -z "$extra" ] && [ "$(cat "$stamp")" = "${wanted%extra=}extra=test" ]; }; }; then
    return 0
  fi
  local pip=("$VENV_PYTHON" -m pip install --quiet --disable-pip-version-check)
  "${pip[@]}" --upgrade pip "setuptools>=69" wheel
  "${pip[@]}" -e "$repo${extra:+[$extra]}"
  echo "$wanted" > "$stamp"
}
