"""Package list for setuptools.

The top-level `resources/` folder of the checkout ships inside wheels as the
`knowmvg_viewer._resources` package, so one locator finds it in every layout.
"""

from setuptools import find_packages, setup

setup(
    packages=find_packages(include=["knowmvg_viewer*", "model_core*"])
    + ["knowmvg_viewer._resources"],
    package_dir={"knowmvg_viewer._resources": "resources"},
    package_data={"knowmvg_viewer._resources": ["**/*"]},
)
