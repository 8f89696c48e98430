import {
  formatPath, isBelow, keyPath, parsePath, rulePath, setAt,
} from './paths';
import { findClause } from './clauseIds';

describe('JSON paths', () => {
  it('reads and writes the API paths', () => {
    expect(parsePath('$.of[1].blocks[0].block')).toEqual(['of', 1, 'blocks', 0, 'block']);
    expect(parsePath('$')).toEqual([]);
    expect(parsePath('$["my key"].x')).toEqual(['my key', 'x']);
    expect(parsePath('of[1]')).toBeNull();
    expect(parsePath('$.of[x]')).toBeNull();
    expect(formatPath(['of', 1, 'min'])).toBe('$.of[1].min');
    expect(keyPath('$', 'my key')).toBe('$["my key"]');
  });

  it('makes definition paths relative to the rule', () => {
    expect(rulePath('$.rule.of[0].min', { inDefinition: true })).toBe('$.of[0].min');
    expect(rulePath('$.rule', { inDefinition: true })).toBe('$');
    expect(rulePath('$.name', { inDefinition: true })).toBeNull();
    expect(rulePath('$.of[0].min')).toBe('$.of[0].min');
  });

  it('edits a document at a path without changing the original', () => {
    const doc = { type: 'all', of: [{ type: 'course_grade', min: 0.5 }] };
    const changed = setAt(doc, ['of', 0, 'min'], 0.7);
    expect(changed.of[0].min).toBe(0.7);
    expect(doc.of[0].min).toBe(0.5);
    expect(setAt(doc, ['of', 0, 'min'], undefined).of[0]).toEqual({ type: 'course_grade' });
    expect(setAt(doc, ['of', 0], undefined).of).toEqual([]);
  });

  it('knows what is below what', () => {
    expect(isBelow('$.of[1].min', '$.of[1]')).toBe(true);
    expect(isBelow('$.of[10]', '$.of[1]')).toBe(false);
    expect(isBelow('$.of[1]', '$.of[1]')).toBe(true);
  });
});

describe('clause ids of explanations', () => {
  const rule = {
    type: 'all',
    of: [{ type: 'course_passed' }, { type: 'any', of: [{ type: 'course_grade', min: 0.5, label: 'Grade' }] }, { type: 'competency', id: 'data' }],
  };
  it('finds derived and explicit ids', () => {
    expect(findClause(rule, '$')).toBe(rule);
    expect(findClause(rule, '$.1.0').label).toBe('Grade');
    expect(findClause(rule, 'data').type).toBe('competency');
    expect(findClause(rule, '$.5')).toBeNull();
    expect(findClause(rule, 'nope')).toBeNull();
  });
});
