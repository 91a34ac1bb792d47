"""Scheduling files other than MS Project XML (``.mpp`` and the formats other tools save), read by
MPXJ and handed on as MS Project XML, so the safe MSPDI reader (``pmo.engine.mspdi``) and all its
checks apply to them too (ADR 0043).

MPXJ is Java (the ``mpxj`` package bundles its jars; JPype runs them). It runs in a **child
process** per file, never in the calling process: the child starts the Java virtual machine once,
reads the file with MPXJ's ``UniversalProjectReader`` (which tells the format from the content)
and writes MS Project XML. The child has a time limit (a hostile or broken file cannot hang the
server: the child is killed), a memory limit for Java's heap and a limit on the size of what it
writes. Without a Java runtime (or without the ``mpxj`` and ``jpype1`` packages) the file is
refused saying so, before anything starts.

This module imports only the standard library, so the child starts quickly:
``python -m pmo.engine.project_files IN OUT [IN OUT ...]`` converts each IN (any format MPXJ
reads) to OUT (the format its suffix names: ``.xml`` MS Project XML, ``.mpx``, ``.planner``,
``.pmxml``, ``.xer``, ``.json``), in one Java virtual machine.
"""

from __future__ import annotations

import functools
import os
import subprocess
import sys
import tempfile
from pathlib import Path, PurePath

MAX_BYTES = 50 * 1024 * 1024  # as pmo.engine.mspdi: the file read, and the XML it becomes
TIMEOUT = 30  # seconds a file may take to read (the JVM's start included)
JAVA_HEAP = "768m"

READ_BY_MPXJ = {
    ".mpp": "MS Project",
    ".mpt": "MS Project template",
    ".mpx": "MPX",
    ".gan": "GanttProject",
    ".xer": "Primavera P6 (XER)",
    ".pmxml": "Primavera P6 XML",
    ".planner": "Planner",
}
"""The files read through MPXJ, by suffix: what saves them."""

WRITERS = {
    ".xml": "MSPDI",
    ".mpx": "MPX",
    ".planner": "PLANNER",
    ".pmxml": "PMXML",
    ".xer": "XER",
    ".json": "JSON",
}

NO_JAVA = (
    "MS Project .mpp files need a Java runtime on the server; save the plan as XML from MS Project instead."
)
NO_JAVA_OTHER = (
    "{kind} files ({suffix}) need a Java runtime on the server; save the plan as MS Project XML instead."
)
TOO_BIG = "The file is {size:,} bytes; the limit is {limit:,}."
TOO_SLOW = "The file took longer than {seconds:g} seconds to read, so it was refused."
TOO_BIG_AS_XML = "The file becomes more than {limit:,} bytes of MS Project XML, so it was refused."
NOT_READ = "MPXJ could not read it (expected: {kind}): {error}"
NOT_RECOGNISED = "MPXJ does not recognise its format (expected: {kind})."

_NOT_RECOGNISED_EXIT = 3
_FAILED_EXIT = 2


class ProjectFileError(ValueError):
    """A file that could not be turned into MS Project XML, saying why."""


def read_by_mpxj(filename: str) -> bool:
    """Whether ``filename`` is a format read through MPXJ (by its suffix)."""
    return PurePath(filename).suffix.lower() in READ_BY_MPXJ


@functools.cache
def java_available() -> bool:
    """Whether this machine can run MPXJ: the ``mpxj`` and ``jpype1`` packages and a Java runtime
    JPype finds (``JAVA_HOME``, else the ``java`` on the path). Asked once per process; starts
    nothing."""
    try:
        import jpype
        import mpxj  # noqa: F401 - its import puts the jars on JPype's class path

        jpype.getDefaultJVMPath()
    except Exception:  # ImportError, JVMNotFoundException...
        return False
    return True


def no_java_message(filename: str) -> str:
    suffix = PurePath(filename).suffix.lower()
    if suffix in (".mpp", ".mpt"):
        return NO_JAVA
    return NO_JAVA_OTHER.format(kind=READ_BY_MPXJ.get(suffix, "These"), suffix=suffix)


def child_command(*paths: str) -> list[str]:
    """The child process that converts (pairs of) ``paths``."""
    return [sys.executable, "-m", "pmo.engine.project_files", *paths]


def to_mspdi(data: bytes, filename: str, *, limit: int = MAX_BYTES, timeout: float = TIMEOUT) -> bytes:
    """``data`` (a file MPXJ reads, named ``filename``) as MS Project XML; ``ProjectFileError``
    saying why not (no Java, too big, too slow, not readable)."""
    suffix = PurePath(filename).suffix.lower()
    kind = READ_BY_MPXJ.get(suffix, "project")
    if len(data) > limit:
        raise ProjectFileError(TOO_BIG.format(size=len(data), limit=limit))
    if not java_available():
        raise ProjectFileError(no_java_message(filename))
    with tempfile.TemporaryDirectory(prefix="pmo-mpxj-") as folder:
        source, target = Path(folder, f"plan{suffix or '.bin'}"), Path(folder, "plan.xml")
        source.write_bytes(data)
        try:
            done = subprocess.run(
                child_command(str(source), str(target)),
                cwd=folder,
                stdin=subprocess.DEVNULL,
                capture_output=True,
                timeout=timeout,
                env={**os.environ, "PMO_MPXJ_OUTPUT_LIMIT": str(limit)},
                check=False,
            )
        except subprocess.TimeoutExpired:
            raise ProjectFileError(TOO_SLOW.format(seconds=timeout)) from None
        if done.returncode == _NOT_RECOGNISED_EXIT:
            raise ProjectFileError(NOT_RECOGNISED.format(kind=kind))
        if done.returncode != 0 or not target.exists():
            if target.exists() and target.stat().st_size >= limit:
                raise ProjectFileError(TOO_BIG_AS_XML.format(limit=limit))
            error = done.stderr.decode("utf-8", "replace").strip().splitlines()
            reason = error[-1][:300] if error else f"the reader stopped (exit {done.returncode})"
            raise ProjectFileError(NOT_READ.format(kind=kind, error=reason))
        if target.stat().st_size > limit:
            raise ProjectFileError(TOO_BIG_AS_XML.format(limit=limit))
        return target.read_bytes()


# -- the child process ------------------------------------------------------------------------------


def _convert(pairs: list[tuple[str, str]]) -> int:  # pragma: no cover - runs in the child
    import resource

    limit = int(os.environ.get("PMO_MPXJ_OUTPUT_LIMIT", MAX_BYTES))
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))  # a bigger output fails to write
    import jpype
    import mpxj  # noqa: F401

    jpype.startJVM(
        f"-Xmx{JAVA_HEAP}",
        "-XX:+UseSerialGC",
        "-XX:TieredStopAtLevel=1",  # a short run: quick compilation starts faster
        "-XX:-UsePerfData",
        "-Djava.awt.headless=true",
        convertStrings=False,
    )
    from org.mpxj.reader import UniversalProjectReader
    from org.mpxj.writer import FileFormat, UniversalProjectWriter

    for source, target in pairs:
        try:
            project = UniversalProjectReader().read(source)
            if project is None:
                return _NOT_RECOGNISED_EXIT
            writer = UniversalProjectWriter(getattr(FileFormat, WRITERS[PurePath(target).suffix.lower()]))
            writer.write(project, target)
        except Exception as exc:
            message = str(exc).strip().splitlines()
            print(message[0] if message else type(exc).__name__, file=sys.stderr)
            return _FAILED_EXIT
    return 0


if __name__ == "__main__":  # pragma: no cover - the child process
    arguments = sys.argv[1:]
    sys.exit(_convert(list(zip(arguments[::2], arguments[1::2], strict=True))))
