// The customer portal page: /p/{slug}[/...]. One page that routes on location.pathname:
//   /p/{slug}, /p/{slug}/login        the signed-in home, or sign-in when there is no session
//   /p/{slug}/invoices[/{id}]         invoices (open, paid, all) and one invoice
//   /p/{slug}/payments                payments and their receipts
//   /p/{slug}/pay[?invoice=]          pay the balance or chosen invoices
//   /p/{slug}/billing                 saved cards, add a card, AutoPay
//   /p/{slug}/create-login?token=     invite and signup links: choose a password
//   /p/{slug}/reset?token=            choose a new password
//   /p/{slug}/magic?token=            a "Sign me in" button
// Links between pages change the address with history.pushState; no page reloads. The
// portal's details come from GET /v1/portals/{slug}; sessions are HttpOnly cookies the API
// sets, so this script never sees or keeps a session token. Text from the API and from the
// person is set with textContent only. Rules and strings live in portico.js (window.Portico).
"use strict";

(function () {
  const P = window.Portico;
  const t = P.t;
  const state = {
    slug: "",
    token: null,
    page: "start",
    portal: null,
    dashboard: null,
    route: null, // the page shown: {page, id}
    returnTo: null, // where a sign-in goes next (a session that ended mid-way)
    methods: [],
    openInvoices: [],
    payKey: null, // the Idempotency-Key of the payment attempt in flight
    autopay: null,
    visitCount: { upcoming: 0, past: 0 }, // visits shown on the service history page
    visitCursor: null, // where its next page starts
  };

  function el(id) {
    return document.getElementById(id);
  }

  function views() {
    return [...document.querySelectorAll("main > .view")];
  }

  // --- the business's branding and contact details ----------------------------------------

  function addContact(list, label, text, href) {
    if (!text) return;
    const term = document.createElement("dt");
    term.textContent = label;
    const detail = document.createElement("dd");
    if (href) {
      const link = document.createElement("a");
      link.href = href;
      link.textContent = text;
      detail.appendChild(link);
    } else {
      detail.textContent = text;
    }
    list.append(term, detail);
  }

  function formatAddress(address) {
    if (!address) return "";
    const cityLine = [address.city, [address.region, address.postal_code].filter(Boolean).join(" ")]
      .filter(Boolean)
      .join(", ");
    return [address.line1, address.line2, cityLine].filter(Boolean).join(", ");
  }

  // The business's contact details into a <dl>: the foot of every page and the Contact page.
  function fillContact(list) {
    const contact = (state.portal && state.portal.contact) || {};
    list.replaceChildren();
    const website = contact.website && /^https?:\/\//.test(contact.website) ? contact.website : null;
    addContact(list, t("contactEmail"), contact.email, contact.email && "mailto:" + contact.email);
    addContact(list, t("contactPhone"), contact.phone, contact.phone && "tel:" + contact.phone.replace(/[^0-9+]/g, ""));
    addContact(list, t("contactWebsite"), contact.website, website);
    addContact(list, t("contactAddress"), formatAddress(contact.address), null);
    addContact(list, t("contactHours"), contact.hours, null); // issue 8, web2: opening hours
  }

  function showPortal(portal) {
    state.portal = portal;
    document.title = t("portalTitle", { business: portal.business_name });
    const textColour = P.textColourOn(portal.primary_color);
    if (textColour) {
      document.documentElement.style.setProperty("--brand", portal.primary_color);
      document.documentElement.style.setProperty("--brand-text", textColour);
    }
    el("portal-brand").textContent = portal.business_name;
    // An absolute http(s) address or a path on this origin; never javascript: or data:.
    if (portal.logo_url && /^(https?:\/\/|\/(?!\/))/.test(portal.logo_url)) {
      const logo = el("portal-logo");
      logo.src = portal.logo_url;
      logo.alt = t("logoAlt", { business: portal.business_name });
      logo.hidden = false;
    }
    fillContact(el("portal-contact"));
    el("portal-contact-section").hidden = false;

    // A business may offer only one way to sign in.
    const methods = portal.login_methods || {};
    const password = methods.password !== false;
    const magic = methods.magic_link !== false;
    el("password-method").hidden = !password;
    el("magic-form").hidden = !magic;
    el("methods-divider").hidden = !(password && magic);
  }

  function showMissing() {
    document.title = t("missingTitle");
    el("page-status").textContent = "";
    P.showView(views(), "view-missing", false);
  }

  // --- small DOM helpers ---------------------------------------------------------------------

  function node(tag, text, className) {
    const made = document.createElement(tag);
    if (text !== undefined && text !== null) made.textContent = text;
    if (className) made.className = className;
    return made;
  }

  function money(minor) {
    return P.formatMoney(minor, (state.dashboard && state.dashboard.currency) || "USD");
  }

  function shortDate(iso) {
    return P.formatDate(String(iso || "").slice(0, 10), undefined, "medium");
  }

  // A link to another portal page that changes the address without reloading.
  function pageLink(link, page, id, search) {
    link.href = P.portalPath(state.slug, page, id) + (search || "");
    link.dataset.nav = "";
    return link;
  }

  function onLinkClick(event) {
    const link = event.target.closest("a[data-nav]");
    if (!link || event.defaultPrevented || event.button !== 0) return;
    if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    history.pushState(null, "", link.getAttribute("href"));
    render(true);
  }

  function hasTab(tab) {
    return !tab || (state.dashboard && state.dashboard.tabs.includes(tab));
  }

  // Every signed-in page: its view, its name (for the title and the nav), the tab it needs (a
  // page whose tab is off is not offered and sends you home), the nav entry it belongs to,
  // and what shows it: show(id, params). Pages in their own files (portal-*.js) add
  // themselves with PorticoPortal.addPage before the portal starts.
  const PAGES = {
    start: { view: "view-home", name: "navHome", nav: "home", show: () => showHome() },
    invoices: { view: "view-invoices", name: "navInvoices", tab: "invoices", show: () => showInvoices() },
    invoice: { view: "view-invoice", name: "navInvoices", tab: "invoices", nav: "invoices", show: (id) => showInvoice(id) },
    payments: { view: "view-payments", name: "navPayments", tab: "payments", show: () => showPayments() },
    pay: { view: "view-pay", name: "navPay", tab: "payments", show: (id, params) => showPay(params) },
    billing: { view: "view-billing", name: "navBilling", tab: "payments", show: (id, params) => showBilling(params) },
    visits: { view: "view-visits", name: "navVisits", tab: "service_history", show: () => showVisits() },
    review: { view: "view-review", name: "navReview", tab: "reviews", show: () => showReview() },
    documents: { view: "view-documents", name: "navDocuments", tab: "documents", show: () => showDocuments() },
  };

  function showNav(page) {
    const nav = el("portal-nav");
    nav.hidden = false;
    const current = PAGES[page].nav || page;
    for (const link of nav.querySelectorAll("a[data-page]")) {
      pageLink(link, link.dataset.page);
      link.parentElement.hidden = !hasTab(link.dataset.tab);
      if (link.dataset.page === current) link.setAttribute("aria-current", "page");
      else link.removeAttribute("aria-current");
    }
  }

  function methodLabel(method) {
    if (method.type === "us_bank_account") {
      return t("methodBank", { bank: method.bank_name || "", last4: method.last4 || "" });
    }
    const brand = method.brand ? method.brand.charAt(0).toUpperCase() + method.brand.slice(1) : "Card";
    return t("methodCard", { brand, last4: method.last4 || "" });
  }

  // A request's failure: a session that ended sends the person to sign in, and back here after.
  function expired(answer) {
    if (answer.status !== 401) return false;
    state.returnTo = window.location.pathname + window.location.search;
    state.dashboard = null;
    el("portal-nav").hidden = true;
    showSignIn(true, t("sessionExpired"), "error");
    return true;
  }

  // --- session ------------------------------------------------------------------------------

  // The dashboard for this portal's session, or null. An expired access cookie gets one
  // refresh. The cookies belong to the whole origin, so a session at another business's
  // portal does not count as signed in here.
  async function loadDashboard() {
    let answer = await P.call("GET", "/v1/me");
    if (answer.status === 401) {
      const renewed = await P.call("POST", "/v1/auth/refresh");
      if (renewed.status !== 200) return null;
      answer = await P.call("GET", "/v1/me");
    }
    if (answer.status !== 200 || !answer.data) return null;
    return answer.data.business && answer.data.business.slug === state.slug ? answer.data : null;
  }

  function showSignIn(moveFocus, message, kind) {
    P.hidePasswords(document);
    document.title = t("portalTitle", { business: state.portal ? state.portal.business_name : "" });
    P.say(el("signin-status"), message || "", kind);
    P.showView(views(), "view-signin", moveFocus);
  }

  // After any sign-in: back where the person was (a session that ended mid-way), else home.
  async function signedIn() {
    state.token = null;
    el("new-password").value = "";
    el("login-password").value = "";
    const next = state.returnTo || P.portalPath(state.slug, "start");
    state.returnTo = null;
    history.replaceState(null, "", next);
    state.dashboard = null;
    await render(true);
  }

  // --- the signed-in pages ------------------------------------------------------------------

  // Shows the page the address names (loading the dashboard once per visit), or sign-in.
  async function render(moveFocus) {
    const route = P.portalRoute(window.location.pathname) || { page: "start" };
    if (!PAGES[route.page]) return;
    if (!state.dashboard) state.dashboard = await loadDashboard();
    if (!state.dashboard) {
      if (route.page !== "start") state.returnTo = window.location.pathname + window.location.search;
      el("portal-nav").hidden = true;
      showSignIn(moveFocus);
      return;
    }
    keepLanguage();
    let page = route.page;
    if (!hasTab(PAGES[page].tab)) page = "start";
    state.route = { page, id: route.id };
    showNav(page);
    document.title = t("pageTitle", { page: t(PAGES[page].name), business: state.portal.business_name });
    const params = new URLSearchParams(window.location.search);
    if (params.has("setup_intent") || params.get("redirect_status") === "canceled") {
      history.replaceState(null, "", window.location.pathname + (params.get("invoice") ? "?invoice=" + encodeURIComponent(params.get("invoice")) : ""));
    }
    // The view shows at once (its live region says "One moment…"), filled as answers come.
    P.showView(views(), PAGES[page].view, moveFocus);
    await PAGES[page].show(route.id, params);
  }

  // The language a person chose with the switch is the one their emails and receipts come
  // in: kept on their profile, with one request only when it differs from the stored one.
  async function keepLanguage() {
    const chosen = P.storedLanguage();
    const customer = state.dashboard.customer;
    if (!chosen || customer.language === chosen) return;
    const answer = await P.call("PATCH", "/v1/me/profile", { language: chosen });
    if (answer.status === 200) customer.language = chosen;
  }

  // Reloads the dashboard (after a payment or a change to AutoPay), quietly.
  async function refreshDashboard() {
    const fresh = await loadDashboard();
    if (fresh) state.dashboard = fresh;
  }

  async function showHome() {
    await refreshDashboard();
    const dashboard = state.dashboard;
    el("home-heading").textContent = t("homeHeading", { name: dashboard.customer.name });
    el("home-balance").textContent = money(dashboard.balance_due);
    const pastDue = el("home-past-due");
    const owes = dashboard.past_due && dashboard.past_due_amount > 0;
    pastDue.textContent = owes ? t("pastDueAmount", { amount: money(dashboard.past_due_amount) }) : t("nothingPastDue");
    pastDue.classList.toggle("is-past-due", owes);
    const canPay = hasTab("payments") && dashboard.balance_due > 0;
    el("home-past-due-banner").hidden = !owes;
    el("home-past-due-text").textContent = owes ? t("pastDueBanner", { amount: money(dashboard.past_due_amount) }) : "";
    el("home-past-due-pay").hidden = !canPay;
    pageLink(el("home-past-due-pay"), "pay");
    el("home-autopay").textContent = dashboard.autopay.enabled ? t("autopayOn") : t("autopayOff");
    el("home-next-visit").textContent = dashboard.next_visit ? P.formatDate(dashboard.next_visit.date) : t("noVisit");
    const notice = el("home-notice");
    notice.textContent = dashboard.notice || "";
    notice.hidden = !dashboard.notice;
    const badges = el("home-badges");
    badges.replaceChildren();
    const count = dashboard.open_invoice_count;
    if (count > 0 && dashboard.invoices_available) {
      const link = pageLink(node("a", count === 1 ? t("openInvoiceBadge") : t("openInvoicesBadge", { count })), "invoices");
      badges.append(wrap("li", link));
    }
    const estimates = dashboard.open_estimate_count;
    if (estimates > 0 && hasTab("estimates")) {
      const link = pageLink(node("a", estimates === 1 ? t("openEstimateBadge") : t("openEstimatesBadge", { count: estimates })), "estimates");
      badges.append(wrap("li", link));
    }
    if (dashboard.credit_balance > 0) badges.append(node("li", t("creditBadge", { amount: money(dashboard.credit_balance) })));
    badges.hidden = badges.childElementCount === 0;
    el("home-actions").hidden = !canPay || owes;
    pageLink(el("home-pay"), "pay");
    P.say(el("sign-out-message"), "");
  }

  function wrap(tag, child) {
    const made = document.createElement(tag);
    made.append(child);
    return made;
  }

  function invoiceStatus(invoice) {
    if (invoice.payment_in_progress) return t("statusInProgress");
    if (invoice.status === "paid") return t("statusPaid");
    if (invoice.past_due) return t("statusPastDue");
    if (invoice.status === "partially_paid") return t("statusPartiallyPaid");
    return t("statusOpen");
  }

  async function showInvoices() {
    const filter = document.querySelector("input[name=invoice-filter]:checked").value;
    const region = el("invoices-status");
    const list = el("invoices-list");
    list.replaceChildren();
    P.say(region, t("working"));
    const answer = await P.call("GET", "/v1/me/invoices?limit=100&status=" + encodeURIComponent(filter));
    if (expired(answer)) return;
    list.replaceChildren();
    if (answer.status !== 200) return P.say(region, P.failure(answer).message, "error");
    for (const invoice of answer.data.items) {
      const item = node("li", null, "record");
      const title = node("p", null, "record-title");
      title.append(pageLink(node("a", t("invoiceLink", { number: invoice.number })), "invoice", invoice.invoice_id));
      const amount = invoice.status === "paid" ? invoice.total : invoice.amount_due;
      item.append(
        title,
        node("p", money(amount), "record-amount"),
        node("p", t("dueOn", { date: shortDate(invoice.due_date) })),
        node("p", invoiceStatus(invoice), "badge" + (invoice.past_due ? " is-past-due" : ""))
      );
      list.append(item);
    }
    P.say(region, answer.data.items.length ? "" : t("noInvoices"));
  }

  function addFact(list, label, value, className) {
    const term = node("dt", label);
    const detail = node("dd", value);
    if (className) detail.className = className;
    list.append(term, detail);
  }

  async function showInvoice(invoiceId) {
    const region = el("invoice-status");
    el("invoice-heading").textContent = t("navInvoices");
    el("invoice-body").hidden = true;
    pageLink(el("invoice-back"), "invoices");
    P.say(region, t("working"));
    const answer = await P.call("GET", "/v1/me/invoices/" + encodeURIComponent(invoiceId));
    if (expired(answer)) return;
    if (answer.status !== 200) return P.say(region, P.failure(answer).message, "error");
    const invoice = answer.data;
    P.say(region, "");
    el("invoice-heading").textContent = t("invoiceHeading", { number: invoice.number });
    const facts = el("invoice-facts");
    facts.replaceChildren();
    addFact(facts, t("status"), invoiceStatus(invoice), invoice.past_due ? "is-past-due" : "");
    addFact(facts, t("issued"), P.formatDate(invoice.issue_date));
    addFact(facts, t("due"), P.formatDate(invoice.due_date));
    const lines = el("invoice-lines");
    lines.replaceChildren();
    for (const line of invoice.lines) {
      const row = document.createElement("tr");
      row.append(node("td", line.description), node("td", String(line.quantity)), node("td", money(line.amount), "number"));
      lines.append(row);
    }
    const totals = el("invoice-totals");
    totals.replaceChildren();
    addFact(totals, t("subtotal"), money(invoice.subtotal));
    addFact(totals, t("tax"), money(invoice.tax_amount));
    addFact(totals, t("total"), money(invoice.total));
    addFact(totals, t("amountPaid"), money(invoice.amount_paid));
    addFact(totals, t("amountDue"), money(invoice.amount_due), "strong");
    el("invoice-memo").textContent = invoice.memo || "";
    el("invoice-memo").hidden = !invoice.memo;
    const pay = el("invoice-pay");
    pay.hidden = !(invoice.amount_due > 0 && !invoice.payment_in_progress && hasTab("payments"));
    pageLink(pay, "pay", null, "?invoice=" + encodeURIComponent(invoice.invoice_id));
    el("invoice-pdf").href = invoice.pdf_url + "?lang=" + P.language();
    el("invoice-body").hidden = false;
  }

  const PAYMENT_STATUS = {
    succeeded: "paymentSucceeded",
    processing: "paymentProcessing",
    pending: "paymentPending",
    requires_action: "paymentRequiresAction",
    failed: "paymentFailed",
    refunded: "paymentRefunded",
  };

  async function showPayments() {
    const region = el("payments-status");
    const list = el("payments-list");
    list.replaceChildren();
    P.say(region, t("working"));
    const answer = await P.call("GET", "/v1/me/payments?limit=100");
    if (expired(answer)) return;
    list.replaceChildren();
    if (answer.status !== 200) return P.say(region, P.failure(answer).message, "error");
    for (const payment of answer.data.items) {
      const item = node("li", null, "record");
      const when = shortDate(payment.created_at);
      const amount = P.formatMoney(payment.amount, payment.currency);
      item.append(node("p", t("paymentOf", { amount, date: when }), "record-title"));
      item.append(node("p", t(PAYMENT_STATUS[payment.status] || "paymentPending"), "badge" + (payment.status === "failed" ? " is-past-due" : "")));
      if (payment.method_summary) item.append(node("p", payment.method_summary));
      const numbers = (payment.applied_to || []).map((applied) => applied.invoice_number || applied.invoice_id);
      if (payment.credit_added > 0) numbers.push(t("accountCredit"));
      if (numbers.length) item.append(node("p", t("appliedTo", { invoices: numbers.join(", ") })));
      if (payment.failure_message) item.append(node("p", payment.failure_message));
      if (payment.status === "succeeded") {
        const receipt = node("a", t("viewReceipt"));
        receipt.href = payment.receipt_url + "?lang=" + P.language();
        receipt.setAttribute("aria-label", t("receiptLink", { amount, date: when }));
        item.append(wrap("p", receipt));
      }
      list.append(item);
    }
    P.say(region, answer.data.items.length ? "" : t("noPayments"));
  }

  // --- self-service pages (issue 8, web2) ----------------------------------------------------

  const VISIT_STATUS = {
    scheduled: "visitStatusScheduled",
    completed: "visitStatusCompleted",
    skipped: "visitStatusSkipped",
    cancelled: "visitStatusCancelled",
  };
  const PHOTO_ALT = { before: "photoAltBefore", after: "photoAltAfter" };
  const PHOTO_KIND = { before: "photoBefore", after: "photoAfter" };

  // One visit: service and date, status, technician, notes, and its photos from their
  // presigned addresses (they expire; a reload asks for fresh ones).
  function visitItem(visit) {
    const item = node("li", null, "record");
    const date = P.formatDate(visit.date, undefined, "medium");
    item.append(node("h3", t("visitTitle", { service: visit.service, date }), "record-title"));
    item.append(node("p", t(VISIT_STATUS[visit.status] || "visitStatusScheduled"), "badge"));
    if (visit.technician) item.append(node("p", t("visitTechnician", { name: visit.technician })));
    if (visit.notes) item.append(node("p", visit.notes, "visit-notes"));
    if (visit.photos.length) {
      const photos = node("ul", null, "visit-photos");
      photos.setAttribute("aria-label", t("visitPhotos"));
      for (const photo of visit.photos) {
        const figure = document.createElement("figure");
        const image = document.createElement("img");
        image.src = photo.url;
        image.alt = t(PHOTO_ALT[photo.kind] || "photoAltOther", { service: visit.service, date });
        image.loading = "lazy";
        image.decoding = "async";
        image.addEventListener("error", () => {
          figure.replaceChildren(node("p", t("photoUnavailable"), "message"));
        });
        const words = [photo.kind ? t(PHOTO_KIND[photo.kind]) : "", photo.caption || ""].filter(Boolean);
        figure.append(image);
        if (words.length) figure.append(node("figcaption", words.join(": ")));
        photos.append(wrap("li", figure));
      }
      item.append(photos);
    }
    return item;
  }

  // Upcoming visits soonest first, past ones newest first, 20 at a time.
  async function showVisits(cursor) {
    const region = el("visits-status");
    const more = el("visits-more");
    if (!cursor) {
      el("visits-upcoming").replaceChildren();
      el("visits-past").replaceChildren();
      state.visitCount = { upcoming: 0, past: 0 };
    }
    more.hidden = true;
    P.say(region, t("working"));
    const answer = await P.call("GET", "/v1/me/visits?limit=20" + (cursor ? "&cursor=" + encodeURIComponent(cursor) : ""));
    if (expired(answer)) return;
    if (answer.status !== 200) return P.say(region, P.failure(answer).message, "error");
    const upcoming = answer.data.items.filter((visit) => visit.upcoming);
    upcoming.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
    for (const visit of upcoming) el("visits-upcoming").append(visitItem(visit));
    for (const visit of answer.data.items.filter((v) => !v.upcoming)) el("visits-past").append(visitItem(visit));
    state.visitCount.upcoming += upcoming.length;
    state.visitCount.past += answer.data.items.length - upcoming.length;
    el("visits-upcoming-empty").hidden = state.visitCount.upcoming > 0;
    el("visits-past-empty").hidden = state.visitCount.past > 0;
    state.visitCursor = answer.data.next_cursor || null;
    more.hidden = !state.visitCursor;
    P.say(region, "");
  }

  function onMoreVisits() {
    if (state.visitCursor) showVisits(state.visitCursor);
  }

  // Rate us: a fresh form each time the page opens.
  function showReview() {
    el("review-form").reset();
    el("review-form").hidden = false;
    el("review-done").hidden = true;
    el("review-public").hidden = true;
    P.say(el("review-message"), "", null, el("review-form").querySelectorAll("input[name=rating]"));
  }

  function onReview(event) {
    event.preventDefault();
    const form = el("review-form");
    const region = el("review-message");
    const stars = form.querySelectorAll("input[name=rating]");
    const chosen = form.querySelector("input[name=rating]:checked");
    const comment = el("review-comment").value.trim();
    if (!chosen) {
      P.say(region, t("reviewChooseRating"), "error", stars);
      stars[0].focus();
      return;
    }
    if (comment.length > 2000) {
      P.say(region, t("reviewCommentTooLong"), "error", [el("review-comment")]);
      el("review-comment").focus();
      return;
    }
    P.say(region, t("working"), null, stars);
    const button = form.querySelector("button[type=submit]");
    button.disabled = true;
    (async () => {
      const answer = await P.call("POST", "/v1/me/reviews", { rating: Number(chosen.value), comment: comment || null });
      button.disabled = false;
      if (expired(answer)) return;
      if (answer.status !== 201 && answer.status !== 200) return P.say(region, P.failure(answer).message, "error");
      P.say(region, "");
      form.hidden = true;
      el("review-done").hidden = false;
      el("review-done-text").textContent = t("reviewThanks", { rating: answer.data.rating });
      // Only an https address the business set is offered (the API sends it only after a
      // rating at or above the business's threshold).
      const link = answer.data.public_review_link;
      const offered = typeof link === "string" && /^https:\/\/\S+$/.test(link);
      el("review-public").hidden = !offered;
      if (offered) el("review-public-link").href = link;
      el("review-done-text").focus();
    })();
  }

  function fileSize(bytes) {
    if (bytes < 1024) return bytes + " B";
    if (bytes < 1024 * 1024) return Math.round(bytes / 1024) + " KB";
    return (bytes / (1024 * 1024)).toFixed(1) + " MB";
  }

  async function showDocuments() {
    const region = el("documents-status");
    const list = el("documents-list");
    list.replaceChildren();
    P.say(region, t("working"));
    const answer = await P.call("GET", "/v1/me/documents");
    if (expired(answer)) return;
    if (answer.status !== 200) return P.say(region, P.failure(answer).message, "error");
    for (const document_ of answer.data.items) {
      const item = node("li", null, "record");
      item.append(node("h2", document_.title, "record-title"));
      item.append(node("p", document_.filename));
      item.append(node("p", t("documentAdded", { date: shortDate(document_.added_at), size: fileSize(document_.size) })));
      const button = node("button", t("documentDownload"), "secondary");
      button.type = "button";
      button.setAttribute("aria-label", t("documentDownloadLabel", { title: document_.title }));
      button.addEventListener("click", () => downloadDocument(document_));
      item.append(wrap("p", button));
      list.append(item);
    }
    P.say(region, answer.data.items.length ? "" : t("noDocuments"));
  }

  // The download link lasts minutes: it is asked for at the click, never kept in the page.
  async function downloadDocument(document_) {
    const region = el("documents-status");
    P.say(region, t("documentDownloading", { title: document_.title }));
    const answer = await P.call("GET", "/v1/me/documents/" + encodeURIComponent(document_.document_id));
    if (expired(answer)) return;
    if (answer.status !== 200) return P.say(region, P.failure(answer).message, "error");
    P.say(region, "");
    window.location.assign(answer.data.url);
  }

  // --- pay ----------------------------------------------------------------------------------

  async function loadMethods() {
    const answer = await P.call("GET", "/v1/me/payment-methods");
    if (answer.status === 200) state.methods = answer.data.items;
    return answer;
  }

  function radio(name, value, labelText, checked, id) {
    const label = document.createElement("label");
    const input = document.createElement("input");
    input.type = name.startsWith("pay-invoice") ? "checkbox" : "radio";
    input.name = name;
    input.value = value;
    input.checked = checked;
    if (id) input.id = id;
    label.append(input, " ", node("span", labelText));
    return label;
  }

  function payAmount() {
    if (el("pay-target-balance").checked) return state.dashboard.balance_due;
    let total = 0;
    for (const box of el("pay-invoices").querySelectorAll("input:checked")) {
      const invoice = state.openInvoices.find((found) => found.invoice_id === box.value);
      if (invoice) total += invoice.amount_due;
    }
    return total;
  }

  function updatePayTotal() {
    const amount = payAmount();
    el("pay-invoices").hidden = !el("pay-target-invoices").checked;
    el("pay-total").textContent = t("payTotal", { amount: money(amount) });
    el("pay-submit").textContent = amount > 0 ? t("payConfirmAmount", { amount: money(amount) }) : t("payConfirm");
  }

  async function showPay(params) {
    const region = el("pay-status");
    el("pay-done").hidden = true;
    el("pay-form").hidden = true;
    P.say(el("pay-message"), "");
    if (params.has("setup_intent")) await finishCardSetup(params, region);
    if (params.has("payment_intent") && params.get("payment")) {
      history.replaceState(null, "", window.location.pathname);
      return finishAuthentication(params.get("payment"), params.get("redirect_status"));
    }
    await refreshDashboard();
    const wanted = params.get("invoice");
    const [methods, invoices] = await Promise.all([
      loadMethods(),
      hasTab("invoices") ? P.call("GET", "/v1/me/invoices?status=open&limit=100") : Promise.resolve(null),
    ]);
    if (expired(methods) || (invoices && expired(invoices))) return;
    if (methods.status !== 200) return P.say(region, P.failure(methods).message, "error");
    state.openInvoices = invoices && invoices.status === 200 ? invoices.data.items.filter((i) => i.amount_due > 0 && !i.payment_in_progress) : [];
    if (state.dashboard.balance_due <= 0) {
      if (!params.has("setup_intent")) P.say(region, t("nothingToPay"), "success");
      return;
    }
    if (!params.has("setup_intent")) P.say(region, "");
    el("pay-balance-label").textContent = t("payWholeBalance", { amount: money(state.dashboard.balance_due) });
    const choices = el("pay-invoices");
    choices.replaceChildren();
    for (const invoice of state.openInvoices) {
      const text = t("payInvoiceOption", { number: invoice.number, date: shortDate(invoice.due_date), amount: money(invoice.amount_due) });
      choices.append(radio("pay-invoice", invoice.invoice_id, text, invoice.invoice_id === wanted));
    }
    el("pay-target-invoices-row").hidden = state.openInvoices.length === 0;
    const preselect = state.openInvoices.some((invoice) => invoice.invoice_id === wanted);
    el("pay-target-invoices").checked = preselect;
    el("pay-target-balance").checked = !preselect;
    const methodList = el("pay-methods");
    methodList.replaceChildren();
    const usable = state.methods;
    usable.forEach((method, index) => {
      methodList.append(radio("pay-method", method.payment_method_id, methodLabel(method), method.is_default || (index === 0 && !usable.some((m) => m.is_default))));
    });
    el("pay-no-methods").hidden = usable.length > 0;
    state.payKey = null;
    updatePayTotal();
    el("pay-form").hidden = false;
  }

  function onPay(event) {
    event.preventDefault();
    const form = event.currentTarget;
    const region = el("pay-message");
    const byInvoice = el("pay-target-invoices").checked;
    const invoiceIds = [...el("pay-invoices").querySelectorAll("input:checked")].map((box) => box.value);
    if (byInvoice && invoiceIds.length === 0) {
      P.say(region, t("chooseInvoice"), "error");
      const first = el("pay-invoices").querySelector("input");
      if (first) first.focus();
      return;
    }
    const method = form.querySelector("input[name=pay-method]:checked");
    if (!method) {
      P.say(region, t("chooseMethod"), "error");
      el("pay-add-card").focus();
      return;
    }
    const body = { payment_method_id: method.value };
    if (byInvoice) body.invoice_ids = invoiceIds;
    else body.pay_balance = true;
    // One key per attempt: a retry after a lost answer sends the same key, so it pays once.
    if (!state.payKey) state.payKey = crypto.randomUUID();
    P.busy(form, async () => {
      P.say(region, t("working"));
      const answer = await P.call("POST", "/v1/me/payments", body, { "Idempotency-Key": state.payKey });
      if (answer.status !== 0) state.payKey = null;
      if (expired(answer)) return;
      if (answer.status !== 200) return P.say(region, P.failure(answer).message, "error");
      await payAnswered(answer.data);
    });
  }

  async function payAnswered(result) {
    const amount = P.formatMoney(result.amount, result.currency);
    if (result.status === "requires_action" && result.next_action) {
      P.say(el("pay-message"), t("payAuthenticating"));
      return authenticate(result);
    }
    if (result.status === "succeeded" || result.status === "processing") {
      return payDone(result.payment_id, t(result.status === "succeeded" ? "paySucceeded" : "payProcessing", { amount }));
    }
    P.say(el("pay-message"), result.message || t("unexpected"), "error");
  }

  async function payDone(paymentId, text) {
    el("pay-form").hidden = true;
    P.say(el("pay-status"), "");
    el("pay-done-text").textContent = text;
    el("pay-done-receipt").href = "/v1/me/payments/" + encodeURIComponent(paymentId) + "/receipt?lang=" + P.language();
    pageLink(el("pay-done-home"), "start");
    el("pay-done").hidden = false;
    el("pay-done-text").setAttribute("tabindex", "-1");
    el("pay-done-text").focus();
    await refreshDashboard();
  }

  // 3-D Secure: the fake Stripe's page in the local runtime, which comes back to `back` (null
  // here: the page is leaving), or Stripe.js with real Stripe ("succeeded" or "failed").
  async function confirmWithBank(nextAction, back) {
    const config = await stripeConfig();
    if (config.authenticate) {
      window.location.assign(config.authenticate + "?" + stripeParams(nextAction, back));
      return null;
    }
    const stripe = await loadStripe(config, nextAction);
    const outcome = await stripe.handleNextAction({ clientSecret: nextAction.client_secret });
    return outcome.error ? "failed" : "succeeded";
  }

  async function authenticate(result) {
    const back = window.location.origin + P.portalPath(state.slug, "pay") + "?payment=" + encodeURIComponent(result.payment_id);
    const status = await confirmWithBank(result.next_action, back);
    if (status) await finishAuthentication(result.payment_id, status);
  }

  // After the bank's page: Stripe tells Portico by webhook; wait for the payment to settle.
  async function finishAuthentication(paymentId, status) {
    const region = el("pay-status");
    if (status !== "succeeded") {
      P.say(region, t("payAuthFailed"), "error");
      region.focus();
      return;
    }
    P.say(region, t("payChecking"));
    for (let tries = 0; tries < 20; tries += 1) {
      const answer = await P.call("GET", "/v1/me/payments?limit=20");
      if (expired(answer)) return;
      const payment = answer.status === 200 ? answer.data.items.find((found) => found.payment_id === paymentId) : null;
      if (payment && (payment.status === "succeeded" || payment.status === "processing")) {
        const amount = P.formatMoney(payment.amount, payment.currency);
        return payDone(paymentId, t(payment.status === "succeeded" ? "paySucceeded" : "payProcessing", { amount }));
      }
      if (payment && payment.status === "failed") {
        P.say(region, payment.failure_message || t("payAuthFailed"), "error");
        return region.focus();
      }
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    P.say(region, t("payStillPending"));
  }

  // --- Stripe: the fake's pages in the local runtime, Stripe.js with real Stripe -------------

  let configPromise = null;
  function stripeConfig() {
    configPromise = configPromise || P.call("GET", "/assets/stripe.json").then((answer) => answer.data || {});
    return configPromise;
  }

  function stripeParams(secretHolder, returnUrl) {
    const params = new URLSearchParams({
      client_secret: secretHolder.client_secret,
      key: secretHolder.publishable_key,
      return_url: returnUrl,
      locale: P.language(),
    });
    if (secretHolder.stripe_account) params.set("account", secretHolder.stripe_account);
    return params.toString();
  }

  let stripeScript = null;
  function loadStripe(config, keys) {
    stripeScript =
      stripeScript ||
      new Promise((resolve, reject) => {
        const script = document.createElement("script");
        script.src = config.js;
        script.onload = resolve;
        script.onerror = reject;
        document.head.append(script);
      });
    return stripeScript.then(() => window.Stripe(keys.publishable_key, keys.stripe_account ? { stripeAccount: keys.stripe_account } : {}));
  }

  // Add a card (or, with `type` us_bank_account, a US bank account): a SetupIntent from
  // Portico, confirmed by the customer with Stripe. With the fake (local runtime) its card or
  // bank form opens and comes back to `next`; with Stripe, the Payment Element is mounted
  // here and confirmSetup runs in the page.
  async function startAddCard(next, type) {
    const bank = type === "us_bank_account"; // a US bank account: the same steps, its own form
    const config = await stripeConfig();
    if (next === "pay" && !config.card_form) {
      // With Stripe the Payment Element lives on Billing info: add the method there.
      history.pushState(null, "", P.portalPath(state.slug, "billing"));
      await render(true);
      return startAddCard("billing", type);
    }
    const region = next === "pay" ? el("pay-message") : el("billing-status");
    P.say(region, t(bank ? "openingBankForm" : "openingCardForm"));
    const answer = await P.call("POST", "/v1/me/payment-methods/setup", { type: bank ? type : "card" });
    if (expired(answer)) return;
    if (answer.status !== 200) return P.say(region, P.failure(answer).message, "error");
    const setup = answer.data;
    const back = window.location.origin + P.portalPath(state.slug, next === "pay" ? "pay" : "billing") + (bank ? "?adding=bank" : "");
    if (config.card_form) {
      window.location.assign(config.card_form + "?" + stripeParams(setup, back));
      return;
    }
    const stripe = await loadStripe(config, setup);
    const elements = stripe.elements({ clientSecret: setup.client_secret, locale: P.language() });
    const mount = el("payment-element");
    mount.hidden = false;
    elements.create("payment").mount(mount);
    P.say(region, "");
    state.confirmCard = async () => {
      const result = await stripe.confirmSetup({ elements, confirmParams: { return_url: back }, redirect: "if_required" });
      if (result.error) return P.say(region, result.error.message, "error");
      mount.hidden = true;
      state.confirmCard = null;
      await saveCard(result.setupIntent.id, region);
      await showBilling(new URLSearchParams());
    };
    el("add-card-button").textContent = t(bank ? "saveBankButton" : "saveCardButton");
    el("add-bank-button").hidden = true;
  }

  async function saveCard(setupIntentId, region) {
    const answer = await P.call("POST", "/v1/me/payment-methods", { setup_intent_id: setupIntentId });
    if (expired(answer)) return false;
    if (answer.status !== 200 && answer.status !== 201) {
      P.say(region, P.failure(answer).message, "error");
      return false;
    }
    P.say(region, t("cardSaved", { method: methodLabel(answer.data) }), "success");
    return true;
  }

  // Back from the card form: Stripe's redirect parameters name the SetupIntent.
  async function finishCardSetup(params, region) {
    if (params.get("redirect_status") === "succeeded" && params.get("setup_intent")) {
      await saveCard(params.get("setup_intent"), region);
    }
  }

  // --- billing info: wallet and AutoPay -----------------------------------------------------

  async function showBilling(params) {
    const region = el("billing-status");
    // Nothing from an earlier visit stays clickable while the fresh answers load.
    for (const id of ["autopay-form", "autopay-off-form", "autopay-locked"]) el(id).hidden = true;
    el("wallet-list").replaceChildren();
    el("autopay-state").textContent = t("working");
    if (params.get("redirect_status") === "canceled") P.say(region, t(params.get("adding") === "bank" ? "bankCanceled" : "cardCanceled"));
    else if (params.has("setup_intent")) await finishCardSetup(params, region);
    else if (!state.confirmCard) P.say(region, "");
    const [methods, autopay] = await Promise.all([
      loadMethods(),
      P.call("GET", "/v1/me/autopay?lang=" + P.language()),
    ]);
    if (expired(methods) || expired(autopay)) return;
    if (methods.status !== 200) return P.say(region, P.failure(methods).message, "error");
    renderWallet();
    state.autopay = autopay.status === 200 ? autopay.data : null;
    renderAutopay();
    el("add-card-button").textContent = t(state.confirmCard ? "saveCardButton" : "addCardButton");
    el("add-bank-button").hidden = Boolean(state.confirmCard);
  }

  function renderWallet() {
    const list = el("wallet-list");
    list.replaceChildren();
    for (const method of state.methods) {
      const label = methodLabel(method);
      const item = node("li", null, "record");
      const title = node("p", label, "record-title");
      item.append(title);
      if (method.exp_month && method.exp_year) {
        item.append(node("p", t("methodExpires", { month: String(method.exp_month).padStart(2, "0"), year: method.exp_year })));
      }
      if (method.is_default) item.append(node("p", t("defaultMethod"), "badge"));
      const actions = node("p", null, "actions");
      if (!method.is_default) {
        const makeDefault = node("button", t("makeDefault", { method: label }), "secondary");
        makeDefault.type = "button";
        makeDefault.addEventListener("click", () => walletChange("PUT", method, "/default", "methodDefault"));
        actions.append(makeDefault);
      }
      const remove = node("button", t("removeMethod", { method: label }), "secondary");
      remove.type = "button";
      remove.addEventListener("click", () => walletChange("DELETE", method, "", "methodRemoved"));
      actions.append(remove);
      item.append(actions);
      list.append(item);
    }
    el("wallet-empty").hidden = state.methods.length > 0;
  }

  async function walletChange(verb, method, suffix, done) {
    const region = el("billing-status");
    P.say(region, t("working"));
    const answer = await P.call(verb, "/v1/me/payment-methods/" + encodeURIComponent(method.payment_method_id) + suffix);
    if (expired(answer)) return;
    if (answer.status !== 200 && answer.status !== 204) return P.say(region, P.failure(answer).message, "error");
    await showBilling(new URLSearchParams());
    P.say(region, t(done, { method: methodLabel(method) }), "success");
    region.focus();
  }

  function renderAutopay() {
    const view = state.autopay;
    const form = el("autopay-form");
    const off = el("autopay-off-form");
    const locked = el("autopay-locked");
    form.hidden = true;
    off.hidden = true;
    locked.hidden = true;
    if (!view) {
      el("autopay-state").textContent = "";
      return;
    }
    if (view.enabled) {
      el("autopay-state").textContent = t("autopayIsOn", { method: view.method_summary || "" });
      if (view.customers_may_disable) off.hidden = false;
      else if (view.locked_message) {
        locked.textContent = view.locked_message;
        locked.hidden = false;
      }
      return;
    }
    const cards = state.methods;
    el("autopay-state").textContent = cards.length ? t("autopayIsOff") : t("autopayIsOff") + " " + t("autopayNeedsMethod");
    if (!cards.length) return;
    const select = el("autopay-method");
    select.replaceChildren();
    for (const method of cards) {
      const option = node("option", methodLabel(method));
      option.value = method.payment_method_id;
      option.selected = method.payment_method_id === view.payment_method_id;
      select.append(option);
    }
    el("autopay-terms-text").textContent = view.terms ? view.terms.text : "";
    el("autopay-accept").checked = false;
    el("autopay-accept").removeAttribute("aria-invalid");
    P.say(el("autopay-message"), "");
    form.hidden = false;
  }

  // The authorization text names the card: fetch it again for the card chosen.
  async function onAutopayMethod() {
    const method = el("autopay-method").value;
    const answer = await P.call("GET", "/v1/me/autopay?lang=" + P.language() + "&payment_method_id=" + encodeURIComponent(method));
    if (expired(answer)) return;
    if (answer.status === 200) {
      state.autopay = answer.data;
      el("autopay-terms-text").textContent = answer.data.terms ? answer.data.terms.text : "";
    }
  }

  function onAutopayOn(event) {
    event.preventDefault();
    const form = event.currentTarget;
    const region = el("autopay-message");
    const accept = el("autopay-accept");
    if (!accept.checked) {
      P.say(region, t("autopayMustAccept"), "error", [accept]);
      accept.focus();
      return;
    }
    P.busy(form, async () => {
      P.say(region, t("working"), null, [accept]);
      const answer = await P.call("PUT", "/v1/me/autopay", {
        enabled: true,
        payment_method_id: el("autopay-method").value,
        accept_terms: true,
        terms_version: state.autopay && state.autopay.terms ? state.autopay.terms.version : null,
        language: P.language(),
      });
      if (expired(answer)) return;
      if (answer.status !== 200) return P.say(region, P.failure(answer).message, "error");
      state.autopay = answer.data;
      renderAutopay();
      await refreshDashboard();
      P.say(el("billing-status"), t("autopayTurnedOn"), "success");
      el("billing-status").focus();
    });
  }

  function onAutopayOff(event) {
    event.preventDefault();
    const form = event.currentTarget;
    P.busy(form, async () => {
      const answer = await P.call("PUT", "/v1/me/autopay", { enabled: false, language: P.language() });
      if (expired(answer)) return;
      if (answer.status !== 200) return P.say(el("autopay-off-message"), P.failure(answer).message, "error");
      state.autopay = answer.data;
      renderAutopay();
      await refreshDashboard();
      P.say(el("billing-status"), t("autopayTurnedOff"), "success");
      el("billing-status").focus();
    });
  }

  async function onAddCard(event) {
    event.preventDefault();
    const form = event.currentTarget;
    P.busy(form, async () => {
      if (state.confirmCard) await state.confirmCard();
      else await startAddCard("billing");
    });
  }

  // --- sign-in forms ------------------------------------------------------------------------

  function requireEmail(input, region) {
    if (input.value.trim() && input.checkValidity()) return true;
    P.say(region, t("enterEmail"), "error", [input]);
    input.focus();
    return false;
  }

  function onPasswordSignIn(event) {
    event.preventDefault();
    const email = el("login-email");
    const password = el("login-password");
    const region = el("password-message");
    if (!requireEmail(email, region)) return;
    if (!password.value) {
      P.say(region, t("enterPassword"), "error", [password]);
      password.focus();
      return;
    }
    P.busy(event.currentTarget, async () => {
      P.say(region, t("working"), null, [email, password]);
      const answer = await P.call("POST", P.portalApi(state.slug, "/login"), {
        email: email.value.trim(),
        password: password.value,
      });
      if (answer.status === 200) {
        P.say(region, "");
        await signedIn();
      } else {
        P.say(region, P.failure(answer).message, "error", [email, password]);
      }
    });
  }

  // Magic link, forgot password and signup: one email field, always the same answer.
  function wireLinkRequest(formId, inputId, regionId, route) {
    el(formId).addEventListener("submit", (event) => {
      event.preventDefault();
      const input = el(inputId);
      const region = el(regionId);
      if (!requireEmail(input, region)) return;
      P.busy(event.currentTarget, async () => {
        P.say(region, t("working"), null, [input]);
        const answer = await P.call("POST", P.portalApi(state.slug, route), {
          email: input.value.trim(),
          language: P.language(),
        });
        if (answer.status === 202) P.say(region, t("linkSent"), "success", [input]);
        else P.say(region, P.failure(answer).message, "error", [input]);
      });
    });
  }

  // Opening "Forgot password?" or "Create your login" offers the email already typed.
  function wireDisclosures() {
    for (const details of document.querySelectorAll("#view-signin details")) {
      details.addEventListener("toggle", () => {
        const input = details.querySelector("input[type=email]");
        if (details.open && input && !input.value) input.value = el("login-email").value;
      });
    }
  }

  async function onSignOut(event) {
    event.preventDefault();
    P.busy(event.currentTarget, async () => {
      const answer = await P.call("POST", "/v1/auth/logout");
      if (answer.status === 204) {
        state.dashboard = null;
        state.returnTo = null;
        el("portal-nav").hidden = true;
        history.replaceState(null, "", P.portalPath(state.slug, "start"));
        showSignIn(true, t("signedOut"), "success");
      }
      else P.say(el("sign-out-message"), P.failure(answer).message, "error");
    });
  }

  // --- emailed links ------------------------------------------------------------------------

  const LINK_TEXT = {
    "create-login": { heading: "createLoginHeading", intro: "createLoginIntro", route: "/v1/auth/accept" },
    reset: { heading: "resetHeading", intro: "resetIntro", route: "/v1/auth/reset" },
    magic: { heading: "magicLinkHeading", intro: "magicLinkIntro", route: "/v1/auth/magic" },
  };

  function openLink(page, token, again) {
    const text = LINK_TEXT[page];
    state.page = page;
    el("link-heading").textContent = t(text.heading);
    el("link-intro").textContent = t(text.intro);
    el("link-to-signin").href = "/p/" + encodeURIComponent(state.slug);
    P.showView(views(), "view-link", false);
    if (again) return;
    if (!token) {
      P.say(el("link-message"), t("linkMissing"), "error");
      return;
    }
    state.token = token;
    el(page === "magic" ? "magic-signin-form" : "new-password-form").hidden = false;
  }

  function linkFailed(answer, fields) {
    const failed = P.failure(answer);
    if (failed.kind === "dead-link") {
      el("new-password-form").hidden = true;
      el("magic-signin-form").hidden = true;
      el("resend-form").hidden = false;
      P.say(el("link-message"), failed.message, "error");
      el("resend-form").querySelector("button").focus();
      return;
    }
    P.say(el("link-message"), failed.message, "error", fields);
    if (fields && fields[0]) fields[0].focus();
  }

  function onNewPassword(event) {
    event.preventDefault();
    const password = el("new-password");
    const region = el("link-message");
    if (!password.value) {
      P.say(region, t("enterPassword"), "error", [password]);
      password.focus();
      return;
    }
    P.busy(event.currentTarget, async () => {
      P.say(region, t("working"), null, [password]);
      const answer = await P.call("POST", LINK_TEXT[state.page].route, {
        token: state.token,
        password: password.value,
      });
      if (answer.status === 200) await signedIn();
      else linkFailed(answer, [password]);
    });
  }

  function onMagicSignIn(event) {
    event.preventDefault();
    P.busy(event.currentTarget, async () => {
      P.say(el("link-message"), t("working"));
      const answer = await P.call("POST", "/v1/auth/magic", { token: state.token });
      if (answer.status === 200) await signedIn();
      else linkFailed(answer);
    });
  }

  function onResend(event) {
    event.preventDefault();
    const form = event.currentTarget;
    P.busy(form, async () => {
      const answer = await P.call("POST", "/v1/auth/resend-link", { token: state.token });
      const region = el("link-message");
      if (answer.status === 202) {
        P.say(region, t("resendSent"), "success");
        form.hidden = true; // one fresh link is enough; the page's message says what happens
        state.token = null;
        region.focus();
      } else {
        P.say(region, P.failure(answer).message, "error");
      }
    });
  }

  // --- language -----------------------------------------------------------------------------

  function applyLanguage() {
    document.documentElement.lang = P.language();
    P.applyStrings(document);
    const other = P.language() === "es" ? "en" : "es";
    const button = el("language-switch");
    button.textContent = t("switchLanguage");
    button.lang = other;
  }

  // Switches English <-> Spanish, remembers it, and shows the same page again in place.
  async function onSwitchLanguage() {
    P.setLanguage(P.language() === "es" ? "en" : "es", true);
    applyLanguage();
    if (!state.portal) return;
    showPortal(state.portal);
    if (!el("view-link").hidden) openLink(state.page, state.token, true);
    else if (!el("view-signin").hidden) showSignIn(false);
    else if (state.dashboard) await render(false);
    el("language-switch").focus();
  }

  // --- start --------------------------------------------------------------------------------

  async function start() {
    P.setLanguage(P.pickLanguage(P.storedLanguage(), navigator.languages || [navigator.language]));
    applyLanguage();
    P.wirePasswordToggles(document);
    // Read the emailed token, then take it out of the address bar before any request.
    const token = new URLSearchParams(window.location.search).get("token");
    if (token !== null) {
      const { pathname, search, hash } = window.location;
      history.replaceState(null, "", pathname + P.withoutToken(search) + hash);
    }
    el("language-switch").addEventListener("click", onSwitchLanguage);
    el("password-form").addEventListener("submit", onPasswordSignIn);
    wireLinkRequest("forgot-form", "forgot-email", "forgot-message", "/forgot-password");
    wireLinkRequest("magic-form", "magic-email", "magic-message", "/magic-link");
    wireLinkRequest("signup-form", "signup-email", "signup-message", "/signup");
    wireDisclosures();
    for (const page of Object.values(PAGES)) if (page.wire) page.wire();
    el("sign-out-form").addEventListener("submit", onSignOut);
    el("new-password-form").addEventListener("submit", onNewPassword);
    el("magic-signin-form").addEventListener("submit", onMagicSignIn);
    el("resend-form").addEventListener("submit", onResend);
    el("pay-form").addEventListener("submit", onPay);
    el("pay-form").addEventListener("change", updatePayTotal);
    el("pay-add-card").addEventListener("click", () => startAddCard("pay"));
    el("pay-add-bank").addEventListener("click", () => startAddCard("pay", "us_bank_account"));
    el("visits-more").addEventListener("click", onMoreVisits);
    el("review-form").addEventListener("submit", onReview);
    // A star chosen after "choose a rating" clears the error.
    el("review-form").addEventListener("change", (event) => {
      if (event.target.name === "rating") P.say(el("review-message"), "", null, el("review-form").querySelectorAll("input[name=rating]"));
    });
    el("add-card-form").addEventListener("submit", onAddCard);
    el("add-bank-button").addEventListener("click", () => P.busy(el("add-card-form"), () => startAddCard("billing", "us_bank_account")));
    el("autopay-form").addEventListener("submit", onAutopayOn);
    el("autopay-method").addEventListener("change", onAutopayMethod);
    el("autopay-accept").addEventListener("change", () => {
      if (el("autopay-accept").checked) P.say(el("autopay-message"), "", null, [el("autopay-accept")]);
    });
    el("autopay-off-form").addEventListener("submit", onAutopayOff);
    for (const filter of document.querySelectorAll("input[name=invoice-filter]")) {
      filter.addEventListener("change", showInvoices);
    }
    document.addEventListener("click", onLinkClick);
    window.addEventListener("popstate", () => render(true));

    const route = P.portalRoute(window.location.pathname);
    if (!route) return showMissing();
    state.slug = route.slug;
    const answer = await P.call("GET", P.portalApi(state.slug));
    if (answer.status === 404) return showMissing();
    if (answer.status !== 200 || !answer.data) {
      el("page-status").textContent = t("loadFailed");
      return;
    }
    showPortal(answer.data);
    el("page-status").textContent = "";
    if (LINK_TEXT[route.page]) openLink(route.page, token);
    else await render(false);
  }

  // What the pages in their own files (portal-*.js, loaded after this one) use: they add
  // themselves to PAGES and share the state, the DOM helpers and the session handling.
  window.PorticoPortal = {
    addPage(name, page) {
      PAGES[name] = page;
    },
    state,
    el,
    node,
    wrap,
    money,
    shortDate,
    addFact,
    formatAddress,
    pageLink,
    hasTab,
    expired,
    refreshDashboard,
    methodLabel,
    loadMethods,
    radio,
    confirmWithBank,
    render,
    fillContact,
  };

  document.addEventListener("DOMContentLoaded", start);
})();
