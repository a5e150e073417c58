"""Family sharing: invites, members and their roles, leaving, and the owner's view (the worked example)."""
