// The customer portal's account pages: they add themselves to portal.js's pages (PorticoPortal).
//   /p/{slug}/statement      a date range's statement, on screen and as PDF or CSV
//   /p/{slug}/profile        what the business has on file; phone, contact and billing address
//   /p/{slug}/notifications  which messages by email and by text
//   /p/{slug}/activity       what happened on the account, newest first
//   /p/{slug}/contact        the business's contact details and hours
// The last four sit under one "Account" entry of the menu (its link opens Profile), each with
// a small menu of the four. Text from the API is set with textContent only.
"use strict";

(function () {
  const portal = window.PorticoPortal;
  if (!portal) return;
  const P = window.Portico;
  const t = P.t;
  const { el, node, wrap, addFact, formatAddress, pageLink, expired } = portal;

  // --- the account pages' own menu ----------------------------------------------------------

  const ACCOUNT_PAGES = [
    ["profile", "navProfile"],
    ["notifications", "navNotifications"],
    ["activity", "navActivity"],
    ["contact", "navContact"],
  ];

  // One small menu at the top of each account page (made once; links set on each visit).
  function addAccountMenus() {
    for (const section of document.querySelectorAll("section.account-page")) {
      const menu = document.createElement("nav");
      menu.className = "account-nav";
      menu.setAttribute("aria-label", t("accountNavLabel"));
      menu.dataset.i18nLabel = "accountNavLabel";
      const list = document.createElement("ul");
      for (const [page, name] of ACCOUNT_PAGES) {
        const link = node("a", t(name));
        link.dataset.i18n = name;
        link.dataset.accountPage = page;
        link.href = "#";
        list.append(wrap("li", link));
      }
      menu.append(list);
      section.querySelector("h1").after(menu);
    }
  }

  function showAccountMenu(current) {
    const section = el("view-" + current);
    const menu = section.querySelector(".account-nav");
    menu.setAttribute("aria-label", t("accountNavLabel"));
    for (const link of menu.querySelectorAll("a[data-account-page]")) {
      pageLink(link, link.dataset.accountPage);
      if (link.dataset.accountPage === current) link.setAttribute("aria-current", "page");
      else link.removeAttribute("aria-current");
    }
  }

  // --- statement ----------------------------------------------------------------------------

  const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
  const ENTRY_KIND = {
    invoice: "statementInvoice",
    payment: "statementPayment",
    credit: "statementCredit",
    refund: "statementRefund",
  };

  // The business's today (the dashboard says it), so "this year" is the business's year.
  function today() {
    const stated = portal.state.dashboard && portal.state.dashboard.today;
    return ISO_DATE.test(stated || "") ? stated : new Date().toISOString().slice(0, 10);
  }

  function isoDay(date) {
    return date.toISOString().slice(0, 10);
  }

  // "this-year", "last-year" (Jan 1 to Dec 31: the year-end statement) or "last-12".
  function rangeFor(name) {
    const now = today();
    const year = Number(now.slice(0, 4));
    if (name === "last-year") return [year - 1 + "-01-01", year - 1 + "-12-31"];
    if (name === "this-year") return [year + "-01-01", now];
    const start = new Date(now + "T00:00:00Z");
    start.setUTCFullYear(start.getUTCFullYear() - 1);
    start.setUTCDate(start.getUTCDate() + 1);
    return [isoDay(start), now];
  }

  // The reason a range cannot be asked for, or "" (the API says the same, later).
  function rangeProblem(from, to) {
    if (!ISO_DATE.test(from) || !ISO_DATE.test(to)) return "statementNeedDates";
    if (from < "2000-01-01") return "statementTooEarly";
    if (from > to) return "statementFromAfterTo";
    if (to > today()) return "statementFuture";
    const span = (Date.parse(to) - Date.parse(from)) / 86_400_000;
    if (span > 366 * 5 + 2) return "statementTooLong";
    return "";
  }

  function statementQuery(from, to, format) {
    const params = new URLSearchParams({ from, to, format, lang: P.language() });
    return "/v1/me/statement?" + params.toString();
  }

  async function showStatement() {
    const from = el("statement-from");
    const to = el("statement-to");
    from.max = today();
    to.max = today();
    P.say(el("statement-message"), "", null, [from, to]);
    if (!from.value || !to.value) {
      const [start, end] = rangeFor("last-12");
      from.value = start;
      to.value = end;
    }
    await loadStatement(false);
  }

  function onStatementShortcut(event) {
    const button = event.target.closest("button[data-range]");
    if (!button) return;
    const [start, end] = rangeFor(button.dataset.range);
    el("statement-from").value = start;
    el("statement-to").value = end;
    loadStatement(true);
  }

  function onStatementSubmit(event) {
    event.preventDefault();
    loadStatement(true);
  }

  async function loadStatement(moveFocus) {
    const from = el("statement-from");
    const to = el("statement-to");
    const region = el("statement-message");
    P.say(region, "", null, [from, to]);
    const problem = rangeProblem(from.value, to.value);
    if (problem) {
      el("statement-body").hidden = true;
      const fields = problem === "statementFuture" ? [to] : [from, to];
      P.say(region, t(problem, { today: P.formatDate(today(), undefined, "medium") }), "error", fields);
      fields[0].focus();
      return;
    }
    P.say(region, t("working"), null, [from, to]);
    const answer = await P.call("GET", statementQuery(from.value, to.value, "json"));
    if (expired(answer)) return;
    if (answer.status !== 200) {
      el("statement-body").hidden = true;
      // The API's refusal (a range it does not take) names what to change.
      return P.say(region, P.failure(answer).message, "error", [from, to]);
    }
    P.say(region, "");
    renderStatement(answer.data);
    if (moveFocus) el("statement-range").focus();
  }

  function renderStatement(statement) {
    const money = (minor) => P.formatMoney(minor, statement.currency || "USD");
    el("statement-range").textContent = t("statementRange", {
      from: P.formatDate(statement.from_date, undefined, "medium"),
      to: P.formatDate(statement.to_date, undefined, "medium"),
    });
    const totals = el("statement-totals");
    totals.replaceChildren();
    addFact(totals, t("statementOpening"), money(statement.opening_balance));
    addFact(totals, t("statementClosing"), money(statement.closing_balance), "strong");
    const rows = el("statement-entries");
    rows.replaceChildren();
    for (const entry of statement.entries) {
      const row = document.createElement("tr");
      const what =
        entry.kind === "invoice"
          ? t("statementInvoice", { number: entry.reference })
          : [t(ENTRY_KIND[entry.kind] || "statementPayment", { number: entry.reference }), entry.kind === "payment" ? entry.description : ""]
              .filter(Boolean)
              .join(" · ");
      row.append(
        node("td", P.formatDate(entry.date, undefined, "medium")),
        node("td", what),
        node("td", money(entry.amount), "number"),
        node("td", money(entry.balance), "number")
      );
      rows.append(row);
    }
    el("statement-empty").hidden = statement.entries.length > 0;
    el("statement-table-wrap").hidden = statement.entries.length === 0;
    const from = statement.from_date;
    const to = statement.to_date;
    el("statement-pdf").href = statementQuery(from, to, "pdf");
    el("statement-csv").href = statementQuery(from, to, "csv");
    el("statement-csv").setAttribute("download", "statement-" + from + "-" + to + ".csv");
    el("statement-body").hidden = false;
  }

  // --- notifications ------------------------------------------------------------------------

  // The kinds, in the order a person thinks of them.
  const NOTICE_TYPES = ["service_reminders", "on_the_way", "invoices", "receipts", "autopay_notices", "failed_payments", "marketing"];
  const NOTICE_WORDS = {
    service_reminders: ["noticeServiceReminders", "noticeServiceRemindersHint"],
    on_the_way: ["noticeOnTheWay", "noticeOnTheWayHint"],
    invoices: ["noticeInvoices", "noticeInvoicesHint"],
    receipts: ["noticeReceipts", "noticeReceiptsHint"],
    autopay_notices: ["noticeAutopay", "noticeAutopayHint"],
    failed_payments: ["noticeFailedPayments", "noticeFailedPaymentsHint"],
    marketing: ["noticeMarketing", "noticeMarketingHint"],
  };
  let preferences = null;

  function checkbox(id, labelText, checked, disabled, describedBy) {
    const label = document.createElement("label");
    label.className = "check";
    label.htmlFor = id;
    const input = document.createElement("input");
    input.type = "checkbox";
    input.id = id;
    input.checked = checked;
    input.disabled = disabled;
    if (describedBy) input.setAttribute("aria-describedby", describedBy);
    label.append(input, " ", node("span", labelText));
    return label;
  }

  function renderPreferences(view) {
    preferences = view;
    const holder = el("notifications-types");
    holder.replaceChildren();
    const locked = view.locked || [];
    const smsTypes = view.sms_types || [];
    for (const type of NOTICE_TYPES) {
      const choice = view.preferences[type];
      if (!choice) continue;
      const [nameKey, hintKey] = NOTICE_WORDS[type];
      const fieldset = document.createElement("fieldset");
      fieldset.className = "notice-type";
      fieldset.append(node("legend", t(nameKey)));
      const hintId = "notice-" + type + "-hint";
      const hint = node("p", t(hintKey), "hint");
      hint.id = hintId;
      fieldset.append(hint);
      const isLocked = locked.includes(type);
      const choices = node("div", null, "choices");
      choices.append(checkbox("notice-" + type + "-email", t("channelEmail"), isLocked || choice.email, isLocked, hintId));
      if (smsTypes.includes(type)) {
        choices.append(checkbox("notice-" + type + "-sms", t("channelSms"), choice.sms, false, hintId));
      }
      fieldset.append(choices);
      if (isLocked) fieldset.append(node("p", t("noticeLocked"), "hint locked-reason"));
      else if (!smsTypes.includes(type)) fieldset.append(node("p", t(type === "marketing" ? "noticeNoSmsMarketing" : "noticeEmailOnly"), "hint"));
      holder.append(fieldset);
    }
    el("notifications-updated").textContent = view.updated_at ? t("noticeUpdated", { date: portal.shortDate(view.updated_at) }) : "";
    el("notifications-form").hidden = false;
  }

  async function showNotifications() {
    showAccountMenu("notifications");
    const region = el("notifications-status");
    el("notifications-form").hidden = true;
    P.say(region, t("working"));
    const answer = await P.call("GET", "/v1/me/preferences");
    if (expired(answer)) return;
    if (answer.status !== 200) return P.say(region, P.failure(answer).message, "error");
    P.say(region, "");
    renderPreferences(answer.data);
  }

  function onNotificationsSave(event) {
    event.preventDefault();
    const form = event.currentTarget;
    const region = el("notifications-status");
    const changes = {};
    const locked = (preferences && preferences.locked) || [];
    for (const type of NOTICE_TYPES) {
      if (locked.includes(type)) continue; // always on by email: nothing to send
      const email = el("notice-" + type + "-email");
      if (!email) continue;
      const change = { email: email.checked };
      const sms = el("notice-" + type + "-sms");
      if (sms) change.sms = sms.checked;
      changes[type] = change;
    }
    P.busy(form, async () => {
      P.say(region, t("working"));
      const answer = await P.call("PUT", "/v1/me/preferences", changes);
      if (expired(answer)) return;
      if (answer.status !== 200) {
        P.say(region, P.failure(answer).message, "error");
        return region.focus();
      }
      renderPreferences({ ...preferences, ...answer.data, locked: answer.data.locked || locked, sms_types: answer.data.sms_types || preferences.sms_types });
      P.say(region, t("noticeSaved"), "success");
      region.focus();
    });
  }

  // --- profile ------------------------------------------------------------------------------

  const PHONE = /^[0-9+() .-]{3,32}$/;
  const ADDRESS_FIELDS = { line1: "profile-line1", line2: "profile-line2", city: "profile-city", region: "profile-region", postal_code: "profile-postal" };
  // Where the API's 422 points (its `location` after "body") -> the field and its message.
  const FIELD_OF = { phone: "profile-phone", contact_name: "profile-contact-name", line1: "profile-line1", city: "profile-city" };
  let profile = null;

  function fieldError(inputId, text) {
    const input = el(inputId);
    const message = el(inputId + "-error");
    input.setAttribute("aria-invalid", text ? "true" : "false");
    if (message) {
      message.textContent = text || "";
      message.hidden = !text;
    }
  }

  function clearFieldErrors() {
    for (const id of Object.values(FIELD_OF)) fieldError(id, "");
  }

  function fillProfile(found) {
    profile = found;
    const facts = el("profile-facts");
    facts.replaceChildren();
    addFact(facts, t("profileName"), found.name);
    addFact(facts, t("emailLabel"), found.email || t("profileNoEmail"));
    addFact(facts, t("profileServiceAddress"), formatAddress(found.service_address) || t("profileNone"));
    el("profile-contact-name").value = found.contact_name || "";
    el("profile-phone").value = found.phone || "";
    const billing = found.billing_address;
    el("profile-billing-same").checked = !billing;
    for (const [key, id] of Object.entries(ADDRESS_FIELDS)) el(id).value = (billing && billing[key]) || "";
    el("profile-billing-fields").hidden = !billing;
    el("profile-language").value = P.language();
    clearFieldErrors();
    P.say(el("profile-message"), "");
  }

  async function showProfile() {
    showAccountMenu("profile");
    pageLink(el("profile-contact-link"), "contact");
    const region = el("profile-status");
    el("profile-body").hidden = true;
    P.say(region, t("working"));
    const answer = await P.call("GET", "/v1/me/profile");
    if (expired(answer)) return;
    if (answer.status !== 200) return P.say(region, P.failure(answer).message, "error");
    P.say(region, "");
    fillProfile(answer.data);
    el("profile-body").hidden = false;
  }

  function billingFromForm() {
    if (el("profile-billing-same").checked) return null;
    const address = { country: "US" };
    for (const [key, id] of Object.entries(ADDRESS_FIELDS)) {
      const value = el(id).value.trim();
      address[key] = value || null;
    }
    return address;
  }

  function sameAddress(a, b) {
    if (!a || !b) return !a && !b;
    return Object.keys(ADDRESS_FIELDS).every((key) => (a[key] || null) === (b[key] || null));
  }

  // The browser's checks: what the API's schema would refuse, said per field.
  function profileProblems(phone, contactName, billing) {
    const problems = [];
    if (phone && !PHONE.test(phone)) problems.push(["profile-phone", t("profileBadPhone")]);
    if (contactName.length > 200) problems.push(["profile-contact-name", t("profileTooLong")]);
    if (billing && !billing.line1) problems.push(["profile-line1", t("profileNeedLine1")]);
    if (billing && !billing.city) problems.push(["profile-city", t("profileNeedCity")]);
    return problems;
  }

  // The API's 422 lists each refused field: shown beside it.
  function serverFieldErrors(answer) {
    const details = answer.data && answer.data.error && answer.data.error.details;
    const shown = [];
    for (const detail of Array.isArray(details) ? details : []) {
      const path = (detail.location || []).filter((part) => part !== "body");
      const id = FIELD_OF[path[path.length - 1]] || FIELD_OF[path[0]];
      if (!id || shown.includes(id)) continue;
      fieldError(id, id === "profile-phone" ? t("profileBadPhone") : detail.message);
      shown.push(id);
    }
    return shown;
  }

  function onProfileSave(event) {
    event.preventDefault();
    const form = event.currentTarget;
    const region = el("profile-message");
    clearFieldErrors();
    const phone = el("profile-phone").value.trim();
    const contactName = el("profile-contact-name").value.trim();
    const billing = billingFromForm();
    const problems = profileProblems(phone, contactName, billing);
    if (problems.length) {
      for (const [id, text] of problems) fieldError(id, text);
      P.say(region, t("profileFix", { count: problems.length }), "error");
      el(problems[0][0]).focus();
      return;
    }
    // Only what changed: an unchanged phone stays the business's own number.
    const changes = {};
    if ((phone || null) !== (profile.phone || null)) changes.phone = phone || null;
    if ((contactName || null) !== (profile.contact_name || null)) changes.contact_name = contactName || null;
    if (!sameAddress(billing, profile.billing_address)) changes.billing_address = billing;
    if (!Object.keys(changes).length) return P.say(region, t("profileNothing"), "success");
    P.busy(form, async () => {
      P.say(region, t("working"));
      const answer = await P.call("PATCH", "/v1/me/profile", changes);
      if (expired(answer)) return;
      if (answer.status !== 200) {
        const fields = answer.status === 422 ? serverFieldErrors(answer) : [];
        P.say(region, fields.length ? t("profileFix", { count: fields.length }) : P.failure(answer).message, "error");
        if (fields.length) el(fields[0]).focus();
        return;
      }
      fillProfile(answer.data);
      P.say(region, t("profileSaved"), "success");
    });
  }

  function onBillingSame() {
    el("profile-billing-fields").hidden = el("profile-billing-same").checked;
  }

  // The header's switch does it: remembered in this browser and, for the emails, on the
  // customer's profile (portal.js keepLanguage).
  function onLanguageSave(event) {
    event.preventDefault();
    if (el("profile-language").value !== P.language()) el("language-switch").click();
  }

  // --- contact us ---------------------------------------------------------------------------

  function showContact() {
    showAccountMenu("contact");
    const business = portal.state.portal ? portal.state.portal.business_name : "";
    el("contact-page-intro").textContent = t("contactPageIntro", { business });
    portal.fillContact(el("contact-page-list"));
  }

  // --- activity -----------------------------------------------------------------------------

  const ACTIVITY_WORDS = {
    login: "activityLogin",
    profile_updated: "activityProfileUpdated",
    preferences_updated: "activityPreferencesUpdated",
    payment_method_added: "activityMethodAdded",
    payment_method_removed: "activityMethodRemoved",
    autopay_enabled: "activityAutopayEnabled",
    autopay_method_changed: "activityAutopayMethodChanged",
    autopay_disabled: "activityAutopayDisabled",
    autopay_hold: "activityAutopayHold",
    autopay_hold_released: "activityAutopayHoldReleased",
    payment_made: "activityPaymentMade",
    payment_failed: "activityPaymentFailed",
    receipt_sent: "activityReceiptSent",
    review_created: "activityReviewCreated",
    work_request_created: "activityWorkRequestCreated",
    work_request_updated: "activityWorkRequestUpdated",
    estimate_accepted: "activityEstimateAccepted",
    estimate_declined: "activityEstimateDeclined",
    estimate_change_requested: "activityEstimateChangeRequested",
  };
  const LOGIN_WORDS = { password: "activityByPassword", magic_link: "activityByMagicLink", create_login: "activityByNewLogin", reset: "activityByReset" };
  const SOURCE_WORDS = { customer: "activityByYou", business: "activityByBusiness", system: "activityBySystem" };
  const PROFILE_FIELD_WORDS = { phone: "profilePhone", contact_name: "profileContactNameShort", billing_address: "profileBillingLegend" };
  let activityCursor = null;

  // Times in the browser's own time zone, named on the page (the API gives UTC instants).
  function when(instant) {
    const date = new Date(instant);
    if (Number.isNaN(date.getTime())) return instant;
    return new Intl.DateTimeFormat(P.language(), { dateStyle: "medium", timeStyle: "short" }).format(date);
  }

  // What an entry's details add, in words ("Visa ending 4242", "$129.90", "Phone").
  function activityDetail(entry) {
    const details = entry.details || {};
    if (entry.kind === "login") return LOGIN_WORDS[details.method] ? t(LOGIN_WORDS[details.method]) : "";
    if (entry.kind === "profile_updated" && details.changes) {
      return Object.keys(details.changes)
        .map((field) => (PROFILE_FIELD_WORDS[field] ? t(PROFILE_FIELD_WORDS[field]) : field.replace(/_/g, " ")))
        .join(", ");
    }
    const parts = [];
    if (typeof details.amount === "number" && details.currency) parts.push(P.formatMoney(details.amount, String(details.currency).toUpperCase()));
    const method = details.method_summary || details.summary;
    if (method) parts.push(String(method));
    if (Array.isArray(details.invoices) && details.invoices.length) parts.push(details.invoices.join(", "));
    if (details.invoice_number) parts.push(String(details.invoice_number));
    if (typeof details.rating === "number") parts.push(t("activityRating", { rating: details.rating }));
    if (details.service) parts.push(String(details.service));
    if (details.failure_message) parts.push(String(details.failure_message));
    return parts.join(" · ");
  }

  function activityItem(entry) {
    const item = node("li", null, "record");
    const key = ACTIVITY_WORDS[entry.kind];
    const title = key ? t(key) : t("activityOther", { kind: String(entry.kind).replace(/_/g, " ") });
    item.append(node("p", title, "record-title"));
    const time = document.createElement("time");
    time.dateTime = entry.at;
    time.textContent = when(entry.at);
    const line = node("p");
    line.append(time, " · ", t(SOURCE_WORDS[entry.source] || "activityBySystem"));
    item.append(line);
    const detail = activityDetail(entry);
    if (detail) item.append(node("p", detail));
    return item;
  }

  async function showActivity(cursor) {
    const region = el("activity-status");
    const list = el("activity-list");
    const more = el("activity-more");
    if (!cursor) {
      showAccountMenu("activity");
      list.replaceChildren();
      const zone = Intl.DateTimeFormat().resolvedOptions().timeZone || "";
      el("activity-zone").textContent = t("activityZone", { zone });
    }
    more.hidden = true;
    P.say(region, t("working"));
    const query = "/v1/me/activity?limit=20" + (cursor ? "&cursor=" + encodeURIComponent(cursor) : "");
    const answer = await P.call("GET", query);
    if (expired(answer)) return;
    if (answer.status !== 200) return P.say(region, P.failure(answer).message, "error");
    const items = answer.data.items.map(activityItem);
    list.append(...items);
    const first = items[0];
    activityCursor = answer.data.next_cursor || null;
    more.hidden = !activityCursor;
    P.say(region, list.childElementCount ? (cursor ? t("activityMoreShown", { count: answer.data.items.length }) : "") : t("activityEmpty"));
    // After "Show more", the first new entry takes the focus, so the reader carries on there.
    if (cursor && first) {
      first.tabIndex = -1;
      first.focus();
    }
  }

  function onMoreActivity() {
    if (activityCursor) showActivity(activityCursor);
  }

  // --- registration -------------------------------------------------------------------------

  portal.addPage("statement", {
    view: "view-statement",
    name: "navStatement",
    tab: "statement",
    show: () => showStatement(),
    wire() {
      el("statement-form").addEventListener("submit", onStatementSubmit);
      el("statement-form").addEventListener("click", onStatementShortcut);
    },
  });
  portal.addPage("profile", {
    view: "view-profile",
    name: "navProfile",
    show: () => showProfile(),
    wire() {
      addAccountMenus();
      el("profile-form").addEventListener("submit", onProfileSave);
      el("profile-billing-same").addEventListener("change", onBillingSame);
      el("profile-language-form").addEventListener("submit", onLanguageSave);
    },
  });
  portal.addPage("notifications", {
    view: "view-notifications",
    name: "navNotifications",
    nav: "profile",
    show: () => showNotifications(),
    wire() {
      el("notifications-form").addEventListener("submit", onNotificationsSave);
    },
  });
  portal.addPage("activity", {
    view: "view-activity",
    name: "navActivity",
    nav: "profile",
    show: () => showActivity(null),
    wire() {
      el("activity-more").addEventListener("click", onMoreActivity);
    },
  });
  portal.addPage("contact", { view: "view-contact", name: "navContact", nav: "profile", show: () => showContact() });
})();
