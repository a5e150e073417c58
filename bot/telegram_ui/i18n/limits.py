# ruff: noqa: E501 - catalog messages are kept on one line each so translators can compare them
"""Messages of the limits (login and code attempts, per-chat limits, members' shares of the Renault requests,
feed addresses), in English, French and German."""

from __future__ import annotations

from typing import Final

EN: Final[dict[str, str]] = {
    "error.limit.refresh": "Refresh limit reached: {cap} Refreshes an hour per chat, so nobody drains the car's Renault requests. The next one is possible at {time}; the card keeps the last reading meanwhile.",
    "error.limit.where": "Location limit reached: {cap} position requests an hour per chat. You can ask again at {time}.",
    "error.limit.costs": "/costs limit reached: {cap} times an hour per chat. You can open it again at {time}.",
    "error.limit.export": "/export limit reached: {cap} exports an hour per chat. You can export again at {time}.",
    "error.limit.member": "Your share of this car's Renault requests is used up: {cap} an hour per member, the rest is kept for the owner and the automatic updates. It resets at {time}.",
    "error.limit.members": "The members' share of this car's Renault requests is used up: {cap} an hour for all members together, the rest is kept for the owner and the automatic updates. It resets at {time}.",
    "error.attempts.password.user": "Too many login attempts from you. For the safety of the accounts, try again in about {wait} with /login.",
    "error.attempts.password.email": "Too many wrong passwords for this MyRenault account. To protect it, the bot will not try it again for about {wait}.",
    "error.attempts.password.all": "The bot is receiving too many login attempts right now. To protect every account, logins pause for about {wait}.",
    "error.attempts.code.user": "Too many wrong codes from you. For the safety of the accounts, start again with /login in about {wait}.",
    "error.attempts.code.email": "Too many wrong codes for this MyRenault account. To protect it, start again with /login in about {wait}.",
    "error.attempts.code.all": "The bot is receiving too many codes right now. To protect every account, start again with /login in about {wait}.",
    "error.login_locked": "Renault has temporarily locked this MyRenault account after too many failed logins. Wait at least 30 minutes (or unlock it in the MyRenault app or website), then send /login again.",
    "error.login_captcha": "Renault wants to check that a person is logging in (a captcha), which a chat cannot show. Log in once in the MyRenault app or website, wait 30 minutes, then send /login again.",
    "smart.error.url_credentials": "The price feed address must not contain a user name or password (a token in the query is fine).",
    "smart.error.url_internal": "The price feed must be on the public internet, not a local or private address.",
    "smart.error.url_malformed": "That is not a usable web address for a price feed.",
    "smart.error.tariff_refused": "The tariff source leads to an address the bot may not reach (only public https addresses). Check the feed's URL in /smarttariff.",
}

FR: Final[dict[str, str]] = {
    "error.limit.refresh": "Limite d'actualisation atteinte : {cap} actualisations par heure et par conversation, pour que personne n'épuise les requêtes Renault de la voiture. La prochaine est possible à {time} ; la fiche garde la dernière lecture en attendant.",
    "error.limit.where": "Limite de localisation atteinte : {cap} demandes de position par heure et par conversation. Vous pourrez redemander à {time}.",
    "error.limit.costs": "Limite de /costs atteinte : {cap} fois par heure et par conversation. Vous pourrez le rouvrir à {time}.",
    "error.limit.export": "Limite de /export atteinte : {cap} exports par heure et par conversation. Vous pourrez exporter de nouveau à {time}.",
    "error.limit.member": "Votre part des requêtes Renault de cette voiture est épuisée : {cap} par heure et par membre, le reste est gardé pour le propriétaire et les mises à jour automatiques. Elle se renouvelle à {time}.",
    "error.limit.members": "La part des membres dans les requêtes Renault de cette voiture est épuisée : {cap} par heure pour tous les membres ensemble, le reste est gardé pour le propriétaire et les mises à jour automatiques. Elle se renouvelle à {time}.",
    "error.attempts.password.user": "Trop de tentatives de connexion de votre part. Pour la sécurité des comptes, réessayez dans environ {wait} avec /login.",
    "error.attempts.password.email": "Trop de mots de passe erronés pour ce compte MyRenault. Pour le protéger, le bot ne l'essaiera plus pendant environ {wait}.",
    "error.attempts.password.all": "Le bot reçoit trop de tentatives de connexion en ce moment. Pour protéger tous les comptes, les connexions sont suspendues pendant environ {wait}.",
    "error.attempts.code.user": "Trop de codes erronés de votre part. Pour la sécurité des comptes, recommencez avec /login dans environ {wait}.",
    "error.attempts.code.email": "Trop de codes erronés pour ce compte MyRenault. Pour le protéger, recommencez avec /login dans environ {wait}.",
    "error.attempts.code.all": "Le bot reçoit trop de codes en ce moment. Pour protéger tous les comptes, recommencez avec /login dans environ {wait}.",
    "error.login_locked": "Renault a temporairement bloqué ce compte MyRenault après trop d'échecs de connexion. Attendez au moins 30 minutes (ou débloquez-le dans l'application ou sur le site MyRenault), puis envoyez /login.",
    "error.login_captcha": "Renault veut vérifier qu'une personne se connecte (un captcha), ce qu'une conversation ne peut pas afficher. Connectez-vous une fois dans l'application ou sur le site MyRenault, attendez 30 minutes, puis envoyez /login.",
    "smart.error.url_credentials": "L'adresse du flux de prix ne doit pas contenir de nom d'utilisateur ni de mot de passe (un jeton dans la requête convient).",
    "smart.error.url_internal": "Le flux de prix doit être sur l'internet public, pas à une adresse locale ou privée.",
    "smart.error.url_malformed": "Ce n'est pas une adresse web utilisable pour un flux de prix.",
    "smart.error.tariff_refused": "La source des tarifs mène à une adresse que le bot ne peut pas joindre (seulement des adresses https publiques). Vérifiez l'URL du flux dans /smarttariff.",
}

DE: Final[dict[str, str]] = {
    "error.limit.refresh": "Aktualisierungsgrenze erreicht: {cap} Aktualisierungen pro Stunde und Chat, damit niemand die Renault-Anfragen des Autos aufbraucht. Die nächste ist um {time} möglich; die Karte behält bis dahin die letzte Messung.",
    "error.limit.where": "Standortgrenze erreicht: {cap} Standortabfragen pro Stunde und Chat. Sie können um {time} wieder fragen.",
    "error.limit.costs": "Grenze für /costs erreicht: {cap}-mal pro Stunde und Chat. Sie können es um {time} wieder öffnen.",
    "error.limit.export": "Grenze für /export erreicht: {cap} Exporte pro Stunde und Chat. Sie können um {time} wieder exportieren.",
    "error.limit.member": "Ihr Anteil an den Renault-Anfragen dieses Autos ist aufgebraucht: {cap} pro Stunde und Mitglied, der Rest bleibt dem Besitzer und den automatischen Aktualisierungen. Er erneuert sich um {time}.",
    "error.limit.members": "Der Anteil der Mitglieder an den Renault-Anfragen dieses Autos ist aufgebraucht: {cap} pro Stunde für alle Mitglieder zusammen, der Rest bleibt dem Besitzer und den automatischen Aktualisierungen. Er erneuert sich um {time}.",
    "error.attempts.password.user": "Zu viele Anmeldeversuche von Ihnen. Zum Schutz der Konten versuchen Sie es in etwa {wait} erneut mit /login.",
    "error.attempts.password.email": "Zu viele falsche Passwörter für dieses MyRenault-Konto. Zu seinem Schutz versucht der Bot es etwa {wait} lang nicht mehr.",
    "error.attempts.password.all": "Der Bot erhält gerade zu viele Anmeldeversuche. Zum Schutz aller Konten ruhen Anmeldungen etwa {wait} lang.",
    "error.attempts.code.user": "Zu viele falsche Codes von Ihnen. Zum Schutz der Konten beginnen Sie in etwa {wait} neu mit /login.",
    "error.attempts.code.email": "Zu viele falsche Codes für dieses MyRenault-Konto. Zu seinem Schutz beginnen Sie in etwa {wait} neu mit /login.",
    "error.attempts.code.all": "Der Bot erhält gerade zu viele Codes. Zum Schutz aller Konten beginnen Sie in etwa {wait} neu mit /login.",
    "error.login_locked": "Renault hat dieses MyRenault-Konto nach zu vielen fehlgeschlagenen Anmeldungen vorübergehend gesperrt. Warten Sie mindestens 30 Minuten (oder entsperren Sie es in der MyRenault-App oder auf der Website) und senden Sie dann /login.",
    "error.login_captcha": "Renault möchte prüfen, dass sich ein Mensch anmeldet (ein Captcha), was ein Chat nicht anzeigen kann. Melden Sie sich einmal in der MyRenault-App oder auf der Website an, warten Sie 30 Minuten und senden Sie dann /login.",
    "smart.error.url_credentials": "Die Adresse des Preisfeeds darf keinen Benutzernamen und kein Passwort enthalten (ein Token in der Abfrage ist in Ordnung).",
    "smart.error.url_internal": "Der Preisfeed muss im öffentlichen Internet liegen, nicht unter einer lokalen oder privaten Adresse.",
    "smart.error.url_malformed": "Das ist keine brauchbare Webadresse für einen Preisfeed.",
    "smart.error.tariff_refused": "Die Tarifquelle führt zu einer Adresse, die der Bot nicht erreichen darf (nur öffentliche https-Adressen). Prüfen Sie die URL des Feeds in /smarttariff.",
}

CATALOGS: Final[dict[str, dict[str, str]]] = {"en": EN, "fr": FR, "de": DE}
