/**
 * The inputs of a clause form. Each is labelled, carries the JSON path of its value (so the
 * API's problems land under it) and reports a new value, or `undefined` to leave the key out.
 */
import React, { useEffect, useState } from 'react';
import PropTypes from 'prop-types';
import { Form } from '@openedx/paragon';
import { useIntl } from '@edx/frontend-platform/i18n';
import FieldMessages, { domId, errorId } from '../common/FieldMessages';
import { problemsAt } from './paths';
import messages from './messages';

const problemShape = PropTypes.arrayOf(PropTypes.shape({ path: PropTypes.string }));

function fieldProps(path, problems, help) {
  const mine = problemsAt(problems, path);
  const invalid = mine.some((p) => p.severity !== 'warning');
  const describedBy = [mine.length ? errorId(path) : null, help ? domId('microcreds-help', path) : null]
    .filter(Boolean).join(' ') || undefined;
  return {
    mine,
    inputProps: {
      id: domId('microcreds-field', path),
      'data-path': path,
      'aria-invalid': invalid || undefined,
      'aria-describedby': describedBy,
      isInvalid: invalid,
    },
  };
}

const FieldShell = ({
  path, label, help, problems, children, kind,
}) => (
  <Form.Group className="mb-2 microcreds-field" controlId={domId('microcreds-field', path)}>
    <Form.Label>{label}</Form.Label>
    {children}
    {help && <Form.Text id={domId('microcreds-help', path)}>{help}</Form.Text>}
    <FieldMessages path={path} problems={problems} kind={kind} />
  </Form.Group>
);

FieldShell.propTypes = {
  path: PropTypes.string.isRequired,
  label: PropTypes.node.isRequired,
  help: PropTypes.node,
  problems: problemShape.isRequired,
  children: PropTypes.node.isRequired,
  kind: PropTypes.string,
};
FieldShell.defaultProps = { help: null, kind: null };

export const TextField = ({
  path, label, help, value, required, onChange, problems, type,
}) => {
  const { mine, inputProps } = fieldProps(path, problems, help);
  return (
    <FieldShell path={path} label={label} help={help} problems={mine}>
      <Form.Control
        {...inputProps}
        type={type}
        value={value ?? ''}
        aria-required={required || undefined}
        onChange={(event) => {
          const text = event.target.value;
          onChange(text === '' && !required ? undefined : text);
        }}
      />
    </FieldShell>
  );
};

TextField.propTypes = {
  path: PropTypes.string.isRequired,
  label: PropTypes.node.isRequired,
  help: PropTypes.node,
  value: PropTypes.string,
  required: PropTypes.bool,
  onChange: PropTypes.func.isRequired,
  problems: problemShape.isRequired,
  type: PropTypes.string,
};
TextField.defaultProps = {
  help: null, value: undefined, required: false, type: 'text',
};

/** Rounds away the noise of binary fractions (0.57 * 100 = 56.99999...). */
function clean(number) {
  return Number(number.toPrecision(12));
}

function showNumber(value, scale) {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    return value === undefined || value === null ? '' : String(value);
  }
  return String(clean(value * scale));
}

/**
 * A number input keeping the author's own text while they type ("80." stays "80.") and
 * following the document when it changes elsewhere (the JSON view). `scale` 100 shows a
 * fraction as a percentage.
 */
export const NumberField = ({
  path, label, help, value, onChange, problems, scale, integer, min, max, step, ariaLabel,
}) => {
  const [text, setText] = useState(showNumber(value, scale));
  useEffect(() => {
    const shown = text.trim() === '' ? undefined : clean(Number(text) / scale);
    if (shown !== value) {
      setText(showNumber(value, scale));
    }
  }, [value]); // eslint-disable-line react-hooks/exhaustive-deps
  const { mine, inputProps } = fieldProps(path, problems, help);
  return (
    <FieldShell path={path} label={label} help={help} problems={mine} kind={scale === 100 ? 'percent' : null}>
      <Form.Control
        {...inputProps}
        type="number"
        aria-label={ariaLabel}
        inputMode={integer ? 'numeric' : 'decimal'}
        min={min}
        max={max}
        step={step}
        value={text}
        onChange={(event) => {
          const next = event.target.value;
          setText(next);
          if (next.trim() === '') {
            onChange(undefined);
            return;
          }
          const number = Number(next);
          if (Number.isFinite(number)) {
            onChange(integer && scale === 1 ? number : clean(number / scale));
          }
        }}
      />
    </FieldShell>
  );
};

NumberField.propTypes = {
  path: PropTypes.string.isRequired,
  label: PropTypes.node.isRequired,
  help: PropTypes.node,
  // Anything the JSON view let through is shown as it is, so the API can say what is wrong.
  value: PropTypes.any, // eslint-disable-line react/forbid-prop-types
  onChange: PropTypes.func.isRequired,
  problems: problemShape.isRequired,
  scale: PropTypes.number,
  integer: PropTypes.bool,
  min: PropTypes.number,
  max: PropTypes.number,
  step: PropTypes.oneOfType([PropTypes.number, PropTypes.string]),
  ariaLabel: PropTypes.string,
};
NumberField.defaultProps = {
  help: null, value: undefined, scale: 1, integer: false, min: undefined, max: undefined, step: 'any', ariaLabel: undefined,
};

/**
 * A select of `options` ({value, label, group}); a value the options lack (typed in the JSON
 * view, or a block removed from the course) stays selectable, marked as such.
 */
export const SelectField = ({
  path, label, help, value, onChange, problems, options, required,
}) => {
  const intl = useIntl();
  const { mine, inputProps } = fieldProps(path, problems, help);
  const known = options.some((option) => option.value === value);
  const groups = [];
  options.forEach((option) => {
    const group = option.group || '';
    let entry = groups.find((g) => g.name === group);
    if (!entry) {
      entry = { name: group, options: [] };
      groups.push(entry);
    }
    entry.options.push(option);
  });
  const render = (option) => <option key={option.value} value={option.value}>{option.label}</option>;
  return (
    <FieldShell path={path} label={label} help={help} problems={mine}>
      <Form.Control
        {...inputProps}
        as="select"
        value={typeof value === 'string' ? value : ''}
        aria-required={required || undefined}
        onChange={(event) => {
          const next = event.target.value;
          onChange(next === '' && !required ? undefined : next);
        }}
      >
        <option value="">{intl.formatMessage(messages.pickerChoose)}</option>
        {!known && typeof value === 'string' && value !== '' && (
          <option value={value}>{intl.formatMessage(messages.pickerUnknown, { value })}</option>
        )}
        {groups.map((group) => (group.name
          ? <optgroup key={group.name} label={group.name}>{group.options.map(render)}</optgroup>
          : group.options.map(render)))}
      </Form.Control>
    </FieldShell>
  );
};

SelectField.propTypes = {
  path: PropTypes.string.isRequired,
  label: PropTypes.node.isRequired,
  help: PropTypes.node,
  value: PropTypes.any, // eslint-disable-line react/forbid-prop-types
  onChange: PropTypes.func.isRequired,
  problems: problemShape.isRequired,
  options: PropTypes.arrayOf(PropTypes.shape({
    value: PropTypes.string.isRequired,
    label: PropTypes.string.isRequired,
    group: PropTypes.string,
  })).isRequired,
  required: PropTypes.bool,
};
SelectField.defaultProps = { help: null, value: undefined, required: false };
