/**
 * The REST API of openedx-microcreds (`/api/microcreds/v1/` on the LMS), reached only through
 * frontend-platform so that the components work unchanged inside any MFE.
 */
import { getConfig } from '@edx/frontend-platform';
import { getAuthenticatedHttpClient } from '@edx/frontend-platform/auth';

const PREFIX = '/api/microcreds/v1';

export function apiUrl(path) {
  return `${getConfig().LMS_BASE_URL}${PREFIX}/${path}`;
}

const enc = encodeURIComponent;
const course = (courseId) => `courses/${enc(courseId)}`;
const definition = (courseId, slug) => `${course(courseId)}/definitions/${enc(slug)}`;

function http() {
  return getAuthenticatedHttpClient();
}

async function get(path, params) {
  const { data } = await http().get(apiUrl(path), params ? { params } : undefined);
  return data;
}

async function post(path, body, config) {
  const { data } = await http().post(apiUrl(path), body, config);
  return data;
}

// --- authoring -----------------------------------------------------------------------------

export async function listDefinitions(courseId, { state, page } = {}) {
  const params = { page_size: 100 };
  if (state) { params.state = state; }
  if (page) { params.page = page; }
  return get(`${course(courseId)}/definitions/`, params);
}

/** Every definition of the course (follows the pages). */
export async function listAllDefinitions(courseId) {
  const all = [];
  for (let page = 1; page < 100; page += 1) {
    // eslint-disable-next-line no-await-in-loop
    const data = await listDefinitions(courseId, { page });
    all.push(...data.results);
    if (!data.next) { break; }
  }
  return all;
}

export async function getDefinition(courseId, slug) {
  const response = await http().get(apiUrl(`${definition(courseId, slug)}/`));
  return { definition: response.data, etag: response.headers?.etag ?? `"${response.data.edit_tag}"` };
}

export async function createDefinition(courseId, fields) {
  return post(`${course(courseId)}/definitions/`, fields);
}

/** An edit; `editTag` is the definition's edit_tag as it was read (412 when it changed). */
export async function updateDefinition(courseId, slug, changes, editTag) {
  const { data } = await http().patch(apiUrl(`${definition(courseId, slug)}/`), changes, {
    headers: { 'If-Match': `"${editTag}"` },
  });
  return data;
}

export async function activateDefinition(courseId, slug, editTag) {
  return updateDefinition(courseId, slug, { state: 'active' }, editTag);
}

export async function archiveDefinition(courseId, slug, editTag) {
  const { data } = await http().delete(apiUrl(`${definition(courseId, slug)}/`), {
    headers: { 'If-Match': `"${editTag}"` },
  });
  return data;
}

export async function duplicateDefinition(courseId, slug, fields = {}) {
  return post(`${definition(courseId, slug)}/duplicate/`, fields);
}

export async function getCourseContext(courseId) {
  return get(`${course(courseId)}/context/`);
}

export async function validateRule(courseId, rule, slug) {
  const body = slug ? { rule, slug } : { rule };
  return post(`${course(courseId)}/rules/validate/`, body);
}

// --- dry runs ------------------------------------------------------------------------------

/** Start a dry run of a saved definition (`{definition: slug}`) or a rule (`{rule}`). */
export async function startDryRun(courseId, request) {
  return post(`${course(courseId)}/dry-run/`, request);
}

export async function getDryRun(courseId, jobId) {
  return get(`${course(courseId)}/dry-run/${enc(jobId)}/`);
}

export async function getDryRunResults(courseId, jobId, { outcome, page } = {}) {
  const params = { page_size: 100 };
  if (outcome) { params.outcome = outcome; }
  if (page) { params.page = page; }
  return get(`${course(courseId)}/dry-run/${enc(jobId)}/results/`, params);
}

// --- awards --------------------------------------------------------------------------------

export async function listAwards(courseId, slug, { state, search, page } = {}) {
  const params = { page_size: 50 };
  if (state) { params.state = state; }
  if (search) { params.search = search; }
  if (page) { params.page = page; }
  return get(`${definition(courseId, slug)}/awards/`, params);
}

export async function revokeAward(courseId, slug, awardId, reason) {
  return post(`${definition(courseId, slug)}/awards/${enc(awardId)}/revoke/`, { reason });
}

export async function reinstateAward(courseId, slug, awardId, reason) {
  return post(`${definition(courseId, slug)}/awards/${enc(awardId)}/reinstate/`, { reason });
}

// --- learners ------------------------------------------------------------------------------

export async function getMyAwards() {
  return get('me/awards/');
}

export async function getMyProgress(courseId) {
  return get(`me/courses/${enc(courseId)}/progress/`);
}

/** The API's error body ({code, detail, problems}) of a failed request, or a generic one. */
export function errorOf(error) {
  const body = error?.response?.data;
  if (body && typeof body === 'object' && body.code) {
    return { status: error.response.status, ...body, problems: body.problems || [] };
  }
  return {
    status: error?.response?.status ?? 0,
    code: 'network_error',
    detail: error?.message || String(error),
    problems: [],
  };
}
