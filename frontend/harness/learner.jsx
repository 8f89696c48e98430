/**
 * learner.js: the learner dashboard's sidebar (`data-surface="learner-dashboard"`) with
 * MyCredentialsWidget, or the Learning app's course home (`data-surface="course-outline"`,
 * `data-course-id`) with CourseCredentialsPanel in the right column.
 */
import '@openedx/paragon/dist/core.min.css';
import '@openedx/paragon/dist/light.min.css';
import './harness.css';
import React from 'react';
import { createRoot } from 'react-dom/client';
import setUpPlatform from './platform';
import Shell from './Shell';
import { CourseCredentialsPanel, MyCredentialsWidget } from '../src';

const Dashboard = () => (
  <main className="container-fluid py-4 harness-dashboard">
    <h1 className="h2 mb-4">My courses</h1>
    <div className="row">
      <div className="col-lg-8 mb-4">
        <div className="card"><div className="card-body"><p className="mb-0">Course cards (sandbox).</p></div></div>
      </div>
      <aside className="col-lg-4" data-slot-id="org.openedx.frontend.learner_dashboard.widget_sidebar.v1">
        <MyCredentialsWidget />
      </aside>
    </div>
  </main>
);

const CourseHome = ({ courseId }) => ( // eslint-disable-line react/prop-types
  <main className="container-fluid py-4 harness-course-home">
    <h1 className="h2 mb-1">Course home</h1>
    <div className="small text-muted mb-4">{courseId}</div>
    <div className="row">
      <div className="col-lg-8 mb-4">
        <div className="card"><div className="card-body"><p className="mb-0">Course outline (sandbox).</p></div></div>
      </div>
      <aside className="col-lg-4" data-slot-id="course_outline_tab_notifications.v1">
        <CourseCredentialsPanel courseId={courseId} />
      </aside>
    </div>
  </main>
);

const root = document.getElementById('microcreds-root');
if (root) {
  setUpPlatform(root);
  const surface = root.dataset.surface || 'learner-dashboard';
  const page = surface === 'course-outline'
    ? <CourseHome courseId={root.dataset.courseId} />
    : <Dashboard />;
  createRoot(root).render(<Shell>{page}</Shell>);
}
