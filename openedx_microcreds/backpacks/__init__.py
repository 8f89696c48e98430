"""Learners' backpacks: hosts that implement the 1EdTech Open Badges 3.0 API, each learner's
connections to them, and what the learner's page says about them. The protocol itself (HTTP,
discovery, registration, OAuth, upsert) is :mod:`openedx_microcreds.ob3`; the outbox channel that
pushes credentials is :mod:`openedx_microcreds.delivery.ob3`."""
