"""The module through the real agent (java + the built jar) against a copied kernel fixture tree, via the
module's root option: the real /proc/sys and /etc are never read for tunables nor written."""
import os
import shutil

import pytest

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
JAR = os.path.join(REPO, 'java-agent', 'target', 'ctguard.jar')
JAVA = shutil.which('java')
NETFILTER = os.path.join('proc', 'sys', 'net', 'netfilter')

pytestmark = [
    pytest.mark.skipif(JAVA is None, reason='no java on PATH'),
    pytest.mark.skipif(not os.path.isfile(JAR), reason='no %s: run mvn -q -B package -DskipTests' % JAR),
]


@pytest.fixture
def tree(tmp_path, paths, monkeypatch):
    """A copy of the linux-6.18 fixture tree (1000 of 262144 entries), with the modes git cannot store."""
    root = tmp_path / 'root'
    shutil.copytree(os.path.join(paths['trees'], 'linux-6.18'), str(root), symlinks=True)
    os.chmod(str(root / NETFILTER / 'nf_conntrack_count'), 0o444)
    config = tmp_path / 'ctguard.yml'   # keep a site /etc/conntrack-guard/ctguard.yml out of these runs
    config.write_text('')
    monkeypatch.setenv('CTGUARD_CONFIG', str(config))
    return str(root)


def state(root):
    """Everything under root: path -> (kind, content or link target, mode, mtime)."""
    seen = {}
    for dirpath, dirnames, filenames in os.walk(root):
        for name in dirnames + filenames:
            path = os.path.join(dirpath, name)
            st = os.lstat(path)
            rel = os.path.relpath(path, root)
            if os.path.islink(path):
                seen[rel] = ('link', os.readlink(path))
            elif os.path.isdir(path):
                seen[rel] = ('dir', st.st_mode)
            else:
                with open(path, 'rb') as f:
                    seen[rel] = ('file', f.read(), st.st_mode, st.st_mtime_ns)
    return seen


def value(root, name):
    with open(os.path.join(root, NETFILTER, name)) as f:
        return f.read()


def real(tree, **args):
    args.update(java=JAVA, jar=JAR, root=tree)
    return args


def test_status(run_main, tree):
    before = state(tree)
    run = run_main(real(tree, action='status'), real=True, tools=False, check_mode=True)
    out = run.output
    assert run.exit_code == 0, out
    assert out['schema'] == 'ctguard/v1' and out['host'] == 'vm' and out['action'] == 'status'
    assert out['changed'] is False and out['rc'] == 0
    assert out['usage']['count'] == 1000 and out['usage']['max'] == 262144
    assert out['stats'] == {'drop': 41, 'early_drop': 3, 'insert_failed': 3, 'search_restart': 271}
    assert out['cmd'][0] == JAVA and out['cmd'][-4:] == ['status', '--json', '--root', tree]
    assert state(tree) == before


def test_prepare_in_check_mode_changes_nothing(run_main, tree):
    before = state(tree)
    run = run_main(real(tree, action='prepare'), real=True, tools=False, check_mode=True, diff=True)
    out = run.output
    assert run.exit_code == 0, out
    assert '--dry-run' in out['cmd']
    assert out['changed'] is True and out['dry_run'] is True
    assert out['plan']['targets']['nf_conntrack_max'] == 1048576
    assert out['diff'] == {
        'before': 'nf_conntrack_max = 262144\nnf_conntrack_tcp_timeout_time_wait = 120\n',
        'after': 'nf_conntrack_max = 1048576\nnf_conntrack_tcp_timeout_time_wait = 60\n',
    }
    assert state(tree) == before   # not a byte, not a snapshot, not a lock file


def test_prepare_then_restore(run_main, tree, warning_messages):
    """The whole cycle on the copied tree: prepare, prepare again, persist in check mode, restore."""
    originals = {n: value(tree, n) for n in ('nf_conntrack_max', 'nf_conntrack_buckets',
                                             'nf_conntrack_tcp_timeout_time_wait')}
    out = run_main(real(tree, action='prepare'), real=True, tools=False, diff=True).output
    assert out['changed'] is True and not out.get('failed'), out
    assert value(tree, 'nf_conntrack_max') == '1048576\n'
    assert value(tree, 'nf_conntrack_tcp_timeout_time_wait') == '60\n'
    assert os.path.isfile(os.path.join(tree, 'var', 'lib', 'conntrack-guard', 'snapshot.json'))

    out = run_main(real(tree, action='prepare'), real=True, tools=False, diff=True).output
    assert out['changed'] is False and out['diff'] == {'before': '', 'after': ''}

    before = state(tree)
    out = run_main(real(tree, action='persist'), real=True, tools=False, check_mode=True, diff=True).output
    assert out['changed'] is True and len(out['diff']) == 2
    assert state(tree) == before and not os.path.exists(os.path.join(tree, 'etc'))

    out = run_main(real(tree, action='restore', wait='1m'), real=True, tools=False).output
    assert out['changed'] is True and not out.get('failed'), out
    assert {n: value(tree, n) for n in originals} == originals

    out = run_main(real(tree, action='restore'), real=True, tools=False).output
    assert out['changed'] is False
    assert warning_messages(out) == ['no snapshot at /var/lib/conntrack-guard/snapshot.json: nothing to restore']


def test_agent_error_through_the_real_agent(run_main, tree):
    run = run_main(real(tree, action='plan', max=0), real=True, tools=False)
    assert run.exit_code == 1
    assert run.output['rc'] == 64
    assert run.output['msg'] == 'nf_conntrack_max=0 is out of range: it must be between 1 and 2147483647'
