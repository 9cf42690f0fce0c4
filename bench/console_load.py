"""The web console's first page load on the local stack, in Debian's Chromium.

Prints, for a signed-in user opening the console with an empty cache:
- bytes transferred (as Chromium counts them on the wire), split into the
  console's own files (HTML, CSS, JS modules, config.json, icon) and API calls;
- the same files gzip-compressed (what CloudFront sends in AWS);
- time to first contentful paint, and to the first rendered page (the
  clusters list, after its API call): medians over RUNS loads.

    .venv/bin/python bench/console_load.py [RUNS]
"""
import gzip
import statistics
import sys
import time

from common import ROOT, local_stack  # noqa: F401 (sys.path)

sys.path.insert(0, str(ROOT))
from tests.browser.conftest import CHROMIUM, FLAGS  # noqa: E402

RUNS = int(sys.argv[1]) if len(sys.argv) > 1 else 10


def main() -> int:
    from playwright.sync_api import sync_playwright

    with local_stack() as stack:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
            context = browser.new_context(viewport={"width": 1280, "height": 900})
            page = context.new_page()
            cdp = context.new_cdp_session(page)
            cdp.send("Network.enable")
            cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
            requests, sizes = {}, {}
            cdp.on("Network.requestWillBeSent",
                   lambda e: requests.__setitem__(e["requestId"], e["request"]["url"]))
            cdp.on("Network.loadingFinished",
                   lambda e: sizes.__setitem__(e["requestId"], e["encodedDataLength"]))
            # the very first visit: console → issuer's sign-in page → back, signed in
            page.goto(stack.console_url)
            page.get_by_label("Email").fill("bench@example.com")
            page.get_by_role("button", name="Sign in").click()
            page.get_by_role("heading", name="Clusters").wait_for()
            time.sleep(0.3)
            first_visit = (len(sizes), sum(sizes.values()))
            fcp, rendered, first_bytes = [], [], None
            for _ in range(RUNS):
                requests.clear()
                sizes.clear()
                page.reload()
                page.get_by_role("heading", name="Clusters").wait_for()
                time.sleep(0.3)  # let loadingFinished events arrive
                timing = page.evaluate("""() => ({
                    fcp: performance.getEntriesByName('first-contentful-paint')[0]?.startTime,
                    rendered: performance.getEntriesByName('cm:rendered')[0]?.startTime })""")
                fcp.append(timing["fcp"])
                rendered.append(timing["rendered"])
                if first_bytes is None:
                    first_bytes = {requests[i]: n for i, n in sizes.items() if i in requests}
            browser.close()

    console = {u: n for u, n in first_bytes.items() if u.startswith(stack.console_url)}
    api = {u: n for u, n in first_bytes.items() if u.startswith(stack.api_url)}
    print(f"\nfirst page load (signed in, empty cache), {len(first_bytes)} requests:")
    for url, n in sorted(console.items(), key=lambda kv: -kv[1]):
        print(f"  {n:7d} B  {url[len(stack.console_url):]}")
    for url, n in api.items():
        print(f"  {n:7d} B  API {url[len(stack.api_url):]}")
    files = [ROOT / "console" / (u[len(stack.console_url) + 1:].split("?")[0] or "index.html")
             for u in console]
    raw = sum(f.stat().st_size for f in files if f.is_file())
    zipped = sum(len(gzip.compress(f.read_bytes(), 9)) for f in files if f.is_file())
    print(f"console files: {sum(console.values())} B on the wire "
          f"({raw} B of files; {zipped} B gzip-compressed, as CloudFront serves them)")
    print(f"API calls:     {sum(api.values())} B")
    print(f"total:         {sum(first_bytes.values())} B")
    print(f"first visit with sign-in (console, issuer's page, token, console again): "
          f"{first_visit[1]} B in {first_visit[0]} requests")
    print(f"time to first contentful paint: median {statistics.median(fcp):.0f} ms "
          f"(min {min(fcp):.0f}, max {max(fcp):.0f}) over {RUNS} loads")
    print(f"time to the rendered clusters page: median {statistics.median(rendered):.0f} ms "
          f"(min {min(rendered):.0f}, max {max(rendered):.0f})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
