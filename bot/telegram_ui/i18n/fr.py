# ruff: noqa: E501 - catalog messages are kept on one line each so translators can compare them
"""Messages en français."""

from __future__ import annotations

from typing import Final

MESSAGES: Final[dict[str, str]] = {
    # Nombres et unités
    "duration.minutes": "{minutes} min",
    "duration.hours": "{hours} h",
    "duration.hours_minutes": "{hours} h {minutes} min",
    "age.just_now": "à l'instant",
    "age.minutes": "il y a {minutes} min",
    "age.hours": "il y a {hours} h",
    "age.days.one": "il y a {days} jour",
    "age.days.other": "il y a {days} jours",
    # Motifs de date CLDR (Babel) : M mois, d jour, HH:mm heure sur 24 h
    # Commandes
    "cmd.start": "Bienvenue et comment relier votre voiture",
    "cmd.schedule": "Voir et modifier le programme de charge",
    "cmd.history": "Charges récentes et graphique de la batterie",
    "cmd.smartcharge": "Charger quand l'électricité est la moins chère",
    "cmd.smarttariff": "Choisir votre tarif d'électricité pour la charge intelligente",
    "cmd.share": "Partager la voiture en famille : invitations et membres",
    "cmd.leave": "Ne plus partager une voiture qu'on vous a partagée",
    "cmd.help": "Ce que fait chaque commande",
    # Accueil et aide
    "start.welcome": (
        "Bonjour ! Je veille sur votre voiture électrique Renault, Dacia ou Alpine.\n"
        "Demandez-moi la batterie et l'autonomie, chauffez la voiture avant de partir, démarrez ou "
        "arrêtez une charge, et recevez un message quand la charge est finie ou la batterie faible.\n\n"
        "Pour commencer, reliez votre compte MyRenault avec /login (dans cette discussion privée)."
    ),
    "start.welcome_linked": "Re-bonjour ! Votre voiture est reliée : essayez /status.",
    "help.text": (
        "/status - batterie, autonomie et état de charge\n"
        "/precondition - chauffer ou rafraîchir maintenant ou à une heure\n"
        "/charge - démarrer ou arrêter la charge, mode et limites\n"
        "/schedule - voir et modifier le programme de charge\n"
        "/smartcharge - prête à une heure et à un niveau, en chargeant quand l'électricité est la moins chère\n"
        "/smarttariff - choisir votre tarif d'électricité pour la charge intelligente\n"
        "/where - où est la voiture\n"
        "/history - charges récentes et graphique de la batterie\n"
        "/costs - ce que coûte la recharge par mois, et ce que la charge intelligente a économisé\n"
        "/export - vos sessions de charge et relevés dans un fichier CSV\n"
        "/vehicles - choisir la voiture active\n"
        "/settings - notifications, langue, fuseau horaire, unités, température\n"
        "/login - relier votre compte MyRenault\n"
        "/share - inviter la famille comme conducteur ou observateur, gérer les membres\n"
        "/leave - ne plus partager une voiture qu'on vous a partagée\n"
        "/logout - délier et tout effacer\n"
        "/cancel - arrêter l'étape en cours"
    ),
    "access.denied": "Désolé, ce bot est privé. Demandez à son propriétaire d'ajouter votre compte Telegram.",
    # Erreurs
    "error.generic": "Un problème est survenu de mon côté. Réessayez dans un instant.",
    "error.storage": (
        "⚠️ Mon stockage est indisponible pour le moment, je n'ai pas pu aller au bout. Réessayez "
        "dans quelques minutes."
    ),
    "storage.not_saved": (
        "⚠️ Je n'ai pas pu enregistrer votre message : mon stockage est indisponible pour le "
        "moment. Je le traiterai dès qu'il sera revenu ; sans réponse, renvoyez-le dans quelques "
        "minutes."
    ),
    "error.not_linked": "Aucune voiture n'est reliée à cette discussion. Reliez votre compte MyRenault avec /login.",
    "error.not_permitted": "Vous ne pouvez pas commander cette voiture depuis cette discussion.",
    "error.already_linked": "Ce compte MyRenault est déjà relié à une discussion. Faites d'abord /logout là-bas.",
    "error.login_rejected": "Renault a refusé cet e-mail ou ce mot de passe.",
    "error.code_rejected": "Ce code n'est pas le bon. Vérifiez le dernier e-mail de Renault et renvoyez le code.",
    "error.code_expired": "Le code a expiré. Recommencez avec /login.",
    "error.needs_login": "Renault n'accepte plus la connexion enregistrée. Reconnectez-vous avec /login.",
    "error.secrets_unreadable": (
        "Je ne peux pas lire la connexion enregistrée de cette voiture pour l'instant (un problème de clé "
        "du côté du bot). Rien n'a été modifié et vous n'avez pas à vous reconnecter ; réessayez plus tard."
    ),
    "error.renault_busy": "Renault limite les requêtes ; prochain essai possible dans environ {minutes} min.",
    "error.renault_busy_soon": "Renault limite les requêtes ; réessayez dans quelques minutes.",
    "error.feature_unavailable": "Votre voiture ne le permet pas. J'ai retiré ce bouton.",
    "error.renault_down": "Les serveurs de Renault sont injoignables pour le moment. Réessayez plus tard.",
    "error.action_busy": "La voiture traite encore la demande précédente. Réessayez dans une minute.",
    "error.privacy_mode": (
        "Le mode confidentialité de la voiture est activé : Renault masque ses données et refuse les commandes."
    ),
    "error.too_many_actions": "Un instant : vous pourrez envoyer une nouvelle demande dans {seconds} s.",
    "error.invalid_input": "Je ne peux pas utiliser cela : {reasons}",
    "error.invalid_generic": "la valeur n'est pas valide",
    "error.action_parameters": "cette action demande une valeur que je n'ai pas reçue",
    "error.temperature_range": "la température doit être entre 16 et 27 °C",
    "error.level_range": "un niveau de charge doit être entre 0 et 100 %",
    "error.level_order": "le niveau minimum ne doit pas dépasser le niveau cible",
    "error.renault_refused_input": "Renault a refusé les valeurs envoyées",
    "error.battery_too_low": "la batterie est trop faible pour cela",
    "callback.stale": "Ce bouton n'est plus valable. Envoyez /status pour en avoir un nouveau.",
    "callback.refused": "Votre rôle sur cette voiture ne le permet pas. Envoyez /status pour les boutons que vous pouvez utiliser.",
    "cancel.nothing": "Il n'y a rien à annuler.",
    # Véhicules
    "vehicle.title": "🚗 {model} · …{vin_tail}",
    "vehicle.title_plate": "🚗 {model} · {plate} · …{vin_tail}",
    # Connexion
    "event.secret_not_deleted": (
        "🔐 Je n'ai pas pu supprimer le message envoyé à {time} avec votre mot de passe ou votre code. "
        "Supprimez-le vous-même : appui long dessus (clic droit sur un ordinateur), puis Supprimer."
    ),
    # Fiche d'état
    "status.outside": "🌡 Extérieur : {temperature}",
    "charge_mode.always": "charge dès le branchement",
    "charge_mode.scheduled": "charge programmée",
    # Actions
    "action.refresh": "🔄 Actualiser",
    "action.precondition": "🌡 Préchauffer maintenant",
    "action.precondition_stop": "⏹ Arrêter le préconditionnement",
    "action.charge_start": "⚡ Démarrer la charge",
    "action.charge_stop": "⏹ Arrêter la charge",
    "action.charge_pause": "⏸ Mettre en pause",
    "action.charge_resume": "▶️ Reprendre la charge",
    "action.location": "📍 Position",
    "action.schedule": "🗓 Programme",
    "action.charge_mode": "⏱ Mode de charge",
    "action.charge_limits": "🎯 Limites de charge",
    "action.horn": "📣 Klaxon",
    "action.lights": "💡 Appel de phares",
    "action.generic": "Action",
    # Menus de préconditionnement et de charge
    "button.temperature": "{temperature}",
    "button.time": "{time}",
    "button.mode_always": "Charger dès le branchement",
    "button.mode_scheduled": "Charger selon le programme",
    "button.back": "⬅️ Retour",
    "button.cancel": "✖️ Annuler",
    # Position
    "event.car": "🚗 …{vin_tail}",
    "event.level": "{level}",
    "event.level_unknown": "inconnue",
    "event.detail.energy": "+{energy}",
    "event.detail.duration": "en {duration}",
    "event.detail.from_level": "depuis {level}",
    "event.detail.power": "à {power}",
    "event.detail.time_left": "encore {duration}",
    "event.charge_started": "⚡ {car} : charge démarrée, batterie {level}.",
    "event.charge_complete": "✅ {car} : charge terminée, batterie {level}.",
    "event.charge_interrupted": "⚠️ {car} : charge interrompue ({reason}), batterie {level}.",
    "event.reason.stopped": "la voiture a arrêté la charge",
    "event.reason.unplugged": "débranchée",
    "event.reason.schedule_ended": "fin de la plage programmée",
    "event.reason.error": "erreur de charge",
    "event.charge_error": "❌ {car} : erreur de charge, batterie {level}. Vérifiez le câble et la borne.",
    "event.plugged": "🔌 {car} : branchée, batterie {level}.",
    "event.unplugged": "🔌 {car} : débranchée, batterie {level}.",
    "event.plugged_not_charging": "⚠️ {car} : branchée depuis {time} mais pas en charge, batterie {level}.",
    "event.low_battery": "🪫 {car} : batterie faible, {level} (sous {threshold}).",
    "event.target_reached": "🎯 {car} : votre objectif de {target} est atteint, batterie {level}.",
    "event.target_stopping": "J'arrête la charge.",
    "event.plug_reminder": "🔌 {car} : batterie à {level}, sous {below}, et la voiture n'est pas branchée.",
    "event.preconditioning": "🌡 {car} : préconditionnement en marche, batterie {level}.",
    "event.action_confirmed": "✅ {car} : {action} confirmé par la voiture.",
    "event.action_not_confirmed": "⚠️ {car} : la voiture n'a pas confirmé {action} envoyé à {time}. Vérifiez /status.",
    "event.renault_unreachable": "⚠️ Les serveurs de Renault sont injoignables depuis {time}. Je réessaie ; les données peuvent être anciennes.",
    "event.credentials_expired": "🔑 Renault n'accepte plus votre connexion (depuis {time}). Reconnectez-vous avec /login.",
    "event.service_recovered": "✅ Renault est de nouveau joignable ; les nouvelles reprennent.",
}
