// The development inbox: the mail the server's outbox holds for an app (codes, invitations),
// newest first, shown only when the server has one (no SMTP configured).

import { rest } from "./api.js";
import { el, emptyState, errorBox, fill, loading, when } from "./dom.js";

/** Renders the inbox tab of `app` into `box`. */
export function renderInbox(box, app) {
  const list = el("div", { class: "list-area" });
  const load = async () => {
    fill(list, loading("Loading mail…"));
    let messages;
    try {
      messages = (await rest(`/api/apps/${encodeURIComponent(app.app_id)}/inbox`, { query: { limit: 50 } }))?.messages ?? [];
    } catch (error) {
      fill(list, errorBox(error, "Could not read the inbox"));
      return;
    }
    if (messages.length === 0) {
      fill(list, emptyState("No mail yet.", "Confirmation codes, password resets and invitations for this app's users appear here."));
      return;
    }
    fill(
      list,
      el(
        "ol",
        { class: "mails" },
        messages.map((m) =>
          el(
            "li",
            { class: "card mail" },
            el("div", { class: "mail-head" }, el("strong", { class: "literal", text: m.subject ?? "(no subject)" }), when(m.sent_at)),
            el("p", { class: "muted" }, "To ", el("span", { class: "literal", text: m.to ?? "" })),
            el("pre", { class: "mail-text", tabindex: "0" }, el("code", { text: m.text ?? "" })),
          ),
        ),
      ),
    );
  };
  fill(
    box,
    el("div", { class: "section-head" }, el("h2", { text: "Inbox" }), el("button", { type: "button", onclick: load }, "Refresh")),
    el("p", { class: "muted" }, "This server has no SMTP configured: the mail it would send is kept here, for development."),
    list,
  );
  load();
}
