/**
 * openedx-microcreds' frontend plugin: the components Open edX MFE plugin slots take
 * (see README.md for env.config.jsx examples).
 */
export { default as MicrocredsCourseAppCard } from './studio/MicrocredsCourseAppCard';
export { default as MyCredentialsWidget } from './learner/MyCredentialsWidget';
export { default as CourseCredentialsPanel } from './learner/CourseCredentialsPanel';
export { default as messages } from './i18n';
