// The customer portal page: /p/{slug}[/...]. One page that routes on location.pathname:
//   /p/{slug}, /p/{slug}/login        the signed-in home, or sign-in when there is no session
//   /p/{slug}/create-login?token=     invite and signup links: choose a password
//   /p/{slug}/reset?token=            choose a new password
//   /p/{slug}/magic?token=            a "Sign me in" button
// The portal's details come from GET /v1/portals/{slug}; sessions are HttpOnly cookies the
// API sets, so this script never sees or keeps a session token. Text from the API is set with
// textContent only. Rules and strings live in portico.js (window.Portico).
"use strict";

(function () {
  const P = window.Portico;
  const t = P.t;
  const state = { slug: "", token: null, page: "start" };

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

  function showPortal(portal) {
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
    const contact = portal.contact || {};
    const list = el("portal-contact");
    const website = contact.website && /^https?:\/\//.test(contact.website) ? contact.website : null;
    addContact(list, t("contactEmail"), contact.email, contact.email && "mailto:" + contact.email);
    addContact(list, t("contactPhone"), contact.phone, contact.phone && "tel:" + contact.phone.replace(/[^0-9+]/g, ""));
    addContact(list, t("contactWebsite"), contact.website, website);
    addContact(list, t("contactAddress"), formatAddress(contact.address), null);
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

  function showHome(dashboard, moveFocus) {
    const currency = dashboard.currency;
    el("home-heading").textContent = t("homeHeading", { name: dashboard.customer.name });
    el("home-balance").textContent = P.formatMoney(dashboard.balance_due, currency);
    const pastDue = el("home-past-due");
    const owes = dashboard.past_due && dashboard.past_due_amount > 0;
    pastDue.textContent = owes
      ? t("pastDueAmount", { amount: P.formatMoney(dashboard.past_due_amount, currency) })
      : t("nothingPastDue");
    pastDue.classList.toggle("is-past-due", owes);
    el("home-next-visit").textContent = dashboard.next_visit
      ? P.formatDate(dashboard.next_visit.date)
      : t("noVisit");
    const notice = el("home-notice");
    notice.textContent = dashboard.notice || "";
    notice.hidden = !dashboard.notice;
    P.say(el("sign-out-message"), "");
    P.showView(views(), "view-home", moveFocus);
  }

  function showSignIn(moveFocus, message, kind) {
    P.hidePasswords(document);
    P.say(el("signin-status"), message || "", kind);
    P.showView(views(), "view-signin", moveFocus);
  }

  // Home if signed in here, else sign-in.
  async function openStart(moveFocus) {
    const dashboard = await loadDashboard();
    if (dashboard) showHome(dashboard, moveFocus);
    else showSignIn(moveFocus);
  }

  // After any sign-in: the address becomes the portal's own, so a reload shows the home.
  async function signedIn() {
    state.token = null;
    el("new-password").value = "";
    el("login-password").value = "";
    history.replaceState(null, "", "/p/" + encodeURIComponent(state.slug));
    const dashboard = await loadDashboard();
    if (dashboard) showHome(dashboard, true);
    else showSignIn(true, t("unexpected"), "error");
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
          language: P.LANG,
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
      if (answer.status === 204) showSignIn(true, t("signedOut"), "success");
      else P.say(el("sign-out-message"), P.failure(answer).message, "error");
    });
  }

  // --- emailed links ------------------------------------------------------------------------

  const LINK_TEXT = {
    "create-login": { heading: "createLoginHeading", intro: "createLoginIntro", route: "/v1/auth/accept" },
    reset: { heading: "resetHeading", intro: "resetIntro", route: "/v1/auth/reset" },
    magic: { heading: "magicLinkHeading", intro: "magicLinkIntro", route: "/v1/auth/magic" },
  };

  function openLink(page, token) {
    const text = LINK_TEXT[page];
    state.page = page;
    el("link-heading").textContent = t(text.heading);
    el("link-intro").textContent = t(text.intro);
    el("link-to-signin").href = "/p/" + encodeURIComponent(state.slug);
    P.showView(views(), "view-link", false);
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

  // --- start --------------------------------------------------------------------------------

  async function start() {
    P.applyStrings(document);
    P.wirePasswordToggles(document);
    // Read the emailed token, then take it out of the address bar before any request.
    const token = new URLSearchParams(window.location.search).get("token");
    if (token !== null) {
      const { pathname, search, hash } = window.location;
      history.replaceState(null, "", pathname + P.withoutToken(search) + hash);
    }
    el("password-form").addEventListener("submit", onPasswordSignIn);
    wireLinkRequest("forgot-form", "forgot-email", "forgot-message", "/forgot-password");
    wireLinkRequest("magic-form", "magic-email", "magic-message", "/magic-link");
    wireLinkRequest("signup-form", "signup-email", "signup-message", "/signup");
    wireDisclosures();
    el("sign-out-form").addEventListener("submit", onSignOut);
    el("new-password-form").addEventListener("submit", onNewPassword);
    el("magic-signin-form").addEventListener("submit", onMagicSignIn);
    el("resend-form").addEventListener("submit", onResend);

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
    if (route.page === "start") await openStart(false);
    else openLink(route.page, token);
  }

  document.addEventListener("DOMContentLoaded", start);
})();
