/**
 * Test helpers: frontend-platform's mock app (its authenticated HTTP client is a real axios
 * instance, whose requests axios-mock-adapter answers) and a render with react-intl.
 */
import React from 'react';
import { render } from '@testing-library/react';
import { IntlProvider } from 'react-intl';
import MockAdapter from 'axios-mock-adapter';
import { initializeMockApp } from '@edx/frontend-platform/testing';
import { getAuthenticatedHttpClient } from '@edx/frontend-platform/auth';
import { mergeConfig } from '@edx/frontend-platform';
import { COURSE_KEY } from './fixtures';

export const LMS = 'http://lms.test';
export const API = `${LMS}/api/microcreds/v1`;
export const COURSE = COURSE_KEY;
export const COURSE_PATH = `${API}/courses/${encodeURIComponent(COURSE_KEY)}`;

export function setUpApi() {
  mergeConfig({
    BASE_URL: 'http://studio.test',
    LMS_BASE_URL: LMS,
    LOGIN_URL: `${LMS}/login`,
    LOGOUT_URL: `${LMS}/logout`,
    REFRESH_ACCESS_TOKEN_ENDPOINT: `${LMS}/login_refresh`,
    ACCESS_TOKEN_COOKIE_NAME: 'jwt',
    CSRF_TOKEN_API_PATH: '/csrf/api/v1/token',
  });
  initializeMockApp({ authenticatedUser: { userId: 3, username: 'author', administrator: false } });
  return new MockAdapter(getAuthenticatedHttpClient());
}

export function renderWithIntl(ui) {
  return render(<IntlProvider locale="en">{ui}</IntlProvider>);
}

/** The JSON body a mocked request was sent with. */
export function bodyOf(request) {
  return JSON.parse(request.data);
}
