"""The conversation router: where each chat is (which state waits for what), and the one fallback.

`registry` declares every state that waits for input, what it accepts and what it says otherwise; `focus`
keeps a chat's current button screen in the database; `where` finds a chat's state; `router` answers every
update no feature took. See docs/architecture.md, "Every message is answered".
"""
