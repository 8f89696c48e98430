"""
An LMS process that sends grade events, for the event bus tests:

    python -m tests.integration.produce USER_ID COURSE_KEY COUNT

Sends COURSE_PASSING_STATUS_UPDATED ``COUNT`` times for the learner through openedx-events, as
the LMS's grading code does. With the integration settings' ``MICROCREDS_IT_PRODUCE_TOPIC``, the
platform's ``EVENT_BUS_PRODUCER_CONFIG`` mechanism publishes each event to the Redis event bus;
run it with ``MICROCREDS_IT_AWARDING=off`` to be sure nothing is awarded in this process.
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str]) -> int:
    if len(argv) != 4:
        sys.stderr.write(__doc__)
        return 2
    user_id, course_key, count = int(argv[1]), argv[2], int(argv[3])
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.integration.settings")
    import django

    django.setup()
    from openedx_microcreds.platform import get_platform
    from openedx_microcreds.settings import get_setting
    from sandbox import scenario

    print(f"awarding in this process: {'on' if get_setting('MICROCREDS_ENABLED') else 'off'}")

    learner = get_platform().get_user(user_id)
    if learner is None:
        sys.stderr.write(f"no user with id {user_id}\n")
        return 1
    for _ in range(count):
        scenario.send_passing_status(learner, course_key)
    print(f"sent {count} course passing status events for user {user_id} in {course_key}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
