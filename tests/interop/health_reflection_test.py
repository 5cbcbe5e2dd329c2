#!/usr/bin/python3
"""A node answers standard gRPC health checks and server reflection to a client that has none
of tierhub's generated code: Debian's python3-grpcio with hand-encoded protobuf bytes.

usage: health_reflection_test.py TIERHUBD
"""
import sys
import tempfile

import grpc

from node_process import NodeProcess, insecure_province


def varint(n):
    out = b""
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out += bytes([b | 0x80])
        else:
            return out + bytes([b])


def field_bytes(number, payload):
    return varint((number << 3) | 2) + varint(len(payload)) + payload


def main():
    tierhubd = sys.argv[1]
    with tempfile.TemporaryDirectory() as tmp:
        node = NodeProcess(tierhubd, tmp, "gd", insecure_province(tmp))
        try:
            channel = grpc.insecure_channel(node.address)

            # grpc.health.v1.Health/Check, empty HealthCheckRequest -> status SERVING (1).
            check = channel.unary_unary("/grpc.health.v1.Health/Check")
            reply = check(b"", timeout=10)
            assert reply == b"\x08\x01", f"health reply {reply!r} is not SERVING"

            # Server reflection: list_services (field 7) must name our services.
            info = channel.stream_stream(
                "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo")
            replies = list(info(iter([field_bytes(7, b"")]), timeout=10))
            listing = b"".join(replies)
            for service in (b"tierhub.v1.Exchange", b"tierhub.v1.Registry",
                            b"grpc.health.v1.Health"):
                assert service in listing, f"{service!r} not listed by reflection"

            # And a tierhub call, again without generated code: GetSyncStatus names the node.
            status = channel.unary_unary("/tierhub.v1.Exchange/GetSyncStatus")
            reply = status(b"", timeout=10,
                           metadata=[("x-tierhub-identity", "ops:440000:python")])
            assert reply.startswith(field_bytes(1, b"gd")), f"status reply {reply!r}"
            # insecure: true is announced (field 4 = 1).
            assert b"\x20\x01" in reply, "insecure mode not announced in the status"
        finally:
            node.stop()
    print("1 passed, 0 failed")


if __name__ == "__main__":
    main()
