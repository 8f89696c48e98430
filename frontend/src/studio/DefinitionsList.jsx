/**
 * The course's credential definitions: state, version, last change, and what an author does
 * with each (edit, duplicate, activate, archive); and creating a new one.
 */
import React, {
  useCallback, useEffect, useRef, useState,
} from 'react';
import PropTypes from 'prop-types';
import {
  Alert, Badge, Button, Form, Spinner,
} from '@openedx/paragon';
import { useIntl } from '@edx/frontend-platform/i18n';
import {
  activateDefinition, archiveDefinition, createDefinition, duplicateDefinition, errorOf,
  listAllDefinitions,
} from '../api/client';
import { defaultRule } from '../rules/clauseTypes';
import FieldMessages, { errorId } from '../common/FieldMessages';
import messages from './messages';

const STATE_VARIANT = { draft: 'secondary', active: 'success', archived: 'dark' };

export const StateBadge = ({ state }) => {
  const intl = useIntl();
  const message = messages[`state_${state}`];
  return (
    <Badge variant={STATE_VARIANT[state] || 'light'} data-testid="microcreds-state">
      {message ? intl.formatMessage(message) : state}
    </Badge>
  );
};
StateBadge.propTypes = { state: PropTypes.string.isRequired };

const CreateForm = ({ courseId, onCreated, onCancel }) => {
  const intl = useIntl();
  const [name, setName] = useState('');
  const [busy, setBusy] = useState(false);
  const [problems, setProblems] = useState([]);
  const [error, setError] = useState(null);
  const input = useRef(null);
  useEffect(() => { input.current?.focus(); }, []);
  const submit = async (event) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const result = await createDefinition(courseId, { name, rule: defaultRule() });
      onCreated(result.definition);
    } catch (failure) {
      const body = errorOf(failure);
      const own = body.problems.filter((p) => p.path === '$.name' || p.path === '$.slug');
      setProblems(own.map((p) => ({ ...p, path: '$.name' })));
      if (own.length !== body.problems.length || !own.length) {
        setError(body.detail);
      }
      input.current?.focus();
    } finally {
      setBusy(false);
    }
  };
  const invalid = problems.length > 0;
  return (
    <Form onSubmit={submit} className="border rounded p-3 mb-3 bg-light-200" aria-labelledby="microcreds-create-heading">
      <h3 id="microcreds-create-heading" className="h4">{intl.formatMessage(messages.createHeading)}</h3>
      {error && <Alert variant="danger" role="alert">{intl.formatMessage(messages.saveFailed, { detail: error })}</Alert>}
      <Form.Group controlId="microcreds-create-name">
        <Form.Label>{intl.formatMessage(messages.createName)}</Form.Label>
        <Form.Control
          id="microcreds-create-name"
          ref={input}
          value={name}
          required
          isInvalid={invalid}
          aria-invalid={invalid || undefined}
          aria-describedby={invalid ? errorId('$.name') : undefined}
          onChange={(event) => setName(event.target.value)}
        />
        <FieldMessages path="$.name" problems={problems} />
      </Form.Group>
      <Button type="submit" disabled={busy || !name.trim()} className="mr-2">
        {intl.formatMessage(messages.createSubmit)}
      </Button>
      <Button variant="tertiary" onClick={onCancel}>{intl.formatMessage(messages.cancel)}</Button>
    </Form>
  );
};

CreateForm.propTypes = {
  courseId: PropTypes.string.isRequired,
  onCreated: PropTypes.func.isRequired,
  onCancel: PropTypes.func.isRequired,
};

const DefinitionsList = ({ courseId, onOpen, headingRef }) => {
  const intl = useIntl();
  const [definitions, setDefinitions] = useState(null);
  const [loadError, setLoadError] = useState(null);
  const [filter, setFilter] = useState('');
  const [creating, setCreating] = useState(false);
  const [notice, setNotice] = useState(null);
  const [actionError, setActionError] = useState(null);
  const createButton = useRef(null);

  const load = useCallback(async () => {
    setLoadError(null);
    try {
      setDefinitions(await listAllDefinitions(courseId));
    } catch (error) {
      setLoadError(errorOf(error).detail);
    }
  }, [courseId]);
  useEffect(() => { load(); }, [load]);

  const act = async (action, definition) => {
    setNotice(null);
    setActionError(null);
    try {
      if (action === 'duplicate') {
        // Named apart from the original, so that two rows never read (and announce) the same.
        const name = intl.formatMessage(messages.copyName, { name: definition.name });
        const result = await duplicateDefinition(courseId, definition.slug, { name });
        setNotice(intl.formatMessage(messages.duplicated, { name: result.definition.name }));
      } else if (action === 'archive') {
        // eslint-disable-next-line no-alert
        if (!window.confirm(intl.formatMessage(messages.archiveConfirm, { name: definition.name }))) { return; }
        await archiveDefinition(courseId, definition.slug, definition.edit_tag);
        setNotice(intl.formatMessage(messages.archived, { name: definition.name }));
      } else if (action === 'activate') {
        await activateDefinition(courseId, definition.slug, definition.edit_tag);
        setNotice(intl.formatMessage(messages.activated, { name: definition.name }));
      }
      await load();
    } catch (error) {
      const body = errorOf(error);
      const details = body.problems.length ? body.problems.map((p) => p.message).join('; ') : body.detail;
      setActionError(intl.formatMessage(messages.saveFailed, { detail: details }));
    }
  };

  const shown = (definitions || []).filter((d) => !filter || d.state === filter);
  return (
    <section aria-labelledby="microcreds-list-heading" data-testid="microcreds-definitions">
      <div className="d-flex align-items-end justify-content-between flex-wrap mb-3">
        <h2 id="microcreds-list-heading" className="h2" tabIndex={-1} ref={headingRef}>
          {intl.formatMessage(messages.listHeading)}
        </h2>
        {/* Nothing to filter or create until the course's list is read (not at all when the
            API refused it: the author would only be refused again). */}
        {definitions !== null && (
        <div className="d-flex align-items-end">
          <Form.Group className="mb-0 mr-3" controlId="microcreds-state-filter">
            <Form.Label>{intl.formatMessage(messages.listFilter)}</Form.Label>
            <Form.Control as="select" id="microcreds-state-filter" value={filter} onChange={(e) => setFilter(e.target.value)}>
              <option value="">{intl.formatMessage(messages.filterAll)}</option>
              {['draft', 'active', 'archived'].map((state) => (
                <option key={state} value={state}>{intl.formatMessage(messages[`state_${state}`])}</option>
              ))}
            </Form.Control>
          </Form.Group>
          {!creating && (
            <Button ref={createButton} onClick={() => setCreating(true)}>
              {intl.formatMessage(messages.createOpen)}
            </Button>
          )}
        </div>
        )}
      </div>
      {creating && (
        <CreateForm
          courseId={courseId}
          onCreated={(definition) => onOpen(definition.slug)}
          onCancel={() => { setCreating(false); setTimeout(() => createButton.current?.focus()); }}
        />
      )}
      <div aria-live="polite">{notice && <Alert variant="success">{notice}</Alert>}</div>
      {actionError && <Alert variant="danger" role="alert">{actionError}</Alert>}
      {loadError && (
        <Alert variant="danger" role="alert" actions={[<Button key="retry" onClick={load}>{intl.formatMessage(messages.retry)}</Button>]}>
          {intl.formatMessage(messages.loadFailed, { detail: loadError })}
        </Alert>
      )}
      {definitions === null && !loadError && <Spinner animation="border" screenReaderText={intl.formatMessage(messages.loading)} />}
      {definitions !== null && shown.length === 0 && <p>{intl.formatMessage(messages.listEmpty)}</p>}
      {shown.length > 0 && (
        <table className="table table-striped microcreds-definitions-table">
          <thead>
            <tr>
              <th scope="col" className="px-2 py-2 border-bottom align-top">{intl.formatMessage(messages.colName)}</th>
              <th scope="col" className="px-2 py-2 border-bottom align-top">{intl.formatMessage(messages.colState)}</th>
              <th scope="col" className="px-2 py-2 border-bottom align-top">{intl.formatMessage(messages.colVersion)}</th>
              <th scope="col" className="px-2 py-2 border-bottom align-top">{intl.formatMessage(messages.colModified)}</th>
              <th scope="col" className="px-2 py-2 border-bottom align-top">{intl.formatMessage(messages.colActions)}</th>
            </tr>
          </thead>
          <tbody>
            {shown.map((definition) => (
              <tr key={definition.slug} data-testid={`microcreds-definition-${definition.slug}`}>
                <th scope="row" className="px-2 py-2 border-bottom align-top">
                  <Button
                    variant="link"
                    className="p-0 text-left"
                    onClick={() => onOpen(definition.slug)}
                    aria-label={intl.formatMessage(messages.edit, { name: definition.name })}
                  >
                    {definition.name}
                  </Button>
                  <div className="small text-muted">{definition.slug}</div>
                </th>
                <td className="px-2 py-2 border-bottom align-top"><StateBadge state={definition.state} /></td>
                <td className="px-2 py-2 border-bottom align-top">{definition.version}</td>
                <td className="px-2 py-2 border-bottom align-top">{intl.formatDate(definition.modified, { dateStyle: 'medium', timeStyle: 'short' })}</td>
                <td className="px-2 py-2 border-bottom align-top">
                  <Button
                    size="sm"
                    variant="outline-primary"
                    className="mr-1 mb-1"
                    onClick={() => act('duplicate', definition)}
                    aria-label={intl.formatMessage(messages.duplicate, { name: definition.name })}
                  >
                    {intl.formatMessage(messages.duplicateButton)}
                  </Button>
                  {definition.state === 'draft' && (
                    <Button
                      size="sm"
                      variant="outline-success"
                      className="mr-1 mb-1"
                      onClick={() => act('activate', definition)}
                      aria-label={intl.formatMessage(messages.activate, { name: definition.name })}
                    >
                      {intl.formatMessage(messages.activateButton)}
                    </Button>
                  )}
                  {definition.state !== 'archived' && (
                    <Button
                      size="sm"
                      variant="outline-danger"
                      className="mb-1"
                      onClick={() => act('archive', definition)}
                      aria-label={intl.formatMessage(messages.archive, { name: definition.name })}
                    >
                      {intl.formatMessage(messages.archiveButton)}
                    </Button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
};

DefinitionsList.propTypes = {
  courseId: PropTypes.string.isRequired,
  onOpen: PropTypes.func.isRequired,
  headingRef: PropTypes.oneOfType([PropTypes.func, PropTypes.shape({})]),
};
DefinitionsList.defaultProps = { headingRef: undefined };

export default DefinitionsList;
