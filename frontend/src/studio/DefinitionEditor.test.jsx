import React from 'react';
import {
  screen, waitFor, within,
} from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import DefinitionEditor from './DefinitionEditor';
import {
  COURSE, COURSE_PATH, bodyOf, renderWithIntl, setUpApi,
} from '../testing/utils';
import { BLOCKS, CONTEXT, definition } from '../testing/fixtures';

const DEF = `${COURSE_PATH}/definitions/data-analyst/`;
const VALIDATE = `${COURSE_PATH}/rules/validate/`;

function capstoneRule(min) {
  return { type: 'all', of: [{ type: 'course_passed' }, { type: 'block_score', block: BLOCKS.capstone, min }] };
}

describe('DefinitionEditor', () => {
  let api;
  beforeEach(() => {
    api = setUpApi();
    api.onGet(`${COURSE_PATH}/context/`).reply(200, CONTEXT);
  });

  function open(def) {
    api.onGet(DEF).reply(200, def, { etag: `"${def.edit_tag}"` });
    const user = userEvent.setup();
    renderWithIntl(<DefinitionEditor courseId={COURSE} slug="data-analyst" onBack={jest.fn()} />);
    return user;
  }

  it('validates the rule live and shows each problem at its field', async () => {
    const sent = [];
    api.onPost(VALIDATE).reply((config) => {
      const { rule } = bodyOf(config);
      sent.push(rule);
      if (rule.of[1].min > 1) {
        return [200, {
          valid: false,
          problems: [{
            path: '$.of[1].min', code: 'invalid_fraction', message: 'must be a number between 0 and 1', severity: 'error',
          }],
        }];
      }
      return [200, { valid: true, problems: [] }];
    });
    const user = open(definition({ rule: capstoneRule(0.8) }));
    // Opening moves focus to the definition's heading.
    const heading = await screen.findByRole('heading', { name: 'Data Analyst' });
    await waitFor(() => expect(heading).toHaveFocus());
    await waitFor(() => expect(screen.getByTestId('microcreds-validation-status')).toHaveTextContent('The rule is valid.'));

    const capstone = within(screen.getByTestId('microcreds-clause-$.of[1]'));
    const min = capstone.getByLabelText('Minimum score (%)');
    await user.clear(min);
    await user.type(min, '180');
    await waitFor(() => expect(min).toHaveAttribute('aria-invalid', 'true'));
    expect(screen.getByTestId('microcreds-field-error-$.of[1].min')).toHaveTextContent('Enter a percentage between 0 and 100.');
    expect(screen.getByTestId('microcreds-validation-status')).toHaveTextContent('1 problem in the rule.');
    // What was checked is the rule as edited, with the definition's slug (for stacking cycles).
    expect(sent[sent.length - 1]).toEqual(capstoneRule(1.8));
    expect(bodyOf(api.history.post[api.history.post.length - 1]).slug).toBe('data-analyst');

    await user.clear(min);
    await user.type(min, '80');
    await waitFor(() => expect(min).not.toHaveAttribute('aria-invalid'));
    expect(screen.queryByTestId('microcreds-field-error-$.of[1].min')).toBeNull();
  });

  it('saves with the edit tag, and puts a refused save\'s problems at their fields, focusing the first', async () => {
    api.onPost(VALIDATE).reply(200, { valid: true, problems: [] });
    const user = open(definition({ rule: capstoneRule(0.8) }));
    const name = await screen.findByLabelText('Name');
    await user.clear(name);
    await user.type(name, 'Analyst');
    api.onPatch(DEF).replyOnce(400, {
      code: 'invalid',
      detail: 'invalid input',
      problems: [
        { path: '$.rule.of[1].block', code: 'unknown_block', message: 'is not a block of this course' },
        { path: '$.name', code: 'blank', message: 'This field may not be blank.' },
        { path: '$.issuer', code: 'no_key', message: 'the issuer has no active signing key' },
      ],
    });
    await user.click(screen.getByRole('button', { name: 'Save draft' }));
    const block = within(screen.getByTestId('microcreds-clause-$.of[1]')).getByLabelText('Subsection or unit');
    await waitFor(() => expect(block).toHaveAttribute('aria-invalid', 'true'));
    expect(screen.getByTestId('microcreds-field-error-$.of[1].block')).toHaveTextContent('is not a block of this course');
    expect(screen.getByTestId('microcreds-field-error-$.name')).toHaveTextContent('This field may not be blank.');
    expect(screen.getByTestId('microcreds-save-result')).toHaveTextContent('3 problems need fixing');
    expect(screen.getByTestId('microcreds-save-result')).toHaveTextContent('$.issuer: the issuer has no active signing key');
    // Focus goes to the first field in error (the details come first on the page).
    expect(screen.getByLabelText('Name')).toHaveFocus();

    const patch = api.history.patch[0];
    expect(patch.headers['If-Match']).toBe('"1.2"');
    expect(bodyOf(patch)).toEqual({ name: 'Analyst' });

    api.onPatch(DEF).replyOnce(200, { definition: definition({ name: 'Analyst', edit_tag: '1.3' }), warnings: [] });
    await user.click(screen.getByRole('button', { name: 'Save draft' }));
    await waitFor(() => expect(screen.getByTestId('microcreds-save-result')).toHaveTextContent('Saved.'));
    expect(screen.queryByTestId('microcreds-field-error-$.name')).toBeNull();
  });

  it('activates (with the unsaved changes) and says an edit conflict plainly', async () => {
    api.onPost(VALIDATE).reply(200, { valid: true, problems: [] });
    const user = open(definition());
    await screen.findByLabelText('Name');
    await user.type(screen.getByLabelText('Description'), 'Shows data skills');
    await user.click(screen.getByLabelText('Revoke it when the learner’s course certificate is revoked'));
    api.onPatch(DEF).replyOnce(412, { code: 'stale_edit', detail: 'changed', current_edit_tag: '1.5' });
    await user.click(screen.getByRole('button', { name: 'Activate' }));
    await waitFor(() => expect(screen.getByTestId('microcreds-save-result')).toHaveTextContent('Someone else changed this credential'));
    expect(bodyOf(api.history.patch[0])).toEqual({
      description: 'Shows data skills', revoke_on_certificate_revoked: false, state: 'active',
    });

    api.onPatch(DEF).replyOnce(200, { definition: definition({ state: 'active', description: 'Shows data skills', edit_tag: '1.6' }), warnings: [] });
    await user.click(screen.getByRole('button', { name: 'Activate' }));
    await waitFor(() => expect(screen.getByTestId('microcreds-save-result')).toHaveTextContent('is active'));
    expect(screen.getAllByTestId('microcreds-state')[0]).toHaveTextContent('Active');
    expect(screen.queryByRole('button', { name: 'Activate' })).toBeNull();
    expect(screen.getByRole('button', { name: 'Save changes' })).toBeDisabled();
  });

  it('archives with the edit tag after confirming', async () => {
    api.onPost(VALIDATE).reply(200, { valid: true, problems: [] });
    const user = open(definition({ state: 'active', edit_tag: '2.4' }));
    await screen.findByLabelText('Name');
    const confirm = jest.spyOn(window, 'confirm').mockReturnValue(true);
    api.onDelete(DEF).reply(200, definition({ state: 'archived', edit_tag: '2.5' }));
    await user.click(screen.getByRole('button', { name: 'Archive' }));
    await waitFor(() => expect(screen.getAllByTestId('microcreds-state')[0]).toHaveTextContent('Archived'));
    expect(api.history.delete[0].headers['If-Match']).toBe('"2.4"');
    expect(confirm).toHaveBeenCalled();
    confirm.mockRestore();
  });
});
