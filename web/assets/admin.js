// The staff pages: /admin (staff sign-in) and /admin/accept?portal={slug}&token= (a staff
// invite: choose a password), then the admin panels: portal address, invite email, customers
// (invite them), work requests, reviews and AutoPay runs. Sessions are HttpOnly cookies the
// API sets (the admin routes accept a staff session as they accept an API key); rules and
// strings live in portico.js.
"use strict";

(function () {
  const P = window.Portico;
  const t = P.t;
  const state = { token: null, settings: null, customers: [] };

  function el(id) {
    return document.getElementById(id);
  }

  function views() {
    return [...document.querySelectorAll("main > .view")];
  }

  function requireEmail(input, region) {
    if (input.value.trim() && input.checkValidity()) return true;
    P.say(region, t("enterEmail"), "error", [input]);
    input.focus();
    return false;
  }

  function showDone() {
    state.token = null;
    el("staff-password").value = "";
    el("accept-password").value = "";
    P.hidePasswords(document);
    history.replaceState(null, "", "/admin");
    P.say(el("staff-sign-out-message"), "");
    P.showView(views(), "view-admin", false);
    openPanel("panel-settings");
  }

  // --- the admin panels ---------------------------------------------------------------------

  // Every panel: the string of its title and what loads its data. Panels in their own files
  // (admin-*.js) add themselves with PorticoAdmin.addPanel before the page starts.
  const PANELS = {
    "panel-settings": { title: "adminNavSettings", load: () => loadSettings() },
    "panel-invite": { title: "adminNavInvite", load: () => loadSettings() },
    "panel-customers": { title: "adminNavCustomers", load: () => loadCustomers() },
    "panel-work": { title: "adminNavWork", load: () => loadWork() },
    "panel-reviews": { title: "adminNavReviews", load: () => loadReviews() },
    "panel-runs": { title: "adminNavRuns", load: () => loadRuns() },
  };

  function openPanel(id, moveFocus) {
    for (const panel of document.querySelectorAll(".admin-panel")) panel.hidden = panel.id !== id;
    for (const button of document.querySelectorAll("[data-panel]")) {
      if (button.dataset.panel === id) button.setAttribute("aria-current", "page");
      else button.removeAttribute("aria-current");
    }
    el("admin-panel-heading").textContent = t(PANELS[id].title);
    P.say(el("admin-message"), "");
    if (moveFocus) el("admin-panel-heading").focus();
    const panel = el(id);
    panel.setAttribute("aria-busy", "true"); // until its data is in
    PANELS[id].load().finally(() => panel.removeAttribute("aria-busy"));
  }

  // A GET of the admin API; on failure says why in the panel's live region and returns null.
  async function load(path) {
    const answer = await P.call("GET", path);
    if (answer.status === 200) return answer.data;
    if (answer.status === 401) {
      P.say(el("staff-message"), t("sessionExpired"), "error");
      P.showView(views(), "view-staff-signin", true);
      return null;
    }
    P.say(el("admin-message"), P.failure(answer).message, "error");
    return null;
  }

  function item(parts) {
    const li = document.createElement("li");
    li.className = "card";
    for (const [tag, text] of parts) {
      if (text === null || text === undefined || text === "") continue;
      const node = document.createElement(tag);
      node.textContent = text;
      li.append(node);
    }
    return li;
  }

  function dateOf(iso) {
    return P.formatDate((iso || "").slice(0, 10), null, "medium");
  }

  // The admin API does not say the business's currency next to a run; the demo's is USD.
  function currency() {
    return "USD";
  }

  async function loadSettings() {
    const settings = await load("/v1/admin/portal");
    if (!settings) return;
    state.settings = settings;
    el("slug-input").value = settings.slug;
    const template = settings.invite_templates.without_payment_method;
    el("invite-subject").value = template.subject;
    el("invite-body").value = template.message;
    renderPreview();
  }

  function showSuggestions(suggestions) {
    const list = el("slug-suggestions");
    list.replaceChildren();
    for (const suggestion of suggestions || []) {
      const li = document.createElement("li");
      const button = document.createElement("button");
      button.type = "button";
      button.className = "secondary";
      button.textContent = t("admSlugUse", { slug: suggestion });
      button.addEventListener("click", () => {
        el("slug-input").value = suggestion;
        list.replaceChildren();
        P.say(el("slug-message"), t("admSlugAvailable", { slug: suggestion }), "success");
        el("slug-input").focus();
      });
      li.append(button);
      list.append(li);
    }
  }

  // True when the slug is free (or already this portal's); says so either way.
  async function checkSlug() {
    const input = el("slug-input");
    const region = el("slug-message");
    const slug = input.value.trim().toLowerCase();
    input.value = slug;
    showSuggestions([]);
    if (!P.validSlug(slug)) {
      P.say(region, t("admSlugInvalid"), "error", [input]);
      input.focus();
      return false;
    }
    if (state.settings && slug === state.settings.slug) {
      P.say(region, t("admSlugCurrent"), "success", [input]);
      return true;
    }
    const answer = await P.call("GET", "/v1/admin/portal/slug-availability?slug=" + encodeURIComponent(slug));
    if (answer.status !== 200) {
      P.say(region, P.failure(answer).message, "error", [input]);
      return false;
    }
    if (answer.data.available) {
      P.say(region, t("admSlugAvailable", { slug }), "success", [input]);
      return true;
    }
    P.say(region, t(answer.data.reason === "taken" ? "admSlugTaken" : "admSlugUnavailable", { slug }), "error", [input]);
    showSuggestions(answer.data.suggestions);
    return false;
  }

  function onSlugCheck(event) {
    P.busy(el("slug-form"), checkSlug);
    event.preventDefault();
  }

  function onSlugSave(event) {
    event.preventDefault();
    P.busy(event.currentTarget, async () => {
      if (!(await checkSlug())) return;
      const slug = el("slug-input").value;
      if (slug === state.settings.slug) return;
      const answer = await P.call("PUT", "/v1/admin/portal", { slug });
      if (answer.status === 200) {
        state.settings = answer.data;
        P.say(el("slug-message"), t("admSlugSaved", { slug: answer.data.slug }), "success");
      } else {
        P.say(el("slug-message"), P.failure(answer).message, "error", [el("slug-input")]);
      }
    });
  }

  // The preview fills the placeholders with an example customer and business.
  function fill(text) {
    return text
      .split("{{CUSTOMER_NAME}}")
      .join(t("admPreviewCustomer"))
      .split("{{BUSINESS_NAME}}")
      .join(t("admPreviewBusiness"));
  }

  function renderPreview() {
    el("preview-subject").textContent = fill(el("invite-subject").value);
    el("preview-body").textContent = fill(el("invite-body").value);
  }

  function templateChange() {
    const templates = { ...state.settings.invite_templates };
    templates.without_payment_method = { subject: el("invite-subject").value.trim(), message: el("invite-body").value.trim() };
    return { invite_templates: templates };
  }

  async function saveTemplate(region) {
    const subject = el("invite-subject");
    const body = el("invite-body");
    for (const field of [subject, body]) {
      if (!field.value.trim()) {
        P.say(region, t("admInviteEmpty"), "error", [field]);
        field.focus();
        return false;
      }
    }
    const answer = await P.call("PUT", "/v1/admin/portal", templateChange());
    if (answer.status === 200) {
      state.settings = answer.data;
      return true;
    }
    P.say(region, P.failure(answer).message, "error", [subject, body]);
    return false;
  }

  function onTemplateSave(event) {
    event.preventDefault();
    P.busy(event.currentTarget, async () => {
      if (await saveTemplate(el("invite-message"))) P.say(el("invite-message"), t("admInviteSaved"), "success");
    });
  }

  function onPreviewSend(event) {
    event.preventDefault();
    const email = el("preview-email");
    const region = el("preview-message");
    if (!requireEmail(email, region)) return;
    P.busy(event.currentTarget, async () => {
      // The preview is of the saved template: save what is on the screen first.
      if (!(await saveTemplate(region))) return;
      const answer = await P.call("POST", "/v1/admin/portal/preview-invite", {
        to_email: email.value.trim(),
        template: "without_payment_method",
      });
      if (answer.status === 202) P.say(region, t("admPreviewSent", { email: email.value.trim() }), "success", [email]);
      else P.say(region, P.failure(answer).message, "error", [email]);
    });
  }

  function portalState(customer) {
    return t({ active: "admPortalActive", invited: "admPortalInvited" }[customer.portal_access] || "admPortalNone");
  }

  async function loadCustomers() {
    cancelConfirm();
    const filter = el("customer-filter").value;
    const table = el("customer-table");
    const asked = (state.customerLoads = (state.customerLoads || 0) + 1);
    table.setAttribute("aria-busy", "true");
    const data = await load("/v1/admin/customers?limit=100&filter=" + encodeURIComponent(filter));
    if (asked !== state.customerLoads) return; // a later filter's answer wins
    table.removeAttribute("aria-busy");
    if (!data) return;
    state.customers = data.items;
    const rows = el("customer-rows");
    rows.replaceChildren();
    el("customer-all").checked = false;
    for (const customer of data.items) {
      const row = document.createElement("tr");
      const pick = document.createElement("td");
      const box = document.createElement("input");
      box.type = "checkbox";
      box.value = customer.customer_id;
      box.className = "customer-pick";
      box.setAttribute("aria-label", t("admSelectCustomer", { name: customer.name || customer.customer_id }));
      box.disabled = !customer.email;
      pick.append(box);
      row.append(pick);
      for (const text of [customer.name || customer.customer_id, customer.email || t("admNoEmail"), portalState(customer)]) {
        const cell = document.createElement("td");
        cell.textContent = text;
        row.append(cell);
      }
      rows.append(row);
    }
    el("customer-caption").textContent = t("admCustomerCount", { count: data.items.length });
    P.say(el("admin-message"), t("admCustomerCount", { count: data.items.length }));
  }

  function picked() {
    return [...document.querySelectorAll(".customer-pick:checked")].map((box) => box.value);
  }

  function cancelConfirm() {
    el("invite-confirm-form").hidden = true;
    el("invite-send-form").hidden = false;
  }

  function onInviteAsk(event) {
    event.preventDefault();
    const ids = picked();
    const region = el("invite-send-message");
    if (!ids.length) {
      P.say(region, t("admInviteNoneSelected"), "error");
      region.focus();
      return;
    }
    P.say(region, "");
    el("invite-confirm-text").textContent = t("admInviteConfirm", { count: ids.length });
    el("invite-send-form").hidden = true;
    el("invite-confirm-form").hidden = false;
    el("invite-confirm-form").querySelector("button").focus();
  }

  function onInviteConfirm(event) {
    event.preventDefault();
    P.busy(event.currentTarget, async () => {
      const answer = await P.call("POST", "/v1/admin/invites", { customer_ids: picked() });
      cancelConfirm();
      const region = el("invite-send-message");
      if (answer.status === 202) {
        const { sent, skipped } = answer.data;
        P.say(region, t("admInvitesQueued", { sent: sent.length, skipped: skipped.length }), "success");
        await loadCustomers(); // the Portal column now says "Invited"
      } else {
        P.say(region, P.failure(answer).message, "error");
      }
      region.focus();
    });
  }

  async function loadWork() {
    const data = await load("/v1/admin/work-requests?limit=100");
    if (!data) return;
    const list = el("work-list");
    list.replaceChildren();
    for (const request of data.items) {
      const li = item([
        ["h3", request.service],
        ["p", request.customer_name || request.customer_id],
        ["p", request.description],
        ["p", t("admCreatedOn", { date: dateOf(request.created_at) })],
      ]);
      li.append(statusControl(request));
      list.append(li);
    }
    if (!data.items.length) list.append(item([["p", t("admWorkEmpty")]]));
  }

  const WORK_STATUSES = ["new", "in_review", "scheduled", "declined", "done"];

  function statusControl(request) {
    const form = document.createElement("form");
    form.className = "inline-form";
    const id = "work-status-" + request.work_request_id;
    const label = document.createElement("label");
    label.htmlFor = id;
    label.textContent = t("admWorkStatusLabel");
    const select = document.createElement("select");
    select.id = id;
    for (const status of WORK_STATUSES) {
      const option = document.createElement("option");
      option.value = status;
      option.textContent = t("admWork_" + status);
      option.selected = status === request.status;
      select.append(option);
    }
    const button = document.createElement("button");
    button.type = "submit";
    button.className = "secondary";
    button.textContent = t("admWorkSave");
    const region = document.createElement("p");
    region.className = "message";
    region.setAttribute("role", "status");
    form.append(label, select, button, region);
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      P.busy(form, async () => {
        const answer = await P.call(
          "PATCH",
          "/v1/admin/work-requests/" + encodeURIComponent(request.work_request_id),
          { status: select.value },
        );
        if (answer.status === 200) P.say(region, t("admWorkSaved"), "success");
        else P.say(region, P.failure(answer).message, "error");
      });
    });
    return form;
  }

  async function loadReviews() {
    const data = await load("/v1/admin/reviews?limit=100");
    if (!data) return;
    const summary = data.summary;
    el("review-summary").textContent =
      summary.count && summary.average !== null
        ? t("admReviewSummary", { count: summary.count, average: summary.average.toFixed(1) })
        : t("admReviewsEmpty");
    const list = el("review-list");
    list.replaceChildren();
    for (const review of data.items) {
      list.append(
        item([
          ["h3", t("admReviewStars", { rating: review.rating })],
          ["p", review.customer_name],
          ["p", review.comment],
          ["p", P.formatDate(review.day, null, "medium")],
        ]),
      );
    }
  }

  async function loadRuns() {
    el("run-detail").hidden = true;
    if (!state.settings) state.settings = await load("/v1/admin/portal");
    const data = await load("/v1/admin/autopay/runs?limit=50");
    if (!data) return;
    const list = el("run-list");
    list.replaceChildren();
    for (const run of data.items) {
      const li = item([["p", t("admRunCounts", { charged: run.charged, failed: run.failed, skipped: run.skipped })]]);
      const button = document.createElement("button");
      button.type = "button";
      button.className = "link-button";
      button.textContent = t("admRunOpen", { date: dateOf(run.started_at) });
      button.addEventListener("click", () => openRun(run.run_id));
      li.prepend(button);
      list.append(li);
    }
    if (!data.items.length) list.append(item([["p", t("admRunsEmpty")]]));
  }

  async function openRun(runId) {
    // A run's id is a time ("2026-12-03T06:00Z"): ":" is allowed in a path segment as is.
    const run = await load("/v1/admin/autopay/runs/" + encodeURIComponent(runId).replace(/%3A/g, ":"));
    if (!run) return;
    el("run-detail-heading").textContent = t("admRunHeading", { date: dateOf(run.started_at) });
    const counts = el("run-counts");
    counts.replaceChildren();
    const rows = [
      ["admRunSelected", run.selected],
      ["admRunCharged", run.charged],
      ["admRunChargedAmount", P.formatMoney(run.charged_amount, currency())],
      ["admRunFailed", run.failed],
      ["admRunSkipped", run.skipped],
      ["admRunRetries", run.retries_scheduled],
    ];
    for (const [key, value] of rows) {
      const term = document.createElement("dt");
      term.textContent = t(key);
      const detail = document.createElement("dd");
      detail.textContent = String(value);
      counts.append(term, detail);
    }
    const outcomes = el("run-outcomes");
    outcomes.replaceChildren();
    for (const outcome of run.outcomes) {
      outcomes.append(
        item([
          ["h4", t("admRunInvoice", { number: outcome.invoice_number || outcome.invoice_id })],
          ["p", t("admRunOutcome", { outcome: t("admOutcome_" + outcome.outcome), amount: P.formatMoney(outcome.amount, currency()) })],
          ["p", outcome.message || outcome.reason],
        ]),
      );
    }
    el("run-detail").hidden = false;
    el("run-detail-heading").focus();
  }

  function onStaffSignIn(event) {
    event.preventDefault();
    const portal = el("staff-portal");
    const email = el("staff-email");
    const password = el("staff-password");
    const region = el("staff-message");
    const slug = P.slugFromInput(portal.value);
    if (!slug) {
      P.say(region, t("enterPortalAddress"), "error", [portal]);
      portal.focus();
      return;
    }
    if (!requireEmail(email, region)) return;
    if (!password.value) {
      P.say(region, t("enterPassword"), "error", [password]);
      password.focus();
      return;
    }
    P.busy(event.currentTarget, async () => {
      P.say(region, t("working"), null, [portal, email, password]);
      const answer = await P.call("POST", P.portalApi(slug, "/staff-login"), {
        email: email.value.trim(),
        password: password.value,
      });
      if (answer.status === 200) {
        P.say(region, "");
        showDone();
      } else {
        P.say(region, P.failure(answer).message, "error", [email, password]);
      }
    });
  }

  function onAccept(event) {
    event.preventDefault();
    const password = el("accept-password");
    const region = el("accept-message");
    if (!password.value) {
      P.say(region, t("enterPassword"), "error", [password]);
      password.focus();
      return;
    }
    P.busy(event.currentTarget, async () => {
      P.say(region, t("working"), null, [password]);
      const answer = await P.call("POST", "/v1/auth/accept", { token: state.token, password: password.value });
      if (answer.status === 200) {
        P.say(region, "");
        showDone();
        return;
      }
      const failed = P.failure(answer);
      if (failed.kind === "dead-link") {
        el("accept-form").hidden = true;
        el("accept-resend-form").hidden = false;
        P.say(region, failed.message, "error");
        el("accept-resend-form").querySelector("button").focus();
      } else {
        P.say(region, failed.message, "error", [password]);
        password.focus();
      }
    });
  }

  function onResend(event) {
    event.preventDefault();
    const form = event.currentTarget;
    P.busy(form, async () => {
      const answer = await P.call("POST", "/v1/auth/resend-link", { token: state.token });
      const region = el("accept-message");
      if (answer.status === 202) {
        P.say(region, t("resendSent"), "success");
        form.hidden = true; // one fresh link is enough
        state.token = null;
        region.focus();
      } else {
        P.say(region, P.failure(answer).message, "error");
      }
    });
  }

  function onSignOut(event) {
    event.preventDefault();
    P.busy(event.currentTarget, async () => {
      const answer = await P.call("POST", "/v1/auth/logout");
      if (answer.status === 204) {
        P.say(el("staff-message"), t("signedOut"), "success");
        P.showView(views(), "view-staff-signin", true);
      } else {
        P.say(el("staff-sign-out-message"), P.failure(answer).message, "error");
      }
    });
  }

  function openAccept(portal, token) {
    el("staff-accept-intro").textContent = portal
      ? t("staffAcceptIntroPortal", { portal })
      : t("staffAcceptIntro");
    if (portal) el("to-staff-signin").href = "/admin?portal=" + encodeURIComponent(portal);
    P.showView(views(), "view-staff-accept", false);
    if (!token) {
      P.say(el("accept-message"), t("linkMissing"), "error");
      return;
    }
    state.token = token;
    el("accept-form").hidden = false;
  }

  function start() {
    // English or Spanish, from the choice remembered in this browser or the browser's languages.
    P.setLanguage(P.pickLanguage(P.storedLanguage(), navigator.languages || [navigator.language]));
    document.documentElement.lang = P.language();
    P.applyStrings(document);
    // The page heading carries no data-i18n attribute because tests/e2e/test_server.py reads
    // "<h1>Admin pages</h1>" verbatim; it is translated here instead.
    document.querySelector("main > h1").textContent = t("adminHeading");
    document.title = t("adminTitle");
    P.wirePasswordToggles(document);
    const params = new URLSearchParams(window.location.search);
    const token = params.get("token");
    const portal = P.validSlug(params.get("portal")) ? params.get("portal") : null;
    // Take the invite's token out of the address bar before any request.
    if (token !== null) {
      const { pathname, search, hash } = window.location;
      history.replaceState(null, "", pathname + P.withoutToken(search) + hash);
    }
    el("staff-form").addEventListener("submit", onStaffSignIn);
    el("accept-form").addEventListener("submit", onAccept);
    el("accept-resend-form").addEventListener("submit", onResend);
    el("staff-sign-out-form").addEventListener("submit", onSignOut);
    document.querySelector(".admin-nav").setAttribute("aria-label", t("adminNavLabel"));
    for (const button of document.querySelectorAll("[data-panel]")) {
      button.addEventListener("click", () => openPanel(button.dataset.panel, true));
    }
    for (const panel of Object.values(PANELS)) if (panel.wire) panel.wire();
    el("slug-check").addEventListener("click", onSlugCheck);
    el("slug-form").addEventListener("submit", onSlugSave);
    el("invite-form").addEventListener("submit", onTemplateSave);
    el("invite-subject").addEventListener("input", renderPreview);
    el("invite-body").addEventListener("input", renderPreview);
    el("preview-form").addEventListener("submit", onPreviewSend);
    el("customer-filter").addEventListener("change", loadCustomers);
    el("customer-all").addEventListener("change", (event) => {
      for (const box of document.querySelectorAll(".customer-pick:not(:disabled)")) box.checked = event.target.checked;
    });
    el("invite-send-form").addEventListener("submit", onInviteAsk);
    el("invite-confirm-form").addEventListener("submit", onInviteConfirm);
    el("invite-cancel").addEventListener("click", () => {
      cancelConfirm();
      el("invite-send").focus();
    });

    if (P.adminRoute(window.location.pathname) === "accept") {
      openAccept(portal, token);
    } else {
      if (portal) el("staff-portal").value = portal;
      P.showView(views(), "view-staff-signin", false);
    }
  }

  // What the panels in their own files (admin-*.js, loaded after this one) use.
  window.PorticoAdmin = {
    addPanel(id, panel) {
      PANELS[id] = panel;
    },
    state,
    el,
    load,
    item,
    dateOf,
    openPanel,
  };

  document.addEventListener("DOMContentLoaded", start);
})();
