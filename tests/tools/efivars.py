#!/usr/bin/env python3
"""Puts the boot options whose descriptions start with given texts first,
in that order, in the BootOrder of an EDK2 (OVMF, AAVMF) variable store.

  efivars.py first VARS.fd "UEFI PXEv6" "UEFI HTTPv6"
  efivars.py show VARS.fd

Why: the firmware tries its network boot options in BootOrder (PXEv4,
PXEv6, HTTPv4, HTTPv6, each created for the NIC at the first boot), and
QEMU's fw_cfg knobs switch off only PXE.  On a network without IPv4, HTTP
boot over IPv4 waits for DHCPv4 offers that never come before HTTP boot
over IPv6 starts; a machine set up for such a network has HTTPv6 first, as
an administrator would choose in the firmware's boot manager.

The store holds variables as records (EDK2 MdeModulePkg
AUTHENTICATED_VARIABLE_HEADER): start id 0x55aa, state, attributes,
monotonic count, time stamp, public key index, name size, data size,
vendor GUID, then the UTF-16 name and the data.  The live record has state
0x3f (VAR_ADDED); older copies of a variable stay behind with other
states.  BootOrder's data is rewritten in place with the same numbers in
another order, so no size, offset or header changes.  Independent of
pxeproxyd's code.
"""
import struct, sys

HDR = struct.Struct("<HBBIQ16sIII16s")  # 60 bytes
START_ID, VAR_ADDED = 0x55AA, 0x3F


def records(buf, name):
    """The live records of variable NAME: (offset of data, data)."""
    key = name.encode("utf-16-le") + b"\0\0"
    i = buf.find(key)
    while i >= 0:
        if i >= HDR.size:
            (sid, state, _, _, _, _, _, nsize, dsize, _) = HDR.unpack_from(buf, i - HDR.size)
            if sid == START_ID and state == VAR_ADDED and nsize == len(key):
                yield i + nsize, buf[i + nsize:i + nsize + dsize]
        i = buf.find(key, i + 1)


def description(load_option):
    """EFI_LOAD_OPTION: attributes (4), path list length (2), then the
    NUL-terminated UTF-16 description."""
    text = load_option[6:]
    end = next((k for k in range(0, len(text) - 1, 2) if text[k:k + 2] == b"\0\0"), len(text))
    return text[:end].decode("utf-16-le", "replace")


def boot_order(buf):
    found = list(records(buf, "BootOrder"))
    if len(found) != 1:
        raise SystemExit("efivars: %d live BootOrder variables" % len(found))
    off, data = found[0]
    return off, list(struct.unpack("<%dH" % (len(data) // 2), data))


def options(buf, order):
    out = {}
    for n in order:
        found = list(records(buf, "Boot%04X" % n))
        out[n] = description(found[-1][1]) if found else "?"
    return out


def main():
    if len(sys.argv) < 3 or sys.argv[1] not in ("first", "show") or \
            (sys.argv[1] == "first" and len(sys.argv) < 4):
        raise SystemExit(__doc__.split("\n\n")[1])
    path = sys.argv[2]
    buf = bytearray(open(path, "rb").read())
    off, order = boot_order(buf)
    desc = options(buf, order)
    if sys.argv[1] == "show":
        for n in order:
            print("Boot%04X %s" % (n, desc[n]))
        return 0
    want = []
    for text in sys.argv[3:]:
        found = [n for n in order if desc[n].startswith(text) and n not in want]
        if not found:
            raise SystemExit("efivars: no boot option starting with '%s' in %s" % (
                text, ", ".join(desc[n] for n in order)))
        want += found
    new = want + [n for n in order if n not in want]
    buf[off:off + 2 * len(new)] = struct.pack("<%dH" % len(new), *new)
    with open(path, "r+b") as f:
        f.seek(off)
        f.write(buf[off:off + 2 * len(new)])
    print("efivars: BootOrder " + ", ".join(desc[n] for n in new))
    return 0


if __name__ == "__main__":
    sys.exit(main())
