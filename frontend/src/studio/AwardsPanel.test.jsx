import React from 'react';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import AwardsPanel from './AwardsPanel';
import {
  COURSE, COURSE_PATH, bodyOf, renderWithIntl, setUpApi,
} from '../testing/utils';

const AWARDS = `${COURSE_PATH}/definitions/data-analyst/awards/`;

function award(overrides) {
  return {
    id: 'aw-1',
    credential_id: 'urn:uuid:aw-1',
    user_id: 5,
    username: 'ada',
    definition: 'data-analyst',
    definition_version: 1,
    state: 'active',
    issued_at: '2026-11-20T10:00:00+00:00',
    valid_until: null,
    revoked_at: null,
    revoked_by: null,
    revocation_reason: '',
    public_url: 'http://lms.test/microcreds/credentials/aw-1/',
    ...overrides,
  };
}

function page(results) {
  return {
    count: results.length, next: null, previous: null, results,
  };
}

describe('AwardsPanel', () => {
  let api;
  beforeEach(() => { api = setUpApi(); });

  it('searches and filters by state through the API', async () => {
    api.onGet(AWARDS).reply((config) => {
      if (config.params.search === 'gra') { return [200, page([award({ id: 'aw-2', username: 'grace' })])]; }
      return [200, page([award({}), award({ id: 'aw-2', username: 'grace' })])];
    });
    const user = userEvent.setup();
    renderWithIntl(<AwardsPanel courseId={COURSE} slug="data-analyst" />);
    await screen.findByTestId('microcreds-award-ada');
    expect(screen.getByText('2 credentials')).toBeInTheDocument();
    await user.type(screen.getByLabelText('Search by username, e-mail or credential id'), 'gra');
    await user.click(screen.getByRole('button', { name: 'Search' }));
    await waitFor(() => expect(screen.queryByTestId('microcreds-award-ada')).toBeNull());
    expect(screen.getByTestId('microcreds-award-grace')).toBeInTheDocument();
    await user.selectOptions(screen.getByLabelText('State'), 'revoked');
    await waitFor(() => expect(api.history.get[api.history.get.length - 1].params).toMatchObject({ search: 'gra', state: 'revoked' }));
  });

  it('revokes with a reason, which is required, and reinstates', async () => {
    let current = award({});
    api.onGet(AWARDS).reply(() => [200, page([current])]);
    api.onPost(`${AWARDS}aw-1/revoke/`).reply((config) => {
      current = award({ state: 'revoked', revocation_reason: bodyOf(config).reason });
      return [200, { changed: true, message: 'Revoked the credential of ada.', award: current }];
    });
    api.onPost(`${AWARDS}aw-1/reinstate/`).reply((config) => {
      current = award({});
      return [200, { changed: true, message: `Reinstated (${bodyOf(config).reason}).`, award: current }];
    });
    const user = userEvent.setup();
    renderWithIntl(<AwardsPanel courseId={COURSE} slug="data-analyst" />);
    const revoke = await screen.findByRole('button', { name: 'Revoke the credential of ada' });
    await user.click(revoke);
    const dialog = await screen.findByRole('dialog', { name: 'Revoke the credential of ada' });
    const reason = within(dialog).getByLabelText('Reason (recorded, and told to the learner)');
    await waitFor(() => expect(reason).toHaveFocus());
    // No reason: not sent, and said.
    await user.click(within(dialog).getByRole('button', { name: 'Revoke credential' }));
    expect(within(dialog).getByRole('alert')).toHaveTextContent('A reason is required.');
    expect(api.history.post).toHaveLength(0);

    await user.type(reason, 'Plagiarised capstone');
    await user.click(within(dialog).getByRole('button', { name: 'Revoke credential' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(bodyOf(api.history.post[0])).toEqual({ reason: 'Plagiarised capstone' });
    expect(screen.getByTestId('microcreds-awards-notice')).toHaveTextContent('Revoked the credential of ada.');
    const row = within(await screen.findByTestId('microcreds-award-ada'));
    await waitFor(() => expect(row.getByText('Revoked')).toBeInTheDocument());
    expect(row.getByText('Plagiarised capstone')).toBeInTheDocument();

    await user.click(row.getByRole('button', { name: 'Reinstate the credential of ada' }));
    const again = await screen.findByRole('dialog', { name: 'Reinstate the credential of ada' });
    await user.type(within(again).getByLabelText('Reason (recorded, and told to the learner)'), 'Revoked in error');
    await user.click(within(again).getByRole('button', { name: 'Reinstate credential' }));
    await waitFor(() => expect(screen.getByTestId('microcreds-awards-notice')).toHaveTextContent('Reinstated (Revoked in error).'));
    expect(api.history.post[1].url).toMatch(/aw-1\/reinstate\/$/);
    await waitFor(() => expect(within(screen.getByTestId('microcreds-award-ada')).getByText('Active')).toBeInTheDocument());
  });

  it('loads the next page on request', async () => {
    api.onGet(AWARDS).reply((config) => {
      if (config.params.page === 2) {
        return [200, {
          count: 2, next: null, previous: 'p1', results: [award({ id: 'aw-2', username: 'grace' })],
        }];
      }
      return [200, {
        count: 2, next: 'p2', previous: null, results: [award({})],
      }];
    });
    const user = userEvent.setup();
    renderWithIntl(<AwardsPanel courseId={COURSE} slug="data-analyst" />);
    await screen.findByTestId('microcreds-award-ada');
    await user.click(screen.getByRole('button', { name: 'Show more' }));
    expect(await screen.findByTestId('microcreds-award-grace')).toBeInTheDocument();
    expect(screen.getByTestId('microcreds-award-ada')).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Show more' })).toBeNull();
  });

  it('keeps the dialog open with the API\'s reason when a change is refused', async () => {
    api.onGet(AWARDS).reply(200, page([award({ state: 'revoked', revocation_reason: 'x' })]));
    api.onPost(`${AWARDS}aw-1/reinstate/`).reply(409, { code: 'conflict', detail: 'The learner holds a newer award.' });
    const user = userEvent.setup();
    renderWithIntl(<AwardsPanel courseId={COURSE} slug="data-analyst" />);
    await user.click(await screen.findByRole('button', { name: 'Reinstate the credential of ada' }));
    const dialog = await screen.findByRole('dialog');
    await user.type(within(dialog).getByLabelText('Reason (recorded, and told to the learner)'), 'please');
    await user.click(within(dialog).getByRole('button', { name: 'Reinstate credential' }));
    expect(await within(dialog).findByRole('alert')).toHaveTextContent('The learner holds a newer award.');
  });
});
