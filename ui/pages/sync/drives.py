"""Where a bundle can go: the drives of this PC, USB sticks first.

Qt knows the mounted volumes (``QStorageInfo``) but not whether one is removable. On Windows the
system says so (``GetDriveTypeW``: 2 is a removable drive); elsewhere a stick is mounted under
``/media``, ``/run/media``, ``/mnt`` or ``/Volumes``. Volumes that are not ready, read-only or the
system's own (the system drive, ``/``, ``/proc``, ``/boot`` …) are left out: a bundle goes to a stick
or a data drive; any other folder is chosen with 导出到文件夹….
"""
from __future__ import annotations

import dataclasses
import os
import sys

from PySide6.QtCore import QStorageInfo

REMOVABLE_ROOTS = ("/media/", "/run/media/", "/mnt/", "/Volumes/")
SYSTEM_ROOTS = ("/boot", "/proc", "/sys", "/dev", "/run", "/snap", "/var", "/tmp", "/usr", "/etc", "/opt", "/srv",
                "/System", "/private")
PSEUDO_FILESYSTEMS = {"tmpfs", "devtmpfs", "proc", "sysfs", "squashfs", "overlay", "ramfs", "cgroup", "cgroup2",
                      "autofs", "devpts", "securityfs", "debugfs", "tracefs", "fusectl", "nsfs", "efivarfs"}
DRIVE_REMOVABLE = 2  # GetDriveTypeW


@dataclasses.dataclass(frozen=True)
class Drive:
    root: str
    name: str
    free_bytes: int
    total_bytes: int
    removable: bool

    @property
    def id(self) -> str:  # the list models select by id
        return self.root


def _windows_removable(root: str) -> bool:
    try:
        import ctypes

        return int(ctypes.windll.kernel32.GetDriveTypeW(root)) == DRIVE_REMOVABLE  # type: ignore[attr-defined]
    except (AttributeError, OSError):
        return False


def is_removable(root: str) -> bool:
    if sys.platform == "win32":
        return _windows_removable(root)
    return any(root.startswith(prefix) for prefix in REMOVABLE_ROOTS)


def _is_system(root: str, filesystem: str) -> bool:
    if filesystem.lower() in PSEUDO_FILESYSTEMS:
        return True
    if sys.platform == "win32":
        system = os.environ.get("SystemDrive", "C:").rstrip("\\/").upper()
        return root.rstrip("\\/").upper() == system
    if root == "/":
        return True
    if root.startswith(REMOVABLE_ROOTS):
        return False
    return any(root == prefix or root.startswith(prefix + "/") for prefix in SYSTEM_ROOTS)


def drives() -> list[Drive]:
    """Ready, writable volumes: removable ones first, then by root path."""
    found: dict[str, Drive] = {}
    for volume in QStorageInfo.mountedVolumes():
        if not volume.isValid() or not volume.isReady() or volume.isReadOnly():
            continue
        root = volume.rootPath()
        filesystem = bytes(volume.fileSystemType().data()).decode("ascii", "replace")
        if _is_system(root, filesystem) or not os.access(root, os.W_OK):
            continue
        name = volume.displayName() or volume.name() or root
        found[root] = Drive(root=root, name=name, free_bytes=int(volume.bytesAvailable()),
                            total_bytes=int(volume.bytesTotal()), removable=is_removable(root))
    return sorted(found.values(), key=lambda d: (not d.removable, d.root.lower()))


def size_text(size: int) -> str:
    """Free space as people say it: 3.2 GB, 850 MB."""
    from app.i18n import format_number

    for unit, scale in (("TB", 10**12), ("GB", 10**9), ("MB", 10**6)):
        if size >= scale:
            return f"{format_number(round(size / scale, 1))} {unit}"
    return f"{format_number(round(size / 1000))} KB"
