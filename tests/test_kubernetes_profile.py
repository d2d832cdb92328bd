"""profiles/kubernetes/config.yaml, for snakemake-executor-plugin-kubernetes (not installed
here, and the profile is not run: no cluster). What can be checked without one: the keys
are the plugin's settings, a storage provider is set (its pods share no file system), and
the GPU manufacturer the plugin requires for the `gpu` resource every attribution rule asks for."""

import re

import yaml

from conftest import REPO

PROFILE = REPO / "profiles" / "kubernetes" / "config.yaml"
# ExecutorSettings of snakemake-executor-plugin-kubernetes 0.5, as command-line options.
PLUGIN_SETTINGS = {"kubernetes-namespace", "kubernetes-cpu-scalar", "kubernetes-service-account-name",
                   "kubernetes-privileged", "kubernetes-persistent-volumes", "kubernetes-omit-job-cleanup"}


def profile() -> dict:
    return yaml.safe_load(PROFILE.read_text())


def test_the_profile_names_the_plugin_its_image_and_a_default_storage():
    settings = profile()
    assert settings["executor"] == "kubernetes"
    assert settings["container-image"] and settings["default-storage-provider"]
    assert settings["default-storage-prefix"].startswith(f"{settings['default-storage-provider']}://")
    assert {key for key in settings if key.startswith("kubernetes-")} <= PLUGIN_SETTINGS
    for volume in settings.get("kubernetes-persistent-volumes", []):
        assert re.fullmatch(r"[a-z0-9-]+:/\S+", volume), volume


def test_the_gpu_resource_of_the_rules_comes_with_the_manufacturer_the_plugin_requires():
    rules_with_gpu = [path.name for path in (REPO / "workflow" / "rules").glob("*.smk") if "gpu=" in path.read_text()]
    assert rules_with_gpu
    assert 'gpu_manufacturer="nvidia"' in profile()["default-resources"]
