import React from 'react';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import DefinitionsList from './DefinitionsList';
import {
  COURSE, COURSE_PATH, bodyOf, renderWithIntl, setUpApi,
} from '../testing/utils';
import { definition } from '../testing/fixtures';

const LIST = `${COURSE_PATH}/definitions/`;

describe('DefinitionsList', () => {
  let api;
  let definitions;
  beforeEach(() => {
    api = setUpApi();
    definitions = [
      definition(),
      definition({
        slug: 'python-basics', name: 'Python Basics', state: 'active', edit_tag: '3.1',
      }),
      definition({ slug: 'old', name: 'Old One', state: 'archived' }),
    ];
    api.onGet(LIST).reply(() => [200, {
      count: definitions.length, next: null, previous: null, results: definitions,
    }]);
  });

  function show() {
    const onOpen = jest.fn();
    const user = userEvent.setup();
    renderWithIntl(<DefinitionsList courseId={COURSE} onOpen={onOpen} />);
    return { user, onOpen };
  }

  it('lists the definitions with their state, and filters by state', async () => {
    const { user } = show();
    const draft = within(await screen.findByTestId('microcreds-definition-data-analyst'));
    expect(draft.getByTestId('microcreds-state')).toHaveTextContent('Draft');
    expect(draft.getByRole('button', { name: 'Activate Data Analyst' })).toBeInTheDocument();
    const active = within(screen.getByTestId('microcreds-definition-python-basics'));
    expect(active.getByTestId('microcreds-state')).toHaveTextContent('Active');
    expect(active.queryByRole('button', { name: /Activate/ })).toBeNull();
    const archived = within(screen.getByTestId('microcreds-definition-old'));
    expect(archived.getByTestId('microcreds-state')).toHaveTextContent('Archived');
    expect(archived.queryByRole('button', { name: /Archive/ })).toBeNull();

    await user.selectOptions(screen.getByLabelText('Show'), 'active');
    expect(screen.queryByTestId('microcreds-definition-data-analyst')).toBeNull();
    expect(screen.getByTestId('microcreds-definition-python-basics')).toBeInTheDocument();
  });

  it('offers nothing to create when the API refuses the course', async () => {
    api.onGet(LIST).reply(403, { code: 'forbidden', detail: 'You may not see or change the credentials of this course.' });
    show();
    expect(await screen.findByRole('alert')).toHaveTextContent('You may not see or change the credentials of this course.');
    expect(screen.queryByRole('button', { name: 'New credential' })).toBeNull();
    expect(screen.queryByLabelText('Show')).toBeNull();
  });

  it('creates a draft with a starting rule and opens it', async () => {
    const { user, onOpen } = show();
    await screen.findByTestId('microcreds-definition-data-analyst');
    await user.click(screen.getByRole('button', { name: 'New credential' }));
    const name = screen.getByLabelText('Name of the new credential');
    expect(name).toHaveFocus();
    api.onPost(LIST).reply(201, { definition: definition({ slug: 'viz', name: 'Viz' }), warnings: [] });
    await user.type(name, 'Viz');
    await user.click(screen.getByRole('button', { name: 'Create draft' }));
    await waitFor(() => expect(onOpen).toHaveBeenCalledWith('viz'));
    expect(bodyOf(api.history.post[0])).toEqual({ name: 'Viz', rule: { type: 'all', of: [{ type: 'course_passed' }] } });
  });

  it('shows a refused name at its field', async () => {
    const { user } = show();
    await screen.findByTestId('microcreds-definition-data-analyst');
    await user.click(screen.getByRole('button', { name: 'New credential' }));
    api.onPost(LIST).reply(400, {
      code: 'invalid', detail: 'invalid', problems: [{ path: '$.slug', code: 'duplicate', message: 'a definition with this slug exists' }],
    });
    await user.type(screen.getByLabelText('Name of the new credential'), 'Data Analyst');
    await user.click(screen.getByRole('button', { name: 'Create draft' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('a definition with this slug exists');
    expect(screen.getByLabelText('Name of the new credential')).toHaveAttribute('aria-invalid', 'true');
  });

  it('duplicates, activates and archives (with the edit tag), then reloads', async () => {
    const { user } = show();
    const row = within(await screen.findByTestId('microcreds-definition-data-analyst'));
    api.onPost(`${LIST}data-analyst/duplicate/`).reply(() => {
      definitions = [...definitions, definition({ slug: 'data-analyst-2', name: 'Data Analyst (copy)' })];
      return [201, { definition: definitions[3], warnings: [] }];
    });
    await user.click(row.getByRole('button', { name: 'Duplicate Data Analyst' }));
    expect(await screen.findByTestId('microcreds-definition-data-analyst-2')).toBeInTheDocument();
    expect(screen.getByText('Created the draft copy “Data Analyst (copy)”.')).toBeInTheDocument();
    expect(bodyOf(api.history.post[0])).toEqual({ name: 'Data Analyst (copy)' });

    api.onPatch(`${LIST}data-analyst/`).reply((config) => {
      definitions[0] = definition({ state: 'active' });
      return [200, { definition: definitions[0], warnings: [], sent: bodyOf(config) }];
    });
    await user.click(row.getByRole('button', { name: 'Activate Data Analyst' }));
    await waitFor(() => expect(within(screen.getByTestId('microcreds-definition-data-analyst')).getByTestId('microcreds-state')).toHaveTextContent('Active'));
    expect(bodyOf(api.history.patch[0])).toEqual({ state: 'active' });
    expect(api.history.patch[0].headers['If-Match']).toBe('"1.2"');

    const confirm = jest.spyOn(window, 'confirm').mockReturnValue(true);
    api.onDelete(`${LIST}python-basics/`).reply(200, definition({ slug: 'python-basics', state: 'archived' }));
    await user.click(screen.getByRole('button', { name: 'Archive Python Basics' }));
    await waitFor(() => expect(api.history.delete).toHaveLength(1));
    expect(api.history.delete[0].headers['If-Match']).toBe('"3.1"');
    confirm.mockRestore();
  });

  it('announces a refused activation with the API\'s problems', async () => {
    const { user } = show();
    const row = within(await screen.findByTestId('microcreds-definition-data-analyst'));
    api.onPatch(`${LIST}data-analyst/`).reply(400, {
      code: 'invalid', detail: 'invalid', problems: [{ path: '$.issuer', code: 'no_key', message: 'the issuer has no active signing key' }],
    });
    await user.click(row.getByRole('button', { name: 'Activate Data Analyst' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('the issuer has no active signing key');
  });
});
