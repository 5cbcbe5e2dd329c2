#!/usr/bin/python3
"""Talks to a tierhub node from Python with the project's protos: submits a small department
list and reads the progress figures. Needs only Debian's python3-grpcio and python3-grpc-tools
(run it with /usr/bin/python3); the Python code is generated from proto/ at start.

  /usr/bin/python3 clients/python/tierhub_example.py --node 127.0.0.1:7440 \\
      --ca out/demo/certs/ca.pem --cert out/demo/certs/ECO-440000-clerk.pem \\
      --key out/demo/certs/ECO-440000-clerk.key --round DEMO-202611

With --insecure --identity dept:ECO:440000:py it talks to a development node without TLS.
"""
import argparse
import atexit
import importlib
import os
import shutil
import sys
import tempfile

import grpc
from grpc_tools import protoc

HERE = os.path.dirname(os.path.abspath(__file__))
PROTO_ROOT = os.path.join(HERE, "..", "..", "proto")


def load_protos():
    """Generates the tierhub.v1 Python modules into a temporary directory and imports them."""
    out = tempfile.mkdtemp(prefix="tierhub-py-")
    atexit.register(shutil.rmtree, out, ignore_errors=True)  # generated code, not worth keeping
    protos = [os.path.join("tierhub", "v1", f)
              for f in sorted(os.listdir(os.path.join(PROTO_ROOT, "tierhub", "v1")))
              if f.endswith(".proto")]
    include = os.path.join(os.path.dirname(protoc.__file__), "_proto")
    args = ["protoc", f"-I{PROTO_ROOT}", f"-I{include}", "-I/usr/include",
            f"--python_out={out}", f"--grpc_python_out={out}"] + protos
    if protoc.main(args) != 0:
        raise SystemExit("tierhub_example: cannot generate code from " + PROTO_ROOT)
    sys.path.insert(0, out)
    modules = {}
    for name in ("domain_pb2", "registry_pb2", "registry_pb2_grpc", "coordinator_pb2",
                 "coordinator_pb2_grpc"):
        modules[name] = importlib.import_module("tierhub.v1." + name)
    return modules


def channel_for(args):
    if args.insecure:
        return grpc.insecure_channel(args.node), [("x-tierhub-identity", args.identity)]
    with open(args.ca, "rb") as ca, open(args.cert, "rb") as cert, open(args.key, "rb") as key:
        creds = grpc.ssl_channel_credentials(ca.read(), key.read(), cert.read())
    return grpc.secure_channel(args.node, creds), []


def submit_list(pb, channel, metadata, round_id, submission_id, rows):
    """Submits `rows` (credit code, name, region, industry, reason) as an ECO key-supervision
    list for the province; returns the receipt."""
    stub = pb["registry_pb2_grpc"].RegistryStub(channel)
    d = pb["domain_pb2"]
    header = pb["registry_pb2"].SubmitListHeader(
        submission_id=submission_id, kind=d.LIST_KIND_KEY_SUPERVISION,
        dimension=d.DIMENSION_ENVIRONMENT, region_code="440000", round_id=round_id)
    chunk = pb["registry_pb2"].SubmitListChunk(header=header)
    for number, (code, name, region, industry, reason) in enumerate(rows, start=1):
        entry = d.ListEntry(credit_code=code, enterprise_name=name, region_code=region,
                            industry=industry, reason=reason,
                            reported_status=d.OPERATING_STATUS_OPERATING)
        chunk.rows.add(entry=entry, source_row=number)
    return stub.SubmitList(iter([chunk]), metadata=metadata, timeout=30)


def progress(pb, channel, metadata, region):
    stub = pb["coordinator_pb2_grpc"].CoordinatorStub(channel)
    request = pb["coordinator_pb2"].GetProgressRequest(region_code=region, by_child_region=True)
    return stub.GetProgress(request, metadata=metadata, timeout=30)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--node", default="127.0.0.1:7440")
    parser.add_argument("--ca")
    parser.add_argument("--cert")
    parser.add_argument("--key")
    parser.add_argument("--insecure", action="store_true")
    parser.add_argument("--identity", default="dept:ECO:440000:python")
    parser.add_argument("--round", required=True, help="submission round id")
    parser.add_argument("--submission-id", default="python-example-1")
    args = parser.parse_args()
    if not args.insecure and not (args.ca and args.cert and args.key):
        parser.error("--ca, --cert and --key are required (or --insecure --identity)")

    pb = load_protos()
    d = pb["domain_pb2"]
    channel, metadata = channel_for(args)
    # Fictitious enterprises with valid credit codes (see docs: HC = 合成, synthetic).
    rows = [
        ("91440606MA3EDFR842", "合成示例顺德陶瓷厂 (synthetic)", "440606", d.INDUSTRY_CERAMICS,
         "超标排放"),
        ("92441900BCHRWX610K", "合成示例东莞印染厂 (synthetic)", "441900",
         d.INDUSTRY_PRINTING_DYEING, "未持证排污"),
    ]
    try:
        receipt = submit_list(pb, channel, metadata, args.round, args.submission_id, rows)
    except grpc.RpcError as e:
        print(f"submit refused: {e.code().name}: {e.details()}", file=sys.stderr)
        return 4
    s = receipt.submission
    print(f"submitted {s.submission_id} version {s.version}: {s.entry_count} entries, "
          f"{'late' if s.late else 'on time'}{' (a retry: nothing new)' if receipt.replayed else ''}")
    figures = progress(pb, channel, metadata, "440000")
    listed = sum(c.count for c in figures.list_entries)
    print(f"progress under {figures.region_code}: {listed} list entries")
    for c in figures.list_entries:
        print(f"  {c.region_code} {d.Industry.Name(c.industry)} {d.Dimension.Name(c.dimension)} "
              f"{d.ListKind.Name(c.kind)}: {c.count}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
