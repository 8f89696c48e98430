/**
 * Awarded: the credentials issued under a definition; search, filter by state, revoke with a
 * reason (told to the learner), reinstate one revoked in error.
 */
import React, {
  useCallback, useEffect, useRef, useState,
} from 'react';
import PropTypes from 'prop-types';
import {
  ActionRow, Alert, Badge, Button, Form, Hyperlink, ModalDialog, Spinner,
} from '@openedx/paragon';
import { useIntl } from '@edx/frontend-platform/i18n';
import {
  errorOf, listAwards, reinstateAward, revokeAward,
} from '../api/client';
import messages from './messages';

const STATES = ['active', 'revoked', 'expired', 'superseded'];
const STATE_VARIANT = {
  active: 'success', revoked: 'danger', expired: 'warning', superseded: 'secondary',
};

/** The dialog asking for the reason of a revocation or reinstatement. */
const ReasonDialog = ({
  change, onCancel, onConfirm,
}) => {
  const intl = useIntl();
  const [reason, setReason] = useState('');
  const [problem, setProblem] = useState(null);
  const [busy, setBusy] = useState(false);
  const input = useRef(null);
  useEffect(() => { if (change) { setReason(''); setProblem(null); setTimeout(() => input.current?.focus()); } }, [change]);
  if (!change) { return null; }
  const revoking = change.action === 'revoke';
  const title = intl.formatMessage(
    revoking ? messages.revokeTitle : messages.reinstateTitle,
    { username: change.award.username },
  );
  const submit = async () => {
    if (!reason.trim()) {
      setProblem(intl.formatMessage(messages.reasonRequired));
      input.current?.focus();
      return;
    }
    setBusy(true);
    const failure = await onConfirm(reason.trim());
    setBusy(false);
    if (failure) {
      setProblem(failure);
      input.current?.focus();
    }
  };
  return (
    <ModalDialog title={title} isOpen onClose={onCancel} hasCloseButton variant="default" isOverflowVisible={false}>
      <ModalDialog.Header><ModalDialog.Title>{title}</ModalDialog.Title></ModalDialog.Header>
      <ModalDialog.Body>
        <Form.Group controlId="microcreds-reason">
          <Form.Label>{intl.formatMessage(messages.reasonLabel)}</Form.Label>
          <Form.Control
            as="textarea"
            rows={3}
            id="microcreds-reason"
            ref={input}
            value={reason}
            isInvalid={Boolean(problem)}
            aria-invalid={Boolean(problem) || undefined}
            aria-describedby={problem ? 'microcreds-reason-error' : undefined}
            onChange={(event) => { setReason(event.target.value); setProblem(null); }}
          />
          {problem && <div id="microcreds-reason-error" className="invalid-feedback d-block" role="alert">{problem}</div>}
        </Form.Group>
      </ModalDialog.Body>
      <ModalDialog.Footer>
        <ActionRow>
          <ModalDialog.CloseButton variant="tertiary">{intl.formatMessage(messages.cancel)}</ModalDialog.CloseButton>
          <Button variant={revoking ? 'danger' : 'primary'} disabled={busy} onClick={submit}>
            {intl.formatMessage(revoking ? messages.confirmRevoke : messages.confirmReinstate)}
          </Button>
        </ActionRow>
      </ModalDialog.Footer>
    </ModalDialog>
  );
};

ReasonDialog.propTypes = {
  change: PropTypes.shape({ action: PropTypes.string, award: PropTypes.shape({ username: PropTypes.string }) }),
  onCancel: PropTypes.func.isRequired,
  onConfirm: PropTypes.func.isRequired,
};
ReasonDialog.defaultProps = { change: null };

const AwardsPanel = ({ courseId, slug }) => {
  const intl = useIntl();
  const [query, setQuery] = useState({ search: '', state: '' });
  const [searchText, setSearchText] = useState('');
  const [data, setData] = useState(null);
  const [error, setError] = useState(null);
  const [notice, setNotice] = useState(null);
  const [change, setChange] = useState(null);
  const [page, setPage] = useState(1);
  const returnFocus = useRef(null);

  const more = async () => {
    try {
      const next = await listAwards(courseId, slug, {
        search: query.search || undefined, state: query.state || undefined, page: page + 1,
      });
      setData((previous) => ({ ...next, results: [...previous.results, ...next.results] }));
      setPage(page + 1);
    } catch (failure) {
      setError(errorOf(failure).detail);
    }
  };

  const load = useCallback(async () => {
    setError(null);
    try {
      setData(await listAwards(courseId, slug, { search: query.search || undefined, state: query.state || undefined }));
      setPage(1);
    } catch (failure) {
      setError(errorOf(failure).detail);
    }
  }, [courseId, slug, query]);
  useEffect(() => { load(); }, [load]);

  const confirm = async (reason) => {
    const call = change.action === 'revoke' ? revokeAward : reinstateAward;
    try {
      const result = await call(courseId, slug, change.award.id, reason);
      setChange(null);
      setNotice(result.message);
      await load();
      setTimeout(() => returnFocus.current?.focus());
      return null;
    } catch (failure) {
      const body = errorOf(failure);
      return body.problems.length ? body.problems.map((p) => p.message).join('; ') : body.detail;
    }
  };

  const open = (action, award, event) => {
    returnFocus.current = event.currentTarget;
    setNotice(null);
    setChange({ action, award });
  };

  const stateLabel = (state) => (messages[`award_${state}`] ? intl.formatMessage(messages[`award_${state}`]) : state);
  const date = (value) => (value ? intl.formatDate(value, { dateStyle: 'medium' }) : intl.formatMessage(messages.never));
  const awards = data?.results || [];
  return (
    <section className="pt-2 microcreds-awards" aria-labelledby="microcreds-awards-heading" data-testid="microcreds-awards">
      <h3 id="microcreds-awards-heading" className="h3">{intl.formatMessage(messages.awardedHeading)}</h3>
      <Form
        className="d-flex align-items-end flex-wrap mb-3"
        role="search"
        onSubmit={(event) => { event.preventDefault(); setQuery((q) => ({ ...q, search: searchText.trim() })); }}
      >
        <Form.Group className="mb-0 mr-2" controlId="microcreds-award-search">
          <Form.Label>{intl.formatMessage(messages.awardedSearch)}</Form.Label>
          <Form.Control id="microcreds-award-search" type="search" value={searchText} onChange={(e) => setSearchText(e.target.value)} />
        </Form.Group>
        <Button type="submit" variant="outline-primary" className="mr-3">{intl.formatMessage(messages.awardedSearchButton)}</Button>
        <Form.Group className="mb-0" controlId="microcreds-award-state">
          <Form.Label>{intl.formatMessage(messages.awardedState)}</Form.Label>
          <Form.Control
            as="select"
            id="microcreds-award-state"
            value={query.state}
            onChange={(e) => setQuery((q) => ({ ...q, state: e.target.value }))}
          >
            <option value="">{intl.formatMessage(messages.awardedAll)}</option>
            {STATES.map((state) => <option key={state} value={state}>{stateLabel(state)}</option>)}
          </Form.Control>
        </Form.Group>
      </Form>
      <div aria-live="polite" data-testid="microcreds-awards-notice">{notice && <Alert variant="success">{notice}</Alert>}</div>
      {error && <Alert variant="danger" role="alert">{intl.formatMessage(messages.loadFailed, { detail: error })}</Alert>}
      {data === null && !error && <Spinner animation="border" screenReaderText={intl.formatMessage(messages.loading)} />}
      {data !== null && (
        <p className="small text-muted" aria-live="polite">{intl.formatMessage(messages.awardedCount, { count: data.count ?? awards.length })}</p>
      )}
      {data !== null && awards.length === 0 && <p>{intl.formatMessage(messages.awardedNone)}</p>}
      {awards.length > 0 && (
        <table className="table microcreds-awards-table">
          <thead>
            <tr>
              <th scope="col" className="px-2 py-2 border-bottom align-top">{intl.formatMessage(messages.colLearner)}</th>
              <th scope="col" className="px-2 py-2 border-bottom align-top">{intl.formatMessage(messages.awardedState)}</th>
              <th scope="col" className="px-2 py-2 border-bottom align-top">{intl.formatMessage(messages.colIssued)}</th>
              <th scope="col" className="px-2 py-2 border-bottom align-top">{intl.formatMessage(messages.colValidUntil)}</th>
              <th scope="col" className="px-2 py-2 border-bottom align-top">{intl.formatMessage(messages.colReason)}</th>
              <th scope="col" className="px-2 py-2 border-bottom align-top">{intl.formatMessage(messages.colActions)}</th>
            </tr>
          </thead>
          <tbody>
            {awards.map((award) => (
              <tr key={award.id} data-testid={`microcreds-award-${award.username}`}>
                <th scope="row" className="px-2 py-2 border-bottom align-top">{award.username}</th>
                <td className="px-2 py-2 border-bottom align-top"><Badge variant={STATE_VARIANT[award.state] || 'light'}>{stateLabel(award.state)}</Badge></td>
                <td className="px-2 py-2 border-bottom align-top">{date(award.issued_at)}</td>
                <td className="px-2 py-2 border-bottom align-top">{date(award.valid_until)}</td>
                <td className="px-2 py-2 border-bottom align-top">{award.revocation_reason}</td>
                <td className="px-2 py-2 border-bottom align-top">
                  {award.public_url && (
                    <Hyperlink
                      destination={award.public_url}
                      target="_blank"
                      showLaunchIcon={false}
                      className="mr-2"
                      aria-label={intl.formatMessage(messages.viewOf, { username: award.username })}
                    >
                      {intl.formatMessage(messages.view)}
                    </Hyperlink>
                  )}
                  {award.state === 'active' && (
                    <Button
                      size="sm"
                      variant="outline-danger"
                      onClick={(e) => open('revoke', award, e)}
                      aria-label={intl.formatMessage(messages.revokeFor, { username: award.username })}
                    >
                      {intl.formatMessage(messages.revoke)}
                    </Button>
                  )}
                  {award.state === 'revoked' && (
                    <Button
                      size="sm"
                      variant="outline-primary"
                      onClick={(e) => open('reinstate', award, e)}
                      aria-label={intl.formatMessage(messages.reinstateFor, { username: award.username })}
                    >
                      {intl.formatMessage(messages.reinstate)}
                    </Button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {data?.next && (
        <Button variant="outline-primary" onClick={more}>{intl.formatMessage(messages.more)}</Button>
      )}
      <ReasonDialog
        change={change}
        onCancel={() => { setChange(null); returnFocus.current?.focus(); }}
        onConfirm={confirm}
      />
    </section>
  );
};

AwardsPanel.propTypes = {
  courseId: PropTypes.string.isRequired,
  slug: PropTypes.string.isRequired,
};

export default AwardsPanel;
