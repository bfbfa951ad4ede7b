"""The module through the real agent (java + the built jar, or $CTGUARD_JAR) against a copied kernel fixture
tree, via the module's root option: the real /proc/sys and /etc are never read for tunables nor written."""
import os
import shutil

import pytest

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
JAR = os.environ.get('CTGUARD_JAR') or os.path.join(REPO, 'java-agent', 'target', 'ctguard.jar')
JAVA = shutil.which('java')
NETFILTER = os.path.join('proc', 'sys', 'net', 'netfilter')

pytestmark = [
    pytest.mark.skipif(JAVA is None, reason='no java on PATH'),
    pytest.mark.skipif(not os.path.isfile(JAR), reason='no %s: run mvn -q -B package -DskipTests' % JAR),
]


def copy_tree(tmp_path, paths, monkeypatch, name, read_only):
    root = tmp_path / 'root'
    shutil.copytree(os.path.join(paths['trees'], name), str(root), symlinks=True)
    for f in read_only:
        os.chmod(str(root / NETFILTER / f), 0o444)
    config = tmp_path / 'ctguard.yml'   # keep a site /etc/conntrack-guard/ctguard.yml out of these runs
    config.write_text('')
    monkeypatch.setenv('CTGUARD_CONFIG', str(config))
    return str(root)


@pytest.fixture
def tree(tmp_path, paths, monkeypatch):
    """A copy of the linux-6.18 fixture tree (1000 of 262144 entries), with the modes git cannot store."""
    return copy_tree(tmp_path, paths, monkeypatch, 'linux-6.18', ['nf_conntrack_count'])


@pytest.fixture
def seed(tmp_path, paths, monkeypatch):
    """A copy of the linux-4.4-seed tree: 64 GiB, max 12262144 over 16384 buckets (buckets through hashsize)."""
    return copy_tree(tmp_path, paths, monkeypatch, 'linux-4.4-seed', ['nf_conntrack_count', 'nf_conntrack_buckets'])


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
    assert out['stats'] == {'drop': 41, 'early_drop': 3, 'insert_failed': 3, 'search_restart': 271,
                            'chain_too_long': 5, 'clash_resolved': 5}
    assert out['cmd'][0] == JAVA and out['cmd'][-4:] == ['status', '--json', '--root', tree]
    assert state(tree) == before


def test_top_on_a_trees_entry_list(run_main, tree):
    with open(os.path.join(tree, 'proc', 'net', 'nf_conntrack'), 'w') as f:
        f.write('ipv4     2 udp      17 29 src=10.0.0.1 dst=10.0.0.2 sport=33000 dport=4789 src=10.0.0.2 dst=10.0.0.1 '
                'sport=4789 dport=33000 mark=0 zone=0 use=2\n' * 3 + 'not an entry\n')
    before = state(tree)
    run = run_main(real(tree, action='top', notrack_candidates=['udp/5353']), real=True, tools=False, check_mode=True)
    out = run.output
    assert run.exit_code == 0, out
    assert out['schema'] == 'ctguard-top/v1' and out['changed'] is False and out['entries'] == 3
    assert out['malformed'] == {'count': 1, 'lines': ['4']}
    assert out['top_dport'] == [{'proto': 'udp', 'port': 4789, 'count': 3}]
    advice = out['notrack']['candidates'][0]
    assert advice['traffic'] == 'VXLAN' and 'udp sport 4789 notrack comment "ctguard: VXLAN"' in ' '.join(advice['nft'])
    assert out['notrack']['applied'] is False
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
    assert run.output['msg'] == "Invalid value for option 'max': nf_conntrack_max=0 is out of range: it must be between 1 and 2147483647"


HASHSIZE = os.path.join('sys', 'module', 'nf_conntrack', 'parameters', 'hashsize')
TUNED = ('nf_conntrack_max', 'nf_conntrack_tcp_timeout_time_wait')


def seed_values(root):
    with open(os.path.join(root, HASHSIZE)) as f:
        return dict({n: value(root, n) for n in TUNED}, hashsize=f.read())


def test_tune_on_the_seed_node(run_main, seed, warning_messages):
    """Check mode, tune, tune again, restore: the balanced sizing written and undone on the 4.4 tree."""
    originals = seed_values(seed)
    before = state(seed)
    out = run_main(real(seed, action='tune'), real=True, tools=False, check_mode=True, diff=True).output
    assert out['changed'] is True and out['dry_run'] is True and not out.get('failed'), out
    assert out['cmd'][out['cmd'].index('tune'):][:3] == ['tune', '--json', '--dry-run']
    assert out['plan']['targets'] == {'nf_conntrack_buckets': 524288, 'nf_conntrack_max': 2097152,
                                      'nf_conntrack_tcp_timeout_time_wait': 60}
    assert 'nf_conntrack_max = 12262144\n' in out['diff']['before']
    assert state(seed) == before   # not a byte, not a snapshot, not a lock file

    out = run_main(real(seed, action='tune'), real=True, tools=False, diff=True).output
    assert out['changed'] is True and not out.get('failed'), out
    assert seed_values(seed) == {'nf_conntrack_max': '2097152\n', 'nf_conntrack_tcp_timeout_time_wait': '60\n',
                                 'hashsize': '524288\n'}
    assert out['diff']['after'] == ('nf_conntrack_max = 2097152\nnf_conntrack_buckets = 524288\n'
                                    'nf_conntrack_tcp_timeout_time_wait = 60\n')
    assert os.path.isfile(os.path.join(seed, 'var', 'lib', 'conntrack-guard', 'snapshot.json'))

    # the kernel mirrors hashsize into the read-only nf_conntrack_buckets; the copied tree does not
    buckets = os.path.join(seed, NETFILTER, 'nf_conntrack_buckets')
    os.chmod(buckets, 0o644)
    with open(buckets, 'w') as f:
        f.write('524288\n')
    os.chmod(buckets, 0o444)
    out = run_main(real(seed, action='tune'), real=True, tools=False, diff=True).output
    assert out['changed'] is False and out['diff'] == {'before': '', 'after': ''}, out

    out = run_main(real(seed, action='restore', wait='1m'), real=True, tools=False).output
    assert out['changed'] is True and not out.get('failed'), out
    assert seed_values(seed) == originals
    assert warning_messages(out) == []


def test_tune_persist_on_the_seed_node(run_main, seed):
    out = run_main(real(seed, action='tune', persist=True), real=True, tools=False, diff=True).output
    assert out['changed'] is True and not out.get('failed'), out
    etc = os.path.join(seed, 'etc')
    with open(os.path.join(etc, 'sysctl.d', '90-conntrack-guard.conf')) as f:
        assert 'net.netfilter.nf_conntrack_max = 2097152\n' in f.read()
    with open(os.path.join(etc, 'modprobe.d', 'conntrack-guard.conf')) as f:
        assert 'options nf_conntrack hashsize=524288\n' in f.read()
    assert [d.get('before_header') for d in out['diff']][1:] == [f['path'] for f in out['files']]
    # persisted: the snapshot is retired, so restore has nothing to put back
    assert not os.path.exists(os.path.join(seed, 'var', 'lib', 'conntrack-guard', 'snapshot.json'))
    assert any(w.startswith('snapshot retired to ') for w in out['ctguard_warnings'])
    out = run_main(real(seed, action='restore'), real=True, tools=False).output
    assert out['changed'] is False


def test_check_over_budget_keeps_its_counters(run_main, seed):
    args = real(seed, action='check', fail_on='never', counter_cache='/var/tmp/ctguard/counters.json')
    out = run_main(args, real=True, tools=False).output
    assert not out['failed'], out
    assert 'over_budget' in [r['code'] for r in out['verdict']['reasons']]
    assert out['memory']['over_budget'] is True and out['stats_increase'] is None
    assert os.path.isfile(os.path.join(seed, 'var', 'tmp', 'ctguard', 'counters.json'))
    out = run_main(args, real=True, tools=False).output
    assert out['stats_increase'] is not None and out['stats_increase']['drop'] == 0


def test_guard_runs_to_its_end_and_guard_stop_reads_its_run_back(run_main, tree):
    out = run_main(real(tree, action='guard', duration='500ms', interval='100ms'), real=True, tools=False).output
    assert not out.get('failed') and out['changed'] is False, out   # 1000 of 262144: nothing to raise
    events = out['guard']['events']
    assert events[0]['event'] == 'start' and events[-1]['event'] == 'end' and events[-1]['stopped'] is False
    assert value(tree, 'nf_conntrack_max') == '262144\n'

    stop = run_main(real(tree, action='guard_stop'), real=True, tools=False).output
    assert not stop.get('failed') and stop['changed'] is False, stop
    assert stop['guard']['was_running'] is False and stop['guard']['events'] == events


def test_guard_raises_a_filling_table_and_restore_puts_the_original_back(run_main, tree):
    with open(os.path.join(tree, NETFILTER, 'nf_conntrack_count'), 'w') as f:
        f.write('200000\n')   # 76% of 262144: past the 70% trigger
    out = run_main(real(tree, action='guard', duration='1s', interval='200ms'), real=True, tools=False).output
    assert not out.get('failed'), out
    raises = [e for e in out['guard']['events'] if e['event'] == 'raise']
    assert out['changed'] is True and len(raises) == 1 and raises[0]['max'] == 524288, out['guard']['events']
    assert value(tree, 'nf_conntrack_max') == '524288\n'
    assert out['guard']['events'][-1]['max'] == 524288

    out = run_main(real(tree, action='restore', force=True), real=True, tools=False).output
    assert out['changed'] is True and not out.get('failed'), out
    assert value(tree, 'nf_conntrack_max') == '262144\n'


def test_guard_stop_in_check_mode_signals_nothing(run_main, tree):
    run = run_main(real(tree, action='guard_stop'), real=True, tools=False, check_mode=True)
    assert run.exit_code == 0 and '--dry-run' in run.output['cmd']
    assert run.output['changed'] is False and run.output['guard']['events'] == []
