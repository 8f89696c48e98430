"""Delivery of credentials and news about them: the outbox, and one module per channel
(e-mail to the learner, pushes to their wallets) behind one interface (:mod:`.channels`)."""
