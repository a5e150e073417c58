"""Family-sharing messages (English, French, German): /share, invites, joining, /leave and their pings."""

from __future__ import annotations

from typing import Final

EN: Final[dict[str, str]] = {
    "role.owner": "owner",
    "event.credentials_expired_member": (
        "🔑 Renault no longer accepts the owner's login (since {time}): the car's data is paused "
        "until the owner logs in again with /login."
    ),
    "status.stale.quota_shared": "The hourly Renault budget is shared by everyone who uses this car.",
    "role.driver": "driver",
    "role.viewer": "viewer",
    "share.title": "👥 Sharing {cars}",
    "share.members": "Members:",
    "share.member_line": "• {name} – {role}, since {since}",
    "share.member_line_owner": "• {name} – {role}",
    "share.no_members": (
        "Nobody else yet. A driver may send commands (precondition, charge, schedule); "
        "a viewer sees the status and history and gets the pings."
    ),
    "share.invites": "Pending invites:",
    "share.invite_line": "• {role}, valid until {until}",
    "share.location_shared": "📍 Viewers see where the car is.",
    "share.location_hidden": "📍 Viewers do not see where the car is (drivers always do).",
    "share.you": "you",
    "share.someone": "someone",
    "share.button.invite_driver": "➕ Invite a driver",
    "share.button.invite_viewer": "➕ Invite a viewer",
    "share.button.revoke": "✖ Revoke {role} invite ({until})",
    "share.button.member": "👤 {name} ({role})",
    "share.button.show_location": "📍 Let viewers see the location",
    "share.button.hide_location": "📍 Hide the location from viewers",
    "share.button.make_driver": "Make driver",
    "share.button.make_viewer": "Make viewer",
    "share.button.remove": "Remove",
    "share.button.remove_yes": "Yes, remove",
    "share.button.back": "« Back",
    "share.member": "{name} is a {role} since {since}.",
    "share.remove_confirm": "Remove {name}? They will no longer see the car or get its pings.",
    "share.invite_created": (
        "Invite for a {role}, valid until {until}, usable once:\n{link}\n\n"
        "Forward this message to the person you invite; they open it and confirm."
    ),
    "share.button.open_invite": "🚗 Join the car",
    "share.owner_only": "Only the car's owner can share it. Ask them for an invite.",
    "share.not_a_member": "That person no longer shares the car.",
    "share.invalid_role": "That role does not exist.",
    "share.join_offer": "{owner} invites you to {cars} as a {role}.\n{what}\n\nJoin?",
    "share.what.driver": (
        "A driver sees the status and the location, and may precondition, charge and edit the schedule."
    ),
    "share.what.viewer": "A viewer sees the status and the history, and gets the pings.",
    "share.button.join": "✅ Join",
    "share.button.decline": "No, thanks",
    "share.joined": "Welcome! You now share {cars} as a {role}. Try /status; /leave stops sharing.",
    "share.declined": "Nothing was changed. The invite still works until it expires.",
    "share.problem.malformed": "This invite link is not valid. Ask the owner for a new one.",
    "share.problem.unknown": "I do not know this invite. Ask the owner to send a new one.",
    "share.problem.revoked": "The owner revoked this invite. Ask them for a new one.",
    "share.problem.used": (
        "This invite was already used: each invite works once. Ask the owner for a new one."
    ),
    "share.problem.expired": "This invite has expired (invites last 24 hours). Ask the owner for a new one.",
    "share.problem.not_private": "Open the invite in a private chat with me, not in a group.",
    "share.problem.own_invite": (
        "This is your own invite: forward it to the person you want to share the car with."
    ),
    "share.problem.already_member": "You already share this car. /status shows it.",
    "share.problem.full": (
        "This car is already shared with 10 people, the most allowed. One must leave or be removed first."
    ),
    "share.problem.too_many_pending": (
        "You already have 10 invites waiting to be used, the most allowed. Revoke one in /share or wait "
        "until one is used or expires."
    ),
    "leave.confirm": "Stop sharing {car}? You will no longer see it or get its pings.",
    "leave.button.yes": "Yes, leave",
    "leave.button.no": "No, stay",
    "leave.done": "Done: you no longer share {car}.",
    "leave.kept": "Nothing was changed.",
    "leave.owner": "You own this car: /logout unlinks it and ends every member's access.",
    "event.member_joined": "👥 {name} joined your car as a {role}.",
    "event.member_left": "👥 {name} stopped sharing your car.",
    "event.role_changed": "👥 The owner made you a {role} of the shared car.",
    "event.access_removed": (
        "👥 The owner stopped sharing the car with you: you no longer see it or get its pings."
    ),
    "event.access_owner_logout": "👥 The owner unlinked the car: you no longer see it or get its pings.",
}

FR: Final[dict[str, str]] = {
    "role.owner": "propriétaire",
    "event.credentials_expired_member": (
        "🔑 Renault n'accepte plus la connexion du propriétaire (depuis {time}) : les données de la "
        "voiture sont en pause jusqu'à ce qu'il se reconnecte avec /login."
    ),
    "status.stale.quota_shared": (
        "Le quota horaire de requêtes Renault est partagé par tous ceux qui utilisent cette voiture."
    ),
    "role.driver": "conducteur",
    "role.viewer": "observateur",
    "share.title": "👥 Partage de {cars}",
    "share.members": "Membres :",
    "share.member_line": "• {name} – {role}, depuis le {since}",
    "share.member_line_owner": "• {name} – {role}",
    "share.no_members": (
        "Personne d'autre pour l'instant. Un conducteur peut envoyer des commandes (préchauffage, charge, "
        "programme) ; un observateur voit l'état et l'historique et reçoit les notifications."
    ),
    "share.invites": "Invitations en attente :",
    "share.invite_line": "• {role}, valable jusqu'au {until}",
    "share.location_shared": "📍 Les observateurs voient où est la voiture.",
    "share.location_hidden": (
        "📍 Les observateurs ne voient pas où est la voiture (les conducteurs, toujours)."
    ),
    "share.you": "vous",
    "share.someone": "quelqu'un",
    "share.button.invite_driver": "➕ Inviter un conducteur",
    "share.button.invite_viewer": "➕ Inviter un observateur",
    "share.button.revoke": "✖ Révoquer l'invitation {role} ({until})",
    "share.button.member": "👤 {name} ({role})",
    "share.button.show_location": "📍 Montrer la position aux observateurs",
    "share.button.hide_location": "📍 Cacher la position aux observateurs",
    "share.button.make_driver": "Passer conducteur",
    "share.button.make_viewer": "Passer observateur",
    "share.button.remove": "Retirer",
    "share.button.remove_yes": "Oui, retirer",
    "share.button.back": "« Retour",
    "share.member": "{name} est {role} depuis le {since}.",
    "share.remove_confirm": (
        "Retirer {name} ? Cette personne ne verra plus la voiture et ne recevra plus ses notifications."
    ),
    "share.invite_created": (
        "Invitation pour un {role}, valable jusqu'au {until}, utilisable une fois :\n{link}\n\n"
        "Transférez ce message à la personne invitée ; elle l'ouvre et confirme."
    ),
    "share.button.open_invite": "🚗 Rejoindre la voiture",
    "share.owner_only": "Seul le propriétaire de la voiture peut la partager. Demandez-lui une invitation.",
    "share.not_a_member": "Cette personne ne partage plus la voiture.",
    "share.invalid_role": "Ce rôle n'existe pas.",
    "share.join_offer": "{owner} vous invite sur {cars} comme {role}.\n{what}\n\nRejoindre ?",
    "share.what.driver": (
        "Un conducteur voit l'état et la position, et peut préchauffer, charger et modifier le programme."
    ),
    "share.what.viewer": "Un observateur voit l'état et l'historique, et reçoit les notifications.",
    "share.button.join": "✅ Rejoindre",
    "share.button.decline": "Non merci",
    "share.joined": (
        "Bienvenue ! Vous partagez maintenant {cars} comme {role}. Essayez /status ; /leave arrête le "
        "partage."
    ),
    "share.declined": "Rien n'a changé. L'invitation reste valable jusqu'à son expiration.",
    "share.problem.malformed": (
        "Ce lien d'invitation n'est pas valide. Demandez-en un nouveau au propriétaire."
    ),
    "share.problem.unknown": (
        "Je ne connais pas cette invitation. Demandez au propriétaire d'en envoyer une nouvelle."
    ),
    "share.problem.revoked": "Le propriétaire a révoqué cette invitation. Demandez-lui-en une nouvelle.",
    "share.problem.used": (
        "Cette invitation a déjà servi : chaque invitation ne marche qu'une fois. Demandez-en une nouvelle."
    ),
    "share.problem.expired": (
        "Cette invitation a expiré (elles durent 24 heures). Demandez-en une nouvelle au propriétaire."
    ),
    "share.problem.not_private": (
        "Ouvrez l'invitation dans une conversation privée avec moi, pas dans un groupe."
    ),
    "share.problem.own_invite": (
        "C'est votre propre invitation : transférez-la à la personne avec qui partager la voiture."
    ),
    "share.problem.already_member": "Vous partagez déjà cette voiture. /status l'affiche.",
    "share.problem.full": (
        "Cette voiture est déjà partagée avec 10 personnes, le maximum. Quelqu'un doit partir ou être "
        "retiré d'abord."
    ),
    "share.problem.too_many_pending": (
        "Vous avez déjà 10 invitations en attente, le maximum. Révoquez-en une dans /share ou attendez "
        "qu'une soit utilisée ou expire."
    ),
    "leave.confirm": (
        "Arrêter de partager {car} ? Vous ne la verrez plus et ne recevrez plus ses notifications."
    ),
    "leave.button.yes": "Oui, partir",
    "leave.button.no": "Non, rester",
    "leave.done": "C'est fait : vous ne partagez plus {car}.",
    "leave.kept": "Rien n'a changé.",
    "leave.owner": "Cette voiture est à vous : /logout la délie et met fin à l'accès de chaque membre.",
    "event.member_joined": "👥 {name} a rejoint votre voiture comme {role}.",
    "event.member_left": "👥 {name} ne partage plus votre voiture.",
    "event.role_changed": "👥 Le propriétaire vous a fait {role} de la voiture partagée.",
    "event.access_removed": (
        "👥 Le propriétaire ne partage plus la voiture avec vous : vous ne la voyez plus et ne recevez "
        "plus ses notifications."
    ),
    "event.access_owner_logout": (
        "👥 Le propriétaire a délié la voiture : vous ne la voyez plus et ne recevez plus ses notifications."
    ),
}

DE: Final[dict[str, str]] = {
    "role.owner": "Besitzer",
    "event.credentials_expired_member": (
        "🔑 Renault akzeptiert die Anmeldung des Besitzers nicht mehr (seit {time}): die Daten des Autos "
        "ruhen, bis er sich mit /login neu anmeldet."
    ),
    "status.stale.quota_shared": (
        "Das stündliche Renault-Anfragebudget teilen sich alle, die dieses Auto nutzen."
    ),
    "role.driver": "Fahrer",
    "role.viewer": "Betrachter",
    "share.title": "👥 Teilen von {cars}",
    "share.members": "Mitglieder:",
    "share.member_line": "• {name} – {role}, seit {since}",
    "share.member_line_owner": "• {name} – {role}",
    "share.no_members": (
        "Noch niemand sonst. Ein Fahrer darf Befehle senden (Vorklimatisierung, Laden, Ladeplan); "
        "ein Betrachter sieht Status und Verlauf und bekommt die Benachrichtigungen."
    ),
    "share.invites": "Offene Einladungen:",
    "share.invite_line": "• {role}, gültig bis {until}",
    "share.location_shared": "📍 Betrachter sehen, wo das Auto steht.",
    "share.location_hidden": "📍 Betrachter sehen nicht, wo das Auto steht (Fahrer immer).",
    "share.you": "Sie",
    "share.someone": "jemand",
    "share.button.invite_driver": "➕ Fahrer einladen",
    "share.button.invite_viewer": "➕ Betrachter einladen",
    "share.button.revoke": "✖ Einladung {role} widerrufen ({until})",
    "share.button.member": "👤 {name} ({role})",
    "share.button.show_location": "📍 Betrachtern den Standort zeigen",
    "share.button.hide_location": "📍 Standort vor Betrachtern verbergen",
    "share.button.make_driver": "Zum Fahrer machen",
    "share.button.make_viewer": "Zum Betrachter machen",
    "share.button.remove": "Entfernen",
    "share.button.remove_yes": "Ja, entfernen",
    "share.button.back": "« Zurück",
    "share.member": "{name} ist {role} seit {since}.",
    "share.remove_confirm": (
        "{name} entfernen? Die Person sieht das Auto dann nicht mehr und bekommt keine Benachrichtigungen."
    ),
    "share.invite_created": (
        "Einladung als {role}, gültig bis {until}, einmal nutzbar:\n{link}\n\n"
        "Leiten Sie diese Nachricht an die eingeladene Person weiter; sie öffnet sie und bestätigt."
    ),
    "share.button.open_invite": "🚗 Dem Auto beitreten",
    "share.owner_only": "Nur der Besitzer des Autos kann es teilen. Bitten Sie ihn um eine Einladung.",
    "share.not_a_member": "Diese Person teilt das Auto nicht mehr.",
    "share.invalid_role": "Diese Rolle gibt es nicht.",
    "share.join_offer": "{owner} lädt Sie zu {cars} als {role} ein.\n{what}\n\nBeitreten?",
    "share.what.driver": (
        "Ein Fahrer sieht Status und Standort und darf vorklimatisieren, laden und den Ladeplan ändern."
    ),
    "share.what.viewer": "Ein Betrachter sieht Status und Verlauf und bekommt die Benachrichtigungen.",
    "share.button.join": "✅ Beitreten",
    "share.button.decline": "Nein, danke",
    "share.joined": (
        "Willkommen! Sie teilen jetzt {cars} als {role}. Probieren Sie /status; /leave beendet das Teilen."
    ),
    "share.declined": "Nichts wurde geändert. Die Einladung gilt weiter, bis sie abläuft.",
    "share.problem.malformed": "Dieser Einladungslink ist ungültig. Bitten Sie den Besitzer um einen neuen.",
    "share.problem.unknown": (
        "Diese Einladung kenne ich nicht. Bitten Sie den Besitzer, eine neue zu schicken."
    ),
    "share.problem.revoked": "Der Besitzer hat diese Einladung widerrufen. Bitten Sie ihn um eine neue.",
    "share.problem.used": (
        "Diese Einladung wurde schon benutzt: jede gilt nur einmal. Bitten Sie den Besitzer um eine neue."
    ),
    "share.problem.expired": (
        "Diese Einladung ist abgelaufen (sie gelten 24 Stunden). Bitten Sie den Besitzer um eine neue."
    ),
    "share.problem.not_private": (
        "Öffnen Sie die Einladung in einem privaten Chat mit mir, nicht in einer Gruppe."
    ),
    "share.problem.own_invite": (
        "Das ist Ihre eigene Einladung: leiten Sie sie an die Person weiter, mit der Sie das Auto "
        "teilen möchten."
    ),
    "share.problem.already_member": "Sie teilen dieses Auto schon. /status zeigt es.",
    "share.problem.full": (
        "Dieses Auto wird schon mit 10 Personen geteilt, mehr geht nicht. Zuerst muss jemand gehen "
        "oder entfernt werden."
    ),
    "share.problem.too_many_pending": (
        "Sie haben schon 10 offene Einladungen, mehr geht nicht. Widerrufen Sie eine in /share oder "
        "warten Sie, bis eine benutzt wird oder abläuft."
    ),
    "leave.confirm": (
        "{car} nicht mehr teilen? Sie sehen es dann nicht mehr und bekommen keine Benachrichtigungen."
    ),
    "leave.button.yes": "Ja, verlassen",
    "leave.button.no": "Nein, bleiben",
    "leave.done": "Erledigt: Sie teilen {car} nicht mehr.",
    "leave.kept": "Nichts wurde geändert.",
    "leave.owner": "Das Auto gehört Ihnen: /logout trennt es und beendet den Zugang aller Mitglieder.",
    "event.member_joined": "👥 {name} ist Ihrem Auto als {role} beigetreten.",
    "event.member_left": "👥 {name} teilt Ihr Auto nicht mehr.",
    "event.role_changed": "👥 Der Besitzer hat Sie zum {role} des geteilten Autos gemacht.",
    "event.access_removed": (
        "👥 Der Besitzer teilt das Auto nicht mehr mit Ihnen: Sie sehen es nicht mehr und bekommen "
        "keine Benachrichtigungen."
    ),
    "event.access_owner_logout": (
        "👥 Der Besitzer hat das Auto getrennt: Sie sehen es nicht mehr und bekommen keine "
        "Benachrichtigungen."
    ),
}

SHARING_MESSAGES: Final = {"en": EN, "fr": FR, "de": DE}
