/**
 * Clause ids in explanations (openedx_microcreds/rules/model.py): the author's "id", or one
 * derived from the clause's position: "$" the root, "$.1.0" the first clause inside the root's
 * second. This finds the rule's clause an explanation speaks of, to name it for people.
 */
import { GROUP_TYPES } from './clauseTypes';

export function findClause(rule, clauseId) {
  if (!rule || typeof rule !== 'object') { return null; }
  if (typeof clauseId === 'string' && clauseId.startsWith('$')) {
    const steps = clauseId === '$' ? [] : clauseId.slice(2).split('.').map(Number);
    let node = rule;
    for (let i = 0; i < steps.length; i += 1) {
      if (!node || !Array.isArray(node.of) || !Number.isInteger(steps[i])) { return null; }
      node = node.of[steps[i]];
    }
    return node || null;
  }
  const stack = [rule];
  while (stack.length) {
    const node = stack.pop();
    if (node && typeof node === 'object') {
      if (node.id === clauseId) { return node; }
      if (GROUP_TYPES.includes(node.type) && Array.isArray(node.of)) { stack.push(...node.of); }
    }
  }
  return null;
}
