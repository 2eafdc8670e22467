"""`python -m demo_web --port 8765`: serve the demo news web in the foreground until Ctrl-C."""

import argparse
import sys

from demo_web.server import PortBusy, busy_message, start

parser = argparse.ArgumentParser(description=__doc__)
parser.add_argument("--port", type=int, default=8765)
parser.add_argument("--verbose", action="store_true", help="log every request")
args = parser.parse_args()
try:
    web = start(args.port, verbose=args.verbose)
except PortBusy:
    sys.exit(f"make demo-web: {busy_message(args.port, 'demo-web')}")
print(f"demo news web on {web.base_url}/ (Ctrl-C to stop)", flush=True)
try:
    web.thread.join()
except KeyboardInterrupt:
    web.stop()
