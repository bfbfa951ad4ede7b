"""Shared helpers for the conntrack_guard module tests: recorded agent runs and a main() runner."""
import collections
import json
import os
import stat
import sys

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
LIBRARY = os.path.join(REPO, 'roles', 'conntrack_guard', 'library')
MODULE_PATH = os.path.join(LIBRARY, 'conntrack_guard.py')
FIXTURES = os.path.join(HERE, 'fixtures')
JAR = os.path.join(REPO, 'java-agent', 'target', 'ctguard.jar')
TREES = os.path.join(REPO, 'java-agent', 'src', 'test', 'resources', 'fixtures')
VENV_BIN = os.path.join(REPO, '.venv', 'bin')

if LIBRARY not in sys.path:
    sys.path.insert(0, LIBRARY)
# no __pycache__ inside the role's library directory (it would be copied along with the role)
_dont_write_bytecode, sys.dont_write_bytecode = sys.dont_write_bytecode, True

import conntrack_guard  # noqa: E402  (the module under test, from the role's library)
sys.dont_write_bytecode = _dont_write_bytecode
from ansible.module_utils.basic import AnsibleModule  # noqa: E402

try:
    from ansible.module_utils.testing import patch_module_args
except ImportError:  # ansible-core before 2.19
    import contextlib
    from unittest import mock
    from ansible.module_utils import basic as _basic

    @contextlib.contextmanager
    def patch_module_args(args=None):
        payload = json.dumps({'ANSIBLE_MODULE_ARGS': args or {}}).encode()
        with mock.patch.object(_basic, '_ANSIBLE_ARGS', payload):
            yield

Case = collections.namedtuple('Case', 'name rc stdout stderr args')


def _load_cases():
    cases = {}
    with open(os.path.join(FIXTURES, 'cases.tsv')) as f:
        for line in f:
            name, rc, args = line.rstrip('\n').split('\t')
            cases[name] = (int(rc), args.split(' '))
    return cases


CASES = _load_cases()


def load_case(name):
    """A recorded agent run: exit code, stdout (the ctguard/v1 JSON, or '' when none), stderr, argv."""
    rc, args = CASES[name]

    def read(suffix):
        path = os.path.join(FIXTURES, name + suffix)
        if not os.path.exists(path):
            return ''
        with open(path) as f:
            return f.read()
    return Case(name, rc, read('.json'), read('.stderr'), args)


def agent_json(name):
    return json.loads(load_case(name).stdout)


def warning_messages(output):
    """The warnings of a module result as strings (ansible-core 2.19 returns WarningSummary objects)."""
    messages = []
    for w in output.get('warnings') or []:
        messages.append(w['event']['msg'] if isinstance(w, dict) and 'event' in w else w)
    return messages


@pytest.fixture(autouse=True)
def fresh_warnings():
    """AnsibleModule keeps warnings in module-level state: start every test without the previous ones."""
    from ansible.module_utils.common import warnings
    for name in ('_global_warnings', '_global_deprecations'):
        getattr(warnings, name).clear()
    yield


@pytest.fixture
def cg():
    """The module under test."""
    return conntrack_guard


@pytest.fixture(name='load_case')
def load_case_fixture():
    return load_case


@pytest.fixture(name='agent_json')
def agent_json_fixture():
    return agent_json


@pytest.fixture(name='warning_messages')
def warning_messages_fixture():
    return warning_messages


@pytest.fixture
def paths():
    return {'repo': REPO, 'library': LIBRARY, 'module': MODULE_PATH, 'fixtures': FIXTURES, 'jar': JAR,
            'trees': TREES, 'venv_bin': VENV_BIN}


@pytest.fixture
def fake_tools(tmp_path):
    """A fake java executable and a fake jar, so that main() gets past its prerequisite checks."""
    java = tmp_path / 'bin' / 'java'
    java.parent.mkdir()
    java.write_text('#!/bin/sh\nexit 99\n')
    java.chmod(java.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    jar = tmp_path / 'ctguard.jar'
    jar.write_bytes(b'PK\x05\x06' + b'\0' * 18)
    return {'java': str(java), 'jar': str(jar)}


class Run(object):
    def __init__(self, output, exit_code, calls):
        self.output = output
        self.exit_code = exit_code
        self.calls = calls

    @property
    def argv(self):
        assert len(self.calls) == 1, self.calls
        return self.calls[0]


@pytest.fixture
def run_main(monkeypatch, capsys, fake_tools):
    """run_main(args, case=None | Case | (rc, out, err), check_mode, diff, real=False) -> Run.

    Runs the module's main() as Ansible would, with run_command faked to return a recorded agent run
    (unless real=True), and returns the JSON it printed, its exit code and the argv it ran.
    """
    def run(args, case=None, check_mode=False, diff=False, real=False, tools=True):
        calls = []
        if not real:
            if isinstance(case, str):
                case = load_case(case)
            reply = (case.rc, case.stdout, case.stderr) if isinstance(case, Case) else case

            def fake_run_command(self, argv, *a, **kw):
                calls.append(list(argv))
                if reply is None:
                    raise AssertionError('the module ran the agent although it should not have')
                return reply
            monkeypatch.setattr(AnsibleModule, 'run_command', fake_run_command)
        module_args = dict(fake_tools) if tools else {}
        module_args.update(args)
        module_args['_ansible_check_mode'] = check_mode
        module_args['_ansible_diff'] = diff
        capsys.readouterr()
        with patch_module_args(module_args):
            with pytest.raises(SystemExit) as exc:
                conntrack_guard.main()
        out = capsys.readouterr().out
        return Run(json.loads(out), exc.value.code, calls)
    return run
