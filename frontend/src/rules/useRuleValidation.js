import { useEffect, useRef, useState } from 'react';
import { errorOf, validateRule } from '../api/client';
import { rulePath } from './paths';

/**
 * Live validation: the rule is sent to `rules/validate/` a moment after the author stops
 * changing it; the answer's problems (paths relative to the rule) come back for the fields.
 * Answers to older versions of the rule are dropped.
 */
export default function useRuleValidation(courseId, rule, slug, { delay = 400 } = {}) {
  const [state, setState] = useState({
    checking: false, valid: null, problems: [], error: null,
  });
  const latest = useRef(0);
  const serialized = JSON.stringify(rule);
  useEffect(() => {
    if (rule === undefined || rule === null) {
      return undefined;
    }
    const request = latest.current + 1;
    latest.current = request;
    setState((previous) => ({ ...previous, checking: true }));
    const timer = setTimeout(async () => {
      try {
        const result = await validateRule(courseId, rule, slug || undefined);
        if (latest.current !== request) { return; }
        setState({
          checking: false,
          valid: result.valid,
          problems: (result.problems || []).map((p) => ({ ...p, path: rulePath(p.path) ?? '$' })),
          error: null,
        });
      } catch (error) {
        if (latest.current !== request) { return; }
        const body = errorOf(error);
        if (body.status === 400 && body.problems.length) {
          // The request itself was refused (e.g. the rule is not an object): "$.rule..." paths.
          setState({
            checking: false,
            valid: false,
            problems: body.problems.map((p) => ({
              severity: 'error', ...p, path: rulePath(p.path, { inDefinition: true }) ?? '$',
            })),
            error: null,
          });
        } else {
          setState({
            checking: false, valid: null, problems: [], error: body.detail,
          });
        }
      }
    }, delay);
    return () => clearTimeout(timer);
  }, [courseId, serialized, slug]); // eslint-disable-line react-hooks/exhaustive-deps
  return state;
}
