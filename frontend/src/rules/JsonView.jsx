/**
 * "Advanced: JSON": the rule document as text. Valid JSON objects go straight to the builder;
 * while the text is not valid JSON the builder keeps the last valid rule, and the text is
 * replaced only when the rule changes elsewhere (the builder).
 */
import React, { useEffect, useRef, useState } from 'react';
import PropTypes from 'prop-types';
import { Form } from '@openedx/paragon';
import { useIntl } from '@edx/frontend-platform/i18n';
import messages from './messages';

export function formatRule(rule) {
  return JSON.stringify(rule, null, 2);
}

const JsonView = ({ rule, onChange }) => {
  const intl = useIntl();
  const [text, setText] = useState(formatRule(rule));
  const [parseError, setParseError] = useState(null);
  const lastSent = useRef(JSON.stringify(rule));
  useEffect(() => {
    const current = JSON.stringify(rule);
    if (current !== lastSent.current) {
      // Changed in the builder: show it.
      lastSent.current = current;
      setText(formatRule(rule));
      setParseError(null);
    }
  }, [rule]);
  const handle = (event) => {
    const next = event.target.value;
    setText(next);
    let parsed;
    try {
      parsed = JSON.parse(next);
    } catch (error) {
      setParseError(intl.formatMessage(messages.jsonInvalid, { error: error.message }));
      return;
    }
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
      setParseError(intl.formatMessage(messages.jsonNotObject));
      return;
    }
    setParseError(null);
    lastSent.current = JSON.stringify(parsed);
    onChange(parsed);
  };
  return (
    <Form.Group className="microcreds-json-view" controlId="microcreds-rule-json">
      <Form.Label>{intl.formatMessage(messages.jsonLabel)}</Form.Label>
      <Form.Control
        as="textarea"
        id="microcreds-rule-json"
        data-testid="microcreds-rule-json"
        className="text-monospace"
        spellCheck={false}
        rows={24}
        value={text}
        onChange={handle}
        isInvalid={Boolean(parseError)}
        aria-invalid={Boolean(parseError) || undefined}
        aria-describedby="microcreds-rule-json-help microcreds-rule-json-error"
      />
      <Form.Text id="microcreds-rule-json-help">{intl.formatMessage(messages.jsonHelp)}</Form.Text>
      <div id="microcreds-rule-json-error">
        {parseError && <div className="invalid-feedback d-block" role="alert">{parseError}</div>}
      </div>
    </Form.Group>
  );
};

JsonView.propTypes = {
  rule: PropTypes.any, // eslint-disable-line react/forbid-prop-types
  onChange: PropTypes.func.isRequired,
};
JsonView.defaultProps = { rule: null };

export default JsonView;
