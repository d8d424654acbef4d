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
      contactHours: "Hours",
      // --- Statement, notifications, profile, contact, activity (portal-account.js) ---
      navStatement: "Statement",
      navAccount: "Account",
      navProfile: "Profile",
      navNotifications: "Notifications",
      navActivity: "Activity",
      navContact: "Contact us",
      accountNavLabel: "Your account",
      statementHeading: "Statement",
      statementShortcuts: "Quick picks:",
      statementThisYear: "This year",
      statementLastYear: "Last year (year-end)",
      statementLast12: "Last 12 months",
      statementFrom: "From",
      statementTo: "To",
      statementShow: "Show statement",
      statementEmpty: "Nothing was billed or paid in these dates.",
      statementCaption: "Invoices and payments",
      statementDate: "Date",
      statementBalance: "Balance",
      statementPdf: "Download PDF",
      statementCsv: "Download CSV (spreadsheet)",
      statementRange: "{from} to {to}",
      statementOpening: "Opening balance",
      statementClosing: "Closing balance",
      statementInvoice: "Invoice {number}",
      statementPayment: "Payment",
      statementCredit: "Credit",
      statementRefund: "Refund",
      statementNeedDates: "Enter both dates, as the date pickers show them.",
      statementTooEarly: "Choose a start date in 2000 or later.",
      statementFromAfterTo: "The start date is after the end date. Choose a start date on or before the end date.",
      statementFuture: "The end date is in the future. Choose {today} or earlier.",
      statementTooLong: "A statement covers at most 5 years. Choose a shorter range.",
      notificationsHeading: "Notifications",
      notificationsIntro: "Choose what we send you, and how.",
      notificationsSave: "Save choices",
      noticeServiceReminders: "Service reminders",
      noticeServiceRemindersHint: "The day before a visit.",
      noticeOnTheWay: "On the way",
      noticeOnTheWayHint: "When the technician is heading to you.",
      noticeInvoices: "Invoices",
      noticeInvoicesHint: "When a new invoice is ready.",
      noticeReceipts: "Receipts",
      noticeReceiptsHint: "After every payment.",
      noticeAutopay: "AutoPay notices",
      noticeAutopayHint: "A few days before AutoPay charges you.",
      noticeFailedPayments: "Failed payments",
      noticeFailedPaymentsHint: "When a payment does not go through.",
      noticeMarketing: "News and offers",
      noticeMarketingHint: "Seasonal tips and offers from the business.",
      channelEmail: "Email",
      channelSms: "Text message (SMS)",
      noticeLocked: "Always sent by email: you need them for your records, so they cannot be turned off.",
      noticeEmailOnly: "Sent by email only.",
      noticeNoSmsMarketing: "Never sent by text message.",
      noticeUpdated: "Last changed {date}.",
      noticeSaved: "Your choices are saved.",
      profileHeading: "Profile",
      profileOnFile: "On file with the business",
      profileReadOnly: "To change your name, email or service address, contact the business.",
      profileContactLink: "How to contact us",
      profileEditHeading: "Your details",
      profileContactName: "Contact person (optional)",
      profileContactNameShort: "Contact person",
      profilePhone: "Phone",
      profilePhoneHint: "Digits, spaces and + ( ) . - only, for example (512) 555-0101.",
      profileBillingLegend: "Billing address",
      profileBillingSame: "Same as the service address",
      profileLine1: "Street address",
      profileLine2: "Apartment, suite (optional)",
      profileCity: "City",
      profileRegion: "State",
      profilePostal: "ZIP code",
      profileSave: "Save changes",
      profileLanguageHeading: "Language",
      profileLanguageLabel: "Language of this portal",
      profileLanguageHint: "Remembered on this device.",
      profileLanguageSave: "Use this language",
      profileName: "Name",
      profileNoEmail: "None on file",
      profileServiceAddress: "Service address",
      profileNone: "None on file",
      profileBadPhone: "Enter a phone number of 3 to 32 digits, spaces and + ( ) . - only.",
      profileTooLong: "Keep this to 200 characters or fewer.",
      profileNeedLine1: "Enter the street address, or tick “Same as the service address”.",
      profileNeedCity: "Enter the city.",
      profileFix: "Check the highlighted fields ({count}).",
      profileNothing: "Nothing changed.",
      profileSaved: "Your changes are saved.",
      contactPageHeading: "Contact us",
      contactPageIntro: "Questions about a bill or a visit? Reach {business} here.",
      activityHeading: "Activity",
      activityMore: "Show more",
      activityZone: "Newest first. Times are in this device’s time zone ({zone}).",
      activityMoreShown: "{count} more entries shown.",
      activityEmpty: "Nothing yet.",
      activityOther: "Account activity: {kind}",
      activityRating: "{rating} stars",
      activityByYou: "by you",
      activityByBusiness: "by the business",
      activityBySystem: "automatic",
      activityByPassword: "With your password",
      activityByMagicLink: "With an emailed sign-in link",
      activityByNewLogin: "When you created your login",
      activityByReset: "After a password reset",
      activityLogin: "Signed in",
      activityProfileUpdated: "Profile changed",
      activityPreferencesUpdated: "Notification choices changed",
      activityMethodAdded: "Payment method added",
      activityMethodRemoved: "Payment method removed",
      activityAutopayEnabled: "AutoPay turned on",
      activityAutopayMethodChanged: "AutoPay payment method changed",
      activityAutopayDisabled: "AutoPay turned off",
      activityAutopayHold: "AutoPay paused for an invoice",
      activityAutopayHoldReleased: "AutoPay resumed for an invoice",
      activityPaymentMade: "Payment made",
      activityPaymentFailed: "Payment failed",
      activityReceiptSent: "Receipt emailed",
      activityReviewCreated: "Rating sent",
      activityWorkRequestCreated: "Service request sent",
      activityWorkRequestUpdated: "Service request updated",
      activityEstimateAccepted: "Estimate accepted",
      activityEstimateDeclined: "Estimate declined",
      activityEstimateChangeRequested: "Changes asked for on an estimate",
      addBankButton: "Add a bank account",
      saveBankButton: "Save bank account",
      openingBankForm: "Opening the secure bank account form…",
      bankCanceled: "No bank account was added.",
      autopayMethodAny: "Card or bank account to charge",
      autopayNeedsMethod: "Add a card or a bank account to turn on AutoPay.",
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
      contactHours: "Horario",
      // --- Statement, notifications, profile, contact, activity (portal-account.js) ---
      navStatement: "Estado de cuenta",
      navAccount: "Cuenta",
      navProfile: "Perfil",
      navNotifications: "Notificaciones",
      navActivity: "Actividad",
      navContact: "Contáctenos",
      accountNavLabel: "Su cuenta",
      statementHeading: "Estado de cuenta",
      statementShortcuts: "Atajos:",
      statementThisYear: "Este año",
      statementLastYear: "El año pasado (cierre de año)",
      statementLast12: "Últimos 12 meses",
      statementFrom: "Desde",
      statementTo: "Hasta",
      statementShow: "Ver estado de cuenta",
      statementEmpty: "No hubo cargos ni pagos en estas fechas.",
      statementCaption: "Facturas y pagos",
      statementDate: "Fecha",
      statementBalance: "Saldo",
      statementPdf: "Descargar PDF",
      statementCsv: "Descargar CSV (hoja de cálculo)",
      statementRange: "Del {from} al {to}",
      statementOpening: "Saldo inicial",
      statementClosing: "Saldo final",
      statementInvoice: "Factura {number}",
      statementPayment: "Pago",
      statementCredit: "Crédito",
      statementRefund: "Reembolso",
      statementNeedDates: "Ingrese las dos fechas, como las muestran los selectores de fecha.",
      statementTooEarly: "Elija una fecha de inicio de 2000 o posterior.",
      statementFromAfterTo: "La fecha de inicio es posterior a la de fin. Elija una fecha de inicio igual o anterior a la de fin.",
      statementFuture: "La fecha de fin está en el futuro. Elija el {today} o antes.",
      statementTooLong: "Un estado de cuenta cubre como máximo 5 años. Elija un periodo más corto.",
      notificationsHeading: "Notificaciones",
      notificationsIntro: "Elija qué le enviamos y cómo.",
      notificationsSave: "Guardar preferencias",
      noticeServiceReminders: "Recordatorios de servicio",
      noticeServiceRemindersHint: "El día antes de una visita.",
      noticeOnTheWay: "En camino",
      noticeOnTheWayHint: "Cuando el técnico va hacia usted.",
      noticeInvoices: "Facturas",
      noticeInvoicesHint: "Cuando hay una factura nueva.",
      noticeReceipts: "Recibos",
      noticeReceiptsHint: "Después de cada pago.",
      noticeAutopay: "Avisos de pago automático",
      noticeAutopayHint: "Unos días antes de cada cobro automático.",
      noticeFailedPayments: "Pagos fallidos",
      noticeFailedPaymentsHint: "Cuando un pago no se completa.",
      noticeMarketing: "Novedades y ofertas",
      noticeMarketingHint: "Consejos de temporada y ofertas del negocio.",
      channelEmail: "Correo electrónico",
      channelSms: "Mensaje de texto (SMS)",
      noticeLocked: "Siempre se envían por correo: los necesita para sus registros, así que no se pueden desactivar.",
      noticeEmailOnly: "Solo se envían por correo.",
      noticeNoSmsMarketing: "Nunca se envían por mensaje de texto.",
      noticeUpdated: "Último cambio: {date}.",
      noticeSaved: "Se guardaron sus preferencias.",
      profileHeading: "Perfil",
      profileOnFile: "Registrado por el negocio",
      profileReadOnly: "Para cambiar su nombre, correo o dirección de servicio, contacte al negocio.",
      profileContactLink: "Cómo contactarnos",
      profileEditHeading: "Sus datos",
      profileContactName: "Persona de contacto (opcional)",
      profileContactNameShort: "Persona de contacto",
      profilePhone: "Teléfono",
      profilePhoneHint: "Solo dígitos, espacios y + ( ) . -, por ejemplo (512) 555-0101.",
      profileBillingLegend: "Dirección de facturación",
      profileBillingSame: "La misma que la dirección de servicio",
      profileLine1: "Calle y número",
      profileLine2: "Apartamento, suite (opcional)",
      profileCity: "Ciudad",
      profileRegion: "Estado",
      profilePostal: "Código postal",
      profileSave: "Guardar cambios",
      profileLanguageHeading: "Idioma",
      profileLanguageLabel: "Idioma de este portal",
      profileLanguageHint: "Se recuerda en este dispositivo.",
      profileLanguageSave: "Usar este idioma",
      profileName: "Nombre",
      profileNoEmail: "No registrado",
      profileServiceAddress: "Dirección de servicio",
      profileNone: "No registrada",
      profileBadPhone: "Ingrese un teléfono de 3 a 32 caracteres: solo dígitos, espacios y + ( ) . -.",
      profileTooLong: "Use 200 caracteres o menos.",
      profileNeedLine1: "Ingrese la calle y el número, o marque “La misma que la dirección de servicio”.",
      profileNeedCity: "Ingrese la ciudad.",
      profileFix: "Revise los campos marcados ({count}).",
      profileNothing: "No hubo cambios.",
      profileSaved: "Se guardaron sus cambios.",
      contactPageHeading: "Contáctenos",
      contactPageIntro: "¿Preguntas sobre una factura o una visita? Comuníquese con {business} aquí.",
      activityHeading: "Actividad",
      activityMore: "Ver más",
      activityZone: "Lo más reciente primero. Horas en la zona horaria de este dispositivo ({zone}).",
      activityMoreShown: "Se muestran {count} entradas más.",
      activityEmpty: "Todavía no hay nada.",
      activityOther: "Actividad de la cuenta: {kind}",
      activityRating: "{rating} estrellas",
      activityByYou: "por usted",
      activityByBusiness: "por el negocio",
      activityBySystem: "automático",
      activityByPassword: "Con su contraseña",
      activityByMagicLink: "Con un enlace de acceso por correo",
      activityByNewLogin: "Al crear su acceso",
      activityByReset: "Tras restablecer la contraseña",
      activityLogin: "Inició sesión",
      activityProfileUpdated: "Perfil modificado",
      activityPreferencesUpdated: "Preferencias de notificación modificadas",
      activityMethodAdded: "Método de pago agregado",
      activityMethodRemoved: "Método de pago eliminado",
      activityAutopayEnabled: "Pago automático activado",
      activityAutopayMethodChanged: "Método del pago automático cambiado",
      activityAutopayDisabled: "Pago automático desactivado",
      activityAutopayHold: "Pago automático en pausa para una factura",
      activityAutopayHoldReleased: "Pago automático reanudado para una factura",
      activityPaymentMade: "Pago realizado",
      activityPaymentFailed: "Pago fallido",
      activityReceiptSent: "Recibo enviado por correo",
      activityReviewCreated: "Calificación enviada",
      activityWorkRequestCreated: "Solicitud de servicio enviada",
      activityWorkRequestUpdated: "Solicitud de servicio actualizada",
      activityEstimateAccepted: "Presupuesto aceptado",
      activityEstimateDeclined: "Presupuesto rechazado",
      activityEstimateChangeRequested: "Cambios pedidos en un presupuesto",
      addBankButton: "Agregar una cuenta bancaria",
      saveBankButton: "Guardar la cuenta bancaria",
      openingBankForm: "Abriendo el formulario seguro de cuenta bancaria…",
      bankCanceled: "No se agregó ninguna cuenta bancaria.",
      autopayMethodAny: "Tarjeta o cuenta bancaria a cobrar",
      autopayNeedsMethod: "Agregue una tarjeta o una cuenta bancaria para activar el pago automático.",
    },
  };
  // --- admin pages (issue 8, admin part): the panels after staff sign-in --------------------
  Object.assign(STRINGS.en, {
    adminNavLabel: "Admin pages",
    adminNavSettings: "Portal address",
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
    admInviteIntro: "The email customers without a saved payment method get. {{CUSTOMER_NAME}} and {{BUSINESS_NAME}} are filled in for each customer.",
    admInviteSubjectLabel: "Subject",
    admInviteMessageLabel: "Message",
    admInviteSaveButton: "Save invite email",
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
    admOutcome_failed: "Failed",
    admOutcome_skipped: "Skipped",
    // --- admin: portal users and the invite funnel (admin-users.js) ---
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
    adminNavSettings: "Dirección del portal",
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
    admInviteIntro: "El correo que reciben los clientes sin un método de pago guardado. {{CUSTOMER_NAME}} y {{BUSINESS_NAME}} se completan para cada cliente.",
    admInviteSubjectLabel: "Asunto",
    admInviteMessageLabel: "Mensaje",
    admInviteSaveButton: "Guardar el correo de invitación",
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
    admOutcome_failed: "Fallida",
    admOutcome_skipped: "Omitida",
    // --- admin: portal users and the invite funnel (admin-users.js) ---
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
