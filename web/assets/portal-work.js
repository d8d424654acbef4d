// The customer portal's work pages: they add themselves to portal.js's pages (PorticoPortal).
//   /p/{slug}/estimates        the customer's estimates and their status
//   /p/{slug}/estimates/{id}   one estimate: accept with a typed signature, decline, ask for
//                              changes, pay its deposit (3-D Secure comes back here)
//   /p/{slug}/requests         work requests with the office's answer, and a form to file one
//                              with photos uploaded straight to S3 (presigned POST)
// Text from the API and from the person is set with textContent only.
"use strict";

(function () {
  const portal = window.PorticoPortal;
  if (!portal) return;
  const P = window.Portico;
  const t = P.t;
  const { el, node, wrap, money, addFact, pageLink, hasTab, expired } = portal;

  // What the API accepts (docs/openapi.json and the work-request service's rules).
  const MAX_DESCRIPTION = 5000;
  const MAX_PHOTOS = 5;
  const MAX_PHOTO_BYTES = 10 * 1024 * 1024;
  const PHOTO_TYPES = new Set(["image/jpeg", "image/png", "image/webp", "image/heic"]);

  const work = {
    estimate: null, // the estimate shown on its page
    depositKey: null, // the Idempotency-Key of the deposit attempt in flight
    requestKey: null, // the Idempotency-Key of the work request attempt in flight
    photos: [], // the chosen files: {file, type, error, photoId}
  };

  function estimatePath(id) {
    return "/v1/me/estimates/" + encodeURIComponent(id);
  }

  // --- estimates ------------------------------------------------------------------------------

  const ESTIMATE_STATUS = {
    sent: "estimateStatusOpen",
    accepted: "estimateStatusAccepted",
    declined: "estimateStatusDeclined",
    expired: "estimateStatusExpired",
  };

  function estimateMoney(estimate, minor) {
    return P.formatMoney(minor, estimate.currency);
  }

  function statusBadge(estimate) {
    const closed = estimate.status === "declined" || estimate.status === "expired";
    return node("p", t(ESTIMATE_STATUS[estimate.status] || "estimateStatusOpen"), "badge" + (closed ? " is-closed" : ""));
  }

  async function showEstimates() {
    const region = el("estimates-status");
    const list = el("estimates-list");
    list.replaceChildren();
    P.say(region, t("working"));
    const answer = await P.call("GET", "/v1/me/estimates?limit=100");
    if (expired(answer)) return;
    list.replaceChildren();
    if (answer.status !== 200) return P.say(region, P.failure(answer).message, "error");
    for (const estimate of answer.data.items) {
      const item = node("li", null, "record");
      const title = node("h2", null, "record-title");
      title.append(pageLink(node("a", t("estimateLink", { number: estimate.number })), "estimate", estimate.estimate_id));
      item.append(title, node("p", estimateMoney(estimate, estimate.total), "record-amount"), statusBadge(estimate));
      if (estimate.status === "sent" && estimate.expiry_date) {
        item.append(node("p", t("validUntil", { date: P.formatDate(estimate.expiry_date) })));
      }
      if (estimate.status === "accepted" && estimate.deposit_due > 0) {
        item.append(node("p", t("depositDueShort", { amount: estimateMoney(estimate, estimate.deposit_due) })));
      }
      list.append(item);
    }
    P.say(region, answer.data.items.length ? "" : t("noEstimates"));
  }

  function decisionText(estimate) {
    const decision = estimate.decision;
    if (decision && decision.decision === "accepted") {
      return t("decisionAccepted", { name: decision.signature_name || "", date: P.formatDate(decision.decided_at.slice(0, 10)) });
    }
    if (decision && decision.decision === "declined") {
      const text = t("decisionDeclined", { date: P.formatDate(decision.decided_at.slice(0, 10)) });
      return decision.reason ? text + " " + t("decisionReason", { reason: decision.reason }) : text;
    }
    if (estimate.status === "expired") {
      return estimate.expiry_date ? t("decisionExpiredOn", { date: P.formatDate(estimate.expiry_date) }) : t("decisionExpired");
    }
    return "";
  }

  // Fills the estimate page from one answer of the API; which forms show follows its state.
  function renderEstimate(estimate) {
    work.estimate = estimate;
    el("estimate-heading").textContent = t("estimateHeading", { number: estimate.number });
    const facts = el("estimate-facts");
    facts.replaceChildren();
    addFact(facts, t("status"), t(ESTIMATE_STATUS[estimate.status] || "estimateStatusOpen"));
    addFact(facts, t("issued"), P.formatDate(estimate.issue_date));
    if (estimate.expiry_date) addFact(facts, t("validUntilLabel"), P.formatDate(estimate.expiry_date));
    const lines = el("estimate-lines");
    lines.replaceChildren();
    for (const line of estimate.lines) {
      const row = document.createElement("tr");
      row.append(node("td", line.description), node("td", String(line.quantity)), node("td", estimateMoney(estimate, line.amount), "number"));
      lines.append(row);
    }
    const totals = el("estimate-totals");
    totals.replaceChildren();
    addFact(totals, t("subtotal"), estimateMoney(estimate, estimate.subtotal));
    addFact(totals, t("tax"), estimateMoney(estimate, estimate.tax_amount));
    addFact(totals, t("total"), estimateMoney(estimate, estimate.total), "strong");
    if (estimate.deposit_amount > 0) {
      addFact(totals, t("depositLabel"), estimateMoney(estimate, estimate.deposit_amount));
      if (estimate.deposit_paid > 0) addFact(totals, t("depositPaidLabel"), estimateMoney(estimate, estimate.deposit_paid));
    }
    el("estimate-notes").textContent = estimate.notes || "";
    el("estimate-notes").hidden = !estimate.notes;
    const decision = el("estimate-decision");
    decision.textContent = decisionText(estimate);
    decision.hidden = !decision.textContent;
    decision.classList.toggle("is-success", estimate.status === "accepted");
    const changes = el("estimate-changes-list");
    changes.replaceChildren();
    for (const change of estimate.change_requests) {
      const item = node("li", null, "record");
      item.append(node("p", t("changeSentOn", { date: P.formatDate(change.requested_at.slice(0, 10)) }), "record-title"));
      item.append(node("p", change.message, "estimate-notes"));
      changes.append(item);
    }
    el("estimate-changes").hidden = estimate.change_requests.length === 0;
    for (const id of ["estimate-accept-form", "estimate-decline-form", "estimate-change-form"]) {
      el(id).hidden = !estimate.can_decide;
    }
    el("estimate-deposit-form").hidden = true;
    el("estimate-body").hidden = false;
  }

  async function loadEstimate(id) {
    const answer = await P.call("GET", estimatePath(id));
    if (expired(answer)) return null;
    if (answer.status !== 200) {
      P.say(el("estimate-status"), P.failure(answer).message, "error");
      return null;
    }
    renderEstimate(answer.data);
    return answer.data;
  }

  // An accepted estimate with a deposit to pay: the saved methods, or the way to add one.
  async function offerDeposit(estimate) {
    const form = el("estimate-deposit-form");
    form.hidden = true;
    if (estimate.status !== "accepted" || estimate.deposit_due <= 0) return;
    if (estimate.deposit_in_progress) {
      P.say(el("estimate-status"), t("depositInProgress"));
      return;
    }
    const answer = await portal.loadMethods();
    if (expired(answer)) return;
    const methods = answer.status === 200 ? portal.state.methods : [];
    const amount = estimateMoney(estimate, estimate.deposit_due);
    el("estimate-deposit-text").textContent = t("depositText", { amount });
    const list = el("estimate-deposit-methods");
    list.replaceChildren();
    methods.forEach((method, index) => {
      const chosen = method.is_default || (index === 0 && !methods.some((m) => m.is_default));
      list.append(portal.radio("deposit-method", method.payment_method_id, portal.methodLabel(method), chosen));
    });
    el("estimate-deposit-none").hidden = methods.length > 0;
    el("estimate-deposit-billing").hidden = !hasTab("payments");
    pageLink(el("estimate-deposit-billing"), "billing");
    el("estimate-deposit-submit").textContent = t("depositButtonAmount", { amount });
    el("estimate-deposit-submit").hidden = methods.length === 0;
    P.say(el("estimate-deposit-message"), "");
    work.depositKey = null;
    form.hidden = false;
  }

  async function showEstimate(id, params) {
    const region = el("estimate-status");
    el("estimate-heading").textContent = t("navEstimates");
    el("estimate-body").hidden = true;
    pageLink(el("estimate-back"), "estimates");
    for (const form of ["estimate-accept-form", "estimate-decline-form", "estimate-change-form"]) el(form).reset();
    for (const message of ["estimate-accept-message", "estimate-decline-message", "estimate-change-message"]) P.say(el(message), "");
    for (const field of ["estimate-signature", "estimate-agree", "estimate-decline-reason", "estimate-change-text"]) el(field).removeAttribute("aria-invalid");
    P.say(region, t("working"));
    // Back from the bank's page (3-D Secure): the address names the deposit's payment.
    const payment = params.get("payment");
    const outcome = params.get("redirect_status");
    if (payment) history.replaceState(null, "", window.location.pathname);
    const estimate = await loadEstimate(id);
    if (!estimate) return;
    P.say(region, "");
    if (payment && outcome) return finishDeposit(id, outcome);
    await offerDeposit(estimate);
  }

  // The form's answer: the estimate as it is now, or the server's refusal (a 409 when it was
  // decided, expired or changed meanwhile: the page shows it as it is now, with the reason).
  async function decided(answer, region, fields, done) {
    if (expired(answer)) return;
    if (answer.status === 200 || answer.status === 201) {
      renderEstimate(answer.data);
      P.say(region, "", null, fields);
      const status = el("estimate-status");
      P.say(status, t(done, { number: answer.data.number }), "success");
      status.focus();
      await offerDeposit(answer.data);
      return;
    }
    const message = P.failure(answer).message;
    if (answer.status === 409) {
      P.say(region, "", null, fields);
      const fresh = await loadEstimate(work.estimate.estimate_id);
      const status = el("estimate-status");
      P.say(status, message, "error");
      status.focus();
      if (fresh) await offerDeposit(fresh);
      return;
    }
    P.say(region, message, "error", fields);
  }

  function onAccept(event) {
    event.preventDefault();
    const form = event.currentTarget;
    const region = el("estimate-accept-message");
    const signature = el("estimate-signature");
    const agree = el("estimate-agree");
    const name = signature.value.trim();
    P.say(region, "", null, [signature, agree]);
    if (!name) {
      P.say(region, t("signatureMissing"), "error", [signature]);
      signature.focus();
      return;
    }
    if (!agree.checked) {
      P.say(region, t("acceptMustAgree"), "error", [agree]);
      agree.focus();
      return;
    }
    P.busy(form, async () => {
      P.say(region, t("working"));
      const path = estimatePath(work.estimate.estimate_id) + "/accept";
      const answer = await P.call("POST", path, { signature_name: name, accept_terms: true });
      await decided(answer, region, [signature, agree], "acceptedDone");
    });
  }

  function onDecline(event) {
    event.preventDefault();
    const form = event.currentTarget;
    const region = el("estimate-decline-message");
    const reason = el("estimate-decline-reason");
    const text = reason.value.trim();
    if (!text) {
      P.say(region, t("declineReasonMissing"), "error", [reason]);
      reason.focus();
      return;
    }
    P.busy(form, async () => {
      P.say(region, t("working"), null, [reason]);
      const answer = await P.call("POST", estimatePath(work.estimate.estimate_id) + "/decline", { reason: text });
      await decided(answer, region, [reason], "declinedDone");
    });
  }

  function onChangeRequest(event) {
    event.preventDefault();
    const form = event.currentTarget;
    const region = el("estimate-change-message");
    const message = el("estimate-change-text");
    const text = message.value.trim();
    if (!text) {
      P.say(region, t("changeMissing"), "error", [message]);
      message.focus();
      return;
    }
    P.busy(form, async () => {
      P.say(region, t("working"), null, [message]);
      const answer = await P.call("POST", estimatePath(work.estimate.estimate_id) + "/change-request", { message: text });
      await decided(answer, region, [message], "changeDone");
    });
  }

  function onDeposit(event) {
    event.preventDefault();
    const form = event.currentTarget;
    const region = el("estimate-deposit-message");
    const method = form.querySelector("input[name=deposit-method]:checked");
    if (!method) {
      P.say(region, t("chooseMethod"), "error");
      const first = form.querySelector("input[name=deposit-method]");
      if (first) first.focus();
      return;
    }
    const id = work.estimate.estimate_id;
    // One key per attempt: a retry after a lost answer (or "retry with the same key") pays once.
    if (!work.depositKey) work.depositKey = crypto.randomUUID();
    P.busy(form, async () => {
      P.say(region, t("working"));
      const answer = await P.call("POST", estimatePath(id) + "/deposit", { payment_method_id: method.value }, { "Idempotency-Key": work.depositKey });
      if (answer.status !== 0 && answer.status < 500) work.depositKey = null;
      if (expired(answer)) return;
      if (answer.status !== 200) return P.say(region, P.failure(answer).message, "error");
      const result = answer.data;
      if (result.status === "requires_action" && result.next_action) {
        P.say(region, t("payAuthenticating"));
        const back = window.location.origin + P.portalPath(portal.state.slug, "estimate", id) + "?payment=" + encodeURIComponent(result.payment_id);
        const outcome = await portal.confirmWithBank(result.next_action, back);
        if (outcome) await finishDeposit(id, outcome);
        return;
      }
      if (result.status === "succeeded" || result.status === "processing") {
        return depositDone(id, result.status, P.formatMoney(result.amount, result.currency));
      }
      P.say(region, result.message || t("unexpected"), "error");
    });
  }

  async function depositDone(id, status, amount) {
    el("estimate-deposit-form").hidden = true;
    await loadEstimate(id);
    const region = el("estimate-status");
    P.say(region, t(status === "succeeded" ? "depositPaid" : "depositProcessing", { amount }), "success");
    region.focus();
    await portal.refreshDashboard();
  }

  // After the bank's page: Stripe tells Portico by webhook; wait until the estimate counts
  // the deposit as paid, or as no longer in progress (the payment failed).
  async function finishDeposit(id, outcome) {
    const region = el("estimate-status");
    if (outcome !== "succeeded") {
      P.say(region, t("payAuthFailed"), "error");
      region.focus();
      // The failed payment lets go of the deposit when Stripe's answer arrives: offer it again then.
      let estimate = work.estimate;
      for (let tries = 0; estimate && estimate.deposit_in_progress && tries < 20; tries += 1) {
        await new Promise((resolve) => setTimeout(resolve, 500));
        const answer = await P.call("GET", estimatePath(id));
        if (expired(answer)) return;
        if (answer.status === 200) estimate = answer.data;
      }
      if (!estimate) return;
      renderEstimate(estimate);
      if (!estimate.deposit_in_progress) await offerDeposit(estimate);
      return;
    }
    P.say(region, t("payChecking"));
    for (let tries = 0; tries < 20; tries += 1) {
      const answer = await P.call("GET", estimatePath(id));
      if (expired(answer)) return;
      const estimate = answer.status === 200 ? answer.data : null;
      if (estimate && estimate.deposit_due <= 0) {
        return depositDone(id, "succeeded", estimateMoney(estimate, estimate.deposit_paid));
      }
      if (estimate && !estimate.deposit_in_progress) {
        renderEstimate(estimate);
        P.say(region, t("depositFailed"), "error");
        region.focus();
        return offerDeposit(estimate);
      }
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    P.say(region, t("depositStillPending"));
  }

  function wireEstimate() {
    el("estimate-accept-form").addEventListener("submit", onAccept);
    el("estimate-decline-form").addEventListener("submit", onDecline);
    el("estimate-change-form").addEventListener("submit", onChangeRequest);
    el("estimate-deposit-form").addEventListener("submit", onDeposit);
  }

  // --- work requests --------------------------------------------------------------------------

  const REQUEST_STATUS = {
    new: "requestStatusNew",
    in_review: "requestStatusInReview",
    scheduled: "requestStatusScheduled",
    declined: "requestStatusDeclined",
    done: "requestStatusDone",
  };

  function requestItem(request) {
    const item = node("li", null, "record");
    item.append(node("h3", request.service, "record-title"));
    item.append(node("p", t(REQUEST_STATUS[request.status] || "requestStatusNew"), "badge" + (request.status === "declined" ? " is-closed" : "")));
    item.append(node("p", t("requestSentOn", { date: portal.shortDate(request.created_at) })));
    item.append(node("p", request.description, "estimate-notes"));
    if (request.note) {
      const note = node("p", null, "notice");
      note.append(node("strong", t("requestOfficeNote")), " ", node("span", request.note));
      item.append(note);
    }
    if (request.photos.length) {
      const photos = node("ul", null, "visit-photos");
      photos.setAttribute("aria-label", t("requestPhotos"));
      request.photos.forEach((photo, index) => {
        const image = document.createElement("img");
        image.src = photo.url;
        image.alt = t("requestPhotoAlt", { number: index + 1, service: request.service });
        image.loading = "lazy";
        image.addEventListener("error", () => image.replaceWith(node("p", t("photoUnavailable"), "message")));
        photos.append(wrap("li", image));
      });
      item.append(photos);
    }
    return item;
  }

  async function listRequests() {
    const region = el("requests-status");
    const list = el("requests-list");
    P.say(region, t("working"));
    const answer = await P.call("GET", "/v1/me/work-requests?limit=100");
    if (expired(answer)) return;
    list.replaceChildren();
    if (answer.status !== 200) return P.say(region, P.failure(answer).message, "error");
    for (const request of answer.data.items) list.append(requestItem(request));
    P.say(region, answer.data.items.length ? "" : t("noRequests"));
  }

  function updateCounter() {
    const length = el("request-description").value.length;
    el("request-counter").textContent = t("requestCounter", { count: length.toLocaleString(P.language()), max: MAX_DESCRIPTION.toLocaleString(P.language()) });
  }

  // The type S3's policy is signed for: the browser's, or HEIC by its name (some browsers
  // give HEIC photos no type).
  function photoType(file) {
    if (file.type) return file.type.toLowerCase() === "image/jpg" ? "image/jpeg" : file.type.toLowerCase();
    return /\.heic$/i.test(file.name) ? "image/heic" : "";
  }

  // A photo's line is kept as a string key and its values, so it is said in the language
  // chosen when it shows (the page may switch language with a draft in the form).
  function photoError(file, type) {
    if (!PHOTO_TYPES.has(type)) return { key: "photoNotImage", values: { name: file.name } };
    if (file.size > MAX_PHOTO_BYTES) return { key: "photoTooLarge", values: { name: file.name } };
    if (file.size === 0) return { key: "photoEmpty", values: { name: file.name } };
    return null;
  }

  function said(line) {
    return line.text || t(line.key, line.values);
  }

  function renderPhotos() {
    const list = el("request-photo-list");
    list.replaceChildren();
    for (const photo of work.photos) {
      const line = photo.error || photo.progress || { key: "photoReady", values: { name: photo.file.name } };
      const item = node("li", said(line));
      if (photo.error) item.className = "is-error";
      list.append(item);
    }
  }

  function onPhotosChosen() {
    const input = el("request-photos");
    work.photos = [...input.files].map((file) => {
      const type = photoType(file);
      return { file, type, error: photoError(file, type), progress: null, photoId: null };
    });
    renderPhotos();
    const region = el("request-message");
    if (work.photos.length > MAX_PHOTOS) P.say(region, t("tooManyPhotos", { max: MAX_PHOTOS }), "error", [input]);
    else if (work.photos.some((photo) => photo.error)) P.say(region, t("photosRefused"), "error", [input]);
    else P.say(region, "", null, [input]);
  }

  // One photo: a presigned POST from the API, then the file straight to S3 (fields first,
  // the file last). Its id is kept, so a retry of the request does not upload it again.
  async function uploadPhoto(photo) {
    if (photo.photoId) return true;
    photo.progress = { key: "photoUploading", values: { name: photo.file.name } };
    renderPhotos();
    const grant = await P.call("POST", "/v1/me/work-requests/photos", { content_type: photo.type, size: photo.file.size });
    if (expired(grant)) return false;
    if (grant.status !== 201) {
      photo.error = { text: P.failure(grant).message };
      renderPhotos();
      return false;
    }
    const form = new FormData();
    for (const [name, value] of Object.entries(grant.data.upload.fields)) form.append(name, value);
    form.append("file", photo.file);
    let ok = false;
    try {
      const response = await fetch(grant.data.upload.url, { method: "POST", body: form, credentials: "omit" });
      ok = response.ok;
    } catch (error) {
      ok = false;
    }
    if (!ok) {
      photo.progress = null;
      photo.error = { key: "photoUploadFailed", values: { name: photo.file.name } };
      renderPhotos();
      return false;
    }
    photo.photoId = grant.data.photo_id;
    photo.progress = { key: "photoUploaded", values: { name: photo.file.name } };
    renderPhotos();
    return true;
  }

  function onRequest(event) {
    event.preventDefault();
    const form = event.currentTarget;
    const region = el("request-message");
    const service = el("request-service");
    const description = el("request-description");
    const photosInput = el("request-photos");
    const fields = [service, description, photosInput];
    P.say(region, "", null, fields);
    if (!service.value.trim()) {
      P.say(region, t("requestServiceMissing"), "error", [service]);
      service.focus();
      return;
    }
    const text = description.value.trim();
    if (!text) {
      P.say(region, t("requestDescriptionMissing"), "error", [description]);
      description.focus();
      return;
    }
    if (text.length > MAX_DESCRIPTION) {
      P.say(region, t("requestDescriptionTooLong", { max: MAX_DESCRIPTION.toLocaleString(P.language()) }), "error", [description]);
      description.focus();
      return;
    }
    if (work.photos.length > MAX_PHOTOS || work.photos.some((photo) => photo.error && !photo.photoId)) {
      // A photo refused before upload stays refused; one that failed to upload is tried again.
      for (const photo of work.photos) if (photo.error && !photoError(photo.file, photo.type)) photo.error = null;
      if (work.photos.length > MAX_PHOTOS || work.photos.some((photo) => photo.error)) {
        renderPhotos();
        P.say(region, work.photos.length > MAX_PHOTOS ? t("tooManyPhotos", { max: MAX_PHOTOS }) : t("photosRefused"), "error", [photosInput]);
        photosInput.focus();
        return;
      }
    }
    P.busy(form, async () => {
      P.say(region, t("working"));
      for (const photo of work.photos) {
        if (!(await uploadPhoto(photo))) {
          if (!el("view-requests").hidden) P.say(region, t("photosNotSent"), "error", [photosInput]);
          return;
        }
      }
      // One key per attempt: a retry after a lost answer files the request once.
      if (!work.requestKey) work.requestKey = crypto.randomUUID();
      const body = { service: service.value.trim(), description: text, photo_ids: work.photos.map((photo) => photo.photoId) };
      const answer = await P.call("POST", "/v1/me/work-requests", body, { "Idempotency-Key": work.requestKey });
      if (answer.status !== 0 && answer.status < 500) work.requestKey = null;
      if (expired(answer)) return;
      if (answer.status !== 201 && answer.status !== 200) return P.say(region, P.failure(answer).message, "error");
      form.reset();
      work.photos = [];
      renderPhotos();
      updateCounter();
      await listRequests();
      P.say(region, t("requestSent", { service: answer.data.service }), "success");
      region.focus();
    });
  }

  // A draft stays in the form while the person moves around the portal (or switches
  // language); it is cleared once it is sent.
  function showRequests() {
    const form = el("request-form");
    renderPhotos();
    updateCounter();
    P.say(el("request-message"), "", null, form.querySelectorAll("input, textarea"));
    return listRequests();
  }

  function wireRequests() {
    el("request-form").addEventListener("submit", onRequest);
    el("request-description").addEventListener("input", updateCounter);
    el("request-photos").addEventListener("change", onPhotosChosen);
    // A changed request is a new attempt: it gets a new key.
    el("request-form").addEventListener("input", () => (work.requestKey = null));
  }

  portal.addPage("estimates", { view: "view-estimates", name: "navEstimates", tab: "estimates", show: () => showEstimates() });
  portal.addPage("estimate", {
    view: "view-estimate",
    name: "navEstimates",
    tab: "estimates",
    nav: "estimates",
    show: (id, params) => showEstimate(id, params),
    wire: wireEstimate,
  });
  portal.addPage("requests", { view: "view-requests", name: "navRequests", tab: "work_requests", show: () => showRequests(), wire: wireRequests });
})();
