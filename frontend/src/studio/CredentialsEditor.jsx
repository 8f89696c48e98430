/** The full-screen editor: the course's definitions, or one definition being edited. */
import React, { useEffect, useRef, useState } from 'react';
import PropTypes from 'prop-types';
import { FullscreenModal } from '@openedx/paragon';
import { useIntl } from '@edx/frontend-platform/i18n';
import DefinitionsList from './DefinitionsList';
import DefinitionEditor from './DefinitionEditor';
import messages from './messages';

const CredentialsEditor = ({ courseId, isOpen, onClose }) => {
  const intl = useIntl();
  const [slug, setSlug] = useState(null);
  const listHeading = useRef(null);
  const [showList, setShowList] = useState(0);
  // Back on the list: focus its heading (on first open the dialog focuses itself).
  useEffect(() => {
    if (showList) { setTimeout(() => listHeading.current?.focus()); }
  }, [showList]);
  useEffect(() => { if (!isOpen) { setSlug(null); } }, [isOpen]);
  return (
    <FullscreenModal
      title={intl.formatMessage(messages.editorTitle)}
      isOpen={isOpen}
      onClose={onClose}
      closeLabel={intl.formatMessage(messages.editorClose)}
      className="microcreds-editor"
      modalBodyClassName="bg-light-100"
    >
      <div className="container-fluid py-3" data-testid="microcreds-editor">
        {slug ? (
          <DefinitionEditor
            key={slug}
            courseId={courseId}
            slug={slug}
            onBack={() => { setSlug(null); setShowList((n) => n + 1); }}
          />
        ) : (
          <DefinitionsList courseId={courseId} onOpen={setSlug} headingRef={listHeading} />
        )}
      </div>
    </FullscreenModal>
  );
};

CredentialsEditor.propTypes = {
  courseId: PropTypes.string.isRequired,
  isOpen: PropTypes.bool.isRequired,
  onClose: PropTypes.func.isRequired,
};

export default CredentialsEditor;
