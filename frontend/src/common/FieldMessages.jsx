import React from 'react';
import PropTypes from 'prop-types';
import { useIntl } from '@edx/frontend-platform/i18n';
import messages from '../rules/messages';

/**
 * Problems whose stable code has a message of ours (translated, and in the terms of the form:
 * percentages, not fractions); others keep the API's own words.
 */
export function problemText(intl, problem, kind) {
  if (problem.code === 'invalid_fraction' && kind === 'percent') {
    return intl.formatMessage(messages.code_invalid_percent);
  }
  const message = messages[`code_${problem.code}`];
  return message ? intl.formatMessage(message) : problem.message;
}

/** A field's id for the DOM, from its JSON path (which may hold "$", "." and brackets). */
export function domId(prefix, path) {
  return `${prefix}-${path.replace(/[^A-Za-z0-9_-]/g, (c) => `_${c.charCodeAt(0).toString(16)}`)}`;
}

export function errorId(path) {
  return domId('microcreds-error', path);
}

/**
 * The problems the API reported at one field, right under it. Errors are an alert so screen
 * readers announce them when they appear; warnings are plain text.
 */
const FieldMessages = ({ path, problems, kind }) => {
  const intl = useIntl();
  if (!problems.length) {
    return null;
  }
  const errors = problems.filter((p) => p.severity !== 'warning');
  const warnings = problems.filter((p) => p.severity === 'warning');
  return (
    <div id={errorId(path)} data-testid={`microcreds-field-error-${path}`}>
      {errors.length > 0 && (
        <div className="invalid-feedback d-block" role="alert">
          {errors.map((p) => <div key={`${p.code}-${p.message}`}>{problemText(intl, p, kind)}</div>)}
        </div>
      )}
      {warnings.map((p) => (
        <div key={`${p.code}-${p.message}`} className="small text-warning-700">
          {intl.formatMessage(messages.warning, { message: problemText(intl, p, kind) })}
        </div>
      ))}
    </div>
  );
};

FieldMessages.propTypes = {
  path: PropTypes.string.isRequired,
  problems: PropTypes.arrayOf(PropTypes.shape({
    path: PropTypes.string,
    code: PropTypes.string,
    message: PropTypes.string,
    severity: PropTypes.string,
  })).isRequired,
  kind: PropTypes.string,
};
FieldMessages.defaultProps = { kind: null };

export default FieldMessages;
