"""Login and linking: /login (country, e-mail, password, the e-mailed code), /vehicles, /logout, /cancel."""
