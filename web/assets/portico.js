// What the customer portal (portal.js) and the staff pages (admin.js) share: every string
// the pages show, the routing and formatting rules, what an API answer means to the person
// reading the page, and a few small DOM helpers.
//
// The top level touches no DOM, so Node's test runner can require() this file and test the
// pure functions (tests/web/portico.test.js). In the browser it is a classic script that
// defines `window.Portico`; no build step.
"use strict";

(function (root, factory) {
  const exported = factory();
  if (typeof module === "object" && module.exports) module.exports = exported;
  else root.Portico = exported;
})(globalThis, function () {
  // One object per language; the HTML carries the English text too (for the first paint), and
  // a test checks every data-i18n element's text equals its entry here. Spanish comes later
  // as STRINGS.es; `{name}` placeholders are filled by t().
  const STRINGS = {
    en: {
      skipLink: "Skip to content",
      portalBrand: "Customer portal",
      loading: "Loading the portal…",
      loadFailed: "We couldn’t load this portal. Check your connection and reload the page.",
      portalTitle: "{business} customer portal",
      missingTitle: "Portal not found",
      missingHeading: "Portal not found",
      missingText:
        "We couldn’t find a customer portal at this address. Check the link in your invoice or email, or contact the business that sent it.",
      missingHome: "Go to the Portico home page",
      contactHeading: "Contact us",
      contactEmail: "Email",
      contactPhone: "Phone",
      contactWebsite: "Website",
      contactAddress: "Address",
      logoAlt: "{business} logo",

      signInHeading: "Sign in",
      emailLabel: "Email",
      passwordLabel: "Password",
      showPassword: "Show password",
      hidePassword: "Hide password",
      signInButton: "Sign in",
      forgotSummary: "Forgot password?",
      forgotIntro: "Enter your email and we’ll send you a link to choose a new password.",
      forgotButton: "Email me a reset link",
      or: "or",
      magicHeading: "Sign in without a password",
      magicIntro: "We’ll email you a link that signs you in. It works once, for 15 minutes.",
      magicButton: "Email me a sign-in link",
      signupSummary: "First time here? Create your login",
      signupIntro:
        "Enter the email the business has for you. If it belongs to a customer, we’ll email you a link to choose a password.",
      signupButton: "Email me a link",
      linkSent: "If that email belongs to a customer, we sent a link. It can take a minute to arrive.",
      enterEmail: "Enter your email address.",
      enterPassword: "Enter your password.",
      wrongCredentials: "The email or password is not right.",
      tooManyTries: "Too many tries. Try again in {wait}.",
      tooManyTriesSoon: "Too many tries. Try again in a few minutes.",
      unexpected: "Something went wrong on our side. Try again in a moment.",
      offline: "We couldn’t reach the portal. Check your connection and try again.",
      signedOut: "You’re signed out.",
      working: "One moment…",

      createLoginHeading: "Create your login",
      createLoginIntro: "Choose a password for your customer portal.",
      resetHeading: "Choose a new password",
      resetIntro: "Your new password replaces the old one.",
      magicLinkHeading: "Sign in",
      magicLinkIntro: "Use the button to finish signing in with the link from your email.",
      magicSignInButton: "Sign me in",
      newPasswordLabel: "New password",
      passwordHint: "At least 8 characters; 15 or more is better. A few words you’ll remember work well.",
      savePasswordButton: "Save password and sign in",
      linkMissing: "This link is incomplete. Open it again from your email.",
      linkDead: "This link has expired or was already used.",
      resendButton: "Send me a fresh link",
      resendSent: "If the link was ours, a fresh one is on its way.",
      toSignIn: "Go to the sign-in page",

      homeHeading: "Hello, {name}",
      balanceDue: "Balance due",
      pastDue: "Past due",
      nothingPastDue: "Nothing past due",
      pastDueAmount: "{amount} past due",
      nextVisit: "Next visit",
      noVisit: "None scheduled",
      homeSoon: "Your invoices, payments and service history will appear here soon.",
      signOutButton: "Sign out",

      adminBrand: "Portico admin",
      adminHeading: "Admin pages",
      adminTitle: "Portico admin",
      staffSignInHeading: "Staff sign-in",
      portalAddressLabel: "Portal address",
      portalAddressHint: "Your portal’s link or the part after /p/, like sparkling-pools.",
      enterPortalAddress: "Enter your portal’s address, like sparkling-pools.",
      staffAcceptHeading: "Choose your password",
      staffAcceptIntro: "You were invited to the admin pages of a Portico customer portal.",
      staffAcceptIntroPortal: "You were invited to the admin pages of the customer portal at /p/{portal}.",
      staffDoneHeading: "You’re signed in to the admin pages",
      staffDoneText:
        "The pages where you turn the portal on, brand it and invite customers are coming soon. Until then, the admin API does all of it:",
      openApiLink: "the OpenAPI document lists every route",
      toStaffSignIn: "Go to staff sign-in",
      homeLink: "Portico home",
    },
  };
  // The language the pages speak; it follows <html lang> once STRINGS has more than English.
  const LANG = "en";
  const SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
  const LINK_PAGES = new Set(["create-login", "reset", "magic"]);
  // The link codes for "expired or already used": both may ask for a fresh link.
  const DEAD_LINK_CODES = new Set(["link_expired", "invalid_link"]);

  function t(key, values, lang) {
    const table = STRINGS[lang || LANG] || STRINGS.en;
    const text = key in table ? table[key] : STRINGS.en[key];
    if (text === undefined) throw new Error("no string " + key);
    return text.replace(/\{(\w+)\}/g, (whole, name) =>
      values && name in values ? String(values[name]) : whole
    );
  }

  function validSlug(text) {
    return typeof text === "string" && text.length <= 64 && SLUG.test(text);
  }

  // /p/{slug} and /p/{slug}/login -> "start" (home if signed in, else sign-in); the emailed
  // links -> their page. Anything deeper is the full portal, which comes later: "start" too.
  function portalRoute(pathname) {
    const parts = pathname.split("/").filter(Boolean);
    if (parts[0] !== "p" || !parts[1]) return null;
    let slug;
    try {
      slug = decodeURIComponent(parts[1]);
    } catch (error) {
      return null; // a malformed escape: no portal can live there
    }
    if (!validSlug(slug)) return null;
    const page = parts.length === 3 && LINK_PAGES.has(parts[2]) ? parts[2] : "start";
    return { slug, page };
  }

  function adminRoute(pathname) {
    const parts = pathname.split("/").filter(Boolean);
    return parts[0] === "admin" && parts[1] === "accept" && parts.length === 2 ? "accept" : "signin";
  }

  // The API route of a portal: portalApi("sparkling-pools", "/login").
  function portalApi(slug, suffix) {
    return "/v1/portals/" + encodeURIComponent(slug) + (suffix || "");
  }

  // "https://portal.example.com/p/sparkling-pools/login", "/p/sparkling-pools" or
  // "Sparkling-Pools" -> "sparkling-pools"; null when no slug can be read.
  function slugFromInput(text) {
    let value = String(text || "").trim();
    const path = value.match(/(?:^|\/)p\/([^/?#\s]+)/);
    if (path) value = path[1];
    value = value.toLowerCase();
    return validSlug(value) ? value : null;
  }

  // The query string with `token` taken out ("" when nothing else is left), for
  // history.replaceState: the token must not stay in history or leak in a Referer.
  function withoutToken(search) {
    const params = new URLSearchParams(search);
    params.delete("token");
    const rest = params.toString();
    return rest ? "?" + rest : "";
  }

  // Integer minor units -> "$759.92": the currency says how many minor units make one.
  function formatMoney(minor, currency, lang) {
    const format = new Intl.NumberFormat(lang || LANG, { style: "currency", currency });
    const digits = format.resolvedOptions().maximumFractionDigits;
    return format.format(minor / 10 ** digits);
  }

  // "2026-11-23" -> "Monday, November 23, 2026": a calendar date, so no time zone may move it.
  function formatDate(isoDate, lang) {
    const parts = /^(\d{4})-(\d{2})-(\d{2})$/.exec(isoDate || "");
    if (!parts) return isoDate || "";
    const day = new Date(Date.UTC(+parts[1], +parts[2] - 1, +parts[3]));
    return new Intl.DateTimeFormat(lang || LANG, { dateStyle: "full", timeZone: "UTC" }).format(day);
  }

  // Retry-After is delta-seconds or an HTTP date; null when absent or unreadable.
  function retryAfterSeconds(header, nowMs) {
    if (header === null || header === undefined || header === "") return null;
    if (/^\d+$/.test(header.trim())) return parseInt(header, 10);
    const when = Date.parse(header);
    if (Number.isNaN(when)) return null;
    return Math.max(0, Math.ceil((when - (nowMs === undefined ? Date.now() : nowMs)) / 1000));
  }

  // 42 -> "42 seconds", 600 -> "10 minutes", 61 -> "2 minutes" (rounded up: never too soon).
  function waitText(seconds, lang) {
    const [value, unit] = seconds < 60 ? [Math.max(1, seconds), "second"] : [Math.ceil(seconds / 60), "minute"];
    return new Intl.NumberFormat(lang || LANG, { style: "unit", unit, unitDisplay: "long" }).format(value);
  }

  // WCAG contrast: white text on the business's colour when it reaches 4.5:1, else near-black.
  function textColourOn(hex) {
    if (!/^#[0-9a-fA-F]{6}$/.test(hex || "")) return null;
    const channels = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255);
    const linear = channels.map((c) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4));
    const luminance = 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2];
    return 1.05 / (luminance + 0.05) >= 4.5 ? "#ffffff" : "#111111";
  }

  // What a failed API answer means to the person at the page: {kind, message}.
  // `result` is what call() returns: {status, data, retryAfter}.
  function failure(result, lang, nowMs) {
    const error = (result.data && result.data.error) || {};
    const serverMessage = typeof error.message === "string" ? error.message : "";
    if (result.status === 0) return { kind: "offline", message: t("offline", null, lang) };
    if (result.status === 401 && DEAD_LINK_CODES.has(error.code)) {
      return { kind: "dead-link", message: t("linkDead", null, lang) };
    }
    if (result.status === 401 && error.code === "invalid_credentials") {
      return { kind: "credentials", message: t("wrongCredentials", null, lang) };
    }
    if (result.status === 429) {
      const seconds = retryAfterSeconds(result.retryAfter, nowMs);
      const message =
        seconds === null
          ? t("tooManyTriesSoon", null, lang)
          : t("tooManyTries", { wait: waitText(seconds, lang) }, lang);
      return { kind: "throttled", message };
    }
    // 422 (the password policy), 409, 403, 404: the server's message says what to do.
    if (result.status >= 400 && result.status < 500 && serverMessage) {
      return { kind: "refused", message: serverMessage };
    }
    return { kind: "unexpected", message: t("unexpected", null, lang) };
  }

  // --- DOM and network helpers: used by the pages, never run at load -----------------------

  // One JSON request to the API on this origin. Network failures come back as status 0, so
  // callers handle one shape. Nothing here logs: bodies carry tokens.
  async function call(method, path, body) {
    const init = {
      method,
      credentials: "same-origin",
      cache: "no-store",
      headers: { Accept: "application/json" },
    };
    if (body !== undefined) {
      init.headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(body);
    }
    let response;
    try {
      response = await fetch(path, init);
    } catch (error) {
      return { status: 0, data: null, retryAfter: null };
    }
    let data = null;
    if (response.status !== 204) {
      try {
        data = await response.json();
      } catch (error) {
        data = null; // not JSON (a proxy's error page): failure() says "something went wrong"
      }
    }
    return { status: response.status, data, retryAfter: response.headers.get("Retry-After") };
  }

  function applyStrings(rootNode, lang) {
    for (const node of rootNode.querySelectorAll("[data-i18n]")) {
      node.textContent = t(node.dataset.i18n, null, lang);
    }
  }

  // A message in a live region: "error" adds a bordered, bold style (not colour alone) and
  // marks the fields it is about as invalid.
  function say(region, text, kind, fields) {
    region.textContent = text || "";
    region.classList.toggle("is-error", kind === "error");
    region.classList.toggle("is-success", kind === "success");
    for (const field of fields || []) field.setAttribute("aria-invalid", kind === "error" ? "true" : "false");
  }

  // Show/hide buttons next to password fields (aria-controls names the field).
  function wirePasswordToggles(rootNode, lang) {
    for (const button of rootNode.querySelectorAll("button[data-toggles-password]")) {
      const field = document.getElementById(button.getAttribute("aria-controls"));
      button.addEventListener("click", () => {
        const show = field.type === "password";
        field.type = show ? "text" : "password";
        button.textContent = t(show ? "hidePassword" : "showPassword", null, lang);
      });
    }
  }

  function hidePasswords(rootNode, lang) {
    for (const button of rootNode.querySelectorAll("button[data-toggles-password]")) {
      document.getElementById(button.getAttribute("aria-controls")).type = "password";
      button.textContent = t("showPassword", null, lang);
    }
  }

  // Disables a form's buttons while its request runs, so a double tap sends it once.
  async function busy(form, work) {
    const buttons = [...form.querySelectorAll("button")];
    if (form.getAttribute("aria-busy") === "true") return;
    form.setAttribute("aria-busy", "true");
    buttons.forEach((button) => (button.disabled = true));
    try {
      await work();
    } finally {
      form.removeAttribute("aria-busy");
      buttons.forEach((button) => (button.disabled = false));
    }
  }

  // Shows one view of a page and hides the others; moves focus to its heading after a
  // person's action, so screen readers announce where they are now.
  function showView(views, id, moveFocus) {
    for (const view of views) view.hidden = view.id !== id;
    if (moveFocus) {
      const heading = document.getElementById(id).querySelector("h1, h2");
      if (heading) heading.focus();
    }
  }

  return {
    STRINGS,
    LANG,
    t,
    validSlug,
    portalRoute,
    adminRoute,
    portalApi,
    slugFromInput,
    withoutToken,
    formatMoney,
    formatDate,
    retryAfterSeconds,
    waitText,
    textColourOn,
    failure,
    call,
    applyStrings,
    say,
    wirePasswordToggles,
    hidePasswords,
    busy,
    showView,
  };
});
