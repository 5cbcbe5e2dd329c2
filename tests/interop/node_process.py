"""Starts a real tierhubd for the Python tests: config written to a directory, port chosen by
the OS (read back from --port_file), stopped with SIGTERM and required to exit 0."""
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


def insecure_province(tmp, coordinator=False):
    """The config of a development province node storing under `tmp`."""
    return ('node_id: "gd" tier: REGION_LEVEL_PROVINCE region_code: "440000"\n'
            'listen_address: "127.0.0.1:0" insecure: true\n'
            f'store_path: "{tmp}/store"\n' + ("coordinator: true\n" if coordinator else ""))
