/**
 * The "Micro-credentials" card of Studio's Pages & Resources (`additional_course_plugin`
 * slot). The slot passes no props: the course id comes from the route (`/course/:courseId/...`).
 */
import React, { useRef, useState } from 'react';
import { useParams } from 'react-router-dom';
import { Button, Card } from '@openedx/paragon';
import { useIntl } from '@edx/frontend-platform/i18n';
import CredentialsEditor from './CredentialsEditor';
import messages from './messages';

const MicrocredsCourseAppCard = () => {
  const intl = useIntl();
  const { courseId } = useParams();
  const [isOpen, setOpen] = useState(false);
  const openButton = useRef(null);
  if (!courseId) {
    return null;
  }
  return (
    <Card className="microcreds-course-app-card h-100" data-testid="microcreds-card">
      <Card.Header title={intl.formatMessage(messages.cardTitle)} />
      <Card.Section>
        <p className="small mb-0">{intl.formatMessage(messages.cardDescription)}</p>
      </Card.Section>
      <Card.Footer>
        <Button ref={openButton} onClick={() => setOpen(true)}>{intl.formatMessage(messages.cardOpen)}</Button>
      </Card.Footer>
      <CredentialsEditor
        courseId={courseId}
        isOpen={isOpen}
        onClose={() => { setOpen(false); setTimeout(() => openButton.current?.focus()); }}
      />
    </Card>
  );
};

export default MicrocredsCourseAppCard;
