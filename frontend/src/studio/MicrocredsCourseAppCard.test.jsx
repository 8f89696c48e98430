import React from 'react';
import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MemoryRouter, Route, Routes } from 'react-router-dom';
import { MicrocredsCourseAppCard } from '..';
import {
  COURSE, COURSE_PATH, renderWithIntl, setUpApi,
} from '../testing/utils';

describe('MicrocredsCourseAppCard', () => {
  it('reads the course from the route and opens the full-screen editor on its definitions', async () => {
    const api = setUpApi();
    api.onGet(`${COURSE_PATH}/definitions/`).reply(200, {
      count: 0, next: null, previous: null, results: [],
    });
    const user = userEvent.setup();
    renderWithIntl(
      <MemoryRouter initialEntries={[`/course/${COURSE}/pages-and-resources`]}>
        <Routes>
          <Route path="/course/:courseId/pages-and-resources" element={<MicrocredsCourseAppCard />} />
        </Routes>
      </MemoryRouter>,
    );
    expect(screen.getByText('Micro-credentials')).toBeInTheDocument();
    expect(screen.queryByRole('dialog')).toBeNull();
    await user.click(screen.getByRole('button', { name: 'Manage micro-credentials' }));
    expect(await screen.findByRole('dialog', { name: 'Micro-credentials' })).toBeInTheDocument();
    expect(await screen.findByText('No credentials here yet. Create one to start.')).toBeInTheDocument();
    // Focus moves into the editor, on its heading.
    await waitFor(() => expect(screen.getByRole('heading', { name: 'Credentials of this course' })).toHaveFocus());
    expect(api.history.get[0].url).toBe(`${COURSE_PATH}/definitions/`);
    await user.click(screen.getByRole('button', { name: 'Close' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    await waitFor(() => expect(screen.getByRole('button', { name: 'Manage micro-credentials' })).toHaveFocus());
  });

  it('renders nothing outside a course route', () => {
    setUpApi();
    const { container } = renderWithIntl(<MemoryRouter><MicrocredsCourseAppCard /></MemoryRouter>);
    expect(container).toBeEmptyDOMElement();
  });
});
