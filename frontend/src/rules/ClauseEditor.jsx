/**
 * The form of one clause of a rule: its type, its fields, and for groups the clauses inside
 * (recursively). Each input's JSON path is the path of its value in the rule document.
 */
import React, { useEffect, useState } from 'react';
import PropTypes from 'prop-types';
import { Button, Form, IconButton } from '@openedx/paragon';
import { ArrowDownward, ArrowUpward, Close } from '@openedx/paragon/icons';
import { useIntl } from '@edx/frontend-platform/i18n';
import FieldMessages, { domId } from '../common/FieldMessages';
import {
  CLAUSE_TYPES, FIELDS, GROUP_TYPES, isGroup, newClause, retypeGroup,
} from './clauseTypes';
import { keyPath, formatPath, isBelow } from './paths';
import { NumberField, SelectField, TextField } from './fields';
import { assignmentTypeOptions, blockOptions, credentialOptions } from './pickers';
import messages from './messages';

const problemsShape = PropTypes.arrayOf(PropTypes.shape({
  path: PropTypes.string, code: PropTypes.string, message: PropTypes.string, severity: PropTypes.string,
}));

export function typeName(intl, type) {
  const message = messages[`type_${type}`];
  return message ? intl.formatMessage(message) : String(type);
}

function fieldLabel(intl, field) {
  if (field.key === 'id') {
    return intl.formatMessage(field.required ? messages.field_id_required : messages.field_id);
  }
  return intl.formatMessage(messages[`field_${field.key}`]);
}

/** The weighted block list of a weighted average or a competency. */
const BlocksField = ({
  path, value, onChange, problems, context,
}) => {
  const intl = useIntl();
  const blocks = Array.isArray(value) ? value : [];
  const options = blockOptions(context, intl);
  const update = (index, entry) => {
    const next = blocks.slice();
    next[index] = entry;
    onChange(next);
  };
  return (
    <fieldset className="microcreds-blocks border rounded p-2 mb-2" data-path={path}>
      <legend className="h5 w-auto px-1">{intl.formatMessage(messages.field_blocks)}</legend>
      <FieldMessages path={path} problems={problems.filter((p) => p.path === path)} />
      {blocks.map((entry, index) => {
        const entryPath = keyPath(path, index);
        const number = index + 1;
        return (
          // eslint-disable-next-line react/no-array-index-key
          <div key={index} data-path={entryPath}>
            <div className="d-flex align-items-start">
              <div className="flex-grow-1 mr-2" style={{ minWidth: 0 }}>
                <SelectField
                  path={keyPath(entryPath, 'block')}
                  label={intl.formatMessage(messages.field_blocks_block, { number })}
                  value={entry?.block}
                  required
                  options={options}
                  problems={problems}
                  onChange={(block) => update(index, { ...entry, block: block ?? '' })}
                />
              </div>
              <div className="mr-1" style={{ width: '7rem', flexShrink: 0 }}>
                <NumberField
                  path={keyPath(entryPath, 'weight')}
                  // Seen: "Weight"; its name for assistive technology: "Weight of activity N".
                  label={intl.formatMessage(messages.field_blocks_weight_short)}
                  ariaLabel={intl.formatMessage(messages.field_blocks_weight, { number })}
                  value={entry?.weight}
                  min={0}
                  problems={problems}
                  onChange={(weight) => {
                    const { weight: unused, ...rest } = entry || {};
                    update(index, weight === undefined ? rest : { ...rest, weight });
                  }}
                />
              </div>
              <IconButton
                className="mt-4"
                src={Close}
                iconAs={Close}
                alt={intl.formatMessage(messages.field_blocks_remove, { number })}
                onClick={() => onChange(blocks.filter((unused, i) => i !== index))}
              />
            </div>
            <FieldMessages path={entryPath} problems={problems.filter((p) => p.path === entryPath)} />
          </div>
        );
      })}
      <Button variant="outline-primary" size="sm" onClick={() => onChange([...blocks, { block: '', weight: 1 }])}>
        {intl.formatMessage(messages.field_blocks_add)}
      </Button>
    </fieldset>
  );
};

BlocksField.propTypes = {
  path: PropTypes.string.isRequired,
  value: PropTypes.any, // eslint-disable-line react/forbid-prop-types
  onChange: PropTypes.func.isRequired,
  problems: problemsShape.isRequired,
  context: PropTypes.shape({}),
};
BlocksField.defaultProps = { value: undefined, context: null };

/** One field of a clause, by its kind. */
const ClauseField = ({
  field, clause, path, problems, context, editingSlug, onChange,
}) => {
  const intl = useIntl();
  const valuePath = keyPath(path, field.key);
  const value = clause[field.key];
  const common = {
    path: valuePath,
    label: fieldLabel(intl, field),
    value,
    required: field.required,
    problems,
    onChange,
  };
  switch (field.kind) {
    case 'percent':
      return <NumberField {...common} scale={100} min={0} max={100} />;
    case 'count':
      return <NumberField {...common} integer min={1} step={1} />;
    case 'block':
      return <SelectField {...common} options={blockOptions(context, intl)} />;
    case 'assignment_type':
      return <SelectField {...common} options={assignmentTypeOptions(context)} />;
    case 'credential':
      return <SelectField {...common} options={credentialOptions(context, editingSlug)} />;
    case 'blocks':
      return <BlocksField path={valuePath} value={value} onChange={onChange} problems={problems} context={context} />;
    case 'url':
      return <TextField {...common} type="url" />;
    case 'course':
      return <TextField {...common} help={intl.formatMessage(messages.field_course_help)} />;
    case 'slug':
      return <TextField {...common} help={intl.formatMessage(messages.field_id_help)} />;
    default:
      return <TextField {...common} />;
  }
};

ClauseField.propTypes = {
  field: PropTypes.shape({ key: PropTypes.string, kind: PropTypes.string, required: PropTypes.bool }).isRequired,
  clause: PropTypes.shape({}).isRequired,
  path: PropTypes.string.isRequired,
  problems: problemsShape.isRequired,
  context: PropTypes.shape({}),
  editingSlug: PropTypes.string,
  onChange: PropTypes.func.isRequired,
};
ClauseField.defaultProps = { context: null, editingSlug: null };

/**
 * The problems of a clause no field of its form shows: at the clause itself, at its "type",
 * or at keys the form has no input for (unknown keys typed in the JSON view).
 */
export function clauseLevelProblems(problems, clause, path) {
  const shown = new Set((FIELDS[clause?.type] || []).map((field) => keyPath(path, field.key)));
  const childRoot = keyPath(path, 'of');
  return problems.filter((problem) => {
    if (!isBelow(problem.path, path)) { return false; }
    if (problem.path === childRoot) { return true; }
    if (isBelow(problem.path, childRoot)) { return false; }
    return ![...shown].some((fieldPath) => isBelow(problem.path, fieldPath));
  });
}

/** Optional keys authors rarely set (a clause id, another course run) behind a disclosure. */
function isExtra(field) {
  return !field.required && (field.kind === 'slug' || field.kind === 'course');
}

/** A disclosure that opens by itself when what it holds has a value or a problem. */
const MoreOptions = ({ forceOpen, children }) => {
  const intl = useIntl();
  const [open, setOpen] = useState(forceOpen);
  useEffect(() => { if (forceOpen) { setOpen(true); } }, [forceOpen]);
  return (
    <details className="mb-2 microcreds-more-options" open={open} onToggle={(event) => setOpen(event.currentTarget.open)}>
      <summary className="small">{intl.formatMessage(messages.moreOptions)}</summary>
      <div className="pt-2">{children}</div>
    </details>
  );
};

MoreOptions.propTypes = { forceOpen: PropTypes.bool.isRequired, children: PropTypes.node.isRequired };

const AddClause = ({ groupName, path, onAdd }) => {
  const intl = useIntl();
  const [type, setType] = useState('course_passed');
  const id = domId('microcreds-add', path);
  return (
    <div className="d-flex align-items-end mt-2 microcreds-add-clause">
      <Form.Group className="mb-0 mr-2" controlId={id}>
        <Form.Label>{intl.formatMessage(messages.addClauseType, { group: groupName })}</Form.Label>
        <Form.Control as="select" id={id} value={type} onChange={(e) => setType(e.target.value)}>
          {CLAUSE_TYPES.map((t) => <option key={t} value={t}>{typeName(intl, t)}</option>)}
        </Form.Control>
      </Form.Group>
      <Button variant="outline-primary" onClick={() => onAdd(newClause(type))} data-testid={`microcreds-add-clause-${path}`}>
        {intl.formatMessage(messages.addClause)}
      </Button>
    </div>
  );
};

AddClause.propTypes = {
  groupName: PropTypes.string.isRequired,
  path: PropTypes.string.isRequired,
  onAdd: PropTypes.func.isRequired,
};

const ClauseEditor = ({
  clause, steps, onChange, onRemove, onMove, siblings, problems, context, editingSlug, position,
}) => {
  const intl = useIntl();
  const path = formatPath(steps);
  const known = clause && typeof clause === 'object' && CLAUSE_TYPES.includes(clause.type);
  const typeLabel = known ? typeName(intl, clause.type) : String(clause?.type ?? '?');
  const legend = position
    ? intl.formatMessage(messages.clauseLegend, { position, type: typeLabel })
    : intl.formatMessage(messages.rootLegend, { type: typeLabel });
  const typeSelectId = domId('microcreds-type', path);
  const set = (key, value) => {
    const next = { ...clause };
    if (value === undefined) { delete next[key]; } else { next[key] = value; }
    onChange(next);
  };
  const changeType = (type) => {
    if (isGroup(clause) && GROUP_TYPES.includes(type)) {
      onChange(retypeGroup(clause, type));
    } else {
      onChange(newClause(type));
    }
  };
  const ownProblems = clauseLevelProblems(problems, clause, path);
  const renderField = (field) => (
    <ClauseField
      key={field.key}
      field={field}
      clause={clause}
      path={path}
      problems={problems}
      context={context}
      editingSlug={editingSlug}
      onChange={(value) => set(field.key, value)}
    />
  );
  const group = known && isGroup(clause);
  const children = group && Array.isArray(clause.of) ? clause.of : [];
  return (
    <fieldset
      className={`microcreds-clause border rounded p-3 mb-3 ${group ? 'bg-light-200' : 'bg-white'}`}
      data-testid={`microcreds-clause-${path}`}
      data-path={path}
      data-type={clause?.type}
    >
      <legend className="h4 w-auto px-1 mb-1">{legend}</legend>
      <div className="d-flex align-items-end flex-wrap">
        <Form.Group className="mb-2 mr-3" controlId={typeSelectId}>
          <Form.Label>{intl.formatMessage(messages.clauseType)}</Form.Label>
          <Form.Control
            as="select"
            id={typeSelectId}
            value={known ? clause.type : ''}
            onChange={(event) => changeType(event.target.value)}
          >
            {!known && <option value="">{typeLabel}</option>}
            {CLAUSE_TYPES.map((type) => <option key={type} value={type}>{typeName(intl, type)}</option>)}
          </Form.Control>
        </Form.Group>
        {position && (
          <div className="ml-auto mb-2 d-flex">
            {onMove && siblings > 1 && (
              <>
                <IconButton
                  src={ArrowUpward}
                  iconAs={ArrowUpward}
                  alt={intl.formatMessage(messages.clauseMoveUp, { position })}
                  disabled={position === 1}
                  onClick={() => onMove(-1)}
                />
                <IconButton
                  src={ArrowDownward}
                  iconAs={ArrowDownward}
                  alt={intl.formatMessage(messages.clauseMoveDown, { position })}
                  disabled={position === siblings}
                  onClick={() => onMove(1)}
                />
              </>
            )}
            {onRemove && (
              <Button variant="outline-danger" size="sm" onClick={onRemove}>
                {intl.formatMessage(messages.clauseRemove, { position })}
              </Button>
            )}
          </div>
        )}
      </div>
      <FieldMessages path={path} problems={ownProblems} />
      {!known && <p>{intl.formatMessage(messages.unknownType, { type: typeLabel })}</p>}
      {known && (
        <div className="microcreds-clause-fields">
          {FIELDS[clause.type].filter((field) => !isExtra(field)).map(renderField)}
          {FIELDS[clause.type].some(isExtra) && (
            <MoreOptions
              forceOpen={FIELDS[clause.type].filter(isExtra).some((field) => (
                clause[field.key] !== undefined
                || problems.some((p) => isBelow(p.path, keyPath(path, field.key)))))}
            >
              {FIELDS[clause.type].filter(isExtra).map(renderField)}
            </MoreOptions>
          )}
        </div>
      )}
      {group && (
        <div role="group" aria-label={intl.formatMessage(messages.groupOf)} className="pl-3 border-left">
          {children.length === 0 && <p>{intl.formatMessage(messages.groupEmpty)}</p>}
          {children.map((child, index) => (
            <ClauseEditor
              // eslint-disable-next-line react/no-array-index-key
              key={index}
              clause={child}
              steps={[...steps, 'of', index]}
              position={index + 1}
              siblings={children.length}
              problems={problems}
              context={context}
              editingSlug={editingSlug}
              onChange={(next) => {
                const of = children.slice();
                of[index] = next;
                onChange({ ...clause, of });
              }}
              onRemove={() => onChange({ ...clause, of: children.filter((unused, i) => i !== index) })}
              onMove={(delta) => {
                const of = children.slice();
                const target = index + delta;
                [of[index], of[target]] = [of[target], of[index]];
                onChange({ ...clause, of });
              }}
            />
          ))}
          <AddClause
            groupName={legend}
            path={path}
            onAdd={(added) => onChange({ ...clause, of: [...children, added] })}
          />
        </div>
      )}
    </fieldset>
  );
};

ClauseEditor.propTypes = {
  clause: PropTypes.any, // eslint-disable-line react/forbid-prop-types
  steps: PropTypes.arrayOf(PropTypes.oneOfType([PropTypes.string, PropTypes.number])).isRequired,
  onChange: PropTypes.func.isRequired,
  onRemove: PropTypes.func,
  onMove: PropTypes.func,
  siblings: PropTypes.number,
  problems: problemsShape.isRequired,
  context: PropTypes.shape({}),
  editingSlug: PropTypes.string,
  position: PropTypes.number,
};
ClauseEditor.defaultProps = {
  clause: null,
  onRemove: null,
  onMove: null,
  siblings: 0,
  context: null,
  editingSlug: null,
  position: null,
};

export default ClauseEditor;
