// The admin pages' portal users and invite funnel: they add themselves to admin.js's panels.
"use strict";

(function () {
  const admin = window.PorticoAdmin;
  if (!admin) return;
})();
