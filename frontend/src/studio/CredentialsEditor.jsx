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
  // Opening the editor, or coming back to the list: focus the list's heading (after the
  // dialog's own focus trap has put focus on its first control).
  useEffect(() => {
    if (!isOpen) {
      setSlug(null);
      return undefined;
    }
    const timer = setTimeout(() => listHeading.current?.focus(), 50);
    return () => clearTimeout(timer);
  }, [isOpen, showList]);
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
