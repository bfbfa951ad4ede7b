#!/usr/bin/env bash
# make sanity: ansible-test sanity (validate-modules, pylint, pep8, compile, import, yamllint, ansible-doc,
# shebang, and the rest of its default tests) on the collection as ansible-galaxy builds it, installed
# into a temporary ansible_collections tree. ansible-test's own bootstrap fetches pip from a host that may
# be unreachable: scripts/ansible-test/get_pip.py replaces it (ensurepip, then PyPI), and ansible-test
# installs its tools at the versions it pins for itself into its own per-test virtualenvs. ansible-test
# itself runs from .venv-sanity (the project's ansible-core, nothing else).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
V=$ROOT/.venv-sanity
CORE=$(sed -n 's/^ansible-core==//p' "$ROOT/requirements.txt")
if [[ ! -f $V/.installed-$CORE ]]; then
    rm -rf "$V"
    python3 -m venv "$V"
    "$V/bin/pip" install -q --disable-pip-version-check "ansible-core==$CORE"
    touch "$V/.installed-$CORE"
fi
# the bootstrap ansible-test would download, from PyPI instead (scripts/ansible-test/get_pip.py)
pip_version=$("$V/bin/python" -c 'import re, ansible_test, os; p = os.path.join(os.path.dirname(ansible_test.__file__), "_internal", "python_requirements.py"); print(re.search(r"pip=.([0-9.]+).", open(p).read()).group(1))')
mkdir -p ~/.ansible/test/cache
install -m 0644 "$ROOT/scripts/ansible-test/get_pip.py" ~/.ansible/test/cache/"get_pip_${pip_version//./_}.py"
T=$(mktemp -d "${TMPDIR:-/tmp}/ctguard-sanity.XXXXXX")
trap 'rm -rf "$T"' EXIT
cd "$ROOT"
"$V/bin/ansible-galaxy" collection build --output-path "$T" > /dev/null
# unpacked as ansible-galaxy would install it (install itself would find this repository's own link)
mkdir -p "$T/c/ansible_collections/ctguard/conntrack_guard"
tar -xzf "$T"/ctguard-conntrack_guard-*.tar.gz -C "$T/c/ansible_collections/ctguard/conntrack_guard"
cd "$T/c/ansible_collections/ctguard/conntrack_guard"
PATH=$V/bin:$PATH "$V/bin/ansible-test" sanity --python "$(python3 -c 'import sys; print("%d.%d" % sys.version_info[:2])')" --color no
