"""Starts a real tierhubd for the Python tests: config written to a directory, port chosen by
the OS (read back from --port_file), stopped with SIGTERM and required to exit 0. Also what the
CLI tests share: a tierhubctl runner against such a node, and valid credit codes."""
import os
import signal
import subprocess
import time


class NodeProcess:
    def __init__(self, tierhubd, directory, name, config_text):
        """Starts tierhubd with `config_text` (listen_address should end in :0)."""
        config = os.path.join(directory, name + ".textproto")
        self.port_file = os.path.join(directory, name + ".port")
        with open(config, "w") as f:
            f.write(config_text)
        self.log = open(os.path.join(directory, name + ".log"), "w")
        self.proc = subprocess.Popen(
            [tierhubd, "--config=" + config, "--port_file=" + self.port_file],
            stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.time() + 30
        while not os.path.exists(self.port_file):
            if time.time() > deadline or self.proc.poll() is not None:
                raise AssertionError(f"{name} did not start; see {self.log.name}")
            time.sleep(0.05)
        self.port = int(open(self.port_file).read())
        self.address = f"127.0.0.1:{self.port}"

    def terminate(self):
        self.proc.send_signal(signal.SIGTERM)

    def wait_clean_exit(self):
        code = self.proc.wait(timeout=30)
        assert code == 0, f"tierhubd exited with {code} after SIGTERM"

    def stop(self):
        self.terminate()
        self.wait_clean_exit()


def wait_until(check, what, seconds=60):
    """Polls `check` until it returns true; AssertionError naming `what` after `seconds`."""
    deadline = time.time() + seconds
    while time.time() < deadline:
        if check():
            return
        time.sleep(0.1)
    raise AssertionError("timed out waiting for " + what)


def start_tls_tree(tierhubd, directory, certs, topology, nodes):
    """Starts `topology` ([(node id, tier, region, parent id or None)], parents first) with
    mutual TLS from the deploy/dev-ca.sh directory `certs`, each node's certificate named by
    its id; the root is the coordinator. Fills `nodes` (id -> NodeProcess) as they start, so
    that a caller's `finally` stops those that did."""
    for node_id, tier, region, parent in topology:
        config = (f'node_id: "{node_id}" tier: {tier} region_code: "{region}"\n'
                  f'listen_address: "127.0.0.1:0" store_path: "{directory}/{node_id}"\n'
                  f'block_cache_mb: 8\n'
                  f'tls {{ ca_file: "{certs}/ca.pem" cert_file: "{certs}/{node_id}.pem" '
                  f'key_file: "{certs}/{node_id}.key" }}\n')
        if parent:
            config += (f'parent_address: "{nodes[parent].address}" '
                       f'parent_node_id: "{parent}"\n')
        else:
            config += "coordinator: true\n"
        nodes[node_id] = NodeProcess(tierhubd, directory, node_id, config)


def insecure_province(tmp, coordinator=False):
    """The config of a development province node storing under `tmp`."""
    return ('node_id: "gd" tier: REGION_LEVEL_PROVINCE region_code: "440000"\n'
            'listen_address: "127.0.0.1:0" insecure: true\n'
            f'store_path: "{tmp}/store"\n' + ("coordinator: true\n" if coordinator else ""))


def ctl_runner(tierhubctl, node, default_identity, certs=None):
    """A function that runs `tierhubctl ARGS` against `node` (a NodeProcess) as `identity`
    (default `default_identity`) and returns the finished process; with check=True (the
    default) a non-zero exit raises AssertionError. Without `certs` the node is a development
    one (insecure) and the identity a name like dept:MIIT:440000:clerk; with `certs` (a
    deploy/dev-ca.sh directory) it speaks mutual TLS and the identity is the certificate's file
    name there (a node id, DEPT-REGION-USER or ops-REGION-USER)."""
    def ctl(*args, identity=default_identity, check=True):
        if certs is None:
            who = ["--insecure", f"--identity={identity}"]
        else:
            who = [f"--ca={certs}/ca.pem", f"--cert={certs}/{identity}.pem",
                   f"--key={certs}/{identity}.key"]
        p = subprocess.run([tierhubctl, *args, f"--node={node.address}", *who],
                           capture_output=True, text=True, timeout=120)
        if check and p.returncode != 0:
            raise AssertionError(f"tierhubctl {args[0]} failed ({p.returncode}): {p.stderr}")
        return p
    return ctl


CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # GB 32100 (no I, O, S, V, Z)


def credit_code(region, body):
    """A valid unified social credit code: authority 9, type 1, region, an 8-character
    organisation body and both check characters (GB 11714, GB 32100)."""
    org = sum((int(ch) if ch.isdigit() else ord(ch) - 55) * w
              for ch, w in zip(body, [3, 7, 9, 10, 5, 8, 4, 2]))
    c9 = 11 - org % 11
    first17 = "91" + region + body + ("X" if c9 == 10 else "0" if c9 == 11 else str(c9))
    total = sum(CHARSET.index(ch) * pow(3, i, 31) for i, ch in enumerate(first17))
    return first17 + CHARSET[(31 - total % 31) % 31]
