/**
 * The clause types of the rule language (openedx_microcreds/rules/model.py, served as JSON
 * Schema by `rule-schema/`), as the builder shows them: which fields each form has, in order,
 * and the clause a new one starts as. Keys are the JSON keys of the rule document, so the
 * builder edits the document itself and the JSON view is always the same data.
 */

export const GROUP_TYPES = ['all', 'any', 'at_least'];

export const LEAF_TYPES = [
  'course_passed',
  'course_grade',
  'block_score',
  'assignment_average',
  'weighted_average',
  'competency',
  'holds_credential',
];

export const CLAUSE_TYPES = [...GROUP_TYPES, ...LEAF_TYPES];

/**
 * Field kinds: `text`, `slug`, `percent` (a 0..1 fraction shown as a percentage), `count`,
 * `url`, `block` (one usage key from the course outline), `blocks` (weighted blocks),
 * `assignment_type`, `credential` (a slug of another credential), `course` (a course run key).
 */
export const FIELDS = {
  all: [{ key: 'id', kind: 'slug' }],
  any: [{ key: 'id', kind: 'slug' }],
  at_least: [{ key: 'n', kind: 'count', required: true }, { key: 'id', kind: 'slug' }],
  course_passed: [{ key: 'label', kind: 'text' }, { key: 'course', kind: 'course' }, { key: 'id', kind: 'slug' }],
  course_grade: [
    { key: 'min', kind: 'percent', required: true },
    { key: 'label', kind: 'text' },
    { key: 'course', kind: 'course' },
    { key: 'id', kind: 'slug' },
  ],
  block_score: [
    { key: 'block', kind: 'block', required: true },
    { key: 'min', kind: 'percent', required: true },
    { key: 'label', kind: 'text' },
    { key: 'id', kind: 'slug' },
  ],
  assignment_average: [
    { key: 'assignment_type', kind: 'assignment_type', required: true },
    { key: 'min', kind: 'percent', required: true },
    { key: 'label', kind: 'text' },
    { key: 'course', kind: 'course' },
    { key: 'id', kind: 'slug' },
  ],
  weighted_average: [
    { key: 'blocks', kind: 'blocks', required: true },
    { key: 'min', kind: 'percent', required: true },
    { key: 'label', kind: 'text' },
    { key: 'id', kind: 'slug' },
  ],
  competency: [
    { key: 'name', kind: 'text', required: true },
    { key: 'id', kind: 'slug', required: true },
    { key: 'framework', kind: 'text' },
    { key: 'code', kind: 'text' },
    { key: 'url', kind: 'url', required: true },
    { key: 'blocks', kind: 'blocks', required: true },
    { key: 'min', kind: 'percent', required: true },
  ],
  holds_credential: [
    { key: 'credential', kind: 'credential', required: true },
    { key: 'label', kind: 'text' },
  ],
};

export function isGroup(clause) {
  return Boolean(clause) && GROUP_TYPES.includes(clause.type);
}

/** A new clause of `type`, with the values an author most often wants. */
export function newClause(type) {
  switch (type) {
    case 'all':
    case 'any':
      return { type, of: [{ type: 'course_passed' }] };
    case 'at_least':
      return { type, n: 1, of: [{ type: 'course_passed' }] };
    case 'course_passed':
      return { type };
    case 'course_grade':
      return { type, min: 0.7 };
    case 'block_score':
      return { type, block: '', min: 0.8 };
    case 'assignment_average':
      return { type, assignment_type: '', min: 0.7 };
    case 'weighted_average':
      return { type, blocks: [{ block: '', weight: 1 }], min: 0.8 };
    case 'competency':
      return {
        type, id: '', name: '', url: '', blocks: [{ block: '', weight: 1 }], min: 0.8,
      };
    case 'holds_credential':
      return { type, credential: '' };
    default:
      throw new Error(`unknown clause type ${type}`);
  }
}

/** The starting rule of a new credential: pass the course. */
export function defaultRule() {
  return { type: 'all', of: [{ type: 'course_passed' }] };
}

/**
 * Change a group's type keeping its clauses (an at-least group gets n = 1; others lose n).
 */
export function retypeGroup(clause, type) {
  const { n, ...rest } = clause;
  if (type === 'at_least') {
    return { ...rest, type, n: n ?? 1 };
  }
  return { ...rest, type };
}
