import { defineMessages } from '@edx/frontend-platform/i18n';

const messages = defineMessages({
  widgetTitle: { id: 'microcreds.learner.widget.title', defaultMessage: 'My credentials', description: 'Title of the dashboard widget' },
  widgetEmpty: { id: 'microcreds.learner.widget.empty', defaultMessage: 'No credentials yet. Complete the requirements of a course’s credential to earn one.', description: 'No credentials' },
  loading: { id: 'microcreds.learner.loading', defaultMessage: 'Loading…', description: 'Loading' },
  loadFailed: { id: 'microcreds.learner.load-failed', defaultMessage: 'Your credentials could not be loaded: {detail}', description: 'Request failed' },
  standing_active: { id: 'microcreds.learner.standing.active', defaultMessage: 'Valid', description: 'Credential standing' },
  standing_expired: { id: 'microcreds.learner.standing.expired', defaultMessage: 'Expired', description: 'Credential standing' },
  standing_revoked: { id: 'microcreds.learner.standing.revoked', defaultMessage: 'Revoked', description: 'Credential standing' },
  issuedOn: { id: 'microcreds.learner.issued', defaultMessage: 'Issued {date}', description: 'Issue date' },
  validUntil: { id: 'microcreds.learner.valid-until', defaultMessage: 'valid until {date}', description: 'Expiry date' },
  revokedBecause: { id: 'microcreds.learner.revoked', defaultMessage: 'Revoked: {reason}', description: 'Revocation reason' },
  view: { id: 'microcreds.learner.view', defaultMessage: 'View and share {name}', description: 'Link to the public credential page' },
  download: { id: 'microcreds.learner.download', defaultMessage: 'Download {name} as {kind}', description: 'Download link' },
  downloadShort: { id: 'microcreds.learner.download.short', defaultMessage: '{kind}', description: 'Visible text of a download link' },

  panelTitle: { id: 'microcreds.learner.panel.title', defaultMessage: 'Credentials you can earn here', description: 'Title of the course panel' },
  panelEmpty: { id: 'microcreds.learner.panel.empty', defaultMessage: 'This course offers no credential to earn.', description: 'No credential in the course' },
  panelLoadFailed: { id: 'microcreds.learner.panel.load-failed', defaultMessage: 'Your progress could not be loaded: {detail}', description: 'Request failed' },
  earnedTitle: { id: 'microcreds.learner.earned', defaultMessage: 'Earned here', description: 'Heading of the credentials the learner holds from this course' },
  ready: { id: 'microcreds.learner.ready', defaultMessage: 'All requirements met: your credential is on its way.', description: 'Every requirement met' },
  noGrades: { id: 'microcreds.learner.no-grades', defaultMessage: 'Your grades could not be read just now; try again later.', description: 'Checklist unavailable' },
  progressOf: { id: 'microcreds.learner.progress', defaultMessage: '{met} of {needed} requirements met', description: 'Progress summary' },
  progressLabel: { id: 'microcreds.learner.progress.label', defaultMessage: 'Progress towards {name}', description: 'Accessible name of the progress bar' },
  met: { id: 'microcreds.learner.met', defaultMessage: 'Met', description: 'A requirement met' },
  notMet: { id: 'microcreds.learner.not-met', defaultMessage: 'Not yet', description: 'A requirement not met' },
  scoreNeeded: { id: 'microcreds.learner.score-needed', defaultMessage: 'You have {score}; {needed} needed', description: 'Learner score against the threshold' },
  scoreOnly: { id: 'microcreds.learner.score-only', defaultMessage: 'You have {score}', description: 'Learner score' },
  neededOnly: { id: 'microcreds.learner.needed-only', defaultMessage: '{needed} needed', description: 'Threshold only' },
});

export default messages;
