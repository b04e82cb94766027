// The demo page's one button (GET /demo/{app_id}): calls GET /api/user with the signed-in
// user's token through AuthReturn.fetch and shows the answer. A file of its own, so that the
// page carries a Content-Security-Policy without inline script.

const demoButton = document.getElementById("call");
const demoOut = document.getElementById("out");

demoButton?.addEventListener("click", async () => {
  demoOut.textContent = "Calling…";
  try {
    const response = await window.AuthReturn.fetch("/api/user");
    const body = await response.json().catch(() => null);
    demoOut.textContent = `${response.status}\n${JSON.stringify(body, null, 2)}`;
  } catch (error) {
    demoOut.textContent = `The call failed: ${error?.message ?? error}`;
  }
});
