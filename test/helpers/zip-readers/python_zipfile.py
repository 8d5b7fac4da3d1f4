"""Reads a zip with Python's zipfile and prints one JSON line per entry: its name, method,
general-purpose flags in the central directory and in its local header, size, and the
SHA-256 of its content (zipfile checks each CRC-32 as it reads)."""
import hashlib, json, struct, sys, zipfile

with zipfile.ZipFile(sys.argv[1]) as z, open(sys.argv[1], 'rb') as raw:
    for info in z.infolist():
        raw.seek(info.header_offset)
        local = raw.read(30)
        (local_flags,) = struct.unpack('<H', local[6:8])
        data = z.read(info)
        print(json.dumps({'name': info.filename, 'method': info.compress_type, 'centralFlags': info.flag_bits, 'localFlags': local_flags, 'size': len(data), 'sha256': hashlib.sha256(data).hexdigest()}))
