"""Tiny valid files made in code: the demo's evidence and the tests' uploads."""

from __future__ import annotations

import io
import struct
import zlib


def pdf_bytes(lines: list[str]) -> bytes:
    """A one-page PDF with Helvetica text lines (ASCII), or no text at all."""
    content = (
        ("BT /F1 11 Tf 50 780 Td 14 TL " + " ".join(f"({line}) Tj T*" for line in lines) + " ET")
        if lines
        else ""
    )
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
        f"<< /Length {len(content)} >>\nstream\n{content}\nendstream",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for i, body in enumerate(objects, 1):
        offsets.append(out.tell())
        out.write(f"{i} 0 obj\n{body}\nendobj\n".encode("latin-1"))
    xref = out.tell()
    out.write(f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode())
    for off in offsets:
        out.write(f"{off:010d} 00000 n \n".encode())
    out.write(f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode())
    return out.getvalue()


def png_bytes(width: int = 8, height: int = 8, rgb: tuple[int, int, int] = (200, 30, 30)) -> bytes:
    """A solid-colour PNG."""
    raw = b"".join(b"\x00" + bytes(rgb) * width for _ in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


def ole_bytes(streams: dict[str, bytes]) -> bytes:
    """A minimal OLE2 compound file (what .doc and .xls are) holding `streams`, keyed by
    path ("WordDocument", "Macros/VBA/dir"); storages are implied by the paths. Streams are
    padded to 4096 bytes so that none lives in the mini stream; at most about 60 KiB."""
    sector = 512
    end, free, fat_mark = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD
    tree: dict[str, object] = {}
    for path, data in streams.items():
        node = tree
        *storages, leaf = path.split("/")
        for part in storages:
            node = node.setdefault(part, {})  # type: ignore[assignment]
        node[leaf] = data.ljust(4096, b"\0")  # type: ignore[index]
    entries: list[dict[str, object]] = [{"name": "Root Entry", "type": 5, "node": tree}]
    queue = [0]
    while queue:  # breadth first: each storage's children become entries
        index = queue.pop(0)
        node = entries[index]["node"]
        if not isinstance(node, dict):
            continue
        names = sorted(node, key=lambda n: (len(n), n.upper()))
        ids = []
        for name in names:
            value = node[name]
            entries.append({"name": name, "type": 1 if isinstance(value, dict) else 2, "node": value})
            ids.append(len(entries) - 1)
            queue.append(ids[-1])
        entries[index]["child"] = ids[0] if ids else free
        for a, b in zip(ids, ids[1:], strict=False):
            entries[a]["right"] = b
    dir_sectors = -(-len(entries) * 128 // sector)
    next_sector = 1 + dir_sectors
    fat = [fat_mark] + [*range(2, 1 + dir_sectors), end]
    body = b""
    for entry in entries:
        data = entry["node"]
        if isinstance(data, bytes):
            count = -(-len(data) // sector)
            entry["start"], entry["size"] = next_sector, len(data)
            fat += [*range(next_sector + 1, next_sector + count), end]
            next_sector += count
            body += data.ljust(count * sector, b"\0")
    assert len(fat) <= sector // 4, "sample too large for one FAT sector"
    fat_sector = struct.pack(f"<{sector // 4}L", *fat, *[free] * (sector // 4 - len(fat)))
    directory = b""
    for entry in entries:
        name = str(entry["name"]).encode("utf-16-le") + b"\0\0"
        directory += struct.pack(
            "<64sHBBLLL16sL8s8sLQ",
            name,
            len(name),
            entry["type"],
            1,
            free,
            entry.get("right", free),
            entry.get("child", free),
            b"\0" * 16,
            0,
            b"\0" * 8,
            b"\0" * 8,
            entry.get("start", end if entry["type"] == 5 else 0),
            entry.get("size", 0),
        )
    directory = directory.ljust(dir_sectors * sector, b"\0")
    header = (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
        + b"\0" * 16
        + struct.pack("<HHHHH6sLLLLLLLLL", 0x3E, 3, 0xFFFE, 9, 6, b"\0" * 6, 0, 1, 1, 0, 4096, end, 0, end, 0)
        + struct.pack("<109L", 0, *[free] * 108)
    )
    return header + fat_sector + directory + body


def pdf_with(objects: list[str], *, root: int = 1, compressed: tuple[int, ...] = ()) -> bytes:
    """A PDF of the given object bodies (numbered from 1). The objects whose numbers are in
    `compressed` go into a Flate-compressed object stream, listed by a cross-reference
    stream, as PDF 1.5 writers do: what a raw byte search cannot see."""
    out = io.BytesIO()
    out.write(b"%PDF-1.7\n")
    offsets: dict[int, tuple[int, int, int]] = {}  # number -> (type, field2, field3)
    plain = [n for n in range(1, len(objects) + 1) if n not in compressed]
    for number in plain:
        offsets[number] = (1, out.tell(), 0)
        out.write(f"{number} 0 obj\n{objects[number - 1]}\nendobj\n".encode("latin-1"))
    next_number = len(objects) + 1
    if compressed:
        stream_number = next_number
        next_number += 1
        header, bodies, position = [], b"", 0
        for index, number in enumerate(compressed):
            body = objects[number - 1].encode("latin-1") + b"\n"
            header.append(f"{number} {position}")
            bodies += body
            position += len(body)
            offsets[number] = (2, stream_number, index)
        first = (" ".join(header) + "\n").encode()
        packed = zlib.compress(first + bodies)
        offsets[stream_number] = (1, out.tell(), 0)
        out.write(
            f"{stream_number} 0 obj\n<< /Type /ObjStm /N {len(compressed)} /First {len(first)} "
            f"/Filter /FlateDecode /Length {len(packed)} >>\nstream\n".encode()
            + packed
            + b"\nendstream\nendobj\n"
        )
    xref_number = next_number
    offsets[xref_number] = (1, out.tell(), 0)
    size = xref_number + 1
    rows = b"\x00" + struct.pack(">LH", 0, 0xFFFF)
    for number in range(1, size):
        kind, a, b = offsets[number]
        rows += struct.pack(">BLH", kind, a, b)
    packed = zlib.compress(rows)
    out.write(
        f"{xref_number} 0 obj\n<< /Type /XRef /Size {size} /W [1 4 2] /Root {root} 0 R "
        f"/Filter /FlateDecode /Length {len(packed)} >>\nstream\n".encode()
        + packed
        + b"\nendstream\nendobj\n"
    )
    out.write(f"startxref\n{offsets[xref_number][1]}\n%%EOF\n".encode())
    return out.getvalue()
