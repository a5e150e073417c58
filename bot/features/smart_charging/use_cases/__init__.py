"""Smart charging's use cases: planning (`assistant`) and carrying plans out (`control`)."""
