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
  // a test checks every data-i18n element's text equals its entry here and that Spanish has
  // every string the portal uses; `{name}` placeholders are filled by t().
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
      signOutButton: "Sign out",
      poweredBy: "Powered by Portico",
      switchLanguage: "Español",
      navHome: "Home",
      navInvoices: "Invoices",
      navPayments: "Payments",
      navPay: "Pay",
      navBilling: "Billing info",
      pageTitle: "{page} · {business}",
      payNow: "Pay now",
      payBalance: "Pay balance",
      pastDueBanner: "{amount} is past due. Please pay it as soon as you can.",
      autopayLabel: "AutoPay",
      autopayOnWith: "On, with {method}",
      autopayOn: "On",
      autopayOff: "Off",
      openInvoicesBadge: "{count} open invoices",
      openInvoiceBadge: "1 open invoice",
      openEstimatesBadge: "{count} estimates to review",
      openEstimateBadge: "1 estimate to review",
      creditBadge: "{amount} account credit",
      invoicesHeading: "Invoices",
      showLegend: "Show",
      filterOpen: "Open",
      filterPaid: "Paid",
      filterAll: "All",
      noInvoices: "No invoices to show.",
      invoiceHeading: "Invoice {number}",
      invoiceLink: "Invoice {number}",
      backToInvoices: "Back to invoices",
      linesCaption: "What this invoice is for",
      lineDescription: "Description",
      lineQuantity: "Qty",
      lineAmount: "Amount",
      issued: "Issued",
      due: "Due",
      status: "Status",
      subtotal: "Subtotal",
      tax: "Tax",
      total: "Total",
      amountPaid: "Paid",
      amountDue: "Amount due",
      payThisInvoice: "Pay this invoice",
      downloadPdf: "Download PDF",
      statusOpen: "Open",
      statusPastDue: "Past due",
      statusPartiallyPaid: "Partly paid",
      statusPaid: "Paid",
      statusInProgress: "Payment in progress",
      dueOn: "Due {date}",
      paymentsHeading: "Payments",
      noPayments: "No payments yet.",
      paymentSucceeded: "Paid",
      paymentProcessing: "Processing",
      paymentPending: "Pending",
      paymentRequiresAction: "Waiting for your bank",
      paymentFailed: "Failed",
      paymentRefunded: "Refunded",
      paymentOf: "{amount} on {date}",
      appliedTo: "For {invoices}",
      accountCredit: "account credit",
      receiptLink: "Receipt for the payment of {amount} on {date}",
      viewReceipt: "View receipt",
      payHeading: "Make a payment",
      payWhatLegend: "What to pay",
      payBalanceOption: "The whole balance",
      payWholeBalance: "The whole balance: {amount}",
      payChooseInvoices: "Choose invoices",
      payInvoiceOption: "{number}, due {date}: {amount}",
      payWithLegend: "Pay with",
      payNoMethods: "You have no saved card yet. Add one to pay.",
      addCardLink: "Add a card",
      payConfirm: "Pay now",
      payConfirmAmount: "Pay {amount}",
      payTotal: "Total: {amount}",
      nothingToPay: "You owe nothing right now. Thank you!",
      chooseInvoice: "Choose at least one invoice.",
      chooseMethod: "Choose a card to pay with.",
      paySucceeded: "Thank you! We received your payment of {amount}. A receipt is on its way by email.",
      payProcessing: "Your bank payment of {amount} is on its way. It can take a few days to clear.",
      payAuthenticating: "Your bank wants you to confirm this payment…",
      payChecking: "Checking your payment with your bank…",
      payAuthFailed: "Your bank did not confirm the payment, so nothing was charged. Try again or choose another card.",
      payStillPending: "Your payment is still being confirmed. Check Payments in a minute.",
      backHome: "Back to home",
      methodCard: "{brand} ending {last4}",
      methodBank: "{bank} account ending {last4}",
      methodExpires: "expires {month}/{year}",
      defaultMethod: "Default",
      billingHeading: "Billing info",
      walletHeading: "Saved payment methods",
      walletEmpty: "No saved payment methods yet.",
      makeDefault: "Make {method} the default",
      removeMethod: "Remove {method}",
      methodRemoved: "{method} was removed.",
      methodDefault: "{method} is now your default.",
      addCardButton: "Add a card",
      saveCardButton: "Save card",
      openingCardForm: "Opening the secure card form…",
      cardSaved: "{method} is saved.",
      cardCanceled: "No card was added.",
      autopayHeading: "AutoPay",
      autopayIsOn: "AutoPay is on. We charge {method} for each routine service invoice.",
      autopayIsOff: "AutoPay is off.",
      autopayNeedsCard: "Add a card to turn on AutoPay.",
      autopayMethodLabel: "Card to charge",
      autopayTermsHeading: "AutoPay authorization",
      autopayAccept: "I agree to the AutoPay authorization above",
      autopayMustAccept: "Check the box to agree to the AutoPay authorization.",
      autopayTurnOn: "Turn on AutoPay",
      autopayTurnOff: "Turn off AutoPay",
      autopayTurnedOn: "AutoPay is on.",
      autopayTurnedOff: "AutoPay is off.",
      sessionExpired: "Your session ended. Sign in again to continue where you were.",

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
      toStaffSignIn: "Go to staff sign-in",
      homeLink: "Portico home",
      // --- Self-service pages (issue 8, web2): service history ---
      navVisits: "Service history",
      visitsHeading: "Service history",
      visitsUpcoming: "Upcoming visits",
      visitsPast: "Past visits",
      noUpcomingVisits: "No visits scheduled.",
      noPastVisits: "No past visits yet.",
      visitTitle: "{service}, {date}",
      visitTechnician: "Technician: {name}",
      visitStatusScheduled: "Scheduled",
      visitStatusCompleted: "Completed",
      visitStatusSkipped: "Skipped",
      visitStatusCancelled: "Cancelled",
      visitPhotos: "Photos",
      photoBefore: "Before",
      photoAfter: "After",
      photoAltBefore: "Before: {service} on {date}",
      photoAltAfter: "After: {service} on {date}",
      photoAltOther: "Photo of {service} on {date}",
      photoUnavailable: "This photo could not be loaded. Reload the page to try again.",
      moreVisits: "Show more visits",
      // --- Self-service pages (issue 8, web2): rate us ---
      navReview: "Rate us",
      reviewHeading: "Rate us",
      reviewIntro: "Tell us how we did. Your rating goes to the business only.",
      reviewRatingLegend: "Your rating",
      star1: "1 star",
      star2: "2 stars",
      star3: "3 stars",
      star4: "4 stars",
      star5: "5 stars",
      reviewCommentLabel: "Comment (optional)",
      reviewSubmit: "Send rating",
      reviewChooseRating: "Choose from 1 to 5 stars.",
      reviewCommentTooLong: "Keep the comment to 2,000 characters or fewer.",
      reviewThanks: "Thank you for your {rating}-star rating.",
      reviewPublicAsk: "Glad you’re happy! Would you share it publicly too?",
      reviewPublicLink: "Leave a public review (opens in a new tab)",
      // --- Self-service pages (issue 8, web2): documents ---
      navDocuments: "Documents",
      documentsHeading: "Documents",
      noDocuments: "No documents yet.",
      documentAdded: "Added {date} · {size}",
      documentDownload: "Download",
      documentDownloadLabel: "Download {title}",
      documentDownloading: "Downloading {title}…",
      // --- Estimates and work requests (portal-work.js) ---
      navEstimates: "Estimates",
      estimatesHeading: "Estimates",
      noEstimates: "No estimates yet.",
      estimateLink: "Estimate {number}",
      estimateHeading: "Estimate {number}",
      backToEstimates: "Back to estimates",
      estimateStatusOpen: "Open",
      estimateStatusAccepted: "Accepted",
      estimateStatusDeclined: "Declined",
      estimateStatusExpired: "Expired",
      validUntil: "Valid until {date}",
      validUntilLabel: "Valid until",
      depositDueShort: "Deposit due: {amount}",
      estimateLinesCaption: "What this estimate is for",
      depositLabel: "Deposit",
      depositPaidLabel: "Deposit paid",
      decisionAccepted: "Accepted by {name} on {date}.",
      decisionDeclined: "Declined on {date}.",
      decisionReason: "Reason: {reason}",
      decisionExpiredOn: "This estimate expired on {date}. Contact us for a new one.",
      decisionExpired: "This estimate has expired. Contact us for a new one.",
      estimateChangesHeading: "Changes you asked for",
      changeSentOn: "Sent {date}",
      acceptHeading: "Accept this estimate",
      signatureLabel: "Your full name, as your signature",
      acceptAgree: "I accept this estimate, and my typed name is my signature",
      acceptButton: "Accept estimate",
      signatureMissing: "Type your full name to sign.",
      acceptMustAgree: "Tick the box to accept the estimate.",
      acceptedDone: "You accepted estimate {number}. Thank you!",
      changeHeading: "Ask for changes",
      changeLabel: "What should change?",
      changeButton: "Send change request",
      changeMissing: "Write what should change.",
      changeDone: "Your change request for estimate {number} was sent. We’ll be in touch.",
      declineHeading: "Decline this estimate",
      declineLabel: "Why are you declining?",
      declineButton: "Decline estimate",
      declineReasonMissing: "Tell us why you are declining, in a few words.",
      declinedDone: "You declined estimate {number}.",
      depositHeading: "Pay the deposit",
      depositText: "This estimate asks for a deposit of {amount}.",
      depositNoMethods: "You have no saved card yet.",
      depositAddCard: "Add one in Billing info",
      depositButton: "Pay deposit",
      depositButtonAmount: "Pay deposit of {amount}",
      depositInProgress: "A payment of the deposit is in progress.",
      depositPaid: "Deposit of {amount} paid. Thank you!",
      depositProcessing: "Your deposit of {amount} is on its way; bank payments take a few days.",
      depositFailed: "The deposit was not paid, so nothing was charged. Try again or choose another card.",
      depositStillPending: "Your deposit is still being confirmed. Look at this estimate again in a minute.",
      navRequests: "Requests",
      requestsHeading: "Requests",
      requestFormHeading: "Ask for work",
      requestServiceLabel: "What do you need?",
      requestServiceHint: "A few words, like “Pool pump repair”.",
      requestDescriptionLabel: "Describe the work",
      requestCounter: "{count} of {max} characters",
      requestPhotosLabel: "Photos (optional)",
      requestPhotosHint: "Up to 5 photos (JPEG, PNG, WebP or HEIC), 10 MB each.",
      requestSubmit: "Send request",
      requestsListHeading: "Your requests",
      noRequests: "No requests yet.",
      requestServiceMissing: "Say in a few words what you need.",
      requestDescriptionMissing: "Describe the work you need.",
      requestDescriptionTooLong: "Keep the description to {max} characters or fewer.",
      tooManyPhotos: "Choose at most {max} photos.",
      photosRefused: "Some photos can’t be sent. Choose others, or none.",
      photoReady: "{name}: ready",
      photoNotImage: "{name}: not a photo. Choose a JPEG, PNG, WebP or HEIC image.",
      photoTooLarge: "{name}: larger than 10 MB. Choose a smaller photo.",
      photoEmpty: "{name}: the file is empty.",
      photoUploading: "{name}: uploading…",
      photoUploaded: "{name}: uploaded",
      photoUploadFailed: "{name}: the upload failed. Send the request again to retry.",
      photosNotSent: "A photo could not be uploaded, so the request was not sent.",
      requestSent: "Your request “{service}” was sent. We’ll be in touch.",
      requestSentOn: "Sent {date}",
      requestOfficeNote: "Our note:",
      requestPhotos: "Photos",
      requestPhotoAlt: "Photo {number} of your request: {service}",
      requestStatusNew: "Received",
      requestStatusInReview: "In review",
      requestStatusScheduled: "Scheduled",
      requestStatusDeclined: "Declined",
      requestStatusDone: "Done",
      contactHours: "Hours",
      // --- Statement, notifications, profile, contact, activity (portal-account.js) ---
    },

    // Spanish: every string of the customer portal (the admin pages' are in their own section
    // below). Usted, as businesses write to their customers.
    es: {
      skipLink: "Saltar al contenido",
      portalBrand: "Portal de clientes",
      loading: "Cargando el portal…",
      loadFailed: "No pudimos cargar este portal. Revise su conexión y vuelva a cargar la página.",
      portalTitle: "Portal de clientes de {business}",
      missingTitle: "Portal no encontrado",
      missingHeading: "Portal no encontrado",
      missingText:
        "No encontramos un portal de clientes en esta dirección. Revise el enlace de su factura o correo, o comuníquese con la empresa que lo envió.",
      missingHome: "Ir a la página principal de Portico",
      contactHeading: "Contáctenos",
      contactEmail: "Correo",
      contactPhone: "Teléfono",
      contactWebsite: "Sitio web",
      contactAddress: "Dirección",
      logoAlt: "Logotipo de {business}",

      signInHeading: "Iniciar sesión",
      emailLabel: "Correo electrónico",
      passwordLabel: "Contraseña",
      showPassword: "Mostrar contraseña",
      hidePassword: "Ocultar contraseña",
      signInButton: "Iniciar sesión",
      forgotSummary: "¿Olvidó su contraseña?",
      forgotIntro: "Escriba su correo y le enviaremos un enlace para elegir una contraseña nueva.",
      forgotButton: "Enviarme un enlace para restablecerla",
      or: "o",
      magicHeading: "Iniciar sesión sin contraseña",
      magicIntro: "Le enviaremos por correo un enlace para iniciar sesión. Sirve una vez, durante 15 minutos.",
      magicButton: "Enviarme un enlace para iniciar sesión",
      signupSummary: "¿Es su primera vez? Cree su acceso",
      signupIntro:
        "Escriba el correo que la empresa tiene de usted. Si pertenece a un cliente, le enviaremos un enlace para elegir una contraseña.",
      signupButton: "Enviarme un enlace",
      linkSent: "Si ese correo pertenece a un cliente, le enviamos un enlace. Puede tardar un minuto en llegar.",
      enterEmail: "Escriba su correo electrónico.",
      enterPassword: "Escriba su contraseña.",
      wrongCredentials: "El correo o la contraseña no son correctos.",
      tooManyTries: "Demasiados intentos. Vuelva a intentarlo en {wait}.",
      tooManyTriesSoon: "Demasiados intentos. Vuelva a intentarlo en unos minutos.",
      unexpected: "Algo salió mal de nuestro lado. Inténtelo de nuevo en un momento.",
      offline: "No pudimos comunicarnos con el portal. Revise su conexión e inténtelo de nuevo.",
      signedOut: "Cerró la sesión.",
      working: "Un momento…",

      createLoginHeading: "Cree su acceso",
      createLoginIntro: "Elija una contraseña para su portal de clientes.",
      resetHeading: "Elija una contraseña nueva",
      resetIntro: "Su contraseña nueva reemplaza a la anterior.",
      magicLinkHeading: "Iniciar sesión",
      magicLinkIntro: "Use el botón para terminar de iniciar sesión con el enlace de su correo.",
      magicSignInButton: "Iniciar mi sesión",
      newPasswordLabel: "Contraseña nueva",
      passwordHint: "Al menos 8 caracteres; 15 o más es mejor. Unas palabras que recuerde funcionan bien.",
      savePasswordButton: "Guardar la contraseña e iniciar sesión",
      linkMissing: "Este enlace está incompleto. Ábralo de nuevo desde su correo.",
      linkDead: "Este enlace venció o ya se usó.",
      resendButton: "Enviarme un enlace nuevo",
      resendSent: "Si el enlace era nuestro, uno nuevo va en camino.",
      toSignIn: "Ir a la página para iniciar sesión",

      homeHeading: "Hola, {name}",
      balanceDue: "Saldo pendiente",
      pastDue: "Vencido",
      nothingPastDue: "Nada vencido",
      pastDueAmount: "{amount} vencido",
      nextVisit: "Próxima visita",
      noVisit: "Ninguna programada",
      signOutButton: "Cerrar sesión",
      poweredBy: "Con la tecnología de Portico",
      switchLanguage: "English",
      navHome: "Inicio",
      navInvoices: "Facturas",
      navPayments: "Pagos",
      navPay: "Pagar",
      navBilling: "Facturación",
      pageTitle: "{page} · {business}",
      payNow: "Pagar ahora",
      payBalance: "Pagar el saldo",
      pastDueBanner: "{amount} está vencido. Por favor, páguelo lo antes posible.",
      autopayLabel: "Pago automático",
      autopayOnWith: "Activado, con {method}",
      autopayOn: "Activado",
      autopayOff: "Desactivado",
      openInvoicesBadge: "{count} facturas abiertas",
      openInvoiceBadge: "1 factura abierta",
      openEstimatesBadge: "{count} presupuestos por revisar",
      openEstimateBadge: "1 presupuesto por revisar",
      creditBadge: "{amount} de crédito en su cuenta",
      invoicesHeading: "Facturas",
      showLegend: "Mostrar",
      filterOpen: "Abiertas",
      filterPaid: "Pagadas",
      filterAll: "Todas",
      noInvoices: "No hay facturas para mostrar.",
      invoiceHeading: "Factura {number}",
      invoiceLink: "Factura {number}",
      backToInvoices: "Volver a las facturas",
      linesCaption: "Qué incluye esta factura",
      lineDescription: "Descripción",
      lineQuantity: "Cant.",
      lineAmount: "Importe",
      issued: "Emitida",
      due: "Vence",
      status: "Estado",
      subtotal: "Subtotal",
      tax: "Impuesto",
      total: "Total",
      amountPaid: "Pagado",
      amountDue: "Importe pendiente",
      payThisInvoice: "Pagar esta factura",
      downloadPdf: "Descargar PDF",
      statusOpen: "Abierta",
      statusPastDue: "Vencida",
      statusPartiallyPaid: "Pagada en parte",
      statusPaid: "Pagada",
      statusInProgress: "Pago en curso",
      dueOn: "Vence el {date}",
      paymentsHeading: "Pagos",
      noPayments: "Todavía no hay pagos.",
      paymentSucceeded: "Pagado",
      paymentProcessing: "En proceso",
      paymentPending: "Pendiente",
      paymentRequiresAction: "Esperando a su banco",
      paymentFailed: "Fallido",
      paymentRefunded: "Reembolsado",
      paymentOf: "{amount} el {date}",
      appliedTo: "Para {invoices}",
      accountCredit: "crédito en la cuenta",
      receiptLink: "Recibo del pago de {amount} del {date}",
      viewReceipt: "Ver el recibo",
      payHeading: "Hacer un pago",
      payWhatLegend: "Qué pagar",
      payBalanceOption: "Todo el saldo",
      payWholeBalance: "Todo el saldo: {amount}",
      payChooseInvoices: "Elegir facturas",
      payInvoiceOption: "{number}, vence el {date}: {amount}",
      payWithLegend: "Pagar con",
      payNoMethods: "Todavía no tiene una tarjeta guardada. Agregue una para pagar.",
      addCardLink: "Agregar una tarjeta",
      payConfirm: "Pagar ahora",
      payConfirmAmount: "Pagar {amount}",
      payTotal: "Total: {amount}",
      nothingToPay: "No debe nada por ahora. ¡Gracias!",
      chooseInvoice: "Elija al menos una factura.",
      chooseMethod: "Elija una tarjeta para pagar.",
      paySucceeded: "¡Gracias! Recibimos su pago de {amount}. Le enviamos el recibo por correo.",
      payProcessing: "Su pago bancario de {amount} está en camino. Puede tardar unos días en acreditarse.",
      payAuthenticating: "Su banco le pide confirmar este pago…",
      payChecking: "Verificando su pago con su banco…",
      payAuthFailed: "Su banco no confirmó el pago, así que no se cobró nada. Inténtelo de nuevo o elija otra tarjeta.",
      payStillPending: "Su pago todavía se está confirmando. Revise Pagos en un minuto.",
      backHome: "Volver al inicio",
      methodCard: "{brand} terminada en {last4}",
      methodBank: "Cuenta de {bank} terminada en {last4}",
      methodExpires: "vence {month}/{year}",
      defaultMethod: "Predeterminada",
      billingHeading: "Facturación",
      walletHeading: "Métodos de pago guardados",
      walletEmpty: "Todavía no hay métodos de pago guardados.",
      makeDefault: "Usar {method} como predeterminada",
      removeMethod: "Quitar {method}",
      methodRemoved: "Se quitó {method}.",
      methodDefault: "{method} es ahora su método predeterminado.",
      addCardButton: "Agregar una tarjeta",
      saveCardButton: "Guardar la tarjeta",
      openingCardForm: "Abriendo el formulario seguro de tarjeta…",
      cardSaved: "Se guardó {method}.",
      cardCanceled: "No se agregó ninguna tarjeta.",
      autopayHeading: "Pago automático",
      autopayIsOn: "El pago automático está activado. Cobramos a {method} cada factura de servicio habitual.",
      autopayIsOff: "El pago automático está desactivado.",
      autopayNeedsCard: "Agregue una tarjeta para activar el pago automático.",
      autopayMethodLabel: "Tarjeta a cobrar",
      autopayTermsHeading: "Autorización de pago automático",
      autopayAccept: "Acepto la autorización de pago automático de arriba",
      autopayMustAccept: "Marque la casilla para aceptar la autorización de pago automático.",
      autopayTurnOn: "Activar el pago automático",
      autopayTurnOff: "Desactivar el pago automático",
      autopayTurnedOn: "El pago automático está activado.",
      autopayTurnedOff: "El pago automático está desactivado.",
      sessionExpired: "Su sesión terminó. Inicie sesión de nuevo para seguir donde estaba.",
      // --- Self-service pages (issue 8, web2): service history ---
      navVisits: "Historial de servicio",
      visitsHeading: "Historial de servicio",
      visitsUpcoming: "Próximas visitas",
      visitsPast: "Visitas anteriores",
      noUpcomingVisits: "No hay visitas programadas.",
      noPastVisits: "Todavía no hay visitas anteriores.",
      visitTitle: "{service}, {date}",
      visitTechnician: "Técnico: {name}",
      visitStatusScheduled: "Programada",
      visitStatusCompleted: "Completada",
      visitStatusSkipped: "Omitida",
      visitStatusCancelled: "Cancelada",
      visitPhotos: "Fotos",
      photoBefore: "Antes",
      photoAfter: "Después",
      photoAltBefore: "Antes: {service} del {date}",
      photoAltAfter: "Después: {service} del {date}",
      photoAltOther: "Foto de {service} del {date}",
      photoUnavailable: "No se pudo cargar esta foto. Vuelva a cargar la página para intentarlo de nuevo.",
      moreVisits: "Mostrar más visitas",
      // --- Self-service pages (issue 8, web2): rate us ---
      navReview: "Califíquenos",
      reviewHeading: "Califíquenos",
      reviewIntro: "Díganos cómo lo hicimos. Su calificación solo la ve la empresa.",
      reviewRatingLegend: "Su calificación",
      star1: "1 estrella",
      star2: "2 estrellas",
      star3: "3 estrellas",
      star4: "4 estrellas",
      star5: "5 estrellas",
      reviewCommentLabel: "Comentario (opcional)",
      reviewSubmit: "Enviar calificación",
      reviewChooseRating: "Elija de 1 a 5 estrellas.",
      reviewCommentTooLong: "El comentario puede tener hasta 2000 caracteres.",
      reviewThanks: "Gracias por su calificación de {rating} estrellas.",
      reviewPublicAsk: "¡Nos alegra que esté contento! ¿Quiere compartirlo también en público?",
      reviewPublicLink: "Dejar una reseña pública (se abre en una pestaña nueva)",
      // --- Self-service pages (issue 8, web2): documents ---
      navDocuments: "Documentos",
      documentsHeading: "Documentos",
      noDocuments: "Todavía no hay documentos.",
      documentAdded: "Agregado el {date} · {size}",
      documentDownload: "Descargar",
      documentDownloadLabel: "Descargar {title}",
      documentDownloading: "Descargando {title}…",
      // --- Estimates and work requests (portal-work.js) ---
      navEstimates: "Presupuestos",
      estimatesHeading: "Presupuestos",
      noEstimates: "Aún no hay presupuestos.",
      estimateLink: "Presupuesto {number}",
      estimateHeading: "Presupuesto {number}",
      backToEstimates: "Volver a presupuestos",
      estimateStatusOpen: "Abierto",
      estimateStatusAccepted: "Aceptado",
      estimateStatusDeclined: "Rechazado",
      estimateStatusExpired: "Vencido",
      validUntil: "Válido hasta el {date}",
      validUntilLabel: "Válido hasta",
      depositDueShort: "Anticipo pendiente: {amount}",
      estimateLinesCaption: "Qué incluye este presupuesto",
      depositLabel: "Anticipo",
      depositPaidLabel: "Anticipo pagado",
      decisionAccepted: "Aceptado por {name} el {date}.",
      decisionDeclined: "Rechazado el {date}.",
      decisionReason: "Motivo: {reason}",
      decisionExpiredOn: "Este presupuesto venció el {date}. Contáctenos para pedir uno nuevo.",
      decisionExpired: "Este presupuesto ha vencido. Contáctenos para pedir uno nuevo.",
      estimateChangesHeading: "Cambios que pidió",
      changeSentOn: "Enviado el {date}",
      acceptHeading: "Aceptar este presupuesto",
      signatureLabel: "Su nombre completo, como firma",
      acceptAgree: "Acepto este presupuesto y mi nombre escrito es mi firma",
      acceptButton: "Aceptar presupuesto",
      signatureMissing: "Escriba su nombre completo para firmar.",
      acceptMustAgree: "Marque la casilla para aceptar el presupuesto.",
      acceptedDone: "Aceptó el presupuesto {number}. ¡Gracias!",
      changeHeading: "Pedir cambios",
      changeLabel: "¿Qué debería cambiar?",
      changeButton: "Enviar pedido de cambios",
      changeMissing: "Escriba qué debería cambiar.",
      changeDone: "Se envió su pedido de cambios del presupuesto {number}. Nos pondremos en contacto.",
      declineHeading: "Rechazar este presupuesto",
      declineLabel: "¿Por qué lo rechaza?",
      declineButton: "Rechazar presupuesto",
      declineReasonMissing: "Díganos en pocas palabras por qué lo rechaza.",
      declinedDone: "Rechazó el presupuesto {number}.",
      depositHeading: "Pagar el anticipo",
      depositText: "Este presupuesto pide un anticipo de {amount}.",
      depositNoMethods: "Aún no tiene una tarjeta guardada.",
      depositAddCard: "Agregue una en Facturación",
      depositButton: "Pagar anticipo",
      depositButtonAmount: "Pagar anticipo de {amount}",
      depositInProgress: "Hay un pago del anticipo en curso.",
      depositPaid: "Anticipo de {amount} pagado. ¡Gracias!",
      depositProcessing: "Su anticipo de {amount} está en camino; los pagos bancarios tardan unos días.",
      depositFailed: "El anticipo no se pagó y no se cobró nada. Vuelva a intentarlo o elija otra tarjeta.",
      depositStillPending: "Su anticipo todavía se está confirmando. Vuelva a ver este presupuesto en un minuto.",
      navRequests: "Solicitudes",
      requestsHeading: "Solicitudes",
      requestFormHeading: "Pedir un trabajo",
      requestServiceLabel: "¿Qué necesita?",
      requestServiceHint: "Unas palabras, como «Reparar la bomba de la piscina».",
      requestDescriptionLabel: "Describa el trabajo",
      requestCounter: "{count} de {max} caracteres",
      requestPhotosLabel: "Fotos (opcional)",
      requestPhotosHint: "Hasta 5 fotos (JPEG, PNG, WebP o HEIC), de 10 MB cada una.",
      requestSubmit: "Enviar solicitud",
      requestsListHeading: "Sus solicitudes",
      noRequests: "Aún no hay solicitudes.",
      requestServiceMissing: "Diga en pocas palabras qué necesita.",
      requestDescriptionMissing: "Describa el trabajo que necesita.",
      requestDescriptionTooLong: "La descripción debe tener {max} caracteres o menos.",
      tooManyPhotos: "Elija {max} fotos como máximo.",
      photosRefused: "Algunas fotos no se pueden enviar. Elija otras, o ninguna.",
      photoReady: "{name}: lista",
      photoNotImage: "{name}: no es una foto. Elija una imagen JPEG, PNG, WebP o HEIC.",
      photoTooLarge: "{name}: pesa más de 10 MB. Elija una foto más pequeña.",
      photoEmpty: "{name}: el archivo está vacío.",
      photoUploading: "{name}: subiendo…",
      photoUploaded: "{name}: subida",
      photoUploadFailed: "{name}: no se pudo subir. Envíe la solicitud otra vez para reintentarlo.",
      photosNotSent: "No se pudo subir una foto, así que la solicitud no se envió.",
      requestSent: "Se envió su solicitud «{service}». Nos pondremos en contacto.",
      requestSentOn: "Enviada el {date}",
      requestOfficeNote: "Nuestra nota:",
      requestPhotos: "Fotos",
      requestPhotoAlt: "Foto {number} de su solicitud: {service}",
      requestStatusNew: "Recibida",
      requestStatusInReview: "En revisión",
      requestStatusScheduled: "Programada",
      requestStatusDeclined: "Rechazada",
      requestStatusDone: "Terminada",
      contactHours: "Horario",
      // --- Statement, notifications, profile, contact, activity (portal-account.js) ---
    },
  };
  // --- admin pages (issue 8, admin part): the panels after staff sign-in --------------------
  Object.assign(STRINGS.en, {
    adminNavLabel: "Admin pages",
    adminNavSettings: "Portal settings",
    adminNavInvite: "Invite email",
    adminNavCustomers: "Customers",
    adminNavWork: "Work requests",
    adminNavReviews: "Reviews",
    adminNavRuns: "AutoPay runs",
    admSlugLabel: "Portal address",
    admSlugHint: "Lowercase letters, digits and hyphens. Your customers’ links change with it.",
    admSlugCheckButton: "Check availability",
    admSlugSaveButton: "Save address",
    admSlugInvalid: "Use 3 to 40 lowercase letters, digits and single hyphens, like sparkling-pools.",
    admSlugCurrent: "That is your portal’s address now.",
    admSlugAvailable: "{slug} is available.",
    admSlugTaken: "{slug} is taken. Try one of these:",
    admSlugUnavailable: "{slug} can’t be used. Try one of these:",
    admSlugUse: "Use {slug}",
    admSlugSaved: "Saved. Your portal is now at /p/{slug}.",
    admInviteIntro: "Customers get one of two invite emails, depending on whether you have a payment method on file for them. {{CUSTOMER_NAME}} and {{BUSINESS_NAME}} are filled in for each customer.",
    admInviteSubjectLabel: "Subject",
    admInviteMessageLabel: "Message",
    admInviteSaveButton: "Save invite emails",
    admInviteSaved: "The invite email is saved.",
    admInviteEmpty: "Write a subject and a message.",
    admPreviewHeading: "Preview",
    admPreviewCustomer: "Alex Customer",
    admPreviewBusiness: "Your business",
    admPreviewEmailLabel: "Send a preview to",
    admPreviewSendButton: "Send me a preview",
    admPreviewSent: "A preview is on its way to {email}.",
    admCustomerFilterLabel: "Show",
    admFilterAll: "All customers",
    admFilterWithoutMethod: "Without a payment method",
    admFilterWithMethod: "With a payment method",
    admFilterWithoutAccount: "Without a portal login",
    admFilterWithAccount: "With a portal login",
    admFilterTextsOn: "Service texts on",
    admFilterTextsOff: "Service texts off",
    admSelectAll: "Select all",
    admSelectCustomer: "Select {name}",
    admColName: "Name",
    admColEmail: "Email",
    admColPortal: "Portal",
    admNoEmail: "No email",
    admPortalActive: "Has a login",
    admPortalInvited: "Invited",
    admPortalNone: "Not invited",
    admCustomerCount: "Customers shown: {count}.",
    admInviteSelected: "Send portal invite",
    admInviteNoneSelected: "Select at least one customer to invite.",
    admInviteConfirm: "Send a portal invite to the selected customers? Selected: {count}.",
    admInviteConfirmButton: "Yes, send the invites",
    admCancelButton: "Cancel",
    admInvitesQueued: "Invites sent: {sent}. Not sent (already signed up, no email or invited recently): {skipped}.",
    admCreatedOn: "Sent {date}",
    admWorkEmpty: "No work requests yet.",
    admWorkStatusLabel: "Status",
    admWorkSave: "Save status",
    admWorkSaved: "Status saved.",
    admWork_new: "New",
    admWork_in_review: "In review",
    admWork_scheduled: "Scheduled",
    admWork_declined: "Declined",
    admWork_done: "Done",
    admReviewSummary: "Reviews: {count}. Average: {average} of 5 stars.",
    admReviewsEmpty: "No reviews yet.",
    admReviewStars: "{rating} of 5 stars",
    admRunsEmpty: "No AutoPay runs yet.",
    admRunOpen: "Run of {date}",
    admRunCounts: "Charged {charged}, failed {failed}, skipped {skipped}",
    admRunHeading: "AutoPay run of {date}",
    admRunSelected: "Invoices selected",
    admRunCharged: "Charged",
    admRunChargedAmount: "Amount charged",
    admRunFailed: "Failed",
    admRunSkipped: "Skipped",
    admRunRetries: "Retries scheduled",
    admRunInvoice: "Invoice {number}",
    admRunOutcome: "{outcome}: {amount}",
    admOutcome_charged: "Charged",
    admOutcome_processing: "Processing",
    // --- admin: portal settings and invite templates (admin.js) ---
    admCheckField: "Check “{field}”: {problem}",
    admEnabledLegend: "Portal on or off",
    admEnabledLabel: "The portal is on",
    admEnabledHint: "When it is off, customers cannot sign in or pay online, and links in emails stop working.",
    admEnabledConfirm: "Turn the portal off? Customers will not be able to sign in, see their invoices or pay online until you turn it on again.",
    admEnabledConfirmButton: "Yes, turn the portal off",
    admEnabledSave: "Save on or off",
    admEnabledOn: "Saved. The portal is on: customers can sign in.",
    admEnabledOff: "Saved. The portal is off: customers cannot sign in until you turn it on.",
    admEnabledKept: "The portal stays on.",
    admSlugLegend: "Address",
    admTabsLegend: "Tabs customers see",
    admTabsHint: "A tab that is off is hidden from the portal and its pages refuse to open.",
    admTab_invoices: "Invoices",
    admTab_payments: "Payments",
    admTab_statement: "Statement",
    admTab_service_history: "Service history",
    admTab_estimates: "Estimates",
    admTab_work_requests: "Work requests",
    admTab_documents: "Documents",
    admTab_reviews: "Rate us",
    admTabsSave: "Save tabs",
    admTabsSaved: "Tabs saved. Customers see them the next time they sign in.",
    admColourLegend: "Colour",
    admColourLabel: "Main colour",
    admColourHint: "Used for buttons, the page header and highlights.",
    admColourSample: "Sample button",
    admColourSave: "Save colour",
    admColourLowText: "Low contrast: text on this colour reaches only {ratio}:1, and 4.5:1 is needed to read it easily. Choose a darker or a lighter colour.",
    admColourLowPage: "Low contrast: this colour reaches only {ratio}:1 against the white page, and 3:1 is needed for borders and highlights to be seen. Choose a darker colour.",
    admColourGood: "Good contrast: this colour is easy to see and text on it is easy to read.",
    admColourSaved: "Colour saved.",
    admColourSavedLow: "Colour saved, with the low contrast described above.",
    admLogoLegend: "Logo",
    admLogoNone: "No logo uploaded.",
    admLogoFileLabel: "Choose an image",
    admLogoFileHint: "A PNG or JPEG of at most 200 KB. It shows at the top of the portal and on invoices, receipts and statements.",
    admLogoUpload: "Upload logo",
    admLogoRemove: "Remove logo",
    admLogoAlt: "Your logo",
    admLogoNewAlt: "The logo you chose, not uploaded yet",
    admLogoChoose: "Choose a PNG or JPEG image first.",
    admLogoType: "Choose a PNG or JPEG image.",
    admLogoTooBig: "This image is larger than 200 KB. Choose a smaller one.",
    admLogoUploaded: "Logo uploaded. It shows on the portal now.",
    admLogoRemoved: "Logo removed.",
    admLogoWhileOff: "A logo is uploaded. It shows here, and on the portal, while the portal is on.",
    admContactLegend: "Contact details",
    admContactHint: "Shown to customers on the portal. Leave a field empty to hide it.",
    admContactEmail: "Email",
    admContactPhone: "Phone",
    admContactWebsite: "Website",
    admContactWebsiteHint: "Starts with https://",
    admContactLine1: "Street address",
    admContactLine2: "Address line 2 (optional)",
    admContactCity: "City",
    admContactRegion: "State or region",
    admContactPostal: "ZIP or postal code",
    admContactCountry: "Country code",
    admContactCountryHint: "Two letters, like US.",
    admContactHours: "Opening hours",
    admContactSave: "Save contact details",
    admContactSaved: "Contact details saved.",
    admPhoneInvalid: "Use digits, spaces and + ( ) . -, from 3 to 32 characters.",
    admWebsiteInvalid: "Use a full address that starts with https://",
    admAddressNeeds: "An address needs a street and a city; or empty every address field.",
    admCountryInvalid: "Use the two-letter country code, like US.",
    admLoginLegend: "How customers sign in",
    admLoginHint: "Keep at least one way on.",
    admLoginPassword: "With a password",
    admLoginMagic: "With a link sent by email",
    admLoginSave: "Save sign-in methods",
    admLoginNone: "Keep at least one way to sign in.",
    admLoginSaved: "Sign-in methods saved.",
    admAutopayLegend: "AutoPay",
    admAutopayTiming: "When AutoPay charges an invoice",
    admTiming_on_send: "When the invoice is sent",
    admTiming_before_due: "Some days before it is due",
    admTiming_on_due: "On its due date",
    admAutopayDays: "Days before the due date",
    admAutopayDaysHint: "From 1 to 30.",
    admAutopayNotice: "Days of notice before a charge",
    admAutopayNoticeHint: "Customers get an email this many days before AutoPay charges them; 0 sends none. From 0 to 14.",
    admAutopayRetries: "Retry a failed charge after (days)",
    admAutopayRetriesHint: "Up to three numbers from 1 to 30, separated by commas, like 3, 7. Leave empty for no retries.",
    admAutopayMayDisable: "Customers may turn AutoPay off and change its card",
    admAutopayLocked: "What customers read when they may not",
    admAutopaySave: "Save AutoPay policy",
    admAutopaySaved: "AutoPay policy saved.",
    admNumberRange: "Use a whole number from {min} to {max}.",
    admRetriesInvalid: "Use up to three whole numbers from 1 to 30, separated by commas.",
    admLockedEmpty: "Write what customers read when they may not turn AutoPay off.",
    admCreditsLegend: "Account credit",
    admCreditsEnabled: "Customers may add credit to their account",
    admCreditsHint: "They pay now with a saved method; the credit pays their next invoices.",
    admCreditsMax: "Most a customer may add at once (USD)",
    admCreditsMaxHint: "From 0.50 to 100,000.",
    admCreditsSave: "Save credit settings",
    admCreditsSaved: "Credit settings saved.",
    admCreditsInvalid: "Use an amount from 0.50 to 100,000, like 250 or 99.50.",
    admReviewsLegend: "Public reviews",
    admReviewLink: "Public review link",
    admReviewLinkHint: "Your page on a review site, starting with https://. Leave it empty to offer none.",
    admReviewThreshold: "Offer the link after a rating of at least",
    admStars1: "1 star",
    admStars2: "2 stars",
    admStars3: "3 stars",
    admStars4: "4 stars",
    admStars5: "5 stars",
    admReviewsSave: "Save review settings",
    admReviewsSaved: "Review settings saved.",
    admReviewLinkInvalid: "Use a secure address that starts with https://",
    admTimezoneLegend: "Time zone",
    admTimezoneLabel: "Your business’s time zone",
    admTimezoneHint: "Due dates, AutoPay and statements follow it.",
    admTimezoneSave: "Save time zone",
    admTimezoneSaved: "Saved. Your business’s time zone is now {zone}.",
    admInviteWhich: "Which email",
    admInviteWithout: "To customers without a saved payment method",
    admInviteWith: "To customers with a saved payment method",
    admInviteLanguage: "Language of the button and footer",
    admLanguageEn: "English",
    admLanguageEs: "Spanish",
    admPreviewOf_with_payment_method: "The email to customers with a saved payment method",
    admPreviewOf_without_payment_method: "The email to customers without a saved payment method",
    admInviteEmptyOf: "{which} needs a subject and a message.",
    admOutcome_failed: "Failed",
    admOutcome_skipped: "Skipped",
    // --- admin: portal users and the invite funnel (admin-users.js) ---
    adminNavUsers: "Portal users",
    admFunnelHeading: "Invite funnel",
    admFunnelCaption: "Each step counts the customers who reached it and every step before it.",
    admFunnelStep: "Step",
    admFunnelCount: "Customers",
    admFunnelShare: "Share of all customers",
    admFunnel_customers: "All customers",
    admFunnel_invited: "Invited",
    admFunnel_account_created: "Account created",
    admFunnel_payment_method_saved: "Payment method saved",
    admFunnel_autopay_on: "AutoPay on",
    admUsersHeading: "Customers and their logins",
    admUsersFilterLabel: "Filter users",
    admUsersMore: "Show more",
    admUsersShown: "Portal users shown: {count}.",
    admUsersEmpty: "No customers match this choice.",
    admUsersStatus: "Status",
    admUsersLastLogin: "Last login",
    admUsersNever: "Never",
    admUsersMethod: "Payment method",
    admUsersMethodSaved: "Saved",
    admUsersMethodNone: "None",
    admUsersAutopay: "AutoPay",
    admUsersAutopayOn: "On",
    admUsersAutopayOff: "Off",
    admUsersResend: "Resend invite",
    admUsersResendFor: "Resend invite to {name}",
    admUsersSend: "Send invite",
    admUsersSendFor: "Send invite to {name}",
    admUsersSendConfirm: "Send {name} a portal invite at {email}?",
    admUsersReset: "Send password reset",
    admUsersResetFor: "Send password reset to {name}",
    admUsersResendConfirm: "Send {name} a new portal invite at {email}? The link in an earlier invite stops working.",
    admUsersResetConfirm: "Email {name} a link to choose a new password, at {email}?",
    admUsersResendYes: "Yes, send the invite",
    admUsersResetYes: "Yes, send the reset link",
    admUsersInviteSent: "A new invite is on its way to {email}.",
    admUsersResetSent: "A password-reset link is on its way to {email}.",
    admUsersCreateLoginSent: "They have no login yet, so a link to create one is on its way to {email}.",
    admUsersRefused_portal_disabled: "Not sent: the portal is off. Turn it on before inviting customers.",
    admUsersRefused_no_email: "No email address, so no portal login. Add one in your CRM to invite them.",
    admUsersRefused_already_active: "Not sent: this customer already has a portal login. Send a password reset instead.",
    admUsersRefused_email_in_use: "Not sent: another customer with this email already has a portal login.",
  });
  Object.assign(STRINGS.es, {
    // The staff sign-in and invite pages, from before the panels.
    adminBrand: "Administración de Portico",
    adminHeading: "Páginas de administración",
    adminTitle: "Administración de Portico",
    staffSignInHeading: "Acceso del personal",
    portalAddressLabel: "Dirección del portal",
    portalAddressHint: "El enlace de su portal o la parte después de /p/, como sparkling-pools.",
    enterPortalAddress: "Escriba la dirección de su portal, como sparkling-pools.",
    staffAcceptHeading: "Elija su contraseña",
    staffAcceptIntro: "Lo invitaron a las páginas de administración de un portal de clientes de Portico.",
    staffAcceptIntroPortal: "Lo invitaron a las páginas de administración del portal de clientes en /p/{portal}.",
    toStaffSignIn: "Ir al acceso del personal",
    homeLink: "Inicio de Portico",
    adminNavLabel: "Páginas de administración",
    adminNavSettings: "Configuración del portal",
    adminNavInvite: "Correo de invitación",
    adminNavCustomers: "Clientes",
    adminNavWork: "Solicitudes de trabajo",
    adminNavReviews: "Reseñas",
    adminNavRuns: "Cobros automáticos",
    admSlugLabel: "Dirección del portal",
    admSlugHint: "Minúsculas, dígitos y guiones. Los enlaces de sus clientes cambian con ella.",
    admSlugCheckButton: "Comprobar disponibilidad",
    admSlugSaveButton: "Guardar la dirección",
    admSlugInvalid: "Use de 3 a 40 minúsculas, dígitos y guiones simples, como sparkling-pools.",
    admSlugCurrent: "Esa es ya la dirección de su portal.",
    admSlugAvailable: "{slug} está disponible.",
    admSlugTaken: "{slug} ya está en uso. Pruebe una de estas:",
    admSlugUnavailable: "{slug} no se puede usar. Pruebe una de estas:",
    admSlugUse: "Usar {slug}",
    admSlugSaved: "Guardado. Su portal está ahora en /p/{slug}.",
    admInviteIntro: "Los clientes reciben uno de dos correos de invitación, según tenga o no un método de pago guardado para ellos. {{CUSTOMER_NAME}} y {{BUSINESS_NAME}} se completan para cada cliente.",
    admInviteSubjectLabel: "Asunto",
    admInviteMessageLabel: "Mensaje",
    admInviteSaveButton: "Guardar los correos de invitación",
    admInviteSaved: "Se guardó el correo de invitación.",
    admInviteEmpty: "Escriba un asunto y un mensaje.",
    admPreviewHeading: "Vista previa",
    admPreviewCustomer: "Alex Cliente",
    admPreviewBusiness: "Su empresa",
    admPreviewEmailLabel: "Enviar una vista previa a",
    admPreviewSendButton: "Enviarme una vista previa",
    admPreviewSent: "Enviamos una vista previa a {email}.",
    admCustomerFilterLabel: "Mostrar",
    admFilterAll: "Todos los clientes",
    admFilterWithoutMethod: "Sin método de pago",
    admFilterWithMethod: "Con método de pago",
    admFilterWithoutAccount: "Sin acceso al portal",
    admFilterWithAccount: "Con acceso al portal",
    admFilterTextsOn: "Mensajes de servicio activados",
    admFilterTextsOff: "Mensajes de servicio desactivados",
    admSelectAll: "Seleccionar todos",
    admSelectCustomer: "Seleccionar a {name}",
    admColName: "Nombre",
    admColEmail: "Correo",
    admColPortal: "Portal",
    admNoEmail: "Sin correo",
    admPortalActive: "Tiene acceso",
    admPortalInvited: "Invitado",
    admPortalNone: "Sin invitar",
    admCustomerCount: "Clientes mostrados: {count}.",
    admInviteSelected: "Enviar invitación al portal",
    admInviteNoneSelected: "Seleccione al menos un cliente para invitar.",
    admInviteConfirm: "¿Enviar una invitación al portal a los clientes seleccionados? Seleccionados: {count}.",
    admInviteConfirmButton: "Sí, enviar las invitaciones",
    admCancelButton: "Cancelar",
    admInvitesQueued: "Invitaciones enviadas: {sent}. No enviadas (ya tienen acceso, sin correo o invitados hace poco): {skipped}.",
    admCreatedOn: "Enviada el {date}",
    admWorkEmpty: "Todavía no hay solicitudes de trabajo.",
    admWorkStatusLabel: "Estado",
    admWorkSave: "Guardar el estado",
    admWorkSaved: "Se guardó el estado.",
    admWork_new: "Nueva",
    admWork_in_review: "En revisión",
    admWork_scheduled: "Programada",
    admWork_declined: "Rechazada",
    admWork_done: "Terminada",
    admReviewSummary: "Reseñas: {count}. Promedio: {average} de 5 estrellas.",
    admReviewsEmpty: "Todavía no hay reseñas.",
    admReviewStars: "{rating} de 5 estrellas",
    admRunsEmpty: "Todavía no hay cobros automáticos.",
    admRunOpen: "Cobro del {date}",
    admRunCounts: "Cobradas {charged}, fallidas {failed}, omitidas {skipped}",
    admRunHeading: "Cobro automático del {date}",
    admRunSelected: "Facturas seleccionadas",
    admRunCharged: "Cobradas",
    admRunChargedAmount: "Importe cobrado",
    admRunFailed: "Fallidas",
    admRunSkipped: "Omitidas",
    admRunRetries: "Reintentos programados",
    admRunInvoice: "Factura {number}",
    admRunOutcome: "{outcome}: {amount}",
    admOutcome_charged: "Cobrada",
    admOutcome_processing: "En proceso",
    // --- admin: portal settings and invite templates (admin.js) ---
    admCheckField: "Revise «{field}»: {problem}",
    admEnabledLegend: "Portal activado o desactivado",
    admEnabledLabel: "El portal está activado",
    admEnabledHint: "Desactivado, los clientes no pueden iniciar sesión ni pagar en línea, y los enlaces de los correos dejan de funcionar.",
    admEnabledConfirm: "¿Desactivar el portal? Los clientes no podrán iniciar sesión, ver sus facturas ni pagar en línea hasta que lo vuelva a activar.",
    admEnabledConfirmButton: "Sí, desactivar el portal",
    admEnabledSave: "Guardar activado o desactivado",
    admEnabledOn: "Guardado. El portal está activado: los clientes pueden iniciar sesión.",
    admEnabledOff: "Guardado. El portal está desactivado: los clientes no pueden iniciar sesión hasta que lo active.",
    admEnabledKept: "El portal sigue activado.",
    admSlugLegend: "Dirección",
    admTabsLegend: "Pestañas que ven los clientes",
    admTabsHint: "Una pestaña desactivada no aparece en el portal y sus páginas no se abren.",
    admTab_invoices: "Facturas",
    admTab_payments: "Pagos",
    admTab_statement: "Estado de cuenta",
    admTab_service_history: "Historial de servicio",
    admTab_estimates: "Presupuestos",
    admTab_work_requests: "Solicitudes de trabajo",
    admTab_documents: "Documentos",
    admTab_reviews: "Califíquenos",
    admTabsSave: "Guardar las pestañas",
    admTabsSaved: "Se guardaron las pestañas. Los clientes las verán la próxima vez que inicien sesión.",
    admColourLegend: "Color",
    admColourLabel: "Color principal",
    admColourHint: "Se usa en los botones, el encabezado de la página y los resaltados.",
    admColourSample: "Botón de ejemplo",
    admColourSave: "Guardar el color",
    admColourLowText: "Contraste bajo: el texto sobre este color llega solo a {ratio}:1, y se necesita 4,5:1 para leerlo con facilidad. Elija un color más oscuro o más claro.",
    admColourLowPage: "Contraste bajo: este color llega solo a {ratio}:1 sobre la página blanca, y se necesita 3:1 para que se vean los bordes y resaltados. Elija un color más oscuro.",
    admColourGood: "Buen contraste: este color se ve bien y el texto sobre él se lee con facilidad.",
    admColourSaved: "Se guardó el color.",
    admColourSavedLow: "Se guardó el color, con el contraste bajo descrito arriba.",
    admLogoLegend: "Logotipo",
    admLogoNone: "No hay logotipo.",
    admLogoFileLabel: "Elija una imagen",
    admLogoFileHint: "Un PNG o JPEG de 200 KB como máximo. Aparece arriba en el portal y en las facturas, recibos y estados de cuenta.",
    admLogoUpload: "Subir el logotipo",
    admLogoRemove: "Quitar el logotipo",
    admLogoAlt: "Su logotipo",
    admLogoNewAlt: "El logotipo que eligió, todavía sin subir",
    admLogoChoose: "Primero elija una imagen PNG o JPEG.",
    admLogoType: "Elija una imagen PNG o JPEG.",
    admLogoTooBig: "Esta imagen pesa más de 200 KB. Elija una más pequeña.",
    admLogoUploaded: "Se subió el logotipo. Ya aparece en el portal.",
    admLogoRemoved: "Se quitó el logotipo.",
    admLogoWhileOff: "Hay un logotipo. Aparece aquí, y en el portal, mientras el portal está activado.",
    admContactLegend: "Datos de contacto",
    admContactHint: "Los clientes los ven en el portal. Deje un campo vacío para ocultarlo.",
    admContactEmail: "Correo",
    admContactPhone: "Teléfono",
    admContactWebsite: "Sitio web",
    admContactWebsiteHint: "Empieza con https://",
    admContactLine1: "Calle y número",
    admContactLine2: "Segunda línea de la dirección (opcional)",
    admContactCity: "Ciudad",
    admContactRegion: "Estado o región",
    admContactPostal: "Código postal",
    admContactCountry: "Código del país",
    admContactCountryHint: "Dos letras, como US.",
    admContactHours: "Horario de atención",
    admContactSave: "Guardar los datos de contacto",
    admContactSaved: "Se guardaron los datos de contacto.",
    admPhoneInvalid: "Use dígitos, espacios y + ( ) . -, de 3 a 32 caracteres.",
    admWebsiteInvalid: "Use una dirección completa que empiece con https://",
    admAddressNeeds: "Una dirección necesita calle y ciudad; o deje vacíos todos sus campos.",
    admCountryInvalid: "Use el código de país de dos letras, como US.",
    admLoginLegend: "Cómo inician sesión los clientes",
    admLoginHint: "Deje al menos una forma activada.",
    admLoginPassword: "Con una contraseña",
    admLoginMagic: "Con un enlace enviado por correo",
    admLoginSave: "Guardar las formas de iniciar sesión",
    admLoginNone: "Deje al menos una forma de iniciar sesión.",
    admLoginSaved: "Se guardaron las formas de iniciar sesión.",
    admAutopayLegend: "Pago automático",
    admAutopayTiming: "Cuándo cobra el pago automático una factura",
    admTiming_on_send: "Cuando se envía la factura",
    admTiming_before_due: "Unos días antes del vencimiento",
    admTiming_on_due: "En la fecha de vencimiento",
    admAutopayDays: "Días antes del vencimiento",
    admAutopayDaysHint: "De 1 a 30.",
    admAutopayNotice: "Días de aviso antes de un cobro",
    admAutopayNoticeHint: "Los clientes reciben un correo estos días antes del cobro automático; 0 no envía ninguno. De 0 a 14.",
    admAutopayRetries: "Reintentar un cobro fallido después de (días)",
    admAutopayRetriesHint: "Hasta tres números de 1 a 30, separados por comas, como 3, 7. Déjelo vacío para no reintentar.",
    admAutopayMayDisable: "Los clientes pueden desactivar el pago automático y cambiar su tarjeta",
    admAutopayLocked: "Lo que leen los clientes cuando no pueden",
    admAutopaySave: "Guardar la política de pago automático",
    admAutopaySaved: "Se guardó la política de pago automático.",
    admNumberRange: "Use un número entero de {min} a {max}.",
    admRetriesInvalid: "Use hasta tres números enteros de 1 a 30, separados por comas.",
    admLockedEmpty: "Escriba lo que leen los clientes cuando no pueden desactivar el pago automático.",
    admCreditsLegend: "Saldo a favor",
    admCreditsEnabled: "Los clientes pueden agregar saldo a favor a su cuenta",
    admCreditsHint: "Pagan ahora con un método guardado; el saldo paga sus próximas facturas.",
    admCreditsMax: "Lo máximo que un cliente puede agregar de una vez (USD)",
    admCreditsMaxHint: "De 0.50 a 100,000.",
    admCreditsSave: "Guardar el saldo a favor",
    admCreditsSaved: "Se guardó la configuración del saldo a favor.",
    admCreditsInvalid: "Use un importe de 0.50 a 100,000, como 250 o 99.50.",
    admReviewsLegend: "Reseñas públicas",
    admReviewLink: "Enlace de reseñas públicas",
    admReviewLinkHint: "Su página en un sitio de reseñas, que empiece con https://. Déjelo vacío para no ofrecer ninguno.",
    admReviewThreshold: "Ofrecer el enlace tras una calificación de al menos",
    admStars1: "1 estrella",
    admStars2: "2 estrellas",
    admStars3: "3 estrellas",
    admStars4: "4 estrellas",
    admStars5: "5 estrellas",
    admReviewsSave: "Guardar las reseñas",
    admReviewsSaved: "Se guardó la configuración de reseñas.",
    admReviewLinkInvalid: "Use una dirección segura que empiece con https://",
    admTimezoneLegend: "Zona horaria",
    admTimezoneLabel: "La zona horaria de su empresa",
    admTimezoneHint: "Los vencimientos, el pago automático y los estados de cuenta la siguen.",
    admTimezoneSave: "Guardar la zona horaria",
    admTimezoneSaved: "Guardado. La zona horaria de su empresa es ahora {zone}.",
    admInviteWhich: "Qué correo",
    admInviteWithout: "A clientes sin un método de pago guardado",
    admInviteWith: "A clientes con un método de pago guardado",
    admInviteLanguage: "Idioma del botón y del pie",
    admLanguageEn: "Inglés",
    admLanguageEs: "Español",
    admPreviewOf_with_payment_method: "El correo a clientes con un método de pago guardado",
    admPreviewOf_without_payment_method: "El correo a clientes sin un método de pago guardado",
    admInviteEmptyOf: "{which} necesita un asunto y un mensaje.",
    admOutcome_failed: "Fallida",
    admOutcome_skipped: "Omitida",
    // --- admin: portal users and the invite funnel (admin-users.js) ---
    adminNavUsers: "Usuarios del portal",
    admFunnelHeading: "Embudo de invitaciones",
    admFunnelCaption: "Cada paso cuenta a los clientes que lo alcanzaron y todos los pasos anteriores.",
    admFunnelStep: "Paso",
    admFunnelCount: "Clientes",
    admFunnelShare: "Parte del total de clientes",
    admFunnel_customers: "Todos los clientes",
    admFunnel_invited: "Invitados",
    admFunnel_account_created: "Cuenta creada",
    admFunnel_payment_method_saved: "Método de pago guardado",
    admFunnel_autopay_on: "Pago automático activado",
    admUsersHeading: "Clientes y su acceso",
    admUsersFilterLabel: "Filtrar usuarios",
    admUsersMore: "Mostrar más",
    admUsersShown: "Usuarios del portal mostrados: {count}.",
    admUsersEmpty: "Ningún cliente coincide con esta opción.",
    admUsersStatus: "Estado",
    admUsersLastLogin: "Último acceso",
    admUsersNever: "Nunca",
    admUsersMethod: "Método de pago",
    admUsersMethodSaved: "Guardado",
    admUsersMethodNone: "Ninguno",
    admUsersAutopay: "Pago automático",
    admUsersAutopayOn: "Activado",
    admUsersAutopayOff: "Desactivado",
    admUsersResend: "Reenviar invitación",
    admUsersResendFor: "Reenviar invitación a {name}",
    admUsersSend: "Enviar invitación",
    admUsersSendFor: "Enviar invitación a {name}",
    admUsersSendConfirm: "¿Enviar a {name} una invitación al portal en {email}?",
    admUsersReset: "Enviar restablecimiento de contraseña",
    admUsersResetFor: "Enviar restablecimiento de contraseña a {name}",
    admUsersResendConfirm: "¿Enviar a {name} una nueva invitación al portal en {email}? El enlace de una invitación anterior deja de funcionar.",
    admUsersResetConfirm: "¿Enviar a {name} un enlace para elegir una nueva contraseña, en {email}?",
    admUsersResendYes: "Sí, enviar la invitación",
    admUsersResetYes: "Sí, enviar el enlace",
    admUsersInviteSent: "Una nueva invitación va en camino a {email}.",
    admUsersResetSent: "Un enlace para restablecer la contraseña va en camino a {email}.",
    admUsersCreateLoginSent: "Aún no tiene acceso, así que un enlace para crearlo va en camino a {email}.",
    admUsersRefused_portal_disabled: "No se envió: el portal está desactivado. Actívelo antes de invitar a clientes.",
    admUsersRefused_no_email: "Sin correo electrónico, así que sin acceso al portal. Agregue uno en su CRM para invitarlo.",
    admUsersRefused_already_active: "No se envió: este cliente ya tiene acceso al portal. Envíe un restablecimiento de contraseña.",
    admUsersRefused_email_in_use: "No se envió: otro cliente con este correo electrónico ya tiene acceso al portal.",
  });
  // --- end of the admin pages' strings ---------------------------------------------------

  // The languages the pages speak: the person's choice (remembered in this browser), else
  // the first of the browser's languages we have, else English.
  const LANGUAGES = ["en", "es"];
  const LANGUAGE_KEY = "portico.language";
  let LANG = "en";

  function pickLanguage(stored, preferred) {
    if (LANGUAGES.includes(stored)) return stored;
    for (const tag of preferred || []) {
      const base = String(tag).toLowerCase().split("-")[0];
      if (LANGUAGES.includes(base)) return base;
    }
    return "en";
  }

  function language() {
    return LANG;
  }

  // Sets the language for t() and the formatters; `remember` keeps it for the next visit.
  // Only the language code is stored: never a token, a name or an email.
  function setLanguage(lang, remember) {
    LANG = LANGUAGES.includes(lang) ? lang : "en";
    if (remember) {
      try {
        globalThis.localStorage.setItem(LANGUAGE_KEY, LANG);
      } catch (error) {
        // storage off (private mode): the choice lasts for this page only
      }
    }
    return LANG;
  }

  function storedLanguage() {
    try {
      return globalThis.localStorage.getItem(LANGUAGE_KEY);
    } catch (error) {
      return null;
    }
  }
  const SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
  const LINK_PAGES = new Set(["create-login", "reset", "magic"]);
  const PORTAL_PAGES = new Set([
    "invoices",
    "payments",
    "pay",
    "billing",
    "statement",
    "visits",
    "estimates",
    "requests",
    "review",
    "documents",
    "notifications",
    "profile",
    "contact",
    "activity",
  ]);
  // Lists whose records have their own page: /invoices/{id} is the page "invoice".
  const RECORD_PAGES = { invoices: "invoice", estimates: "estimate" };
  const RECORD_ID = /^[A-Za-z0-9_-]{1,64}$/;
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
  // links -> their page; /invoices, /payments, /pay, /billing... -> that page; /invoices/{id}
  // -> "invoice" and /estimates/{id} -> "estimate", with the id. Any other address below the portal is "start".
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
    if (parts.length === 3 && (LINK_PAGES.has(parts[2]) || PORTAL_PAGES.has(parts[2]))) {
      return { slug, page: parts[2] };
    }
    if (parts.length === 4 && Object.hasOwn(RECORD_PAGES, parts[2]) && RECORD_ID.test(parts[3])) {
      return { slug, page: RECORD_PAGES[parts[2]], id: parts[3] };
    }
    return { slug, page: "start" };
  }

  function adminRoute(pathname) {
    const parts = pathname.split("/").filter(Boolean);
    return parts[0] === "admin" && parts[1] === "accept" && parts.length === 2 ? "accept" : "signin";
  }

  // The page address of a portal page: portalPath("sparkling-pools", "invoice", "inv-1").
  function portalPath(slug, page, id) {
    const base = "/p/" + encodeURIComponent(slug);
    if (page === "start" || page === "home" || !page) return base;
    const list = Object.keys(RECORD_PAGES).find((name) => RECORD_PAGES[name] === page);
    if (list) return base + "/" + list + "/" + encodeURIComponent(id);
    return base + "/" + page;
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

  // "2026-11-23" -> "Monday, November 23, 2026" ("Nov 23, 2026" with style "medium"): a
  // calendar date, so no time zone may move it.
  function formatDate(isoDate, lang, style) {
    const parts = /^(\d{4})-(\d{2})-(\d{2})$/.exec(isoDate || "");
    if (!parts) return isoDate || "";
    const day = new Date(Date.UTC(+parts[1], +parts[2] - 1, +parts[3]));
    return new Intl.DateTimeFormat(lang || LANG, { dateStyle: style || "full", timeZone: "UTC" }).format(day);
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
  async function call(method, path, body, headers) {
    const init = {
      method,
      credentials: "same-origin",
      cache: "no-store",
      headers: { Accept: "application/json", ...(headers || {}) },
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
    LANGUAGES,
    language,
    setLanguage,
    storedLanguage,
    pickLanguage,
    portalPath,
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
