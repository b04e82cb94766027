// The served scripts as the server joins them from web/ (crates/server/build.rs): each is one
// classic script that runs without a DOM and leaves nothing behind in the global scope; only
// installing into a page (tests/browser) adds window.AuthReturn and <auth-header>.
// Needs AUTH_RETURN_URL, as tests/e2e/run.sh exports it; skips otherwise.
import { test } from "node:test";
import assert from "node:assert/strict";
import vm from "node:vm";

const BASE = process.env.AUTH_RETURN_URL?.replace(/\/+$/, "");
const skip = BASE ? false : "needs AUTH_RETURN_URL";

for (const file of ["auth_component.js", "auth_header_component.js", "hosted.js"]) {
  test(`${file} runs as a classic script and declares no global`, { skip }, async () => {
    const response = await fetch(`${BASE}/${file}`);
    assert.equal(response.status, 200);
    const source = await response.text();
    assert.doesNotMatch(source, /^(import|export) /m, "module syntax left in the served script");
    const context = vm.createContext({ console });
    const before = Object.getOwnPropertyNames(context).sort();
    // A second run would throw if a top-level const, let or class had escaped the wrapper.
    for (let run = 0; run < 2; run++) new vm.Script(source, { filename: file }).runInContext(context);
    assert.deepEqual(Object.getOwnPropertyNames(context).sort(), before);
  });
}
