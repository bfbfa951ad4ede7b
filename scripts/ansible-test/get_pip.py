"""ansible-test's pip bootstrap, from PyPI instead of ci-files.testing.ansible.com (unreachable here).

ansible-test runs its cached get-pip script with get-pip's arguments (pip options, the packages it pins,
--no-setuptools/--no-wheel). This one installs the interpreter's own pip with ensurepip, then has that pip
install the same packages from the configured index (PyPI). scripts/ansible-test-sanity.sh puts it where
ansible-test looks for its cache.
"""
import ensurepip
import os
import runpy
import sys

GET_PIP_ONLY = ('--no-setuptools', '--no-wheel')

ensurepip.bootstrap(upgrade=False)
# ensurepip hides pip's configuration from the pip it runs, and leaves that in the environment; the site's
# pip.conf (its index, its certificates) must apply to the install below
os.environ.pop('PIP_CONFIG_FILE', None)
sys.argv = ['pip', 'install'] + [a for a in sys.argv[1:] if a not in GET_PIP_ONLY]
runpy.run_module('pip', run_name='__main__', alter_sys=True)
