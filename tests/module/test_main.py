"""main() end to end as Ansible runs it: module args in, JSON out, with run_command faked to replay a
recorded agent run."""
import json
import os

import pytest

FIXTURES = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'fixtures')
with open(os.path.join(FIXTURES, 'cases.tsv')) as _f:
    _NAMES = [line.split('\t')[0] for line in _f if line.strip()]
ERROR_CASES = [name for name in _NAMES if name.startswith('error-')]
SUCCESS_CASES = [name for name in _NAMES if not name.startswith('error-')]

AGENT_KEYS = ('schema', 'host', 'kernel', 'action', 'dry_run', 'changed', 'network_namespace', 'tunables',
              'usage', 'namespaces', 'stats', 'stats_increase', 'memory', 'verdict', 'kernel_log', 'snapshot', 'plan')


def test_status(run_main, agent_json, fake_tools):
    run = run_main({'action': 'status'}, 'status')
    assert run.exit_code == 0
    out = run.output
    assert not out.get('failed')
    agent = agent_json('status')
    for key in AGENT_KEYS:
        assert out[key] == agent[key], key
    assert out['changed'] is False and out['rc'] == 0
    assert out['cmd'] == run.argv
    assert run.argv[0] == fake_tools['java']
    assert run.argv[-4:] == ['-jar', fake_tools['jar'], 'status', '--json']
    assert 'diff' not in out and 'warnings' not in out and out['ctguard_warnings'] == []


@pytest.mark.parametrize('case,changed', [('prepare-changed', True), ('prepare-unchanged', False)])
def test_prepare_changed_and_unchanged(run_main, case, changed):
    run = run_main({'action': 'prepare'}, case)
    assert run.exit_code == 0
    assert run.output['changed'] is changed
    assert run.output['snapshot']['values']['nf_conntrack_max'] == 262144
    assert run.argv[run.argv.index('prepare'):] == ['prepare', '--json', '--lock-timeout', '30s',
                                                    '--state-dir', '/var/lib/conntrack-guard']


def test_check_mode_prepare_runs_a_dry_run_and_reports_the_predicted_change(run_main):
    run = run_main({'action': 'prepare', 'max': 1048576}, 'prepare-dry-run', check_mode=True)
    assert run.exit_code == 0
    assert '--dry-run' in run.argv and ['--max', '1048576'] == run.argv[run.argv.index('--max'):][:2]
    assert run.output['changed'] is True and run.output['dry_run'] is True


@pytest.mark.parametrize('action,case', [('restore', 'restore-dry-run'), ('persist', 'persist-dry-run')])
def test_check_mode_restore_and_persist(run_main, action, case):
    run = run_main({'action': action}, case, check_mode=True)
    assert '--dry-run' in run.argv
    assert run.output['changed'] is True and run.output['dry_run'] is True


@pytest.mark.parametrize('action,case,tail', [
    ('status', 'status', []),
    ('check', 'check-ok', ['--state-dir', '/var/lib/conntrack-guard']),
    ('plan', 'plan', []),
])
def test_check_mode_read_only_actions_run_as_usual(run_main, action, case, tail):
    run = run_main({'action': action}, case, check_mode=True)
    assert run.exit_code == 0
    assert '--dry-run' not in run.argv
    assert run.argv[run.argv.index(action):] == [action, '--json'] + tail
    assert run.output['changed'] is False


def test_prepare_diff(run_main):
    run = run_main({'action': 'prepare'}, 'prepare-dry-run', check_mode=True, diff=True)
    assert run.output['diff'] == {
        'before': 'nf_conntrack_max = 262144\nnf_conntrack_tcp_timeout_time_wait = 120\n',
        'after': 'nf_conntrack_max = 1048576\nnf_conntrack_tcp_timeout_time_wait = 60\n',
    }


def test_a_refused_restore_shows_the_drift_in_its_diff(run_main):
    run = run_main({'action': 'restore'}, 'error-drift-65', diff=True)
    assert run.output['failed'] is True
    assert 'nf_conntrack_max: original 262144, set by ctguard 1048576, now 2097152' in run.output['msg']
    assert run.output['drift'] == [{'tunable': 'nf_conntrack_max', 'original': 262144, 'set': [1048576], 'now': 2097152}]
    assert run.output['diff']['before'] == 'nf_conntrack_max = 1048576  # original 262144\n'
    assert run.output['diff']['after'] == 'nf_conntrack_max = 2097152\n'


@pytest.mark.parametrize('case,args,expected', [
    ('error-drift-65', {'action': 'restore'}, 'check why, then restore with force=true to put the originals back anyway'),
    ('error-over-budget-65', {'action': 'prepare', 'max': 1073741824},
     'lower max/buckets, raise memory_budget, or pass force=true'),
    ('error-not-drained-75', {'action': 'restore'}, 'wait with wait (e.g. 10m), or pass force=true to restore anyway'),
    ('error-permission-77', {'action': 'prepare'}, 'or pass allow_partial=true to apply only what is writable'),
    ('error-usage-64', {'action': 'prepare', 'max': 0}, "Invalid value for option 'max': nf_conntrack_max=0 is out of range"),
])
def test_agent_messages_name_this_modules_parameters(run_main, case, args, expected):
    """The agent's error names options by placeholder; the module spells them as its own parameters."""
    msg = run_main(args, case).output['msg']
    assert expected in msg, msg
    assert '--' not in msg and '{' not in msg, msg


def test_no_diff_without_diff_mode(run_main):
    assert 'diff' not in run_main({'action': 'prepare'}, 'prepare-changed').output


def test_persist_diff(run_main):
    run = run_main({'action': 'persist'}, 'persist-create', diff=True)
    diff = run.output['diff']
    assert [d['after_header'] for d in diff] == ['/etc/modules-load.d/conntrack-guard.conf',
                                                 '/etc/sysctl.d/90-conntrack-guard.conf']
    assert diff[1]['before'] == '' and 'nf_conntrack_max = 1048576' in diff[1]['after']
    assert run.output['files'][1]['action'] == 'unchanged'


def test_persist_remove(run_main):
    run = run_main({'action': 'persist', 'remove': True}, 'persist-remove', diff=True)
    assert run.argv[run.argv.index('persist'):][:3] == ['persist', '--json', '--remove']
    assert run.output['action'] == 'persist-remove' and run.output['changed'] is True
    assert [d['after'] for d in run.output['diff']] == ['', '']


@pytest.mark.parametrize('case,fail_on,fails', [
    ('check-ok', 'critical', False), ('check-ok', 'warning', False), ('check-ok', 'never', False),
    ('check-warning', 'critical', False), ('check-warning', 'warning', True), ('check-warning', 'never', False),
    ('check-critical', 'critical', True), ('check-critical', 'warning', True), ('check-critical', 'never', False),
])
def test_fail_on(run_main, agent_json, case, fail_on, fails):
    run = run_main({'action': 'check', 'fail_on': fail_on}, case)
    out = run.output
    # an explicit failed=False: Ansible fails any result whose rc is non-zero and that does not say so
    assert out['failed'] is fails
    assert run.exit_code == (1 if fails else 0)
    agent = agent_json(case)
    for key in AGENT_KEYS:  # every agent field is kept, failed or not
        assert out[key] == agent[key], key
    assert out['rc'] == agent['verdict']['exit_code']
    assert out['changed'] is False
    if fails:
        assert out['msg'].startswith('vm: conntrack %s: ' % agent['verdict']['status'])


def test_critical_message(run_main):
    out = run_main({'action': 'check'}, 'check-critical').output
    assert out['msg'] == ('vm: conntrack CRITICAL: table 91.2% full (239000 of 262144 entries), at or above the '
                          'critical 90.0%; drop counters rose since boot (no earlier check of this boot to compare '
                          'with): drop=41 early_drop=3 insert_failed=3; the kernel refused 5 insert(s) into over-long '
                          'hash chains since boot (no earlier check of this boot to compare with) (chainlength '
                          'counter): raise the buckets')


@pytest.mark.parametrize('case', ERROR_CASES)
def test_agent_errors(run_main, load_case, warning_messages, case):
    recorded = load_case(case)
    action = recorded.args[0]
    args = {'action': action}
    if '--remove' in recorded.args:
        args['remove'] = True
    run = run_main(args, recorded)
    out = run.output
    assert run.exit_code == 1 and out['failed'] is True
    assert out['rc'] == recorded.rc
    assert out['stderr'] == recorded.stderr
    assert out['cmd'] == run.argv
    if recorded.stdout:
        agent = json.loads(recorded.stdout)
        if 'template' in agent['error']:   # names options: in this module's terms (see the test below)
            assert out['msg'] != agent['error']['message'] and ' --' not in out['msg'], out['msg']
        else:
            assert out['msg'] == agent['error']['message']
        for key, value in agent.items():
            if key == 'warnings':
                assert warning_messages(out) == value
                assert out['ctguard_warnings'] == value
            else:
                assert out[key] == value, key
    else:
        assert out['msg'] == "ctguard: Unknown option: '--no-such-flag'"


def test_rollback_in_failed_result(run_main):
    out = run_main({'action': 'prepare'}, 'error-rollback-prepare-65').output
    assert out['failed'] is True and out['rc'] == 65
    assert out['rollback'] == {'undone': ['nf_conntrack_buckets'], 'failed': []}
    assert out['tunables']['nf_conntrack_buckets'] == {'before': 16384, 'after': 16384, 'writable': True}
    assert out['msg'].startswith('writing nf_conntrack_max=1048576 failed')


def test_unparseable_output(run_main):
    out = run_main({'action': 'status'}, (0, 'garbage', 'Picked up JAVA_TOOL_OPTIONS: -Xmx1g\n')).output
    assert out['failed'] is True and out['rc'] == 0
    assert out['msg'] == ('ctguard status exited with rc 0 but its output is not one JSON object '
                          '(stderr: Picked up JAVA_TOOL_OPTIONS: -Xmx1g)')


def test_agent_warnings_become_ansible_warnings(run_main, agent_json, warning_messages):
    run = run_main({'action': 'prepare', 'allow_partial': True}, 'prepare-partial')
    assert '--allow-partial' in run.argv
    assert warning_messages(run.output) == agent_json('prepare-partial')['warnings']
    assert run.output['ctguard_warnings'] == agent_json('prepare-partial')['warnings']
    assert run.output['stats'] is None and 'CONFIG_NF_CONNTRACK_PROCFS' in run.output['stats_note']


def test_warnings_on_failure_too(run_main, warning_messages):
    out = run_main({'action': 'restore'}, 'restore-nothing').output
    assert warning_messages(out) == ['no snapshot at /var/lib/conntrack-guard/snapshot.json: nothing to restore']
    assert out['changed'] is False


def test_missing_jar(run_main, tmp_path):
    jar = str(tmp_path / 'nowhere' / 'ctguard.jar')
    run = run_main({'action': 'status', 'jar': jar}, None)
    assert run.exit_code == 1 and run.calls == []
    assert run.output['msg'] == (
        "ctguard jar %s not found: run the role's install entry point with conntrack_guard_install_method: jar "
        "or copy java-agent/target/ctguard.jar (built by mvn package) there" % jar)


def test_missing_executable(run_main, tmp_path):
    executable = str(tmp_path / 'nowhere' / 'ctguard')
    run = run_main({'action': 'status', 'executable': executable}, None, tools=False)
    assert run.exit_code == 1 and run.calls == []
    assert run.output['msg'].startswith('ctguard not found at %s (or not executable): install it with the role' % executable)


def test_the_executable_runs_without_java(run_main, tmp_path, monkeypatch):
    """The default: the bundle's launcher, no java looked up (a node without any)."""
    monkeypatch.setenv('PATH', '/nonexistent')
    executable = tmp_path / 'ctguard'
    executable.write_text('#!/bin/sh\nexit 99\n')
    executable.chmod(0o755)
    run = run_main({'action': 'status', 'executable': str(executable)}, 'status', tools=False)
    assert run.argv[:3] == [str(executable), 'status', '--json'] and not run.output.get('failed'), run.output


def test_missing_java(run_main, monkeypatch):
    monkeypatch.setenv('PATH', '/nonexistent')
    monkeypatch.delenv('JAVA_HOME', raising=False)
    run = run_main({'action': 'status', 'java': 'java-that-does-not-exist'}, None)
    assert run.exit_code == 1 and run.calls == []
    msg = run.output['msg']
    assert msg.startswith("Java runtime 'java-that-does-not-exist' not found on the managed node")
    assert 'Java 17+' in msg and 'openjdk-17-jre-headless' in msg and 'conntrack_guard_install_java: true' in msg


def test_java_that_is_not_executable(run_main, tmp_path):
    java = tmp_path / 'java'
    java.write_text('')
    java.chmod(0o644)
    run = run_main({'action': 'status', 'java': str(java)}, None)
    assert run.output['failed'] and run.output['msg'].startswith("Java runtime '%s' not found" % java)


def test_java_from_java_home(run_main, monkeypatch, fake_tools):
    monkeypatch.setenv('PATH', '/nonexistent')
    monkeypatch.setenv('JAVA_HOME', os.path.dirname(os.path.dirname(fake_tools['java'])))
    run = run_main({'action': 'status', 'java': 'java'}, 'status')
    assert run.exit_code == 0 and run.argv[0] == fake_tools['java']


def test_missing_java_and_jar_are_both_reported(run_main, tmp_path, monkeypatch):
    monkeypatch.setenv('PATH', '/nonexistent')
    monkeypatch.delenv('JAVA_HOME', raising=False)
    run = run_main({'action': 'status', 'java': 'nojava', 'jar': str(tmp_path / 'x.jar')}, None)
    assert "Java runtime 'nojava'" in run.output['msg'] and 'ctguard jar ' in run.output['msg']


@pytest.mark.parametrize('args,msg', [
    ({'action': 'prepare', 'wait': '10m'}, 'action=prepare does not take wait (applies to restore)'),
    ({'action': 'restore', 'remove': True}, 'action=restore does not take remove (applies to persist)'),
    ({'action': 'check', 'max': 1048576}, 'action=check does not take max (applies to plan, prepare, tune)'),
    ({'action': 'persist', 'fail_on': 'warning'}, 'action=persist does not take fail_on (applies to check)'),
    ({'action': 'persist', 'persist': True}, 'action=persist does not take persist (applies to tune)'),
    ({'action': 'tune', 'wait': '10m'}, 'action=tune does not take wait (applies to restore)'),
    ({'action': 'prepare', 'counter_cache': '/var/tmp/c.json'},
     'action=prepare does not take counter_cache (applies to check)'),
])
def test_not_applicable_parameter_fails_before_running(run_main, args, msg):
    run = run_main(args, None)
    assert run.exit_code == 1 and run.output['failed'] is True
    assert run.output['msg'] == msg
    assert run.calls == []


def test_not_applicable_is_checked_before_the_prerequisites(run_main, tmp_path):
    run = run_main({'action': 'status', 'wait': '1m', 'jar': str(tmp_path / 'missing.jar')}, None)
    assert run.output['msg'].startswith('action=status does not take wait')


@pytest.mark.parametrize('args,fragment', [
    ({'action': 'reboot'}, 'action'),
    ({'action': 'check', 'fail_on': 'sometimes'}, 'fail_on'),
    ({'action': 'plan', 'max': 'lots'}, 'max'),
    ({}, 'action'),
])
def test_argument_spec_validation(run_main, args, fragment):
    run = run_main(args, None)
    assert run.exit_code == 1 and run.output['failed'] is True
    assert fragment in run.output['msg']
    assert run.calls == []


def test_every_flag_reaches_the_agent(run_main):
    run = run_main({'action': 'prepare', 'max': 4194304, 'buckets': 1048576, 'time_wait': 30,
                    'memory_budget': '1GiB', 'force': True, 'allow_partial': True, 'lock_timeout': '5m',
                    'state_dir': '/srv/ctguard', 'root': '/tmp/tree', 'java_options': ['-Xmx64m']},
                   'prepare-changed')
    argv = run.argv
    assert argv[1:3] == ['-Xmx64m', '-jar']
    assert argv[argv.index('prepare'):] == [
        'prepare', '--json', '--memory-budget', '1GiB', '--max', '4194304', '--buckets', '1048576',
        '--time-wait', '30', '--force', '--allow-partial', '--lock-timeout', '5m', '--state-dir', '/srv/ctguard',
        '--root', '/tmp/tree']


def test_restore_wait(run_main):
    run = run_main({'action': 'restore', 'wait': '10m', 'force': True}, 'restore-changed', diff=True)
    assert run.argv[run.argv.index('restore'):][:5] == ['restore', '--json', '--wait', '10m', '--force']
    assert run.output['changed'] is True
    assert run.output['diff']['after'] == 'nf_conntrack_max = 262144\nnf_conntrack_tcp_timeout_time_wait = 120\n'


# --- tune -----------------------------------------------------------------------------------------------

@pytest.mark.parametrize('case,changed', [('tune-changed', True), ('tune-unchanged', False)])
def test_tune_changed_and_unchanged(run_main, agent_json, case, changed):
    run = run_main({'action': 'tune'}, case, diff=True)
    out = run.output
    assert run.exit_code == 0 and not out.get('failed')
    assert out['changed'] is changed and out['dry_run'] is False and out['action'] == 'tune'
    assert run.argv[run.argv.index('tune'):] == ['tune', '--json', '--lock-timeout', '30s',
                                                 '--state-dir', '/var/lib/conntrack-guard']
    for key in AGENT_KEYS:
        assert out[key] == agent_json(case)[key], key
    assert out['plan']['kind'] == 'tune' and 'files' not in out
    assert bool(out['diff']['after']) is changed


def test_check_mode_tune_runs_a_dry_run_and_shows_the_diff(run_main):
    run = run_main({'action': 'tune', 'memory_budget': '2%'}, 'tune-dry-run', check_mode=True, diff=True)
    out = run.output
    assert run.exit_code == 0
    assert run.argv[run.argv.index('tune'):] == ['tune', '--json', '--memory-budget', '2%', '--dry-run',
                                                 '--lock-timeout', '30s', '--state-dir', '/var/lib/conntrack-guard']
    assert out['changed'] is True and out['dry_run'] is True
    assert out['snapshot']['taken_at'] is None   # the snapshot it would take; nothing was written
    assert out['diff'] == {
        'before': 'nf_conntrack_max = 12262144\nnf_conntrack_buckets = 16384\nnf_conntrack_tcp_timeout_time_wait = 120\n',
        'after': 'nf_conntrack_max = 2097152\nnf_conntrack_buckets = 524288\nnf_conntrack_tcp_timeout_time_wait = 60\n',
    }


def test_tune_persist(run_main, agent_json, warning_messages):
    run = run_main({'action': 'tune', 'persist': True}, 'tune-persist', diff=True)
    out = run.output
    assert run.exit_code == 0 and out['changed'] is True
    assert '--persist' in run.argv and '--dry-run' not in run.argv
    assert out['files'] == agent_json('tune-persist')['files']
    assert [d.get('before_header') for d in out['diff']] == [
        None, '/etc/modules-load.d/conntrack-guard.conf', '/etc/modprobe.d/conntrack-guard.conf',
        '/etc/sysctl.d/90-conntrack-guard.conf']
    assert 'nf_conntrack_max = 2097152' in out['diff'][0]['after']
    # the retired snapshot is the agent's warning, shown by Ansible and kept for playbooks
    assert warning_messages(out) == out['ctguard_warnings'] == agent_json('tune-persist')['warnings']
    assert out['ctguard_warnings'][0].startswith('snapshot retired to /var/lib/conntrack-guard/snapshot.persisted-')


def test_check_mode_tune_persist(run_main):
    run = run_main({'action': 'tune', 'persist': True}, 'tune-persist-dry-run', check_mode=True, diff=True)
    out = run.output
    assert run.argv[run.argv.index('tune'):][:4] == ['tune', '--json', '--persist', '--dry-run']
    assert out['changed'] is True and out['dry_run'] is True
    assert len(out['diff']) == 4 and all(d['before'] == '' for d in out['diff'][1:])
    assert out['ctguard_warnings'] == []


def test_restore_after_tune(run_main):
    run = run_main({'action': 'restore', 'wait': '10m'}, 'restore-tuned', diff=True)
    assert run.output['changed'] is True
    assert run.output['diff']['after'] == ('nf_conntrack_max = 12262144\nnf_conntrack_buckets = 16384\n'
                                           'nf_conntrack_tcp_timeout_time_wait = 120\n')


def test_plan_returns_the_tune_plan(run_main, agent_json):
    out = run_main({'action': 'plan'}, 'plan-seed').output
    assert out['plan']['kind'] == 'prepare' and out['tune_plan'] == agent_json('plan-seed')['tune_plan']
    assert out['tune_plan']['targets']['nf_conntrack_max'] == 2097152 < out['tunables']['nf_conntrack_max']['before']


# --- check: the new reasons, the counter cache, nullable fields ----------------------------------------------

@pytest.mark.parametrize('fail_on,fails', [('critical', False), ('warning', True), ('never', False)])
def test_check_over_budget(run_main, fail_on, fails):
    run = run_main({'action': 'check', 'fail_on': fail_on}, 'check-over-budget')
    out = run.output
    assert out['failed'] is fails and out['rc'] == 1
    assert out['memory']['over_budget'] is True
    assert 'over_budget' in [r['code'] for r in out['verdict']['reasons']]
    if fails:
        assert "'ctguard tune' sets the balanced max 2097152" in out['msg']


def test_check_unlimited(run_main):
    out = run_main({'action': 'check', 'fail_on': 'warning'}, 'check-unlimited').output
    assert out['failed'] is True
    assert out['msg'].startswith('vm: conntrack WARNING: nf_conntrack_max is 0')
    assert out['usage']['unlimited'] is True and out['usage']['fill_ratio'] is None
    assert out['memory']['table_bytes_at_max'] is None


def test_check_counter_cache(run_main, agent_json):
    run = run_main({'action': 'check', 'counter_cache': '/var/tmp/ctguard-counters.json', 'state_dir': '/srv/ct'},
                   'check-counters-rose')
    assert run.argv[run.argv.index('check'):] == ['check', '--json', '--counter-cache',
                                                  '/var/tmp/ctguard-counters.json', '--state-dir', '/srv/ct']
    assert run.output['stats_increase'] == agent_json('check-counters-rose')['stats_increase']
    assert run.output['failed'] is False


@pytest.mark.parametrize('case', SUCCESS_CASES)
@pytest.mark.parametrize('check_mode', [False, True])
def test_every_recorded_success_through_main(run_main, load_case, case, check_mode):
    """Every recorded result, with its null fields, passes main() in check and diff mode without a crash."""
    recorded = load_case(case)
    args = {'action': recorded.args[0]}
    if args['action'] == 'check':
        args['fail_on'] = 'never'
    for flag, name in (('--persist', 'persist'), ('--allow-partial', 'allow_partial'), ('--remove', 'remove')):
        if flag in recorded.args:
            args[name] = True
    run = run_main(args, recorded, check_mode=check_mode, diff=True)
    assert run.exit_code == 0, run.output
    assert run.output['failed'] is False and run.output['changed'] is json.loads(recorded.stdout)['changed']
    assert ('diff' in run.output) is (args['action'] in ('prepare', 'tune', 'restore', 'persist'))


def test_a_missing_marker_runs_nothing_and_says_agent_missing(run_main, tmp_path):
    """The role's one-task fast path: the module checks the install's marker before anything else."""
    marker = str(tmp_path / '.installed-0123')
    run = run_main({'action': 'check', 'installed_marker': marker}, None)
    assert run.exit_code == 1 and run.calls == []
    assert run.output['agent_missing'] is True
    assert run.output['msg'] == 'the agent is not installed as wanted: %s is missing' % marker


def test_a_present_marker_lets_the_agent_run(run_main, tmp_path):
    marker = tmp_path / '.installed-0123'
    marker.write_text('bundle\n')
    run = run_main({'action': 'check', 'installed_marker': str(marker)}, 'check-ok')
    assert len(run.calls) == 1 and 'agent_missing' not in run.output


def test_a_marker_without_its_executable_is_a_missing_agent(run_main, tmp_path):
    """Someone removed the files (a package purged over the bundle): reinstall rather than fail."""
    marker = tmp_path / '.installed-0123'
    marker.write_text('bundle\n')
    run = run_main({'action': 'check', 'installed_marker': str(marker), 'executable': str(tmp_path / 'bin' / 'ctguard')},
                   None, tools=False)
    assert run.exit_code == 1 and run.calls == []
    assert run.output['agent_missing'] is True


def fake_systemd_run(monkeypatch):
    """systemd-run found in /usr/bin, whether this machine has it or not (run_command is faked anyway)."""
    from ansible.module_utils.basic import AnsibleModule
    real = AnsibleModule.get_bin_path
    monkeypatch.setattr(AnsibleModule, 'get_bin_path',
                        lambda self, name, *a, **kw: '/usr/bin/systemd-run' if name == 'systemd-run' else real(self, name, *a, **kw))


def test_guard_under_systemd_starts_the_unit_and_says_changed(run_main, monkeypatch):
    fake_systemd_run(monkeypatch)
    run = run_main({'action': 'guard', 'supervisor': 'systemd'}, (0, '', 'Running as unit: ctguard-guard.service\n'))
    assert run.exit_code == 0, run.output
    assert run.output['changed'] is True and run.output['guard'] == {'unit': 'ctguard-guard'}
    assert run.argv[:3] == ['/usr/bin/systemd-run', '--unit', 'ctguard-guard']


def test_guard_under_systemd_fails_when_the_unit_exists(run_main, monkeypatch):
    fake_systemd_run(monkeypatch)
    run = run_main({'action': 'guard', 'supervisor': 'systemd'},
                   (1, '', 'Failed to start transient service unit: Unit ctguard-guard.service already exists.\n'))
    assert run.exit_code == 1
    assert run.output['msg'] == ('systemd-run --unit ctguard-guard failed with rc 1: Failed to start transient service unit: '
                                 'Unit ctguard-guard.service already exists.')


@pytest.mark.parametrize('supervisor, changed', [('none', False), ('systemd', True)])
def test_check_mode_guard_starts_nothing(run_main, supervisor, changed):
    run = run_main({'action': 'guard', 'supervisor': supervisor}, None, check_mode=True)
    assert run.exit_code == 0 and run.calls == []
    assert run.output['changed'] is changed and run.output['msg'] == 'check mode: guard not started'
