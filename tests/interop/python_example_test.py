#!/usr/bin/python3
"""Runs clients/python/tierhub_example.py against a real node: the list is stored, a retry
doubles nothing, and the progress figures count what was submitted.

usage: python_example_test.py TIERHUBD REPO_ROOT
"""
import os
import subprocess
import sys
import tempfile
import time

from node_process import NodeProcess, insecure_province


def main():
    tierhubd, root = sys.argv[1], sys.argv[2]
    example = os.path.join(root, "clients", "python", "tierhub_example.py")
    sys.path.insert(0, os.path.dirname(example))
    import tierhub_example  # noqa: E402  (the example's own proto loading)

    with tempfile.TemporaryDirectory() as tmp:
        node = NodeProcess(tierhubd, tmp, "gd", insecure_province(tmp, coordinator=True))
        address = node.address
        try:
            # MIIT opens a round that is still running.
            pb = tierhub_example.load_protos()
            import grpc
            channel = grpc.insecure_channel(address)
            registry = pb["registry_pb2_grpc"].RegistryStub(channel)
            round_ = pb["domain_pb2"].SubmissionRound(
                round_id="PY-ROUND", title="python test round",
                scope=pb["domain_pb2"].SubmissionRound.SCOPE_DEPARTMENT_LISTS)
            round_.deadline.seconds = int(time.time()) + 30 * 86400
            registry.PutRounds(pb["registry_pb2"].PutRoundsRequest(rounds=[round_]),
                               metadata=[("x-tierhub-identity", "dept:MIIT:440000:py")],
                               timeout=30)

            run = [sys.executable, example, "--node", address, "--insecure",
                   "--identity", "dept:ECO:440000:py", "--round", "PY-ROUND"]
            # The example generates its Python code into a temporary directory; it must not
            # leave one behind per run.
            example_tmp = os.path.join(tmp, "example-tmp")
            os.mkdir(example_tmp)
            first = subprocess.run(run, capture_output=True, text=True, timeout=120,
                                   env=dict(os.environ, TMPDIR=example_tmp))
            assert first.returncode == 0, first.stderr
            assert os.listdir(example_tmp) == [], os.listdir(example_tmp)
            assert "submitted python-example-1 version 1: 2 entries, on time" in first.stdout, \
                first.stdout
            assert "progress under 440000: 2 list entries" in first.stdout, first.stdout

            again = subprocess.run(run, capture_output=True, text=True, timeout=120)
            assert again.returncode == 0, again.stderr
            assert "(a retry: nothing new)" in again.stdout, again.stdout
            assert "progress under 440000: 2 list entries" in again.stdout, again.stdout

            # A department outside its dimension is refused with a named reason, exit code 4.
            refused = subprocess.run(run[:-4] + ["--identity", "dept:MEM:440000:py", "--round",
                                                  "PY-ROUND", "--submission-id", "mem-1"],
                                     capture_output=True, text=True, timeout=120)
            assert refused.returncode == 4, (refused.returncode, refused.stdout, refused.stderr)
            assert "PERMISSION_DENIED" in refused.stderr, refused.stderr
        finally:
            node.stop()
    print("1 passed, 0 failed")


if __name__ == "__main__":
    main()
