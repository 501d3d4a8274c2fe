# Shared by `run` and `test`: find Python >= 3.12 and prepare .venv with the project installed.
# Sourced, not executed. Sets VENV_PY.

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT" || exit 1

py_ok() { "$1" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' >/dev/null 2>&1; }

find_python() {
  if [ -n "${PYTHON:-}" ]; then
    if py_ok "$PYTHON"; then echo "$PYTHON"; return 0; fi
    echo "PYTHON=$PYTHON is not a working Python 3.12 or newer." >&2; return 1
  fi
  local candidate
  for candidate in python3.14 python3.13 python3.12 python3 python; do
    if command -v "$candidate" >/dev/null 2>&1 && py_ok "$candidate"; then command -v "$candidate"; return 0; fi
  done
  # pyenv shims refuse to run a version that is not selected, so look at the real binaries.
  local root="${PYENV_ROOT:-$HOME/.pyenv}"
  for candidate in $(ls -d "$root"/versions/3.1[2-9]* 2>/dev/null | sort -rV); do
    if py_ok "$candidate/bin/python3"; then echo "$candidate/bin/python3"; return 0; fi
  done
  for candidate in /usr/local/bin/python3.1[2-9] /usr/bin/python3.1[2-9]; do
    if [ -x "$candidate" ] && py_ok "$candidate"; then echo "$candidate"; return 0; fi
  done
  return 1
}

prepare_venv() {  # $1: the pip extra to install ("" or "dev")
  local extra="$1" python
  if ! python="$(find_python)"; then
    cat >&2 <<'MSG'
Samverkansportalen needs Python 3.12 or newer, and none was found.
Install one (for example `apt-get install python3.12` or `pyenv install 3.12`),
or point to it with PYTHON=/path/to/python3.12 and run this command again.
MSG
    exit 1
  fi
  if [ -x .venv/bin/python ] && ! py_ok .venv/bin/python; then rm -rf .venv; fi
  if [ ! -x .venv/bin/python ]; then
    echo "Creating .venv with $python ($("$python" --version 2>&1))"
    "$python" -m venv .venv || { echo "Could not create a virtual environment with $python (is the venv module installed?)" >&2; exit 1; }
  fi
  local stamp=".venv/.installed${extra:+-$extra}"
  local want
  want="$(cat pyproject.toml | sha256sum | cut -d' ' -f1)"
  if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
    echo "Installing dependencies${extra:+ ($extra)}…"
    .venv/bin/python -m pip install --quiet --upgrade pip >/dev/null 2>&1 || true
    # Install the pinned dependencies from pyproject.toml; the project itself runs from the checkout.
    .venv/bin/python - "$extra" > .venv/requirements.txt <<'PY'
import sys, tomllib
project = tomllib.load(open("pyproject.toml", "rb"))["project"]
extra = sys.argv[1]
print("\n".join(project["dependencies"] + (project["optional-dependencies"][extra] if extra else [])))
PY
    # This machine's pip configuration names local mirrors that may not exist; hide that noise only.
    .venv/bin/python -m pip install --quiet -r .venv/requirements.txt 2> >(grep -v "is ignored: it is neither" >&2) \
      || { echo "Installing dependencies failed." >&2; exit 1; }
    echo "$want" > "$stamp"
  fi
  VENV_PY="$ROOT/.venv/bin/python"
}
