"""grader: an autograder for PyTorch lab work (TP1: autograd Functions, gradcheck, descent loops)."""

__version__ = "0.1.0"
