// The customer portal's work pages: they add themselves to portal.js's pages (PorticoPortal).
"use strict";

(function () {
  const portal = window.PorticoPortal;
  if (!portal) return;
})();
