// The customer portal's landing page: /p/{slug}[/...]. Reads the portal's public details
// from GET /v1/portals/{slug} and shows the business's name, colour and contact details,
// or "portal not found". Text is set with textContent only: the data is the business's.
"use strict";

(function () {
  const SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

  function slugFromPath(pathname) {
    const parts = pathname.split("/").filter(Boolean); // ["p", "{slug}", ...]
    if (parts[0] !== "p" || !parts[1]) return null;
    let slug;
    try {
      slug = decodeURIComponent(parts[1]);
    } catch (error) {
      return null; // malformed escape: no portal can live there
    }
    return SLUG.test(slug) ? slug : null;
  }

  // WCAG relative luminance, to pick readable text on the business's colour.
  function luminance(hex) {
    const channels = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255);
    const linear = channels.map((c) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4));
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2];
  }

  function applyColour(hex) {
    if (!/^#[0-9a-fA-F]{6}$/.test(hex || "")) return;
    const root = document.documentElement.style;
    root.setProperty("--brand", hex);
    // Contrast against white is (1.05) / (L + 0.05); 4.5:1 or better keeps white text.
    root.setProperty("--brand-text", 1.05 / (luminance(hex) + 0.05) >= 4.5 ? "#ffffff" : "#111111");
  }

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
    document.title = portal.business_name + " customer portal";
    applyColour(portal.primary_color);
    document.getElementById("portal-brand").textContent = portal.business_name;
    document.getElementById("portal-name").textContent = portal.business_name;
    if (portal.logo_url && /^https?:\/\//.test(portal.logo_url)) {
      const logo = document.getElementById("portal-logo");
      logo.src = portal.logo_url;
      logo.alt = portal.business_name + " logo";
      logo.hidden = false;
    }
    const contact = portal.contact || {};
    const list = document.getElementById("portal-contact");
    addContact(list, "Email", contact.email, contact.email && "mailto:" + contact.email);
    addContact(list, "Phone", contact.phone, contact.phone && "tel:" + contact.phone.replace(/[^0-9+]/g, ""));
    addContact(list, "Website", contact.website, contact.website && /^https?:\/\//.test(contact.website) ? contact.website : null);
    addContact(list, "Address", formatAddress(contact.address), null);
    document.getElementById("portal-found").hidden = false;
  }

  function showMissing() {
    document.title = "Portal not found";
    document.getElementById("portal-missing").hidden = false;
  }

  async function load() {
    const status = document.getElementById("portal-status");
    const slug = slugFromPath(window.location.pathname);
    if (!slug) {
      status.textContent = "";
      showMissing();
      return;
    }
    try {
      const response = await fetch("/v1/portals/" + encodeURIComponent(slug), {
        headers: { Accept: "application/json" },
      });
      if (response.status === 404) {
        status.textContent = "";
        showMissing();
        return;
      }
      if (!response.ok) throw new Error("HTTP " + response.status);
      showPortal(await response.json());
      status.textContent = "";
    } catch (error) {
      status.textContent = "We couldn’t load this portal. Check your connection and reload the page.";
    }
  }

  document.addEventListener("DOMContentLoaded", load);
})();
