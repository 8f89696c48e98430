"""The learner's side: their credentials, their progress towards the ones they can still earn,
their choices (e-mails), in words and numbers for people. Services the learner's pages and the
e-mails call; no views here."""
