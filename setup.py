"""Only the compiled part of the build; everything else is in pyproject.toml.

The alignment DP has a C version (src/aomi18n/_dpcore.c). It is optional: where
no C compiler is found the build goes on and the NumPy version is used.
"""

from setuptools import Extension, setup

setup(ext_modules=[Extension("aomi18n._dpcore", ["src/aomi18n/_dpcore.c"], optional=True)])
