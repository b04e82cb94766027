// An app's groups (Cognito's ListGroups, CreateGroup, UpdateGroup, DeleteGroup) and one group's
// page with its members (ListUsersInGroup, AdminRemoveUserFromGroup). A user's own groups, and
// adding them to one, are on their page (user-groups.js).

import { cognito } from "./api.js";
import { confirmDialog, openDialog } from "./dialog.js";
import { clearErrors, dataTable, el, emptyState, errorBox, fill, formField, loading, showFieldError, toast, when } from "./dom.js";
import { appHref, go } from "./router.js";
import { attribute, statusText } from "./users.js";

const GROUPS_PAGE = 25;

/** The form fields of the GroupType members a validation message names ("Value at 'precedence'…"). */
const GROUP_FIELDS = { groupName: "GroupName", description: "Description", precedence: "Precedence", roleArn: "RoleArn" };

/** Says when members see a change: tokens are minted at sign-in and refresh, not edited. */
export const tokensNote = () =>
  el("p", { class: "hint" }, "Group changes appear in the user's tokens (", el("code", { text: "cognito:groups" }), ") from their next sign-in or token refresh.");

/** The hash of group `name`'s page. */
export const groupHref = (app, name) => appHref(app.app_id, "groups", { groupName: name });

const precedenceText = (group) => (group.Precedence == null ? el("span", { class: "muted", text: "—" }) : String(group.Precedence));

/** A page of a Cognito listing: `state` holds the tokens of the pages seen and the current one. */
function pager(label, state, shown, next, turn) {
  const first = state.page * state.size + 1;
  return el(
    "nav",
    { class: "pager", "aria-label": `Pages of ${label}` },
    el("button", { type: "button", disabled: state.page === 0, onclick: () => turn(-1) }, "Previous"),
    el("span", { class: "muted", role: "status" }, `${label[0].toUpperCase()}${label.slice(1)} ${first}–${first + shown - 1}`),
    el("button", { type: "button", disabled: !next, onclick: () => turn(1) }, "Next"),
  );
}

/** Moves `state` by `step` pages, remembering `next` (the token of the page after this one). */
function turnPage(state, step, next) {
  if (step > 0 && state.tokens.length <= state.page + 1) state.tokens.push(next);
  state.page = Math.max(0, state.page + step);
}

/** Renders the groups tab of `app` into `box`. */
export function renderGroups(box, app) {
  const state = { tokens: [null], page: 0, size: GROUPS_PAGE };
  const list = el("div", { class: "list-area" });
  const reload = () => loadGroups(list, app, state);
  fill(
    box,
    el("div", { class: "section-head" }, el("h2", { text: "Groups" }), el("button", { type: "button", class: "primary", onclick: () => groupDialog(app, null, reload) }, "New group")),
    el("p", { class: "muted" }, "Groups sort the app's users, e.g. admins or editors; your backend reads them from the tokens. Add users to a group from their page."),
    tokensNote(),
    list,
  );
  reload();
}

async function loadGroups(list, app, state) {
  fill(list, loading("Loading groups…"));
  let data;
  try {
    data = await cognito("ListGroups", { UserPoolId: app.user_pool_id, Limit: GROUPS_PAGE, ...(state.tokens[state.page] ? { NextToken: state.tokens[state.page] } : {}) });
  } catch (error) {
    fill(list, errorBox(error, "Could not list the groups"));
    return;
  }
  const groups = data.Groups ?? [];
  const reload = () => loadGroups(list, app, state);
  if (groups.length === 0 && state.page === 0) {
    fill(list, emptyState("No groups yet.", "Create one, then add users to it from their page.", el("button", { type: "button", class: "primary", onclick: () => groupDialog(app, null, reload) }, "New group")));
    return;
  }
  const next = data.NextToken ?? null;
  fill(
    list,
    dataTable(
      "Groups",
      [
        ["Name", (g) => el("a", { href: groupHref(app, g.GroupName), class: "name-cell literal", text: g.GroupName })],
        ["Description", (g) => (g.Description ? el("span", { class: "literal", text: g.Description }) : el("span", { class: "muted", text: "—" }))],
        ["Precedence", precedenceText],
        ["Created", (g) => when(g.CreationDate)],
        [
          "",
          (g) =>
            el(
              "div",
              { class: "row wrap" },
              el("button", { type: "button", class: "small-button", "aria-label": `Edit ${g.GroupName}`, onclick: () => groupDialog(app, g, reload) }, "Edit"),
              el("button", { type: "button", class: "small-button danger", "aria-label": `Delete ${g.GroupName}`, onclick: () => deleteGroup(app, g, reload) }, "Delete"),
            ),
        ],
      ],
      groups,
    ),
    state.page === 0 && !next ? null : pager("groups", state, groups.length, next, (step) => (turnPage(state, step, next), reload())),
  );
}

/** Shows a refused CreateGroup/UpdateGroup beside the field it is about; the field, if any. */
function placeError(form, error) {
  const field = error.code === "GroupExistsException" ? "GroupName" : GROUP_FIELDS[/Value at '(\w+)'/.exec(error.message)?.[1]];
  return field && showFieldError(form, field, error.message) ? form.querySelector(`[data-field="${field}"]`) : null;
}

/** CreateGroup (`group` null) or UpdateGroup of `group`; `done()` after a change. */
function groupDialog(app, group, done) {
  let changed = false;
  return openDialog(group ? "Edit group" : "New group", (close) => {
    const name = el("input", { type: "text", maxlength: "128", autocomplete: "off", spellcheck: "false" });
    const description = el("textarea", { rows: "3", maxlength: "2048" });
    const precedence = el("input", { type: "number", min: "0", step: "1", inputmode: "numeric" });
    const role = el("input", { type: "text", autocomplete: "off", spellcheck: "false", placeholder: "arn:aws:iam::123456789012:role/editors" });
    description.value = group?.Description ?? "";
    precedence.value = group?.Precedence ?? "";
    role.value = group?.RoleArn ?? "";
    const alert = el("div", { class: "form-alert", role: "alert" });
    const submit = el("button", { type: "submit", class: "primary" }, group ? "Save group" : "Create group");
    const form = el(
      "form",
      { class: "stack", novalidate: true },
      group
        ? el("p", {}, "Group ", el("strong", { class: "literal", text: group.GroupName }), el("span", { class: "muted" }, " (a group's name cannot change)"))
        : formField({ label: "Name", control: name, field: "GroupName", hint: "1 to 128 characters, no spaces; case-sensitive, e.g. “admins”. Tokens carry it as written." }),
      formField({ label: "Description (optional)", control: description, field: "Description", hint: "Up to 2,048 characters, for you." }),
      formField({ label: "Precedence (optional)", control: precedence, field: "Precedence", hint: "0 or more; a lower number comes first in cognito:groups. Empty: after those with one." }),
      el(
        "details",
        { class: "advanced", open: group?.RoleArn ? true : null },
        el("summary", {}, "Advanced"),
        formField({ label: "IAM role ARN (optional)", control: role, field: "RoleArn", hint: "Passed on in the ID token (cognito:roles) for an AWS identity pool; Auth Return uses it for nothing else." }),
      ),
      alert,
      el("div", { class: "row end" }, el("button", { type: "button", onclick: () => close(null) }, "Cancel"), submit),
    );
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      clearErrors(form);
      alert.textContent = "";
      const refuse = (field, control, message) => {
        showFieldError(form, field, message);
        control.focus();
      };
      if (!group && !name.value.trim()) return refuse("GroupName", name, "Give the group a name.");
      if (precedence.validity.badInput) return refuse("Precedence", precedence, "Enter a whole number, 0 or more.");
      // UpdateGroup keeps what it is not given, so a precedence once set cannot be taken away.
      if (group && group.Precedence != null && precedence.value === "") return refuse("Precedence", precedence, "A precedence cannot be removed once set: enter 0 or more.");
      const request = { UserPoolId: app.user_pool_id, GroupName: group ? group.GroupName : name.value.trim() };
      if (description.value !== (group?.Description ?? "")) request.Description = description.value;
      if (precedence.value !== "" && Number(precedence.value) !== group?.Precedence) request.Precedence = Number(precedence.value);
      if (role.value.trim() && role.value.trim() !== group?.RoleArn) request.RoleArn = role.value.trim();
      submit.disabled = true;
      try {
        await cognito(group ? "UpdateGroup" : "CreateGroup", request);
        changed = true;
        close(true);
        toast(group ? `Saved the group ${group.GroupName}.` : `Created the group ${request.GroupName}.`);
      } catch (error) {
        alert.textContent = error.message;
        submit.disabled = false;
        const control = placeError(form, error);
        if (control) {
          if (control === role) control.closest("details").open = true;
          control.focus();
        }
      }
    });
    return form;
  }).then(() => changed && done());
}

/** DeleteGroup after a confirmation saying its members stay users; `done()` once deleted. */
async function deleteGroup(app, group, done) {
  const ok = await confirmDialog({
    title: "Delete this group?",
    message: el(
      "p",
      {},
      "The group ",
      el("strong", { class: "literal", text: group.GroupName }),
      " is deleted. Its members stay users of the app; they are only no longer in it, and their tokens stop naming it from their next sign-in or refresh.",
    ),
    confirmLabel: "Delete group",
    danger: true,
  });
  if (!ok) return;
  try {
    await cognito("DeleteGroup", { UserPoolId: app.user_pool_id, GroupName: group.GroupName });
    toast(`Deleted the group ${group.GroupName}; its members stay users.`);
    done();
  } catch (error) {
    toast(`Deleting the group failed: ${error.message}`, "error");
  }
}

/** Renders the page of group `name` of `app` into `box`: its settings and its members. */
export async function renderGroup(box, app, name) {
  fill(box, loading("Loading the group…"));
  let group;
  try {
    group = (await cognito("GetGroup", { UserPoolId: app.user_pool_id, GroupName: name })).Group;
  } catch (error) {
    if (error.code === "ResourceNotFoundException") {
      fill(box, emptyState("No such group.", "It may have been deleted.", el("a", { href: appHref(app.app_id, "groups"), class: "button-link" }, "Back to the groups")));
    } else {
      fill(box, errorBox(error, "Could not load the group"));
    }
    return;
  }
  const again = () => renderGroup(box, app, name);
  const members = el("div", { class: "list-area" });
  fill(
    box,
    el("nav", { class: "crumbs small", "aria-label": "Groups" }, el("a", { href: appHref(app.app_id, "groups") }, "← All groups")),
    el("div", { class: "section-head" }, el("h2", { class: "literal", text: group.GroupName })),
    el(
      "section",
      { class: "card" },
      el(
        "dl",
        { class: "facts" },
        el("dt", {}, "Description"),
        el("dd", {}, group.Description ? el("span", { class: "literal", text: group.Description }) : el("span", { class: "muted", text: "None" })),
        el("dt", {}, "Precedence"),
        el("dd", {}, group.Precedence == null ? el("span", { class: "muted", text: "None (after the groups with one)" }) : String(group.Precedence)),
        el("dt", {}, "IAM role ARN"),
        el("dd", {}, group.RoleArn ? el("code", { text: group.RoleArn }) : el("span", { class: "muted", text: "None" })),
        el("dt", {}, "Created"),
        el("dd", {}, when(group.CreationDate)),
        el("dt", {}, "Last modified"),
        el("dd", {}, when(group.LastModifiedDate)),
      ),
      el(
        "div",
        { class: "row wrap" },
        el("button", { type: "button", onclick: () => groupDialog(app, group, again) }, "Edit group"),
        el("button", { type: "button", class: "danger", onclick: () => deleteGroup(app, group, () => go(appHref(app.app_id, "groups"))) }, "Delete group"),
      ),
    ),
    el("section", { class: "card", "aria-label": "Members" }, el("h3", { text: "Members" }), tokensNote(), members),
  );
  loadMembers(members, app, group, { tokens: [null], page: 0, size: GROUPS_PAGE });
}

async function loadMembers(list, app, group, state) {
  fill(list, loading("Loading the members…"));
  let data;
  try {
    data = await cognito("ListUsersInGroup", { UserPoolId: app.user_pool_id, GroupName: group.GroupName, Limit: state.size, ...(state.tokens[state.page] ? { NextToken: state.tokens[state.page] } : {}) });
  } catch (error) {
    fill(list, errorBox(error, "Could not list the members"));
    return;
  }
  const users = data.Users ?? [];
  const reload = () => loadMembers(list, app, group, state);
  if (users.length === 0 && state.page === 0) {
    fill(list, el("p", { class: "muted" }, "No members yet. Add a user from their page: ", el("a", { href: appHref(app.app_id, "users") }, "Users"), ", then a user's Groups."));
    return;
  }
  const remove = async (user) => {
    const email = attribute(user, "email") ?? user.Username;
    try {
      await cognito("AdminRemoveUserFromGroup", { UserPoolId: app.user_pool_id, Username: user.Username, GroupName: group.GroupName });
      toast(`Removed ${email} from ${group.GroupName}.`);
    } catch (error) {
      toast(`Removing ${email} failed: ${error.message}`, "error");
    }
    reload();
  };
  const next = data.NextToken ?? null;
  fill(
    list,
    dataTable(
      `Members of ${group.GroupName}`,
      [
        ["Email", (u) => el("a", { href: appHref(app.app_id, "users", { userId: u.Username }), class: "name-cell literal", text: attribute(u, "email") ?? u.Username })],
        ["Status", (u) => statusText(u.UserStatus)],
        ["", (u) => el("button", { type: "button", class: "small-button", "aria-label": `Remove from group: ${attribute(u, "email") ?? u.Username}`, onclick: () => remove(u) }, "Remove from group")],
      ],
      users,
    ),
    state.page === 0 && !next ? null : pager("members", state, users.length, next, (step) => (turnPage(state, step, next), reload())),
  );
}
