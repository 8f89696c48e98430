/**
 * The rule engine's explanation of one learner (clause by clause) with their numbers:
 * each requirement met or not, the learner's score against the one needed, and the
 * activities behind a weighted average.
 */
import React from 'react';
import PropTypes from 'prop-types';
import { Icon } from '@openedx/paragon';
import { CheckCircle, Cancel } from '@openedx/paragon/icons';
import { useIntl } from '@edx/frontend-platform/i18n';
import { blockName } from '../rules/pickers';
import { findClause } from '../rules/clauseIds';
import ruleMessages from '../rules/messages';
import messages from './messages';

const GROUPS = ['all', 'any', 'at_least'];

function percent(intl, fraction) {
  // Rounded down like the server's own summaries, so a failing score never reads as passing.
  const floored = Math.floor(fraction * 1000 + 1e-9) / 1000;
  return intl.formatNumber(floored, { style: 'percent', maximumFractionDigits: 1 });
}

export function numbersOf(intl, node) {
  if (node.required === null || node.required === undefined) {
    return null;
  }
  if (node.actual === null || node.actual === undefined) {
    return intl.formatMessage(messages.noScore, {
      required: GROUPS.includes(node.type) ? node.required : percent(intl, node.required),
    });
  }
  if (GROUPS.includes(node.type)) {
    return intl.formatMessage(messages.numbers, { actual: node.actual, required: node.required });
  }
  return intl.formatMessage(messages.numbers, {
    actual: percent(intl, node.actual), required: percent(intl, node.required),
  });
}

/** The engine's words with the course's name where they give its key. */
export function readable(text, context) {
  if (!text || !context?.course_key || !context.display_name) { return text; }
  return text.split(context.course_key).join(context.display_name);
}

const ExplanationNode = ({ node, context }) => {
  const intl = useIntl();
  const mark = intl.formatMessage(node.passed ? messages.passMark : messages.failMark);
  return (
    <li data-clause={node.clause_id} data-passed={node.passed ? 'true' : 'false'}>
      <span className={node.passed ? 'text-success' : 'text-danger'}>
        <Icon src={node.passed ? CheckCircle : Cancel} size="xs" className="d-inline-block mr-1" aria-hidden />
        <span className="sr-only">{`${mark}: `}</span>
      </span>
      <span>{readable(node.summary, context)}</span>
      {node.type !== 'block_score' && node.blocks?.length > 0 && (
        <ul className="small">
          {node.blocks.map((block) => (
            <li key={block.block}>
              {block.missing
                ? `${blockName(context, block.block)}: ${block.missing}`
                : intl.formatMessage(messages.blockNumbers, {
                  name: blockName(context, block.block),
                  earned: intl.formatNumber(block.earned),
                  possible: intl.formatNumber(block.possible),
                  weight: intl.formatNumber(block.weight),
                })}
            </li>
          ))}
        </ul>
      )}
      {node.children?.length > 0 && (
        <ul>
          {node.children.map((child) => <ExplanationNode key={child.clause_id} node={child} context={context} />)}
        </ul>
      )}
    </li>
  );
};

const nodeShape = {
  clause_id: PropTypes.string,
  type: PropTypes.string,
  passed: PropTypes.bool,
  summary: PropTypes.string,
  actual: PropTypes.number,
  required: PropTypes.number,
  blocks: PropTypes.arrayOf(PropTypes.shape({})),
};
nodeShape.children = PropTypes.arrayOf(PropTypes.shape(nodeShape));

ExplanationNode.propTypes = { node: PropTypes.shape(nodeShape).isRequired, context: PropTypes.shape({}) };
ExplanationNode.defaultProps = { context: null };

/** Every requirement with a number (scores, not groups), in document order. */
export function scoredLeaves(node) {
  const found = [];
  const walk = (current) => {
    if (!GROUPS.includes(current.type) && current.required !== null && current.required !== undefined) {
      found.push(current);
    }
    (current.children || []).forEach(walk);
  };
  walk(node);
  return found;
}

/** What a clause is called for people: its label or name, else its block's name, else its type. */
export function clauseTitle(intl, clause, context, fallback) {
  if (!clause) { return fallback; }
  if (clause.label || clause.name) { return clause.label || clause.name; }
  if (clause.block) { return blockName(context, clause.block); }
  if (clause.assignment_type) { return clause.assignment_type; }
  const message = ruleMessages[`type_${clause.type}`];
  return message ? intl.formatMessage(message) : fallback;
}

/**
 * A learner's numbers at a glance: each scored requirement, their score against the one
 * needed, met or not.
 */
export const Scores = ({ explanation, rule, context }) => {
  const intl = useIntl();
  const leaves = scoredLeaves(explanation);
  if (!leaves.length) { return null; }
  return (
    <ul className="list-unstyled mb-0 small" data-testid="microcreds-numbers">
      {leaves.map((leaf) => (
        <li key={leaf.clause_id} data-clause={leaf.clause_id} data-passed={leaf.passed ? 'true' : 'false'}>
          <span className="sr-only">{`${intl.formatMessage(leaf.passed ? messages.passMark : messages.failMark)}: `}</span>
          <span className="font-weight-bold">{clauseTitle(intl, findClause(rule, leaf.clause_id), context, leaf.clause_id)}</span>
          {': '}
          <span className={leaf.passed ? 'text-success' : 'text-danger'}>{numbersOf(intl, leaf)}</span>
        </li>
      ))}
    </ul>
  );
};

Scores.propTypes = {
  explanation: PropTypes.shape(nodeShape).isRequired,
  rule: PropTypes.any, // eslint-disable-line react/forbid-prop-types
  context: PropTypes.shape({}),
};
Scores.defaultProps = { rule: null, context: null };

const Explanation = ({ explanation, context }) => (
  <ul className="list-unstyled mb-0 microcreds-explanation">
    <ExplanationNode node={explanation} context={context} />
  </ul>
);

Explanation.propTypes = { explanation: PropTypes.shape(nodeShape).isRequired, context: PropTypes.shape({}) };
Explanation.defaultProps = { context: null };

export default Explanation;
