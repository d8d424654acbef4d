// The admin pages' portal users and invite funnel: they add themselves to admin.js's panels.
// The funnel is a table (counts and their share of all customers); the users are cards with
// their portal state and, per user, "Resend invite" or "Send password reset", each asked for
// a confirmation first. Text from the API is set with textContent only.
"use strict";

(function () {
  const admin = window.PorticoAdmin;
  if (!admin) return;
  const P = window.Portico;
  const t = P.t;
  const el = admin.el;
  const PAGE_SIZE = 25;
  const FUNNEL_STEPS = ["customers", "invited", "account_created", "payment_method_saved", "autopay_on"];
  // The reasons the API gives (409) for not sending an invite or a reset, in words.
  const REFUSALS = {
    portal_disabled: "admUsersRefused_portal_disabled",
    no_email: "admUsersRefused_no_email",
    already_active: "admUsersRefused_already_active",
    email_in_use: "admUsersRefused_email_in_use",
  };
  const users = { cursor: null, loads: 0 };

  function percent(part, whole) {
    const share = whole ? part / whole : 0;
    return new Intl.NumberFormat(P.language(), { style: "percent", maximumFractionDigits: 0 }).format(share);
  }

  async function loadFunnel() {
    const data = await admin.load("/v1/admin/invite-funnel");
    if (!data) return;
    const rows = el("funnel-rows");
    rows.replaceChildren();
    for (const step of FUNNEL_STEPS) {
      const row = document.createElement("tr");
      const name = document.createElement("th");
      name.scope = "row";
      name.textContent = t("admFunnel_" + step);
      const count = document.createElement("td");
      count.textContent = String(data[step]);
      const share = document.createElement("td");
      const figure = percent(data[step], data.customers);
      const bar = document.createElement("span");
      bar.className = "funnel-bar";
      bar.setAttribute("aria-hidden", "true"); // the figure beside it says the same
      bar.style.width = data.customers ? Math.round((100 * data[step]) / data.customers) + "%" : "0";
      const text = document.createElement("span");
      text.textContent = figure;
      share.append(text, bar);
      row.append(name, count, share);
      rows.append(row);
    }
  }

  function statusText(user) {
    return t({ active: "admPortalActive", invited: "admPortalInvited" }[user.portal_access] || "admPortalNone");
  }

  function fact(list, term, value) {
    const dt = document.createElement("dt");
    dt.textContent = term;
    const dd = document.createElement("dd");
    dd.textContent = value;
    list.append(dt, dd);
  }

  // What a refusal or failure says: the 409 reasons in our own words, else the server's.
  function refusal(answer) {
    const code = answer.data && answer.data.error && answer.data.error.code;
    if (answer.status === 409 && REFUSALS[code]) return t(REFUSALS[code]);
    return P.failure(answer).message;
  }

  // One action of a user's card: a button that asks for a confirmation, then sends.
  function action(user, kind, region) {
    const wrap = document.createElement("div");
    wrap.className = "user-action";
    const name = user.name || user.customer_id;
    const start = document.createElement("button");
    start.type = "button";
    start.className = "secondary";
    // "Resend" once an invite went out; a customer never invited gets their first one.
    const label = kind === "reset" ? "admUsersReset" : user.portal_access === "invited" ? "admUsersResend" : "admUsersSend";
    start.textContent = t(label);
    start.setAttribute("aria-label", t(label + "For", { name }));
    const confirm = document.createElement("form");
    confirm.className = "stack confirm";
    confirm.hidden = true;
    const question = document.createElement("p");
    question.textContent = t(label + "Confirm", {
      name,
      email: user.email,
    });
    const buttons = document.createElement("div");
    buttons.className = "actions";
    const yes = document.createElement("button");
    yes.type = "submit";
    yes.className = "primary";
    yes.textContent = t(kind === "invite" ? "admUsersResendYes" : "admUsersResetYes");
    const no = document.createElement("button");
    no.type = "button";
    no.className = "secondary";
    no.textContent = t("admCancelButton");
    buttons.append(yes, no);
    confirm.append(question, buttons);
    wrap.append(start, confirm);

    function close() {
      confirm.hidden = true;
      start.hidden = false;
      start.focus();
    }
    start.addEventListener("click", () => {
      P.say(region, "");
      start.hidden = true;
      confirm.hidden = false;
      yes.focus();
    });
    no.addEventListener("click", close);
    confirm.addEventListener("keydown", (event) => {
      if (event.key === "Escape") close();
    });
    confirm.addEventListener("submit", (event) => {
      event.preventDefault();
      P.busy(confirm, async () => {
        const path =
          "/v1/admin/portal-users/" +
          encodeURIComponent(user.customer_id) +
          (kind === "invite" ? "/resend-invite" : "/password-reset");
        const answer = await P.call("POST", path);
        close();
        if (answer.status === 202) {
          const sent = { invite: "admUsersInviteSent", reset_password: "admUsersResetSent", create_login: "admUsersCreateLoginSent" };
          P.say(region, t(sent[answer.data.email] || "admUsersInviteSent", { email: user.email }), "success");
        } else {
          P.say(region, refusal(answer), "error");
        }
      });
    });
    return wrap;
  }

  function card(user) {
    const li = document.createElement("li");
    li.className = "card user-card";
    const heading = document.createElement("h4");
    heading.tabIndex = -1;
    heading.textContent = user.name || user.customer_id;
    const email = document.createElement("p");
    email.textContent = user.email || t("admNoEmail");
    const facts = document.createElement("dl");
    facts.className = "counts";
    fact(facts, t("admUsersStatus"), statusText(user));
    fact(facts, t("admUsersLastLogin"), user.last_login_at ? admin.dateOf(user.last_login_at) : t("admUsersNever"));
    fact(facts, t("admUsersMethod"), t(user.has_payment_method ? "admUsersMethodSaved" : "admUsersMethodNone"));
    fact(facts, t("admUsersAutopay"), t(user.autopay_enabled ? "admUsersAutopayOn" : "admUsersAutopayOff"));
    const region = document.createElement("p");
    region.className = "message";
    region.setAttribute("role", "status");
    li.append(heading, email, facts);
    if (!user.email) {
      // No email, no portal account: say so instead of offering a button that would fail.
      const note = document.createElement("p");
      note.className = "hint";
      note.textContent = t("admUsersRefused_no_email");
      li.append(note);
    } else {
      li.append(action(user, user.portal_access === "active" ? "reset" : "invite", region));
    }
    li.append(region);
    return li;
  }

  async function loadUsers(more) {
    const list = el("users-list");
    const asked = ++users.loads;
    const filter = el("users-filter").value;
    let path = "/v1/admin/portal-users?limit=" + PAGE_SIZE + "&filter=" + encodeURIComponent(filter);
    if (more && users.cursor) path += "&cursor=" + encodeURIComponent(users.cursor);
    list.setAttribute("aria-busy", "true");
    const data = await admin.load(path);
    if (asked !== users.loads) return; // a later filter's answer wins
    list.removeAttribute("aria-busy");
    if (!data) return;
    if (!more) list.replaceChildren();
    const cards = data.items.map(card);
    list.append(...cards);
    users.cursor = data.next_cursor;
    el("users-more").hidden = !data.next_cursor;
    const shown = list.querySelectorAll(".user-card").length;
    P.say(el("users-message"), shown ? t("admUsersShown", { count: shown }) : t("admUsersEmpty"));
    // After "Show more", go on reading at the first new user.
    if (more && cards.length) cards[0].querySelector("h4").focus();
  }

  admin.addPanel("panel-users", {
    title: "adminNavUsers",
    load: () => Promise.all([loadFunnel(), loadUsers(false)]),
    wire() {
      el("users-filter").addEventListener("change", () => loadUsers(false));
      el("users-more").addEventListener("click", () => loadUsers(true));
    },
  });
})();
