// The customer portal's account pages: they add themselves to portal.js's pages (PorticoPortal).
"use strict";

(function () {
  const portal = window.PorticoPortal;
  if (!portal) return;
})();
