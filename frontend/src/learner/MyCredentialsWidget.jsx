/**
 * "My credentials" for the learner dashboard's sidebar
 * (`org.openedx.frontend.learner_dashboard.widget_sidebar.v1`): every credential of the
 * signed-in learner, valid, expired or revoked (with the reason), with links to share and
 * download it.
 */
import React, { useEffect, useState } from 'react';
import PropTypes from 'prop-types';
import {
  Alert, Badge, Card, Hyperlink, Spinner,
} from '@openedx/paragon';
import { getConfig } from '@edx/frontend-platform';
import { useIntl } from '@edx/frontend-platform/i18n';
import { errorOf, getMyAwards } from '../api/client';
import messages from './messages';

const STANDING_VARIANT = { active: 'success', expired: 'warning', revoked: 'danger' };

/** A credential's standing (valid, expired, revoked), coloured, in the learner's words. */
export const StandingBadge = ({ standing }) => {
  const intl = useIntl();
  const message = messages[`standing_${standing}`];
  return (
    <Badge variant={STANDING_VARIANT[standing] || 'light'} className="ml-2">
      {message ? intl.formatMessage(message) : standing}
    </Badge>
  );
};
StandingBadge.propTypes = { standing: PropTypes.string.isRequired };

/** LMS addresses the API gives as paths ("/microcreds/...") made absolute for the MFE. */
export function lmsUrl(url) {
  if (!url) { return url; }
  return url.startsWith('/') ? `${getConfig().LMS_BASE_URL}${url}` : url;
}

const MyCredentialsWidget = () => {
  const intl = useIntl();
  const [awards, setAwards] = useState(null);
  const [error, setError] = useState(null);
  useEffect(() => {
    let alive = true;
    getMyAwards()
      .then((data) => { if (alive) { setAwards(data); } })
      .catch((failure) => { if (alive) { setError(errorOf(failure).detail); } });
    return () => { alive = false; };
  }, []);
  const date = (value) => intl.formatDate(value, { dateStyle: 'medium' });
  return (
    <Card className="microcreds-my-credentials mb-3" data-testid="microcreds-my-credentials">
      <Card.Section>
        <h2 className="h3" id="microcreds-my-credentials-title">{intl.formatMessage(messages.widgetTitle)}</h2>
        {error && <Alert variant="danger" role="alert">{intl.formatMessage(messages.loadFailed, { detail: error })}</Alert>}
        {awards === null && !error && <Spinner animation="border" size="sm" screenReaderText={intl.formatMessage(messages.loading)} />}
        {awards !== null && awards.length === 0 && <p className="mb-0">{intl.formatMessage(messages.widgetEmpty)}</p>}
        {awards !== null && awards.length > 0 && (
          <ul className="list-unstyled mb-0" aria-labelledby="microcreds-my-credentials-title">
            {awards.map((award) => (
              <li key={award.id} className="border-top py-2" data-testid={`microcreds-my-credential-${award.definition}`} data-standing={award.standing}>
                <div className="d-flex align-items-start justify-content-between">
                  <Hyperlink
                    destination={lmsUrl(award.public_url)}
                    className="font-weight-bold"
                    aria-label={intl.formatMessage(messages.view, { name: award.name })}
                  >
                    {award.name}
                  </Hyperlink>
                  <StandingBadge standing={award.standing} />
                </div>
                <div className="small text-muted">
                  {intl.formatMessage(messages.issuedOn, { date: date(award.issued_at) })}
                  {award.valid_until && `, ${intl.formatMessage(messages.validUntil, { date: date(award.valid_until) })}`}
                </div>
                {award.standing === 'revoked' && award.revocation_reason && (
                  <div className="small text-danger">{intl.formatMessage(messages.revokedBecause, { reason: award.revocation_reason })}</div>
                )}
                {award.standing !== 'revoked' && award.downloads && (
                  <div className="small">
                    {Object.entries(award.downloads).map(([kind, url]) => (
                      <Hyperlink
                        key={kind}
                        destination={lmsUrl(url)}
                        className="mr-2"
                        aria-label={intl.formatMessage(
                          messages.download,
                          { name: award.name, kind: kind.toUpperCase() },
                        )}
                      >
                        {intl.formatMessage(messages.downloadShort, { kind: kind.toUpperCase() })}
                      </Hyperlink>
                    ))}
                  </div>
                )}
              </li>
            ))}
          </ul>
        )}
      </Card.Section>
    </Card>
  );
};

export default MyCredentialsWidget;
