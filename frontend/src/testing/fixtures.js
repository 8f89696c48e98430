/** Answers of the API as the sandbox gives them (shapes copied from real responses). */
export const COURSE_KEY = 'course-v1:OpenedX+DA101+2025';
const block = (type, name) => `block-v1:OpenedX+DA101+2025+type@${type}+block@${name}`;
export const BLOCKS = {
  capstone: block('sequential', 'capstone'),
  lab1: block('sequential', 'lab1'),
  lab2: block('vertical', 'lab2'),
  report: block('vertical', 'report'),
};

export const CONTEXT = {
  course_key: COURSE_KEY,
  display_name: 'Data Analysis with Python',
  blocks: [
    {
      usage_key: block('chapter', 'week1'), block_type: 'chapter', display_name: 'Week 1', graded: false, assignment_type: null, parent: null,
    },
    {
      usage_key: BLOCKS.lab1, block_type: 'sequential', display_name: 'Analysis lab', graded: true, assignment_type: 'Homework', parent: block('chapter', 'week1'),
    },
    {
      usage_key: BLOCKS.lab2, block_type: 'vertical', display_name: 'Cleaning a data set', graded: true, assignment_type: 'Homework', parent: BLOCKS.lab1,
    },
    {
      usage_key: BLOCKS.capstone, block_type: 'sequential', display_name: 'Capstone project', graded: true, assignment_type: 'Exam', parent: block('chapter', 'week1'),
    },
    {
      usage_key: BLOCKS.report, block_type: 'vertical', display_name: 'Report', graded: true, assignment_type: 'Exam', parent: BLOCKS.capstone,
    },
  ],
  assignment_types: ['Homework', 'Exam'],
  credentials: [
    {
      slug: 'python-basics', name: 'Python Basics', course_key: COURSE_KEY, state: 'active',
    },
    {
      slug: 'data-analyst', name: 'Data Analyst', course_key: COURSE_KEY, state: 'draft',
    },
  ],
};

export function definition(overrides = {}) {
  return {
    uuid: '9b0c1a52-3f3b-4d5e-9a55-0a1b2c3d4e5f',
    slug: 'data-analyst',
    name: 'Data Analyst',
    course_key: COURSE_KEY,
    issuer: { id: 1, name: 'Demo University' },
    state: 'draft',
    achievement_type: 'Achievement',
    description: '',
    criteria_narrative: '',
    image_url: '',
    validity_days: null,
    alignments: [],
    rule: { type: 'all', of: [{ type: 'course_passed' }] },
    revoke_on_certificate_revoked: true,
    version: 1,
    revision: 2,
    edit_tag: '1.2',
    created: '2026-11-01T10:00:00+00:00',
    modified: '2026-11-02T10:00:00+00:00',
    ...overrides,
  };
}
