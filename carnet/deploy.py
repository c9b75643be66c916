"""Copy the built site to its target: a local folder, or an rsync destination."""

import os
import shutil
import subprocess

from carnet.i18n import _


class DeployFailed(Exception):
    pass


def deploy_target(settings):
    """The target from the environment, else from the settings; '' when none is set."""
    from carnet.defaults import setting

    return os.environ.get("CARNET_DEPLOY_TARGET") or setting(settings, "CARNET_DEPLOY_TARGET")


def is_remote(target):
    # rsync's remote syntax: [user@]host:path (a Windows drive letter is not a host).
    head = target.split("/", 1)[0]
    return ":" in head and len(head.split(":", 1)[0]) > 1


def deploy(output_path, target):
    """Mirror output_path into target; raise DeployFailed with a readable reason."""
    if not os.path.isdir(output_path) or not os.listdir(output_path):
        raise DeployFailed(
            _("nothing to deploy: {path} is empty or missing").format(path=output_path)
        )
    if is_remote(target):
        _rsync(output_path, target)
    else:
        _copy_tree(output_path, target)


def _rsync(output_path, target):
    command = ["rsync", "-rlptz", "--delete", output_path.rstrip("/") + "/", target]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=600)
    except FileNotFoundError:
        raise DeployFailed(_("rsync is not installed (apt-get install rsync)")) from None
    except subprocess.TimeoutExpired:
        raise DeployFailed(
            _("rsync to {target} did not finish in 10 minutes").format(target=target)
        ) from None
    if done.returncode != 0:
        raise DeployFailed(
            _("rsync to {target} failed: {reason}").format(
                target=target, reason=done.stderr.strip()
            )
        )


def _copy_tree(output_path, target):
    try:
        if os.path.exists(target) and not os.path.isdir(target):
            raise DeployFailed(_("{target} exists and is not a folder").format(target=target))
        # Build the new copy beside the target, then swap, so a failure leaves the old site.
        staging = target.rstrip(os.sep) + ".carnet-new"
        shutil.rmtree(staging, ignore_errors=True)
        shutil.copytree(output_path, staging)
        old = target.rstrip(os.sep) + ".carnet-old"
        shutil.rmtree(old, ignore_errors=True)
        if os.path.exists(target):
            os.rename(target, old)
        os.rename(staging, target)
        shutil.rmtree(old, ignore_errors=True)
    except OSError as exc:
        raise DeployFailed(
            _("copying to {target} failed: {reason}").format(target=target, reason=exc)
        ) from None
