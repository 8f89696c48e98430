import React from 'react';
import { screen, within } from '@testing-library/react';
import { CourseCredentialsPanel } from '..';
import {
  API, COURSE, renderWithIntl, setUpApi,
} from '../testing/utils';

const PROGRESS = `${API}/me/courses/${encodeURIComponent(COURSE)}/progress/`;

const requirement = (name, met, score, needed, children = []) => ({
  name, met, score, needed, note: '', depth: 0, children,
});

describe('CourseCredentialsPanel', () => {
  it('shows what the learner can earn here and how close they are', async () => {
    const api = setUpApi();
    api.onGet(PROGRESS).reply(200, [
      {
        definition: 'data-analyst',
        name: 'Data Analyst',
        course_key: COURSE,
        ready: false,
        checklist: {
          summary: 'Meet all of the following',
          met: 1,
          needed: 2,
          total: 2,
          passed: false,
          requirements: [
            requirement('Capstone project', true, '92%', '80%'),
            requirement('Competency: Data analysis', false, '72%', '80%'),
          ],
        },
      },
      {
        definition: 'python-basics', name: 'Python Basics', course_key: COURSE, ready: true, checklist: null,
      },
    ]);
    renderWithIntl(<CourseCredentialsPanel courseId={COURSE} />);
    const item = within(await screen.findByTestId('microcreds-progress-data-analyst'));
    expect(item.getByRole('heading', { name: 'Data Analyst' })).toBeInTheDocument();
    expect(item.getByTestId('microcreds-progress-count')).toHaveTextContent('1 of 2 requirements met');
    expect(item.getByRole('progressbar', { name: 'Progress towards Data Analyst' })).toHaveAttribute('aria-valuenow', '50');
    expect(item.getByText('Capstone project').closest('li')).toHaveAttribute('data-met', 'true');
    const competency = item.getByText('Competency: Data analysis').closest('li');
    expect(competency).toHaveAttribute('data-met', 'false');
    expect(competency).toHaveTextContent('Not yet: Competency: Data analysis(You have 72%; 80% needed)');
    const ready = within(screen.getByTestId('microcreds-progress-python-basics'));
    expect(ready.getByText('All requirements met: your credential is on its way.')).toBeInTheDocument();
    expect(ready.getByText(/grades could not be read/)).toBeInTheDocument();
  });

  it('lists what the learner already earned here, with its standing', async () => {
    const api = setUpApi();
    api.onGet(PROGRESS).reply(200, [
      {
        definition: 'capstone-analyst', name: 'Capstone Analyst', course_key: COURSE, ready: true, checklist: null,
      },
    ]);
    api.onGet(`${API}/me/awards/`).reply(200, [
      {
        id: 'a1', name: 'Capstone Analyst', definition: 'capstone-analyst', course_key: COURSE, standing: 'revoked', issued_at: '2026-11-02T10:00:00Z', valid_until: null, revocation_reason: 'Plagiarism', public_url: '/microcreds/c/a1/', downloads: {},
      },
      {
        id: 'a2', name: 'Elsewhere', definition: 'other', course_key: 'course-v1:X+Y+Z', standing: 'active', issued_at: '2026-11-02T10:00:00Z', valid_until: null, revocation_reason: '', public_url: '/microcreds/c/a2/', downloads: {},
      },
    ]);
    renderWithIntl(<CourseCredentialsPanel courseId={COURSE} />);
    const earned = await screen.findByTestId('microcreds-earned-capstone-analyst');
    expect(earned).toHaveAttribute('data-standing', 'revoked');
    expect(within(earned).getByRole('link', { name: 'View and share Capstone Analyst' })).toHaveAttribute('href', 'http://lms.test/microcreds/c/a1/');
    expect(earned).toHaveTextContent('Revoked: Plagiarism');
    expect(screen.queryByTestId('microcreds-earned-other')).toBeNull();
    // Not also listed as one still to earn.
    expect(screen.queryByTestId('microcreds-progress-capstone-analyst')).toBeNull();
    expect(screen.queryByText('This course offers no credential to earn.')).toBeNull();
  });

  it('says when the course offers nothing, and announces failures', async () => {
    const api = setUpApi();
    api.onGet(PROGRESS).replyOnce(200, []);
    const { unmount } = renderWithIntl(<CourseCredentialsPanel courseId={COURSE} />);
    expect(await screen.findByText('This course offers no credential to earn.')).toBeInTheDocument();
    unmount();
    api.onGet(PROGRESS).replyOnce(404, { code: 'not_found', detail: 'not enrolled' });
    renderWithIntl(<CourseCredentialsPanel courseId={COURSE} />);
    expect(await screen.findByRole('alert')).toHaveTextContent('Your progress could not be loaded: not enrolled');
  });
});
