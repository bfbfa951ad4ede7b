"""The module's pure functions (build_argv, not_applicable, interpret, make_diff) on recorded agent runs."""
import os

import pytest

FIXTURES = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'fixtures')
with open(os.path.join(FIXTURES, 'cases.tsv')) as _f:
    ALL_CASES = [line.split('\t')[0] for line in _f if line.strip()]
ERROR_CASES = [name for name in ALL_CASES if name.startswith('error-')]
SUCCESS_CASES = [name for name in ALL_CASES if not name.startswith('error-')]
JVM = ['-XX:TieredStopAtLevel=1', '-XX:+UseSerialGC', '-Xshare:auto', '-Xms8m']


def params(cg, **overrides):
    """Module params as AnsibleModule would hand them over: every option, with its default."""
    p = {name: spec.get('default') for name, spec in cg.ARGUMENT_SPEC.items()}
    p['java_options'] = list(cg.DEFAULT_JAVA_OPTIONS)
    p.update(overrides)
    return p


def test_cases_cover_the_brief():
    wanted = {'status', 'check-ok', 'check-warning', 'check-critical', 'plan', 'prepare-changed',
              'prepare-unchanged', 'prepare-dry-run', 'restore-nothing', 'persist-create', 'persist-unchanged',
              'persist-remove', 'error-usage-64', 'error-corrupt-snapshot-65', 'error-not-loaded-69',
              'error-lock-busy-75', 'error-permission-77', 'error-rollback-prepare-65',
              'tune-changed', 'tune-unchanged', 'tune-dry-run', 'tune-persist', 'tune-persist-dry-run', 'plan-seed',
              'check-over-budget', 'check-unlimited', 'check-counters-rose'}
    assert wanted <= set(ALL_CASES)


# --- build_argv ---------------------------------------------------------------------------------------

def test_argv_status_is_minimal(cg):
    assert cg.build_argv(params(cg, action='status'), False) == ['/opt/conntrack-guard/bin/ctguard', 'status', '--json']
    assert cg.build_argv(params(cg, action='status', executable='/usr/bin/ctguard'), False) == [
        '/usr/bin/ctguard', 'status', '--json']


def test_argv_with_a_jar_runs_java(cg):
    assert cg.build_argv(params(cg, action='status', jar='/opt/conntrack-guard/ctguard.jar'), False) == [
        'java'] + JVM + ['-jar', '/opt/conntrack-guard/ctguard.jar', 'status', '--json']


def test_argv_prepare_with_every_flag(cg):
    p = params(cg, action='prepare', max=4194304, buckets=1048576, time_wait=60, memory_budget='1GiB',
               force=True, allow_partial=True, lock_timeout='2m', state_dir='/srv/ct', root='/tmp/tree',
               jar='/opt/conntrack-guard/ctguard.jar')
    assert cg.build_argv(p, False, java='/usr/bin/java') == [
        '/usr/bin/java'] + JVM + ['-jar', '/opt/conntrack-guard/ctguard.jar', 'prepare', '--json',
                                  '--memory-budget', '1GiB', '--max', '4194304', '--buckets', '1048576',
                                  '--time-wait', '60', '--force', '--allow-partial',
                                  '--lock-timeout', '2m', '--state-dir', '/srv/ct', '--root', '/tmp/tree']


def test_argv_tune_with_every_flag(cg):
    p = params(cg, action='tune', max=2097152, buckets=524288, time_wait=60, memory_budget='2%', force=True,
               allow_partial=True, persist=True, lock_timeout='2m', state_dir='/srv/ct', root='/tmp/tree',
               jar='/opt/conntrack-guard/ctguard.jar')
    assert cg.build_argv(p, False, java='/usr/bin/java') == [
        '/usr/bin/java'] + JVM + ['-jar', '/opt/conntrack-guard/ctguard.jar', 'tune', '--json',
                                  '--memory-budget', '2%', '--max', '2097152', '--buckets', '524288',
                                  '--time-wait', '60', '--force', '--allow-partial', '--persist',
                                  '--lock-timeout', '2m', '--state-dir', '/srv/ct', '--root', '/tmp/tree']


def test_argv_tune_default_and_check_mode(cg):
    argv = cg.build_argv(params(cg, action='tune'), False)
    assert argv[argv.index('tune'):] == ['tune', '--json', '--lock-timeout', '30s',
                                         '--state-dir', '/var/lib/conntrack-guard']
    argv = cg.build_argv(params(cg, action='tune', persist=True), True)
    assert argv[argv.index('tune'):] == ['tune', '--json', '--persist', '--dry-run', '--lock-timeout', '30s',
                                         '--state-dir', '/var/lib/conntrack-guard']


def test_argv_check_gets_the_state_dir_and_the_counter_cache(cg):
    argv = cg.build_argv(params(cg, action='check', state_dir='/srv/ct'), False)
    assert argv[argv.index('check'):] == ['check', '--json', '--state-dir', '/srv/ct']
    argv = cg.build_argv(params(cg, action='check', counter_cache='/var/tmp/nagios/counters.json',
                                memory_budget='1GiB'), True)
    assert argv[argv.index('check'):] == ['check', '--json', '--memory-budget', '1GiB',
                                          '--counter-cache', '/var/tmp/nagios/counters.json',
                                          '--state-dir', '/var/lib/conntrack-guard']


def test_argv_restore_and_persist(cg):
    argv = cg.build_argv(params(cg, action='restore', wait='10m'), False)
    assert argv[argv.index('restore'):] == ['restore', '--json', '--wait', '10m', '--lock-timeout', '30s',
                                            '--state-dir', '/var/lib/conntrack-guard']
    argv = cg.build_argv(params(cg, action='persist', remove=True), False)
    assert argv[argv.index('persist'):] == ['persist', '--json', '--remove', '--lock-timeout', '30s',
                                            '--state-dir', '/var/lib/conntrack-guard']
    argv = cg.build_argv(params(cg, action='restore', discard=True), False)
    assert argv[argv.index('restore'):] == ['restore', '--json', '--discard', '--lock-timeout', '30s',
                                            '--state-dir', '/var/lib/conntrack-guard']
    assert cg.not_applicable(params(cg, action='prepare', discard=True)) == 'action=prepare does not take discard (applies to restore)'


@pytest.mark.parametrize('action', ['prepare', 'tune', 'restore', 'persist'])
def test_check_mode_adds_dry_run_to_changing_actions(cg, action):
    assert '--dry-run' in cg.build_argv(params(cg, action=action), True)
    assert '--dry-run' not in cg.build_argv(params(cg, action=action), False)


def test_argv_top_with_every_flag(cg):
    argv = cg.build_argv(params(cg, action='top', netns='all', limit=25, notrack_candidates=['udp/5353', 'tcp/9100']), True)
    assert argv == ['/opt/conntrack-guard/bin/ctguard', 'top', '--json', '--netns', 'all', '--limit', '25',
                    '--notrack-candidate', 'udp/5353', '--notrack-candidate', 'tcp/9100']


@pytest.mark.parametrize('action', ['status', 'check', 'plan', 'top'])
def test_read_only_actions_never_get_dry_run_or_lock(cg, action):
    argv = cg.build_argv(params(cg, action=action), True)
    assert '--dry-run' not in argv
    assert '--lock-timeout' not in argv
    # check keeps its counter cache in the state dir; status and plan keep nothing
    assert ('--state-dir' in argv) is (action == 'check')


def test_false_booleans_and_unset_values_are_not_passed(cg):
    argv = cg.build_argv(params(cg, action='prepare', force=False, allow_partial=False), False)
    for flag in ('--force', '--allow-partial', '--max', '--buckets', '--time-wait', '--memory-budget', '--root'):
        assert flag not in argv
    argv = cg.build_argv(params(cg, action='tune', persist=False), False)
    for flag in ('--persist', '--force', '--allow-partial', '--max', '--root', '--dry-run'):
        assert flag not in argv
    assert '--counter-cache' not in cg.build_argv(params(cg, action='check'), False)


@pytest.mark.parametrize('root,passed', [('/', False), ('//', False), ('/tmp/tree', True), ('/tmp/tree/', True)])
def test_root_only_when_not_slash(cg, root, passed):
    argv = cg.build_argv(params(cg, action='status', root=root), False)
    assert ('--root' in argv) is passed


def test_java_options_can_be_emptied(cg):
    argv = cg.build_argv(params(cg, action='status', java_options=[], java='/opt/jdk/bin/java',
                                jar='/opt/conntrack-guard/ctguard.jar'), False)
    assert argv[:3] == ['/opt/jdk/bin/java', '-jar', '/opt/conntrack-guard/ctguard.jar']


def test_argv_is_a_list_of_strings(cg):
    argv = cg.build_argv(params(cg, action='plan', max=1, buckets=1024, time_wait=1), False)
    assert all(isinstance(a, str) for a in argv)


# --- not_applicable -------------------------------------------------------------------------------------

@pytest.mark.parametrize('action,name,value,applies', [
    ('prepare', 'wait', '10m', 'restore'),
    ('restore', 'remove', True, 'persist'),
    ('check', 'max', 1048576, 'plan, prepare, tune'),
    ('status', 'time_wait', 60, 'plan, prepare, tune'),
    ('restore', 'buckets', 65536, 'plan, prepare, tune'),
    ('restore', 'memory_budget', '2%', 'status, check, plan, prepare, tune, guard'),
    ('persist', 'force', True, 'prepare, tune, restore'),
    ('check', 'allow_partial', True, 'prepare, tune, restore'),
    ('prepare', 'fail_on', 'warning', 'check'),
    ('plan', 'fail_on', 'never', 'check'),
    # persist=true is tune's; the persist action is a different thing
    ('persist', 'persist', True, 'tune'),
    ('prepare', 'persist', True, 'tune'),
    ('tune', 'wait', '10m', 'restore'),
    ('tune', 'remove', True, 'persist'),
    ('tune', 'fail_on', 'warning', 'check'),
    ('tune', 'counter_cache', '/var/tmp/c.json', 'check'),
    ('status', 'counter_cache', '/var/tmp/c.json', 'check'),
    ('check', 'netns', 'all', 'top'),
    ('status', 'notrack_candidates', ['udp/5353'], 'top'),
    ('plan', 'limit', 20, 'top'),
])
def test_not_applicable_names_the_parameter_and_its_actions(cg, action, name, value, applies):
    msg = cg.not_applicable(params(cg, action=action, **{name: value}))
    assert msg == 'action=%s does not take %s (applies to %s)' % (action, name, applies)
    assert '\n' not in msg


def test_not_applicable_lists_every_wrong_parameter(cg):
    msg = cg.not_applicable(params(cg, action='check', wait='1m', max=2))
    assert 'max (applies to plan, prepare, tune)' in msg and 'wait (applies to restore)' in msg


@pytest.mark.parametrize('action,extra', [
    ('status', {'memory_budget': '2%'}),
    ('check', {'memory_budget': '1GiB', 'fail_on': 'warning'}),
    ('plan', {'max': 1, 'buckets': 1024, 'time_wait': 60, 'memory_budget': '2%'}),
    ('prepare', {'max': 1, 'force': True, 'allow_partial': True}),
    ('restore', {'wait': '10m', 'force': True, 'allow_partial': True}),
    ('persist', {'remove': True}),
    ('tune', {'max': 2097152, 'buckets': 524288, 'time_wait': 60, 'memory_budget': '2%', 'force': True,
              'allow_partial': True, 'persist': True}),
    ('check', {'counter_cache': '/var/tmp/nagios/counters.json'}),
    ('top', {'netns': 'qrouter-1', 'limit': 5, 'notrack_candidates': ['udp/53']}),
    ('check', {'limit': 10, 'notrack_candidates': []}),
    # defaults, and the settings every action accepts, are never "not applicable"
    ('check', {'force': False, 'remove': False, 'fail_on': 'critical', 'lock_timeout': '5m',
               'state_dir': '/srv/ct', 'root': '/tmp/x'}),
    ('persist', {'fail_on': 'critical', 'allow_partial': False, 'persist': False}),
    ('restore', {'persist': False, 'counter_cache': None}),
])
def test_applicable_parameters_pass(cg, action, extra):
    assert cg.not_applicable(params(cg, action=action, **extra)) is None


# --- interpret --------------------------------------------------------------------------------------------

def action_of(case):
    return case.args[0]


@pytest.mark.parametrize('name', SUCCESS_CASES)
def test_success_returns_every_agent_field(cg, load_case, agent_json, name):
    case = load_case(name)
    fail_on = 'never' if action_of(case) == 'check' else 'critical'
    result, failure = cg.interpret(case.rc, case.stdout, case.stderr, params(cg, action=action_of(case),
                                                                             fail_on=fail_on))
    assert failure is None
    agent = agent_json(name)
    for key, value in agent.items():
        assert result[key] == value
    assert result['rc'] == case.rc
    assert result['changed'] is agent['changed']


@pytest.mark.parametrize('name,changed', [
    ('prepare-changed', True), ('prepare-unchanged', False), ('prepare-dry-run', True),
    ('restore-changed', True), ('restore-nothing', False), ('restore-dry-run', True),
    ('persist-create', True), ('persist-unchanged', False), ('persist-remove', True),
    ('persist-dry-run', True), ('status', False), ('plan', False),
    ('tune-changed', True), ('tune-unchanged', False), ('tune-dry-run', True), ('tune-persist', True),
    ('tune-persist-dry-run', True), ('restore-tuned', True), ('plan-seed', False),
])
def test_changed_is_the_agents(cg, load_case, name, changed):
    case = load_case(name)
    result, failure = cg.interpret(case.rc, case.stdout, case.stderr, params(cg, action=action_of(case)))
    assert failure is None and result['changed'] is changed


@pytest.mark.parametrize('name,fail_on,fails', [
    ('check-ok', 'critical', False), ('check-ok', 'warning', False), ('check-ok', 'never', False),
    ('check-warning', 'critical', False), ('check-warning', 'warning', True), ('check-warning', 'never', False),
    ('check-critical', 'critical', True), ('check-critical', 'warning', True), ('check-critical', 'never', False),
])
def test_fail_on_against_verdicts(cg, load_case, name, fail_on, fails):
    case = load_case(name)
    result, failure = cg.interpret(case.rc, case.stdout, case.stderr, params(cg, action='check', fail_on=fail_on))
    assert (failure is not None) is fails
    assert result['verdict']['status'] in ('OK', 'WARNING', 'CRITICAL')
    assert result['rc'] == case.rc


@pytest.mark.parametrize('name,codes', [
    ('check-over-budget', ['chain_length', 'over_budget', 'drops']),
    ('check-unlimited', ['unlimited', 'drops', 'chain_too_long']),
    ('check-warning', ['drops', 'chain_too_long']),
    ('check-counters-rose', ['drops']),
])
def test_new_reason_codes(cg, load_case, name, codes):
    case = load_case(name)
    result, failure = cg.interpret(case.rc, case.stdout, case.stderr, params(cg, action='check', fail_on='warning'))
    assert [r['code'] for r in result['verdict']['reasons']] == codes
    assert result['verdict']['status'] == 'WARNING' and result['rc'] == 1
    assert failure.startswith('%s: conntrack WARNING: ' % result['host'])


def test_over_budget_on_the_seed_node(cg, load_case):
    case = load_case('check-over-budget')
    result, failure = cg.interpret(case.rc, case.stdout, case.stderr, params(cg, action='check', fail_on='warning'))
    assert result['memory']['over_budget'] is True and result['usage']['unlimited'] is False
    assert result['memory']['table_bytes_at_max'] == 5493571584 > result['memory']['budget_bytes']
    assert "'ctguard tune' sets the balanced max 2097152" in failure
    assert failure.startswith('compute-seed-12: conntrack WARNING: ')
    _, failure = cg.interpret(case.rc, case.stdout, case.stderr, params(cg, action='check'))
    assert failure is None   # WARNING does not fail under the default fail_on=critical


def test_unlimited_max_leaves_the_nullable_fields_null(cg, load_case):
    case = load_case('check-unlimited')
    result, failure = cg.interpret(case.rc, case.stdout, case.stderr, params(cg, action='check', fail_on='never'))
    assert failure is None
    assert result['usage']['unlimited'] is True and result['usage']['max'] == 0
    for key in ('fill_ratio', 'fullest_fill_ratio', 'entries_per_bucket_at_max'):
        assert result['usage'][key] is None, key
    for key in ('table_bytes_at_max', 'table_bytes_worst'):
        assert result['memory'][key] is None, key
    assert result['memory']['over_budget'] is True
    _, failure = cg.interpret(case.rc, case.stdout, case.stderr, params(cg, action='check', fail_on='warning'))
    assert failure.startswith("vm: conntrack WARNING: nf_conntrack_max is 0: the kernel sets no limit")


def test_stats_increase(cg, load_case, agent_json):
    assert agent_json('check-warning')['stats_increase'] is None   # the first check of this boot
    case = load_case('check-counters-rose')
    assert case.args[case.args.index('--counter-cache') + 1] == '/var/tmp/ctguard-counters.json'
    result, failure = cg.interpret(case.rc, case.stdout, case.stderr, params(cg, action='check'))
    assert failure is None
    increase = result['stats_increase']
    assert increase['drop'] == 16 and increase['early_drop'] == 0 and increase['insert_failed'] == 0
    assert isinstance(increase['since'], str) and increase['interval_seconds'] >= 0
    assert result['stats']['drop'] == 57 and result['stats']['chain_too_long'] == 5


def test_plan_has_both_plans(cg, load_case):
    case = load_case('plan-seed')
    result, failure = cg.interpret(case.rc, case.stdout, case.stderr, params(cg, action='plan'))
    assert failure is None and result['changed'] is False
    prepare, tune = result['plan'], result['tune_plan']
    assert prepare['kind'] == 'prepare' and tune['kind'] == 'tune'
    assert prepare['targets'] == {'nf_conntrack_buckets': 3065856, 'nf_conntrack_max': 12262144,
                                  'nf_conntrack_tcp_timeout_time_wait': 60}
    assert prepare['node_over_budget'] is True
    assert tune['targets'] == {'nf_conntrack_buckets': 524288, 'nf_conntrack_max': 2097152,
                               'nf_conntrack_tcp_timeout_time_wait': 60}
    assert tune['balanced_max'] == tune['ceiling'] == 2097152 and tune['node_over_budget'] is False
    assert tune['bytes_at_current'] == 5493571584 and tune['bytes_at_target'] == 943718400
    assert 'tune_plan' in load_case('plan').stdout


def test_tune_result(cg, load_case):
    case = load_case('tune-changed')
    result, failure = cg.interpret(case.rc, case.stdout, case.stderr, params(cg, action='tune'))
    assert failure is None and result['changed'] is True and result['action'] == 'tune'
    assert result['plan']['kind'] == 'tune' and 'tune_plan' not in result and 'files' not in result
    assert result['snapshot']['values'] == {'nf_conntrack_buckets': 16384, 'nf_conntrack_max': 12262144,
                                            'nf_conntrack_tcp_timeout_time_wait': 120}
    assert {n: result['tunables'][n]['after'] for n in result['plan']['targets']} == result['plan']['targets']


def test_nothing_breaks_when_the_optional_sections_are_null(cg, agent_json):
    """An agent result whose nullable sections are all null (or absent) still maps to a result and a diff."""
    import json
    for name in ('check-unlimited', 'tune-persist'):
        agent = agent_json(name)
        for key in ('usage', 'memory', 'stats', 'stats_increase', 'namespaces', 'plan', 'verdict', 'kernel_log',
                    'snapshot', 'tunables'):
            agent[key] = None
        agent['files'] = None
        action = agent['action']
        result, failure = cg.interpret(0, json.dumps(agent), '',
                                       params(cg, action=action, fail_on='never'))
        assert failure is None, failure
        diff = cg.make_diff(result, action)
        assert diff in (None, {'before': '', 'after': ''})


def test_critical_message_names_the_host_and_its_numbers(cg, load_case):
    case = load_case('check-critical')
    _, failure = cg.interpret(case.rc, case.stdout, case.stderr, params(cg, action='check'))
    assert failure.startswith('vm: conntrack CRITICAL: table 91.2% full (239000 of 262144 entries)')
    assert '; drop counters rose since boot (no earlier check of this boot to compare with): drop=41 ' in failure
    assert failure.endswith('(chainlength counter): raise the buckets')


def test_warning_message(cg, load_case):
    case = load_case('check-warning')
    _, failure = cg.interpret(case.rc, case.stdout, case.stderr, params(cg, action='check', fail_on='warning'))
    assert failure == ('vm: conntrack WARNING: drop counters rose since boot (no earlier check of this boot to compare '
                       'with): drop=41 early_drop=3 insert_failed=3; the kernel refused 5 insert(s) into over-long hash '
                       'chains since boot (no earlier check of this boot to compare with) (chainlength counter): '
                       'raise the buckets')


@pytest.mark.parametrize('fail_on,fails', [('critical', True), ('warning', True), ('never', False)])
def test_unknown_verdict(cg, agent_json, fail_on, fails):
    import json
    agent = agent_json('check-ok')
    agent['verdict'] = {'status': 'UNKNOWN', 'exit_code': 3,
                        'reasons': [{'status': 'UNKNOWN', 'code': 'fill', 'message': 'count unreadable'}]}
    _, failure = cg.interpret(3, json.dumps(agent), '', params(cg, action='check', fail_on=fail_on))
    assert (failure == 'vm: conntrack UNKNOWN: count unreadable') is fails
    assert (failure is None) is not fails


def test_worst_reason_first(cg, agent_json):
    import json
    agent = agent_json('check-critical')
    agent['verdict']['reasons'].reverse()
    _, failure = cg.interpret(2, json.dumps(agent), '', params(cg, action='check'))
    assert failure.startswith('vm: conntrack CRITICAL: table 91.2% full')


@pytest.mark.parametrize('error,expected', [
    ({'message': 'pass --force', 'template': 'pass {force}', 'options': {'force': '--force'}}, 'pass force=true'),
    ({'message': 'restore with --discard', 'template': 'restore with {discard}', 'options': {'discard': '--discard'}},
     'restore with discard=true'),
    # an option this module does not take keeps the agent's flag; an unknown placeholder stays as it is
    ({'message': 'x', 'template': 'lower {margin} {nosuch}', 'options': {'margin': '--margin'}}, 'lower --margin {nosuch}'),
    ({'message': 'no template'}, 'no template'),
    ({'message': 'bad', 'template': 'pass {force}', 'options': 'not a mapping'}, 'bad'),
])
def test_error_message_names_module_parameters(cg, error, expected):
    assert cg.error_message(error) == expected


@pytest.mark.parametrize('name', ERROR_CASES)
def test_agent_errors_surface_message_rc_and_fields(cg, load_case, name):
    case = load_case(name)
    result, failure = cg.interpret(case.rc, case.stdout, case.stderr, params(cg, action=action_of(case)))
    assert failure
    assert result['rc'] == case.rc == int(name.rsplit('-', 1)[1])
    assert result['stderr'] == case.stderr
    if case.stdout:
        agent = cg.parse_agent_json(case.stdout)
        assert failure == (agent['error']['message'] if 'template' not in agent['error'] else cg.error_message(agent['error']))
        for key, value in agent.items():
            assert result[key] == value
    else:
        assert failure == "ctguard: Unknown option: '--no-such-flag'"


@pytest.mark.parametrize('name,expected', [
    ('error-usage-64', 'nf_conntrack_max=0 is out of range: it must be between 1 and 2147483647'),
    ('error-corrupt-snapshot-65', 'snapshot /var/lib/conntrack-guard/snapshot.json is corrupt'),
    ('error-over-budget-65', 'above the budget of 483.0 MiB (2% of RAM)'),
    ('error-not-loaded-69', "nf_conntrack is not loaded"),
    ('error-check-not-loaded-3', "nf_conntrack is not loaded"),
    ('error-lock-busy-75', "the node's lock /run/conntrack-guard/lock is held by another process"),
    ('error-not-drained-75', 'the table holds 250000 entries'),
    ('error-permission-77', 'cannot change nf_conntrack_max (global limit: read-only outside the initial network'),
    ('error-rollback-prepare-65', 'rolled back nf_conntrack_buckets'),
    ('error-rollback-persist-73', 'put back /etc/modules-load.d/conntrack-guard.conf'),
])
def test_error_messages(cg, load_case, name, expected):
    case = load_case(name)
    _, failure = cg.interpret(case.rc, case.stdout, case.stderr, params(cg, action=action_of(case)))
    assert expected in failure


@pytest.mark.parametrize('name,undone', [
    ('error-rollback-prepare-65', ['nf_conntrack_buckets']),
    ('error-rollback-persist-73', ['/etc/modules-load.d/conntrack-guard.conf']),
])
def test_rollback_is_returned(cg, load_case, name, undone):
    case = load_case(name)
    result, _ = cg.interpret(case.rc, case.stdout, case.stderr, params(cg, action=action_of(case)))
    assert result['rollback'] == {'undone': undone, 'failed': []}
    assert result['changed'] is False


def test_check_errors_are_unknown_and_fail_even_with_fail_on_never(cg, load_case):
    """check exits 3 on an error (a monitoring plugin's UNKNOWN); its JSON error says so, and keeps sysexit."""
    case = load_case('error-check-not-loaded-3')
    result, failure = cg.interpret(case.rc, case.stdout, case.stderr, params(cg, action='check', fail_on='never'))
    assert 'nf_conntrack is not loaded' in failure and result['rc'] == 3
    assert result['error'] == {'exit_code': 3, 'sysexit': 69, 'message': result['error']['message']}


def test_check_exit_1_without_json_is_a_failure_not_a_warning(cg):
    stderr = ("Unrecognized VM option 'Bogus'\nError: Could not create the Java Virtual Machine.\n"
              "Error: A fatal exception has occurred. Program will exit.\n")
    result, failure = cg.interpret(1, '', stderr, params(cg, action='check', fail_on='never'))
    assert failure == ("ctguard check exited with rc 1 but it printed nothing on stdout "
                       "(stderr: Unrecognized VM option 'Bogus')")
    assert result['rc'] == 1 and result['stderr'] == stderr


@pytest.mark.parametrize('stdout', ['not json', '[1, 2]', '{"schema": "ctguard/v1"'])
def test_unparseable_stdout(cg, stdout):
    result, failure = cg.interpret(0, stdout, 'first line\nsecond line\n', params(cg, action='status'))
    assert failure == ('ctguard status exited with rc 0 but its output is not one JSON object '
                       '(stderr: first line)')
    assert result['stdout'] == stdout and result['rc'] == 0


def test_empty_stdout_on_success(cg):
    _, failure = cg.interpret(0, '', '', params(cg, action='plan'))
    assert failure == 'ctguard plan exited with rc 0 but it printed nothing on stdout (stderr: empty)'


def test_error_without_any_output(cg):
    _, failure = cg.interpret(70, '', '', params(cg, action='prepare'))
    assert 'rc 70' in failure and 'printed nothing' in failure


def test_stderr_message_prefers_the_agents_own_line(cg):
    assert cg.stderr_message("ctguard: Unknown option: '-x'\nTry 'ctguard prepare --help' for the options.\n") \
        == "ctguard: Unknown option: '-x'"
    assert cg.stderr_message('progress\nctguard restore: waited 10m; still 250000 entries\n') \
        == 'ctguard restore: waited 10m; still 250000 entries'
    assert cg.stderr_message('\n\n') is None
    assert cg.stderr_message('Error: Unable to access jarfile /x.jar\n') is None


def test_reserved_keys_are_not_copied(cg):
    result, failure = cg.interpret(0, '{"changed": false, "msg": "x", "failed": true, "invocation": 1}', '',
                                   params(cg, action='status'))
    assert failure is None
    assert 'msg' not in result and 'failed' not in result and 'invocation' not in result


# --- make_diff ----------------------------------------------------------------------------------------------

def diff_of(cg, load_case, name, action):
    case = load_case(name)
    result, failure = cg.interpret(case.rc, case.stdout, case.stderr, params(cg, action=action))
    assert failure is None
    return cg.make_diff(result, action)


@pytest.mark.parametrize('name', ['prepare-changed', 'prepare-dry-run'])
def test_prepare_diff(cg, load_case, name):
    assert diff_of(cg, load_case, name, 'prepare') == {
        'before': 'nf_conntrack_max = 262144\nnf_conntrack_tcp_timeout_time_wait = 120\n',
        'after': 'nf_conntrack_max = 1048576\nnf_conntrack_tcp_timeout_time_wait = 60\n',
    }


def test_unchanged_prepare_has_an_empty_diff(cg, load_case):
    assert diff_of(cg, load_case, 'prepare-unchanged', 'prepare') == {'before': '', 'after': ''}


def test_restore_diff(cg, load_case):
    assert diff_of(cg, load_case, 'restore-changed', 'restore') == {
        'before': 'nf_conntrack_max = 1048576\nnf_conntrack_tcp_timeout_time_wait = 60\n',
        'after': 'nf_conntrack_max = 262144\nnf_conntrack_tcp_timeout_time_wait = 120\n',
    }
    assert diff_of(cg, load_case, 'restore-nothing', 'restore') == {'before': '', 'after': ''}


def test_partial_prepare_diff_shows_only_what_changed(cg, load_case):
    assert diff_of(cg, load_case, 'prepare-partial', 'prepare') == {
        'before': 'nf_conntrack_tcp_timeout_time_wait = 120\n',
        'after': 'nf_conntrack_tcp_timeout_time_wait = 60\n',
    }


def test_persist_create_diff(cg, load_case, agent_json):
    diff = diff_of(cg, load_case, 'persist-create', 'persist')
    files = {f['path']: f for f in agent_json('persist-create')['files']}
    assert [d['before_header'] for d in diff] == ['/etc/modules-load.d/conntrack-guard.conf',
                                                  '/etc/sysctl.d/90-conntrack-guard.conf']
    for d in diff:
        assert d['after_header'] == d['before_header']
        assert d['before'] == ''
        assert d['after'] == files[d['before_header']]['content']
    assert 'net.netfilter.nf_conntrack_max = 1048576\n' in diff[1]['after']


def test_persist_4_15_diff_has_the_modprobe_file(cg, load_case):
    diff = diff_of(cg, load_case, 'persist-create-4.15', 'persist')
    assert len(diff) == 3
    assert 'options nf_conntrack hashsize=' in diff[1]['after']


def test_persist_remove_diff(cg, load_case, agent_json):
    diff = diff_of(cg, load_case, 'persist-remove', 'persist')
    previous = {f['path']: f['previous'] for f in agent_json('persist-remove')['files']}
    assert [d['after'] for d in diff] == ['', '']
    assert [d['before'] for d in diff] == [previous[d['before_header']] for d in diff]
    assert all(d['before'] for d in diff)


def test_unchanged_persist_has_no_file_diffs(cg, load_case):
    assert diff_of(cg, load_case, 'persist-unchanged', 'persist') == []


@pytest.mark.parametrize('name,action', [('status', 'status'), ('check-ok', 'check'), ('plan', 'plan'),
                                         ('plan-seed', 'plan'), ('check-over-budget', 'check')])
def test_read_only_actions_have_no_diff(cg, load_case, name, action):
    case = load_case(name)
    result, _ = cg.interpret(case.rc, case.stdout, case.stderr, params(cg, action=action, fail_on='never'))
    assert cg.make_diff(result, action) is None


@pytest.mark.parametrize('name', ['tune-changed', 'tune-dry-run'])
def test_tune_diff(cg, load_case, name):
    assert diff_of(cg, load_case, name, 'tune') == {
        'before': 'nf_conntrack_max = 12262144\nnf_conntrack_buckets = 16384\nnf_conntrack_tcp_timeout_time_wait = 120\n',
        'after': 'nf_conntrack_max = 2097152\nnf_conntrack_buckets = 524288\nnf_conntrack_tcp_timeout_time_wait = 60\n',
    }


def test_unchanged_tune_has_an_empty_diff(cg, load_case):
    assert diff_of(cg, load_case, 'tune-unchanged', 'tune') == {'before': '', 'after': ''}


def test_restore_after_tune_diff(cg, load_case):
    assert diff_of(cg, load_case, 'restore-tuned', 'restore') == {
        'before': 'nf_conntrack_max = 2097152\nnf_conntrack_buckets = 524288\nnf_conntrack_tcp_timeout_time_wait = 60\n',
        'after': 'nf_conntrack_max = 12262144\nnf_conntrack_buckets = 16384\nnf_conntrack_tcp_timeout_time_wait = 120\n',
    }


@pytest.mark.parametrize('name', ['tune-persist', 'tune-persist-dry-run'])
def test_tune_persist_diff_is_the_tunables_then_the_files(cg, load_case, agent_json, name):
    diff = diff_of(cg, load_case, name, 'tune')
    assert diff[0] == diff_of(cg, load_case, 'tune-changed', 'tune')
    files = {f['path']: f for f in agent_json(name)['files']}
    assert [d['before_header'] for d in diff[1:]] == ['/etc/modules-load.d/conntrack-guard.conf',
                                                      '/etc/modprobe.d/conntrack-guard.conf',
                                                      '/etc/sysctl.d/90-conntrack-guard.conf']
    for d in diff[1:]:
        assert d['after_header'] == d['before_header'] and d['before'] == ''
        assert d['after'] == files[d['before_header']]['content']
    assert 'options nf_conntrack hashsize=524288\n' in diff[2]['after']
    assert 'net.netfilter.nf_conntrack_max = 2097152\n' in diff[3]['after']


def test_tune_persist_diff_without_tunable_changes_lists_only_files(cg, agent_json):
    import json
    agent = agent_json('tune-persist')
    for t in agent['tunables'].values():
        t['after'] = t['before']
    result, _ = cg.interpret(0, json.dumps(agent), '', params(cg, action='tune', persist=True))
    assert [d['before_header'] for d in cg.make_diff(result, 'tune')] == [f['path'] for f in agent['files']]
    for f in agent['files']:
        f['action'] = 'unchanged'
    result, _ = cg.interpret(0, json.dumps(agent), '', params(cg, action='tune', persist=True))
    assert cg.make_diff(result, 'tune') == []


# --- guard and guard_stop -------------------------------------------------------------------------------

def test_argv_guard_passes_its_policy_and_no_json_flag(cg):
    p = params(cg, action='guard', duration='90m', trigger='60%', memory_budget='4%', prometheus_file='/var/lib/node_exporter/ctguard-guard.prom')
    assert cg.build_argv(p, False) == [
        '/opt/conntrack-guard/bin/ctguard', 'guard', '--memory-budget', '4%', '--duration', '90m', '--interval', '1s',
        '--trigger', '60%', '--lead', '30s', '--cooldown', '30s', '--max-chain', '8', '--max-stall', '50ms',
        '--prometheus-file', '/var/lib/node_exporter/ctguard-guard.prom', '--lock-timeout', '30s',
        '--state-dir', '/var/lib/conntrack-guard']


def test_argv_guard_with_a_jar_caps_the_heap_unless_the_options_do(cg):
    capped = cg.build_argv(params(cg, action='guard', jar='/opt/ctguard.jar'), False)
    assert capped[:7] == ['java'] + JVM + ['-Xmx32m', '-jar']
    own = cg.build_argv(params(cg, action='guard', jar='/opt/ctguard.jar', java_options=['-Xmx64m']), False)
    assert own[:4] == ['java', '-Xmx64m', '-jar', '/opt/ctguard.jar']
    assert '-Xmx32m' not in cg.build_argv(params(cg, action='status', jar='/opt/ctguard.jar'), False)


def test_argv_guard_under_systemd_wraps_the_same_vector(cg):
    plain = cg.build_argv(params(cg, action='guard'), False)
    wrapped = cg.build_argv(params(cg, action='guard', supervisor='systemd', unit='ctguard-guard-test'), False)
    assert wrapped[:4] == ['systemd-run', '--unit', 'ctguard-guard-test', '--collect']
    assert wrapped[wrapped.index('--') + 1:] == plain


def test_argv_guard_stop(cg):
    assert cg.build_argv(params(cg, action='guard_stop', stop_timeout='2m'), True) == [
        '/opt/conntrack-guard/bin/ctguard', 'guard', 'stop', '--json', '--timeout', '2m', '--dry-run',
        '--state-dir', '/var/lib/conntrack-guard']


@pytest.mark.parametrize('action, name, value', [
    ('prepare', 'duration', '1h'), ('check', 'supervisor', 'systemd'), ('guard', 'stop_timeout', '5m'),
    ('guard_stop', 'trigger', '50%')])
def test_guard_parameters_apply_to_their_action_only(cg, action, name, value):
    message = cg.not_applicable(params(cg, action=action, **{name: value}))
    assert message is not None and message.startswith('action=%s does not take %s' % (action, name))


def test_a_guard_run_without_its_end_line_is_a_failure_with_the_agents_message(cg):
    result, failure = cg.interpret_guard(75, '', 'ctguard guard: another guard runs on this node: pid 7 holds '
                                         '/run/conntrack-guard/guard.pid; one guard per node, so stop that one first\n',
                                         params(cg, action='guard'))
    assert failure.startswith('ctguard guard: another guard runs on this node: pid 7')
    assert result['rc'] == 75 and result['changed'] is False and result['guard'] == {'events': []}
