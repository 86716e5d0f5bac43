#!/usr/bin/env python3
"""Rewrites the saved inputs of fuzz_frame (tests/fuzz/corpus/frame) for the
current frame version (firmware/protocol/rig_frame.h), after a wire-format
change: each frame keeps its type, flags, sequence number and payload; its
version byte, TAGGED flag, tag (keyed BLAKE2b-256 with fuzz_frame.c's session
key, over the header and the payload's BLAKE2b-256) and CRC are made again.
bad-crc keeps a wrong CRC; tampered-put-data is authed-put-data with one
payload byte changed after tagging; version-2 stays an old frame.

  python3 tests/fuzz/frame_seeds.py VERSION
"""
import hashlib
import os
import struct
import sys
import zlib

HEADER, TAG, CRC = 16, 32, 4
F_TAGGED = 0x02
KEY = bytes([1]) + bytes(31)  # fuzz_frame.c: uint8_t key[32] = {1}


def remake(frame, version):
    """frame: header + payload + tag + crc of an older version."""
    hdr = bytearray(frame[:HEADER])
    n = struct.unpack(">I", hdr[12:16])[0]
    payload = frame[HEADER:HEADER + n]
    tagged = any(frame[HEADER + n:HEADER + n + TAG])
    hdr[2] = version
    if tagged:
        hdr[4] |= F_TAGGED
        digest = hashlib.blake2b(payload, digest_size=32).digest()
        tag = hashlib.blake2b(bytes(hdr) + digest, digest_size=32, key=KEY).digest()
        crc = zlib.crc32(tag, zlib.crc32(bytes(hdr)))
    else:
        tag = bytes(TAG)
        crc = zlib.crc32(bytes(hdr) + payload + tag)
    return bytes(hdr) + payload + tag + struct.pack(">I", crc)


def rewrite(data, old_versions, version):
    """Every whole frame of an old version in data is remade; the rest
    (noise, truncated headers) is kept, a lone header gets the version."""
    out, i = bytearray(data[:1]), 1
    while i < len(data):
        if data[i:i + 2] == b"RG" and i + HEADER <= len(data) and data[i + 2] in old_versions:
            n = struct.unpack(">I", data[i + 12:i + 16])[0]
            end = i + HEADER + n + TAG + CRC
            if end <= len(data):
                out += remake(data[i:end], version)
                i = end
                continue
            out += data[i:i + 2] + bytes([version]) + data[i + 3:]
            break
        out.append(data[i])
        i += 1
    return bytes(out)


def main():
    version = int(sys.argv[1])
    d = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus", "frame")
    old = set(range(3, version))
    for name in sorted(os.listdir(d)):
        if name in ("version-2", "tampered-put-data"):
            continue
        p = os.path.join(d, name)
        data = open(p, "rb").read()
        new = rewrite(data, old, version)
        if name == "bad-crc":
            new = new[:-1] + bytes([new[-1] ^ 0x5A])
        open(p, "wb").write(new)
    authed = bytearray(open(os.path.join(d, "authed-put-data"), "rb").read())
    k = authed.find(b"chunk bytes", 40)  # a later word, as before
    authed[k] ^= ord("c") ^ ord("b")
    open(os.path.join(d, "tampered-put-data"), "wb").write(bytes(authed))


main()
