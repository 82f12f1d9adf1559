"""Package discovery for the one import namespace ``execspec`` (the rest is in pyproject.toml).

Three top-level folders of the repository install *inside* the namespace: ``impl/`` as
``execspec.impl``, ``model/`` as ``execspec.model``, ``specs/`` as ``execspec.specs``.
``[tool.setuptools.packages.find]`` cannot discover packages under a remapped directory, so
discovery is done here: every package under ``execspec/`` and under each mapped folder is found
(any ``__init__.py``), never listed by hand. ``tests/test_wheel_install.py`` builds the wheel
and checks that it holds every module of the tree.
"""

from setuptools import find_packages, setup

#: repository folder -> the package it installs as
MAPPED = {"impl": "execspec.impl", "model": "execspec.model", "specs": "execspec.specs"}

packages = find_packages(include=["execspec", "execspec.*"])
package_dir = {"execspec": "execspec"}
for folder, package in MAPPED.items():
    package_dir[package] = folder
    packages += [package] + [f"{package}.{sub}" for sub in find_packages(where=folder)]

setup(packages=packages, package_dir=package_dir)
