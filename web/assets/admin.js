// The staff pages: /admin (staff sign-in) and /admin/accept?portal={slug}&token= (a staff
// invite: choose a password), then the admin panels: portal settings, invite emails, customers
// (invite them), work requests, reviews and AutoPay runs. Sessions are HttpOnly cookies the
// API sets (the admin routes accept a staff session as they accept an API key); rules and
// strings live in portico.js.
"use strict";

(function () {
  const P = window.Portico;
  const t = P.t;
  const state = { token: null, settings: null, customers: [], drafts: null, shown: "without_payment_method" };

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

  // The business's currency (fixed when it was provisioned), from its settings.
  function currency() {
    return state.settings.currency;
  }

  // --- portal settings: one form per group; each Save sends only its group -------------------

  const TABS = ["invoices", "payments", "statement", "service_history", "estimates", "work_requests", "documents", "reviews"];
  const MAX_LOGO_BYTES = 200 * 1024;
  const HTTP_ADDRESS = /^https?:\/\/\S+$/;

  async function loadSettings() {
    const settings = await load("/v1/admin/portal");
    if (!settings) return;
    state.settings = settings;
    for (const form of document.querySelectorAll("#panel-settings form, #panel-invite form")) clearErrors(form);
    el("portal-enabled").checked = settings.enabled;
    hideEnabledConfirm();
    el("slug-input").value = settings.slug;
    for (const box of document.querySelectorAll("[data-tab]")) box.checked = settings.tabs[box.dataset.tab] !== false;
    el("brand-colour").value = settings.branding.primary_color.toLowerCase();
    showColour(false);
    el("logo-file").value = "";
    showLogo(settings);
    fillContact(settings.contact || {});
    el("login-password").checked = settings.login_methods.password;
    el("login-magic").checked = settings.login_methods.magic_link;
    fillAutopay(settings.autopay);
    el("credits-enabled").checked = settings.credits.enabled;
    el("credits-max").value = (settings.credits.max_amount / 100).toFixed(2);
    el("review-link").value = settings.reviews.public_review_link || "";
    el("review-threshold").value = String(settings.reviews.threshold);
    fillTimezones(settings.timezone);
    loadTemplates(settings.invite_templates);
  }

  // A message next to one field (for the browser's checks and the server's 422 alike): it is
  // added to the field's description, and the field is marked invalid.
  function markField(field, text) {
    const id = field.id + "-error";
    let note = document.getElementById(id);
    if (!note) {
      note = document.createElement("p");
      note.id = id;
      note.className = "field-error";
      (field.closest(".field") || field.closest("fieldset")).append(note);
    }
    note.textContent = text;
    field.setAttribute("aria-invalid", "true");
    const described = (field.getAttribute("aria-describedby") || "").split(" ").filter(Boolean);
    if (!described.includes(id)) field.setAttribute("aria-describedby", [...described, id].join(" "));
  }

  function clearErrors(form) {
    for (const note of form.querySelectorAll(".field-error")) {
      for (const field of form.querySelectorAll(`[aria-describedby~="${note.id}"]`)) {
        const rest = field.getAttribute("aria-describedby").split(" ").filter((id) => id && id !== note.id);
        if (rest.length) field.setAttribute("aria-describedby", rest.join(" "));
        else field.removeAttribute("aria-describedby");
      }
      note.remove();
    }
    for (const field of form.querySelectorAll("[aria-invalid]")) field.removeAttribute("aria-invalid");
  }

  function labelOf(field) {
    const label = document.querySelector(`label[for="${field.id}"]`);
    return label ? label.textContent.trim() : field.name;
  }

  // Refuses a form in the browser: says why next to the field and in the form's live region.
  function refuse(region, field, text) {
    markField(field, text);
    P.say(region, t("admCheckField", { field: labelOf(field), problem: text }), "error");
    field.focus();
    return false;
  }

  // The field a 422's detail names: its location (["body", "contact", "website"]) without
  // "body" and list positions, or the nearest group above it that has a field.
  function fieldFor(form, location) {
    const parts = (location || []).map(String).filter((part) => part !== "body" && !/^\d+$/.test(part));
    while (parts.length) {
      const field = form.querySelector(`[data-path="${parts.join(".")}"]`);
      if (field) return field;
      parts.pop();
    }
    return null;
  }

  // PUT one group of settings; says the outcome in the form's live region, next to the field a
  // 422 names. True when saved.
  async function saveGroup(form, region, change, savedKey, values) {
    clearErrors(form);
    P.say(region, t("working"));
    const answer = await P.call("PUT", "/v1/admin/portal", change);
    if (answer.status === 200) {
      state.settings = answer.data;
      P.say(region, t(savedKey, values), "success");
      return true;
    }
    if (answer.status === 401) {
      P.say(region, "");
      P.say(el("staff-message"), t("sessionExpired"), "error");
      P.showView(views(), "view-staff-signin", true);
      return false;
    }
    const error = (answer.data && answer.data.error) || {};
    if (answer.status === 422 && Array.isArray(error.details)) {
      let first = null;
      for (const detail of error.details) {
        const field = fieldFor(form, detail.location);
        if (!field) continue;
        markField(field, detail.message || error.message);
        first = first || field;
      }
      if (first) {
        P.say(region, t("admCheckField", { field: labelOf(first), problem: error.message }), "error");
        first.focus();
        return false;
      }
    }
    P.say(region, P.failure(answer).message, "error");
    return false;
  }

  function onGroupSubmit(form, work) {
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      P.busy(form, work);
    });
  }

  // On or off: turning the portal off asks first, as customers can then no longer sign in.
  function hideEnabledConfirm() {
    el("enabled-confirm").hidden = true;
    el("enabled-save").hidden = false;
  }

  async function saveEnabled() {
    const on = el("portal-enabled").checked;
    if (await saveGroup(el("enabled-form"), el("enabled-message"), { enabled: on }, on ? "admEnabledOn" : "admEnabledOff")) {
      hideEnabledConfirm();
    }
  }

  // The confirmation's buttons are in the form: ask outside P.busy, which disables them.
  function onEnabledSave(event) {
    event.preventDefault();
    if (!el("portal-enabled").checked && state.settings.enabled) {
      P.say(el("enabled-message"), "");
      el("enabled-save").hidden = true;
      el("enabled-confirm").hidden = false;
      el("enabled-confirm-yes").focus();
      return;
    }
    P.busy(el("enabled-form"), saveEnabled);
  }

  function saveTabs() {
    const tabs = {};
    for (const box of document.querySelectorAll("[data-tab]")) tabs[box.dataset.tab] = box.checked;
    return saveGroup(el("tabs-form"), el("tabs-message"), { tabs }, "admTabsSaved");
  }

  // WCAG contrast of two #rrggbb colours.
  function contrast(one, two) {
    const luminance = (hex) => {
      const linear = [1, 3, 5]
        .map((i) => parseInt(hex.slice(i, i + 2), 16) / 255)
        .map((c) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4));
      return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2];
    };
    const [light, dark] = [luminance(one), luminance(two)].sort((a, b) => b - a);
    return (light + 0.05) / (dark + 0.05);
  }

  // The sample button in the colour, and a warning when text on it (in the colour the portal
  // picks with Portico.textColourOn) or the colour on the white page is hard to see.
  function colourProblem(colour) {
    const onColour = contrast(colour, P.textColourOn(colour));
    if (onColour < 4.5) return t("admColourLowText", { ratio: onColour.toFixed(1) });
    const onPage = contrast(colour, "#ffffff");
    if (onPage < 3) return t("admColourLowPage", { ratio: onPage.toFixed(1) });
    return null;
  }

  function showColour(announce) {
    const colour = el("brand-colour").value;
    const sample = el("brand-sample");
    sample.style.background = colour;
    sample.style.borderColor = colour;
    sample.style.color = P.textColourOn(colour);
    const problem = colourProblem(colour);
    const region = el("brand-contrast");
    if (problem) P.say(region, problem, "error", [el("brand-colour")]);
    else P.say(region, announce ? t("admColourGood") : "", null, [el("brand-colour")]);
  }

  function saveColour() {
    const primary = el("brand-colour").value.toLowerCase();
    const branding = { ...state.settings.branding, primary_color: primary };
    const problem = colourProblem(primary);
    return saveGroup(el("branding-form"), el("branding-message"), { branding }, problem ? "admColourSavedLow" : "admColourSaved");
  }

  // The logo: the uploaded one (served by the public portal route), or the chosen file's preview.
  function showLogo(settings) {
    const preview = el("logo-preview");
    const logo = settings.logo;
    el("logo-remove").hidden = !logo;
    el("logo-none").hidden = Boolean(logo);
    preview.hidden = !logo;
    if (logo) {
      // The public route serves it only while the portal is on: say so rather than show a gap.
      preview.onerror = () => {
        preview.hidden = true;
        el("logo-none").textContent = t("admLogoWhileOff");
        el("logo-none").hidden = false;
      };
      preview.src = "/v1/portals/" + encodeURIComponent(settings.slug) + "/logo?v=" + encodeURIComponent(logo.version);
      preview.alt = t("admLogoAlt");
    } else {
      el("logo-none").textContent = t("admLogoNone");
      preview.onerror = null;
      preview.removeAttribute("src");
    }
  }

  function readFile(file) {
    return new Promise((resolve, reject) => {
      const reader = new FileReader();
      reader.onload = () => resolve(String(reader.result));
      reader.onerror = () => reject(reader.error);
      reader.readAsDataURL(file);
    });
  }

  function chosenLogo() {
    const input = el("logo-file");
    const file = input.files && input.files[0];
    const region = el("logo-message");
    clearErrors(el("logo-form"));
    if (!file) return refuse(region, input, t("admLogoChoose")) || null;
    if (!["image/png", "image/jpeg"].includes(file.type)) return refuse(region, input, t("admLogoType")) || null;
    if (file.size > MAX_LOGO_BYTES) return refuse(region, input, t("admLogoTooBig")) || null;
    return file;
  }

  async function onLogoChosen() {
    const file = chosenLogo();
    if (!file) return;
    P.say(el("logo-message"), "");
    const preview = el("logo-preview");
    preview.onerror = null;
    preview.src = await readFile(file);
    preview.alt = t("admLogoNewAlt");
    preview.hidden = false;
    el("logo-none").hidden = true;
  }

  async function uploadLogo() {
    const file = chosenLogo();
    if (!file) return;
    const region = el("logo-message");
    const data = (await readFile(file)).split(",")[1];
    const answer = await P.call("PUT", "/v1/admin/portal/logo", { content_type: file.type, data });
    if (answer.status === 200) {
      state.settings = answer.data;
      el("logo-file").value = "";
      showLogo(answer.data);
      P.say(region, t("admLogoUploaded"), "success");
    } else {
      P.say(region, P.failure(answer).message, "error", [el("logo-file")]);
    }
  }

  function removeLogo() {
    P.busy(el("logo-form"), async () => {
      const region = el("logo-message");
      const answer = await P.call("DELETE", "/v1/admin/portal/logo");
      if (answer.status === 200) {
        state.settings = answer.data;
        el("logo-file").value = "";
        showLogo(answer.data);
        P.say(region, t("admLogoRemoved"), "success");
        el("logo-file").focus();
      } else {
        P.say(region, P.failure(answer).message, "error");
      }
    });
  }

  const ADDRESS_FIELDS = [
    ["contact-line1", "line1"],
    ["contact-line2", "line2"],
    ["contact-city", "city"],
    ["contact-region", "region"],
    ["contact-postal", "postal_code"],
    ["contact-country", "country"],
  ];

  function fillContact(contact) {
    el("contact-email").value = contact.email || "";
    el("contact-phone").value = contact.phone || "";
    el("contact-website").value = contact.website || "";
    el("contact-hours").value = contact.hours || "";
    const address = contact.address || {};
    for (const [id, name] of ADDRESS_FIELDS) el(id).value = address[name] || "";
  }

  function saveContact() {
    const form = el("contact-form");
    const region = el("contact-message");
    clearErrors(form);
    const value = (id) => el(id).value.trim() || null;
    const contact = {
      email: value("contact-email"),
      phone: value("contact-phone"),
      website: value("contact-website"),
      hours: value("contact-hours"),
      address: null,
    };
    if (contact.email && !el("contact-email").checkValidity()) return refuse(region, el("contact-email"), t("enterEmail"));
    if (contact.phone && !/^[0-9+() .-]{3,32}$/.test(contact.phone)) return refuse(region, el("contact-phone"), t("admPhoneInvalid"));
    if (contact.website && !HTTP_ADDRESS.test(contact.website)) return refuse(region, el("contact-website"), t("admWebsiteInvalid"));
    const address = {};
    for (const [id, name] of ADDRESS_FIELDS) address[name] = value(id);
    if (Object.values(address).some(Boolean)) {
      if (!address.line1) return refuse(region, el("contact-line1"), t("admAddressNeeds"));
      if (!address.city) return refuse(region, el("contact-city"), t("admAddressNeeds"));
      address.country = (address.country || "US").toUpperCase();
      if (!/^[A-Z]{2}$/.test(address.country)) return refuse(region, el("contact-country"), t("admCountryInvalid"));
      contact.address = address;
    }
    return saveGroup(form, region, { contact }, "admContactSaved");
  }

  function saveLogin() {
    const login_methods = { password: el("login-password").checked, magic_link: el("login-magic").checked };
    const region = el("login-message");
    clearErrors(el("login-form"));
    if (!login_methods.password && !login_methods.magic_link) return refuse(region, el("login-password"), t("admLoginNone"));
    return saveGroup(el("login-form"), region, { login_methods }, "admLoginSaved");
  }

  function fillAutopay(autopay) {
    el("autopay-timing").value = autopay.charge_timing;
    el("autopay-days").value = String(autopay.days_before_due);
    el("autopay-notice").value = String(autopay.notice_days);
    el("autopay-retries").value = (autopay.retry_days || []).join(", ");
    el("autopay-may-disable").checked = autopay.customers_may_disable;
    el("autopay-locked").value = autopay.locked_message;
    showTimingDays();
  }

  function showTimingDays() {
    el("autopay-days-field").hidden = el("autopay-timing").value !== "before_due";
  }

  // A whole number from min to max typed in a field, or null.
  function wholeNumber(id, min, max) {
    const text = el(id).value.trim();
    if (!/^\d{1,3}$/.test(text)) return null;
    const number = parseInt(text, 10);
    return number >= min && number <= max ? number : null;
  }

  function saveAutopay() {
    const region = el("autopay-message");
    clearErrors(el("autopay-form"));
    const timing = el("autopay-timing").value;
    let days = wholeNumber("autopay-days", 1, 30);
    if (days === null) {
      if (timing === "before_due") return refuse(region, el("autopay-days"), t("admNumberRange", { min: 1, max: 30 }));
      days = state.settings.autopay.days_before_due;
    }
    const notice = wholeNumber("autopay-notice", 0, 14);
    if (notice === null) return refuse(region, el("autopay-notice"), t("admNumberRange", { min: 0, max: 14 }));
    const retryText = el("autopay-retries").value.trim();
    const retries = retryText ? retryText.split(/[\s,]+/).filter(Boolean) : [];
    const retryDays = retries.map((part) => (/^\d{1,2}$/.test(part) ? parseInt(part, 10) : 0));
    if (retryDays.length > 3 || retryDays.some((day) => day < 1 || day > 30)) {
      return refuse(region, el("autopay-retries"), t("admRetriesInvalid"));
    }
    const locked = el("autopay-locked").value.trim();
    if (!locked) return refuse(region, el("autopay-locked"), t("admLockedEmpty"));
    const autopay = {
      charge_timing: timing,
      days_before_due: days,
      notice_days: notice,
      retry_days: retryDays,
      customers_may_disable: el("autopay-may-disable").checked,
      locked_message: locked,
    };
    return saveGroup(el("autopay-form"), region, { autopay }, "admAutopaySaved");
  }

  function saveCredits() {
    const region = el("credits-message");
    clearErrors(el("credits-form"));
    const text = el("credits-max").value.trim().replace(/,/g, "");
    const cents = /^\d{1,6}(\.\d{1,2})?$/.test(text) ? Math.round(parseFloat(text) * 100) : NaN;
    if (!(cents >= 50 && cents <= 10000000)) return refuse(region, el("credits-max"), t("admCreditsInvalid"));
    const credits = { enabled: el("credits-enabled").checked, max_amount: cents };
    return saveGroup(el("credits-form"), region, { credits }, "admCreditsSaved");
  }

  function saveReviews() {
    const region = el("reviews-message");
    const link = el("review-link");
    clearErrors(el("reviews-form"));
    const address = link.value.trim();
    if (address && !/^https:\/\/\S+$/.test(address)) return refuse(region, link, t("admReviewLinkInvalid"));
    const reviews = { public_review_link: address || null, threshold: parseInt(el("review-threshold").value, 10) };
    return saveGroup(el("reviews-form"), region, { reviews }, "admReviewsSaved");
  }

  // The time zone: every zone the browser knows, the business's chosen (added if the browser
  // spells it differently, so saving another group never changes it).
  function fillTimezones(current) {
    const select = el("timezone-select");
    if (!select.options.length) {
      const zones = typeof Intl.supportedValuesOf === "function" ? Intl.supportedValuesOf("timeZone") : [];
      for (const zone of zones) select.append(zoneOption(zone));
    }
    if (![...select.options].some((option) => option.value === current)) select.prepend(zoneOption(current));
    select.value = current;
  }

  function zoneOption(zone) {
    const option = document.createElement("option");
    option.value = zone;
    option.textContent = zone.replace(/_/g, " ");
    return option;
  }

  function saveTimezone() {
    const select = el("timezone-select");
    const region = el("timezone-message");
    clearErrors(el("timezone-form"));
    return saveGroup(el("timezone-form"), region, { timezone: select.value }, "admTimezoneSaved", {
      zone: select.value.replace(/_/g, " "),
    });
  }

  // --- the portal address ------------------------------------------------------------------

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

  // --- the invite emails: two templates, one shown at a time, each with its draft ------------

  function shownTemplate() {
    return document.querySelector('input[name="invite-which"]:checked').value;
  }

  function loadTemplates(templates) {
    state.drafts = {
      with_payment_method: { ...templates.with_payment_method },
      without_payment_method: { ...templates.without_payment_method },
    };
    el("invite-language").value = templates.language || "en";
    showTemplate(shownTemplate());
  }

  function keepDraft() {
    state.drafts[state.shown] = { subject: el("invite-subject").value, message: el("invite-body").value };
  }

  function showTemplate(which) {
    state.shown = which;
    el("invite-subject").value = state.drafts[which].subject;
    el("invite-body").value = state.drafts[which].message;
    clearErrors(el("invite-form"));
    renderPreview();
  }

  function onTemplateSwitch(event) {
    keepDraft();
    showTemplate(event.target.value);
    P.say(el("invite-message"), "");
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
    el("preview-which").textContent = t("admPreviewOf_" + state.shown);
    el("preview-subject").textContent = fill(el("invite-subject").value);
    el("preview-body").textContent = fill(el("invite-body").value);
  }

  async function saveTemplate(region) {
    keepDraft();
    const form = el("invite-form");
    clearErrors(form);
    // An empty field of the other email: show that one, so the field can be filled.
    for (const which of [state.shown, ...Object.keys(state.drafts).filter((key) => key !== state.shown)]) {
      for (const [id, name] of [["invite-subject", "subject"], ["invite-body", "message"]]) {
        if (state.drafts[which][name].trim()) continue;
        if (which !== state.shown) {
          el(which === "with_payment_method" ? "invite-which-with" : "invite-which-without").checked = true;
          showTemplate(which);
        }
        markField(el(id), t("admInviteEmpty"));
        P.say(region, t("admInviteEmptyOf", { which: t("admPreviewOf_" + which) }), "error");
        el(id).focus();
        return false;
      }
    }
    const trimmed = (draft) => ({ subject: draft.subject.trim(), message: draft.message.trim() });
    const invite_templates = {
      language: el("invite-language").value,
      with_payment_method: trimmed(state.drafts.with_payment_method),
      without_payment_method: trimmed(state.drafts.without_payment_method),
    };
    const answer = await P.call("PUT", "/v1/admin/portal", { invite_templates });
    if (answer.status === 200) {
      state.settings = answer.data;
      return true;
    }
    P.say(region, P.failure(answer).message, "error", [el("invite-subject"), el("invite-body")]);
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
        template: state.shown,
      });
      if (answer.status === 202) P.say(region, t("admPreviewSent", { email: email.value.trim() }), "success", [email]);
      else P.say(region, P.failure(answer).message, "error", [email]);
    });
  }

  function wireSettings() {
    el("enabled-form").addEventListener("submit", onEnabledSave);
    el("enabled-confirm-yes").addEventListener("click", () => P.busy(el("enabled-form"), saveEnabled));
    el("enabled-confirm-no").addEventListener("click", () => {
      hideEnabledConfirm();
      el("portal-enabled").checked = true;
      P.say(el("enabled-message"), t("admEnabledKept"));
      el("portal-enabled").focus();
    });
    el("slug-check").addEventListener("click", onSlugCheck);
    el("slug-form").addEventListener("submit", onSlugSave);
    onGroupSubmit(el("tabs-form"), saveTabs);
    el("brand-colour").addEventListener("input", () => showColour(false));
    el("brand-colour").addEventListener("change", () => showColour(true));
    onGroupSubmit(el("branding-form"), saveColour);
    el("logo-file").addEventListener("change", onLogoChosen);
    onGroupSubmit(el("logo-form"), uploadLogo);
    el("logo-remove").addEventListener("click", removeLogo);
    onGroupSubmit(el("contact-form"), saveContact);
    onGroupSubmit(el("login-form"), saveLogin);
    el("autopay-timing").addEventListener("change", showTimingDays);
    onGroupSubmit(el("autopay-form"), saveAutopay);
    onGroupSubmit(el("credits-form"), saveCredits);
    onGroupSubmit(el("reviews-form"), saveReviews);
    onGroupSubmit(el("timezone-form"), saveTimezone);
    el("invite-form").addEventListener("submit", onTemplateSave);
    for (const radio of document.querySelectorAll('input[name="invite-which"]')) radio.addEventListener("change", onTemplateSwitch);
    el("invite-subject").addEventListener("input", renderPreview);
    el("invite-body").addEventListener("input", renderPreview);
    el("preview-form").addEventListener("submit", onPreviewSend);
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
    if (!state.settings) return; // load() said why
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
    wireSettings();
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
