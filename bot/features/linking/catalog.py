# ruff: noqa: E501 - catalog messages are kept on one line each so translators can compare them
"""The login and linking messages (English, French, German): /login and its steps, /vehicles, /logout,
the commands' descriptions and the login steps' hints; merged into the main catalogs."""

from __future__ import annotations

from typing import Final

EN: Final[dict[str, str]] = {
    "cmd.login": "Link your MyRenault account",
    "cmd.vehicles": "List your cars and choose the active one",
    "cmd.logout": "Unlink your account and delete its data",
    "cmd.cancel": "Stop the current step",
    "vehicles.header": "Your cars:",
    "vehicles.line": "{marker} {title}",
    "vehicles.marker_active": "✅",
    "vehicles.marker_other": "▫️",
    "vehicles.choose": "Tap a car to make it the active one.",
    "vehicles.selected": "Active car: {title}",
    "vehicles.none": "No car was found on this MyRenault account.",
    "login.private_only": "For your security, linking happens in a private chat with me. Send /login there.",
    "login.choose_locale": "Which country is your MyRenault account registered in?",
    "login.locale_chosen": "Country: {locale}",
    "login.ask_email": "Send me the e-mail address of your MyRenault account.",
    "login.bad_email": "That does not look like an e-mail address. Please send it again.",
    "login.ask_password": (
        "Now send your MyRenault password. I delete your message as soon as I have read it, "
        "and I never store the password."
    ),
    "login.checking": "Checking with Renault...",
    "login.code_sent": "Renault sent a code to your e-mail ({emails}), send it here.",
    "login.password_rejected": "Renault refused this e-mail or password. Send the password again, or /cancel.",
    "login.linked": "Linked! Your cars:\n{vehicles}",
    "login.linked_none": "Linked, but there is no car on this account yet.",
    "login.choose_vehicle": "You have several cars: which one should I use by default?",
    "login.timeout": "The login was stopped because no answer came for 10 minutes. Send /login to start again.",
    "login.timeout_secret_deleted": (
        "The login was stopped because no answer came for 10 minutes, so I deleted your message in case it "
        "held your password or code. Send /login to start again."
    ),
    "login.cancelled": "Login cancelled. Nothing was stored.",
    "login.tap_country": "Tap your country below, or type your MyRenault e-mail to keep the first one (or /cancel).",
    "login.send_as_text": "Please answer with a text message, or /cancel.",
    "login.already_in_progress": "A login is already in progress: answer the question above, or /cancel.",
    "logout.confirm": "Unlink your MyRenault account and delete everything stored for it?",
    "logout.done": "Done: your account is unlinked and its data deleted.",
    "logout.kept": "Nothing was changed.",
    "button.logout_yes": "Yes, delete everything",
    "button.logout_no": "No, keep it",
    "router.hint.login.locale": "Tap your country below, or type your MyRenault e-mail to keep the first one (or /cancel).",
    "router.hint.login.email": "I am waiting for the e-mail address of your MyRenault account, as a text message (or /cancel).",
    "router.hint.login.password": "I am waiting for your MyRenault password, as a text message (or /cancel).",
    "router.hint.login.code": "I am waiting for the code Renault e-mailed you, as a text message (or /cancel).",
    "router.hint.logout.confirm": "Tap a button below: delete everything, or keep your account linked.",
    "router.hint.vehicles.choose": "Tap the car to use on the buttons below.",
}

FR: Final[dict[str, str]] = {
    "cmd.login": "Relier votre compte MyRenault",
    "cmd.vehicles": "Vos voitures et le choix de la voiture active",
    "cmd.logout": "Délier votre compte et effacer ses données",
    "cmd.cancel": "Arrêter l'étape en cours",
    "vehicles.header": "Vos voitures :",
    "vehicles.line": "{marker} {title}",
    "vehicles.marker_active": "✅",
    "vehicles.marker_other": "▫️",
    "vehicles.choose": "Touchez une voiture pour la rendre active.",
    "vehicles.selected": "Voiture active : {title}",
    "vehicles.none": "Aucune voiture trouvée sur ce compte MyRenault.",
    "login.private_only": (
        "Pour votre sécurité, la liaison se fait dans une discussion privée avec moi. Envoyez /login là-bas."
    ),
    "login.choose_locale": "Dans quel pays votre compte MyRenault est-il enregistré ?",
    "login.locale_chosen": "Pays : {locale}",
    "login.ask_email": "Envoyez-moi l'adresse e-mail de votre compte MyRenault.",
    "login.bad_email": "Cela ne ressemble pas à une adresse e-mail. Renvoyez-la, s'il vous plaît.",
    "login.ask_password": (
        "Envoyez maintenant votre mot de passe MyRenault. J'efface votre message dès que je l'ai lu "
        "et je ne garde jamais le mot de passe."
    ),
    "login.checking": "Vérification auprès de Renault...",
    "login.code_sent": "Renault a envoyé un code à votre e-mail ({emails}), envoyez-le ici.",
    "login.password_rejected": (
        "Renault a refusé cet e-mail ou ce mot de passe. Renvoyez le mot de passe, ou /cancel."
    ),
    "login.linked": "C'est relié ! Vos voitures :\n{vehicles}",
    "login.linked_none": "C'est relié, mais ce compte n'a pas encore de voiture.",
    "login.choose_vehicle": "Vous avez plusieurs voitures : laquelle dois-je utiliser par défaut ?",
    "login.timeout": "La connexion a été arrêtée faute de réponse pendant 10 minutes. Envoyez /login pour recommencer.",
    "login.timeout_secret_deleted": (
        "La connexion a été arrêtée faute de réponse pendant 10 minutes ; j'ai donc supprimé votre message, "
        "au cas où il contiendrait votre mot de passe ou votre code. Envoyez /login pour recommencer."
    ),
    "login.cancelled": "Connexion annulée. Rien n'a été enregistré.",
    "login.tap_country": "Touchez votre pays ci-dessous, ou tapez l'e-mail de votre compte MyRenault pour garder le premier (ou /cancel).",
    "login.send_as_text": "Répondez par un message texte, ou /cancel.",
    "login.already_in_progress": "Une connexion est déjà en cours : répondez à la question ci-dessus, ou /cancel.",
    "logout.confirm": "Délier votre compte MyRenault et effacer tout ce qui est enregistré ?",
    "logout.done": "C'est fait : votre compte est délié et ses données effacées.",
    "logout.kept": "Rien n'a été modifié.",
    "button.logout_yes": "Oui, tout effacer",
    "button.logout_no": "Non, garder",
    "router.hint.login.locale": "Touchez votre pays ci-dessous, ou tapez l'e-mail de votre compte MyRenault pour garder le premier (ou /cancel).",
    "router.hint.login.email": "J'attends l'adresse e-mail de votre compte MyRenault, en message texte (ou /cancel).",
    "router.hint.login.password": "J'attends votre mot de passe MyRenault, en message texte (ou /cancel).",
    "router.hint.login.code": "J'attends le code que Renault vous a envoyé par e-mail, en message texte (ou /cancel).",
    "router.hint.logout.confirm": "Touchez un bouton ci-dessous : tout supprimer, ou garder votre compte lié.",
    "router.hint.vehicles.choose": "Touchez la voiture à utiliser sur les boutons ci-dessous.",
}

DE: Final[dict[str, str]] = {
    "cmd.login": "MyRenault-Konto verknüpfen",
    "cmd.vehicles": "Ihre Autos und das aktive Auto wählen",
    "cmd.logout": "Konto trennen und seine Daten löschen",
    "cmd.cancel": "Den aktuellen Schritt abbrechen",
    "vehicles.header": "Ihre Autos:",
    "vehicles.line": "{marker} {title}",
    "vehicles.marker_active": "✅",
    "vehicles.marker_other": "▫️",
    "vehicles.choose": "Tippen Sie auf ein Auto, um es zum aktiven zu machen.",
    "vehicles.selected": "Aktives Auto: {title}",
    "vehicles.none": "Auf diesem MyRenault-Konto wurde kein Auto gefunden.",
    "login.private_only": (
        "Zu Ihrer Sicherheit erfolgt die Verknüpfung in einem privaten Chat mit mir. Senden Sie dort /login."
    ),
    "login.choose_locale": "In welchem Land ist Ihr MyRenault-Konto registriert?",
    "login.locale_chosen": "Land: {locale}",
    "login.ask_email": "Senden Sie mir die E-Mail-Adresse Ihres MyRenault-Kontos.",
    "login.bad_email": "Das sieht nicht nach einer E-Mail-Adresse aus. Bitte senden Sie sie erneut.",
    "login.ask_password": (
        "Senden Sie jetzt Ihr MyRenault-Passwort. Ich lösche Ihre Nachricht, sobald ich sie gelesen habe, "
        "und speichere das Passwort nie."
    ),
    "login.checking": "Ich frage bei Renault nach...",
    "login.code_sent": "Renault hat einen Code an Ihre E-Mail-Adresse ({emails}) geschickt, senden Sie ihn hier.",
    "login.password_rejected": (
        "Renault hat diese E-Mail-Adresse oder dieses Passwort abgelehnt. Senden Sie das Passwort erneut, oder /cancel."
    ),
    "login.linked": "Verknüpft! Ihre Autos:\n{vehicles}",
    "login.linked_none": "Verknüpft, aber auf diesem Konto ist noch kein Auto.",
    "login.choose_vehicle": "Sie haben mehrere Autos: welches soll ich standardmäßig verwenden?",
    "login.timeout": (
        "Die Anmeldung wurde beendet, weil 10 Minuten keine Antwort kam. Senden Sie /login, um neu zu beginnen."
    ),
    "login.timeout_secret_deleted": (
        "Die Anmeldung wurde beendet, weil 10 Minuten keine Antwort kam; deshalb habe ich Ihre Nachricht "
        "gelöscht, falls sie Ihr Passwort oder Ihren Code enthielt. Senden Sie /login, um neu zu beginnen."
    ),
    "login.cancelled": "Anmeldung abgebrochen. Es wurde nichts gespeichert.",
    "login.tap_country": "Tippen Sie unten auf Ihr Land, oder geben Sie die E-Mail-Adresse Ihres MyRenault-Kontos ein, um das erste zu behalten (oder /cancel).",
    "login.send_as_text": "Bitte antworten Sie mit einer Textnachricht, oder /cancel.",
    "login.already_in_progress": "Eine Anmeldung läuft bereits: beantworten Sie die Frage oben, oder /cancel.",
    "logout.confirm": "MyRenault-Konto trennen und alles dafür Gespeicherte löschen?",
    "logout.done": "Erledigt: Ihr Konto ist getrennt und seine Daten sind gelöscht.",
    "logout.kept": "Es wurde nichts geändert.",
    "button.logout_yes": "Ja, alles löschen",
    "button.logout_no": "Nein, behalten",
    "router.hint.login.locale": "Tippen Sie unten auf Ihr Land, oder geben Sie die E-Mail-Adresse Ihres MyRenault-Kontos ein, um das erste zu behalten (oder /cancel).",
    "router.hint.login.email": "Ich warte auf die E-Mail-Adresse Ihres MyRenault-Kontos, als Textnachricht (oder /cancel).",
    "router.hint.login.password": "Ich warte auf Ihr MyRenault-Passwort, als Textnachricht (oder /cancel).",
    "router.hint.login.code": "Ich warte auf den Code, den Renault Ihnen per E-Mail geschickt hat, als Textnachricht (oder /cancel).",
    "router.hint.logout.confirm": "Tippen Sie unten: alles löschen, oder Ihr Konto verknüpft lassen.",
    "router.hint.vehicles.choose": "Tippen Sie unten auf das Auto, das Sie nutzen möchten.",
}

LINKING_MESSAGES: Final[dict[str, dict[str, str]]] = {"en": EN, "fr": FR, "de": DE}
