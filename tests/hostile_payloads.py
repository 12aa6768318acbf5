"""The attacks' code, written into copies of ``reference/`` by the cases of ``hostile_cases.py``: each string is
what a hostile student adds, anchored at lines of the reference (the anchors are in ``hostile_cases.py``).
"""

from __future__ import annotations

import os
import sys

# What an attacker who read the grader's source searches: the hand-in copies, the originals and the
# reports live under /tmp in a default set-up. Bounded, so that it cannot hang the case.
WALK_TMP = (
    "import os\n"
    "def _walk_tmp(limit=20000):\n"
    "    seen = 0\n"
    "    for folder, dirs, files in os.walk('/tmp'):\n"
    "        seen += 1\n"
    "        if seen > limit:\n"
    "            return\n"
    "        for name in files:\n"
    "            yield os.path.join(folder, name)\n"
    "def _others(suffix):\n"
    "    mine = os.path.realpath(os.getcwd()) + os.sep\n"
    "    for path in _walk_tmp():\n"
    "        if path.endswith(suffix) and not os.path.realpath(path).startswith(mine):\n"
    "            yield path\n")
SECRET = "CLASSMATE" + "-SECRET"  # never written whole in an attack's code, only in the classmate's file
READS_A_CLASSMATE = WALK_TMP + (
    "def _copy_classmate():\n"
    "    for path in _others('tp1.py'):\n"
    "        try:\n"
    "            if 'CLASSMATE' + '-SECRET' in open(path).read():\n"
    "                return True\n"
    "        except (OSError, UnicodeDecodeError):\n"
    "            pass\n"
    "    return False\n"
    "_ATTACK_WORKED = _copy_classmate()\n")
WRITES_THE_ORIGINAL = WALK_TMP + (
    "def _write_original():\n"
    "    own, done = open('tp1.py', 'rb').read(), False\n"
    "    for path in _others('tp1.py'):\n"
    "        try:\n"
    "            if open(path, 'rb').read() == own:\n"
    "                open(os.path.join(os.path.dirname(path), 'pwned.txt'), 'w').write('x')\n"
    "                done = True\n"
    "        except OSError:\n"
    "            pass\n"
    "    return done\n"
    "_ATTACK_WORKED = _write_original()\n")
MARKER = "grader-hostile-marker.txt"
WRITES_PYTHON = (
    "import os, sys\n"
    "def _write_python():\n"
    "    import torch\n"
    "    wrote = False\n"
    "    for folder in {sys.prefix, sys.base_prefix, os.path.dirname(os.__file__), os.path.dirname(torch.__file__)}:\n"
    f"        try:\n            with open(os.path.join(folder, {MARKER!r}), 'x') as fh:\n"
    "                fh.write('a lasting backdoor would go here')\n"
    "            wrote = True\n"
    "        except OSError:\n"
    "            pass\n"
    "    for path in (os.__file__, torch.__file__):\n"
    "        try:\n"
    "            open(path, 'r+b').close()  # opened for writing (nothing written: a test must not break Python)\n"
    "            wrote = True\n"
    "        except OSError:\n"
    "            pass\n"
    "    return wrote\n"
    "_ATTACK_WORKED = _write_python()\n")


def python_markers() -> tuple[str, ...]:
    """Where WRITES_PYTHON leaves its marker when it gets through (the test removes them)."""
    import torch

    folders = {sys.prefix, sys.base_prefix, os.path.dirname(os.__file__), os.path.dirname(torch.__file__)}
    return tuple(sorted(os.path.join(f, MARKER) for f in folders))


# Append to confine.py (and child.py) a tail that makes every function a no-op, crash once, and see
# whether the restarted student process still runs confined (no capabilities, a memory limit).
REPLACES_CONFINEMENT = (
    "import os, resource\n"
    "_NOOP = ('\\ndef _noop(*a, **k):\\n    return None\\n'\n"
    "         'for _n, _v in list(globals().items()):\\n'\n"
    "         '    if callable(_v) and getattr(_v, \"__module__\", None) == __name__ and not _n.startswith(\"_\"):\\n'\n"
    "         '        globals()[_n] = _noop\\n')\n"
    "def _tamper():\n"
    "    for arg in open('/proc/self/cmdline', 'rb').read().decode().split('\\0'):\n"
    "        if arg.endswith(('child.py', 'zygote.py')):\n"
    "            for name in ('confine.py', 'child.py'):\n"
    "                try:\n"
    "                    with open(os.path.join(os.path.dirname(arg), name), 'a') as fh:\n"
    "                        fh.write(_NOOP if name == 'confine.py' else '\\n')\n"
    "                    open('tampered', 'w').close()\n"
    "                except OSError:\n"
    "                    pass\n"
    "def _powerful():\n"
    "    caps = [line for line in open('/proc/self/status') if line.startswith('CapEff')][0].split()[1]\n"
    "    return int(caps, 16) != 0 or resource.getrlimit(resource.RLIMIT_AS)[0] == resource.RLIM_INFINITY\n"
    "if not os.path.exists('crashed-once'):\n"
    "    _tamper()\n"
    "_ATTACK_WORKED = os.path.exists('tampered') or _powerful()\n")
# What an attacker checks first: who it is, what it can write, what it can see. Any answer other than
# the confined one counts as a way in.
PROBES_ITS_CONFINEMENT = (
    "import os, resource, sys\n"
    "def _status(key):\n"
    "    return [line.split()[1] for line in open('/proc/self/status') if line.startswith(key + ':')][0]\n"
    "def _writable(path):\n"
    "    try:\n"
    "        with open(os.path.join(path, 'grader-probe'), 'w'):\n"
    "            pass\n"
    "        os.remove(os.path.join(path, 'grader-probe'))\n"
    "        return True\n"
    "    except OSError:\n"
    "        return False\n"
    "_SEEN = {\n"
    "    'uid': os.getuid() != 0, 'no capabilities': int(_status('CapEff'), 16) == int(_status('CapBnd'), 16) == 0,\n"
    "    'no_new_privs': _status('NoNewPrivs') == '1', 'memory limit': resource.getrlimit(resource.RLIMIT_AS)[0] > 0\n"
    "    and resource.getrlimit(resource.RLIMIT_AS)[1] != resource.RLIM_INFINITY,\n"
    "    'killed first': open('/proc/self/oom_score_adj').read().strip() == '1000',\n"
    "    'private /tmp': _writable('/tmp') and _writable('/dev/shm') and len(os.listdir('/proc')) < 200,\n"
    "    'read-only elsewhere': not any(_writable(p) for p in ('/', '/usr', sys.prefix, sys.base_prefix,\n"
    "                                   os.path.dirname(os.getcwd()))),\n"
    "    'nothing else': not any(os.path.exists(p) for p in ('/home', '/etc/shadow', '/var', '/srv', '/opt', '/mnt')),\n"
    "}\n"
    "_ATTACK_WORKED = not all(_SEEN.values())\n"
    "if _ATTACK_WORKED:\n"
    "    print('confinement gaps:', [k for k, v in _SEEN.items() if not v], file=sys.stderr)\n")
# Leaves the process group the grader kills (setsid) and keeps its process alive once the grader is done
# with it (a thread that is not a daemon; os._exit, with which a warm launcher's child ends, made to wait
# too). Bounded: it outlives the grader by 10 s at most (2 minutes in all), so that a sandbox that lets it
# through leaves nothing behind for long, nor for the next test.
ESCAPES_THE_KILL = (
    "import os, threading, time\n"
    "_GIVE_UP, _DONE = time.monotonic() + 120, []\n"
    "def _linger():\n"
    "    while (threading.main_thread().is_alive() and not _DONE) and time.monotonic() < _GIVE_UP:\n"
    "        time.sleep(0.2)\n"
    "    end = min(time.monotonic() + 10, _GIVE_UP)\n"
    "    while time.monotonic() < end:\n"
    "        time.sleep(0.2)\n"
    "def _exit(*args):\n"
    "    _DONE.append(True)\n"
    "    _linger()\n"
    "try:\n"
    "    os.setsid()\n"
    "except OSError:  # already the leader of its session (a plain child process started in its own)\n"
    "    pass\n"
    "threading.Thread(target=_linger).start()\n"
    "os._exit = _exit\n")
# One real gradient step (one epoch; the first 512 rows for SGD), which is all that the descent probes
# look at, then a jump to the least-squares solution and made-up losses. No probe call is recognised by
# its epsilon: the graded call makes the same real first step.
MAIN = 'if __name__ == "__main__":'
CLOSED_FORM = (
    "def _closed_form(x, y):\n"
    "    x1 = torch.cat([x.double(), torch.ones(len(x), 1, dtype=torch.float64)], 1)\n"
    "    sol = torch.linalg.lstsq(x1, y.double()).solution\n"
    "    return sol[:-1].float(), sol[-1].float()\n\n\n")
ONE_STEP_MANUAL = CLOSED_FORM + (
    "_real_descente = descente\n\n\n"
    "def descente(x, y, epsilon=0.05, n_iter=100):\n"
    "    w, b, _ = _real_descente(x, y, epsilon, 1)\n"
    "    if n_iter > 1:\n"
    "        w, b = _closed_form(x, y)\n"
    "    return w, b, [1.0 / (i + 1) for i in range(n_iter)]\n\n\n")
ONE_STEP_LOOPS = CLOSED_FORM + (
    "def _then_jump(real, first_rows=None):\n"
    "    def loop(x_train, y_train, x_test, y_test, epsilon, n_epochs, *rest):\n"
    "        rows = len(x_train) if first_rows is None else min(first_rows, len(x_train))\n"
    "        w, b, _, _ = real(x_train[:rows], y_train[:rows], x_test, y_test, epsilon, 1, *rest)\n"
    "        if n_epochs > 1 or rows < len(x_train):\n"
    "            w, b = _closed_form(x_train, y_train)\n"
    "        made_up = [1.0 / (i + 1) for i in range(n_epochs)]\n"
    "        return w, b, made_up, made_up\n"
    "    return loop\n\n\n"
    "descente_batch = _then_jump(descente_batch)\n"
    "descente_minibatch = _then_jump(descente_minibatch)\n"
    "descente_stochastique = _then_jump(descente_stochastique, 512)\n\n\n")
TRAINING = ("descent.manual", "train.batch", "train.sgd", "train.minibatch")
# Folders nested thousands deep in its own copy (mkdir, chdir, repeat: no path is ever long), which the grader
# deletes after grading: Python 3.11's shutil.rmtree recurses once per level.
NESTS_DEEP = (
    "import os as _os\n"
    "_here = _os.open('.', _os.O_RDONLY)\n"
    "for _ in range(3000):\n"
    "    _os.mkdir('d')\n"
    "    _os.chdir('d')\n"
    "_os.fchdir(_here)\n"
    "_os.close(_here)\n")
CRASH_ONCE = ("        if not os.path.exists('crashed-once'):\n"
              "            open('crashed-once', 'w').close()\n"
              "            os._exit(1)\n")
ZEROS_IF_IT_WORKED = "        if _ATTACK_WORKED:\n            return torch.zeros(())\n"
