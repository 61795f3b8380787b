"""Only the compiled part of the build; everything else is in pyproject.toml.

The alignment DP (src/aomi18n/_dpcore.c) and the units' features
(src/aomi18n/_textcore.c) have C versions. They are optional: where no C compiler
is found the build goes on and the NumPy and Python versions are used.
"""

from setuptools import Extension, setup

setup(ext_modules=[
    Extension("aomi18n._dpcore", ["src/aomi18n/_dpcore.c"], optional=True),
    Extension("aomi18n._textcore", ["src/aomi18n/_textcore.c"], optional=True),
])
