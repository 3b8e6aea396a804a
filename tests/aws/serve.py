"""What fault_proxy.py and cfn_responder.py share: timestamps as AWS writes
them, and running a ThreadingHTTPServer the way the tests expect (the port
as stdout's first line, a clean stop on SIGTERM or SIGINT)."""
import signal
import threading
import time


def iso(t):
    """2026-12-03T14:35:21.123Z"""
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(t)) + f".{int(t * 1000) % 1000:03d}Z"


def run(srv):
    srv.daemon_threads = True
    print(srv.server_address[1], flush=True)

    def on_signal(signum, frame):
        # shutdown() waits for serve_forever to return: not from its own thread
        threading.Thread(target=srv.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    srv.serve_forever(poll_interval=0.2)
    srv.server_close()
    return 0
