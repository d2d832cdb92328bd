"""Headless Chromium for the report test: a minimal W3C WebDriver client over chromedriver's
local HTTP port (standard library only, nothing from the network)."""

from __future__ import annotations

import base64
import json
import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.request

# Flags that work as root in a container without a display, GPU or network.
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--disable-dev-shm-usage"]
ELEMENT = "element-6066-11e4-a52e-4f735466cecb"  # the W3C key of an element reference


def find_chromium() -> tuple[str | None, str | None]:
    """(chromium, chromedriver) executables, or None for each one not installed."""
    browser = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
    return browser, shutil.which("chromedriver")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Browser:
    """One Chromium session driven through chromedriver; use as a context manager."""

    def __init__(self, chromium: str, chromedriver: str, user_data_dir, width: int = 1400, height: int = 900):
        port = free_port()
        self.base = f"http://127.0.0.1:{port}"
        self.opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # localhost only, never a proxy
        self.driver = subprocess.Popen([chromedriver, f"--port={port}"], stdout=subprocess.DEVNULL,
                                       stderr=subprocess.DEVNULL)
        self.session = None
        try:
            self._wait_ready()
            options = {"binary": chromium,
                       "args": CHROMIUM_FLAGS + [f"--user-data-dir={user_data_dir}", f"--window-size={width},{height}"]}
            value = self._call("POST", "/session",
                               {"capabilities": {"alwaysMatch": {"browserName": "chrome",
                                                                 "goog:chromeOptions": options}}})
            self.session = value["sessionId"]
        except BaseException:
            self.close()
            raise

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def _wait_ready(self, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                if self._call("GET", "/status").get("ready"):
                    return
            except (urllib.error.URLError, ConnectionError):
                pass
            time.sleep(0.1)
        raise RuntimeError(f"chromedriver did not start within {timeout} s")

    def _call(self, method: str, path: str, body=None):
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.base + path, data=data, method=method,
                                         headers={"Content-Type": "application/json"})
        try:
            with self.opener.open(request, timeout=120) as response:
                return json.loads(response.read() or b"{}").get("value")
        except urllib.error.HTTPError as error:
            raise RuntimeError(f"WebDriver {method} {path}: {error.read().decode(errors='replace')[:2000]}") from None

    def command(self, method: str, path: str, body=None):
        return self._call(method, f"/session/{self.session}{path}", body)

    def open(self, url: str) -> None:
        self.command("POST", "/url", {"url": url})

    def run(self, script: str, *args):
        """Run `script` (a function body; `arguments` holds args) in the page; its return value."""
        return self.command("POST", "/execute/sync", {"script": script, "args": list(args)})

    def wait_for(self, script: str, *args, timeout: float = 20.0, interval: float = 0.1):
        """Run `script` until it returns something truthy; that value (None at the timeout)."""
        deadline = time.monotonic() + timeout
        while True:
            value = self.run(script, *args)
            if value or time.monotonic() > deadline:
                return value
            time.sleep(interval)

    def element(self, css: str):
        return self.command("POST", "/element", {"using": "css selector", "value": css})

    def enter_frame(self, element) -> None:
        self.command("POST", "/frame", {"id": element})

    def leave_frame(self) -> None:
        self.command("POST", "/frame/parent", {})

    def screenshot(self) -> bytes:
        return base64.b64decode(self.command("GET", "/screenshot"))

    def close(self) -> None:
        if self.session is not None:
            try:
                self._call("DELETE", f"/session/{self.session}")
            except Exception:
                pass
            self.session = None
        if self.driver.poll() is None:
            self.driver.terminate()
            try:
                self.driver.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.driver.kill()
                self.driver.wait()
