/**
 * Preview: a dry run of the rule as it is in the editor on the course's learners. Nothing is
 * awarded. A small course answers at once; a large one gives a job to poll until it is done.
 */
import React, { useEffect, useRef, useState } from 'react';
import PropTypes from 'prop-types';
import {
  Alert, Badge, Button, Form,
} from '@openedx/paragon';
import { useIntl } from '@edx/frontend-platform/i18n';
import {
  errorOf, getDryRun, getDryRunResults, startDryRun,
} from '../api/client';
import Explanation, { Scores, readable } from './Explanation';
import Progress from '../common/Progress';
import messages from './messages';

export const POLL_INTERVAL_MS = 1000;
const OUTCOMES = ['would_award', 'already_held', 'not_met', 'failed'];
const OUTCOME_VARIANT = {
  would_award: 'success', already_held: 'info', not_met: 'secondary', failed: 'danger',
};

const wait = (ms) => new Promise((resolve) => { setTimeout(resolve, ms); });

const PreviewPanel = ({
  courseId, rule, context, slug, unsaved,
}) => {
  const intl = useIntl();
  const [job, setJob] = useState(null);
  const [rows, setRows] = useState(null);
  const [next, setNext] = useState(null);
  const [outcome, setOutcome] = useState('');
  const [error, setError] = useState(null);
  const [running, setRunning] = useState(false);
  // The rule the results are of (the editor's may have changed since).
  const [ranRule, setRanRule] = useState(null);
  const alive = useRef(true);
  const resultsHeading = useRef(null);
  useEffect(() => () => { alive.current = false; }, []);

  const loadResults = async (jobId, filter, page) => {
    const data = await getDryRunResults(courseId, jobId, { outcome: filter || undefined, page });
    if (!alive.current) { return; }
    setRows((previous) => (page && page > 1 ? [...(previous || []), ...data.results] : data.results));
    setNext(data.next ? (page || 1) + 1 : null);
  };

  const run = async () => {
    setRunning(true);
    setError(null);
    setRows(null);
    setJob(null);
    try {
      setRanRule(rule);
      // The saved definition when the editor holds no change: then the run also knows who
      // already holds it. A rule not saved yet is tried as it is.
      let current = await startDryRun(courseId, unsaved || !slug ? { rule } : { definition: slug });
      setJob(current);
      while (alive.current && !['done', 'failed'].includes(current.state)) {
        // eslint-disable-next-line no-await-in-loop
        await wait(POLL_INTERVAL_MS);
        // eslint-disable-next-line no-await-in-loop
        current = await getDryRun(courseId, current.id);
        if (alive.current) { setJob(current); }
      }
      if (current.state === 'done') {
        await loadResults(current.id, outcome);
        resultsHeading.current?.focus();
      } else if (current.state === 'failed') {
        setError(current.error || current.state);
      }
    } catch (failure) {
      const body = errorOf(failure);
      setError(body.problems.length ? body.problems.map((p) => `${p.path}: ${p.message}`).join('; ') : body.detail);
    } finally {
      if (alive.current) { setRunning(false); }
    }
  };

  const changeFilter = async (value) => {
    setOutcome(value);
    if (job?.state === 'done') {
      try {
        await loadResults(job.id, value);
      } catch (failure) {
        setError(errorOf(failure).detail);
      }
    }
  };

  const done = job?.state === 'done';
  return (
    <section className="pt-2 microcreds-preview" aria-labelledby="microcreds-preview-heading" data-testid="microcreds-preview">
      <h3 id="microcreds-preview-heading" className="h3">{intl.formatMessage(messages.previewHeading)}</h3>
      <p>{intl.formatMessage(messages.previewIntro)}</p>
      {unsaved && <p className="small text-muted">{intl.formatMessage(messages.previewUnsaved)}</p>}
      <Button onClick={run} disabled={running} className="mb-3">{intl.formatMessage(messages.previewRun)}</Button>
      <div aria-live="polite" data-testid="microcreds-preview-status">
        {job && !done && job.state !== 'failed' && (
          <>
            <p>{intl.formatMessage(messages.previewRunning, { processed: job.processed, total: job.total })}</p>
            <Progress
              now={job.total ? (100 * job.processed) / job.total : 0}
              label={intl.formatMessage(messages.previewHeading)}
            />
          </>
        )}
        {done && (
          <p data-testid="microcreds-preview-counts">
            {intl.formatMessage(messages.previewCounts, {
              total: job.total,
              would_award: job.counts.would_award,
              already_held: job.counts.already_held,
              not_met: job.counts.not_met,
              errors: job.counts.errors,
            })}
          </p>
        )}
      </div>
      {error && <Alert variant="danger" role="alert">{intl.formatMessage(messages.previewFailed, { detail: error })}</Alert>}
      {done && (
        <>
          <Form.Group className="mb-2" style={{ maxWidth: '20rem' }} controlId="microcreds-preview-outcome">
            <Form.Label>{intl.formatMessage(messages.previewFilter)}</Form.Label>
            <Form.Control as="select" id="microcreds-preview-outcome" value={outcome} onChange={(e) => changeFilter(e.target.value)}>
              <option value="">{intl.formatMessage(messages.outcomeAll)}</option>
              {OUTCOMES.map((o) => <option key={o} value={o}>{intl.formatMessage(messages[`outcome_${o}`])}</option>)}
            </Form.Control>
          </Form.Group>
          <h4 className="sr-only" tabIndex={-1} ref={resultsHeading}>{intl.formatMessage(messages.previewHeading)}</h4>
          {rows && rows.length === 0 && <p>{intl.formatMessage(messages.previewNone)}</p>}
          {rows && rows.length > 0 && (
            <table className="table microcreds-preview-table" style={{ tableLayout: 'fixed' }}>
              <thead>
                <tr>
                  <th scope="col" style={{ width: '10%' }} className="px-2 py-2 border-bottom align-top">{intl.formatMessage(messages.colLearner)}</th>
                  <th scope="col" style={{ width: '18%' }} className="px-2 py-2 border-bottom align-top">{intl.formatMessage(messages.colOutcome)}</th>
                  <th scope="col" style={{ width: '22%' }} className="px-2 py-2 border-bottom align-top">{intl.formatMessage(messages.colScores)}</th>
                  <th scope="col" className="px-2 py-2 border-bottom align-top">{intl.formatMessage(messages.colWhy)}</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((row) => (
                  <tr key={row.user_id} data-testid={`microcreds-preview-row-${row.username}`}>
                    <th scope="row" className="px-2 py-2 border-bottom align-top">{row.username}</th>
                    <td className="px-2 py-2 border-bottom align-top">
                      <Badge variant={OUTCOME_VARIANT[row.outcome] || 'light'}>
                        {messages[`outcome_${row.outcome}`] ? intl.formatMessage(messages[`outcome_${row.outcome}`]) : row.outcome}
                      </Badge>
                      {row.reason && row.reason !== row.explanation?.summary && <div className="small text-muted mt-1 text-break">{readable(row.reason, context)}</div>}
                    </td>
                    <td className="px-2 py-2 border-bottom align-top">
                      {row.explanation && <Scores explanation={row.explanation} rule={ranRule} context={context} />}
                    </td>
                    <td className="px-2 py-2 border-bottom align-top">
                      {row.explanation ? <Explanation explanation={row.explanation} context={context} /> : null}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          {next && (
            <Button variant="outline-primary" onClick={() => loadResults(job.id, outcome, next)}>
              {intl.formatMessage(messages.more)}
            </Button>
          )}
        </>
      )}
    </section>
  );
};

PreviewPanel.propTypes = {
  courseId: PropTypes.string.isRequired,
  rule: PropTypes.any, // eslint-disable-line react/forbid-prop-types
  context: PropTypes.shape({}),
  slug: PropTypes.string,
  unsaved: PropTypes.bool,
};
PreviewPanel.defaultProps = {
  rule: null, context: null, slug: null, unsaved: true,
};

export default PreviewPanel;
