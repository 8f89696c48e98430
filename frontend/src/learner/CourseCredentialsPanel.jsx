/**
 * "Credentials you can earn here" for the Learning app's course home
 * (`course_outline_tab_notifications.v1`, which passes `courseId`): each credential of the
 * course, how many requirements the learner meets, and each requirement with their number
 * against the one needed.
 */
import React, { useEffect, useState } from 'react';
import PropTypes from 'prop-types';
import {
  Alert, Card, Hyperlink, Icon, Spinner,
} from '@openedx/paragon';
import { CheckCircle, RadioButtonUnchecked } from '@openedx/paragon/icons';
import { useIntl } from '@edx/frontend-platform/i18n';
import { errorOf, getMyAwards, getMyProgress } from '../api/client';
import { StandingBadge, lmsUrl } from './MyCredentialsWidget';
import Progress from '../common/Progress';
import messages from './messages';

const Requirement = ({ item }) => {
  const intl = useIntl();
  let numbers = null;
  if (item.score && item.needed) {
    numbers = intl.formatMessage(messages.scoreNeeded, { score: item.score, needed: item.needed });
  } else if (item.score) {
    numbers = intl.formatMessage(messages.scoreOnly, { score: item.score });
  } else if (item.needed) {
    numbers = intl.formatMessage(messages.neededOnly, { needed: item.needed });
  }
  return (
    <li className="mb-1" data-met={item.met ? 'true' : 'false'}>
      <Icon
        src={item.met ? CheckCircle : RadioButtonUnchecked}
        size="xs"
        className={`d-inline-block mr-1 ${item.met ? 'text-success' : 'text-gray-500'}`}
      />
      <span className="sr-only">{`${intl.formatMessage(item.met ? messages.met : messages.notMet)}: `}</span>
      <span>{item.name}</span>
      {numbers && <span className="small text-muted ml-1">{`(${numbers})`}</span>}
      {item.note && <div className="small text-muted ml-4">{item.note}</div>}
      {item.children?.length > 0 && (
        <ul className="list-unstyled ml-4">
          {/* Requirements have no ids; their order is fixed by the rule. */}
          {/* eslint-disable-next-line react/no-array-index-key */}
          {item.children.map((child, index) => <Requirement key={`${child.name}-${index}`} item={child} />)}
        </ul>
      )}
    </li>
  );
};

const itemShape = {
  name: PropTypes.string,
  met: PropTypes.bool,
  score: PropTypes.string,
  needed: PropTypes.string,
  note: PropTypes.string,
};
itemShape.children = PropTypes.arrayOf(PropTypes.shape(itemShape));
Requirement.propTypes = { item: PropTypes.shape(itemShape).isRequired };

/** The learner's credentials of this course (progress lists only what is still to earn). */
const EarnedHere = ({ awards }) => {
  const intl = useIntl();
  if (!awards.length) { return null; }
  return (
    <section className="mb-2" aria-labelledby="microcreds-earned-title">
      <h3 className="h5" id="microcreds-earned-title">{intl.formatMessage(messages.earnedTitle)}</h3>
      <ul className="list-unstyled mb-0">
        {awards.map((award) => (
          <li key={award.id} className="mb-1" data-testid={`microcreds-earned-${award.definition}`} data-standing={award.standing}>
            <Hyperlink
              destination={lmsUrl(award.public_url)}
              aria-label={intl.formatMessage(messages.view, { name: award.name })}
            >
              {award.name}
            </Hyperlink>
            <StandingBadge standing={award.standing} />
            {award.standing === 'revoked' && award.revocation_reason && (
              <div className="small text-danger">{intl.formatMessage(messages.revokedBecause, { reason: award.revocation_reason })}</div>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
};

EarnedHere.propTypes = {
  awards: PropTypes.arrayOf(PropTypes.shape({
    id: PropTypes.string, name: PropTypes.string, definition: PropTypes.string, standing: PropTypes.string,
  })).isRequired,
};

const CourseCredentialsPanel = ({ courseId }) => {
  const intl = useIntl();
  const [progress, setProgress] = useState(null);
  const [earned, setEarned] = useState([]);
  const [error, setError] = useState(null);
  useEffect(() => {
    let alive = true;
    setProgress(null);
    setEarned([]);
    setError(null);
    getMyProgress(courseId)
      .then((data) => { if (alive) { setProgress(data); } })
      .catch((failure) => { if (alive) { setError(errorOf(failure).detail); } });
    // What the learner already holds from here; without it the panel still shows progress.
    getMyAwards()
      .then((data) => { if (alive) { setEarned(data.filter((award) => award.course_key === courseId)); } })
      .catch(() => {});
    return () => { alive = false; };
  }, [courseId]);
  // A credential held (or revoked) is listed under "Earned here", not as one still to earn.
  const settled = new Set(earned.filter((a) => a.standing !== 'expired').map((a) => a.definition));
  const toEarn = progress === null ? null : progress.filter((item) => !settled.has(item.definition));
  return (
    <Card className="microcreds-course-panel mb-3" data-testid="microcreds-course-panel">
      <Card.Section>
        <h2 className="h4" id="microcreds-course-panel-title">{intl.formatMessage(messages.panelTitle)}</h2>
        {error && <Alert variant="danger" role="alert">{intl.formatMessage(messages.panelLoadFailed, { detail: error })}</Alert>}
        {progress === null && !error && <Spinner animation="border" size="sm" screenReaderText={intl.formatMessage(messages.loading)} />}
        <EarnedHere awards={earned} />
        {toEarn !== null && toEarn.length === 0 && earned.length === 0 && (
          <p className="mb-0">{intl.formatMessage(messages.panelEmpty)}</p>
        )}
        {toEarn !== null && toEarn.map((item) => {
          const { checklist } = item;
          const needed = checklist ? checklist.needed : 0;
          const met = checklist ? Math.min(checklist.met, needed) : 0;
          return (
            <section
              key={item.definition}
              className="border-top pt-2 mt-2"
              data-testid={`microcreds-progress-${item.definition}`}
              aria-labelledby={`microcreds-progress-${item.definition}-name`}
            >
              <h3 className="h5 mb-1" id={`microcreds-progress-${item.definition}-name`}>{item.name}</h3>
              {item.ready && <p className="small text-success mb-1">{intl.formatMessage(messages.ready)}</p>}
              {!checklist && <p className="small mb-1">{intl.formatMessage(messages.noGrades)}</p>}
              {checklist && (
                <>
                  <p className="small mb-1">{checklist.summary}</p>
                  <p className="small mb-1" data-testid="microcreds-progress-count">
                    {intl.formatMessage(messages.progressOf, { met: checklist.met, needed: checklist.needed })}
                  </p>
                  <Progress
                    now={needed ? (100 * met) / needed : 0}
                    variant={checklist.passed ? 'success' : 'info'}
                    label={intl.formatMessage(messages.progressLabel, { name: item.name })}
                    className="mb-2"
                  />
                  <ul className="list-unstyled mb-0">
                    {checklist.requirements.map((requirement, index) => (
                      // eslint-disable-next-line react/no-array-index-key
                      <Requirement key={`${requirement.name}-${index}`} item={requirement} />
                    ))}
                  </ul>
                </>
              )}
            </section>
          );
        })}
      </Card.Section>
    </Card>
  );
};

CourseCredentialsPanel.propTypes = { courseId: PropTypes.string.isRequired };

export default CourseCredentialsPanel;
