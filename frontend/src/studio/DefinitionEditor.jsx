/**
 * One credential definition: its details and rule (builder, JSON view, live validation),
 * saving with the edit tag, activating and archiving; the preview and the awards in tabs.
 */
import React, {
  useCallback, useEffect, useLayoutEffect, useRef, useState,
} from 'react';
import PropTypes from 'prop-types';
import {
  Alert, Button, Form, Spinner, Tab, Tabs,
} from '@openedx/paragon';
import { ArrowBack } from '@openedx/paragon/icons';
import { useIntl } from '@edx/frontend-platform/i18n';
import {
  archiveDefinition, errorOf, getCourseContext, getDefinition, updateDefinition,
} from '../api/client';
import RuleBuilder from '../rules/RuleBuilder';
import useRuleValidation from '../rules/useRuleValidation';
import { rulePath } from '../rules/paths';
import FieldMessages, { errorId } from '../common/FieldMessages';
import { StateBadge } from './DefinitionsList';
import PreviewPanel from './PreviewPanel';
import AwardsPanel from './AwardsPanel';
import messages from './messages';

/** The fields of a definition this editor changes (the API's names). */
const DETAIL_FIELDS = [
  { key: 'name', label: messages.fieldName, required: true },
  { key: 'description', label: messages.fieldDescription, as: 'textarea' },
  { key: 'criteria_narrative', label: messages.fieldCriteria, as: 'textarea' },
  { key: 'validity_days', label: messages.fieldValidity, type: 'number' },
  { key: 'image_url', label: messages.fieldImage, type: 'url' },
  { key: 'revoke_on_certificate_revoked', label: messages.fieldRevokeWithCertificate, type: 'checkbox' },
];
const EDITED = [...DETAIL_FIELDS.map((f) => f.key), 'rule'];

function draftOf(definition) {
  const draft = {};
  EDITED.forEach((key) => { draft[key] = definition[key]; });
  return draft;
}

function changesOf(definition, draft) {
  const changes = {};
  EDITED.forEach((key) => {
    if (JSON.stringify(definition[key]) !== JSON.stringify(draft[key])) {
      changes[key] = draft[key];
    }
  });
  return changes;
}

/** Splits a save's problems: the rule's (paths inside the rule), the details', the rest. */
export function splitProblems(problems) {
  const rule = [];
  const details = [];
  const other = [];
  problems.forEach((problem) => {
    const inRule = rulePath(problem.path, { inDefinition: true });
    const withSeverity = { severity: 'error', ...problem };
    if (inRule !== null) {
      rule.push({ ...withSeverity, path: inRule });
    } else if (DETAIL_FIELDS.some((field) => problem.path === `$.${field.key}`)) {
      details.push(withSeverity);
    } else {
      other.push(withSeverity);
    }
  });
  return { rule, details, other };
}

const DetailField = ({
  field, value, onChange, problems,
}) => {
  const intl = useIntl();
  const path = `$.${field.key}`;
  const mine = problems.filter((p) => p.path === path);
  const id = `microcreds-detail-${field.key}`;
  if (field.type === 'checkbox') {
    return (
      <Form.Group className="mb-2">
        <Form.Checkbox
          id={id}
          checked={Boolean(value)}
          data-path={path}
          aria-describedby={mine.length ? errorId(path) : undefined}
          onChange={(event) => onChange(event.target.checked)}
        >
          {intl.formatMessage(field.label)}
        </Form.Checkbox>
        <FieldMessages path={path} problems={mine} />
      </Form.Group>
    );
  }
  return (
    <Form.Group className="mb-2" controlId={id}>
      <Form.Label>{intl.formatMessage(field.label)}</Form.Label>
      <Form.Control
        id={id}
        as={field.as}
        type={field.type}
        rows={field.as === 'textarea' ? 3 : undefined}
        value={value ?? ''}
        data-path={path}
        isInvalid={mine.length > 0}
        aria-invalid={mine.length > 0 || undefined}
        aria-describedby={mine.length ? errorId(path) : undefined}
        onChange={(event) => {
          const text = event.target.value;
          if (field.type === 'number') {
            onChange(text === '' ? null : Number(text));
          } else {
            onChange(text);
          }
        }}
      />
      <FieldMessages path={path} problems={mine} />
    </Form.Group>
  );
};

DetailField.propTypes = {
  field: PropTypes.shape({
    key: PropTypes.string, label: PropTypes.shape({}), as: PropTypes.string, type: PropTypes.string,
  }).isRequired,
  value: PropTypes.oneOfType([PropTypes.string, PropTypes.number, PropTypes.bool]),
  onChange: PropTypes.func.isRequired,
  problems: PropTypes.arrayOf(PropTypes.shape({})).isRequired,
};
DetailField.defaultProps = { value: null };

const DefinitionEditor = ({ courseId, slug, onBack }) => {
  const intl = useIntl();
  const [definition, setDefinition] = useState(null);
  const [draft, setDraft] = useState(null);
  const [context, setContext] = useState(null);
  const [loadError, setLoadError] = useState(null);
  const [saving, setSaving] = useState(false);
  const [saveResult, setSaveResult] = useState(null); // {kind, text, problems, warnings}
  const [focusErrors, setFocusErrors] = useState(0);
  const [tab, setTab] = useState('definition');
  const heading = useRef(null);
  const root = useRef(null);
  const resultBox = useRef(null);

  const load = useCallback(async () => {
    setLoadError(null);
    try {
      const [{ definition: loaded }, courseContext] = await Promise.all([
        getDefinition(courseId, slug),
        getCourseContext(courseId).catch(() => null),
      ]);
      setDefinition(loaded);
      setDraft(draftOf(loaded));
      setContext(courseContext);
      setSaveResult(null);
    } catch (error) {
      setLoadError(errorOf(error).detail);
    }
  }, [courseId, slug]);
  useEffect(() => { load(); }, [load]);

  // Opening a definition moves focus to its heading.
  const loaded = definition !== null;
  useEffect(() => { if (loaded) { heading.current?.focus(); } }, [loaded]);

  // After a refused save, focus goes to the first field with an error, else to the message.
  useLayoutEffect(() => {
    if (!focusErrors) { return; }
    const invalid = root.current?.querySelector('[aria-invalid="true"]');
    (invalid || resultBox.current)?.focus();
  }, [focusErrors]);

  const validation = useRuleValidation(courseId, draft?.rule, slug);

  if (loadError) {
    return (
      <Alert variant="danger" role="alert" actions={[<Button key="retry" onClick={load}>{intl.formatMessage(messages.retry)}</Button>]}>
        {intl.formatMessage(messages.loadFailed, { detail: loadError })}
      </Alert>
    );
  }
  if (!definition || !draft) {
    return <Spinner animation="border" screenReaderText={intl.formatMessage(messages.loading)} />;
  }

  const changes = changesOf(definition, draft);
  const dirty = Object.keys(changes).length > 0;
  const saved = splitProblems(saveResult?.problems || []);
  // The live validation speaks for the rule as it is now; a refused save's rule problems
  // are kept for paths the live validation does not (yet) report.
  const livePaths = new Set(validation.problems.map((p) => `${p.path} ${p.message}`));
  const ruleProblems = [
    ...validation.problems,
    ...saved.rule.filter((p) => !livePaths.has(`${p.path} ${p.message}`)),
  ];

  const edit = (key, value) => {
    setDraft((previous) => ({ ...previous, [key]: value }));
  };

  const save = async (extra = {}) => {
    setSaving(true);
    setSaveResult(null);
    try {
      const result = await updateDefinition(courseId, slug, { ...changes, ...extra }, definition.edit_tag);
      setDefinition(result.definition);
      setDraft(draftOf(result.definition));
      let text = intl.formatMessage(messages.saved);
      if (extra.state === 'active') {
        text = intl.formatMessage(messages.activated, { name: result.definition.name });
      }
      setSaveResult({
        kind: 'success', text, problems: [], warnings: result.warnings || [],
      });
    } catch (error) {
      const body = errorOf(error);
      if (body.status === 412) {
        setSaveResult({ kind: 'stale', text: intl.formatMessage(messages.stale), problems: [] });
      } else if (body.problems.length) {
        setSaveResult({
          kind: 'problems',
          text: intl.formatMessage(messages.saveProblems, { count: body.problems.length }),
          problems: body.problems,
        });
      } else {
        setSaveResult({ kind: 'error', text: intl.formatMessage(messages.saveFailed, { detail: body.detail }), problems: [] });
      }
      setFocusErrors((n) => n + 1);
    } finally {
      setSaving(false);
    }
  };

  const archive = async () => {
    // eslint-disable-next-line no-alert
    if (!window.confirm(intl.formatMessage(messages.archiveConfirm, { name: definition.name }))) { return; }
    try {
      const archived = await archiveDefinition(courseId, slug, definition.edit_tag);
      setDefinition(archived);
      setDraft(draftOf(archived));
      setSaveResult({ kind: 'success', text: intl.formatMessage(messages.archived, { name: archived.name }), problems: [] });
    } catch (error) {
      const body = errorOf(error);
      setSaveResult({
        kind: body.status === 412 ? 'stale' : 'error',
        text: body.status === 412
          ? intl.formatMessage(messages.stale)
          : intl.formatMessage(messages.saveFailed, { detail: body.detail }),
        problems: body.problems,
      });
      setFocusErrors((n) => n + 1);
    }
  };

  let saveLabel = definition.state === 'active' ? messages.saveActive : messages.save;
  if (saving) { saveLabel = messages.saving; }
  const variants = {
    success: 'success', stale: 'warning', problems: 'danger', error: 'danger',
  };
  return (
    <div ref={root} className="microcreds-definition-editor" data-testid="microcreds-definition-editor">
      <Button
        variant="tertiary"
        iconBefore={ArrowBack}
        className="mb-2"
        onClick={() => {
          // eslint-disable-next-line no-alert
          if (!dirty || window.confirm(intl.formatMessage(messages.leaveUnsaved))) { onBack(); }
        }}
      >
        {intl.formatMessage(messages.back)}
      </Button>
      <div className="d-flex align-items-center flex-wrap mb-2">
        <h2 className="h2 mb-0 mr-3" tabIndex={-1} ref={heading}>
          {intl.formatMessage(messages.editHeading, { name: definition.name })}
        </h2>
        <StateBadge state={definition.state} />
        <span className="ml-3 small text-muted">{definition.slug}</span>
      </div>
      <Tabs id="microcreds-editor-tabs" activeKey={tab} onSelect={(key) => setTab(key)} className="mb-3">
        <Tab eventKey="definition" title={intl.formatMessage(messages.tabDefinition)}>
          <div className="pt-2">
            {definition.state === 'active' && <Alert variant="info">{intl.formatMessage(messages.activeNote)}</Alert>}
            <div aria-live="polite" tabIndex={-1} ref={resultBox} data-testid="microcreds-save-result">
              {saveResult && (
                <Alert
                  variant={variants[saveResult.kind]}
                  actions={saveResult.kind === 'stale' ? [<Button key="reload" onClick={load}>{intl.formatMessage(messages.reload)}</Button>] : undefined}
                >
                  <div role={saveResult.kind === 'success' ? undefined : 'alert'}>{saveResult.text}</div>
                  {saved.other.length > 0 && (
                    <ul className="mb-0" aria-label={intl.formatMessage(messages.otherProblems)}>
                      {saved.other.map((p) => <li key={`${p.path}-${p.message}`}>{`${p.path}: ${p.message}`}</li>)}
                    </ul>
                  )}
                  {saveResult.warnings?.length > 0 && (
                    <>
                      <div>{intl.formatMessage(messages.warnings)}</div>
                      <ul className="mb-0">
                        {saveResult.warnings.map((p) => <li key={`${p.path}-${p.message}`}>{`${p.path}: ${p.message}`}</li>)}
                      </ul>
                    </>
                  )}
                </Alert>
              )}
            </div>
            <div className="row">
              <section className="col-xl-3 col-lg-4" aria-labelledby="microcreds-details-heading">
                <h3 id="microcreds-details-heading" className="h3">{intl.formatMessage(messages.detailsHeading)}</h3>
                {DETAIL_FIELDS.map((field) => (
                  <DetailField
                    key={field.key}
                    field={field}
                    value={draft[field.key]}
                    problems={saved.details}
                    onChange={(value) => edit(field.key, value)}
                  />
                ))}
              </section>
              <div className="col-xl-9 col-lg-8">
                <RuleBuilder
                  rule={draft.rule}
                  onChange={(rule) => edit('rule', rule)}
                  problems={ruleProblems}
                  validation={validation}
                  context={context}
                  editingSlug={slug}
                />
              </div>
            </div>
            <div className="d-flex align-items-center border-top pt-3 mt-2 microcreds-editor-actions">
              <Button className="mr-2" disabled={saving || !dirty} onClick={() => save()}>
                {intl.formatMessage(saveLabel)}
              </Button>
              {definition.state === 'draft' && (
                <Button variant="success" className="mr-2" disabled={saving} onClick={() => save({ state: 'active' })}>
                  {intl.formatMessage(messages.activateButton)}
                </Button>
              )}
              {definition.state !== 'archived' && (
                <Button variant="outline-danger" className="mr-2" disabled={saving} onClick={archive}>
                  {intl.formatMessage(messages.archiveButton)}
                </Button>
              )}
              {dirty && <span className="small text-muted">{intl.formatMessage(messages.unsaved)}</span>}
            </div>
          </div>
        </Tab>
        <Tab eventKey="preview" title={intl.formatMessage(messages.tabPreview)}>
          <PreviewPanel
            courseId={courseId}
            slug={slug}
            rule={draft.rule}
            unsaved={'rule' in changes}
            context={context}
          />
        </Tab>
        <Tab eventKey="awarded" title={intl.formatMessage(messages.tabAwarded)}>
          {tab === 'awarded' && <AwardsPanel courseId={courseId} slug={slug} />}
        </Tab>
      </Tabs>
    </div>
  );
};

DefinitionEditor.propTypes = {
  courseId: PropTypes.string.isRequired,
  slug: PropTypes.string.isRequired,
  onBack: PropTypes.func.isRequired,
};

export default DefinitionEditor;
