"""The linking's use cases: `linking.py` logs in and links (the `LoginPort`); `limits.py` caps the login
and code attempts."""
