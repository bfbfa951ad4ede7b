"""The role through the real ansible-playbook, for what only a play shows."""
import json
import os
import subprocess
import sys

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PLAY = """
- name: The role's check entry point
  hosts: all
  gather_facts: false
  tasks:
    - name: Check
      ansible.builtin.include_role:
        name: ctguard.conntrack_guard.conntrack_guard
        tasks_from: check
"""


def run_play(tmp_path, extra_vars):
    play = tmp_path / 'play.yml'
    play.write_text(PLAY)
    env = dict(os.environ, ANSIBLE_CONFIG=os.path.join(REPO, 'ansible.cfg'), ANSIBLE_NOCOLOR='1')
    env['PATH'] = os.path.dirname(sys.executable) + os.pathsep + env.get('PATH', '')
    return subprocess.run(['ansible-playbook', '-i', os.path.join(REPO, 'inventories', 'local'), str(play),
                           '-e', json.dumps(extra_vars)],
                          cwd=REPO, env=env, capture_output=True, text=True, timeout=120)


def test_a_list_for_a_text_option_is_refused_before_anything_is_installed(tmp_path):
    home = tmp_path / 'opt'
    run = run_play(tmp_path, {'conntrack_guard_memory_budget': ['2%', '3%'], 'conntrack_guard_home': str(home),
                              'conntrack_guard_link': '', 'conntrack_guard_state_dir': str(tmp_path / 'state')})
    assert run.returncode != 0, run.stdout
    assert 'conntrack_guard_memory_budget must be text (a string or path), not a list or' in run.stdout, run.stdout
    assert not home.exists(), 'nothing installed'
