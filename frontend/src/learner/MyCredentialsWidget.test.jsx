import React from 'react';
import { screen, within } from '@testing-library/react';
import MyCredentialsWidget from './MyCredentialsWidget';
import {
  API, LMS, renderWithIntl, setUpApi,
} from '../testing/utils';

const AWARDS = [
  {
    id: 'a1',
    name: 'Data Analysis Practitioner',
    definition: 'data-practitioner',
    course_key: 'course-v1:OpenedX+DA101+2025',
    standing: 'active',
    issued_at: '2026-11-02T10:00:00Z',
    valid_until: null,
    revocation_reason: '',
    public_url: 'http://lms.test/microcreds/c/a1/',
    downloads: { json: '/microcreds/me/a1.json', png: '/microcreds/me/a1.png', svg: '/microcreds/me/a1.svg' },
  },
  {
    id: 'a2',
    name: 'Viz Basics',
    definition: 'viz-basics',
    course_key: 'course-v1:OpenedX+VZ201+2025',
    standing: 'revoked',
    issued_at: '2026-10-01T10:00:00Z',
    valid_until: null,
    revocation_reason: 'Academic misconduct',
    public_url: 'http://lms.test/microcreds/c/a2/',
    downloads: { json: '/x.json' },
  },
];

describe('MyCredentialsWidget', () => {
  let api;
  beforeEach(() => { api = setUpApi(); });

  it('lists the learner credentials with standing, share link and downloads', async () => {
    api.onGet(`${API}/me/awards/`).reply(200, AWARDS);
    renderWithIntl(<MyCredentialsWidget />);
    const active = await screen.findByTestId('microcreds-my-credential-data-practitioner');
    expect(within(active).getByRole('link', { name: 'View and share Data Analysis Practitioner' }))
      .toHaveAttribute('href', 'http://lms.test/microcreds/c/a1/');
    expect(within(active).getByText('Valid')).toBeInTheDocument();
    // Paths the API gives are made absolute on the LMS.
    expect(within(active).getByRole('link', { name: 'Download Data Analysis Practitioner as PNG' }))
      .toHaveAttribute('href', `${LMS}/microcreds/me/a1.png`);
    const revoked = screen.getByTestId('microcreds-my-credential-viz-basics');
    expect(within(revoked).getByText('Revoked')).toBeInTheDocument();
    expect(within(revoked).getByText('Revoked: Academic misconduct')).toBeInTheDocument();
    expect(within(revoked).queryByRole('link', { name: /Download/ })).toBeNull();
  });

  it('says so when there is none', async () => {
    api.onGet(`${API}/me/awards/`).reply(200, []);
    renderWithIntl(<MyCredentialsWidget />);
    expect(await screen.findByText(/No credentials yet/)).toBeInTheDocument();
  });

  it('announces a failure', async () => {
    api.onGet(`${API}/me/awards/`).reply(500, { code: 'error', detail: 'Server error' });
    renderWithIntl(<MyCredentialsWidget />);
    expect(await screen.findByRole('alert')).toHaveTextContent('Your credentials could not be loaded: Server error');
  });
});
