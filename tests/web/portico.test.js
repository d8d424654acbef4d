// The web pages' shared rules (web/assets/portico.js), with Node's own test runner and no
// npm packages: `node --test tests/web/` (tests/e2e/test_pages.py runs it too).
"use strict";

const assert = require("node:assert/strict");
const fs = require("node:fs");
const path = require("node:path");
const { describe, it } = require("node:test");

const P = require("../../web/assets/portico.js");

const WEB = path.join(__dirname, "..", "..", "web");

describe("portalRoute", () => {
  it("sends the portal's own address and /login to the start view", () => {
    assert.deepEqual(P.portalRoute("/p/sparkling-pools"), { slug: "sparkling-pools", page: "start" });
    assert.deepEqual(P.portalRoute("/p/sparkling-pools/"), { slug: "sparkling-pools", page: "start" });
    assert.deepEqual(P.portalRoute("/p/sparkling-pools/login"), { slug: "sparkling-pools", page: "start" });
  });

  it("sends each emailed link to its page", () => {
    for (const page of ["create-login", "reset", "magic"]) {
      assert.deepEqual(P.portalRoute(`/p/greenleaf-lawn/${page}`), { slug: "greenleaf-lawn", page });
    }
  });

  it("sends the signed-in pages to their page, and an invoice's address to it", () => {
    for (const page of ["invoices", "payments", "pay", "billing", "statement", "visits", "estimates", "requests", "activity"]) {
      assert.deepEqual(P.portalRoute(`/p/sparkling-pools/${page}`), { slug: "sparkling-pools", page });
    }
    assert.deepEqual(P.portalRoute("/p/sparkling-pools/invoices/inv-2001"), {
      slug: "sparkling-pools",
      page: "invoice",
      id: "inv-2001",
    });
    assert.deepEqual(P.portalRoute("/p/sparkling-pools/estimates/est-1"), { slug: "sparkling-pools", page: "estimate", id: "est-1" });
  });

  it("treats unknown deeper addresses as the start view, not as a link page", () => {
    assert.equal(P.portalRoute("/p/sparkling-pools/magic/extra").page, "start");
    assert.equal(P.portalRoute("/p/sparkling-pools/invoices/bad%20id").page, "start");
    assert.equal(P.portalRoute("/p/sparkling-pools/nowhere").page, "start");
  });

  it("builds each page's address back", () => {
    assert.equal(P.portalPath("sparkling-pools", "start"), "/p/sparkling-pools");
    assert.equal(P.portalPath("sparkling-pools", "pay"), "/p/sparkling-pools/pay");
    assert.equal(P.portalPath("sparkling-pools", "invoice", "inv-1"), "/p/sparkling-pools/invoices/inv-1");
    assert.equal(P.portalPath("sparkling-pools", "estimate", "est-1"), "/p/sparkling-pools/estimates/est-1");
  });

  it("finds no portal at a malformed or foreign address", () => {
    for (const pathname of ["/", "/p", "/p/", "/admin", "/p/Sparkling", "/p/%E0%A4%A", "/p/a--b", "/p/-a"]) {
      assert.equal(P.portalRoute(pathname), null, pathname);
    }
  });
});

describe("adminRoute", () => {
  it("knows the invite page and sends everything else to sign-in", () => {
    assert.equal(P.adminRoute("/admin/accept"), "accept");
    assert.equal(P.adminRoute("/admin/accept/"), "accept");
    assert.equal(P.adminRoute("/admin"), "signin");
    assert.equal(P.adminRoute("/admin/customers"), "signin");
  });
});

describe("slugFromInput", () => {
  it("reads a slug from what staff paste or type", () => {
    assert.equal(P.slugFromInput("sparkling-pools"), "sparkling-pools");
    assert.equal(P.slugFromInput("  Sparkling-Pools "), "sparkling-pools");
    assert.equal(P.slugFromInput("https://portal.example.com/p/sparkling-pools/login?x=1"), "sparkling-pools");
    assert.equal(P.slugFromInput("/p/greenleaf-lawn"), "greenleaf-lawn");
  });

  it("refuses what is not a slug", () => {
    for (const text of ["", "   ", "sparkling pools", "https://portal.example.com/", "a/b", "x".repeat(65)]) {
      assert.equal(P.slugFromInput(text), null, text);
    }
  });
});

describe("withoutToken", () => {
  it("takes the token out and keeps the rest", () => {
    assert.equal(P.withoutToken("?token=abc"), "");
    assert.equal(P.withoutToken("?portal=sparkling-pools&token=abc"), "?portal=sparkling-pools");
    assert.equal(P.withoutToken(""), "");
  });
});

describe("formatMoney", () => {
  it("turns integer minor units into the currency's amount", () => {
    assert.equal(P.formatMoney(75992, "USD"), "$759.92");
    assert.equal(P.formatMoney(0, "USD"), "$0.00");
    assert.equal(P.formatMoney(8400, "USD"), "$84.00");
    assert.equal(P.formatMoney(-1250, "USD"), "-$12.50");
  });

  it("knows currencies whose minor unit is not a hundredth", () => {
    assert.equal(P.formatMoney(1500, "JPY"), "¥1,500");
    assert.equal(P.formatMoney(1234, "KWD").replace(/\s/g, " "), "KWD 1.234");
  });
});

describe("formatDate", () => {
  it("shows a calendar date as that same day, whatever the time zone", () => {
    assert.equal(P.formatDate("2026-11-23"), "Monday, November 23, 2026");
    assert.equal(P.formatDate("2027-01-01"), "Friday, January 1, 2027");
  });

  it("shows anything else as it came", () => {
    assert.equal(P.formatDate("soon"), "soon");
    assert.equal(P.formatDate(null), "");
  });
});

describe("retryAfterSeconds and waitText", () => {
  it("reads delta-seconds and HTTP dates", () => {
    assert.equal(P.retryAfterSeconds("600"), 600);
    const now = Date.parse("2026-11-21T10:00:00Z");
    assert.equal(P.retryAfterSeconds("Sat, 21 Nov 2026 10:02:00 GMT", now), 120);
    assert.equal(P.retryAfterSeconds(null), null);
    assert.equal(P.retryAfterSeconds("later"), null);
  });

  it("says the wait in words, rounded up", () => {
    assert.equal(P.waitText(600), "10 minutes");
    assert.equal(P.waitText(61), "2 minutes");
    assert.equal(P.waitText(60), "1 minute");
    assert.equal(P.waitText(42), "42 seconds");
    assert.equal(P.waitText(0), "1 second");
  });
});

describe("failure", () => {
  const error = (status, code, message, retryAfter = null) => ({
    status,
    data: { error: { code, message } },
    retryAfter,
  });

  it("says a wrong email or password the same way for both", () => {
    const result = P.failure(error(401, "invalid_credentials", "The email or password is not right."));
    assert.deepEqual(result, { kind: "credentials", message: "The email or password is not right." });
  });

  it("turns an expired or used link into the fresh-link offer", () => {
    for (const code of ["link_expired", "invalid_link"]) {
      const result = P.failure(error(401, code, "whatever the server said"));
      assert.deepEqual(result, { kind: "dead-link", message: "This link has expired or was already used." });
    }
  });

  it("tells a throttled person how long to wait, from Retry-After", () => {
    assert.equal(P.failure(error(429, "throttled", "Too many", "540")).message, "Too many tries. Try again in 9 minutes.");
    assert.equal(P.failure(error(429, "throttled", "Too many")).message, "Too many tries. Try again in a few minutes.");
  });

  it("shows the server's own words for the password policy and other refusals", () => {
    const policy = "That password is too common or too easy to guess; choose another.";
    assert.deepEqual(P.failure(error(422, "password_too_common", policy)), { kind: "refused", message: policy });
    assert.equal(P.failure(error(409, "email_in_use", "Another account…")).message, "Another account…");
  });

  it("never shows a server error's text or a non-JSON body, and knows when it is offline", () => {
    assert.equal(P.failure(error(500, "internal_error", "Traceback…")).kind, "unexpected");
    assert.equal(P.failure({ status: 502, data: null, retryAfter: null }).kind, "unexpected");
    assert.equal(P.failure({ status: 0, data: null, retryAfter: null }).kind, "offline");
  });
});

describe("strings", () => {
  it("fills placeholders and refuses unknown keys", () => {
    assert.equal(P.t("homeHeading", { name: "Linda" }), "Hello, Linda");
    assert.throws(() => P.t("noSuchString"));
  });

  it("match the English text the pages show before the script runs", () => {
    // Every element with data-i18n holds exactly its string, so the pages cannot drift from
    // the one table a translation will replace.
    const element = /<(\w+)\b[^>]*\sdata-i18n="([^"]+)"[^>]*>([^<]*)<\/\1>/g;
    let checked = 0;
    for (const page of ["p/index.html", "admin/index.html"]) {
      const html = fs.readFileSync(path.join(WEB, page), "utf8");
      const tagged = (html.match(/data-i18n=/g) || []).length;
      const found = [...html.matchAll(element)];
      assert.equal(found.length, tagged, `${page}: a data-i18n element holds markup, not just text`);
      for (const [, , key, text] of found) {
        assert.equal(text.replace(/\s+/g, " ").trim(), P.t(key), `${page}: ${key}`);
        checked += 1;
      }
    }
    assert.ok(checked > 30, `only ${checked} strings checked`);
  });
});

describe("languages", () => {
  it("takes the remembered choice, else the browser's first language we speak, else English", () => {
    assert.equal(P.pickLanguage("es", ["en-US"]), "es");
    assert.equal(P.pickLanguage(null, ["fr-FR", "es-MX", "en"]), "es");
    assert.equal(P.pickLanguage("de", ["de-DE"]), "en");
  });

  it("has every string of the customer portal in Spanish, with the same placeholders", () => {
    const html = fs.readFileSync(path.join(WEB, "p/index.html"), "utf8");
    const script = fs.readFileSync(path.join(WEB, "assets/portal.js"), "utf8");
    const used = new Set([
      ...[...html.matchAll(/data-i18n="([^"]+)"/g)].map((m) => m[1]),
      ...[...script.matchAll(/\bt\("(\w+)"/g)].map((m) => m[1]),
    ]);
    assert.ok(used.size > 100, `only ${used.size} strings found`);
    for (const key of used) {
      assert.ok(key in P.STRINGS.es, `no Spanish for ${key}`);
      const holes = (text) => (text.match(/\{\w+\}/g) || []).sort().join();
      assert.equal(holes(P.STRINGS.es[key]), holes(P.STRINGS.en[key]), key);
    }
  });

  it("has every string of the admin pages' panels in Spanish, with the same placeholders", () => {
    const html = fs.readFileSync(path.join(WEB, "admin/index.html"), "utf8");
    const script = fs.readFileSync(path.join(WEB, "assets/admin.js"), "utf8");
    const used = new Set(
      [
        ...[...html.matchAll(/data-i18n="([^"]+)"/g)].map((m) => m[1]),
        ...[...script.matchAll(/\bt\("(\w+)"/g)].map((m) => m[1]),
        ...[...script.matchAll(/"(adm[A-Z]\w*)"/g)].map((m) => m[1]),
      ].filter((key) => !key.endsWith("_")),
    );
    assert.ok(used.size > 40, `only ${used.size} strings found`);
    const holes = (text) => (text.match(/\{\w+\}/g) || []).sort().join();
    for (const key of used) {
      assert.ok(key in P.STRINGS.es, `no Spanish for ${key}`);
      assert.equal(holes(P.STRINGS.es[key]), holes(P.STRINGS.en[key]), key);
    }
    for (const prefix of ["admWork_", "admOutcome_"]) {
      for (const key of Object.keys(P.STRINGS.en).filter((k) => k.startsWith(prefix))) {
        assert.ok(key in P.STRINGS.es, `no Spanish for ${key}`);
      }
    }
  });

  it("formats money and dates in Spanish", () => {
    assert.equal(P.t("navPay", null, "es"), "Pagar");
    assert.match(P.formatMoney(46710, "USD", "es"), /467,10/);
    assert.match(P.formatDate("2026-11-23", "es"), /23 de noviembre de 2026/);
  });
});

describe("textColourOn", () => {
  it("keeps 4.5:1 contrast on the business's colour", () => {
    assert.equal(P.textColourOn("#005f8a"), "#ffffff");
    assert.equal(P.textColourOn("#ffd400"), "#111111");
    assert.equal(P.textColourOn("red"), null);
  });
});
