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
import messages from './messages';

const GROUPS = ['all', 'any', 'at_least'];

function percent(intl, fraction) {
  // Rounded down like the server's own summaries, so a failing score never reads as passing.
  const floored = Math.floor(fraction * 1000 + 1e-9) / 1000;
  return intl.formatNumber(floored, { style: 'percent', maximumFractionDigits: 1 });
}

export function numbersOf(intl, node) {
  if (node.actual === null || node.actual === undefined || node.required === null || node.required === undefined) {
    return null;
  }
  if (GROUPS.includes(node.type)) {
    return intl.formatMessage(messages.numbers, { actual: node.actual, required: node.required });
  }
  return intl.formatMessage(messages.numbers, {
    actual: percent(intl, node.actual), required: percent(intl, node.required),
  });
}

const ExplanationNode = ({ node, context }) => {
  const intl = useIntl();
  const numbers = numbersOf(intl, node);
  const mark = intl.formatMessage(node.passed ? messages.passMark : messages.failMark);
  return (
    <li data-clause={node.clause_id} data-passed={node.passed ? 'true' : 'false'}>
      <span className={node.passed ? 'text-success' : 'text-danger'}>
        <Icon src={node.passed ? CheckCircle : Cancel} size="xs" className="d-inline-block mr-1" aria-hidden />
        <span className="sr-only">{`${mark}: `}</span>
      </span>
      <span>{node.summary}</span>
      {numbers && <span className="ml-2 small text-muted" data-testid="microcreds-numbers">{`(${numbers})`}</span>}
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

const Explanation = ({ explanation, context }) => (
  <ul className="list-unstyled mb-0 microcreds-explanation">
    <ExplanationNode node={explanation} context={context} />
  </ul>
);

Explanation.propTypes = { explanation: PropTypes.shape(nodeShape).isRequired, context: PropTypes.shape({}) };
Explanation.defaultProps = { context: null };

export default Explanation;
