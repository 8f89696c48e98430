/**
 * The rule builder: the clause forms, the live validation's summary, and the "Advanced: JSON"
 * view beside them, all editing the same rule document.
 */
import React, { useState } from 'react';
import PropTypes from 'prop-types';
import { Alert, Form } from '@openedx/paragon';
import { useIntl } from '@edx/frontend-platform/i18n';
import ClauseEditor from './ClauseEditor';
import JsonView from './JsonView';
import messages from './messages';

export const ValidationStatus = ({ validation }) => {
  const intl = useIntl();
  const errors = validation.problems.filter((p) => p.severity !== 'warning');
  let text = '';
  if (validation.checking) {
    text = intl.formatMessage(messages.validating);
  } else if (validation.error) {
    text = intl.formatMessage(messages.validationFailed, { detail: validation.error });
  } else if (errors.length) {
    text = intl.formatMessage(messages.problemsFound, { count: errors.length });
  } else if (validation.valid) {
    text = intl.formatMessage(messages.valid);
  }
  let variant = 'text-success';
  if (errors.length || validation.error) { variant = 'text-danger'; } else if (validation.checking) { variant = 'text-muted'; }
  return (
    <p className={`small mb-2 ${variant}`} aria-live="polite" data-testid="microcreds-validation-status">
      {text}
    </p>
  );
};

ValidationStatus.propTypes = {
  validation: PropTypes.shape({
    checking: PropTypes.bool,
    valid: PropTypes.bool,
    error: PropTypes.string,
    problems: PropTypes.arrayOf(PropTypes.shape({})),
  }).isRequired,
};

const RuleBuilder = ({
  rule, onChange, problems, validation, context, editingSlug,
}) => {
  const intl = useIntl();
  const [showJson, setShowJson] = useState(false);
  const isObject = rule && typeof rule === 'object' && !Array.isArray(rule);
  return (
    <section className="microcreds-rule-builder" aria-labelledby="microcreds-rule-builder-title">
      <div className="d-flex align-items-center justify-content-between flex-wrap">
        <h3 id="microcreds-rule-builder-title" className="h3">{intl.formatMessage(messages.builderTitle)}</h3>
        <Form.Switch
          checked={showJson}
          onChange={(event) => setShowJson(event.target.checked)}
          data-testid="microcreds-json-toggle"
        >
          {intl.formatMessage(messages.jsonToggle)}
        </Form.Switch>
      </div>
      {validation && <ValidationStatus validation={validation} />}
      <div className="row">
        <div className={showJson ? 'col-lg-7' : 'col-12'}>
          {isObject ? (
            <ClauseEditor
              clause={rule}
              steps={[]}
              problems={problems}
              context={context}
              editingSlug={editingSlug}
              onChange={onChange}
            />
          ) : (
            <Alert variant="warning">{intl.formatMessage(messages.jsonNotObject)}</Alert>
          )}
        </div>
        {showJson && (
          <div className="col-lg-5">
            {/* Stays in view while the author scrolls through the clauses it mirrors. */}
            <div style={{ position: 'sticky', top: '1rem' }}>
              <JsonView rule={rule} onChange={onChange} />
            </div>
          </div>
        )}
      </div>
    </section>
  );
};

RuleBuilder.propTypes = {
  rule: PropTypes.any, // eslint-disable-line react/forbid-prop-types
  onChange: PropTypes.func.isRequired,
  problems: PropTypes.arrayOf(PropTypes.shape({})).isRequired,
  validation: PropTypes.shape({}),
  context: PropTypes.shape({}),
  editingSlug: PropTypes.string,
};
RuleBuilder.defaultProps = {
  rule: null, validation: null, context: null, editingSlug: null,
};

export default RuleBuilder;
