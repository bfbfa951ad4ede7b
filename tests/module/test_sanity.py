"""Cheap ansible-test-style sanity: the module compiles, imports only the stdlib and
ansible.module_utils.basic, its DOCUMENTATION matches its argument_spec, EXAMPLES pass the argument
spec, RETURN covers every field the agent returns, and ansible-doc renders it."""
import ast
import json
import os
import py_compile
import re
import subprocess
import sys

import pytest
import yaml

SEMANTIC = re.compile(r'[A-Z]\(([^)]*)\)')


def docs(cg):
    return yaml.safe_load(cg.DOCUMENTATION)


def test_py_compile(paths, tmp_path):
    py_compile.compile(paths['module'], cfile=str(tmp_path / 'conntrack_guard.pyc'), doraise=True)


def test_imports_only_stdlib_and_basic(paths):
    with open(paths['module']) as f:
        tree = ast.parse(f.read())
    stdlib = getattr(sys, 'stdlib_module_names', {'copy', 'json', 'os'})
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                assert alias.name.split('.')[0] in stdlib, alias.name
        elif isinstance(node, ast.ImportFrom):
            assert node.module == 'ansible.module_utils.basic' or node.module.split('.')[0] in stdlib, node.module
            if node.module.startswith('ansible'):
                assert [a.name for a in node.names] == ['AnsibleModule']


def test_documentation_matches_argument_spec(cg):
    options = docs(cg)['options']
    spec = cg.ARGUMENT_SPEC
    assert sorted(options) == sorted(spec)
    for name, opt in options.items():
        arg = spec[name]
        assert opt.get('type', 'str') == arg.get('type', 'str'), name
        assert opt.get('required', False) == arg.get('required', False), name
        assert opt.get('default') == arg.get('default'), name
        assert opt.get('choices') == arg.get('choices'), name
        assert opt.get('elements') == arg.get('elements'), name
        assert opt.get('description'), name
        assert not ({'aliases', 'no_log', 'fallback'} & set(arg)), name


def test_documentation_states_where_each_parameter_applies(cg):
    """Each option of APPLIES_TO says "Applies to V(a) and V(b)." with exactly its actions."""
    options = docs(cg)['options']
    for name, actions in cg.APPLIES_TO.items():
        sentences = [d for d in options[name]['description'] if d.startswith('Applies to ')]
        assert len(sentences) == 1, name
        assert SEMANTIC.findall(sentences[0].split('(shown')[0]) == list(actions), name
    for name in set(options) - set(cg.APPLIES_TO):
        assert not any(d.startswith('Applies to ') for d in options[name]['description']), name


def test_documentation_header(cg):
    doc = docs(cg)
    assert doc['module'] == 'conntrack_guard'
    assert doc['version_added'] == '0.1.0'
    assert doc['short_description'] and doc['description'] and doc['author'] and doc['requirements']
    assert doc['attributes']['check_mode']['support'] == 'full'
    assert doc['attributes']['diff_mode']['support'] == 'full'
    notes = ' '.join(doc['notes'])
    for word in ('Check mode', 'Diff mode', 'O(fail_on)'):
        assert word in notes
    assert docs(cg)['options']['java_options']['default'] == cg.DEFAULT_JAVA_OPTIONS


def test_examples_pass_the_argument_spec(cg):
    tasks = yaml.safe_load(cg.EXAMPLES)
    used = [t['conntrack_guard'] for t in tasks if 'conntrack_guard' in t]
    assert {u['action'] for u in used} == set(cg.ACTIONS) - {'status', 'plan'}
    for args in used:
        assert set(args) <= set(cg.ARGUMENT_SPEC), args
        params = {name: spec.get('default') for name, spec in cg.ARGUMENT_SPEC.items()}
        params.update(args)
        for name, value in args.items():
            if 'choices' in cg.ARGUMENT_SPEC[name]:
                assert value in cg.ARGUMENT_SPEC[name]['choices']
        assert cg.not_applicable(params) is None, args
    assert any(t.get('check_mode') and t.get('diff') for t in tasks)
    assert any(t['conntrack_guard'].get('remove') for t in tasks if 'conntrack_guard' in t)
    assert any(t['conntrack_guard'].get('fail_on') == 'warning' for t in tasks if 'conntrack_guard' in t)
    assert any(t['conntrack_guard'].get('persist') for t in tasks if 'conntrack_guard' in t)
    assert any(t.get('check_mode') and t.get('diff') and t['conntrack_guard']['action'] == 'tune'
               for t in tasks if 'conntrack_guard' in t)
    assert 'ansible compute -m conntrack_guard -a action=check' in cg.EXAMPLES


def test_return_documents_every_field(cg, paths):
    ret = yaml.safe_load(cg.RETURN)
    for name, entry in ret.items():
        for key in ('description', 'returned', 'type', 'sample'):
            assert key in entry, (name, key)
    returned = {'cmd', 'rc', 'changed', 'stderr', 'warnings'}
    for fname in os.listdir(paths['fixtures']):
        if fname.endswith('.json'):
            with open(os.path.join(paths['fixtures'], fname)) as f:
                returned |= set(json.load(f))
    assert returned - {'warnings'} <= set(ret), returned - set(ret)
    for name in ('schema', 'host', 'kernel', 'action', 'dry_run', 'tunables', 'usage', 'stats', 'memory', 'verdict',
                 'kernel_log', 'snapshot', 'plan', 'tune_plan', 'stats_increase', 'namespaces', 'files', 'rollback',
                 'ctguard_warnings'):
        assert name in ret


def test_role_passes_only_applicable_parameters(cg, paths):
    """roles/conntrack_guard/vars/main.yml lists the parameters the role passes per action."""
    path = os.path.join(paths['repo'], 'roles', 'conntrack_guard', 'vars', 'main.yml')
    if not os.path.exists(path):
        pytest.skip('the role has no vars/main.yml')
    with open(path) as f:
        role = (yaml.safe_load(f) or {}).get('__conntrack_guard_parameters')
    if not role:
        pytest.skip('the role does not list its parameters per action')
    for action, names in role.items():
        assert action in cg.ACTIONS
        for name in names:
            assert action in cg.APPLIES_TO.get(name, cg.ACTIONS), (action, name)


def ansible_doc(paths, tmp_path, *extra):
    exe = os.path.join(paths['venv_bin'], 'ansible-doc')
    if not os.path.exists(exe):
        pytest.skip('no %s' % exe)
    cfg = tmp_path / 'ansible.cfg'   # an empty config: no ansible.cfg of the caller's directory or home
    cfg.write_text('[defaults]\n')
    env = dict(os.environ, ANSIBLE_NOCOLOR='1', ANSIBLE_HOME=str(tmp_path), ANSIBLE_CONFIG=str(cfg),
               ANSIBLE_DEPRECATION_WARNINGS='1')
    proc = subprocess.run([exe, '-M', paths['library']] + list(extra) + ['conntrack_guard'], cwd=str(tmp_path),
                          env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True,
                          timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert 'ERROR' not in proc.stderr and 'WARNING' not in proc.stderr, proc.stderr
    return proc.stdout


def test_ansible_doc_renders(paths, tmp_path):
    out = ansible_doc(paths, tmp_path)
    assert out.startswith('> MODULE conntrack_guard')
    for word in ('OPTIONS', 'ATTRIBUTES', 'NOTES', 'REQUIREMENTS', 'EXAMPLES', 'RETURN VALUES', 'fail_on',
                 'lock_timeout'):
        assert word in out


def test_ansible_doc_json(cg, paths, tmp_path):
    data = json.loads(ansible_doc(paths, tmp_path, '--json'))['conntrack_guard']
    options = data['doc']['options']
    assert sorted(options) == sorted(cg.ARGUMENT_SPEC)
    for name, opt in options.items():
        assert opt.get('type', 'str') == cg.ARGUMENT_SPEC[name].get('type', 'str')
        assert opt.get('default') == cg.ARGUMENT_SPEC[name].get('default')
    assert set(data['return']) >= {'cmd', 'rc', 'changed', 'verdict', 'rollback'}
    assert data['examples']
