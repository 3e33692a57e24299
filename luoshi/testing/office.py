"""LibreOffice for tests that open our .docx and .xlsx the way a user's office suite does.

Without LibreOffice those tests skip with a message, unless LUOSHI_REQUIRE_OFFICE=1 (set by
.ci/run, which installs it), where its absence is a failure.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path


def soffice() -> str | None:
    return shutil.which("libreoffice") or shutil.which("soffice")


def convert(data: bytes, suffix: str, to: str = "pdf") -> bytes:
    """`data` (a .docx or .xlsx) converted by headless LibreOffice; raises if it cannot open it."""
    import pytest

    program = soffice()
    if program is None:
        if os.environ.get("LUOSHI_REQUIRE_OFFICE") == "1":
            pytest.fail(
                "找不到 LibreOffice；CI 需要先安装 libreoffice-writer-nogui 和 libreoffice-calc-nogui。"
            )
        pytest.skip("跳过：找不到 LibreOffice（apt-get install libreoffice-writer-nogui）")
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / f"document{suffix}"
        source.write_bytes(data)
        # A profile folder of its own, so parallel runs and a user's open LibreOffice don't clash.
        profile = Path(folder) / "profile"
        subprocess.run(  # noqa: S603 - our own temporary file, a fixed program
            [
                program,
                f"-env:UserInstallation=file://{profile}",
                "--headless",
                "--convert-to",
                to,
                "--outdir",
                folder,
                str(source),
            ],
            check=True,
            capture_output=True,
            timeout=180,
        )
        target = source.with_suffix(f".{to}")
        assert target.exists(), f"LibreOffice could not open the {suffix} file"
        return target.read_bytes()
