import React from 'react';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import PreviewPanel from './PreviewPanel';
import {
  COURSE, COURSE_PATH, bodyOf, renderWithIntl, setUpApi,
} from '../testing/utils';
import { BLOCKS, CONTEXT } from '../testing/fixtures';

const RULE = {
  type: 'all',
  of: [
    { type: 'block_score', block: BLOCKS.capstone, min: 0.8 },
    {
      type: 'competency', id: 'data-analysis', name: 'Data analysis', url: 'https://x.org/d', blocks: [{ block: BLOCKS.lab1 }, { block: BLOCKS.lab2, weight: 2 }], min: 0.8,
    },
  ],
};

function job(state, processed, counts = {}) {
  return {
    id: 'job-1',
    course_key: COURSE,
    definition: null,
    state,
    total: 2,
    processed,
    counts: {
      would_award: 0, not_met: 0, already_held: 0, errors: 0, ...counts,
    },
    error: '',
    created: '2026-11-29T10:00:00+00:00',
    started_at: null,
    finished_at: null,
    results_url: '/api/microcreds/v1/courses/x/dry-run/job-1/results/',
  };
}

const explanation = (capstone, competency) => ({
  clause_id: '$',
  type: 'all',
  passed: capstone >= 0.8 && competency >= 0.8,
  summary: 'summary of all',
  actual: 1,
  required: 2,
  children: [
    {
      clause_id: '$.0', type: 'block_score', passed: capstone >= 0.8, summary: `Score on capstone: ${capstone * 100}%`, actual: capstone, required: 0.8, children: [], blocks: [],
    },
    {
      clause_id: 'data-analysis',
      type: 'competency',
      passed: competency >= 0.8,
      summary: 'Competency Data analysis',
      actual: competency,
      required: 0.8,
      children: [],
      blocks: [
        {
          block: BLOCKS.lab1, course: null, weight: 1, earned: 9, possible: 10, fraction: 0.9, missing: null,
        },
        {
          block: BLOCKS.lab2, course: null, weight: 2, earned: 7, possible: 10, fraction: 0.7, missing: null,
        },
      ],
    },
  ],
  blocks: [],
});

describe('PreviewPanel', () => {
  it('runs the editor\'s rule, polls the job, then shows who would get it with their numbers', async () => {
    const api = setUpApi();
    api.onPost(`${COURSE_PATH}/dry-run/`).reply(202, job('running', 0));
    api.onGet(`${COURSE_PATH}/dry-run/job-1/`).replyOnce(200, job('running', 1)).onGet(`${COURSE_PATH}/dry-run/job-1/`).reply(200, job('done', 2, { would_award: 1, not_met: 1 }));
    api.onGet(`${COURSE_PATH}/dry-run/job-1/results/`).reply(200, {
      count: 2,
      next: null,
      previous: null,
      results: [
        {
          user_id: 1, username: 'ada', outcome: 'would_award', reason: '', explanation: explanation(0.92, 0.8333),
        },
        {
          user_id: 2, username: 'grace', outcome: 'not_met', reason: 'Score on capstone: 72%', explanation: explanation(0.72, 0.8333),
        },
      ],
    });
    const user = userEvent.setup();
    renderWithIntl(<PreviewPanel courseId={COURSE} rule={RULE} context={CONTEXT} />);
    await user.click(screen.getByRole('button', { name: 'Run preview' }));
    expect(bodyOf(api.history.post[0])).toEqual({ rule: RULE });
    await screen.findByText(/Evaluating learners/);
    const counts = await screen.findByTestId('microcreds-preview-counts', {}, { timeout: 5000 });
    expect(counts).toHaveTextContent('2 learners evaluated: 1 would receive it, 0 already hold it, 1 do not meet the rule yet, 0 could not be evaluated.');
    expect(api.history.get.filter((r) => r.url.endsWith('/dry-run/job-1/'))).toHaveLength(2);

    const ada = within(await screen.findByTestId('microcreds-preview-row-ada'));
    expect(ada.getByText('Would receive it')).toBeInTheDocument();
    const adaScores = ada.getByTestId('microcreds-numbers');
    // Requirements named from the rule (the block's name, the competency's name).
    expect(adaScores).toHaveTextContent('Capstone project: 92% (80% needed)');
    expect(adaScores).toHaveTextContent('Data analysis: 83.3% (80% needed)');
    // The activities behind the competency, with their points and weights.
    expect(ada.getByText('Cleaning a data set: 7/10 points, weight 2')).toBeInTheDocument();

    const grace = within(screen.getByTestId('microcreds-preview-row-grace'));
    expect(grace.getByText('Not yet')).toBeInTheDocument();
    expect(grace.getByTestId('microcreds-numbers')).toHaveTextContent('Capstone project: 72% (80% needed)');
    expect(grace.getByTestId('microcreds-numbers').querySelector('[data-clause="$.0"]')).toHaveAttribute('data-passed', 'false');

    // Filter by outcome: asks the API.
    await user.selectOptions(screen.getByLabelText('Show learners'), 'not_met');
    await waitFor(() => expect(api.history.get.some((r) => r.url.endsWith('/results/') && r.params.outcome === 'not_met')).toBe(true));
  });

  it('runs the saved definition when the editor holds no change (so it knows who already holds it)', async () => {
    const api = setUpApi();
    api.onPost(`${COURSE_PATH}/dry-run/`).reply(200, job('done', 2, { already_held: 2 }));
    api.onGet(`${COURSE_PATH}/dry-run/job-1/results/`).reply(200, {
      count: 0, next: null, previous: null, results: [],
    });
    const user = userEvent.setup();
    renderWithIntl(<PreviewPanel courseId={COURSE} slug="data-analyst" unsaved={false} rule={RULE} context={CONTEXT} />);
    await user.click(screen.getByRole('button', { name: 'Run preview' }));
    expect(await screen.findByTestId('microcreds-preview-counts')).toHaveTextContent('2 already hold it');
    expect(bodyOf(api.history.post[0])).toEqual({ definition: 'data-analyst' });
    expect(screen.queryByText(/unsaved changes/)).toBeNull();
  });

  it('announces a failed run', async () => {
    const api = setUpApi();
    api.onPost(`${COURSE_PATH}/dry-run/`).reply(400, {
      code: 'invalid', detail: 'invalid', problems: [{ path: '$.rule.of[0].min', code: 'required', message: 'is required' }],
    });
    const user = userEvent.setup();
    renderWithIntl(<PreviewPanel courseId={COURSE} rule={RULE} context={CONTEXT} />);
    await user.click(screen.getByRole('button', { name: 'Run preview' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('The preview failed: $.rule.of[0].min: is required');
  });
});
