# ruff: noqa: E501 - catalog messages are kept on one line each so translators can compare them
"""Messages of the limits (login and code attempts), in English, French and German."""

from __future__ import annotations

from typing import Final

EN: Final[dict[str, str]] = {
    "error.attempts.password.user": "Too many login attempts from you. For the safety of the accounts, try again in about {wait} with /login.",
    "error.attempts.password.email": "Too many wrong passwords for this MyRenault account. To protect it, the bot will not try it again for about {wait}.",
    "error.attempts.password.all": "The bot is receiving too many login attempts right now. To protect every account, logins pause for about {wait}.",
    "error.attempts.code.user": "Too many wrong codes from you. For the safety of the accounts, start again with /login in about {wait}.",
    "error.attempts.code.email": "Too many wrong codes for this MyRenault account. To protect it, start again with /login in about {wait}.",
    "error.attempts.code.all": "The bot is receiving too many codes right now. To protect every account, start again with /login in about {wait}.",
    "error.login_locked": "Renault has temporarily locked this MyRenault account after too many failed logins. Wait at least 30 minutes (or unlock it in the MyRenault app or website), then send /login again.",
    "error.login_captcha": "Renault wants to check that a person is logging in (a captcha), which a chat cannot show. Log in once in the MyRenault app or website, wait 30 minutes, then send /login again.",
}

FR: Final[dict[str, str]] = {
    "error.attempts.password.user": "Trop de tentatives de connexion de votre part. Pour la sécurité des comptes, réessayez dans environ {wait} avec /login.",
    "error.attempts.password.email": "Trop de mots de passe erronés pour ce compte MyRenault. Pour le protéger, le bot ne l'essaiera plus pendant environ {wait}.",
    "error.attempts.password.all": "Le bot reçoit trop de tentatives de connexion en ce moment. Pour protéger tous les comptes, les connexions sont suspendues pendant environ {wait}.",
    "error.attempts.code.user": "Trop de codes erronés de votre part. Pour la sécurité des comptes, recommencez avec /login dans environ {wait}.",
    "error.attempts.code.email": "Trop de codes erronés pour ce compte MyRenault. Pour le protéger, recommencez avec /login dans environ {wait}.",
    "error.attempts.code.all": "Le bot reçoit trop de codes en ce moment. Pour protéger tous les comptes, recommencez avec /login dans environ {wait}.",
    "error.login_locked": "Renault a temporairement bloqué ce compte MyRenault après trop d'échecs de connexion. Attendez au moins 30 minutes (ou débloquez-le dans l'application ou sur le site MyRenault), puis envoyez /login.",
    "error.login_captcha": "Renault veut vérifier qu'une personne se connecte (un captcha), ce qu'une conversation ne peut pas afficher. Connectez-vous une fois dans l'application ou sur le site MyRenault, attendez 30 minutes, puis envoyez /login.",
}

DE: Final[dict[str, str]] = {
    "error.attempts.password.user": "Zu viele Anmeldeversuche von dir. Zum Schutz der Konten versuche es in etwa {wait} erneut mit /login.",
    "error.attempts.password.email": "Zu viele falsche Passwörter für dieses MyRenault-Konto. Zu seinem Schutz versucht der Bot es etwa {wait} lang nicht mehr.",
    "error.attempts.password.all": "Der Bot erhält gerade zu viele Anmeldeversuche. Zum Schutz aller Konten ruhen Anmeldungen etwa {wait} lang.",
    "error.attempts.code.user": "Zu viele falsche Codes von dir. Zum Schutz der Konten beginne in etwa {wait} neu mit /login.",
    "error.attempts.code.email": "Zu viele falsche Codes für dieses MyRenault-Konto. Zu seinem Schutz beginne in etwa {wait} neu mit /login.",
    "error.attempts.code.all": "Der Bot erhält gerade zu viele Codes. Zum Schutz aller Konten beginne in etwa {wait} neu mit /login.",
    "error.login_locked": "Renault hat dieses MyRenault-Konto nach zu vielen fehlgeschlagenen Anmeldungen vorübergehend gesperrt. Warte mindestens 30 Minuten (oder entsperre es in der MyRenault-App oder auf der Website) und sende dann /login.",
    "error.login_captcha": "Renault möchte prüfen, dass sich ein Mensch anmeldet (ein Captcha), was ein Chat nicht anzeigen kann. Melde dich einmal in der MyRenault-App oder auf der Website an, warte 30 Minuten und sende dann /login.",
}

CATALOGS: Final[dict[str, dict[str, str]]] = {"en": EN, "fr": FR, "de": DE}
