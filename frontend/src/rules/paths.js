/**
 * JSON paths as the API writes them ("$.of[1].blocks[0].block", "$.rule.of[0].min"), and
 * edits of a rule document at such a path. The builder gives each field the path of its
 * value, so a problem the API reports lands at the field whose path it names.
 */

/** Path of `key` inside the object at `path` (identifier keys with a dot, others quoted). */
export function keyPath(path, key) {
  if (typeof key === 'number') {
    return `${path}[${key}]`;
  }
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`;
}

/** The steps of a path: "$.of[1].min" -> ["of", 1, "min"]. */
export function parsePath(path) {
  if (typeof path !== 'string' || !path.startsWith('$')) {
    return null;
  }
  const steps = [];
  const pattern = /\.([A-Za-z_][A-Za-z0-9_]*)|\[(\d+)\]|\[("(?:[^"\\]|\\.)*")\]/gy;
  pattern.lastIndex = 1;
  while (pattern.lastIndex < path.length) {
    const match = pattern.exec(path);
    if (!match) {
      return null;
    }
    if (match[1] !== undefined) {
      steps.push(match[1]);
    } else if (match[2] !== undefined) {
      steps.push(Number(match[2]));
    } else {
      steps.push(JSON.parse(match[3]));
    }
  }
  return steps;
}

export function formatPath(steps) {
  return steps.reduce((path, step) => keyPath(path, step), '$');
}

/**
 * A problem's path relative to the rule document: paths of a definition's fields
 * ("$.rule.of[0].min") lose their "$.rule" prefix; the validator's are already relative.
 * Returns null for paths that are not inside the rule.
 */
export function rulePath(path, { inDefinition = false } = {}) {
  const steps = parsePath(path);
  if (steps === null) {
    return null;
  }
  if (!inDefinition) {
    return formatPath(steps);
  }
  if (steps[0] !== 'rule') {
    return null;
  }
  return formatPath(steps.slice(1));
}

/**
 * A copy of `doc` with the value at `steps` replaced by `value`; `undefined` removes the key
 * (or the list item).
 */
export function setAt(doc, steps, value) {
  if (steps.length === 0) {
    return value;
  }
  const [head, ...rest] = steps;
  if (Array.isArray(doc)) {
    const copy = doc.slice();
    if (rest.length === 0 && value === undefined) {
      copy.splice(head, 1);
    } else {
      copy[head] = setAt(doc[head], rest, value);
    }
    return copy;
  }
  const copy = { ...(doc || {}) };
  if (rest.length === 0 && value === undefined) {
    delete copy[head];
  } else {
    copy[head] = setAt(copy[head], rest, value);
  }
  return copy;
}

/**
 * The problems at exactly `path`, and those at or below it ("below" for clause-level summaries).
 */
export function problemsAt(problems, path) {
  return problems.filter((problem) => problem.path === path);
}

export function isBelow(path, ancestor) {
  return path === ancestor || path.startsWith(`${ancestor}.`) || path.startsWith(`${ancestor}[`);
}
