"""Backwards that ask autograd for their gradients (one hand-in per trick), and hand-written backwards that
must never be taken for one. Each is an edit of ``reference/tp1.py`` (see ``conftest.mutate``).

Used by tests/test_integrity_autograd.py; the per-trick hand-ins are what the issue calls "an example
hand-in per trick": each is built for real and graded for real.
"""

from __future__ import annotations

MSE_BODY = """        yhat, y = ctx.saved_tensors
        q = yhat.shape[0]
        grad_yhat = grad_output * 2 * (yhat - y) / q
        return grad_yhat, -grad_yhat
"""
LINEAR_BODY = """        X, W, b = ctx.saved_tensors
        grad_X = grad_output @ W.T
        grad_W = X.T @ grad_output
        grad_b = grad_output.sum(dim=0).reshape(b.shape)
        return grad_X, grad_W, grad_b
"""
RECOMPUTE = """        yhat, y = ctx.saved_tensors
        with torch.enable_grad():
            a = yhat.detach().requires_grad_()
            b = y.detach().requires_grad_()
            loss = ((a - b) ** 2).sum() / a.shape[0]
"""


def _f():
    return "        f = lambda a, b: ((a - b) ** 2).sum() / a.shape[0]\n        yhat, y = ctx.saved_tensors\n"


# trick id -> (the edits of tp1.py, the torch entry point the hint must name)
TRICKS = {
    "autograd_grad": ([(MSE_BODY, RECOMPUTE + "            ga, gb = torch.autograd.grad(loss, (a, b), grad_output)\n"
                                  "        return ga, gb\n")], "torch.autograd.grad"),
    "tensor_backward": ([(MSE_BODY, RECOMPUTE + "            loss.backward(grad_output)\n"
                                    "        return a.grad, b.grad\n")], "torch.Tensor.backward"),
    "autograd_backward": ([(MSE_BODY, RECOMPUTE + "            torch.autograd.backward([loss], [grad_output])\n"
                                      "        return a.grad, b.grad\n")], "torch.autograd.backward"),
    "functional_vjp": ([(MSE_BODY, _f() + "        _, (ga, gb) = torch.autograd.functional.vjp("
                                   "f, (yhat.detach(), y.detach()), grad_output)\n        return ga, gb\n")],
                       "torch.autograd.functional.vjp"),
    "functional_jacobian": ([(MSE_BODY, _f() + "        ja, jb = torch.autograd.functional.jacobian("
                                        "f, (yhat.detach(), y.detach()))\n"
                                        "        return grad_output * ja, grad_output * jb\n")],
                            "torch.autograd.functional.jacobian"),
    "func_grad": ([(MSE_BODY, _f() + "        ga, gb = torch.func.grad(f, argnums=(0, 1))(yhat.detach(), "
                              "y.detach())\n        return grad_output * ga, grad_output * gb\n")], "torch.func.grad"),
    "func_vjp": ([(MSE_BODY, _f() + "        _, pull = torch.func.vjp(f, yhat.detach(), y.detach())\n"
                             "        return pull(grad_output)\n")], "torch.func.vjp"),
    "func_jacrev": ([(MSE_BODY, _f() + "        ga, gb = torch.func.jacrev(f, argnums=(0, 1))(yhat.detach(), "
                                "y.detach())\n        return grad_output * ga, grad_output * gb\n")],
                    "torch.func.jacrev"),
    "func_jacfwd": ([(MSE_BODY, _f() + "        ga, gb = torch.func.jacfwd(f, argnums=(0, 1))(yhat.detach(), "
                                "y.detach())\n        return grad_output * ga, grad_output * gb\n")],
                    "torch.func.jacfwd"),
    "forward_ad": ([(MSE_BODY, _f() + "        import torch.autograd.forward_ad as fwAD\n"
                               "        cols = []\n"
                               "        for which in (0, 1):\n"
                               "            flat = []\n"
                               "            for i in range(yhat.numel()):\n"
                               "                t = torch.zeros(yhat.numel(), dtype=yhat.dtype)\n"
                               "                t[i] = 1\n"
                               "                with fwAD.dual_level():\n"
                               "                    args = [yhat.detach(), y.detach()]\n"
                               "                    args[which] = fwAD.make_dual(args[which], t.view_as(yhat))\n"
                               "                    flat.append(fwAD.unpack_dual(f(*args)).tangent)\n"
                               "            cols.append(grad_output * torch.stack(flat).view_as(yhat))\n"
                               "        return tuple(cols)\n")], "torch.autograd.forward_ad.dual_level"),
    # an alias imported at the top of the file: the engine is watched, not the name
    "aliased_import": ([("import torch\n", "import torch\nfrom torch.autograd import grad as _derive\n"),
                        (MSE_BODY, RECOMPUTE + "            ga, gb = _derive(loss, (a, b), grad_output)\n"
                                   "        return ga, gb\n")], "torch.autograd.grad"),
    # autograd asked from a thread the backward starts and joins (red team, round 2): the backward is on
    # another thread's stack
    "thread": ([(MSE_BODY, "        import threading\n        out = {}\n\n        def work():\n"
                           "            with torch.enable_grad():\n"
                           "                yhat, y = (t.detach().requires_grad_() for t in ctx.saved_tensors)\n"
                           "                loss = ((yhat - y) ** 2).sum() / yhat.shape[0]\n"
                           "                out['g'] = torch.autograd.grad(loss, (yhat, y), grad_output)\n"
                           "        worker = threading.Thread(target=work)\n        worker.start()\n"
                           "        worker.join()\n        return out['g']\n")], "torch.autograd.grad"),
    # the same, with the main thread renamed like the grader's own threads (red team, round 3): threads are told
    # apart by id, not by name
    "thread_main_renamed": ([(MSE_BODY, "        import threading\n        threading.main_thread().name = 'grader-x'\n"
                                        "        out = {}\n\n        def work():\n"
                                        "            with torch.enable_grad():\n"
                                        "                yhat, y = (t.detach().requires_grad_() for t in ctx.saved_tensors)\n"
                                        "                loss = ((yhat - y) ** 2).sum() / yhat.shape[0]\n"
                                        "                out['g'] = torch.autograd.grad(loss, (yhat, y), grad_output)\n"
                                        "        worker = threading.Thread(target=work, name='grader-y')\n"
                                        "        worker.start()\n        worker.join()\n        return out['g']\n")],
                            "torch.autograd.grad"),
    # a @staticmethod helper of the class does the autograd call: the backward is still on the stack
    "helper": ([(MSE_BODY, "        return MSE._auto(ctx, grad_output)\n\n    @staticmethod\n"
                           "    def _auto(ctx, grad_output):\n" + RECOMPUTE
                 + "            return torch.autograd.grad(loss, (a, b), grad_output)\n")], "torch.autograd.grad"),
    # Linear too: its forward re-run under enable_grad
    "linear": ([(LINEAR_BODY, "        X, W, b = ctx.saved_tensors\n        with torch.enable_grad():\n"
                              "            leaves = [t.detach().requires_grad_() for t in (X, W, b)]\n"
                              "            out = leaves[0] @ leaves[1] + leaves[2]\n"
                              "            return torch.autograd.grad(out, leaves, grad_output)\n")],
               "torch.autograd.grad"),
}

# Hand-written backwards, in styles seen in real code: none may be flagged.
HAND_WRITTEN = {
    "torch_functions": [(MSE_BODY, "        yhat, y = ctx.saved_tensors\n"
                                   "        d = torch.sub(yhat, y)\n"
                                   "        g = torch.mul(torch.div(torch.mul(d, 2.0), yhat.size(0)), grad_output)\n"
                                   "        return g, torch.neg(g)\n")],
    "staticmethod_helper": [(MSE_BODY, "        yhat, y = ctx.saved_tensors\n"
                                       "        return MSE._grads(yhat, y, grad_output)\n\n    @staticmethod\n"
                                       "    def _grads(yhat, y, g):\n        d = 2 * (yhat - y) / yhat.shape[0]\n"
                                       "        return g * d, -g * d\n")],
    "clone_inplace": [(MSE_BODY, "        yhat, y = ctx.saved_tensors\n        g = yhat.clone()\n"
                                 "        g.sub_(y)\n        g.mul_(2 / yhat.shape[0])\n        g *= grad_output\n"
                                 "        return g, -g.clone()\n")],
    "no_grad": [(MSE_BODY, "        yhat, y = ctx.saved_tensors\n        with torch.no_grad():\n"
                           "            g = grad_output * 2 * (yhat - y) / len(yhat)\n        return g, -g\n")],
    # enable_grad around a hand-written formula builds a graph that nobody differentiates: fine
    "enable_grad_no_differentiation": [(MSE_BODY, "        yhat, y = ctx.saved_tensors\n"
                                                  "        with torch.enable_grad():\n"
                                                  "            g = grad_output * 2 * (yhat - y) / yhat.shape[0]\n"
                                                  "        return g, -g\n")],
    "needs_input_grad": [
        ("        self._saved_tensors = ()\n",
         "        self._saved_tensors = ()\n        self.needs_input_grad = (True, True, True)\n"),
        (MSE_BODY, "        yhat, y = ctx.saved_tensors\n        gy = gyy = None\n"
                   "        if ctx.needs_input_grad[0]:\n            gy = grad_output * 2 * (yhat - y) / yhat.shape[0]\n"
                   "        if ctx.needs_input_grad[1]:\n            gyy = -grad_output * 2 * (yhat - y) / yhat.shape[0]\n"
                   "        return gy, gyy\n"),
        (LINEAR_BODY, "        X, W, b = ctx.saved_tensors\n"
                      "        grad_X = grad_output.mm(W.t()) if ctx.needs_input_grad[0] else None\n"
                      "        grad_W = X.t().mm(grad_output) if ctx.needs_input_grad[1] else None\n"
                      "        grad_b = grad_output.sum(0).view_as(b) if ctx.needs_input_grad[2] else None\n"
                      "        return grad_X, grad_W, grad_b\n")],
    "einsum_matmul": [(LINEAR_BODY, "        X, W, b = ctx.saved_tensors\n"
                                    "        grad_X = torch.einsum('qp,np->qn', grad_output, W)\n"
                                    "        grad_W = torch.matmul(X.transpose(0, 1), grad_output)\n"
                                    "        grad_b = torch.sum(grad_output, dim=0).reshape(b.shape)\n"
                                    "        return grad_X, grad_W, grad_b\n")],
}
