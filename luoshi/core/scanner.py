"""Virus scanning of uploads through ClamAV's daemon (clamd), when one is configured.

`LUOSHI_CLAMD` names the daemon: `unix:/run/clamav/clamd.ctl` (or a bare path) or
`tcp:127.0.0.1:3310` (or `host:port`). Unset, nothing is scanned: the embedded default has
no daemon. Configured but unreachable, uploads are refused (fail closed) rather than stored
unscanned. The client speaks clamd's INSTREAM protocol itself (about 30 lines), so no
package is needed; tests run it against a fake daemon on a local socket.
"""

from __future__ import annotations

import socket
import struct
from typing import Protocol

CHUNK = 64 * 1024


class ScannerUnavailable(Exception):
    """The configured scanner did not answer, or answered an error."""


class Scanner(Protocol):
    def scan(self, data: bytes) -> str | None:
        """None when clean, else the name of what was found."""
        ...


class ClamdScanner:
    def __init__(self, address: str, timeout: float = 30.0) -> None:
        self.address = address
        self.timeout = timeout

    def _connect(self) -> socket.socket:
        address = self.address
        if address.startswith("unix:") or address.startswith("/"):
            sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            target: str | tuple[str, int] = address.removeprefix("unix:")
        else:
            host, _, port = address.removeprefix("tcp:").rpartition(":")
            sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            target = (host or "127.0.0.1", int(port))
        sock.settimeout(self.timeout)
        sock.connect(target)
        return sock

    def scan(self, data: bytes) -> str | None:
        try:
            with self._connect() as sock:
                sock.sendall(b"zINSTREAM\0")
                for start in range(0, len(data), CHUNK):
                    chunk = data[start : start + CHUNK]
                    sock.sendall(struct.pack("!L", len(chunk)) + chunk)
                sock.sendall(struct.pack("!L", 0))
                reply = b""
                while not reply.endswith(b"\0"):
                    part = sock.recv(4096)
                    if not part:
                        break
                    reply += part
        except (OSError, ValueError) as error:
            raise ScannerUnavailable(type(error).__name__) from None
        answer = reply.rstrip(b"\0").decode("utf-8", "replace").strip()
        # "stream: OK", "stream: Eicar-Signature FOUND", "INSTREAM size limit exceeded. ERROR"
        if answer.endswith("OK"):
            return None
        if answer.endswith("FOUND"):
            return answer.removeprefix("stream:").removesuffix("FOUND").strip() or "未知威胁"
        raise ScannerUnavailable(answer[:100] or "no answer")


def get_scanner() -> Scanner | None:
    from django.conf import settings

    address = getattr(settings, "LUOSHI_CLAMD", "")
    return ClamdScanner(address) if address else None
