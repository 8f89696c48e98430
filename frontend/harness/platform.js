/**
 * frontend-platform set up for the harness pages the sandbox serves: configuration from the
 * root element's data attributes, console logging, i18n, and an auth service that uses the
 * Django session of the same origin (cookies, and the csrftoken cookie as X-CSRFToken on
 * unsafe requests). Real MFEs use frontend-platform's JWT auth instead; nothing in src/
 * depends on this file.
 */
import axios from 'axios';
import { mergeConfig, getConfig } from '@edx/frontend-platform';
import { configure as configureAuth } from '@edx/frontend-platform/auth';
import { configure as configureLogging } from '@edx/frontend-platform/logging';
import { configure as configureI18n } from '@edx/frontend-platform/i18n';
import appMessages from '../src/i18n';

function cookie(name) {
  const found = document.cookie.split(';').map((part) => part.trim()).find((part) => part.startsWith(`${name}=`));
  return found ? decodeURIComponent(found.slice(name.length + 1)) : null;
}

class ConsoleLoggingService {
  constructor() { this.attributes = {}; }

  // eslint-disable-next-line no-console
  logInfo(message, attributes) { console.info(message, attributes || ''); }

  // eslint-disable-next-line no-console
  logError(error, attributes) { console.error(error, attributes || ''); }

  setCustomAttribute(name, value) { this.attributes[name] = value; }
}

const SAFE = ['get', 'head', 'options'];

class SessionAuthService {
  constructor({ config }) {
    this.config = config;
    this.user = null;
    this.client = axios.create({ withCredentials: true });
    this.client.interceptors.request.use((request) => {
      if (!SAFE.includes((request.method || 'get').toLowerCase())) {
        const token = cookie('csrftoken');
        if (token) {
          request.headers['X-CSRFToken'] = token;
        }
      }
      return request;
    });
  }

  getAuthenticatedHttpClient() { return this.client; }

  getHttpClient() { return this.client; }

  getLoginRedirectUrl(redirectUrl = window.location.href) {
    return `${this.config.LOGIN_URL}?next=${encodeURIComponent(redirectUrl)}`;
  }

  redirectToLogin(redirectUrl) { window.location.assign(this.getLoginRedirectUrl(redirectUrl)); }

  getLogoutRedirectUrl() { return this.config.LOGOUT_URL; }

  redirectToLogout() { window.location.assign(this.getLogoutRedirectUrl()); }

  getAuthenticatedUser() { return this.user; }

  setAuthenticatedUser(user) { this.user = user; }

  async fetchAuthenticatedUser() { return this.user; }

  async ensureAuthenticatedUser() { return this.user; }

  async hydrateAuthenticatedUser() { return this.user; }
}

/** Configure frontend-platform from `<div id="microcreds-root" data-...>`. */
export default function setUpPlatform(root) {
  const lms = (root.dataset.lmsBaseUrl || window.location.origin).replace(/\/$/, '');
  mergeConfig({
    BASE_URL: window.location.origin,
    LMS_BASE_URL: lms,
    LOGIN_URL: `${lms}/login/`,
    LOGOUT_URL: `${lms}/logout/`,
    REFRESH_ACCESS_TOKEN_ENDPOINT: `${lms}/login_refresh`,
    ACCESS_TOKEN_COOKIE_NAME: 'edx-jwt-cookie-header-payload',
    CSRF_TOKEN_API_PATH: '/csrf/api/v1/token',
    LANGUAGE_PREFERENCE_COOKIE_NAME: 'openedx-language-preference',
    ENVIRONMENT: 'production',
  });
  const config = getConfig();
  const loggingService = configureLogging(ConsoleLoggingService, { config });
  configureAuth(SessionAuthService, { config, loggingService });
  configureI18n({ config, loggingService, messages: [appMessages] });
  return config;
}
