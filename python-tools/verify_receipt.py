"""Checks a Warrant receipt offline, without Java: a second implementation of docs/ARCHITECTURE.md §11.37.

Usage: verify_receipt.py RECEIPT.json AUDIT.pub [AUDIT.pub ...]

RECEIPT.json holds the receipt (the object under _meta["dev.warrant/receipt"]) or a whole tools/call result,
JSON-RPC response or error carrying one. Each AUDIT.pub is a member's audit public key (64 hex digits); retired keys
(audit-<keyId>.pub) in the same directory are used too. Needs the `cryptography` package (Ed25519).

Prints "valid: ..." and exits 0, or prints one line "reason (field): detail" and exits 1, with the reasons of
`warrant receipt verify`: receipt_invalid, receipt_signature_invalid, receipt_key_unknown. Exit 2: a file that cannot
be read, or bad usage.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import sys
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

META_KEY = "dev.warrant/receipt"
# The signed fields, in the order they are encoded.
FIELDS = ["decision", "reason", "caller", "chain", "revocationIds", "tool", "argumentDigest", "policy", "time",
          "traceId", "seq", "lineHash", "member", "keyId"]
LISTS = {"chain", "revocationIds"}
REQUIRED = {"decision", "reason", "time", "lineHash", "member", "keyId"}
PROOF_STEP = re.compile(r"[lr]:[0-9a-f]{64}")


class Finding(Exception):
    def __init__(self, reason: str, field: str | None, detail: str):
        super().__init__(detail)
        self.reason, self.field, self.detail = reason, field, detail

    def __str__(self) -> str:
        return f"{self.reason}{f' ({self.field})' if self.field else ''}: {self.detail}"


class Unreadable(Exception):
    pass


def find_receipt(doc: dict) -> dict | None:
    """The receipt itself, or the one in a result's _meta, a response's result or error, or an error's data."""
    receipt_field = any(k in doc for k in ("signature", "lineHash", "keyId"))
    answer_field = any(k in doc for k in ("result", "error", "_meta", "data"))
    if receipt_field and not answer_field:
        return doc
    for path in (["_meta"], ["result", "_meta"], ["error", "data", "_meta"], ["data", "_meta"]):
        node = doc
        for key in path:
            node = node.get(key) if isinstance(node, dict) else None
        if isinstance(node, dict) and isinstance(node.get(META_KEY), dict):
            return node[META_KEY]
    return None


def check_fields(receipt: dict) -> None:
    """A field missing or of the wrong type is named, as `warrant receipt verify` names it."""
    if receipt.get("version") != 1 or isinstance(receipt.get("version"), bool):
        raise Finding("receipt_invalid", "version", "version is not 1")
    for field in [*FIELDS, "proof", "signature"]:
        if field not in receipt:
            raise Finding("receipt_invalid", field, f"field {field} is missing")
    for field in [*FIELDS, "proof", "signature"]:
        value = receipt[field]
        if field in LISTS or field == "proof":
            if not isinstance(value, list):
                raise Finding("receipt_invalid", field, f"field {field} is not a list")
            if not all(isinstance(v, str) for v in value):
                raise Finding("receipt_invalid", field, f"field {field} holds a non-string")
            if field == "proof" and not all(PROOF_STEP.fullmatch(v) for v in value):
                raise Finding("receipt_invalid", field, "field proof holds a step that is not l:<hash> or r:<hash>")
        elif field == "seq":
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise Finding("receipt_invalid", field, "field seq is not a positive integer")
        elif value is None and field not in REQUIRED and field != "signature":
            continue
        elif not isinstance(value, str):
            raise Finding("receipt_invalid", field, f"field {field} is not a string")


def encode_string(s: str | None) -> bytes:
    if s is None:
        return b"-"
    raw = s.encode("utf-8")
    return str(len(raw)).encode("ascii") + b":" + raw


def signed_bytes(receipt: dict) -> bytes:
    """warrant-receipt-v1 LF, then name=value LF per field; strings length-prefixed, null '-', seq '#n', lists '[n]'."""
    out = [b"warrant-receipt-v1\n"]
    for field in FIELDS:
        value = receipt[field]
        if field in LISTS:
            encoded = f"[{len(value)}]".encode("ascii") + b"".join(encode_string(v) for v in value)
        elif field == "seq":
            encoded = b"#" + str(value).encode("ascii")
        else:
            encoded = encode_string(value)
        out.append(field.encode("ascii") + b"=" + encoded + b"\n")
    return b"".join(out)


def signed_message(receipt: dict) -> bytes:
    """The root the leaf and its proof lead to, after the root's domain line."""
    h = hashlib.sha256(b"\x00" + signed_bytes(receipt)).digest()
    for step in receipt["proof"]:
        sibling = bytes.fromhex(step[2:])
        h = hashlib.sha256(b"\x01" + (sibling + h if step[0] == "l" else h + sibling)).digest()
    return b"warrant-receipt-root-v1\n" + h


def key_id(public_hex: str) -> str:
    return "k" + hashlib.sha256(bytes.fromhex(public_hex)).hexdigest()[:8]


def load_keys(files: list[Path]) -> dict[str, str]:
    """keyId -> public key hex, for each file and the retired audit-<keyId>.pub files beside it."""
    keys: dict[str, str] = {}
    for file in files:
        for path in [file, *sorted(file.parent.glob("audit-*.pub"))]:
            if path != file and path.resolve() == file.resolve():
                continue
            try:
                text = path.read_text("ascii").strip().lower()
            except (OSError, UnicodeDecodeError) as e:
                raise Unreadable(f"cannot read key file {path}") from e
            if not re.fullmatch(r"[0-9a-f]{64}", text):
                raise Unreadable(f"{path} is not an Ed25519 public key (expected 64 hex digits)")
            keys[key_id(text)] = text
    return keys


def verify(receipt: dict, keys: dict[str, str]) -> None:
    check_fields(receipt)
    public = keys.get(receipt["keyId"])
    if public is None:
        raise Finding("receipt_key_unknown", "keyId",
                      f"signed by key {receipt['keyId']}, which is not among the audit public keys given")
    text = receipt["signature"]
    if not re.fullmatch(r"[A-Za-z0-9_-]*={0,2}", text) or len(text.rstrip("=")) % 4 == 1:
        raise Finding("receipt_invalid", "signature", "the signature is not base64url")
    signature = base64.urlsafe_b64decode(text.rstrip("=") + "=" * (-len(text.rstrip("=")) % 4))
    try:
        if len(signature) != 64:
            raise InvalidSignature()
        Ed25519PublicKey.from_public_bytes(bytes.fromhex(public)).verify(signature, signed_message(receipt))
    except InvalidSignature:
        raise Finding("receipt_signature_invalid", None, f"the signature does not verify with key {receipt['keyId']}: "
                      "a field was changed after signing, or another key signed it")


def main(argv: list[str]) -> int:
    if len(argv) < 2:
        print("usage: verify_receipt.py RECEIPT.json AUDIT.pub [AUDIT.pub ...]", file=sys.stderr)
        return 2
    try:
        keys = load_keys([Path(a) for a in argv[1:]])
        try:
            text = Path(argv[0]).read_text("utf-8")
        except (OSError, UnicodeDecodeError) as e:
            raise Unreadable(f"cannot read receipt file {argv[0]}") from e
    except Unreadable as e:
        print(f"verify_receipt: {e}", file=sys.stderr)
        return 2
    try:
        try:
            doc = json.loads(text)
        except ValueError:
            raise Finding("receipt_invalid", None, f"{argv[0]} is not a JSON object")
        if not isinstance(doc, dict):
            raise Finding("receipt_invalid", None, f"{argv[0]} is not a JSON object")
        receipt = find_receipt(doc)
        if receipt is None:
            raise Finding("receipt_invalid", None,
                          f'no receipt in {argv[0]} (neither a receipt nor _meta["{META_KEY}"])')
        verify(receipt, keys)
    except Finding as f:
        print(f)
        return 1
    r = receipt
    print(f"valid: {r['decision']} {r['tool']} ({r['reason']}) for {r['caller']}, member {r['member']} "
          f"seq {r['seq']}, signed by {r['keyId']}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
