"""The fixed words of Portico's emails, in English and Spanish.

These strings are Portico's own, never business text, so `str.format` with the business's
and customer's names as arguments is safe (arguments are not parsed as format strings).
The templates escape the results like any other value.
"""

from __future__ import annotations

from typing import Literal

from portico.domain.invitations import Language

AccountEmail = Literal["create_login", "magic_link", "reset_password", "staff_invite"]

# Shared by every email: the layout's words.
LAYOUT: dict[Language, dict[str, str]] = {
    "en": {
        "portal": "Your customer portal",
        "portal_staff": "The customer portal",
        "contact": "Questions? Contact {business}",
        "copy_link": "If the button does not work, copy this address into your browser:",
        "preview": "[Preview]",
        "preview_note": (
            "This is a preview of your invite. The links open your portal's login page; "
            "customers get links to their own account."
        ),
    },
    "es": {
        "portal": "Su portal de clientes",
        "portal_staff": "El portal de clientes",
        "contact": "¿Preguntas? Contacte con {business}",
        "copy_link": "Si el botón no funciona, copie esta dirección en su navegador:",
        "preview": "[Vista previa]",
        "preview_note": (
            "Esta es una vista previa de su invitación. Los enlaces abren la página de acceso "
            "de su portal; sus clientes reciben enlaces a su propia cuenta."
        ),
    },
}

# The invite's button and small print, after the business's message.
INVITE: dict[Language, dict[str, str]] = {
    "en": {
        "button": "Create your login",
        "expires": (
            "This link works for 7 days. If it has expired, open it to ask for a fresh one."
        ),
    },
    "es": {
        "button": "Crear su acceso",
        "expires": (
            "Este enlace es válido durante 7 días. Si ha caducado, ábralo y pida uno nuevo."
        ),
    },
}

# The account emails: subject, greeting, paragraphs, button, and when the link ends.
ACCOUNT: dict[Language, dict[AccountEmail, dict[str, str]]] = {
    "en": {
        "create_login": {
            "subject": "Create your login for {business}",
            "greeting": "Hi {name},",
            "body": (
                "Set a password for the {business} customer portal to see your service "
                "history, invoices and payments, and to pay online."
            ),
            "button": "Create your login",
            "expires": "This link works for 7 days.",
            "ignore": "If you did not ask for this, you can ignore this email.",
        },
        "magic_link": {
            "subject": "Your sign-in link for {business}",
            "greeting": "Hi {name},",
            "body": (
                "Sign in to the {business} customer portal with the link below, no password needed."
            ),
            "button": "Sign in",
            "expires": "This link works once, for 15 minutes.",
            "ignore": "If you did not ask for this, you can ignore this email.",
        },
        "reset_password": {
            "subject": "Reset your {business} portal password",
            "greeting": "Hi {name},",
            "body": "Choose a new password for the {business} customer portal with the link below.",
            "button": "Choose a new password",
            "expires": "This link works once, for 60 minutes.",
            "ignore": (
                "If you did not ask for this, you can ignore this email: your password "
                "stays the same."
            ),
        },
        "staff_invite": {
            "subject": "You have been added to the {business} team on Portico",
            "greeting": "Hi {name},",
            "body": (
                "{business} added you to its staff. Set a password to manage the customer "
                "portal, invite customers and see who is on AutoPay."
            ),
            "button": "Set your password",
            "expires": "This link works for 7 days.",
            "ignore": "If you were not expecting this, you can ignore this email.",
        },
    },
    "es": {
        "create_login": {
            "subject": "Cree su acceso a {business}",
            "greeting": "Hola, {name}:",
            "body": (
                "Elija una contraseña para el portal de clientes de {business} y vea su "
                "historial de servicio, sus facturas y sus pagos, y pague en línea."
            ),
            "button": "Crear su acceso",
            "expires": "Este enlace es válido durante 7 días.",
            "ignore": "Si no lo ha pedido, puede ignorar este correo.",
        },
        "magic_link": {
            "subject": "Su enlace de acceso a {business}",
            "greeting": "Hola, {name}:",
            "body": (
                "Entre en el portal de clientes de {business} con el enlace de abajo, sin "
                "contraseña."
            ),
            "button": "Entrar",
            "expires": "Este enlace sirve una sola vez, durante 15 minutos.",
            "ignore": "Si no lo ha pedido, puede ignorar este correo.",
        },
        "reset_password": {
            "subject": "Restablezca su contraseña del portal de {business}",
            "greeting": "Hola, {name}:",
            "body": (
                "Elija una contraseña nueva para el portal de clientes de {business} con el "
                "enlace de abajo."
            ),
            "button": "Elegir una contraseña nueva",
            "expires": "Este enlace sirve una sola vez, durante 60 minutos.",
            "ignore": ("Si no lo ha pedido, puede ignorar este correo: su contraseña no cambia."),
        },
        "staff_invite": {
            "subject": "Le han añadido al equipo de {business} en Portico",
            "greeting": "Hola, {name}:",
            "body": (
                "{business} le ha añadido a su personal. Elija una contraseña para gestionar "
                "el portal de clientes, invitar a clientes y ver quién usa el pago automático."
            ),
            "button": "Elegir su contraseña",
            "expires": "Este enlace es válido durante 7 días.",
            "ignore": "Si no lo esperaba, puede ignorar este correo.",
        },
    },
}

# The payment receipt: the words around the amounts, which the renderer formats.
RECEIPT: dict[Language, dict[str, str]] = {
    "en": {
        "subject": "Payment received: {amount} - {business}",
        "greeting": "Hi {name},",
        "intro": "Thank you for your payment to {business}.",
        "amount": "Amount paid",
        "credit_applied": "Account credit used",
        "method": "Payment method",
        "date": "Payment date",
        "receipt_number": "Receipt number",
        "applied_to": "Applied to",
        "invoice": "Invoice",
        "credit_added": "Added to your account credit",
        "deposit_for": "Deposit for estimate",
        "button": "View your receipt",
    },
    "es": {
        "subject": "Pago recibido: {amount} - {business}",
        "greeting": "Hola, {name}:",
        "intro": "Gracias por su pago a {business}.",
        "amount": "Importe pagado",
        "credit_applied": "Crédito en cuenta utilizado",
        "method": "Método de pago",
        "date": "Fecha de pago",
        "receipt_number": "Número de recibo",
        "applied_to": "Aplicado a",
        "invoice": "Factura",
        "credit_added": "Añadido a su crédito en cuenta",
        "deposit_for": "Anticipo del presupuesto",
        "button": "Ver su recibo",
    },
}

# A payment that was declined or failed: what happened, then where to pay again.
PAYMENT_FAILED: dict[Language, dict[str, str]] = {
    "en": {
        "subject": "Your payment of {amount} did not go through",
        "greeting": "Hi {name},",
        "body": "Your payment of {amount} to {business} did not go through.",
        "amount": "Amount",
        "method": "Payment method",
        "next": "Pay with another card, or update yours, with the link below.",
        "button": "Pay or update your card",
    },
    "es": {
        "subject": "Su pago de {amount} no se ha podido completar",
        "greeting": "Hola, {name}:",
        "body": "Su pago de {amount} a {business} no se ha podido completar.",
        "amount": "Importe",
        "method": "Método de pago",
        "next": "Pague con otra tarjeta o actualice la suya con el enlace de abajo.",
        "button": "Pagar o actualizar su tarjeta",
    },
}

# The notice a few days before an AutoPay charge (DESIGN 3): what, when, and the two ways out.
AUTOPAY_NOTICE: dict[Language, dict[str, str]] = {
    "en": {
        "subject": "AutoPay: {amount} will be charged on {date}",
        "greeting": "Hi {name},",
        "body": "We will charge {amount} to {method} on {date} for invoice {invoice}.",
        "hold_note": (
            "Holding the invoice takes it out of AutoPay until you release it; if everything "
            "looks right, you do not need to do anything."
        ),
        "pay_now": "Pay now",
        "hold": "Hold this invoice",
    },
    "es": {
        "subject": "Pago automático: cargaremos {amount} el {date}",
        "greeting": "Hola, {name}:",
        "body": "Cargaremos {amount} en su {method} el {date} por la factura {invoice}.",
        "hold_note": (
            "Si retiene la factura, queda fuera del pago automático hasta que usted la libere; "
            "si todo es correcto, no tiene que hacer nada."
        ),
        "pay_now": "Pagar ahora",
        "hold": "Retener esta factura",
    },
}

# The reminder before the AutoPay card expires (DESIGN 3); {month} is a month and year.
CARD_EXPIRING: dict[Language, dict[str, str]] = {
    "en": {
        "subject": "Your AutoPay card expires soon",
        "greeting": "Hi {name},",
        "body": "Your {method}, used for AutoPay, expires at the end of {month}.",
        "next": "Update it before then so AutoPay keeps paying your invoices on time.",
        "button": "Update your card",
    },
    "es": {
        "subject": "La tarjeta de su pago automático caduca pronto",
        "greeting": "Hola, {name}:",
        "body": "Su {method}, que usa para el pago automático, caduca a finales de {month}.",
        "next": (
            "Actualícela antes de esa fecha para que el pago automático siga pagando sus "
            "facturas a tiempo."
        ),
        "button": "Actualizar su tarjeta",
    },
}

# A failed AutoPay charge (DESIGN 2): the reason, then one of three next steps: a retry on a
# date (soft decline), paying in the portal (the bank wants the customer), or nothing more
# from AutoPay (hard decline).
AUTOPAY_FAILED: dict[Language, dict[str, str]] = {
    "en": {
        "subject": "AutoPay could not charge {amount}",
        "greeting": "Hi {name},",
        "body": "AutoPay could not charge {amount} for invoice {invoice}.",
        "invoice": "Invoice",
        "amount": "Amount",
        "method": "Payment method",
        "retry": (
            "We will try again on {date}. To pay now, or to use another card, use the link below."
        ),
        "needs_customer": (
            "Your bank wants you to confirm this payment, so AutoPay cannot finish it without "
            "you. Please pay the invoice in the portal."
        ),
        "no_retry": (
            "AutoPay will not try this charge again. Please pay the invoice, or update your "
            "card, with the link below."
        ),
        "button": "Pay or update your card",
        "button_needs_customer": "Pay in the portal",
    },
    "es": {
        "subject": "El pago automático no ha podido cobrar {amount}",
        "greeting": "Hola, {name}:",
        "body": "El pago automático no ha podido cobrar {amount} de la factura {invoice}.",
        "invoice": "Factura",
        "amount": "Importe",
        "method": "Método de pago",
        "retry": (
            "Lo intentaremos de nuevo el {date}. Si prefiere pagar ahora o usar otra tarjeta, "
            "use el enlace de abajo."
        ),
        "needs_customer": (
            "Su banco necesita que usted confirme este pago, así que el pago automático no "
            "puede completarlo sin usted. Pague la factura en el portal."
        ),
        "no_retry": (
            "El pago automático no volverá a intentar este cobro. Pague la factura o actualice "
            "su tarjeta con el enlace de abajo."
        ),
        "button": "Pagar o actualizar su tarjeta",
        "button_needs_customer": "Pagar en el portal",
    },
}

# The business's report after an AutoPay run: totals, then each failed charge.
AUTOPAY_RUN_SUMMARY: dict[Language, dict[str, str]] = {
    "en": {
        "subject": "AutoPay run: {charged}, {failed}",
        "intro": "The AutoPay run for {business} ({run}) has finished.",
        "charged_count": "Invoices charged",
        "charged_amount": "Amount charged",
        "failed_count": "Charges failed",
        "failed_amount": "Amount not charged",
        "skipped_count": "Invoices skipped",
        "failures": "Failed charges",
        "no_failures": "No charge failed.",
        "customer": "Customer",
        "invoice": "Invoice",
        "amount": "Amount",
        "reason": "Reason",
        "next_attempt": "Next attempt",
        "button": "See the run report",
    },
    "es": {
        "subject": "Pago automático: {charged}, {failed}",
        "intro": "Ha terminado la ejecución del pago automático de {business} ({run}).",
        "charged_count": "Facturas cobradas",
        "charged_amount": "Importe cobrado",
        "failed_count": "Cobros fallidos",
        "failed_amount": "Importe no cobrado",
        "skipped_count": "Facturas omitidas",
        "failures": "Detalle de los cobros fallidos",
        "no_failures": "No ha fallado ningún cobro.",
        "customer": "Cliente",
        "invoice": "Factura",
        "amount": "Importe",
        "reason": "Motivo",
        "next_attempt": "Próximo intento",
        "button": "Ver el informe de la ejecución",
    },
}

# The run report's words that take a number or a date: `{count}` picks the singular or the
# plural form (Spanish agrees in number; "1 cobros" would read as a mistake).
AUTOPAY_RUN_COUNTS: dict[Language, dict[str, str]] = {
    "en": {
        "charged_one": "{count} charged",
        "charged_other": "{count} charged",
        "failed_one": "{count} failed",
        "failed_other": "{count} failed",
        "retry_on": "Retry on {date}",
        "no_retry": "No retry",
    },
    "es": {
        "charged_one": "{count} cobro realizado",
        "charged_other": "{count} cobros realizados",
        "failed_one": "{count} fallido",
        "failed_other": "{count} fallidos",
        "retry_on": "Reintento el {date}",
        "no_retry": "Sin reintento",
    },
}

# To the business's office: a customer asked for work in the portal.
WORK_REQUEST: dict[Language, dict[str, str]] = {
    "en": {
        "subject": "New work request from {name}: {service}",
        "intro": "{name} asked for work in the {business} customer portal.",
        "customer": "Customer",
        "email": "Email",
        "phone": "Phone",
        "address": "Service address",
        "service": "Service wanted",
        "dates": "Preferred dates",
        "no_dates": "None given",
        "photos": "Photos",
        "description": "Description",
        "button": "See the request",
        "reference": "Request {request}",
    },
    "es": {
        "subject": "Nueva solicitud de trabajo de {name}: {service}",
        "intro": "{name} ha solicitado un trabajo en el portal de clientes de {business}.",
        "customer": "Cliente",
        "email": "Correo electrónico",
        "phone": "Teléfono",
        "address": "Dirección del servicio",
        "service": "Servicio solicitado",
        "dates": "Fechas preferidas",
        "no_dates": "Ninguna",
        "photos": "Fotos",
        "description": "Descripción",
        "button": "Ver la solicitud",
        "reference": "Solicitud {request}",
    },
}

# To the business's office: a customer asked for changes to an estimate in the portal.
ESTIMATE_CHANGE_REQUEST: dict[Language, dict[str, str]] = {
    "en": {
        "subject": "{customer} asked for changes to estimate {number}",
        "greeting": "Hello {business},",
        "body": "{customer} asked for changes to estimate {number} in the customer portal.",
        "customer": "Customer",
        "estimate": "Estimate",
        "total": "Total",
        "email": "Email",
        "message": "Their message",
        "next": "Reply to the customer, or send them a revised estimate from your CRM.",
    },
    "es": {
        "subject": "{customer} ha pedido cambios en el presupuesto {number}",
        "greeting": "Hola, {business}:",
        "body": "{customer} ha pedido cambios en el presupuesto {number} en el portal de clientes.",
        "customer": "Cliente",
        "estimate": "Presupuesto",
        "total": "Total",
        "email": "Correo electrónico",
        "message": "Su mensaje",
        "next": "Responda al cliente o envíele un presupuesto revisado desde su CRM.",
    },
}
