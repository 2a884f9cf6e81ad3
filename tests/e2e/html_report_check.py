#!/usr/bin/python3
"""Opens HTML reports in one headless Chromium and reports, per page, what rendered.

Usage: html_report_check.py CHROMIUM SCREENSHOT_DIR REPORT.html...

Talks the DevTools protocol over --remote-debugging-pipe (no port, no
network): for each page it navigates, waits until the page's script has set
data-twinsim-rendered on <body> (every Vega view ran), counts the charts that
hold an <svg>, collects console errors and warnings, uncaught exceptions and
log errors, and saves a full-page screenshot. Prints one JSON object per page.
"""
import base64
import json
import os
import subprocess
import sys
import tempfile
import time


class Browser:
    def __init__(self, chromium, profile):
        to_browser_r, self.to_browser = os.pipe()
        self.from_browser, from_browser_w = os.pipe()
        flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--hide-scrollbars", "--remote-debugging-pipe", "--user-data-dir=" + profile, "about:blank"]
        # Chromium reads commands on fd 3 and writes replies on fd 4.
        cmd = 'exec "$0" "$@" 3<&%d 4>&%d' % (to_browser_r, from_browser_w)
        self.proc = subprocess.Popen(["/bin/sh", "-c", cmd, chromium] + flags, pass_fds=(to_browser_r, from_browser_w),
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.close(to_browser_r)
        os.close(from_browser_w)
        self.buffer = b""
        self.next_id = 0
        self.events = []

    def _read_message(self, deadline):
        while b"\0" not in self.buffer:
            if time.time() > deadline:
                raise TimeoutError("no reply from chromium")
            chunk = os.read(self.from_browser, 1 << 20)
            if not chunk:
                raise RuntimeError("chromium closed the pipe")
            self.buffer += chunk
        message, self.buffer = self.buffer.split(b"\0", 1)
        return json.loads(message)

    def call(self, method, params=None, session=None, timeout=30):
        self.next_id += 1
        message = {"id": self.next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        os.write(self.to_browser, json.dumps(message).encode() + b"\0")
        deadline = time.time() + timeout
        while True:
            reply = self._read_message(deadline)
            if reply.get("id") == self.next_id:
                if "error" in reply:
                    raise RuntimeError("%s: %s" % (method, reply["error"]))
                return reply.get("result", {})
            if "method" in reply:
                self.events.append(reply)

    def close(self):
        try:
            self.call("Browser.close", timeout=10)
        except Exception:
            pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def problems(events):
    out = []
    for e in events:
        m, p = e["method"], e.get("params", {})
        if m == "Runtime.consoleAPICalled" and p.get("type") in ("error", "warning", "assert"):
            out.append("console %s: %s" % (p["type"], " ".join(str(a.get("value", a.get("description", ""))) for a in p.get("args", []))))
        elif m == "Runtime.exceptionThrown":
            d = p.get("exceptionDetails", {})
            out.append("exception: %s" % d.get("exception", {}).get("description", d.get("text", "")))
        elif m == "Log.entryAdded" and p.get("entry", {}).get("level") == "error":
            out.append("log error: %s" % p["entry"].get("text", ""))
    return out


def check_page(browser, session, path, shots):
    browser.events = []
    browser.call("Page.navigate", {"url": "file://" + os.path.abspath(path)}, session)
    state = None
    deadline = time.time() + 30
    expr = ("document.body && document.body.getAttribute('data-twinsim-rendered') !== null ? "
            "JSON.stringify({charts: +document.body.getAttribute('data-twinsim-charts'), "
            "rendered: +document.body.getAttribute('data-twinsim-rendered'), "
            "svgs: document.querySelectorAll('section.chart .view svg').length, "
            "sections: document.querySelectorAll('section.chart').length}) : null")
    while time.time() < deadline:
        value = browser.call("Runtime.evaluate", {"expression": expr, "returnByValue": True}, session)
        value = value.get("result", {}).get("value")
        if value:
            state = json.loads(value)
            break
        time.sleep(0.05)
    result = {"file": path, "finished": state is not None}
    result.update(state or {})
    shot = os.path.join(shots, os.path.splitext(os.path.basename(path))[0] + ".jpg")
    metrics = browser.call("Page.getLayoutMetrics", {}, session)["cssContentSize"]
    # Half scale JPEG: a readable picture of every chart at half the cost of a full PNG.
    data = browser.call("Page.captureScreenshot", {"format": "jpeg", "quality": 80, "captureBeyondViewport": True, "clip": {
        "x": 0, "y": 0, "width": metrics["width"], "height": metrics["height"], "scale": 0.5}}, session)["data"]
    with open(shot, "wb") as f:
        f.write(base64.b64decode(data))
    result["screenshot"] = shot
    result["problems"] = problems(browser.events)
    return result


def main():
    chromium, shots, pages = sys.argv[1], sys.argv[2], sys.argv[3:]
    os.makedirs(shots, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="twinsim-chromium-") as profile:
        browser = Browser(chromium, profile)
        try:
            target = browser.call("Target.createTarget", {"url": "about:blank"})["targetId"]
            session = browser.call("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
            for domain in ("Runtime.enable", "Log.enable", "Page.enable"):
                browser.call(domain, {}, session)
            browser.call("Emulation.setDeviceMetricsOverride",
                         {"width": 1200, "height": 900, "deviceScaleFactor": 1, "mobile": False}, session)
            for page in pages:
                print(json.dumps(check_page(browser, session, page, shots)), flush=True)
        finally:
            browser.close()


if __name__ == "__main__":
    main()
