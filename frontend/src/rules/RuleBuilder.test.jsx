import React, { useState } from 'react';
import PropTypes from 'prop-types';
import {
  act, fireEvent, screen, within,
} from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import RuleBuilder from './RuleBuilder';
import { renderWithIntl } from '../testing/utils';
import { BLOCKS, CONTEXT } from '../testing/fixtures';

/** The builder with its rule in state, as the editor holds it; `seen` gets every rule. */
const Holder = ({ initial, seen, problems }) => {
  const [rule, setRule] = useState(initial);
  return (
    <RuleBuilder
      rule={rule}
      onChange={(next) => { seen(next); setRule(next); }}
      problems={problems}
      context={CONTEXT}
      editingSlug="data-analyst"
    />
  );
};
Holder.propTypes = {
  initial: PropTypes.shape({}).isRequired,
  seen: PropTypes.func.isRequired,
  problems: PropTypes.arrayOf(PropTypes.shape({})),
};
Holder.defaultProps = { problems: [] };

function setUp(initial = { type: 'all', of: [] }, problems = []) {
  const seen = jest.fn();
  const user = userEvent.setup();
  renderWithIntl(<Holder initial={initial} seen={seen} problems={problems} />);
  const last = () => seen.mock.calls[seen.mock.calls.length - 1][0];
  return { user, seen, last };
}

const clause = (path) => screen.getByTestId(`microcreds-clause-${path}`);

async function addToRoot(user, type) {
  await user.selectOptions(screen.getByLabelText('New requirement in Rule: All of these'), type);
  await user.click(screen.getByTestId('microcreds-add-clause-$'));
}

async function typeInto(user, field, text) {
  await user.clear(field);
  await user.type(field, text);
}

describe('RuleBuilder: one form per clause type, writing the rule document', () => {
  it('course passed', async () => {
    const { user, last } = setUp();
    await addToRoot(user, 'course_passed');
    await user.type(within(clause('$.of[0]')).getByLabelText('Name shown to learners (optional)'), 'Pass');
    expect(last()).toEqual({ type: 'all', of: [{ type: 'course_passed', label: 'Pass' }] });
  });

  it('course grade, as a percentage', async () => {
    const { user, last } = setUp();
    await addToRoot(user, 'course_grade');
    await typeInto(user, within(clause('$.of[0]')).getByLabelText('Minimum score (%)'), '65');
    expect(last().of[0]).toEqual({ type: 'course_grade', min: 0.65 });
  });

  it('capstone subsection score from the course outline', async () => {
    const { user, last } = setUp();
    await addToRoot(user, 'block_score');
    const form = within(clause('$.of[0]'));
    const picker = form.getByLabelText('Subsection or unit');
    // The picker offers the course's subsections and units, graded ones marked.
    expect(within(picker).getByRole('option', { name: 'Capstone project (graded: Exam)' })).toBeInTheDocument();
    expect(within(picker).queryByRole('option', { name: 'Week 1' })).toBeNull();
    await user.selectOptions(picker, BLOCKS.capstone);
    await typeInto(user, form.getByLabelText('Minimum score (%)'), '56.25');
    await user.type(form.getByLabelText('Name shown to learners (optional)'), 'Capstone');
    expect(last().of[0]).toEqual({
      type: 'block_score', block: BLOCKS.capstone, min: 0.5625, label: 'Capstone',
    });
  });

  it('unit score', async () => {
    const { user, last } = setUp();
    await addToRoot(user, 'block_score');
    await user.selectOptions(within(clause('$.of[0]')).getByLabelText('Subsection or unit'), BLOCKS.report);
    expect(last().of[0].block).toBe(BLOCKS.report);
  });

  it('assignment type average from the grading policy', async () => {
    const { user, last } = setUp();
    await addToRoot(user, 'assignment_average');
    const form = within(clause('$.of[0]'));
    await user.selectOptions(form.getByLabelText('Assignment type'), 'Exam');
    await typeInto(user, form.getByLabelText('Minimum score (%)'), '75');
    expect(last().of[0]).toEqual({ type: 'assignment_average', assignment_type: 'Exam', min: 0.75 });
  });

  it('weighted average of several activities', async () => {
    const { user, last } = setUp();
    await addToRoot(user, 'weighted_average');
    const form = within(clause('$.of[0]'));
    await user.selectOptions(form.getByLabelText('Activity 1'), BLOCKS.lab1);
    await user.click(form.getByRole('button', { name: 'Add activity' }));
    await user.selectOptions(form.getByLabelText('Activity 2'), BLOCKS.lab2);
    await typeInto(user, form.getByLabelText('Weight of activity 2'), '2');
    await typeInto(user, form.getByLabelText('Minimum score (%)'), '70');
    expect(last().of[0]).toEqual({
      type: 'weighted_average',
      blocks: [{ block: BLOCKS.lab1, weight: 1 }, { block: BLOCKS.lab2, weight: 2 }],
      min: 0.7,
    });
    await user.click(form.getByRole('button', { name: 'Remove activity 1' }));
    expect(last().of[0].blocks).toEqual([{ block: BLOCKS.lab2, weight: 2 }]);
  });

  it('competency with framework, code and weighted blocks', async () => {
    const { user, last } = setUp();
    await addToRoot(user, 'competency');
    const form = within(clause('$.of[0]'));
    await user.type(form.getByLabelText('Competency name'), 'Data analysis');
    await user.type(form.getByLabelText('Competency id'), 'data-analysis');
    await user.type(form.getByLabelText('Framework (optional)'), 'ESCO');
    await user.type(form.getByLabelText('Competency code (optional)'), 'S1.2.3');
    await user.type(form.getByLabelText('Competency URL'), 'https://skills.example.org/data-analysis');
    await user.selectOptions(form.getByLabelText('Activity 1'), BLOCKS.lab2);
    await user.click(form.getByRole('button', { name: 'Add activity' }));
    await user.selectOptions(form.getByLabelText('Activity 2'), BLOCKS.capstone);
    await typeInto(user, form.getByLabelText('Weight of activity 2'), '3');
    await typeInto(user, form.getByLabelText('Minimum score (%)'), '80');
    expect(last().of[0]).toEqual({
      type: 'competency',
      id: 'data-analysis',
      name: 'Data analysis',
      framework: 'ESCO',
      code: 'S1.2.3',
      url: 'https://skills.example.org/data-analysis',
      blocks: [{ block: BLOCKS.lab2, weight: 1 }, { block: BLOCKS.capstone, weight: 3 }],
      min: 0.8,
    });
  });

  it('holds another credential (not the one being edited)', async () => {
    const { user, last } = setUp();
    await addToRoot(user, 'holds_credential');
    const picker = within(clause('$.of[0]')).getByLabelText('Credential');
    expect(within(picker).queryByRole('option', { name: /Data Analyst/ })).toBeNull();
    await user.selectOptions(picker, 'python-basics');
    expect(last().of[0]).toEqual({ type: 'holds_credential', credential: 'python-basics' });
  });

  it('nests any and at-least groups, and turns one group into another', async () => {
    const { user, last } = setUp();
    await addToRoot(user, 'at_least');
    const group = within(clause('$.of[0]'));
    await typeInto(user, group.getByLabelText('How many must pass'), '2');
    await user.selectOptions(group.getByLabelText('New requirement in Requirement 1: At least N of these'), 'any');
    await user.click(screen.getByTestId('microcreds-add-clause-$.of[0]'));
    await user.selectOptions(within(clause('$.of[0].of[1]')).getByLabelText('New requirement in Requirement 2: Any of these'), 'course_grade');
    await user.click(screen.getByTestId('microcreds-add-clause-$.of[0].of[1]'));
    expect(last()).toEqual({
      type: 'all',
      of: [{
        type: 'at_least',
        n: 2,
        of: [
          { type: 'course_passed' },
          { type: 'any', of: [{ type: 'course_passed' }, { type: 'course_grade', min: 0.7 }] },
        ],
      }],
    });
    // all -> any keeps the clauses; at_least -> all drops n.
    await user.selectOptions(within(clause('$')).getAllByLabelText('Requirement type')[0], 'any');
    expect(last().type).toBe('any');
    expect(last().of).toHaveLength(1);
    await user.selectOptions(within(clause('$.of[0]')).getAllByLabelText('Requirement type')[0], 'all');
    expect(last().of[0].n).toBeUndefined();
    expect(last().of[0].of).toHaveLength(2);
  });

  it('moves and removes requirements', async () => {
    const { user, last } = setUp({ type: 'all', of: [{ type: 'course_passed' }, { type: 'course_grade', min: 0.5 }] });
    await user.click(screen.getByRole('button', { name: 'Move requirement 2 up' }));
    expect(last().of.map((c) => c.type)).toEqual(['course_grade', 'course_passed']);
    await user.click(screen.getByRole('button', { name: 'Remove requirement 1' }));
    expect(last().of).toEqual([{ type: 'course_passed' }]);
  });

  it('leaves optional keys out when emptied', async () => {
    const { user, last } = setUp({ type: 'all', of: [{ type: 'course_passed', label: 'x', id: 'p' }] });
    const form = within(clause('$.of[0]'));
    await user.clear(form.getByLabelText('Name shown to learners (optional)'));
    await user.clear(form.getByLabelText('Clause id (optional)'));
    expect(last().of[0]).toEqual({ type: 'course_passed' });
  });
});

describe('RuleBuilder: the Advanced JSON view in sync both ways', () => {
  it('shows the builder changes in the JSON, and JSON edits in the builder', async () => {
    const { user, last } = setUp({ type: 'all', of: [{ type: 'course_grade', min: 0.5 }] });
    await user.click(screen.getByRole('switch', { name: 'Advanced: JSON' }).closest('input') || screen.getByTestId('microcreds-json-toggle'));
    const json = screen.getByLabelText('Rule as JSON');
    expect(JSON.parse(json.value)).toEqual({ type: 'all', of: [{ type: 'course_grade', min: 0.5 }] });

    // builder -> JSON
    await typeInto(user, within(clause('$.of[0]')).getByLabelText('Minimum score (%)'), '90');
    expect(JSON.parse(json.value).of[0].min).toBe(0.9);

    // JSON -> builder
    const edited = { type: 'any', of: [{ type: 'course_grade', min: 0.42 }, { type: 'holds_credential', credential: 'python-basics' }] };
    fireEvent.change(json, { target: { value: JSON.stringify(edited) } });
    expect(last()).toEqual(edited);
    expect(within(clause('$.of[0]')).getByLabelText('Minimum score (%)')).toHaveValue(42);
    expect(within(clause('$.of[1]')).getByLabelText('Credential')).toHaveValue('python-basics');
    expect(screen.getByText('Rule: Any of these')).toBeInTheDocument();
  });

  it('keeps the last valid rule while the JSON is broken, and says so', async () => {
    const { user, seen } = setUp({ type: 'all', of: [{ type: 'course_passed' }] });
    await user.click(screen.getByTestId('microcreds-json-toggle'));
    const json = screen.getByLabelText('Rule as JSON');
    const calls = seen.mock.calls.length;
    fireEvent.change(json, { target: { value: '{"type": "all", "of": [' } });
    expect(seen.mock.calls.length).toBe(calls);
    expect(screen.getByRole('alert')).toHaveTextContent('Not valid JSON yet');
    expect(json).toHaveAttribute('aria-invalid', 'true');
    // The text the author typed stays as it is.
    expect(json.value).toBe('{"type": "all", "of": [');
    expect(clause('$.of[0]')).toBeInTheDocument();
    fireEvent.change(json, { target: { value: '[1]' } });
    expect(screen.getByRole('alert')).toHaveTextContent('must be a JSON object');
  });
});

describe('RuleBuilder: problems at their fields', () => {
  const rule = {
    type: 'all',
    of: [
      { type: 'block_score', block: BLOCKS.capstone, min: 1.8 },
      {
        type: 'competency', id: 'data', name: 'Data', url: 'ftp://x', blocks: [{ block: BLOCKS.lab1, weight: 0 }], min: 0.8, colour: 'red',
      },
    ],
  };
  const problems = [
    {
      path: '$.of[0].min', code: 'invalid_fraction', message: 'must be a number between 0 and 1 (use 0.018 for 1.8%), got 1.8', severity: 'error',
    },
    {
      path: '$.of[1].url', code: 'invalid_url', message: 'must be an http(s) URL', severity: 'error',
    },
    {
      path: '$.of[1].blocks[0].weight', code: 'invalid_weight', message: 'must be a number greater than 0', severity: 'error',
    },
    {
      path: '$.of[1].colour', code: 'unknown_key', message: 'unknown key "colour"', severity: 'error',
    },
  ];

  it('places each problem under the field its path names', () => {
    act(() => { setUp(rule, problems); });
    const min = within(clause('$.of[0]')).getByLabelText('Minimum score (%)');
    expect(min).toHaveAttribute('aria-invalid', 'true');
    expect(min).toHaveAttribute('data-path', '$.of[0].min');
    const minError = screen.getByTestId('microcreds-field-error-$.of[0].min');
    // In the form's terms: a percentage.
    expect(minError).toHaveTextContent('Enter a percentage between 0 and 100.');
    expect(min.getAttribute('aria-describedby')).toContain(minError.id);
    expect(min.closest('.microcreds-field')).toContainElement(minError);

    const url = within(clause('$.of[1]')).getByLabelText('Competency URL');
    expect(url).toHaveAttribute('aria-invalid', 'true');
    expect(url.closest('.microcreds-field')).toHaveTextContent('must be an http(s) URL');
    const weight = within(clause('$.of[1]')).getByLabelText('Weight of activity 1');
    expect(weight.closest('.microcreds-field')).toHaveTextContent('Enter a weight greater than 0.');
    // A key with no field of its own: at the clause.
    expect(screen.getByTestId('microcreds-field-error-$.of[1]')).toHaveTextContent('unknown key "colour"');
    // Fields without problems are not marked.
    expect(within(clause('$.of[1]')).getByLabelText('Competency name')).not.toHaveAttribute('aria-invalid');
    // Errors are announced.
    expect(screen.getAllByRole('alert')).toHaveLength(4);
  });
});
