// The staff pages: /admin (staff sign-in) and /admin/accept?portal={slug}&token= (a staff
// invite: choose a password). The admin UI itself comes later; after signing in this page
// says so. Sessions are HttpOnly cookies the API sets; rules and strings live in portico.js.
"use strict";

(function () {
  const P = window.Portico;
  const t = P.t;
  const state = { token: null };

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
    P.showView(views(), "view-staff-done", true);
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

    if (P.adminRoute(window.location.pathname) === "accept") {
      openAccept(portal, token);
    } else {
      if (portal) el("staff-portal").value = portal;
      P.showView(views(), "view-staff-signin", false);
    }
  }

  document.addEventListener("DOMContentLoaded", start);
})();
