// A user's groups on their page (AdminListGroupsForUser), each removable
// (AdminRemoveUserFromGroup), and adding them to another of the app's groups (AdminAddUserToGroup).

import { cognito } from "./api.js";
import { dataTable, el, errorBox, fill, formField, loading, toast } from "./dom.js";
import { groupHref, tokensNote } from "./groups.js";
import { appHref } from "./router.js";

/** Every page of a Cognito listing of groups (`operation` with `body`), in the server's order. */
async function allGroups(operation, body) {
  const groups = [];
  let token = null;
  do {
    const page = await cognito(operation, { ...body, Limit: 60, ...(token ? { NextToken: token } : {}) });
    groups.push(...(page.Groups ?? []));
    token = page.NextToken ?? null;
  } while (token);
  return groups;
}

/** The Groups card of user `username` (their `sub`), named `email` in what it says. */
export function userGroupsCard(app, username, email) {
  const card = el("section", { class: "card", "aria-label": "Groups" }, el("h3", { text: "Groups" }), loading("Loading the groups…"));
  const who = { UserPoolId: app.user_pool_id, Username: username };
  const change = async (operation, group, done, failed) => {
    try {
      await cognito(operation, { ...who, GroupName: group });
      toast(done);
    } catch (error) {
      toast(`${failed}: ${error.message}`, "error");
    }
    await show();
    // The button pressed is gone with the old list: the focus goes to the card's heading.
    card.querySelector("h3")?.focus();
  };
  const show = async () => {
    let mine;
    let all;
    try {
      [mine, all] = await Promise.all([allGroups("AdminListGroupsForUser", who), allGroups("ListGroups", { UserPoolId: app.user_pool_id })]);
    } catch (error) {
      fill(card, el("h3", { text: "Groups" }), errorBox(error, "Could not list the groups"));
      return;
    }
    const joined = new Set(mine.map((g) => g.GroupName));
    const others = all.filter((g) => !joined.has(g.GroupName));
    fill(
      card,
      el("h3", { tabindex: "-1", text: "Groups" }),
      mine.length === 0
        ? el("p", { class: "muted", text: "In no group." })
        : dataTable(`Groups of ${email}`, [
            ["Group", (g) => el("a", { href: groupHref(app, g.GroupName), class: "literal", text: g.GroupName })],
            ["Precedence", (g) => (g.Precedence == null ? el("span", { class: "muted", text: "—" }) : String(g.Precedence))],
            ["", (g) => el("button", { type: "button", class: "small-button", "aria-label": `Remove from group: ${g.GroupName}`, onclick: () => change("AdminRemoveUserFromGroup", g.GroupName, `Removed ${email} from ${g.GroupName}.`, "Removing from the group failed") }, "Remove from group")],
          ], mine),
      addForm(app, others, all.length, (group) => change("AdminAddUserToGroup", group, `Added ${email} to ${group}.`, "Adding to the group failed")),
      tokensNote(),
    );
  };
  show();
  return card;
}

/** "Add to group": a select of the groups `others` the user is not in, or why there is none. */
function addForm(app, others, total, add) {
  if (total === 0) return el("p", { class: "muted" }, "This app has no groups yet: ", el("a", { href: appHref(app.app_id, "groups") }, "create one"), ".");
  if (others.length === 0) return el("p", { class: "muted", text: "They are in every group of the app." });
  const select = el("select", {}, others.map((g) => el("option", { value: g.GroupName }, g.GroupName)));
  const form = el("form", { class: "toolbar add-group" }, formField({ label: "Group", control: select }), el("button", { type: "submit" }, "Add to group"));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    form.querySelector("button").disabled = true;
    add(select.value);
  });
  return form;
}
