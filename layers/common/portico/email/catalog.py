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
