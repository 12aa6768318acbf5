"""English catalogue: every message the student reads. Keys and placeholders must match fr.py."""

MESSAGES = {
    # separators
    "sep.semicolon": "; ",
    "sep.comma": ", ",
    # statuses
    "status.passed": "passed",
    "status.failed": "failed",
    "status.error": "error",
    "status.timeout": "timeout",
    "status.skipped": "skipped",
    # check names
    "check.load": "Import the submission",
    "check.mse.forward": "MSE forward",
    "check.mse.backward": "MSE backward (direct call)",
    "check.mse.gradcheck": "MSE gradcheck (float64)",
    "check.linear.forward": "Linear forward",
    "check.linear.backward": "Linear backward (direct call)",
    "check.linear.gradcheck": "Linear gradcheck (float64)",
    "check.context.isolation": "Context isolation (interleaved calls)",
    "check.descent.manual": "Manual gradient descent (tp1_descente.descente)",
    "check.train.batch": "Batch gradient descent (autograd)",
    "check.train.sgd": "Stochastic gradient descent (autograd)",
    "check.train.minibatch": "Mini-batch gradient descent (autograd)",
    # descriptions of values
    "describe.none": "None",
    "describe.nothing": "nothing",
    "describe.tensor": "a tensor of shape {shape}",
    "describe.sequence": {"one": "a {kind} of {n} element", "other": "a {kind} of {n} elements"},
    "describe.bool": "a bool ({value})",
    "describe.number": "a Python {kind} ({value:.6g})",
    "describe.object": "an object of type {kind}",
    # comparisons
    "compare.type": "{what}: expected a tensor of shape {shape}, got {got}",
    "compare.want_scalar": "a scalar, shape ()",
    "compare.want_shape": "shape {shape}",
    "compare.shape": "{what}: expected {wanted}, got shape {shape}",
    "compare.dtype": "{what}: expected floating-point values, got dtype {dtype}",
    "compare.nonfinite": {"one": "{what}: contains {n} non-finite value (nan or inf), at index {index}",
                          "other": "{what}: contains {n} non-finite values (nan or inf), first at index {index}"},
    "compare.values": "{what}: mismatched elements {count} / {total}; greatest difference {diff:.3g} at index "
                      "{index} (expected {expected:.6g}, got {got:.6g}, relative {rel:.2g}); "
                      "rtol={rtol:g}, atol={atol:g}",
    "compare.values_scalar": "{what}: expected {expected:.6g}, got {got:.6g} (difference {diff:.3g}, "
                             "relative {rel:.2g}); rtol={rtol:g}, atol={atol:g}",
    "what.mse_forward": "MSE.forward on shape {shape}",
    "what.context_gradient": "{function}.backward gradient {i} of the {call}",
    # skipped, errors, timeouts, warnings
    "skipped.needs": "skipped: needs {names}, which `load` did not find",
    "skipped.name_in": "{name} in {file}",
    "skipped.data": "skipped: {problem}",
    "skipped.nothing": "skipped: nothing to grade (see load)",
    "doing.calling": "calling {name}",
    "doing.creating": "creating {name}",
    "doing.importing": "importing {name}",
    "doing.sending": "sending a tensor",
    "doing.backward": "running backward",
    "error.at": " (at {where})",
    "error.not_implemented": "{name} is not implemented yet (raises NotImplementedError){where}",
    "error.raised_doing": "{doing} raised {type}: {message}{where}",
    "error.raised": "{type}: {message}{where}",
    "timeout.submission": "not run: the submission's time limit ({limit:g} s) was used up by the earlier checks",
    "error.crashed": "the student process crashed: {reason}",
    "error.crashed_importing": "the student process crashed: {reason} while importing {file} "
                               "(an exit or a crash at import time)",
    "error.protocol": "the student process sent a reply the grader refuses: {reason}",
    "error.internal": "internal error of the grader in this check: {type}: {text}",
    "warning.stub": "{module} is not installed here: replaced by a stand-in that keeps the code running but shows, "
                    "draws and saves nothing",
    "warning.stub_data": "{module} is not installed here: replaced by a stand-in that has no data (using its data "
                         "is an error)",
    # load
    "load.passed": "the three files import and define every required name",
    "load.missing_file": "{module}.py is missing",
    "load.not_imported": "{module}.py was not imported (tp1.py failed first)",
    "load.at": " (at {where})",
    "load.import_raised": "importing {module}.py raised {type}: {message}{where}",
    "load.no_name": "{module}.py defines no `{name}`",
    "load.no_name_instead": "{module}.py defines no `{name}`; found instead: {instead}",
    "load.not_a_submission": "not a submission: {problem}",
    # the hand-in: which tp1.py, what the student's copy holds, which configuration (grader/handin, config/search.py)
    "handin.no_tp1": "{folder} holds no tp1.py (found: {found})",
    "handin.empty": "{folder} holds no tp1.py (the folder is empty)",
    "handin.more": {"one": "and {n} more", "other": "and {n} more"},
    "handin.link_not_followed": "{name} (a symbolic link, not followed)",
    "handin.tp1_not_a_file": "{path} is a folder, not a file: hand in the file tp1.py itself",
    "handin.tp1_link_outside": "{path} is a symbolic link leaving the hand-in, not followed: hand in the file itself",
    "handin.too_large": "{folder} holds more than {n} files and folders: too many for one hand-in",
    "handin.same_depth": "{n} tp1.py at the same depth; graded {graded}",
    "handin.renamed": "graded {name} as {lab}",
    "copy.left_out": "left out of the copy the student's code runs in (at most {per_file} per file, {total} and "
                     "{files} files in all, the shallowest and smallest first): {items}",
    "copy.group": {"one": "{name} ({n} file, {size})", "other": "{name} ({n} files, {size})"},
    "copy.truncated": "everything past the first {n} entries",
    "copy.links": "symbolic links not followed (they leave the folder or point to a folder; the grader never "
                  "reads a file outside the hand-in): {names}",
    "copy.special": "left out, not regular files: {names}",
    "copy.lab_not_a_file": "{name} is a folder, not a file",
    "config.ignored": "{file} was not used: a configuration file in the hand-in (or in a folder holding nothing but "
                      "this hand-in) may be the student's own; the course's file goes above the hand-in, or pass "
                      "it with --config FILE",
    "config.explicit_inside": "the configuration was read from {file}, inside the hand-in (given with --config): a "
                              "student could have written it",
    # MSE
    "mse.forward.passed": "1/q ‖Ŷ−Y‖² right on shapes {shapes}",
    "mse.forward.wrong": "MSE.forward is wrong",
    "mse.forward.mean_rejected": "MSE.forward uses the element mean 1/(q·p) ‖Ŷ−Y‖² (what .mean() gives); the lab "
                                 "defines 1/q ‖Ŷ−Y‖² (q = batch size) (rejected: strict MSE setting)",
    "mse.forward.disagree": "forward and backward disagree: forward uses the element mean 1/(q·p) ‖Ŷ−Y‖² (what "
                            ".mean() gives), but backward {backward}",
    "mse.backward_is_lab": "is the gradient of the lab's 1/q ‖Ŷ−Y‖²",
    "mse.backward_is_neither": "is the gradient of neither",
    "mse.forward.mean_accepted": "accepted: MSE.forward uses the element mean 1/(q·p) ‖Ŷ−Y‖² (what .mean() "
                                 "gives; the lab defines 1/q, the two agree only when p = 1); its backward agrees",
    "mse.backward.count": "MSE.backward must return 2 gradients (grad_yhat, grad_y), got {got}",
    "mse.backward.passed": "both gradients right, shape (4, 3), grad_output = {g}",
    # gradcheck
    "gradcheck.passed": "gradcheck passed in float64, and the function computes the right value",
    "gradcheck.not_tensor": "{function} returned {got}, not a tensor",
    "gradcheck.failed": "gradcheck failed: {head}",
    "gradcheck.failed_at": "gradcheck failed: ∂out{output}/∂{input}{index}: numerical {numerical:.6g}, "
                           "analytical (your backward) {analytical:.6g} ({head})",
    "gradcheck.could_not_run": "gradcheck could not run: {text}",
    # Linear
    "linear.forward.passed": "X @ W + b right with X ({q}, {n}), W ({n}, {p}), b ({p},)",
    "linear.forward.raised": "Linear.forward(ctx, X, W, b) raised {type}: {message}",
    "linear.backward.count": "Linear.backward must return 3 gradients (grad_X, grad_W, grad_b), got {got}",
    "linear.backward.passed": "three gradients right, of their inputs' shapes ({q}, {n}), ({n}, {p}), ({p},)",
    # Context
    "context.call.first": "first call",
    "context.call.second": "second call",
    "context.call.again": "second backward on the same Context",
    "context.count_differs": "{function}: the backward of the {call} returned {got}, but {want} when called alone",
    "context.none_once": "gradient {i} is None in one case only",
    "context.interleaved_failed": "{function}: {message} (two forwards, then their backwards)",
    "context.twice_failed": "{function}: {message} (one forward, then backward twice)",
    "context.got_other_call": "the backward of the {call} returned the gradients of the other call",
    "context.passed": "{functions}: two interleaved calls give the same gradients as separate calls, and a "
                      "second backward the same as the first",
    # manual descent
    "descent.not_a_triple": "expected (w, b, losses), got {got}",
    "descent.bad_w": "w: expected a tensor of shape ({n}, {p}), got {got}",
    "descent.b_batch_shape": "b: expected a tensor of shape ({p},), got shape {shape}, the shape of the batch",
    "descent.bad_b": "b: expected a tensor of shape ({p},) or (1, {p}), got {got}",
    "descent.wrong_parameters": "descente returned the wrong parameters: {problem}",
    "descent.not_finite": "the parameters returned are not finite (MSE {mse}): the descent diverged",
    "descent.above_threshold": "MSE of the returned parameters {mse:.4g} > threshold {threshold:.4g} "
                               "(least-squares optimum {optimum:.4g} + {margin:.0%})",
    "descent.losses_missing": "the losses must be a list of the loss at each iteration, got {got}",
    "descent.losses_not_decreasing": "the reported loss does not decrease ({first:.4g} → {last:.4g}) although "
                                     "the parameters are good",
    "descent.passed": "MSE {mse:.4g} ≤ {threshold:.4g} (optimum {optimum:.4g}) after {n_iter} iterations",
    # training
    "train.not_a_tuple": "expected (w, b, train_losses, test_losses), got {got}",
    "train.bad_w": "w: expected a tensor of shape ({n}, 1), got {got}",
    "train.bad_b": "b: expected a tensor of shape (1,), got {got}",
    "train.wrong_return": "{function} returned the wrong thing: {problem}",
    "train.label.batch": "batch descent",
    "train.label.sgd": "stochastic descent",
    "train.label.minibatch": "mini-batch descent",
    "train.not_finite": "the returned parameters are not finite: the {label} diverged",
    "train.parts.train": "train MSE",
    "train.parts.test": "test MSE",
    "train.parts.train_test": "train and test MSE",
    "train.above": "{parts} above the threshold: {summary}",
    "train.summary": {"one": "train MSE {train:.4f} (≤ {train_threshold:.4f}), test {test:.4f} "
                             "(≤ {test_threshold:.4f}); optimum {optimum_train:.4f} / {optimum_test:.4f}; {n} epoch",
                      "other": "train MSE {train:.4f} (≤ {train_threshold:.4f}), test {test:.4f} "
                               "(≤ {test_threshold:.4f}); optimum {optimum_train:.4f} / {optimum_test:.4f}; "
                               "{n} epochs"},
    # hints: one per diagnosis id (details["diagnosis"] in the JSON report)
    "hint.load.missing_file": "hand in {module}.py too: the grader needs the three files tp1.py, tp1_descente.py "
                              "and tp1_autograd.py",
    "hint.load.missing_module": "a module your file imports is not available to the grader: import it only where "
                                "you use it, or under if __name__ == '__main__':",
    "hint.load.misnamed": "rename {found} to {name} in {module}.py: the grader and the lab's scripts use that "
                          "exact name",
    "hint.load.import_timeout": "importing your file takes too long: code that trains or plots at import time "
                                "belongs under if __name__ == '__main__':",
    "hint.load.not_a_submission": "the folder must hold tp1.py (and tp1_descente.py, tp1_autograd.py)",
    "hint.mse.sum": "no normalisation: divide the sum of squares by q (the batch size)",
    "hint.mse.not_squared": "the differences are not squared: ((yhat - y) ** 2).sum() / q",
    "hint.mse.signed": "the differences are not squared (and their signs cancel): ((yhat - y) ** 2).sum() / q",
    "hint.mse.norm_not_squared": "‖Ŷ−Y‖ is squared in the lab's MSE: use ((yhat - y) ** 2).sum() / q",
    "hint.mse.unreduced": "returns the matrix of squared errors: the MSE is a scalar, ((yhat - y) ** 2).sum() / q",
    "hint.mse.unreduced_over_q": "returns a matrix (squared errors divided by q): the MSE is a scalar, the sum over "
                                 "all elements: ((yhat - y) ** 2).sum() / q",
    "hint.mse.per_column": "returns one value per output column: sum over all elements, not only over the batch",
    "hint.mse.per_column_mean": "returns one value per output column (.mean(0)): the MSE is one scalar, "
                                "((yhat - y) ** 2).sum() / q",
    "hint.mse.per_row": "returns one value per example: sum over all elements",
    "hint.mse.normalised_by_p": "divides by p (the number of outputs) instead of q (the batch size, "
                                "yhat.shape[0])",
    "hint.mse.mean_strict": "divide by q = yhat.shape[0], not by yhat.numel() (.mean() divides by q·p)",
    "hint.mse.mean_forward_only": "forward divides by q·p (.mean()) but backward by q: use the same normalisation "
                                  "in forward and backward (the lab's is 1/q)",
    "hint.mse.mean_backward_only": "backward divides by q·p (the gradient of .mean()) but forward computes the "
                                   "lab's 1/q ‖Ŷ−Y‖²: divide the gradient by q = yhat.shape[0]",
    "hint.mse.ignores_grad_output": "your backward ignores grad_output: multiply both gradients by grad_output "
                                    "(it was {g}, so every gradient is {factor:.2g}× the expected one)",
    "hint.mse.ignores_grad_output_y_none": "your backward ignores grad_output and returns None for y: multiply by "
                                           "grad_output and return -grad_yhat for y",
    "hint.mse.missing_factor_2": "missing factor 2: d/dŶ ‖Ŷ−Y‖² = 2 (Ŷ−Y)",
    "hint.mse.backward_not_normalised": "the gradient is not divided by q (the batch size), as the forward is",
    "hint.mse.y_none": "returns None for y's gradient: the lab's gradcheck needs it, grad_y = -grad_yhat",
    "hint.mse.swapped": "the two gradients are swapped: return (grad_yhat, grad_y), in the order of forward's inputs",
    "hint.mse.y_wrong_sign": "y's gradient has the wrong sign: grad_y = -grad_yhat",
    "hint.mse.input_mutated": "forward modifies yhat in place (e.g. yhat -= y) after saving it: backward then "
                              "reads the modified tensor. Compute yhat - y into a new tensor",
    "hint.mse.wrong_number_of_gradients": "backward returns one gradient per input of forward, in the same order: "
                                          "(grad_yhat, grad_y)",
    "hint.gradcheck.float32_cast": "your forward returns {dtype} for float64 inputs: a cast (.float(), "
                                   "torch.float32) loses precision and gradcheck's finite differences fail. Keep "
                                   "the inputs' dtype",
    "hint.gradcheck.ignores_grad_output": "the Jacobian is right but backward ignores grad_output (with "
                                          "grad_output = {g} it returns the same gradients as with 1): multiply "
                                          "by grad_output",
    "hint.gradcheck.constant_factor": "your backward is {factor:.3g}× the true gradient everywhere: a constant "
                                      "factor is wrong or missing (2, the normalisation q or q·p, the sign)",
    "hint.gradcheck.input_factor": "the gradient for {input} is {factor:.3g}× the true one (the other inputs' "
                                   "are right): a constant factor is wrong or missing in that gradient",
    "hint.linear.argument_order": "your forward takes its arguments in the order ({order}); the lab calls "
                                  "linear(X, W, b): use forward(ctx, X, W, b)",
    "hint.linear.no_bias": "the bias b is not added: X @ W + b",
    "hint.linear.bias_subtracted": "b is subtracted instead of added: X @ W + b",
    "hint.linear.shape_error": "a matrix product has incompatible shapes: with X (q, n), W (n, p), b (p,), "
                               "forward is X @ W + b, grad_X = grad_output @ W.T, grad_W = X.T @ grad_output "
                               "(check the argument order (X, W, b) and the transposes)",
    "hint.linear.grad_b_not_summed": "grad_b is not summed over the batch: it has shape (q, p) instead of b's "
                                     "shape (p,). PyTorch's engine sums it back silently when you use .apply, but "
                                     "the manual loop calls backward directly: return grad_output.sum(0)",
    "hint.linear.grad_b_keepdim": "grad_b has shape (1, p) but b has shape (p,): return a gradient of the same "
                                  "shape as its input (grad_output.sum(0))",
    "hint.linear.grad_b_ignores_grad_output": "grad_b ignores grad_output: grad_b = grad_output.sum(0)",
    "hint.linear.grad_b_mean": "grad_b is averaged over the batch: b is added to every row, so its gradient is "
                               "the sum, grad_output.sum(0)",
    "hint.linear.grad_w_transposed": "grad_W is transposed: grad_W = X.T @ grad_output, of shape (n, p) like W",
    "hint.linear.grad_x_transposed": "grad_X is transposed: grad_X = grad_output @ W.T, of shape (q, n) like X",
    "hint.linear.grads_x_w_swapped": "the gradients of X and W are swapped: return (grad_X, grad_W, grad_b)",
    "hint.linear.grads_ignore_grad_output": "backward ignores grad_output: grad_X = grad_output @ W.T, "
                                            "grad_W = X.T @ grad_output, grad_b = grad_output.sum(0)",
    "hint.linear.wrong_number_of_gradients": "backward returns one gradient per input of forward, in the order "
                                             "(X, W, b)",
    "hint.context.shared_state": "state is kept outside the Context (a global or a class attribute): each forward "
                                 "must save what backward needs with ctx.save_for_backward and read it from "
                                 "ctx.saved_tensors",
    "hint.context.saved_mutated": "backward modifies the saved tensors in place (+=, -=, .sub_(), …): a second "
                                  "backward then sees different tensors. Compute into new tensors",
    "hint.context.inplace_modified": "a tensor saved for backward was modified in place (+=, .sub_(), …) after "
                                     "being saved: compute into a new tensor instead",
    "hint.context.input_mutated": "forward or backward modifies an input in place (+=, -=, .sub_(), …): PyTorch "
                                  "refuses it on a tensor that requires grad. Compute into a new tensor "
                                  "(d = yhat - y)",
    "hint.descent.wrong_return": "descente(x, y, epsilon, n_iter) must return (w, b, losses)",
    "hint.descent.grad_b_not_summed": "the bias gradient from Linear.backward is not summed over the batch, so b "
                                      "grows into a matrix: return grad_output.sum(0) for b",
    "hint.descent.diverged": "check the sign of the update: w = w - epsilon * grad_w",
    "hint.descent.no_progress": "the loss is not lower than with w = 0, b = 0: is the update applied, with the "
                                "right sign?",
    "hint.descent.not_converged": "the loop does not converge: check the gradients and the update "
                                  "w = w - epsilon * grad_w",
    "hint.descent.losses_missing": "append the loss (a float, loss.item()) at each iteration to the list you return",
    "hint.descent.losses_not_decreasing": "the losses are recorded wrongly: append the current loss at each "
                                          "iteration",
    "hint.train.wrong_return": "{function} must return (w, b, train_losses, test_losses)",
    "hint.train.no_update": "the loss stays flat and the parameters come back unchanged: the update is never "
                            "applied, or applied to a copy (e.g. a helper that rebinds its argument). Update in "
                            "place: with torch.no_grad(): w -= epsilon * w.grad",
    "hint.train.returned_initial_params": "the loss decreases but the returned parameters are the initial ones: "
                                          "return the tensors you train",
    "hint.train.wrong_sign": "the loss goes up even with a tiny step: the update has the wrong sign, use "
                             "w -= epsilon * w.grad",
    "hint.train.diverged": "the parameters diverge (nan or inf) although the update goes downhill: the steps are "
                           "too large. Average the loss (mse, not a sum), use the epsilon you are given, and zero "
                           "the gradients after each step",
    "hint.train.grads_accumulate": "the gradients are never zeroed, so they accumulate from step to step: call "
                                   "w.grad.zero_() and b.grad.zero_() after each update",
    "hint.train.not_converged": "the loop does not get close to the optimum: are the gradients zeroed after each "
                                "step, and is every example / batch used in each epoch?",
    "hint.train.update_outside_no_grad": "the update runs outside torch.no_grad(): PyTorch refuses to modify "
                                         "in place a leaf that requires grad. Write: with torch.no_grad(): "
                                         "w -= epsilon * w.grad",
    "hint.train.grad_none": "w.grad is None: w = w - epsilon * w.grad makes a new tensor, which is not the "
                            "parameter autograd computes gradients for. Update in place: with torch.no_grad(): "
                            "w -= epsilon * w.grad",
    # terminal report
    "terminal.hidden": "hidden",
    "terminal.config": "config: {path}",
    "terminal.withheld": {"one": "Hidden: {n} more check worth {points:g} points, graded by your teacher "
                                 "(not in this score).",
                          "other": "Hidden: {n} more checks worth {points:g} points, graded by your teacher "
                                   "(not in this score)."},
    "terminal.submission": "Submission {name}",
    "terminal.data": "data: {data}",
    "terminal.data_none": "data: none: {problem}",
    "terminal.data_not_needed": "data: not needed",
    "terminal.unprotected": "NOT PROTECTED (sandbox level {level}):",
    "terminal.unprotected.files": "the student's code could read and change every file its user can: other "
                                  "hand-ins, the original hand-in, the reports, the grader's installation",
    "terminal.unprotected.network": "it could use the network",
    "terminal.unprotected.processes": "processes it started with setsid can outlive the time limit",
    "terminal.unprotected.root": "it ran as root (without capabilities): it could change the files root owns, "
                                 "and the process limit did not apply",
    "terminal.unprotected.shared_uid": "it ran under your own user: the process limit counted your processes too",
    "terminal.unprotected_hint": "for untrusted code use the bwrap or unshare level (docs/security.md says what "
                                 "each needs); --require-sandbox unshare refuses to grade below it",
    "terminal.warning": "warning: {text}",
    "terminal.column.check": "Check",
    "terminal.column.status": "Status",
    "terminal.column.points": "Points",
    "terminal.column.time": "Time",
    "terminal.column.message": "Message",
    "terminal.loss": "loss {curve}",
    "terminal.summary": "({counts}; {duration:.1f} s)",
    "terminal.count.passed": {"one": "{n} passed", "other": "{n} passed"},
    "terminal.count.failed": {"one": "{n} failed", "other": "{n} failed"},
    "terminal.count.error": {"one": "{n} error", "other": "{n} errors"},
    "terminal.count.timeout": {"one": "{n} timeout", "other": "{n} timeouts"},
    "terminal.count.skipped": {"one": "{n} skipped", "other": "{n} skipped"},
    "terminal.hints": "Hints",
    "terminal.score": "Score",
    # class table
    "class.title": "Class",
    "class.students": {"one": "{n} student, {graded} graded", "other": "{n} students, {graded} graded"},
    "class.mean": "mean {mean:g} / {max:g}",
    "class.median": "median {median:g} / {max:g}",
    "class.column.student": "Student",
    "class.column.score": "Score",
    "class.column.check": "Check",
    "class.column.passed": "Passed",
    "class.column.other": "Other results",
    "class.not_available": "n/a",
    "class.not_graded": "(not graded)",
    "class.not_run": "not run",
    "class.top_failures": "Most frequent failures (number of students)",
    "class.problems": "Problems",
    # command line
    "cli.json_report": "JSON report: {path}",
    "cli.grading": {"one": "Grading {n} submission from {path}{shard} with {workers} workers",
                    "other": "Grading {n} submissions from {path}{shard} with {workers} workers"},
    "cli.shard": " (shard {i}/{of})",
    "cli.per_student_reports": "Per-student JSON reports: {out}/",
    "cli.gradebook": "gradebook: {gradebook}, summary: {summary}",
}
